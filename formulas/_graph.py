"""Whole models: every layer's weights and output shape from the model's configuration alone.

The input is the dict ``json.loads(model.to_json())`` gives (or a ``.keras`` file's
``config.json``), from Keras 3 or Keras 2: ``Sequential``, ``Functional`` (``Model`` in old
Keras 2), models used as layers, shared layers, several inputs and outputs.  Shapes propagate
from the model's input specs (or ``input_shapes=``) through the graph, each layer described by its
formula; nothing is built and no layer code runs.

Two serializations of a call ("inbound node"):

* Keras 3 (``keras/src/models/functional.py``): ``{"args": [...], "kwargs": {...}}`` where each
  tensor is ``{"class_name": "__keras_tensor__", "config": {"keras_history": [layer, node,
  index]}}``.  A nested ``Functional`` starts with a node of its own, so its node indices in the
  outer config start at 1 (``functional_from_config`` subtracts 1).
* Keras 2 (``tf_keras/src/engine/functional.py``): a nested list whose leaves are ``[layer, node,
  index, kwargs]``; ``["_CONSTANT_VALUE", -1, value, kwargs]`` is a constant first argument.  A
  single-leaf list is unnested except for ``TFOpLambda`` (which keeps the call's structure).

Which call arguments are a layer's inputs (:func:`_bind_call`): MultiHeadAttention sees (query,
value[, key]) whether they come by position or keyword (Keras 2 keeps all but the query in the
node's kwargs: ``[["q", 0, 0, {"value": ["v", 0, 0]}]]``); an RNN sees its sequence, its
``initial_state`` set aside (Keras 3: a kwarg; Keras 2 folds the states into the inbound tensors,
``[["dec_in", 0, 0, {}], ["enc", 0, 1, {}], ["enc", 0, 2, {}]]``); masks, ``training`` and other
options are not inputs; ``return_attention_scores=True`` adds the scores output.

Weights count once per layer however often it is called; a row's output shape is its first call's.

A layer (or a whole model) may also be *shared between models*: used by the outer model directly
and again inside a nested model that holds the same layer object (keras-team/keras#3661).  Keras
counts its weights once (``Layer.weights`` skips a variable it has already listed), so the totals
here, and a nested model row's weights, count each shared layer once, wherever in the tree it is
reached from; each row still shows its own layer's weights, as ``model.summary()`` does, and a
row met after the first use says so (:attr:`LayerRow.shared_with`).  Which entries are one object:

* a Keras 3 ``.keras`` file (written under ``ObjectSharingScope``) marks an object serialized
  more than once with a ``shared_object_id``: entries with the same id are the same object.  The
  first occurrence is not always marked (inside a nested model the mark lands on a copy), so an
  unmarked entry with a marked one's class, name and config is that object too; when the file
  carries any mark, every other entry is an object of its own (:func:`_sharing_keys`);
* a configuration with no ``shared_object_id`` at all (``to_json()``, ``.h5``, every Keras 2 file)
  records no sharing, so the engine infers it: a layer met in two places of the tree (the outer
  model and a nested model, or two nested models) with the same class, name and ``config`` (the
  entry's ``inbound_nodes`` and ``build_config`` aside) is one layer.  Keras 2 names layers
  uniquely per session (``backend.unique_object_name``), and Keras 3 auto-names them uniquely too,
  so two distinct layers in one saved tree rarely share a name *and* a config.  This guess is wrong
  when two copies of one saved model (loaded twice, so both keep their saved names) are nested side
  by side, or when user-given names repeat across nested models with equal configs: the engine
  then counts their weights once where Keras counts them twice.

When a shared layer is frozen in one place only (a frozen nested model around it, the layer itself
trainable), Keras 3 asks the variable, whose flag the layer sets (the outer model counts it
trainable); tf-keras lists it in both ``trainable_weights`` and ``non_trainable_weights``
(``count_params()`` still once).  The engine counts it once, as trainable if any use of it is.
"""

from __future__ import annotations

import hashlib
import heapq
import json
import zipfile
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from ._config import Config, whole
from ._model import InvalidLayerError, OutputShape, Shape, UnknownLayerError, Weight, WeightCounts, one_line, short
from ._registry import run
from ._shapes import as_shape
from ._version import KerasVersion
from .layers import ops
from .layers.attention import LIST_ATTENTION, QUERY_VALUE_KEY, attention_scores_shape
from .layers.preprocessing import ASSET_VOCABULARY
from .layers.recurrent import CELL_CALLS, RNN_CALLS, cell_call_outputs, check_initial_state

MODEL_CLASSES = frozenset({"Sequential", "Functional", "Model"})


class ModelFileError(ValueError):
    """A model file that cannot be read as a Keras model config; the message names the path."""


# -- results ----------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerRow(WeightCounts):
    """One top-level layer of a model, in the order ``model.layers`` lists it.

    ``weights`` are in the order ``layer.weights`` lists them, with the trainable flag as the
    model counts it (a layer or nested model with ``trainable=False`` makes all its weights
    non-trainable).  ``output_shape`` is the first call's (None when unknown).  ``error`` says why
    the row could not be described (then ``weights`` is empty); ``no_formula`` marks errors that
    mean "no formula" (a Lambda without ``output_shape``, an unknown class, an input that depends
    on such a layer) rather than "Keras would refuse this".  ``layers`` holds a nested model's rows.
    """

    name: str
    class_name: str
    output_shape: OutputShape | None
    weights: tuple[Weight, ...]
    formula: str
    error: str | None = None
    no_formula: bool = False
    layers: tuple[LayerRow, ...] = ()
    #: where the same layer (or model) was met first (``"dense"``, ``"encoder/dense"``): its weights
    #: are that layer's and the model's totals count them once.  On a nested model row: the first
    #: places of the layers it shares with the rest of the model, comma-separated.
    shared_with: str | None = None
    #: which object the entry is (see the module docstring); None: not shared with anything
    key: str | None = field(default=None, compare=False, repr=False)

    @property
    def complete(self) -> bool:
        return self.error is None and all(r.complete for r in self.layers)


@dataclass(frozen=True)
class ModelExpectation:
    """What Keras will build for a model config: one :class:`LayerRow` per top-level layer.

    The totals count each layer's weights once, as ``model.count_params()`` does, a layer shared
    between the model and a nested model included (so they may be less than the rows' sum).
    ``operations`` (an addition to the interface) holds Keras 3 operation nodes (``keras.ops.*``
    applied to symbolic tensors): ``model.layers`` does not list them and they have no weights,
    but an operation without a formula makes the model incomplete.
    """

    name: str
    class_name: str
    keras: str
    input_shapes: tuple[Shape, ...]
    output_shapes: tuple[OutputShape, ...]
    layers: tuple[LayerRow, ...]
    operations: tuple[LayerRow, ...] = field(default=(), compare=False)
    #: config order of layers and operations together (names), for the summary
    order: tuple[str, ...] = field(default=(), compare=False, repr=False)

    @cached_property
    def _unique_weights(self) -> tuple[Weight, ...]:
        return _model_weights(self.layers, True)

    @property
    def trainable(self) -> int:
        return sum(w.size for w in self._unique_weights if w.trainable)

    @property
    def non_trainable(self) -> int:
        return sum(w.size for w in self._unique_weights if not w.trainable)

    @property
    def total(self) -> int:
        return self.trainable + self.non_trainable

    @property
    def complete(self) -> bool:
        """Every row (and every operation) described."""
        return all(r.complete for r in self.layers) and all(r.complete for r in self.operations)

    def summary(self, *, width: int = 100) -> str:
        """A text table like ``model.summary()`` with a Formula column, then the totals."""
        from ._summary import render

        return render(self, width=width)


# -- reading files ----------------------------------------------------------------------------


def load_model_config(path: str | Path) -> dict[str, Any]:
    """The model config in ``path``: a ``.keras`` zip (only its ``config.json`` is read; weights
    are never unpacked and nothing runs) or a ``.json`` file (``model.to_json()`` or a bare
    ``{"class_name", "config"}``).  Raises :class:`ModelFileError` naming the path and the problem."""
    p = Path(path)
    if not p.exists():
        raise ModelFileError(f"{p}: no such file")
    if p.is_dir():
        raise ModelFileError(f"{p}: a directory, not a model file")
    if p.suffix == ".keras" or zipfile.is_zipfile(p):
        if not zipfile.is_zipfile(p):
            raise ModelFileError(f"{p}: not a zip file (a .keras file is a zip holding config.json)")
        try:
            with zipfile.ZipFile(p) as archive:
                if "config.json" not in archive.namelist():
                    raise ModelFileError(f"{p}: the archive has no config.json")
                raw = archive.read("config.json")
        except (zipfile.BadZipFile, OSError) as exc:
            raise ModelFileError(f"{p}: cannot read the zip: {exc}") from None
        where = f"{p}: config.json"
    else:
        try:
            raw = p.read_bytes()
        except OSError as exc:
            raise ModelFileError(f"{p}: cannot read: {exc.strerror or exc}") from None
        where = str(p)
    try:
        data = json.loads(raw.decode("utf-8"))
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{where}: not UTF-8 text (byte {exc.start})") from None
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{where}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not _is_model_config(data):
        got = f"keys {sorted(data)[:6]}" if isinstance(data, dict) else type(data).__name__
        raise ModelFileError(
            f"{where}: not a Keras model config (expected class_name Sequential/Functional/Model and a config with layers, got {got})"
        )
    return data  # type: ignore[no-any-return]


def _is_model_config(data: Any) -> bool:
    return (
        isinstance(data, dict)
        and isinstance(data.get("config"), dict)
        and (data.get("class_name") in MODEL_CLASSES or isinstance(data["config"].get("layers"), list))
        and isinstance(data["config"].get("layers"), list)
    )


# -- the graph --------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Ref:
    """A tensor in a serialized node: output ``index`` of ``layer``'s call number ``node``."""

    layer: str
    node: int
    index: int


@dataclass(frozen=True)
class _Unknown:
    """A tensor whose shape the engine cannot tell, and why."""

    reason: str


@dataclass
class _Call:
    args: list[Any]
    kwargs: dict[str, Any]


@dataclass
class _Layer:
    name: str
    class_name: str
    config: Mapping[str, Any]
    calls: list[_Call]
    is_op: bool  # a Keras 3 operation node (not in model.layers)
    row: LayerRow | None = None
    outputs: dict[int, list[Any]] = field(default_factory=dict)


Value = Shape | _Unknown


_NOT_MAPS = frozenset({str, int, float, bool, tuple, list, type(None)})


def _is_map(x: Any) -> bool:
    """``isinstance(x, Mapping)`` without the ABC check for the JSON types a config is made of
    (the check dominated the graph walk's time)."""
    t = type(x)
    return t is dict or (t not in _NOT_MAPS and isinstance(x, Mapping))


def _text(value: Any) -> str:
    """A name or class name from the config as text (a hostile one shortened)."""
    return value if isinstance(value, str) else short(value)


def _loose_config(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    """An entry's ``config`` where it is a mapping, else empty (for names and flags; the layer
    itself is refused by :func:`_config_of` when it is described)."""
    config: Mapping[str, Any] = entry.get("config")  # type: ignore[assignment]
    return config if _is_map(config) else {}


def _config_of(entry: Mapping[str, Any]) -> Mapping[str, Any]:
    """An entry's ``config``: empty when absent; one that is not a mapping is refused."""
    config = entry.get("config")
    if config is None:
        return {}
    if not _is_map(config):
        raise InvalidLayerError(f"{_text(entry.get('class_name'))}: 'config' must be a mapping, got {short(config)}")
    return config  # type: ignore[no-any-return]


def _entry_name(entry: Mapping[str, Any]) -> str:
    """The name a functional model's graph refers to an entry by."""
    return _text(entry.get("name") or _loose_config(entry).get("name"))


def _layer_entries(model: str, layers: Sequence[Any]) -> list[Mapping[str, Any]]:
    """A model config's ``layers``, each a mapping (else the model is refused, naming the entry)."""
    for i, entry in enumerate(layers):
        if not _is_map(entry):
            raise InvalidLayerError(
                f"{model}: layers[{i}] is not a layer config {{'class_name': ..., 'config': {{...}}}}: {short(entry)}"
            )
    return list(layers)


def _is_keras3_tensor(x: Any) -> bool:
    return _is_map(x) and x.get("class_name") == "__keras_tensor__"


def _history(value: Any, what: str) -> _Ref:
    """``[layer name, node index, tensor index]`` as a :class:`_Ref`; anything else is refused."""
    if (
        isinstance(value, (list, tuple))
        and len(value) == 3
        and isinstance(value[0], (str, int))
        and not isinstance(value[0], bool)
    ):
        node, index = whole(value[1]), whole(value[2])
        if node is not None and index is not None:
            return _Ref(str(value[0]), node, index)
    raise InvalidLayerError(f"{what} {short(value)} is not [layer name, node index, tensor index]")


def _convert3(x: Any) -> Any:
    if _is_keras3_tensor(x):
        config = x.get("config")
        return _history(config.get("keras_history") if _is_map(config) else None, "a tensor's keras_history")
    if isinstance(x, list):
        return [_convert3(v) for v in x]
    if _is_map(x) and "class_name" not in x:
        return {k: _convert3(v) for k, v in x.items()}
    return x


def _is_leaf2(x: Any) -> bool:
    return (
        isinstance(x, list)
        and len(x) in (3, 4)
        and isinstance(x[0], str)
        and isinstance(x[1], int)
        and (len(x) == 3 or isinstance(x[3], Mapping))
    )


def _convert2_kwargs(x: Any, names: set[str]) -> Any:
    if (
        isinstance(x, list)
        and len(x) == 3
        and isinstance(x[0], str)
        and x[0] in names
        and isinstance(x[1], int)
        and isinstance(x[2], int)
    ):
        return _Ref(x[0], x[1], x[2])
    if isinstance(x, list):
        return [_convert2_kwargs(v, names) for v in x]
    if _is_map(x):
        return {k: _convert2_kwargs(v, names) for k, v in x.items()}
    return x


def _parse_node(node: Any, class_name: str, names: set[str]) -> _Call:
    if isinstance(node, Mapping) and "args" in node:
        args, kwargs3 = node.get("args") or [], node.get("kwargs") or {}
        if not isinstance(args, list) or not _is_map(kwargs3) or _is_keras3_tensor(kwargs3):
            raise InvalidLayerError(
                f"{class_name}: cannot read inbound node {short(node)} (args must be a list, kwargs a mapping)"
            )
        return _Call(list(_convert3(args)), dict(_convert3(kwargs3)))
    kwargs: dict[str, Any] = {}

    def walk(x: Any) -> Any:
        nonlocal kwargs
        if _is_leaf2(x):
            if len(x) == 4:
                kwargs = dict(x[3])
            if x[0] == "_CONSTANT_VALUE" and x[1] == -1:
                return x[2]
            return _history(x[:3], f"{class_name}: inbound node entry")
        if isinstance(x, list):
            return [walk(v) for v in x]
        if _is_map(x):
            return {k: walk(v) for k, v in x.items()}
        raise InvalidLayerError(f"{class_name}: cannot read inbound node entry {x!r}")

    first = walk(node)
    if class_name not in ("TFOpLambda", "SlicingOpLambda") and isinstance(first, list) and len(first) == 1:
        first = first[0]
    return _Call([first], _convert2_kwargs(kwargs, names))


def _refs(x: Any) -> Iterator[_Ref]:
    if isinstance(x, _Ref):
        yield x
    elif isinstance(x, (list, tuple)):
        for v in x:
            yield from _refs(v)
    elif _is_map(x):
        for v in x.values():
            yield from _refs(v)


def _outputs_of(shape: OutputShape) -> list[Value]:
    if shape and isinstance(shape[0], tuple):
        return list(shape)
    return [shape]  # type: ignore[list-item]


def _formula_text(derivation: Sequence[str], n_weights: int) -> str:
    """The substituted middle of the derivation's total line: ``10 × (784 + 1)``."""
    if not n_weights:
        return ""
    for line in derivation:
        if line.startswith("total "):
            text = line[len("total ") :].split(" (trainable")[0]
            parts = text.split(" = ")
            return parts[1] if len(parts) >= 3 else parts[0]
    return ""


def _freeze(weights: Sequence[Weight], keras3: bool) -> tuple[Weight, ...]:
    """A layer with ``trainable=False``: every weight non-trainable.  Keras 2's ``layer.weights``
    is ``trainable_weights + non_trainable_weights``, so the originally trainable ones come first."""
    if not keras3:
        weights = [w for w in weights if w.trainable] + [w for w in weights if not w.trainable]
    return tuple(replace(w, trainable=False) for w in weights)


def _leaves(rows: Sequence[LayerRow]) -> Iterator[LayerRow]:
    """The rows whose weights are a model's own: a described nested model's rows stand for it
    (its own weights are theirs); a row with an error stands for itself (no weights)."""
    stack: list[Iterator[LayerRow]] = [iter(rows)]  # iterative: a leaf costs O(1), however deep it sits
    while stack:
        r = next(stack[-1], None)
        if r is None:
            stack.pop()
        elif r.layers and r.error is None:
            stack.append(iter(r.layers))
        else:
            yield r


def _model_weights(rows: Sequence[LayerRow], keras3: bool) -> tuple[Weight, ...]:
    """``model.weights`` of a nested model: its layers' weights in layer order (Keras 3
    ``Layer.weights``); Keras 2 lists the trainable ones first (``trainable_weights +
    non_trainable_weights``).  A layer met twice (shared with a nested model) is listed once, as
    both lines' ``weights`` do, at its first place, with the flags of its most trainable use (see
    the module docstring)."""
    chosen: dict[object, LayerRow] = {}
    order: list[object] = []
    for r in _leaves(rows):
        k: object = r.key if r.key is not None else object()
        known = chosen.get(k)
        if known is None:
            order.append(k)
            chosen[k] = r
        elif r.trainable > known.trainable:
            chosen[k] = r
    flat = [w for k in order for w in chosen[k].weights]
    if keras3:
        return tuple(flat)
    return tuple([w for w in flat if w.trainable] + [w for w in flat if not w.trainable])


def _spec_shape(config: Mapping[str, Any]) -> Shape | None:
    for key in ("batch_shape", "batch_input_shape"):
        if config.get(key) is not None:
            return as_shape(config[key], key)
    if config.get("shape") is not None:
        batch = config.get("batch_size")
        return (batch if isinstance(batch, int) else None, *as_shape(config["shape"], "shape"))
    return None


def _first_layer_spec(entry: Mapping[str, Any]) -> Shape | None:
    """The input shape a Sequential's first layer declares; a nested model as the first layer
    (Keras 1/2.0 files) declares it in its own first layer."""
    config = entry.get("config") or {}
    spec = _spec_shape(config) if isinstance(config, Mapping) else None
    layers = config.get("layers") if isinstance(config, Mapping) else None
    if spec is None and isinstance(layers, list) and layers and isinstance(layers[0], Mapping):
        return _first_layer_spec(layers[0])
    return spec


def _fit_override(given: Shape, spec: Shape | None) -> Shape:
    """An override with the batch axis (as :func:`formulas.expect` takes it), or one dim shorter
    than the spec: then without the batch axis (as ``--input-shape`` is written)."""
    if spec is not None and len(given) == len(spec) - 1:
        return (None, *given)
    return given


def _normalise_overrides(input_shapes: Any) -> list[Shape] | None:
    if input_shapes is None:
        return None
    if (
        isinstance(input_shapes, Sequence)
        and input_shapes
        and all(isinstance(s, Sequence) and not isinstance(s, str) for s in input_shapes)
    ):
        return [as_shape(s, "input_shapes") for s in input_shapes]
    return [as_shape(input_shapes, "input_shapes")]


def _history_list(x: Any) -> list[_Ref]:
    """``input_layers`` / ``output_layers``: ``[name, 0, 0]``, a list of those, or a dict of them."""
    if _is_map(x):
        x = list(x.values())
    if isinstance(x, list) and len(x) == 3 and isinstance(x[0], str):
        return [_history(x, "input_layers / output_layers entry")]
    if not x:  # None, 0, "": nothing (as before)
        return []
    if not isinstance(x, list):
        raise InvalidLayerError(f"input_layers / output_layers entry {short(x)} is not [layer name, node index, tensor index]")
    out: list[_Ref] = []
    for item in x:
        out.extend(_history_list(item))
    return out


class _Describer:
    def __init__(
        self,
        version: KerasVersion,
        vocabularies: Mapping[str, int | Sequence[Any]] | None = None,
        shared: Mapping[int, str] | None = None,
    ) -> None:
        self.version = version
        self.keras3 = version.is_keras3
        self.vocabularies = dict(vocabularies or {})
        self._seen: dict[tuple[str, str, str], tuple[tuple[Weight, ...], str, OutputShape]] = {}
        #: which object each layer entry of the config is (:func:`_sharing_keys`), by ``id(entry)``
        self.shared = shared or {}

    # one layer on given inputs ------------------------------------------------------------

    def layer(self, entry: Mapping[str, Any], inputs: Any, kwargs: Mapping[str, Any]) -> tuple[LayerRow, OutputShape]:
        """Describe one call of a layer: (row, output shape).  Raises UnknownLayerError /
        InvalidLayerError."""
        class_name = _text(entry.get("class_name"))
        config = _config_of(entry)
        name = _text(entry.get("name") or config.get("name") or class_name)
        if self.keras3 and "/" in name:
            # keras/src/ops/operation.py: Keras 3 refuses a "/" in a name (tf-keras's MobileNetV3
            # and many Keras 2 files have "Conv/BatchNorm"-style names).
            raise InvalidLayerError(f"{class_name}: name={name!r}: Keras 3 refuses a '/' in a layer name")
        if self._is_model(entry):
            shapes = list(inputs) if isinstance(inputs, tuple) and inputs and isinstance(inputs[0], tuple) else [inputs]
            sub = self.model(entry, shapes)
            frozen = config.get("trainable") is False
            rows = tuple(_frozen_row(r, self.keras3) for r in sub.layers) if frozen else sub.layers
            if not sub.complete:
                bad = next((r for r in (*rows, *sub.operations) if not r.complete), None)
                why = f"nested {bad.name}: {bad.error}" if bad and bad.error else "a nested layer has no formula"
                raise _NestedIncomplete(LayerRow(name, class_name, None, (), "", why, True, rows))
            out: Any = sub.output_shapes[0] if len(sub.output_shapes) == 1 else tuple(sub.output_shapes)
            weights = _model_weights(rows, self.keras3)
            formula = f"Σ {len(rows)} layers" if weights else ""
            return LayerRow(name, class_name, out, weights, formula, layers=rows, key=self.shared.get(id(entry))), out
        if class_name == "Lambda":
            out = ops.lambda_output(config, inputs)
            return LayerRow(name, class_name, out, (), ""), out
        if class_name in ("TFOpLambda", "SlicingOpLambda"):
            if self.keras3:
                raise UnknownLayerError(f"{class_name} is a Keras 2 layer; Keras {self.version} has none")
            first = _as_operand(inputs)
            out = ops.describe_op(ops.OpCall(str(config.get("function")), (first,), kwargs, keras3=False))
            return LayerRow(name, class_name, out, (), ""), out
        if class_name in _LOOKUPS:
            config = self._with_vocabulary(name, config)
        shape = tuple(inputs) if isinstance(inputs, tuple) else inputs
        # Models repeat layers (every block of a ResNet has the same BatchNormalization): one
        # formula per distinct (class, config but the name, input shape) in this model.
        key = (class_name, repr({k: v for k, v in config.items() if k != "name"}), repr(shape))
        known = self._seen.get(key)
        if known is None:
            expectation = run(ops.lookup(class_name, self.version), Config(class_name, config, self.version), shape)
            weights = expectation.weights
            if config.get("trainable") is False:
                weights = _freeze(weights, self.keras3)
            known = self._seen[key] = (weights, _formula_text(expectation.derivation, len(weights)), expectation.output_shape)
        weights, formula, out = known
        shared_key = self.shared.get(id(entry)) if weights else None
        return LayerRow(name, class_name, out, weights, formula, key=shared_key), out

    def _with_vocabulary(self, name: str, config: Mapping[str, Any]) -> Mapping[str, Any]:
        """A lookup layer in a model file whose config holds no vocabulary list was adapted (or
        given a vocabulary file): Keras saves the vocabulary as an asset and records its size in
        ``vocabulary_size`` (Keras 3.15, tf-keras 2.21).  The caller's ``vocabularies[name]`` (the
        asset's tokens, or their count) comes first, then that size; the formula is told that the
        vocabulary is an asset (so it does not ask for adapt())."""
        if isinstance(config.get("vocabulary"), list):  # given in the config: Keras saves no asset
            return config
        given = self.vocabularies.get(name)
        out = {k: v for k, v in config.items() if k != "vocabulary"}
        size: Any = config.get("vocabulary_size")
        if isinstance(given, int) and not isinstance(given, bool):
            size = given
        elif isinstance(given, Sequence) and not isinstance(given, str):
            size = len(given)
        out[ASSET_VOCABULARY] = size if isinstance(size, int) and not isinstance(size, bool) else None
        return out

    @staticmethod
    def _is_model(entry: Mapping[str, Any]) -> bool:
        config = entry.get("config") or {}
        class_name = entry.get("class_name")
        return (isinstance(class_name, str) and class_name in MODEL_CLASSES) or (
            isinstance(config, Mapping) and isinstance(config.get("layers"), list) and "input_layers" in config
        )

    # whole models -----------------------------------------------------------------------

    def model(self, model_config: Mapping[str, Any], inputs: list[Shape] | None) -> ModelExpectation:
        config = model_config.get("config") or {}
        class_name = _text(model_config.get("class_name"))
        if not isinstance(config, Mapping) or not isinstance(config.get("layers"), list):
            raise InvalidLayerError(f"{class_name}: not a model config (no 'layers' list)")
        if class_name == "Sequential" or "input_layers" not in config:
            return self.sequential(class_name, config, inputs)
        return self.functional(class_name, config, inputs)

    def sequential(self, class_name: str, config: Mapping[str, Any], inputs: list[Shape] | None) -> ModelExpectation:
        name = _text(config.get("name") or "sequential")
        entries = _layer_entries(name, config["layers"])
        spec: Shape | None = None
        if entries and entries[0].get("class_name") == "InputLayer":
            spec = _spec_shape(_loose_config(entries[0]))
            entries = entries[1:]
        elif entries:
            spec = _first_layer_spec(entries[0])
        if spec is None and config.get("build_input_shape") is not None:
            spec = as_shape(config["build_input_shape"], "build_input_shape")
        current: Any
        if inputs:
            if len(inputs) != 1:
                raise InvalidLayerError(f"{name}: a Sequential model takes one input, got {len(inputs)} shapes")
            current = _fit_override(inputs[0], spec)
        elif spec is not None:
            current = spec
        else:
            current = _Unknown(f"{name} has no input shape in its config: pass input_shapes=")
        input_shape = current
        rows: list[LayerRow] = []
        for entry in entries:
            row, out = self._guarded(entry, current, {})
            rows.append(row)
            current = out
        outputs = () if isinstance(current, _Unknown) else (current,)
        ins = () if isinstance(input_shape, _Unknown) else (input_shape,)
        return ModelExpectation(name, class_name, str(self.version), ins, outputs, tuple(rows))

    def _guarded(self, entry: Mapping[str, Any], inputs: Any, kwargs: Mapping[str, Any]) -> tuple[LayerRow, Value | OutputShape]:
        """:meth:`layer`, with failures turned into a row with an error and an unknown output."""
        class_name = _text(entry.get("class_name"))
        name = _text(entry.get("name") or _loose_config(entry).get("name") or class_name)
        unknown = _first_unknown(inputs)
        if unknown is None:
            unknown = _first_unknown(kwargs)
        if unknown is not None:
            reason = f"input shape unknown: {unknown.reason}"
            return LayerRow(name, class_name, None, (), "", reason, True), _Unknown(unknown.reason)
        try:
            return self.layer(entry, inputs, kwargs)
        except _NestedIncomplete as exc:
            return exc.row, _Unknown(f"depends on {name} ({class_name}), which is not fully described")
        except UnknownLayerError as exc:
            return LayerRow(name, class_name, None, (), "", str(exc), True), _Unknown(
                f"depends on {name} ({class_name}): no formula"
            )
        except InvalidLayerError as exc:
            return LayerRow(name, class_name, None, (), "", str(exc), False), _Unknown(
                f"depends on {name} ({class_name}), which Keras would refuse"
            )

    def functional(self, class_name: str, config: Mapping[str, Any], inputs: list[Shape] | None) -> ModelExpectation:
        name = _text(config.get("name") or "model")
        entries = _layer_entries(name, config["layers"])
        names = {_entry_name(e) for e in entries}
        layers: dict[str, _Layer] = {}
        order: list[_Layer] = []
        for e in entries:
            lname = _entry_name(e)
            cname = _text(e.get("class_name"))
            module = str(e.get("module") or "")
            is_op = module.startswith(("keras.src.ops", "keras.ops"))
            nodes = e.get("inbound_nodes") or []
            error = None
            try:
                if not isinstance(nodes, list):
                    raise InvalidLayerError(f"{cname}: inbound_nodes={short(nodes)} is not a list of calls")
                calls = [_parse_node(n, cname, names) for n in nodes]
            except InvalidLayerError as exc:  # the layer is refused; the rest of the graph is described
                calls, error = [], str(exc)
            layer = _Layer(lname, cname, e, calls, is_op)
            if error is not None:
                layer.row = LayerRow(lname, cname, None, (), "", error, False)
            if lname in layers:
                raise InvalidLayerError(f"{name}: two layers are named {lname!r}")
            layers[lname] = layer
            order.append(layer)
        try:
            input_refs = _history_list(config.get("input_layers"))
            output_refs = _history_list(config.get("output_layers"))
        except InvalidLayerError as exc:
            raise InvalidLayerError(f"{name}: {exc}") from None
        if inputs is not None and len(inputs) != len(input_refs):
            raise InvalidLayerError(
                f"{name}: {len(input_refs)} input(s) {[r.layer for r in input_refs]}, got {len(inputs)} shape(s)"
            )
        model_inputs: list[Shape] = []
        for i, ref in enumerate(input_refs):
            found = layers.get(ref.layer)
            if found is None:
                raise InvalidLayerError(f"{name}: input {ref.layer!r} is not one of its layers")
            layer = found
            spec = _spec_shape(_loose_config(layer.config))
            given: Value
            if inputs is not None:
                given = _fit_override(inputs[i], spec)
            elif spec is not None:
                given = spec
            else:
                given = _Unknown(f"input {ref.layer} has no shape: pass input_shapes=")
            layer.outputs[0] = [given]
            if isinstance(given, _Unknown):
                layer.row = LayerRow(layer.name, layer.class_name, None, (), "", given.reason, True)
            else:
                layer.row = LayerRow(layer.name, layer.class_name, given, (), "")
            if not isinstance(given, _Unknown):
                model_inputs.append(given)
        for layer, i in self._schedule(layers, order):
            missing = [r for r in _refs([layer.calls[i].args, layer.calls[i].kwargs]) if not self._ready(layers, r)]
            what = f"{missing[0].layer}[{missing[0].node}][{missing[0].index}]" if missing else "an input"
            why = f"its input {what} is never computed in this graph"
            layer.outputs[i] = [_Unknown(why)]
            if layer.row is None:
                layer.row = LayerRow(layer.name, layer.class_name, None, (), "", why, True)
        for layer in order:
            if layer.row is None:  # a layer never called in this graph (Keras 2 keeps none such)
                layer.row = LayerRow(layer.name, layer.class_name, None, (), "", "never called in this model's graph", True)
        outputs: list[OutputShape] = []
        for ref in output_refs:
            value = self._lookup(layers, ref, io=True)
            if isinstance(value, tuple):
                outputs.append(value)
        rows = tuple(layer.row for layer in order if not layer.is_op and layer.row is not None)
        op_rows = tuple(layer.row for layer in order if layer.is_op and layer.row is not None)
        return ModelExpectation(
            name,
            class_name,
            str(self.version),
            tuple(model_inputs),
            tuple(outputs) if len(outputs) == len(output_refs) else (),
            rows,
            op_rows,
            tuple(layer.name for layer in order),
        )

    def _schedule(self, layers: Mapping[str, _Layer], order: Sequence[_Layer]) -> list[tuple[_Layer, int]]:
        """Evaluate every call whose inputs can be computed; returns the others, in config order.

        The order is that of passes over the calls in config order, each pass evaluating every
        call whose inputs are ready when it is reached (a layer's row is its first evaluated
        call's), without walking the waiting calls again and again: a config listed backwards
        (or hostile) would make those passes quadratic in the number of layers."""
        items = [(layer, i) for layer in order for i in range(len(layer.calls))]
        waiting_on: list[set[tuple[str, int | None]]] = []
        dependents: dict[tuple[str, int | None], list[int]] = {}
        ready: list[int] = []
        for pos, (layer, i) in enumerate(items):
            call = layer.calls[i]
            keys: set[tuple[str, int | None]] = set()
            for ref in _refs([call.args, call.kwargs]):
                target = layers.get(ref.layer)
                if target is None:
                    keys.add((ref.layer, None))  # never ready
                    continue
                index = self._node_index(layers, ref)
                if index not in target.outputs:
                    keys.add((ref.layer, index))
            waiting_on.append(keys)
            for key in keys:
                dependents.setdefault(key, []).append(pos)
            if not keys:
                ready.append(pos)
        heapq.heapify(ready)
        next_pass: list[int] = []
        done = [False] * len(items)
        cursor = -1
        while ready or next_pass:
            if not ready:  # a new pass over the calls
                ready, next_pass, cursor = next_pass, [], -1
                heapq.heapify(ready)
            pos = heapq.heappop(ready)
            cursor = pos
            layer, i = items[pos]
            self._evaluate(layers, layer, i, layer.calls[i])
            done[pos] = True
            for dep in dependents.pop((layer.name, i), ()):
                keys = waiting_on[dep]
                keys.discard((layer.name, i))
                if not keys and not done[dep]:
                    heapq.heappush(ready if dep > cursor else next_pass, dep)
        return [item for pos, item in enumerate(items) if not done[pos]]

    def _node_index(self, layers: Mapping[str, _Layer], ref: _Ref, *, io: bool = False) -> int:
        """Where call ``ref.node`` of a layer sits among the calls its config lists.

        Keras 2 numbers the calls of a nested model whose first layer is an InputLayer (or, in a
        Keras 2.0–2.3 Sequential, holds the input shape) from 1 (node 0 is its construction;
        ``_should_skip_first_node``), in nodes and in ``input_layers`` /
        ``output_layers`` alike.  Keras 3 numbers calls from 0 in nodes (``serialize_node`` drops
        the nodes of other graphs) but from 1 for a nested ``Functional`` in ``input_layers`` /
        ``output_layers`` (``get_config``'s ``node_reindexing_map``; ``functional_from_config``
        subtracts 1 again)."""
        layer = layers[ref.layer]
        if layer.class_name in MODEL_CLASSES and layer.calls:
            if self._keras3_format(layer):
                return ref.node - 1 if io and layer.class_name == "Functional" else ref.node
            inner = _loose_config(layer.config).get("layers")
            first = inner[0] if isinstance(inner, list) and inner and _is_map(inner[0]) else {}
            # Keras 2.0–2.3 wrote a nested Sequential without its InputLayer, the first layer
            # holding the input shape; Keras builds that InputLayer, so the calls start at 1 too.
            shaped = isinstance(first.get("config"), Mapping) and any(
                k in first["config"] for k in ("batch_input_shape", "batch_shape")
            )
            skip = first.get("class_name") == "InputLayer" or (layer.class_name == "Sequential" and shaped)
            return ref.node - 1 if skip else ref.node
        return ref.node

    @staticmethod
    def _keras3_format(layer: _Layer) -> bool:
        nodes = layer.config.get("inbound_nodes")
        return isinstance(nodes, list) and bool(nodes) and isinstance(nodes[0], Mapping)

    def _ready(self, layers: Mapping[str, _Layer], ref: _Ref) -> bool:
        layer = layers.get(ref.layer)
        return layer is not None and self._node_index(layers, ref) in layer.outputs

    def _lookup(self, layers: Mapping[str, _Layer], ref: _Ref, *, io: bool = False) -> Value:
        layer = layers.get(ref.layer)
        if layer is None:
            return _Unknown(f"no layer named {ref.layer!r}")
        outs = layer.outputs.get(self._node_index(layers, ref, io=io))
        if outs is None:
            return _Unknown(f"{ref.layer} call {ref.node} is never computed")
        if len(outs) == 1 and isinstance(outs[0], _Unknown):
            return outs[0]
        if not 0 <= ref.index < len(outs):
            return _Unknown(f"{ref.layer} has no output {ref.index}")
        value: Value = outs[ref.index]
        return value

    def _resolve(self, layers: Mapping[str, _Layer], x: Any) -> Any:
        if isinstance(x, _Ref):
            return self._lookup(layers, x)
        if isinstance(x, list):
            return [self._resolve(layers, v) for v in x]
        if _is_map(x):
            return {k: self._resolve(layers, v) for k, v in x.items()}
        return x

    def _evaluate(self, layers: Mapping[str, _Layer], layer: _Layer, i: int, call: _Call) -> None:
        args = self._resolve(layers, call.args)
        kwargs = self._resolve(layers, call.kwargs)
        out: Value | OutputShape
        if layer.is_op:
            row, out = self._op(layer, args, kwargs)
        elif layer.class_name in ("TFOpLambda", "SlicingOpLambda") and not self.keras3:
            row, out = self._guarded_op2(layer, _layer_inputs(args), kwargs)
        else:
            bound = _bind_call(layer.class_name, _loose_config(layer.config), args, kwargs, self.version)
            row, out = self._guarded(layer.config, bound.inputs, {})
            if row.error is None and not isinstance(out, _Unknown) and (bound.states or bound.scores or bound.cell):
                row, out = self._call_options(layer, bound, row, out)
        if isinstance(out, _Unknown):
            layer.outputs[i] = [out]
        else:
            layer.outputs[i] = _outputs_of(out)
        if layer.row is None:
            layer.row = row

    def _call_options(
        self, layer: _Layer, bound: _Bound, row: LayerRow, out: OutputShape
    ) -> tuple[LayerRow, Value | OutputShape]:
        """What the call's own arguments add to a described row: Keras 2 refuses an
        ``initial_state`` that does not fit the cells; ``return_attention_scores=True`` adds the
        scores as a second output; a cell called on states returns the new states too."""
        cfg = Config(layer.class_name, layer.config.get("config") or {}, self.version)
        try:
            if bound.states and all(_is_shape(s) for s in bound.states) and _is_shape(bound.inputs):
                check_initial_state(cfg, bound.inputs, list(bound.states))
            if bound.scores:
                scores = attention_scores_shape(cfg, bound.inputs)
                out = (out, scores)  # type: ignore[assignment]
                row = replace(row, output_shape=out)
            if bound.cell and _is_shape(bound.inputs) and _is_shape(out):
                out = cell_call_outputs(cfg, bound.inputs, out)  # type: ignore[arg-type]
                row = replace(row, output_shape=out)
        except InvalidLayerError as exc:
            return LayerRow(layer.name, layer.class_name, None, (), "", str(exc), False), _Unknown(
                f"depends on {layer.name} ({layer.class_name}), which Keras would refuse"
            )
        return row, out

    def _guarded_op2(self, layer: _Layer, inputs: Any, kwargs: Mapping[str, Any]) -> tuple[LayerRow, Value | OutputShape]:
        """A Keras 2 TF op with its call kwargs (tensors among them as :class:`ops.Tensor`)."""
        unknown = _first_unknown([inputs, kwargs])
        if unknown is not None:
            return LayerRow(layer.name, layer.class_name, None, (), "", f"input shape unknown: {unknown.reason}", True), _Unknown(
                unknown.reason
            )
        function = _text(_loose_config(layer.config).get("function"))
        call = ops.OpCall(function, (_as_operand(inputs),), _operands(kwargs), keras3=False)
        return self._try_op(layer, call)

    def _op(self, layer: _Layer, args: Any, kwargs: Mapping[str, Any]) -> tuple[LayerRow, Value | OutputShape]:
        unknown = _first_unknown([args, kwargs])
        if unknown is not None:
            return LayerRow(layer.name, layer.class_name, None, (), "", f"input shape unknown: {unknown.reason}", True), _Unknown(
                unknown.reason
            )
        op_config = {k: v for k, v in _loose_config(layer.config).items() if k not in ("name", "dtype")}
        call = ops.OpCall(layer.class_name, tuple(_operands(args)), {**op_config, **_operands(kwargs)}, keras3=True)
        return self._try_op(layer, call)

    def _try_op(self, layer: _Layer, call: ops.OpCall) -> tuple[LayerRow, Value | OutputShape]:
        try:
            out = ops.describe_op(call)
        except UnknownLayerError as exc:
            return LayerRow(layer.name, layer.class_name, None, (), "", str(exc), True), _Unknown(
                f"depends on {layer.name}: {exc}"
            )
        except InvalidLayerError as exc:
            return LayerRow(layer.name, layer.class_name, None, (), "", str(exc), False), _Unknown(
                f"depends on {layer.name}, which Keras would refuse"
            )
        return LayerRow(layer.name, layer.class_name, out, (), ""), out


class _NestedIncomplete(Exception):
    def __init__(self, row: LayerRow) -> None:
        super().__init__(row.error)
        self.row = row


def _frozen_row(row: LayerRow, keras3: bool) -> LayerRow:
    layers = tuple(_frozen_row(r, keras3) for r in row.layers)
    weights = _model_weights(layers, keras3) if row.layers else _freeze(row.weights, keras3)
    return replace(row, weights=weights, layers=layers)


def _first_unknown(x: Any) -> _Unknown | None:
    if isinstance(x, _Unknown):
        return x
    if isinstance(x, (list, tuple)) and not _is_shape(x):
        for v in x:
            found = _first_unknown(v)
            if found is not None:
                return found
    if _is_map(x):
        return _first_unknown(list(x.values()))
    return None


def _is_shape(x: Any) -> bool:
    return isinstance(x, tuple) and all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in x)


def _flat_shapes(x: Any) -> list[Any]:
    if _is_shape(x) or isinstance(x, _Unknown):
        return [x]
    if isinstance(x, (list, tuple)):
        return [s for v in x for s in _flat_shapes(v)]
    if _is_map(x):
        return [s for v in x.values() for s in _flat_shapes(v)]
    return []


_LOOKUPS = frozenset({"TextVectorization", "StringLookup", "IntegerLookup"})
#: Names a layer's first call argument goes by when it is passed by keyword (Keras 3 keeps the
#: keyword: ``Dense(4)(inputs=x)`` is ``{"args": [], "kwargs": {"inputs": x}}``; Keras 2 moves it
#: to the first argument).
_FIRST_ARG = ("inputs", "sequences", "sequence", "x", "input", "features")


@dataclass
class _Bound:
    """A layer call's arguments as the layer's formula sees them: ``inputs`` (its shape or tuple
    of shapes), the RNN ``initial_state`` tensors, and whether the attention scores are returned."""

    inputs: Any
    states: list[Any] = field(default_factory=list)
    scores: bool = False
    #: an RNN cell called on (inputs, states): its new states are outputs too
    cell: bool = False


def _first_arg(args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
    if args:
        return args[0]
    for key in _FIRST_ARG:
        if key in kwargs:
            return kwargs[key]
    return None


def _single(x: Any) -> Any:
    """One tensor argument: its shape (an unknown stays unknown); a nested value: its shapes."""
    shapes = _flat_shapes(x)
    return shapes[0] if len(shapes) == 1 else tuple(shapes)


def _bind_call(
    class_name: str, config: Mapping[str, Any], args: Sequence[Any], kwargs: Mapping[str, Any], version: KerasVersion
) -> _Bound:
    """Which call arguments are the layer's inputs.

    * MultiHeadAttention / GroupQueryAttention: ``(query, value, key=None, ...)``, by position or
      keyword; Keras 2 stores everything after the query in the node's kwargs
      (``[["q", 0, 0, {"value": ["v", 0, 0], "key": ...}]]``).  The inputs are (query, value[, key]);
      masks are not inputs.
    * Attention / AdditiveAttention: the list ``inputs=[query, value(, key)]``; masks are not inputs.
    * RNN layers and Bidirectional: the sequence.  ``initial_state`` (second positional argument
      or keyword in Keras 3) is kept aside; Keras 2 folds the states and constants into the inputs
      list (``RNN.__call__``: ``[sequence, *states, *constants]``, the last ``num_constants``
      being constants) and so serializes them as further inbound tensors.
    * RNN cells: ``cell(inputs, states)``; the states make the new states outputs too.
    * Every other layer with a formula: its first argument (a tensor or a list of them); further
      positional tensors are masks or options (``CategoryEncoding(x, count_weights)``).
      A class without a formula keeps them all (a custom layer may take several tensors).
    """
    kw = dict(kwargs)
    if class_name in QUERY_VALUE_KEY:
        names = ("query", "value", "key")
        values = [args[i] if i < len(args) else kw.get(n) for i, n in enumerate(names)]
        scores = bool(kw.get("return_attention_scores")) or (len(args) > 7 and args[7] is True)
        parts = [_single(v) for v in values if v is not None]
        return _Bound(tuple(parts) if len(parts) > 1 else (parts[0] if parts else ()), scores=scores)
    if class_name in LIST_ATTENTION:
        scores = bool(kw.get("return_attention_scores")) or (len(args) > 3 and args[3] is True)
        first = _first_arg(args, kw)
        return _Bound(_layer_inputs([first]) if first is not None else (), scores=scores)
    if class_name in RNN_CALLS:
        sequence = _first_arg(args, kw)
        states: Any = args[1] if len(args) > 1 else kw.get("initial_state")
        if not version.is_keras3 and isinstance(sequence, list):
            items = list(sequence)
            constants = config.get("num_constants")
            if isinstance(constants, int) and not isinstance(constants, bool) and 0 < constants < len(items):
                items = items[:-constants]
            if len(items) > 1:
                states = items[1:]
            sequence = items[0] if items else None
        flat_states = _flat_shapes(states) if states is not None else []
        return _Bound(_single(sequence) if sequence is not None else (), states=flat_states)
    if class_name in CELL_CALLS:
        cell_states: Any = args[1] if len(args) > 1 else kw.get("states")
        first = _first_arg(args, kw)
        return _Bound(_single(first) if first is not None else (), cell=cell_states is not None)
    first = _first_arg(args, kw)
    if not args and first is not None:
        return _Bound(_layer_inputs([first]))
    if args and _has_formula(class_name, version):
        return _Bound(_layer_inputs(args[:1]))
    return _Bound(_layer_inputs(args))


_FORMULA_KNOWN: dict[tuple[str, str], bool] = {}


def _has_formula(class_name: str, version: KerasVersion) -> bool:
    """A layer class with a formula (not a model, not a Lambda): its call signature is Keras's."""
    key = (class_name, str(version))
    known = _FORMULA_KNOWN.get(key)
    if known is None:
        known = class_name not in MODEL_CLASSES and class_name != "Lambda"
        if known:
            try:
                ops.lookup(class_name, version)
            except UnknownLayerError:
                known = False
        _FORMULA_KNOWN[key] = known
    return known


def _layer_inputs(args: Sequence[Any]) -> Any:
    """A layer's input: its first argument's tensors (one shape, or a tuple of shapes for a list),
    followed by further positional tensors (a custom layer without a formula may take several)."""
    if not args:
        return ()
    first = args[0]
    shapes = _flat_shapes(first)
    extra = [s for a in args[1:] for s in _flat_shapes(a)]
    if len(shapes) == 1 and not extra and not isinstance(first, (list, dict)):
        return shapes[0]
    return tuple(shapes + extra)


def _as_operand(x: Any) -> Any:
    if _is_shape(x):
        return ops.Tensor(x)
    if isinstance(x, (list, tuple)):
        return [_as_operand(v) for v in x]
    return x


def _operands(x: Any) -> Any:
    if _is_shape(x):
        return ops.Tensor(x)
    if isinstance(x, list):
        return [_operands(v) for v in x]
    if _is_map(x):
        return {k: _operands(v) for k, v in x.items()}
    return x


def expect_model(
    model_config: Mapping[str, Any],
    *,
    keras: str | KerasVersion = "3",
    input_shapes: Shape | Sequence[Shape] | None = None,
    vocabularies: Mapping[str, int | Sequence[Any]] | None = None,
) -> ModelExpectation:
    """What Keras ``keras`` builds for ``model_config`` (``json.loads(model.to_json())``, or a
    ``.keras`` file's ``config.json``): one row per top-level layer, in ``model.layers`` order,
    and the totals.  ``input_shapes`` (batch axis included, one per model input; a shape one dim
    shorter than the model's input spec is taken as without the batch axis) replaces the input
    specs, e.g. for models with None spatial dims.

    ``vocabularies`` maps the name of a StringLookup / IntegerLookup / TextVectorization layer
    whose config holds no vocabulary (adapted: Keras saves it as an asset,
    ``assets/.../vocabulary.txt``) to that vocabulary: the asset's tokens (a list, special tokens
    included, as Keras writes it) or their count (Keras's ``vocabulary_size()``).  Without it the
    config's own ``vocabulary_size`` is used; where neither says the size, a non-int encoding row
    is ``no_formula`` ("the vocabulary is not in the config (saved as an asset)").

    Layers without a formula (a Lambda without ``output_shape``, an unknown custom class, an
    unknown TF op) get a row with ``no_formula`` and the rest of the model is still described;
    :attr:`ModelExpectation.complete` says whether every row is.  Raises
    :class:`InvalidLayerError` when the config is not a model config at all.
    """
    try:
        result = _expect_model(model_config, KerasVersion.parse(keras), input_shapes, vocabularies)
    except RecursionError:  # models nested past what any reader lets through (verify.limits)
        raise InvalidLayerError("the model config is nested too deeply to follow") from None
    except InvalidLayerError as exc:  # a layer or model name with a line break in it
        raise InvalidLayerError(one_line(str(exc))) from None
    except UnknownLayerError as exc:
        raise UnknownLayerError(one_line(str(exc)), absent_from_version=exc.absent_from_version) from None
    return replace(result, layers=_one_line_rows(result.layers), operations=_one_line_rows(result.operations))


def _one_line_rows(rows: tuple[LayerRow, ...]) -> tuple[LayerRow, ...]:
    """Rows whose errors are one line each (a hostile layer name may hold a line break)."""
    out = []
    for r in rows:
        layers = _one_line_rows(r.layers) if r.layers else r.layers
        error = one_line(r.error) if r.error is not None else None
        if error != r.error or layers is not r.layers:
            r = replace(r, error=error, layers=layers)
        out.append(r)
    return tuple(out)


def _expect_model(
    model_config: Mapping[str, Any],
    version: KerasVersion,
    input_shapes: Shape | Sequence[Shape] | None,
    vocabularies: Mapping[str, int | Sequence[Any]] | None,
) -> ModelExpectation:
    if not isinstance(model_config, Mapping):
        raise InvalidLayerError(f"model config must be a mapping, got {type(model_config).__name__}")
    if "class_name" not in model_config and isinstance(model_config.get("config"), Mapping):
        model_config = {"class_name": "Functional", **model_config}
    shared = _sharing_keys(model_config)
    result = _Describer(version, vocabularies, shared).model(model_config, _normalise_overrides(input_shapes))
    if shared:
        result = replace(result, layers=_mark_shared(result.layers, {}, ""))
    if version.is_keras3:
        counter = iter(range(1 << 62))
        numbered: dict[str, tuple[Weight, ...]] = {}
        result = replace(result, layers=tuple(_number_auto_names(r, counter, numbered) for r in result.layers))
    return result


def _without_ids(value: Any) -> Any:
    if _is_map(value):
        return {k: _without_ids(v) for k, v in value.items() if k != "shared_object_id"}
    if isinstance(value, list):
        return [_without_ids(v) for v in value]
    return value


def _entries(model_config: Mapping[str, Any]) -> Iterator[Mapping[str, Any]]:
    """Every layer entry of a model config, nested models' entries after their own, in order."""
    config = model_config.get("config")
    layers = config.get("layers") if isinstance(config, Mapping) else None
    for entry in layers if isinstance(layers, list) else []:
        if _is_map(entry):
            yield entry
            if _Describer._is_model(entry):
                yield from _entries(entry)


def _sharing_keys(model_config: Mapping[str, Any]) -> dict[int, str]:
    """Which object each layer entry is (module docstring), by ``id(entry)``; empty when the model
    nests no model (its own layers have distinct names: nothing is met in two places).

    With ``shared_object_id`` marks in the file: an entry with an id is that object.  Keras 3 does
    not always mark the first occurrence (a nested model's config copies its layers' configs
    before the second occurrence marks the first, so the mark lands on the copy only), so an
    unmarked entry with the class, name and config (marks aside) of a marked one is that object
    too; every other entry is an object of its own.  Without any mark: class, name and config."""
    config = model_config.get("config")
    layers = config.get("layers") if isinstance(config, Mapping) else None
    if not isinstance(layers, list) or not any(_is_map(e) and _Describer._is_model(e) for e in layers):
        return {}
    entries = list(_entries(model_config))
    marked = '"shared_object_id"' in json.dumps(model_config, default=repr, skipkeys=True)
    digests: dict[int, str] = {}

    def content(value: Any) -> Any:
        """A config (marks aside) with each nested model's layer entries replaced by their digests:
        equal contents are equal configs, and a model nested N deep is not written out N times."""
        if _is_map(value) and isinstance(value.get("layers"), list):
            value = {**value, "layers": [{"\0entry": digest(e)} if _is_map(e) else e for e in value["layers"]]}
        return _without_ids(value) if marked else value

    def digest(entry: Mapping[str, Any]) -> str:
        known = digests.get(id(entry))
        if known is None:
            whole_entry = {**entry, "config": content(entry.get("config"))} if _Describer._is_model(entry) else entry
            text = json.dumps(_without_ids(whole_entry) if marked else whole_entry, sort_keys=True, default=repr, skipkeys=True)
            known = digests[id(entry)] = hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()
        return known

    def signature(entry: Mapping[str, Any]) -> str:
        config = entry.get("config")
        name = entry.get("name") or (config.get("name") if isinstance(config, Mapping) else None)
        inner = content(config) if _Describer._is_model(entry) else (_without_ids(config) if marked else config)
        text = json.dumps([entry.get("class_name"), name, inner], sort_keys=True, default=repr, skipkeys=True)
        return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

    if not marked:
        return {id(e): "config " + signature(e) for e in entries}
    by_signature = {signature(e): f"id {e['shared_object_id']}" for e in entries if e.get("shared_object_id") is not None}
    keys = {}
    for e in entries:
        found = e.get("shared_object_id")
        key = f"id {found}" if found is not None else by_signature.get(signature(e))
        if key is not None:
            keys[id(e)] = key
    return keys


def _mark_shared(rows: Sequence[LayerRow], first: dict[str, str], prefix: str) -> tuple[LayerRow, ...]:
    """Rows in model order, depth first, each met-before one told where it was met first; a nested
    model row, the first places of the layers it shares with the rest of the tree."""
    out = []
    for r in rows:
        path = prefix + r.name
        shared_with = None
        if r.key is not None:
            if r.key in first:
                shared_with = first[r.key]
            else:
                first[r.key] = path
        layers = r.layers
        if layers and r.error is None:
            layers = _mark_shared(layers, first, path + "/")
            if shared_with is None:
                inside = path + "/"
                outside = dict.fromkeys(
                    leaf.shared_with
                    for leaf in _leaves(layers)
                    if leaf.shared_with is not None and not leaf.shared_with.startswith(inside)
                )
                shared_with = ", ".join(outside) or None
        if shared_with is not None or layers is not r.layers:
            r = replace(r, layers=layers, shared_with=shared_with)
        out.append(r)
    return tuple(out)


def _number_auto_names(row: LayerRow, counter: Iterator[int], numbered: dict[str, tuple[Weight, ...]]) -> LayerRow:
    """Keras 3 names a variable created without a name ``variable``, ``variable_1``, … in creation
    order (``keras/src/backend/common/variables.py``: ``auto_name``, uniquified per session): the
    numbering a freshly started session gives this model.  A shared layer creates its variables
    once: its other uses show the same names."""
    if row.layers:
        layers = tuple(_number_auto_names(r, counter, numbered) for r in row.layers)
        return replace(row, layers=layers, weights=_model_weights(layers, True) if row.weights else ())
    if not any(w.name == ops.AUTO_NAME for w in row.weights):
        return row
    if row.key is not None and row.key in numbered:
        names = [w.name for w in numbered[row.key]]
        return replace(row, weights=tuple(replace(w, name=n) for w, n in zip(row.weights, names, strict=False)))
    weights = []
    for w in row.weights:
        if w.name == ops.AUTO_NAME:
            n = next(counter)
            w = replace(w, name=ops.AUTO_NAME if n == 0 else f"{ops.AUTO_NAME}_{n}")
        weights.append(w)
    if row.key is not None:
        numbered[row.key] = tuple(weights)
    return replace(row, weights=tuple(weights))
