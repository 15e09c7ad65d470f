"""Sweep spaces for the normalization, merging and miscellaneous layers.

Each draw mixes valid and invalid settings (roughly one in six is meant to be refused): axes out
of range or repeated, groups that do not divide the channels, incompatible merge shapes, Keras 2
only arguments (``fused``, ``virtual_batch_size``) and Keras 3 only ones (``rms_scaling``).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Space = Callable[[random.Random], dict[str, Any]]


def _dims(rng: random.Random, n: int, *, none_p: float = 0.1, lo: int = 1, hi: int = 8) -> list[int | None]:
    return [None if rng.random() < none_p else rng.randint(lo, hi) for _ in range(n)]


def _shape(rng: random.Random, rank: int, *, none_p: float = 0.1) -> list[int | None]:
    """(batch, …) with rank dims in all; the batch is usually None."""
    batch = None if rng.random() < 0.85 else rng.randint(1, 4)
    return [batch, *_dims(rng, rank - 1, none_p=none_p)]


def _case(class_name: str, config: dict[str, Any], shape: Any, **extra: Any) -> dict[str, Any]:
    return {"layer": {"class_name": class_name, "config": config}, "input_shape": shape, **extra}


def _axis(rng: random.Random, rank: int) -> int:
    """Usually a valid axis (negative or not), sometimes one out of range."""
    if rng.random() < 0.1:
        return rng.choice([rank, -rank - 1])
    return rng.randrange(-rank, rank)


def _axes(rng: random.Random, rank: int) -> int | list[int]:
    if rng.random() < 0.5:
        return rng.choice([-1, _axis(rng, rank)])
    k = rng.randint(1, max(1, rank - 1))
    axes = rng.sample(range(1, rank), min(k, rank - 1)) if rank > 1 else [0]
    axes = [a - rank if rng.random() < 0.3 else a for a in axes]
    if rng.random() < 0.08:
        axes.append(axes[0])  # a repeated axis
    return axes


def batch_normalization(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(2, 5)
    shape = _shape(rng, rank, none_p=0.05)
    config: dict[str, Any] = {"axis": _axis(rng, rank) if rng.random() < 0.5 else -1}
    for key in ("center", "scale"):
        if rng.random() < 0.3:
            config[key] = rng.random() < 0.5
    if rng.random() < 0.25:
        config["renorm"] = True
        if rng.random() < 0.3:
            config["renorm_clipping"] = rng.choice([{"rmax": 3.0, "rmin": 0.3}, {"dmax": 5.0}, {"rmax": 1.0, "rmin": 2.0}])
    if rng.random() < 0.1:
        config["synchronized"] = True
    r = rng.random()
    if r < 0.15:  # Keras 2: several axes
        config["axis"] = rng.sample(range(1, rank), rng.randint(1, rank - 1))
    elif r < 0.25:
        config["fused"] = rng.choice([True, False])
    elif r < 0.33:
        config["virtual_batch_size"] = rng.choice([1, 2, 3, 0])
    return _case("BatchNormalization", config, shape)


def layer_normalization(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(2, 4)
    config: dict[str, Any] = {"axis": _axes(rng, rank)}
    for key in ("center", "scale"):
        if rng.random() < 0.3:
            config[key] = rng.random() < 0.5
    if rng.random() < 0.1:
        config["rms_scaling"] = True
    return _case("LayerNormalization", config, _shape(rng, rank, none_p=0.05))


def group_normalization(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(2, 5)
    shape = _shape(rng, rank, none_p=0.05)
    axis = -1 if rng.random() < 0.6 else _axis(rng, rank)
    channels = shape[axis] if -rank <= axis < rank else None
    if channels and rng.random() < 0.7:
        divisors = [g for g in range(1, channels + 1) if channels % g == 0]
        groups = rng.choice(divisors)
    else:
        groups = rng.choice([-1, 0, 2, 3, 4, 32, -2])
    config: dict[str, Any] = {"groups": groups, "axis": axis}
    for key in ("center", "scale"):
        if rng.random() < 0.25:
            config[key] = rng.random() < 0.5
    return _case("GroupNormalization", config, shape)


def rms_normalization(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(2, 4)
    if rng.random() < 0.7:  # trailing axes: the usual use
        k = rng.randint(1, rank - 1)
        axis: int | list[int] = -1 if k == 1 and rng.random() < 0.5 else list(range(rank - k, rank))
    else:
        axis = _axes(rng, rank)
    return _case("RMSNormalization", {"axis": axis}, _shape(rng, rank, none_p=0.05))


def unit_normalization(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(2, 4)
    return _case("UnitNormalization", {"axis": _axes(rng, rank)}, _shape(rng, rank, none_p=0.15))


def spectral_normalization(rng: random.Random) -> dict[str, Any]:
    kind = rng.choice(["Dense", "Dense", "Conv1D", "Conv2D", "Embedding", "BatchNormalization"])
    extra: dict[str, Any] = {}
    inner: dict[str, Any]
    if kind == "Dense":
        inner = {"units": rng.randint(1, 8), "use_bias": rng.random() < 0.8}
        shape = _shape(rng, rng.randint(2, 3), none_p=0.05)
    elif kind == "Conv1D":
        inner = {"filters": rng.randint(1, 6), "kernel_size": rng.randint(1, 3)}
        shape = [None, rng.randint(3, 12), rng.randint(1, 4)]
    elif kind == "Conv2D":
        inner = {"filters": rng.randint(1, 6), "kernel_size": rng.randint(1, 3), "padding": rng.choice(["valid", "same"])}
        shape = [None, rng.randint(3, 8), rng.randint(3, 8), rng.randint(1, 4)]
    elif kind == "Embedding":
        inner = {"input_dim": rng.randint(2, 20), "output_dim": rng.randint(1, 6)}
        shape = [None, rng.randint(1, 6)]
        extra["input_dtype"] = "int32"
    else:
        inner = {}
        shape = [None, rng.randint(1, 6)]
    config: dict[str, Any] = {"layer": {"class_name": kind, "config": inner}}
    if rng.random() < 0.3:
        config["power_iterations"] = rng.choice([1, 2, 3, 0])
    return _case("SpectralNormalization", config, shape, **extra)


def _broadcastable(rng: random.Random, base: list[int | None]) -> list[int | None]:
    """A shape that usually broadcasts against ``base`` (after the batch): same, a 1, fewer dims,
    or sometimes a clash."""
    body = list(base[1:])
    r = rng.random()
    if r < 0.3 and body:
        i = rng.randrange(len(body))
        body[i] = 1
    elif r < 0.45 and len(body) > 1:
        body = body[rng.randint(1, len(body) - 1) :]
    elif r < 0.55 and body:
        i = rng.randrange(len(body))
        body[i] = rng.randint(2, 9)  # often a clash
    elif r < 0.62 and body:
        body[rng.randrange(len(body))] = None
    return [base[0] if rng.random() < 0.9 else rng.randint(1, 3), *body]


def _elementwise(class_name: str, *, exactly: int | None = None) -> Space:
    def space(rng: random.Random) -> dict[str, Any]:
        rank = rng.randint(1, 4)
        base = _shape(rng, rank, none_p=0.05)
        n = exactly if exactly is not None and rng.random() < 0.9 else rng.randint(1, 4)
        shapes = [base] + [_broadcastable(rng, base) for _ in range(n - 1)]
        rng.shuffle(shapes)
        if rng.random() < 0.03:
            return _case(class_name, {}, base)  # not a list of inputs
        return _case(class_name, {}, shapes)

    return space


def concatenate(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(2, 4)
    base = _shape(rng, rank, none_p=0.05)
    axis = rng.choice([-1, -1, rng.randrange(-rank, rank)]) if rng.random() < 0.92 else rng.choice([rank, -rank - 1])
    shapes = []
    for _ in range(rng.randint(1, 3)):
        s = list(base)
        if -rank <= axis < rank:
            s[axis] = None if rng.random() < 0.1 else rng.randint(1, 6)
        if rng.random() < 0.08:
            s[rng.randrange(1, rank)] = rng.randint(1, 9)  # a possible clash elsewhere
        if rng.random() < 0.04:
            s.append(2)  # another rank
        shapes.append(s)
    return _case("Concatenate", {"axis": axis}, shapes)


def dot(rng: random.Random) -> dict[str, Any]:
    r1, r2 = rng.randint(2, 4), rng.randint(2, 4)
    s1, s2 = _shape(rng, r1, none_p=0.05), _shape(rng, r2, none_p=0.05)
    s2[0] = s1[0]
    axes: Any
    if rng.random() < 0.5:
        a = rng.randint(1, min(r1, r2) - 1)
        if rng.random() < 0.3:
            a = a - min(r1, r2)
        axes = a if a >= 0 or r1 == r2 else -1
        i1, i2 = (axes, axes) if isinstance(axes, int) and axes >= 0 else (axes % r1, axes % r2)
    else:
        i1, i2 = rng.randint(1, r1 - 1), rng.randint(1, r2 - 1)
        axes = [i1 - r1 if rng.random() < 0.3 else i1, i2]
    if rng.random() < 0.85:
        s2[i2] = s1[i1]  # matching dot axes
    if rng.random() < 0.05:
        axes = rng.choice([0, [1, 2, 3], r1 + 1])
    config: dict[str, Any] = {"axes": axes}
    if rng.random() < 0.3:
        config["normalize"] = True
    shapes = [s1, s2] if rng.random() < 0.95 else [s1, s2, s2]
    return _case("Dot", config, shapes)


def _same_shape(class_name: str, config: Callable[[random.Random], dict[str, Any]]) -> Space:
    def space(rng: random.Random) -> dict[str, Any]:
        return _case(class_name, config(rng), _shape(rng, rng.randint(1, 4), none_p=0.2))

    return space


def _activity(rng: random.Random) -> dict[str, Any]:
    return {k: rng.choice([0.0, 0.01, 0.5, -0.1]) for k in ("l1", "l2") if rng.random() < 0.7}


def _theta(rng: random.Random) -> dict[str, Any]:
    return {"theta": rng.choice([0.0, 0.5, 1.0, 2.0, -0.5])}


def _adaptive(class_name: str, n: int) -> Space:
    def space(rng: random.Random) -> dict[str, Any]:
        # Adaptive max pooling on TensorFlow dies with SIGFPE (killing the harness process) when
        # a spatial size or an output size is 1, or the rank is wrong: its draws keep sizes >= 2,
        # rank n + 2 and valid output sizes.
        safe = "Max" in class_name
        rank = n + 2 if safe or rng.random() < 0.9 else rng.choice([n + 1, n + 3])
        shape = [None if rng.random() < 0.85 else rng.randint(1, 4), *_dims(rng, rank - 1, lo=2 if safe else 1)]
        lo = 2 if safe else 1
        size: Any = rng.randint(lo, 9) if rng.random() < 0.4 else [rng.randint(lo, 9) for _ in range(n)]
        if rng.random() < 0.12:  # refused in the constructor or the symbolic call (0 only eagerly)
            size = rng.choice([-1, [2] * (n + 1), 2.0] if safe else [0, -1, [2] * (n + 1), 2.0])
        config: dict[str, Any] = {"output_size": size}
        if rng.random() < 0.4:
            config["data_format"] = rng.choice(["channels_last", "channels_first", "channels_last", "nhwc"])
        return _case(class_name, config, shape)

    return space


SPACES: dict[str, Space] = {
    "BatchNormalization": batch_normalization,
    "LayerNormalization": layer_normalization,
    "GroupNormalization": group_normalization,
    "RMSNormalization": rms_normalization,
    "UnitNormalization": unit_normalization,
    "SpectralNormalization": spectral_normalization,
    "Add": _elementwise("Add"),
    "Multiply": _elementwise("Multiply"),
    "Average": _elementwise("Average"),
    "Maximum": _elementwise("Maximum"),
    "Minimum": _elementwise("Minimum"),
    "Subtract": _elementwise("Subtract", exactly=2),
    "Concatenate": concatenate,
    "Dot": dot,
    "Masking": _same_shape("Masking", lambda rng: {"mask_value": rng.choice([0.0, 1.0, -1.0])}),
    "Identity": _same_shape("Identity", lambda rng: {}),
    "ActivityRegularization": _same_shape("ActivityRegularization", _activity),
    "ThresholdedReLU": _same_shape("ThresholdedReLU", _theta),
    **{
        f"Adaptive{kind}Pooling{n}D": _adaptive(f"Adaptive{kind}Pooling{n}D", n) for kind in ("Average", "Max") for n in (1, 2, 3)
    },
}
