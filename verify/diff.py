"""``paramproof diff OLD.csv NEW.csv``: the regression check between two ``results.csv`` files.

What Keras did is what is compared: the observed counts, the observed weights (names, shapes,
roles), the symbolic and eager output shapes, and the status.  Expected values are the engine's and
change with paramproof, not with Keras, so they are not compared.  Cases present in only one file
are listed apart: a catalog that grew is not a regression.
"""

from __future__ import annotations

import csv
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path

#: The observed columns of results.csv, in the order a change is reported.
OBSERVED = (
    "status",
    "observed_trainable",
    "observed_non_trainable",
    "observed_count_params",
    "observed_weights",
    "observed_output_shape",
    "eager_output_shape",
)
REQUIRED = ("case_id", *OBSERVED)


class DiffInputError(ValueError):
    """A file that is not a paramproof results.csv: the message names the file (and line)."""


@dataclass(frozen=True)
class Change:
    case_id: str
    column: str
    old: str
    new: str


@dataclass(frozen=True)
class Diff:
    old_label: str
    new_label: str
    changes: tuple[Change, ...]
    only_old: tuple[str, ...] = ()
    only_new: tuple[str, ...] = ()
    compared: int = 0
    changed_cases: tuple[str, ...] = field(default=(), compare=False)

    @property
    def regression(self) -> bool:
        return bool(self.changes)


def read_results(path: Path) -> tuple[dict[str, dict[str, str]], str]:
    """case id → row (all text), and a label ("Keras 3.15.1 (tensorflow)") from the rows."""
    try:
        with path.open(newline="", encoding="utf-8") as handle:
            reader = csv.DictReader(handle)
            columns = reader.fieldnames or []
            missing = [c for c in REQUIRED if c not in columns]
            if missing:
                what = "an empty file" if not columns else f"no column {', '.join(missing)}"
                raise DiffInputError(f"{path}: not a paramproof results.csv ({what})")
            rows: dict[str, dict[str, str]] = {}
            for row in reader:
                line = reader.line_num
                if None in row or any(v is None for v in row.values()):
                    raise DiffInputError(f"{path}:{line}: row has {len(columns)} columns expected, found a different number")
                case_id = row["case_id"]
                if not case_id:
                    raise DiffInputError(f"{path}:{line}: empty case_id")
                if case_id in rows:
                    raise DiffInputError(f"{path}:{line}: case {case_id!r} appears twice")
                rows[case_id] = row
    except FileNotFoundError:
        raise DiffInputError(f"{path}: no such file") from None
    except IsADirectoryError:
        raise DiffInputError(f"{path}: is a folder; give its results.csv") from None
    except UnicodeDecodeError as exc:
        raise DiffInputError(f"{path}: not a text file ({exc.reason})") from None
    except csv.Error as exc:
        raise DiffInputError(f"{path}: not valid CSV ({exc})") from None
    versions = sorted({(r.get("keras_version", ""), r.get("backend", "")) for r in rows.values()})
    label = ", ".join(f"Keras {v} ({b})" if b else f"Keras {v}" for v, b in versions if v) or str(path)
    return rows, label


def diff_rows(
    old: Mapping[str, Mapping[str, str]], new: Mapping[str, Mapping[str, str]], old_label: str = "old", new_label: str = "new"
) -> Diff:
    changes: list[Change] = []
    changed: list[str] = []
    common = [c for c in old if c in new]
    for case_id in common:
        before, after = old[case_id], new[case_id]
        here = [Change(case_id, col, before[col], after[col]) for col in OBSERVED if before[col] != after[col]]
        if here:
            changes.extend(here)
            changed.append(case_id)
    return Diff(
        old_label,
        new_label,
        tuple(changes),
        only_old=tuple(c for c in old if c not in new),
        only_new=tuple(c for c in new if c not in old),
        compared=len(common),
        changed_cases=tuple(changed),
    )


def diff_files(old_path: Path, new_path: Path) -> Diff:
    old, old_label = read_results(old_path)
    new, new_label = read_results(new_path)
    return diff_rows(old, new, old_label, new_label)


def _show(value: str) -> str:
    return value if value else "(none)"


def render(d: Diff) -> str:
    """The report a person reads: one block per changed case, then the cases in one file only."""
    lines = [f"{d.compared} case(s) in both files: {d.old_label} -> {d.new_label}"]
    if not d.changes:
        lines.append("no case's observed counts, weights, shapes or status changed")
    else:
        lines.append(f"{len(d.changed_cases)} case(s) changed:")
        by_case: dict[str, list[Change]] = {}
        for change in d.changes:
            by_case.setdefault(change.case_id, []).append(change)
        for case_id, items in by_case.items():
            lines.append(f"  {case_id}")
            for c in items:
                lines.append(f"    {c.column}: {_show(c.old)} -> {_show(c.new)}")
    if d.only_old:
        lines.append(f"{len(d.only_old)} case(s) only in the old file: " + ", ".join(d.only_old))
    if d.only_new:
        lines.append(f"{len(d.only_new)} case(s) only in the new file: " + ", ".join(d.only_new))
    return "\n".join(lines)
