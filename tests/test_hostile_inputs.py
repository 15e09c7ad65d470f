"""Issue 16, hostile inputs to the readers of case files, arguments, claims, results CSVs and the
--resume journal: each is refused with one line naming the file (and line) and the limit, exit 2,
never a traceback; a bad line never loses the good cases of a file.  One test per limit per
reader, the issue's own example, and each bug the fuzzers (tests/fuzz/) found, pinned.

Only the issue's example builds in Keras; the other ``run`` tests go through the real command
with a stand-in worker pool (every case ``skipped``), so they are fast and need no TensorFlow.
"""

from __future__ import annotations

import csv
import json
import os
import subprocess
import sys
from collections.abc import Iterable, Iterator
from fractions import Fraction
from pathlib import Path
from typing import Any

import pytest

import verify.pool
from conftest import ROOT
from verify import cli, limits
from verify.cases import load_cases
from verify.claim_expr import format_value, parse
from verify.compare import Result, Status
from verify.diff import DiffInputError, read_results
from verify.matrix import discover
from verify.report import RESULT_COLUMNS, Journal, read_journal, write_reports

DENSE = {"id": "dense", "layer": {"class_name": "Dense", "config": {"units": 10}}, "input_shape": [None, 784]}
CONV = {
    "id": "conv",
    "layer": {"class_name": "Conv2D", "config": {"filters": 8, "kernel_size": 3}},
    "input_shape": [None, 16, 16, 3],
}


def line(obj: Any) -> str:
    return json.dumps(obj)


def one_line_naming(text: str, name: str) -> str:
    """The one line of ``text`` that names ``name`` (there must be exactly one)."""
    lines = [x for x in text.splitlines() if name in x]
    assert len(lines) == 1, text[-3000:]
    assert "Traceback" not in text, text[-3000:]
    return lines[0]


# -- the issue's example: a 100,000-deep first line, a good Dense second line -----------------------


@pytest.mark.cli
@pytest.mark.keras
def test_the_issue_example_a_deep_first_line_is_named_and_the_dense_case_still_runs(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    deep = '{"id": "deep", "layer": {"class_name": "Dense", "config": {"units": ' + "[" * 100_000 + "]" * 100_000 + "}}}"
    cases.write_text(deep + "\n" + line(DENSE) + "\n")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "verify",
            "run",
            "--cases",
            str(cases),
            "--out",
            str(tmp_path / "out"),
            "-j",
            "1",
            "--timeout",
            "120",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert out.returncode == 2, out.stdout + out.stderr
    message = one_line_naming(out.stdout + out.stderr, f"{cases}:1")
    assert "nested deeper than the limit of 100 levels" in message
    with (tmp_path / "out" / "results.csv").open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [(r["case_id"], r["status"]) for r in rows] == [("dense", "match")]


# -- case files: load_cases, and `run` with a stand-in pool -------------------------------------------


class FakePool:
    """WorkerPool's interface without workers: every case comes back ``skipped``."""

    def __init__(self, jobs: int, **kwargs: Any) -> None:
        self.jobs = jobs

    def launch(self) -> None:
        pass

    def start(self) -> dict[str, Any]:
        return {"keras": "3.15.1", "backend": "tensorflow", "versions": {"keras": "3.15.1", "backend": "tensorflow"}}

    def run(self, cases: Iterable[Any]) -> Iterator[Result]:
        for case in cases:
            yield Result(case, Status.SKIPPED, "stand-in pool", "3.15.1", "tensorflow")

    def close(self) -> None:
        pass


def run_in_process(monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    monkeypatch.setattr(verify.pool, "WorkerPool", FakePool)
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def write(path: Path, *lines: str | bytes) -> Path:
    path.write_bytes(b"".join((x if isinstance(x, bytes) else x.encode()) + b"\n" for x in lines))
    return path


def test_run_a_deep_line_is_one_line_exit_2_and_the_good_cases_run(tmp_path, monkeypatch, capsys) -> None:
    cases = write(tmp_path / "cases.jsonl", line(DENSE), "[" * 100_000, line(CONV))
    code, text = run_in_process(monkeypatch, capsys, "run", "--cases", str(cases), "--out", str(tmp_path / "out"), "-q")
    assert code == 2
    assert "nested deeper than the limit of 100 levels" in one_line_naming(text, f"{cases}:2")
    with (tmp_path / "out" / "results.csv").open(newline="") as handle:
        assert [r["case_id"] for r in csv.DictReader(handle)] == ["dense", "conv"]


def _problems(path: Path) -> tuple[list[str], list[str]]:
    cases, problems = load_cases([path])
    return [c.id for c in cases], problems


@pytest.mark.parametrize(
    ("bad", "words"),
    [
        ('{"id": "deep", "note": ' + "[" * 101 + "]" * 101 + "}", "JSON nested deeper than the limit of 100 levels"),
        (
            '{"id": "big", "layer": {"class_name": "Dense", "config": {"units": 9223372036854775808}}, "input_shape": [null, 3]}',
            "past int64",
        ),
        ('{"id": "long", "note": "' + "x" * (limits.MAX_STRING_CHARS + 1) + '"}', "over the limit of 1,048,576"),
        ('{"id": "rank", "layer": {"class_name": "Dense", "config": {}}, "input_shape": [' + ",".join(["2"] * 65) + "]}", "64"),
        (
            '{"id": "dim", "layer": {"class_name": "Dense", "config": {}}, "input_shape": [null, ' + "9" * 5000 + "]}",
            "5,000 digits",
        ),
    ],
    ids=["depth", "int64", "string", "rank", "5000-digit-dim"],
)
def test_a_line_past_a_limit_is_named_and_the_others_load(tmp_path: Path, bad: str, words: str) -> None:
    path = write(tmp_path / "cases.jsonl", line(DENSE), bad, line(CONV))
    ids, problems = _problems(path)
    assert ids == ["dense", "conv"]
    [problem] = problems
    assert problem.startswith(f"{path}:2: ") and words in problem and "\n" not in problem


def test_a_line_longer_than_the_line_limit_is_skipped_unread(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_CONFIG_BYTES", 1024)
    path = write(tmp_path / "cases.jsonl", line(DENSE), '{"id": "huge", "note": "' + "x" * 5000 + '"}', line(CONV))
    ids, problems = _problems(path)
    assert ids == ["dense", "conv"]
    assert problems == [f"{path}:2: a line longer than 1,024 bytes, the limit for one case line"]


def test_a_case_file_over_the_file_limit_is_refused_before_reading(tmp_path: Path) -> None:
    path = tmp_path / "huge.jsonl"
    with path.open("wb") as handle:  # sparse: no disk is used
        handle.truncate(limits.MAX_CASE_FILE_BYTES + 1)
    ids, problems = _problems(path)
    assert ids == [] and problems == [f"{path}: 1,073,741,825 bytes, over the 1,024 MiB limit for a case file"]


def test_an_endless_stream_without_line_breaks_stops_at_the_file_limit(monkeypatch) -> None:
    # `--cases /dev/zero` (or a pipe from a runaway program): its size is 0, so only the bytes read
    # can bound it (it was read whole, without end; skipping its one endless line would not end either).
    monkeypatch.setattr(limits, "MAX_CASE_FILE_BYTES", 4 * 1024 * 1024)
    monkeypatch.setattr(limits, "MAX_CONFIG_BYTES", 1024 * 1024)
    assert load_cases(["/dev/zero"]) == (
        [],
        ["/dev/zero:1: more than 4 MiB read, the limit for a case file; the rest is not read"],
    )


def test_more_cases_than_the_run_limit_stop_the_reading_with_one_line(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_CASES", 2)
    path = write(tmp_path / "cases.jsonl", line(DENSE), line(CONV), line({**DENSE, "id": "third"}))
    ids, problems = _problems(path)
    assert ids == ["dense", "conv"]
    assert problems == [f"{path}:3: more than 2 cases, the limit for one run; the rest is not read"]


def test_a_bad_byte_loses_only_its_own_line(tmp_path: Path) -> None:
    # A case file pasted through a Latin-1 editor: one line holds "\xe9" as one byte.
    path = write(tmp_path / "cases.jsonl", line(DENSE), b'{"id": "caf\xe9"}', line(CONV))
    ids, problems = _problems(path)
    assert ids == ["dense", "conv"]
    assert problems == [f'{path}:2: not UTF-8 text (byte 0xe9 at column 12): {{"id": "caf\ufffd"}}']


def test_a_byte_order_mark_on_the_first_line_is_read_as_text(tmp_path: Path) -> None:
    # Windows Notepad saves UTF-8 with a BOM; the first case used to be "invalid JSON".
    path = write(tmp_path / "cases.jsonl", b"\xef\xbb\xbf" + line(DENSE).encode())
    assert _problems(path) == (["dense"], [])


def test_a_lone_surrogate_id_is_refused_not_written_to_the_reports(tmp_path: Path) -> None:
    # Fuzz-found: '"id": "\udcff"' is valid JSON; the case used to load, and results.csv (UTF-8)
    # then failed to be written mid-run.
    path = write(
        tmp_path / "cases.jsonl",
        '{"id": "\\udcff", "layer": {"class_name": "Dense", "config": {}}, "input_shape": [null, 3]}',
        line(DENSE),
    )
    ids, problems = _problems(path)
    assert ids == ["dense"] and problems == [f"{path}:1: a lone surrogate '\\udcff' in a string: not Unicode text"]


def test_a_file_name_with_a_line_break_is_named_on_one_line(tmp_path: Path) -> None:
    # Fuzz-found (arguments): `--cases $'cases\r\n.jsonl'` gave a message of two lines.
    ids, problems = _problems(tmp_path / "cases\r\n.jsonl")
    assert ids == [] and len(problems) == 1 and "\n" not in problems[0] and "cases\\x0d\\x0a.jsonl" in problems[0]


def test_markup_in_a_bad_line_is_printed_as_text(tmp_path, monkeypatch, capsys) -> None:
    # Found reading cli.py: problems were printed as rich markup; "[/]" in a line raised MarkupError.
    cases = write(tmp_path / "cases.jsonl", '{"id": "[/]", "layer": [/]}', line(DENSE))
    code, text = run_in_process(monkeypatch, capsys, "run", "--cases", str(cases), "--out", str(tmp_path / "out"), "-q")
    assert code == 2 and "[/]" in one_line_naming(text, f"{cases}:1")


def test_a_case_id_with_markup_in_the_discrepancy_list_is_printed_as_text(tmp_path, monkeypatch, capsys) -> None:
    # The same MarkupError, at the end of a run: a not-ok case whose id holds "[/]".
    monkeypatch.setattr(
        FakePool, "run", lambda self, cases: iter(Result(c, Status.CRASHED, "[bold]x[/]", "3.15.1", "tensorflow") for c in cases)
    )
    cases = write(tmp_path / "cases.jsonl", line({**DENSE, "id": "a[/]b"}))
    code, text = run_in_process(monkeypatch, capsys, "run", "--cases", str(cases), "--out", str(tmp_path / "out"), "-q")
    assert code == 1 and "a[/]b" in text and "[bold]x[/]" in text


# -- the --resume journal -----------------------------------------------------------------------------


def _row(case_id: str) -> dict[str, Any]:
    row: dict[str, Any] = {c: "" for c in RESULT_COLUMNS}
    for c in (
        "expected_trainable",
        "expected_non_trainable",
        "observed_trainable",
        "observed_non_trainable",
        "observed_count_params",
    ):
        row[c] = None
    return row | {"case_id": case_id, "status": "skipped", "keras_version": "3.15.1", "backend": "tensorflow", "family": "core"}


def test_a_corrupt_journal_keeps_its_whole_records_and_reruns_the_rest(tmp_path: Path) -> None:
    journal = tmp_path / "journal.jsonl"
    journal.write_bytes(
        b"\n".join(
            [
                json.dumps(_row("kept")).encode(),
                b"[" * 100_000,  # too deep
                b'{"case_id": "x", "observed_trainable": ' + b"9" * 5000 + b"}",  # past int64
                b"\xff\xfe" + json.dumps(_row("latin")).encode(),  # not UTF-8
                json.dumps({**_row("bad-count"), "observed_trainable": "abc"}).encode(),  # crashed pandas before
                json.dumps({"case_id": "no-status"}).encode(),  # KeyError 'status' before
                json.dumps(_row("\udcff")).encode(),  # could not be written to results.csv
                json.dumps(_row("torn"))[:40].encode(),  # cut by a kill
            ]
        )
    )
    rows, torn = read_journal(journal)
    assert [r["case_id"] for r in rows] == ["kept"] and torn
    j = Journal(tmp_path, resume=True)
    assert j.done("3.15.1") == {"kept"}
    j.append(_row("next"))
    j.finish({}, {})
    # The torn line got its line break: the record appended after it is whole.
    assert [r["case_id"] for r in read_journal(journal)[0]] == ["kept", "next"]


def test_a_journal_line_over_the_line_limit_is_skipped(tmp_path: Path, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_CONFIG_BYTES", 2048)
    journal = tmp_path / "journal.jsonl"
    journal.write_text(json.dumps({**_row("long"), "detail": "x" * 5000}) + "\n" + json.dumps(_row("short")) + "\n")
    assert [r["case_id"] for r in read_journal(journal)[0]] == ["short"]


# -- arguments ----------------------------------------------------------------------------------------


def main_text(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str]:
    code = cli.main(list(argv))
    captured = capsys.readouterr()
    text = captured.out + captured.err
    assert "Traceback" not in text
    return code, text


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        # The issue's reproduction: json's own 4,300-digit guard used to end in a traceback.
        (["units=" + "9" * 5000], "config value 'units': the integer 99999999999999999999... (5,000 digits) is past int64"),
        (["units=" + "[" * 100_000], "config value 'units': JSON nested deeper than the limit of 100 levels"),
        (
            ["units=[" + "1," * 10 + "1]", "name=" + "x" * (limits.MAX_STRING_CHARS + 1)],
            "over the limit of 1,048,576 for one key=value argument",
        ),
        (
            ["units=4", "--input-shape", "78,99999999999999999999"],
            "'99999999999999999999' is past int64 (2^63 - 1), the limit for a dimension",
        ),
        (["units=4", "--input-shape", ",".join(["2"] * 64)], "rank 65 with the batch axis, over the limit of 64 dimensions"),
        (["units=4", "--batch", "x"], "--batch 'x': 'x' is not an integer or None"),
        (["units=4", "--batch", "9" * 30], "is past int64"),
    ],
    ids=["5000-digit-int", "deep-json", "1MiB-value", "dim-int64", "rank", "batch-text", "batch-int64"],
)
def test_explain_arguments_past_a_limit_exit_2_with_one_line(capsys, argv: list[str], words: str) -> None:
    if "--input-shape" not in argv:
        argv = [*argv, "--input-shape", "78"]
    code, text = main_text(capsys, "explain", "Dense", *argv, "--no-keras")
    assert code == 2
    assert words in one_line_naming(text, "paramproof: error:")


@pytest.mark.parametrize(
    ("argv", "words"),
    [
        (["run", "--shard", "1" * 5000 + "/2"], "is not I/N"),
        (["run", "-j", "9" * 40], "more than 18 digits"),
        (["run", "--timeout", "inf"], "must be a finite number of seconds"),
        (["run", "--timeout", "nan"], "must be a finite number of seconds"),
        (["run", "--max-params", "1" * 5000], "more than 18 digits"),
        (["sweep", "--layers", "Dense", "--per-layer", "10000000"], "--per-layer 10,000,000 for 1 class(es)"),
        (["claim", "Dense", "params == units" + " + 1" * 300], "at most 1000 are accepted"),
    ],
    ids=["shard", "jobs", "timeout-inf", "timeout-nan", "max-params", "per-layer", "claim-length"],
)
def test_options_past_a_limit_exit_2_before_anything_runs(capsys, monkeypatch, argv: list[str], words: str) -> None:
    monkeypatch.setattr(verify.pool, "WorkerPool", None)  # nothing may start
    code, text = main_text(capsys, *argv)
    assert code == 2 and words in text, text


# -- results CSVs: diff and matrix --------------------------------------------------------------------


def results_csv(path: Path, *ids: str, keras: str = "3.15.1") -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    rows = [
        {
            **_row(i),
            "status": "match",
            "observed_trainable": 7850,
            "observed_non_trainable": 0,
            "layer": "Dense",
            "keras_version": keras,
        }
        for i in ids
    ]
    write_reports(rows, {"keras": keras, "backend": "tensorflow"}, path.parent)
    return path


def diff_message(capsys, old: Path, new: Path) -> str:
    code, text = main_text(capsys, "diff", str(old), str(new))
    assert code == 2, text
    return one_line_naming(text, "paramproof: error:")


def test_diff_a_file_over_the_size_limit_is_refused_before_reading(tmp_path, capsys) -> None:
    good = results_csv(tmp_path / "a" / "results.csv", "x")
    big = tmp_path / "big.csv"
    with big.open("wb") as handle:
        handle.truncate(limits.MAX_CSV_BYTES + 1)
    assert diff_message(capsys, good, big).endswith(f"{big}: 268,435,457 bytes, over the 256 MiB limit for a results CSV")


def test_diff_more_rows_than_the_limit(tmp_path, capsys, monkeypatch) -> None:
    monkeypatch.setattr(limits, "MAX_CSV_ROWS", 2)
    good = results_csv(tmp_path / "a" / "results.csv", "x")
    many = results_csv(tmp_path / "b" / "results.csv", "x", "y", "z")
    assert diff_message(capsys, good, many).endswith(f"{many}:4: more than 2 rows, the limit for a results CSV")


def test_diff_a_field_over_the_field_limit(tmp_path, capsys) -> None:
    good = results_csv(tmp_path / "a" / "results.csv", "x")
    text = good.read_text().replace(",match,", ",match," + "x" * (limits.MAX_CSV_FIELD_CHARS + 1), 1)
    long = tmp_path / "long.csv"
    long.write_text(text)
    assert diff_message(capsys, good, long).endswith(
        f"{long}:2: a field longer than 131,072 characters, the limit for one CSV field"
    )


@pytest.mark.parametrize(
    ("damage", "words"),
    [
        (lambda b: b.replace(b"match", b"ma\x00ch", 1), ":2: a NUL byte: not a text file"),
        (lambda b: b.replace(b"match", b"m\xe9tch", 1), ":2: not UTF-8 text (byte 0xe9)"),
        (lambda b: b.replace(b",match,", b",match,extra,", 1), ":2: row has 22 columns, the header has 21"),
        # A power loss after a write: the file's last block is zeros.
        (lambda b: b + b"\x00" * 512, ":3: a NUL byte"),
        (lambda b: b + b'x,"an unclosed quote\nruns to the end', ":3: row has 2 columns, the header has 21"),
    ],
    ids=["nul", "latin-1", "columns", "cut-by-a-crash", "quote"],
)
def test_diff_a_damaged_file_names_the_line(tmp_path, capsys, damage: Any, words: str) -> None:
    good = results_csv(tmp_path / "a" / "results.csv", "x")
    bad = tmp_path / "bad.csv"
    bad.write_bytes(damage(good.read_bytes()))
    message = diff_message(capsys, good, bad)
    assert f"{bad}" in message and words in message, message


def test_matrix_a_bad_run_folder_is_named_and_the_others_merged(tmp_path, capsys) -> None:
    results_csv(tmp_path / "runs" / "k2" / "results.csv", "x", keras="2.15.0")
    results_csv(tmp_path / "runs" / "k3" / "results.csv", "x", keras="3.15.1")
    broken = results_csv(tmp_path / "runs" / "k3-jax" / "results.csv", "x", keras="3.15.1")
    broken.write_bytes(broken.read_bytes().replace(b"match", b"ma\x00ch"))
    code, text = main_text(capsys, "matrix", "--reports", str(tmp_path / "runs"))
    assert code == 2
    assert "NUL byte" in one_line_naming(text, str(broken))
    assert "2 run(s)" in text
    with (tmp_path / "runs" / "matrix.csv").open(newline="") as handle:
        header = next(csv.reader(handle))
    assert any("2.15.0" in c for c in header) and any("3.15.1" in c for c in header)


def test_matrix_a_results_csv_without_a_layer_column_is_a_problem_not_a_key_error(tmp_path) -> None:
    # Fuzz-found: matrix_rows() read row["layer"] from a results.csv that had no such column.
    path = results_csv(tmp_path / "run" / "results.csv", "x")
    rows = list(csv.reader(path.read_text().splitlines()))
    layer = rows[0].index("layer")
    path.write_text("\n".join(",".join(r[:layer] + r[layer + 1 :]) for r in rows) + "\n")
    problems: list[str] = []
    assert discover(tmp_path, problems) == []
    assert problems == [f"{path}: not a paramproof results.csv (no column layer)"]


@pytest.mark.parametrize(
    ("environment", "words"),
    [
        ("component,version\nbackend,tensorflow\n", "no keras or backend row"),
        ("component,version\nkeras," + "9" * 5000 + "\nbackend,x\n", "is not a Keras version"),
        # make fuzz, seed 776179687, mutant 84923: a version the engine reads by its prefix ("3.15.1")
        # followed by 5,050 digits passed the check, then sorting the runs by version hit int()'s limit.
        ("component,version\nkeras,3.15.1." + "9" * 5050 + "\nbackend,x\n", "is not a Keras version"),
        ("component,version\nkeras,3.15.1" + "x" * 100 + "\nbackend,x\n", "at most 64 characters"),
        ("component,version\nkeras\n", ":2: row has 1 columns, the header has 2"),
        (b"component,version\nkeras,3.1\xff\n", ":2: not UTF-8 text (byte 0xff)"),
    ],
    ids=["no-keras", "5000-digit-version", "version-prefix-then-5050-digits", "long-version", "short-row", "latin-1"],
)
def test_matrix_a_bad_environment_csv_is_named(tmp_path, environment: str | bytes, words: str) -> None:
    results_csv(tmp_path / "run" / "results.csv", "x")
    env = tmp_path / "run" / "environment.csv"
    env.write_bytes(environment if isinstance(environment, bytes) else environment.encode())
    problems: list[str] = []
    assert discover(tmp_path, problems) == []
    [problem] = problems
    assert problem.startswith(str(env)) and words in problem


def test_matrix_a_count_that_is_not_a_number_is_named(tmp_path) -> None:
    # matrix adds the counts up ("7,850 + 0"): int("abc") ended the merge with a traceback.
    path = results_csv(tmp_path / "run" / "results.csv", "x")
    path.write_text(path.read_text().replace(",7850,", ",abc,", 1))
    with pytest.raises(DiffInputError, match=r"results.csv:2: observed_trainable 'abc' is not a whole number"):
        read_results(path, numeric=("observed_trainable",))


# -- claims -------------------------------------------------------------------------------------------


def test_a_fraction_past_a_float_is_shown_not_an_overflow() -> None:
    # Fuzz-found: "inputs == params / (units * 4)" on a huge params: float(Fraction) overflowed
    # while the counterexample was shown (sides) or substituted.
    expr = parse("inputs == params / (units * 4)")
    values = {"inputs": 3, "params": 2**4000, "units": 3}
    assert expr.evaluate(values) is False
    assert all(isinstance(b, str) for _, b in expr.sides(values))
    assert format_value(Fraction(2**4000, 3)).endswith("/3")
    assert "/ 3" in expr.substituted({"inputs": Fraction(2**4000, 3), "params": 1, "units": 1})


def test_argv_with_bytes_that_are_not_utf8_is_refused_on_one_line(tmp_path, capsys) -> None:
    # A file name in Latin-1 on a UTF-8 system reaches argv as surrogates; printing it raw could fail.
    code, text = main_text(capsys, "diff", os.fsdecode(b"\xff.csv"), "new.csv")
    assert code == 2 and "\\xff.csv: no such file" in one_line_naming(text, "paramproof: error:")
