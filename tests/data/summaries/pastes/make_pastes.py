"""Build the stand-ins for real pasted ``model.summary()`` texts in this folder.

    .venv/bin/python tests/data/summaries/pastes/make_pastes.py

Every case below names a real paste (a GitHub issue, a README, a notebook, a Q&A page) in its
``stands_for``.  We do not copy that text: we rebuild the model (or one like it) with real Keras of
the line the paste came from, print its summary, and mangle it the way the paste was mangled
(comment prefixes, markdown, notebook JSON, cut columns, elided rows, a hand-edited count) with
our own code here.  ``index.json`` records, for each file, the expected verdict and the ground
truth read from the live model (per-layer ``count_params()`` and the totals).

The script runs itself once per Keras line:

* ``k3``   Keras 3 (the project venv),
* ``k2``   tf-keras 2.21 (the project venv with ``TF_USE_LEGACY_KERAS=1``),
* ``k215`` Keras 2.15 (TensorFlow 2.15, ``--k215-python`` or ``$PASTES_K215_PYTHON``, default
  ``/tmp/venvs/keras215/bin/python``); skipped with a message when that python is missing.

Only the cases of the lines that ran are rewritten; the other entries of ``index.json`` are kept.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
INDEX = HERE / "index.json"
K215_PYTHON = os.environ.get("PASTES_K215_PYTHON", "/tmp/venvs/keras215/bin/python")

Mangle = Callable[[str, "Info"], str]


@dataclass
class Info:
    """What a mangle may use besides the printed text: the live model's rows."""

    rows: list[dict[str, Any]]
    totals: dict[str, int | None]
    model_name: str


@dataclass
class Case:
    slug: str
    line: str  # k3 | k2 | k215 | static
    build: Callable[[Any], Any] | None
    stands_for: str
    kinds: list[str]
    verdict: str = "consistent"  # consistent | inconsistent | unbuilt | unreadable
    flagged: list[str] = field(default_factory=list)  # rows (layer names) or totals lines expected WRONG
    flagged_any: list[str] = field(default_factory=list)  # at least one of these expected WRONG
    mangle: Mangle | None = None
    summary: dict[str, Any] = field(default_factory=dict)  # model.summary(...) keyword arguments
    columns: int = 200  # Keras 3: the console width rich sizes the table to
    ext: str = "txt"
    static_text: str = ""  # for line == "static"
    sources: list[str] = field(default_factory=list)  # line "combo": the slugs whose pastes are joined
    names: str = ""  # "old" or "keras1": the paste numbers layers from 1 (see old_names)
    encoding: str = ""  # Keras 3: print to a console of this encoding (rich falls back to ASCII boxes)
    note: str = ""


# --- mangles: the ways people paste -----------------------------------------------------------


def prefix(p: str, blank: str | None = None) -> Mangle:
    """Every line commented out (``# ``, ``#``, ``// ``, ``> ``); blank lines get ``blank``."""

    def f(text: str, _: Info) -> str:
        out = []
        for line in text.splitlines():
            out.append((p + line) if line.strip() else (blank if blank is not None else p.rstrip()))
        return "\n".join(out) + "\n"

    return f


def indent(n: int, head: str = "", tail: str = "") -> Mangle:
    def f(text: str, _: Info) -> str:
        body = "\n".join((" " * n + line) if line.strip() else "" for line in text.splitlines())
        return f"{head}{body}\n{tail}"

    return f


def fence(lang: str = "", before: str = "", after: str = "") -> Mangle:
    def f(text: str, _: Info) -> str:
        return f"{before}```{lang}\n{text.rstrip()}\n```\n{after}"

    return f


def box_to_markdown(align: str = "---", before: str = "", after: str = "") -> Mangle:
    """A Keras 3 box table turned into a markdown pipe table, as README authors do by hand."""

    def f(text: str, _: Info) -> str:
        out = []
        for line in text.splitlines():
            s = line.strip()
            if not s:
                continue
            if s[0] in "┏├└":
                continue
            if s[0] == "┡":
                cols = s.count("╇") + 1
                out.append("|" + "|".join([align] * cols) + "|")
                continue
            if s[0] in "┃│":
                cells = [c.strip() for c in re.split("[┃│]", s)[1:-1]]
                out.append("| " + " | ".join(cells) + " |")
                continue
            out.append(line)
        return before + "\n".join(out) + "\n" + after

    return f


def rows_to_markdown(code_spans: bool = False, connected: bool = False, before: str = "", after: str = "") -> Mangle:
    """A markdown table written from the summary's rows (name, type, shape, count)."""

    def f(text: str, info: Info) -> str:
        head = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if connected else [])
        lines = ["| " + " | ".join(head) + " |", "|" + "|".join(["---"] * len(head)) + "|"]
        for r in info.rows:
            cells = [f"{r['name']} ({r['class']})", r["shape"], f"{r['params']:,}"]
            if connected:
                cells.append(", ".join(r.get("inbound", [])))
            if code_spans:
                cells = [f"`{c}`" for c in cells]
            lines.append("| " + " | ".join(cells) + " |")
        totals = [ln for ln in text.splitlines() if re.match(r"\s*(Total|Trainable|Non-trainable) params", ln)]
        body = "\n".join(lines) + "\n\n" + "\n".join(t.strip() for t in totals) + "\n"
        return before + body + after

    return f


def collapse_spaces(drop_rules: bool = False, drop_blank: bool = True) -> Mangle:
    """Runs of spaces collapsed to one, as many web pages render a pasted block."""

    def f(text: str, _: Info) -> str:
        out = []
        for line in text.splitlines():
            if drop_rules and re.fullmatch(r"\s*[_=]{5,}\s*", line):
                continue
            s = re.sub(r" {2,}", " ", line).strip()
            if not s and drop_blank:
                continue
            out.append(s)
        return "\n".join(out) + "\n"

    return f


def drop_rules(text: str, _: Info) -> str:
    return "\n".join(ln for ln in text.splitlines() if not re.fullmatch(r"\s*[_=]{5,}\s*", ln) and ln.strip()) + "\n"


def tabs(text: str, _: Info) -> str:
    return "\n".join(re.sub(r" {2,}", "\t", ln.rstrip()) for ln in text.splitlines()) + "\n"


def line_numbers(text: str, _: Info) -> str:
    """A code block copied from a web page that numbers its lines: the numbers glue on."""
    return "\n".join(f"{i}{ln.strip()}" for i, ln in enumerate(text.splitlines(), 1) if ln.strip()) + "\n"


def elide(first: int, last: int, marker: str = "...") -> Mangle:
    """Keep the header, the first ``first`` and last ``last`` table rows, put ``marker`` between."""

    def f(text: str, info: Info) -> str:
        lines = text.splitlines()
        names = [r["name"] for r in info.rows]
        idx = []
        for i, ln in enumerate(lines):
            m = re.match(r"[\s│|]*([\w./-]+) \(", ln)
            if m and m.group(1) in names:
                idx.append(i)
        if len(idx) <= first + last + 1:
            return text
        cut_from = idx[first]
        cut_to = idx[-last]
        return "\n".join(lines[:cut_from] + [marker] + lines[cut_to:]) + "\n"

    return f


def edit_row(name: str, change: Callable[[int], int], truth: str | None = None) -> Mangle:
    """The count on the row of layer ``name`` retyped (a typo, or the number the asker expected);
    ``change`` maps the true count to the pasted one."""

    def f(text: str, info: Info) -> str:
        old = next(r["params"] for r in info.rows if r["name"] == (truth or name))
        new = change(old)
        lines = text.splitlines()
        for i, ln in enumerate(lines):
            if not re.search(rf"(^|[\s│|`]){re.escape(name)}( \(|\s+[│|])", ln):
                continue
            for o, n in ((f"{old:,}", f"{new:,}"), (str(old), str(new))):
                pos = ln.rfind(o)
                if pos >= 0:
                    if len(n) <= len(o):
                        n = n.rjust(len(o))
                    lines[i] = ln[:pos] + n + ln[pos + len(o) :]
                    return "\n".join(lines) + "\n"
        raise ValueError(f"no row {name} with {old}")

    return f


def edit_total(label: str, kind: str, change: Callable[[int], int]) -> Mangle:
    """The ``label`` line (Total / Trainable / Non-trainable params) retyped."""

    def f(text: str, info: Info) -> str:
        old = info.totals[kind]
        assert old is not None
        new = change(old)
        lines = text.splitlines()
        for i, ln in enumerate(lines):
            if ln.strip().lstrip("#/> ").startswith(label + ":"):
                for o, n in ((f"{old:,}", f"{new:,}"), (str(old), str(new))):
                    if o in ln:
                        lines[i] = ln.replace(o, n, 1)
                        return "\n".join(lines) + "\n"
        raise ValueError(f"no {label} {old}")

    return f


def digit(pos: int, to: int) -> Callable[[int], int]:
    """Set the digit ``pos`` places from the right (0 = units) to ``to``: a one-digit typo."""

    def f(v: int) -> int:
        s = list(str(v))
        s[-1 - pos] = str(to)
        out = int("".join(s))
        assert out != v
        return out

    return f


def swap(pos: int) -> Callable[[int], int]:
    """Two neighbouring digits swapped (``pos`` and ``pos + 1`` from the right)."""

    def f(v: int) -> int:
        s = list(str(v))
        s[-1 - pos], s[-2 - pos] = s[-2 - pos], s[-1 - pos]
        out = int("".join(s))
        assert out != v
        return out

    return f


def surround(before: str = "", after: str = "") -> Mangle:
    def f(text: str, _: Info) -> str:
        return before + text + after

    return f


def drop_totals(text: str, _: Info) -> str:
    """The asker pasted the table only."""
    lines = text.splitlines()
    keep = [ln for ln in lines if not re.match(r"\s*(Total|Trainable|Non-trainable) params", ln)]
    while keep and re.fullmatch(r"\s*_+\s*", keep[-1]):
        keep.pop()
    return "\n".join(keep) + "\n"


def annotate(name: str, note: str) -> Mangle:
    """The asker's own remark typed after a row (``<-- why 0?``)."""

    def f(text: str, _: Info) -> str:
        lines = text.splitlines()
        for i, ln in enumerate(lines):
            if re.search(rf"(^|[\s│|]){re.escape(name)} \(", ln):
                lines[i] = ln.rstrip() + "   " + note
                return "\n".join(lines) + "\n"
        raise ValueError(name)

    return f


def hard_wrap(width: int) -> Mangle:
    """Long lines broken at ``width`` characters by a mail client or a fixed-width text box."""

    def f(text: str, _: Info) -> str:
        out = []
        for ln in text.splitlines():
            ln = ln.rstrip()
            while len(ln) > width:
                out.append(ln[:width])
                ln = ln[width:]
            out.append(ln)
        return "\n".join(out) + "\n"

    return f


def strip_esc(text: str, _: Info) -> str:
    """ANSI codes copied from a web page: the ESC character is lost, ``[1m`` and ``[0m`` stay."""
    return text.replace("\x1b", "")


def logger_prefix(text: str, _: Info) -> str:
    """``model.summary(print_fn=logger.info)``: every line behind the logging format."""
    out = []
    for i, ln in enumerate(text.splitlines()):
        out.append(f"2024-03-18 14:02:{10 + i // 20:02d},{(137 * i) % 1000:03d} - train - INFO - {ln}")
    return "\n".join(out) + "\n"


def chain(*ms: Mangle) -> Mangle:
    def f(text: str, info: Info) -> str:
        for m in ms:
            text = m(text, info)
        return text

    return f


def notebook_stream(code: str) -> Mangle:
    """The summary as a notebook cell's stdout stream (Keras 2 prints through ``print``)."""

    def f(text: str, _: Info) -> str:
        lines = [ln + "\n" for ln in text.rstrip("\n").split("\n")]
        return _notebook(code, [{"name": "stdout", "output_type": "stream", "text": lines}])

    return f


def notebook_display(code: str) -> Mangle:
    """The summary as Keras 3 shows it in Jupyter: rich display data, its ``text/plain`` lines."""

    def f(text: str, _: Info) -> str:
        lines = [ln + "\n" for ln in text.rstrip("\n").split("\n")]
        lines[-1] = lines[-1].rstrip("\n")
        out = {
            "data": {"text/html": ["<pre>(table)</pre>\n"], "text/plain": lines},
            "metadata": {},
            "output_type": "display_data",
        }
        return _notebook(code, [out])

    return f


LOAD = 'from tensorflow import keras\n\nmodel = keras.models.load_model("model.h5")\n'


def notebook_rich(code: str) -> Mangle:
    """Keras 3 in Jupyter: rich's display data, ``text/html`` (styled spans in rich's Jupyter
    ``<pre>``) beside ``text/plain``; made from the colour output (``encoding="ansi"``)."""

    def f(text: str, _: Info) -> str:
        import io

        from rich.console import Console
        from rich.jupyter import JUPYTER_HTML_FORMAT
        from rich.text import Text

        console = Console(record=True, width=300, file=io.StringIO(), force_terminal=True)
        console.print(Text.from_ansi(text.rstrip("\n")), end="", soft_wrap=True)
        html = console.export_html(inline_styles=True, code_format=JUPYTER_HTML_FORMAT)
        plain = re.sub(r"\x1b\[[0-9;]*m", "", text).rstrip("\n")
        out = {
            "data": {
                "text/html": [ln + "\n" for ln in html.rstrip("\n").split("\n")],
                "text/plain": [ln + "\n" for ln in plain.split("\n")[:-1]] + [plain.split("\n")[-1]],
            },
            "metadata": {},
            "output_type": "display_data",
        }
        return _notebook(code, [out])

    return f


def rows_only(text: str, _: Info) -> str:
    """Only the layer rows and the totals: header and rules deleted by the asker."""
    keep = []
    started = False
    for ln in text.splitlines():
        if re.fullmatch(r"\s*[_=]{5,}\s*", ln) or not ln.strip():
            continue
        if "Layer (type)" in ln:
            started = True
            continue
        if started or re.match(r"\s*(Total|Trainable|Non-trainable) params", ln):
            keep.append(ln.strip())
    return "Here are my layers:\n\n" + "\n".join(keep) + "\n"


def _notebook(code: str, outputs: list[dict[str, Any]]) -> str:
    nb = {
        "cells": [
            {"cell_type": "markdown", "metadata": {}, "source": ["## Model\n"]},
            {
                "cell_type": "code",
                "execution_count": 7,
                "metadata": {},
                "outputs": outputs,
                "source": [ln + "\n" for ln in code.split("\n")[:-1]] + [code.split("\n")[-1]],
            },
        ],
        "metadata": {"kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"}},
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(nb, indent=1, ensure_ascii=False) + "\n"


def _old_row(fields: list[str], positions: list[int]) -> str:
    """One row as Keras 1 and 2 before 2.13 printed it: each field cut at its column's end."""
    line = ""
    for i, text in enumerate(fields):
        if i > 0:
            line = line[:-1] + " "
        line += text
        line = line[: positions[i]]
        line += " " * (positions[i] - len(line))
    return line.rstrip()


def _snake(name: str) -> str:
    return re.sub(r"(?<=[a-z])(?=[A-Z])", "_", name).lower()


def old_names(rows: list[dict[str, Any]], classes: dict[str, str] | None = None) -> list[dict[str, Any]]:
    """Standalone Keras 1 and 2.0-2.2 numbered layers from 1 (``dense_1``, ``conv2d_2``) and Keras 1
    named classes differently (``Convolution2D``): rename the live rows that way."""
    classes = classes or {}
    seen: dict[str, int] = {}
    mapping: dict[str, str] = {}
    for r in rows:
        base = re.sub(r"_\d+$", "", r["name"])
        if base != _snake(r["class"]):  # a name the user gave: kept as it is
            mapping[r["name"]] = r["name"]
            continue
        if classes:  # Keras 1: the class name lowercased (convolution2d_1, maxpooling2d_1)
            base = classes.get(r["class"], r["class"]).lower()
        seen[base] = seen.get(base, 0) + 1
        mapping[r["name"]] = f"{base}_{seen[base]}"
    return [
        {
            **r,
            "name": mapping[r["name"]],
            "class": classes.get(r["class"], r["class"]),
            "inbound": [mapping.get(n, n) for n in r.get("inbound", [])],
        }
        for r in rows
    ]


def keras2_old(
    functional: bool = False, model_line: bool = True, line_length: int | None = None, renumber: bool = False
) -> Mangle:
    """The Keras 2 layout before TensorFlow 2.13 wrapped long cells: each field is cut at its
    column (``time_distributed_14 (TimeDis``, ``(None, 8, 16, 240, 2``, ``[(None, 2), (N``), a
    ``_`` rule between rows, counts without commas.  Written from the live rows, since those
    Keras versions no longer install here; the cutting follows the old ``print_row``."""

    def f(text: str, info: Info) -> str:
        width = line_length or (98 if functional else 65)
        rel = [0.33, 0.55, 0.67, 1.0] if functional else [0.45, 0.85, 1.0]
        positions = [int(width * p) for p in rel]
        head = ["Layer (type)", "Output Shape", "Param #"] + (["Connected to"] if functional else [])
        out = [f'Model: "{info.model_name}"'] if model_line else []
        out += ["_" * width, _old_row(head, positions), "=" * width]
        rows = old_names(info.rows) if renumber else info.rows
        for i, r in enumerate(rows):
            inbound = [f"{n}[0][0]" for n in r.get("inbound", [])] if functional else []
            fields = [f"{r['name']} ({r['class']})", r["shape"], str(r["params"])]
            if functional:
                fields.append(inbound[0] if inbound else "")
            out.append(_old_row(fields, positions))
            for more in inbound[1:]:
                out.append(_old_row(["", "", "", more], positions))
            out.append(("=" if i == len(rows) - 1 else "_") * width)
        t = info.totals
        out += [
            f"Total params: {t['total']:,}",
            f"Trainable params: {t['trainable']:,}",
            f"Non-trainable params: {t['non_trainable']:,}",
            "_" * width,
        ]
        return "\n".join(out) + "\n"

    return f


KERAS1_CLASSES = {"Conv2D": "Convolution2D", "Conv1D": "Convolution1D", "BatchNormalization": "BatchNormalization"}


def keras1_style(text: str, info: Info) -> str:
    """The Keras 1 layout (``Connected to`` column, counts without commas, no ``Model:`` line,
    ``convolution2d_1 (Convolution2D)``), written from the live rows: Keras 1 no longer installs."""
    info = Info(old_names(info.rows, KERAS1_CLASSES), info.totals, info.model_name)
    positions = [33, 55, 67, 100]  # Keras 1: line_length 100, positions .33 .55 .67 1
    sep = "_" * 100
    out = [sep, _old_row(["Layer (type)", "Output Shape", "Param #", "Connected to"], positions), "=" * 100]
    prev = None
    for i, r in enumerate(info.rows):
        label = r["name"] if r["class"] == "Activation" else f"{r['name']} ({r['class']})"
        conn = f"{prev}[0][0]" if prev else f"{r['name']}_input_1[0][0]"
        out.append(_old_row([label, r["shape"], str(r["params"]), conn], positions))
        out.append(("=" if i == len(info.rows) - 1 else "_") * 100)
        prev = r["name"]
    out.append(f"Total params: {info.totals['total']}")
    out.append(sep)
    return "\n".join(out) + "\n"


# --- the models ---------------------------------------------------------------------------------


def _mlp_mnist(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((28, 28)), L.Flatten(), L.Dense(128, activation="relu"), L.Dense(10)])


def _object_classification(k: Any) -> Any:
    L = k.layers
    ls: list[Any] = [k.Input((125, 125, 1)), L.Conv2D(32, 3, padding="same")]
    for _ in range(3):
        ls += [L.Conv2D(16, 3, padding="same"), L.Conv2D(4, 3, padding="same")]
    ls += [L.Conv2D(4, 1, padding="same"), L.MaxPooling2D(7), L.Flatten()]
    for i in range(3):
        ls += [L.Dense(256, activation="relu", name=f"layer{i + 1}"), L.Dropout(0.3)]
    ls += [L.Dense(6, activation="softmax", name="output")]
    return k.Sequential(ls)


def _dollar_street(k: Any) -> Any:
    L = k.layers
    inputs = k.Input((64, 64, 3))
    x = L.Conv2D(50, (3, 3), activation="relu")(inputs)
    x = L.Conv2D(50, (3, 3), activation="relu")(x)
    x = L.Flatten()(x)
    return k.Model(inputs, L.Dense(10)(x), name="dollar_street_model_small")


def _unbuilt_sentiment(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [L.Embedding(5000, 64), L.Bidirectional(L.LSTM(64)), L.Dense(64, activation="relu"), L.Dense(1)],
        name="sentiment_analysis_model",
    )


def _unbuilt_dense(k: Any) -> Any:
    L = k.layers
    return k.Sequential([L.Dense(64, activation="relu"), L.Dense(10, activation="softmax")])


def _lstm_timedistributed(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((24, 12)),
            L.LSTM(64, return_sequences=True),
            L.Dropout(0.2),
            L.LSTM(64, return_sequences=True),
            L.TimeDistributed(L.Dense(6)),
        ]
    )


def _td_conv_video(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((16, 64, 64, 3)),
            L.TimeDistributed(L.Conv2D(32, 3, activation="relu")),
            L.TimeDistributed(L.MaxPooling2D()),
            L.TimeDistributed(L.Conv2D(64, 3, activation="relu")),
            L.TimeDistributed(L.GlobalAveragePooling2D()),
            L.LSTM(64),
            L.Dense(5, activation="softmax"),
        ]
    )


def _transformer_text(k: Any, heads: int = 2, key_dim: int = 32) -> Any:
    L = k.layers
    inputs = k.Input((200,), dtype="int32")
    x = L.Embedding(20000, 32)(inputs)
    attn = L.MultiHeadAttention(num_heads=heads, key_dim=key_dim)(x, x)
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, L.Dropout(0.1)(attn)]))
    ff = L.Dense(32)(L.Dense(64, activation="relu")(x))
    x = L.LayerNormalization(epsilon=1e-6)(L.Add()([x, ff]))
    x = L.GlobalAveragePooling1D()(x)
    x = L.Dense(20, activation="relu")(L.Dropout(0.1)(x))
    return k.Model(inputs, L.Dense(2, activation="softmax")(x))


def _vit_block(k: Any) -> Any:
    L = k.layers
    inputs = k.Input((64, 108))
    x = L.Dense(64)(inputs)
    y = L.LayerNormalization(epsilon=1e-6)(x)
    y = L.MultiHeadAttention(num_heads=4, key_dim=64, dropout=0.1)(y, y)
    x = L.Add()([y, x])
    y = L.LayerNormalization(epsilon=1e-6)(x)
    y = L.Dense(128, activation="gelu")(y)
    y = L.Dense(64)(y)
    x = L.Add()([y, x])
    x = L.Flatten()(L.LayerNormalization(epsilon=1e-6)(x))
    return k.Model(inputs, L.Dense(100)(x), name="vit_tiny")


def _text_vectorization(k: Any, vocab_size: int = 10000, seq: int = 100, dim: int = 16) -> Any:
    L = k.layers
    vocab = [f"w{i}" for i in range(vocab_size - 2)]
    return k.Sequential(
        [
            k.Input((1,), dtype="string"),
            L.TextVectorization(max_tokens=vocab_size, output_sequence_length=seq, vocabulary=vocab),
            L.Embedding(vocab_size, dim, name="embedding"),
            L.GlobalAveragePooling1D(),
            L.Dense(16, activation="relu"),
            L.Dense(1),
        ]
    )


def _text_vectorization_bn(k: Any) -> Any:
    L = k.layers
    vocab = [chr(ord("a") + i) for i in range(26)] + [str(i) for i in range(7)]
    return k.Sequential(
        [
            k.Input((1,), dtype="string"),
            L.TextVectorization(max_tokens=35, split="character", vocabulary=vocab),
            L.Embedding(35, 256),
            L.BatchNormalization(),
            L.Bidirectional(L.GRU(64)),
            L.Dense(32, activation="relu"),
            L.Dense(3, activation="softmax"),
        ]
    )


def _cnn_bn(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((48, 48, 1)),
            L.Conv2D(32, 3, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.Activation("relu"),
            L.MaxPooling2D(),
            L.Conv2D(64, 3, padding="same"),
            L.BatchNormalization(),
            L.MaxPooling2D(),
            L.GlobalAveragePooling2D(),
            L.Dense(7, activation="softmax"),
        ]
    )


def _frozen_mobilenet(k: Any) -> Any:
    L = k.layers
    base = k.applications.MobileNetV2(input_shape=(160, 160, 3), include_top=False, weights=None)
    base.trainable = False
    inputs = k.Input((160, 160, 3))
    x = L.Rescaling(1 / 127.5, offset=-1)(inputs)
    x = base(x, training=False)
    x = L.GlobalAveragePooling2D()(x)
    x = L.Dropout(0.2)(x)
    return k.Model(inputs, L.Dense(1)(x))


def _mnist_cnn(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((28, 28, 1)),
            L.Conv2D(32, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.Flatten(),
            L.Dense(64, activation="relu"),
            L.Dense(10),
        ]
    )


def _rect_kernels(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((40, 40, 3)),
            L.Conv2D(16, (6, 8), activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(32, (1, 7), padding="same"),
            L.Conv2D(32, (7, 1), padding="same"),
            L.GlobalMaxPooling2D(),
            L.Dense(4),
        ]
    )


def _big_kernel_same(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((8, 8, 12)),
            L.Conv2D(64, 3, padding="same", activation="relu"),
            L.MaxPooling2D(2),
            L.MaxPooling2D(2),
            L.Conv2D(64, 5, padding="same", activation="relu"),  # a 5×5 kernel over a 2×2 map
            L.Flatten(),
            L.Dense(1, activation="tanh"),
        ]
    )


def _siamese(k: Any) -> Any:
    L = k.layers
    a = k.Input((128,), name="left")
    b = k.Input((128,), name="right")
    shared = L.Dense(64, activation="relu", name="shared_dense")
    d = L.Subtract()([shared(a), shared(b)])
    return k.Model([a, b], L.Dense(1, activation="sigmoid")(d), name="siamese")


def _subclassed(k: Any) -> Any:
    L = k.layers

    class MyModel(k.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(name="my_model")
            self.dense = L.Dense(32, activation="relu")
            self.dense_1 = L.Dense(5, activation="softmax")

        def call(self, x: Any) -> Any:
            return self.dense_1(self.dense(x))

    import numpy as np

    m = MyModel()
    m(np.zeros((1, 10), dtype="float32"))
    return m


def _resnet50(k: Any) -> Any:
    return k.applications.ResNet50(weights=None, input_shape=(224, 224, 3), classes=10)


def _vgg16_frozen(k: Any) -> Any:
    m = k.applications.VGG16(weights=None, include_top=False, input_shape=(224, 224, 3))
    for layer in m.layers:
        layer.trainable = False
    return m


def _show_trainable(k: Any) -> Any:
    L = k.layers
    m = k.Sequential([k.Input((100,)), L.Dense(10, trainable=False), L.BatchNormalization(), L.Dense(3)])
    return m


def _encoder_decoder_cut(k: Any) -> Any:
    L = k.layers
    a = k.Input((32, 32, 3))
    x = L.Conv2D(32, 3, padding="same", activation="relu")(a)
    x = L.MaxPooling2D()(x)
    x = L.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = L.MaxPooling2D()(x)
    x = L.Flatten()(x)
    x = L.Dense(64, activation="relu")(x)
    return k.Model(a, x, name="encoder")


def _functional_dense(k: Any) -> Any:
    L = k.layers
    inp = k.Input((32, 32, 3))
    x = L.Flatten()(inp)
    x = L.Dense(200, activation="relu")(x)
    x = L.Dense(150, activation="relu")(x)
    return k.Model(inp, L.Dense(10, activation="softmax")(x))


def _frozen_dense(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((100,)), L.Dense(10, trainable=False)])


def _dense_bn(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((100,)), L.Dense(10), L.BatchNormalization()])


def _gan_nested(k: Any) -> Any:
    L = k.layers
    m1 = k.Sequential([k.Input((1,)), L.Dense(1, use_bias=False), L.BatchNormalization()])
    m2 = k.Sequential([k.Input((1,)), L.Dense(1, use_bias=False)])
    m2.trainable = False
    return k.Model(m1.inputs, m2(m1(m1.inputs)))


def _shared_nested_cnn(k: Any) -> Any:
    L = k.layers
    cnn = k.Sequential(
        [k.Input((64, 64, 3)), L.Conv2D(16, 3, activation="relu"), L.MaxPooling2D(), L.Conv2D(32, 3), L.GlobalAveragePooling2D()],
        name="backbone",
    )
    ins = [k.Input((64, 64, 3), name=n) for n in ("image", "audio", "flow")]
    feats = [cnn(i) for i in ins]
    x = L.Concatenate()(feats)
    return k.Model(ins, L.Dense(10, activation="softmax")(x))


def _gru_bidirectional_td(k: Any) -> Any:
    L = k.layers
    m = k.Sequential()
    m.add(L.Bidirectional(L.GRU(16, return_sequences=True), input_shape=(64, 15)))
    m.add(L.TimeDistributed(L.Dense(8)))
    m.add(L.Activation("softmax"))
    return m


def _embedding_bilstm(k: Any) -> Any:
    L = k.layers
    m = k.Sequential()
    m.add(L.Embedding(17666, 100, input_length=409))
    m.add(L.Bidirectional(L.LSTM(10, return_sequences=True)))
    m.add(L.Dropout(0.2))
    m.add(L.Bidirectional(L.LSTM(10)))
    m.add(L.Dense(3, activation="softmax"))
    return m


def _dense_64_1(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((9,)), L.Dense(64, activation="relu"), L.Dense(1)])


def _channels_first_bn(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((3, 64, 64)),
            L.Conv2D(32, (3, 3), padding="same", data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.Activation("relu"),
            L.Conv2D(64, (3, 3), data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.Activation("relu"),
            L.MaxPooling2D(data_format="channels_first"),
            L.Flatten(),
            L.Dense(10, activation="softmax"),
        ]
    )


def _inception_factorized(k: Any) -> Any:
    L = k.layers
    inp = k.Input((17, 17, 128))
    a = L.Conv2D(64, (1, 1), padding="same")(inp)
    b = L.Conv2D(64, (1, 1), padding="same")(inp)
    b = L.Conv2D(64, (1, 7), padding="same")(b)
    b = L.Conv2D(96, (7, 1), padding="same")(b)
    c = L.AveragePooling2D(3, strides=1, padding="same")(inp)
    c = L.Conv2D(32, (1, 1), padding="same")(c)
    x = L.Concatenate()([a, b, c])
    return k.Model(inp, x, name="inception_c")


def _chess(k: Any) -> Any:
    L = k.layers
    inp = k.Input((8, 8, 18))
    x = L.Conv2D(64, 9, padding="same", use_bias=False)(inp)  # 9×9 over an 8×8 board
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    x = L.Conv2D(64, 3, padding="same", use_bias=False)(x)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    x = L.Flatten()(x)
    return k.Model(inp, L.Dense(1, activation="tanh")(x))


def _mha_512(k: Any) -> Any:
    L = k.layers
    q = k.Input((50, 512))
    y = L.MultiHeadAttention(num_heads=8, key_dim=64)(q, q)
    y = L.LayerNormalization()(L.Add()([q, y]))
    return k.Model(q, y)


def _convlstm_cut(k: Any) -> Any:
    L = k.layers
    inp = k.Input((8, 240, 24, 1))
    a = L.ConvLSTM2D(16, 3, padding="same", return_sequences=True)(inp)
    b = L.ConvLSTM2D(16, 3, padding="same", return_sequences=True)(inp)
    x = L.Concatenate()([a, b])
    x = L.TimeDistributed(L.GlobalAveragePooling2D())(x)
    x = L.LSTM(32)(x)
    return k.Model(inp, L.Dense(4)(x))


def _encoder_states(k: Any) -> Any:
    L = k.layers
    enc_in = k.Input((None, 2))
    _, h, c = L.LSTM(2, return_state=True)(enc_in)
    dec_in = k.Input((None, 3))
    dec = L.LSTM(2, return_sequences=True)(dec_in, initial_state=[h, c])
    return k.Model([enc_in, dec_in], L.Dense(3, activation="softmax")(dec))


def _densenet_4d(k: Any) -> Any:
    L = k.layers
    inp = k.Input((28, 28, 3))
    x = L.Conv2D(64, 3, padding="same")(inp)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    x = L.MaxPooling2D(4)(x)
    x = L.Conv2D(1024, 1)(x)
    x = L.BatchNormalization(name="final_bn")(x)
    x = L.Activation("relu")(x)
    return k.Model(inp, L.Dense(2)(x))


def _lipnet(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((75, 46, 140, 1)),
            L.Conv3D(32, 3, padding="same", activation="relu"),
            L.MaxPooling3D((1, 2, 2)),
            L.Conv3D(64, 3, padding="same", activation="relu"),
            L.MaxPooling3D((1, 2, 2)),
            L.Conv3D(75, 3, padding="same", activation="relu"),
            L.MaxPooling3D((1, 2, 2)),
            L.TimeDistributed(L.Flatten()),
            L.Bidirectional(L.LSTM(128, return_sequences=True)),
            L.Dropout(0.5),
            L.Dense(41, activation="softmax"),
        ]
    )


def _lstm_td_har(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((20, 9)),
            L.LSTM(64, return_sequences=True),
            L.Dropout(0.2),
            L.BatchNormalization(),
            L.LSTM(64, return_sequences=True),
            L.Dropout(0.2),
            L.BatchNormalization(),
            L.TimeDistributed(L.Dense(6, activation="softmax")),
        ]
    )


def _stateful(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            L.InputLayer(batch_input_shape=(1, 184, 3)),
            L.LSTM(50, return_sequences=True, stateful=True),
            L.Dropout(0.2),
            L.LSTM(50, return_sequences=True, stateful=True),
            L.Dropout(0.2),
            L.TimeDistributed(L.Dense(1)),
        ]
    )


def _keras1_mlp(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [k.Input((784,)), L.Dense(512), L.Activation("relu"), L.Dropout(0.2), L.Dense(10), L.Activation("softmax")]
    )


def _keras1_514(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((514,)), L.Dense(514), L.Dense(257), L.Dense(1)])


def _bigdl_text(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((100,)),
            L.Embedding(20000, 128),
            L.Dropout(0.25),
            L.Conv1D(64, 5, activation="relu"),
            L.MaxPooling1D(4),
            L.LSTM(70),
            L.Dense(1, trainable=False),
            L.Activation("sigmoid"),
        ]
    )


def _nested_expand(k: Any) -> Any:
    L = k.layers
    feat = k.Sequential([k.Input((32,)), L.Dense(16, activation="relu"), L.Dense(8)], name="features")
    inp = k.Input((32,))
    return k.Model(inp, L.Dense(1)(feat(inp)), name="outer")


def _ensemble_average(k: Any) -> Any:
    L = k.layers
    inp = k.Input((20,))
    heads = [L.Dense(3, activation="softmax")(L.Dense(16, activation="relu")(inp)) for _ in range(3)]
    return k.Model(inp, L.Average(name="ensemble_average_output")(heads))


def _autoencoder_conv(k: Any) -> Any:
    L = k.layers
    inp = k.Input((28, 28, 1))
    x = L.Conv2D(16, 3, activation="relu", padding="same")(inp)
    x = L.MaxPooling2D(2, padding="same")(x)
    x = L.Conv2D(8, 3, activation="relu", padding="same")(x)
    x = L.UpSampling2D(2)(x)
    x = L.Conv2DTranspose(16, 3, padding="same", activation="relu")(x)
    return k.Model(inp, L.Conv2D(1, 3, activation="sigmoid", padding="same")(x))


def _depthwise_mobile(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((96, 96, 3)),
            L.Conv2D(16, 3, strides=2, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.ReLU(6.0),
            L.DepthwiseConv2D(3, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.ReLU(6.0),
            L.Conv2D(24, 1, use_bias=False),
            L.BatchNormalization(),
            L.SeparableConv2D(32, 3, padding="same"),
            L.GlobalAveragePooling2D(),
            L.Dense(2),
        ]
    )


def _conv1d_timeseries(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((128, 6)),
            L.Conv1D(64, 7, activation="relu"),
            L.Conv1D(64, 7, activation="relu"),
            L.MaxPooling1D(2),
            L.Conv1D(128, 3, activation="relu", padding="same"),
            L.GlobalAveragePooling1D(),
            L.Dense(6, activation="softmax"),
        ]
    )


def _gru_stack(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((60, 1)), L.GRU(50, return_sequences=True), L.GRU(50), L.Dense(1)])


def _simple_rnn(k: Any) -> Any:
    L = k.layers
    return k.Sequential([k.Input((200,)), L.Embedding(12679, 32), L.SimpleRNN(1), L.Dense(2, activation="softmax")])


def _gru_td_old(k: Any) -> Any:
    L = k.layers
    m = k.Sequential()
    m.add(L.GRU(16, return_sequences=True, reset_after=False, input_shape=(64, 15)))
    m.add(L.TimeDistributed(L.Dense(8)))
    m.add(L.Activation("softmax"))
    return m


def _two_models(k: Any) -> Any:
    L = k.layers
    m1 = _gru_td_old(k)
    m2 = k.Sequential()
    m2.add(L.Bidirectional(L.GRU(16, return_sequences=True, reset_after=False), input_shape=(64, 15)))
    m2.add(L.TimeDistributed(L.Dense(8)))
    m2.add(L.Activation("softmax"))
    return (m1, m2)


def _custom_attention(k: Any) -> Any:
    L = k.layers

    class Attention(L.Layer):  # type: ignore[misc, name-defined]
        """The custom attention layer of many Keras 2 Q&A answers: a score vector and a bias per step."""

        def build(self, input_shape: Any) -> None:
            self.W = self.add_weight(name="att_weight", shape=(input_shape[-1], 1), initializer="normal")
            self.b = self.add_weight(name="att_bias", shape=(input_shape[1], 1), initializer="zeros")
            super().build(input_shape)

        def call(self, x: Any) -> Any:
            import tensorflow as tf  # type: ignore[import-untyped]

            e = tf.tanh(tf.matmul(x, self.W) + self.b)
            a = tf.nn.softmax(e, axis=1)
            return tf.reduce_sum(x * a, axis=1)

        def compute_output_shape(self, input_shape: Any) -> Any:
            return (input_shape[0], input_shape[-1])

    inp = k.Input((50,))
    x = L.Embedding(5000, 64)(inp)
    x = L.Bidirectional(L.LSTM(32, return_sequences=True))(x)
    x = Attention(name="attention")(x)
    return k.Model(inp, L.Dense(1, activation="sigmoid")(x))


def _keras1_cnn_th(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((1, 28, 28)),
            L.Conv2D(32, (3, 3), data_format="channels_first"),
            L.Activation("relu"),
            L.Conv2D(32, (3, 3), data_format="channels_first"),
            L.Activation("relu"),
            L.MaxPooling2D((2, 2), data_format="channels_first"),
            L.Dropout(0.25),
            L.Flatten(),
            L.Dense(128),
            L.Activation("relu"),
            L.Dropout(0.5),
            L.Dense(10),
            L.Activation("softmax"),
        ]
    )


def _vgg_small(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((64, 64, 3)),
            L.Conv2D(32, (3, 3), activation="relu", padding="same"),
            L.Conv2D(32, (3, 3), activation="relu"),
            L.MaxPooling2D(),
            L.Dropout(0.25),
            L.Conv2D(64, (3, 3), activation="relu", padding="same"),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D(),
            L.Dropout(0.25),
            L.Flatten(),
            L.Dense(512, activation="relu"),
            L.Dropout(0.5),
            L.Dense(2, activation="softmax"),
        ]
    )


def _nested_custom_k3(k: Any) -> Any:
    L = k.layers

    class Scale(L.Layer):  # type: ignore[misc, name-defined]
        """A one-weight-per-channel custom layer."""

        def build(self, input_shape: Any) -> None:
            self.gamma = self.add_weight(shape=(input_shape[-1],), initializer="ones", name="gamma")

        def call(self, x: Any) -> Any:
            return x * self.gamma

    block = k.Sequential([k.Input((32,)), L.Dense(64, activation="relu"), L.Dense(32)], name="block")
    return k.Sequential([k.Input((32,)), block, Scale(name="scale"), L.Dense(4)])


def _unbuilt_error(k: Any) -> str:
    """What people paste when summary() refuses an unbuilt subclassed model (TF <= 2.15)."""
    L = k.layers

    class Net(k.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__()
            self.d = L.Dense(3)

        def call(self, x: Any) -> Any:
            return self.d(x)

    try:
        Net().summary()
    except ValueError as exc:
        return (
            "---------------------------------------------------------------------------\n"
            "ValueError                                Traceback (most recent call last)\n"
            "<ipython-input-12-5f15418b3570> in <module>\n"
            "----> 1 model.summary()\n\n"
            f"ValueError: {exc}\n"
        )
    raise AssertionError("summary() of an unbuilt subclassed model did not fail")


def _two_models_second_edited(k: Any) -> Any:
    return _two_models(k)


def _efficientnet(k: Any) -> Any:
    return k.applications.EfficientNetB0(weights=None, input_shape=(224, 224, 3), classes=5)


def _inception_v3(k: Any) -> Any:
    return k.applications.InceptionV3(weights=None, include_top=False, input_shape=(299, 299, 3))


def _mobilenet_v1(k: Any) -> Any:
    return k.applications.MobileNet(weights=None, input_shape=(128, 128, 3), alpha=0.5, classes=3)


def _nested_frozen_k3(k: Any) -> Any:
    L = k.layers
    base = k.Sequential([k.Input((64, 64, 3)), L.Conv2D(8, 3), L.BatchNormalization(), L.GlobalAveragePooling2D()], name="base")
    base.trainable = False
    inp = k.Input((64, 64, 3))
    return k.Model(inp, L.Dense(2)(base(inp)), name="classifier")


def _flowers_augmented(k: Any) -> Any:
    """tensorflow.org/tutorials/images/classification: a nested augmentation Sequential (0 params)."""
    L = k.layers
    aug = k.Sequential(
        [k.Input((180, 180, 3)), L.RandomFlip("horizontal"), L.RandomRotation(0.1), L.RandomZoom(0.1)], name="sequential"
    )
    return k.Sequential(
        [
            k.Input((180, 180, 3)),
            aug,
            L.Rescaling(1.0 / 255),
            L.Conv2D(16, 3, padding="same", activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(32, 3, padding="same", activation="relu"),
            L.MaxPooling2D(),
            L.Conv2D(64, 3, padding="same", activation="relu"),
            L.MaxPooling2D(),
            L.Dropout(0.2),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dense(5, name="outputs"),
        ],
        name="sequential_1",
    )


def _auto_mpg(k: Any) -> Any:
    """tensorflow.org/tutorials/keras/regression: an adapted Normalization (2 x 9 + 1 = 19 params)."""
    import numpy as np

    L = k.layers
    norm = L.Normalization(axis=-1)
    norm.adapt(np.arange(90, dtype="float32").reshape(10, 9))
    return k.Sequential([k.Input((9,)), norm, L.Dense(64, activation="relu"), L.Dense(64, activation="relu"), L.Dense(1)])


def _structured_lookup(k: Any) -> Any:
    """keras.io structured_data_classification_from_scratch: lookups and one-hot encodings (0 params)."""
    L = k.layers
    sex = k.Input((1,), name="sex", dtype="int64")
    thal = k.Input((1,), name="thal", dtype="string")
    age = k.Input((1,), name="age")
    sex_enc = L.IntegerLookup(vocabulary=[0, 1], output_mode="one_hot")(sex)
    thal_enc = L.StringLookup(vocabulary=["fixed", "normal", "reversible"], output_mode="one_hot")(thal)
    age_norm = L.Normalization(mean=54.0, variance=81.0)(age)
    x = L.concatenate([sex_enc, thal_enc, age_norm])
    x = L.Dense(32, activation="relu")(x)
    x = L.Dropout(0.5)(x)
    return k.Model([sex, thal, age], L.Dense(1, activation="sigmoid")(x))


def _hub_like(k: Any) -> Any:
    """tensorflow.org/tutorials/keras/text_classification_with_hub: one KerasLayer row holding a
    pretrained embedding (a custom class to the summary), then Dense 16 and Dense 1."""
    L = k.layers

    class KerasLayer(L.Layer):  # type: ignore[misc, name-defined]
        def build(self, input_shape: Any) -> None:
            self.table = self.add_weight(shape=(20000, 50), initializer="zeros", name="embeddings")

        def call(self, x: Any) -> Any:
            import tensorflow as tf

            return tf.reduce_mean(tf.gather(self.table, tf.cast(x, "int32")), axis=1)

        def compute_output_shape(self, input_shape: Any) -> Any:
            return (input_shape[0], 50)

    inp = k.Input((20,), dtype="int32")
    x = KerasLayer(name="keras_layer")(inp)
    x = L.Dense(16, activation="relu")(x)
    return k.Model(inp, L.Dense(1)(x))


def _conv_lstm_frames(k: Any) -> Any:
    """keras.io examples/vision/conv_lstm: ConvLSTM2D, BatchNormalization, Conv3D next-frame model."""
    L = k.layers
    inp = k.Input((None, 64, 64, 1))
    x = L.ConvLSTM2D(64, (5, 5), padding="same", return_sequences=True, activation="relu")(inp)
    x = L.BatchNormalization()(x)
    x = L.ConvLSTM2D(64, (3, 3), padding="same", return_sequences=True, activation="relu")(x)
    x = L.BatchNormalization()(x)
    x = L.ConvLSTM2D(64, (1, 1), padding="same", return_sequences=True, activation="relu")(x)
    return k.Model(inp, L.Conv3D(1, (3, 3, 3), activation="sigmoid", padding="same")(x))


def _quora_siamese(k: Any) -> Any:
    """Quora question pairs: one Embedding and one LSTM shared by two questions."""
    L = k.layers
    q1 = k.Input((30,))
    q2 = k.Input((30,))
    emb = L.Embedding(20000, 100)
    lstm = L.LSTM(64)
    a = lstm(emb(q1))
    b = lstm(emb(q2))
    x = L.concatenate([a, b])
    x = L.BatchNormalization()(x)
    x = L.Dense(64, activation="relu")(x)
    return k.Model([q1, q2], L.Dense(1, activation="sigmoid")(x))


def _vae(k: Any) -> Any:
    """keras.io examples/generative/vae: encoder and decoder as nested Functional rows."""
    L = k.layers
    enc_in = k.Input((28, 28, 1))
    x = L.Conv2D(32, 3, strides=2, padding="same", activation="relu")(enc_in)
    x = L.Conv2D(64, 3, strides=2, padding="same", activation="relu")(x)
    x = L.Flatten()(x)
    x = L.Dense(16, activation="relu")(x)
    z = L.Dense(2, name="z_mean")(x)
    encoder = k.Model(enc_in, z, name="encoder")
    dec_in = k.Input((2,))
    y = L.Dense(7 * 7 * 64, activation="relu")(dec_in)
    y = L.Reshape((7, 7, 64))(y)
    y = L.Conv2DTranspose(64, 3, strides=2, padding="same", activation="relu")(y)
    y = L.Conv2DTranspose(32, 3, strides=2, padding="same", activation="relu")(y)
    decoder = k.Model(dec_in, L.Conv2DTranspose(1, 3, padding="same", activation="sigmoid")(y), name="decoder")
    inp = k.Input((28, 28, 1))
    return k.Model(inp, decoder(encoder(inp)), name="vae")


def _dcgan_generator(k: Any) -> Any:
    """tensorflow.org/tutorials/generative/dcgan: the generator (no biases, BN, LeakyReLU, 5x5 transposed convs)."""
    L = k.layers
    return k.Sequential(
        [
            k.Input((100,)),
            L.Dense(7 * 7 * 256, use_bias=False),
            L.BatchNormalization(),
            L.LeakyReLU(),
            L.Reshape((7, 7, 256)),
            L.Conv2DTranspose(128, (5, 5), strides=(1, 1), padding="same", use_bias=False),
            L.BatchNormalization(),
            L.LeakyReLU(),
            L.Conv2DTranspose(64, (5, 5), strides=(2, 2), padding="same", use_bias=False),
            L.BatchNormalization(),
            L.LeakyReLU(),
            L.Conv2DTranspose(1, (5, 5), strides=(2, 2), padding="same", use_bias=False, activation="tanh"),
        ]
    )


def _tf_op_layers(k: Any) -> Any:
    """TF 2.4+ Functional models calling tf ops directly: TFOpLambda rows ('tf.math.multiply')."""
    import tensorflow as tf

    L = k.layers
    inp = k.Input((32, 32, 3))
    x = tf.math.multiply(inp, 1.0 / 255)
    x = L.Conv2D(16, 3, activation="relu")(x)
    y = L.Conv2D(16, 3, padding="same")(x)
    x = tf.nn.relu(x + y)
    x = tf.reduce_mean(x, axis=[1, 2])
    return k.Model(inp, L.Dense(10)(x))


def _subclassed_build_k3(k: Any) -> Any:
    """keras-team/keras#19535: under Keras 3 ``build(input_shape)`` on a subclassed model leaves its
    layers unbuilt, and the summary says so."""
    L = k.layers

    class MyModel(k.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(name="my_model")
            self.dense = L.Dense(32, activation="relu")
            self.dense_1 = L.Dense(5, activation="softmax")

        def call(self, x: Any) -> Any:
            return self.dense_1(self.dense(x))

    m = MyModel()
    m.build((None, 10))
    return m


def _efficientnet_k2(k: Any) -> Any:
    return k.applications.EfficientNetB0(weights=None, input_shape=(224, 224, 3), classes=4)


def crlf(text: str, _: Info) -> str:
    """Saved on Windows: CRLF line ends."""
    return text.replace("\n", "\r\n")


def notebook_one_string(code: str) -> Mangle:
    """A notebook whose stream output is one JSON string, not a list of lines (nbformat allows both)."""

    def f(text: str, _: Info) -> str:
        return _notebook(code, [{"name": "stdout", "output_type": "stream", "text": text}])

    return f


def _dcgan_discriminator(k: Any) -> Any:
    """tensorflow.org/tutorials/generative/pix2pix and DCGAN discriminators: 4x4 kernels, stride 2
    (a 1,568-param first conv: 4 x 4 x 3 x 32 + 32)."""
    L = k.layers
    return k.Sequential(
        [
            k.Input((64, 64, 3)),
            L.Conv2D(32, 4, strides=2, padding="same"),
            L.LeakyReLU(0.2),
            L.Conv2D(64, 4, strides=2, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.LeakyReLU(0.2),
            L.Conv2D(128, 4, strides=2, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.LeakyReLU(0.2),
            L.Flatten(),
            L.Dense(1),
        ]
    )


def _keras1_long_names(k: Any) -> Any:
    """A Keras 1 text model with long custom layer names: the type column is cut off."""
    L = k.layers
    return k.Sequential(
        [
            k.Input((100,)),
            L.Embedding(2580, 128, name="word_embedding_lookup_table"),
            L.Dropout(0.3, name="embedding_dropout_regularizer"),
            L.LSTM(64, return_sequences=True, name="sentence_encoder_recurrent_1"),
            L.LSTM(32, name="sentence_encoder_recurrent_2_final"),
            L.Dense(5, name="output_class_probabilities_dense"),
        ]
    )


def _subclassed_cnn_k2(k: Any) -> Any:
    """A subclassed Keras 2 CNN: every row's output shape is 'multiple'."""
    import numpy as np

    L = k.layers

    class Net(k.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(name="net")
            self.conv1 = L.Conv2D(32, 3, activation="relu")
            self.conv2 = L.Conv2D(64, 3, activation="relu")
            self.bn = L.BatchNormalization()
            self.pool = L.GlobalAveragePooling2D()
            self.fc = L.Dense(10)

        def call(self, x: Any) -> Any:
            return self.fc(self.pool(self.bn(self.conv2(self.conv1(x)))))

    m = Net()
    m(np.zeros((1, 28, 28, 1), dtype="float32"))
    return m


def _residual_functional(k: Any) -> Any:
    """A residual block with a three-input Add: long Connected to lists that rich wraps."""
    L = k.layers
    inp = k.Input((32, 32, 16), name="features_in")
    a = L.Conv2D(16, 3, padding="same", name="branch_a_conv")(inp)
    b = L.Conv2D(16, 1, padding="same", name="branch_b_conv")(inp)
    c = L.Conv2D(16, 5, padding="same", name="branch_c_conv")(inp)
    x = L.Add(name="merge_three_branches")([a, b, c])
    x = L.GlobalAveragePooling2D()(x)
    return k.Model(inp, L.Dense(10, name="logits")(x), name="residual_block")


def _bigru_sum_k3(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((None,), dtype="int32"),
            L.Embedding(8000, 64, mask_zero=True),
            L.SpatialDropout1D(0.2),
            L.Bidirectional(L.GRU(48, return_sequences=True), merge_mode="sum"),
            L.Bidirectional(L.GRU(32)),
            L.Dense(3, activation="softmax"),
        ]
    )


def _grouped_separable_1d_k3(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((32, 32, 64)),
            L.Conv2D(128, 3, groups=8, padding="same"),
            L.GroupNormalization(groups=16),
            L.Conv2D(64, 1),
            L.LayerNormalization(),
            L.Reshape((32 * 32, 64)),
            L.SeparableConv1D(48, 5, depth_multiplier=2),
            L.DepthwiseConv1D(3),
            L.GlobalMaxPooling1D(),
            L.Dense(10),
        ]
    )


def _prelu_conv(k: Any) -> Any:
    """The 'why does PReLU have so many parameters?' question: one alpha per element of the map."""
    L = k.layers
    return k.Sequential(
        [
            k.Input((28, 28, 1)),
            L.Conv2D(32, 3),
            L.PReLU(),
            L.Conv2D(32, 3),
            L.PReLU(shared_axes=[1, 2]),
            L.Flatten(),
            L.Dense(10),
        ]
    )


def _attention_builtin(k: Any) -> Any:
    """Built-in Attention (no weights) and AdditiveAttention (a scale per feature), with Masking and
    GaussianNoise rows."""
    L = k.layers
    q_in = k.Input((20, 8))
    v_in = k.Input((30, 8))
    q = L.Masking()(q_in)
    v = L.GaussianNoise(0.1)(v_in)
    q = L.Dense(32)(q)
    v = L.Dense(32)(v)
    a = L.Attention()([q, v])
    b = L.AdditiveAttention()([q, v])
    x = L.Concatenate()([L.GlobalAveragePooling1D()(a), L.GlobalAveragePooling1D()(b)])
    return k.Model([q_in, v_in], L.Dense(1)(x))


def _hf_like(k: Any) -> Any:
    """Hugging Face TF models (TFBertForSequenceClassification): a subclassed model whose main
    layer is one custom row, every shape 'multiple' (here a small stand-in main layer)."""
    import numpy as np

    L = k.layers

    class TFBertMainLayer(L.Layer):  # type: ignore[misc, name-defined]
        def build(self, input_shape: Any) -> None:
            self.word_embeddings = self.add_weight(shape=(3000, 128), name="word_embeddings")
            self.pooler = self.add_weight(shape=(128, 128), name="pooler_kernel")
            self.pooler_bias = self.add_weight(shape=(128,), name="pooler_bias")

        def call(self, ids: Any) -> Any:
            import tensorflow as tf

            x = tf.reduce_mean(tf.gather(self.word_embeddings, tf.cast(ids, "int32")), axis=1)
            return tf.tanh(tf.matmul(x, self.pooler) + self.pooler_bias)

    class TFBertForSequenceClassification(k.Model):  # type: ignore[misc]
        def __init__(self) -> None:
            super().__init__(name="tf_bert_for_sequence_classification")
            self.bert = TFBertMainLayer(name="bert")
            self.dropout = L.Dropout(0.1, name="dropout_37")
            self.classifier = L.Dense(2, name="classifier")

        def call(self, ids: Any) -> Any:
            return self.classifier(self.dropout(self.bert(ids)))

    m = TFBertForSequenceClassification()
    m(np.zeros((1, 16), dtype="int32"))
    return m


def _keras1_cnn_bn_th(k: Any) -> Any:
    """A Keras 1 channels-first CNN with BatchNormalization(axis=1) (Theano ordering)."""
    L = k.layers
    return k.Sequential(
        [
            k.Input((3, 32, 32)),
            L.Conv2D(32, (3, 3), padding="same", data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.Activation("relu"),
            L.MaxPooling2D((2, 2), data_format="channels_first"),
            L.Conv2D(64, (3, 3), data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.Activation("relu"),
            L.Flatten(),
            L.Dense(10),
            L.Activation("softmax"),
        ]
    )


def _fcn_unknown_size(k: Any) -> Any:
    """A fully convolutional net on (None, None, 3) images: spatial sizes unknown in every row."""
    L = k.layers
    inp = k.Input((None, None, 3))
    x = L.Conv2D(32, 3, padding="same", activation="relu")(inp)
    x = L.MaxPooling2D()(x)
    x = L.Conv2D(64, 3, padding="same", activation="relu")(x)
    x = L.UpSampling2D()(x)
    return k.Model(inp, L.Conv2D(2, 1, activation="softmax")(x), name="fcn")


def _two_output_nested_k3(k: Any) -> Any:
    """A nested model with two outputs inside an outer Functional model."""
    L = k.layers
    i = k.Input((16,))
    h = L.Dense(32, activation="relu")(i)
    heads = k.Model(i, [L.Dense(10, name="cls")(h), L.Dense(1, name="reg")(h)], name="heads")
    inp = k.Input((16,))
    a, b = heads(inp)
    return k.Model(inp, L.Concatenate()([a, b]), name="outer")


def _glove_frozen(k: Any) -> Any:
    """A GloVe-style frozen Embedding (weights given, trainable=False) then Conv1D and Dense."""
    import numpy as np

    L = k.layers
    matrix = np.zeros((10000, 100), dtype="float32")
    return k.Sequential(
        [
            k.Input((200,)),
            L.Embedding(10000, 100, weights=[matrix], trainable=False),
            L.Conv1D(128, 5, activation="relu"),
            L.GlobalMaxPooling1D(),
            L.Dense(64, activation="relu"),
            L.Dense(1, activation="sigmoid"),
        ]
    )


def _channels_first_k3(k: Any) -> Any:
    L = k.layers
    return k.Sequential(
        [
            k.Input((1, 40, 101)),
            L.Conv2D(16, (5, 5), padding="same", data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.ReLU(),
            L.MaxPooling2D((2, 2), data_format="channels_first"),
            L.Conv2D(32, (3, 3), data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.GlobalAveragePooling2D(data_format="channels_first"),
            L.Dense(12),
        ]
    )


def _keras_io_transformer(k: Any) -> Any:
    """keras.io text_classification_with_transformer as written there: custom
    TokenAndPositionEmbedding and TransformerBlock layers, each one row."""
    L = k.layers

    class TransformerBlock(L.Layer):  # type: ignore[misc, name-defined]
        def __init__(self, embed_dim: int, num_heads: int, ff_dim: int, **kw: Any) -> None:
            super().__init__(**kw)
            self.att = L.MultiHeadAttention(num_heads=num_heads, key_dim=embed_dim)
            self.ffn = k.Sequential([L.Dense(ff_dim, activation="relu"), L.Dense(embed_dim)])
            self.layernorm1 = L.LayerNormalization(epsilon=1e-6)
            self.layernorm2 = L.LayerNormalization(epsilon=1e-6)

        def call(self, inputs: Any) -> Any:
            out1 = self.layernorm1(inputs + self.att(inputs, inputs))
            return self.layernorm2(out1 + self.ffn(out1))

    class TokenAndPositionEmbedding(L.Layer):  # type: ignore[misc, name-defined]
        def __init__(self, maxlen: int, vocab_size: int, embed_dim: int, **kw: Any) -> None:
            super().__init__(**kw)
            self.token_emb = L.Embedding(input_dim=vocab_size, output_dim=embed_dim)
            self.pos_emb = L.Embedding(input_dim=maxlen, output_dim=embed_dim)

        def call(self, x: Any) -> Any:
            positions = k.ops.arange(0, k.ops.shape(x)[-1], 1)
            return self.token_emb(x) + self.pos_emb(positions)

    inputs = k.Input((200,))
    x = TokenAndPositionEmbedding(200, 20000, 32)(inputs)
    x = TransformerBlock(32, 2, 32)(x)
    x = L.GlobalAveragePooling1D()(x)
    x = L.Dropout(0.1)(x)
    x = L.Dense(20, activation="relu")(x)
    x = L.Dropout(0.1)(x)
    return k.Model(inputs, L.Dense(2, activation="softmax")(x))


# --- the cases ------------------------------------------------------------------------------------

SO = "https://stackoverflow.com/questions"
# fmt: off
CASES: list[Case] = [
    # ---------------- Keras 3 ----------------
    Case(
        "k3_md_codespans_mlp", "k3", _mlp_mnist,
        "https://deeplizard.com/learn/video/crAB6xo6t9g : a course page whose summary became a markdown table with `code` cells and the totals in a code block",
        ["markdown", "keras3"], mangle=rows_to_markdown(code_spans=True, before="model.summary()\n\n"),
    ),
    Case(
        "k3_readme_box_fence", "k3", _object_classification,
        "https://github.com/talaat259/object-classification-project/blob/HEAD/README.md : a README with a Keras 3 box table of a 1-channel conv stack (3x3 and 1x1 convs, Dense 256 heads) in a code fence",
        ["code-fence", "keras3", "readme"], mangle=fence("", before="## Model architecture\n\n", after="\nTrained for 30 epochs.\n"),
    ),
    Case(
        "k3_md_dollar_street", "k3", _dollar_street,
        "https://github.com/carpentries-lab/deep-learning-intro/issues/577 : the asker pasted a Keras 3 summary (conv 1,400 then 22,550) and asked why the second Conv2D has more parameters; here as a pipe table",
        ["markdown", "keras3", "question"], mangle=box_to_markdown(),
    ),
    Case(
        "k3_unbuilt_docstring", "k3", _unbuilt_sentiment,
        "code search id 23736992528 (a public sentiment-analysis script): a Keras 3 summary with every row '0 (unbuilt)' and '?' shapes, kept in an indented docstring",
        ["unbuilt", "keras3", "indented"], verdict="unbuilt", mangle=indent(4, head='    """\n', tail='    """\n'),
    ),
    Case(
        "k3_unbuilt_plain", "k3", _unbuilt_dense,
        "https://openillumi.com/keras-model-summary-unbuilt-fix : a Sequential without an input shape (TF 2.16) whose summary shows 0 (unbuilt) params",
        ["unbuilt", "keras3"], verdict="unbuilt",
    ),
    Case(
        "k3_lstm_timedistributed", "k3", _lstm_timedistributed,
        "code search id 20252798963 (a public notebook/README): a Keras 3 box table ending in lstm_3 24,832 then time_distributed (TimeDistributed) 390",
        ["timedistributed", "keras3"],
    ),
    Case(
        "k3_td_conv_commented", "k3", _td_conv_video,
        "code search id 3496441708 (a script with the Keras 3 box table of a TimeDistributed CNN video model pasted as text) and https://github.com/keras-team/keras/issues/4172 (TimeDistributed conv then LSTM); here every line commented with '# '",
        ["timedistributed", "comment-prefix", "keras3"], mangle=prefix("# "),
    ),
    Case(
        "k3_transformer_text", "k3", _transformer_text,
        "https://keras.io/examples/nlp/text_classification_with_transformer/ : a Functional transformer classifier (Embedding, MultiHeadAttention 2 heads, LayerNormalization, Add) with a Connected to column",
        ["mha", "keras3", "functional"],
    ),
    Case(
        "k3_vit_md_connected", "k3", _vit_block,
        "https://github.com/keras-team/keras-io/issues/1184 (ViT example: key_dim=projection_dim with 4 heads) and code search id 36398852465 (a markdown pipe table with a Connected to column listing MultiHeadAttention)",
        ["mha", "markdown", "keras3", "functional"], mangle=box_to_markdown(),
    ),
    Case(
        "k3_textvectorization", "k3", _text_vectorization,
        "https://www.tensorflow.org/text/guide/word_embeddings (asked about at https://www.boohere.com/es/detail/10555587.html): TextVectorization, Embedding, GlobalAveragePooling1D, Dense 16, Dense 1",
        ["textvectorization", "keras3"],
    ),
    Case(
        "k3_textvectorization_md_center", "k3", _text_vectorization_bn,
        "code search id 26185409322 (a README): a pipe table with ':---:' centred columns, text_vectorization 0, embedding 8,960 (35 tokens x 256), batch_normalization ...",
        ["textvectorization", "markdown", "keras3"], mangle=box_to_markdown(align=":------------:", before="# Model\n\n"),
    ),
    Case(
        "k3_narrow_console", "k3", _cnn_bn,
        "https://github.com/keras-team/keras/issues/21107 : a Keras 3 summary printed on a narrow console, rich wraps names and cuts types and counts with '…'",
        ["cut-columns", "keras3"], columns=60,
    ),
    Case(
        "k3_frozen_mobilenet", "k3", _frozen_mobilenet,
        "https://www.tensorflow.org/tutorials/images/transfer_learning : a frozen MobileNetV2 base as one Functional row, Rescaling, GlobalAveragePooling2D, Dropout, Dense(1); non-trainable params from the base",
        ["nested", "frozen", "keras3"],
    ),
    Case(
        "k3_notebook_display", "k3", _mnist_cnn,
        "https://github.com/https-deeplearning-ai/tensorflow-1-public (course notebooks, discussed at https://community.deeplearning.ai/t/explain-the-math-behind-the-parameters-shown-by-model-summary/87136): the summary as a notebook's display_data text/plain lines",
        ["notebook", "keras3"], ext="ipynb", mangle=notebook_display(LOAD + "model.summary()"),
    ),
    Case(
        "k3_edited_dense_row", "k3", _mlp_mnist,
        "https://community.deeplearning.ai/t/explain-the-math-behind-the-parameters-shown-by-model-summary/87136 : a learner's question with a Dense count retyped by hand (100,480 → 100,490)",
        ["edited", "keras3"], verdict="inconsistent", flagged=["dense"], mangle=edit_row("dense", digit(1, 9)),
    ),
    Case(
        "k3_edited_total", "k3", _mnist_cnn,
        "https://www.sh-tongbei.com/post/5583.html : a tutorial's MNIST CNN summary; here the Total params line retyped with one digit wrong",
        ["edited", "keras3"], verdict="inconsistent", flagged=["Total params"], mangle=edit_total("Total params", "total", digit(1, 3)),
    ),
    Case(
        "k3_rect_kernels", "k3", _rect_kernels,
        "https://github.com/keras-team/keras/issues/15273 style question models with rectangular kernels: a 6x8 kernel over a 40x40 RGB input, then factorised 1x7 and 7x1 convolutions",
        ["rect-kernel", "keras3"],
    ),
    Case(
        "k3_big_kernel_same", "k3", _big_kernel_same,
        "https://github.com/Zeta36/chess-alpha-zero/pull/90 (board-game nets on tiny maps): a 5x5 kernel with padding='same' over a 2x2 feature map",
        ["big-kernel-same", "keras3"],
    ),
    Case(
        "k3_siamese_shared", "k3", _siamese,
        "https://github.com/keras-team/keras/pull/2421 (a layer called on two inputs): a siamese Functional model with one shared Dense row and Subtract",
        ["shared", "keras3", "functional"],
    ),
    Case(
        "k3_subclassed_built", "k3", _subclassed,
        "https://github.com/keras-team/keras/issues/19535 : a subclassed keras.Model (Dense 32, Dense 5 on 10 features) called on data, then summarised by Keras 3",
        ["subclassed", "keras3"],
    ),
    Case(
        "k3_resnet50_elided", "k3", _resnet50,
        "https://github.com/keras-team/keras-contrib/issues/229 (a long application summary shortened with '.....'): ResNet50 with its middle rows elided",
        ["elided", "keras3", "application"], mangle=elide(6, 4, marker="....."),
    ),
    Case(
        "k3_show_trainable", "k3", _show_trainable,
        "https://mcmap.net/q/369970/-what-is-the-definition-of-a-non-trainable-parameter : a frozen Dense(10) and a BatchNormalization, printed with show_trainable=True (a Trainable column)",
        ["frozen", "keras3", "show-trainable"], summary={"show_trainable": True},
    ),
    Case(
        "k3_depthwise_md_fence", "k3", _depthwise_mobile,
        "https://github.com/keras-team/keras-io/blob/master/examples/vision/md/deeplabv3_plus.md style: a keras-io markdown page with a Keras 3 summary in a fence (MobileNet-like depthwise block)",
        ["code-fence", "keras3"], mangle=fence("", before="```python\nmodel.summary()\n```\n\n<div class=\"k-default-codeblock\">\n", after="</div>\n"),
    ),
    Case(
        "k3_conv1d_tabs", "k3", _conv1d_timeseries,
        "https://github.com/Babak-H/deep_learning_scripts (a notebook converted to text, columns separated by tabs): a Conv1D time-series classifier",
        ["tabs", "keras3"], mangle=tabs,
    ),
    Case(
        "k3_autoencoder_fence_md", "k3", _autoencoder_conv,
        "https://github.com/raghavchalapathy/oc-nn_old/issues/5 (a convolutional autoencoder summary pasted in an issue): Conv2D, MaxPooling2D, UpSampling2D, Conv2DTranspose",
        ["code-fence", "keras3", "issue"], mangle=fence("", before="Here is the summary:\n\n"),
    ),
    Case(
        "k3_edited_conv_transpose_digits", "k3", _mnist_cnn,
        "https://github.com/carpentries-lab/deep-learning-intro/issues/577 : the learner's confusion about the second Conv2D; here a row retyped with two digits swapped (18,496 → 18,469)",
        ["edited", "keras3", "question"], verdict="inconsistent", flagged=["conv2d_1"], mangle=edit_row("conv2d_1", swap(0)),
    ),
    # ---------------- Keras 2.15 (TensorFlow 2.15) ----------------
    Case(
        "k215_oc_nn_functional", "k215", _encoder_decoder_cut,
        "https://github.com/raghavchalapathy/oc-nn_old/issues/5 : an encoder summary (input_1 InputLayer, conv2d 32 filters = 896, max_pool..., flatten, dense) pasted in an issue",
        ["keras2", "issue"],
    ),
    Case(
        "k215_gdl_functional_fence", "k215", _functional_dense,
        "https://github.com/davidADSP/GDL_code/issues/46 : a Functional MLP on 32x32x3 (Flatten, Dense 200 = 614,600, Dense 150, Dense 10) in a ``` fence",
        ["keras2", "code-fence", "issue"], mangle=fence(""),
    ),
    Case(
        "k215_nontrainable_collapsed", "k215", _frozen_dense,
        "https://mcmap.net/q/369970/-what-is-the-definition-of-a-non-trainable-parameter : Dense(10, trainable=False) on 100 inputs, 1,010 non-trainable, the page collapsed the spaces",
        ["keras2", "collapsed-spaces", "frozen"], mangle=collapse_spaces(),
    ),
    Case(
        "k215_dense_bn_collapsed", "k215", _dense_bn,
        "https://mcmap.net/q/369970/-what-is-the-definition-of-a-non-trainable-parameter : the same answer's second summary, Dense(10) then BatchNormalization (40 params, 20 non-trainable), spaces collapsed",
        ["keras2", "collapsed-spaces", "batchnorm"], mangle=collapse_spaces(),
    ),
    Case(
        "k215_gan_nested", "k215", _gan_nested,
        "https://github.com/keras-team/keras/issues/8676 : a GAN-type model of two nested Sequential rows (one frozen) with a BatchNormalization inside",
        ["keras2", "nested", "frozen", "issue"],
    ),
    Case(
        "k215_subclassed_multiple", "k215", _subclassed,
        "https://github.com/keras-team/keras/issues/19535 (the Keras 2.15 output quoted there) and https://github.com/keras-team/keras/issues/12213 : a subclassed model whose rows show 'multiple' as output shape",
        ["keras2", "multiple", "subclassed"],
    ),
    Case(
        "k215_shared_backbone_multiple", "k215", _shared_nested_cnn,
        "https://github.com/philipperemy/keract/issues/67 : one nested model applied to three inputs (image, audio, flow): its row shows 'multiple' and three Connected to entries",
        ["keras2", "multiple", "shared", "nested"],
    ),
    Case(
        "k215_bidir_td_cut65", "k215", _gru_bidirectional_td,
        "https://example-a.com/answer/51601018 : a Bidirectional GRU then TimeDistributed(Dense 8) = 264; old 65-column summaries cut the types to '(Bidirection' and '(TimeDis'",
        ["keras2", "timedistributed", "cut-columns", "question"], mangle=keras2_old(model_line=False),
    ),
    Case(
        "k215_embedding_bilstm_norules", "k215", _embedding_bilstm,
        "https://example-a.com/answer/64746017 : Embedding 1,766,600 then two Bidirectional LSTMs (8,880 and 2,480), pasted without the rule lines",
        ["keras2", "question", "no-rules"], mangle=drop_rules,
    ),
    Case(
        "k215_line_numbers", "k215", _dense_64_1,
        "https://codemia.io/knowledge-hub/path/keras_modelsummary_result_-_understanding_the_of_parameters : a page whose code block numbers its lines, the numbers glued to each line (dense 640, dense 65)",
        ["keras2", "line-numbers"], mangle=line_numbers,
    ),
    Case(
        "k215_mnist_cnn_collapsed_wrapped", "k215", _mnist_cnn,
        "https://www.sh-tongbei.com/post/5583.html : a TF 2.x MNIST CNN summary whose wrapped type names ('(MaxPooling2D' / ')') and spaces were collapsed by the page",
        ["keras2", "collapsed-spaces", "wrapped"], mangle=collapse_spaces(),
    ),
    Case(
        "k215_channels_first_bn", "k215", _channels_first_bn,
        "https://github.com/keras-team/keras/issues/1921 and https://github.com/dblN/stochastic_depth_keras/issues/1 : channels-first convolutions with BatchNormalization(axis=1)",
        ["keras2", "batchnorm-axis", "channels-first"],
    ),
    Case(
        "k215_inception_rect", "k215", _inception_factorized,
        "https://github.com/gmalivenko/pytorch2keras/issues/34 (a long functional summary with Connected to) and Inception-v3's factorised 1x7 / 7x1 convolutions",
        ["keras2", "rect-kernel", "functional"],
    ),
    Case(
        "k215_chess_big_kernel_comment", "k215", _chess,
        "https://github.com/Zeta36/chess-alpha-zero/pull/90 : a chess network on an 8x8 board (a 9x9 kernel under 'same'), summary pasted in a script as '#' comments",
        ["keras2", "big-kernel-same", "comment-prefix"], mangle=prefix("#"),
    ),
    Case(
        "k215_mha_8heads", "k215", _mha_512,
        "https://github.com/keras-team/keras/issues/18373 : 'Using layers.MultiHeadAttention increases parameters num_heads times' (TF 2.12): MultiHeadAttention(num_heads=8, key_dim=64) on 512 features",
        ["keras2", "mha", "issue"],
    ),
    Case(
        "k215_textvectorization", "k215", _text_vectorization,
        "https://github.com/mrborjabarber/2509_dsft_thebridge_valencia (word-embeddings notebook): TextVectorization, Embedding(10000, 16), GlobalAveragePooling1D, Dense, Dense",
        ["keras2", "textvectorization"],
    ),
    Case(
        "k215_convlstm_cut_shapes", "k215", _convlstm_cut,
        "https://github.com/keras-team/keras/issues/12257 : ConvLSTM2D rows whose shapes are cut by the column ('(None, 8, 16, 240, 2'), in a Functional summary",
        ["keras2", "cut-columns", "functional", "issue"], mangle=keras2_old(functional=True, model_line=False),
    ),
    Case(
        "k215_encoder_states_cut", "k215", _encoder_states,
        "https://github.com/keras-team/keras/issues/10970 (seq2seq models): an encoder LSTM with return_state=True whose multi-output shape is cut by its column ('[(None, 2), (None, 2), (N')",
        ["keras2", "cut-columns", "multi-output"], mangle=keras2_old(functional=True),
    ),
    Case(
        "k215_vgg16_frozen_elided", "k215", _vgg16_frozen,
        "https://github.com/keras-team/keras/issues/4514 : VGG16 include_top=False with every layer frozen (total 14,714,688, all non-trainable), middle rows elided with '...'",
        ["keras2", "elided", "frozen", "application"], mangle=elide(3, 3),
    ),
    Case(
        "k215_edited_dense", "k215", _dense_64_1,
        "https://errorhandle.ai/keras-model-summary-result-understanding-the-of-parameters : the asker's note that dense_1 'has 1 additional parameter': here the row retyped as 641",
        ["keras2", "edited", "question"], verdict="inconsistent", flagged=["dense"], mangle=edit_row("dense", lambda v: v + 1),
    ),
    Case(
        "k215_edited_nontrainable", "k215", _dense_bn,
        "https://github.com/keras-team/keras/issues/8676 : a question about a wrong Trainable/Non-trainable split; here the Non-trainable line edited",
        ["keras2", "edited"], verdict="inconsistent", flagged=["Non-trainable params"], mangle=edit_total("Non-trainable params", "non_trainable", lambda v: 2 * v),
    ),
    Case(
        "k215_densenet_elided_top", "k215", _densenet_4d,
        "https://github.com/keras-team/keras-contrib/issues/229 : 'DenseNet is not flattened at the last layer': the summary starts with '.....' then activation, dense (None, 7, 7, 2) 2050",
        ["keras2", "elided", "issue"], mangle=elide(0, 4, marker="....."),
    ),
    Case(
        "k215_notebook_stream", "k215", _cnn_bn,
        "https://github.com/rragundez/PyDataAmsterdam2018/issues/3 (03_basics_of_keras_sequential_api.ipynb): a Keras 2 summary as a notebook cell's stdout stream",
        ["keras2", "notebook"], ext="ipynb", mangle=notebook_stream(LOAD + "model.summary()"),
    ),
    Case(
        "k215_md_connected", "k215", _transformer_text,
        "code search id 36398852465 (a README): a Keras 2 functional transformer summary as a markdown table with a Connected to column",
        ["keras2", "markdown", "mha", "functional"], mangle=rows_to_markdown(connected=True),
    ),
    Case(
        "k215_lipnet_md", "k215", _lipnet,
        "code search id 23356088839 (a lip-reading README): Conv3D / MaxPooling3D, time_distributed (TimeDistributed) Flatten, Bidirectional LSTM, as a markdown table",
        ["keras2", "markdown", "timedistributed"], mangle=rows_to_markdown(),
    ),
    Case(
        "k215_docstring_har", "k215", _lstm_td_har,
        "code search ids 11624354693 / 10997368101 (a docstring in a public HAR project): LSTM, Dropout, BatchNormalization, time_distributed 390, indented 13 spaces with blank lines kept",
        ["keras2", "indented", "timedistributed", "batchnorm"], mangle=indent(13, head='        """\n        model summary:\n\n', tail='        :return: compiled keras model\n        """\n'),
    ),
    Case(
        "k215_ensemble_average_cut", "k215", _ensemble_average,
        "https://github.com/gmalivenko/pytorch2keras/issues/34 ('(Avera' cut by the column): a Functional ensemble in the pre-2.13 98-column layout, its Average type cut",
        ["keras2", "cut-columns", "functional"], mangle=keras2_old(functional=True),
    ),
    Case(
        "k215_expand_nested", "k215", _nested_expand,
        "https://github.com/keras-team/keras/issues/8676 (nested Sequential models): a model with a nested Sequential printed with expand_nested=True",
        ["keras2", "nested", "expand-nested"], summary={"expand_nested": True},
    ),
    Case(
        "k215_edited_bilstm_row", "k215", _embedding_bilstm,
        "https://example-a.com/answer/64746017 : the asker's Bidirectional LSTM; here its count retyped with one digit wrong (8,880 → 8,680)",
        ["keras2", "edited", "question"], verdict="inconsistent", flagged=["bidirectional"], mangle=edit_row("bidirectional", digit(2, 6)),
    ),
    # ---------------- tf-keras 2.21 ----------------
    Case(
        "k2_stateful_td_indented", "k2", _stateful,
        "code search id 33798230471 (a public script): a stateful LSTM with batch shape (1, 184, 50), Dropout, time_distributed (TimeDistributed) 51, pasted indented",
        ["keras2", "timedistributed", "indented"], mangle=indent(4),
    ),
    Case(
        "k2_mnist_cnn_slashes", "k2", _mnist_cnn,
        "https://github.com/keras-team/keras/issues/6106 (a conv summary pasted into code): the MNIST CNN summary kept as '// ' comments",
        ["keras2", "comment-prefix"], mangle=prefix("// "),
    ),
    Case(
        "k2_keras1_mlp", "k2", _keras1_mlp,
        f"{SO}/36946671 (via https://python-pypi.wekeepcoding.com/article/22444228): a Keras 1 summary with a Connected to column and untyped activation rows",
        ["keras1", "untyped"], mangle=keras1_style,
    ),
    Case(
        "k2_keras1_514", "k2", _keras1_514,
        "https://python-pypi.wekeepcoding.com/article/22444228/Keras+model+summary+result+Understanding+the+of+Parameters : a 514-dimensional input through Dense 514, 257, 1 in Keras 1 layout",
        ["keras1"], mangle=keras1_style,
    ),
    Case(
        "k2_edited_conv", "k2", _mnist_cnn,
        "https://github.com/keras-team/keras/issues/6106 : 'Conv2d output ... channels dim increase' — a conv summary; here one conv count altered by one digit",
        ["keras2", "edited"], verdict="inconsistent", flagged=["conv2d_2"], mangle=edit_row("conv2d_2", digit(0, 9)),
    ),
    Case(
        "k2_edited_trainable", "k2", _bigdl_text,
        "https://github.com/intel/BigDL/pull/255 : an Embedding / Conv1D / LSTM text model with a frozen Dense; here the Trainable params line edited",
        ["keras2", "edited", "frozen"], verdict="inconsistent", flagged=["Trainable params"], mangle=edit_total("Trainable params", "trainable", digit(2, 9)),
    ),
    Case(
        "k2_blockquote", "k2", _gru_stack,
        "https://github.com/keras-team/keras/issues/12114 (output quoted with '> ' in the issue body): a GRU stack, every line quoted",
        ["keras2", "comment-prefix", "blockquote"], mangle=prefix("> "),
    ),
    Case(
        "k2_bigdl_frozen", "k2", _bigdl_text,
        "https://github.com/intel/BigDL/pull/255 : Embedding(20000, 128) on 100 tokens, Dropout, Conv1D(64, 5), MaxPooling1D(4), LSTM(70), a frozen Dense(1)",
        ["keras2", "frozen"],
    ),
    Case(
        "k2_simple_rnn_fence", "k2", _simple_rnn,
        "https://fliphtml5.com/zroi/mzzg/Pro_Machine_Learning_Algorithms/251/ : Embedding(12679, 32) = 405,728 then SimpleRNN(1) and Dense(2), in a ```text fence",
        ["keras2", "code-fence"], mangle=fence("text"),
    ),
    Case(
        "k2_tabs_functional", "k2", _inception_factorized,
        "https://github.com/gmalivenko/pytorch2keras/issues/34 : a Functional summary with a Connected to column whose column gaps became tabs",
        ["keras2", "tabs", "functional"], mangle=tabs,
    ),
    Case(
        "k2_notebook_lstm", "k2", _lstm_timedistributed,
        "https://github.com/Babak-H/deep_learning_scripts : an LSTM + TimeDistributed(Dense) notebook; the summary as the cell's stdout stream",
        ["keras2", "notebook", "timedistributed"], ext="ipynb", mangle=notebook_stream(LOAD + "print(model.summary())"),
    ),
    Case(
        "k2_md_codespans_textvec", "k2", _text_vectorization,
        "https://deeplizard.com/learn/video/crAB6xo6t9g (markdown table with code cells) for a text model with TextVectorization",
        ["keras2", "markdown", "textvectorization"], mangle=rows_to_markdown(code_spans=True),
    ),
    # ---------------- added: older layouts, logs, custom layers ----------------
    Case(
        "k215_gru_reset_after_off_old", "k215", _gru_td_old,
        "https://example-a.com/answer/51601018 (first model): gru_9 (GRU) (None, 64, 16) 1536 — a Keras 2.2 GRU without reset_after — then time_distributed_13 (TimeDis 136, in the old cut layout",
        ["keras2", "old-layout", "cut-columns", "gru", "question"], mangle=keras2_old(renumber=True, model_line=False), names="old",
    ),
    Case(
        "k215_two_summaries_none", "k215", _two_models,
        "https://example-a.com/answer/51601018 : both models' summaries in one paste, each followed by the 'None' that print(model.summary()) adds",
        ["keras2", "old-layout", "two-summaries", "question"], mangle=chain(keras2_old(model_line=False), surround(after="None\n")),
    ),
    Case(
        "k215_logs_around", "k215", _cnn_bn,
        "https://github.com/keras-team/keras/issues/9788 (a summary pasted together with TensorFlow start-up logs and the first epochs)",
        ["keras2", "logs"],
        mangle=surround(
            before="2023-11-02 10:14:07.811204: I tensorflow/core/platform/cpu_feature_guard.cc:182] This TensorFlow binary is optimized to use available CPU instructions in performance-critical operations.\n"
            "To enable the following instructions: AVX2 FMA, in other operations, rebuild TensorFlow with the appropriate compiler flags.\n",
            after="Epoch 1/5\n225/225 [==============================] - 41s 178ms/step - loss: 1.6412 - accuracy: 0.3598 - val_loss: 1.5017 - val_accuracy: 0.4232\n"
            "Epoch 2/5\n225/225 [==============================] - 39s 175ms/step - loss: 1.3581 - accuracy: 0.4822 - val_loss: 1.3342 - val_accuracy: 0.4910\n",
        ),
    ),
    Case(
        "k215_custom_attention", "k215", _custom_attention,
        "https://github.com/Artaches/SSAN-self-attention-sentiment-analysis-classification/issues/3 (custom attention layers in Keras): Embedding, Bidirectional LSTM, a custom Attention layer (its own weights), Dense",
        ["keras2", "custom-layer", "functional"],
    ),
    Case(
        "k2_no_totals", "k2", _conv1d_timeseries,
        "https://github.com/seth814/Audio-Classification/issues/13 (an asker quoting only the table rows): a Conv1D classifier without its Total/Trainable lines",
        ["keras2", "no-totals"], mangle=drop_totals,
    ),
    Case(
        "k2_keras1_cnn_th", "k2", _keras1_cnn_th,
        "https://github.com/keras-team/keras/issues/2782 and https://github.com/keras-team/keras/issues/3844 : a Keras 1 mnist_cnn with Theano ordering, convolution2d_1 (Convolution2D) (None, 32, 26, 26) 320",
        ["keras1", "channels-first", "untyped"], mangle=keras1_style, names="keras1",
    ),
    Case(
        "k215_old_cut_types_cnn", "k215", _cnn_bn,
        "https://github.com/keras-team/keras/issues/12257 and https://github.com/keras-team/keras/issues/6106 : Keras 2.0-2.2 summaries whose types are cut at 28 characters ('batch_normalization_1 (Batch', 'max_pooling2d_1 (MaxPooling2', 'global_average_pooling2d_1 (')",
        ["keras2", "old-layout", "cut-columns"], mangle=keras2_old(renumber=True, model_line=False), names="old",
    ),
    Case(
        "k215_old_edited_conv", "k215", _vgg_small,
        "https://github.com/keras-team/keras/issues/6106 : a Keras 2.0 CNN summary an asker found surprising; here one conv count altered by a digit (old layout, layers numbered from 1)",
        ["keras2", "old-layout", "edited"], verdict="inconsistent", flagged=["conv2d_2"],
        mangle=chain(keras2_old(renumber=True, model_line=False), edit_row("conv2d_2", digit(1, 0), truth="conv2d_1")), names="old",
    ),
    Case(
        "k3_nested_custom", "k3", _nested_custom_k3,
        "https://github.com/keras-team/keras/issues/19535 (custom layers and nested models under Keras 3): a Sequential holding a nested Sequential and a custom Scale layer",
        ["keras3", "nested", "custom-layer"],
    ),
    Case(
        "k2_print_none", "k2", _dense_bn,
        "https://python-pypi.wekeepcoding.com/article/22444228 (print(model0.summary()) prints the table then 'None')",
        ["keras2", "print-none"], mangle=surround(after="None\n"),
    ),
    Case(
        "k215_repl", "k215", _mnist_cnn,
        "https://github.com/larq/larq/issues/179 (a summary shown in an interactive session): '>>> model.summary()' then the table, then the prompt",
        ["keras2", "repl"], mangle=surround(before=">>> model.summary()\n", after=">>> \n"),
    ),
    Case(
        "k215_edited_total_trainable_only", "k215", _cnn_bn,
        "https://github.com/carpentries-lab/deep-learning-intro/issues/296 (learners confusing trainable and total): the Total params line overwritten with the trainable count",
        ["keras2", "edited", "batchnorm"], verdict="inconsistent", flagged=["Total params"],
        mangle=lambda text, info: edit_total("Total params", "total", lambda v: v - (info.totals["non_trainable"] or 0))(text, info),
    ),
    Case(
        "k215_unbuilt_error", "k215", _unbuilt_error,
        "https://github.com/tensorflow/recommenders/issues/540 : 'model.summary() report errors' — the ValueError of an unbuilt subclassed model pasted instead of a table",
        ["keras2", "not-a-summary", "unbuilt"], verdict="unreadable", note="Not a summary: the error summary() raised (TF 2.15) for an unbuilt subclassed model.",
    ),
    Case(
        "k215_two_summaries_second_edited", "k215", _two_models_second_edited,
        "https://example-a.com/answer/51601018 : the two-summary paste, with the second model's TimeDistributed count retyped (264 → 246): a wrong number in the second table must be found",
        ["keras2", "old-layout", "two-summaries", "edited"], verdict="inconsistent", flagged=["time_distributed_1"],
        mangle=lambda text, info: (edit_row("time_distributed_1", swap(0))(keras2_old(model_line=False)(text, info), info) if any(r["name"] == "time_distributed_1" for r in info.rows) else keras2_old(model_line=False)(text, info)) + "None\n",
    ),
    Case(
        "k3_windows_ascii_box", "k3", _mnist_cnn,
        "https://github.com/keras-team/keras/issues/19535 (a Keras 3 summary from a Windows console): on a cp1252 console rich draws the table with ASCII '+', '-', '|'",
        ["keras3", "ascii-box", "windows"], encoding="cp1252",
    ),
    Case(
        "k215_hard_wrapped_80", "k215", _inception_factorized,
        "https://github.com/gmalivenko/pytorch2keras/issues/34 (a 98-column functional summary in an issue body): every line longer than 80 characters broken by the text box",
        ["keras2", "hard-wrapped", "functional"], mangle=hard_wrap(80),
    ),
    Case(
        "k2_annotated_row", "k2", _dense_64_1,
        "https://codemia.io/knowledge-hub/path/keras_modelsummary_result_-_understanding_the_of_parameters : the asker marks the row they do not understand ('<-- why 640 and not 576?')",
        ["keras2", "annotated", "question"], mangle=annotate("dense", "<-- why 640 and not 576?"),
    ),
    Case(
        "k3_efficientnet_elided", "k3", _efficientnet,
        "https://www.tensorflow.org/tutorials/images/transfer_learning style Keras 3 application summaries (EfficientNetB0: Rescaling, Normalization 7, stem_conv ...), shortened with '...' in the middle",
        ["keras3", "elided", "application"], mangle=elide(5, 4),
    ),
    Case(
        "k215_inceptionv3_elided", "k215", _inception_v3,
        "https://github.com/keras-team/keras/issues/4514 style application summaries: InceptionV3 include_top=False (BatchNormalization with scale=False, 96 params on 32 channels), middle rows elided",
        ["keras2", "elided", "application", "batchnorm"], mangle=elide(6, 4),
    ),
    Case(
        "k215_mobilenet_fence", "k215", _mobilenet_v1,
        "https://www.tutorialspoint.com/how-can-tensorflow-and-pre-trained-model-be-used-to-create-base-model-from-pre-trained-convnets : a MobileNet (alpha 0.5, 128x128) summary in a code fence",
        ["keras2", "application", "code-fence"], mangle=fence("python"),
    ),
    Case(
        "k3_nested_frozen_expanded", "k3", _nested_frozen_k3,
        "https://github.com/keras-team/keras/issues/8676 (nested, partly frozen models): a Keras 3 Functional holding a frozen Sequential with BatchNormalization, printed with expand_nested=True",
        ["keras3", "nested", "frozen", "expand-nested"], summary={"expand_nested": True},
    ),
    Case(
        "k215_flowers_augmentation_nested", "k215", _flowers_augmented,
        "https://www.tensorflow.org/tutorials/images/classification : the flowers CNN with a nested data-augmentation 'sequential (Sequential) (None, 180, 180, 3) 0' row, Rescaling, three convs, Dense 128",
        ["keras2", "nested", "preprocessing"],
    ),
    Case(
        "k3_flowers_augmentation_nested", "k3", _flowers_augmented,
        "https://www.tensorflow.org/tutorials/images/classification (Keras 3 run): the nested augmentation Sequential and Rescaling rows in a box table",
        ["keras3", "nested", "preprocessing"],
    ),
    Case(
        "k215_auto_mpg_normalization", "k215", _auto_mpg,
        "https://www.tensorflow.org/tutorials/keras/regression : an adapted Normalization layer over 9 features ('normalization (Normalization) (None, 9) 19', non-trainable 19)",
        ["keras2", "preprocessing", "normalization"],
    ),
    Case(
        "k3_auto_mpg_normalization_edited", "k3", _auto_mpg,
        "https://www.tensorflow.org/tutorials/keras/regression : the same model under Keras 3, the Normalization count retyped as 18 (the asker's 2 x 9)",
        ["keras3", "preprocessing", "normalization", "edited"], verdict="inconsistent", flagged=["normalization"], mangle=edit_row("normalization", lambda v: v - 1),
    ),
    Case(
        "k3_structured_lookups", "k3", _structured_lookup,
        "https://keras.io/examples/structured_data/structured_data_classification_from_scratch/ : named inputs through IntegerLookup / StringLookup one-hot and a Normalization with given mean (0 weights), concatenated into Dense 32",
        ["keras3", "preprocessing", "functional"],
    ),
    Case(
        "k215_hub_keraslayer", "k215", _hub_like,
        "https://www.tensorflow.org/tutorials/keras/text_classification_with_hub : 'keras_layer (KerasLayer) (None, 50) 48190600' then Dense 16 and Dense 1 (here a smaller table)",
        ["keras2", "custom-layer"],
    ),
    Case(
        "k3_conv_lstm_frames", "k3", _conv_lstm_frames,
        "https://keras.io/examples/vision/conv_lstm/ : ConvLSTM2D 5x5 / 3x3 / 1x1 with BatchNormalization and a Conv3D on (None, None, 64, 64, 1) frames",
        ["keras3", "convlstm", "functional"],
    ),
    Case(
        "k215_quora_shared_embedding", "k215", _quora_siamese,
        "https://github.com/keras-team/keras/pull/2421 (the words_embedding layer shared by two inputs): one Embedding and one LSTM called on both questions, each row listing two inbound tensors",
        ["keras2", "shared", "functional"],
    ),
    Case(
        "k3_vae_nested_md", "k3", _vae,
        "https://keras.io/examples/generative/vae/ : encoder and decoder as nested Functional rows of the outer model, as a README pipe table",
        ["keras3", "nested", "markdown"], mangle=box_to_markdown(before="### VAE\n\n"),
    ),
    Case(
        "k215_dcgan_generator_commented", "k215", _dcgan_generator,
        "https://www.tensorflow.org/tutorials/generative/dcgan : the generator (Dense 12544 x 100 without bias = 1,254,400, BatchNormalization, LeakyReLU, Conv2DTranspose 5x5 no bias), kept as '# ' comments under the code",
        ["keras2", "comment-prefix", "transposed"], mangle=prefix("# "),
    ),
    Case(
        "k215_tf_op_lambda", "k215", _tf_op_layers,
        "TF 2.4+ summaries with TFOpLambda rows (tf.math.multiply, tf.__operators__.add, tf.nn.relu, tf.math.reduce_mean) between Conv2D layers, e.g. https://github.com/gmalivenko/pytorch2keras/issues/34",
        ["keras2", "tfoplambda", "functional"],
    ),
    Case(
        "k3_subclassed_build_unbuilt_logs", "k3", _subclassed_build_k3,
        "https://github.com/keras-team/keras/issues/19535 : under Keras 3.2 a subclassed model after build((None, 10)) prints '0 (unbuilt)' rows and '?' shapes; pasted with the TensorFlow start-up log lines above it",
        ["keras3", "unbuilt", "subclassed", "logs"], verdict="unbuilt",
        mangle=surround(
            before="2024-04-17 09:12:55.104771: I tensorflow/core/util/port.cc:113] oneDNN custom operations are on. You may see slightly different numerical results due to floating-point round-off errors from different computation orders. To turn them off, set the environment variable `TF_ENABLE_ONEDNN_OPTS=0`.\n"
            "/usr/local/lib/python3.10/dist-packages/keras/src/layers/layer.py:361: UserWarning: `build()` was called on layer 'my_model', however the layer does not have a `build()` method implemented and it looks like it has unbuilt state.\n"
            "  warnings.warn(\n",
        ),
    ),
    Case(
        "k215_rendered_page_functional", "k215", _quora_siamese,
        "https://github.com/keras-team/keras/issues/12257 read on the rendered page and copied as text: rule lines gone, runs of spaces collapsed, blank lines dropped (a Functional summary with Connected to)",
        ["keras2", "collapsed-spaces", "no-rules", "functional", "shared"], mangle=collapse_spaces(drop_rules=True),
    ),
    Case(
        "k215_efficientnet_old_elided", "k215", _efficientnet_k2,
        "Kaggle-era EfficientNet summaries (e.g. https://github.com/keras-team/keras-contrib/issues/229 style, shortened with '...'): the pre-2.13 98-column layout, names and types cut ('block1a_se_squeeze (GlobalAve')",
        ["keras2", "old-layout", "elided", "application", "cut-columns"],
        mangle=chain(keras2_old(functional=True), elide(8, 5)),
    ),
    Case(
        "k2_crlf", "k2", _vgg_small,
        "https://github.com/davidADSP/GDL_code/issues/46 (a summary saved from a Windows editor): CRLF line ends",
        ["keras2", "crlf"], mangle=crlf,
    ),
    Case(
        "k215_notebook_one_string", "k215", _dense_64_1,
        "https://github.com/rragundez/PyDataAmsterdam2018/issues/3 (a notebook): the cell's stdout stored as one JSON string",
        ["keras2", "notebook"], ext="ipynb", mangle=notebook_one_string(LOAD + "model.summary()"),
    ),
    Case(
        "k215_dcgan_discriminator_4x4", "k215", _dcgan_discriminator,
        "https://www.tensorflow.org/tutorials/generative/dcgan (and the issue's 1,568-param Conv2D: 4x4 on 3 channels, also explainable as 1x1 on 48): a discriminator with 4x4 stride-2 kernels",
        ["keras2", "hidden-alternatives", "batchnorm"],
    ),
    Case(
        "k3_dcgan_discriminator_4x4_md", "k3", _dcgan_discriminator,
        "https://www.tensorflow.org/tutorials/generative/dcgan run on Keras 3, the summary as a README pipe table",
        ["keras3", "hidden-alternatives", "markdown"], mangle=box_to_markdown(),
    ),
    Case(
        "k2_keras1_long_names_untyped", "k2", _keras1_long_names,
        "https://python-pypi.wekeepcoding.com/article/22444228 (Keras 1 layout) with long custom layer names, so the type column is cut off ('word_embedding_lookup_table (Em', no type at all on the LSTM rows)",
        ["keras1", "untyped", "cut-columns"], mangle=keras1_style,
    ),
    Case(
        "k2_keras1_long_names_edited", "k2", _keras1_long_names,
        "the same Keras 1 paste with an untyped row's count retyped (a digit changed) while 'Total params' kept the true sum: an untyped row no formula explains must not pass as consistent",
        ["keras1", "untyped", "edited"], verdict="inconsistent", flagged=["Total params"],
        mangle=chain(keras1_style, edit_row("sentence_encoder_recurrent_1", digit(2, 9))),
    ),
    Case(
        "k215_subclassed_cnn_multiple", "k215", _subclassed_cnn_k2,
        "https://github.com/keras-team/keras/issues/12213 ('decoder summary has output shape multiple'): a subclassed CNN whose every row shows 'multiple'; the inputs must come from the rows around",
        ["keras2", "multiple", "subclassed", "batchnorm"],
    ),
    Case(
        "k3_residual_wrapped_connected", "k3", _residual_functional,
        "https://keras.io/examples/ (Keras 3 Functional examples printed in a 100-column notebook): long names and a three-input Add whose Connected to list rich wraps over several lines",
        ["keras3", "functional", "cut-columns"], columns=100,
    ),
    Case(
        "k215_show_trainable", "k215", _gan_nested,
        "https://github.com/keras-team/keras/issues/8676 (frozen nested parts): the Keras 2.15 summary with show_trainable=True, a 'Trainable' Y/N column",
        ["keras2", "show-trainable", "nested", "frozen"], summary={"show_trainable": True},
    ),
    Case(
        "k3_bigru_sum", "k3", _bigru_sum_k3,
        "https://example-a.com/answer/64746017 (Bidirectional RNNs) under Keras 3: Embedding with mask_zero, SpatialDropout1D, Bidirectional GRU merged by 'sum' (output not doubled), then a concat Bidirectional GRU",
        ["keras3", "bidirectional", "gru"],
    ),
    Case(
        "k3_grouped_groupnorm_sep1d", "k3", _grouped_separable_1d_k3,
        "Keras 3 blocks people ask about (ResNeXt-style grouped conv, GroupNormalization, LayerNormalization on a map, SeparableConv1D with depth multiplier 2, DepthwiseConv1D)",
        ["keras3", "grouped-conv", "normalization"],
    ),
    Case(
        "k215_prelu", "k215", _prelu_conv,
        "the 'why does PReLU have 21,632 parameters?' question (Keras 2): PReLU after a Conv2D keeps one alpha per element unless shared_axes=[1, 2]",
        ["keras2", "prelu", "question"],
    ),
    Case(
        "k215_prelu_edited", "k215", _prelu_conv,
        "the same PReLU question with the asker's expected count typed in (32 instead of 21,632) for the first PReLU: 32 is a PReLU count too (shared axes), so it is the Total that no longer adds up",
        ["keras2", "prelu", "edited", "question"], verdict="inconsistent", flagged=["Total params"], mangle=edit_row("p_re_lu", lambda v: 32),
    ),
    Case(
        "k215_builtin_attention", "k215", _attention_builtin,
        "https://github.com/keras-team/keras/issues/14405 (attention layers and their counts): built-in Attention (0) and AdditiveAttention (a scale per feature), Masking and GaussianNoise rows",
        ["keras2", "attention", "functional"],
    ),
    Case(
        "k3_ansi_log", "k3", _cnn_bn,
        "Keras 3 summaries in CI or Kaggle log files (e.g. https://github.com/keras-team/keras/issues/19535 logs): rich's colour escape codes kept around names, numbers and the totals",
        ["keras3", "ansi"], encoding="ansi",
    ),
    Case(
        "k3_ansi_stripped_esc", "k3", _transformer_text,
        "Keras 3 summaries copied from a rendered Kaggle log: the ESC characters are gone but '[1m', '[0m', '[38;5;34m' remain in the text",
        ["keras3", "ansi", "mha"], encoding="ansi", mangle=strip_esc,
    ),
    Case(
        "k215_logger_prefix", "k215", _functional_dense,
        "model.summary(print_fn=logger.info) in a training script's log (as pasted in https://github.com/keras-team/keras/issues/9788-style reports): a timestamp and level before every line",
        ["keras2", "comment-prefix", "logger"], mangle=logger_prefix,
    ),
    Case(
        "k215_custom_positions", "k215", _shared_nested_cnn,
        "model.summary(line_length=120, positions=[.3, .6, .7, 1.]) as some READMEs print it, widening the shape column (https://github.com/philipperemy/keract/issues/67 model)",
        ["keras2", "functional", "multiple"], summary={"line_length": 120, "positions": [0.3, 0.6, 0.7, 1.0]},
    ),
    Case(
        "k3_narrow_commented", "k3", _vit_block,
        "https://github.com/keras-team/keras/issues/21107 (a narrow console) pasted into a script as '# ' comments: wrapped and cut cells behind a comment prefix",
        ["keras3", "cut-columns", "comment-prefix", "mha"], columns=70, mangle=prefix("# "),
    ),
    Case(
        "k215_old_layout_markdown_fence", "k215", _lstm_td_har,
        "https://github.com/keras-team/keras/issues/12114 (an old Keras 2 summary in a GitHub issue): the pre-2.13 layout, layers numbered from 1, inside a ```python fence with prose around",
        ["keras2", "old-layout", "code-fence", "timedistributed"], names="old",
        mangle=chain(keras2_old(renumber=True, model_line=False), fence("python", before="My model:\n\n", after="\nAccuracy stays at 0.16, any idea?\n")),
    ),
    Case(
        "k215_hf_bert_multiple", "k215", _hf_like,
        "Hugging Face TF summaries (TFBertForSequenceClassification): 'bert (TFBertMainLayer) multiple 109482240', 'dropout_37 (Dropout) multiple 0', 'classifier (Dense) multiple 1538'",
        ["keras2", "multiple", "custom-layer", "subclassed"],
    ),
    Case(
        "k3_md_edited_row", "k3", _dollar_street,
        "https://github.com/carpentries-lab/deep-learning-intro/issues/577 as a README pipe table, with the second Conv2D count retyped (22,550 → 22,650; 22,500 would be a real count, bias off)",
        ["keras3", "markdown", "edited"], verdict="inconsistent", flagged=["conv2d_1"],
        mangle=chain(box_to_markdown(), edit_row("conv2d_1", digit(2, 6))),
    ),
    Case(
        "k215_commented_edited_total", "k215", _chess,
        "https://github.com/Zeta36/chess-alpha-zero/pull/90 commented-out summary ('# ' lines) whose Total params was retyped (one digit)",
        ["keras2", "comment-prefix", "edited"], verdict="inconsistent", flagged=["Total params"],
        mangle=chain(edit_total("Total params", "total", digit(3, 7)), prefix("# ")),
    ),
    Case(
        "k2_notebook_edited_row", "k2", _gru_stack,
        "https://github.com/rragundez/PyDataAmsterdam2018/issues/3 style notebook output, with the second GRU's count edited before the notebook was shared",
        ["keras2", "notebook", "edited"], ext="ipynb", verdict="inconsistent", flagged=["gru_1"],
        mangle=chain(edit_row("gru_1", digit(2, 9)), notebook_stream(LOAD + "model.summary()")),
    ),
    Case(
        "k2_keras1_bn_axis1_th", "k2", _keras1_cnn_bn_th,
        "https://github.com/dblN/stochastic_depth_keras/issues/1 and https://github.com/keras-team/keras/issues/1921 : Keras 1 channels-first convolutions with BatchNormalization(axis=1), 'batchnormalization_1 (BatchNormalization) (None, 32, 32, 32) 128'",
        ["keras1", "batchnorm-axis", "channels-first", "untyped"], mangle=keras1_style, names="keras1",
    ),
    Case(
        "k3_notebook_rich_html", "k3", _vit_block,
        "Keras 3 notebooks committed to GitHub (e.g. the keras-io .ipynb examples, https://github.com/keras-team/keras-io/pull/2335): rich's display data with a styled text/html <pre> and the text/plain lines",
        ["keras3", "notebook", "mha", "functional"], ext="ipynb", encoding="ansi", mangle=notebook_rich(LOAD + "model.summary()"),
    ),
    Case(
        "k215_rows_only", "k215", _embedding_bilstm,
        "https://example-a.com/answer/64746017 (the asker kept only the rows): 'Here are my layers:' then the layer rows and the totals, header and rules deleted",
        ["keras2", "no-header", "question"], mangle=rows_only,
    ),
    Case(
        "k3_blockquote_box", "k3", _lstm_timedistributed,
        "a Keras 3 box table quoted in a discussion reply ('> ' before every line, as GitHub and Discourse quote)",
        ["keras3", "comment-prefix", "blockquote", "timedistributed"], mangle=prefix("> "),
    ),
    Case(
        "k215_fcn_unknown_size", "k215", _fcn_unknown_size,
        "https://github.com/vanvalenlab/deepcell-tf/pull/26 (fully convolutional training): a net on (None, None, None, 3) inputs, every spatial size unknown",
        ["keras2", "functional", "unknown-sizes"],
    ),
    Case(
        "k3_two_output_nested", "k3", _two_output_nested_k3,
        "https://github.com/keras-team/keras/issues/12213 (layers with several outputs): a nested Functional with two heads, its row showing both output shapes",
        ["keras3", "nested", "multi-output"],
    ),
    Case(
        "k215_glove_frozen_embedding", "k215", _glove_frozen,
        "GloVe tutorials (e.g. https://mmsankosho.com/en/how-to-build-a-bidirectional-lstm-model-with-keras/ with weights=[embedding_matrix], trainable=False): 1,000,000 non-trainable embedding params",
        ["keras2", "frozen", "embedding"],
    ),
    Case(
        "k3_channels_first_bn", "k3", _channels_first_k3,
        "https://github.com/keras-team/keras/pull/18807 ('Support channels_first in normalization', Keras 3): a keyword-spotting CNN on (1, 40, 101) spectrograms, BatchNormalization(axis=1)",
        ["keras3", "batchnorm-axis", "channels-first"],
    ),
    Case(
        "k3_keras_io_custom_transformer", "k3", _keras_io_transformer,
        "https://keras.io/examples/nlp/text_classification_with_transformer/ as written there: token_and_position_embedding (TokenAndPositionEmbedding) and transformer_block (TransformerBlock) custom rows",
        ["keras3", "custom-layer", "mha"],
    ),
    # ---------------- tampered twins: one count changed in pastes of every mangled form ----------------
    Case(
        "k3_td_conv_commented_tampered", "k3", _td_conv_video,
        "the commented Keras 3 TimeDistributed CNN summary (code search id 3496441708) with one count retyped (18,496 → 18,446)",
        ["keras3", "comment-prefix", "timedistributed", "edited"], verdict="inconsistent", flagged_any=["time_distributed_2", "Total params"],
        mangle=chain(edit_row("time_distributed_2", digit(1, 4)), prefix("# ")),
    ),
    Case(
        "k3_narrow_console_tampered", "k3", _cnn_bn,
        "https://github.com/keras-team/keras/issues/21107 narrow-console summary with the second conv's count retyped (18,496 → 18,486)",
        ["keras3", "cut-columns", "edited"], verdict="inconsistent", flagged_any=["conv2d_1", "Total params"], columns=60,
        mangle=edit_row("conv2d_1", digit(1, 8)),
    ),
    Case(
        "k2_keras1_cnn_th_tampered", "k2", _keras1_cnn_th,
        "the Keras 1 Theano-ordering mnist_cnn summary (https://github.com/keras-team/keras/issues/2782) with the first Dense count retyped (589952 → 589852)",
        ["keras1", "channels-first", "edited"], verdict="inconsistent", flagged_any=["dense_1", "Total params"], names="keras1",
        mangle=chain(keras1_style, edit_row("dense_1", digit(2, 8), truth="dense")),
    ),
    Case(
        "k3_windows_ascii_box_tampered", "k3", _mnist_cnn,
        "the Windows cp1252 ASCII-box Keras 3 summary with the third conv's count retyped (36,928 → 36,828)",
        ["keras3", "ascii-box", "edited"], verdict="inconsistent", flagged_any=["conv2d_2", "Total params"], encoding="cp1252",
        mangle=edit_row("conv2d_2", digit(2, 8)),
    ),
    Case(
        "k3_ansi_log_tampered", "k3", _cnn_bn,
        "the Keras 3 colour log summary with the second conv's count retyped (18,496 → 18,596)",
        ["keras3", "ansi", "edited"], verdict="inconsistent", flagged_any=["conv2d_1", "Total params"], encoding="ansi",
        mangle=edit_row("conv2d_1", digit(2, 5)),
    ),
    Case(
        "k215_logger_prefix_tampered", "k215", _functional_dense,
        "the logger-prefixed Keras 2 summary with the first Dense count retyped (614600 → 614500)",
        ["keras2", "logger", "comment-prefix", "edited"], verdict="inconsistent", flagged_any=["dense", "Total params"],
        mangle=chain(edit_row("dense", digit(2, 5)), logger_prefix),
    ),
    Case(
        "k215_rows_only_tampered", "k215", _embedding_bilstm,
        "the rows-only paste (https://example-a.com/answer/64746017) with the Embedding count retyped (1766600 → 1766500)",
        ["keras2", "no-header", "edited"], verdict="inconsistent", flagged_any=["embedding", "Total params"],
        mangle=chain(edit_row("embedding", digit(2, 5)), rows_only),
    ),
    Case(
        "k215_hard_wrapped_tampered", "k215", _inception_factorized,
        "the hard-wrapped 98-column functional summary with the 7x1 conv's count retyped (43,104 → 43,204)",
        ["keras2", "hard-wrapped", "edited"], verdict="inconsistent", flagged_any=["conv2d_3", "Total params"],
        mangle=chain(edit_row("conv2d_3", digit(2, 2)), hard_wrap(80)),
    ),
    Case(
        "k215_collapsed_tampered", "k215", _dense_bn,
        "the collapsed-spaces answer (https://mcmap.net/q/369970/-what-is-the-definition-of-a-non-trainable-parameter) with the Dense count retyped (1010 → 1100)",
        ["keras2", "collapsed-spaces", "edited"], verdict="inconsistent", flagged_any=["dense", "Total params"],
        mangle=chain(edit_row("dense", lambda v: 1100), collapse_spaces()),
    ),
    Case(
        "k3_notebook_rich_tampered", "k3", _vit_block,
        "the Keras 3 notebook (rich text/html and text/plain) with the MultiHeadAttention count retyped in both (66,368 → 66,358)",
        ["keras3", "notebook", "mha", "edited"], ext="ipynb", verdict="inconsistent", flagged_any=["multi_head_attention", "Total params"], encoding="ansi",
        mangle=chain(edit_row("multi_head_attention", digit(1, 5)), notebook_rich(LOAD + "model.summary()")),
    ),
    Case(
        "k215_vgg16_elided_brackets", "k215", _vgg16_frozen,
        "https://github.com/keras-team/keras/issues/4514 VGG16 summary shortened with '[...]' (a README's way)",
        ["keras2", "elided", "application"], mangle=elide(4, 2, marker="[...]"),
    ),
    Case(
        "k3_mobilenet_show_trainable_narrow", "k3", _frozen_mobilenet,
        "https://www.tensorflow.org/tutorials/images/transfer_learning (Keras 3) printed with show_trainable=True on a 90-column notebook: a Trainable column and wrapped cells",
        ["keras3", "show-trainable", "nested", "frozen", "cut-columns"], columns=90, summary={"show_trainable": True},
    ),
    Case(
        "combo_keras215_then_keras3", "combo", None,
        "https://github.com/keras-team/keras/issues/19535 : the issue shows the Keras 2.15 summary of a subclassed model and then the Keras 3 one of the same code, in one post",
        ["keras2", "keras3", "two-summaries", "subclassed", "multiple"], sources=["k215_subclassed_multiple", "k3_subclassed_built"],
    ),
    # ---------------- static ----------------
    Case(
        "torchinfo_not_keras", "static", None,
        "https://github.com/TylerYep/torchinfo/issues/259 : a PyTorch torchinfo summary ('Layer (type:depth-idx)') pasted where a Keras one is expected",
        ["not-keras"], verdict="unreadable",
        static_text=(
            "==========================================================================================\n"
            "Layer (type:depth-idx)                   Output Shape              Param #\n"
            "==========================================================================================\n"
            "Sequential                               [16, 1]                   --\n"
            "├─Conv1d: 1-1                            [16, 8, 30]               40\n"
            "├─ReLU: 1-2                              [16, 8, 30]               --\n"
            "├─Flatten: 1-3                           [16, 240]                 --\n"
            "├─Linear: 1-4                            [16, 1]                   241\n"
            "==========================================================================================\n"
            "Total params: 281\n"
            "Trainable params: 281\n"
            "Non-trainable params: 0\n"
            "Total mult-adds (M): 0.02\n"
            "==========================================================================================\n"
        ),
        note="Not a Keras summary: check-summary must refuse it, never call it consistent.",
    ),
]
# fmt: on


# --- running on one Keras line ---------------------------------------------------------------------


def _shape_text(layer: Any) -> str:
    try:
        shape = layer.output_shape  # Keras 2
    except (AttributeError, RuntimeError, ValueError):
        try:
            out = layer.output
            shape = tuple(out.shape) if not isinstance(out, (list, tuple)) else [tuple(o.shape) for o in out]
        except (AttributeError, RuntimeError, ValueError):
            return "multiple"
    if isinstance(shape, list):
        return "[" + ", ".join(str(tuple(s)) for s in shape) + "]"
    return str(tuple(shape))


def _rows(model: Any) -> list[dict[str, Any]]:
    rows = []
    for layer in model.layers:
        try:
            params: int | None = int(layer.count_params())
        except (ValueError, AttributeError):
            params = None
        trainable = sum(int(_size(w)) for w in layer.trainable_weights)
        inbound: list[str] = []
        for node in getattr(layer, "_inbound_nodes", []):
            parents = getattr(node, "inbound_layers", None)
            if parents is None:  # Keras 3
                parents = [p.operation for p in getattr(node, "parent_nodes", [])]
            if not isinstance(parents, (list, tuple)):
                parents = [parents]
            inbound += [p.name for p in parents]
        rows.append(
            {
                "name": layer.name,
                "class": type(layer).__name__,
                "params": params,
                "trainable": trainable if params is not None else None,
                "shape": _shape_text(layer),
                "inbound": inbound,
            }
        )
    return rows


def _size(w: Any) -> int:
    n = 1
    for d in w.shape:
        n *= int(d)
    return n


def _totals(model: Any) -> dict[str, int | None]:
    try:
        trainable = sum({id(w): _size(w) for w in model.trainable_weights}.values())
        non_trainable = sum({id(w): _size(w) for w in model.non_trainable_weights}.values())
        if not model.built:
            raise ValueError
        return {"total": trainable + non_trainable, "trainable": trainable, "non_trainable": non_trainable}
    except ValueError:
        return {"total": None, "trainable": None, "non_trainable": None}


def _capture_console(model: Any, encoding: str, **kwargs: Any) -> str:
    """What ``model.summary()`` prints on a console of ``encoding`` (a Windows cp1252 console), or,
    for ``"ansi"``, on a colour terminal whose output went to a log (rich's escape codes kept)."""
    import io

    colour = encoding == "ansi"
    encoding = "utf-8" if colour else encoding
    buf = io.TextIOWrapper(io.BytesIO(), encoding=encoding, errors="replace")
    saved = sys.stdout
    sys.stdout = buf
    if colour:
        os.environ["FORCE_COLOR"] = "1"
    try:
        model.summary(**kwargs)
    finally:
        sys.stdout = saved
        os.environ.pop("FORCE_COLOR", None)
    buf.flush()
    return buf.buffer.getvalue().decode(encoding)


def _capture(model: Any, **kwargs: Any) -> str:
    lines: list[str] = []
    model.summary(print_fn=lambda text, **_: lines.append(text), **kwargs)
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"


def _keras(line: str) -> tuple[Any, str]:
    if line == "k2":
        import tf_keras  # type: ignore[import-untyped]

        return tf_keras, f"tf-keras {tf_keras.__version__}"
    if line == "k215":
        import keras as keras2  # type: ignore[import-untyped]
        import tensorflow as tf

        return tf.keras, f"keras {keras2.__version__} (tensorflow {tf.__version__})"
    import keras

    return keras, f"keras {keras.__version__}"


def _filename(i: int, case: Case) -> str:
    return f"{i:03d}_{case.slug}.{case.ext}"


def run_line(line: str) -> list[dict[str, Any]]:
    keras: Any = None
    version = "none"
    if line != "static":
        keras, version = _keras(line)
    entries = []
    for i, case in enumerate(CASES, 1):
        if case.line != line:
            continue
        name = _filename(i, case)
        if line == "static":
            text = case.static_text
            truth: dict[str, Any] = {"note": case.note}
        else:
            assert case.build is not None
            keras.backend.clear_session()
            os.environ["COLUMNS"] = str(case.columns)
            built = case.build(keras)
            if isinstance(built, str):
                text, truth = built, {"note": case.note}
            else:
                models = built if isinstance(built, tuple) else (built,)
                texts, rows = [], []
                totals: dict[str, int | None] = {"total": 0, "trainable": 0, "non_trainable": 0}
                for model in models:
                    info = Info(_rows(model), _totals(model), model.name)
                    part = (
                        _capture_console(model, case.encoding, **case.summary)
                        if case.encoding
                        else _capture(model, **case.summary)
                    )
                    texts.append(case.mangle(part, info) if case.mangle is not None else part)
                    rows += info.rows
                    for key, value in info.totals.items():
                        totals[key] = None if value is None or totals[key] is None else totals[key] + value  # type: ignore[operator]
                text = "".join(texts)
                truth = {
                    "layers": [{k: r[k] for k in ("name", "class", "params", "trainable")} for r in rows],
                    **totals,
                    "rows_sum": sum(r["params"] or 0 for r in rows) if totals["total"] is not None else None,
                }
                if len(models) > 1:
                    truth["models"] = len(models)
                if case.names:
                    renamed = old_names(rows, KERAS1_CLASSES if case.names == "keras1" else None)
                    truth["pasted_names"] = [r["name"] for r in renamed]
            os.environ["COLUMNS"] = "200"
        (HERE / name).write_text(text, encoding="utf-8")
        exit_code = {"consistent": 0, "unbuilt": 0, "inconsistent": 1, "unreadable": 2}[case.verdict]
        entries.append(
            {
                "file": name,
                "stands_for": case.stands_for,
                "keras": version,
                "kinds": case.kinds,
                "expected": {
                    "verdict": case.verdict,
                    "exit": exit_code,
                    "flagged": case.flagged,
                    "flagged_any": case.flagged_any,
                },
                "ground_truth": truth,
            }
        )
        print(f"wrote {name}", file=sys.stderr)
    return entries


def main() -> None:
    if len(sys.argv) == 3 and sys.argv[1] == "--line":
        json.dump(run_line(sys.argv[2]), sys.stdout)
        return
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    jobs = [("k3", sys.executable, {}), ("k2", sys.executable, {"TF_USE_LEGACY_KERAS": "1"}), ("k215", K215_PYTHON, {})]
    wanted = sys.argv[1:] or ["k3", "k2", "k215", "static"]
    old = {e["file"]: e for e in json.loads(INDEX.read_text())} if INDEX.exists() else {}
    new: dict[str, dict[str, Any]] = {}
    for line, python, extra in jobs:
        if line not in wanted:
            continue
        if not Path(python).exists():
            print(f"skipping {line}: {python} not found", file=sys.stderr)
            continue
        done = subprocess.run(
            [python, __file__, "--line", line], check=True, env={**env, **extra}, capture_output=True, text=True
        )
        sys.stderr.write(done.stderr[-2000:] if done.returncode else "")
        for e in json.loads(done.stdout):
            new[e["file"]] = e
    if "static" in wanted:
        for e in run_line("static"):
            new[e["file"]] = e
    by_slug = {c.slug: _filename(i, c) for i, c in enumerate(CASES, 1)}
    for i, case in enumerate(CASES, 1):
        if case.line != "combo":
            continue
        # Joined from pastes generated above: both parts were printed by real Keras.
        parts = [by_slug[slug] for slug in case.sources]
        entries = [new.get(f) or old.get(f) for f in parts]
        if any(e is None for e in entries):
            continue
        name = _filename(i, case)
        text = (
            "Keras 2.15:\n\n"
            + (HERE / parts[0]).read_text(encoding="utf-8")
            + "\nKeras 3:\n\n"
            + (HERE / parts[1]).read_text(encoding="utf-8")
        )
        (HERE / name).write_text(text, encoding="utf-8")
        layers = [layer for e in entries if e for layer in e["ground_truth"]["layers"]]
        totals = {k: sum(e["ground_truth"][k] for e in entries if e) for k in ("total", "trainable", "non_trainable", "rows_sum")}
        new[name] = {
            "file": name,
            "stands_for": case.stands_for,
            "keras": " + ".join(e["keras"] for e in entries if e),
            "kinds": case.kinds,
            "expected": {"verdict": case.verdict, "exit": 0, "flagged": [], "flagged_any": []},
            "ground_truth": {"layers": layers, **totals, "models": len(parts), "parts": parts},
        }
    names = {_filename(i, c) for i, c in enumerate(CASES, 1)}
    merged = {**{k: v for k, v in old.items() if k in names}, **new}
    for stale in HERE.iterdir():
        if re.fullmatch(r"\d+_.*\.(txt|md|ipynb)", stale.name) and stale.name not in names:
            stale.unlink()
    INDEX.write_text(json.dumps(sorted(merged.values(), key=lambda e: e["file"]), indent=1, ensure_ascii=False) + "\n")
    print(f"{len(merged)} entries in {INDEX.name}", file=sys.stderr)


if __name__ == "__main__":
    main()
