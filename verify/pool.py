"""Worker processes: each imports Keras once and builds cases one at a time.

A task is a catalog :class:`~verify.cases.Case` (answered with a :class:`~verify.compare.Result`)
or any picklable object with ``run(env)`` and ``lost(status, detail, keras_version, backend)``
(``verify.models.ModelTask``: a whole model, answered with a ``ModelCheck``).  A task that kills
its worker (segfault, abort, out of memory) becomes a ``crashed`` result with the signal or exit
code, and the worker is replaced; a task that runs past ``timeout`` seconds is ``skipped``
(reason: timeout) and its worker replaced.  The parent never imports TensorFlow.
"""

from __future__ import annotations

import multiprocessing as mp
import os
import signal
import time
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from typing import Any, Protocol

from . import known_issues
from .cases import Case
from .compare import Result, Status
from .memory import ClearPolicy, rss_kib


def _worker(conn: Connection, eager: bool) -> None:
    """Worker main loop: say hello (versions), then answer each case with its Result.  (Capping
    TensorFlow's thread pools per worker made -j 2 slower, not faster: they are left alone.)"""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    import resource

    from .harness import KerasEnv
    from .runner import run_case

    env = KerasEnv(isolated=True)
    conn.send(("hello", {"keras": env.version, "backend": env.backend, "versions": env.versions()}))
    policy = ClearPolicy()
    while True:
        try:
            message = conn.recv()
        except EOFError:
            message = None
        if message is None:
            # Nothing to flush (results go back over the pipe as they finish), and TensorFlow's
            # interpreter teardown takes about 0.6 s of every run: skip it.
            os._exit(0)
        result = run_case(message, env, eager=eager) if isinstance(message, Case) else message.run(env)
        if policy.after_case(rss_kib()):
            env.clear()
            policy.cleared(rss_kib())
        peak_kib = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        conn.send(("result", result, peak_kib))


def describe_exit(code: int | None) -> str:
    if code is None:
        return "the worker died"
    if code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker was killed by {name}"
    return f"the worker exited with code {code}"


class Task(Protocol):
    """A unit of work other than a catalog case (see the module docstring)."""

    @property
    def id(self) -> str: ...

    def run(self, env: Any) -> Any: ...

    def lost(self, status: Status, detail: str, keras_version: str, backend: str) -> Any: ...


@dataclass
class _Slot:
    process: Any
    conn: Connection
    case: Case | Task | None = None
    started: float = 0.0


class WorkerPool:
    """``jobs`` worker processes (spawned, so the parent's state never leaks into them)."""

    def __init__(self, jobs: int, *, eager: bool = True, timeout: float | None = None) -> None:
        self.jobs = max(1, jobs)
        self.eager = eager
        self.timeout = timeout
        self.ctx = mp.get_context("spawn")
        self.slots: list[_Slot] = []
        self.info: dict[str, Any] = {}
        self.peak_kib = 0

    # -- lifecycle ---------------------------------------------------------------------------

    def _launch(self) -> _Slot:
        parent, child = self.ctx.Pipe()
        process = self.ctx.Process(target=_worker, args=(child, self.eager), daemon=True)
        process.start()
        child.close()
        return _Slot(process, parent)

    def _greet(self, slot: _Slot) -> None:
        try:
            kind, info = slot.conn.recv()  # blocks until the worker has imported Keras
        except EOFError:
            raise RuntimeError(f"a worker could not start Keras: {describe_exit(slot.process.exitcode)}") from None
        assert kind == "hello"
        self.info = info

    def _spawn(self) -> _Slot:
        slot = self._launch()
        self._greet(slot)
        return slot

    def launch(self) -> None:
        """Start the worker processes; they import Keras while the caller goes on."""
        self.slots = [self._launch() for _ in range(self.jobs)]

    def start(self) -> dict[str, Any]:
        """Start the workers if :meth:`launch` has not, and wait until each has imported Keras;
        returns the Keras version, backend and component versions."""
        if not self.slots:
            self.launch()
        for slot in self.slots:
            self._greet(slot)
        return self.info

    def close(self) -> None:
        for slot in self.slots:
            try:
                slot.conn.send(None)
            except (BrokenPipeError, OSError):
                pass
        deadline = time.monotonic() + 0.5  # workers hold no state worth waiting for
        for slot in self.slots:
            slot.process.join(max(0.0, deadline - time.monotonic()))
            if slot.process.is_alive():
                slot.process.kill()
                slot.process.join()  # reaped, so its resources (and CPU time) are accounted for
        self.slots = []

    def __enter__(self) -> WorkerPool:
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- running -----------------------------------------------------------------------------

    def _replace(self, slot: _Slot) -> None:
        if slot.process.is_alive():
            slot.process.kill()
        slot.process.join()
        slot.conn.close()
        fresh = self._spawn()
        slot.process, slot.conn, slot.case = fresh.process, fresh.conn, None

    def _lost(self, case: Case | Task, status: Status, detail: str) -> Any:
        version, backend = self.info.get("keras", ""), self.info.get("backend", "")
        if isinstance(case, Case):
            # A crash Keras is known for (e.g. a TensorFlow kernel that dies with SIGILL) is a
            # known issue like any other; it is still reported with its signal.
            issue = known_issues.explain(case.class_name, version, str(status), detail, backend)
            if issue is not None:
                status, detail = Status.KNOWN_ISSUE, f"known issue {issue.id} ({issue.link}): {detail}"
            return Result(case, status, detail, version, backend)
        return case.lost(status, detail, version, backend)

    def run(self, cases: Iterable[Any]) -> Iterator[Any]:
        """Results as they complete (not in input order): a Result per Case, ``task.run(env)``'s
        answer per other task; a crash or a timeout is reported the same way for both."""
        pending = iter(cases)
        exhausted = False

        def feed(slot: _Slot) -> None:
            nonlocal exhausted
            if exhausted:
                return
            case = next(pending, None)
            if case is None:
                exhausted = True
                return
            slot.case, slot.started = case, time.monotonic()
            slot.conn.send(case)

        for slot in self.slots:
            feed(slot)
        while any(slot.case is not None for slot in self.slots):
            busy = [s for s in self.slots if s.case is not None]
            waitables: list[Any] = [s.conn for s in busy] + [s.process.sentinel for s in busy]
            timeout = None
            if self.timeout is not None:
                now = time.monotonic()
                timeout = max(0.0, min(s.started + self.timeout - now for s in busy))
            ready = wait(waitables, timeout=timeout)
            for slot in busy:
                case = slot.case
                assert case is not None
                if slot.conn in ready:
                    try:
                        kind, result, peak = slot.conn.recv()
                    except (EOFError, OSError):
                        pass  # it died while answering: handled as a crash below
                    else:
                        self.peak_kib = max(self.peak_kib, peak)
                        slot.case = None
                        feed(slot)  # before the caller's bookkeeping, so the worker never waits on it
                        yield result
                        continue
                if slot.process.sentinel in ready or not slot.process.is_alive():
                    slot.process.join(5)
                    code = slot.process.exitcode
                    self._replace(slot)
                    yield self._lost(
                        case,
                        Status.CRASHED,
                        f"{describe_exit(code)} while building this {'case' if isinstance(case, Case) else 'task'}; it was replaced",
                    )
                    feed(slot)
                elif self.timeout is not None and time.monotonic() - slot.started >= self.timeout:
                    self._replace(slot)
                    yield self._lost(
                        case, Status.SKIPPED, f"timeout: still building after {self.timeout:g} s; the worker was replaced"
                    )
                    feed(slot)


def default_jobs() -> int:
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else (os.cpu_count() or 1)


__all__ = ["WorkerPool", "default_jobs", "describe_exit"]
