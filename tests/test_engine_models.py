"""Whole models in the pure engine: hand-written configs in both serializations (no TensorFlow).

Every expected number is independent arithmetic written here, never a figure Keras printed.
"""

from __future__ import annotations

import gzip
import json
import math
import time
import zipfile

import pytest

import formulas
from formulas import LayerRow, ModelExpectation, ModelFileError, Weight, expect_model, load_model_config

# -- config builders: Keras 3 and Keras 2 serializations of the same graphs --------------------


def t3(layer, node=0, index=0):
    """A Keras 3 ``__keras_tensor__`` reference."""
    return {"class_name": "__keras_tensor__", "config": {"shape": None, "keras_history": [layer, node, index]}}


def layer3(class_name, name, config=None, *calls, module="keras.layers"):
    """A Keras 3 functional entry; each call is (args, kwargs)."""
    nodes = [{"args": list(args), "kwargs": dict(kwargs)} for args, kwargs in calls]
    return {
        "module": module,
        "class_name": class_name,
        "config": {"name": name, **(config or {})},
        "name": name,
        "inbound_nodes": nodes,
    }


def input3(name, shape):
    return {
        "module": "keras.layers",
        "class_name": "InputLayer",
        "config": {"batch_shape": list(shape), "name": name},
        "name": name,
        "inbound_nodes": [],
    }


def functional3(name, layers, inputs, outputs):
    return {
        "class_name": "Functional",
        "config": {"name": name, "layers": layers, "input_layers": inputs, "output_layers": outputs},
    }


def layer2(class_name, name, config=None, *nodes):
    """A Keras 2 functional entry; each node is a list of ``[layer, node, index, kwargs]`` leaves."""
    return {"class_name": class_name, "config": {"name": name, **(config or {})}, "name": name, "inbound_nodes": list(nodes)}


def input2(name, shape):
    return {
        "class_name": "InputLayer",
        "config": {"batch_input_shape": list(shape), "name": name},
        "name": name,
        "inbound_nodes": [],
    }


def functional2(name, layers, inputs, outputs):
    return {
        "class_name": "Functional",
        "config": {"name": name, "layers": layers, "input_layers": inputs, "output_layers": outputs},
    }


def conv_net3():
    return functional3(
        "net",
        [
            input3("img", (None, 28, 28, 3)),
            layer3("Conv2D", "conv", {"filters": 8, "kernel_size": [3, 3]}, ([t3("img")], {})),
            layer3("Flatten", "flat", {}, ([t3("conv")], {})),
            layer3("Dense", "out", {"units": 10}, ([t3("flat")], {})),
        ],
        [["img", 0, 0]],
        [["out", 0, 0]],
    )


def conv_net2():
    return functional2(
        "net",
        [
            input2("img", (None, 28, 28, 3)),
            layer2("Conv2D", "conv", {"filters": 8, "kernel_size": [3, 3]}, [["img", 0, 0, {}]]),
            layer2("Flatten", "flat", {}, [["conv", 0, 0, {}]]),
            layer2("Dense", "out", {"units": 10}, [["flat", 0, 0, {}]]),
        ],
        [["img", 0, 0]],
        [["out", 0, 0]],
    )


CONV_PARAMS = 8 * (3 * 3 * 3 + 1)
DENSE_PARAMS = 10 * (26 * 26 * 8 + 1)


def summary_param_sum(text: str) -> int:
    """The Param # cells of the table body, summed (the column right before Formula)."""
    body = text.split("━" * 100)[2]
    total = 0
    for line in body.strip("\n").splitlines():
        cell = line[34 + 1 + 24 + 1 : 34 + 1 + 24 + 1 + 12].strip()
        total += int(cell.replace(",", ""))
    return total


# -- propagation ------------------------------------------------------------------------------


@pytest.mark.parametrize(("config", "keras"), [(conv_net3(), "3"), (conv_net2(), "2.15")])
def test_shapes_propagate_from_the_input_spec_in_both_serializations(config, keras):
    e = expect_model(config, keras=keras)
    assert [r.name for r in e.layers] == ["img", "conv", "flat", "out"]
    assert [r.output_shape for r in e.layers] == [(None, 28, 28, 3), (None, 26, 26, 8), (None, 26 * 26 * 8), (None, 10)]
    assert e.layers[1].weights == (Weight("kernel", (3, 3, 3, 8)), Weight("bias", (8,)))
    assert e.total == CONV_PARAMS + DENSE_PARAMS == e.trainable
    assert e.non_trainable == 0
    assert e.input_shapes == ((None, 28, 28, 3),)
    assert e.output_shapes == ((None, 10),)
    assert e.complete
    assert e.layers[3].formula == "10 × (5408 + 1)"


def test_the_model_expectation_and_rows_are_frozen_values():
    e = expect_model(conv_net3())
    assert isinstance(e, ModelExpectation) and isinstance(e.layers[0], LayerRow)
    with pytest.raises(AttributeError):
        e.name = "other"  # type: ignore[misc]
    assert expect_model(conv_net3()) == e


def test_a_sequential_model_lists_no_input_layer_and_reads_the_input_from_any_of_its_places():
    dense = [{"class_name": "Dense", "config": {"name": f"d{i}", "units": u}} for i, u in enumerate((32, 4))]
    with_input = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [{"class_name": "InputLayer", "config": {"batch_shape": [None, 16]}}, *dense]},
    }
    first_layer = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [{**dense[0], "config": {**dense[0]["config"], "batch_input_shape": [None, 16]}}, dense[1]],
        },
    }
    build_shape = {"class_name": "Sequential", "config": {"name": "s", "layers": dense, "build_input_shape": [None, 16]}}
    expected = 32 * (16 + 1) + 4 * (32 + 1)
    for config, keras in ((with_input, "3"), (first_layer, "2.15"), (build_shape, "2.15")):
        e = expect_model(config, keras=keras)
        assert [r.name for r in e.layers] == ["d0", "d1"]
        assert e.total == expected
        assert e.output_shapes == ((None, 4),)


def test_a_sequential_model_without_any_input_shape_says_how_to_give_one():
    config = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [{"class_name": "Dense", "config": {"name": "d", "units": 3}}]},
    }
    e = expect_model(config)
    assert not e.complete and "input_shapes=" in (e.layers[0].error or "")
    assert expect_model(config, input_shapes=(None, 5)).total == 3 * (5 + 1)


# -- shared layers, several inputs and outputs ------------------------------------------------


def shared3():
    return functional3(
        "siamese",
        [
            input3("a", (None, 12)),
            input3("b", (None, 3, 12)),
            layer3("Dense", "shared", {"units": 5}, ([t3("a")], {}), ([t3("b")], {})),
            layer3("Flatten", "flat", {}, ([t3("shared", 1)], {})),
            layer3("Concatenate", "cat", {"axis": -1}, ([[t3("shared", 0), t3("flat")]], {})),
        ],
        [["a", 0, 0], ["b", 0, 0]],
        [["cat", 0, 0], ["shared", 1, 0]],
    )


def shared2():
    return functional2(
        "siamese",
        [
            input2("a", (None, 12)),
            input2("b", (None, 3, 12)),
            layer2("Dense", "shared", {"units": 5}, [["a", 0, 0, {}]], [["b", 0, 0, {}]]),
            layer2("Flatten", "flat", {}, [["shared", 1, 0, {}]]),
            layer2("Concatenate", "cat", {"axis": -1}, [["shared", 0, 0, {}], ["flat", 0, 0, {}]]),
        ],
        [["a", 0, 0], ["b", 0, 0]],
        [["cat", 0, 0], ["shared", 1, 0]],
    )


@pytest.mark.parametrize(("config", "keras"), [(shared3(), "3"), (shared2(), "2.15")])
def test_a_shared_layer_counts_once_and_shows_its_first_call(config, keras):
    e = expect_model(config, keras=keras)
    shared = e.layers[2]
    assert shared.total == 5 * (12 + 1) == e.total
    assert shared.output_shape == (None, 5)  # node 0, not the (None, 3, 5) of the second call
    assert e.output_shapes == ((None, 5 + 3 * 5), (None, 3, 5))
    assert e.input_shapes == ((None, 12), (None, 3, 12))


def test_input_shapes_replace_the_specs_with_or_without_the_batch_axis():
    config = functional3(
        "fcn",
        [
            input3("x", (None, None, None, 3)),
            layer3("Conv2D", "c", {"filters": 4, "kernel_size": 3, "strides": 2}, ([t3("x")], {})),
            layer3("Flatten", "f", {}, ([t3("c")], {})),
        ],
        [["x", 0, 0]],
        [["f", 0, 0]],
    )
    assert expect_model(config).layers[1].output_shape == (None, None, None, 4)
    with_batch = expect_model(config, input_shapes=[(None, 65, 33, 3)])
    without = expect_model(config, input_shapes=(65, 33, 3))
    side_h, side_w = (65 - 3) // 2 + 1, (33 - 3) // 2 + 1
    assert with_batch.output_shapes == without.output_shapes == ((None, side_h * side_w * 4),)
    with pytest.raises(formulas.InvalidLayerError, match="1 input"):
        expect_model(config, input_shapes=[(None, 8, 8, 3), (None, 8, 8, 3)])


# -- nested models and trainable=False --------------------------------------------------------


def inner3(name="inner", trainable=True):
    model = functional3(
        name,
        [
            input3("inner_in", (None, 6)),
            layer3("Dense", "inner_dense", {"units": 4}, ([t3("inner_in")], {})),
            layer3("BatchNormalization", "inner_bn", {}, ([t3("inner_dense")], {})),
        ],
        [["inner_in", 0, 0]],
        [["inner_bn", 0, 0]],
    )
    model["config"]["trainable"] = trainable
    return model


def test_a_nested_functional_model_is_one_row_with_its_own_rows():
    # Keras 3 numbers a nested Functional's calls from 0 in nodes, from 1 in output_layers
    nested = {**inner3(), "name": "inner", "inbound_nodes": [{"args": [t3("x")], "kwargs": {}}]}
    config = functional3(
        "outer",
        [input3("x", (None, 6)), nested, layer3("Dense", "head", {"units": 2}, ([t3("inner", 0)], {}))],
        [["x", 0, 0]],
        [["head", 0, 0], ["inner", 1, 0]],
    )
    e = expect_model(config)
    row = e.layers[1]
    assert row.class_name == "Functional" and [r.name for r in row.layers] == ["inner_in", "inner_dense", "inner_bn"]
    assert row.total == 4 * (6 + 1) + 4 * 4
    assert row.non_trainable == 2 * 4
    assert [w.name for w in row.weights] == ["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"]
    assert e.total == row.total + 2 * (4 + 1)
    assert e.output_shapes == ((None, 2), (None, 4))


def test_keras2_lists_a_nested_models_trainable_weights_first():
    nested = {**inner3(), "name": "inner", "inbound_nodes": [[["x", 0, 0, {}]]]}
    nested["config"]["layers"] = [
        input2("inner_in", (None, 6)),
        layer2("Dense", "inner_dense", {"units": 4}, [["inner_in", 0, 0, {}]]),
        layer2("BatchNormalization", "inner_bn", {}, [["inner_dense", 0, 0, {}]]),
    ]
    config = functional2(
        "outer",
        [input2("x", (None, 6)), nested, layer2("Dense", "head", {"units": 2}, [["inner", 1, 0, {}]])],
        [["x", 0, 0]],
        [["head", 0, 0]],
    )
    e = expect_model(config, keras="2.15")
    assert [w.name for w in e.layers[1].weights] == ["kernel", "bias", "gamma", "beta", "moving_mean", "moving_variance"]
    assert e.output_shapes == ((None, 2),)


def test_a_sequential_inside_a_functional_inside_a_sequential():
    seq = {
        "class_name": "Sequential",
        "config": {"name": "seq", "layers": [{"class_name": "Dense", "config": {"name": "s1", "units": 7}}]},
    }
    func = functional3(
        "func",
        [input3("fi", (None, 3)), {**seq, "name": "seq", "inbound_nodes": [{"args": [t3("fi")], "kwargs": {}}]}],
        [["fi", 0, 0]],
        [["seq", 0, 0]],
    )
    outer = {
        "class_name": "Sequential",
        "config": {
            "name": "outer",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_shape": [None, 3]}},
                func,
                {"class_name": "Dense", "config": {"name": "d", "units": 1}},
            ],
        },
    }
    e = expect_model(outer)
    assert [r.name for r in e.layers] == ["func", "d"]
    assert e.layers[0].layers[1].layers[0].output_shape == (None, 7)
    assert e.total == 7 * (3 + 1) + 1 * (7 + 1)


@pytest.mark.parametrize("keras", ["3", "2.15"])
def test_trainable_false_makes_a_layer_and_a_whole_nested_model_non_trainable(keras):
    frozen_layer = expect_model(
        {
            "class_name": "Sequential",
            "config": {
                "name": "s",
                "layers": [
                    {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 5]}},
                    {"class_name": "Dense", "config": {"name": "d", "units": 2, "trainable": False}},
                ],
            },
        },
        keras=keras,
    )
    assert (frozen_layer.trainable, frozen_layer.non_trainable) == (0, 2 * (5 + 1))
    nested = {**inner3(trainable=False), "name": "inner", "inbound_nodes": [{"args": [t3("x")], "kwargs": {}}]}
    config = functional3("outer", [input3("x", (None, 6)), nested], [["x", 0, 0]], [["inner", 1, 0]])
    e = expect_model(config)
    assert e.trainable == 0 and e.non_trainable == 4 * (6 + 1) + 4 * 4
    assert all(not w.trainable for r in e.layers[1].layers for w in r.weights)


# -- Lambda, TF ops, Keras 3 ops, application layers ------------------------------------------


def lambda_model(output_shape):
    config = {"name": "lam", "function": "NOT PYTHON: never decoded"}
    if output_shape is not None:
        config["output_shape"] = output_shape
    return functional3(
        "m",
        [
            input3("x", (None, 8)),
            layer3("Lambda", "lam", config, ([t3("x")], {})),
            layer3("Dense", "after", {"units": 3}, ([t3("lam")], {})),
            layer3("Dense", "side", {"units": 2}, ([t3("x")], {})),
        ],
        [["x", 0, 0]],
        [["after", 0, 0], ["side", 0, 0]],
    )


def test_a_lambda_with_output_shape_is_described_by_it_and_its_function_is_never_read():
    e = expect_model(lambda_model([4]))
    assert e.layers[1].output_shape == (None, 4) and e.layers[1].weights == ()
    assert e.total == 3 * (4 + 1) + 2 * (8 + 1)
    assert e.complete


def test_a_lambda_without_output_shape_has_no_formula_and_the_rest_is_still_described():
    e = expect_model(lambda_model(None))
    lam, after, side = e.layers[1:]
    assert lam.no_formula and "Lambda" in (lam.error or "")
    assert after.no_formula and after.output_shape is None and "lam" in (after.error or "")
    assert side.complete and side.total == 2 * (8 + 1)
    assert not e.complete and e.total == side.total


def tf_op(name, function, *nodes):
    return {
        "class_name": "TFOpLambda",
        "config": {"name": name, "function": function},
        "name": name,
        "inbound_nodes": list(nodes),
    }


def test_keras2_tf_ops_broadcast_reduce_slice_and_reshape():
    layers = [
        input2("x", (None, 8, 6)),
        input2("y", (None, 1, 6)),
        tf_op("add", "__operators__.add", ["x", 0, 0, {"y": ["y", 0, 0], "name": None}]),
        tf_op("mean", "math.reduce_mean", ["add", 0, 0, {"axis": 1, "keepdims": True}]),
        tf_op("sub", "math.subtract", ["_CONSTANT_VALUE", -1, 1.0, {"y": ["mean", 0, 0]}]),
        {
            "class_name": "SlicingOpLambda",
            "config": {"name": "sl", "function": "__operators__.getitem"},
            "name": "sl",
            "inbound_nodes": [
                [
                    "add",
                    0,
                    0,
                    {"slice_spec": [{"start": None, "stop": None, "step": None}, {"start": 1, "stop": None, "step": 2}]},
                ]
            ],
        },
        tf_op("flat", "reshape", ["sl", 0, 0, {"shape": [-1, 24]}]),
        tf_op("cat", "concat", [["x", 0, 0, {"axis": -1}], ["add", 0, 0, {"axis": -1}]]),
        tf_op("tr", "compat.v1.transpose", ["x", 0, 0, {"perm": [0, 2, 1]}]),
        tf_op("mystery", "signal.rfft", ["x", 0, 0, {}]),
        layer2("Dense", "after_mystery", {"units": 2}, [["mystery", 0, 0, {}]]),
    ]
    e = expect_model(functional2("ops", layers, [["x", 0, 0], ["y", 0, 0]], [["flat", 0, 0], ["cat", 0, 0]]), keras="2.15")
    shapes = {r.name: r.output_shape for r in e.layers}
    assert shapes["add"] == (None, 8, 6)
    assert shapes["mean"] == (None, 1, 6) == shapes["sub"]
    assert shapes["sl"] == (None, len(range(1, 8, 2)), 6)
    assert shapes["flat"] == (None, 24)
    assert shapes["cat"] == (None, 8, 12)
    assert shapes["tr"] == (None, 6, 8)
    mystery = e.layers[9]
    assert mystery.no_formula and "tf.signal.rfft" in (mystery.error or "")
    assert e.layers[10].no_formula and e.output_shapes == ((None, 24), (None, 8, 12))


def test_keras3_operation_nodes_are_not_layers_but_carry_shapes():
    op = "keras.src.ops.numpy"
    layers = [
        input3("x", (None, 8, 6)),
        layer3("Add", "add", {}, ([t3("x"), 2.0], {}), module=op),
        layer3("Mean", "mean", {"axis": 1, "keepdims": False}, ([t3("add")], {}), module=op),
        layer3(
            "GetItem",
            "gi",
            {},
            ([t3("x"), [{"class_name": "__slice__", "config": {"start": None, "stop": None, "step": None}}, 0]], {}),
            module=op,
        ),
        layer3("Reshape", "rs", {"newshape": [-1, 48]}, ([t3("x")], {}), module=op),
        layer3("Dense", "d", {"units": 3}, ([t3("mean")], {})),
    ]
    e = expect_model(functional3("k3ops", layers, [["x", 0, 0]], [["d", 0, 0], ["gi", 0, 0], ["rs", 0, 0]]))
    assert [r.name for r in e.layers] == ["x", "d"]
    assert [r.name for r in e.operations] == ["add", "mean", "gi", "rs"]
    assert e.output_shapes == ((None, 3), (None, 6), (None, 48))
    assert e.total == 3 * (6 + 1)
    assert "add (Add op)" in e.summary()


def test_operation_broadcasting_stretches_ones_and_fills_unknown_dims():
    from formulas.layers.ops import OpCall, Tensor, describe_op

    add = OpCall("Add", (Tensor((None, 1, 5)), Tensor((4, 3, 1))))
    assert describe_op(add) == (4, 3, 5)
    assert describe_op(OpCall("Add", (Tensor((None, 1)), Tensor((None, None))))) == (None, None)
    with pytest.raises(formulas.InvalidLayerError, match="broadcast"):
        describe_op(OpCall("Multiply", (Tensor((None, 3)), Tensor((None, 4)))))


def test_application_layers_layer_scale_and_custom_scale_layer():
    scale = formulas.expect(
        {"class_name": "LayerScale", "config": {"projection_dim": 96, "init_values": 1e-6}}, (None, 7, 7, 96), keras="2.15"
    )
    assert scale.weights == (Weight("gamma", (96,)),) and scale.output_shape == (None, 7, 7, 96)
    custom = formulas.expect({"class_name": "CustomScaleLayer", "config": {"scale": 0.2}}, [(None, 5, 5, 32), (None, 5, 5, 32)])
    assert custom.weights == () and custom.output_shape == (None, 5, 5, 32)
    # Keras 3's LayerScale names its variable automatically: variable, variable_1, … per session
    layers = [input3("x", (None, 4, 8))]
    for i in range(3):
        layers.append(
            layer3(
                "LayerScale",
                f"ls{i}",
                {"projection_dim": 8},
                ([t3(layers[-1]["name"])], {}),
                module="keras.src.applications.convnext",
            )
        )
    e = expect_model(functional3("m", layers, [["x", 0, 0]], [["ls2", 0, 0]]))
    assert [r.weights[0].name for r in e.layers[1:]] == ["variable", "variable_1", "variable_2"]


def test_an_unknown_custom_class_has_no_formula_but_the_model_is_still_described():
    layers = [
        input3("x", (None, 4)),
        layer3("MyBlock", "blk", {}, ([t3("x")], {}), module="my.module"),
        layer3("Dense", "d", {"units": 2}, ([t3("x")], {})),
    ]
    e = expect_model(functional3("m", layers, [["x", 0, 0]], [["d", 0, 0]]))
    assert e.layers[1].no_formula and "MyBlock" in (e.layers[1].error or "")
    assert e.layers[2].total == 2 * (4 + 1)


def test_a_layer_keras_would_refuse_is_an_error_not_a_missing_formula():
    layers = [input3("x", (None, 4, 4, 3)), layer3("Conv2D", "c", {"filters": 2, "kernel_size": 9}, ([t3("x")], {}))]
    row = expect_model(functional3("m", layers, [["x", 0, 0]], [["c", 0, 0]])).layers[1]
    assert row.error and not row.no_formula


# -- scale ------------------------------------------------------------------------------------


def test_a_trillion_parameter_stack_is_exact_and_fast():
    width, depth = 1_000_000, 3
    layers = [{"class_name": "InputLayer", "config": {"batch_shape": [None, width]}}]
    layers += [{"class_name": "Dense", "config": {"name": f"huge{i}", "units": width}} for i in range(depth)]
    config = {"class_name": "Sequential", "config": {"name": "huge", "layers": layers}}
    start = time.perf_counter()
    e = expect_model(config)
    elapsed = time.perf_counter() - start
    assert e.total == depth * (width * width + width) == depth * math.prod((width, width + 1))
    assert e.total > 10**12
    assert elapsed < 0.5
    assert f"{e.total:,}" in e.summary()


# -- summary ----------------------------------------------------------------------------------


@pytest.mark.parametrize("config", [conv_net3(), shared3(), lambda_model([4])])
def test_the_summary_lists_every_row_and_its_param_column_sums_to_the_total(config):
    e = expect_model(config)
    text = e.summary(width=100)
    for row in e.layers:
        assert f"{row.name} ({row.class_name})" in text
    assert summary_param_sum(text) == e.total
    assert f"Total params: {e.total:,}" in text
    assert f"Trainable params: {e.trainable:,}" in text
    assert f"Non-trainable params: {e.non_trainable:,}" in text


def test_the_summary_marks_rows_without_a_formula():
    text = expect_model(lambda_model(None)).summary()
    assert "no formula:" in text and "not described" in text


# -- files ------------------------------------------------------------------------------------


def test_load_model_config_reads_json_and_the_config_inside_a_keras_zip(tmp_path):
    config = conv_net3()
    as_json = tmp_path / "m.json"
    as_json.write_text(json.dumps(config))
    as_keras = tmp_path / "m.keras"
    with zipfile.ZipFile(as_keras, "w") as z:
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", b"\x89HDF not really")
    assert load_model_config(as_json) == config == load_model_config(as_keras)


def test_load_model_config_errors_name_the_path_and_the_problem(tmp_path):
    not_zip = tmp_path / "bad.keras"
    not_zip.write_bytes(b"this is no zip")
    with pytest.raises(ModelFileError, match=r"bad\.keras: not a zip"):
        load_model_config(not_zip)
    empty_zip = tmp_path / "empty.keras"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("metadata.json", "{}")
    with pytest.raises(ModelFileError, match=r"empty\.keras: the archive has no config\.json"):
        load_model_config(empty_zip)
    bad_json = tmp_path / "broken.json"
    bad_json.write_text('{"class_name": "Functional",\n "config": {,}}')
    with pytest.raises(ModelFileError, match=r"broken\.json: bad JSON at line 2"):
        load_model_config(bad_json)
    layer_only = tmp_path / "layer.json"
    layer_only.write_text(json.dumps({"class_name": "Dense", "config": {"units": 3}}))
    with pytest.raises(ModelFileError, match=r"layer\.json: not a Keras model config"):
        load_model_config(layer_only)
    with pytest.raises(ModelFileError, match="no such file"):
        load_model_config(tmp_path / "missing.json")
    assert issubclass(ModelFileError, ValueError)


def test_stored_zoo_configs_load_without_keras_and_are_fully_described():
    from verify import zoo_configs

    for line, keras in (("keras3", "3.15.1"), ("keras2", "2.15")):
        names = zoo_configs.names(line)
        if not names:
            pytest.skip(f"no stored configs for {line}")
        assert zoo_configs.index(line)["keras"].startswith(keras[0])
        e = expect_model(zoo_configs.load("ResNet50", line), keras=keras)
        assert e.complete and e.output_shapes == ((None, 1000),)
        assert sum(r.total for r in e.layers) == e.total
    with pytest.raises(KeyError, match="NoSuchNet"):
        zoo_configs.load("NoSuchNet", "keras3")
    with pytest.raises(ValueError, match="keras4"):
        zoo_configs.names("keras4")


def test_stored_configs_are_gzipped_json():
    from verify import zoo_configs

    for path in sorted(zoo_configs.HERE.glob("keras3/*.json.gz"))[:1]:
        with gzip.open(path, "rt") as f:
            assert json.load(f)["class_name"] == "Functional"


def test_a_slash_in_a_layer_name_is_refused_for_keras3_only():
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "name": "in"}},
                {"class_name": "Dense", "config": {"name": "Conv/Dense", "units": 2}},
            ],
        },
    }
    keras3 = formulas.expect_model(config, keras="3.15.1").layers[-1]
    assert keras3.error is not None and "'/'" in keras3.error and not keras3.no_formula
    assert formulas.expect_model(config, keras="2.15").layers[-1].total == 2 * (4 + 1)
