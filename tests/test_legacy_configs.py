"""Keras 1 and list-form Sequential configurations (``formulas.upgrade_config``).

The Keras 1 model configs below are hand-written in the form Keras 1.2's ``model.to_json()`` gave
(every key Keras 1.2's ``get_config`` wrote, ``keras_version`` at the top), modelled on the Keras 1
examples (``mnist_cnn.py``, ``imdb_lstm.py``, the functional-API guide).  The conversion tables are
checked against literal Keras 2 dicts; the converted models are then described by the engine and
built by real Keras 2 (tf-keras, in a subprocess with ``TF_USE_LEGACY_KERAS=1``), and every layer's
weights, output shape and the totals are compared between the two.  No number here is copied from
a Keras printout.
"""

from __future__ import annotations

import copy
import json
import os
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

import formulas
from formulas import ModelFileError, Upgraded, upgrade_config

ROOT = Path(__file__).resolve().parents[1]

# -- Keras 1 layer configs as Keras 1.2's get_config wrote them ---------------------------------------


def conv2d_1(name, nb_filter, nb_row, nb_col, *, ordering="tf", border_mode="valid", subsample=(1, 1), **extra):
    return {
        "class_name": "Convolution2D",
        "config": {
            "name": name,
            "trainable": True,
            "nb_filter": nb_filter,
            "nb_row": nb_row,
            "nb_col": nb_col,
            "init": "glorot_uniform",
            "activation": "linear",
            "border_mode": border_mode,
            "subsample": list(subsample),
            "dim_ordering": ordering,
            "W_regularizer": None,
            "b_regularizer": None,
            "activity_regularizer": None,
            "W_constraint": None,
            "b_constraint": None,
            "bias": True,
            **extra,
        },
    }


def dense_1(name, output_dim, *, activation="linear", input_dim=None, **extra):
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            "output_dim": output_dim,
            "init": "glorot_uniform",
            "activation": activation,
            "W_regularizer": None,
            "b_regularizer": None,
            "activity_regularizer": None,
            "W_constraint": None,
            "b_constraint": None,
            "bias": True,
            "input_dim": input_dim,
            **extra,
        },
    }


def recurrent_1(class_name, name, output_dim, *, input_dim=None, input_length=None, **extra):
    config = {
        "name": name,
        "trainable": True,
        "output_dim": output_dim,
        "init": "glorot_uniform",
        "inner_init": "orthogonal",
        "activation": "tanh",
        "W_regularizer": None,
        "U_regularizer": None,
        "b_regularizer": None,
        "dropout_W": 0.0,
        "dropout_U": 0.0,
        "return_sequences": False,
        "go_backwards": False,
        "stateful": False,
        "unroll": False,
        "consume_less": "cpu",
        "input_dim": input_dim,
        "input_length": input_length,
    }
    if class_name in ("LSTM", "GRU"):
        config["inner_activation"] = "hard_sigmoid"
    if class_name == "LSTM":
        config["forget_bias_init"] = "one"
    config.update(extra)
    return {"class_name": class_name, "config": config}


def simple(class_name, name, **config):
    return {"class_name": class_name, "config": {"name": name, "trainable": True, **config}}


def pool2d_1(class_name, name, ordering="tf", pool_size=(2, 2), strides=None, border_mode="valid"):
    return simple(
        class_name,
        name,
        pool_size=list(pool_size),
        strides=list(strides) if strides else None,
        border_mode=border_mode,
        dim_ordering=ordering,
    )


def sequential_1(layers, version="1.2.2", **top):
    return {"class_name": "Sequential", "config": layers, "keras_version": version, **top}


def node1(*refs):
    """A Keras 1 inbound node: ``[[layer, node, tensor], ...]``."""
    return [[name, 0, 0] for name in refs]


def functional_entry(layer, *nodes):
    name = layer["config"]["name"]
    return {**layer, "name": name, "inbound_nodes": list(nodes)}


def input_1(name, shape):
    entry = {
        "class_name": "InputLayer",
        "config": {"batch_input_shape": [None, *shape], "input_dtype": "float32", "sparse": False, "name": name},
    }
    return functional_entry(entry)


def merge_1(name, mode, **extra):
    config = {
        "name": name,
        "mode": mode,
        "concat_axis": -1,
        "dot_axes": -1,
        "mode_type": "raw",
        "output_shape": None,
        "output_shape_type": "raw",
        "output_mask": None,
        "output_mask_type": "raw",
        "arguments": {},
        **extra,
    }
    return {"class_name": "Merge", "config": config}


def model_1(name, layers, inputs, outputs, version="1.2.2"):
    return {
        "class_name": "Model",
        "keras_version": version,
        "config": {
            "name": name,
            "layers": layers,
            "input_layers": [[i, 0, 0] for i in inputs],
            "output_layers": [[o, 0, 0] for o in outputs],
        },
    }


# -- the Keras 1 models ----------------------------------------------------------------------------


def mnist_cnn(ordering):
    """Keras 1's examples/mnist_cnn.py."""
    shape = [None, 1, 28, 28] if ordering == "th" else [None, 28, 28, 1]
    return sequential_1(
        [
            conv2d_1("convolution2d_1", 32, 3, 3, ordering=ordering, batch_input_shape=shape, input_dtype="float32"),
            simple("Activation", "activation_1", activation="relu"),
            conv2d_1("convolution2d_2", 32, 3, 3, ordering=ordering),
            simple("Activation", "activation_2", activation="relu"),
            pool2d_1("MaxPooling2D", "maxpooling2d_1", ordering, strides=(2, 2)),
            simple("Dropout", "dropout_1", p=0.25),
            simple("Flatten", "flatten_1"),
            dense_1("dense_1", 128),
            simple("Activation", "activation_3", activation="relu"),
            simple("Dropout", "dropout_2", p=0.5),
            dense_1("dense_2", 10),
            simple("Activation", "activation_4", activation="softmax"),
        ],
        backend="theano" if ordering == "th" else "tensorflow",
    )


def imdb_lstm():
    """Keras 1's examples/imdb_lstm.py: Embedding(dropout) + LSTM(dropout_W, dropout_U)."""
    embedding = simple(
        "Embedding",
        "embedding_1",
        input_dim=20000,
        output_dim=128,
        init="uniform",
        input_length=None,
        mask_zero=False,
        W_regularizer=None,
        activity_regularizer=None,
        W_constraint=None,
        dropout=0.2,
        batch_input_shape=[None, None],
        input_dtype="int32",
    )
    return sequential_1(
        [
            embedding,
            recurrent_1("LSTM", "lstm_1", 128, input_dim=128, dropout_W=0.2, dropout_U=0.2),
            dense_1("dense_1", 1),
            simple("Activation", "activation_1", activation="sigmoid"),
        ]
    )


def merge_model():
    """A functional Keras 1 model: two branches merged with mode='sum', then mode='concat'."""
    return model_1(
        "model_1",
        [
            input_1("input_1", [784]),
            functional_entry(dense_1("dense_1", 64, activation="relu"), node1("input_1")),
            functional_entry(dense_1("dense_2", 64, activation="relu"), node1("input_1")),
            functional_entry(merge_1("merge_1", "sum"), node1("dense_1", "dense_2")),
            functional_entry(merge_1("merge_2", "concat"), node1("merge_1", "input_1")),
            functional_entry(dense_1("dense_3", 10, activation="softmax"), node1("merge_2")),
        ],
        ["input_1"],
        ["dense_3"],
    )


def merge_modes_model():
    """Every other Keras 1 merge mode on two inputs: mul, ave, max, dot, cos, concat on axis 1."""
    return model_1(
        "model_2",
        [
            input_1("input_a", [16]),
            input_1("input_b", [16]),
            functional_entry(merge_1("merge_mul", "mul"), node1("input_a", "input_b")),
            functional_entry(merge_1("merge_ave", "ave"), node1("input_a", "input_b")),
            functional_entry(merge_1("merge_max", "max"), node1("input_a", "input_b")),
            functional_entry(merge_1("merge_dot", "dot", dot_axes=[1, 1]), node1("input_a", "input_b")),
            functional_entry(merge_1("merge_cos", "cos", dot_axes=[1, 1]), node1("input_a", "input_b")),
            functional_entry(
                merge_1("merge_all", "concat", concat_axis=1),
                node1("merge_mul", "merge_ave", "merge_max", "merge_dot", "merge_cos"),
            ),
            functional_entry(dense_1("dense_out", 3), node1("merge_all")),
        ],
        ["input_a", "input_b"],
        ["dense_out"],
    )


def atrous_model():
    """AtrousConvolution2D (Theano ordering) and AtrousConvolution1D."""
    conv2 = conv2d_1("atrousconv2d_1", 8, 3, 3, ordering="th", batch_input_shape=[None, 3, 32, 32], atrous_rate=[2, 2])
    conv2["class_name"] = "AtrousConvolution2D"
    return sequential_1(
        [conv2, simple("Flatten", "flatten_1"), dense_1("dense_1", 4)],
        backend="theano",
    )


def atrous_1d_model():
    def conv1(class_name, name, nb_filter, filter_length, **extra):
        layer = simple(
            class_name,
            name,
            nb_filter=nb_filter,
            filter_length=filter_length,
            init="glorot_uniform",
            activation="relu",
            border_mode="valid",
            subsample_length=1,
            W_regularizer=None,
            b_regularizer=None,
            activity_regularizer=None,
            W_constraint=None,
            b_constraint=None,
            bias=True,
            input_dim=None,
            input_length=None,
        )
        layer["config"].update(extra)
        return layer

    return sequential_1(
        [
            conv1("Convolution1D", "convolution1d_1", 16, 5, input_dim=20, input_length=100),
            conv1("AtrousConvolution1D", "atrousconv1d_1", 8, 3, atrous_rate=4, border_mode="same"),
            simple("MaxPooling1D", "maxpooling1d_1", pool_length=2, stride=None, border_mode="valid"),
            simple("GlobalMaxPooling1D", "globalmaxpooling1d_1"),
            dense_1("dense_1", 1, activation="sigmoid"),
        ]
    )


def deconv_model():
    """Deconvolution2D (with Keras 1's output_shape) after a strided Convolution2D."""
    deconv = conv2d_1("deconvolution2d_1", 8, 3, 3, border_mode="same", subsample=(2, 2), output_shape=[None, 28, 28, 8])
    deconv["class_name"] = "Deconvolution2D"
    return sequential_1(
        [
            conv2d_1("convolution2d_1", 16, 3, 3, border_mode="same", subsample=(2, 2), batch_input_shape=[None, 28, 28, 1]),
            deconv,
            conv2d_1("convolution2d_2", 1, 1, 1),
        ],
        backend="tensorflow",
    )


def image_kitchen_sink():
    """Theano-ordered: ZeroPadding2D, BatchNormalization(mode=0, axis=1), SeparableConvolution2D,
    UpSampling2D, AveragePooling2D, SpatialDropout2D, GlobalAveragePooling2D, 'default' orderings."""
    separable = simple(
        "SeparableConvolution2D",
        "separableconvolution2d_1",
        nb_filter=12,
        nb_row=3,
        nb_col=3,
        init="glorot_uniform",
        activation="relu",
        border_mode="same",
        subsample=[1, 1],
        depth_multiplier=2,
        dim_ordering="default",
        depthwise_regularizer=None,
        pointwise_regularizer=None,
        b_regularizer=None,
        activity_regularizer=None,
        depthwise_constraint=None,
        pointwise_constraint=None,
        b_constraint=None,
        bias=True,
    )
    batchnorm = simple(
        "BatchNormalization",
        "batchnormalization_1",
        epsilon=0.001,
        mode=0,
        axis=1,
        momentum=0.99,
        gamma_regularizer=None,
        beta_regularizer=None,
        beta_init="zero",
        gamma_init="one",
    )
    return sequential_1(
        [
            simple("ZeroPadding2D", "zeropadding2d_1", padding=[1, 1], dim_ordering="th", batch_input_shape=[None, 3, 30, 30]),
            conv2d_1(
                "convolution2d_1", 6, 3, 3, ordering="th", W_regularizer={"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01}
            ),
            batchnorm,
            separable,
            simple("UpSampling2D", "upsampling2d_1", size=[2, 2], dim_ordering="th"),
            pool2d_1("AveragePooling2D", "averagepooling2d_1", "th", pool_size=(3, 3), strides=(2, 2), border_mode="same"),
            simple("SpatialDropout2D", "spatialdropout2d_1", p=0.1, dim_ordering="th"),
            simple("GlobalAveragePooling2D", "globalaveragepooling2d_1", dim_ordering="th"),
            dense_1("dense_1", 5, W_constraint={"name": "MaxNorm", "m": 2, "axis": 0}),
        ],
        backend="theano",
    )


def sequence_kitchen_sink():
    """Embedding(input_length) → GRU → SimpleRNN → TimeDistributedDense → Bidirectional(LSTM)."""
    embedding = simple(
        "Embedding",
        "embedding_1",
        input_dim=1000,
        output_dim=32,
        init="uniform",
        input_length=40,
        mask_zero=True,
        W_regularizer=None,
        activity_regularizer=None,
        W_constraint=None,
        dropout=0.0,
        batch_input_shape=[None, 40],
        input_dtype="int32",
    )
    tdd = simple(
        "TimeDistributedDense",
        "timedistributeddense_1",
        output_dim=12,
        init="glorot_uniform",
        activation="linear",
        W_regularizer=None,
        b_regularizer=None,
        activity_regularizer=None,
        W_constraint=None,
        b_constraint=None,
        bias=True,
        input_dim=24,
        input_length=None,
    )
    bidirectional = simple(
        "Bidirectional", "bidirectional_1", merge_mode="concat", layer=recurrent_1("LSTM", "lstm_1", 10, consume_less="gpu")
    )
    return sequential_1(
        [
            embedding,
            recurrent_1("GRU", "gru_1", 16, input_dim=32, return_sequences=True, consume_less="mem"),
            recurrent_1("SimpleRNN", "simplernn_1", 24, input_dim=16, return_sequences=True),
            tdd,
            bidirectional,
            dense_1("dense_1", 2, activation="softmax"),
        ],
        version="1.1.1",
    )


def conv3d_model():
    conv = simple(
        "Convolution3D",
        "convolution3d_1",
        nb_filter=4,
        kernel_dim1=2,
        kernel_dim2=3,
        kernel_dim3=3,
        init="glorot_uniform",
        activation="relu",
        border_mode="valid",
        subsample=[1, 1, 1],
        dim_ordering="tf",
        W_regularizer=None,
        b_regularizer=None,
        activity_regularizer=None,
        W_constraint=None,
        b_constraint=None,
        bias=True,
        batch_input_shape=[None, 8, 16, 16, 1],
    )
    return sequential_1(
        [
            conv,
            simple("MaxPooling3D", "maxpooling3d_1", pool_size=[2, 2, 2], strides=None, border_mode="valid", dim_ordering="tf"),
            simple("Flatten", "flatten_1"),
            dense_1("dense_1", 3),
        ]
    )


def nested_model():
    """A Keras 1 functional model calling a (list-form) Sequential: calls numbered from 1."""
    inner = {
        "class_name": "Sequential",
        "config": [dense_1("dense_a", 8, input_dim=6, batch_input_shape=[None, 6]), dense_1("dense_b", 4)],
        "name": "sequential_1",
        "inbound_nodes": [[["input_1", 0, 0]]],
    }
    return model_1(
        "model_3",
        [
            input_1("input_1", [6]),
            inner,
            {**dense_1("dense_c", 2), "name": "dense_c", "inbound_nodes": [[["sequential_1", 1, 0]]]},
        ],
        ["input_1"],
        ["dense_c"],
    )


def convlstm_local_model():
    """ConvLSTM2D (Keras 1.2's convolutional_recurrent) and LocallyConnected2D."""
    convlstm = simple(
        "ConvLSTM2D",
        "convlstm2d_1",
        nb_filter=4,
        nb_row=3,
        nb_col=3,
        init="glorot_uniform",
        inner_init="orthogonal",
        forget_bias_init="one",
        activation="tanh",
        inner_activation="hard_sigmoid",
        dim_ordering="tf",
        border_mode="valid",
        subsample=[1, 1],
        W_regularizer=None,
        U_regularizer=None,
        b_regularizer=None,
        dropout_W=0.0,
        dropout_U=0.0,
        return_sequences=False,
        go_backwards=False,
        stateful=False,
        batch_input_shape=[None, 5, 8, 8, 1],
    )
    local = simple(
        "LocallyConnected2D",
        "locallyconnected2d_1",
        nb_filter=2,
        nb_row=3,
        nb_col=3,
        init="glorot_uniform",
        activation="linear",
        border_mode="valid",
        subsample=[1, 1],
        dim_ordering="tf",
        W_regularizer=None,
        b_regularizer=None,
        activity_regularizer=None,
        W_constraint=None,
        b_constraint=None,
        bias=True,
    )
    return sequential_1([convlstm, local, simple("Flatten", "flatten_1"), dense_1("dense_1", 3)])


def sequence_misc_model():
    """Masking, LocallyConnected1D, ZeroPadding1D, UpSampling1D(length), Cropping1D, PReLU(init),
    LeakyReLU, ELU, GaussianNoise(sigma), GaussianDropout(p), Permute, Reshape, RepeatVector,
    Bidirectional(GRU)."""
    local = simple(
        "LocallyConnected1D",
        "locallyconnected1d_1",
        nb_filter=6,
        filter_length=3,
        init="glorot_uniform",
        activation="linear",
        border_mode="valid",
        subsample_length=1,
        W_regularizer=None,
        b_regularizer=None,
        activity_regularizer=None,
        W_constraint=None,
        b_constraint=None,
        bias=True,
        input_dim=None,
        input_length=None,
    )
    return sequential_1(
        [
            simple("Masking", "masking_1", mask_value=0.0, batch_input_shape=[None, 12, 5], input_dtype="float32"),
            local,
            simple("ZeroPadding1D", "zeropadding1d_1", padding={"left_pad": 1, "right_pad": 2}),
            simple("UpSampling1D", "upsampling1d_1", length=2),
            simple("Cropping1D", "cropping1d_1", cropping=[1, 1]),
            simple("PReLU", "prelu_1", init="zero"),
            simple("LeakyReLU", "leakyrelu_1", alpha=0.3),
            simple("ELU", "elu_1", alpha=1.0),
            simple("GaussianNoise", "gaussiannoise_1", sigma=0.1),
            simple("GaussianDropout", "gaussiandropout_1", p=0.1),
            simple("Permute", "permute_1", dims=[2, 1]),
            simple("Reshape", "reshape_1", target_shape=[12, 12]),
            simple("Bidirectional", "bidirectional_1", merge_mode="sum", layer=recurrent_1("GRU", "gru_1", 7)),
            simple("RepeatVector", "repeatvector_1", n=3),
            recurrent_1("SimpleRNN", "simplernn_1", 2, consume_less="gpu"),
        ]
    )


def conv_autoencoder_105():
    """A Keras 1.0.5 convolutional autoencoder: Convolution2D / MaxPooling2D say dim_ordering 'th',
    UpSampling2D (whose Keras 1.0 get_config wrote no dim_ordering) says nothing, and the file
    names no backend."""
    upsampling = simple("UpSampling2D", "upsampling2d_1", size=[2, 2])
    return sequential_1(
        [
            conv2d_1("convolution2d_1", 16, 3, 3, ordering="th", border_mode="same", batch_input_shape=[None, 1, 28, 28]),
            pool2d_1("MaxPooling2D", "maxpooling2d_1", "th", border_mode="same"),
            conv2d_1("convolution2d_2", 8, 3, 3, ordering="th", border_mode="same"),
            pool2d_1("MaxPooling2D", "maxpooling2d_2", "th", border_mode="same"),
            conv2d_1("convolution2d_3", 8, 3, 3, ordering="th", border_mode="same"),
            upsampling,
            conv2d_1("convolution2d_4", 16, 3, 3, ordering="th", border_mode="same"),
            {**upsampling, "config": {**upsampling["config"], "name": "upsampling2d_2"}},
            conv2d_1("convolution2d_5", 1, 3, 3, ordering="th", border_mode="same"),
        ],
        version="1.0.5",
    )


# -- Keras 2.0–2.2 layer configs, as those versions' get_config wrote them ------------------------

GLOROT_2 = {"class_name": "VarianceScaling", "config": {"scale": 1.0, "mode": "fan_avg", "distribution": "uniform", "seed": None}}
ZEROS_2 = {"class_name": "Zeros", "config": {}}


def dense_2(name, units, *, activation="linear", **extra):
    return {
        "class_name": "Dense",
        "config": {
            "name": name,
            "trainable": True,
            **extra,
            "units": units,
            "activation": activation,
            "use_bias": True,
            "kernel_initializer": GLOROT_2,
            "bias_initializer": ZEROS_2,
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
        },
    }


def embedding_2(name, input_dim, output_dim, length):
    """A Keras 2.0–2.2 first-layer Embedding: its ``dtype`` is the (int32) input's."""
    return {
        "class_name": "Embedding",
        "config": {
            "name": name,
            "trainable": True,
            "batch_input_shape": [None, length],
            "dtype": "int32",
            "input_dim": input_dim,
            "output_dim": output_dim,
            "embeddings_initializer": {"class_name": "RandomUniform", "config": {"minval": -0.05, "maxval": 0.05, "seed": None}},
            "embeddings_regularizer": None,
            "activity_regularizer": None,
            "embeddings_constraint": None,
            "mask_zero": False,
            "input_length": length,
        },
    }


def text_classifier_layers():
    return [
        embedding_2("embedding_1", 500, 16, 40),
        simple("Flatten", "flatten_1"),
        dense_2("dense_1", 8, activation="relu"),
        dense_2("dense_2", 1, activation="sigmoid"),
    ]


def embedding_list_204():
    """A Keras 2.0.4 list-form Sequential starting with Embedding(batch_input_shape, dtype=int32)."""
    return {"class_name": "Sequential", "config": text_classifier_layers(), "keras_version": "2.0.4", "backend": "tensorflow"}


def embedding_dict_224():
    """The same model as Keras 2.2.4 wrote it: a dict-form Sequential without its InputLayer."""
    config = {"name": "sequential_1", "layers": text_classifier_layers()}
    return {"class_name": "Sequential", "config": config, "keras_version": "2.2.4", "backend": "tensorflow"}


def nested_first_1():
    """A Keras 1 list-form Sequential whose first layer is a (list-form, unnamed) Sequential
    holding the input shape, as ``model.add(encoder)`` saved it."""
    encoder = {"class_name": "Sequential", "config": [dense_1("dense_1", 8, input_dim=6), dense_1("dense_2", 4)]}
    return sequential_1([encoder, dense_1("dense_3", 2, activation="softmax")])


def nested_first_embedding_210():
    """A Keras 2.1 list-form Sequential whose first layer is a nested Sequential starting with an
    int32 Embedding: both models are named 'sequential'... as in real files."""
    encoder = {"class_name": "Sequential", "config": text_classifier_layers()[:3]}
    return {
        "class_name": "Sequential",
        "config": [encoder, dense_2("dense_2", 1, activation="sigmoid")],
        "keras_version": "2.1.2",
        "backend": "tensorflow",
    }


def merge_branches_206():
    """Keras 2.0.6's multi-branch Sequential: a legacy Merge(concat) of two Sequentials as layer 0."""
    left = {
        "class_name": "Sequential",
        "config": [dense_2("dense_1", 4, activation="relu", batch_input_shape=[None, 3], dtype="float32")],
    }
    right = {
        "class_name": "Sequential",
        "config": [dense_2("dense_2", 6, activation="relu", batch_input_shape=[None, 5], dtype="float32"), dense_2("dense_3", 4)],
    }
    return {
        "class_name": "Sequential",
        "config": [merge_1("merge_1", "concat", layers=[left, right]), dense_2("dense_4", 2, activation="softmax")],
        "keras_version": "2.0.6",
        "backend": "tensorflow",
    }


def merge_branches_sum_1():
    """A Keras 1 multi-branch Sequential: Merge(mode='sum') of two Dense branches, then two layers."""
    left = {"class_name": "Sequential", "config": [dense_1("dense_1", 8, input_dim=10)]}
    right = {"class_name": "Sequential", "config": [dense_1("dense_2", 8, input_dim=10)]}
    return sequential_1(
        [merge_1("merge_1", "sum", layers=[left, right]), simple("Dropout", "dropout_1", p=0.5), dense_1("dense_3", 3)]
    )


MODELS = {
    "mnist_cnn_th": lambda: mnist_cnn("th"),
    "mnist_cnn_tf": lambda: mnist_cnn("tf"),
    "imdb_lstm": imdb_lstm,
    "merge_sum_concat": merge_model,
    "merge_modes": merge_modes_model,
    "atrous_2d": atrous_model,
    "atrous_1d": atrous_1d_model,
    "deconv": deconv_model,
    "image_kitchen_sink": image_kitchen_sink,
    "sequence_kitchen_sink": sequence_kitchen_sink,
    "conv3d": conv3d_model,
    "nested_sequential": nested_model,
    "convlstm_local": convlstm_local_model,
    "sequence_misc": sequence_misc_model,
    "conv_autoencoder_105": conv_autoencoder_105,
    "embedding_list_204": embedding_list_204,
    "embedding_dict_224": embedding_dict_224,
    "nested_first_1": nested_first_1,
    "nested_first_embedding_210": nested_first_embedding_210,
    "merge_branches_206": merge_branches_206,
    "merge_branches_sum_1": merge_branches_sum_1,
}
#: source_format of the MODELS that are not Keras 1
FORMATS = {
    "embedding_list_204": "list-sequential",
    "embedding_dict_224": "keras2",
    "nested_first_embedding_210": "list-sequential",
    "merge_branches_206": "list-sequential",
}

# -- the conversion tables, on single layers -------------------------------------------------------


def convert_layer(layer, **top):
    """One Keras 1 layer, converted inside a one-layer list-form Sequential."""
    up = upgrade_config(sequential_1([layer], **top))
    return up.config["config"]["layers"][-1]


def input_layer(layer, **top):
    """The InputLayer the conversion puts before a one-layer Sequential (None when there is none)."""
    layers = upgrade_config(sequential_1([layer], **top)).config["config"]["layers"]
    return layers[0]["config"] if len(layers) == 2 and layers[0]["class_name"] == "InputLayer" else None


def test_convolution2d_becomes_conv2d_with_every_argument_renamed():
    layer = conv2d_1(
        "c",
        32,
        3,
        5,
        ordering="th",
        border_mode="same",
        subsample=(2, 1),
        W_regularizer={"name": "WeightRegularizer", "l1": 0.0, "l2": 0.01},
        b_constraint="maxnorm",
        batch_input_shape=[None, 3, 32, 32],
        input_dtype="float32",
    )
    assert convert_layer(layer) == {
        "class_name": "Conv2D",
        "config": {
            "name": "c",
            "trainable": True,
            "filters": 32,
            "kernel_size": [3, 5],
            "kernel_initializer": "glorot_uniform",
            "activation": "linear",
            "padding": "same",
            "strides": [2, 1],
            "data_format": "channels_first",
            "kernel_regularizer": {"class_name": "L1L2", "config": {"l1": 0.0, "l2": 0.01}},
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": "max_norm",
            "use_bias": True,
        },
    }
    assert input_layer(layer) == {"batch_input_shape": [None, 3, 32, 32], "dtype": "float32", "sparse": False, "name": "c_input"}


def test_dense_output_dim_and_input_dim():
    layer = dense_1("d", 10, input_dim=784, bias=False)
    assert input_layer(layer) == {"batch_input_shape": [None, 784], "dtype": "float32", "sparse": False, "name": "d_input"}
    assert convert_layer(layer) == {
        "class_name": "Dense",
        "config": {
            "name": "d",
            "trainable": True,
            "units": 10,
            "kernel_initializer": "glorot_uniform",
            "activation": "linear",
            "kernel_regularizer": None,
            "bias_regularizer": None,
            "activity_regularizer": None,
            "kernel_constraint": None,
            "bias_constraint": None,
            "use_bias": False,
        },
    }


def test_lstm_recurrent_arguments():
    layer = recurrent_1("LSTM", "l", 32, input_dim=8, input_length=20, dropout_W=0.1, dropout_U=0.2, consume_less="gpu")
    cfg = convert_layer(layer)["config"]
    assert cfg == {
        "name": "l",
        "trainable": True,
        "units": 32,
        "kernel_initializer": "glorot_uniform",
        "recurrent_initializer": "orthogonal",
        "activation": "tanh",
        "recurrent_activation": "hard_sigmoid",
        "kernel_regularizer": None,
        "recurrent_regularizer": None,
        "bias_regularizer": None,
        "dropout": 0.1,
        "recurrent_dropout": 0.2,
        "return_sequences": False,
        "go_backwards": False,
        "stateful": False,
        "unroll": False,
        "implementation": 2,
        "unit_forget_bias": True,
    }
    assert input_layer(layer)["batch_input_shape"] == [None, 20, 8]


def test_gru_keeps_keras1_single_bias():
    up = upgrade_config(sequential_1([recurrent_1("GRU", "g", 4, input_dim=3)]))
    cfg = up.config["config"]["layers"][-1]["config"]
    assert cfg["reset_after"] is False and cfg["units"] == 4 and cfg["implementation"] == 0
    assert any("reset_after=False" in n for n in up.notes)


def test_embedding_keeps_output_dim_and_drops_dropout():
    layer = simple("Embedding", "e", input_dim=100, output_dim=8, init="uniform", input_length=12, dropout=0.3, mask_zero=True)
    up = upgrade_config(sequential_1([layer]))
    assert up.config["config"]["layers"][1] == {
        "class_name": "Embedding",
        "config": {
            "name": "e",
            "trainable": True,
            "input_dim": 100,
            "output_dim": 8,
            "embeddings_initializer": "uniform",
            "input_length": 12,
            "mask_zero": True,
        },
    }
    assert up.config["config"]["layers"][0]["config"]["batch_input_shape"] == [None, 12]
    assert any("dropout=0.3 dropped" in n for n in up.notes)


@pytest.mark.parametrize(
    ("layer", "expected"),
    [
        (simple("Dropout", "x", p=0.5), {"class_name": "Dropout", "config": {"name": "x", "trainable": True, "rate": 0.5}}),
        (
            simple("SpatialDropout2D", "x", p=0.5, dim_ordering="th"),
            {
                "class_name": "SpatialDropout2D",
                "config": {"name": "x", "trainable": True, "rate": 0.5, "data_format": "channels_first"},
            },
        ),
        (
            simple("GaussianNoise", "x", sigma=0.1),
            {"class_name": "GaussianNoise", "config": {"name": "x", "trainable": True, "stddev": 0.1}},
        ),
        (
            simple("GaussianDropout", "x", p=0.2),
            {"class_name": "GaussianDropout", "config": {"name": "x", "trainable": True, "rate": 0.2}},
        ),
        (
            simple("MaxPooling1D", "x", pool_length=3, stride=2, border_mode="same"),
            {
                "class_name": "MaxPooling1D",
                "config": {"name": "x", "trainable": True, "pool_size": 3, "strides": 2, "padding": "same"},
            },
        ),
        (
            pool2d_1("MaxPooling2D", "x", "th"),
            {
                "class_name": "MaxPooling2D",
                "config": {
                    "name": "x",
                    "trainable": True,
                    "pool_size": [2, 2],
                    "strides": None,
                    "padding": "valid",
                    "data_format": "channels_first",
                },
            },
        ),
        (
            simple("UpSampling1D", "x", length=3),
            {"class_name": "UpSampling1D", "config": {"name": "x", "trainable": True, "size": 3}},
        ),
        (
            simple("ZeroPadding2D", "x", padding=[1, 2, 3, 4], dim_ordering="tf"),
            {
                "class_name": "ZeroPadding2D",
                "config": {"name": "x", "trainable": True, "padding": [[1, 2], [3, 4]], "data_format": "channels_last"},
            },
        ),
        (
            simple("ZeroPadding2D", "x", padding={"top_pad": 1, "left_pad": 2}, dim_ordering="tf"),
            {
                "class_name": "ZeroPadding2D",
                "config": {"name": "x", "trainable": True, "padding": [[1, 0], [2, 0]], "data_format": "channels_last"},
            },
        ),
        (
            simple("PReLU", "x", init="zero"),
            {"class_name": "PReLU", "config": {"name": "x", "trainable": True, "alpha_initializer": "zero"}},
        ),
        (
            simple("BatchNormalization", "x", mode=0, axis=1, epsilon=1e-3, momentum=0.99, beta_init="zero", gamma_init="one"),
            {
                "class_name": "BatchNormalization",
                "config": {
                    "name": "x",
                    "trainable": True,
                    "axis": 1,
                    "epsilon": 1e-3,
                    "momentum": 0.99,
                    "beta_initializer": "zero",
                    "gamma_initializer": "one",
                },
            },
        ),
        (
            simple("GlobalAveragePooling2D", "x", dim_ordering="th"),
            {"class_name": "GlobalAveragePooling2D", "config": {"name": "x", "trainable": True, "data_format": "channels_first"}},
        ),
        (
            simple("Flatten", "x"),
            {"class_name": "Flatten", "config": {"name": "x", "trainable": True}},
        ),
    ],
    ids=lambda v: v["class_name"] if isinstance(v, dict) else None,
)
def test_simple_layer_tables(layer, expected):
    assert convert_layer(layer) == expected


def test_convolution1d_and_atrous():
    conv = simple("Convolution1D", "c", nb_filter=4, filter_length=5, subsample_length=2, border_mode="valid", bias=False)
    assert convert_layer(conv)["config"] == {
        "name": "c",
        "trainable": True,
        "filters": 4,
        "kernel_size": 5,
        "strides": 2,
        "padding": "valid",
        "use_bias": False,
    }
    atrous = simple("AtrousConvolution1D", "a", nb_filter=4, filter_length=3, atrous_rate=2)
    assert convert_layer(atrous) == {
        "class_name": "Conv1D",
        "config": {"name": "a", "trainable": True, "filters": 4, "kernel_size": 3, "dilation_rate": 2},
    }
    atrous2 = simple("AtrousConvolution2D", "a", nb_filter=4, nb_row=3, nb_col=3, dim_ordering="tf")
    assert convert_layer(atrous2) == {
        "class_name": "Conv2D",
        "config": {
            "name": "a",
            "trainable": True,
            "filters": 4,
            "kernel_size": [3, 3],
            "data_format": "channels_last",
            "dilation_rate": 1,
        },
    }


def test_deconvolution_separable_and_conv3d():
    deconv = simple("Deconvolution2D", "d", nb_filter=2, nb_row=3, nb_col=3, output_shape=[None, 8, 8, 2], dim_ordering="tf")
    up = upgrade_config(sequential_1([deconv]))
    assert up.config["config"]["layers"][-1] == {
        "class_name": "Conv2DTranspose",
        "config": {"name": "d", "trainable": True, "filters": 2, "kernel_size": [3, 3], "data_format": "channels_last"},
    }
    assert any("output_shape [None, 8, 8, 2] dropped" in n for n in up.notes)
    separable = simple("SeparableConvolution2D", "s", nb_filter=2, nb_row=3, nb_col=3, init="he_normal", dim_ordering="th")
    assert convert_layer(separable)["config"] == {
        "name": "s",
        "trainable": True,
        "filters": 2,
        "kernel_size": [3, 3],
        "depthwise_initializer": "he_normal",
        "pointwise_initializer": "he_normal",
        "data_format": "channels_first",
    }
    conv3 = simple("Convolution3D", "c", nb_filter=2, kernel_dim1=1, kernel_dim2=2, kernel_dim3=3, subsample=[1, 1, 1])
    cfg = convert_layer(conv3, backend="theano")["config"]
    assert cfg["kernel_size"] == [1, 2, 3] and cfg["strides"] == [1, 1, 1] and cfg["data_format"] == "channels_first"


def test_merge_modes_become_merging_layers():
    expected = {
        "concat": ("Concatenate", {"axis": 2}),
        "sum": ("Add", {}),
        "mul": ("Multiply", {}),
        "ave": ("Average", {}),
        "max": ("Maximum", {}),
        "dot": ("Dot", {"axes": [1, 1], "normalize": False}),
        "cos": ("Dot", {"axes": [1, 1], "normalize": True}),
    }
    for mode, (class_name, config) in expected.items():
        up = upgrade_config(
            model_1(
                "m",
                [input_1("i", [4, 4]), functional_entry(merge_1("mg", mode, concat_axis=2, dot_axes=1), node1("i", "i"))],
                ["i"],
                ["mg"],
            )
        )
        entry = up.config["config"]["layers"][1]
        assert (entry["class_name"], entry["config"]) == (class_name, {"name": "mg", **config}), mode
        assert entry["inbound_nodes"] == [[["i", 0, 0, {}], ["i", 0, 0, {}]]]
    assert up.config["class_name"] == "Functional"
    assert up.config["config"]["layers"][0]["config"] == {
        "batch_input_shape": [None, 4, 4],
        "dtype": "float32",
        "sparse": False,
        "name": "i",
    }


def test_keras2_0_legacy_merge_is_converted_too():
    data = model_1(
        "m",
        [
            {**input_1("i", [4]), "inbound_nodes": []},
            {**functional_entry(merge_1("mg", "concat"), [["i", 0, 0, {}], ["i", 0, 0, {}]])},
        ],
        ["i"],
        ["mg"],
        version="2.0.8",
    )
    data["config"]["layers"][0]["config"] = {"batch_input_shape": [None, 4], "dtype": "float32", "sparse": False, "name": "i"}
    up = upgrade_config(data)
    assert up.source_format == "keras2"
    assert up.config["class_name"] == "Model"
    assert up.config["config"]["layers"][1]["class_name"] == "Concatenate"
    assert up.config["config"]["layers"][1]["inbound_nodes"] == [[["i", 0, 0, {}], ["i", 0, 0, {}]]]
    assert up.notes == ("mg: Keras 2.0's legacy Merge(mode='concat') → Concatenate",)
    assert formulas.expect_model(up.config, keras="2.15").output_shapes == ((None, 8),)


def test_dim_ordering_default_follows_the_backend():
    layer = conv2d_1("c", 2, 3, 3, ordering="default")
    for top, expected in (
        ({"backend": "theano"}, "channels_first"),
        ({"backend": "tensorflow"}, "channels_last"),
        ({}, "channels_last"),
    ):
        up = upgrade_config(sequential_1([layer], **top))
        assert up.config["config"]["layers"][-1]["config"]["data_format"] == expected
        assert any(n.startswith("dim_ordering 'default' (or not given) in c taken as") for n in up.notes), up.notes
    up = upgrade_config(sequential_1([layer]), backend="theano")
    assert up.config["config"]["layers"][-1]["config"]["data_format"] == "channels_first"
    assert up.backend is None  # the file's own, not the caller's


def test_notes_say_what_was_converted():
    up = upgrade_config(mnist_cnn("th"))
    assert up.source_format == "keras1" and up.keras_version == "1.2.2" and up.backend == "theano"
    first = up.notes[1]
    assert first.startswith("Keras 1 config (keras_version 1.2.2) converted to Keras 2: Convolution2D → Conv2D")
    for part in ("nb_filter → filters", "border_mode → padding", "subsample → strides", "init → kernel_initializer", "p → rate"):
        assert part in first
    assert up.notes[0].startswith("list-form Sequential config")


def test_keras1_detected_without_keras_version():
    data = {"class_name": "Sequential", "config": [dense_1("d", 3, input_dim=2)]}
    up = upgrade_config(data)
    assert up.source_format == "keras1" and up.keras_version is None
    assert up.config["config"]["layers"][-1]["config"]["units"] == 3


def test_list_form_keras2_sequential_and_bare_list():
    layers = [
        {"class_name": "Dense", "config": {"name": "dense_1", "units": 4, "batch_input_shape": [None, 3]}},
        {"class_name": "Dense", "config": {"name": "dense_2", "units": 2}},
    ]
    data = {"class_name": "Sequential", "config": copy.deepcopy(layers), "keras_version": "2.1.6", "backend": "tensorflow"}
    up = upgrade_config(data)
    assert up.source_format == "list-sequential"
    assert upgrade_config(copy.deepcopy(layers)).config == up.config
    spec = {"batch_input_shape": [None, 3], "dtype": "float32", "sparse": False, "name": "dense_1_input"}
    layers[0]["config"].pop("batch_input_shape")
    expected = [{"class_name": "InputLayer", "config": spec}, *layers]
    assert up.config == {"class_name": "Sequential", "config": {"name": "sequential", "layers": expected}}
    assert up.notes == (
        "list-form Sequential config (Keras 1.x–2.1 to_json) read as {name, layers}",
        "Sequential 'sequential': InputLayer 'dense_1_input' added before its first layer, holding its batch_input_shape",
    )
    assert formulas.expect_model(up.config, keras="2.15").total == (3 + 1) * 4 + (4 + 1) * 2


def test_json_text_and_json_string_holding_json():
    data = mnist_cnn("tf")
    text = json.dumps(data)
    assert upgrade_config(text).config == upgrade_config(data).config
    assert upgrade_config(json.dumps(text)).config == upgrade_config(data).config
    with pytest.raises(ModelFileError, match="bad JSON"):
        upgrade_config("{not json")


def test_modern_configs_pass_through_unchanged():
    keras2 = {
        "class_name": "Functional",
        "config": {
            "name": "m",
            "layers": [
                {
                    "class_name": "InputLayer",
                    "config": {"batch_input_shape": [None, 3], "name": "i"},
                    "name": "i",
                    "inbound_nodes": [],
                },
                {"class_name": "Dense", "config": {"name": "d", "units": 2}, "name": "d", "inbound_nodes": [[["i", 0, 0, {}]]]},
            ],
            "input_layers": [["i", 0, 0]],
            "output_layers": [["d", 0, 0]],
        },
        "keras_version": "2.15.0",
        "backend": "tensorflow",
    }
    up = upgrade_config(copy.deepcopy(keras2))
    assert (up.config, up.notes, up.source_format, up.keras_version) == (keras2, (), "keras2", "2.15.0")
    keras3 = {
        "module": "keras",
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {"module": "keras.layers", "class_name": "InputLayer", "config": {"batch_shape": [None, 3], "name": "i"}},
                {"module": "keras.layers", "class_name": "Dense", "config": {"name": "d", "units": 2}},
            ],
        },
    }
    up = upgrade_config(copy.deepcopy(keras3))
    assert (up.config, up.notes, up.source_format) == (keras3, (), "keras3")
    # Keras 2 aliases written with Keras 2 arguments are not Keras 1
    alias = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [{"class_name": "Convolution2D", "config": {"filters": 2, "kernel_size": 3}}]},
    }
    assert upgrade_config(alias).source_format == "keras2"
    # a custom layer's own "init" or "p" does not make a file Keras 1
    custom = {
        "class_name": "Sequential",
        "config": {"name": "s", "layers": [{"class_name": "MyLayer", "config": {"init": 1, "p": 2}}]},
    }
    assert upgrade_config(custom).source_format == "keras2"
    # nor does anything in a file that says it was written by Keras 2
    legacyish = {"class_name": "Sequential", "config": {"name": "s", "layers": [dense_1("d", 2)]}, "keras_version": "2.0.8"}
    assert upgrade_config(copy.deepcopy(legacyish)).config == legacyish


@pytest.mark.parametrize(
    ("layer", "message"),
    [
        (conv2d_1("conv_full", 2, 3, 3, border_mode="full"), r"'conv_full'.*border_mode='full'"),
        (conv2d_1("conv_odd", 2, 3, 3, ordering="xy"), r"'conv_odd'.*dim_ordering='xy'"),
        (recurrent_1("LSTM", "lstm_odd", 2, consume_less="fast"), r"'lstm_odd'.*consume_less='fast'"),
        (simple("Convolution2D", "half", nb_filter=2, nb_row=3), r"'half'.*nb_row=3 but no nb_col"),
        (simple("Dense", "both", output_dim=3, units=4), r"'both'.*output_dim=3.*units=4"),
    ],
)
def test_unconvertible_layers_raise_naming_layer_and_value(layer, message):
    with pytest.raises(ModelFileError, match=message):
        upgrade_config(sequential_1([layer]))


def test_lambda_merge_and_unbuildable_multi_branch_sequentials_are_refused():
    lam = merge_1("merge_fn", ["code", None, None], mode_type="lambda")
    with pytest.raises(ModelFileError, match=r"'merge_fn' \(Merge\).*Python function"):
        upgrade_config(model_1("m", [input_1("i", [2]), functional_entry(lam, node1("i", "i"))], ["i"], ["merge_fn"]))
    shapeless = merge_1("merge_1", "concat", layers=[{"class_name": "Sequential", "config": [dense_1("a", 2)]}] * 2)
    with pytest.raises(ModelFileError, match=r"sub-model 0 of its first layer 'merge_1' \(Merge\) gives no input shape"):
        upgrade_config(sequential_1([shapeless, dense_1("d", 1)]))
    of_layers = merge_1("merge_1", "sum", layers=[dense_1("a", 2, input_dim=3), dense_1("b", 2, input_dim=3)])
    with pytest.raises(ModelFileError, match=r"sub-model 0 of its first layer 'merge_1' \(Merge\) is not a model config"):
        upgrade_config(sequential_1([of_layers, dense_1("d", 1)]))
    with pytest.raises(ModelFileError, match="not a Keras model config"):
        upgrade_config(42)


def test_multi_branch_sequential_becomes_a_functional_model():
    """The Keras 2.0.6 Merge-of-Sequentials: one InputLayer per branch, the branches called as
    nested models at node 1 (Keras 2's numbering for a model that starts with an InputLayer), the
    Merge as Concatenate, the rest chained; every created name unique."""
    up = upgrade_config(merge_branches_206())
    config = up.config["config"]
    assert up.config["class_name"] == "Functional" and config["name"] == "sequential"
    summary = [(e["class_name"], e["name"], e["inbound_nodes"]) for e in config["layers"]]
    assert summary == [
        ("InputLayer", "sequential_1_input", []),
        ("InputLayer", "sequential_2_input", []),
        ("Sequential", "sequential_1", [[["sequential_1_input", 0, 0, {}]]]),
        ("Sequential", "sequential_2", [[["sequential_2_input", 0, 0, {}]]]),
        ("Concatenate", "merge_1", [[["sequential_1", 1, 0, {}], ["sequential_2", 1, 0, {}]]]),
        ("Dense", "dense_4", [[["merge_1", 0, 0, {}]]]),
    ]
    assert config["layers"][4]["config"] == {"name": "merge_1", "axis": -1}
    assert config["input_layers"] == [["sequential_1_input", 0, 0], ["sequential_2_input", 0, 0]]
    assert config["output_layers"] == [["dense_4", 0, 0]]
    assert config["layers"][0]["config"]["batch_input_shape"] == [None, 3]
    assert config["layers"][1]["config"]["batch_input_shape"] == [None, 5]
    branch = config["layers"][3]["config"]
    assert [e["class_name"] for e in branch["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert any("its first layer 'merge_1' merges 2 sub-models" in n and "Concatenate" in n for n in up.notes), up.notes
    e = formulas.expect_model(up.config, keras="2.15")
    assert e.complete and e.output_shapes == ((None, 2),)
    # a created name never takes one the file already uses
    data = merge_branches_206()
    data["config"][1]["config"]["name"] = "sequential_1"
    names = [e["name"] for e in upgrade_config(data).config["config"]["layers"]]
    assert len(names) == len(set(names)) and "sequential_1_2" in names
    up = upgrade_config(merge_branches_sum_1())
    assert [e["class_name"] for e in up.config["config"]["layers"]][4:] == ["Add", "Dropout", "Dense"]


def test_dim_ordering_default_from_the_files_other_layers():
    up = upgrade_config(conv_autoencoder_105())
    layers = {e["config"]["name"]: e["config"] for e in up.config["config"]["layers"]}
    assert layers["upsampling2d_1"]["data_format"] == layers["upsampling2d_2"]["data_format"] == "channels_first"
    assert (
        "dim_ordering 'default' (or not given) in upsampling2d_1, upsampling2d_2 taken as 'th' (channels_first): "
        "the file's other layers all say dim_ordering 'th' (7 of them)"
    ) in up.notes
    # what the evidence was would have decided it otherwise
    e = formulas.expect_model(up.config, keras="2.15")
    data = conv_autoencoder_105()
    for layer in data["config"]:
        layer["config"].pop("dim_ordering", None)
    wrong = upgrade_config(data)  # keras_version 1.0.5 alone also says 'th'
    assert formulas.expect_model(wrong.config, keras="2.15").total == e.total
    assert any(n.endswith("keras_version 1.0.5: Keras 1.0 defaulted to Theano's 'th'") for n in wrong.notes), wrong.notes
    data["keras_version"] = "1.2.2"
    tf_total = formulas.expect_model(upgrade_config(data).config, keras="2.15").total
    assert tf_total != e.total


@pytest.mark.parametrize(
    ("orderings", "top", "expected", "evidence"),
    [
        (
            ["th", "th"],
            {"backend": "tensorflow"},
            "channels_first",
            "the file's other layers all say dim_ordering 'th' (2 of them)",
        ),
        (
            ["th", "tf", "tf"],
            {"backend": "theano"},
            "channels_last",
            "most of the file's other layers say dim_ordering 'tf' (2 of 3)",
        ),
        (["th", "tf"], {"backend": "theano"}, "channels_first", "split 1/1 between 'th' and 'tf'; the file's backend is theano"),
        ([], {"backend": "theano", "keras_version": "1.2.2"}, "channels_first", "the file's backend is theano"),
        ([], {"keras_version": "1.0.8"}, "channels_first", "keras_version 1.0.8: Keras 1.0 defaulted to Theano's 'th'"),
        ([], {"keras_version": "1.0.8", "backend": "tensorflow"}, "channels_first", "Keras 1.0 defaulted to Theano's 'th'"),
        ([], {"keras_version": "1.1.0"}, "channels_last", "keras_version 1.1.0: Keras 1.1+ defaulted to 'tf'"),
        ([], {"keras_version": "1.2.2", "backend": "tensorflow"}, "channels_last", "the file's backend is tensorflow"),
        ([], {"keras_version": None}, "channels_last", "the file names neither backend nor Keras version"),
    ],
)
def test_dim_ordering_default_evidence_order(orderings, top, expected, evidence):
    layers = [pool2d_1("MaxPooling2D", f"pool_{i}", o) for i, o in enumerate(orderings)]
    layers.append(conv2d_1("c", 2, 3, 3, ordering="default"))
    data = sequential_1(
        layers, **{k: v for k, v in top.items() if k != "keras_version"}, version=top.get("keras_version", "1.2.2")
    )
    if data["keras_version"] is None:
        del data["keras_version"]
    up = upgrade_config(data)
    assert up.config["config"]["layers"][-1]["config"]["data_format"] == expected
    note = next(n for n in up.notes if n.startswith("dim_ordering 'default' (or not given) in c taken as"))
    assert evidence in note, note


def test_keras2_0_to_2_2_first_layer_dtype_is_the_inputs():
    for make, fmt in ((embedding_list_204, "list-sequential"), (embedding_dict_224, "keras2")):
        up = upgrade_config(make())
        assert up.source_format == fmt
        layers = up.config["config"]["layers"]
        assert layers[0] == {
            "class_name": "InputLayer",
            "config": {"batch_input_shape": [None, 40], "dtype": "int32", "sparse": False, "name": "embedding_1_input"},
        }
        assert "dtype" not in layers[1]["config"] and "batch_input_shape" not in layers[1]["config"]
        assert any(n.startswith("embedding_1: dtype 'int32' moved to InputLayer 'embedding_1_input'") for n in up.notes)
    assert upgrade_config(embedding_dict_224()).notes[0] == (
        "Keras 2.2.4 Sequential config: Keras 2.0–2.2 wrote it without its InputLayer"
    )
    # Keras 1's input_dtype goes the same way (it was already dropped from the layer)
    assert (
        input_layer(simple("Embedding", "e", input_dim=9, output_dim=2, input_length=3, input_dtype="int32"))["dtype"] == "int32"
    )
    # Keras 2.3+ (dtype is the weights') and tf.keras configs are left as they are
    for version in ("2.3.1", "2.15.0"):
        data = {**embedding_dict_224(), "keras_version": version}
        assert upgrade_config(copy.deepcopy(data)).config == data
    # a bare list whose later layers carry a dtype too is Keras 2.3+: the first keeps its own
    layers = text_classifier_layers()
    for layer in layers[1:]:
        layer["config"]["dtype"] = "float32"
    converted = upgrade_config(layers).config["config"]["layers"]
    assert converted[1]["config"]["dtype"] == "int32" and converted[0]["config"]["dtype"] == "int32"


def test_nested_sequential_as_first_layer_gives_the_outer_model_its_input():
    up = upgrade_config(nested_first_1())
    layers = up.config["config"]["layers"]
    assert [e["class_name"] for e in layers] == ["InputLayer", "Sequential", "Dense"]
    assert layers[0]["config"] == {
        "batch_input_shape": [None, 6],
        "dtype": "float32",
        "sparse": False,
        "name": "sequential_input",
    }
    assert [e["class_name"] for e in layers[1]["config"]["layers"]] == ["InputLayer", "Dense", "Dense"]
    up = upgrade_config(nested_first_embedding_210())
    outer = up.config["config"]["layers"]
    inner = outer[1]["config"]["layers"]
    assert outer[0]["config"]["dtype"] == inner[0]["config"]["dtype"] == "int32"
    assert "dtype" not in inner[1]["config"]
    names = [outer[0]["config"]["name"], inner[0]["config"]["name"]]
    assert names == ["sequential_input", "embedding_1_input"]
    assert any("InputLayer 'sequential_input' added before its first layer, the nested model 'sequential'" in n for n in up.notes)


def test_keras1_only_classes_are_kept_and_reported_without_formula():
    maxout = simple("MaxoutDense", "maxout_1", output_dim=4, nb_feature=3, init="glorot_uniform", input_dim=5)
    up = upgrade_config(sequential_1([maxout, dense_1("d", 2)]))
    assert up.config["config"]["layers"][1]["class_name"] == "MaxoutDense"
    assert any("maxout_1: MaxoutDense is a Keras 1 layer with no Keras 2 class" in n for n in up.notes)
    e = formulas.expect_model(up.config, keras="2.15")
    assert not e.complete
    assert e.layers[0].no_formula and "MaxoutDense" in (e.layers[0].error or "")


def test_nested_list_form_sequential_gets_its_input_layer():
    up = upgrade_config(nested_model())
    inner = up.config["config"]["layers"][1]
    assert inner["class_name"] == "Sequential" and inner["config"]["name"] == "sequential_1"
    assert [layer["class_name"] for layer in inner["config"]["layers"]] == ["InputLayer", "Dense", "Dense"]
    assert inner["inbound_nodes"] == [[["input_1", 0, 0, {}]]]


@pytest.mark.parametrize("name", sorted(MODELS))
def test_engine_describes_every_row_of_each_converted_model(name):
    data = MODELS[name]()
    before = copy.deepcopy(data)
    up = upgrade_config(data)
    assert data == before  # the input is never modified
    assert up.source_format == FORMATS.get(name, "keras1")
    e = formulas.expect_model(up.config, keras="2.15")
    bad = [(r.name, r.error) for r in e.layers if not r.complete]
    assert e.complete, bad
    assert e.total > 0


# -- real Keras ------------------------------------------------------------------------------------

_OBSERVE = r"""
import json, sys
if sys.argv[2] == "2":
    import tf_keras as keras
else:
    import keras

def name_of(w):
    return w.name.split(":")[0].rsplit("/", 1)[-1]

def dims(shape):
    if hasattr(shape, "as_list"):
        shape = shape.as_list()
    return [None if d is None else int(d) for d in shape]

def out_shape(layer):
    try:
        out = layer.output
    except Exception:
        return None
    if isinstance(out, (list, tuple)):
        return [dims(o.shape) for o in out]
    return dims(out.shape)

configs = json.load(open(sys.argv[1]))
result = {}
for name, config in configs.items():
    try:
        model = keras.models.model_from_json(json.dumps(config))
        path = "model_from_json"
    except Exception as exc:
        first = f"{type(exc).__name__}: {exc}".splitlines()[0][:300]
        if sys.argv[2] == "2":
            result[name] = {"error": first}
            continue
        # Keras 3's legacy loader: the path keras.models.load_model takes for a Keras 2 .h5 file
        from keras.src.legacy.saving import saving_utils
        try:
            model = saving_utils.model_from_config(config)
            path = "legacy model_from_config"
        except Exception as exc2:
            result[name] = {"error": first, "legacy_error": " ".join(f"{type(exc2).__name__}: {exc2}".split())[:1000]}
            continue
        result[name] = {"json_error": first}
    else:
        result[name] = {}
    trainable = {id(w) for w in model.trainable_weights}
    layers = [
        {
            "name": layer.name,
            "class_name": type(layer).__name__,
            "weights": [[name_of(w), dims(w.shape), id(w) in trainable] for w in layer.weights],
            "output_shape": out_shape(layer),
            "count_params": int(layer.count_params()),
        }
        for layer in model.layers
    ]
    result[name] |= {
        "path": path,
        "layers": layers,
        "total": int(model.count_params()),
        "trainable": int(sum(int(w.shape.num_elements()) if hasattr(w.shape, "num_elements") else 0 for w in model.trainable_weights)),
    }
print("RESULT" + json.dumps(result))
"""


def _observe(line: str, tmp_path_factory: pytest.TempPathFactory) -> dict[str, Any]:
    configs = {name: upgrade_config(make()).config for name, make in MODELS.items()}
    path = tmp_path_factory.mktemp(f"keras{line}") / "configs.json"
    path.write_text(json.dumps(configs))
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    if line == "2":
        env["TF_USE_LEGACY_KERAS"] = "1"
    else:
        env.pop("TF_USE_LEGACY_KERAS", None)
    proc = subprocess.run(
        [sys.executable, "-c", _OBSERVE, str(path), line], cwd=ROOT, env=env, capture_output=True, text=True, timeout=600
    )
    marker = [ln for ln in proc.stdout.splitlines() if ln.startswith("RESULT")]
    assert proc.returncode == 0 and marker, proc.stderr[-3000:]
    return json.loads(marker[0][len("RESULT") :])  # type: ignore[no-any-return]


@pytest.fixture(scope="module")
def keras2_observed(tmp_path_factory):
    pytest.importorskip("tf_keras")
    return _observe("2", tmp_path_factory)


@pytest.fixture(scope="module")
def keras3_observed(tmp_path_factory):
    pytest.importorskip("keras")
    return _observe("3", tmp_path_factory)


def _shape(shape: Any) -> Any:
    if shape is None:
        return None
    if shape and isinstance(shape[0], (list, tuple)):
        return [list(s) for s in shape]
    return list(shape)


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras2_builds_each_converted_model_as_the_engine_describes_it(name, keras2_observed):
    up = upgrade_config(MODELS[name]())
    observed = keras2_observed[name]
    assert "error" not in observed, observed.get("error")
    e = formulas.expect_model(up.config, keras="2.15")
    assert e.complete
    assert [r.name for r in e.layers] == [o["name"] for o in observed["layers"]]
    for row, o in zip(e.layers, observed["layers"]):
        assert row.class_name == o["class_name"], row.name
        assert [[w.name, list(w.shape), w.trainable] for w in row.weights] == o["weights"], row.name
        assert _shape(row.output_shape) == o["output_shape"], row.name
        assert row.total == o["count_params"], row.name
    assert e.total == observed["total"]
    assert e.trainable == observed["trainable"]


# Keras 3.15's keras.models.model_from_json refuses every Keras 2 config ("Could not locate class
# 'Sequential'" / "'Functional'": it resolves only Keras 3 serializations, with "module" keys).
# Keras 3's legacy loader (keras.src.legacy.saving.saving_utils.model_from_config, what
# keras.models.load_model uses for a Keras 2 .h5 file) builds the converted configs except these:
KERAS3_LEGACY_REFUSES: dict[str, str] = {
    # Keras 3.15's SpatialDropout2D.__init__ takes no `trainable` (every Keras 2 config has one)
    "image_kitchen_sink": "SpatialDropout2D.__init__() got an unexpected keyword argument 'trainable'",
    # Keras 2 numbers the calls of a nested model that starts with an InputLayer from 1 (node 0 is
    # its construction); Keras 3's loader does not, so ["sequential_1", 1, 0] is never resolved
    "nested_sequential": "The following nodes failed to be resolved",
    # the same numbering, for the branches of a converted multi-branch Sequential (tf-keras needs
    # node 1 there: see test_keras2_builds_each_converted_model_as_the_engine_describes_it)
    "merge_branches_206": "The following nodes failed to be resolved: {<Concatenate name=merge_1",
    "merge_branches_sum_1": "The following nodes failed to be resolved: {<Add name=merge_1",
    # Keras 3's legacy loader does not resolve the Keras 2 form of a wrapper's inner layer
    # (TimeDistributed's {"class_name": "Dense", ...} without a "module")
    "sequence_kitchen_sink": "Could not locate class 'Dense'",
    # LocallyConnected1D/2D are Keras 2 only
    "convlstm_local": "Unknown layer: 'LocallyConnected2D'",
    "sequence_misc": "Unknown layer: 'LocallyConnected1D'",
}


@pytest.mark.keras
@pytest.mark.parametrize("name", sorted(MODELS))
def test_keras3_loading_of_each_converted_model_is_as_recorded(name, keras3_observed):
    observed = keras3_observed[name]
    assert "Could not locate class" in observed.get("json_error", observed.get("error", "")), observed
    if name in KERAS3_LEGACY_REFUSES:
        assert KERAS3_LEGACY_REFUSES[name] in observed.get("legacy_error", ""), observed
        return
    assert observed.get("path") == "legacy model_from_config", observed
    up = upgrade_config(MODELS[name]())
    e = formulas.expect_model(up.config, keras="3")
    assert e.complete
    by_name = {o["name"]: o for o in observed["layers"]}
    for row in e.layers:
        o = by_name.get(row.name)
        assert o is not None, row.name
        assert [list(w.shape) for w in row.weights] == [w[1] for w in o["weights"]], row.name
        assert _shape(row.output_shape) == o["output_shape"], row.name
    assert e.total == observed["total"]


def test_upgraded_is_frozen():
    up = upgrade_config(mnist_cnn("tf"))
    assert isinstance(up, Upgraded)
    with pytest.raises(AttributeError):
        up.notes = ()  # type: ignore[misc]


def test_batchnorm_modes_and_forget_bias_init():
    up = upgrade_config(sequential_1([simple("BatchNormalization", "bn", mode=2, axis=-1, batch_input_shape=[None, 4])]))
    assert "mode" not in up.config["config"]["layers"][-1]["config"]
    assert any("bn: BatchNormalization mode=2 dropped: Keras 2.0 refused modes 1 and 2" in n for n in up.notes)
    assert formulas.expect_model(up.config, keras="2.15").total == 4 * 4
    for init, expected in (("one", True), ("zero", False)):
        cfg = convert_layer(recurrent_1("LSTM", "l", 3, forget_bias_init=init))["config"]
        assert cfg["unit_forget_bias"] is expected and "forget_bias_init" not in cfg
    up = upgrade_config(sequential_1([recurrent_1("LSTM", "l", 3, forget_bias_init="normal")]))
    assert "unit_forget_bias" not in up.config["config"]["layers"][-1]["config"]
    assert any("forget_bias_init='normal' dropped" in n for n in up.notes)
