"""Generate the corpus of real Keras model files for `paramproof model` (issue 12).

Run it once under each Keras line (see README.md beside this file for the exact commands):

    python make_corpus.py              # the Keras that `import keras` gives (Keras 2.12/2.15 or Keras 3.x)
    python make_corpus.py --tf-keras   # tf-keras (Keras 2) on a TF >= 2.16 (sets TF_USE_LEGACY_KERAS=1)
    python make_corpus.py --handmade   # hand-written Keras 1 / Keras 2.0 / TF.js / broken files;
                                       # needs a Keras 2 line (tf-keras) for the reference counts

Each run writes `<line>/` (e.g. `keras-2.12/`, `tf_keras-2.21/`, `keras-3.15/`) or `handmade/` and merges
its entries into `corpus.json` (entries of other lines are kept). Every written file is reloaded on the
line that wrote it (compile=False) and the result is recorded as `reloads_on_writer`.
"""

from __future__ import annotations

import argparse
import fcntl
import json
import math
import os
import shutil
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
CORPUS = HERE / "corpus.json"
MAX_FILE = 200_000  # bytes, per file
SAVEDMODEL_VARIABLES_LIMIT = 20_000  # bytes: variables/ data above this is deleted (noted in stands_for)

ARGS = None
keras = None  # the Keras module of this line, set in main()
K3 = False
LINE = ""


def _import_keras(tf_keras: bool):
    global keras, K3, LINE
    os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    if tf_keras:
        os.environ["TF_USE_LEGACY_KERAS"] = "1"
        import tf_keras as k  # noqa: PLC0415

        LINE = "tf_keras-" + ".".join(k.__version__.split(".")[:2])
    else:
        import keras as k  # noqa: PLC0415

        LINE = "keras-" + ".".join(k.__version__.split(".")[:2])
    keras = k
    K3 = int(k.__version__.split(".")[0]) >= 3
    import numpy as np  # noqa: F401,PLC0415


def tf_version() -> str:
    import tensorflow as tf  # noqa: PLC0415

    return tf.__version__


# --------------------------------------------------------------------------------------------
# Weight sizes and shapes, as this Keras reports them
# --------------------------------------------------------------------------------------------


def _size(w) -> int:
    return int(math.prod(int(d) for d in w.shape))


def counts(model) -> dict:
    return {
        "count_params": int(model.count_params()),
        "trainable": sum(_size(w) for w in model.trainable_weights),
        "non_trainable": sum(_size(w) for w in model.non_trainable_weights),
    }


def _shape_list(s):
    if s is None:
        return None
    if isinstance(s, (list, tuple)) and s and isinstance(s[0], (list, tuple)):
        return [_shape_list(x) for x in s]
    if hasattr(s, "as_list"):
        return s.as_list()
    return [None if d is None else int(d) for d in s]


def output_shapes(model):
    try:
        shp = model.output_shape
    except Exception:  # noqa: BLE001 - subclassed models have none: use the symbolic outputs if any
        try:
            outs = model.outputs
            shp = [tuple(o.shape) for o in outs] if outs else None
        except Exception:  # noqa: BLE001
            shp = None
    if isinstance(shp, list):
        return [_shape_list(s) for s in shp]
    if isinstance(shp, dict):
        return {k: _shape_list(v) for k, v in shp.items()}
    return [_shape_list(shp)] if shp is not None else None


# --------------------------------------------------------------------------------------------
# The models
# --------------------------------------------------------------------------------------------


def Input(shape, **kw):
    return keras.Input(shape=shape, **kw)


def m_mlp():
    L = keras.layers
    if K3:
        return keras.Sequential(
            [
                keras.Input((28, 28)),
                L.Flatten(),
                L.Dense(4, activation="relu"),
                L.Dropout(0.2),
                L.Dense(10, activation="softmax"),
            ],
            name="mnist_mlp",
        )
    return keras.Sequential(
        [L.Flatten(input_shape=(28, 28)), L.Dense(4, activation="relu"), L.Dropout(0.2), L.Dense(10, activation="softmax")],
        name="mnist_mlp",
    )


def m_cnn_branches():
    L = keras.layers
    inp = Input((16, 16, 3), name="image")
    x = L.Conv2D(8, 3, padding="same", use_bias=False)(inp)
    x = L.BatchNormalization()(x)
    x = L.Activation("relu")(x)
    a = L.Conv2D(4, 1, activation="relu", name="branch_1x1")(x)
    b = L.Conv2D(4, 3, padding="same", activation="relu", name="branch_3x3")(x)
    c = L.MaxPooling2D(3, strides=1, padding="same")(x)
    x = L.Concatenate(name="mixed")([a, b, c])
    x = L.BatchNormalization()(x)
    x = L.MaxPooling2D()(x)
    x = L.GlobalAveragePooling2D()(x)
    out = L.Dense(3, activation="softmax")(x)
    return keras.Model(inp, out, name="cnn_branches")


def m_text_lstm():
    L = keras.layers
    if K3:
        inp = Input((20,), dtype="int32", name="tokens")
        x = L.Embedding(100, 8)(inp)
    else:
        inp = Input((20,), dtype="int32", name="tokens")
        x = L.Embedding(100, 8, input_length=20)(inp)
    x = L.LSTM(16)(x)
    out = L.Dense(1, activation="sigmoid")(x)
    return keras.Model(inp, out, name="text_lstm")


def m_seq2seq_lstm():
    L = keras.layers
    enc_in = Input((None, 5), name="encoder_inputs")
    _, h, c = L.LSTM(8, return_state=True, name="encoder")(enc_in)
    dec_in = Input((None, 6), name="decoder_inputs")
    dec = L.LSTM(8, return_sequences=True, name="decoder")(dec_in, initial_state=[h, c])
    out = L.Dense(6, activation="softmax")(dec)
    return keras.Model([enc_in, dec_in], out, name="seq2seq_lstm")


def m_seq2seq_gru():
    L = keras.layers
    enc_in = Input((None, 5), name="encoder_inputs")
    _, h = L.GRU(8, return_state=True, name="encoder")(enc_in)
    dec_in = Input((None, 6), name="decoder_inputs")
    dec = L.GRU(8, return_sequences=True, name="decoder")(dec_in, initial_state=[h])
    out = L.Dense(6, activation="softmax")(dec)
    return keras.Model([enc_in, dec_in], out, name="seq2seq_gru")


def m_mha_self():
    L = keras.layers
    x = Input((6, 8), name="x")
    att = L.MultiHeadAttention(num_heads=2, key_dim=4, name="self_attention")(x, x)
    y = L.Add()([x, att])
    y = L.LayerNormalization()(y)
    y = L.GlobalAveragePooling1D()(y)
    out = L.Dense(2)(y)
    return keras.Model(x, out, name="mha_self")


def m_mha_qkv():
    L = keras.layers
    x = Input((6, 8), name="query_in")
    y = Input((7, 8), name="value_in")
    z = Input((7, 8), name="key_in")
    att = L.MultiHeadAttention(num_heads=2, key_dim=4, value_dim=3, name="cross_attention")(query=x, value=y, key=z)
    out = L.Dense(2)(L.GlobalAveragePooling1D()(att))
    return keras.Model([x, y, z], out, name="mha_qkv")


def m_nested():
    L = keras.layers
    if K3:
        frozen = keras.Sequential([keras.Input((10,)), L.Dense(6, activation="relu"), L.Dense(4)], name="frozen_block")
    else:
        frozen = keras.Sequential([L.Dense(6, activation="relu", input_shape=(10,)), L.Dense(4)], name="frozen_block")
    frozen.trainable = False
    sub_in = Input((10,), name="sub_in")
    s = L.Dense(5, activation="tanh")(sub_in)
    s = L.BatchNormalization()(s)
    sub = keras.Model(sub_in, s, name="functional_block")
    inp = Input((10,), name="features")
    out = L.Dense(1)(L.Concatenate()([frozen(inp), sub(inp)]))
    return keras.Model(inp, out, name="nested_models")


def m_shared():
    L = keras.layers
    a = Input((12,), name="left")
    b = Input((12,), name="right")
    shared = L.Dense(6, activation="relu", name="shared_dense")
    d = L.Subtract()([shared(a), shared(b)])
    out = L.Dense(1, activation="sigmoid")(d)
    return keras.Model([a, b], out, name="shared_layer")


def m_lambdas():
    L = keras.layers
    inp = Input((10,), name="x")
    x = L.Dense(8)(inp)
    x = L.Lambda(lambda t: t * 2.0, name="double_no_output_shape")(x)
    x = L.Lambda(lambda t: t[:, :4], output_shape=(4,), name="slice_with_output_shape")(x)
    out = L.Dense(2)(x)
    return keras.Model(inp, out, name="lambdas")


def _custom_layer_class():
    class ScaledDense(keras.layers.Layer):
        """A user's own layer: a Dense with a learned per-unit scale (kernel, bias, scale)."""

        def __init__(self, units=4, **kwargs):
            super().__init__(**kwargs)
            self.units = units

        def build(self, input_shape):
            d = int(input_shape[-1])
            self.kernel = self.add_weight(name="kernel", shape=(d, self.units), initializer="glorot_uniform")
            self.bias = self.add_weight(name="bias", shape=(self.units,), initializer="zeros")
            self.scale = self.add_weight(name="scale", shape=(self.units,), initializer="ones")
            super().build(input_shape)

        def call(self, x):
            return (keras.ops if K3 else __import__("tensorflow")).matmul(x, self.kernel) * self.scale + self.bias

        def compute_output_shape(self, input_shape):
            return tuple(input_shape[:-1]) + (self.units,)

        def get_config(self):
            cfg = super().get_config()
            cfg.update({"units": self.units})
            return cfg

    ScaledDense.__module__ = "__main__"
    ScaledDense.__qualname__ = "ScaledDense"
    return ScaledDense


ScaledDense = None


def m_custom_layer():
    L = keras.layers
    inp = Input((10,), name="x")
    x = L.Dense(8, activation="relu")(inp)
    x = ScaledDense(6, name="scaled_dense")(x)
    out = L.Dense(3, activation="softmax")(x)
    return keras.Model(inp, out, name="custom_layer")


def m_textvec():
    L = keras.layers
    vocab = ["the", "cat", "sat", "on", "mat", "dog", "ran"]
    inp = Input((1,), dtype="string", name="text")
    x = L.TextVectorization(max_tokens=20, output_mode="int", output_sequence_length=8, vocabulary=vocab, name="vectorize")(inp)
    x = L.Embedding(20, 4)(x)
    x = L.GlobalAveragePooling1D()(x)
    out = L.Dense(1, activation="sigmoid")(x)
    return keras.Model(inp, out, name="textvec_vocab")


def m_stringlookup():
    L = keras.layers
    vocab = ["red", "green", "blue", "yellow"]
    inp = Input((1,), dtype="string", name="color")
    x = L.StringLookup(vocabulary=vocab, name="lookup")(inp)  # 4 words + 1 OOV index
    x = L.Embedding(5, 3)(x)
    x = L.Flatten()(x)
    out = L.Dense(2, activation="softmax")(x)
    return keras.Model(inp, out, name="stringlookup_vocab")


def _subclassed_class():
    class TwoLayerNet(keras.Model):
        """A user's subclassed model: layers in __init__, wiring in call()."""

        def __init__(self, hidden=8, classes=3, **kwargs):
            super().__init__(**kwargs)
            self.hidden = hidden
            self.classes = classes
            self.d1 = keras.layers.Dense(hidden, activation="relu")
            self.drop = keras.layers.Dropout(0.1)
            self.d2 = keras.layers.Dense(classes)

        def call(self, x, training=False):
            return self.d2(self.drop(self.d1(x), training=training))

        def get_config(self):
            return {"hidden": self.hidden, "classes": self.classes, "name": self.name}

        @classmethod
        def from_config(cls, config):
            return cls(**config)

    TwoLayerNet.__module__ = "__main__"
    TwoLayerNet.__qualname__ = "TwoLayerNet"
    return TwoLayerNet


TwoLayerNet = None


def m_subclassed():
    import numpy as np  # noqa: PLC0415

    m = TwoLayerNet(8, 3, name="two_layer_net")
    m(np.zeros((2, 12), dtype="float32"))
    return m


STANDS = {
    "mnist_mlp": "the MNIST beginner tutorial's Sequential (Flatten of 28x28, Dense, Dropout, Dense softmax)",
    "cnn_branches": "a small Functional image CNN with Inception-like parallel branches, Concatenate and BatchNormalization",
    "text_lstm": "an Embedding + LSTM sentiment/text classifier",
    "seq2seq_lstm": "the character-level seq2seq (encoder-decoder) tutorial: decoder LSTM called with initial_state=[h, c] from the encoder",
    "seq2seq_gru": "a GRU encoder-decoder whose decoder is called with initial_state=[h] from the encoder",
    "mha_self": "a transformer-style block calling MultiHeadAttention as mha(x, x) (self-attention)",
    "mha_qkv": "a cross-attention model calling MultiHeadAttention as mha(query=x, value=y, key=z)",
    "nested_models": "transfer-learning style model with a frozen Sequential sub-model and a Functional sub-model used as layers",
    "shared_layer": "a siamese model whose Dense layer is shared (called twice)",
    "lambdas": "a model with Lambda layers, one with a literal output_shape and one without",
    "custom_layer": "a model with the user's own Layer subclass (ScaledDense, own weights, get_config), the class unknown to the loader",
    "textvec_vocab": "a text model with TextVectorization built from a vocabulary=[...] list (no adapt())",
    "stringlookup_vocab": "a categorical-feature model with StringLookup built from a vocabulary=[...] list",
    "two_layer_net": "a subclassed model (class TwoLayerNet(keras.Model) with call()): no layer graph in the file",
}

MODELS = {
    "mnist_mlp": m_mlp,
    "cnn_branches": m_cnn_branches,
    "text_lstm": m_text_lstm,
    "seq2seq_lstm": m_seq2seq_lstm,
    "seq2seq_gru": m_seq2seq_gru,
    "mha_self": m_mha_self,
    "mha_qkv": m_mha_qkv,
    "nested_models": m_nested,
    "shared_layer": m_shared,
    "lambdas": m_lambdas,
    "custom_layer": m_custom_layer,
    "textvec_vocab": m_textvec,
    "stringlookup_vocab": m_stringlookup,
    "two_layer_net": m_subclassed,
}

# Which formats each model is written in (keeps the folder small: the JSON forms are tiny, so every
# functional model gets them; the binary forms go to a subset).
ALL = list(MODELS)
FUNCTIONAL = [m for m in ALL if m != "two_layer_net"]
FORMATS_K2 = {
    "h5": FUNCTIONAL,
    "json": FUNCTIONAL,
    "json_string": ["mnist_mlp", "cnn_branches", "text_lstm"],
    "keras": ["mnist_mlp", "cnn_branches", "seq2seq_lstm", "mha_qkv", "custom_layer", "textvec_vocab", "two_layer_net"],
    # SavedModel folders are large (saved_model.pb holds traced functions: 1.4 MB for an LSTM seq2seq,
    # ~200 KB for the CNN): only models whose saved_model.pb stays under 200 KB.
    "savedmodel": ["mnist_mlp", "mha_self", "custom_layer", "two_layer_net"],
    # Keras 2.12 only: model.save('x.keras') writes HDF5 there; the zip needs save_format='keras_v3'
    "keras_v3": ["mnist_mlp", "custom_layer"],
    "weights_h5": ["mnist_mlp", "cnn_branches", "two_layer_net"],
}
FORMATS_K3 = {
    "keras": ALL,
    "json": FUNCTIONAL,
    "json_string": ["mnist_mlp", "cnn_branches", "text_lstm"],
    "h5": FUNCTIONAL,
    "weights_h5": ["mnist_mlp", "cnn_branches", "two_layer_net"],
}

FORMAT_WORDS = {
    "h5": "a full-model HDF5 file saved with model.save('x.h5')",
    "json": "an architecture-only file written from model.to_json()",
    "json_string": "a file written with json.dump(model.to_json(), f) (a JSON string holding the JSON)",
    "keras": "a .keras file saved with model.save('x.keras')",
    "keras_v3": "a .keras zip archive saved with model.save('x.keras', save_format='keras_v3') (Keras 2.12)",
    "savedmodel": "a TensorFlow SavedModel folder saved with model.save(dir) (keras_metadata.pb holds the config)",
    "weights_h5": "a weights-only HDF5 file saved with model.save_weights(...) (no architecture)",
}


# The middle lines (Keras 2.15, Keras 3.8) skip the forms whose bytes they write like their neighbours,
# to keep the folder under 6 MB: weights-only files, JSON-strings, and the big MHA SavedModel.
TRIMMED_LINES = {"keras-2.15", "keras-3.8"}
TRIMMED_FORMATS = {"weights_h5", "json_string"}
TRIMMED_PAIRS = {("savedmodel", "mha_self")}
TRIMMED_PAIRS |= {
    ("h5", n)
    for n in ("cnn_branches", "seq2seq_gru", "mha_qkv", "shared_layer", "lambdas", "textvec_vocab", "stringlookup_vocab")
}  # Keras 3.8's legacy .h5
TRIMMED_PAIRS |= {("keras", n) for n in ("seq2seq_lstm", "mha_qkv", "textvec_vocab")}  # Keras 2.15's .keras


def custom_objects():
    return {"ScaledDense": ScaledDense, "TwoLayerNet": TwoLayerNet}


# --------------------------------------------------------------------------------------------
# Saving and reloading
# --------------------------------------------------------------------------------------------


def _dir_size(p: Path) -> int:
    return sum(f.stat().st_size for f in p.rglob("*") if f.is_file()) if p.is_dir() else p.stat().st_size


def save(model, name: str, fmt: str, outdir: Path) -> tuple[Path, str]:
    note = ""
    if fmt == "h5":
        p = outdir / f"{name}.h5"
        model.save(str(p))
    elif fmt == "keras":
        p = outdir / f"{name}.keras"
        model.save(str(p))
    elif fmt == "keras_v3":
        p = outdir / f"{name}.v3.keras"
        model.save(str(p), save_format="keras_v3")
    elif fmt == "json":
        p = outdir / f"{name}.json"
        p.write_text(model.to_json())
    elif fmt == "json_string":
        p = outdir / f"{name}.jsonstr.json"
        with open(p, "w") as f:
            json.dump(model.to_json(), f)
    elif fmt == "weights_h5":
        p = outdir / (f"{name}.weights.h5" if K3 else f"{name}_weights.h5")
        model.save_weights(str(p))
    elif fmt == "savedmodel":
        p = outdir / f"{name}_savedmodel"
        if p.exists():
            shutil.rmtree(p)
        model.save(str(p), save_format="tf")
        var_dir = p / "variables"
        if _dir_size(var_dir) > SAVEDMODEL_VARIABLES_LIMIT:
            for f in var_dir.iterdir():
                f.unlink()
            note = " The variables/ data files were deleted to keep the corpus small (folder structure, keras_metadata.pb, saved_model.pb and fingerprint.pb kept)."
        # the folder's assets/ is kept (TextVectorization vocabularies live there)
    else:
        raise ValueError(fmt)
    return p, note


def reload(p: Path, fmt: str, name: str, model):
    """Reload on the writing line (compile=False); returns the reloaded model's count_params or raises."""
    co = custom_objects()
    if fmt in ("h5", "keras", "keras_v3", "savedmodel"):
        if fmt == "savedmodel" and not any((p / "variables").iterdir()):
            # data files deleted: load_model needs them; reload from a fresh save in a temp folder instead
            with tempfile.TemporaryDirectory() as td:
                q = Path(td) / "m"
                model.save(str(q), save_format="tf")
                m = keras.models.load_model(str(q), compile=False, custom_objects=co)
                return int(m.count_params()), "reloaded from an identical fresh save (variables deleted in the corpus copy)"
        kw = {"safe_mode": False} if _has_safe_mode() else {}
        try:
            m = keras.models.load_model(str(p), compile=False, custom_objects=co, **kw)
            return int(m.count_params()), ""
        except Exception as e:  # noqa: BLE001 - Keras 3.0's legacy .h5 loader ignores custom_objects: retry in a scope
            with keras.utils.custom_object_scope(co):
                m = keras.models.load_model(str(p), compile=False, **kw)
            return int(m.count_params()), "custom_objects= was not enough (" + _short_error(e)[
                :120
            ] + "); loaded inside keras.utils.custom_object_scope"
    if fmt in ("json", "json_string"):
        text = p.read_text()
        if fmt == "json_string":
            text = json.loads(text)
        with _unsafe_scope():  # model_from_json has no safe_mode argument: Lambdas need the scope
            m = keras.models.model_from_json(text, custom_objects=co)
        return int(m.count_params()), ""
    if fmt == "weights_h5":
        fresh = MODELS[name]()
        fresh.load_weights(str(p))
        return int(fresh.count_params()), "weights loaded into a freshly built identical model"
    raise ValueError(fmt)


def _unsafe_scope():
    import contextlib  # noqa: PLC0415
    import importlib  # noqa: PLC0415

    for mod in (f"{keras.__name__}.src.saving.serialization_lib", f"{keras.__name__}.saving.serialization_lib"):
        try:
            return importlib.import_module(mod).SafeModeScope(False)
        except (ImportError, AttributeError):
            continue
    return contextlib.nullcontext()  # Keras 2.12: no safe mode for JSON


def _has_safe_mode() -> bool:
    import inspect  # noqa: PLC0415

    try:
        return "safe_mode" in inspect.signature(keras.models.load_model).parameters
    except (TypeError, ValueError):
        return False


def container(p: Path) -> str:
    """What the bytes are, whatever the name says."""
    if p.is_dir():
        return "savedmodel_dir"
    head = p.read_bytes()[:8]
    if head.startswith(b"\x89HDF"):
        return "hdf5"
    if head.startswith(b"PK"):
        return "zip"
    if head.lstrip()[:1] in (b"{", b"["):
        return "json_object"
    if head.lstrip()[:1] == b'"':
        return "json_string"
    return "unknown"


def merge_corpus(prefix: str, entries: list[dict]) -> None:
    lock = open(HERE / ".corpus.lock", "w")
    fcntl.flock(lock, fcntl.LOCK_EX)
    try:
        old = json.loads(CORPUS.read_text()) if CORPUS.exists() else {"files": []}
        keep = [e for e in old["files"] if not e["path"].startswith(prefix + "/")]
        # probe results of files that were regenerated are stale: drop them (rerun probe_loaders.py)
        files = sorted(keep + entries, key=lambda e: e["path"])
        old["files"] = files
        old["about"] = (
            "Model files for `paramproof model` tests (issue 12). Generated by make_corpus.py; "
            "loads_on filled by probe_loaders.py. count_params/trainable/non_trainable are what the "
            "writing Keras reported at save time (for handmade Keras 1 files: the equivalent Keras 2 "
            "model built with tf-keras)."
        )
        body = ",\n  ".join(json.dumps(e) for e in files)
        CORPUS.write_text('{"about": ' + json.dumps(old["about"]) + ',\n "files": [\n  ' + body + "\n ]}\n")
    finally:
        fcntl.flock(lock, fcntl.LOCK_UN)
        lock.close()
        try:
            os.unlink(HERE / ".corpus.lock")
        except OSError:
            pass


def _short_error(e: BaseException) -> str:
    msg = " ".join(str(e).split())
    return f"{type(e).__name__}: {msg[:300]}"


def generate_line() -> None:
    global ScaledDense, TwoLayerNet
    ScaledDense = _custom_layer_class()
    TwoLayerNet = _subclassed_class()
    outdir = HERE / LINE
    if outdir.exists():
        shutil.rmtree(outdir)
    outdir.mkdir(parents=True)
    formats = FORMATS_K3 if K3 else FORMATS_K2
    entries = []
    saved_with = {"keras": keras.__version__, "tensorflow": tf_version()}
    for name, build in MODELS.items():
        fmts = [
            f
            for f, names in formats.items()
            if name in names
            and (f != "keras_v3" or keras.__version__.startswith("2.12"))
            and not (
                LINE in TRIMMED_LINES
                and (f in TRIMMED_FORMATS or (f, name) in TRIMMED_PAIRS)
                and not (K3 and f == "keras")
                and not (not K3 and f == "h5")
            )
        ]
        if not fmts:
            continue
        try:
            model = build()
        except Exception as e:  # noqa: BLE001 - a model this line cannot build
            print(f"[{LINE}] cannot build {name}: {_short_error(e)}", file=sys.stderr)
            entries.append(
                {
                    "path": f"{LINE}/{name}",
                    "format": None,
                    "model": name,
                    "saved_with": saved_with,
                    "error": "could not build on this line: " + _short_error(e),
                }
            )
            continue
        c = counts(model)
        shapes = output_shapes(model)
        if shapes is None and name == "two_layer_net":  # subclassed: no symbolic output, so call it
            import numpy as np  # noqa: PLC0415

            shapes = [[None, *(int(d) for d in model(np.zeros((1, 12), dtype="float32")).shape[1:])]]
        for fmt in fmts:
            try:
                p, note = save(model, name, fmt, outdir)
            except Exception as e:  # noqa: BLE001
                print(f"[{LINE}] cannot save {name} as {fmt}: {_short_error(e)}", file=sys.stderr)
                partial = outdir / f"{name}.{'h5' if fmt == 'h5' else fmt}"
                if fmt == "h5" and partial.exists():
                    # Keras 3.0's legacy HDF5 save dies half-way: keep what it left, as a user would have it
                    kept = outdir / f"{name}.partial.h5"
                    partial.rename(kept)
                    entries.append(
                        {
                            "path": str(kept.relative_to(HERE)),
                            "format": "h5",
                            "container": container(kept),
                            "saved_with": saved_with,
                            "model": name,
                            **c,
                            "output_shapes": shapes,
                            "written": "partial",
                            "error": "save raised: " + _short_error(e),
                            "stands_for": f"The half-written file that model.save('x.h5') leaves when it raises "
                            f"(Keras {keras.__version__}) for {STANDS[name]}; counts are the in-memory model's.",
                            "bytes": kept.stat().st_size,
                        }
                    )
                    continue
                if partial.exists():
                    partial.unlink()
                entries.append(
                    {
                        "path": f"{LINE}/{name}.{fmt}",
                        "format": fmt,
                        "model": name,
                        "saved_with": saved_with,
                        "written": False,
                        "error": "save refused: " + _short_error(e),
                    }
                )
                continue
            size = _dir_size(p)
            if fmt == "keras" and container(p) == "hdf5":
                note += f" Keras {keras.__version__} wrote HDF5 bytes under the .keras name (its .keras zip needs save_format='keras_v3')."
            entry = {
                "path": str(p.relative_to(HERE)) + ("/" if p.is_dir() else ""),
                "format": "keras" if fmt == "keras_v3" else fmt,
                "container": container(p),
                "saved_with": saved_with,
                "model": name,
                **c,
                "output_shapes": shapes,
                "stands_for": f"A real user's file: {FORMAT_WORDS[fmt]} (Keras {keras.__version__}), holding {STANDS[name]}.{note}",
                "bytes": size,
            }
            if fmt == "savedmodel":
                entry["has_keras_metadata"] = (p / "keras_metadata.pb").exists()
            try:
                n, how = reload(p, fmt, name, model)
                entry["reloads_on_writer"] = True if n == c["count_params"] else f"reloaded with {n} params"
                if how:
                    entry["reload_note"] = how
            except Exception as e:  # noqa: BLE001
                entry["reloads_on_writer"] = "refused: " + _short_error(e)
            if size > MAX_FILE:
                print(f"[{LINE}] WARNING {p.name} is {size} bytes", file=sys.stderr)
            entries.append(entry)
            print(f"[{LINE}] {entry['path']:50s} {size:8d} B params={c['count_params']} reload={entry['reloads_on_writer']}")
    merge_corpus(LINE, entries)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--tf-keras", action="store_true", help="use tf-keras (Keras 2) with TF_USE_LEGACY_KERAS=1")
    ap.add_argument("--handmade", action="store_true", help="write handmade/ (needs tf-keras or Keras 2)")
    ARGS = ap.parse_args()
    _import_keras(ARGS.tf_keras)
    if ARGS.handmade:
        sys.dont_write_bytecode = True  # no __pycache__ in the corpus folder
        import make_handmade  # noqa: PLC0415

        make_handmade.generate(sys.modules[__name__])
    else:
        generate_line()
