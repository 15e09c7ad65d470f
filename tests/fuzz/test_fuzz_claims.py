"""Fuzz the ``claim`` argument path without Keras: :func:`verify.claim.prepare` (CLASS, EXPR,
--where, --vary, --samples, --seed) on mutated claims, then what the workers do with a parsed claim
(evaluate it, substitute values, show each side) on drawn values, and ``paramproof claim ...``
through :func:`verify.cli.main` up to where the worker pool would start.

Contract: a claim is prepared or refused with :class:`ClaimSyntaxError` / :class:`ClaimError`
(one line, plus the caret line under the offending token, which is not part of the message); a
prepared claim evaluates to True/False or :class:`EvalError` on any values, never another
exception.  Claims come from the command line only (no claim file exists), so the limits are the
claim language's own: :data:`verify.claim_expr.MAX_LENGTH` characters, ``MAX_NODES`` syntax nodes,
``MAX_BITS`` per number.
"""

from __future__ import annotations

import random
from fractions import Fraction
from pathlib import Path
from typing import Any

import fuzzing
from hypothesis import given
from hypothesis import strategies as st
from test_fuzz_arguments import run_main, sandbox

from verify.claim import EXAMPLES, Claim, ClaimError, prepare
from verify.claim_expr import MAX_LENGTH, ClaimSyntaxError, EvalError
from verify.limits import MAX_CLAIM_CHARS
from verify.spaces import all_spaces

READER = "claims"
SPACES = all_spaces()

CLAIMS = [(e.class_name, e.text, None, e.vary.value) for e in EXAMPLES] + [
    ("Dense", "params == units * (inputs + 1)", "units > 2 and use_bias == 1", "mentioned"),
    ("Conv2D", "params <= filters * (in_channels * kernel_size[0] * kernel_size[1] + 1)", "kernel_size[0] >= 3", "all"),
    ("LSTM", "params == 4 * (units * (inputs + units) + units)", "1 <= units < 64", "mentioned"),
    ("Embedding", "params == input_dim * output_dim", "not (input_dim % 2)", "mentioned"),
    ("DepthwiseConv2D", "trainable + non_trainable == params", None, "all"),
    ("BatchNormalization", "non_trainable == 2 * in_channels", "max(in_channels, 1) ** 2 >= 1", "mentioned"),
]
SEEDS = [b"\x00".join(p.encode() for p in (c, t, w or "", v)) for c, t, w, v in CLAIMS]


def _values(names: set[str], rng: random.Random) -> dict[str, Any]:
    choices: list[Any] = [
        0,
        1,
        -1,
        7,
        2**63 - 1,
        2**4096,
        1.5,
        float("inf"),
        float("nan"),
        Fraction(7, 3),
        (3, 3),
        (),
        (1, 2, 3),
        None,
        True,
    ]
    return {name: rng.choice(choices) for name in names}


def check_prepared(claim: Claim, rng: random.Random) -> None:
    """What a worker does with a claim on one sample: evaluate, substitute, show each side."""
    for _ in range(3):
        values = _values(claim.names(), rng)
        for expr in (claim.expr, claim.where):
            if expr is None:
                continue
            try:
                assert expr.evaluate(values) in (True, False)
            except EvalError as exc:
                fuzzing.assert_one_line(str(exc))
            assert isinstance(expr.substituted(values), str)
            assert all(isinstance(a, str) and isinstance(b, str) for a, b in expr.sides(values))


def check_claim(class_name: str, text: str, where: str | None, vary: str, rng: random.Random) -> None:
    try:
        claim = prepare(class_name, text, vary=vary, where=where, spaces=SPACES)
    except (ClaimSyntaxError, ClaimError) as exc:
        fuzzing.assert_one_line(str(exc))
        if isinstance(exc, ClaimSyntaxError):
            assert isinstance(exc.pointer(), str)
        return
    except ValueError as exc:  # --vary's own choices; argparse refuses others before prepare
        assert vary not in ("mentioned", "all"), exc
        return
    check_prepared(claim, rng)


def _parts(data: bytes) -> tuple[str, str, str | None, str]:
    parts = [p.decode("utf-8", errors="surrogateescape") for p in data.split(b"\x00")]
    parts += [""] * (4 - len(parts))
    class_name, text, where, vary = parts[0], parts[1], parts[2] or None, parts[3]
    return class_name, text, where, vary if vary in ("mentioned", "all") else "mentioned"


def test_the_limit_of_a_claim_is_the_shared_one() -> None:
    assert MAX_LENGTH == MAX_CLAIM_CHARS


def test_byte_mutants_of_claims() -> None:
    def check(data: bytes) -> None:
        check_claim(*_parts(data), random.Random(data))

    fuzzing.run_mutants(READER, SEEDS, check)


def test_byte_mutants_of_claim_commands(tmp_path: Path) -> None:
    """``paramproof claim CLASS EXPR [--where W] [--vary V]``: mutated, stopped before the pool."""

    def check(data: bytes) -> None:
        class_name, text, where, vary = _parts(data)
        argv = ["claim", class_name, text, "--vary", vary] + (["--where", where] if where is not None else [])
        run_main(argv)

    with sandbox(tmp_path):
        fuzzing.run_mutants(READER, SEEDS[: len(SEEDS) // 2 + 1], check, salt="claim-command")


# -- structured --------------------------------------------------------------------------------

NAMES = st.sampled_from(
    ["units", "inputs", "in_channels", "params", "trainable", "non_trainable", "bytes", "kernel_size", "filters", "use_bias", "x"]
)
ATOMS = st.one_of(
    NAMES,
    st.integers(-(2**70), 2**70).map(str),
    st.sampled_from(["9" * 1300, "1e308", "1e999", "0.1", "True", "0", "(1, 2)", "kernel_size[0]", "kernel_size[99]"]),
    st.sampled_from(["prod(kernel_size)", "max(units, 1)", "ceil(units / 3)", "abs(-units)", "floor(1e308)", "min()"]),
)
OPS = st.sampled_from(["+", "-", "*", "/", "//", "%", "**", "==", "<", "<=", "!=", "and", "or", "@", "|", ".", "[", "("])


@st.composite
def claim_text(draw: st.DrawFn) -> str:
    how = draw(st.sampled_from(["expr", "nested", "long", "junk"]))
    if how == "nested":
        depth = draw(st.sampled_from([50, 200, 1000, 100_000]))
        return "params == " + "(" * depth + "units" + ")" * depth
    if how == "long":
        n = draw(st.sampled_from([MAX_LENGTH - 1, MAX_LENGTH, MAX_LENGTH + 1, 1024 * 1024]))
        return ("params == units" + " + 1" * n)[: n + draw(st.integers(0, 2))]
    if how == "junk":
        return draw(st.text(max_size=60))
    parts = [draw(ATOMS)]
    for _ in range(draw(st.integers(0, 8))):
        parts += [draw(OPS), draw(ATOMS)]
    return " ".join(parts)


@fuzzing.FUZZ_SETTINGS
@given(
    class_name=st.one_of(st.sampled_from(sorted(SPACES)[:20]), st.text(max_size=20)),
    text=claim_text(),
    where=st.one_of(st.none(), claim_text()),
    vary=st.sampled_from(["mentioned", "all"]),
    seed=st.integers(0, 2**32),
)
@fuzzing.counted(READER)
def test_structured_hostile_claims(class_name: str, text: str, where: str | None, vary: str, seed: int) -> None:
    with fuzzing.time_bound(f"claim {text[:80]!r}"):
        check_claim(class_name, text, where, vary, random.Random(seed))
