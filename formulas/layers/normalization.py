"""BatchNormalization.

gamma (if scale) and beta (if center) are trainable; moving_mean and moving_variance are not:
T = C·(scale + center), NT = 2C (5C with ``renorm``: moving_stddev, renorm_mean, renorm_stddev).
Keras 3 takes one int axis; Keras 2 also takes a list, and then every parameter has the input's
rank with 1 on the axes that are not normalised.
Sources: ``keras/src/layers/normalization/batch_normalization.py``,
``tf_keras/src/layers/normalization/batch_normalization.py``.
"""

from __future__ import annotations

from .._config import Config
from .._derivation import Axis, Derivation
from .._model import Shape
from .._registry import register
from ._common import single


@register("BatchNormalization", family="normalization")
def batch_normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    x = single(cfg, x_in)
    keras3 = cfg.keras.is_keras3
    raw_axis = cfg.get("axis", -1)
    axes: tuple[int, ...]
    if keras3:
        if isinstance(raw_axis, (list, tuple)):
            raise cfg.fail(f"axis={raw_axis!r}: Keras 3 takes a single integer axis")
        axes = (cfg.integer("axis", -1),)
    else:
        axes = cfg.int_list("axis", -1)
    center = cfg.boolean("center", True)
    scale = cfg.boolean("scale", True)
    renorm = cfg.boolean("renorm", False)
    if renorm and keras3 and not cfg.keras.at_least(3, 14):
        raise cfg.fail(f"renorm=True needs Keras 3.14 or later (this is Keras {cfg.keras})")
    d.arg("axis", raw_axis)
    for key, value in (("center", center), ("scale", scale)):
        if not value:
            d.arg(key, False)
    if renorm:
        d.arg("renorm", True)

    resolved = []
    for a in axes:
        r = a + len(x) if a < 0 else a
        if not 0 <= r < len(x):
            raise cfg.fail(f"axis={raw_axis!r} is out of range for input {x}")
        if r in resolved:
            raise cfg.fail(f"axis={raw_axis!r} repeats axis {r}")
        resolved.append(r)
    for r in resolved:
        if x[r] is None:
            raise cfg.fail(f"axis {r} of input {x} is undefined (None); it must have a size")
    if len(resolved) == 1:
        shape: list[Axis] = [("C", x[resolved[0]])]
    else:
        shape = [(f"n{i}", x[i]) if i in resolved else ("1", 1) for i in range(len(x))]

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
