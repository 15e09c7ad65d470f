"""``paramproof diff OLD.csv NEW.csv``: the regression check between two ``results.csv`` files.

What Keras did is what is compared: the observed counts, the observed weights (names, shapes,
roles), the symbolic and eager output shapes, and the status.  Expected values are the engine's and
change with paramproof, not with Keras, so they are not compared.  Cases present in only one file
are listed apart: a catalog that grew is not a regression.
"""

from __future__ import annotations

import csv
import io
import os
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

from . import limits
from .cases import printable

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


class _Bounded(io.RawIOBase):
    """A binary file read through, refused with a :class:`DiffInputError` past ``limit`` bytes
    (a pipe, or a file growing while it is read: its size said nothing)."""

    def __init__(self, raw: BinaryIO, limit: int, where: str) -> None:
        super().__init__()
        self._raw, self._limit, self._where, self._total = raw, limit, where, 0

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        n = self._raw.readinto(buffer) or 0
        self._total += n
        if self._total > self._limit:
            raise DiffInputError(f"{self._where}: more than {self._limit // (1024 * 1024):,} MiB, the limit for a results CSV")
        return n


#: What a field may not hold: NUL (a file cut by a crash, padded with zeros) and the stand-ins of
#: bytes that are not UTF-8.
_NOT_TEXT = re.compile("[\x00\udc80-\udcff]")


def csv_rows(path: Path, *, limit: int | None = None, max_rows: int | None = None) -> Iterator[tuple[int, list[str]]]:
    """``(line, fields)`` for each non-empty row of a CSV file (the header included), within
    :mod:`verify.limits`: the file's size (checked before reading), the rows, one field's length;
    a NUL byte, a byte that is not UTF-8 or bad quoting is a :class:`DiffInputError` naming
    ``path:line`` (and the limit)."""
    where = printable(str(path))
    limit = limits.MAX_CSV_BYTES if limit is None else limit
    max_rows = limits.MAX_CSV_ROWS if max_rows is None else max_rows
    try:
        raw = path.open("rb")
    except FileNotFoundError:
        raise DiffInputError(f"{where}: no such file") from None
    except IsADirectoryError:
        raise DiffInputError(f"{where}: is a folder; give its results.csv") from None
    except OSError as exc:
        raise DiffInputError(f"{where}: cannot read it ({exc.strerror or exc})") from None
    with raw:
        size = os.fstat(raw.fileno()).st_size
        if size > limit:
            raise DiffInputError(f"{where}: {size:,} bytes, over the {limit // (1024 * 1024):,} MiB limit for a results CSV")
        text = io.TextIOWrapper(
            io.BufferedReader(_Bounded(raw, limit, where)), encoding="utf-8-sig", errors="surrogateescape", newline=""
        )
        reader = csv.reader(text)
        rows = 0
        while True:
            start = reader.line_num + 1  # a quoted field may span lines: a row is named by its first
            try:
                fields = next(reader)
            except StopIteration:
                return
            except csv.Error as exc:
                line = start
                if "field larger than field limit" in str(exc):
                    raise DiffInputError(
                        f"{where}:{line}: a field longer than {limits.MAX_CSV_FIELD_CHARS:,} characters, the limit for one CSV field"
                    ) from None
                raise DiffInputError(f"{where}:{line}: not valid CSV ({exc})") from None
            except OSError as exc:
                raise DiffInputError(f"{where}: cannot read it ({exc.strerror or exc})") from None
            line = start
            if not fields:
                continue
            rows += 1
            if rows > max_rows + 1:  # the header is not a row
                raise DiffInputError(f"{where}:{line}: more than {max_rows:,} rows, the limit for a results CSV")
            for value in fields:
                if len(value) > limits.MAX_CSV_FIELD_CHARS:
                    raise DiffInputError(
                        f"{where}:{line}: a field of {len(value):,} characters, over the limit of {limits.MAX_CSV_FIELD_CHARS:,} for one CSV field"
                    )
                bad = _NOT_TEXT.search(value)
                if bad is not None:
                    if bad.group() == "\x00":
                        raise DiffInputError(f"{where}:{line}: a NUL byte: not a text file (cut short by a crash?)")
                    byte = ord(bad.group()) - 0xDC00
                    raise DiffInputError(f"{where}:{line}: not UTF-8 text (byte 0x{byte:02x})")
            yield line, fields


def read_results(
    path: Path, *, numeric: Sequence[str] = (), required: Sequence[str] = ()
) -> tuple[dict[str, dict[str, str]], str]:
    """case id → row (all text), and a label ("Keras 3.15.1 (tensorflow)") from the rows.
    ``numeric``: columns that must hold a whole number or nothing (what ``matrix`` adds up);
    ``required``: columns needed besides :data:`REQUIRED`."""
    rows: dict[str, dict[str, str]] = {}
    columns: list[str] | None = None
    where = printable(str(path))
    for line, fields in csv_rows(path):
        if columns is None:
            columns = fields
            missing = [c for c in (*REQUIRED, *required) if c not in columns]
            if missing:
                raise DiffInputError(f"{where}: not a paramproof results.csv (no column {', '.join(missing)})")
            continue
        if len(fields) != len(columns):
            raise DiffInputError(f"{where}:{line}: row has {len(fields)} columns, the header has {len(columns)}")
        row = dict(zip(columns, fields))
        case_id = row["case_id"]
        if not case_id:
            raise DiffInputError(f"{where}:{line}: empty case_id")
        if case_id in rows:
            raise DiffInputError(f"{where}:{line}: case {_cut(case_id)} appears twice")
        for column in numeric:
            value = row.get(column, "")
            if value and not _WHOLE.fullmatch(value):
                raise DiffInputError(f"{where}:{line}: {column} {_cut(value)} is not a whole number")
        rows[case_id] = row
    if columns is None:
        raise DiffInputError(f"{where}: not a paramproof results.csv (an empty file)")
    versions = sorted({(r.get("keras_version", ""), r.get("backend", "")) for r in rows.values()})
    label = ", ".join(f"Keras {v} ({b})" if b else f"Keras {v}" for v, b in versions if v) or str(path)
    return rows, label


#: A count as results.csv writes it (at most 19 digits: int64).
_WHOLE = re.compile(r"-?[0-9]{1,19}")


def _cut(text: str) -> str:
    return repr(text) if len(text) <= 60 else f"{text[:40]!r}... ({len(text):,} characters)"


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
