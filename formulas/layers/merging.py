"""The merge layers: Add, Subtract, Multiply, Average, Maximum, Minimum, Concatenate, Dot.

None has weights.  They take a list of input shapes (a single shape is refused).
Sources: ``keras/src/layers/merging/{base_merge,add,subtract,…,concatenate,dot}.py`` (Keras 3),
``tf_keras/src/layers/merging/`` (Keras 2; Keras 2.15 has the same files under ``keras/src``).

Keras 3 computes a merge layer's symbolic output with ``compute_output_shape``; Keras 2 runs the
TensorFlow op on placeholders, whose shape inference knows a little more about unknown dims
(``(None, 4) + (None, None)`` is ``(None, 4)`` in Keras 2, ``(None, None)`` in Keras 3).
"""

from __future__ import annotations

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape
from .._registry import register


def _shapes(cfg: Config, x: Shape | tuple[Shape, ...], *, exactly: int | None = None) -> tuple[Shape, ...]:
    """The list of input shapes of a merge layer."""
    if not x or not isinstance(x[0], tuple):
        raise cfg.fail(f"a merge layer must be called on a list of inputs, got one shape {x!r}")
    shapes: tuple[Shape, ...] = x
    if exactly is not None and len(shapes) != exactly:
        raise cfg.fail(f"must be called on exactly {exactly} inputs, got {len(shapes)}: {list(shapes)!r}")
    return shapes


def _batch(cfg: Config, shapes: tuple[Shape, ...]) -> Dim:
    """The one known batch size (or None); different known batch sizes are refused."""
    sizes = {s[0] for s in shapes if s} - {None}
    if len(sizes) > 1:
        raise cfg.fail(f"cannot merge tensors with different batch sizes: {list(shapes)!r}")
    return next(iter(sizes)) if sizes else None


def _merge_dim(a: Dim, b: Dim) -> Dim:
    """Two dims that must be equal at run time: the known one (TensorFlow's shape inference)."""
    return a if a is not None else b


def _broadcast(cfg: Config, s1: Shape, s2: Shape, *, keras3: bool) -> Shape:
    """Keras's ``_compute_elemwise_op_output_shape``: right-aligned broadcasting where 1 stretches.
    An unknown dim gives None in Keras 3; in Keras 2 (TensorFlow inference) None against a known
    n > 1 gives n."""
    if len(s1) < len(s2):
        s1, s2 = s2, s1
    if not s2:
        return s1
    out: list[Dim] = list(s1[: len(s1) - len(s2)])
    for i, j in zip(s1[len(s1) - len(s2) :], s2):
        if i is None or j is None:
            known = i if j is None else j
            out.append(None if keras3 or known in (None, 1) else known)
        elif i == 1:
            out.append(j)
        elif j == 1 or i == j:
            out.append(i)
        else:
            raise cfg.fail(f"inputs have incompatible shapes {s1} and {s2} (batch axis excluded)")
    return tuple(out)


def _elementwise(*, exactly: int | None = None):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
        """No weights.  Output: the inputs broadcast together after the batch axis (right-aligned,
        1 stretches); the batch is the one known batch size (Keras 2: None if that size is 1 and
        another input's batch is unknown, as TensorFlow broadcasts it)."""
        shapes = _shapes(cfg, x, exactly=exactly)
        batch = _batch(cfg, shapes)
        keras3 = cfg.keras.is_keras3
        if not keras3:
            # TensorFlow broadcasts the batch axis too: a batch of 1 against None stays None.
            for s in shapes:
                if s and s[0] is None:
                    batch = None if batch == 1 else batch
        out = shapes[0][1:]
        for s in shapes[1:]:
            out = _broadcast(cfg, out, s[1:], keras3=keras3)
        d.output((batch, *out), "(batch, broadcast(inputs[1:]))")

    return formula


register("Add", "Multiply", "Average", "Maximum", "Minimum", family="merging")(_elementwise())
register("Subtract", family="merging")(_elementwise(exactly=2))


@register("Concatenate", family="merging")
def concatenate(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights.  Output: the inputs' shape with the sizes along ``axis`` summed (None if any is
    unknown); every other axis must agree where known.  Keras 3 takes the other dims from the first
    input; Keras 2 (TensorFlow inference) from the first input that knows them."""
    shapes = _shapes(cfg, x)
    axis = cfg.integer("axis", -1)
    d.arg("axis", axis)
    rank = len(shapes[0])
    for s in shapes:
        if len(s) != rank:
            raise cfg.fail(f"inputs must have the same rank, got {list(shapes)!r}")
    if not -rank <= axis < rank:
        raise cfg.fail(f"axis={axis} is out of range for inputs of rank {rank}")
    a = axis % rank
    for i in range(rank):
        if i == a:
            continue
        known = {s[i] for s in shapes} - {None}
        if len(known) > 1:
            raise cfg.fail(f"inputs must match except along axis {axis}, got {list(shapes)!r}")
    sizes = [s[a] for s in shapes]
    total: Dim = None if any(v is None for v in sizes) else sum(v for v in sizes if v is not None)
    if cfg.keras.is_keras3:
        out = list(shapes[0])
    else:
        out = list(shapes[0])
        for s in shapes[1:]:
            out = [_merge_dim(p, q) for p, q in zip(out, s)]
    out[a] = total
    d.output(tuple(out), "inputs with axis sizes summed")


@register("Dot", family="merging")
def dot(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights.  Batched dot product of two inputs over ``axes`` (one int for both, or a pair):
    output = x1 without its dot axis, then x2 without its batch and dot axis; (batch, 1) when only
    the batch is left.  The dot axes must have equal sizes (None only against None); axis 0 (the
    batch) is refused."""
    raw = cfg.get("axes")
    if isinstance(raw, bool) or not isinstance(raw, (int, list, tuple)):
        raise cfg.fail(f"axes={raw!r} is not an int or a pair of ints")
    if isinstance(raw, (list, tuple)):
        if len(raw) != 2:
            raise cfg.fail(f"axes={raw!r} must contain two elements")
        if any(isinstance(a, bool) or not isinstance(a, int) for a in raw):
            raise cfg.fail(f"axes={raw!r} must contain integers")
    cfg.boolean("normalize", False)
    d.arg("axes", raw)
    s1, s2 = _shapes(cfg, x, exactly=2)
    if isinstance(raw, int):
        a1, a2 = (raw % len(s1), raw % len(s2)) if raw < 0 else (raw, raw)
    else:
        a1, a2 = raw[0], raw[1]
    for a, s in ((a1, s1), (a2, s2)):
        if not -len(s) <= a < len(s):
            raise cfg.fail(f"axes={raw!r}: axis {a} is out of range for input {s}")
    a1, a2 = a1 % len(s1), a2 % len(s2)
    if s1[a1] != s2[a2]:
        raise cfg.fail(f"axes={raw!r}: sizes {s1[a1]} (axis {a1} of {s1}) and {s2[a2]} (axis {a2} of {s2}) differ")
    if a1 == 0 or a2 == 0:
        raise cfg.fail(f"axes={raw!r}: cannot take the dot product over the batch axis 0")
    if len(s1) < 2 or len(s2) < 2:
        raise cfg.fail(f"inputs must have rank >= 2, got {s1} and {s2}")
    batch = s1[0] if cfg.keras.is_keras3 else _broadcast(cfg, (s1[0],), (s2[0],), keras3=False)[0]
    if s1[0] is not None and s2[0] is not None and s1[0] != s2[0]:
        raise cfg.fail(f"cannot take a batched dot product of different batch sizes: {s1} and {s2}")
    out: list[Dim] = [batch, *[v for i, v in enumerate(s1) if i not in (0, a1)]]
    out += [v for i, v in enumerate(s2) if i not in (0, a2)]
    if len(out) == 1:
        out.append(1)
    d.output(tuple(out), "(batch, *x1 without axis, *x2[1:] without axis)")
