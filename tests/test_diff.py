"""``verify.diff``: what changed between two results.csv files, and bad files named clearly."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from verify.diff import OBSERVED, DiffInputError, diff_files, read_results, render
from verify.report import RESULT_COLUMNS


def write(path: Path, rows: list[dict[str, str]]) -> Path:
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, RESULT_COLUMNS)
        writer.writeheader()
        for row in rows:
            writer.writerow({c: row.get(c, "") for c in RESULT_COLUMNS})
    return path


def row(case_id: str, **values: str) -> dict[str, str]:
    base = {
        "case_id": case_id,
        "keras_version": "3.15.1",
        "backend": "tensorflow",
        "status": "match",
        "observed_trainable": "7850",
        "observed_non_trainable": "0",
        "observed_count_params": "7850",
        "observed_weights": "kernel(784, 10); bias(10,)",
        "observed_output_shape": "(None, 10)",
        "expected_trainable": "7850",
    }
    return base | values


def test_identical_files_have_no_changes(tmp_path: Path) -> None:
    rows = [row("a"), row("b")]
    d = diff_files(write(tmp_path / "old.csv", rows), write(tmp_path / "new.csv", rows))
    assert not d.regression and d.compared == 2
    assert "no case's observed" in render(d)


def test_one_changed_count_is_named_with_both_values(tmp_path: Path) -> None:
    old = write(tmp_path / "old.csv", [row("a"), row("b")])
    new = write(
        tmp_path / "new.csv", [row("a", keras_version="3.16.0"), row("b", observed_non_trainable="3", keras_version="3.16.0")]
    )
    d = diff_files(old, new)
    assert d.regression and d.changed_cases == ("b",)
    assert [(c.column, c.old, c.new) for c in d.changes] == [("observed_non_trainable", "0", "3")]
    text = render(d)
    assert "  b\n    observed_non_trainable: 0 -> 3" in text
    assert "Keras 3.15.1 (tensorflow) -> Keras 3.16.0 (tensorflow)" in text


def test_expected_values_and_details_are_not_compared(tmp_path: Path) -> None:
    old = write(tmp_path / "old.csv", [row("a")])
    new = write(tmp_path / "new.csv", [row("a", expected_trainable="1", detail="other words")])
    assert not diff_files(old, new).regression


def test_every_observed_column_is_compared(tmp_path: Path) -> None:
    for column in OBSERVED:
        old = write(tmp_path / "old.csv", [row("a")])
        new = write(tmp_path / "new.csv", [row("a", **{column: "changed"})])
        assert [c.column for c in diff_files(old, new).changes] == [column]


def test_cases_in_one_file_only_are_listed_apart_and_are_not_a_regression(tmp_path: Path) -> None:
    d = diff_files(write(tmp_path / "old.csv", [row("a"), row("gone")]), write(tmp_path / "new.csv", [row("a"), row("added")]))
    assert not d.regression
    assert d.only_old == ("gone",) and d.only_new == ("added",)
    assert "only in the old file: gone" in render(d) and "only in the new file: added" in render(d)


@pytest.mark.parametrize(
    ("content", "message"),
    [
        ("", "empty file"),
        ("a,b\n1,2\n", "no column case_id"),
        ("case_id,status\n", "no column observed_trainable"),
    ],
)
def test_a_file_that_is_not_results_csv_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "x.csv"
    path.write_text(content)
    with pytest.raises(DiffInputError, match=message) as info:
        read_results(path)
    assert str(path) in str(info.value)


def test_a_repeated_case_names_the_line(tmp_path: Path) -> None:
    path = write(tmp_path / "dup.csv", [row("a"), row("a")])
    with pytest.raises(DiffInputError, match=r"dup.csv:3: case 'a' appears twice"):
        read_results(path)


def test_missing_and_binary_files_are_named(tmp_path: Path) -> None:
    with pytest.raises(DiffInputError, match="no such file"):
        read_results(tmp_path / "nope.csv")
    binary = tmp_path / "b.csv"
    binary.write_bytes(b"\xff\xfe\x00\x81" * 10)
    with pytest.raises(DiffInputError, match="b.csv"):
        read_results(binary)
