"""What paramproof will read: the limits every reader enforces on what other people wrote.

Each limit is generous for real models (the largest keras.applications configuration, ResNetRS420
as Keras 2 writes it, is 1.4 MB, 2,258 layers, 12 levels of JSON nesting at most in any
application, no string over 60 characters) and small enough that no input can make a reader
recurse past Python's stack, inflate a zip bomb, or compute for minutes.  What goes past one is
refused with one line naming the file, the line where there is one, and the limit
(:class:`LimitError`, a ``ValueError``); the reader's other input (a case file's other lines)
is kept.  The README's "What paramproof reads" lists them.

Standard library only (the engine-facing helpers here run in worker processes too).
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

#: A model configuration (a JSON model file, a ``.keras`` archive's ``config.json`` as declared
#: and as inflated, an HDF5 ``model_config`` attribute, a SavedModel's ``keras_metadata.pb``), one
#: line of a case file, one ``key=value`` argument.
MAX_CONFIG_BYTES = 64 * 1024 * 1024
#: Members of one zip archive (a ``.keras`` file holds three, and one asset per lookup layer).
MAX_ZIP_MEMBERS = 10_000
#: Nesting of JSON arrays and objects (a Functional inside a Functional costs three levels).
MAX_JSON_DEPTH = 100
#: One JSON string (a Lambda's marshalled code, an inline vocabulary joined into one string).
MAX_STRING_CHARS = 1024 * 1024
#: A JSON integer: dimensions, units and filters are int64 in every Keras backend.
MAX_INT = 2**63 - 1
#: Layers in one model, nested models' layers included.
MAX_LAYERS = 100_000
#: A case file (read a line at a time; this bounds the whole file).
MAX_CASE_FILE_BYTES = 1024 * 1024 * 1024
#: Cases in one run (all case files together).
MAX_CASES = 1_000_000
#: A pasted summary (a file, stdin, a notebook).
MAX_SUMMARY_BYTES = 32 * 1024 * 1024
#: Lines of a pasted summary.
MAX_SUMMARY_LINES = 500_000
#: One line of a pasted summary, after a notebook's or a logger's wrapping is removed (Keras
#: prints at most a few hundred characters a line even with a wide ``line_length``).
MAX_SUMMARY_LINE_CHARS = 10_000
#: A results CSV given to ``diff`` or found by ``matrix``.
MAX_CSV_BYTES = 256 * 1024 * 1024
#: Rows of one results CSV.
MAX_CSV_ROWS = 1_000_000
#: One CSV field (Python's csv module's own default limit).
MAX_CSV_FIELD_CHARS = 131_072
#: A claim or a ``--where`` condition (:data:`verify.claim_expr.MAX_LENGTH` says the same).
MAX_CLAIM_CHARS = 1000
#: Rank of one shape (``--input-shape``, a case's ``input_shape``): numpy's own limit is 64.
MAX_RANK = 64


class LimitError(ValueError):
    """Input past one of the limits above: one line naming where and the limit."""


def _mib(n: int) -> str:
    return f"{n // (1024 * 1024):,} MiB" if n >= 1024 * 1024 and n % (1024 * 1024) == 0 else f"{n:,} bytes"


def over_size(where: str, size: int, limit: int, what: str = "bytes") -> LimitError:
    """``where: 70,000,000 bytes, over the 64 MiB limit for <what>``."""
    return LimitError(f"{where}: {size:,} bytes, over the {_mib(limit)} limit for {what}")


def check_size(where: str, size: int, limit: int = MAX_CONFIG_BYTES, what: str = "a model configuration") -> None:
    if size > limit:
        raise over_size(where, size, limit, what)


_CHUNK = 1024 * 1024


def read_bounded(handle: IO[bytes], limit: int, where: str, what: str = "a model configuration") -> bytes:
    """At most ``limit`` bytes of ``handle``: past that, a LimitError (only ``limit + 1`` bytes are
    ever read, so a zip bomb or an endless stream is never inflated past the limit)."""
    parts: list[bytes] = []
    size = 0
    while size <= limit:  # in chunks: a read(limit + 1) would allocate the whole limit for a small file
        chunk = handle.read(min(_CHUNK, limit + 1 - size))
        if not chunk:
            break
        parts.append(chunk)
        size += len(chunk)
    if size > limit:
        raise LimitError(f"{where}: more than {_mib(limit)}, over the limit for {what}")
    return b"".join(parts)


def read_file_bounded(path: Path, limit: int, what: str, where: str | None = None) -> bytes:
    """A whole file, refused before reading when its size is over ``limit``."""
    where = where or str(path)
    size = path.stat().st_size
    if size > limit:
        raise over_size(where, size, limit, what)
    with path.open("rb") as handle:
        return read_bounded(handle, limit, where, what)


def bounded_lines(handle: IO[bytes], limit: int) -> Iterator[tuple[int, bytes | None]]:
    """``(line number, bytes)`` for each line of ``handle``; a line longer than ``limit`` bytes
    comes as ``(number, None)`` and is skipped without being held in memory."""
    number = 0
    while True:
        chunk = handle.readline(limit + 1)
        if not chunk:
            return
        number += 1
        if len(chunk) > limit and not chunk.endswith(b"\n"):
            while chunk and not chunk.endswith(b"\n"):  # the rest of the long line, read and dropped
                chunk = handle.readline(1024 * 1024)
            yield number, None
            continue
        yield number, chunk


def _parse_int(text: str) -> int:
    """JSON's integers, refused past int64 before Python converts them (a 5,000-digit number would
    otherwise stop ``json.loads`` with Python's own 4,300-digit ValueError)."""
    digits = text.lstrip("-")
    value = int(text) if len(digits) <= 19 else None
    if value is None or not -MAX_INT - 1 <= value <= MAX_INT:
        shown = text if len(text) <= 24 else f"{text[:20]}... ({len(digits):,} digits)"
        raise _IntTooLarge(shown)
    return value


class _IntTooLarge(Exception):
    pass


def loads(text: str | bytes, where: str, *, max_depth: int = MAX_JSON_DEPTH, max_string: int = MAX_STRING_CHARS) -> Any:
    """``json.loads`` within the limits: nesting deeper than ``max_depth``, a string longer than
    ``max_string`` or an integer past int64 is a :class:`LimitError` naming ``where``; bad JSON
    is ``json.JSONDecodeError`` as usual (each reader words it with its own line numbers)."""
    try:
        value = json.loads(text, parse_int=_parse_int)
    except RecursionError:
        raise LimitError(f"{where}: JSON nested deeper than the limit of {max_depth} levels") from None
    except _IntTooLarge as exc:
        raise LimitError(f"{where}: the integer {exc} is past int64 (2^63 - 1), the limit for any dimension or count") from None
    check_tree(value, where, max_depth=max_depth, max_string=max_string)
    return value


def check_tree(value: Any, where: str, *, max_depth: int = MAX_JSON_DEPTH, max_string: int = MAX_STRING_CHARS) -> None:
    """The limits of :func:`loads` on a value already parsed (iteratively: no recursion)."""
    stack: list[tuple[Any, int]] = [(value, 0)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, str):
            if len(item) > max_string:
                raise LimitError(f"{where}: a string of {len(item):,} characters, over the limit of {max_string:,}")
        elif isinstance(item, (dict, list)):
            depth += 1
            if depth > max_depth:
                raise LimitError(f"{where}: JSON nested deeper than the limit of {max_depth} levels")
            if isinstance(item, dict):
                stack.extend((k, depth) for k in item)
                stack.extend((v, depth) for v in item.values())
            else:
                stack.extend((v, depth) for v in item)


def count_layers(config: Any) -> int:
    """Layers in a model configuration, nested models' and wrapped layers' included (iteratively)."""
    count = 0
    stack = [config]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            layers = item.get("layers")
            if isinstance(layers, list):
                count += len(layers)
            stack.extend(v for v in item.values() if isinstance(v, (dict, list)))
        elif isinstance(item, list):
            stack.extend(v for v in item if isinstance(v, (dict, list)))
    return count


def check_layers(config: Any, where: str, limit: int = MAX_LAYERS) -> None:
    n = count_layers(config)
    if n > limit:
        raise LimitError(f"{where}: {n:,} layers, over the limit of {limit:,} for one model")


#: name → (limit, unit, what it bounds): the README's table (:func:`markdown_table`) is checked
#: against this.
LIMITS: dict[str, tuple[int, str, str]] = {
    "MAX_CONFIG_BYTES": (
        MAX_CONFIG_BYTES,
        "bytes",
        "a model configuration: a JSON model file, a zip member (declared and inflated), an HDF5 attribute, one case line",
    ),
    "MAX_ZIP_MEMBERS": (MAX_ZIP_MEMBERS, "members", "a zip archive (.keras)"),
    "MAX_JSON_DEPTH": (MAX_JSON_DEPTH, "levels", "nesting of JSON arrays and objects, anywhere"),
    "MAX_STRING_CHARS": (MAX_STRING_CHARS, "characters", "one JSON string"),
    "MAX_INT": (MAX_INT, "", "a JSON integer (int64, as every Keras backend's dimensions)"),
    "MAX_LAYERS": (MAX_LAYERS, "layers", "one model, nested models' layers included"),
    "MAX_RANK": (MAX_RANK, "axes", "one shape"),
    "MAX_CASE_FILE_BYTES": (MAX_CASE_FILE_BYTES, "bytes", "a case file (read a line at a time)"),
    "MAX_CASES": (MAX_CASES, "cases", "one run"),
    "MAX_SUMMARY_BYTES": (MAX_SUMMARY_BYTES, "bytes", "a pasted summary (file or stdin)"),
    "MAX_SUMMARY_LINES": (MAX_SUMMARY_LINES, "lines", "a pasted summary"),
    "MAX_SUMMARY_LINE_CHARS": (MAX_SUMMARY_LINE_CHARS, "characters", "one line of a pasted summary"),
    "MAX_CSV_BYTES": (MAX_CSV_BYTES, "bytes", "a results CSV (diff, matrix)"),
    "MAX_CSV_ROWS": (MAX_CSV_ROWS, "rows", "a results CSV"),
    "MAX_CSV_FIELD_CHARS": (MAX_CSV_FIELD_CHARS, "characters", "one CSV field"),
    "MAX_CLAIM_CHARS": (MAX_CLAIM_CHARS, "characters", "a claim or a --where condition"),
}


def _shown(value: int, unit: str) -> str:
    if value == MAX_INT:
        return "2^63 − 1"
    if unit == "bytes":
        return _mib(value)
    return f"{value:,} {unit}".strip()


def markdown_table() -> str:
    """The README's table of limits."""
    rows = ["| what | limit | name in `verify/limits.py` |", "|---|---|---|"]
    rows += [f"| {what} | {_shown(value, unit)} | `{name}` |" for name, (value, unit, what) in LIMITS.items()]
    return "\n".join(rows)
