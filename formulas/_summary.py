"""The text table of :meth:`ModelExpectation.summary`: like ``model.summary()``, plus a Formula column.

One line per top-level layer (Keras 3 operation nodes, which ``model.layers`` does not list, are
shown in graph order with their output shape and 0 parameters); the Param # column sums to the
Total line, except where a layer is shared between the model and a nested model: each row shows
its own layer's weights (as ``model.summary()`` does), the row met second says "shared with …:
counted once", and the Total counts them once.  A row the engine could not describe shows ``?`` and why in the Formula column.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ._model import format_output_shape, one_line

if TYPE_CHECKING:
    from ._graph import LayerRow, ModelExpectation


def _fit(text: str, width: int) -> str:
    text = one_line(text)
    if len(text) <= width:
        return text.ljust(width)
    return text[: max(width - 1, 0)] + "…"


def _params(row: LayerRow) -> str:
    return "?" if row.error is not None else f"{row.total:,}"


def _note(row: LayerRow) -> str:
    if row.error is not None:
        return ("no formula: " if row.no_formula else "invalid: ") + row.error
    if row.shared_with:
        return "; ".join(t for t in (_shared(row), row.formula) if t)
    return row.formula


def _shared(row: LayerRow) -> str:
    places = ", ".join(f"'{p}'" for p in (row.shared_with or "").split(", "))
    return f"shared with {places}: counted once"


def render(model: ModelExpectation, *, width: int = 100) -> str:
    """The summary table, ``width`` characters wide (at least 60)."""
    width = max(width, 60)
    w_name = width * 34 // 100
    w_shape = width * 24 // 100
    w_params = max(width * 12 // 100, 11)
    w_formula = width - w_name - w_shape - w_params - 3
    rows = {r.name: r for r in model.layers}
    ops = {r.name: r for r in model.operations}
    order = [n for n in model.order if n in rows or n in ops] or list(rows)
    lines = [f'Model: "{model.name}" ({model.class_name}, Keras {model.keras})', "━" * width]

    def line(name: str, shape: str, params: str, formula: str) -> str:
        return " ".join((_fit(name, w_name), _fit(shape, w_shape), params.rjust(w_params), _fit(formula, w_formula))).rstrip()

    lines.append(line("Layer (type)", "Output Shape", "Param #", "Formula"))
    lines.append("━" * width)
    for name in order:
        row = rows.get(name) or ops[name]
        kind = row.class_name + (" op" if name in ops else "")
        shape = "?" if row.output_shape is None else format_output_shape(row.output_shape)
        lines.append(line(f"{row.name} ({kind})", shape, _params(row), _note(row)))
    lines.append("━" * width)
    lines.append(f"Total params: {model.total:,}")
    lines.append(f"Trainable params: {model.trainable:,}")
    lines.append(f"Non-trainable params: {model.non_trainable:,}")
    for row in model.layers:
        if row.shared_with:
            lines.append(f"{row.name}: {_shared(row)} in the totals")
    missing = [r for r in (*model.layers, *model.operations) if not r.complete]
    if missing:
        lines.append(f"{len(missing)} row(s) not described: the totals count the described rows only")
    return "\n".join(one_line(text) for text in lines)  # a name with a line break stays on its row
