"""Sweep spaces for the recurrent family: SimpleRNN/LSTM/GRU, their cells, StackedRNNCells, RNN,
ConvLSTM1D/2D/3D, Bidirectional and TimeDistributed.  Draws mix valid and invalid values
(units 0, unknown feature axes, stateful without a batch size, unroll without a length, Keras-2-only
time_major, mismatched Bidirectional halves …).  Left out on purpose: return_state with a list of
cells (Keras returns nested state lists the harness cannot read) and ConvLSTM with 0 filters or
0 strides."""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

Case = dict[str, Any]
Space = Callable[[random.Random], Case]

_CELLS = ("SimpleRNNCell", "LSTMCell", "GRUCell")
_LAYERS = ("SimpleRNN", "LSTM", "GRU")


def _layer(class_name: str, **config: Any) -> dict[str, Any]:
    return {"class_name": class_name, "config": config}


def _units(rng: random.Random) -> int:
    return 0 if rng.random() < 0.04 else rng.randint(1, 12)


def _cell_config(rng: random.Random, kind: str) -> dict[str, Any]:
    config: dict[str, Any] = {"units": _units(rng)}
    if rng.random() < 0.25:
        config["use_bias"] = False
    if kind == "GRUCell" and rng.random() < 0.4:
        config["reset_after"] = rng.random() < 0.5
    if kind == "LSTMCell" and rng.random() < 0.2:
        config["unit_forget_bias"] = False
    if rng.random() < 0.15:
        config["dropout"] = round(rng.random(), 2)
        config["recurrent_dropout"] = round(rng.random(), 2)
    return config


def _sequence_shape(rng: random.Random, *, stateful: bool = False) -> list[int | None]:
    batch = rng.randint(1, 4) if (stateful and rng.random() < 0.85) or rng.random() < 0.2 else None
    steps = None if rng.random() < 0.2 else rng.randint(1, 8)
    features = None if rng.random() < 0.04 else rng.randint(1, 9)
    shape: list[int | None] = [batch, steps, features]
    r = rng.random()
    if r < 0.04:
        shape.append(rng.randint(1, 3))  # rank 4: refused
    elif r < 0.07:
        shape = shape[:1] + shape[2:]  # rank 2: refused
    return shape


def _rnn_options(rng: random.Random, config: dict[str, Any], *, allow_state: bool = True) -> bool:
    """return_sequences, return_state, go_backwards, stateful, unroll, time_major; returns stateful."""
    if rng.random() < 0.5:
        config["return_sequences"] = rng.random() < 0.7
    if allow_state and rng.random() < 0.35:
        config["return_state"] = True
    if rng.random() < 0.2:
        config["go_backwards"] = True
    stateful = rng.random() < 0.15
    if stateful:
        config["stateful"] = True
    if rng.random() < 0.15:
        config["unroll"] = True
    if rng.random() < 0.05:
        config["time_major"] = rng.random() < 0.7  # Keras 2 only
    return stateful


def rnn_layer(class_name: str) -> Space:
    kind = class_name + "Cell"

    def draw(rng: random.Random) -> Case:
        config = _cell_config(rng, kind)
        stateful = _rnn_options(rng, config)
        return {"layer": _layer(class_name, **config), "input_shape": _sequence_shape(rng, stateful=stateful)}

    return draw


def cell(class_name: str) -> Space:
    def draw(rng: random.Random) -> Case:
        features = None if rng.random() < 0.05 else rng.randint(1, 16)
        batch = None if rng.random() < 0.7 else rng.randint(1, 4)
        return {"layer": _layer(class_name, **_cell_config(rng, class_name)), "input_shape": [batch, features]}

    return draw


def _cells(rng: random.Random, n: int) -> list[dict[str, Any]]:
    out = []
    for _ in range(n):
        kind = rng.choice(_CELLS)
        out.append(_layer(kind, **_cell_config(rng, kind)))
    return out


def stacked_cells(rng: random.Random) -> Case:
    features = None if rng.random() < 0.05 else rng.randint(1, 10)
    return {"layer": _layer("StackedRNNCells", cells=_cells(rng, rng.randint(1, 3))), "input_shape": [None, features]}


def rnn(rng: random.Random) -> Case:
    r = rng.random()
    config: dict[str, Any]
    if r < 0.5:
        kind = rng.choice(_CELLS)
        config = {"cell": _layer(kind, **_cell_config(rng, kind))}
        several = False
    elif r < 0.8:
        config = {"cell": _cells(rng, rng.randint(1, 3))}
        several = True
    elif r < 0.95:
        config = {"cell": _layer("StackedRNNCells", cells=_cells(rng, rng.randint(1, 3)))}
        several = True
    else:
        config = {"cell": _layer("Dense", units=3)}  # not a cell: refused
        several = False
    stateful = _rnn_options(rng, config, allow_state=not several)
    return {"layer": _layer("RNN", **config), "input_shape": _sequence_shape(rng, stateful=stateful)}


def conv_lstm(rank: int) -> Space:
    def draw(rng: random.Random) -> Case:
        config: dict[str, Any] = {"filters": rng.randint(1, 4)}
        config["kernel_size"] = rng.randint(1, 3) if rng.random() < 0.6 else [rng.randint(1, 3) for _ in range(rank)]
        if rng.random() < 0.03:
            config["kernel_size"] = 0
        if rng.random() < 0.4:
            config["strides"] = rng.randint(1, 3) if rng.random() < 0.6 else [rng.randint(1, 3) for _ in range(rank)]
        if rng.random() < 0.3:
            config["dilation_rate"] = rng.randint(1, 3)
        r = rng.random()
        if r < 0.4:
            config["padding"] = "same"
        elif r < 0.45:
            config["padding"] = "causal"  # refused
        elif r < 0.6:
            config["padding"] = "valid"
        channels_first = rng.random() < 0.3
        if channels_first:
            config["data_format"] = "channels_first"
        if rng.random() < 0.2:
            config["use_bias"] = False
        if rng.random() < 0.5:
            config["return_sequences"] = rng.random() < 0.6
        if rng.random() < 0.3:
            config["return_state"] = True
        if rng.random() < 0.15:
            config["go_backwards"] = True
        stateful = rng.random() < 0.1
        if stateful:
            config["stateful"] = True
        if rng.random() < 0.05:
            config["unroll"] = True
        batch = rng.randint(1, 3) if (stateful and rng.random() < 0.85) or rng.random() < 0.15 else None
        steps = None if rng.random() < 0.15 else rng.randint(1, 4)
        spatial: list[int | None] = [rng.randint(1, 9 if rank < 3 else 6) for _ in range(rank)]
        if rng.random() < 0.08:
            spatial[rng.randrange(rank)] = None
        channels = None if rng.random() < 0.03 else rng.randint(1, 3)
        shape = [batch, steps, channels, *spatial] if channels_first else [batch, steps, *spatial, channels]
        if rng.random() < 0.03:
            shape = shape[:-1]  # wrong rank
        return {"layer": _layer(f"ConvLSTM{rank}D", **config), "input_shape": shape}

    return draw


def _recurrent_spec(rng: random.Random, shared: dict[str, Any]) -> dict[str, Any]:
    r = rng.random()
    if r < 0.8:
        kind = rng.choice(_LAYERS)
        return _layer(kind, **_cell_config(rng, kind + "Cell"), **shared)
    kind = rng.choice(_CELLS)
    return _layer("RNN", cell=_layer(kind, **_cell_config(rng, kind)), **shared)


def bidirectional(rng: random.Random) -> Case:
    shared: dict[str, Any] = {}
    if rng.random() < 0.4:
        shared["return_sequences"] = True
    if rng.random() < 0.3:
        shared["return_state"] = True
    stateful = rng.random() < 0.1
    if stateful:
        shared["stateful"] = True
    config: dict[str, Any] = {}
    if rng.random() < 0.05:
        return {
            "layer": _layer("Bidirectional", layer=_layer("Dense", units=3)),
            "input_shape": [None, 4, 3],
        }
    if rng.random() < 0.1:
        # ConvLSTM1D inside: the input is (batch, T, L, C)
        inner = _layer("ConvLSTM1D", filters=rng.randint(1, 3), kernel_size=rng.randint(1, 3), padding="same", **shared)
        config["layer"] = inner
        shape: list[int | None] = [
            rng.randint(1, 3) if stateful else None,
            rng.randint(1, 4),
            rng.randint(1, 6),
            rng.randint(1, 3),
        ]
    else:
        forward = _recurrent_spec(rng, dict(shared))
        if rng.random() < 0.08:
            forward["config"]["go_backwards"] = True  # Keras 3 refuses without a backward_layer
        config["layer"] = forward
        shape = _sequence_shape(rng, stateful=stateful)
        if rng.random() < 0.35:
            backward_shared = dict(shared)
            if rng.random() < 0.08:  # a mismatch in a common attribute: refused
                backward_shared["return_sequences"] = not shared.get("return_sequences", False)
            backward = _recurrent_spec(rng, backward_shared)
            backward["config"]["go_backwards"] = rng.random() < 0.92
            config["backward_layer"] = backward
    r = rng.random()
    if r < 0.4:
        pass
    elif r < 0.55:
        config["merge_mode"] = None
    elif r < 0.97:
        config["merge_mode"] = rng.choice(("concat", "sum", "mul", "ave"))
    else:
        config["merge_mode"] = "max"
    return {"layer": _layer("Bidirectional", **config), "input_shape": shape}


def time_distributed(rng: random.Random) -> Case:
    batch = None if rng.random() < 0.8 else rng.randint(1, 3)
    steps = None if rng.random() < 0.2 else rng.randint(1, 5)
    r = rng.random()
    case: Case
    if r < 0.3:
        inner = _layer("Dense", units=rng.randint(1, 8), use_bias=rng.random() < 0.8)
        rest = [rng.randint(1, 6) for _ in range(rng.randint(0, 2))]
        last: int | None = None if rng.random() < 0.05 else rng.randint(1, 8)
        case = {"layer": _layer("TimeDistributed", layer=inner), "input_shape": [batch, steps, *rest, last]}
    elif r < 0.5:
        inner = _layer(
            "Conv2D",
            filters=rng.randint(1, 4),
            kernel_size=rng.randint(1, 3),
            strides=rng.randint(1, 2),
            padding=rng.choice(("valid", "same")),
        )
        dims = [rng.randint(1, 8), rng.randint(1, 8), rng.randint(1, 3)]
        if rng.random() < 0.05:
            dims = dims[1:]  # wrong rank for Conv2D
        case = {"layer": _layer("TimeDistributed", layer=inner), "input_shape": [batch, steps, *dims]}
    elif r < 0.65:
        kind = rng.choice(_LAYERS)
        config = _cell_config(rng, kind + "Cell")
        if rng.random() < 0.5:
            config["return_sequences"] = True
        length = rng.randint(1, 6)
        case = {
            "layer": _layer("TimeDistributed", layer=_layer(kind, **config)),
            "input_shape": [batch, steps, length, rng.randint(1, 5)],
        }
    elif r < 0.75:
        name = rng.choice(("Flatten", "BatchNormalization", "LayerNormalization", "Dropout"))
        inner = _layer(name, rate=0.3) if name == "Dropout" else _layer(name)
        dims = [rng.randint(1, 5) for _ in range(rng.randint(1, 3))]
        case = {"layer": _layer("TimeDistributed", layer=inner), "input_shape": [batch, steps, *dims]}
    elif r < 0.85:
        inner = _layer("MaxPooling1D", pool_size=rng.randint(1, 3), padding=rng.choice(("valid", "same")))
        case = {
            "layer": _layer("TimeDistributed", layer=inner),
            "input_shape": [batch, steps, rng.randint(1, 8), rng.randint(1, 4)],
        }
    elif r < 0.92:
        inner = _layer("Embedding", input_dim=rng.randint(2, 20), output_dim=rng.randint(1, 6))
        case = {
            "layer": _layer("TimeDistributed", layer=inner),
            "input_shape": [batch, steps, rng.randint(1, 6)],
            "input_dtype": "int32",
        }
    else:
        inner = _layer("TimeDistributed", layer=_layer("Dense", units=rng.randint(1, 4)))
        case = {
            "layer": _layer("TimeDistributed", layer=inner),
            "input_shape": [batch, steps, rng.randint(1, 4), rng.randint(1, 4)],
        }
    if rng.random() < 0.04:
        case["input_shape"] = [batch, rng.randint(1, 6)]  # rank 2: refused
        case.pop("input_dtype", None)
        case["layer"] = _layer("TimeDistributed", layer=_layer("Dense", units=2))
    return case


SPACES: dict[str, Space] = {
    "SimpleRNN": rnn_layer("SimpleRNN"),
    "LSTM": rnn_layer("LSTM"),
    "GRU": rnn_layer("GRU"),
    "SimpleRNNCell": cell("SimpleRNNCell"),
    "LSTMCell": cell("LSTMCell"),
    "GRUCell": cell("GRUCell"),
    "StackedRNNCells": stacked_cells,
    "RNN": rnn,
    "ConvLSTM1D": conv_lstm(1),
    "ConvLSTM2D": conv_lstm(2),
    "ConvLSTM3D": conv_lstm(3),
    "Bidirectional": bidirectional,
    "TimeDistributed": time_distributed,
}
