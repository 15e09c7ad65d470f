"""Frozen value types at the engine's boundary: weights, expectations, errors."""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from functools import cached_property

Dim = int | None
Shape = tuple[Dim, ...]
#: A layer's output: one shape, or a tuple of shapes for layers with several outputs.
OutputShape = Shape | tuple[Shape, ...]

#: The largest dimension, weight size or config integer any Keras backend can hold (int64); the
#: same as ``verify.limits.MAX_INT`` (a test checks they agree: this package imports no ``verify``).
MAX_DIM = 2**63 - 1
#: The highest rank of a tensor the engine takes (numpy's own limit, ``verify.limits.MAX_RANK``).
MAX_RANK = 64


def short(value: object, limit: int = 200) -> str:
    """``repr(value)`` cut to ``limit`` characters, for messages (a hostile value may be megabytes
    long, an int too long to print, a list nested too deep to repr)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def one_line(text: str) -> str:
    """``text`` with its line breaks made spaces: a refusal or a note is one line, whatever a
    hostile name or version string in it holds."""
    return " ".join(text.splitlines()) if len(text.splitlines()) > 1 else text


class InvalidLayerError(ValueError):
    """Keras would refuse this layer configuration on this input; the message names the value."""


class UnknownLayerError(LookupError):
    """No formula for this class name (or the named Keras version has no such layer: then
    ``absent_from_version`` is True)."""

    def __init__(self, message: str, *, absent_from_version: bool = False) -> None:
        super().__init__(message)
        self.absent_from_version = absent_from_version


def shape_size(shape: Shape) -> int:
    """Number of scalars in a weight of this shape; Keras 2 counts an unknown dim as 0."""
    return math.prod(0 if d is None else d for d in shape)


def format_shape(shape: Shape) -> str:
    """Keras notation: ``(None, 222, 222, 32)``, ``(10,)``, ``()``."""
    inner = ", ".join("None" if d is None else str(d) for d in shape)
    return f"({inner},)" if len(shape) == 1 else f"({inner})"


def format_output_shape(shape: OutputShape) -> str:
    if shape and isinstance(shape[0], tuple):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)  # type: ignore[arg-type]


@dataclass(frozen=True)
class Weight:
    """One variable the layer creates: its Keras name (normalised, e.g. ``kernel``), shape and role."""

    name: str
    shape: Shape
    trainable: bool = True

    @cached_property
    def size(self) -> int:
        return shape_size(self.shape)


class WeightCounts:
    """``trainable`` / ``non_trainable`` / ``total`` derived from a ``weights`` tuple, for every
    record that holds weights (an expectation, a model row, what Keras built): a count that
    disagrees with the weights beside it cannot happen."""

    weights: tuple[Weight, ...]

    @property
    def trainable(self) -> int:
        return sum(w.size for w in self.weights if w.trainable)

    @property
    def non_trainable(self) -> int:
        return sum(w.size for w in self.weights if not w.trainable)

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable


@dataclass(frozen=True)
class Expectation(WeightCounts):
    """What a layer will create and produce, according to the formulas.

    ``weights`` are in the order Keras creates them; the counts are derived from them, so a
    right total with wrong weights cannot happen.  ``derivation`` holds the lines that
    :meth:`explain` prints: each symbolic, then substituted.
    """

    class_name: str
    input_shape: Shape | tuple[Shape, ...]
    weights: tuple[Weight, ...]
    output_shape: OutputShape
    keras: str
    title: str = ""
    derivation: tuple[str, ...] = field(default=(), compare=False)

    def explain(self) -> str:
        """The derivation as text: the layer, one line per weight, the total and the output."""
        lines = [self.title or self.class_name]
        lines.extend(f"  {line}" for line in self.derivation)
        return "\n".join(lines)
