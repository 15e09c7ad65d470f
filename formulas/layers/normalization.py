"""BatchNormalization.

gamma (if scale) and beta (if center) are trainable; moving_mean and moving_variance are not:
T = C·(scale + center), NT = 2C (5C with ``renorm``: moving_stddev, renorm_mean, renorm_stddev).
Keras 3 takes one int axis (``int(axis)``); Keras 2 also takes a list, and then every parameter
has the input's rank with 1 on the axes that are not normalised.  Keras 2's ``virtual_batch_size``
gives every parameter that broadcast shape plus an extra 1 at index 1 (rank + 1 dims); ``fused``
changes no weight but is refused where the fused kernel cannot run.
Sources: ``keras/src/layers/normalization/batch_normalization.py``,
``tf_keras/src/layers/normalization/batch_normalization.py`` (Keras 2.15: same file under
``keras/src/layers``).
"""

from __future__ import annotations

from .._config import Config
from .._derivation import Axis, Derivation
from .._model import Shape
from .._registry import register
from .._version import describe_feature
from ._common import has, single

_RENORM_KEYS = ("rmax", "rmin", "dmax")
#: Keras 2: axes accepted with ``fused=True`` before the rank is known.
_FUSED_AXES = (-4, -3, -1, 1, 3, 4)


def _renorm_clipping(cfg: Config) -> None:
    """Both lines refuse unknown keys; Keras 3 also refuses rmax < rmin and dmax < 0."""
    clip = cfg.raw.get("renorm_clipping") or {}
    if not isinstance(clip, dict):
        raise cfg.fail(f"renorm_clipping={clip!r} is not a dict of rmax, rmin, dmax")
    unknown = sorted(set(clip) - set(_RENORM_KEYS))
    if unknown:
        raise cfg.fail(f"renorm_clipping={clip!r} has invalid key(s) {unknown}; supported: rmax, rmin, dmax")
    if cfg.keras.is_keras3:
        rmax, rmin, dmax = clip.get("rmax"), clip.get("rmin"), clip.get("dmax")
        for key, value in (("rmax", rmax), ("rmin", rmin), ("dmax", dmax)):
            if value is not None and (isinstance(value, bool) or not isinstance(value, (int, float))):
                raise cfg.fail(f"renorm_clipping={clip!r}: {key}={value!r} is not a number")
        if rmax is not None and rmin is not None and rmax < rmin:
            raise cfg.fail(f"renorm_clipping={clip!r}: rmax must not be less than rmin")
        if dmax is not None and dmax < 0:
            raise cfg.fail(f"renorm_clipping={clip!r}: dmax must be non-negative")


def _keras2_axes(cfg: Config, raw_axis: object) -> tuple[int, ...]:
    if isinstance(raw_axis, bool) or not isinstance(raw_axis, (int, list, tuple)):
        raise cfg.fail(f"axis={raw_axis!r} is not an int or a list of ints")
    return cfg.int_list("axis", -1)


@register("BatchNormalization", family="normalization")
def batch_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """gamma, beta (C,) trainable; moving_mean, moving_variance (C,) non-trainable;
    total (scale + center)·C + 2C (+3C with renorm).  Keras 2 multi-axis or virtual batches:
    each parameter is (n0, …) with 1 on un-normalised axes (and a 1 inserted at index 1)."""
    x = single(cfg, x_in)
    keras3 = cfg.keras.is_keras3
    raw_axis = cfg.get("axis", -1)
    axes: tuple[int, ...]
    if keras3:
        if isinstance(raw_axis, (list, tuple)):
            raise cfg.fail(f"axis={raw_axis!r}: Keras 3 takes a single integer axis")
        axes = (cfg.integer("axis", -1),)
    else:
        axes = _keras2_axes(cfg, raw_axis)
    center = cfg.boolean("center", True)
    scale = cfg.boolean("scale", True)
    renorm = cfg.boolean("renorm", False)
    synchronized = cfg.boolean("synchronized", False)
    if synchronized and keras3 and cfg.backend not in (None, "tensorflow"):
        raise cfg.fail(f"synchronized=True is only supported with the TensorFlow backend, not {cfg.backend}")
    renorm_keys = [key for key in ("renorm", "renorm_clipping", "renorm_momentum") if key in cfg.raw]
    if renorm_keys and not has(cfg, "batchnorm-renorm"):
        raise cfg.fail(
            f"Keras {cfg.keras} has no argument {renorm_keys[0]!r} ({describe_feature('batchnorm-renorm', cfg.keras)})"
        )
    if renorm:
        _renorm_clipping(cfg)
    vbs: int | None = None
    fused: bool | None = None
    if keras3:
        for key in ("fused", "virtual_batch_size", "adjustment"):
            if key in cfg.raw:
                raise cfg.fail(f"Keras 3 has no argument {key!r} (Keras 2 only)")
    else:
        if cfg.raw.get("adjustment") is not None:
            raise cfg.fail("adjustment is a Python callable; it cannot be given in a config")
        vbs = cfg.optional_integer("virtual_batch_size")
        fused_raw = cfg.raw.get("fused")
        if fused_raw is not None:
            fused = cfg.boolean("fused", False)
        if synchronized and fused:
            raise cfg.fail("fused=True is not supported with synchronized=True")
        if fused:
            if renorm:
                raise cfg.fail("fused=True is not supported with renorm=True")
            if len(axes) != 1 or axes[0] not in _FUSED_AXES:
                raise cfg.fail(f"fused=True needs axis 1 or 3 (rank 4) or 1 or 4 (rank 5), got axis={raw_axis!r}")
            if vbs is not None:
                raise cfg.fail("fused=True is not supported with virtual_batch_size")
    d.arg("axis", raw_axis)
    for key, value in (("center", center), ("scale", scale)):
        if not value:
            d.arg(key, False)
    if renorm:
        d.arg("renorm", True)
    if vbs is not None:
        d.arg("virtual_batch_size", vbs)

    resolved: list[int] = []
    for a in axes:
        r = a + len(x) if a < 0 else a
        if not 0 <= r < len(x):
            raise cfg.fail(f"axis={raw_axis!r} is out of range for input {x}")
        if r in resolved:
            raise cfg.fail(f"axis={raw_axis!r} repeats axis {r}")
        resolved.append(r)
    if vbs is not None:
        if vbs <= 0:
            raise cfg.fail(f"virtual_batch_size={vbs} must be a positive integer")
        if 0 in resolved:
            raise cfg.fail(f"virtual_batch_size needs the batch axis 0 outside axis={raw_axis!r}")
    if fused:
        if len(x) not in (4, 5):
            raise cfg.fail(f"fused=True needs a rank-4 or rank-5 input, got {x}")
        if len(x) == 4 and resolved[0] not in (1, 3):
            raise cfg.fail(f"fused=True on a rank-4 input needs axis 1 or 3, got axis={raw_axis!r}")
    for r in resolved:
        if x[r] is None:
            raise cfg.fail(f"axis {r} of input {x} is undefined (None); it must have a size")
    if len(resolved) == 1 and vbs is None:
        shape: list[Axis] = [("C", x[resolved[0]])]
    else:
        shape = [(f"n{i}", x[i]) if i in resolved else ("1", 1) for i in range(len(x))]
        if vbs is not None:
            shape.insert(1, ("1", 1))
            d.note("virtual_batch_size: the parameters take the input's rank + 1, with 1 at index 1")

    if scale:
        d.weight("gamma", shape)
    if center:
        d.weight("beta", shape)
    d.weight("moving_mean", shape, trainable=False)
    d.weight("moving_variance", shape, trainable=False)
    if renorm:
        for name in ("moving_stddev", "renorm_mean", "renorm_stddev"):
            d.weight(name, shape, trainable=False)
    if len(resolved) == 1:
        c = x[resolved[0]]
        assert c is not None
        n_t = int(scale) + int(center)
        n_nt = 5 if renorm else 2
        d.total(f"{n_t} × C + {n_nt} × C", C=c)
    d.output(x, "input shape")
