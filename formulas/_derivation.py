"""Collects what a formula predicts, and the text that shows how: symbolic, then substituted."""

from __future__ import annotations

import math
from collections.abc import Sequence

from ._arith import substitute
from ._model import (
    MAX_DIM,
    Dim,
    Expectation,
    InvalidLayerError,
    OutputShape,
    Shape,
    Weight,
    format_output_shape,
    format_shape,
    shape_size,
)

#: One axis of a weight: its symbol (``"d"``, ``"C/g"``) and its value.
Axis = tuple[str, Dim]


def _num(value: int) -> str:
    return f"{value:,}"


def _axis(value: Dim) -> str:
    return "None" if value is None else str(value)


class Derivation:
    """Formulas call :meth:`weight`, :meth:`output` and optionally :meth:`total` and :meth:`note`."""

    def __init__(self, class_name: str, input_shape: Shape | tuple[Shape, ...], keras: str) -> None:
        self.class_name = class_name
        self.input_shape = input_shape
        self.keras = keras
        self.args: list[tuple[str, object]] = []
        self.weights: list[Weight] = []
        self.weight_lines: list[str] = []
        self.total_line: str | None = None
        self.lines: list[str] = []
        self.output_shape: OutputShape | None = None

    def arg(self, key: str, value: object) -> None:
        """A config value the formula used: shown in the title of the explanation."""
        self.args.append((key, value))

    def weight(self, name: str, axes: Sequence[Axis], *, trainable: bool = True) -> Weight:
        shape: Shape = tuple(value for _, value in axes)
        for symbol, value in axes:
            if value is not None and not 0 <= value <= MAX_DIM:
                shown = "past int64 (2^63 - 1)" if value > 0 else f"{value}, negative"
                raise InvalidLayerError(f"{self.class_name}: weight {name!r} would have a dimension {symbol} = {shown}")
        weight = Weight(name, shape, trainable)
        if weight.size > MAX_DIM:
            raise InvalidLayerError(
                f"{self.class_name}: weight {name!r} would have more than 2^63 - 1 elements (shape {symbolic_of(axes)})"
            )
        self.weights.append(weight)
        symbols = ", ".join(sym for sym, _ in axes)
        symbolic = f"({symbols},)" if len(axes) == 1 else f"({symbols})"
        role = "" if trainable else "  [non-trainable]"
        if len(axes) == 0:
            text = f"{name} () = 1"
        elif len(axes) == 1:
            text = f"{name} {symbolic} = {_num(weight.size) if shape[0] is not None else 'None'}"
        else:
            product = " × ".join(_axis(v) for v in shape)
            text = f"{name} {symbolic} = {product} = {_num(weight.size)}"
        self.weight_lines.append(text + role)
        return weight

    def total(self, template: str, **values: int) -> None:
        """The total as one formula, e.g. ``total("u × (d + 1)", u=10, d=784)``."""
        size = sum(w.size for w in self.weights)
        self.total_line = f"total {template} = {substitute(template, values)} = {_num(size)}"

    def output(self, shape: OutputShape, symbolic: str | None = None) -> None:
        check_output(self.class_name, shape)
        self.output_shape = shape
        rendered = format_output_shape(shape)
        self.lines.append(f"output {symbolic} = {rendered}" if symbolic else f"output {rendered}")

    def note(self, text: str) -> None:
        self.lines.append(text)

    def finish(self) -> Expectation:
        if self.output_shape is None:  # pragma: no cover - a formula bug, not user input
            raise RuntimeError(f"formula for {self.class_name} set no output shape")
        weights = tuple(self.weights)
        total = sum(w.size for w in weights)
        trainable = sum(w.size for w in weights if w.trainable)
        if not weights:
            total_line = "no weights; total 0"
        elif self.total_line is not None:
            total_line = self.total_line
        elif len(weights) == 1:
            total_line = f"total {_num(total)}"
        else:
            total_line = "total " + " + ".join(_num(w.size) for w in weights) + f" = {_num(total)}"
        if weights and trainable != total:
            total_line += f" (trainable {_num(trainable)}, non-trainable {_num(total - trainable)})"
        args = ", ".join(f"{k}={v!r}" for k, v in self.args)
        if isinstance(self.input_shape, tuple) and self.input_shape and isinstance(self.input_shape[0], tuple):
            inp = "[" + ", ".join(format_shape(s) for s in self.input_shape) + "]"
        else:
            inp = format_shape(self.input_shape)  # type: ignore[arg-type]
        title = f"{self.class_name}({args}) on {inp} -> {format_output_shape(self.output_shape)}"
        return Expectation(
            class_name=self.class_name,
            input_shape=self.input_shape,
            weights=weights,
            output_shape=self.output_shape,
            keras=self.keras,
            title=title,
            derivation=tuple(self.weight_lines + [total_line] + self.lines),
        )


def symbolic_of(axes: Sequence[Axis]) -> str:
    return "(" + ", ".join(sym for sym, _ in axes) + ")"


def check_output(class_name: str, shape: OutputShape) -> None:
    """Refuse an output dimension past int64: no backend has such a tensor (and a model that
    multiplied dimensions layer after layer would grow integers too long to print)."""
    shapes = shape if shape and isinstance(shape[0], tuple) else (shape,)
    for s in shapes:
        for d in s:
            if isinstance(d, int) and not -MAX_DIM - 1 <= d <= MAX_DIM:
                raise InvalidLayerError(f"{class_name}: an output dimension would be past int64 (2^63 - 1)")


def product(values: Sequence[Dim]) -> int | None:
    """Product of known dims; None if any is unknown."""
    if any(v is None for v in values):
        return None
    return math.prod(v for v in values if v is not None)


__all__ = ["Axis", "Derivation", "check_output", "product", "shape_size"]
