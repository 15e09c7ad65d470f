"""Fuzz the command line: ``verify.cli.main(argv)`` in-process on mutated argument vectors of
``explain`` (key=value JSON values, --input-shape, --batch, --keras), ``diff``, ``claim``, ``run``
(--cases, --shard, -j, --timeout, --max-params) and ``sweep``.

Contract: an exit code 0, 1 or 2, and no traceback in what is printed.  Nothing here starts Keras:
the Keras environment, the worker pool and the run itself are replaced by stand-ins that stop the
command where it would build (:class:`WouldBuild`, counted as a pass: the arguments were read), and
the commands owned elsewhere (model, check-summary, zoo, matrix, sheet, lesson, coverage) are
stopped the same way.  Argument vectors are bytes, NUL-separated, decoded as Python decodes argv
(surrogateescape).
"""

from __future__ import annotations

import contextlib
import io
import json
import os
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import Any
from unittest import mock

import fuzzing
from hypothesis import given
from hypothesis import strategies as st

import verify.cli as cli
import verify.harness
import verify.pool

READER = "arguments"


class WouldBuild(Exception):
    """The command got past its arguments to where Keras or a worker would start."""


class _NoKeras:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise WouldBuild("KerasEnv")


class _NoPool:
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        raise WouldBuild("WorkerPool")


def _no_execute(cases: Any, problems: Sequence[str], args: Any, console: Any, after: Any = None) -> tuple[list[Any], None]:
    for problem in problems:
        fuzzing.assert_one_line(problem)
    return [], None


def _blocked(*args: Any, **kwargs: Any) -> int:
    raise WouldBuild("a command fuzzed elsewhere")


@contextlib.contextmanager
def sandbox(cwd: Path) -> Iterator[None]:
    """No Keras, no workers, no writes outside ``cwd``."""
    blocked = ["cmd_model", "cmd_zoo", "cmd_matrix", "cmd_sheet", "cmd_lesson", "cmd_coverage", "_check_summary"]
    with contextlib.ExitStack() as stack:
        stack.enter_context(mock.patch.object(verify.harness, "KerasEnv", _NoKeras))
        stack.enter_context(mock.patch.object(verify.pool, "WorkerPool", _NoPool))
        stack.enter_context(mock.patch.object(cli, "_execute", _no_execute))
        for name in blocked:
            stack.enter_context(mock.patch.object(cli, name, _blocked))
        old = os.getcwd()
        os.chdir(cwd)
        try:
            yield
        finally:
            os.chdir(old)


def run_main(argv: list[str]) -> tuple[int | None, str]:
    """``main(argv)``: its exit code (None when it stopped where it would build) and its output."""
    out, err = io.StringIO(), io.StringIO()
    code: int | None
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        try:
            code = cli.main(argv)
        except WouldBuild:
            code = None
    text = out.getvalue() + err.getvalue()
    assert code in (None, 0, 1, 2), f"exit {code!r} for {argv!r}: {text[-2000:]}"
    fuzzing.assert_no_traceback(text)
    if code == 2:
        assert text.strip(), f"exit 2 without a word for {argv!r}"
    return code, text


def _files(folder: Path) -> None:
    """What the seed vectors name, in the sandbox's working folder."""
    from verify.report import RESULT_COLUMNS

    header = ",".join(RESULT_COLUMNS)
    row = {c: "" for c in RESULT_COLUMNS} | {"case_id": "a", "status": "match", "observed_trainable": "7850"}
    (folder / "old.csv").write_text(header + "\n" + ",".join(row[c] for c in RESULT_COLUMNS) + "\n")
    row["observed_trainable"] = "7851"
    (folder / "new.csv").write_text(header + "\n" + ",".join(row[c] for c in RESULT_COLUMNS) + "\n")
    dense = {"id": "dense", "layer": {"class_name": "Dense", "config": {"units": 10}}, "input_shape": [None, 784]}
    (folder / "cases.jsonl").write_text(json.dumps(dense) + "\n")


SEED_ARGVS: list[list[str]] = [
    ["explain", "Dense", "units=10", "--input-shape", "784", "--no-keras"],
    [
        "explain",
        "Conv2D",
        "filters=32",
        "kernel_size=[3,3]",
        "padding=same",
        "use_bias=false",
        "--input-shape",
        "224,224,3",
        "--no-keras",
        "--format",
        "markdown",
    ],
    [
        "explain",
        "LSTM",
        "units=8",
        "return_sequences=true",
        "--input-shape",
        "None,5",
        "--batch",
        "4",
        "--no-keras",
        "--keras",
        "2.15",
    ],
    ["explain", "Concatenate", "axis=-1", "--input-shape", "3,4", "--input-shape", "3,5", "--no-keras"],
    ["explain", "Embedding", "input_dim=1000", "output_dim=64", "--input-shape", "(10,)", "--no-keras"],
    ["explain", "MultiHeadAttention", "num_heads=2", "key_dim=4", "--input-shape", "5,8", "--input-shape", "5,8", "--no-keras"],
    ["explain", "Dense", "units=10", "--input-shape", "784"],
    ["diff", "old.csv", "new.csv"],
    ["claim", "Dense", "params == units * (inputs + 1)", "--where", "units > 2", "--samples", "5", "--seed", "1"],
    ["claim", "Conv2D", "params == filters * (in_channels * prod(kernel_size) + 1)", "--vary", "all"],
    ["run", "--cases", "cases.jsonl", "--shard", "1/2", "-j", "1", "--timeout", "5", "--max-params", "100000", "--out", "out"],
    ["sweep", "--layers", "Dense", "--per-layer", "3", "--seed", "2", "-j", "1", "--out", "sw"],
]
SEEDS = [b"\x00".join(arg.encode() for arg in argv) for argv in SEED_ARGVS]


def argv_of(data: bytes) -> list[str]:
    return [part.decode("utf-8", errors="surrogateescape") for part in data.split(b"\x00")]


def test_seed_vectors_run_as_they_should(tmp_path: Path) -> None:
    _files(tmp_path)
    with sandbox(tmp_path):
        codes = [run_main(argv)[0] for argv in SEED_ARGVS]
    assert codes[:6] == [0] * 6 and codes[6] is None  # explain without --no-keras stops at Keras
    assert codes[7] == 1  # one observed count changed
    assert codes[8:10] == [None, None]  # claims parsed; the pool would start
    assert codes[10:] == [2, 2]  # the run itself is a stand-in: "no cases to run"


def test_byte_mutants_of_argument_vectors(tmp_path: Path) -> None:
    _files(tmp_path)
    with sandbox(tmp_path):
        fuzzing.run_mutants(READER, SEEDS, lambda data: run_main(argv_of(data)) and None)


# -- structured --------------------------------------------------------------------------------

HOSTILE_TEXT = st.one_of(
    st.text(max_size=30),
    st.sampled_from(
        [
            "9" * 5000,
            "9" * 19,
            "9" * 20,
            "-" + "9" * 4400,
            "[" * 100_000,
            "[" * 99 + "]" * 99,
            "[" * 101 + "]" * 101,
            '{"a":' * 200 + "1" + "}" * 200,
            "1e999",
            "NaN",
            "-Infinity",
            "null",
            '"' + "x" * (1024 * 1024) + '"',
            "x" * (1024 * 1024 + 1),
            "[/]",
            "\x1b[31m",
            "a\nb",
            "\udcff",
            ",".join(["2"] * 70),
            ",".join(["None"] * 63),
            "?,?,?",
            "1_000",
            "१२",
        ]
    ),
)


@st.composite
def hostile_argv(draw: st.DrawFn) -> list[str]:
    argv = list(draw(st.sampled_from(SEED_ARGVS)))
    for _ in range(draw(st.integers(1, 3))):
        how = draw(st.sampled_from(["value", "insert", "drop"]))
        at = draw(st.integers(0, len(argv) - 1))
        if how == "value" and at > 0:
            if "=" in argv[at] and argv[0] == "explain":
                argv[at] = argv[at].split("=", 1)[0] + "=" + draw(HOSTILE_TEXT)
            else:
                argv[at] = draw(HOSTILE_TEXT)
        elif how == "insert":
            option = draw(
                st.sampled_from(
                    [
                        "--input-shape",
                        "--batch",
                        "--keras",
                        "--shard",
                        "-j",
                        "--timeout",
                        "--max-params",
                        "--where",
                        "--samples",
                        "--per-layer",
                        "--seed",
                        "units",
                    ]
                )
            )
            argv[at + 1 : at + 1] = [option + ("=" if option == "units" else ""), draw(HOSTILE_TEXT)]
        elif how == "drop" and len(argv) > 1 and at > 0:
            del argv[at]
    return argv


@fuzzing.FUZZ_SETTINGS
@given(argv=hostile_argv())
@fuzzing.counted(READER)
def test_structured_hostile_arguments(tmp_path_factory: Any, argv: list[str]) -> None:
    folder = tmp_path_factory.mktemp("argv")
    _files(folder)
    with sandbox(folder), fuzzing.time_bound(f"argv {argv!r:.200}"):
        run_main(argv)
