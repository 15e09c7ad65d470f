"""Cropping, zero padding, upsampling, Permute and RepeatVector.  No weights.

Cropping{1,2,3}D: L' = L − (a + b) per cropped axis; ZeroPadding{1,2,3}D: L' = L + (a + b);
UpSampling{1,2,3}D: L' = s·L; Permute(dims): output axis i is input axis dims[i];
RepeatVector(n): (batch, d) → (batch, n, d).
Sources: ``keras/src/layers/reshaping/`` (Keras 3), ``tf_keras/src/layers/reshaping/`` and
``tf_keras/src/backend.py`` (``resize_images``) (Keras 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape
from .._registry import register
from .._shapes import SPATIAL_SYMBOLS, spatial_axes
from ._common import has, needs, single
from ._common import rank as check_rank

_ORDINAL = ("1st", "2nd", "3rd")


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


def _pair(cfg: Config, key: str, value: Any, what: str) -> tuple[int, int]:
    """``standardize_tuple(value, 2, allow_zero=True)``: an int or two ints, none negative."""
    if _is_int(value):
        items = [value, value]
    elif isinstance(value, Sequence) and not isinstance(value, str) and len(value) == 2 and all(_is_int(v) for v in value):
        items = list(value)
    else:
        raise cfg.fail(f"{key}={cfg.raw.get(key)!r}: the {what} must be an integer or a tuple of 2 integers")
    if min(items) < 0:
        raise cfg.fail(f"{key}={cfg.raw.get(key)!r}: the {what} must not be negative")
    return items[0], items[1]


def _pairs(cfg: Config, key: str, rank: int, default: Any, *, negative_int: bool) -> tuple[tuple[int, int], ...]:
    """The cropping/padding of a 2D/3D layer: an int, or ``rank`` entries each an int or a pair.
    ``negative_int``: a single negative int is taken as it is (not checked by that Keras)."""
    value = cfg.get(key, default)
    if value is None:
        value = default
    if _is_int(value):
        if value < 0 and not negative_int:
            raise cfg.fail(f"{key}={value} must not be negative")
        return ((value, value),) * rank
    if not isinstance(value, Sequence) or isinstance(value, str):
        raise cfg.fail(f"{key}={value!r} is neither an integer nor a tuple of {rank} entries")
    if len(value) != rank:
        raise cfg.fail(f"{key}={value!r} must have {rank} entries")
    return tuple(_pair(cfg, key, entry, f"{_ORDINAL[i]} entry") for i, entry in enumerate(value))


def _python_slice_length(length: int, start: int, end: int) -> int:
    """Length of ``x[start:-end]`` (``x[start:]`` when end is 0) on an axis of ``length``."""
    return len(range(length)[slice(start, -end if end else None)])


# -- cropping ---------------------------------------------------------------------------------


def cropping(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        if rank == 1:
            if "data_format" in cfg.raw:
                raise cfg.fail("Cropping1D has no data_format argument")
            crops: tuple[tuple[int, int], ...] = (_pair(cfg, "cropping", cfg.get("cropping", (1, 1)), "cropping"),)
            data_format = "channels_last"
        else:
            default = ((0, 0), (0, 0)) if rank == 2 else ((1, 1), (1, 1), (1, 1))
            # Keras 2 does not check a single negative int (Keras 3 refuses it).
            crops = _pairs(cfg, "cropping", rank, default, negative_int=not keras3)
            data_format = cfg.data_format()
            if data_format != "channels_last":
                d.arg("data_format", data_format)
        d.arg("cropping", crops[0] if rank == 1 else crops)
        check_rank(cfg, x, ndim=rank + 2)
        axes = spatial_axes(x, data_format)
        out = list(x)
        for sym, axis, (a, b) in zip(SPATIAL_SYMBOLS[rank - 1].split(), axes, crops):
            L = x[axis]
            if L is None:
                d.note(f"{sym}' = None (unknown input length)")
                continue
            # Keras 3 (all ranks) and Keras 2 Cropping1D/2D refuse a crop that leaves nothing;
            # Keras 2 Cropping3D slices and keeps what the slice leaves (possibly 0).
            if (keras3 or rank < 3) and a + b >= L:
                raise cfg.fail(f"cropping {a} + {b} on an axis of length {L} leaves nothing (input {x})")
            out[axis] = _python_slice_length(L, a, b)
            d.note(f"{sym}' = {sym} − (a + b) = {L} − ({a} + {b}) = {out[axis]}")
        d.output(tuple(out), "(batch, cropped spatial dims, C)")

    formula.__doc__ = __doc__
    return formula


# -- zero padding -----------------------------------------------------------------------------


def zero_padding(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        if rank == 1:
            if not cfg.keras.is_keras3 and "data_format" in cfg.raw:
                raise cfg.fail(f"Keras {cfg.keras} ZeroPadding1D has no data_format argument")
            if "data_format" in cfg.raw:
                needs(cfg, "zeropadding1d-data-format", "ZeroPadding1D argument 'data_format'")
            pads: tuple[tuple[int, int], ...] = (_pair(cfg, "padding", cfg.get("padding", 1), "padding"),)
        else:
            # A single negative int passes both constructors, but tf.pad refuses it (Keras 2 while
            # tracing; Keras 3 reports a shrunk shape symbolically and fails when run).
            pads = _pairs(cfg, "padding", rank, 1, negative_int=False)
        data_format = cfg.data_format()
        d.arg("padding", pads[0] if rank == 1 else pads)
        if data_format != "channels_last":
            d.arg("data_format", data_format)
        check_rank(cfg, x, ndim=rank + 2)
        out = list(x)
        for sym, axis, (a, b) in zip(SPATIAL_SYMBOLS[rank - 1].split(), spatial_axes(x, data_format), pads):
            L = x[axis]
            if L is None:
                d.note(f"{sym}' = None (unknown input length)")
                continue
            out[axis] = L + a + b
            d.note(f"{sym}' = {sym} + a + b = {L} + {a} + {b} = {out[axis]}")
        d.output(tuple(out), "(batch, padded spatial dims, C)")

    formula.__doc__ = __doc__
    return formula


# -- upsampling -------------------------------------------------------------------------------

#: Interpolations that run: Keras 3 ``ops.image.resize`` (TensorFlow backend), Keras 2 ``get_interpolation``.
_K3_INTERPOLATIONS = ("nearest", "bilinear", "bicubic", "area", "lanczos3", "lanczos5")
_K2_INTERPOLATIONS = (*_K3_INTERPOLATIONS, "gaussian", "mitchellcubic")


def upsampling(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        if rank == 1:
            raw = cfg.get("size", 2)
            # Keras 3 releases without ``repeat-upsample1d-checked`` take int(size) and size=0, as
            # Keras 2 takes int(size) (whose size=0 then fails in the call).
            checked = keras3 and has(cfg, "repeat-upsample1d-checked")
            if checked and not _is_int(raw):
                raise cfg.fail(f"size={raw!r} is not an integer")
            if not isinstance(raw, (int, float)) or isinstance(raw, bool):
                raise cfg.fail(f"size={raw!r} is not a number")
            size: tuple[int, ...] = (int(raw),)  # Keras 2 takes int(size)
            if size[0] < 0 or (size[0] == 0 and (checked or not keras3)):
                raise cfg.fail(f"size={raw!r} must be a positive integer")
            data_format = "channels_last"
            if "data_format" in cfg.raw:
                raise cfg.fail("UpSampling1D has no data_format argument")
        else:
            raw = cfg.get("size", 2)
            if not (_is_int(raw) or (isinstance(raw, Sequence) and not isinstance(raw, str) and all(_is_int(v) for v in raw))):
                raise cfg.fail(f"size={raw!r} is not an integer or a tuple of {rank} integers")
            size = cfg.int_tuple("size", rank, 2)
            data_format = cfg.data_format()
            if data_format != "channels_last":
                d.arg("data_format", data_format)
        d.arg("size", size[0] if rank == 1 else size)
        interpolation = "nearest"
        if rank == 2:
            value = cfg.get("interpolation", "nearest")
            if not isinstance(value, str):
                raise cfg.fail(f"interpolation={value!r} is not a string")
            # Keras 2.12 compares the name as given; later releases lower-case it first.
            interpolation = value.lower() if has(cfg, "upsampling2d-interpolation-any-case") else value
            allowed = _K3_INTERPOLATIONS if keras3 else _K2_INTERPOLATIONS
            if interpolation not in allowed:
                raise cfg.fail(f"interpolation={value!r} is not one of {', '.join(allowed)}")
            if interpolation != "nearest":
                d.arg("interpolation", interpolation)
        elif "interpolation" in cfg.raw:
            raise cfg.fail(f"UpSampling{rank}D has no interpolation argument")
        check_rank(cfg, x, ndim=rank + 2)
        axes = spatial_axes(x, data_format)
        out: list[Dim] = list(x)
        syms = SPATIAL_SYMBOLS[rank - 1].split()
        # Keras 2 UpSampling2D resizes to a size computed at run time when any spatial dim is
        # unknown (backend.resize_images): then both output spatial dims are unknown.
        lose_both = rank == 2 and not keras3 and any(x[a] is None for a in axes)
        for sym, axis, s in zip(syms, axes, size):
            L = x[axis]
            if L is None or lose_both:
                out[axis] = None
                why = "unknown input length" if L is None else "Keras 2 resizes to a run-time size when a spatial dim is unknown"
                d.note(f"{sym}' = None ({why})")
                continue
            out[axis] = s * L
            d.note(f"{sym}' = s × {sym} = {s} × {L} = {out[axis]}")
        d.output(tuple(out), "(batch, upsampled spatial dims, C)")

    formula.__doc__ = __doc__
    return formula


for _r in (1, 2, 3):
    register(f"Cropping{_r}D", family="reshaping")(cropping(_r))
    register(f"ZeroPadding{_r}D", family="reshaping")(zero_padding(_r))
    register(f"UpSampling{_r}D", family="reshaping")(upsampling(_r))


# -- Permute, RepeatVector --------------------------------------------------------------------


@register("Permute", family="reshaping")
def permute(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Permute(dims): dims is a permutation of 1..n; output (batch, x[dims[0]], …, x[dims[n−1]]).
    Source: ``keras/src/layers/reshaping/permute.py``, ``tf_keras/src/layers/reshaping/permute.py``."""
    x = single(cfg, x_in)
    raw = cfg.get("dims")
    if not isinstance(raw, Sequence) or isinstance(raw, str) or not all(_is_int(v) for v in raw):
        raise cfg.fail(f"dims={raw!r} is not a list of integers")
    dims = tuple(raw)
    if sorted(dims) != list(range(1, len(dims) + 1)):
        raise cfg.fail(f"dims={list(dims)!r} is not a permutation of 1..{len(dims)}")
    d.arg("dims", dims)
    check_rank(cfg, x, ndim=len(dims) + 1)
    d.output((x[0], *(x[i] for i in dims)), "(batch, x[dims[0]], …)")


@register("RepeatVector", family="reshaping")
def repeat_vector(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """RepeatVector(n): (batch, d) → (batch, n, d).  Keras 3 with ``repeat-upsample1d-checked``
    (versions.json) needs n ≥ 1; Keras 2, 3.0.5 and 3.8.0 accept n = 0 (an empty axis).  Source: ``keras/src/layers/reshaping/repeat_vector.py``,
    ``tf_keras/src/layers/reshaping/repeat_vector.py``."""
    x = single(cfg, x_in)
    n = cfg.get("n")
    if not isinstance(n, int) or (isinstance(n, bool) and cfg.keras.is_keras3):
        raise cfg.fail(f"n={n!r} is not an integer")
    n = int(n)
    # Keras 2 reports a None axis for n < 0 symbolically; tf.tile then fails when run.
    if n < (1 if cfg.keras.is_keras3 and has(cfg, "repeat-upsample1d-checked") else 0):
        raise cfg.fail(f"n={n} must be a positive integer")
    d.arg("n", n)
    check_rank(cfg, x, ndim=2)
    d.output((x[0], n, x[1]), "(batch, n, d)")
