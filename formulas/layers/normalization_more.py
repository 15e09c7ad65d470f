"""LayerNormalization, GroupNormalization, RMSNormalization, UnitNormalization, SpectralNormalization.

Sources (Keras 3): ``keras/src/layers/normalization/{layer,group,rms,unit,spectral}_normalization.py``;
(Keras 2): ``tf_keras/src/layers/normalization/`` (Keras 2.15: the same files under ``keras/src``).
"""

from __future__ import annotations

from typing import Any

from .._config import Config
from .._derivation import Axis, Derivation
from .._model import Dim, Shape, Weight
from .._registry import nested, register
from ._common import has, single


def _axis_list(cfg: Config, key: str = "axis", default: Any = -1) -> tuple[list[int], bool]:
    """``axis`` as a list of ints, and whether it was given as a list (Keras refuses other types)."""
    raw = cfg.get(key, default)
    if isinstance(raw, bool) or not isinstance(raw, (int, list, tuple)):
        raise cfg.fail(f"{key}={raw!r} is not an int or a list of ints")
    return list(cfg.int_list(key, default)), isinstance(raw, (list, tuple))


def _resolve(cfg: Config, axes: list[int], x: Shape, *, allow_repeat: bool = False) -> list[int]:
    """Axes made non-negative; out of range and (unless allowed) repeated axes are refused."""
    out: list[int] = []
    for a in axes:
        r = a + len(x) if a < 0 else a
        if not 0 <= r < len(x):
            raise cfg.fail(f"axis={cfg.get('axis', -1)!r}: axis {a} is out of range for input {x}")
        if r in out and not allow_repeat:
            raise cfg.fail(f"axis={cfg.get('axis', -1)!r} repeats axis {r}")
        out.append(r)
    return out


def _param_axes(cfg: Config, x: Shape, axes: list[int], as_list: bool) -> list[Axis]:
    """The normalised dims in the order Keras builds the parameter: newer Keras 3
    (``layernorm-axes-sorted`` in versions.json) sorts the axes as given (``sorted([1, -1])`` is
    ``[-1, 1]``, so the last dim comes first); keras-nightly 3.16.0.dev2026102704's
    LayerNormalization makes them non-negative first, then sorts
    (``layernorm-axes-canonical-sorted``: ``[1, -1]`` on rank 4 is ``[1, 3]``; RMSNormalization
    still sorts them as given); Keras 2, 3.0.5 and 3.8.0 keep the given order after making each
    axis non-negative."""
    resolved = _resolve(cfg, axes, x)
    if cfg.class_name == "LayerNormalization" and has(cfg, "layernorm-axes-canonical-sorted"):
        order = sorted(resolved)
    elif as_list and has(cfg, "layernorm-axes-sorted"):
        order = [a % len(x) for a in sorted(axes)]
    else:
        order = resolved
    dims = [(f"n{a}", x[a]) for a in order]
    for a in order:
        if x[a] is None:
            raise cfg.fail(f"axis {a} of input {x} is undefined (None); a parameter needs its size")
    return dims


@register("LayerNormalization", family="normalization")
def layer_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """gamma (if scale) and beta (if center), each of shape (∏ normalised dims): (center + scale)·∏n.
    Keras 3's ``rms_scaling=True`` keeps gamma only (even with scale=False); Keras 2 has no such
    argument.  Keras 3 accepts ``axis=[]`` (scalar gamma and beta)."""
    x = single(cfg, x_in)
    axes, as_list = _axis_list(cfg)
    center = cfg.boolean("center", True)
    scale = cfg.boolean("scale", True)
    rms = False
    if cfg.keras.is_keras3:
        rms = cfg.boolean("rms_scaling", False)
    elif "rms_scaling" in cfg.raw:
        raise cfg.fail("Keras 2 has no argument 'rms_scaling'")
    if not axes and not cfg.keras.is_keras3:
        raise cfg.fail("axis=[] names no axis")
    d.arg("axis", cfg.get("axis", -1))
    dims = _param_axes(cfg, x, axes, as_list)
    n = 1
    for _, v in dims:
        n *= v or 0
    has_gamma = scale or rms
    has_beta = center and not rms
    if has_gamma:
        d.weight("gamma", dims)
    if has_beta:
        d.weight("beta", dims)
    if has_gamma or has_beta:
        d.total("k × N", k=int(has_gamma) + int(has_beta), N=n)
    if rms:
        d.note("rms_scaling: gamma only, no beta")
    d.output(x, "input shape")


@register("GroupNormalization", family="normalization")
def group_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """gamma (C,) and beta (C,) over the channel axis, whatever ``groups`` is: (center + scale)·C.
    groups must divide C (−1 means C groups: instance normalisation); the input needs rank ≥ 2."""
    x = single(cfg, x_in)
    raw_groups = cfg.get("groups", 32)
    if isinstance(raw_groups, bool) or not isinstance(raw_groups, int) or (raw_groups <= 0 and raw_groups != -1):
        raise cfg.fail(f"groups={raw_groups!r} must be a positive integer or -1")
    raw_axis = cfg.get("axis", -1)
    if isinstance(raw_axis, bool) or not isinstance(raw_axis, int):
        raise cfg.fail(f"axis={raw_axis!r} must be a single integer")
    center = cfg.boolean("center", True)
    scale = cfg.boolean("scale", True)
    d.arg("groups", raw_groups)
    if raw_axis != -1:
        d.arg("axis", raw_axis)
    (a,) = _resolve(cfg, [raw_axis], x)
    c = x[a]
    if c is None:
        raise cfg.fail(f"axis {raw_axis} of input {x} is undefined (None); it must have a size")
    groups = c if raw_groups == -1 else raw_groups
    if groups == 0:  # groups=-1 on an empty axis: Keras divides by zero
        raise cfg.fail(f"groups={raw_groups} on axis {raw_axis} of input {x}, which has no channels")
    if c < groups:
        raise cfg.fail(f"groups={groups} is more than the {c} channels of input {x}")
    if c % groups:
        raise cfg.fail(f"groups={groups} does not divide the {c} channels of input {x}")
    if len(x) < 2:
        raise cfg.fail(f"needs an input of rank >= 2 (batch axis included), got {x}")
    if scale:
        d.weight("gamma", [("C", c)])
    if center:
        d.weight("beta", [("C", c)])
    if scale or center:
        d.total(f"{int(scale) + int(center)} × C", C=c)
    d.output(x, "input shape")


def _broadcast_with(cfg: Config, x: Shape, param: Shape) -> Shape:
    """x ⊙ param with NumPy's right-aligned broadcasting, as Keras 3's rms_normalization applies
    ``scale``; a size 1 in x stretches to the parameter's size."""
    out: list[Dim] = list(x)
    for k in range(1, len(param) + 1):
        if k > len(x):
            raise cfg.fail(f"scale shape {param} has more dims than input {x}")
        xi, pi = x[-k], param[-k]
        if xi is None or pi == 1 or xi == pi:
            continue
        if xi == 1:
            out[-k] = pi
        else:
            raise cfg.fail(f"scale shape {param} does not broadcast against input {x} (right-aligned)")
    return tuple(out)


@register("RMSNormalization", family="normalization")
def rms_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """scale of shape (normalised dims, sorted as given): ∏n.  Keras 3 multiplies the input by
    ``scale`` with plain right-aligned broadcasting, so the normalised axes must be the trailing
    ones (or the sizes must happen to broadcast): axis=1 on (None, 4, 6) fails on real data."""
    x = single(cfg, x_in)
    axes, as_list = _axis_list(cfg)
    d.arg("axis", cfg.get("axis", -1))
    dims = _param_axes(cfg, x, axes, as_list)
    d.weight("scale", dims)
    out = _broadcast_with(cfg, x, tuple(v for _, v in dims))
    d.output(out, "input shape")


@register("UnitNormalization", family="normalization")
def unit_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape.  Every axis must be in range and appear once."""
    x = single(cfg, x_in)
    axes, _ = _axis_list(cfg)
    d.arg("axis", cfg.get("axis", -1))
    _resolve(cfg, axes, x)
    d.output(x, "input shape")


@register("SpectralNormalization", family="normalization")
def spectral_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """The wrapped layer's weights + vector_u (1, kernel.shape[-1]) non-trainable; the output is
    the wrapped layer's.  The layer must have a ``kernel`` (or ``embeddings``); Keras 3
    lists the kernel, vector_u, then the other inner weights; Keras 2 the inner trainable weights,
    vector_u, then the inner non-trainable ones."""
    x = single(cfg, x_in)
    power = cfg.get("power_iterations", 1)
    if isinstance(power, bool) or not isinstance(power, (int, float)) or power <= 0:
        raise cfg.fail(f"power_iterations={power!r} must be greater than zero")
    inner = nested(cfg, cfg.get("layer"), x)
    kernel = next((w for w in inner.weights if w.name in ("kernel", "embeddings")), None)
    if kernel is None:
        raise cfg.fail(f"the wrapped {inner.class_name} has no 'kernel' nor 'embeddings'")
    d.arg("layer", inner.class_name)
    last = kernel.shape[-1]
    u: list[Axis] = [("1", 1), ("k[-1]", last)]
    if cfg.keras.is_keras3:
        # build() stores the inner kernel as an attribute of the wrapper: it becomes the wrapper's
        # own first weight, then vector_u, then the inner layer's remaining weights.
        _copy(d, kernel)
        d.weight("vector_u", u, trainable=False)
        for w in inner.weights:
            if w is not kernel:
                _copy(d, w)
    else:
        # Keras 2 lists every trainable weight, then every non-trainable one.
        for w in inner.weights:
            if w.trainable:
                _copy(d, w)
        d.weight("vector_u", u, trainable=False)
        for w in inner.weights:
            if not w.trainable:
                _copy(d, w)
    d.output(inner.output_shape, f"output of the wrapped {inner.class_name}")


def _copy(d: Derivation, w: Weight) -> None:
    """A weight of the wrapped layer, listed with its own shape."""
    d.weight(w.name, [(str(v), v) for v in w.shape], trainable=w.trainable)
