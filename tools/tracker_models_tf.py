"""Build the model files of the tf-era tracker catalog (``verify/catalog/tracker-tf.jsonl``).

Each file is a real Keras model's ``to_json()``, written by the Keras line that runs this script:
a Keras 3 writes ``<name>-k3.json``, a Keras 2 (``tf.keras``, or tf-keras with
``TF_USE_LEGACY_KERAS=1``) writes ``<name>-k2.json``.  Newer releases read older configs but not the
other way round (Keras 3.0 refuses 3.15's initializer ``seed`` entries, Keras 2.12 refuses 2.21's
``InputLayer(optional=...)``), so the files are written by the oldest release of each line the matrix
runs::

    .nox/keras-3-0-tensorflow/bin/python tools/tracker_models_tf.py
    .nox/keras-2-12-tensorflow/bin/python tools/tracker_models_tf.py

The cases that read them say ``requires`` so that each line loads its own serialization.  What each
model stands for:

- ``shared-conv2d-twice``: tensorflow/tensorflow#13822 — one Conv2D applied twice to the same input
  (its weights exist once), the two results added.
- ``shared-dense-two-branches``: tensorflow/tensorflow#28003 — one Dense referenced from two places
  in a functional model; model.variables must hold its kernel and bias once.
- ``frozen-mobilenet-block``: tensorflow/tensorflow#29535 — a MobileNetV2-style block (Conv2D,
  BatchNormalization, ReLU, DepthwiseConv2D) as a nested model with ``trainable=False`` under a
  trainable head: its weights count as non-trainable.
- ``frozen-bilstm-tagger``: tensorflow/tensorflow#37531 — Embedding and two Bidirectional LSTMs frozen,
  a Dense head trainable; the case saves and reloads it.  The LSTMs' recurrent kernels use
  glorot_uniform: keras-nightly refuses the ``OrthogonalInitializer`` that Keras 3.0 writes.
- ``frozen-dense``: tensorflow/tensorflow#45537 — a frozen Dense between trainable ones; reloaded.
- ``frozen-embedding``: tensorflow/tensorflow#46329 — the Embedding docstring model with
  ``trainable=False``; reloaded.
- ``frozen-conv-head``: tensorflow/tensorflow#40994 — a frozen Conv2D feature extractor with a trainable
  Dense head; reloaded.
- ``frozen-before-model``: keras-team/tf-keras#453 — a layer made non-trainable before the model is
  built stays non-trainable in the model.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "verify" / "catalog" / "models" / "tf"


def _keras() -> tuple[Any, str]:
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tensorflow as tf

        keras = tf.keras
    else:
        import keras
    version = str(getattr(keras, "__version__", "3"))
    return keras, ("k2" if version.startswith("2.") else "k3")


def build(keras: Any) -> dict[str, Any]:
    layers = keras.layers
    models: dict[str, Any] = {}

    inp = keras.Input((None, 32, 3), name="image")
    conv = layers.Conv2D(32, (3, 3), name="conv")
    out = layers.Add(name="add")([conv(inp), conv(inp)])
    models["shared-conv2d-twice"] = keras.Model(inp, out, name="shared_conv2d_twice")

    inp = keras.Input((8,), name="features")
    shared = layers.Dense(8, name="shared")
    hidden = layers.Dense(8, name="hidden")(inp)
    out = layers.Concatenate(name="concat")([shared(inp), shared(hidden)])
    models["shared-dense-two-branches"] = keras.Model(inp, out, name="shared_dense_two_branches")

    block_in = keras.Input((32, 32, 3), name="block_in")
    x = layers.Conv2D(16, 3, strides=2, padding="same", use_bias=False, name="stem")(block_in)
    x = layers.BatchNormalization(name="stem_bn")(x)
    x = layers.ReLU(6.0, name="stem_relu")(x)
    x = layers.DepthwiseConv2D(3, padding="same", use_bias=False, name="dw")(x)
    x = layers.BatchNormalization(name="dw_bn")(x)
    block = keras.Model(block_in, x, name="mobilenet_block")
    block.trainable = False
    inp = keras.Input((32, 32, 3), name="image")
    x = block(inp)
    x = layers.GlobalAveragePooling2D(name="pool")(x)
    out = layers.Dense(10, name="classifier")(x)
    models["frozen-mobilenet-block"] = keras.Model(inp, out, name="frozen_mobilenet_block")

    inp = keras.Input((20,), dtype="int32", name="tokens")
    x = layers.Embedding(100, 16, name="embedding")(inp)
    # glorot_uniform recurrent kernels: keras-nightly 3.16.0.dev2026102704 refuses Keras 3.0's
    # serialized "OrthogonalInitializer", which would hide what this model is about.
    lstm = {"recurrent_initializer": "glorot_uniform"}
    x = layers.Bidirectional(layers.LSTM(8, return_sequences=True, **lstm), name="bilstm_1")(x)
    x = layers.Bidirectional(layers.LSTM(8, **lstm), name="bilstm_2")(x)
    out = layers.Dense(1, name="head")(x)
    model = keras.Model(inp, out, name="frozen_bilstm_tagger")
    for name in ("embedding", "bilstm_1", "bilstm_2"):
        model.get_layer(name).trainable = False
    models["frozen-bilstm-tagger"] = model

    inp = keras.Input((6,), name="x")
    x = layers.Dense(5, name="d1")(inp)
    x = layers.Dense(4, name="frozen")(x)
    out = layers.Dense(3, name="d3")(x)
    model = keras.Model(inp, out, name="frozen_dense")
    model.get_layer("frozen").trainable = False
    models["frozen-dense"] = model

    inp = keras.Input((10,), dtype="int32", name="ids")
    out = layers.Embedding(1000, 64, trainable=False, name="embedding")(inp)
    models["frozen-embedding"] = keras.Model(inp, out, name="frozen_embedding")

    inp = keras.Input((16, 16, 3), name="image")
    x = layers.Conv2D(8, 3, name="features")(inp)
    x = layers.Flatten(name="flatten")(x)
    out = layers.Dense(2, name="head")(x)
    model = keras.Model(inp, out, name="frozen_conv_head")
    model.get_layer("features").trainable = False
    models["frozen-conv-head"] = model

    frozen = layers.Dense(4, name="frozen_early")
    frozen.trainable = False
    inp = keras.Input((3,), name="x")
    out = layers.Dense(2, name="head")(frozen(inp))
    models["frozen-before-model"] = keras.Model(inp, out, name="frozen_before_model")
    return models


def main() -> int:
    keras, tag = _keras()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, model in build(keras).items():
        path = OUT / f"{name}-{tag}.json"
        path.write_text(json.dumps(json.loads(model.to_json()), indent=1, sort_keys=True) + "\n")
        print(path.relative_to(OUT.parent.parent.parent.parent), model.count_params())
    return 0


if __name__ == "__main__":
    sys.exit(main())
