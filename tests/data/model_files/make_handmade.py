"""Hand-written model files for the corpus (`python make_corpus.py --handmade`, on tf-keras).

These stand for files users have but that no installable Keras writes any more: Keras 1.x `to_json()`
configurations (list-form Sequential, Keras 1 argument names, `Merge`), Keras 1 HDF5 files, Keras
2.0/2.1 list-form Sequential JSON, TensorFlow.js `model.json` exports, and broken or misnamed files.
They were written for this project after studying the shape of public files (Keras 1.x source, the
tfjs converter's artifact layout); none is a copy of someone else's file.

For every file whose architecture is meaningful, the expected counts are taken from the *equivalent
Keras 2 model built here with tf-keras* (the standard Keras 1 -> 2 conversion: nb_filter -> filters,
nb_row/nb_col -> kernel_size, border_mode -> padding, subsample -> strides, dim_ordering th/tf ->
data_format channels_first/channels_last, output_dim -> units, init -> kernel_initializer,
W_regularizer -> kernel_regularizer, U -> recurrent, p -> rate, Merge(concat/sum) -> Concatenate/Add),
never counted by hand.
"""

from __future__ import annotations

import json
import shutil
import zipfile
from pathlib import Path

import numpy as np

mc = None  # the make_corpus module (gives keras, counts(), merge_corpus())


def _w(shape, seed=0):
    rng = np.random.default_rng(seed)
    return (rng.standard_normal(shape) * 0.05).astype("float32")


# --------------------------------------------------------------------------------------------
# Keras 1.x layer configurations (argument names as Keras 1.1/1.2 wrote them)
# --------------------------------------------------------------------------------------------


def k1_conv2d(
    name,
    nb_filter,
    nb_row,
    nb_col,
    *,
    border_mode="valid",
    subsample=(1, 1),
    dim_ordering="th",
    activation="linear",
    batch_input_shape=None,
    w_reg=None,
):
    cfg = {"name": name, "trainable": True}
    if batch_input_shape is not None:
        cfg.update({"batch_input_shape": list(batch_input_shape), "input_dtype": "float32"})
    cfg.update(
        {
            "nb_filter": nb_filter,
            "nb_row": nb_row,
            "nb_col": nb_col,
            "init": "glorot_uniform",
            "activation": activation,
            "border_mode": border_mode,
            "subsample": list(subsample),
            "dim_ordering": dim_ordering,
            "W_regularizer": w_reg,
            "b_regularizer": None,
            "activity_regularizer": None,
            "W_constraint": None,
            "b_constraint": None,
            "bias": True,
        }
    )
    return {"class_name": "Convolution2D", "config": cfg}


def k1_dense(name, output_dim, *, input_dim=None, activation="linear", w_reg=None, batch_input_shape=None):
    cfg = {"name": name, "trainable": True}
    if batch_input_shape is not None:
        cfg.update({"batch_input_shape": list(batch_input_shape), "input_dtype": "float32"})
    cfg.update(
        {
            "output_dim": output_dim,
            "init": "glorot_uniform",
            "activation": activation,
            "W_regularizer": w_reg,
            "b_regularizer": None,
            "activity_regularizer": None,
            "W_constraint": None,
            "b_constraint": None,
            "bias": True,
            "input_dim": input_dim,
        }
    )
    return {"class_name": "Dense", "config": cfg}


def k1_act(name, act):
    return {"class_name": "Activation", "config": {"name": name, "trainable": True, "activation": act}}


def k1_drop(name, p):
    return {"class_name": "Dropout", "config": {"name": name, "trainable": True, "p": p}}


def k1_flat(name):
    return {"class_name": "Flatten", "config": {"name": name, "trainable": True}}


def k1_maxpool(name, pool=(2, 2), border_mode="valid", dim_ordering="th"):
    return {
        "class_name": "MaxPooling2D",
        "config": {
            "name": name,
            "trainable": True,
            "pool_size": list(pool),
            "strides": list(pool),
            "border_mode": border_mode,
            "dim_ordering": dim_ordering,
        },
    }


def k1_l2(l2):
    return {"name": "WeightRegularizer", "l1": 0.0, "l2": l2}


def k1_merge(name, mode, *, layers=None, concat_axis=-1):
    cfg = {
        "name": name,
        "mode": mode,
        "concat_axis": concat_axis,
        "dot_axes": -1,
        "mode_type": "raw",
        "output_shape": None,
        "output_shape_type": "raw",
        "output_mask": None,
        "output_mask_type": "raw",
        "arguments": {},
    }
    if layers is not None:
        cfg = {"layers": layers, **cfg}
    return {"class_name": "Merge", "config": cfg}


def k1_node(layer, inbound, name):
    """A layer entry of a Keras 1 functional Model: inbound nodes as [name, node_index, tensor_index]."""
    return {
        "class_name": layer["class_name"],
        "config": layer["config"],
        "name": name,
        "inbound_nodes": [[[n, 0, 0] for n in inbound]] if inbound else [],
    }


def k1_input(name, shape, dtype="float32"):
    return {
        "class_name": "InputLayer",
        "config": {"batch_input_shape": [None, *shape], "input_dtype": dtype, "sparse": False, "name": name},
    }


# --------------------------------------------------------------------------------------------
# The files
# --------------------------------------------------------------------------------------------


def generate(make_corpus_module):
    global mc
    mc = make_corpus_module
    keras = mc.keras
    if mc.K3:
        raise SystemExit("--handmade needs a Keras 2 line (use --tf-keras)")
    L = keras.layers
    out = mc.HERE / "handmade"
    if out.exists():
        shutil.rmtree(out)
    out.mkdir()
    ref_line = {"keras": keras.__version__, "tensorflow": mc.tf_version()}
    entries = []

    def add(path: Path, fmt, model_name, stands_for, equivalent=None, claimed=None, extra=None):
        e = {
            "path": str(path.relative_to(mc.HERE)),
            "format": fmt,
            "container": mc.container(path),
            "saved_with": claimed or {"keras": "hand-made"},
            "model": model_name,
            "handmade": True,
        }
        if equivalent is not None:
            e.update(mc.counts(equivalent))
            e["output_shapes"] = mc.output_shapes(equivalent)
            e["counts_from"] = f"the equivalent Keras 2 model built with tf-keras {ref_line['keras']} in make_handmade.py"
        e["stands_for"] = stands_for
        e["bytes"] = path.stat().st_size
        if extra:
            e.update(extra)
        entries.append(e)
        print(f"[handmade] {e['path']:50s} {e['bytes']:7d} B params={e.get('count_params')}")

    def write_json(name, obj):
        p = out / name
        p.write_text(json.dumps(obj))
        return p

    # 1. Keras 1.2 MNIST CNN, Theano dim ordering, list-form Sequential (.json)
    k1_cnn_layers = [
        k1_conv2d("convolution2d_1", 8, 3, 3, batch_input_shape=(None, 1, 28, 28), dim_ordering="th"),
        k1_act("activation_1", "relu"),
        k1_conv2d("convolution2d_2", 8, 3, 3, dim_ordering="th"),
        k1_act("activation_2", "relu"),
        k1_maxpool("maxpooling2d_1", dim_ordering="th"),
        k1_drop("dropout_1", 0.25),
        k1_flat("flatten_1"),
        k1_dense("dense_1", 8, input_dim=None),
        k1_act("activation_3", "relu"),
        k1_drop("dropout_2", 0.5),
        k1_dense("dense_2", 10),
        k1_act("activation_4", "softmax"),
    ]
    p = write_json(
        "k1_mnist_cnn_th.json",
        {"class_name": "Sequential", "config": k1_cnn_layers, "keras_version": "1.2.2", "backend": "theano"},
    )
    eq = keras.Sequential(
        [
            L.Conv2D(8, (3, 3), data_format="channels_first", input_shape=(1, 28, 28)),
            L.Activation("relu"),
            L.Conv2D(8, (3, 3), data_format="channels_first"),
            L.Activation("relu"),
            L.MaxPooling2D((2, 2), data_format="channels_first"),
            L.Dropout(0.25),
            L.Flatten(),
            L.Dense(8),
            L.Activation("relu"),
            L.Dropout(0.5),
            L.Dense(10),
            L.Activation("softmax"),
        ]
    )
    add(
        p,
        "json",
        "k1_mnist_cnn_th",
        "A Keras 1.2.2 (Theano) user's model.to_json() of the mnist_cnn example: list-form Sequential, "
        "Convolution2D nb_filter/nb_row/nb_col/border_mode/subsample/dim_ordering 'th', Dropout p, Dense output_dim.",
        eq,
        {"keras": "1.2.2", "backend": "theano"},
    )

    # 2. Keras 1.1 IMDB LSTM with consume_less/inner_init/U_regularizer (.json)
    emb = {
        "class_name": "Embedding",
        "config": {
            "name": "embedding_1",
            "trainable": True,
            "batch_input_shape": [None, 40],
            "input_dtype": "int32",
            "input_dim": 500,
            "output_dim": 16,
            "init": "uniform",
            "input_length": 40,
            "mask_zero": False,
            "activity_regularizer": None,
            "W_regularizer": None,
            "W_constraint": None,
            "dropout": 0.0,
        },
    }
    lstm = {
        "class_name": "LSTM",
        "config": {
            "name": "lstm_1",
            "trainable": True,
            "return_sequences": False,
            "go_backwards": False,
            "stateful": False,
            "unroll": False,
            "consume_less": "gpu",
            "input_dim": 16,
            "input_length": None,
            "output_dim": 16,
            "init": "glorot_uniform",
            "inner_init": "orthogonal",
            "forget_bias_init": "one",
            "activation": "tanh",
            "inner_activation": "hard_sigmoid",
            "W_regularizer": None,
            "U_regularizer": k1_l2(0.001),
            "b_regularizer": None,
            "dropout_W": 0.2,
            "dropout_U": 0.2,
        },
    }
    p = write_json(
        "k1_imdb_lstm.json",
        {
            "class_name": "Sequential",
            "keras_version": "1.1.0",
            "config": [emb, lstm, k1_dense("dense_1", 1), k1_act("activation_1", "sigmoid")],
        },
    )
    eq = keras.Sequential(
        [
            L.Embedding(500, 16, input_length=40),
            L.LSTM(
                16,
                recurrent_activation="hard_sigmoid",
                dropout=0.2,
                recurrent_dropout=0.2,
                recurrent_regularizer=keras.regularizers.l2(0.001),
                implementation=2,
            ),
            L.Dense(1),
            L.Activation("sigmoid"),
        ]
    )
    add(
        p,
        "json",
        "k1_imdb_lstm",
        "A Keras 1.1.0 user's to_json() of the imdb_lstm example: Embedding input_dim/output_dim/input_length, "
        "LSTM output_dim, consume_less 'gpu', inner_init, U_regularizer (WeightRegularizer), dropout_W/dropout_U; no backend key.",
        eq,
        {"keras": "1.1.0"},
    )

    # 3. Keras 1.2 functional Model with Merge layers (concat and sum) (.json)
    d_a = k1_dense("dense_1", 16, input_dim=20, activation="relu")
    d_b = k1_dense("dense_2", 16, input_dim=10, activation="relu")
    d_c = k1_dense("dense_3", 16, input_dim=10, activation="relu")
    d_mid = k1_dense("dense_4", 16, input_dim=32, activation="relu")
    d_out = k1_dense("dense_5", 1, input_dim=16, activation="sigmoid")
    layers = [
        k1_node(k1_input("input_1", [20]), None, "input_1"),
        k1_node(k1_input("input_2", [10]), None, "input_2"),
        k1_node(d_a, ["input_1"], "dense_1"),
        k1_node(d_b, ["input_2"], "dense_2"),
        k1_node(k1_merge("merge_1", "concat"), ["dense_1", "dense_2"], "merge_1"),
        k1_node(d_mid, ["merge_1"], "dense_4"),
        k1_node(d_c, ["input_2"], "dense_3"),
        k1_node(k1_merge("merge_2", "sum"), ["dense_4", "dense_3"], "merge_2"),
        k1_node(d_out, ["merge_2"], "dense_5"),
    ]
    p = write_json(
        "k1_functional_merge.json",
        {
            "class_name": "Model",
            "keras_version": "1.2.2",
            "backend": "tensorflow",
            "config": {
                "name": "model_1",
                "layers": layers,
                "input_layers": [["input_1", 0, 0], ["input_2", 0, 0]],
                "output_layers": [["dense_5", 0, 0]],
            },
        },
    )
    a, b = keras.Input((20,)), keras.Input((10,))
    x = L.Concatenate()([L.Dense(16, activation="relu")(a), L.Dense(16, activation="relu")(b)])
    x = L.Dense(16, activation="relu")(x)
    x = L.Add()([x, L.Dense(16, activation="relu")(b)])
    eq = keras.Model([a, b], L.Dense(1, activation="sigmoid")(x))
    add(
        p,
        "json",
        "k1_functional_merge",
        "A Keras 1.2.2 functional Model (Model(input=[a, b], output=...)) using merge(mode='concat') and "
        "merge(mode='sum'), written by to_json(): Merge layers, 3-element inbound nodes [name, node, tensor].",
        eq,
        {"keras": "1.2.2", "backend": "tensorflow"},
    )

    # 4. Keras 1 Sequential whose first layer is Merge([left, right]) of two Sequentials (.json)
    left = {
        "class_name": "Sequential",
        "config": [k1_dense("dense_1", 8, input_dim=12, activation="relu", batch_input_shape=(None, 12))],
    }
    right = {
        "class_name": "Sequential",
        "config": [k1_dense("dense_2", 8, input_dim=6, activation="relu", batch_input_shape=(None, 6))],
    }
    p = write_json(
        "k1_sequential_merge.json",
        {
            "class_name": "Sequential",
            "keras_version": "1.0.6",
            "config": [
                k1_merge("merge_1", "concat", layers=[left, right], concat_axis=1),
                k1_dense("dense_3", 4, input_dim=16, activation="softmax"),
            ],
        },
    )
    a, b = keras.Input((12,)), keras.Input((6,))
    x = L.Concatenate(axis=1)([L.Dense(8, activation="relu")(a), L.Dense(8, activation="relu")(b)])
    eq = keras.Model([a, b], L.Dense(4, activation="softmax")(x))
    add(
        p,
        "json",
        "k1_sequential_merge",
        "A Keras 1.0 user's Sequential built as model.add(Merge([left, right], mode='concat')): the Merge "
        "config holds two list-form Sequential configs (removed in Keras 2; equivalent is a 2-input Concatenate model).",
        eq,
        {"keras": "1.0.6"},
    )

    # 5. Keras 1.2.2 MLP saved with model.save() under Theano (.h5, with model_weights)
    import h5py  # noqa: PLC0415

    mlp_layers = [
        k1_dense("dense_1", 16, input_dim=784, activation="relu", w_reg=k1_l2(0.0001), batch_input_shape=(None, 784)),
        k1_drop("dropout_1", 0.2),
        k1_dense("dense_2", 10, input_dim=16, activation="softmax"),
    ]
    weights = {
        "dense_1": [("dense_1_W", (784, 16)), ("dense_1_b", (16,))],
        "dropout_1": [],
        "dense_2": [("dense_2_W", (16, 10)), ("dense_2_b", (10,))],
    }
    p = out / "k1_mlp_theano.h5"
    _write_k1_h5(h5py, p, {"class_name": "Sequential", "config": mlp_layers}, weights, "theano")
    eq = keras.Sequential(
        [
            L.Dense(16, activation="relu", input_shape=(784,), kernel_regularizer=keras.regularizers.l2(0.0001)),
            L.Dropout(0.2),
            L.Dense(10, activation="softmax"),
        ]
    )
    add(
        p,
        "h5",
        "k1_mlp_theano",
        "A Keras 1.2.2 (Theano) user's model.save('mlp.h5'): root attrs model_config (JSON bytes), "
        "keras_version '1.2.2', backend 'theano', training_config; model_weights with Keras 1 weight names dense_1_W/dense_1_b.",
        eq,
        {"keras": "1.2.2", "backend": "theano"},
    )

    # 6. Keras 1.2.2 small CNN, 'th' ordering, saved with model.save() (.h5, kernels in Theano layout)
    cnn_layers = [
        k1_conv2d(
            "convolution2d_1",
            4,
            3,
            3,
            batch_input_shape=(None, 3, 16, 16),
            border_mode="same",
            activation="relu",
            w_reg=k1_l2(0.0005),
        ),
        k1_maxpool("maxpooling2d_1", border_mode="valid"),
        k1_conv2d("convolution2d_2", 6, 3, 3, subsample=(2, 2), activation="relu"),
        k1_flat("flatten_1"),
        k1_dense("dense_1", 5, activation="softmax"),
    ]
    weights = {
        "convolution2d_1": [("convolution2d_1_W", (4, 3, 3, 3)), ("convolution2d_1_b", (4,))],
        "maxpooling2d_1": [],
        "convolution2d_2": [("convolution2d_2_W", (6, 4, 3, 3)), ("convolution2d_2_b", (6,))],
        "flatten_1": [],
        "dense_1": [("dense_1_W", (54, 5)), ("dense_1_b", (5,))],
    }
    p = out / "k1_cnn_th.h5"
    _write_k1_h5(h5py, p, {"class_name": "Sequential", "config": cnn_layers}, weights, "theano")
    eq = keras.Sequential(
        [
            L.Conv2D(
                4,
                (3, 3),
                padding="same",
                activation="relu",
                data_format="channels_first",
                input_shape=(3, 16, 16),
                kernel_regularizer=keras.regularizers.l2(0.0005),
            ),
            L.MaxPooling2D((2, 2), data_format="channels_first"),
            L.Conv2D(6, (3, 3), strides=(2, 2), activation="relu", data_format="channels_first"),
            L.Flatten(),
            L.Dense(5, activation="softmax"),
        ]
    )
    add(
        p,
        "h5",
        "k1_cnn_th",
        "A Keras 1.2.2 (Theano) user's model.save() of a small image CNN: Convolution2D with border_mode 'same', "
        "subsample (2, 2), dim_ordering 'th', kernels stored in Theano layout (nb_filter, stack, rows, cols).",
        eq,
        {"keras": "1.2.2", "backend": "theano"},
    )

    # 7. Keras 2.0.8 list-form Sequential (.json)
    vs = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
    zeros = {"class_name": "Zeros", "config": {}}

    def k2_common(**kw):
        return {
            "activity_regularizer": None,
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
            "kernel_initializer": vs,
            "bias_initializer": zeros,
            "use_bias": True,
            **kw,
        }

    k2_layers = [
        {
            "class_name": "Conv2D",
            "config": {
                "name": "conv2d_1",
                "trainable": True,
                "batch_input_shape": [None, 28, 28, 1],
                "dtype": "float32",
                "filters": 6,
                "kernel_size": [3, 3],
                "strides": [1, 1],
                "padding": "valid",
                "data_format": "channels_last",
                "dilation_rate": [1, 1],
                "activation": "relu",
                **k2_common(),
            },
        },
        {
            "class_name": "MaxPooling2D",
            "config": {
                "name": "max_pooling2d_1",
                "trainable": True,
                "pool_size": [2, 2],
                "padding": "valid",
                "strides": [2, 2],
                "data_format": "channels_last",
            },
        },
        {
            "class_name": "Dropout",
            "config": {"name": "dropout_1", "trainable": True, "rate": 0.25, "noise_shape": None, "seed": None},
        },
        {"class_name": "Flatten", "config": {"name": "flatten_1", "trainable": True}},
        {
            "class_name": "Dense",
            "config": {"name": "dense_1", "trainable": True, "units": 10, "activation": "softmax", **k2_common()},
        },
    ]
    p = write_json(
        "k2_0_8_sequential_list.json",
        {"class_name": "Sequential", "config": k2_layers, "keras_version": "2.0.8", "backend": "tensorflow"},
    )
    eq = keras.Sequential(
        [
            L.Conv2D(6, (3, 3), activation="relu", input_shape=(28, 28, 1)),
            L.MaxPooling2D(),
            L.Dropout(0.25),
            L.Flatten(),
            L.Dense(10, activation="softmax"),
        ]
    )
    add(
        p,
        "json",
        "k2_0_8_sequential_list",
        "A Keras 2.0.8 user's to_json() of a small MNIST CNN: Sequential config is a plain list of layers "
        "(batch_input_shape on the first), as Keras 2.0-2.1 wrote it.",
        eq,
        {"keras": "2.0.8", "backend": "tensorflow"},
    )

    # 8. Keras 2.1.6 list-form Sequential with Embedding + LSTM (.json)
    k2_lstm_layers = [
        {
            "class_name": "Embedding",
            "config": {
                "name": "embedding_1",
                "trainable": True,
                "batch_input_shape": [None, 30],
                "dtype": "float32",
                "input_dim": 300,
                "output_dim": 8,
                "embeddings_initializer": {
                    "class_name": "RandomUniform",
                    "config": {"minval": -0.05, "maxval": 0.05, "seed": None},
                },
                "embeddings_regularizer": None,
                "activity_regularizer": None,
                "embeddings_constraint": None,
                "mask_zero": False,
                "input_length": 30,
            },
        },
        {
            "class_name": "LSTM",
            "config": {
                "name": "lstm_1",
                "trainable": True,
                "return_sequences": False,
                "return_state": False,
                "go_backwards": False,
                "stateful": False,
                "unroll": False,
                "units": 12,
                "activation": "tanh",
                "recurrent_activation": "hard_sigmoid",
                "use_bias": True,
                "kernel_initializer": vs,
                "recurrent_initializer": {"class_name": "Orthogonal", "config": {"gain": 1.0, "seed": None}},
                "bias_initializer": zeros,
                "unit_forget_bias": True,
                "kernel_regularizer": None,
                "recurrent_regularizer": None,
                "bias_regularizer": None,
                "activity_regularizer": None,
                "kernel_constraint": None,
                "recurrent_constraint": None,
                "bias_constraint": None,
                "dropout": 0.2,
                "recurrent_dropout": 0.2,
                "implementation": 1,
            },
        },
        {
            "class_name": "Dense",
            "config": {"name": "dense_1", "trainable": True, "units": 3, "activation": "softmax", **k2_common()},
        },
    ]
    p = write_json(
        "k2_1_6_sequential_list_lstm.json",
        {"class_name": "Sequential", "config": k2_lstm_layers, "keras_version": "2.1.6", "backend": "tensorflow"},
    )
    eq = keras.Sequential(
        [L.Embedding(300, 8, input_length=30), L.LSTM(12, dropout=0.2, recurrent_dropout=0.2), L.Dense(3, activation="softmax")]
    )
    add(
        p,
        "json",
        "k2_1_6_sequential_list_lstm",
        "A Keras 2.1.6 user's to_json() of an Embedding+LSTM text classifier: list-form Sequential, LSTM implementation 1.",
        eq,
        {"keras": "2.1.6", "backend": "tensorflow"},
    )

    # 9/10. TensorFlow.js model.json: the current layers-model form and the older form.
    keras.backend.clear_session()  # layer names as in a fresh session (conv2d, dense, ...)
    tfjs_model = keras.Sequential(
        [
            L.Conv2D(4, 3, activation="relu", input_shape=(12, 12, 1)),
            L.MaxPooling2D(),
            L.Flatten(),
            L.Dense(3, activation="softmax"),
        ],
        name="sequential",
    )
    topo = json.loads(tfjs_model.to_json())
    manifest = [
        {
            "paths": ["group1-shard1of1.bin"],
            "weights": [
                {"name": w.name.split(":")[0], "shape": [int(d) for d in w.shape], "dtype": "float32"} for w in tfjs_model.weights
            ],
        }
    ]
    new = {
        "format": "layers-model",
        "generatedBy": f"keras v{keras.__version__}",
        "convertedBy": "TensorFlow.js Converter v4.22.0",
        "modelTopology": {
            "keras_version": topo.get("keras_version"),
            "backend": topo.get("backend"),
            "model_config": {"class_name": topo["class_name"], "config": topo["config"]},
            "training_config": {
                "loss": "categorical_crossentropy",
                "metrics": ["accuracy"],
                "weighted_metrics": None,
                "loss_weights": None,
                "optimizer_config": {"class_name": "Adam", "config": {"learning_rate": 0.001}},
            },
        },
        "weightsManifest": manifest,
    }
    p = out / "tfjs_layers_model" / "model.json"
    p.parent.mkdir()
    p.write_text(json.dumps(new))
    add(
        p,
        "tfjs",
        "tfjs_layers_model",
        "A TensorFlow.js layers-model export (tensorflowjs_converter --input_format keras): model.json with format, "
        "generatedBy, convertedBy, modelTopology {keras_version, backend, model_config, training_config} and a "
        "weightsManifest (the .bin shard is not shipped, as when users share only model.json). Inner config is a real "
        f"tf-keras {keras.__version__} to_json().",
        tfjs_model,
        {"keras": keras.__version__, "backend": "tensorflow", "converter": "TensorFlow.js Converter v4.22.0"},
    )
    keras.backend.clear_session()
    old_model = keras.Sequential(
        [L.Dense(6, activation="relu", input_shape=(4,)), L.Dense(3, activation="softmax")], name="sequential_1"
    )
    topo = json.loads(old_model.to_json())
    old = {
        "modelTopology": topo,  # the older converters put the whole to_json() here
        "weightsManifest": [
            {
                "paths": ["group1-shard1of1"],
                "weights": [
                    {"name": w.name.split(":")[0], "shape": [int(d) for d in w.shape], "dtype": "float32"}
                    for w in old_model.weights
                ],
            }
        ],
    }
    p = out / "tfjs_old_topology" / "model.json"
    p.parent.mkdir()
    p.write_text(json.dumps(old))
    add(
        p,
        "tfjs",
        "tfjs_old_topology",
        "An older TensorFlow.js (0.x/1.x converter) model.json: no format/generatedBy keys, modelTopology is the whole "
        "to_json() object (class_name, config, keras_version, backend), shard paths without .bin.",
        old_model,
        {"keras": keras.__version__, "backend": "tensorflow"},
    )

    # 11. An HDF5 model file saved under a .keras name (copy of a real tf-keras .h5)
    src = mc.HERE / f"tf_keras-{'.'.join(keras.__version__.split('.')[:2])}" / "mnist_mlp.h5"
    if src.exists():
        p = out / "mnist_mlp_hdf5_named.keras"
        shutil.copyfile(src, p)
        ref = keras.models.load_model(str(src), compile=False)
        add(
            p,
            "h5",
            "mnist_mlp_hdf5_named_keras",
            f"A user who saved model.save('model.h5') (tf-keras {keras.__version__}) and renamed it model.keras, or who "
            "passed save_format='h5' with a .keras name: HDF5 bytes under a .keras extension (a byte-for-byte copy of "
            f"{src.relative_to(mc.HERE)}).",
            ref,
            {"keras": keras.__version__, "tensorflow": mc.tf_version()},
        )
    else:
        print(f"[handmade] {src} missing: run the tf-keras line first")

    # 12. A truncated (corrupt) to_json() file
    full = tfjs_model.to_json()
    p = out / "truncated_to_json.json"
    p.write_text(full[: len(full) // 2])
    add(
        p,
        "json",
        "truncated_to_json",
        "A corrupt architecture file: a real tf-keras to_json() cut half-way (interrupted copy or download); "
        "no Keras can read it.",
        None,
        {"keras": keras.__version__},
        extra={"expected": "unreadable: invalid JSON"},
    )

    # 13. A .keras zip whose config.json is a subclassed model (no layer graph)
    cfg = {
        "module": "__main__",
        "class_name": "SentimentNet",
        "config": {
            "vocab_size": 5000,
            "hidden": 32,
            "name": "sentiment_net",
            "trainable": True,
            "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None},
        },
        "registered_name": "SentimentNet",
        "build_config": {"input_shape": [None, 50]},
        "compile_config": None,
    }
    meta = {"keras_version": "3.12.0", "date_saved": "2025-11-03@14:21:07"}
    p = out / "subclassed_sentiment_net.keras"
    weights_path = out / "_tmp_model.weights.h5"
    with h5py.File(weights_path, "w") as f:  # the Keras 3 layout: _layer_checkpoint_dependencies/<layer>/vars/<i>
        g = f.create_group("_layer_checkpoint_dependencies")
        for lname, shapes in {"embedding": [(5000 // 100, 32)], "dense": [(32, 1), (1,)]}.items():
            v = g.create_group(lname).create_group("vars")
            for i, s in enumerate(shapes):
                v.create_dataset(str(i), data=np.zeros(s, "float32"))
        f.create_group("vars")
    with zipfile.ZipFile(p, "w") as z:
        z.writestr("metadata.json", json.dumps(meta))
        z.writestr("config.json", json.dumps(cfg))
        z.write(weights_path, "model.weights.h5")
    weights_path.unlink()
    add(
        p,
        "keras",
        "subclassed_sentiment_net",
        "A Keras 3.12 user's .keras of a subclassed model (class SentimentNet(keras.Model)): config.json names the class "
        "and its constructor arguments but holds no layers; the class is not importable.",
        None,
        {"keras": "3.12.0"},
        extra={"expected": "no layer graph: subclassed model SentimentNet"},
    )

    mc.merge_corpus("handmade", entries)


def _write_k1_h5(h5py, path, model_config, weights, backend):
    """An HDF5 file laid out as Keras 1.2.2's model.save() wrote it."""
    training = {
        "optimizer_config": {"class_name": "RMSprop", "config": {"lr": 0.001, "rho": 0.9, "epsilon": 1e-08, "decay": 0.0}},
        "loss": "categorical_crossentropy",
        "metrics": ["accuracy"],
        "sample_weight_mode": None,
        "loss_weights": None,
    }
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"1.2.2"
        f.attrs["backend"] = backend.encode()
        f.attrs["model_config"] = json.dumps(model_config).encode()
        f.attrs["training_config"] = json.dumps(training).encode()
        g = f.create_group("model_weights")
        g.attrs["layer_names"] = np.array([n.encode() for n in weights])
        seed = 0
        for lname, ws in weights.items():
            lg = g.create_group(lname)
            lg.attrs["weight_names"] = np.array([w.encode() for w, _ in ws], dtype="S")
            for wname, shape in ws:
                seed += 1
                lg.create_dataset(wname, data=_w(shape, seed))
