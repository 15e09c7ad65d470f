"""Reports: tidy CSVs written atomically through pandas, and the tables a person reads."""

from __future__ import annotations

import csv
import json
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import formulas
from formulas import format_output_shape, format_shape

from . import limits
from .atomic import write_atomic
from .compare import Result, Status

RESULT_COLUMNS = [
    "case_id",
    "layer",
    "family",
    "config",
    "input_shape",
    "keras_version",
    "backend",
    "expected_trainable",
    "expected_non_trainable",
    "observed_trainable",
    "observed_non_trainable",
    "observed_count_params",
    "expected_output_shape",
    "observed_output_shape",
    "eager_input_shape",
    "eager_output_shape",
    "expected_weights",
    "observed_weights",
    "status",
    "detail",
    "source",
]


def _shape_text(shape: Any) -> str:
    if not shape:
        return format_shape(tuple(shape)) if shape is not None else ""
    if isinstance(shape[0], tuple):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)


def _weights_text(weights: Sequence[formulas.Weight]) -> str:
    return "; ".join(f"{w.name}{format_shape(w.shape)}{'' if w.trainable else ' NT'}" for w in weights)


def result_row(r: Result) -> dict[str, Any]:
    e, o = r.expected, r.observed
    seen = o is not None and not o.refused
    return {
        "case_id": r.case.id,
        "layer": r.case.class_name,
        "family": "model" if r.case.model is not None else formulas.family(r.case.class_name),
        "config": json.dumps(r.case.config, sort_keys=True),
        "input_shape": _shape_text(r.case.input_shape),
        "keras_version": r.keras_version,
        "backend": r.backend,
        "expected_trainable": e.trainable if e else None,
        "expected_non_trainable": e.non_trainable if e else None,
        "observed_trainable": o.trainable if seen else None,  # type: ignore[union-attr]
        "observed_non_trainable": o.non_trainable if seen else None,  # type: ignore[union-attr]
        "observed_count_params": o.count_params if seen else None,  # type: ignore[union-attr]
        "expected_output_shape": format_output_shape(e.output_shape) if e else "",
        "observed_output_shape": format_output_shape(o.output_shape) if seen else "",  # type: ignore[union-attr, arg-type]
        "eager_input_shape": _shape_text(o.eager_input_shape) if seen and o.eager_input_shape else "",  # type: ignore[union-attr]
        "eager_output_shape": format_output_shape(o.eager_output_shape) if seen and o.eager_output_shape else "",  # type: ignore[union-attr]
        "expected_weights": _weights_text(e.weights) if e else "",
        "observed_weights": _weights_text(o.weights) if seen else "",  # type: ignore[union-attr]
        "status": str(r.status),
        "detail": r.detail,
        "source": r.case.source,
    }


def results_frame(rows: Sequence[Mapping[str, Any]]) -> pd.DataFrame:
    frame = pd.DataFrame(list(rows), columns=RESULT_COLUMNS)
    for col in (
        "expected_trainable",
        "expected_non_trainable",
        "observed_trainable",
        "observed_non_trainable",
        "observed_count_params",
    ):
        frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    return frame


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """The frame as CSV, written atomically (:func:`verify.atomic.write_atomic`)."""
    write_atomic(path, frame.to_csv(index=False))


OK_STATUSES = frozenset(s.value for s in Status if s.ok)


def report_paths(out_dir: Path) -> dict[str, Path]:
    return {
        "results": out_dir / "results.csv",
        "discrepancies": out_dir / "discrepancies.csv",
        "environment": out_dir / "environment.csv",
        "journal": out_dir / "journal.jsonl",
    }


def write_reports(rows: Sequence[Mapping[str, Any]], environment: Mapping[str, str] | None, out_dir: Path) -> dict[str, Path]:
    """results.csv, discrepancies.csv (rows not match/both_invalid/known_issue/skipped) and
    environment.csv, each written atomically."""
    frame = results_frame(rows)
    paths = report_paths(out_dir)
    write_csv_atomic(frame, paths["results"])
    write_csv_atomic(frame[~frame["status"].isin(OK_STATUSES)], paths["discrepancies"])
    if environment is not None:
        env = pd.DataFrame(sorted(environment.items()), columns=["component", "version"])
        write_csv_atomic(env, paths["environment"])
    return paths


#: Report columns that hold a count (or nothing); every other column holds text.
_COUNT_COLUMNS = frozenset(
    ("expected_trainable", "expected_non_trainable", "observed_trainable", "observed_non_trainable", "observed_count_params")
)


def _journal_row(row: Any) -> bool:
    """Whether a journal record is a report row as :func:`result_row` writes it."""
    if not isinstance(row, dict) or not set(RESULT_COLUMNS) <= set(row):
        return False
    for column in RESULT_COLUMNS:
        value = row[column]
        if column in _COUNT_COLUMNS:
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                return False
        elif not isinstance(value, str):
            return False
    try:  # a lone surrogate ("\\udcff" in the JSON) could not be written to results.csv
        json.dumps(row, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError:
        return False
    return bool(row["case_id"])


def read_journal(path: Path) -> tuple[list[dict[str, Any]], bool]:
    """The rows of ``journal.jsonl`` that ``--resume`` keeps, and whether its last line is cut
    short.  A line that is not a whole record (torn by a kill mid-write, not UTF-8, not JSON,
    past a limit of :mod:`verify.limits`, a row of another shape) is skipped: that case simply
    runs again.  At most ``MAX_CASES`` rows are read."""
    rows: list[dict[str, Any]] = []
    with path.open("rb") as handle:
        for number, raw in limits.bounded_lines(handle, limits.MAX_CONFIG_BYTES):
            if raw is None or len(rows) >= limits.MAX_CASES:
                continue
            try:
                row = limits.loads(raw.decode("utf-8"), f"{path}:{number}")
            except (UnicodeDecodeError, json.JSONDecodeError, limits.LimitError):
                continue
            if _journal_row(row):
                rows.append(row)
        end = handle.seek(0, 2)
        torn = end > 0 and handle.seek(end - 1) >= 0 and handle.read(1) != b"\n"
    return rows, torn


class Journal:
    """Every finished case, appended and flushed as it completes: ``journal.jsonl`` (the record
    that ``--resume`` reads) and a row in results.csv / discrepancies.csv, so that a killed run
    leaves readable CSV with every finished case.  :meth:`finish` rewrites both CSVs atomically,
    in case order, each case once."""

    def __init__(self, out_dir: Path, *, resume: bool) -> None:
        self.paths = report_paths(out_dir)
        out_dir.mkdir(parents=True, exist_ok=True)
        self.rows: list[dict[str, Any]] = []
        torn = False
        if resume and self.paths["journal"].exists():
            self.rows, torn = read_journal(self.paths["journal"])
        # Rewrite everything from what is known now, then keep appending.
        write_reports(self.rows, None, out_dir)
        self._journal = open(self.paths["journal"], "w" if not resume else "a", encoding="utf-8")  # noqa: SIM115
        if not resume:
            self._journal.truncate(0)
        elif torn:  # a last line cut by a kill: the next record starts on a line of its own
            self._journal.write("\n")
        self._results = open(self.paths["results"], "a", encoding="utf-8", newline="")  # noqa: SIM115
        self._bad = open(self.paths["discrepancies"], "a", encoding="utf-8", newline="")  # noqa: SIM115
        self._results_csv = csv.DictWriter(self._results, fieldnames=RESULT_COLUMNS)
        self._bad_csv = csv.DictWriter(self._bad, fieldnames=RESULT_COLUMNS)

    def done(self, keras_version: str) -> set[str]:
        """Case ids already recorded for this Keras version."""
        return {str(r["case_id"]) for r in self.rows if str(r.get("keras_version")) == keras_version}

    def append(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        self._journal.write(json.dumps(row) + "\n")
        self._journal.flush()
        self._results_csv.writerow(row)
        self._results.flush()
        if row["status"] not in OK_STATUSES:
            self._bad_csv.writerow(row)
            self._bad.flush()

    def finish(self, order: Mapping[str, int], environment: Mapping[str, str]) -> dict[str, Path]:
        """Close the streams and rewrite the reports: each case once (the last record wins),
        in catalog order."""
        for handle in (self._journal, self._results, self._bad):
            handle.close()
        latest: dict[tuple[str, str], dict[str, Any]] = {}
        for row in self.rows:
            latest[(str(row["case_id"]), str(row["keras_version"]))] = row
        rows = sorted(latest.values(), key=lambda r: (order.get(str(r["case_id"]), len(order)), str(r["case_id"])))
        self.rows = rows
        return write_reports(rows, environment, self.paths["results"].parent)


def status_counts(rows: Sequence[Mapping[str, Any]]) -> Counter[str]:
    return Counter(str(r["status"]) for r in rows)


def family_table(rows: Sequence[Mapping[str, Any]]) -> list[tuple[str, dict[str, int]]]:
    """Per layer family: counts per status, families sorted by name."""
    table: dict[str, Counter[str]] = {}
    for r in rows:
        table.setdefault(str(r["family"]), Counter())[str(r["status"])] += 1
    return [(fam, dict(counts)) for fam, counts in sorted(table.items())]
