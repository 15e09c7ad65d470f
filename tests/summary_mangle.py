"""Mangle a printed ``model.summary()`` the way people mangle it when they paste it.

Every mangle is a pure function ``text -> text`` (standard library only) and stands for a kind of
paste seen on the public web; its docstring says which (a URL names one real example; the mangles
are written from scratch, nothing is copied).  ``MANGLES`` maps a name to each, ``applies(name,
record)`` says whether a mangle makes sense for a corpus record (a markdown table needs a table it
can rebuild, the box-drawing mojibake needs a Keras 3 box table, ...).

``tamper_digit(text, target)`` changes exactly one digit of one row's count or of one total line
and says what it changed, so a test can check that the checker flags that row or total.  Tamper the
printed text first, then mangle it: the tamper only has to read the three printed formats.

The table reader here (``read_table``) is deliberately independent of ``verify.summary_parse``: it
rebuilds the table for the markdown and elision mangles from the column positions of the header,
so a parser bug cannot hide itself by mangling its own misreading.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, NamedTuple

BOX_CHARS = "┏┓┗┛┃━┡┩╇┳┻│─├┤┼└┘┴┬┌┐"
_TOTAL = re.compile(r"^(?P<lead>\s*)(?P<kind>Total|Trainable|Non-trainable)\s+params:\s*(?P<n>\d[\d,]*)", re.IGNORECASE)
_MODEL = re.compile(r'^\s*Model:\s*"')
_HEADER = re.compile(r"Layer \(type\)")
_RULE = re.compile(r"^\s*[=_]{5,}\s*$")
_TOTAL_KINDS = {"total": "total", "trainable": "trainable", "non-trainable": "non_trainable"}


# --- reading the printed table (only what the mangles and the tamper need) ---------------------


@dataclass
class Row:
    """One logical row: its physical lines and its cells joined across the wrapped lines."""

    lines: list[int]
    cells: list[str]
    #: Where the count is printed: (line index, start, end) of each piece (a narrow Keras 2
    #: table wraps a count over lines: ``235`` then ``2``).
    count_at: list[tuple[int, int, int]] = field(default_factory=list)

    @property
    def name(self) -> str:
        layer = self.cells[0].strip()
        return layer.split(" (", 1)[0].split("(", 1)[0].strip()


@dataclass
class Table:
    box: bool  # Keras 3 box drawing
    header: int  # index of the "Layer (type)" line
    columns: list[str]  # the header labels
    body: tuple[int, int]  # [first, last) line indices of the rows
    rows: list[Row] = field(default_factory=list)
    model_line: int | None = None
    totals: dict[str, int] = field(default_factory=dict)  # kind -> line index


def _box_cells(line: str) -> list[tuple[int, int]] | None:
    """(start, end) of each cell between ``│``/``┃`` bars, or None if the line is not a cell line."""
    bars = [i for i, ch in enumerate(line) if ch in "│┃"]
    if len(bars) < 2:
        return None
    return [(bars[k] + 1, bars[k + 1]) for k in range(len(bars) - 1)]


def _blocks(lines: list[str], start: int, end: int, is_cells: Any) -> list[list[int]]:
    """The line indices of each row: runs of cell lines between separators (blank lines, rules,
    ``├──┤``) when the table has separators, else one row per line with a count (``is_cells``
    returns the count text of a cell line, None for a separator)."""
    counts = {i: is_cells(lines[i]) for i in range(start, end)}
    separated = any(c is None for c in counts.values())
    out: list[list[int]] = []
    current: list[int] = []
    for i in range(start, end):
        c = counts[i]
        if c is None:
            if current:
                out.append(current)
            current = []
        elif not separated and c and current:
            out.append(current)
            current = [i]
        else:
            current.append(i)
    if current:
        out.append(current)
    return out


def read_table(text: str) -> Table | None:
    """The table of a summary as printed by Keras 1, 2 or 3 (not mangled), or None."""
    lines = text.split("\n")
    header = next((i for i, ln in enumerate(lines) if _HEADER.search(ln)), None)
    if header is None:
        return None
    box = any(ch in lines[header] for ch in "┃│")
    model_line = next((i for i in range(header) if _MODEL.match(lines[i])), None)
    totals: dict[str, int] = {}
    for i, ln in enumerate(lines):
        m = _TOTAL.match(ln)
        if m and i > header:
            totals.setdefault(_TOTAL_KINDS[m["kind"].lower()], i)
    if box:
        spans = _box_cells(lines[header]) or []
        first = header
        while first > 0 and _box_cells(lines[first - 1]):
            first -= 1
        last = header
        while last + 1 < len(lines) and _box_cells(lines[last + 1]) and "┃" in lines[last + 1]:
            last += 1
        columns = [""] * len(spans)
        for i in range(first, last + 1):
            columns = [(c + " " + lines[i][a:b].strip()).strip() for c, (a, b) in zip(columns, spans)]
        count_col = 2 if len(spans) > 2 else len(spans) - 1
        start = last + 1
        while start < len(lines) and not _box_cells(lines[start]):
            start += 1
        end = start
        while end < len(lines) and not lines[end].lstrip().startswith("└"):
            end += 1
        table = Table(True, header, columns, (start, end), model_line=model_line, totals=totals)

        def box_count(ln: str) -> str | None:
            cells = _box_cells(ln)
            return None if cells is None else ln[cells[count_col][0] : cells[count_col][1]].strip()

        for block in _blocks(lines, start, end, box_count):
            row = Row(block, [""] * len(spans))
            for i in block:
                cells = _box_cells(lines[i]) or []
                texts = [lines[i][a:b].strip() for a, b in cells]
                row.cells = [(old + " " + new).strip() if new else old for old, new in zip(row.cells, texts)]
                a, b = cells[count_col]
                m = re.search(r"\d[\d,]*", lines[i][a:b])
                if m:
                    row.count_at.append((i, a + m.start(), a + m.end()))
            table.rows.append(row)
        return table
    head = lines[header]
    # Column starts: where a word follows two spaces in the header ("Param #" may be printed
    # "Par" / "am" / "#" by a narrow table, so the labels are not searched for).
    starts = [0] + [m.start(1) for m in re.finditer(r"\s{2,}(\S)", head)]
    labels = ["Layer (type)", "Output Shape", "Param #", "Connected to"]
    columns = labels[: len(starts)]
    # Keras 2.13+ wraps every column at a fixed width (pieces join without a space) and starts
    # each line with a space; older Keras cuts the fields and puts extra inbound nodes on their
    # own lines (pieces join with a space).
    glue = "" if head.startswith(" Layer") else " "
    start = header + 1
    while start < len(lines) and not lines[start].strip().startswith("="):
        start += 1
    start += 1
    end = start
    while end < len(lines) and not lines[end].strip().startswith("=") and not _TOTAL.match(lines[end]):
        end += 1
    table = Table(False, header, columns, (start, end), model_line=model_line, totals=totals)

    def bounds(ln: str) -> list[tuple[int, int]]:
        return list(zip(starts, starts[1:] + [max(len(ln), starts[-1])]))

    def plain_count(ln: str) -> str | None:
        if not ln.strip() or _RULE.match(ln):
            return None
        b = bounds(ln)
        return ln[b[2][0] : b[2][1]].strip() if len(b) > 2 else ""

    for block in _blocks(lines, start, end, plain_count):
        row = Row(block, [""] * len(starts))
        for i in block:
            ln = lines[i]
            spans = bounds(ln)
            texts = [ln[x:y] for x, y in spans]
            if i == block[0]:
                row.cells = [t.strip() for t in texts]
            else:
                row.cells = [_join(old, new, k, glue) for k, (old, new) in enumerate(zip(row.cells, texts))]
            if len(spans) > 2:
                m = re.search(r"\d[\d,]*", ln[spans[2][0] : spans[2][1]])
                if m:
                    row.count_at.append((i, spans[2][0] + m.start(), spans[2][0] + m.end()))
        table.rows.append(row)
    return table


def _join(old: str, piece: str, column: int, glue: str) -> str:
    """A cell continued on the next line.  Keras 2.13+ (``glue`` "") cuts the text at a fixed
    width, so the piece keeps its own leading space (the first column's one-space margin aside);
    older Keras lists one more inbound node per line (joined with a space)."""
    if not piece.strip():
        return old
    if glue:
        return (old + glue + piece.strip()).strip()
    piece = piece.rstrip()
    if column == 0:
        # The space between name and "(Type)" may be the last character of the cut piece.
        return re.sub(r"(\S)\(", r"\1 (", old + piece[1:] if piece.startswith(" ") else old + piece, count=1)
    return old + piece


def _split_keep(text: str) -> tuple[list[str], str]:
    """Lines without the final newline, and the newline the text ends with ("" or "\\n")."""
    if text.endswith("\n"):
        return text[:-1].split("\n"), "\n"
    return text.split("\n"), ""


# --- comment prefixes ----------------------------------------------------------------------


def _prefix_lines(text: str, prefix: str) -> str:
    lines, end = _split_keep(text)
    return "\n".join((prefix + ln).rstrip() if not ln.strip() else prefix + ln for ln in lines) + end


def comment_hash_space(text: str) -> str:
    """Every line behind ``# ``: the summary kept as a comment under the code that printed it
    (a Keras 2 ``vgg16`` summary at the end of a segmentation script, Conv1D summaries under
    ``# FOR CNN KERAS-TF`` in a DNA-sequence script: public GitHub code holds many)."""
    return _prefix_lines(text, "# ")


def comment_hash(text: str) -> str:
    """Every line behind ``#`` with no space, as editors' "toggle comment" does on some setups
    (``#_____`` / ``# Layer (type)`` mixes are common in Korean course scripts on GitHub)."""
    return _prefix_lines(text, "#")


def comment_slashes(text: str) -> str:
    """Every line behind ``// ``: a summary quoted in a JavaScript/TF.js or C++ source comment
    (e.g. TFRT's MLIR test files quote a Keras MNIST summary as ``// Layer (type) ...``)."""
    return _prefix_lines(text, "// ")


def doctest(text: str) -> str:
    """A REPL session: ``>>> model.summary()`` then the output lines as printed (READMEs and
    course notes on GitHub quote the summary this way, e.g. Korean notes on *Hands-On Machine
    Learning*)."""
    return ">>> model.summary()\n" + text


def doctest_dots(text: str) -> str:
    """A REPL session whose output lines carry the ``... `` continuation prompt (a paste from an
    interactive console where the summary was printed inside a block)."""
    return ">>> model.summary()\n" + _prefix_lines(text, "... ")


def org_babel(text: str) -> str:
    """An Emacs org-babel result kept as a Python comment: ``# #+RESULTS:``, then every line
    behind ``#       `` inside ``#+begin_example`` (seen in behavioural-cloning project scripts
    on GitHub, a Keras 1 ``Cropping2D`` model)."""
    lines, _ = _split_keep(text)
    body = ["#       " + ln if ln.strip() else "#" for ln in lines]
    return "\n".join(["# #+RESULTS:", "#       #+begin_example", *body, "#       #+end_example"]) + "\n"


def html_pre(text: str) -> str:
    """The paste inside a raw ``<pre>`` block of a README, with the command that printed it above
    (a U-Net README on GitHub shows ``<pre>`` / ``>python TensorflowUNet.py`` / ``</pre>`` then
    the summary in another ``<pre>``)."""
    return "<pre>\n>python train.py\n</pre>\n<pre>\n" + text.rstrip("\n") + "\n</pre>\n"


def log_preamble(text: str) -> str:
    """The summary after the log lines a script prints before it (``Using TensorFlow backend.``,
    a deprecation warning), as pasted from a console into an issue."""
    return (
        "Using TensorFlow backend.\n"
        "WARNING:tensorflow:From train.py:12: The name tf.keras.layers.Layer is deprecated.\n"
        "Instructions for updating:\nUse tf.keras instead\n" + text
    )


# --- markdown ------------------------------------------------------------------------------


def _md_totals(text: str, bold: bool) -> list[str]:
    out = []
    for ln in text.split("\n"):
        m = _TOTAL.match(ln)
        if m:
            label = {"total": "Total", "trainable": "Trainable", "non-trainable": "Non-trainable"}[m["kind"].lower()]
            out.append(f"**{label} params:** {m['n']}" if bold else f"{label} params: {m['n']}")
    return out


def _markdown(text: str, padded: bool, bold: bool, outer: bool = True, labels: list[str] | None = None) -> str:
    table = read_table(text)
    if table is None:
        raise ValueError("no table to rebuild")
    lines = text.split("\n")
    cols = list(labels or table.columns)[: len(table.columns)]
    data = [[c.replace("|", "\\|") for c in row.cells[: len(cols)]] for row in table.rows]
    if not outer:
        # Without outer pipes an empty last cell would read as a closing pipe: people write "-"
        # there (Keras 3 itself prints "-" for no connection).
        data = [[c or "-" for c in r] for r in data]
    widths = [max([len(c)] + [len(r[k]) for r in data if k < len(r)]) for k, c in enumerate(cols)]

    def fmt(cells: list[str]) -> str:
        inner = " | ".join(c.ljust(w) for c, w in zip(cells, widths)) if padded else " | ".join(cells)
        return "| " + inner + " |" if outer else inner.rstrip()

    out = []
    if table.model_line is not None:
        out += [lines[table.model_line].strip(), ""]
    out.append(fmt(cols))
    edge = 2 if outer else 1  # the first and last cells have no space outside them without outer pipes
    rule = ["-" * (w + (edge if k in (0, len(widths) - 1) else 2)) if padded else "---" for k, w in enumerate(widths)]
    out.append("|" + "|".join(rule) + "|" if outer else "|".join(rule))
    out += [fmt(r + [""] * (len(cols) - len(r))) for r in data]
    totals = _md_totals(text, bold)
    if totals:
        out.append("")
        out += [t + ("  " if bold else "") for t in totals]
    return "\n".join(out) + "\n"


def markdown_table(text: str) -> str:
    """A GitHub markdown pipe table, one cell per column, no padding (``| dense (Dense) | (None,
    10) | 7,850 |``) with the totals as plain lines after it: how READMEs retype a summary (a
    regression README lists ``| hidden_layer1 (Dense) | (None, 16) | 32 |`` this way)."""
    return _markdown(text, padded=False, bold=False)


def markdown_table_padded(text: str) -> str:
    """A pipe table aligned by a markdown formatter (``|------|`` as wide as the column), totals in
    bold (``**Total params:** 7,850``), as project reports write them."""
    return _markdown(text, padded=True, bold=True)


def markdown_bare(text: str) -> str:
    """A pipe table without the outer pipes (``Layer (type) | Output Shape | Param #`` over
    ``---|---|---``), the layout proposed for the summary itself in keras-team/keras#11795 and
    used by READMEs that retype it."""
    return _markdown(text, padded=True, bold=False, outer=False)


def markdown_relabel(text: str) -> str:
    """A retyped table whose header says ``Layer (Type) | Output Shape | Param`` (or
    ``Parameter``): READMEs rename the columns as they please."""
    return _markdown(text, padded=False, bold=True, labels=["Layer (Type)", "Output Shape", "Param", "Connected to"])


def fence(text: str) -> str:
    """The paste inside a plain code fence (GitHub issues, Stack Overflow)."""
    return "```\n" + text.rstrip("\n") + "\n```\n"


def fence_text(text: str) -> str:
    """The paste inside a fence with an info string (```` ```text ````), as issue templates ask."""
    return "```text\n" + text.rstrip("\n") + "\n```\n"


def indent4(text: str) -> str:
    """The paste as a 4-space indented markdown code block (older Stack Overflow posts)."""
    return _prefix_lines(text, "    ")


# --- notebooks -------------------------------------------------------------------------------


def _source_lines(text: str) -> list[str]:
    lines = text.split("\n")
    if lines and lines[-1] == "":
        lines = lines[:-1]
    return [ln + "\n" for ln in lines[:-1]] + lines[-1:]


def ipynb_stream(text: str) -> str:
    """A whole ``.ipynb`` file whose code cell printed the summary to stdout: the lines are the
    cell's ``outputs[0]["text"]`` list, JSON-escaped (how Keras 2 summaries sit in the notebooks
    GitHub renders; nbformat 4, one-space indent as Jupyter writes it)."""
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 7,
                "metadata": {},
                "outputs": [{"name": "stdout", "output_type": "stream", "text": _source_lines(text)}],
                "source": ["model.summary()"],
            }
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def ipynb_display(text: str) -> str:
    """A whole ``.ipynb`` whose cell shows the summary as rich output: Keras 3 prints through
    ``rich``, which in Jupyter is a ``display_data`` with ``text/html`` and ``text/plain`` (the
    lines); the reader must take ``text/plain``."""
    lines = _source_lines(text)
    html = '<pre style="white-space:pre;overflow-x:auto;line-height:normal">' + "".join(lines) + "</pre>\n"
    nb = {
        "cells": [
            {
                "cell_type": "code",
                "execution_count": 3,
                "metadata": {},
                "outputs": [
                    {
                        "data": {"text/html": [html], "text/plain": lines},
                        "metadata": {},
                        "output_type": "display_data",
                    }
                ],
                "source": ["model.summary()"],
            }
        ],
        "metadata": {},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def ipynb_fragment(text: str) -> str:
    """Only the JSON-escaped lines copied out of a notebook file (``"Layer (type)   ...\\n",``),
    as people paste from the raw ``.ipynb`` view."""
    lines = _source_lines(text)
    return (
        "\n".join(
            "      " + json.dumps(ln, ensure_ascii=False) + ("," if k < len(lines) - 1 else "") for k, ln in enumerate(lines)
        )
        + "\n"
    )


# --- whitespace ------------------------------------------------------------------------------


def tabs(text: str) -> str:
    """Runs of two or more spaces turned into one tab (editors and some terminals copy the
    alignment as tabs)."""
    return re.sub(r" {2,}", "\t", text)


def tabs_aligned(text: str) -> str:
    """Spaces turned into tabs at 8-column tab stops, alignment kept (``unexpand -a``, editors
    with "use tabs" on, some terminal copies): expanding the tabs to 8 columns gives the text back."""
    lines, end = _split_keep(text)
    out = []
    for ln in lines:
        pieces = []
        for k in range(0, len(ln), 8):
            chunk = ln[k : k + 8]
            stripped = chunk.rstrip(" ")
            pieces.append(stripped + "\t" if len(chunk) == 8 and len(stripped) < 7 else chunk)
        out.append("".join(pieces))
    return "\n".join(out) + end


def nbsp(text: str) -> str:
    """Runs of spaces copied from a web page that rendered them as ``&nbsp;``: every space of a
    run of two or more becomes U+00A0 (blog posts and forum pages without ``<pre>``)."""
    return re.sub(r" {2,}", lambda m: "\u00a0" * len(m.group(0)), text)


def collapse_spaces(text: str) -> str:
    """All runs of spaces collapsed to one and lines left-stripped: an HTML page that lost its
    ``<pre>`` (e.g. the mirrored Stack Overflow answers at taourl.com show ``lstm (LSTM) (None,
    10, 64) 24832``)."""
    lines, end = _split_keep(text)
    return "\n".join(re.sub(r" +", " ", ln).strip() for ln in lines) + end


def indent2(text: str) -> str:
    """Every line indented by two spaces (a paste nested in a list item or a docstring)."""
    return _prefix_lines(text, "  ")


def strip_trailing(text: str) -> str:
    """Trailing spaces removed from every line (editors on save; Keras pads every line)."""
    lines, end = _split_keep(text)
    return "\n".join(ln.rstrip() for ln in lines) + end


def crlf(text: str) -> str:
    """Windows line ends."""
    return text.replace("\n", "\r\n")


# --- re-encoding -----------------------------------------------------------------------------


def ellipsis_ascii(text: str) -> str:
    """Keras 3's ``…`` (a cut name, type or connection) written as ``...`` by an ASCII-only
    channel."""
    return text.replace("…", "...")


def _cp1252_web(data: bytes) -> str:
    """Decode as a browser does for ``windows-1252``: the five undefined bytes map to C1 controls."""
    return "".join(
        bytes([b]).decode("cp1252", errors="replace") if b not in (0x81, 0x8D, 0x8F, 0x90, 0x9D) else chr(b) for b in data
    )


def mojibake_cp1252(text: str) -> str:
    """UTF-8 box drawing read as windows-1252 (``│`` → ``â”‚``): pages and files saved through a
    wrong charset show this for box-drawing text (public READMEs on GitHub hold ``â”‚`` diagrams;
    no Keras summary was found mangled so, but nothing stops one).  Keras 3 summaries only: the
    words stay, every bar becomes three characters (``…`` becomes ``â€¦``)."""
    return _cp1252_web(text.encode("utf-8"))


# --- left out --------------------------------------------------------------------------------


def _kept(n: int) -> tuple[int, int]:
    """How many rows an elision keeps at the start and at the end."""
    return max(2, n // 4), max(2, n // 4)


def elided_names(text: str) -> set[str]:
    """The names of the rows ``elide_dots`` / ``elide_unicode`` leave out of ``text``."""
    table = read_table(text)
    if table is None or len(table.rows) < 5:
        return set()
    head, tail = _kept(len(table.rows))
    return {r.name for r in table.rows[head : len(table.rows) - tail]}


def _elide(text: str, marker: str) -> str:
    table = read_table(text)
    if table is None or len(table.rows) < 5:
        raise ValueError("too few rows to elide")
    lines = text.split("\n")
    rows = table.rows
    keep_head, keep_tail = _kept(len(rows))
    first = rows[keep_head].lines[0]
    last = rows[len(rows) - keep_tail].lines[0]  # exclusive: the first row kept at the end
    lead = " " if lines[first].startswith(" ") and not table.box else ""
    return "\n".join(lines[:first] + [lead + marker] + lines[last:])


def elide_dots(text: str) -> str:
    """The middle rows replaced by a line ``...`` and the totals kept (long summaries shortened in
    READMEs and answers; the LoRA page of the ``tfimm`` docs goes as far as ``>>> model.summary()``,
    ``...`` and the three totals)."""
    return _elide(text, "...")


def elide_unicode(text: str) -> str:
    """The middle rows replaced by ``…`` (a paste through an editor that typesets ellipses)."""
    return _elide(text, "…")


def no_model_line(text: str) -> str:
    """The ``Model: "..."`` line left out (the first lines of a paste are often cut; a Keras 2
    summary without it is still Keras 2)."""
    lines = text.split("\n")
    return "\n".join(ln for ln in lines if not _MODEL.match(ln))


def no_totals(text: str) -> str:
    """The Total / Trainable / Non-trainable lines left out (only the table pasted)."""
    lines = text.split("\n")
    return "\n".join(ln for ln in lines if not _TOTAL.match(ln))


# --- the registry ----------------------------------------------------------------------------


def comment_strip_trailing(text: str) -> str:
    """Commented out and saved by an editor that strips trailing spaces (the usual state of a
    summary kept in a script)."""
    return strip_trailing(comment_hash_space(text))


def fence_crlf(text: str) -> str:
    """A fenced paste from a Windows machine (CRLF inside a code fence)."""
    return crlf(fence(text))


def identity(text: str) -> str:
    """The summary as Keras printed it."""
    return text


MANGLES: dict[str, Callable[[str], str]] = {
    "identity": identity,
    "comment_hash_space": comment_hash_space,
    "comment_hash": comment_hash,
    "comment_slashes": comment_slashes,
    "doctest": doctest,
    "doctest_dots": doctest_dots,
    "org_babel": org_babel,
    "html_pre": html_pre,
    "log_preamble": log_preamble,
    "markdown_table": markdown_table,
    "markdown_table_padded": markdown_table_padded,
    "markdown_bare": markdown_bare,
    "markdown_relabel": markdown_relabel,
    "fence": fence,
    "fence_text": fence_text,
    "indent4": indent4,
    "ipynb_stream": ipynb_stream,
    "ipynb_display": ipynb_display,
    "ipynb_fragment": ipynb_fragment,
    "tabs": tabs,
    "tabs_aligned": tabs_aligned,
    "collapse_spaces": collapse_spaces,
    "nbsp": nbsp,
    "indent2": indent2,
    "strip_trailing": strip_trailing,
    "crlf": crlf,
    "ellipsis_ascii": ellipsis_ascii,
    "mojibake_cp1252": mojibake_cp1252,
    "elide_dots": elide_dots,
    "elide_unicode": elide_unicode,
    "no_model_line": no_model_line,
    "no_totals": no_totals,
    "comment_strip_trailing": comment_strip_trailing,
    "fence_crlf": fence_crlf,
}

#: Mangles after which the totals can no longer be compared with the rows (rows left out) or are
#: absent: a tampered total cannot be caught there.
DROPS_TOTALS = {"no_totals"}
DROPS_ROWS = {"elide_dots", "elide_unicode"}


#: Mangles that lose the column positions: only for tables a person can still read without them.
LOSES_COLUMNS = {"tabs", "collapse_spaces"}


def readable_without_columns(text: str) -> bool:
    """False for a Keras 1/2 table that cuts a number over lines (a narrow ``line_length``: the
    count ``235`` then ``2``, or the shape ``[(None, 5, 1`` then ``2)]``): without the column
    positions nobody can tell that the count is 2,352 or the last dimension 12."""
    table = read_table(text)
    if table is None or table.box:
        return True
    lines = text.split("\n")
    head = lines[table.header]
    starts = [0] + [m.start(1) for m in re.finditer(r"\s{2,}(\S)", head)]
    for row in table.rows:
        previous: dict[int, str] = {}
        for i in row.lines:
            ln = lines[i]
            bounds = list(zip(starts, starts[1:] + [max(len(ln), starts[-1])]))
            for k, (a, b) in enumerate(bounds):
                piece = ln[a:b].strip()
                if not piece:
                    continue
                if previous.get(k, "")[-1:].isdigit() and piece[0].isdigit():
                    return False
                previous[k] = piece
    return True


def expanded_nested(text: str) -> bool:
    """A summary printed with ``expand_nested=True`` (Keras 2 frames nested rows with ``|`` and
    ``¯``, Keras 3 marks them ``└``): the table reader here does not rebuild those rows."""
    return "¯¯¯" in text or re.search(r"[│|]\s+└ ", text) is not None


def _text(record: dict[str, Any] | str) -> str:
    return record if isinstance(record, str) else str(record["text"])


def is_box(text: str) -> bool:
    return any(ch in text for ch in "┃│┏")


def applies(name: str, record: dict[str, Any] | str) -> bool:
    """Whether mangle ``name`` makes sense for this record (or bare text)."""
    text = _text(record)
    if expanded_nested(text) and (name.startswith("markdown_") or name in DROPS_ROWS):
        return False
    if name.startswith("markdown_"):
        table = read_table(text)
        return table is not None and bool(table.rows) and len(table.columns) >= 3
    if name in LOSES_COLUMNS:
        return readable_without_columns(text)
    if name == "mojibake_cp1252":
        return is_box(text)
    if name == "ellipsis_ascii":
        return "…" in text
    if name in DROPS_ROWS:
        table = read_table(text)
        return table is not None and len(table.rows) >= 5 and bool(table.totals)
    if name == "no_model_line":
        return any(_MODEL.match(ln) for ln in text.split("\n"))
    if name == "no_totals":
        return any(_TOTAL.match(ln) for ln in text.split("\n"))
    if name == "ipynb_display":
        return is_box(text)
    return name in MANGLES


# --- tampering -------------------------------------------------------------------------------


class Tamper(NamedTuple):
    text: str
    #: The row name, or the total kind ("total", "trainable", "non_trainable").
    target: str
    line: int  # 1-based line of the changed digit
    old: int
    new: int


TOTAL_TARGETS = ("total", "trainable", "non_trainable")


def _digit_swap(number: str, seed: int) -> tuple[str, int]:
    """``number`` (digits and commas) with exactly one digit changed; the position and the new
    digit come from ``seed``.  The leading digit of a multi-digit count never becomes 0."""
    positions = [k for k, ch in enumerate(number) if ch.isdigit()]
    pos = positions[seed % len(positions)]
    old = number[pos]
    choices = [d for d in "0123456789" if d != old and not (d == "0" and pos == positions[0] and len(positions) > 1)]
    new = choices[(seed // len(positions)) % len(choices)]
    out = number[:pos] + new + number[pos + 1 :]
    return out, pos


def targets(text: str) -> list[str]:
    """What ``tamper_digit`` can change in this text: the rows with a printed count (each name
    once), then the total kinds present."""
    table = read_table(text)
    if table is None:
        return []
    if expanded_nested(text):
        return [k for k in TOTAL_TARGETS if k in table.totals]
    lines = text.split("\n")
    names = [r.name for r in table.rows if count_text(lines, r) is not None]
    unique = [n for n in dict.fromkeys(names) if n and names.count(n) == 1]
    return unique + [k for k in TOTAL_TARGETS if k in table.totals]


def count_text(lines: list[str], row: Row) -> str | None:
    """The row's count as printed (pieces of a wrapped count joined) in the text's ``lines``,
    None if there is none, it is Keras 3's ``0 (unbuilt)`` or a narrow console cut it (``129,0…``)."""
    cell = row.cells[2 if len(row.cells) > 2 else -1]
    if not row.count_at or "unbuilt" in cell or "…" in cell:  # none, unbuilt, or cut by a narrow console
        return None
    return "".join(lines[i][a:b] for i, a, b in row.count_at)


def tamper_digit(text: str, target: str, seed: int = 0) -> Tamper:
    """Change exactly one digit of ``target``'s count (a row name, or "total" / "trainable" /
    "non_trainable"), keeping the width of the line."""
    table = read_table(text)
    if table is None:
        raise ValueError("no table")
    lines = text.split("\n")
    if target in TOTAL_TARGETS:
        i = table.totals[target]
        m = _TOTAL.match(lines[i])
        assert m is not None
        spans = [(i, *m.span("n"))]
    else:
        row = next(r for r in table.rows if r.name == target)
        spans = row.count_at
    number = "".join(lines[i][a:b] for i, a, b in spans)
    changed, pos = _digit_swap(number, seed)
    offset = 0
    for i, a, b in spans:
        if offset <= pos < offset + (b - a):
            k = a + pos - offset
            lines[i] = lines[i][:k] + changed[pos] + lines[i][k + 1 :]
            line = i
            break
        offset += b - a
    return Tamper("\n".join(lines), target, line + 1, int(number.replace(",", "")), int(changed.replace(",", "")))


def pick(key: str, n: int, k: int) -> list[int]:
    """A deterministic sample of ``k`` of ``range(n)`` chosen by hashing ``key``."""
    scored = sorted(range(n), key=lambda j: hashlib.sha256(f"{key}:{j}".encode()).hexdigest())
    return sorted(scored[:k])


def seed_of(key: str) -> int:
    return int(hashlib.sha256(key.encode()).hexdigest()[:8], 16)
