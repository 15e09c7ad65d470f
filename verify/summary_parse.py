"""Read a pasted ``model.summary()`` into frozen rows and totals (standard library only).

Three table styles are read:

* Keras 3 (rich box drawing: ``┏━┃│├└``).  Cells wrap onto several lines inside one row (rows are
  separated by ``├──┤`` rules), numbers carry thousands separators, totals carry a size suffix
  (``Total params: 5,130 (20.04 KB)``).  On a narrow console rich wraps words and cuts cells that
  still do not fit with ``…`` (keras-team/keras#21107): a cut name or class is kept as a prefix,
  a cut count becomes unknown.
* Keras 2 (``_`` and ``=`` rules, fixed columns; a field longer than its column continues on the
  next lines in the same column, cut anywhere, ``batch_normalization (Batc`` / ``hNormalization)``;
  ``Connected to`` lists ``['dense[0][0]', ...]``).
* Keras 1 (same rules, ``Connected to`` as ``dense_1[0][0]``, one per line, no size suffix).

Plain-text rows are found by their shape and count (``(None, 10)   7850``), not by column offsets,
so a paste that lost the alignment, or a row without its ``(Type)``, still reads; lines glued to
a rule (``...0][0]  =====...dense_1 (Dense) ...``) are split at the rule.  Lines starting with
``#`` outside the table are comments (a source header).

Unreadable text raises :class:`SummaryParseError` naming the line.

What is read is bounded by :mod:`verify.limits`: at most ``MAX_SUMMARY_LINES`` lines (counted
after a notebook's or an escaped string's lines are unwrapped) and JSON within its depth and
integer limits, else :class:`SummaryLimitError` (a ``SummaryParseError`` and a ``LimitError``)
names the line and the limit.  A line longer than ``MAX_SUMMARY_LINE_CHARS`` (a notebook's
base64 image, a log line) is not read: it stands for rows left out (``...``) and a note says so,
so the summaries around it are still checked.  A count or dimension of more than 19 digits is
past int64 and refused.  Every pattern here runs in time linear (or nearly) in its line.
"""

from __future__ import annotations

import bisect
import codecs
import html
import json
import re
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, replace
from enum import Enum

from .limits import MAX_INT, MAX_SUMMARY_BYTES, MAX_SUMMARY_LINE_CHARS, MAX_SUMMARY_LINES, LimitError, loads

Dim = int | None
Shape = tuple[Dim, ...]

ELLIPSIS = "…"


class SummaryFormat(str, Enum):
    KERAS3 = "keras3"
    KERAS2 = "keras2"
    KERAS1 = "keras1"

    def __str__(self) -> str:
        return self.value


class SummaryParseError(ValueError):
    """The text is not a readable ``model.summary()`` table; ``line`` is 1-based."""

    def __init__(self, line: int, message: str) -> None:
        super().__init__(f"line {line}: {message}")
        self.line = line


class SummaryLimitError(SummaryParseError, LimitError):
    """A paste past one of :mod:`verify.limits`' limits (lines, JSON nesting, a number past
    int64): one line naming the line and the limit."""


@dataclass(frozen=True)
class SummaryRow:
    """One layer row as printed.  ``class_name`` is None when the ``(Type)`` is missing; a name,
    class or connection cut by a narrow console ends with ``…``.  ``output_shape`` is a shape, a
    tuple of shapes (several outputs), or None when unreadable (``multiple``, cut); ``params`` is
    None when the count was cut."""

    name: str
    class_name: str | None
    output_shape: Shape | tuple[Shape, ...] | None
    params: int | None
    line: int
    connected_to: tuple[str, ...] = ()
    text: str = ""
    #: The ``(Type)`` was cut by its column (``(Average`` with no ``)``, or ``(Batc…``): ``class_name``
    #: is then a prefix of the real class, without the ``…``.
    class_cut: bool = False
    #: How the output shape was printed when it is not a plain shape: ``"multiple"`` (a layer
    #: called more than once), ``"cut"`` (``[(None, 2), (None, 2), (N`` cut by the column: the
    #: shapes read in full are kept in ``output_shape`` only when all are whole), ``"unbuilt"``
    #: (Keras 3's ``?`` of a model never built), else "".
    shape_note: str = ""
    #: Keras 3 prints ``0 (unbuilt)`` for a layer that has not been built: no count to check.
    unbuilt: bool = False
    #: 0 for the model's own layers; 1, 2, ... for the rows of a nested model printed with
    #: ``expand_nested=True`` (Keras 3 ``└``, Keras 2 ``|``-framed rows).  The totals count depth-0
    #: rows only; a nested model's count is the sum of the rows one level below it.
    depth: int = 0
    #: The ``Trainable`` column of ``show_trainable=True`` (``Y``/``N``), None when not printed.
    trainable: bool | None = None
    #: The nested-model row whose rows this one is among ("" at depth 0; the innermost for deeper).
    parent: str = ""
    #: A cut multi-output shape's whole shapes before the cut (``[(None, 2), (None, 2), (N`` gives
    #: ``((None, 2), (None, 2))``); ``output_shape`` stays None.
    cut_shapes: tuple[Shape, ...] = ()

    @property
    def truncated(self) -> bool:
        return ELLIPSIS in self.text or self.class_cut


@dataclass(frozen=True)
class SummaryTotal:
    """A ``Total params:`` style line: what it states and where."""

    kind: str  # "total", "trainable", "non_trainable", "optimizer"
    value: int
    line: int
    text: str

    @property
    def label(self) -> str:
        return {"total": "Total", "trainable": "Trainable", "non_trainable": "Non-trainable", "optimizer": "Optimizer"}[
            self.kind
        ] + " params"


@dataclass(frozen=True)
class Summary:
    format: SummaryFormat
    model_name: str | None
    rows: tuple[SummaryRow, ...]
    totals: tuple[SummaryTotal, ...]
    header_line: int
    has_connections: bool
    #: Line numbers where the paste leaves rows out (a line of ``...`` or ``…`` in the table): the
    #: rows shown are checked, the totals cannot be compared with their sum.
    elided: tuple[int, ...] = ()
    #: What the reader undid to read the paste, for the report: "comment prefix '# '",
    #: "markdown table", "notebook output", ...
    notes: tuple[str, ...] = ()

    @property
    def unbuilt(self) -> bool:
        """A Keras 3 model that was never built: every row ``0 (unbuilt)``."""
        return bool(self.rows) and all(r.unbuilt for r in self.rows)

    def total(self, kind: str) -> SummaryTotal | None:
        return next((t for t in self.totals if t.kind == kind), None)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
#: Colour codes whose ESC was lost on the way (``[1mModel: "functional"[0m``).
_BARE_ANSI = re.compile(r"\[(?:\d{1,3}(?:;\d{1,3})*)?m")
_RULE_GLUE = re.compile(r"[=_]{10,}")
_RULE = re.compile(r"^\s*\|*[=_\-─━¯]{5,}\|*\s*$")
_TOTAL = re.compile(
    r"^\s*+(?P<kind>Total|Trainable|Non-trainable|Optimizer)\s++params\s*+:\s*+(?P<n>(?:[,_.\s]*+\d)++)\s*+(?:\((?P<size>[^)]*+)\))?\s*+$",
    re.IGNORECASE,
)
_TOTAL_WORDS = re.compile(r"^\W*(?:Total|Trainable|Non-trainable|Optimizer)\s+params\b", re.IGNORECASE)
# Possessive throughout: ``\s*``, ``[^"]*`` and ``\s*`` all take spaces, and a failing line of
# thousands of spaces backtracked cubically (make fuzz, a 3,554-character "Model:" line: 15 s).
_MODEL = re.compile(r'^\s*+Model:\s*+"?+(?P<name>[^"]*+)"?+\s*+$')
# The patterns of a row are possessive (``*+``, ``?+``) wherever giving characters back cannot
# make a match (a cut shape's last dimension may be its count: ``(None, 12,   0``, so the
# dimensions themselves are given back): a line of 10,000 spaces, digits or parentheses is read in linear time, not in
# the quadratic (or worse) time of ``\s*\)?\s+`` backtracking.  A shape may end in the spaces
# before its count (the lookbehind ``(?<=\s)``); its readers strip it.
_DIM = r"(?:None|\d++|\?)"
_ONE_SHAPE = rf"\(\s*+(?:{_DIM}(?:\s*+,\s*+{_DIM})*\s*+,?)?\s*+\)?"
#: The end of a shape cut by its column: ``(None, 2), (N``, ``(No``, ``(None, 1``.
_CUT_TAIL = r"(?:\s*+,?\s*+\(?\s*+(?:N|No|Non)?)?"
_SHAPE = rf"(?:\[\s*+{_ONE_SHAPE}(?:\s*+,\s*+{_ONE_SHAPE})*+{_CUT_TAIL}\s*+\]?|{_ONE_SHAPE}(?:N|No|Non)?|multiple)"
_PLAIN_ROW = re.compile(
    rf"^(?P<layer>|.*?\S)\s*+(?<![\w)])(?P<shape>{_SHAPE})(?:\s+|(?<=[,)\]\s]))(?P<params>\d[\d,]*+)(?:\s+(?P<conn>\S(?:.*\S)?))?\s*+$"
)
_LAYER = re.compile(r"^(?P<name>[^\s(]*?)\s*(?:\(\s*(?P<cls>[^()\s]*)\s*(?P<close>\))?)?\s*$")
_BOX_CELL = "│┃|"
#: A line that only draws the table: ``┡━━╇━━┩``, ``├──┼──┤``, markdown's ``|---|:--:|``, rich's
#: ASCII fallback ``+----+----+`` and ``|----+----|``.
#: (What ``^\s*[│┃|+├┡╞╟┏┌└╘╙┗]?[\s\-─━=:+┼╇╋┬┳┴┻|│┃]*[-─━=]{3,}[\s\-─━=:+┼╇╋┬┳┴┻|│┃┤┩╡╢┓┐┘┛]*$``
#: says, read in linear time by :func:`_is_box_rule`: that pattern backtracks cubically, minutes
#: on a line of 3,000 ``=``.)
_BOX_LEADS = "│┃|+├┡╞╟┏┌└╘╙┗"
_BOX_BEFORE = re.compile(r"[\s\-─━=:+┼╇╋┬┳┴┻|│┃]*+")
_BOX_ALL = re.compile(r"[\s\-─━=:+┼╇╋┬┳┴┻|│┃┤┩╡╢┓┐┘┛]*+")
_BOX_DASHES = re.compile(r"[-─━=]{3}")
#: A line standing for rows left out of the paste: ``...``, ``…``, ``⋮``, ``[... 150 more layers ...]``.
_ELISION = re.compile(r"^\s*+(?:[\[(]\s*+)?(?:\.\s?\.\s?\.++|…|⋮)[^│┃|]*+$")
#: Comment and prompt prefixes people paste summaries behind, longest first.
_PREFIXES = ("# ", "#", "// ", "//", "> ", ">", "... ", "-- ", "; ")
_JSON_STRING_LINE = re.compile(r'^\s*("(?:[^"\\]|\\.)*")\s*,?\s*$')
_FENCE = re.compile(r"^\s*(```|~~~)")
_HEADERISH = re.compile(r"Layer \(type\)|Output Shape\s*+[┃│|]?\s*+Param|Param #", re.IGNORECASE)


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) pairs, ANSI colours removed and text glued to long rules split off."""
    return _split_glued([(n, raw) for n, raw in enumerate(_newlines(text).split("\n"), start=1)])


def _newlines(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n")


def _split_glued(numbered: list[tuple[int, str]]) -> list[tuple[int, str]]:
    out: list[tuple[int, str]] = []
    for number, raw in numbered:
        line = _ANSI.sub("", raw).expandtabs(8).replace("\u00a0", " ").rstrip()
        if _RULE_GLUE.search(line) and not _RULE.match(line) and not re.search(r"[│┃|]", line):
            for part in _RULE_GLUE.split(line):
                if part.strip():
                    out.append((number, part.rstrip()))
            continue
        out.append((number, line))
    return out


# --- undoing what pasting did ---------------------------------------------------------------


def _demojibake(text: str) -> tuple[str, bool]:
    """Box drawing written as UTF-8 and read back as Windows-1252 (``â”ƒ`` for ``┃``)."""
    if "â”" not in text and "â•" not in text:
        return text, False
    raw = text.encode("cp1252", errors="paramproof-mojibake")  # C speed: a 32 MiB paste in a blink
    fixed = raw.decode("utf-8", errors="replace")
    return (fixed, True) if any(c in fixed for c in "┃│━") else (text, False)


def _mojibake_bytes(exc: UnicodeError) -> tuple[bytes, int]:
    """The bytes of what Windows-1252 cannot encode: U+FFFD (a byte it does not define, lost: 0x81
    ends ``━``, the rule) as 0x81, a code point below 256 as its byte, anything else as UTF-8."""
    if not isinstance(exc, UnicodeEncodeError):
        raise exc
    out = bytearray()
    for ch in exc.object[exc.start : exc.end]:
        if ch == "\ufffd":
            out.append(0x81)
        elif ord(ch) < 256:
            out.append(ord(ch))
        else:
            out += ch.encode("utf-8", errors="surrogatepass")
    return bytes(out), exc.end


codecs.register_error("paramproof-mojibake", _mojibake_bytes)


def _json_lines(numbered: list[tuple[int, str]]) -> list[tuple[int, str]] | None:
    """A notebook's output as stored in the ``.ipynb`` (``"Layer (type)   ...\n",`` one string per
    line), whole or as a fragment: each string decoded, on the line it was written."""
    header = next((s for _, s in numbered if _HEADERISH.search(s)), None)
    if header is None or not _JSON_STRING_LINE.match(header):
        return None
    out: list[tuple[int, str]] = []
    for number, line in numbered:
        m = _JSON_STRING_LINE.match(line)
        value: object = None
        if m:
            try:
                value = json.loads(m.group(1))
            except ValueError:
                value = None
        if not isinstance(value, str):
            out.append((number, ""))
            continue
        pieces = value.split("\n")
        if len(pieces) > 1 and pieces[-1] == "":
            pieces.pop()
        out.extend((number, piece) for piece in pieces)
        _check_line_count(len(out), number)
    return out


def _notebook(text: str, notes: list[str]) -> tuple[list[tuple[int, str]], str] | None:
    """A whole ``.ipynb``: the first cell output holding a summary (``text`` or ``text/plain``),
    each output line on the file line that holds it (nbformat writes one string per line).  JSON
    past the limits (nesting, an integer past int64) is not read as a notebook: a note says so and
    its lines are read as text (an output's ``"Layer (type) ...\n",`` strings still decode)."""
    if not text.lstrip().startswith("{") or '"cells"' not in text:
        return None
    try:
        # A string may be as long as the paste (a notebook's base64 image): depth and ints bounded.
        book = loads(text, "the notebook", max_string=MAX_SUMMARY_BYTES)
    except LimitError as exc:
        notes.append(f"{exc} (its lines were read as text)")
        return None
    except ValueError:
        return None
    cells = book.get("cells") if isinstance(book, dict) else None
    if not isinstance(cells, list):
        return None
    raw_lines = text.split("\n")
    for index, cell in enumerate(cells, start=1):
        outputs = cell.get("outputs", []) if isinstance(cell, dict) else []
        for output in outputs if isinstance(outputs, list) else []:
            if not isinstance(output, dict):
                continue
            data = output.get("data") if isinstance(output.get("data"), dict) else {}
            content = output.get("text", data.get("text/plain") if data else None)
            if isinstance(content, list):
                content = "".join(str(c) for c in content)
            if not isinstance(content, str) or not _HEADERISH.search(content):
                continue
            _check_line_count(content.count("\n") + 1, 1)
            numbered = _locate(content, raw_lines)
            return numbered, f"notebook output (cell {index})"
    return None


def _locate(content: str, raw_lines: list[str]) -> list[tuple[int, str]]:
    """Number the output's lines by where their JSON strings sit in the file.  The search runs
    to the end of the file until a first line is found, then a window ahead of the last line found
    (an output's strings follow each other): a notebook of many lines stays linear."""
    out: list[tuple[int, str]] = []
    cursor = 0
    whole_searches = 4  # searches to the end of the file before a first line is found
    for piece in content.split("\n"):
        found = None
        if piece.strip():
            encoded = json.dumps(piece, ensure_ascii=True)[1:-1]
            encoded_utf = json.dumps(piece, ensure_ascii=False)[1:-1]
            stop = len(raw_lines) if whole_searches > 0 else min(len(raw_lines), cursor + _LOCATE_WINDOW)
            for j in range(cursor, stop):
                if encoded in raw_lines[j] or encoded_utf in raw_lines[j]:
                    found = j
                    break
            whole_searches = 0 if found is not None else whole_searches - 1
        if found is not None:
            cursor = found
        out.append((cursor + 1, piece))
    return out


#: How far ahead of the last output line found :func:`_locate` looks for the next.
_LOCATE_WINDOW = 64


def _escaped_text(text: str) -> str | None:
    """A summary printed as one Python or JSON string, ``'Model: "m"\\n____\\n...'``."""
    if text.count("\n") > 3 or "\\n" not in text or not _HEADERISH.search(text):
        return None
    return text.replace("\\r", "").replace("\\n", "\n").replace('\\"', '"').replace("\\'", "'")


def _strip_prefix(numbered: list[tuple[int, str]]) -> tuple[list[tuple[int, str]], str | None]:
    """Remove a comment or prompt prefix that nearly every line of the table carries."""
    start = next((i for i, (_, s) in enumerate(numbered) if _HEADERISH.search(s)), None)
    if start is None:
        return numbered, None
    region = [s.lstrip() for _, s in numbered[max(0, start - 3) :] if s.strip()]
    last = max((i for i, s in enumerate(region) if re.search(r"params\s*:", s, re.IGNORECASE)), default=len(region) - 1)
    region = region[: last + 1]
    if not region:
        return numbered, None
    chosen = None
    for prefix in _PREFIXES:
        bare = prefix.rstrip()
        with_it = sum(s.startswith(prefix) or s == bare for s in region)
        if with_it >= 0.8 * len(region) and with_it >= 2:
            chosen = prefix
            break
    if chosen is None:
        return _strip_log_prefix(numbered, start, region)
    bare = chosen.rstrip()
    out: list[tuple[int, str]] = []
    for number, line in numbered:
        body = line.lstrip()
        if body.startswith(chosen):
            line = body[len(chosen) :]
        elif body.startswith(bare):
            line = body[len(bare) :]
        out.append((number, line))
    return out, f"comment prefix {chosen.strip()!r}" if chosen.strip() not in (">", "...") else f"prefix {chosen.strip()!r}"


def _strip_log_prefix(numbered: list[tuple[int, str]], start: int, region: list[str]) -> tuple[list[tuple[int, str]], str | None]:
    """A logger's prefix on every line (``2024-03-18 14:02:10,137 - train - INFO - ``), read off
    the header line, its digits allowed to vary."""
    header = numbered[start][1]
    m = re.search(r"\s?Layer \(type\)|[┃│|]", header)
    pre = header[: m.start()] if m else ""
    if not pre.strip() or len(pre.strip()) < 3:
        return numbered, None
    parts = re.split(r"(\d+)", pre.strip())
    pattern = re.compile(r"^\s*" + "".join(r"\d+" if p.isdigit() else re.escape(p) for p in parts) + " ?")
    with_it = sum(bool(pattern.match(s)) for s in region)
    if with_it < 0.8 * len(region) or with_it < 3:
        return numbered, None
    out = [(n, pattern.sub("", s, count=1) if pattern.match(s) else s) for n, s in numbered]
    return out, f"line prefix {pre.strip()[:40]!r}"


def _markdown_cell_text(line: str) -> str:
    line = re.sub(r"<br\s*/?>", " ", line, flags=re.IGNORECASE)
    line = line.replace("\\_", "_").replace("\\*", "*").replace("\\|", "/").replace("\\[", "[").replace("\\]", "]")
    line = re.sub(r"`([^`]*)`", r"\1", line)
    return html.unescape(line) if "&" in line else line


def _clean_total_line(line: str) -> str:
    """``**Total params:** 7,850``, ``- Total params: 7,850<br>``, ``| Total params | 7,850 |``."""
    text = re.sub(r"<br\s*/?>", " ", line, flags=re.IGNORECASE)
    text = text.replace("**", "").replace("__", " ").replace("`", "")
    text = re.sub(r"^\s*[-*>|]\s*", "", text)
    if "|" in text:  # each | with the spaces around it made one space (re.sub(r"\s*\|\s*") is quadratic in spaces)
        text = " ".join(map(str.strip, text.split("|")))  # the ends are stripped below anyway
    text = text.strip()
    text = re.sub(r"^((?:Total|Trainable|Non-trainable|Optimizer)\s+params)\s+(?=\d)", r"\1: ", text, flags=re.IGNORECASE)
    return text


def _check_line_count(count: int, line: int) -> None:
    if count > MAX_SUMMARY_LINES:
        raise SummaryLimitError(line, f"more than {MAX_SUMMARY_LINES:,} lines, over the limit for a pasted summary")


def _line_count(text: str) -> int:
    return text.count("\n") + text.count("\r") - text.count("\r\n") + 1


def _skip_long(numbered: list[tuple[int, str]], notes: list[str]) -> list[tuple[int, str]]:
    """Lines longer than :data:`MAX_SUMMARY_LINE_CHARS` (tabs counted as the 8 columns they may
    become) are not read: each stands for rows left out (``...``), and a note names them."""
    limit = MAX_SUMMARY_LINE_CHARS
    long = [i for i, (_, s) in enumerate(numbered) if len(s) > limit // 8 and len(s) + 7 * s.count("\t") > limit]
    if not long:
        return numbered
    out = list(numbered)
    for i in long:
        out[i] = (numbered[i][0], "...")
    shown = ", ".join(str(numbered[i][0]) for i in long[:5]) + (f" and {len(long) - 5:,} more" if len(long) > 5 else "")
    notes.append(f"{'line' if len(long) == 1 else 'lines'} {shown} {_SKIPPED_NOTE} (taken as rows left out)")
    return out


_SKIPPED_NOTE = f"not read: over the limit of {MAX_SUMMARY_LINE_CHARS:,} characters for one line of a pasted summary"


def _prepare(text: str) -> tuple[list[tuple[int, str]], list[str]]:
    """The text's lines as Keras printed them, and what was undone to get there."""
    notes: list[str] = []
    if len(text) > MAX_SUMMARY_BYTES:  # characters: the bytes are bounded where the text is read
        raise SummaryLimitError(
            1, f"{len(text):,} characters, over the {MAX_SUMMARY_BYTES // (1024 * 1024)} MiB limit for a pasted summary"
        )
    _check_line_count(_line_count(text), MAX_SUMMARY_LINES + 1)
    text = text.lstrip("\ufeff")
    text = _ANSI.sub("", text)
    if "[0m" in text:
        text = _BARE_ANSI.sub("", text)
        notes.append("colour codes")
    text, fixed = _demojibake(text)
    if fixed:
        notes.append("box drawing re-read as UTF-8 (it was shown as Windows-1252)")
    book = _notebook(text, notes)
    numbered: list[tuple[int, str]]
    if book is not None:
        numbered, note = book
        notes.append(note)
    else:
        escaped = _escaped_text(text)
        if escaped is not None:
            text = escaped
            notes.append("one escaped string (\\n) split into lines")
            _check_line_count(_line_count(text), 1)
        numbered = [(n, raw) for n, raw in enumerate(_newlines(text).split("\n"), start=1)]
        decoded = _json_lines(numbered)
        if decoded is not None:
            numbered = decoded
            notes.append("notebook output lines (JSON strings) decoded")
    numbered = _skip_long(numbered, notes)
    fenced = [(n, s) for n, s in numbered if not _FENCE.match(s)]
    if len(fenced) != len(numbered):
        notes.append("code fence")
    numbered, prefix = _strip_prefix(fenced)
    if prefix:
        notes.append(prefix)
    if "&quot;" in text or "&lt;" in text or "&#" in text:
        numbered = [(n, html.unescape(s)) for n, s in numbered]
        notes.append("HTML entities")
    return _split_glued(numbered), notes


def _parse_int(text: str, line: int = 0) -> int | None:
    """A count as printed (``7,850``, ``7 850``, ``7.850``); None when it is not one.  More than
    19 digits (past int64, and past what ``int()`` reads from a string at 4,300) is a
    :class:`SummaryLimitError` on ``line``."""
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "").replace("\u202f", "").replace("'", "")
    if re.fullmatch(r"[0-9]{1,3}(?:\.[0-9]{3})++", cleaned):  # 7.850: a dot as the thousands separator
        cleaned = cleaned.replace(".", "")
    if not (cleaned.isascii() and cleaned.isdigit()):  # "²".isdigit() is True, int("²") fails
        return None
    return _checked_int(cleaned, line)


def _checked_int(digits: str, line: int) -> int:
    """``int(digits)`` for ASCII digits within int64, else a :class:`SummaryLimitError`."""
    if len(digits) > 19 or int(digits) > MAX_INT:
        shown = digits if len(digits) <= 24 else f"{digits[:20]}... ({len(digits):,} digits)"
        raise SummaryLimitError(line, f"the number {shown} is past int64 (2^63 - 1), the limit for any dimension or count")
    return int(digits)


def parse_shape(text: str, line: int = 0) -> Shape | tuple[Shape, ...] | None:
    """``(None, 32, 32, 16)`` → ``(None, 32, 32, 16)``; ``[(None, 8)]`` → ``(None, 8)``;
    ``[(None, 8), (None, 4)]`` → a tuple of shapes; cut or ``multiple`` → None.  A dimension past
    int64 is a :class:`SummaryLimitError` on ``line``."""
    text = text.strip()
    if not text or ELLIPSIS in text or text == "multiple" or _shape_cut(text):
        return None
    groups = re.findall(r"\(([^()]*)\)?", text)
    if not groups:
        return None
    shapes: list[Shape] = []
    for group in groups:
        dims: list[Dim] = []
        for part in group.split(","):
            part = part.strip()
            if not part:
                continue
            if re.fullmatch(r"[0-9]+(?: [0-9]+)++", part):
                part = part.replace(" ", "")  # a number wrapped inside its column, rejoined with a space
            if part in ("None", "?"):
                dims.append(None)
            elif part.isascii() and part.isdigit():
                dims.append(_checked_int(part, line))
            else:
                return None
        shapes.append(tuple(dims))
    return shapes[0] if len(shapes) == 1 else tuple(shapes)


def _single_shape(shape: Shape | tuple[Shape, ...] | None) -> Shape | None:
    if shape is None or any(isinstance(d, tuple) for d in shape):
        return None
    return shape  # type: ignore[return-value]


def _shape_cut(text: str) -> bool:
    """A shape that stops before it ends: ``[(None, 2), (N``, ``(None, 12``, ``[(None, 8)``."""
    text = text.strip()
    if text in ("", "multiple", "?"):
        return False
    return ELLIPSIS in text or _open(text) or bool(re.search(r"[(,]\s*(?:N|No|Non)$", text))


def parse_layer(text: str) -> tuple[str, str | None]:
    """``dense_1 (Dense)`` → ("dense_1", "Dense"); ``activation_1`` → ("activation_1", None)."""
    name, cls, _ = _parse_layer(text)
    return name, cls


def _parse_layer(text: str) -> tuple[str, str | None, bool]:
    """Name, class and whether the class was cut by its column (``(Batc``, ``(Batc…)``)."""
    text = " ".join(text.split())
    m = _LAYER.match(text)
    if not m:
        return text, None, False
    cls = m.group("cls") or None
    cut = cls is not None and (m.group("close") is None or cls.endswith(ELLIPSIS))
    if cls is not None and cut:
        cls = cls.rstrip(ELLIPSIS).rstrip(".") or None
    return m.group("name"), cls, bool(cut and cls)


def parse_connections(text: str) -> tuple[str, ...]:
    """Layer names in a ``Connected to`` cell: ``['dense[0][0]', 'dense_1[0][0]']``,
    ``dense[0][0], dense_1[0][0]``; a name cut by a narrow console keeps its ``…``
    (``batch_norma…``), a cut index does not matter (``features[0]…`` → ``features``)."""
    names: list[str] = []
    for token in re.split(r"[,'\"\s]+", text):
        m = re.match(r"^\[*([^\[\]…]+)(.*)$", token)
        if not m or m.group(1) == "-":
            continue
        name, rest = m.group(1), m.group(2)
        names.append(name + ELLIPSIS if rest.startswith(ELLIPSIS) else name)
    return tuple(names)


def _find_header(lines: list[tuple[int, str]]) -> int | None:
    for i, (_, line) in enumerate(lines):
        squashed = " ".join(line.replace("#", " # ").split())
        if "Layer (type)" in squashed or ("Layer" in squashed and "Output Shape" in squashed):
            return i
    return None


def parse_summary(text: str) -> Summary:
    """Parse pasted ``model.summary()`` text (its first table); raises :class:`SummaryParseError`."""
    lines, notes = _prepare(text)
    with _naming_skipped(notes):
        return _parse_lines(lines, notes)[0]


@contextmanager
def _naming_skipped(notes: list[str]) -> Iterator[None]:
    """A paste that does not read once its over-long lines were left out: the refusal says so
    (the line and the limit), as the reason the table may not have read."""
    try:
        yield
    except SummaryLimitError:
        raise
    except SummaryParseError as exc:
        skipped = next((n for n in notes if _SKIPPED_NOTE in n), None)
        if skipped is None:
            raise
        raise SummaryLimitError(exc.line, f"{str(exc).split(': ', 1)[-1]} ({skipped})") from None


def parse_summaries(text: str) -> list[Summary]:
    """Every ``model.summary()`` table in the text, in order (a paste often holds several: a
    model and its nested parts, or a before and after); raises :class:`SummaryParseError`."""
    lines, notes = _prepare(text)
    out: list[Summary] = []
    # Each summary is read from its start up to the next summary's header line (a table cannot
    # run past a header: its row would not read), so a paste of thousands of small summaries is
    # read in linear time, not by copying and scanning the rest of the paste for each.
    heads = [i for i, (n, s) in enumerate(lines) if _find_header([(n, s)]) is not None]
    start = 0
    while start < len(lines):
        at = bisect.bisect_left(heads, start)
        if out and at == len(heads):
            break
        stop = heads[at + 1] + 1 if at + 1 < len(heads) else len(lines)
        with _naming_skipped(notes):
            summary, used = _parse_lines(lines[start:stop], list(notes))
        out.append(summary)
        start += max(used, 1)
    return out


def _parse_lines(lines: list[tuple[int, str]], notes: list[str]) -> tuple[Summary, int]:
    """The first summary in ``lines`` and how many lines it used."""
    header = _find_header(lines)
    if header is None:
        lines, header = _headless(lines, notes)
    if header is None:
        first = next(((n, s) for n, s in lines if s.strip() and not s.lstrip().startswith("#")), None)
        if first is None:
            raise SummaryParseError(1, "empty input: no model.summary() table")
        raise SummaryParseError(
            first[0],
            f"not a model.summary() table (no 'Layer (type)  Output Shape  Param #' header before it): {first[1].strip()[:60]!r}",
        )
    model_name = None
    for _, line in lines[:header]:
        m = _MODEL.match(_clean_total_line(line) if "*" in line else line)
        if m:
            model_name = m.group("name")
    lines = _outer_pipes(lines, header)
    header_text = lines[header][1].strip()
    elided: list[int] = []
    if header_text[:1] in _BOX_CELL:
        rows, end, connections, markdown = _parse_box(lines, header, elided)
        if markdown:
            before = [s for _, s in lines[max(0, header - 3) : header]]
            notes.append("ASCII table" if any(s.strip().startswith("+") for s in before) else "markdown table")
        boxed = "┃" in header_text or "│" in header_text
        fmt = SummaryFormat.KERAS3 if (boxed or _boxed_keras3(rows, lines[end:])) else None
    else:
        rows, end, connections = _parse_plain(lines, header, elided)
        fmt = None
    if fmt is None:
        fmt = _plain_format(lines, header, end, rows, connections, model_name)
    if not rows:
        raise SummaryParseError(lines[header][0], "a summary header but no layer rows after it")
    totals: list[SummaryTotal] = []
    used = len(lines)
    for k in range(end, len(lines)):
        number, line = lines[k]
        cleaned = _clean_total_line(line)
        m = _TOTAL.match(cleaned)
        if m:
            value = _parse_int(m.group("n"), number)
            if value is None:
                raise SummaryParseError(number, f"cannot read the count in {line.strip()!r}")
            kind = m.group("kind").lower().replace("-", "_")
            if any(t.kind == kind for t in totals):
                used = k  # a second summary follows
                break
            totals.append(SummaryTotal(kind, value, number, cleaned))
        elif _find_header([(number, line)]) is not None or (totals and _MODEL.match(line)):
            used = k
            break
    summary = Summary(
        fmt, model_name, _with_parents(rows), tuple(totals), lines[header][0], connections, tuple(elided), tuple(notes)
    )
    return summary, used


def _headless(lines: list[tuple[int, str]], notes: list[str]) -> tuple[list[tuple[int, str]], int | None]:
    """Rows pasted without their header (``dense (Dense)   (None, 3)   63`` lines, then the totals):
    a header is assumed before the first of them when at least two rows, or a row and a Total
    line, say it is a summary."""
    found = [i for i, (_, s) in enumerate(lines) if _PLAIN_ROW.match(s) and re.search(r"\(\s*(?:None|\d)", s)]
    totals = any(_TOTAL.match(_clean_total_line(s)) for _, s in lines)
    if not found or (len(found) < 2 and not totals):
        return lines, None
    first = found[0]
    notes.append("no header line: the rows were read by their shape and count")
    return [*lines[:first], (lines[first][0], " Layer (type)    Output Shape    Param #"), *lines[first:]], first


def _with_parents(rows: list[SummaryRow]) -> tuple[SummaryRow, ...]:
    """Each nested row's parent: the nearest row above it one level up (the last row seen at
    each level: linear in the rows)."""
    out: list[SummaryRow] = []
    last_at: dict[int, str] = {}
    for row in rows:
        if row.depth:
            row = replace(row, parent=last_at.get(row.depth - 1, ""))
        last_at[row.depth] = row.name
        out.append(row)
    return tuple(out)


_MD_SEPARATOR = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(?:\|\s*:?-{3,}:?\s*)+\|?\s*$")


def _outer_pipes(lines: list[tuple[int, str]], header: int) -> list[tuple[int, str]]:
    """A markdown table written without its outer pipes (``Layer (type) | Output Shape | Param #``
    over ``---|---|---``): the pipes put back, for the table reader."""
    text = lines[header][1].strip()
    if "|" not in text or text[:1] in _BOX_CELL:
        return lines
    below = next((s for _, s in lines[header + 1 :] if s.strip()), "")
    if not _MD_SEPARATOR.match(below):
        return lines
    out = list(lines)
    for k in range(header, len(lines)):
        number, line = lines[k]
        if "|" not in line:
            if line.strip():
                break
            continue
        out[k] = (number, "| " + line.strip().strip("|") + " |")
    return out


def _boxed_keras3(rows: list[SummaryRow], after: list[tuple[int, str]]) -> bool:
    """A markdown or ASCII table made from a Keras 3 summary: sizes in ``B``/``KB`` (Keras 2
    prints ``Byte``), unquoted connections, counts with thousands separators (Keras 2 prints 7850
    and ``['dense[0][0]']``)."""
    if any("'" in r.text for r in rows) or any("Byte)" in s for _, s in after):
        return False
    if any(r.unbuilt for r in rows) or any(re.search(r"\d B\)\s*$", s) for _, s in after):
        return True
    return any("," in r.text.split(" | ")[2] for r in rows if r.text.count(" | ") >= 2 and (r.params or 0) >= 1000) and not any(
        "'" in r.text for r in rows
    )


def _plain_format(
    lines: list[tuple[int, str]], header: int, end: int, rows: list[SummaryRow], connections: bool, model_name: str | None
) -> SummaryFormat:
    """Keras 1 only when nothing says Keras 2: Keras 1 printed a ``Connected to`` column on every
    model (Sequential too), unquoted, no ``Model:`` line and no sizes after the totals."""
    quoted = any("'" in r.text for r in rows)
    sized = any(_TOTAL.match(_clean_total_line(s)) and "(" in s for _, s in lines[end:])
    if quoted or sized or model_name is not None or not connections or lines[header][1].startswith(" Layer"):
        return SummaryFormat.KERAS2
    # Keras 2.0-2.2 printed the same unquoted layout for functional models: Keras 1 only when a
    # Keras 1 class or a Keras 1 Sequential input (``dense_input_1[0][0]``) says so.
    keras1_input = any(re.fullmatch(r".+_input(?:_\d+)?", c) for r in rows for c in r.connected_to) or (
        bool(rows) and bool(rows[0].connected_to) and rows[0].class_name != "InputLayer"  # a connected first layer
    )
    if keras1_input or any(r.class_name in _KERAS1_CLASSES for r in rows):
        return SummaryFormat.KERAS1
    return SummaryFormat.KERAS2


#: Classes only Keras 1 had (renamed or removed in Keras 2.0).
_KERAS1_CLASSES = frozenset(
    {
        "Convolution1D",
        "Convolution2D",
        "Convolution3D",
        "AtrousConvolution1D",
        "AtrousConvolution2D",
        "Deconvolution2D",
        "SeparableConvolution2D",
        "Merge",
        "MaxoutDense",
        "Highway",
        "TimeDistributedDense",
    }
)


# --- Keras 3: box drawing (and markdown or ASCII tables) ------------------------------------


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner[:1] in _BOX_CELL:
        inner = inner[1:]
    if inner[-1:] in _BOX_CELL:
        inner = inner[:-1]
    return re.split(r"[│┃]", inner) if ("│" in line or "┃" in line) else inner.split("|")


def _cell_line(line: str) -> bool:
    text = line.strip()
    return bool(text) and text[0] in _BOX_CELL


def _is_box_rule(line: str) -> bool:
    if re.search(r"[A-Za-z0-9]", line):
        return False
    rest = line.lstrip()
    if rest and rest[0] in _BOX_LEADS:
        rest = rest[1:]
    if not _BOX_ALL.fullmatch(rest):
        return False
    dashes = _BOX_DASHES.search(rest)  # the first run of three: what comes before it draws no corner
    return dashes is not None and _BOX_BEFORE.fullmatch(rest, 0, dashes.start()) is not None


def _parse_box(lines: list[tuple[int, str]], header: int, elided: list[int]) -> tuple[list[SummaryRow], int, bool, bool]:
    markdown = "│" not in lines[header][1] and "┃" not in lines[header][1]
    # The header may span several lines ("Param" / "#" on a narrow console).
    start = header
    while start > 0 and _cell_line(lines[start - 1][1]) and not _is_box_rule(lines[start - 1][1]):
        start -= 1
    heads: list[str] = []
    i = start
    while i < len(lines) and _cell_line(lines[i][1]) and not _is_box_rule(lines[i][1]):
        cells = [_markdown_cell_text(c) for c in _cells(lines[i][1])] if markdown else _cells(lines[i][1])
        heads = cells if not heads else [f"{a} {b}" for a, b in zip(heads, cells)]
        i += 1
        if markdown:
            break  # a markdown header is one line
    heads = [" ".join(h.split()) for h in heads]
    roles = []
    for h in heads:
        lower = h.lower()
        roles.append(
            "layer"
            if lower.startswith("layer")
            else "shape"
            if "shape" in lower
            else "params"
            if "param" in lower
            else "conn"
            if "connected" in lower
            else "other"
        )
    if "layer" not in roles or "params" not in roles:
        raise SummaryParseError(lines[header][0], f"a table header without 'Layer (type)' and 'Param #' columns: {heads!r}")
    rows: list[SummaryRow] = []
    group: list[tuple[int, list[str]]] = []

    def flush() -> None:
        if not group:
            return
        parts: dict[str, list[str]] = {r: [] for r in roles}
        for _, cells in group:
            for role, cell in zip(roles, cells):
                if cell.strip():
                    parts[role].append(cell.strip())
        number = group[0][0]
        first_cell = group[0][1][roles.index("layer")]
        depth = 0
        if first_cell.strip().startswith("└"):
            depth = max(1, (len(first_cell) - len(first_cell.lstrip()) - 1) // 3)
            parts["layer"][0] = parts["layer"][0].lstrip("└ ")
        flag = None
        for role_i, head in enumerate(heads):
            if head.lower().startswith("train"):
                value = " ".join(c[role_i].strip() for _, c in group).strip()
                flag = True if value == "Y" else False if value == "N" else None
        layer_text = " ".join(parts["layer"])
        shape_text = " ".join(parts.get("shape", []))
        params_text = " ".join(parts["params"])
        conn_text = " ".join(parts.get("conn", []))
        rows.append(_make_row(number, layer_text, shape_text, params_text, conn_text, depth, flag))
        group.clear()

    params_at = roles.index("params")
    # Lines cut at the right by the paste (the header too): the columns after the count are lost.
    cut_right = not lines[header][1].rstrip().endswith(("┃", "│", "|")) and len(heads) > params_at + 1
    end = len(lines)
    for j in range(i, len(lines)):
        number, line = lines[j]
        stripped = line.strip()
        if not stripped:
            continue
        first = stripped[0]
        if first in "└╘╙┗" or (first == "+" and _is_box_rule(line) and rows and not group and j > i + 1):
            flush()
            end = j + 1
            break
        if _is_box_rule(line):
            flush()
            continue
        if first in _BOX_CELL:
            cells = [_markdown_cell_text(c) for c in _cells(line)] if markdown else _cells(line)
            if all(not c.strip() or _ELISION.match(c) for c in cells) and any(c.strip() for c in cells):
                flush()
                elided.append(number)
                continue
            if len(cells) != len(roles):
                if markdown and len(cells) == len(roles) + 1 and not cells[-1].strip():
                    cells = cells[:-1]
                elif cut_right and params_at < len(cells) < len(roles):
                    cells = cells + [""] * (len(roles) - len(cells))  # the right-hand columns cut off by the paste
                else:
                    raise SummaryParseError(
                        number, f"a table row with {len(cells)} cells where the header has {len(roles)}: {stripped[:60]!r}"
                    )
            params_cell = cells[params_at].strip()
            # Rows follow each other without a rule (Keras 3.0-3.x, markdown): a row's count is on
            # its first line; the lines below it with an empty count cell continue it.
            if group and params_cell and not params_cell.startswith("(") and any(c[params_at].strip() for _, c in group):
                flush()
            group.append((number, cells))
            continue
        if _ELISION.match(line):
            flush()
            elided.append(number)
            continue
        if _TOTAL.match(_clean_total_line(line)):  # the bottom rule was lost in the paste
            flush()
            end = j
            break
        if _TOTAL_WORDS.match(line):
            raise SummaryParseError(number, f"cannot read the count in {line.strip()!r}")
        if rows or group:
            if re.search(r"[│┃]", line):
                raise SummaryParseError(number, f"cannot read this table line: {stripped[:60]!r}")
            flush()
            end = j
            break
        raise SummaryParseError(number, f"cannot read this table line: {stripped[:60]!r}")
    else:
        flush()
    return rows, end, "conn" in roles, markdown


def _make_row(
    number: int,
    layer_text: str,
    shape_text: str,
    params_text: str,
    conn_text: str,
    depth: int = 0,
    trainable: bool | None = None,
) -> SummaryRow:
    name, cls, class_cut = _parse_layer(layer_text)
    params_text = params_text.strip()
    unbuilt = bool(re.match(r"^0\s*\(\s*unb", params_text))
    if unbuilt:
        params: int | None = 0
    elif ELLIPSIS in params_text or re.fullmatch(r"[\d,]*\.\.\.?", params_text):  # "590,8…" or "590,8..."
        params = None
    else:
        params = _parse_int(params_text, number)
        if params is None:
            raise SummaryParseError(number, f"cannot read the parameter count {params_text!r} of {layer_text.strip()!r}")
    shape_stripped = shape_text.strip()
    shape = parse_shape(shape_text, number)
    note = ""
    cut_shapes: tuple[Shape, ...] = ()
    if shape_stripped == "multiple":
        note = "multiple"
    elif shape_stripped == "?" or (unbuilt and shape is None):
        note = "unbuilt"
    elif _shape_cut(shape_stripped):
        note = "cut"
        for group in re.findall(r"\(([^()]*)\)", shape_stripped):
            whole = _single_shape(parse_shape(f"({group})", number))
            if whole is not None:
                cut_shapes += (whole,)
    elif shape is None and shape_stripped:
        raise SummaryParseError(number, f"cannot read the output shape {shape_stripped!r} of {layer_text.strip()!r}")
    text = " | ".join(t for t in (layer_text, shape_text, params_text, conn_text) if t)
    return SummaryRow(
        name,
        cls,
        shape,
        params,
        number,
        parse_connections(conn_text),
        text,
        class_cut,
        note,
        unbuilt,
        depth,
        trainable,
        cut_shapes=cut_shapes,
    )


# --- Keras 1 and 2: rules and fixed columns -------------------------------------------------


@dataclass
class _Pending:
    number: int
    layer: str
    shape: str
    params: str
    conn: str
    shape_at: int
    params_at: int
    conn_at: int
    depth: int = 0
    trainable: bool | None = None


_NAMEISH = re.compile(r"^[\w\-./:…()]+(?:\s+[\w\-./:…()]+)?$")
#: A piece of a shape: dims, brackets, and the rest of a None cut by the column ("ne, 3)").
_SHAPEISH = re.compile(r"^(?:ne|e|one)?(?:None|No|N|[0-9\s,()\[\]?])++$")
_CONNISH = re.compile(r"^[\w\-./:…\[\]',\s]+$")


def _segments(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]


def _parse_plain(lines: list[tuple[int, str]], header: int, elided: list[int]) -> tuple[list[SummaryRow], int, bool]:
    head = lines[header][1]
    first = header + 1
    # A header wrapped by a narrow line_length ("Par" / "am" / "#"): its lines run to the "=" rule.
    rule = next((k for k in range(header + 1, min(header + 8, len(lines))) if re.match(r"^\s*={5,}\s*$", lines[k][1])), None)
    if rule is not None and not any(_PLAIN_ROW.match(lines[k][1]) for k in range(header + 1, rule)):
        for k in range(header + 1, rule):
            head += " " + lines[k][1]
        first = rule + 1
    has_conn = "Connected to" in " ".join(head.split()) or bool(re.search(r"\bConnected\b", head))
    has_trainable = bool(re.search(r"\bTrainable\s*$", head))
    shape_col = lines[header][1].find("Output Shape")
    params_col = lines[header][1].find("Param #")
    conn_col = lines[header][1].find("Connected to")
    pending: list[_Pending] = []
    orphans: list[tuple[int, str]] = []  # layer text before its row (a name split from its row)
    end = len(lines)
    for j in range(first, len(lines)):
        number, line = lines[j]
        if not line.strip() or _RULE.match(line) or line.lstrip().startswith("#"):
            continue
        if _TOTAL.match(_clean_total_line(line)):
            end = j
            break
        # expand_nested=True: a nested model's rows are framed by "|" (one per level).
        framed = re.match(r"^(\s*)(\|+)", line)
        depth = len(framed.group(2)) if framed else 0
        if framed and depth:
            line = " " * len(framed.group(0)) + line[len(framed.group(0)) :]
            line = line.rstrip().rstrip("|")  # re.sub(r"\|+\s*$", "", line), linear
            if not line.strip():
                continue
        flag: bool | None = None
        if has_trainable:
            tail = re.search(r"\s([YN])\s*$", line)
            if tail:
                flag = tail.group(1) == "Y"
                line = line[: tail.start()]
        if _TOTAL_WORDS.match(line):
            raise SummaryParseError(number, f"cannot read the count in {line.strip()!r}")
        if _ELISION.match(line):
            if orphans:
                _attach_orphans(pending, orphans) if pending else None
            elided.append(number)
            continue
        m = _PLAIN_ROW.match(line)
        glued: str | None = None
        if not m and shape_col > 0 and re.match(r"\[?\(", line[shape_col : shape_col + 2]):
            # Keras 1 cut each field at its column and glued the next one to it
            # ("batchnormalization_1 (BatchNormal(None, 32)", "[(None, 8), (None, 8),448"): split
            # at the header's columns.
            cut = [c for c in (params_col, conn_col) if shape_col < c < len(line)]
            pieces, last = [], shape_col
            for c in cut:
                pieces.append(line[last:c])
                last = c
            pieces.append(line[last:])
            m = _PLAIN_ROW.match(" " * shape_col + " ".join(pieces))
            glued = line[:shape_col] if m else None
        if not m:
            # The same glue after the columns were lost (tabs, collapsed spaces): split where the
            # shape begins.
            at_shape = re.search(r"\S(\[?\((?:None|\d+|\?)\s*[,)])", line)
            if at_shape:
                split = at_shape.start(1)
                m = _PLAIN_ROW.match(" " * split + " " + line[split:])
                glued = line[:split] if m else None
        if m:
            layer = m.group("layer") if glued is None else glued
            if orphans and (not layer.strip() or layer.strip().startswith("(")):
                layer = "".join(t for _, t in orphans) + " " + layer.strip()
                number = orphans[0][0]
            elif orphans and pending:
                _attach_orphans(pending, orphans)
            orphans = []
            pending.append(
                _Pending(
                    number,
                    layer,
                    m.group("shape").rstrip(),
                    m.group("params"),
                    m.group("conn") or "",
                    m.start("shape"),
                    m.start("params"),
                    m.start("conn") if m.group("conn") else m.end("params") + 1,
                    depth,
                    flag,
                )
            )
            continue
        # A continuation: cells of the row above that did not fit (or a name whose row follows).
        row = pending[-1] if pending else None
        for at, seg in _segments(line):
            # A segment running across a column boundary: cells whose spacing the paste collapsed.
            mixed = (
                " " in seg
                and row is not None
                and (_open(row.shape) or row.conn.rstrip().endswith(","))
                and any(at < edge < at + len(seg) for edge in (row.shape_at, row.params_at, row.conn_at))
            )
            if not mixed and _continue(row, seg, at, has_conn, number, orphans):
                continue
            # Spaces collapsed by the paste: the cells of one line ran together ("_3 (BatchNormalizat )").
            words = seg.split(" ")
            name_words: list[str] = []
            for word in words:
                closes_name = (
                    word == ")"
                    and row is not None
                    and _layer_incomplete(row.layer + "".join(t for _, t in orphans) + " ".join(name_words))
                )
                if row is not None and _open(row.shape) and _SHAPEISH.match(word) and not closes_name:
                    row.shape += (" " if row.shape.rstrip().endswith(",") else "") + word
                elif row is not None and has_conn and _CONNISH.match(word) and re.search(r"[\[\]']", word):
                    _add_conn(row, word)
                elif _NAMEISH.match(word) and not (row is not None and at >= row.shape_at and not name_words and at > 0):
                    name_words.append(word)
                else:
                    raise SummaryParseError(number, f"cannot read this table line: {line.strip()[:60]!r}")
            if name_words:
                orphans.append((number, " ".join(name_words)))
        if orphans and pending and _layer_incomplete(pending[-1].layer):
            _attach_orphans(pending, orphans)
            orphans = []
    if orphans:
        if not pending:
            raise SummaryParseError(orphans[0][0], f"a layer name without its row: {orphans[0][1]!r}")
        _attach_orphans(pending, orphans)
    rows = [_make_row(p.number, p.layer, p.shape, p.params, p.conn, p.depth, p.trainable) for p in pending]
    return rows, end, has_conn


def _add_conn(row: _Pending, piece: str) -> None:
    """A connection cut inside its name or index continues without a space; a whole one is apart."""
    row.conn += (" " if not row.conn or row.conn.rstrip()[-1] in "]',\"" else "") + piece


def _continue(row: _Pending | None, seg: str, at: int, has_conn: bool, number: int, orphans: list[tuple[int, str]]) -> bool:
    """Attach one segment of a continuation line by its column; False when it fits none."""
    conn_open = row is not None and (row.conn.count("[") > row.conn.count("]") or row.conn.rstrip().endswith(","))
    # Keras 1 and 2.0 listed one connection per line, cut at the column ("..._block_0_ide").
    conn_piece = bool(re.search(r"[\[\]']", seg)) or (row is not None and bool(row.conn) and at >= row.conn_at - 1)
    if row is not None and has_conn and (at >= row.params_at or conn_open) and _CONNISH.match(seg) and conn_piece:
        _add_conn(row, seg)
    elif row is not None and re.fullmatch(r"[\d,]+", seg) and row.params_at - 1 <= at < row.conn_at - 1 and not _open(row.shape):
        row.params += seg  # a count wrapped by a narrow line_length ("235" / "2")
    elif (
        row is not None
        and _SHAPEISH.match(seg)
        and _open(row.shape)
        and (at >= row.shape_at - 1 or not _layer_incomplete(row.layer + "".join(t for _, t in orphans)))
        and (at < row.params_at or not has_conn)
    ):
        row.shape += (" " if row.shape.rstrip().endswith(",") else "") + seg.strip()
    elif (row is None or at < row.shape_at) and _NAMEISH.match(seg):
        orphans.append((number, seg))
    else:
        return False
    return True


def _open(shape: str) -> bool:
    """A shape cut at its column width: ``(None, 32, 32, 16`` waits for its ``)``."""
    return shape.count("(") > shape.count(")") or shape.count("[") > shape.count("]")


def _layer_incomplete(layer: str) -> bool:
    """A Keras 2 field cut at its column width: ``batch_normalization (Batc`` (open paren), or a
    name cut before its ``(Type)`` began."""
    text = layer.strip()
    return text.count("(") > text.count(")") or "(" not in text


def _attach_orphans(pending: list[_Pending], orphans: list[tuple[int, str]]) -> None:
    row = pending[-1]
    row.layer = row.layer.rstrip() + "".join(t for _, t in orphans)
    orphans.clear()
