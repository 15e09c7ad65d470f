"""Fuzz the results-CSV readers: ``paramproof diff OLD NEW`` (:func:`verify.diff.read_results`)
and ``paramproof matrix`` (:func:`verify.matrix.discover` over run folders, then the merge).

Contract: a file is read or refused with one :class:`~verify.diff.DiffInputError` line naming it
(and the line); in ``matrix`` a bad run folder is a problem and the good folders are still merged,
differenced and rendered without an exception.  Seeds are written by paramproof's own report
writer (:func:`verify.report.write_reports`), no Keras needed.
"""

from __future__ import annotations

import csv
import io
from pathlib import Path
from typing import Any

import fuzzing
from hypothesis import given
from hypothesis import strategies as st

from verify.diff import DiffInputError, diff_rows, read_results, render
from verify.matrix import differences, discover, matrix_rows, render_markdown
from verify.report import RESULT_COLUMNS, write_reports

READER = "results-csv"


def _row(case_id: str, **values: Any) -> dict[str, Any]:
    base: dict[str, Any] = {c: "" for c in RESULT_COLUMNS}
    base.update(
        case_id=case_id,
        layer="Dense",
        family="core",
        config='{"units": 10}',
        input_shape="(None, 784)",
        keras_version="3.15.1",
        backend="tensorflow",
        expected_trainable=7850,
        expected_non_trainable=0,
        observed_trainable=7850,
        observed_non_trainable=0,
        observed_count_params=7850,
        expected_output_shape="(None, 10)",
        observed_output_shape="(None, 10)",
        eager_input_shape="(2, 784)",
        eager_output_shape="(2, 10)",
        expected_weights="kernel(784, 10); bias(10,)",
        observed_weights="kernel(784, 10); bias(10,)",
        status="match",
        detail="",
        source="cases.jsonl:1",
    )
    base.update(values)
    return base


ROWS = [
    _row("dense-784-10"),
    _row("conv", layer="Conv2D", observed_trainable=896, observed_count_params=896, observed_output_shape="(None, 30, 30, 32)"),
    _row(
        "refused",
        status="both_invalid",
        observed_trainable=None,
        observed_non_trainable=None,
        observed_count_params=None,
        observed_output_shape="",
        detail='formula: groups must divide 8 | Keras: "ValueError, with, commas"',
    ),
    _row("known", status="known_issue", detail="known issue k3-123 (https://github.com/keras-team/keras/issues/1): x"),
    _row("skipped", status="skipped", observed_trainable=None, observed_count_params=None, detail="requires keras>=3"),
]


def _seed(tmp: Path, rows: list[dict[str, Any]], keras: str, backend: str) -> tuple[bytes, bytes]:
    write_reports([r | {"keras_version": keras, "backend": backend} for r in rows], {"keras": keras, "backend": backend}, tmp)
    return (tmp / "results.csv").read_bytes(), (tmp / "environment.csv").read_bytes()


def _seeds(tmp: Path) -> tuple[list[bytes], list[bytes]]:
    results, envs = [], []
    for i, (keras, backend) in enumerate([("3.15.1", "tensorflow"), ("2.15.0", "tensorflow"), ("3.16.0.dev2026102704", "jax")]):
        folder = tmp / f"seed{i}"
        r, e = _seed(folder, ROWS[i:] + ROWS[:i], keras, backend)
        results.append(r)
        envs.append(e)
    return results, envs


def check_results(path: Path, data: bytes) -> None:
    path.write_bytes(data)
    try:
        rows, label = read_results(path)
    except DiffInputError as exc:
        fuzzing.assert_one_line(str(exc), names=str(path))
        return
    assert all(isinstance(k, str) and k for k in rows)
    render(diff_rows(rows, rows, label, label))


def test_byte_mutants_of_results_csv(tmp_path: Path) -> None:
    results, _ = _seeds(tmp_path)
    path = tmp_path / "mutant.csv"
    fuzzing.run_mutants(READER, results, lambda data: check_results(path, data))


def _check_matrix(root: Path, results: bytes | None, env: bytes | None, good: tuple[bytes, bytes]) -> None:
    """A good run folder and a mutated one: the good one is always merged."""
    for name, pair in (("good", good), ("bad", (results, env))):
        folder = root / name
        folder.mkdir(parents=True, exist_ok=True)
        r, e = pair
        if r is not None:
            (folder / "results.csv").write_bytes(r)
        if e is not None:
            (folder / "environment.csv").write_bytes(e)
    problems: list[str] = []
    runs = discover(root, problems)
    for problem in problems:
        fuzzing.assert_one_line(problem, names=str(root / "bad"))
    assert any(root / "good" in run.folders for run in runs), problems
    diffs = differences(runs)
    matrix_rows(runs)
    render_markdown(runs, diffs)


def test_byte_mutants_in_a_matrix_beside_a_good_run(tmp_path: Path) -> None:
    results, envs = _seeds(tmp_path / "seeds")
    good = (results[1], envs[1])
    # Seeds: a results.csv mutated with its environment intact, or the other way round (marked by the first byte).
    seeds = [b"R" + r for r in results] + [b"E" + e for e in envs]

    def check(data: bytes) -> None:
        kind, body = data[:1], data[1:]
        if kind == b"E":
            _check_matrix(tmp_path / "m", results[0], body, good)
        else:
            _check_matrix(tmp_path / "m", body, envs[0], good)

    fuzzing.run_mutants(READER, seeds, check, salt="matrix")


# -- structured --------------------------------------------------------------------------------

FIELD_VALUES = st.one_of(
    st.text(max_size=30),
    st.sampled_from(["", "-1", "9" * 19, "9" * 20, "9" * 5000, "1e999", "NaN", "7850.0", " 7", "\x00", "[/]", "a\nb", '"']),
    st.builds(lambda n: "x" * n, st.sampled_from([131_071, 131_072, 131_073, 300_000])),
)


@st.composite
def hostile_csv(draw: st.DrawFn) -> bytes:
    rows = [dict(r) for r in draw(st.lists(st.sampled_from(ROWS), min_size=1, max_size=5))]
    for i, row in enumerate(rows):
        row["case_id"] = f"{row['case_id']}-{i}"
    how = draw(st.sampled_from(["field", "columns", "truncated", "encoded", "nul", "blank-lines"]))
    if how == "field":
        for _ in range(draw(st.integers(1, 3))):
            row = draw(st.sampled_from(rows))
            row[draw(st.sampled_from(RESULT_COLUMNS))] = draw(FIELD_VALUES)
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(RESULT_COLUMNS)
    for row in rows:
        fields = ["" if row[c] is None else str(row[c]) for c in RESULT_COLUMNS]
        if how == "columns" and draw(st.booleans()):
            fields = fields[: draw(st.integers(0, len(fields)))] if draw(st.booleans()) else [*fields, "extra"]
        writer.writerow(fields)
    text = out.getvalue()
    if how == "truncated":
        text = text[: draw(st.integers(0, len(text)))]
    if how == "nul":
        at = draw(st.integers(0, len(text)))
        text = text[:at] + "\x00" + text[at:]
    if how == "blank-lines":
        text = text.replace("\n", "\n\n")
    if how == "encoded":
        encoding = draw(st.sampled_from(["utf-16", "utf-32", "latin-1", "cp1252", "utf-8-sig"]))
        return ("é" + text).encode(encoding, errors="replace")
    return text.encode("utf-8", errors="surrogatepass")


@fuzzing.FUZZ_SETTINGS
@given(data=hostile_csv())
@fuzzing.counted(READER)
def test_structured_hostile_results_csv(tmp_path_factory: Any, data: bytes) -> None:
    path = tmp_path_factory.mktemp("csv") / "results.csv"
    with fuzzing.time_bound("a structured results.csv"):
        check_results(path, data)


@fuzzing.FUZZ_SETTINGS
@given(data=hostile_csv())
@fuzzing.counted(READER)
def test_structured_hostile_run_folder_beside_a_good_one(tmp_path_factory: Any, data: bytes) -> None:
    root = tmp_path_factory.mktemp("runs")
    good = _seed(root / "seed", ROWS, "2.15.0", "tensorflow")
    env = b"component,version\r\nkeras,3.15.1\r\nbackend,tensorflow\r\n"
    with fuzzing.time_bound("a structured run folder"):
        _check_matrix(root / "m", data, env, good)
