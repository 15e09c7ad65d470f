"""Sweep spaces for the convolution family (Conv, transposed, depthwise, separable, locally
connected, with Keras 3's LoRA on Conv) and the reshaping layers (Cropping, ZeroPadding,
UpSampling, Permute, RepeatVector).  Each draw mixes valid and invalid values; Keras-2-only and
Keras-3-only options are drawn on every line (the other line must refuse them)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Case = dict[str, Any]
Space = Callable[[random.Random], Case]


def _maybe_none(rng: random.Random, value: int, p: float) -> int | None:
    return None if rng.random() < p else value


def _per_axis(rng: random.Random, rank: int, lo: int, hi: int) -> int | list[int]:
    """An int, or a list of ``rank`` ints (both forms are accepted)."""
    if rank == 1 or rng.random() < 0.5:
        v = rng.randint(lo, hi)
        return v if rng.random() < 0.7 else [v] * rank
    return [rng.randint(lo, hi) for _ in range(rank)]


def _input(rng: random.Random, rank: int, channels_first: bool, *, lo: int, hi: int, none: float) -> list[int | None]:
    batch = None if rng.random() < 0.7 else rng.randint(1, 3)
    spatial = [_maybe_none(rng, rng.randint(lo, hi), none) for _ in range(rank)]
    channels = _maybe_none(rng, rng.randint(1, 6), 0.03)
    return [batch, channels, *spatial] if channels_first else [batch, *spatial, channels]


def _common(rng: random.Random, rank: int, config: dict[str, Any], *, causal: bool, transpose: bool = False) -> bool:
    """kernel_size, strides, dilation_rate, padding, data_format, use_bias; returns channels_first."""
    config["kernel_size"] = _per_axis(rng, rank, 1, 4)
    if rng.random() < 0.03:
        config["kernel_size"] = rng.choice((0, [1] * (rank + 1)))
    if rng.random() < 0.5:
        config["strides"] = _per_axis(rng, rank, 1, 3)
        if rng.random() < 0.03:
            config["strides"] = 0
    if rng.random() < 0.3:
        config["dilation_rate"] = _per_axis(rng, rank, 1, 3)
    r = rng.random()
    if r < 0.4:
        config["padding"] = "same"
    elif r < 0.5 and causal:
        config["padding"] = "causal"
    elif r < 0.53:
        config["padding"] = rng.choice(("causal", "full", "SAME"))
    elif r < 0.7:
        config["padding"] = "valid"
    channels_first = rng.random() < 0.3
    if channels_first:
        config["data_format"] = "channels_first"
    elif rng.random() < 0.2:
        config["data_format"] = "channels_last"
    if rng.random() < 0.3:
        config["use_bias"] = False
    if transpose and rng.random() < 0.35:
        strides = config.get("strides", 1)
        s = strides if isinstance(strides, list) else [strides] * rank
        config["output_padding"] = [rng.randint(0, max(0, x - 1) + (1 if rng.random() < 0.1 else 0)) for x in s]
        if rank == 1 or rng.random() < 0.5:
            config["output_padding"] = config["output_padding"][0]
    return channels_first


def _filters(rng: random.Random, config: dict[str, Any]) -> None:
    config["filters"] = rng.randint(1, 8) if rng.random() > 0.04 else rng.choice((0, -2))


def _case(class_name: str, config: dict[str, Any], shape: list[int | None]) -> Case:
    return {"layer": {"class_name": class_name, "config": config}, "input_shape": shape}


# -- convolutions -----------------------------------------------------------------------------


def conv(rank: int, names: tuple[str, ...]) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        _filters(rng, config)
        channels_first = _common(rng, rank, config, causal=rank == 1)
        shape = _input(rng, rank, channels_first, lo=1, hi=9 if rank < 3 else 6, none=0.12)
        if rng.random() < 0.3:
            g = rng.choice((1, 2, 3, 4))
            config["groups"] = g
            c = rng.randint(1, 3) * g if rng.random() < 0.85 else rng.randint(1, 6)
            shape[1 if channels_first else -1] = c
            if isinstance(config["filters"], int) and config["filters"] > 0 and rng.random() < 0.85:
                config["filters"] = g * rng.randint(1, 3)
        r = rng.random()
        if r < 0.2:
            config["lora_rank"] = rng.randint(1, 4)
            if rng.random() < 0.3:
                config["lora_alpha"] = rng.randint(1, 8)
        elif r < 0.24:
            config["lora_rank"] = rng.choice((0, -1, None))
        if rng.random() < 0.06:  # Keras 2 folds extra leading batch axes; Keras 3 refuses them
            shape = [rng.randint(1, 2), *shape]
        return _case(rng.choice(names), config, shape)

    return space


def conv_transpose(rank: int, names: tuple[str, ...]) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        _filters(rng, config)
        channels_first = _common(rng, rank, config, causal=False, transpose=True)
        shape = _input(rng, rank, channels_first, lo=1, hi=8 if rank < 3 else 4, none=0.12)
        r = rng.random()
        if r < 0.05:
            config["groups"] = rng.choice((1, 2))  # Keras 2 only (and ignored there)
        elif r < 0.07:
            config["lora_rank"] = 2  # no LoRA on transposed convolutions
        if rng.random() < 0.03:
            shape = [None, *shape]
        return _case(rng.choice(names), config, shape)

    return space


def depthwise(rank: int) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        channels_first = _common(rng, rank, config, causal=rank == 1)
        r = rng.random()
        if r < 0.5:
            config["depth_multiplier"] = rng.randint(1, 3)
        elif r < 0.52:
            config["depth_multiplier"] = -1
        if rng.random() < 0.03:
            config["groups"] = 1  # Keras 2 only
        shape = _input(rng, rank, channels_first, lo=1, hi=10, none=0.12)
        if rng.random() < 0.03:
            shape = [None, *shape]
        return _case(f"DepthwiseConv{rank}D", config, shape)

    return space


def separable(rank: int, names: tuple[str, ...]) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        _filters(rng, config)
        channels_first = _common(rng, rank, config, causal=rank == 1)
        r = rng.random()
        if r < 0.5:
            config["depth_multiplier"] = rng.randint(1, 3)
        elif r < 0.53:
            config["depth_multiplier"] = rng.choice((0, -1))
        if rng.random() < 0.03:
            config["groups"] = 1  # Keras 2 only
        shape = _input(rng, rank, channels_first, lo=1, hi=10, none=0.12)
        return _case(rng.choice(names), config, shape)

    return space


def locally_connected(rank: int) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {"filters": rng.randint(1, 4)}
        config["kernel_size"] = _per_axis(rng, rank, 1, 3)
        if rng.random() < 0.5:
            config["strides"] = _per_axis(rng, rank, 1, 3)
        impl = rng.choice((1, 2, 3)) if rng.random() > 0.04 else 4
        if impl != 1 or rng.random() < 0.5:
            config["implementation"] = impl
        r = rng.random()
        if r < 0.4:
            config["padding"] = "same"  # implementation 1 refuses it
        elif r < 0.45:
            config["padding"] = "causal"
        channels_first = rng.random() < 0.3
        if channels_first:
            config["data_format"] = "channels_first"
        if rng.random() < 0.3:
            config["use_bias"] = False
        shape = _input(rng, rank, channels_first, lo=1, hi=8 if rank == 1 else 6, none=0.04)
        return _case(f"LocallyConnected{rank}D", config, shape)

    return space


# -- reshaping --------------------------------------------------------------------------------


def _pairs(rng: random.Random, rank: int, hi: int) -> Any:
    """Every accepted form of a 2D/3D cropping/padding, and now and then a refused one."""
    r = rng.random()
    if r < 0.25:
        return rng.randint(0, hi)
    if r < 0.45:
        return [rng.randint(0, hi) for _ in range(rank)]
    if r < 0.85:
        return [rng.choice((rng.randint(0, hi), [rng.randint(0, hi), rng.randint(0, hi)])) for _ in range(rank)]
    if r < 0.92:
        return [[rng.randint(0, hi), rng.randint(0, hi)] for _ in range(rank)]
    return rng.choice((-1, [1] * (rank + 1), [[1, -1]] * rank, [[1, 1, 1]] * rank))


def _spatial_input(rng: random.Random, rank: int, channels_first: bool, hi: int = 8) -> list[int | None]:
    shape = _input(rng, rank, channels_first, lo=1, hi=hi, none=0.15)
    if shape[1 if channels_first else -1] is None:
        shape[1 if channels_first else -1] = 2
    if rng.random() < 0.04:
        shape = shape[:-1]
    return shape


def _data_format(rng: random.Random, config: dict[str, Any]) -> bool:
    channels_first = rng.random() < 0.3
    if channels_first:
        config["data_format"] = "channels_first"
    elif rng.random() < 0.1:
        config["data_format"] = "channels_last"
    return channels_first


def cropping(rank: int) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        if rank == 1:
            r = rng.random()
            if r < 0.4:
                config["cropping"] = rng.randint(0, 3)
            elif r < 0.9:
                config["cropping"] = [rng.randint(0, 4), rng.randint(0, 4)]
            elif r < 0.95:
                config["cropping"] = rng.choice(([-1, 1], [1, 1, 1], -1))
            channels_first = False
        else:
            if rng.random() < 0.85:
                config["cropping"] = _pairs(rng, rank, 3)
            channels_first = _data_format(rng, config)
        shape = _spatial_input(rng, rank, channels_first, hi=9)
        return _case(f"Cropping{rank}D", config, shape)

    return space


def zero_padding(rank: int) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        if rank == 1:
            r = rng.random()
            if r < 0.4:
                config["padding"] = rng.randint(0, 3)
            elif r < 0.9:
                config["padding"] = [rng.randint(0, 3), rng.randint(0, 3)]
            elif r < 0.95:
                config["padding"] = rng.choice(([-1, 1], [1, 1, 1], -1))
            channels_first = _data_format(rng, config) if rng.random() < 0.3 else False  # Keras 3 only
        else:
            if rng.random() < 0.85:
                config["padding"] = _pairs(rng, rank, 3)
            channels_first = _data_format(rng, config)
        shape = _spatial_input(rng, rank, channels_first, hi=7 if rank < 3 else 5)
        return _case(f"ZeroPadding{rank}D", config, shape)

    return space


def upsampling(rank: int) -> Space:
    def space(rng: random.Random) -> Case:
        config: dict[str, Any] = {}
        r = rng.random()
        if rank == 1:
            if r < 0.8:
                config["size"] = rng.randint(1, 4)
            elif r < 0.9:
                config["size"] = rng.choice((0, -1, [2]))
            elif r < 0.95:
                config["size"] = float(rng.randint(1, 3))  # Keras 2 takes int(size)
            channels_first = False
        else:
            if r < 0.8:
                config["size"] = _per_axis(rng, rank, 1, 3)
            elif r < 0.88:
                config["size"] = rng.choice((0, [1] * (rank + 1), [2, 0, 2][:rank]))
            channels_first = _data_format(rng, config)
            if rank == 2 and rng.random() < 0.5:
                config["interpolation"] = rng.choice(
                    (
                        "nearest",
                        "bilinear",
                        "bicubic",
                        "area",
                        "lanczos3",
                        "lanczos5",
                        "BILINEAR",
                        "gaussian",
                        "mitchellcubic",
                        "cubic",
                    )
                )
            elif rank == 3 and rng.random() < 0.04:
                config["interpolation"] = "nearest"
        shape = _spatial_input(rng, rank, channels_first, hi=6 if rank < 3 else 4)
        return _case(f"UpSampling{rank}D", config, shape)

    return space


def permute(rng: random.Random) -> Case:
    n = rng.randint(1, 4)
    dims = list(range(1, n + 1))
    rng.shuffle(dims)
    r = rng.random()
    if r < 0.05:
        dims = [d - 1 for d in dims]
    elif r < 0.1 and n > 1:
        dims[0] = dims[1]
    rank = n + 1 if rng.random() > 0.06 else n + 2
    shape = [None if rng.random() < 0.7 else rng.randint(1, 3)] + [
        _maybe_none(rng, rng.randint(1, 6), 0.15) for _ in range(rank - 1)
    ]
    return _case("Permute", {"dims": dims}, shape)


def repeat_vector(rng: random.Random) -> Case:
    r = rng.random()
    n: Any = rng.randint(1, 6)
    if r < 0.05:
        n = 0  # Keras 2: an empty axis; Keras 3 refuses
    elif r < 0.1:
        n = float(n)
    rank = 2 if rng.random() > 0.07 else rng.choice((1, 3))
    shape = [None if rng.random() < 0.7 else rng.randint(1, 3)] + [
        _maybe_none(rng, rng.randint(1, 9), 0.1) for _ in range(rank - 1)
    ]
    return _case("RepeatVector", {"n": n}, shape)


SPACES: dict[str, Space] = {}
for _r in (1, 2, 3):
    _conv_names = (f"Conv{_r}D", f"Convolution{_r}D")
    _t_names = (f"Conv{_r}DTranspose", f"Convolution{_r}DTranspose")
    for _name in _conv_names:
        SPACES[_name] = conv(_r, (_name,))
    for _name in _t_names:
        SPACES[_name] = conv_transpose(_r, (_name,))
    SPACES[f"Cropping{_r}D"] = cropping(_r)
    SPACES[f"ZeroPadding{_r}D"] = zero_padding(_r)
    SPACES[f"UpSampling{_r}D"] = upsampling(_r)
for _r in (1, 2):
    SPACES[f"DepthwiseConv{_r}D"] = depthwise(_r)
    for _name in (f"SeparableConv{_r}D", f"SeparableConvolution{_r}D"):
        SPACES[_name] = separable(_r, (_name,))
    SPACES[f"LocallyConnected{_r}D"] = locally_connected(_r)
SPACES["Permute"] = permute
SPACES["RepeatVector"] = repeat_vector
