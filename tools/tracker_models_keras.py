"""Write the model files that the keras-team/keras tracker cases read
(``verify/catalog/tracker-keras.jsonl``, ids ``issue-keras-<number>-...``).

Each file is ``model.to_json()`` of a small model built here with real Keras.  Run it once per
Keras line; each line writes its own serialization, and the cases name the line in ``requires``:

    .nox/keras-3-0-tensorflow/bin/python tools/tracker_models_keras.py   # Keras 3.0 -> <name>-k3.json
    .nox/keras-2-12-tensorflow/bin/python tools/tracker_models_keras.py  # Keras 2.12 -> <name>-k2.json

Each line's files come from its oldest release in the matrix: later releases write keys the older
ones cannot read (tf-keras 2.21's InputLayer ``optional``, Keras 3.15's ``quantization_config``),
while the old files load on every later release of the line.

What each model stands for (the report it reproduces):

- ``frozen-dense``: #2395 and #2912 — a Dense created with ``trainable=False`` between two
  trainable ones: its kernel and bias are non-trainable weights of the model.
- ``frozen-embedding``: #19398 and #19432 — an Embedding(10, 4) created with ``trainable=False``
  under a small trainable head: its 40 weights are non-trainable in the model's totals.
- ``frozen-embedding-matrix``: #3387 — a frozen Embedding feeding an LSTM (LSTMs here use a
  glorot_uniform recurrent initializer: keras-nightly cannot read the Orthogonal initializer that
  Keras 3.0 writes).
- ``frozen-conv``: #4911 — a Conv2D created non-trainable, then pooling and a Dense head.
- ``shared-nested``: #3661 — a Dense model nested in a larger model that also applies the same
  Dense layer directly: its 110 weights exist once.
- ``frozen-nested``: #4514, #4513, #4674 — a convolutional base model set ``trainable=False`` as a
  whole and nested under a trainable head: every weight of the base is non-trainable.
- ``frozen-shared-submodel``: #8121 and #12905 — a frozen sub-model whose layers are also shared
  with a second model: the composed model's trainable count excludes it.
- ``gan-frozen-bn``: #8676 — a GAN-style composition: a trainable generator and a frozen
  discriminator holding BatchNormalization.
- ``multi-input``: #12257 — two inputs, a Dense each, concatenated, one output Dense: the total is
  the sum of the layers' counts.
- ``td-conv-bilstm``: #7779 — TimeDistributed Conv2D, MaxPooling2D and Flatten feeding a
  Bidirectional LSTM.
- ``frozen-middle``: #10777 — a model whose middle layer is frozen; the case saves it and loads it
  back, and the weights must keep their layers and roles.
"""

from __future__ import annotations

import json
import os
from pathlib import Path
from typing import Any

OUT = Path(__file__).resolve().parent.parent / "verify" / "catalog" / "models" / "keras"


def _keras() -> tuple[Any, str]:
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tensorflow as tf

        return tf.keras, "k2"
    import keras

    return keras, "k3" if keras.__version__.startswith("3") else "k2"


def _frozen_dense(keras: Any) -> Any:
    L = keras.layers
    inp = keras.Input((4,), name="x")
    h = L.Dense(6, name="first")(inp)
    h = L.Dense(3, trainable=False, name="frozen")(h)
    out = L.Dense(2, name="last")(h)
    return keras.Model(inp, out, name="frozen_dense")


def _frozen_embedding(keras: Any) -> Any:
    L = keras.layers
    inp = keras.Input((5,), dtype="int32", name="ids")
    h = L.Embedding(10, 4, trainable=False, name="emb")(inp)
    h = L.Flatten(name="flat")(h)
    out = L.Dense(1, name="head")(h)
    return keras.Model(inp, out, name="frozen_embedding")


def _frozen_embedding_matrix(keras: Any) -> Any:
    L = keras.layers
    inp = keras.Input((7,), dtype="int32", name="ids")
    h = L.Embedding(20, 3, trainable=False, name="emb")(inp)
    out = L.LSTM(2, recurrent_initializer="glorot_uniform", name="lstm")(h)
    return keras.Model(inp, out, name="frozen_embedding_matrix")


def _frozen_conv(keras: Any) -> Any:
    L = keras.layers
    inp = keras.Input((8, 8, 2), name="image")
    h = L.Conv2D(4, 3, trainable=False, name="conv")(inp)
    h = L.GlobalAveragePooling2D(name="pool")(h)
    out = L.Dense(3, name="head")(h)
    return keras.Model(inp, out, name="frozen_conv")


def _shared_nested(keras: Any) -> Any:
    L = keras.layers
    dense = L.Dense(10, name="shared")
    inner_in = keras.Input((10,), name="inner_x")
    inner = keras.Model(inner_in, dense(inner_in), name="inner")
    inp = keras.Input((10,), name="x")
    out = dense(inner(inp))
    return keras.Model(inp, out, name="shared_nested")


def _conv_base(keras: Any, name: str) -> Any:
    L = keras.layers
    inp = keras.Input((16, 16, 3), name=f"{name}_in")
    h = L.Conv2D(8, 3, activation="relu", name=f"{name}_conv1")(inp)
    h = L.MaxPooling2D(2, name=f"{name}_pool")(h)
    h = L.Conv2D(16, 3, activation="relu", name=f"{name}_conv2")(h)
    return keras.Model(inp, h, name=name)


def _frozen_nested(keras: Any) -> Any:
    L = keras.layers
    base = _conv_base(keras, "base")
    base.trainable = False
    inp = keras.Input((16, 16, 3), name="image")
    h = base(inp)
    h = L.Flatten(name="flat")(h)
    out = L.Dense(5, name="head")(h)
    return keras.Model(inp, out, name="frozen_nested")


def _frozen_shared_submodel(keras: Any) -> Any:
    L = keras.layers
    sub_in = keras.Input((6,), name="sub_x")
    d1 = L.Dense(8, name="sub_dense1")
    d2 = L.Dense(4, name="sub_dense2")
    sub = keras.Model(sub_in, d2(d1(sub_in)), name="sub")
    sub.trainable = False
    inp = keras.Input((6,), name="x")
    out = L.Dense(2, name="top")(sub(inp))
    return keras.Model(inp, out, name="frozen_shared_submodel")


def _gan_frozen_bn(keras: Any) -> Any:
    L = keras.layers
    z = keras.Input((4,), name="z")
    g = L.Dense(8, name="gen_dense")(z)
    g = L.BatchNormalization(name="gen_bn")(g)
    g = L.Dense(6, name="gen_out")(g)
    generator = keras.Model(z, g, name="generator")
    x = keras.Input((6,), name="sample")
    d = L.Dense(8, name="disc_dense")(x)
    d = L.BatchNormalization(name="disc_bn")(d)
    d = L.Dense(1, activation="sigmoid", name="disc_out")(d)
    discriminator = keras.Model(x, d, name="discriminator")
    discriminator.trainable = False
    inp = keras.Input((4,), name="noise")
    return keras.Model(inp, discriminator(generator(inp)), name="gan")


def _multi_input(keras: Any) -> Any:
    L = keras.layers
    a = keras.Input((5,), name="a")
    b = keras.Input((3,), name="b")
    h = L.Concatenate(name="concat")([L.Dense(4, name="da")(a), L.Dense(2, name="db")(b)])
    out = L.Dense(1, name="out")(h)
    return keras.Model([a, b], out, name="multi_input")


def _td_conv_bilstm(keras: Any) -> Any:
    L = keras.layers
    inp = keras.Input((5, 12, 12, 1), name="frames")
    h = L.TimeDistributed(L.Conv2D(4, 3, name="conv"), name="td_conv")(inp)
    h = L.TimeDistributed(L.MaxPooling2D(2, name="pool"), name="td_pool")(h)
    h = L.TimeDistributed(L.Flatten(name="flat"), name="td_flat")(h)
    out = L.Bidirectional(L.LSTM(6, recurrent_initializer="glorot_uniform", name="lstm"), name="bilstm")(h)
    return keras.Model(inp, out, name="td_conv_bilstm")


def _frozen_middle(keras: Any) -> Any:
    L = keras.layers
    inp = keras.Input((3,), name="x")
    h = L.Dense(4, name="a")(inp)
    h = L.Dense(5, trainable=False, name="b")(h)
    h = L.BatchNormalization(name="bn")(h)
    out = L.Dense(2, name="c")(h)
    return keras.Model(inp, out, name="frozen_middle")


BUILDERS = {
    "frozen-dense": _frozen_dense,
    "frozen-embedding": _frozen_embedding,
    "frozen-embedding-matrix": _frozen_embedding_matrix,
    "frozen-conv": _frozen_conv,
    "shared-nested": _shared_nested,
    "frozen-nested": _frozen_nested,
    "frozen-shared-submodel": _frozen_shared_submodel,
    "gan-frozen-bn": _gan_frozen_bn,
    "multi-input": _multi_input,
    "td-conv-bilstm": _td_conv_bilstm,
    "frozen-middle": _frozen_middle,
}


def main() -> None:
    keras, tag = _keras()
    OUT.mkdir(parents=True, exist_ok=True)
    for name, builder in BUILDERS.items():
        model = builder(keras)
        path = OUT / f"{name}-{tag}.json"
        path.write_text(json.dumps(json.loads(model.to_json()), indent=1, sort_keys=True) + "\n", encoding="utf-8")
        print(f"{path.relative_to(OUT.parent.parent.parent.parent)}: {model.count_params()} params")


if __name__ == "__main__":
    main()
