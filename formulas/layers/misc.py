"""Masking, Identity, ActivityRegularization, ThresholdedReLU (Keras 2) and the adaptive pooling
layers (Keras 3).  None has weights.

Sources: ``keras/src/layers/core/{masking,identity}.py``,
``keras/src/layers/regularization/activity_regularization.py``,
``keras/src/layers/pooling/{base_adaptive_pooling,adaptive_*_pooling{1,2,3}d}.py`` (Keras 3);
``tf_keras/src/layers/core/{masking,identity}.py``, ``…/regularization/activity_regularization.py``,
``…/activation/thresholded_relu.py`` (Keras 2).
"""

from __future__ import annotations

import math

from .._config import Config
from .._derivation import Derivation
from .._model import Shape
from .._registry import register
from ._common import rank, single


@register("Masking", "Identity", family="core")
def same_shape(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; the output is the input (Masking only attaches a mask)."""
    d.output(single(cfg, x), "input shape")


@register("ActivityRegularization", family="regularization")
def activity_regularization(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights (the penalty is a loss, not a weight); same shape.  Keras 3 refuses a negative,
    infinite or NaN l1/l2; Keras 2 takes any number."""
    for key in ("l1", "l2"):
        value = cfg.number(key, 0.0)
        if cfg.keras.is_keras3 and (value < 0 or math.isinf(value) or math.isnan(value)):
            raise cfg.fail(f"{key}={value!r} must be a non-negative float")
        if value:
            d.arg(key, value)
    d.output(single(cfg, x), "input shape")


@register("ThresholdedReLU", family="activation")
def thresholded_relu(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape.  theta must be a number >= 0 (Keras 3 dropped the layer)."""
    if cfg.raw.get("theta", 1.0) is None:
        raise cfg.fail("theta=None: theta must be a number")
    theta = cfg.number("theta", 1.0)
    if theta < 0:
        raise cfg.fail(f"theta={theta!r} must be >= 0")
    d.arg("theta", theta)
    d.output(single(cfg, x), "input shape")


def _adaptive(n: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
        """No weights.  Output (batch, *output_size, C) (channels_last) or (batch, C, *output_size):
        the spatial sizes are output_size whatever the input's (larger ones upsample).  The input
        must have rank n + 2 and output_size must be positive."""
        xs = single(cfg, x)
        raw = cfg.get("output_size")
        if isinstance(raw, bool) or not isinstance(raw, (int, list, tuple)):
            raise cfg.fail(f"output_size={raw!r} is not an integer or a tuple of {n} integers")
        size = cfg.int_tuple("output_size", n)
        fmt = cfg.data_format()
        d.arg("output_size", size)
        if fmt != "channels_last":
            d.arg("data_format", fmt)
        rank(cfg, xs, ndim=n + 2)
        if fmt == "channels_last":
            d.output((xs[0], *size, xs[-1]), "(batch, *output_size, C)")
        else:
            d.output((xs[0], xs[1], *size), "(batch, C, *output_size)")

    return formula


# Which Keras 3 releases have the adaptive pooling layers: formulas/versions.json.
for _n in (1, 2, 3):
    register(f"AdaptiveAveragePooling{_n}D", family="pooling")(_adaptive(_n))
    register(f"AdaptiveMaxPooling{_n}D", family="pooling")(_adaptive(_n))
