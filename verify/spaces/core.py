"""Sweep spaces for the foundation layers: InputLayer, Flatten, Reshape, the activation layers,
the Dropout family and the poolings (Dense, Embedding, Conv and BatchNormalization have theirs in
their own family's module)."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

DATA_FORMATS = ("channels_last", "channels_first")


def _dims(rng: random.Random, n: int, low: int = 1, high: int = 9, none: float = 0.15) -> list[int | None]:
    return [None if rng.random() < none else rng.randint(low, high) for _ in range(n)]


def case(class_name: str, config: dict[str, Any], shape: list[int | None]) -> dict[str, Any]:
    return {"layer": {"class_name": class_name, "config": config}, "input_shape": shape}


def input_layer(rng: random.Random) -> dict[str, Any]:
    shape = [None, *_dims(rng, rng.randint(1, 4))]
    config: dict[str, Any] = {}
    if rng.random() < 0.3:
        config["batch_input_shape"] = [None, *_dims(rng, rng.randint(1, 3), none=0)]
    return case("InputLayer", config, shape)


def flatten(rng: random.Random) -> dict[str, Any]:
    config = {"data_format": rng.choice(DATA_FORMATS)} if rng.random() < 0.3 else {}
    return case("Flatten", config, [None, *_dims(rng, rng.randint(0, 4))])


def reshape(rng: random.Random) -> dict[str, Any]:
    rest = _dims(rng, rng.randint(1, 3), none=0.1)
    known = [d for d in rest if d is not None]
    size = 1
    for d in known:
        size *= d
    target: list[int] = []
    remaining = size
    for _ in range(rng.randint(1, 3)):
        divisors = [d for d in range(1, remaining + 1) if remaining % d == 0]
        t = rng.choice(divisors)
        target.append(t)
        remaining //= t
    target.append(remaining)
    roll = rng.random()
    if roll < 0.4:
        target[rng.randrange(len(target))] = -1
    elif roll < 0.5:
        target = [-1, -1] + target[2:]  # invalid: two unknowns
    elif roll < 0.6:
        target[0] += 1  # usually a size mismatch
    return case("Reshape", {"target_shape": target}, [None, *rest])


def _same_shape(class_name: str, make: Callable[[random.Random], dict[str, Any]]) -> Callable[[random.Random], dict[str, Any]]:
    def space(rng: random.Random) -> dict[str, Any]:
        return case(class_name, make(rng), [None, *_dims(rng, rng.randint(1, 4))])

    return space


def _activation_config(rng: random.Random) -> dict[str, Any]:
    names = ["relu", "softmax", "tanh", "sigmoid", "linear", "gelu", "selu", "elu", "swish", "glu", "no_such_activation", None]
    return {"activation": rng.choice(names)}


def _relu_config(rng: random.Random) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for key in ("max_value", "negative_slope", "threshold"):
        if rng.random() < 0.4:
            config[key] = rng.choice([-1.0, 0.0, 0.5, 6.0])
    return config


def prelu(rng: random.Random) -> dict[str, Any]:
    rest = _dims(rng, rng.randint(1, 4), none=0.1)
    axes = [a for a in range(1, len(rest) + 1) if rng.random() < 0.4]
    config = {"shared_axes": axes} if axes else {}
    return case("PReLU", config, [None, *rest])


def _rate(rng: random.Random) -> float:
    return rng.choice([0.0, 0.1, 0.5, 1.0, 1.5, -0.2])


def dropout(rng: random.Random) -> dict[str, Any]:
    rest = _dims(rng, rng.randint(1, 4))
    config: dict[str, Any] = {"rate": _rate(rng)}
    if rng.random() < 0.3:
        config["noise_shape"] = [None, *[rng.choice([1, d or 1]) for d in rest]]
    return case("Dropout", config, [None, *rest])


def spatial_dropout(rank: int) -> Callable[[random.Random], dict[str, Any]]:
    def space(rng: random.Random) -> dict[str, Any]:
        config: dict[str, Any] = {"rate": _rate(rng)}
        if rank > 1 and rng.random() < 0.5:
            config["data_format"] = rng.choice(DATA_FORMATS)
        n = rank + 1 if rng.random() < 0.85 else rng.choice([rank, rank + 2])
        return case(f"SpatialDropout{rank}D", config, [None, *_dims(rng, n)])

    return space


def pooling(kind: str, rank: int) -> Callable[[random.Random], dict[str, Any]]:
    def space(rng: random.Random) -> dict[str, Any]:
        data_format = rng.choice(DATA_FORMATS)
        config: dict[str, Any] = {"data_format": data_format}
        config["pool_size"] = [rng.randint(1, 4) for _ in range(rank)] if rng.random() < 0.7 else rng.randint(1, 4)
        if rng.random() < 0.5:
            config["strides"] = [rng.randint(1, 3) for _ in range(rank)] if rng.random() < 0.7 else rng.randint(1, 3)
        config["padding"] = rng.choice(["valid", "same", "same", "valid", "causal"])
        n = rank + 1 if rng.random() < 0.9 else rank
        return case(f"{kind}{rank}D", config, [None, *_dims(rng, n)])

    return space


def global_pooling(kind: str, rank: int) -> Callable[[random.Random], dict[str, Any]]:
    def space(rng: random.Random) -> dict[str, Any]:
        config = {"data_format": rng.choice(DATA_FORMATS), "keepdims": rng.random() < 0.5}
        n = rank + 1 if rng.random() < 0.9 else rank + 2
        return case(f"{kind}{rank}D", config, [None, *_dims(rng, n)])

    return space


def _keyed(class_name: str, space: Callable[[random.Random], dict[str, Any]]) -> Callable[[random.Random], dict[str, Any]]:
    """The same space under an alias: the drawn case names the alias."""

    def aliased(rng: random.Random) -> dict[str, Any]:
        drawn = space(rng)
        drawn["layer"]["class_name"] = class_name
        return drawn

    return aliased


SPACES: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "InputLayer": input_layer,
    "Flatten": flatten,
    "Reshape": reshape,
    "Activation": _same_shape("Activation", _activation_config),
    "ReLU": _same_shape("ReLU", _relu_config),
    "LeakyReLU": _same_shape(
        "LeakyReLU", lambda rng: {"negative_slope": rng.choice([0.0, 0.2, 0.3])} if rng.random() < 0.5 else {}
    ),
    "ELU": _same_shape("ELU", lambda rng: {"alpha": rng.choice([0.5, 1.0])}),
    "Softmax": _same_shape("Softmax", lambda rng: {"axis": rng.choice([-1, 1, -2])}),
    "PReLU": prelu,
    "Dropout": dropout,
    "GaussianDropout": _same_shape("GaussianDropout", lambda rng: {"rate": _rate(rng)}),
    "AlphaDropout": _same_shape("AlphaDropout", lambda rng: {"rate": _rate(rng)}),
    "GaussianNoise": _same_shape("GaussianNoise", lambda rng: {"stddev": rng.choice([0.0, 0.1, 1.0, 2.0])}),
}
for _r in (1, 2, 3):
    SPACES[f"SpatialDropout{_r}D"] = spatial_dropout(_r)
    for _kind, _alias in (("MaxPooling", "MaxPool"), ("AveragePooling", "AvgPool")):
        SPACES[f"{_kind}{_r}D"] = pooling(_kind, _r)
        SPACES[f"{_alias}{_r}D"] = _keyed(f"{_alias}{_r}D", pooling(_kind, _r))
    for _kind, _alias in (("GlobalMaxPooling", "GlobalMaxPool"), ("GlobalAveragePooling", "GlobalAvgPool")):
        SPACES[f"{_kind}{_r}D"] = global_pooling(_kind, _r)
        SPACES[f"{_alias}{_r}D"] = _keyed(f"{_alias}{_r}D", global_pooling(_kind, _r))
