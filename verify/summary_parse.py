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
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import Enum

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

    @property
    def truncated(self) -> bool:
        return ELLIPSIS in self.text


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

    def total(self, kind: str) -> SummaryTotal | None:
        return next((t for t in self.totals if t.kind == kind), None)


_ANSI = re.compile(r"\x1b\[[0-9;]*[A-Za-z]")
_RULE_GLUE = re.compile(r"[=_]{10,}")
_RULE = re.compile(r"^\s*[=_\-─━]{5,}\s*$")
_TOTAL = re.compile(
    r"^\s*(?P<kind>Total|Trainable|Non-trainable|Optimizer)\s+params\s*:\s*(?P<n>[\d,_.\s]*\d)\s*(?:\((?P<size>[^)]*)\))?\s*$",
    re.IGNORECASE,
)
_MODEL = re.compile(r'^\s*Model:\s*"?(?P<name>[^"]*)"?\s*$')
_DIM = r"(?:None|\d+|\?)"
_ONE_SHAPE = rf"\(\s*(?:{_DIM}\s*(?:,\s*{_DIM}\s*)*,?)?\s*\)?"
_SHAPE = rf"(?:\[\s*{_ONE_SHAPE}(?:\s*,\s*{_ONE_SHAPE})*\s*\]?|{_ONE_SHAPE}|multiple)"
_PLAIN_ROW = re.compile(rf"^(?P<layer>.*?)\s*(?<![\w)])(?P<shape>{_SHAPE})\s+(?P<params>\d[\d,]*)(?:\s+(?P<conn>\S.*?))?\s*$")
_LAYER = re.compile(r"^(?P<name>[^\s(]*?)\s*(?:\(\s*(?P<cls>[^()\s]*)\s*\)?)?\s*$")
_BOX_CELL = "│┃|"


def _lines(text: str) -> list[tuple[int, str]]:
    """(line number, text) pairs, ANSI colours removed and text glued to long rules split off."""
    out: list[tuple[int, str]] = []
    for number, raw in enumerate(text.replace("\r\n", "\n").replace("\r", "\n").split("\n"), start=1):
        line = _ANSI.sub("", raw).replace("\t", "    ").rstrip()
        if _RULE_GLUE.search(line) and not _RULE.match(line):
            for part in _RULE_GLUE.split(line):
                if part.strip():
                    out.append((number, part.rstrip()))
            continue
        out.append((number, line))
    return out


def _parse_int(text: str) -> int | None:
    cleaned = text.strip().replace(",", "").replace("_", "").replace(" ", "")
    return int(cleaned) if cleaned.isdigit() else None


def parse_shape(text: str) -> Shape | tuple[Shape, ...] | None:
    """``(None, 32, 32, 16)`` → ``(None, 32, 32, 16)``; ``[(None, 8)]`` → ``(None, 8)``;
    ``[(None, 8), (None, 4)]`` → a tuple of shapes; cut or ``multiple`` → None."""
    text = text.strip()
    if not text or ELLIPSIS in text or text == "multiple":
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
            if part in ("None", "?"):
                dims.append(None)
            elif part.isdigit():
                dims.append(int(part))
            else:
                return None
        shapes.append(tuple(dims))
    return shapes[0] if len(shapes) == 1 else tuple(shapes)


def parse_layer(text: str) -> tuple[str, str | None]:
    """``dense_1 (Dense)`` → ("dense_1", "Dense"); ``activation_1`` → ("activation_1", None)."""
    text = " ".join(text.split())
    m = _LAYER.match(text)
    if not m:
        return text, None
    cls = m.group("cls")
    return m.group("name"), (cls or None)


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
    """Parse pasted ``model.summary()`` text; raises :class:`SummaryParseError`."""
    lines = _lines(text)
    header = _find_header(lines)
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
        m = _MODEL.match(line)
        if m:
            model_name = m.group("name")
    header_text = lines[header][1].strip()
    if header_text[:1] in _BOX_CELL:
        rows, end, connections = _parse_box(lines, header)
        fmt = SummaryFormat.KERAS3
    else:
        rows, end, connections = _parse_plain(lines, header)
        quoted = any("'" in r.text for r in rows)
        sized = any(_TOTAL.match(s) and "(" in s for _, s in lines[end:])
        model_line = model_name is not None
        fmt = (
            SummaryFormat.KERAS2
            if (quoted or sized or model_line or lines[header][1].startswith(" Layer"))
            else SummaryFormat.KERAS1
        )
    if not rows:
        raise SummaryParseError(lines[header][0], "a summary header but no layer rows after it")
    totals: list[SummaryTotal] = []
    for number, line in lines[end:]:
        m = _TOTAL.match(line)
        if m:
            value = _parse_int(m.group("n"))
            if value is None:
                raise SummaryParseError(number, f"cannot read the count in {line.strip()!r}")
            kind = m.group("kind").lower().replace("-", "_")
            totals.append(SummaryTotal(kind, value, number, line.strip()))
    return Summary(fmt, model_name, tuple(rows), tuple(totals), lines[header][0], connections)


# --- Keras 3: box drawing -------------------------------------------------------------------


def _cells(line: str) -> list[str]:
    inner = line.strip()
    if inner[:1] in _BOX_CELL:
        inner = inner[1:]
    if inner[-1:] in _BOX_CELL:
        inner = inner[:-1]
    return re.split(r"[│┃]", inner) if ("│" in line or "┃" in line) else inner.split("|")


def _parse_box(lines: list[tuple[int, str]], header: int) -> tuple[list[SummaryRow], int, bool]:
    # The header may span several lines ("Param" / "#" on a narrow console).
    start = header
    while start > 0 and lines[start - 1][1].strip()[:1] in _BOX_CELL:
        start -= 1
    heads: list[str] = []
    i = start
    while i < len(lines) and lines[i][1].strip()[:1] in _BOX_CELL:
        cells = _cells(lines[i][1])
        heads = cells if not heads else [f"{a} {b}" for a, b in zip(heads, cells)]
        i += 1
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
        layer_text = " ".join(parts["layer"])
        shape_text = " ".join(parts.get("shape", []))
        params_text = "".join(parts["params"])
        conn_text = " ".join(parts.get("conn", []))
        rows.append(_make_row(number, layer_text, shape_text, params_text, conn_text))
        group.clear()

    end = len(lines)
    for j in range(i, len(lines)):
        number, line = lines[j]
        stripped = line.strip()
        if not stripped:
            continue
        first = stripped[0]
        if first in "├┡╞╟":
            flush()
            continue
        if first in "└╘╙":
            flush()
            end = j + 1
            break
        if first in _BOX_CELL:
            cells = _cells(line)
            if len(cells) != len(roles):
                raise SummaryParseError(
                    number, f"a table row with {len(cells)} cells where the header has {len(roles)}: {stripped[:60]!r}"
                )
            group.append((number, cells))
            continue
        if _TOTAL.match(line):  # the bottom rule was lost in the paste
            flush()
            end = j
            break
        raise SummaryParseError(number, f"cannot read this table line: {stripped[:60]!r}")
    else:
        flush()
    return rows, end, "conn" in roles


def _make_row(number: int, layer_text: str, shape_text: str, params_text: str, conn_text: str) -> SummaryRow:
    name, cls = parse_layer(layer_text)
    params_text = params_text.strip()
    if ELLIPSIS in params_text:
        params = None
    else:
        params = _parse_int(params_text)
        if params is None:
            raise SummaryParseError(number, f"cannot read the parameter count {params_text!r} of {layer_text.strip()!r}")
    shape = parse_shape(shape_text)
    if shape is None and shape_text.strip() and ELLIPSIS not in shape_text and shape_text.strip() != "multiple":
        raise SummaryParseError(number, f"cannot read the output shape {shape_text.strip()!r} of {layer_text.strip()!r}")
    text = " | ".join(t for t in (layer_text, shape_text, params_text, conn_text) if t)
    return SummaryRow(name, cls, shape, params, number, parse_connections(conn_text), text)


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


_NAMEISH = re.compile(r"^[\w\-./:…()]+(?:\s+[\w\-./:…()]+)?$")
_SHAPEISH = re.compile(r"^[\d\s,()\[\]None?]+$")
_CONNISH = re.compile(r"^[\w\-./:…\[\]',\s]+$")


def _segments(line: str) -> list[tuple[int, str]]:
    return [(m.start(), m.group()) for m in re.finditer(r"\S+(?: \S+)*", line)]


def _parse_plain(lines: list[tuple[int, str]], header: int) -> tuple[list[SummaryRow], int, bool]:
    head = lines[header][1]
    has_conn = "Connected to" in " ".join(head.split())
    pending: list[_Pending] = []
    orphans: list[tuple[int, str]] = []  # layer text before its row (a name split from its row)
    end = len(lines)
    for j in range(header + 1, len(lines)):
        number, line = lines[j]
        if not line.strip() or _RULE.match(line) or line.lstrip().startswith("#"):
            continue
        if _TOTAL.match(line):
            end = j
            break
        m = _PLAIN_ROW.match(line)
        if m:
            layer = m.group("layer")
            if orphans and (not layer.strip() or layer.strip().startswith("(")):
                layer = "".join(t for _, t in orphans) + " " + layer.strip()
                number = orphans[0][0]
            elif orphans:
                _attach_orphans(pending, orphans)
            orphans = []
            pending.append(
                _Pending(
                    number,
                    layer,
                    m.group("shape"),
                    m.group("params"),
                    m.group("conn") or "",
                    m.start("shape"),
                    m.start("params"),
                    m.start("conn") if m.group("conn") else m.end("params") + 1,
                )
            )
            continue
        # A continuation: cells of the row above that did not fit (or a name whose row follows).
        for at, seg in _segments(line):
            row = pending[-1] if pending else None
            if row is not None and has_conn and at >= row.params_at and _CONNISH.match(seg) and re.search(r"[\[\]']", seg):
                row.conn += seg
            elif row is not None and row.shape_at <= at < row.params_at and _SHAPEISH.match(seg) and _open(row.shape):
                row.shape += seg
            elif (row is None or at < row.shape_at) and _NAMEISH.match(seg):
                orphans.append((number, seg))
            else:
                raise SummaryParseError(number, f"cannot read this table line: {line.strip()[:60]!r}")
        if orphans and pending and _layer_incomplete(pending[-1].layer):
            _attach_orphans(pending, orphans)
            orphans = []
    if orphans:
        if not pending:
            raise SummaryParseError(orphans[0][0], f"a layer name without its row: {orphans[0][1]!r}")
        _attach_orphans(pending, orphans)
    rows = [_make_row(p.number, p.layer, p.shape, p.params, p.conn) for p in pending]
    return rows, end, has_conn


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
