"""Recurrent layers and cells: SimpleRNN, LSTM, GRU, their cells, StackedRNNCells, RNN and
ConvLSTM1D/2D/3D.  Sources: ``keras/src/layers/rnn/{simple_rnn,lstm,gru,rnn,stacked_rnn_cells,
conv_lstm}.py`` (Keras 3) and ``tf_keras/src/layers/rnn/{simple_rnn,lstm,gru,base_rnn,
stacked_rnn_cells,base_conv_lstm,base_conv_rnn}.py`` (Keras 2).

A cell with ``u`` units on ``d`` input features has ``g`` gates (SimpleRNN 1, GRU 3, LSTM 4):
kernel (d, g·u), recurrent_kernel (u, g·u) and a bias of g·u (GRU with ``reset_after=True``, the
default in Keras 3 and in tf.keras 2: (2, 3u)).  Stateful RNN state variables are not weights.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, OutputShape, Shape
from .._registry import nested, register
from .._shapes import conv_length
from ._common import has, rank, single
from .conv_more import keras2_dilated_unknown

#: Cell class → number of gates (kernel width = gates × units).
_GATES = {"SimpleRNNCell": 1, "GRUCell": 3, "LSTMCell": 4}
#: Layer class → its cell class.
_LAYER_CELL = {"SimpleRNN": "SimpleRNNCell", "GRU": "GRUCell", "LSTM": "LSTMCell"}
#: Recurrent layers (they have ``go_backwards``): what Bidirectional accepts.
RECURRENT_LAYERS = frozenset({"SimpleRNN", "GRU", "LSTM", "RNN", "ConvLSTM1D", "ConvLSTM2D", "ConvLSTM3D"})


def _units(cfg: Config) -> int:
    """``units`` must be a positive int (Keras refuses ``units <= 0``; a float fails as a shape)."""
    units = cfg.get("units")
    if isinstance(units, bool) or not isinstance(units, int):
        raise cfg.fail(f"units={units!r} is not an integer (it becomes a weight dimension)")
    if units <= 0:
        raise cfg.fail(f"units={units} must be a positive integer")
    return units


def cell_weights(cfg: Config, kind: str, x: Shape, d: Derivation) -> tuple[int, list[int]]:
    """Adds the weights of a SimpleRNN/GRU/LSTM cell built on ``x`` (last axis = features);
    returns (output size, state sizes)."""
    units = _units(cfg)
    use_bias = cfg.boolean("use_bias", True)
    gates = _GATES[kind]
    d.arg("units", units)
    if not x:
        raise cfg.fail(f"cannot build on an input of rank 0: {x}")
    features = x[-1]
    if features is None:
        raise cfg.fail(f"the feature dimension (last axis) must be defined, got None in {x}")
    g = "" if gates == 1 else f"{gates}"
    gu = f"{g}u" if g else "u"
    d.weight("kernel", [("d", features), (gu, gates * units)])
    d.weight("recurrent_kernel", [("u", units), (gu, gates * units)])
    if kind == "GRUCell":
        reset_after = cfg.boolean("reset_after", True)
        if not reset_after:
            d.arg("reset_after", False)
        if use_bias and reset_after:
            d.weight("bias", [("2", 2), ("3u", 3 * units)])
            d.total("3u × (d + u) + 6u", u=units, d=features)
        elif use_bias:
            d.weight("bias", [("3u", 3 * units)])
            d.total("3u × (d + u + 1)", u=units, d=features)
    elif use_bias:
        d.weight("bias", [(gu, gates * units)])
        d.total(f"{g}u × (d + u + 1)" if g else "u × (d + u + 1)", u=units, d=features)
    if not use_bias:
        d.arg("use_bias", False)
        d.total(f"{g}u × (d + u)" if g else "u × (d + u)", u=units, d=features)
    states = [units, units] if kind == "LSTMCell" else [units]
    return units, states


def _cell(kind: str):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
        xs = single(cfg, x)
        rank(cfg, xs, min_ndim=2)
        out, _ = cell_weights(cfg, kind, xs, d)
        d.output((xs[0], out), "(batch, u)")

    formula.__doc__ = (
        f"{kind} built on (batch, d): kernel (d, {_GATES[kind]}u), recurrent_kernel (u, {_GATES[kind]}u), "
        "bias; output (batch, u).  Keras builds the cell (no call: a cell's call needs states)."
    )
    return formula


for _kind in _GATES:
    register(_kind, family="recurrent")(_cell(_kind))


def _cell_specs(cfg: Config, value: object) -> list[Mapping[str, Any]]:
    if isinstance(value, Mapping):
        return [cfg.layer_spec(value, "cell")]
    if isinstance(value, (list, tuple)) and value and all(isinstance(v, Mapping) for v in value):
        return [cfg.layer_spec(v, f"cells[{i}]") for i, v in enumerate(value)]
    raise cfg.fail(f"cells={value!r} must be a non-empty list of cell configs")


def _state_sizes(cfg: Config, spec: Mapping[str, Any], out: int) -> list[Any]:
    """The state sizes of a nested cell (a StackedRNNCells has one entry per cell)."""
    class_name = spec.get("class_name")
    if class_name == "LSTMCell":
        return [out, out]
    if class_name in ("SimpleRNNCell", "GRUCell"):
        return [out]
    if class_name == "StackedRNNCells":
        # Keras returns one state list per inner cell (nested lists); flattened, in cell order.
        inner = (spec.get("config") or {}).get("cells")
        sizes: list[Any] = []
        for cell in _cell_specs(cfg, inner):
            sizes.extend(_state_sizes(cfg, cell, (cell.get("config") or {}).get("units")))  # type: ignore[arg-type]
        return sizes
    raise cfg.fail(f"{class_name!r} is not an RNN cell (SimpleRNNCell, GRUCell, LSTMCell, StackedRNNCells)")


def stacked_cells(cfg: Config, specs: list[Mapping[str, Any]], x: Shape, d: Derivation) -> tuple[int, list[int]]:
    """Each cell built on (batch, previous cell's output size); weights in cell order.
    Returns (last output size, flattened state sizes)."""
    shape: Shape = x
    states: list[int] = []
    out: Dim = None
    for i, spec in enumerate(specs):
        class_name = spec.get("class_name")
        if class_name not in _GATES and class_name != "StackedRNNCells":
            raise cfg.fail(f"cell {i}: {class_name!r} is not an RNN cell (SimpleRNNCell, GRUCell, LSTMCell)")
        inner = nested(cfg, spec, shape)
        for w in inner.weights:
            d.weight(w.name, [(f"c{i}", v) for v in w.shape], trainable=w.trainable)
        out_shape = inner.output_shape
        out = out_shape[-1]  # type: ignore[assignment]
        states.extend(_state_sizes(cfg, spec, out))  # type: ignore[arg-type]
        shape = (x[0], out)
    assert out is not None
    return out, states


@register("StackedRNNCells", family="recurrent")
def stacked_rnn_cells(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Σ cells, cell i built on (batch, output size of cell i−1) and cell 0 on the input;
    output (batch, output size of the last cell)."""
    xs = single(cfg, x)
    rank(cfg, xs, min_ndim=2)
    specs = _cell_specs(cfg, cfg.get("cells"))
    d.arg("cells", len(specs))
    out, _ = stacked_cells(cfg, specs, xs, d)
    d.output((xs[0], out), "(batch, u_last)")


def _sequence_output(cfg: Config, x: Shape, out: Dim, states: list[int], d: Derivation, *, time_major: bool = False) -> None:
    """(batch, T, out) or (batch, out), plus one (batch, s) per state with return_state."""
    return_sequences = cfg.boolean("return_sequences", False)
    return_state = cfg.boolean("return_state", False)
    batch, steps = (x[1], x[0]) if time_major else (x[0], x[1])
    if return_sequences:
        d.arg("return_sequences", True)
        output: Shape = (steps, batch, out) if time_major else (batch, steps, out)
        symbolic = "(T, batch, u)" if time_major else "(batch, T, u)"
    else:
        output = (batch, out)
        symbolic = "(batch, u)"
    if return_state:
        d.arg("return_state", True)
        shapes: OutputShape = (output, *((batch, s) for s in states))
        d.output(shapes, f"[{symbolic}, (batch, state) per state]")
    else:
        d.output(output, symbolic)


def _rnn_common(cfg: Config, x: Shape, d: Derivation) -> bool:
    """Checks shared by the RNN layers: rank 3, stateful needs a batch size, unroll needs T
    (Keras 2; Keras 3 builds symbolically with a placeholder length); time_major is Keras 2 only."""
    rank(cfg, x, ndim=3)
    if "time_major" in cfg.raw and cfg.keras.is_keras3:
        raise cfg.fail("time_major is a Keras 2 argument; Keras 3 refuses it")
    time_major = False if cfg.keras.is_keras3 else cfg.boolean("time_major", False)
    if time_major:
        d.arg("time_major", True)
    batch, steps = (x[1], x[0]) if time_major else (x[0], x[1])
    if steps == 0:
        raise cfg.fail(f"an input with 0 timesteps cannot be run, got {x}")
    cfg.boolean("go_backwards", False)
    if cfg.boolean("stateful", False):
        d.arg("stateful", True)
        if batch is None:
            raise cfg.fail(f"stateful=True needs a static batch size, got None in {x}")
    if cfg.boolean("unroll", False):
        d.arg("unroll", True)
        if steps is None and not cfg.keras.is_keras3:
            raise cfg.fail(f"unroll=True needs a defined number of timesteps, got None in {x}")
    return time_major


def _rnn_layer(kind: str):  # type: ignore[no-untyped-def]
    cell = _LAYER_CELL[kind]

    def formula(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
        xs = single(cfg, x)
        time_major = _rnn_common(cfg, xs, d)
        out, states = cell_weights(cfg, cell, xs, d)
        _sequence_output(cfg, xs, out, states, d, time_major=time_major)

    formula.__doc__ = (
        f"{kind}(u) on (batch, T, d): one {cell} built on (batch, d); output (batch, u), "
        "(batch, T, u) with return_sequences, plus the states with return_state."
    )
    return formula


for _layer in _LAYER_CELL:
    register(_layer, family="recurrent")(_rnn_layer(_layer))


@register("RNN", family="recurrent")
def rnn(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """RNN(cell) on (batch, T, d): the cell (or a list of cells, stacked) built on (batch, d);
    output (batch, out) or (batch, T, out), out = the last cell's output size; return_state
    appends (batch, s) per state."""
    xs = single(cfg, x)
    time_major = _rnn_common(cfg, xs, d)
    specs = _cell_specs(cfg, cfg.get("cell"))
    step: Shape = (xs[1],) + xs[2:] if time_major else (xs[0],) + xs[2:]
    out, states = stacked_cells(cfg, specs, step, d)
    _sequence_output(cfg, xs, out, states, d, time_major=time_major)


def _conv_lstm(rank_: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
        xs = single(cfg, x)
        filters = cfg.integer("filters", minimum=1)
        kernel = cfg.int_tuple("kernel_size", rank_)
        strides = cfg.int_tuple("strides", rank_, 1)
        dilation = cfg.int_tuple("dilation_rate", rank_, 1)
        padding = cfg.padding(allow_causal=False)
        data_format = cfg.data_format()
        d.arg("filters", filters)
        d.arg("kernel_size", kernel)
        if max(strides) > 1 and max(dilation) > 1:
            raise cfg.fail(f"strides={strides} > 1 cannot be combined with dilation_rate={dilation} > 1")
        if cfg.boolean("unroll", False) and not cfg.keras.is_keras3:
            raise cfg.fail("unroll=True: Keras 2 cannot unroll a convolutional RNN")
        rank(cfg, xs, ndim=rank_ + 3)
        if xs[1] == 0:
            raise cfg.fail(f"an input with 0 timesteps cannot be run, got {xs}")
        if cfg.boolean("stateful", False) and xs[0] is None:
            raise cfg.fail(f"stateful=True needs a static batch size, got None in {xs}")
        step = (xs[0],) + xs[2:]
        if data_format == "channels_last":
            spatial, channels = step[1:-1], step[-1]
        else:
            spatial, channels = step[2:], step[1]
        if channels is None:
            raise cfg.fail(f"the channel dimension must be defined, got None in {xs}")
        if cfg.keras.is_keras3 and None in spatial:
            raise cfg.fail(f"Keras 3 ConvLSTM needs static spatial dimensions, got None in {xs}")
        out_spatial: list[Dim] = []
        for length, k, s, r in zip(spatial, kernel, strides, dilation):
            n = conv_length(length, k, s, padding, r)
            # A zero-size output: Keras 2 refuses it, and so does Keras 3 from the release that
            # refuses it for every convolution (conv-zero-output-refused); earlier Keras 3 builds it.
            if n is not None and (n < 0 or (n == 0 and (not cfg.keras.is_keras3 or has(cfg, "conv-zero-output-refused")))):
                raise cfg.fail(
                    f"kernel {kernel} (dilation {dilation}) is larger than the input {tuple(spatial)} with padding='valid'"
                )
            out_spatial.append(n)
        out_spatial = keras2_dilated_unknown(cfg, d, rank_, spatial, dilation, out_spatial)
        ks = [(f"k{i + 1}", k) for i, k in enumerate(kernel)]
        d.weight("kernel", [*ks, ("C", channels), ("4F", 4 * filters)])
        d.weight("recurrent_kernel", [*ks, ("F", filters), ("4F", 4 * filters)])
        if cfg.boolean("use_bias", True):
            d.weight("bias", [("4F", 4 * filters)])
            d.total("4F × (K × (C + F) + 1)", F=filters, C=channels, K=_prod(kernel))
        else:
            d.arg("use_bias", False)
            d.total("4F × K × (C + F)", F=filters, C=channels, K=_prod(kernel))
        if data_format == "channels_last":
            state: Shape = (xs[0], *out_spatial, filters)
        else:
            state = (xs[0], filters, *out_spatial)
        if cfg.boolean("stateful", False) and None in state:
            raise cfg.fail(f"stateful=True needs the batch size and every spatial size, got state shape {state}")
        if cfg.boolean("return_sequences", False):
            d.arg("return_sequences", True)
            output: Shape = (state[0], xs[1], *state[1:])
        else:
            output = state
        if cfg.boolean("return_state", False):
            d.arg("return_state", True)
            d.output((output, state, state), "[output, h, c]")
        else:
            d.output(output, "(batch, [T,] spatial', F)")

    formula.__doc__ = (
        f"ConvLSTM{rank_}D(F, k) on (batch, T, spatial…, C): kernel k+(C, 4F), recurrent_kernel "
        "k+(F, 4F), bias (4F,): 4F·(K·(C + F) + 1) with K = ∏k.  Spatial output as a convolution "
        "(valid: floor((L − d(k−1) − 1)/s) + 1; same: ceil(L/s))."
    )
    return formula


def _prod(values: tuple[int, ...]) -> int:
    out = 1
    for v in values:
        out *= v
    return out


for _n in (1, 2, 3):
    register(f"ConvLSTM{_n}D", family="recurrent")(_conv_lstm(_n))


# -- call options (whole models) --------------------------------------------------------------

#: Layers called as ``layer(sequences, initial_state=None, mask=None, training=None)`` (Keras 2
#: also ``constants=None``); Keras 2 serializes the states and constants as further inputs.
RNN_CALLS = RECURRENT_LAYERS | {"Bidirectional"}


def _compatible(given: Shape, expected: Shape) -> bool:
    return len(given) == len(expected) and all(a is None or b is None or a == b for a, b in zip(given[1:], expected[1:]))


def check_initial_state(cfg: Config, x: Shape, states: list[Shape]) -> None:
    """An ``initial_state`` Keras refuses when it builds the layer.  The states do not change the
    weights or the output.

    Keras 2 (``tf_keras/src/layers/rnn/base_rnn.py`` ``_validate_state_spec``): as many states as
    the cell has (LSTM 2, GRU and SimpleRNN 1, stacked cells: all theirs) and each state's shape
    without the batch axis compatible with its size.  ConvLSTM (``base_conv_rnn.py``): the states'
    channel dims must equal [filters, filters].  Bidirectional: an even number of states, the
    first half for the forward layer.  Keras 3 accepts any states symbolically (a wrong one fails
    only when the model runs), so nothing is checked there."""
    if cfg.keras.is_keras3 or not states:
        return
    spec: dict[str, Any]
    if cfg.class_name == "Bidirectional":
        if len(states) % 2:
            raise cfg.fail(
                f"initial_state must hold the forward states then the backward states (an even number), got {len(states)}"
            )
        raw = dict(cfg.raw)
        for key in ("layer", "backward_layer"):
            inner = raw.get(key)
            if isinstance(inner, Mapping):
                raw[key] = {**inner, "config": {**(inner.get("config") or {}), "return_state": True}}
        spec = {"class_name": cfg.class_name, "config": raw}
        inner_layer = raw.get("layer") or {}
        conv = str(inner_layer.get("class_name", "")).startswith("ConvLSTM")
        leading = 2 if "merge_mode" in cfg.raw and cfg.raw["merge_mode"] is None else 1
    else:
        spec = {"class_name": cfg.class_name, "config": {**cfg.raw, "return_state": True}}
        conv = cfg.class_name.startswith("ConvLSTM")
        leading = 1
    out = nested(cfg, spec, x).output_shape
    expected: list[Shape] = list(out[leading:])  # type: ignore[arg-type]
    shown = [list(s[1:]) for s in expected]
    if len(states) != len(expected):
        raise cfg.fail(f"initial_state has {len(states)} state(s) {states}; the layer's cells take {len(expected)}: {shown}")
    for given, want in zip(states, expected):
        if conv:
            channels_first = (
                cfg.raw.get("data_format") or ((cfg.raw.get("layer") or {}).get("config") or {}).get("data_format")
            ) == "channels_first"
            axis = 1 if channels_first else len(want) - 1
            ok = len(given) == len(want) and given[axis] == want[axis]
        else:
            ok = _compatible(given, want)
        if not ok:
            raise cfg.fail(f"initial_state {given} does not fit the cell's state {tuple(want[1:])} (without the batch axis)")


#: Cells called directly in a functional model: ``cell(inputs, states)``.
CELL_CALLS = frozenset({*_GATES, "StackedRNNCells"})


def cell_call_outputs(cfg: Config, x: Shape, out: Shape) -> tuple[Shape, ...]:
    """A cell called on ``(inputs, states)`` returns ``(output, new_states)``; the model sees
    them flattened: the output, then one (batch, size) per state (LSTMCell h and c; GRUCell and
    SimpleRNNCell h, nested in a list or not; StackedRNNCells every cell's, in cell order)."""
    units = out[-1]
    assert units is not None  # a cell's output size is its units
    sizes = _state_sizes(cfg, {"class_name": cfg.class_name, "config": cfg.raw}, units)
    return (out, *((x[0], s) for s in sizes))
