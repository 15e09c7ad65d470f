"""Print the ``model.summary()`` of many real models on one Keras line: the summary corpus.

Run it with the python of an environment that holds that Keras (see
``tests/data/summaries/corpus/README.md`` for the environments and the exact commands)::

    /tmp/venvs/keras315/bin/python tools/summary_corpus.py --line keras315
    TF_USE_LEGACY_KERAS=1 /tmp/venvs/tfkeras221/bin/python tools/summary_corpus.py --line tfkeras221
    python tools/summary_corpus.py --keras1style      # derived from keras212.jsonl.gz, any python

Each model is built with real Keras (every ``keras.applications`` model with ``weights=None`` and
its default input shape, and about 35 small Sequential/Functional models covering every layer
family), its summary captured through ``print_fn`` exactly as printed, and its ground truth read
from the live model: per top-level row (the layers the summary lists, in its order) the class and
``count_params()``, and the model's trainable / non-trainable counts.  One record per model and
variant is appended to ``tests/data/summaries/corpus/<line>.jsonl.gz`` (gzip JSON lines)::

    {"model", "variant", "line", "keras", "text", "rows": [{"name", "class", "params"}],
     "total", "trainable", "non_trainable", "built"}

Variants: ``default`` (Keras 3: ``COLUMNS=200``, i.e. its default widths; Keras 2: the default
``line_length``), ``narrow60`` and ``narrow80`` (Keras 3: ``COLUMNS=60`` / ``80``, the table a
narrow console wraps and cuts; Keras 2: ``line_length=60`` / ``80``) for the models in ``NARROW``.

``--keras1style`` rewrites the keras212 records into Keras 1's layout (``keras1style.jsonl.gz``),
see ``keras1_layout``.  ``--check`` reads the files back and checks each record's sums.
"""

from __future__ import annotations

import argparse
import gc
import gzip
import importlib
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "tests" / "data" / "summaries" / "corpus"

# Small models that also get the narrow variants, and applications that do (kept few: a narrow
# Keras 2 table of a big application is large and adds nothing the small ones do not show).
NARROW = (
    "dense_rank2",
    "conv2d_variants",
    "channels_first",
    "rnn_stack",
    "bidirectional",
    "time_distributed",
    "mha_variants",
    "merges",
    "shared_layer",
    "shared_multiple",
    "multi_output_layer",
    "frozen_nested",
    "custom_layer",
    "app_MobileNet",
    "app_MobileNetV3Small",
    "app_EfficientNetB0",
)


def _is_keras3(keras: Any) -> bool:
    return int(keras.__version__.split(".")[0]) >= 3


# ---------------------------------------------------------------------------------------------
# The small models.  Each builder takes the keras module and returns a model (or raises: the
# model is then skipped with the reason printed).  Names are deterministic: clear_session() runs
# before each build.
# ---------------------------------------------------------------------------------------------


def _small_models(keras: Any) -> dict[str, Callable[[], Any]]:
    L = keras.layers
    k3 = _is_keras3(keras)
    Input = keras.Input
    Seq = keras.Sequential
    Model = keras.Model
    b: dict[str, Callable[[], Any]] = {}

    b["dense_rank2"] = lambda: Seq(
        [Input((20,)), L.Dense(64, activation="relu"), L.Dropout(0.2), L.Dense(10, activation="softmax")]
    )
    b["dense_rank3"] = lambda: Seq([Input((12, 7)), L.Dense(5), L.Dense(3, use_bias=False), L.Flatten(), L.Dense(1)])
    b["dense_rank4"] = lambda: Seq([Input((9, 9, 16)), L.Dense(4), L.Activation("relu"), L.GlobalMaxPooling2D()])
    b["conv1d"] = lambda: Seq(
        [
            Input((100, 8)),
            L.Conv1D(16, 5),
            L.Conv1D(16, 3, padding="same", strides=2),
            L.Conv1D(8, 3, dilation_rate=2, use_bias=False),
            L.MaxPooling1D(),
            L.Conv1D(12, 7, padding="causal"),
            L.GlobalAveragePooling1D(),
            L.Dense(3),
        ]
    )
    b["conv2d_variants"] = lambda: Seq(
        [
            Input((32, 32, 3)),
            L.Conv2D(8, 3),
            L.Conv2D(16, (6, 8), padding="same"),
            L.Conv2D(16, 3, strides=2),
            L.Conv2D(16, 3, dilation_rate=2, padding="same"),
            L.Conv2D(32, 3, groups=4),
            L.Conv2D(12, (1, 5), use_bias=False),
            L.AveragePooling2D(2),
            L.Flatten(),
            L.Dense(10),
        ]
    )
    # A kernel larger than the feature map: only 'same' padding allows it.
    b["conv_kernel_over_map"] = lambda: Seq(
        [
            Input((5, 5, 3)),
            L.Conv2D(4, 7, padding="same"),
            L.Conv2D(6, (9, 3), padding="same", use_bias=False),
            L.Conv2D(2, 5, padding="same"),
            L.Flatten(),
        ]
    )
    b["conv3d"] = lambda: Seq(
        [
            Input((8, 16, 16, 1)),
            L.Conv3D(4, 3),
            L.Conv3D(8, (1, 3, 3), padding="same"),
            L.MaxPooling3D(),
            L.Conv3D(8, 2, strides=2, use_bias=False),
            L.GlobalMaxPooling3D(),
            L.Dense(2),
        ]
    )
    b["conv_transpose"] = lambda: Seq(
        [
            Input((8, 8, 16)),
            L.Conv2DTranspose(8, 3, strides=2, padding="same"),
            L.Conv2DTranspose(4, (4, 2)),
            L.UpSampling2D(),
            L.Conv2DTranspose(3, 5, use_bias=False, padding="same"),
        ]
    )
    b["depthwise_separable"] = lambda: Seq(
        [
            Input((28, 28, 6)),
            L.DepthwiseConv2D(3, depth_multiplier=2, use_bias=False),
            L.BatchNormalization(),
            L.DepthwiseConv2D((3, 5), padding="same"),
            L.SeparableConv2D(16, 3),
            L.SeparableConv2D(24, (5, 3), depth_multiplier=3, padding="same", use_bias=False),
            L.GlobalAveragePooling2D(),
        ]
    )
    b["sequence_conv"] = lambda: Seq(
        [
            Input((40, 6)),
            L.SeparableConv1D(12, 5, depth_multiplier=2),
            L.Conv1DTranspose(8, 3, strides=2),
            L.ZeroPadding1D(2),
            L.Cropping1D((1, 1)),
            L.UpSampling1D(),
            L.Conv1D(4, 1),
        ]
    )
    # Channels-first images, as in old Theano-ordered code: BatchNormalization(axis=1).
    b["channels_first"] = lambda: Seq(
        [
            Input((3, 32, 32)),
            L.Conv2D(8, 3, data_format="channels_first"),
            L.BatchNormalization(axis=1),
            L.MaxPooling2D(data_format="channels_first"),
            L.Conv2D(16, (3, 5), padding="same", data_format="channels_first", use_bias=False),
            L.BatchNormalization(axis=1, scale=False),
            L.Flatten(),
            L.Dense(10),
        ]
    )

    def norms() -> Any:
        layers = [Input((10, 16)), L.LayerNormalization(), L.BatchNormalization(center=False)]
        if hasattr(L, "GroupNormalization"):
            layers.append(L.GroupNormalization(groups=4))
        layers += [L.LayerNormalization(scale=False), L.Dense(8), L.UnitNormalization()]
        return Seq(layers)

    b["norms"] = norms
    b["rnn_stack"] = lambda: Seq(
        [
            Input((50,), dtype="int32"),
            L.Embedding(5000, 64),
            L.SimpleRNN(32, return_sequences=True),
            L.LSTM(16, return_sequences=True),
            L.GRU(8),
            L.Dense(1, activation="sigmoid"),
        ]
    )
    b["rnn_options"] = lambda: Seq(
        [
            Input((30, 12)),
            L.GRU(10, reset_after=False, return_sequences=True),
            L.LSTM(6, use_bias=False, return_sequences=True),
            L.SimpleRNN(4, use_bias=False),
        ]
    )
    b["bidirectional"] = lambda: Seq(
        [
            Input((None,), dtype="int32"),
            L.Embedding(20000, 32, mask_zero=True),
            L.Bidirectional(L.LSTM(16, return_sequences=True)),
            L.Bidirectional(L.GRU(8), merge_mode="sum"),
            L.Dense(2),
        ]
    )
    b["bidirectional_simple"] = lambda: Seq(
        [Input((15, 3)), L.Bidirectional(L.SimpleRNN(5, return_sequences=True), merge_mode="ave"), L.Flatten()]
    )

    def time_distributed() -> Any:
        frames = Input((4, 16, 16, 3), name="frames")
        x = L.TimeDistributed(L.Conv2D(8, 3))(frames)
        x = L.TimeDistributed(L.MaxPooling2D())(x)
        x = L.TimeDistributed(L.Flatten())(x)
        x = L.TimeDistributed(L.Dense(12))(x)
        x = L.LSTM(4)(x)
        return Model(frames, x, name="video")

    b["time_distributed"] = time_distributed
    b["time_distributed_dense"] = lambda: Seq(
        [Input((5, 20)), L.TimeDistributed(L.Dense(8)), L.TimeDistributed(L.Dense(3, use_bias=False))]
    )

    def mha_self() -> Any:
        tokens = Input((10, 32))
        att = L.MultiHeadAttention(num_heads=2, key_dim=16)(tokens, tokens)
        x = L.Add()([tokens, att])
        x = L.LayerNormalization()(x)
        x = L.Dense(64, activation="relu")(x)
        x = L.Dense(32)(x)
        return Model(tokens, x, name="encoder_block")

    b["mha_self"] = mha_self

    def mha_variants(value_features: int = 16) -> Any:
        try:
            return _mha_variants(value_features)
        except ValueError:
            # Keras 3.0 requires the value's last dimension to equal the query's.
            keras.backend.clear_session()
            return _mha_variants(24)

    def _mha_variants(value_features: int) -> Any:
        q = Input((8, 24), name="query")
        v = Input((12, value_features), name="value")
        a = L.MultiHeadAttention(num_heads=4, key_dim=8, value_dim=6)(q, v)
        c = L.MultiHeadAttention(num_heads=1, key_dim=32, use_bias=False)(q, q)
        d = L.MultiHeadAttention(num_heads=8, key_dim=4)(q, v, v)
        x = L.Concatenate()([a, c, d])
        return Model([q, v], x, name="attention_heads")

    b["mha_variants"] = mha_variants

    def attention() -> Any:
        q = Input((6, 16), name="q")
        v = Input((9, 16), name="v")
        a = L.Attention()([q, v])
        s = L.Attention(use_scale=True)([q, v])
        ad = L.AdditiveAttention()([q, v])
        x = L.Concatenate()([a, s, ad])
        x = L.GlobalAveragePooling1D()(x)
        return Model([q, v], L.Dense(1)(x))

    b["attention"] = attention

    def merges() -> Any:
        a = Input((16,), name="left")
        c = Input((16,), name="right")
        x = L.Dense(8)(a)
        y = L.Dense(8)(c)
        s = L.Add()([x, y])
        m = L.Multiply()([x, y])
        av = L.Average()([x, y])
        mx = L.Maximum()([x, y])
        sb = L.Subtract()([x, y])
        cat = L.Concatenate()([s, m, av, mx, sb])
        return Model([a, c], L.Dense(1)(cat), name="merges")

    b["merges"] = merges
    b["reshape"] = lambda: Seq(
        [
            Input((784,)),
            L.Reshape((28, 28, 1)),
            L.Conv2D(4, 3),
            L.Permute((2, 1, 3)),
            L.Flatten(),
            L.Dense(16),
            L.RepeatVector(3),
            L.Dense(2),
        ]
    )
    b["lenet"] = lambda: Seq(
        [
            Input((28, 28, 1)),
            L.Conv2D(32, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Conv2D(64, (3, 3), activation="relu"),
            L.MaxPooling2D((2, 2)),
            L.Flatten(),
            L.Dense(128, activation="relu"),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )

    def autoencoder() -> Any:
        img = Input((32, 32, 1), name="image")
        x = L.Conv2D(16, 3, activation="relu", padding="same")(img)
        x = L.MaxPooling2D(padding="same")(x)
        x = L.Conv2D(8, 3, activation="relu", padding="same")(x)
        encoded = L.MaxPooling2D(padding="same")(x)
        x = L.Conv2DTranspose(8, 3, strides=2, activation="relu", padding="same")(encoded)
        x = L.Conv2DTranspose(16, 3, strides=2, activation="relu", padding="same")(x)
        out = L.Conv2D(1, 3, activation="sigmoid", padding="same")(x)
        return Model(img, out, name="autoencoder")

    b["autoencoder"] = autoencoder

    def text_vectorization() -> Any:
        text = Input((1,), dtype="string", name="text")
        vocab = ["the", "a", "model", "summary", "keras", "layer", "dense"]
        x = L.TextVectorization(max_tokens=50, output_sequence_length=12, vocabulary=vocab)(text)
        x = L.Embedding(50, 8)(x)
        x = L.GlobalAveragePooling1D()(x)
        return Model(text, L.Dense(1)(x), name="text_classifier")

    b["text_vectorization"] = text_vectorization
    b["image_preprocessing"] = lambda: Seq(
        [
            Input((64, 64, 3)),
            L.Resizing(32, 32),
            L.Rescaling(1.0 / 255),
            L.Normalization(),
            L.CenterCrop(28, 28),
            L.RandomFlip("horizontal"),
            L.Conv2D(8, 3),
            L.GlobalAveragePooling2D(),
        ]
    )
    b["normalization_axis"] = lambda: Seq(
        [Input((6, 5)), L.Normalization(axis=None), L.Normalization(axis=(1, 2)), L.Flatten(), L.Dense(1)]
    )

    def frozen() -> Any:
        d1 = L.Dense(32, trainable=False)
        m = Seq([Input((10,)), d1, L.BatchNormalization(), L.Dense(16), L.Dense(1)])
        m.layers[2].trainable = False
        return m

    b["frozen"] = frozen

    def frozen_nested() -> Any:
        base = Seq([Input((32, 32, 3)), L.Conv2D(8, 3), L.BatchNormalization(), L.GlobalAveragePooling2D()], name="backbone")
        base.trainable = False
        return Seq([Input((32, 32, 3)), base, L.Dense(16, activation="relu"), L.Dense(3)], name="fine_tune")

    b["frozen_nested"] = frozen_nested

    def nested_functional() -> Any:
        ii = Input((12,), name="inner_in")
        inner = Model(ii, L.Dense(6)(L.Dense(8)(ii)), name="inner")
        a = Input((12,), name="outer_in")
        x = inner(a)
        x = L.BatchNormalization()(x)
        y = L.Dense(4)(x)
        z = L.Dense(2)(L.Concatenate()([x, y]))
        return Model(a, z, name="outer")

    b["nested_functional"] = nested_functional
    b["nested_sequential"] = lambda: Seq(
        [
            Input((20,)),
            Seq([Input((20,)), L.Dense(10), L.Dense(10)], name="block_a"),
            Seq([Input((10,)), L.Dense(5, use_bias=False)], name="block_b"),
            L.Dense(1),
        ]
    )

    def shared_layer() -> Any:
        # One Dense called on two inputs: Keras 2 prints its output shape as `multiple`.
        a = Input((16,), name="a")
        c = Input((16,), name="b")
        shared = L.Dense(8, name="shared_dense")
        x = L.Concatenate()([shared(a), shared(c)])
        return Model([a, c], L.Dense(1)(x), name="siamese")

    b["shared_layer"] = shared_layer

    def shared_conv() -> Any:
        a = Input((28, 28, 1), name="left_image")
        c = Input((28, 28, 1), name="right_image")
        conv = L.Conv2D(4, 3)
        pool = L.GlobalAveragePooling2D()
        x = L.Subtract()([pool(conv(a)), pool(conv(c))])
        return Model([a, c], L.Dense(1)(x))

    b["shared_conv"] = shared_conv

    def shared_multiple() -> Any:
        # One Conv2D on two image sizes and one Dense on a rank-2 and a rank-3 input: the calls'
        # output shapes differ, so Keras 2 prints the layer's output shape as `multiple`.
        small = Input((28, 28, 3), name="small_image")
        large = Input((36, 36, 3), name="large_image")
        conv = L.Conv2D(6, 5, name="shared_conv")
        pool = L.GlobalAveragePooling2D()
        feats = L.Concatenate()([pool(conv(small)), pool(conv(large))])
        seq = Input((5, 12), name="sequence")
        dense = L.Dense(12, name="shared_proj")
        x = dense(L.GlobalMaxPooling1D()(dense(seq)))
        out = L.Dense(1)(L.Concatenate()([feats, x]))
        return Model([small, large, seq], out, name="shared_multiple")

    b["shared_multiple"] = shared_multiple

    def multi_output_layer() -> Any:
        seq = Input((7, 5), name="seq")
        out, h, c = L.LSTM(8, return_state=True)(seq)
        g_out, g_h = L.GRU(6, return_state=True)(seq)
        x = L.Concatenate()([out, h, c, g_out, g_h])
        return Model(seq, L.Dense(2)(x), name="states")

    b["multi_output_layer"] = multi_output_layer

    def multi_head_model() -> Any:
        x_in = Input((32,), name="features")
        x = L.Dense(16, activation="relu")(x_in)
        cls = L.Dense(3, activation="softmax", name="class_head")(x)
        reg = L.Dense(1, name="reg_head")(x)
        return Model(x_in, [cls, reg], name="two_heads")

    b["multi_head_model"] = multi_head_model

    class ScaleBias(L.Layer):  # type: ignore[misc,name-defined]
        """A custom layer with its own weights: a per-feature scale and a bias."""

        def build(self, input_shape: Any) -> None:
            n = int(input_shape[-1])
            self.scale = self.add_weight(name="scale", shape=(n,), initializer="ones")
            self.offset = self.add_weight(name="offset", shape=(n,), initializer="zeros")
            self.built = True

        def call(self, inputs: Any) -> Any:
            return inputs * self.scale + self.offset

    b["custom_layer"] = lambda: Seq([Input((24,)), L.Dense(12), ScaleBias(), L.Dense(1)])
    b["conv_lstm"] = lambda: Seq([Input((5, 16, 16, 2)), L.ConvLSTM2D(4, 3), L.BatchNormalization(), L.Flatten(), L.Dense(1)])
    b["pooling"] = lambda: Seq(
        [
            Input((24, 24, 4)),
            L.MaxPooling2D(3, strides=2),
            L.AveragePooling2D(2, padding="same"),
            L.ZeroPadding2D(1),
            L.Cropping2D(((1, 0), (0, 1))),
            L.Conv2D(4, 2),
            L.GlobalMaxPooling2D(),
        ]
    )
    b["big_dense"] = lambda: Seq([Input((3072,)), L.Dense(4096), L.Dense(4096), L.Dense(1000, activation="softmax")])
    if k3:
        # Never built: Keras 3 prints every row as `0 (unbuilt)` (Keras 2 refuses to print it).
        b["unbuilt"] = lambda: Seq([L.Dense(32, activation="relu"), L.Dropout(0.1), L.Dense(10)])
    return b


def _applications(keras: Any) -> dict[str, Callable[[], Any]]:
    # Keras 2.12's ``import keras`` does not import its applications subpackage.
    modules = [importlib.import_module(keras.__name__ + ".applications")]
    if not _is_keras3(keras) and keras.__name__ == "keras":
        # On TF <= 2.15 ``tf.keras`` is this Keras; its public API also names the applications
        # the package's own ``__init__`` leaves out (Keras 2.12: the RegNets).
        import tensorflow as tf  # type: ignore[import-untyped]

        modules.append(tf.keras.applications)
    out: dict[str, Callable[[], Any]] = {}
    for apps in modules:
        for name in sorted(dir(apps)):
            obj = getattr(apps, name)
            if name[:1].isupper() and callable(obj) and not isinstance(obj, type):
                out.setdefault("app_" + name, (lambda f: lambda: f(weights=None))(obj))
    return dict(sorted(out.items()))


# ---------------------------------------------------------------------------------------------
# Capture and ground truth
# ---------------------------------------------------------------------------------------------


def _capture(model: Any, **kwargs: Any) -> str:
    lines: list[str] = []
    model.summary(print_fn=lambda text, **_: lines.append(text), **kwargs)
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"


def _summary_layers(keras: Any, model: Any) -> list[Any]:
    """The layers the summary lists, in its order (Keras 3 lists a Functional model's
    ``_operations``, InputLayers included; Keras 2 lists ``model.layers``)."""
    if _is_keras3(keras) and not isinstance(model, keras.Sequential) and hasattr(model, "_operations"):
        return list(model._operations)
    return list(model.layers)


def _count(weights: Any) -> int:
    seen: dict[int, Any] = {id(w): w for w in weights}
    total = 0
    for w in seen.values():
        n = 1
        for d in w.shape:
            n *= int(d)
        total += n
    return total


def _record(keras: Any, line: str, name: str, variant: str, model: Any, text: str) -> dict[str, Any]:
    k3 = _is_keras3(keras)
    rows = []
    for layer in _summary_layers(keras, model):
        # An operation that is no layer (Keras 3 keras.ops in a Functional model) has no
        # ``built`` and prints 0, as does an unbuilt layer.
        built = bool(getattr(layer, "built", False))
        params = layer.count_params() if built else 0
        rows.append({"name": layer.name, "class": type(layer).__name__, "params": int(params)})
    built = bool(getattr(model, "built", True))
    if k3 and not built:
        trainable = non_trainable = 0
    else:
        trainable = _count(model.trainable_weights)
        non_trainable = _count(model.non_trainable_weights)
    return {
        "model": name,
        "variant": variant,
        "line": line,
        "keras": keras.__version__,
        "text": text,
        "rows": rows,
        "total": trainable + non_trainable,
        "trainable": trainable,
        "non_trainable": non_trainable,
        "built": built,
    }


def _variants(keras: Any, model: Any, name: str) -> Iterator[tuple[str, str]]:
    k3 = _is_keras3(keras)
    if k3:
        os.environ["COLUMNS"] = "200"  # the default widths, not the generating terminal's
    yield "default", _capture(model)
    if name in NARROW:
        for width in (60, 80):
            if k3:
                os.environ["COLUMNS"] = str(width)
                text = _capture(model)
                os.environ["COLUMNS"] = "200"
            else:
                text = _capture(model, line_length=width)
            yield f"narrow{width}", text


def _import_keras() -> Any:
    if os.environ.get("TF_USE_LEGACY_KERAS") == "1":
        import tf_keras  # type: ignore[import-untyped]

        return tf_keras
    import keras  # type: ignore[import-untyped]

    return keras


def generate(line: str, only: list[str] | None, skip_apps: bool, append: bool) -> int:
    keras = _import_keras()
    builders = {**_small_models(keras), **({} if skip_apps else _applications(keras))}
    if only:
        builders = {k: v for k, v in builders.items() if k in only}
    OUT.mkdir(parents=True, exist_ok=True)
    path = OUT / f"{line}.jsonl.gz"
    if not append and path.exists():
        path.unlink()
    done = 0
    print(f"{line}: keras {keras.__version__}, {len(builders)} models -> {path}", flush=True)
    for name, build in builders.items():
        keras.backend.clear_session()
        gc.collect()
        t0 = time.time()
        try:
            model = build()
            records = [_record(keras, line, name, v, model, t) for v, t in _variants(keras, model, name)]
        except Exception as exc:  # noqa: BLE001 - any failure to build is a skip, with its reason
            print(f"SKIP {name}: {type(exc).__name__}: {str(exc).splitlines()[0] if str(exc) else ''}", flush=True)
            continue
        # One gzip member per model: the file is readable after every model (gzip reads members).
        with gzip.open(path, "at", encoding="utf-8") as fh:
            for rec in records:
                fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        done += 1
        print(f"ok {name}: {len(records[0]['rows'])} rows, {records[0]['total']:,} params, {time.time() - t0:.1f}s", flush=True)
        del model
    print(f"{line}: {done} models written", flush=True)
    return done


# ---------------------------------------------------------------------------------------------
# Keras 1 layout
# ---------------------------------------------------------------------------------------------

# Keras 1 named these classes differently; the counts are the same (Convolution2D(nb_filter,
# nb_row, nb_col) has Conv2D's weights).  Other classes keep their Keras 2 names.
KERAS1_CLASS = {
    "Conv1D": "Convolution1D",
    "Conv2D": "Convolution2D",
    "Conv3D": "Convolution3D",
    "Conv2DTranspose": "Deconvolution2D",
    "SeparableConv2D": "SeparableConvolution2D",
}
_RULE = re.compile(r"^\s*(_{10,}|={10,})\s*$")
_TOTAL = re.compile(r"^\s*(Total|Trainable|Non-trainable) params:\s*([\d,]+)")
_REF = re.compile(r"([\w./-]+)\[(\d+)\]\[(\d+)\]")


def _snake(name: str) -> str:
    # Keras 2's to_snake_case, which made its automatic layer names ("conv2d_1", "dense").
    s = re.sub(r"(.)([A-Z][a-z]+)", r"\1_\2", name)
    return re.sub(r"([a-z])([A-Z])", r"\1_\2", s).lower()


def _keras2_rows(text: str) -> tuple[list[dict[str, str]], bool]:
    """Read a Keras 2 ``_``/``=`` table (rows wrapped over several lines, cells cut at the column
    width) back into whole cells.  Returns the rows and whether it had a Connected to column."""
    lines = text.split("\n")
    header = next(i for i, ln in enumerate(lines) if ln.lstrip().startswith("Layer (type)"))
    head = lines[header]
    starts = [0] + [head.index(h) for h in ("Output Shape", "Param #", "Connected to") if h in head]
    connected = "Connected to" in head
    rows: list[dict[str, str]] = []
    cells: list[list[str]] | None = None
    body = False
    for ln in lines[header + 1 :]:
        if _RULE.match(ln):
            if ln.strip().startswith("=") and body:
                break
            body = True
            cells = None
            continue
        if not body:
            continue
        if not ln.strip():
            cells = None  # the blank line between two rows
            continue
        pieces: list[list[str]] = [[] for _ in starts]
        # Cells are separated by two spaces or more; a piece belongs to the last column starting
        # at or before it (a full first cell pushes the next one column right by one).
        for m in re.finditer(r"\S+(?: \S+)*", ln):
            col = max(i for i, s in enumerate(starts) if s <= m.start() + 1)
            pieces[col].append(m.group())
        if cells is None:
            cells = [[] for _ in starts]
            rows.append({"_cells": cells})  # type: ignore[dict-item]
        for i, p in enumerate(pieces):
            cells[i] += p
    out = []
    for r in rows:
        c: list[list[str]] = r["_cells"]  # type: ignore[assignment]
        name = "".join(c[0])
        name = re.sub(r"\s*\(([^()]*)\)$", r" (\1)", name)  # a cut right after the space lost it
        shape = re.sub(r",(?=\S)", ", ", "".join(c[1]))
        out.append(
            {
                "name": name.rsplit(" (", 1)[0],
                "class": name.rsplit(" (", 1)[1][:-1] if " (" in name else "",
                "shape": shape,
                "params": "".join(c[2]).replace(",", ""),
                "connected": "".join(c[3]) if connected else "",
            }
        )
    return out, connected


def keras1_layout(text: str, old: bool = False) -> tuple[str, dict[str, str], dict[str, str]]:
    """Rewrite a Keras 2.12 ``_``/``=`` summary into the layout Keras 1 printed.

    Stands for the Keras 1.x summaries people still paste (Stack Overflow 36946671, keras-team/keras
    issues of 2016, e.g. "flatten_1 (Flatten) (None, 784) 0 flatten_input_1[0][0]"), printed by
    Keras 1's ``layer_utils.print_summary(layers, relevant_nodes, line_length=100,
    positions=[.33, .55, .67, 1.])``:

    - no ``Model: "..."`` line; a ``____`` rule, the header, a ``====`` rule; ``____`` between
      rows and ``====`` after the last one;
    - four columns for every model, Sequential too: ``Layer (type)``, ``Output Shape``,
      ``Param #`` (a plain integer, no comma), ``Connected to``: each inbound tensor as
      ``name[node][tensor]`` (``dense_1[0][0]``), the first on the row, the others on lines of
      their own; a Sequential model's first layer is connected to its hidden input layer
      ``<class in lower case>_input_1[0][0]`` (``dense_input_1``), which has no row;
    - every cell cut at its column, one row per line (no wrapping); an InputLayer's shape is a
      tuple, not a one-element list;
    - automatic layer names ``<class in lower case>_<n>`` counted from 1 (``convolution2d_1``)
      and the Keras 1 class names of ``KERAS1_CLASS`` (the counts do not change);
    - Keras 1.2: ``Total params: 7,850``, ``Trainable params``, ``Non-trainable params`` (no size
      suffix), then a ``____`` rule; with ``old=True`` Keras 1.0/1.1: only ``Total params: 7850``,
      and no forced space between cells (a full cell runs into the next).

    Returns the text, the renamed layers (Keras 2 name -> Keras 1 name) and the renamed classes.
    """
    rows, _ = _keras2_rows(text)
    totals = {m.group(1): int(m.group(2).replace(",", "")) for m in map(_TOTAL.match, text.split("\n")) if m}
    # Keras 1 names: each automatically named layer renumbered per lower-cased class from 1.
    counters: dict[str, int] = {}
    names: dict[str, str] = {}
    classes: dict[str, str] = {}
    for r in rows:
        cls1 = KERAS1_CLASS.get(r["class"], r["class"])
        classes[r["class"]] = cls1
        if re.fullmatch(re.escape(_snake(r["class"])) + r"(_\d+)?", r["name"]):
            counters[cls1.lower()] = counters.get(cls1.lower(), 0) + 1
            names[r["name"]] = f"{cls1.lower()}_{counters[cls1.lower()]}"
    width = 100
    cols = [int(width * p) for p in (0.33, 0.55, 0.67, 1.0)]

    def fmt(cells: list[str]) -> str:
        out = ""
        for i, c in enumerate(cells):
            if i > 0 and not old:
                out = out[:-1] + " "
            out += c
            out = out[: cols[i]]
            out += " " * (cols[i] - len(out))
        return out

    result = ["_" * width, fmt(["Layer (type)", "Output Shape", "Param #", "Connected to"]), "=" * width]
    previous: str | None = None
    for idx, r in enumerate(rows):
        name = names.get(r["name"], r["name"])
        cls1 = classes[r["class"]]
        shape = r["shape"]
        if cls1 == "InputLayer" and re.fullmatch(r"\[\([^()]*\)\]", shape):
            shape = shape[1:-1]
        if r["connected"]:
            refs = [f"{names.get(n, n)}[{a}][{b}]" for n, a, b in _REF.findall(r["connected"])]
        elif cls1 == "InputLayer":
            refs = []
        elif previous is None:
            refs = [f"{cls1.lower()}_input_1[0][0]"]
        else:
            refs = [f"{previous}[0][0]"]
        result.append(fmt([f"{name} ({cls1})", shape, r["params"], refs[0] if refs else ""]))
        for more in refs[1:]:
            result.append(fmt(["", "", "", more]))
        result.append(("=" if idx == len(rows) - 1 else "_") * width)
        previous = name
    if old:
        result.append(f"Total params: {totals['Total']}")
    else:
        result.append(f"Total params: {totals['Total']:,}")
        result.append(f"Trainable params: {totals['Trainable']:,}")
        result.append(f"Non-trainable params: {totals['Non-trainable']:,}")
    result.append("_" * width)
    return "\n".join(result) + "\n", names, classes


def make_keras1style() -> int:
    """``keras1style.jsonl.gz`` from ``keras212.jsonl.gz``: every default record in the Keras 1.2
    layout (variant ``default``), the small models also in the Keras 1.0 one (``keras10``)."""
    src = OUT / "keras212.jsonl.gz"
    dst = OUT / "keras1style.jsonl.gz"
    n = 0
    with gzip.open(src, "rt", encoding="utf-8") as fin, gzip.open(dst, "wt", encoding="utf-8") as fout:
        for raw in fin:
            rec = json.loads(raw)
            if rec["variant"] != "default" or not rec["built"]:
                continue
            for variant, old in (("default", False), ("keras10", True)):
                if old and rec["model"].startswith("app_"):
                    continue
                text, names, classes = keras1_layout(rec["text"], old=old)
                rows = [
                    {**r, "name": names.get(r["name"], r["name"]), "class": classes.get(r["class"], r["class"])}
                    for r in rec["rows"]
                ]
                new = {
                    **rec,
                    "line": "keras1style",
                    "variant": variant,
                    "keras": "1-style from " + rec["keras"],
                    "text": text,
                    "rows": rows,
                }
                fout.write(json.dumps(new, ensure_ascii=False) + "\n")
                n += 1
    print(f"keras1style: {n} records -> {dst}")
    return n


# ---------------------------------------------------------------------------------------------
# Checks
# ---------------------------------------------------------------------------------------------


def check_files() -> int:
    bad = 0
    for path in sorted(OUT.glob("*.jsonl.gz")):
        n = 0
        models = set()
        with gzip.open(path, "rt", encoding="utf-8") as fh:
            for raw in fh:
                rec = json.loads(raw)
                n += 1
                models.add(rec["model"])
                problems = []
                if sum(r["params"] for r in rec["rows"]) != rec["total"]:
                    problems.append(f"rows sum {sum(r['params'] for r in rec['rows'])} != total {rec['total']}")
                if rec["trainable"] + rec["non_trainable"] != rec["total"]:
                    problems.append("trainable + non_trainable != total")
                printed = (f"{rec['total']:,}", f"{rec['total']}")
                if rec["built"] and rec["variant"] == "default" and not any(p in rec["text"] for p in printed):
                    problems.append("total not printed in the text")
                if problems:
                    bad += 1
                    print(f"{path.name} {rec['model']} {rec['variant']}: {'; '.join(problems)}")
        print(f"{path.name}: {n} records, {len(models)} models, {path.stat().st_size / 1e6:.2f} MB")
    return bad


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--line", help="the line name to write (keras315, keras215, tfkeras221, ...)")
    ap.add_argument("--only", nargs="*", help="build only these models (names as in the records)")
    ap.add_argument("--skip-apps", action="store_true", help="small models only")
    ap.add_argument("--append", action="store_true", help="append to the line's file")
    ap.add_argument("--keras1style", action="store_true", help="derive keras1style from keras212")
    ap.add_argument("--check", action="store_true", help="check the records' sums")
    args = ap.parse_args()
    if args.check:
        sys.exit(1 if check_files() else 0)
    if args.keras1style:
        make_keras1style()
        return
    if not args.line:
        ap.error("--line is required")
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    os.environ.setdefault("CUDA_VISIBLE_DEVICES", "")
    generate(args.line, args.only, args.skip_apps, args.append)


if __name__ == "__main__":
    main()
