"""The formula engine on hostile configurations: each crash the engine fuzz
(``tests/fuzz/test_fuzz_engine.py``) found, pinned.

The contract: :func:`formulas.expect` and :func:`formulas.expect_model` return a result or raise
:class:`formulas.InvalidLayerError` / :class:`formulas.UnknownLayerError` whose one-line message
names the layer and the value; a model with one unreadable layer still describes the others.
Before the fixes, each input below ended in a TypeError, ValueError, OverflowError,
ZeroDivisionError, IndexError, AttributeError, RecursionError or a hang.
"""

from __future__ import annotations

import copy
import math
import time
from typing import Any

import pytest

import formulas
from formulas import InvalidLayerError, UnknownLayerError
from formulas._model import MAX_DIM, MAX_RANK
from formulas.layers.ops import OpCall, Tensor, describe_op
from verify import limits

BIG = 2**63 - 1


def _refused(layer: dict[str, Any], shape: Any, keras: str = "3", error: type[Exception] = InvalidLayerError) -> str:
    with pytest.raises(error) as info:
        formulas.expect(layer, shape, keras=keras)
    message = str(info.value)
    assert "\n" not in message, message
    assert message.startswith(f"{layer['class_name']}: "), message
    return message


def test_the_engine_limits_agree_with_the_readers():
    # formulas imports no verify module: its own copies of the limits must say the same.
    assert MAX_DIM == limits.MAX_INT
    assert MAX_RANK == limits.MAX_RANK


# -- config values that are not whole numbers: NaN, infinities, floats past int64 -----------------


@pytest.mark.parametrize(
    ("layer", "shape", "shown"),
    [
        # A config written by a tool that serializes missing sizes as NaN (json.dumps allows it):
        # int(nan) raised ValueError, int(inf) OverflowError.
        (
            {
                "class_name": "GroupQueryAttention",
                "config": {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": math.inf},
            },
            [(None, 5, 8), (None, 7, 8)],
            "num_key_value_heads=inf",
        ),
        (
            {"class_name": "Conv3D", "config": {"filters": 5, "kernel_size": 2, "lora_rank": math.nan}},
            (None, 4, 4, 4, 3),
            "lora_rank=nan",
        ),
        (
            {"class_name": "MaxPooling2D", "config": {"pool_size": [2, 3], "strides": [1, math.nan]}},
            (None, 10, 11, 4),
            "strides=[1, nan]",
        ),
        ({"class_name": "Normalization", "config": {"axis": math.inf}}, (2, 4), "axis=[inf]"),
        ({"class_name": "PReLU", "config": {"shared_axes": math.nan}}, (None, 6, 4), "shared_axes=[nan]"),
        # 1e300 reads as a whole number; as filters it made weights of 300-digit sizes.
        ({"class_name": "Conv2D", "config": {"filters": 1e300, "kernel_size": 3}}, (None, 8, 8, 3), "filters=1e+300"),
    ],
)
def test_non_finite_and_huge_numbers_are_refused_by_name(layer, shape, shown):
    assert shown in _refused(layer, shape)


def test_a_nested_layer_with_an_infinite_kernel_is_refused_with_the_wrapper_named():
    layer = {
        "class_name": "Bidirectional",
        "config": {"layer": {"class_name": "ConvLSTM1D", "config": {"filters": 3, "kernel_size": math.inf}}},
    }
    message = _refused(layer, (None, 7, 2, 4))
    assert "inner layer: ConvLSTM1D: kernel_size=inf" in message


# -- nested layer configs that are not configs ----------------------------------------------------


@pytest.mark.parametrize(
    "layer",
    [
        # A hand-edited file with the inner config left as a list (was AttributeError / TypeError)
        {"class_name": "Bidirectional", "config": {"layer": {"class_name": "GRU", "config": [0]}}},
        {"class_name": "Bidirectional", "config": {"layer": {"class_name": "LSTM", "config": [[1]]}}},
        {"class_name": "TimeDistributed", "config": {"layer": {"class_name": "Dense", "config": 4}}},
        {
            "class_name": "Bidirectional",
            "config": {
                "layer": {"class_name": "LSTM", "config": {"units": 4, "return_sequences": True}},
                "backward_layer": {"class_name": "LSTM", "config": [None]},
            },
        },
        # A cell whose class_name is not a string (was "unhashable type: 'list'")
        {"class_name": "RNN", "config": {"cell": {"class_name": [], "config": {"units": 4}}}},
        {
            "class_name": "RNN",
            "config": {
                "cell": {"class_name": "StackedRNNCells", "config": {"cells": [{"class_name": [None], "config": {"units": 4}}]}}
            },
        },
    ],
)
def test_nested_layer_specs_must_be_layer_configs(layer):
    message = _refused(layer, (None, 5, 6, 3) if layer["class_name"] == "TimeDistributed" else (None, 5, 3))
    assert "must be" in message


# -- values of the wrong type where Keras compares numbers -----------------------------------------


def test_renorm_clipping_values_must_be_numbers():
    # Keras 3 compares rmax < rmin: a string there fails in Keras too (was TypeError here).
    layer = {"class_name": "BatchNormalization", "config": {"renorm": True, "renorm_clipping": {"rmax": 1.0, "rmin": "same"}}}
    assert "rmin='same' is not a number" in _refused(layer, (None, 6, 7))
    layer["config"]["renorm_clipping"] = {"rmax": 3.0, "rmin": 0.3, "dmax": [-1, -1]}
    assert "dmax=[-1, -1] is not a number" in _refused(layer, (None, 6, 7))


def test_mel_spectrogram_sequence_length_must_be_an_integer():
    layer = {"class_name": "MelSpectrogram", "config": {"fft_length": 256, "sequence_length": [[1]]}}
    assert "sequence_length=[[1]] is not an integer" in _refused(layer, (None, 1000))
    # Keras reads `sequence_length or fft_length`: a falsy value is the fft length, as before
    same = formulas.expect({"class_name": "MelSpectrogram", "config": {"fft_length": 256, "sequence_length": 0}}, (None, 1000))
    assert (
        same.output_shape
        == formulas.expect({"class_name": "MelSpectrogram", "config": {"fft_length": 256}}, (None, 1000)).output_shape
    )


def test_multi_head_attention_output_shape_must_hold_integers():
    layer = {"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 4, "output_shape": [[BIG, BIG], 5]}}
    assert "output_shape=[[" in _refused(layer, [(None, 5, 8), (None, 7, 8)])


def test_group_normalization_groups_minus_one_on_an_empty_axis():
    # groups=-1 means one group per channel; with no channels Keras divides by zero (was
    # ZeroDivisionError here).  The known candidate groups=-2 stays refused.
    layer = {"class_name": "GroupNormalization", "config": {"groups": -1}}
    assert "groups=-1" in _refused(layer, (None, 4, 0))
    assert "groups=-2 must be a positive integer or -1" in _refused(
        {"class_name": "GroupNormalization", "config": {"groups": -2}}, (None, 8, 8)
    )


# -- inputs of rank 0: no batch axis -------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        ({"class_name": "Reshape", "config": {"target_shape": [-1, 1]}}, ()),
        (
            {"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 4, "attention_axes": 0}},
            [(None, 18, 1), ()],
        ),
    ],
)
def test_rank_zero_inputs_are_refused(layer, shape):
    _refused(layer, shape)


def test_text_vectorization_one_hot_on_a_scalar_does_not_crash():
    layer = {"class_name": "TextVectorization", "config": {"split": None, "vocabulary": ["a"], "output_mode": "one_hot"}}
    assert formulas.expect(layer, ()).output_shape == (2,)  # was IndexError; depth 1 token + 1 OOV


# -- the candidates of earlier sweeps stay refused -------------------------------------------------


@pytest.mark.parametrize("keras", ["3", "2.15"])
@pytest.mark.parametrize(
    ("layer", "shape", "shown"),
    [
        ({"class_name": "CenterCrop", "config": {"height": 0, "width": 3}}, (None, 8, 8, 3), "height=0"),
        ({"class_name": "Concatenate", "config": {"axis": 5}}, [(None, 8)], "axis=5"),
        ({"class_name": "RandomCrop", "config": {"height": 2, "width": 2}}, (None, 8), "rank 2"),
    ],
)
def test_earlier_sweep_candidates(layer, shape, shown, keras):
    assert shown in _refused(layer, shape, keras)


# -- shapes past what any backend holds ------------------------------------------------------------


def test_input_shapes_past_rank_64_or_int64_are_refused():
    assert "rank 65, over the limit of 64" in _refused({"class_name": "Dense", "config": {"units": 2}}, [None] + [1] * 64)
    assert "past int64" in _refused({"class_name": "Dense", "config": {"units": 2}}, [None, 2**63])
    # the largest of each is fine
    assert (
        formulas.expect({"class_name": "Activation", "config": {"activation": "relu"}}, [None] + [1] * 63).output_shape[-1] == 1
    )
    assert formulas.expect({"class_name": "Activation", "config": {"activation": "relu"}}, [None, BIG]).output_shape == (
        None,
        BIG,
    )


def test_weights_and_outputs_past_int64_are_refused():
    # A kernel of (2^63 - 1) × 2 elements: no backend can create it.
    assert "more than 2^63 - 1 elements" in _refused({"class_name": "Dense", "config": {"units": 2}}, (None, BIG))
    # Flatten of (2^62, 2^62): an output dimension of 2^124.
    assert "past int64" in _refused({"class_name": "Flatten", "config": {}}, (None, 2**62, 2**62))


def test_a_model_whose_dimensions_grow_layer_after_layer_is_described_not_crashed():
    # RepeatVector then Flatten, 250 times, grew a dimension to over 4,300 digits: printing the
    # summary raised ValueError (Python refuses str() of such ints).  Now the first Flatten past
    # int64 is refused and the rows after it depend on it.
    layers: list[dict[str, Any]] = [{"class_name": "InputLayer", "config": {"batch_shape": [None, 2**62]}}]
    for i in range(250):
        layers.append({"class_name": "RepeatVector", "config": {"n": 2**62, "name": f"r{i}"}})
        layers.append({"class_name": "Flatten", "config": {"name": f"f{i}"}})
    m = formulas.expect_model({"class_name": "Sequential", "config": {"name": "s", "layers": layers}})
    assert not m.complete
    assert m.layers[1].error is not None and "past int64" in m.layers[1].error
    assert m.summary()


def test_locally_connected_implementation_3_on_a_huge_input_does_not_walk_every_position():
    # implementation 3 sums the window sizes over every output position; an input of length
    # 2^63 - 1 looped for ever.  The closed form agrees with the loop (checked below) and is instant.
    layer = {
        "class_name": "LocallyConnected1D",
        "config": {"filters": 3, "kernel_size": 2, "implementation": 3, "use_bias": False},
    }
    start = time.monotonic()
    _refused(layer, (None, BIG, 2), "2.15")  # its kernel would have more than 2^63 - 1 elements
    small = formulas.expect(layer, (None, 1000, 2), keras="2.15")
    assert time.monotonic() - start < 1
    assert small.total == 2 * 3 * (2 * 999)


def test_locally_connected_window_sums_in_closed_form_match_the_loop():
    from formulas.layers.conv_more import _connected

    def loop(length: int, kernel: int, stride: int, padding: str, out: int) -> int:
        left, right = kernel // 2, kernel - kernel // 2
        total = 0
        for o in range(out):
            center = o * stride + (left if padding == "valid" else 0)
            total += max(0, min(length, center + right) - max(0, center - left))
        return total

    for length in range(0, 20):
        for kernel in range(1, 9):
            for stride in range(1, 6):
                for padding in ("valid", "same"):
                    for out in range(0, 25):
                        assert _connected(length, kernel, stride, padding, out) == loop(length, kernel, stride, padding, out)


# -- messages name the layer -------------------------------------------------------------------------


def test_a_bad_shape_in_a_config_names_the_layer():
    # as_shape on a config value raised without the class: "batch_shape=0 is not a shape".
    message = _refused({"class_name": "InputLayer", "config": {"batch_shape": 0}}, (None, 3))
    assert message.startswith("InputLayer: batch_shape=0")


def test_an_operation_without_a_formula_names_the_layer():
    message = _refused({"class_name": "TFOpLambda", "config": {"function": "signal.rfft"}}, (None, 8), "2.15", UnknownLayerError)
    assert message == "TFOpLambda: no formula for TF op tf.signal.rfft"
    inner = _refused(
        {"class_name": "TimeDistributed", "config": {"layer": {"class_name": "NoSuchLayer", "config": {}}}},
        (None, 4, 3),
        "3",
        UnknownLayerError,
    )
    assert inner.startswith("TimeDistributed: inner layer: no formula for layer class 'NoSuchLayer'")


# -- operations (Keras 3 op nodes, Keras 2 TF ops) ----------------------------------------------------


@pytest.mark.parametrize(
    ("call", "shown"),
    [
        (OpCall("Mean", (Tensor((None, 3)),), {"axis": 1.5}), "axis=1.5"),  # was TypeError
        (OpCall("Concatenate", ([Tensor((None, 3)), Tensor((None, 3))],), {"axis": [0, 1]}), "axis=[0, 1]"),  # ValueError
        (OpCall("Transpose", (Tensor(()),), {"perm": [0]}), "perm=[0]"),  # ZeroDivisionError
        (OpCall("Transpose", (Tensor((None, 3)),), {"perm": ["a", 1]}), "perm=['a', 1]"),  # TypeError
        (OpCall("ExpandDims", (Tensor((None, 3)),), {"axis": 1.5}), "axis=1.5"),  # TypeError
        (OpCall("GetItem", (Tensor((None, 3)), [{"class_name": "__slice__", "config": [1]}])), None),  # AttributeError
        (OpCall("GetItem", (Tensor((4, 3)), [{"start": 0, "stop": 2, "step": 0}])), "step"),  # ValueError
        (OpCall("GetItem", (Tensor((4, 3)), [{"start": "a"}])), "start"),  # TypeError
        # numbers that grow op after op past what can be printed
        (OpCall("Reshape", (Tensor((2**62, 2**62)),), {"newshape": [-1]}), "past int64"),
    ],
)
def test_operations_refuse_hostile_arguments(call, shown):
    with pytest.raises(InvalidLayerError) as info:
        out = describe_op(call)
        print(out)  # a GetItem with a config that is not a mapping reads as a full slice
        raise InvalidLayerError(f"{call.name}: described")
    message = str(info.value)
    if shown is None:
        assert message == "GetItem: described"
        return
    assert message.startswith(f"{call.name}: ") and shown in message, message


def test_tf_op_call_kwargs_must_be_a_mapping():
    layer = {"class_name": "TFOpLambda", "config": {"function": "math.reduce_mean", "call_kwargs": [1]}}
    assert "call_kwargs=[1]" in _refused(layer, (None, 3), "2.15")


# -- whole models: a bad entry costs its own row, not the model ----------------------------------------


def _t3(name: Any, node: Any = 0, index: Any = 0) -> dict[str, Any]:
    return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}


def _functional3(layers: list[Any], inputs: Any = (("x", 0, 0),), outputs: Any = (("d", 0, 0),)) -> dict[str, Any]:
    return {
        "class_name": "Functional",
        "config": {
            "name": "m",
            "layers": layers,
            "input_layers": [list(r) for r in inputs],
            "output_layers": [list(r) for r in outputs],
        },
    }


def _input3(name: str = "x", shape: Any = (None, 4)) -> dict[str, Any]:
    return {"class_name": "InputLayer", "name": name, "config": {"batch_shape": list(shape), "name": name}, "inbound_nodes": []}


def _dense3(name: str, nodes: Any, units: int = 3) -> dict[str, Any]:
    return {"class_name": "Dense", "name": name, "config": {"units": units, "name": name}, "inbound_nodes": nodes}


@pytest.mark.parametrize(
    "nodes",
    [
        [
            {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": ["x", 0, 0, 0]}}], "kwargs": {}}
        ],  # too many values
        [{"args": [_t3("x", math.nan, 0)], "kwargs": {}}],  # int(nan)
        [{"args": [_t3("x", {"a": 1}, 0)], "kwargs": {}}],  # int(dict)
        [{"args": [{"class_name": "__keras_tensor__"}], "kwargs": {}}],  # KeyError 'config'
        [
            {"args": [{"class_name": "__keras_tensor__", "config": {"keras_history": None}}], "kwargs": {}}
        ],  # None not subscriptable
        [{"args": [_t3("x")], "kwargs": _t3("x")}],  # kwargs a tensor: '_Ref' object is not iterable
        [{"args": [_t3("x")], "kwargs": [1]}],  # dict([1])
        [{"args": 5, "kwargs": {}}],  # int not iterable
        7,  # inbound_nodes an int
        [[["x", 0, "abc", {}]]],  # Keras 2 leaf with a non-int tensor index
    ],
)
def test_an_unreadable_inbound_node_costs_only_its_layer(nodes):
    layers = [_input3(), _dense3("d", nodes), _dense3("e", [{"args": [_t3("x")], "kwargs": {}}], 5)]
    m = formulas.expect_model(_functional3(layers, outputs=[("d", 0, 0), ("e", 0, 0)]))
    rows = {r.name: r for r in m.layers}
    assert rows["d"].error is not None and "\n" not in rows["d"].error
    assert rows["e"].error is None and rows["e"].total == 5 * (4 + 1)
    assert m.summary()


@pytest.mark.parametrize(
    ("refs", "shown"),
    [
        ("abc", "input_layers"),  # a string: RecursionError (each character iterated as a list)
        (["x", "abc", 0], "input_layers"),  # int('abc')
        (7, "input_layers"),
    ],
)
def test_unreadable_input_layers_refuse_the_model(refs, shown):
    model = _functional3([_input3(), _dense3("d", [{"args": [_t3("x")], "kwargs": {}}])])
    model["config"]["input_layers"] = refs
    with pytest.raises(InvalidLayerError, match=shown) as info:
        formulas.expect_model(model)
    assert str(info.value).startswith("m: ")


@pytest.mark.parametrize(
    "entry",
    [None, [1], "dense", 5],  # was AttributeError: 'NoneType' / 'list' / 'str' object has no attribute 'get'
)
def test_a_layer_entry_that_is_not_a_mapping_is_named(entry):
    for model in (
        _functional3([_input3(), entry, _dense3("d", [{"args": [_t3("x")], "kwargs": {}}])]),
        {
            "class_name": "Sequential",
            "config": {"name": "s", "layers": [_input3(), entry, {"class_name": "Dense", "config": {"units": 2}}]},
        },
    ):
        with pytest.raises(InvalidLayerError, match=r"layers\[1\] is not a layer config"):
            formulas.expect_model(model)


@pytest.mark.parametrize("config", [[1], "abc", 5, True])
def test_a_layer_config_that_is_not_a_mapping_is_that_rows_error(config):
    # was AttributeError in the graph walk ('list' object has no attribute 'items' / 'get')
    layers = [_input3(), _dense3("d", [{"args": [_t3("x")], "kwargs": {}}]), _dense3("e", [{"args": [_t3("x")], "kwargs": {}}])]
    layers[1]["config"] = config
    m = formulas.expect_model(_functional3(layers, outputs=[("e", 0, 0)]))
    rows = {r.name: r for r in m.layers}
    assert rows["d"].error and "'config' must be a mapping" in rows["d"].error
    assert rows["e"].error is None


def test_a_class_name_that_is_not_a_string_is_that_rows_error():
    # `entry.get("class_name") in MODEL_CLASSES` raised "unhashable type: 'list'"
    s = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [_input3(), {"class_name": ["Dense"], "config": {"units": 2}}]},
    }
    m = formulas.expect_model(s)
    assert m.layers[0].error is not None and m.layers[0].no_formula


def test_a_layer_that_calls_itself_or_a_missing_layer_is_never_computed():
    layers = [
        _input3(),
        _dense3("d", [{"args": [_t3("d")], "kwargs": {}}]),
        _dense3("e", [{"args": [_t3("missing")], "kwargs": {}}]),
    ]
    m = formulas.expect_model(_functional3(layers))
    assert all(r.error and "never computed" in r.error for r in m.layers[1:])


def test_models_nested_to_the_json_depth_limit_are_described():
    inner: dict[str, Any] = {
        "class_name": "Sequential",
        "config": {"name": "s0", "layers": [_input3(), {"class_name": "Dense", "config": {"units": 2}}]},
    }
    depth = 1
    while True:
        outer = {"class_name": "Sequential", "config": {"name": f"s{depth}", "layers": [inner]}}
        try:
            limits.check_tree(outer, "model")
        except limits.LimitError:
            break
        inner, depth = outer, depth + 1
    assert depth > 30
    m = formulas.expect_model(inner)
    assert m.total == 2 * (4 + 1)


# -- old configurations (formulas.upgrade_config) ------------------------------------------------------


def _k1_dense(name: str, **config: Any) -> dict[str, Any]:
    return {"class_name": "Dense", "config": {"name": name, "output_dim": 4, "input_dim": 3, **config}}


def _k1_lstm(**config: Any) -> dict[str, Any]:
    return {"class_name": "LSTM", "config": {"name": "lstm_1", "output_dim": 4, "input_dim": 3, "input_length": 5, **config}}


@pytest.mark.parametrize(
    ("data", "shown"),
    [
        # A class name that is not a string (from helper A's sweep of model files): unhashable type
        ({"class_name": "Sequential", "config": {"layers": [{"class_name": [], "config": {}}]}}, None),
        # Keras 1 values of the wrong type where the converter looks them up in its tables
        ({"class_name": "Sequential", "keras_version": "1.2.2", "config": [_k1_lstm(consume_less={"a": 1})]}, "consume_less"),
        ({"class_name": "Sequential", "keras_version": "1.2.2", "config": [_k1_dense("d", dim_ordering=["th"])]}, None),
        (
            {
                "class_name": "Sequential",
                "keras_version": "1.2.2",
                "config": [
                    {
                        "class_name": "Convolution2D",
                        "config": {
                            "name": "c",
                            "nb_filter": 2,
                            "nb_row": 3,
                            "nb_col": 3,
                            "dim_ordering": ["th"],
                            "batch_input_shape": [None, 8, 8, 1],
                        },
                    }
                ],
            },
            "dim_ordering=['th']",
        ),
        # a regularizer factor that is not a number: float({}) raised TypeError (it changes no weight: kept)
        (
            {
                "class_name": "Sequential",
                "keras_version": "1.2.2",
                "config": [_k1_dense("d", W_regularizer={"name": "WeightRegularizer", "l1": {}})],
            },
            None,
        ),
        # a Keras 1 Merge whose dot_axes is a float: list(1.5)
        (
            {
                "class_name": "Sequential",
                "keras_version": "2.0.8",
                "config": [_k1_dense("d"), {"class_name": "Merge", "config": {"name": "m", "mode": "dot", "dot_axes": 1.5}}],
            },
            "dot_axes=1.5",
        ),
        # a first-layer Merge whose config is a number: `"layers" in 5`
        (
            {"class_name": "Sequential", "keras_version": "1.2.2", "config": [{"class_name": "Merge", "config": 5}]},
            "config must be a mapping",
        ),
        # a wrapper whose inner layer's batch_input_shape is a number: shape[0]
        (
            {
                "class_name": "Sequential",
                "keras_version": "1.2.2",
                "config": [
                    {
                        "class_name": "TimeDistributed",
                        "config": {
                            "name": "t",
                            "layer": {"class_name": "Dense", "config": {"name": "d", "output_dim": 2, "batch_input_shape": 7}},
                        },
                    }
                ],
            },
            None,
        ),
        # a functional Keras 1 model whose inbound_nodes is `true`: not iterable
        (
            {
                "class_name": "Model",
                "keras_version": "1.2.2",
                "config": {
                    "name": "m",
                    "layers": [{**_k1_dense("d"), "name": "d", "inbound_nodes": True}],
                    "input_layers": [["d", 0, 0]],
                    "output_layers": [["d", 0, 0]],
                },
            },
            None,
        ),
        # JSON text nested past Python's recursion limit, and an integer of 5,000 digits
        ("[" * 100_000, "nested too deeply"),
        ('{"a": ' + "9" * 5000 + "}", "unreadable JSON"),
    ],
)
def test_old_configs_convert_or_refuse_in_one_line(data, shown):
    try:
        upgraded = formulas.upgrade_config(data)
    except formulas.ModelFileError as exc:
        assert shown is not None and shown in str(exc), str(exc)
        assert "\n" not in str(exc)
        return
    assert shown is None, upgraded
    m = formulas.expect_model(upgraded.config, keras="2.15")
    assert m.summary()


def test_a_multi_branch_sequential_whose_branch_input_has_no_config_is_refused():
    # Keras 1's Sequential([Merge([branch_a, branch_b])]) with a branch's InputLayer missing its
    # batch_input_shape: KeyError while the branch's input was rebuilt.
    branch = {
        "class_name": "Sequential",
        "config": {"name": "b", "layers": [{"class_name": "InputLayer", "name": "i", "config": {"name": "i"}}, _k1_dense("d")]},
    }
    merge = {"class_name": "Merge", "config": {"name": "m", "mode": "concat", "layers": [branch, copy.deepcopy(branch)]}}
    with pytest.raises(formulas.ModelFileError, match="gives no input shape"):
        formulas.upgrade_config({"class_name": "Sequential", "keras_version": "2.0.8", "config": [merge]})


def test_a_functional_config_listed_backwards_is_described_in_linear_time():
    # The graph walk made a pass over every waiting call until none was ready: a chain of layers
    # listed in reverse (a hand-edited or generated file; Keras writes them in order) took
    # quadratic time and more (3,000 layers: 47 s; MAX_LAYERS is 100,000).
    layers = [_input3()]
    previous = "x"
    for i in range(3000):
        layers.append(
            {
                "class_name": "Activation",
                "name": f"a{i}",
                "config": {"activation": "relu", "name": f"a{i}"},
                "inbound_nodes": [{"args": [_t3(previous)], "kwargs": {}}],
            }
        )
        previous = f"a{i}"
    forward = _functional3(layers, outputs=[(previous, 0, 0)])
    backward = _functional3([layers[0], *reversed(layers[1:])], outputs=[(previous, 0, 0)])
    start = time.monotonic()
    m = formulas.expect_model(backward)
    assert time.monotonic() - start < 10
    assert m.complete and m.output_shapes == ((None, 4),)
    assert [r.name for r in m.layers] == [r.name for r in formulas.expect_model(forward).layers][:1] + [
        f"a{i}" for i in reversed(range(3000))
    ]


def test_nesting_past_the_python_stack_is_refused_in_one_line():
    # Deeper than any reader lets through (verify.limits: 100 levels of JSON), through the API:
    # RecursionError before.
    model: dict[str, Any] = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [_input3(), {"class_name": "Dense", "config": {"units": 2}}]},
    }
    for _ in range(400):
        model = {"class_name": "Sequential", "config": {"name": "s", "layers": [model]}}
    with pytest.raises(InvalidLayerError, match="nested too deeply"):
        formulas.expect_model(model)


def test_megabyte_values_make_short_refusals_quickly():
    # A 1 MiB string (the readers' limit for one JSON string) as a class name: difflib looked for
    # near names in it (0.6 s each; a model of many such layers took minutes) and the message
    # quoted it whole.  As a config value: the message quoted it whole.
    start = time.monotonic()
    with pytest.raises(UnknownLayerError) as info:
        formulas.expect({"class_name": "Dense" + "e" * (1024 * 1024), "config": {}}, (None, 3))
    assert time.monotonic() - start < 0.5 and len(str(info.value)) < 300
    message = _refused({"class_name": "Dense", "config": {"units": "x" * (1024 * 1024)}}, (None, 3))
    assert len(message) < 2100


def test_names_and_versions_with_line_breaks_keep_messages_on_one_line():
    # A layer named "a\nb" (or a keras_version "1.2\n2") wrote refusals, row errors, summary rows
    # and conversion notes of several lines: a reader's one-line contract broken by the engine.
    layers = [
        {"class_name": "InputLayer", "config": {"batch_shape": [None, 4]}},
        {"class_name": "Dense", "name": "a\nb", "config": {"units": "q\nw"}},
        {"class_name": "Dense", "name": "c\rd", "config": {"units": 2}},
    ]
    m = formulas.expect_model({"class_name": "Sequential", "config": {"name": "s\nx", "layers": layers}})
    assert all(r.error and "\n" not in r.error and "\r" not in r.error for r in m.layers)
    assert len(m.summary().splitlines()) == 11  # title, rules, header, two rows, totals, the note
    dup = {
        "class_name": "Functional",
        "config": {"name": "m\nn", "layers": [_input3("x\ny"), _input3("x\ny")], "input_layers": [], "output_layers": []},
    }
    with pytest.raises(InvalidLayerError) as info:
        formulas.expect_model(dup)
    assert "\n" not in str(info.value)
    old = {"class_name": "Sequential", "keras_version": "1.2\n2", "config": [_k1_dense("d\ne")]}
    assert all("\n" not in note for note in formulas.upgrade_config(old).notes)
