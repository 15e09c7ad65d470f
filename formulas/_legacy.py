"""Old model configurations made readable: Keras 1 configs and list-form Sequential configs.

:func:`upgrade_config` takes what a user's file holds (``json.loads(model.to_json())`` of any Keras
from 1.0 to 3.x, a bare list of layers, or the JSON text itself) and returns a Keras 2 model config
the rest of paramproof understands, with notes saying what was converted.

* **List-form Sequential** (Keras 1.x–2.1 ``to_json()``): ``{"class_name": "Sequential",
  "config": [layer, ...]}`` becomes ``{"class_name": "Sequential", "config": {"name": ...,
  "layers": [...]}}``.
* **Keras 1** argument and class names are converted the way Keras 2.0's legacy interfaces did
  (``keras/legacy/interfaces.py``, ``keras/legacy/layers.py`` in Keras 2.0–2.2):
  ``Convolution2D(nb_filter, nb_row, nb_col, border_mode, subsample, dim_ordering, init, …)`` →
  ``Conv2D(filters, kernel_size, padding, strides, data_format, kernel_initializer, …)``,
  ``output_dim`` → ``units``, ``p`` → ``rate``, ``Merge(mode=…)`` → ``Concatenate`` / ``Add`` / …
  Where a Keras 1 default differs from Keras 2's in a way that changes the weights (GRU's bias:
  Keras 1 had one bias per gate, Keras 2.15's ``reset_after=True`` two), the Keras 1 behaviour is
  written out explicitly.  Keras 1-only classes (``MaxoutDense``, ``Highway``, …) are kept as they
  are (the engine reports them as having no formula) and a note says so.
* A Keras 1 layer without ``dim_ordering`` (or with ``"default"``) gets the ordering the file's
  own evidence gives: its other layers' explicit values (all, or most), else its backend (Theano →
  ``th``), else its Keras version (1.0 → ``th``; 1.1 and 1.2 wrote ``image_dim_ordering: "tf"``
  into a new ``keras.json``), else ``tf``; a note names the evidence.
* In Keras 1 and 2.0–2.2 a ``dtype`` (Keras 1: ``input_dtype``) on the layer holding
  ``batch_input_shape`` is the input's: it moves to the InputLayer put before a Sequential's first
  layer.  A dict-form Keras 2.0–2.2 Sequential (written without its InputLayer) gets one too.
* A nested model as a Sequential's first layer: the outer Sequential gets an InputLayer with the
  input shape of the nested model's first layer (as tf-keras writes such a Sequential).
* The multi-branch Sequential of Keras 1–2.1 (a first-layer ``Merge`` of sub-models) becomes the
  functional model it computes.
* Other Keras 2 and all Keras 3 configs are returned unchanged.

Standard library only, like the rest of :mod:`formulas`.
"""

from __future__ import annotations

import json
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from ._graph import ModelFileError
from ._model import one_line, short

__all__ = ["Upgraded", "upgrade_config"]


@dataclass(frozen=True)
class Upgraded:
    """A model config in a form paramproof reads, and how it got there.

    ``config`` is ``{"class_name": ..., "config": {...}}`` (Keras 2 for converted files; a Keras 2
    or 3 config is the input itself).  ``notes`` say what was converted, one sentence each;
    ``source_format`` is ``"keras1"``, ``"list-sequential"`` (a Keras 2.0/2.1 list-form
    Sequential), ``"keras2"`` (a dict-form Keras 2.0–2.2 Sequential is given its InputLayer) or
    ``"keras3"``.  ``keras_version`` and ``backend`` are the file's
    own (None when it does not say).
    """

    config: dict[str, Any]
    notes: tuple[str, ...]
    source_format: str
    keras_version: str | None = None
    backend: str | None = None


# -- the conversion tables ------------------------------------------------------------------------

# Keras 1 class → Keras 2 class (Keras 2.0 kept the old names as functions or aliases).
CLASS_RENAMES: dict[str, str] = {
    "Convolution1D": "Conv1D",
    "AtrousConvolution1D": "Conv1D",
    "Convolution2D": "Conv2D",
    "AtrousConvolution2D": "Conv2D",
    "Convolution3D": "Conv3D",
    "Deconvolution2D": "Conv2DTranspose",
    "SeparableConvolution2D": "SeparableConv2D",
}

# Keras 1 classes that Keras 2 no longer has: kept as they are, so the engine reports "no formula".
KERAS1_ONLY: dict[str, str] = {
    "MaxoutDense": "removed in Keras 2 (Keras 2.0 kept it in keras.legacy, deprecated)",
    "Highway": "removed in Keras 2 (Keras 2.0 kept it in keras.legacy, deprecated)",
    "ParametricSoftplus": "moved to keras-contrib in Keras 2",
    "SReLU": "moved to keras-contrib in Keras 2",
}

# Merge(mode=...) → the Keras 2 merging layer.
MERGE_MODES: dict[str, str] = {
    "concat": "Concatenate",
    "sum": "Add",
    "mul": "Multiply",
    "ave": "Average",
    "max": "Maximum",
    "dot": "Dot",
    "cos": "Dot",
}

_WEIGHTS = (
    ("init", "kernel_initializer"),
    ("W_regularizer", "kernel_regularizer"),
    ("b_regularizer", "bias_regularizer"),
    ("W_constraint", "kernel_constraint"),
    ("b_constraint", "bias_constraint"),
    ("bias", "use_bias"),
)
_CONV = (("nb_filter", "filters"), ("subsample", "strides"), ("border_mode", "padding"), ("dim_ordering", "data_format"))
_CONV1D = (
    ("nb_filter", "filters"),
    ("filter_length", "kernel_size"),
    ("subsample_length", "strides"),
    ("border_mode", "padding"),
    ("atrous_rate", "dilation_rate"),
)
_RECURRENT = (
    ("output_dim", "units"),
    ("init", "kernel_initializer"),
    ("inner_init", "recurrent_initializer"),
    ("inner_activation", "recurrent_activation"),
    ("W_regularizer", "kernel_regularizer"),
    ("U_regularizer", "recurrent_regularizer"),
    ("b_regularizer", "bias_regularizer"),
    ("W_constraint", "kernel_constraint"),
    ("U_constraint", "recurrent_constraint"),
    ("b_constraint", "bias_constraint"),
    ("dropout_W", "dropout"),
    ("dropout_U", "recurrent_dropout"),
    ("consume_less", "implementation"),
)
_DIM = (("dim_ordering", "data_format"),)

#: Keyword renames per Keras 2 class (after the class rename), as Keras 2.0's legacy interfaces
#: had them (``legacy_dense_support``, ``legacy_conv2d_support``, …).
KEY_RENAMES: dict[str, tuple[tuple[str, str], ...]] = {
    "Dense": (("output_dim", "units"), *_WEIGHTS),
    "Conv1D": (*_CONV1D, *_WEIGHTS),
    "LocallyConnected1D": (*_CONV1D, *_WEIGHTS),
    "Conv2D": (*_CONV, ("atrous_rate", "dilation_rate"), *_WEIGHTS),
    "Conv3D": (*_CONV, *_WEIGHTS),
    "Conv2DTranspose": (*_CONV, *_WEIGHTS),
    "LocallyConnected2D": (*_CONV, *_WEIGHTS),
    "SeparableConv2D": (*_CONV, ("b_regularizer", "bias_regularizer"), ("b_constraint", "bias_constraint"), ("bias", "use_bias")),
    "ConvLSTM2D": (*_CONV, *(r for r in _RECURRENT if r[0] != "output_dim"), ("bias", "use_bias")),
    "SimpleRNN": _RECURRENT,
    "GRU": _RECURRENT,
    "LSTM": _RECURRENT,
    "Embedding": (
        ("init", "embeddings_initializer"),
        ("W_regularizer", "embeddings_regularizer"),
        ("W_constraint", "embeddings_constraint"),
    ),
    "MaxPooling1D": (("pool_length", "pool_size"), ("stride", "strides"), ("border_mode", "padding")),
    "AveragePooling1D": (("pool_length", "pool_size"), ("stride", "strides"), ("border_mode", "padding")),
    "Dropout": (("p", "rate"),),
    "SpatialDropout1D": (("p", "rate"),),
    "GaussianDropout": (("p", "rate"),),
    "GaussianNoise": (("sigma", "stddev"),),
    "PReLU": (("init", "alpha_initializer"),),
    "UpSampling1D": (("length", "size"),),
    "BatchNormalization": (("beta_init", "beta_initializer"), ("gamma_init", "gamma_initializer")),
}
for _name in ("MaxPooling2D", "AveragePooling2D", "MaxPooling3D", "AveragePooling3D"):
    KEY_RENAMES[_name] = (("border_mode", "padding"), *_DIM)
for _name in (
    "GlobalMaxPooling2D",
    "GlobalAveragePooling2D",
    "GlobalMaxPooling3D",
    "GlobalAveragePooling3D",
    "UpSampling2D",
    "UpSampling3D",
    "ZeroPadding2D",
    "ZeroPadding3D",
    "Cropping2D",
    "Cropping3D",
):
    KEY_RENAMES[_name] = _DIM
for _name in ("SpatialDropout2D", "SpatialDropout3D"):
    KEY_RENAMES[_name] = (("p", "rate"), *_DIM)

#: Keras 2 classes whose Keras 1 form took ``dim_ordering``: the converted config always states
#: ``data_format``, so it does not depend on the reading Keras's ``image_data_format``.
ORDERED = frozenset(name for name, renames in KEY_RENAMES.items() if _DIM[0] in renames)

DIM_ORDERING = {"th": "channels_first", "tf": "channels_last"}
CONSUME_LESS = {"cpu": 0, "mem": 1, "gpu": 2}
_RECURRENT_CLASSES = frozenset({"SimpleRNN", "GRU", "LSTM"})
_SEQUENCE_INPUT = frozenset({"SimpleRNN", "GRU", "LSTM", "Conv1D", "LocallyConnected1D"})
_VECTOR_INPUT = frozenset({"Dense", "MaxoutDense", "Highway"})

#: Keys only Keras 1 configs have (any class): finding one marks the file as Keras 1.
KERAS1_KEYS = frozenset(
    {
        "nb_filter",
        "nb_row",
        "nb_col",
        "border_mode",
        "dim_ordering",
        "subsample",
        "subsample_length",
        "filter_length",
        "init",
        "inner_init",
        "inner_activation",
        "W_regularizer",
        "b_regularizer",
        "U_regularizer",
        "W_constraint",
        "b_constraint",
        "dropout_W",
        "dropout_U",
        "consume_less",
        "forget_bias_init",
        "input_dtype",
        "atrous_rate",
        "pool_length",
        "beta_init",
        "gamma_init",
        "kernel_dim1",
    }
)
#: Keys that are Keras 1 only for some classes.
KERAS1_CLASS_KEYS: dict[str, frozenset[str]] = {
    "Dense": frozenset({"output_dim"}),
    "SimpleRNN": frozenset({"output_dim"}),
    "GRU": frozenset({"output_dim"}),
    "LSTM": frozenset({"output_dim"}),
    "Dropout": frozenset({"p"}),
    "BatchNormalization": frozenset({"mode"}),
}
KERAS1_CLASSES = frozenset({*CLASS_RENAMES, *KERAS1_ONLY, "Merge", "TimeDistributedDense"}) - {
    "Convolution1D",
    "Convolution2D",
    "Convolution3D",
    "SeparableConvolution2D",
}  # the others are also Keras 2 aliases: only their Keras 1 keys tell


# -- entry point -------------------------------------------------------------------------------


def upgrade_config(data: Any, *, backend: str | None = None) -> Upgraded:
    """``data`` (a model config dict, a bare list of layers, or JSON text holding one) as a model
    config paramproof reads; see the module docstring.

    ``backend`` ("theano" / "tensorflow") is the backend the Keras 1 file was saved with, used for
    ``dim_ordering="default"`` when the file does not name it itself.  Raises
    :class:`ModelFileError` on what cannot be converted, naming the layer and the value; never on
    a Keras 2.2+ or 3 config."""
    try:
        upgraded = _upgrade(_parse_text(data), backend)
    except RecursionError:  # models nested past what any reader lets through (verify.limits)
        raise ModelFileError("the model config is nested too deeply to follow") from None
    except ModelFileError as exc:  # a hostile name with a line break in it
        raise ModelFileError(one_line(str(exc))) from None
    notes = tuple(one_line(n) for n in upgraded.notes)
    return upgraded if notes == upgraded.notes else replace(upgraded, notes=notes)


def _upgrade(data: Any, backend: str | None) -> Upgraded:
    if isinstance(data, list):
        data = {"class_name": "Sequential", "config": data}
    if not isinstance(data, Mapping):
        raise ModelFileError(f"not a Keras model config: got {type(data).__name__}")
    version = data.get("keras_version")
    version = str(version) if version is not None else None
    file_backend = data.get("backend")
    file_backend = str(file_backend) if file_backend is not None else None
    list_form = isinstance(data.get("config"), list)
    keras3, keras1, merge = _scan(data, version)
    fmt = "keras3" if keras3 else "keras2"
    old_sequential = not keras3 and not keras1 and not list_form and _needs_input_layer(data, version)
    if not keras1 and not list_form and not merge and not old_sequential:
        return Upgraded(dict(data), (), fmt, version, file_backend)
    converter = _Converter(keras1, backend or file_backend, version, _orderings(data) if keras1 else {})
    converter.input_dtype = keras1 or _input_dtype_era(data, version)
    converter.names = _names(data)
    config = converter.model(data)
    fmt = "keras1" if keras1 else "list-sequential" if list_form else fmt
    notes = converter.notes(list_form)
    if old_sequential:
        notes = (f"Keras {version} Sequential config: Keras 2.0–2.2 wrote it without its InputLayer", *notes)
    return Upgraded(config, notes, fmt, version, file_backend)


def _version_before(version: str | None, major: int, minor: int) -> bool:
    """Whether ``version`` ("2.1.6") is older than ``major.minor`` (False when it does not say)."""
    if version is None:
        return False
    parts = version.split(".")
    try:
        return (int(parts[0]), int(parts[1]) if len(parts) > 1 else 0) < (major, minor)
    except ValueError:
        return False


def _needs_input_layer(data: Mapping[str, Any], version: str | None) -> bool:
    """A dict-form Keras 2.0–2.2 Sequential whose first layer holds the input shape (those Keras
    versions wrote a Sequential without its InputLayer)."""
    if data.get("class_name") != "Sequential" or version is None or not version.startswith(("2.0.", "2.1.", "2.2.")):
        return False
    config = data.get("config")
    layers = config.get("layers") if isinstance(config, Mapping) else None
    if not isinstance(layers, list) or not layers or not isinstance(layers[0], Mapping):
        return False
    return layers[0].get("class_name") != "InputLayer" and _input_shape_of(layers[0]) is not None


def _input_dtype_era(data: Mapping[str, Any], version: str | None) -> bool:
    """Whether a ``dtype`` on a layer holding ``batch_input_shape`` is the *input's* dtype (Keras
    1's ``input_dtype``; Keras 2.0–2.2's ``Layer.__init__``), not the weights' (Keras 2.3+).  A
    file without ``keras_version``: a list-form Sequential is Keras ≤ 2.1 unless its later layers
    carry a ``dtype`` too (Keras 2.3+ wrote one on every layer)."""
    if version is not None:
        return _version_before(version, 2, 3)
    config = data.get("config")
    if not isinstance(config, list):
        return False
    return not any(isinstance(e, Mapping) and isinstance(e.get("config"), Mapping) and "dtype" in e["config"] for e in config[1:])


def _input_shape_of(entry: Mapping[str, Any]) -> Any:
    """The ``batch_input_shape`` a layer entry holds, looking into a nested model's first layer
    (recursively); None when there is none."""
    for _ in range(32):
        config = entry.get("config")
        if isinstance(config, Mapping) and config.get("batch_input_shape") is not None:
            return config["batch_input_shape"]
        layers = config if isinstance(config, list) else config.get("layers") if isinstance(config, Mapping) else None
        if entry.get("class_name") == "Merge" or not isinstance(layers, list) or not layers:
            return None
        if not isinstance(layers[0], Mapping):
            return None
        entry = layers[0]
    return None


def _orderings(data: Mapping[str, Any]) -> dict[str, int]:
    """How many layers of the file state ``dim_ordering`` "th" and how many "tf"."""
    counts = {"th": 0, "tf": 0}
    for entry in _layer_entries(data):
        config = entry.get("config")
        value = config.get("dim_ordering") if isinstance(config, Mapping) else None
        if isinstance(value, str) and value in counts:
            counts[str(value)] += 1
    return counts


def _default_ordering(counts: Mapping[str, int], backend: str | None, version: str | None) -> tuple[str, str]:
    """The ``dim_ordering`` a Keras 1 layer without one (or with "default") had, and the evidence:
    the file's other layers' explicit values, else its backend (Theano → "th"), else its Keras
    version (Keras 1.0's layers and ``keras.json`` defaulted to "th"; Keras 1.1 and 1.2 to "tf",
    ``keras/backend/common.py``'s ``_IMAGE_DIM_ORDERING``), else "tf"."""
    th, tf = counts.get("th", 0), counts.get("tf", 0)
    if th != tf:
        value = "th" if th > tf else "tf"
        if not (th and tf):
            return value, f"the file's other layers all say dim_ordering {value!r} ({th + tf} of them)"
        return value, f"most of the file's other layers say dim_ordering {value!r} ({max(th, tf)} of {th + tf})"
    tie = f"the file's other layers are split {th}/{th} between 'th' and 'tf'; " if th else ""
    if backend == "theano":
        return "th", f"{tie}the file's backend is theano"
    if version is not None and (version == "1.0" or version.startswith("1.0.")):
        return "th", f"{tie}keras_version {version}: Keras 1.0 defaulted to Theano's 'th'"
    if backend is not None:
        return "tf", f"{tie}the file's backend is {backend}"
    if version is not None and version.startswith("1."):
        return "tf", f"{tie}keras_version {version}: Keras 1.1+ defaulted to 'tf' (image_dim_ordering of a new keras.json)"
    return "tf", f"{tie}the file names neither backend nor Keras version: Keras 1.1+'s default 'tf'"


def _parse_text(data: Any) -> Any:
    for _ in range(2):  # JSON text, or a JSON string holding JSON text (json.dump(model.to_json()))
        if isinstance(data, bytes):
            data = data.decode("utf-8", errors="replace")
        if not isinstance(data, str):
            return data
        try:
            data = json.loads(data)
        except json.JSONDecodeError as exc:
            raise ModelFileError(f"bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
        except RecursionError:
            raise ModelFileError("JSON nested too deeply to read") from None
        except ValueError as exc:  # an integer of over 4,300 digits
            raise ModelFileError(f"unreadable JSON: {exc}") from None
    return data


def _scan(data: Mapping[str, Any], version: str | None) -> tuple[bool, bool, bool]:
    """(Keras 3 serialization, Keras 1 config, holds a Merge layer): what ``keras_version`` says,
    else what the layer entries show.  One pass over the layer lists only (never into their
    configs' values): the engine describes a large model in tens of milliseconds, and this must
    cost much less."""
    if version is not None and version[:2] in ("2.", "3."):
        if version.startswith("3."):
            return True, False, False
        if not version.startswith(("2.0.", "2.1.")):  # Keras 2.2 removed the legacy Merge layer
            return False, False, False
        return False, False, any(e.get("class_name") == "Merge" for e in _layer_entries(data))
    if "module" in data:
        return True, False, False
    known1 = version is not None and version.startswith("1.")
    keras1 = merge = False
    for entry in _layer_entries(data):
        if _is_keras3_entry(entry):
            return True, False, False
        class_name = entry.get("class_name")
        merge = merge or class_name == "Merge"
        if not keras1 and not known1:
            keras1 = _is_keras1_entry(entry)
    return False, keras1 or known1, merge


def _layer_entries(model: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """The layer entries of a model config, those of nested models and wrapped layers included."""
    config = model.get("config")
    layers = config if isinstance(config, list) else config.get("layers") if isinstance(config, Mapping) else None
    if not isinstance(layers, list):
        return
    for entry in layers:
        while isinstance(entry, Mapping):
            yield entry
            inner = entry.get("config")
            if isinstance(inner, list) or (isinstance(inner, Mapping) and isinstance(inner.get("layers"), list)):
                yield from _layer_entries(entry)
                break
            entry = inner.get("layer") if isinstance(inner, Mapping) else None  # TimeDistributed, Bidirectional


def _is_keras3_entry(entry: Mapping[str, Any]) -> bool:
    if "module" in entry or "registered_name" in entry:
        return True
    nodes = entry.get("inbound_nodes")
    return isinstance(nodes, list) and bool(nodes) and isinstance(nodes[0], Mapping)


_MODEL_CLASSES = frozenset({"Sequential", "Model", "Functional", "Container"})

_BUILT_IN = frozenset({*KEY_RENAMES, *CLASS_RENAMES, *KERAS1_ONLY, "InputLayer", "TimeDistributedDense", "Merge"})


def _is_keras1_entry(entry: Mapping[str, Any]) -> bool:
    class_name = entry.get("class_name")
    if not isinstance(class_name, str):
        return False
    if class_name in KERAS1_CLASSES:
        return True
    config = entry.get("config")
    if not isinstance(config, Mapping) or class_name not in _BUILT_IN:  # a custom layer may have any key
        return False
    return any(k in KERAS1_KEYS for k in config) or any(k in config for k in KERAS1_CLASS_KEYS.get(str(class_name), ()))


# -- the converter -----------------------------------------------------------------------------


class _Converter:
    def __init__(self, keras1: bool, backend: str | None, version: str | None, orderings: Mapping[str, int]) -> None:
        self.keras1 = keras1
        self.version = version
        self.backend = backend
        self.default_ordering, self.ordering_source = _default_ordering(orderings, backend, version)
        self.input_dtype = keras1  # a dtype on a layer holding batch_input_shape is the input's
        self.names: set[str] = set()  # names given to layers and models this conversion made
        self.class_renames: dict[str, str] = {}
        self.key_renames: dict[tuple[str, str], None] = {}  # an ordered set of (old, new)
        self.extra: list[str] = []
        self.defaulted: list[str] = []

    # notes ------------------------------------------------------------------------------------

    def note(self, text: str) -> None:
        if text not in self.extra:
            self.extra.append(text)

    def notes(self, list_form: bool) -> tuple[str, ...]:
        out: list[str] = []
        if list_form:
            out.append("list-form Sequential config (Keras 1.x–2.1 to_json) read as {name, layers}")
        if self.keras1:
            where = f"keras_version {self.version}" if self.version else "Keras 1 argument names, no keras_version"
            parts = [f"{a} → {b}" for a, b in self.class_renames.items()] + [f"{a} → {b}" for a, b in self.key_renames]
            text = f"Keras 1 config ({where}) converted to Keras 2"
            out.append(f"{text}: {', '.join(parts)}" if parts else text)
        if self.defaulted:
            ordering = DIM_ORDERING[self.default_ordering]
            out.append(
                f"dim_ordering 'default' (or not given) in {', '.join(self.defaulted)} taken as "
                f"'{self.default_ordering}' ({ordering}): {self.ordering_source}"
            )
        return tuple(out + self.extra)

    # models -----------------------------------------------------------------------------------

    def model(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        class_name = str(entry.get("class_name"))
        config = entry.get("config")
        if isinstance(config, list) or class_name == "Sequential":
            return self.sequential(entry)
        if isinstance(config, Mapping) and isinstance(config.get("layers"), list):
            return self.functional(entry)
        raise ModelFileError(f"not a Keras model config: class_name {class_name!r} with config {_short(config)}")

    def sequential(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        config = entry.get("config")
        if isinstance(config, list):
            layers: Sequence[Any] = config
            name = entry.get("name") or "sequential"
            rest: dict[str, Any] = {}
        elif isinstance(config, Mapping) and isinstance(config.get("layers"), list):
            layers = config["layers"]
            name = config.get("name") or entry.get("name") or "sequential"
            rest = {k: v for k, v in config.items() if k not in ("name", "layers")}
        else:
            raise ModelFileError(f"Sequential: config must be a list of layers or hold one, got {_short(config)}")
        converted = []
        for i, layer in enumerate(layers):
            if not isinstance(layer, Mapping) or "class_name" not in layer:
                raise ModelFileError(f"Sequential {name!r}: layer {i} is not a {{class_name, config}} mapping: {_short(layer)}")
            layer_config = layer.get("config")
            if i == 0 and layer.get("class_name") == "Merge" and isinstance(layer_config, Mapping) and "layers" in layer_config:
                return self.multi_branch(str(name), layer, layers[1:], rest)
            new = self.entry(layer)
            if i > 0 and not (isinstance(layer_config, Mapping) and "batch_input_shape" in layer_config):
                # Keras 1 wrote input_dim on later layers too (an RNN's, once built): only the
                # first layer's input shape means anything in a Sequential.
                if isinstance(new.get("config"), dict):
                    new["config"].pop("batch_input_shape", None)
            converted.append(new)
        out = {"name": name, "layers": converted, **rest}
        first = layers[0].get("config") if layers else None
        self.input_layer_first(out, first.get("input_dtype") if isinstance(first, Mapping) else None)
        return {"class_name": "Sequential", "config": out}

    def multi_branch(self, name: str, merge: Mapping[str, Any], layers: Sequence[Any], rest: Mapping[str, Any]) -> dict[str, Any]:
        """The multi-branch Sequential of Keras 1–2.1 (a first layer ``Merge`` of sub-models, which
        Keras 2.0's ``Sequential.legacy_from_config`` still built) as the functional model it
        computes: an InputLayer per branch, each branch called on it as a nested model, the
        merging layer over their outputs, then the remaining layers."""
        cfg = dict(merge.get("config") or {})
        branches = cfg.pop("layers")
        mname = str(cfg.get("name") or "merge")
        if not isinstance(branches, list) or not branches:
            raise ModelFileError(f"Sequential {name!r}: Merge {mname!r} lists no sub-models: {_short(branches)}")
        out: list[dict[str, Any]] = []
        inputs: list[str] = []
        merged: list[list[Any]] = []
        for i, branch in enumerate(branches):
            if isinstance(branch, list):  # the branch's own list-form config, without its class_name
                branch = {"class_name": "Sequential", "config": branch}
            if not isinstance(branch, Mapping) or str(branch.get("class_name")) not in _MODEL_CLASSES:
                raise ModelFileError(
                    f"Sequential {name!r}: sub-model {i} of its first layer {mname!r} (Merge) is not a model config: {_short(branch)}"
                )
            given = branch.get("name") or (branch["config"].get("name") if isinstance(branch.get("config"), Mapping) else None)
            bname = self.unique(str(given or f"sequential_{i + 1}"))
            new = self.entry({**{k: v for k, v in branch.items() if k != "inbound_nodes"}, "name": bname})
            new.pop("name", None)
            new["config"]["name"] = bname
            first = (new["config"].get("layers") or [{}])[0]
            if (
                not isinstance(first, Mapping)
                or first.get("class_name") != "InputLayer"
                or not isinstance(first.get("config"), Mapping)
                or "batch_input_shape" not in first["config"]
            ):
                raise ModelFileError(
                    f"Sequential {name!r}: sub-model {i} of its first layer {mname!r} (Merge) gives no input shape"
                )
            iname = self.unique(f"{bname}_input")
            spec = {
                "batch_input_shape": first["config"]["batch_input_shape"],
                "dtype": first["config"].get("dtype") or "float32",
                "sparse": False,
                "name": iname,
            }
            out.insert(i, {"class_name": "InputLayer", "config": spec, "name": iname, "inbound_nodes": []})  # inputs first
            out.append({**new, "name": bname, "inbound_nodes": [[[iname, 0, 0, {}]]]})
            inputs.append(iname)
            merged.append([bname, 1, 0, {}])  # Keras 2 numbers a nested model's calls from 1 (node 0 builds it)
        if self.keras1:
            new_class, new_cfg = self.layer("Merge", cfg)
        else:
            new_class, new_cfg = self.merge(mname, cfg)
        new_cfg.setdefault("name", mname)
        out.append({"class_name": new_class, "config": new_cfg, "name": mname, "inbound_nodes": [merged]})
        previous = [mname, 0, 0]
        for i, layer in enumerate(layers, start=1):
            if not isinstance(layer, Mapping) or "class_name" not in layer:
                raise ModelFileError(f"Sequential {name!r}: layer {i} is not a {{class_name, config}} mapping: {_short(layer)}")
            new = self.entry(layer)
            lcfg = new.get("config")
            if isinstance(lcfg, dict) and new.get("class_name") not in _MODEL_CLASSES:
                lcfg.pop("batch_input_shape", None)  # only a Sequential's first layer's means anything
            lname = str((lcfg.get("name") if isinstance(lcfg, Mapping) else None) or self.unique(str(new["class_name"]).lower()))
            out.append({**new, "name": lname, "inbound_nodes": [[[*previous, {}]]]})
            inner_layers = lcfg.get("layers") if isinstance(lcfg, Mapping) else None
            starts_with_input = (
                isinstance(inner_layers, list)
                and bool(inner_layers)
                and isinstance(inner_layers[0], Mapping)
                and inner_layers[0].get("class_name") == "InputLayer"
            )
            previous = [lname, 1 if new.get("class_name") in _MODEL_CLASSES and starts_with_input else 0, 0]
        config = {
            "name": name,
            "layers": out,
            "input_layers": [[i, 0, 0] for i in inputs],
            "output_layers": [previous],
            **{k: v for k, v in rest.items() if k not in ("input_layers", "output_layers")},
        }
        self.note(
            f"Sequential {name!r}: its first layer {mname!r} merges {len(branches)} sub-models (the multi-branch Sequential "
            f"Keras 1–2.1 saved): rebuilt as a functional model with inputs {', '.join(inputs)}, each sub-model called on "
            f"its input as a nested model, {new_class} over their outputs, then the remaining {len(layers)} layer(s)"
        )
        return {"class_name": "Functional", "config": config}

    def unique(self, base: str) -> str:
        """``base``, or ``base_2``, ``base_3``, …: a name no layer or model of the file has."""
        name, n = base, 1
        while name in self.names:
            n += 1
            name = f"{base}_{n}"
        self.names.add(name)
        return name

    def functional(self, entry: Mapping[str, Any]) -> dict[str, Any]:
        config = entry["config"]
        layers = []
        for layer in config["layers"]:
            if not isinstance(layer, Mapping) or "class_name" not in layer:
                raise ModelFileError(
                    f"model {config.get('name')!r}: a layer is not a {{class_name, config}} mapping: {_short(layer)}"
                )
            new = self.entry(layer)
            if "inbound_nodes" in layer:
                nodes = layer["inbound_nodes"] or []
                new["inbound_nodes"] = [self.node(n) for n in nodes] if isinstance(nodes, list) else nodes
            layers.append(new)
        out = {k: v for k, v in config.items() if k != "layers"}
        out["layers"] = layers
        class_name = str(entry.get("class_name"))
        if self.keras1 and class_name in ("Model", "Container"):
            self.class_renames.setdefault(class_name, "Functional")
            class_name = "Functional"
        return {"class_name": class_name, "config": out}

    def node(self, node: Any) -> Any:
        """A Keras 1 inbound node ``[[layer, node, tensor], ...]`` in Keras 2's form (each leaf
        with its call kwargs, ``{}``)."""
        if not self.keras1 or not isinstance(node, list):
            return node
        out = []
        for leaf in node:
            if isinstance(leaf, list) and len(leaf) == 3 and isinstance(leaf[0], str):
                out.append([*leaf, {}])
            else:
                out.append(leaf)
        return out

    # layers -----------------------------------------------------------------------------------

    def entry(self, layer: Mapping[str, Any]) -> dict[str, Any]:
        """One layer entry (``class_name``, ``config``, and for functional models ``name`` /
        ``inbound_nodes``), converted."""
        class_name = str(layer.get("class_name"))
        config = layer.get("config")
        extra = {k: v for k, v in layer.items() if k not in ("class_name", "config")}
        if class_name in ("Sequential", "Model", "Functional", "Container") or (
            isinstance(config, Mapping) and isinstance(config.get("layers"), list) and class_name != "Merge"
        ):
            sub = self.model(layer)
            if sub["class_name"] == "Sequential" and "name" in extra:
                sub["config"]["name"] = extra["name"]
            return {**sub, **extra}
        if not isinstance(config, Mapping):
            raise ModelFileError(f"layer {class_name}: config must be a mapping, got {_short(config)}")
        if not self.keras1:
            if class_name == "Merge":
                new_class, new_config = self.merge(str(config.get("name") or class_name), dict(config))
                self.note(f"{new_config.get('name')}: Keras 2.0's legacy Merge(mode={config.get('mode', 'sum')!r}) → {new_class}")
                return {"class_name": new_class, "config": new_config, **extra}
            return {"class_name": class_name, "config": dict(config), **extra}
        new_class, new_config = self.layer(class_name, config)
        return {"class_name": new_class, "config": new_config, **extra}

    def input_layer_first(self, config: dict[str, Any], dtype: Any) -> None:
        """An InputLayer before a converted Sequential's first layer, holding that layer's
        ``batch_input_shape`` (and the input dtype Keras 1 called ``input_dtype``), as tf-keras
        writes a Sequential.  Keras 3's legacy loader reads ``batch_input_shape`` on any other
        layer as the shape *without* the batch axis (``saving_utils.model_from_config``), and a
        Sequential nested in a functional model is called at node 1 in Keras 1 and 2.0 configs,
        which Keras 2 numbers so only for a nested model that starts with an InputLayer.

        In Keras 1 and 2.0–2.2 a ``dtype`` on the layer holding ``batch_input_shape`` is the
        input's (``Layer.__init__``), not the weights' as in Keras 2.3+: it moves to the
        InputLayer.  A nested model as the first layer keeps its own InputLayer (tf-keras writes
        such a Sequential so) and the outer Sequential gets one with the same input shape."""
        layers = config["layers"]
        if not layers or layers[0].get("class_name") == "InputLayer":
            return
        first = layers[0].get("config")
        if not isinstance(first, Mapping):
            return
        if layers[0].get("class_name") in _MODEL_CLASSES or isinstance(first.get("layers"), list):
            spec = _first_input(layers[0])
            if spec is None:
                return
            inner = first.get("name") or "model"
            name = self.unique(f"{inner}_input")
            layers.insert(0, {"class_name": "InputLayer", "config": {**spec, "sparse": False, "name": name}})
            self.note(
                f"Sequential {config.get('name')!r}: InputLayer {name!r} added before its first layer, the nested model "
                f"{inner!r}, holding the batch_input_shape of that model's first layer"
            )
            return
        if first.get("batch_input_shape") is None:
            return
        shape = first["batch_input_shape"]
        cfg = {k: v for k, v in first.items() if k != "batch_input_shape"}
        moved = cfg.pop("dtype", None) if self.input_dtype else None
        layers[0] = {**layers[0], "config": cfg}
        name = self.unique(f"{first.get('name') or str(layers[0].get('class_name', 'layer')).lower()}_input")
        spec = {
            "batch_input_shape": shape,
            "dtype": dtype or moved or cfg.get("dtype") or "float32",
            "sparse": False,
            "name": name,
        }
        layers.insert(0, {"class_name": "InputLayer", "config": spec})
        self.note(
            f"Sequential {config.get('name')!r}: InputLayer {name!r} added before its first layer, holding its batch_input_shape"
        )
        if moved is not None and moved != "float32":
            self.note(
                f"{first.get('name')}: dtype {moved!r} moved to InputLayer {name!r}: in Keras 1 and 2.0–2.2 a dtype next to "
                "batch_input_shape is the input's, not the weights'"
            )

    def rename_class(self, old: str, new: str) -> str:
        self.class_renames.setdefault(old, new)
        return new

    def rename(self, cfg: dict[str, Any], old: str, new: str, value: Any = None, *, layer: str) -> None:
        if old not in cfg:
            return
        v = cfg.pop(old)
        if new in cfg and cfg[new] != v:
            raise ModelFileError(f"layer {layer!r}: has both the Keras 1 key {old}={v!r} and the Keras 2 key {new}={cfg[new]!r}")
        cfg[new] = v if value is None else value
        if old != "dim_ordering":  # ordering() names that one with its values
            self.key_renames.setdefault((old, new))

    def layer(self, class_name: str, config: Mapping[str, Any]) -> tuple[str, dict[str, Any]]:
        """A Keras 1 layer (class name, config) → the Keras 2 one."""
        cfg = dict(config)
        name = str(cfg.get("name") or class_name)
        if "input_dtype" in cfg:
            if class_name == "InputLayer":
                self.rename(cfg, "input_dtype", "dtype", layer=name)
            else:
                # The dtype of the input Keras 1 made for the layer, not of its weights (Keras 2's
                # ``dtype``): an Embedding's int32 input would make int32 embeddings.
                cfg.pop("input_dtype")
                self.key_renames.setdefault(("input_dtype", "(dropped: the input's dtype, not the layer's)"))
        if class_name == "Merge":
            return self.merge(name, cfg)
        if class_name == "TimeDistributedDense":
            return self.time_distributed_dense(name, cfg)
        if class_name in KERAS1_ONLY:
            self.note(f"{name}: {class_name} is a Keras 1 layer with no Keras 2 class ({KERAS1_ONLY[class_name]}): kept as it is")
            self.input_shape(class_name, name, cfg)
            return class_name, cfg
        if class_name in ("TimeDistributed", "Bidirectional"):
            return self.wrapper(class_name, name, cfg)
        new_class = CLASS_RENAMES.get(class_name, class_name)
        if class_name.startswith("Atrous"):
            self.rename_class(class_name, f"{new_class}(dilation_rate=atrous_rate)")
        elif new_class != class_name:
            self.rename_class(class_name, new_class)
        self.kernel_size(new_class, name, cfg)
        if new_class == "SeparableConv2D" and "init" in cfg:
            init = cfg.pop("init")
            cfg.setdefault("depthwise_initializer", init)
            cfg.setdefault("pointwise_initializer", init)
            self.key_renames.setdefault(("init", "depthwise_initializer/pointwise_initializer"))
        if class_name == "Deconvolution2D" and "output_shape" in cfg:
            given = cfg.pop("output_shape")
            self.note(
                f"{name}: Deconvolution2D's output_shape {given!r} dropped (Conv2DTranspose computes its output shape, as Keras 2.0 did)"
            )
        if class_name in ("AtrousConvolution1D", "AtrousConvolution2D") and "atrous_rate" not in cfg:
            cfg["dilation_rate"] = 1
        for old, new in KEY_RENAMES.get(new_class, ()):
            if old not in cfg:
                continue
            value = cfg[old]
            if old == "dim_ordering":
                value = self.ordering(new_class, name, value)
            elif old == "border_mode":
                if value == "full":
                    raise ModelFileError(
                        f"layer {name!r} ({class_name}): border_mode='full' (Theano's full convolution) has no Keras 2 padding"
                    )
            elif old == "consume_less":
                if not isinstance(value, str) or value not in CONSUME_LESS:
                    raise ModelFileError(f"layer {name!r} ({class_name}): consume_less={value!r} is not 'cpu', 'mem' or 'gpu'")
                if new_class == "SimpleRNN":
                    # Keras 2.0 passed it on as implementation=…, which SimpleRNN never used (and
                    # Keras 3's SimpleRNN refuses): dropped.
                    del cfg[old]
                    self.key_renames.setdefault(("consume_less (SimpleRNN)", "(dropped: SimpleRNN has one implementation)"))
                    continue
                value = CONSUME_LESS[value]
            elif old.endswith("_regularizer") or old.endswith("_constraint"):
                value = _regularizer_or_constraint(value)
            elif old in ("subsample", "atrous_rate") and isinstance(value, list):
                value = list(value)
            self.rename(cfg, old, new, value, layer=name)
        for key in [k for k in cfg if k.endswith(("_regularizer", "_constraint"))]:
            cfg[key] = _regularizer_or_constraint(cfg[key])
        if new_class in ORDERED and "data_format" not in cfg:
            cfg["data_format"] = self.ordering(new_class, name, "default")
        self.input_shape(new_class, name, cfg)
        self.specials(class_name, new_class, name, cfg)
        return new_class, cfg

    def kernel_size(self, new_class: str, name: str, cfg: dict[str, Any]) -> None:
        keys: tuple[str, ...] = ()
        if new_class in ("Conv2D", "Conv2DTranspose", "SeparableConv2D", "LocallyConnected2D", "ConvLSTM2D"):
            keys = ("nb_row", "nb_col")
        elif new_class == "Conv3D":
            keys = ("kernel_dim1", "kernel_dim2", "kernel_dim3")
        present = [k for k in keys if k in cfg]
        if not present:
            return
        if len(present) != len(keys):
            missing = [k for k in keys if k not in cfg]
            raise ModelFileError(
                f"layer {name!r}: has {', '.join(f'{k}={cfg[k]!r}' for k in present)} but no {', '.join(missing)}"
            )
        cfg["kernel_size"] = [cfg.pop(k) for k in keys]
        self.key_renames.setdefault(("/".join(keys), "kernel_size"))

    def ordering(self, new_class: str, name: str, value: Any) -> str:
        if value in ("default", None):
            if name not in self.defaulted:
                self.defaulted.append(name)
            value = self.default_ordering
        if not isinstance(value, str) or value not in DIM_ORDERING:
            raise ModelFileError(f"layer {name!r} ({new_class}): dim_ordering={value!r} is not 'th', 'tf' or 'default'")
        self.key_renames.setdefault(("dim_ordering th/tf", "data_format channels_first/channels_last"))
        return DIM_ORDERING[value]

    def input_shape(self, new_class: str, name: str, cfg: dict[str, Any]) -> None:
        """Keras 1 ``input_dim`` / ``input_length`` → ``batch_input_shape`` (Embedding keeps its
        ``input_dim``, the vocabulary size, and ``input_length``)."""
        if new_class == "Embedding":
            length = cfg.get("input_length")
            if "batch_input_shape" not in cfg and "input_dim" in cfg:
                cfg["batch_input_shape"] = [None, length]
            return
        if new_class not in _SEQUENCE_INPUT and new_class not in _VECTOR_INPUT:
            return
        dim = cfg.pop("input_dim", None)
        length = cfg.pop("input_length", None)
        if dim is None:
            return
        if "batch_input_shape" not in cfg:
            cfg["batch_input_shape"] = [None, dim] if new_class in _VECTOR_INPUT else [None, length, dim]
            self.key_renames.setdefault(("input_dim/input_length", "batch_input_shape"))

    def specials(self, old_class: str, new_class: str, name: str, cfg: dict[str, Any]) -> None:
        if new_class == "Embedding" and "dropout" in cfg:
            rate = cfg.pop("dropout")
            if rate:
                self.note(f"{name}: Embedding dropout={rate!r} dropped (Keras 2 has none; it adds no weights)")
        if new_class == "BatchNormalization" and "mode" in cfg:
            mode = cfg.pop("mode")
            if mode not in (0, None):
                self.note(
                    f"{name}: BatchNormalization mode={mode!r} dropped: Keras 2.0 refused modes 1 and 2; "
                    "the weights are the same as mode 0's (gamma, beta, moving mean and variance)"
                )
        if new_class in _RECURRENT_CLASSES or new_class == "ConvLSTM2D":
            if "forget_bias_init" in cfg:
                init = cfg.pop("forget_bias_init")
                if init == "one":
                    cfg["unit_forget_bias"] = True
                    self.key_renames.setdefault(("forget_bias_init='one'", "unit_forget_bias=True"))
                elif init in ("zero", "zeros"):
                    cfg["unit_forget_bias"] = False
                    self.key_renames.setdefault(("forget_bias_init='zero'", "unit_forget_bias=False"))
                else:
                    self.note(f"{name}: forget_bias_init={init!r} dropped (Keras 2 knows only ones or the bias initializer)")
        if new_class == "GRU" and "reset_after" not in cfg:
            cfg["reset_after"] = False
            self.note(
                f"{name}: GRU reset_after=False written out (Keras 1's GRU has one bias per gate; Keras 2.15's default reset_after=True has two)"
            )
        if new_class == "ZeroPadding2D" and "padding" in cfg:
            cfg["padding"] = _zero_padding_2d(name, cfg["padding"])
        if new_class == "ZeroPadding1D" and isinstance(cfg.get("padding"), Mapping):
            pad = cfg["padding"]
            cfg["padding"] = [pad.get("left_pad", 0), pad.get("right_pad", 0)]

    def wrapper(self, class_name: str, name: str, cfg: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        inner = cfg.get("layer")
        if not isinstance(inner, Mapping) or "class_name" not in inner:
            raise ModelFileError(
                f"layer {name!r} ({class_name}): 'layer' is not a {{class_name, config}} mapping: {_short(inner)}"
            )
        new_inner = self.entry(inner)
        inner_cfg = new_inner.get("config")
        if isinstance(inner_cfg, dict):
            shape = inner_cfg.pop("batch_input_shape", None)
            if isinstance(shape, list) and shape and "batch_input_shape" not in cfg:
                cfg["batch_input_shape"] = [shape[0], None, *shape[1:]] if class_name == "TimeDistributed" else shape
        cfg["layer"] = new_inner
        self.input_shape(class_name, name, cfg)
        return class_name, cfg

    def time_distributed_dense(self, name: str, cfg: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        outer: dict[str, Any] = {k: cfg.pop(k) for k in ("name", "trainable", "batch_input_shape", "dtype") if k in cfg}
        dim = cfg.pop("input_dim", None)
        length = cfg.pop("input_length", None)
        if dim is not None and "batch_input_shape" not in outer:
            outer["batch_input_shape"] = [None, length, dim]
        dense_class, dense = self.layer("Dense", {"name": f"{name}_dense", **cfg})
        self.rename_class("TimeDistributedDense", "TimeDistributed(Dense)")
        self.note(f"{name}: TimeDistributedDense (Keras 1 only) became TimeDistributed(Dense): the same kernel and bias")
        return "TimeDistributed", {**outer, "layer": {"class_name": dense_class, "config": dense}}

    def merge(self, name: str, cfg: dict[str, Any]) -> tuple[str, dict[str, Any]]:
        mode = cfg.get("mode", "sum")
        if cfg.get("mode_type", "raw") != "raw" or not isinstance(mode, str):
            raise ModelFileError(
                f"layer {name!r} (Merge): mode {_short(mode)} is a Python function: no Keras 2 merging layer computes it"
            )
        if mode not in MERGE_MODES:
            raise ModelFileError(f"layer {name!r} (Merge): mode={mode!r} is not one of {', '.join(MERGE_MODES)}")
        new_class = MERGE_MODES[mode]
        out: dict[str, Any] = {k: cfg[k] for k in ("name", "trainable", "dtype") if k in cfg}
        if mode == "concat":
            out["axis"] = cfg.get("concat_axis", -1)
        elif mode in ("dot", "cos"):
            axes = cfg.get("dot_axes", -1)
            if not isinstance(axes, (int, list, tuple)):
                raise ModelFileError(f"layer {name!r} (Merge): dot_axes={_short(axes)} is not an int or a list of ints")
            out["axes"] = [axes, axes] if isinstance(axes, int) else list(axes)
            out["normalize"] = mode == "cos"
        self.rename_class(f"Merge(mode='{mode}')", new_class + ("(normalize=True)" if mode == "cos" else ""))
        return new_class, out


# -- values ------------------------------------------------------------------------------------

_CONSTRAINT_NAMES = {"maxnorm": "max_norm", "nonneg": "non_neg", "unitnorm": "unit_norm"}
_REGULARIZER_CLASSES = frozenset({"WeightRegularizer", "ActivityRegularizer", "L1L2Regularizer"})


def _first_input(entry: Mapping[str, Any]) -> dict[str, Any] | None:
    """``{"batch_input_shape", "dtype"}`` of a converted model's input: its first layer's, looking
    into nested models (recursively); None when it has none."""
    for _ in range(32):
        config = entry.get("config")
        if not isinstance(config, Mapping):
            return None
        if config.get("batch_input_shape") is not None:
            return {"batch_input_shape": config["batch_input_shape"], "dtype": config.get("dtype") or "float32"}
        layers = config.get("layers")
        if not isinstance(layers, list) or not layers or not isinstance(layers[0], Mapping):
            return None
        entry = layers[0]
    return None


def _names(data: Mapping[str, Any]) -> set[str]:
    """Every layer and model name a model config holds."""
    names: set[str] = set()
    config = data.get("config")
    if isinstance(config, Mapping) and isinstance(config.get("name"), str):
        names.add(config["name"])
    for entry in _layer_entries(data):
        for holder in (entry, entry.get("config")):
            if isinstance(holder, Mapping) and isinstance(holder.get("name"), str):
                names.add(holder["name"])
    return names


def _regularizer_or_constraint(value: Any) -> Any:
    """Keras 1 ``{"name": "WeightRegularizer", "l1": .., "l2": ..}`` / ``{"name": "MaxNorm", "m":
    ..}`` → Keras 2 ``{"class_name": ..., "config": {...}}``; names like ``maxnorm`` → ``max_norm``.
    Neither changes a weight's shape."""
    if isinstance(value, str):
        return _CONSTRAINT_NAMES.get(value, value)
    if not isinstance(value, Mapping) or "name" not in value or "class_name" in value:
        return value
    kind = str(value["name"])
    params = {k: v for k, v in value.items() if k != "name"}
    if kind in _REGULARIZER_CLASSES:
        return {"class_name": "L1L2", "config": {"l1": _float(params.get("l1", 0.0)), "l2": _float(params.get("l2", 0.0))}}
    if kind == "MaxNorm":
        return {"class_name": "MaxNorm", "config": {"max_value": params.get("m", 2), "axis": params.get("axis", 0)}}
    if kind in ("UnitNorm", "NonNeg"):
        return {"class_name": kind, "config": {k: v for k, v in params.items() if k == "axis"}}
    return {"class_name": kind, "config": params}


def _float(value: Any) -> Any:
    """A regularization factor as a float; anything else is kept (it changes no weight)."""
    return float(value) if isinstance(value, (int, float)) and not isinstance(value, bool) else value


def _zero_padding_2d(name: str, padding: Any) -> Any:
    """Keras 1.2 ``ZeroPadding2D(padding=(top, bottom, left, right))`` or a dict of
    ``top_pad`` … → Keras 2 ``((top, bottom), (left, right))``."""
    if isinstance(padding, Mapping):
        unknown = set(padding) - {"top_pad", "bottom_pad", "left_pad", "right_pad"}
        if unknown:
            raise ModelFileError(
                f"layer {name!r} (ZeroPadding2D): padding keys {sorted(unknown)} are not top/bottom/left/right_pad"
            )
        return [
            [padding.get("top_pad", 0), padding.get("bottom_pad", 0)],
            [padding.get("left_pad", 0), padding.get("right_pad", 0)],
        ]
    if isinstance(padding, list) and len(padding) == 4 and all(isinstance(p, int) for p in padding):
        return [padding[:2], padding[2:]]
    return padding


def _short(value: Any, limit: int = 80) -> str:
    return short(value, limit)
