"""What every fuzz test of a reader shares: the budget, byte-level mutation of real fixtures, a
time bound on each input, and the tally ``make fuzz`` prints.

A reader passes when every input ends in a result or in the reader's own refusal (one line, no
traceback), within :data:`SECONDS` per input.  ``make test`` (and CI) runs a fixed small budget;
``make fuzz`` (``tests/fuzz/run.py``) sets ``PARAMPROOF_FUZZ_INPUTS`` (byte-level inputs per
reader) and ``PARAMPROOF_FUZZ_EXAMPLES`` (hypothesis examples per structured test) high, runs each
reader's file in its own process with a memory limit, and prints the tally each test writes.
"""

from __future__ import annotations

import functools
import json
import os
import random
import re
import signal
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from hypothesis import HealthCheck, settings

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "tests" / "data"
#: Byte-level mutated inputs per reader (make fuzz: 100,000).
INPUTS = int(os.environ.get("PARAMPROOF_FUZZ_INPUTS", "300"))
#: Hypothesis examples per structured test (make fuzz: 10,000).
EXAMPLES = int(os.environ.get("PARAMPROOF_FUZZ_EXAMPLES", "60"))
#: The longest any one input may take.
SECONDS = float(os.environ.get("PARAMPROOF_FUZZ_SECONDS", "10"))
#: Where each test adds its count of inputs (make fuzz reads it back).
TALLY = os.environ.get("PARAMPROOF_FUZZ_TALLY")
#: The seed of the byte-level mutations (make fuzz draws a new one per run and prints it).
SEED = int(os.environ.get("PARAMPROOF_FUZZ_SEED", "0"))

#: The settings of every structured (hypothesis) fuzz test.
FUZZ_SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.filter_too_much],
)

T = TypeVar("T")


class Hang(AssertionError):
    """An input that took longer than :data:`SECONDS`."""


@contextmanager
def time_bound(what: str, seconds: float = SECONDS) -> Iterator[None]:
    """Fail with :class:`Hang` naming ``what`` when the block runs longer than ``seconds``
    (SIGALRM interrupts Python code and the regex engine alike)."""

    def _alarm(signum: int, frame: Any) -> None:
        raise Hang(f"over {seconds:g} s on {what}")

    previous = signal.signal(signal.SIGALRM, _alarm)
    signal.setitimer(signal.ITIMER_REAL, seconds)
    try:
        yield
    finally:
        signal.setitimer(signal.ITIMER_REAL, 0)
        signal.signal(signal.SIGALRM, previous)


def bounded(fn: Callable[..., T], *args: Any, what: str = "an input", **kwargs: Any) -> T:
    with time_bound(what):
        return fn(*args, **kwargs)


def assert_one_line(message: str, *, names: str | None = None) -> None:
    """A refusal is one non-empty line (naming ``names``, the file, when given)."""
    text = str(message)
    assert text.strip(), "an empty message"
    assert "\n" not in text.strip(), f"a message of several lines: {text!r}"
    if names is not None:
        assert names in text, f"the message does not name {names!r}: {text!r}"


_TRACEBACK = re.compile(r'Traceback \(most recent call last\):\s*\n\s+File "')


def assert_no_traceback(output: str, what: object = "") -> None:
    """No Python traceback in a command's output (a pasted one quoted in a message is fine: only
    the traceback's own ``File "..."`` line after its header counts)."""
    assert not _TRACEBACK.search(output), f"{what}: {output[-4000:]}"


def tally(reader: str, count: int) -> None:
    """Add ``count`` inputs fed to ``reader`` to the tally file (``make fuzz`` sums them)."""
    if not TALLY:
        return
    with open(TALLY, "a", encoding="utf-8") as handle:
        handle.write(json.dumps({"reader": reader, "inputs": count}) + "\n")


def counted(reader: str) -> Callable[[Callable[..., T]], Callable[..., T]]:
    """Decorate the body of a hypothesis test: each example it runs is tallied for ``reader``."""

    def wrap(fn: Callable[..., T]) -> Callable[..., T]:
        @functools.wraps(fn)
        def inner(*args: Any, **kwargs: Any) -> T:
            tally(reader, 1)
            return fn(*args, **kwargs)

        return inner

    return wrap


# -- byte-level mutation ----------------------------------------------------------------------

#: Tokens that hostile or broken files are made of: deep nesting, numbers past int64, odd
#: encodings, control characters, separators of the formats read.
INTERESTING: tuple[bytes, ...] = (
    b"[" * 5000,
    b"{" * 3000,
    b'{"a":' * 2000,
    b"]" * 50,
    b"99999999999999999999999999999999999999",
    b"-1",
    b"0",
    b"1e999",
    b"NaN",
    b"Infinity",
    b"null",
    b"true",
    b'""',
    b"\x00",
    b"\xff\xfe",
    b"\xef\xbb\xbf",
    b"\xc3\x28",
    "\u2502\u2500\u2501\u2503\u2014\u2026".encode(),
    b"\r\n",
    b"\n" * 200,
    b",",
    b'"',
    b"\\",
    b"|",
    b"(None, ",
    b"9" * 5000,
    b"A" * 70_000,
    b"(" * 3000,
    b"PK\x03\x04",
    b"\x89HDF\r\n\x1a\n",
)


def mutate(data: bytes, rng: random.Random) -> bytes:
    """One to eight edits of ``data``: flips, deletions, duplications, insertions of
    :data:`INTERESTING` tokens, truncation, splices of the file with itself."""
    buf = bytearray(data)
    for _ in range(rng.randint(1, 8)):
        kind = rng.randrange(9)
        n = len(buf)
        at = rng.randrange(n + 1) if n else 0
        if kind == 0 and n:
            buf[min(at, n - 1)] ^= 1 << rng.randrange(8)
        elif kind == 1 and n:
            buf[min(at, n - 1)] = rng.randrange(256)
        elif kind == 2 and n:
            del buf[at : at + rng.randint(1, 64)]
        elif kind == 3:
            buf[at:at] = rng.choice(INTERESTING)
        elif kind == 4 and n:
            start = rng.randrange(n)
            buf[at:at] = buf[start : start + rng.randint(1, 256)]
        elif kind == 5 and n:
            del buf[rng.randrange(n) :]
        elif kind == 6 and n:
            start = rng.randrange(n)
            chunk = bytes(buf[start : start + rng.randint(1, 32)])
            buf[at:at] = chunk * rng.randint(2, 200)
        elif kind == 7 and n:
            digits = str(rng.choice([0, 1, -1, 2**31, 2**63, 10**30, rng.randrange(10**6)])).encode()
            buf[at:at] = digits
        elif kind == 8 and n > 1:
            a, b = sorted(rng.sample(range(n), 2))
            buf[a:b] = bytes(reversed(buf[a:b]))
    return bytes(buf)


def mutants(seeds: Sequence[bytes], count: int = INPUTS, salt: str = "") -> Iterator[tuple[int, bytes]]:
    """``count`` mutants of ``seeds`` (each seed in turn), reproducible from :data:`SEED` and
    ``salt``: ``(index, bytes)``; the index and seed reproduce one (:func:`mutant`)."""
    for index in range(count):
        yield index, mutant(seeds, index, salt)


def mutant(seeds: Sequence[bytes], index: int, salt: str = "") -> bytes:
    rng = random.Random(f"{SEED}:{salt}:{index}")
    return mutate(seeds[index % len(seeds)], rng)


def _where(exc: BaseException) -> str:
    """The innermost frame of ``exc`` with a line number: where the input was when it failed."""
    tb, found = exc.__traceback__, "?"
    while tb is not None:
        if tb.tb_lineno is not None:
            found = f"{Path(tb.tb_frame.f_code.co_filename).name}:{tb.tb_lineno} {tb.tb_frame.f_code.co_name}"
        tb = tb.tb_next
    return found


class Progress:
    """For long ``make fuzz`` runs: a line every minute saying how far a reader is."""

    def __init__(self, reader: str, total: int) -> None:
        self.reader, self.total, self.start, self.last = reader, total, time.monotonic(), time.monotonic()

    def step(self, done: int) -> None:
        now = time.monotonic()
        if TALLY and now - self.last > 60:
            self.last = now
            print(f"  {self.reader}: {done:,}/{self.total:,} inputs, {now - self.start:,.0f} s", flush=True)


def run_mutants(reader: str, seeds: Sequence[bytes], check: Callable[[bytes], None], salt: str = "") -> int:
    """Feed :data:`INPUTS` mutants of ``seeds`` to ``check`` (which asserts the reader's contract
    on one input), each bounded by :data:`SECONDS`; a failure names the mutant's index and seed so
    it can be replayed with :func:`mutant`.  Returns the count and tallies it."""
    progress = Progress(reader, INPUTS)
    done = 0
    for index, data in mutants(seeds, INPUTS, salt or reader):
        try:
            with time_bound(f"{reader} mutant {index} (seed {SEED}, salt {salt or reader!r})"):
                check(data)
        except Exception as exc:  # noqa: BLE001 - a traceback of any kind is what the fuzz looks for
            what = str(exc) if isinstance(exc, AssertionError) else f"{type(exc).__name__}: {exc}"
            raise AssertionError(
                f"{reader}: mutant {index} (PARAMPROOF_FUZZ_SEED={SEED}, salt {salt or reader!r}, {len(data):,} bytes): {what[:2000]}"
                f" [at {_where(exc)}]"
            ) from None  # not chained: a traceback cut by SIGALRM can lack line numbers, which stops pytest's report
        done += 1
        progress.step(done)
    tally(reader, done)
    return done
