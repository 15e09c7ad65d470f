"""The model harness: a whole Keras model, observed layer by layer and checked against the engine.

A model comes from ``keras.applications`` (built by name with ``weights=None``: nothing is ever
downloaded) or from a file (every format :mod:`verify.modelfile` reads).  The engine's answer,
:func:`formulas.expect_model`, is computed from the model's configuration alone; this module reads
what Keras really built — per top-level layer (``model.layers`` order) its weights, trainable as
the *model* counts them, ``count_params()`` and the output shape of its first call in the model —
and compares the two row by row, weight by weight, and in total.

Untrusted code never runs.  Keras's safe mode refuses a ``Lambda`` holding Python bytecode, but
not every path is covered by it (Keras 2's legacy loader unmarshals the bytecode and then *calls*
the function to build the graph; a Lambda naming a module function would import that module), so
paramproof never lets Keras see a ``Lambda`` (or another class in :data:`UNTRUSTED`) at all:

* the configuration is rewritten before Keras deserializes it (:func:`sanitise`): a Lambda whose
  config declares a literal ``output_shape`` becomes a :class:`stand-in <_stand_in_class>` layer
  with no weights whose symbolic output has exactly that shape (batch axis prepended, as Lambda's
  own ``compute_output_shape`` does) and whose ``call`` refuses to run;
* a Lambda without a literal ``output_shape`` (its shape is only known by running its code), an
  untrusted class, or a nested model containing one is *opaque*: it and every layer downstream of
  it are pruned from the model Keras rebuilds, and their rows are reported ``no_formula`` with the
  reason; every other layer (upstream or on another branch) is rebuilt and compared as usual;
* a custom class (or a class of the other Keras line) is set aside the same way, naming it;
* the model is then rebuilt from that configuration alone under safe mode: ``model_from_json`` for
  a Keras 3 configuration, Keras 3's own legacy loader (the one ``load_model`` uses for ``.h5``)
  for a Keras 1/2 one, ``model_from_json`` on Keras 2.  The weights in the file are never read:
  parameter counts and shapes do not depend on their values, and a damaged weights file must not
  stop an architecture check.

The file itself is read by :mod:`verify.modelfile`, by its bytes and without Keras.  Nothing of it
is unpickled or imported outside Keras's safe mode.
"""

from __future__ import annotations

import contextlib
import copy
import gc
import importlib
import json
import math
import re
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cache
from pathlib import Path
from typing import Any

import formulas
from formulas import OutputShape, Shape, Weight, WeightCounts, format_output_shape

from . import modelfile
from .compare import Status, weight_differences
from .harness import UNTRUSTED, KerasEnv, _dims, _error_text, normalise_weight_name
from .modelfile import ModelFile

#: File suffixes a model PATH may have.
MODEL_SUFFIXES = (".keras", ".json", ".h5", ".hdf5")
#: Model classes whose config holds a ``layers`` list (a nested model is one of these).
MODEL_CLASSES = frozenset({"Functional", "Model", "Sequential"})
#: The class name a stand-in carries in a rewritten config (never a real Keras class).
STAND_IN = "ParamproofLambdaStandIn"
#: Statuses a row or a model may end with and still be a clean run.
OK = frozenset({Status.MATCH})


class ModelLoadError(ValueError):
    """A model file or name that cannot be read or built: one line that names the path and why."""


class NothingToBuild(ModelLoadError):
    """Every layer but the inputs is set aside (opaque, custom, or downstream of one); ``pruned``
    maps each to the reason."""

    def __init__(self, message: str, pruned: Mapping[str, str]) -> None:
        super().__init__(message)
        self.pruned = dict(pruned)


# -- observations ------------------------------------------------------------------------------


@dataclass(frozen=True)
class LayerObservation(WeightCounts):
    """One top-level layer as Keras built it.  ``trainable`` on each weight is what the model
    counts: a weight of a frozen layer (or of a layer inside a frozen nested model) is
    non-trainable whatever the variable's own flag says."""

    name: str
    class_name: str
    weights: tuple[Weight, ...]
    count_params: int | None
    output_shape: OutputShape | None
    stand_in: bool = False
    layers: tuple[LayerObservation, ...] = ()


@dataclass(frozen=True)
class ModelObservation:
    """A whole model as Keras built it; totals count each weight once (a shared layer's weights
    once, as ``model.count_params()`` does)."""

    name: str
    class_name: str
    layers: tuple[LayerObservation, ...]
    count_params: int
    trainable: int
    non_trainable: int
    #: Layers of the original model that were not rebuilt, with the reason (opaque, downstream).
    pruned: Mapping[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class LayerCheck:
    """One row of ``models/<name>.csv``: the engine's row and Keras's layer, compared."""

    name: str
    class_name: str
    expected: Any  # formulas.LayerRow | None
    observed: LayerObservation | None
    status: Status
    detail: str


@dataclass(frozen=True)
class ModelCheck:
    """A model compared: per-layer rows, totals, the model's status and a one-line detail."""

    name: str
    status: Status
    detail: str
    keras_version: str = ""
    backend: str = ""
    expected: Any = None  # formulas.ModelExpectation | None
    observed: ModelObservation | None = None
    rows: tuple[LayerCheck, ...] = ()
    seconds: float = 0.0

    @property
    def disagreeing(self) -> list[LayerCheck]:
        return [r for r in self.rows if r.status not in OK]


# -- reading configs ---------------------------------------------------------------------------


def read_model_file(path: Path) -> ModelFile:
    """The model a file holds, read by its bytes without Keras (:mod:`verify.modelfile`).  Raises
    :class:`ModelLoadError` with one line naming the path."""
    try:
        return modelfile.read_model_file(path)
    except modelfile.ModelFileError as exc:
        raise ModelLoadError(str(exc)) from None


def read_model_config(path: Path) -> dict[str, Any]:
    """The model configuration of :func:`read_model_file`."""
    return read_model_file(path).config


# -- the configuration, made safe --------------------------------------------------------------


def _declared_shape(value: Any) -> Any:
    """A Lambda's literal ``output_shape`` (batch axis excluded) as a tuple, a list of tuples for
    several outputs, or None when it is absent or not literal (a serialized function)."""
    if isinstance(value, (list, tuple)):
        if all(d is None or (isinstance(d, int) and not isinstance(d, bool)) for d in value):
            return tuple(value)
        if value and all(isinstance(v, (list, tuple)) for v in value):
            inner = [_declared_shape(v) for v in value]
            return None if any(i is None or isinstance(i, list) for i in inner) else inner
    return None


def _lambda_output_shape(config: Mapping[str, Any]) -> Any:
    if config.get("output_shape_type", "raw") != "raw":  # Keras 2: a function or lambda
        return None
    return _declared_shape(config.get("output_shape"))


def _layer_specs(model_config: Mapping[str, Any]) -> list[dict[str, Any]]:
    body = model_config.get("config")
    layers = body.get("layers") if isinstance(body, Mapping) else None
    return layers if isinstance(layers, list) else []


def _short(value: Any, limit: int = 120) -> str:
    """``repr(value)`` cut to ``limit`` characters, for a refusal (a hostile value may be huge)."""
    try:
        text = repr(value)
    except (ValueError, RecursionError):
        return f"<{type(value).__name__}>"
    return text if len(text) <= limit else text[: limit - 3] + "..."


def _model_label(model_config: Mapping[str, Any]) -> str:
    body = model_config.get("config")
    name = body.get("name") if isinstance(body, Mapping) else None
    return f"model {name!r}" if isinstance(name, str) else "the model"


def _checked_specs(model_config: Mapping[str, Any]) -> list[dict[str, Any]]:
    """:func:`_layer_specs`, each checked to be what the Keras preparation reads: a mapping whose
    ``class_name`` is a string and whose ``config`` (and ``name``, where present) is a mapping (a
    string).  Anything else is refused as the engine refuses it, with a :class:`ModelLoadError`
    naming the layer and the bad value, never an AttributeError or TypeError on the way to Keras."""
    if "config" in model_config and not isinstance(model_config["config"], Mapping):
        raise ModelLoadError(f"the model's 'config' must be a mapping, got {_short(model_config['config'])}")
    specs = _layer_specs(model_config)
    model = _model_label(model_config)
    for i, spec in enumerate(specs):
        if not isinstance(spec, Mapping):
            raise ModelLoadError(
                f"{model}: layers[{i}] is not a layer config {{'class_name': ..., 'config': {{...}}}}: {_short(spec)}"
            )
        config = spec.get("config")
        raw_name = spec.get("name")
        if raw_name is None and isinstance(config, Mapping):
            raw_name = config.get("name")
        label = f"layers[{i}] {raw_name!r}" if isinstance(raw_name, str) else f"layers[{i}]"
        if not isinstance(spec.get("class_name"), str):
            raise ModelLoadError(f"{model}: {label}: 'class_name' must be a string, got {_short(spec.get('class_name'))}")
        if config is not None and not isinstance(config, Mapping):
            raise ModelLoadError(f"{model}: {label} ({spec['class_name']}): 'config' must be a mapping, got {_short(config)}")
        for where, value in (("name", spec.get("name")), ("config name", (config or {}).get("name"))):
            if value is not None and not isinstance(value, str):
                raise ModelLoadError(
                    f"{model}: {label} ({spec['class_name']}): its {where} must be a string, got {_short(value)}"
                )
    return specs


def _walk_specs(value: Any) -> Iterable[Mapping[str, Any]]:
    """Every ``{"class_name": ..., "config": ...}`` inside ``value`` (wrappers, nested models)."""
    if isinstance(value, Mapping):
        if isinstance(value.get("class_name"), str) and isinstance(value.get("config"), Mapping):
            yield value
        for v in value.values():
            yield from _walk_specs(v)
    elif isinstance(value, list):
        for v in value:
            yield from _walk_specs(v)


#: Classes a model config names that are its structure, not layers with a formula of their own.
_STRUCTURE = MODEL_CLASSES | {"InputLayer", "Lambda", STAND_IN}
#: Keras 2's TensorFlow-op layers: described by the engine's op table, not its registry.
_KERAS2_OPS = frozenset({"TFOpLambda", "SlicingOpLambda"})


@cache
def _known_classes(version: str | None) -> frozenset[str]:
    names = set(formulas.supported(keras=version))
    if version is None or not version.startswith("3"):
        names |= _KERAS2_OPS
    return frozenset(names)


def _looks_like_layer(spec: Mapping[str, Any]) -> bool:
    """A nested spec that is a layer (a wrapper's ``layer``, an RNN's ``cell``), not an
    initializer, regularizer or dtype policy: layers serialize both ``name`` and ``trainable``."""
    config = spec.get("config")
    return isinstance(config, Mapping) and "name" in config and "trainable" in config


def custom_class_reason(spec: Mapping[str, Any], version: str, *, layer: bool) -> str | None:
    """Why Keras ``version`` cannot build this spec without code that is not Keras's: a custom
    class (Keras 3 names its module; Keras 1/2 only the class, which then is no Keras class at
    all), or a class of another Keras line.  ``layer`` says the spec is a model's layer."""
    class_name = str(spec.get("class_name"))
    module = spec.get("module")
    if class_name in _STRUCTURE or class_name in UNTRUSTED or class_name.startswith("__"):
        return None
    if isinstance(module, str) and module.startswith(("keras.src.ops", "keras.ops")):
        return None  # a Keras 3 operation node
    if "module" in spec and isinstance(module, str) and module.startswith(("keras", "tf_keras", "tensorflow")):
        # Keras 3 (or 2.13+) names the module that defines it: Keras's own (an application's
        # LayerScale, tf-keras's TFOpLambda, TensorFlow's initializers) is a Keras class, unless
        # it is one of another Keras line.
        if class_name in _known_classes(None) and class_name not in _known_classes(version):
            return f"{class_name} is not a class of Keras {version}"
        return None
    foreign = "module" in spec
    if not foreign and not (layer or _looks_like_layer(spec)):
        return None
    if not foreign and class_name in _known_classes(version):
        return None
    if foreign or class_name not in _known_classes(None):
        where = f" (module {module})" if isinstance(module, str) and module else ""
        return (
            f"custom class {class_name}{where}: paramproof has no formula for it and never imports its code, "
            "so Keras cannot build it"
        )
    return f"{class_name} is not a class of Keras {version}"


def _opaque_reason(spec: Mapping[str, Any], version: str | None = None) -> str | None:
    """Why Keras cannot be given this layer without running untrusted code (or code it does not
    have: a custom class, with ``version``); None when it can (possibly after a Lambda with a
    literal output_shape is swapped for a stand-in)."""
    class_name = spec.get("class_name")
    config = spec.get("config") or {}
    if class_name == "Lambda":
        if _lambda_output_shape(config) is None:
            return "Lambda without a literal output_shape: its shape is only known by running its code, which is never run"
        return None
    if class_name in UNTRUSTED:
        return f"{class_name} runs code or loads files named by the model: never built"
    if version is not None:
        reason = custom_class_reason(spec, version, layer=True)
        if reason is not None:
            return reason
    inner = [s for s in _walk_specs(config) if s is not spec]
    for s in inner:
        if s.get("class_name") == "__lambda__":  # a Python lambda as an activation, initializer …
            return "holds a serialized Python lambda, which is never run"
        if s.get("class_name") in MODEL_CLASSES:
            continue
        if s.get("class_name") == "Lambda" or s.get("class_name") in UNTRUSTED:
            reason = _opaque_reason(s)
        else:
            reason = None if version is None else custom_class_reason(s, version, layer=False)
        if reason is not None:
            name = (s.get("config") or {}).get("name")
            return f"contains {s.get('class_name')} {name!r}: {reason}" if isinstance(name, str) else f"uses {reason}"
    return None


def _inbound_names(spec: Mapping[str, Any]) -> set[str]:
    """Names of the layers whose outputs this layer consumes, from its inbound nodes: Keras 3
    ``keras_history: [layer, node, tensor]`` entries, Keras 2 ``[layer, node, tensor, kwargs]``
    lists (tensors inside kwargs, e.g. a TFOpLambda's ``y``, included)."""
    names: set[str] = set()

    def walk(value: Any) -> None:
        if isinstance(value, Mapping):
            history = value.get("keras_history")
            if isinstance(history, list) and history and isinstance(history[0], str):
                names.add(history[0])
            for v in value.values():
                walk(v)
        elif isinstance(value, list):
            if len(value) >= 3 and isinstance(value[0], str) and isinstance(value[1], int) and isinstance(value[2], int):
                names.add(value[0])
                for v in value[3:]:
                    walk(v)
            else:
                for v in value:
                    walk(v)

    walk(spec.get("inbound_nodes") or [])
    return names


def _spec_name(spec: Mapping[str, Any]) -> str:
    return str(spec.get("name") or (spec.get("config") or {}).get("name") or "")


def _stand_in_spec(spec: Mapping[str, Any], keras3: bool) -> dict[str, Any]:
    config = spec.get("config") or {}
    shape = _lambda_output_shape(config)
    if shape is None:
        # Every Lambda of the model's layers (at any depth inside them) without a literal shape is
        # opaque and pruned before this; one elsewhere (an inbound node, a build config) is never
        # handed to Keras either.
        name = config.get("name")
        raise ModelLoadError(
            f"Lambda {_short(name)} outside the layers' configs (in an inbound node or another field) has no literal "
            f"output_shape ({_short(config.get('output_shape'))}): its code is never run, so Keras is not given it"
        )
    new = {k: v for k, v in spec.items() if k not in ("module", "registered_name", "class_name", "config")}
    new["class_name"] = STAND_IN
    if keras3:
        new["module"] = None
        new["registered_name"] = STAND_IN
    new["config"] = {
        "name": config.get("name"),
        "trainable": config.get("trainable", True),
        "dtype": config.get("dtype"),
        "declared_output_shape": [list(s) for s in shape] if isinstance(shape, list) else list(shape),
    }
    return new


def _swap_lambdas(value: Any, keras3: bool) -> Any:
    """A deep copy of ``value`` with every Lambda (that has a literal output_shape) swapped for
    a stand-in, at any depth (nested models, wrappers)."""
    if isinstance(value, Mapping):
        if value.get("class_name") == "Lambda" and isinstance(value.get("config"), Mapping):
            return _stand_in_spec(value, keras3)
        return {k: _swap_lambdas(v, keras3) for k, v in value.items()}
    if isinstance(value, list):
        return [_swap_lambdas(v, keras3) for v in value]
    return value


@dataclass(frozen=True)
class SafeConfig:
    """A model config Keras may deserialize: Lambdas swapped for stand-ins, opaque layers and
    everything downstream of them pruned.  ``pruned`` maps each removed layer to the reason;
    ``changed`` says whether anything was rewritten (else the file can be loaded as it is)."""

    config: dict[str, Any]
    pruned: dict[str, str]
    changed: bool
    stand_ins: frozenset[str] = frozenset()


def sanitise(model_config: Mapping[str, Any], *, keras3: bool, version: str | None = None) -> SafeConfig:
    """See the module docstring.  Works on Keras 3 and Keras 2 configs, Sequential and Functional.
    With ``version``, custom classes (and classes that Keras version lacks) are set aside too."""
    specs = _checked_specs(model_config)
    opaque: dict[str, str] = {}
    for spec in specs:
        reason = _opaque_reason(spec, version)
        if reason is not None:
            opaque[_spec_name(spec)] = reason
    stand_ins = frozenset(_spec_name(s) for s in specs if s.get("class_name") == "Lambda" and _spec_name(s) not in opaque)
    has_lambda = any(s.get("class_name") == "Lambda" for s in _walk_specs(model_config))
    if not opaque and not has_lambda:
        return SafeConfig(dict(model_config), {}, False)
    config = copy.deepcopy(dict(model_config))
    specs = _checked_specs(config)
    pruned: dict[str, str] = dict(opaque)
    if model_config.get("class_name") == "Sequential":
        cut = next((i for i, s in enumerate(specs) if _spec_name(s) in opaque), None)
        if cut is not None:
            first = _spec_name(specs[cut])
            for s in specs[cut + 1 :]:
                pruned[_spec_name(s)] = f"not built: downstream of {first!r}, whose output shape is unknown"
            del specs[cut:]
    else:
        consumers: dict[str, set[str]] = {}
        for s in specs:
            for source in _inbound_names(s):
                consumers.setdefault(source, set()).add(_spec_name(s))
        frontier = list(opaque)
        origin = {name: name for name in opaque}
        while frontier:
            name = frontier.pop()
            for consumer in sorted(consumers.get(name, ())):
                if consumer not in pruned:
                    pruned[consumer] = f"not built: downstream of {origin[name]!r}, whose output shape is unknown"
                    origin[consumer] = origin[name]
                    frontier.append(consumer)
        _prune_functional(config, specs, set(pruned))
    config = _swap_lambdas(config, keras3)
    return SafeConfig(config, pruned, True, stand_ins)


def _prune_functional(config: dict[str, Any], specs: list[dict[str, Any]], removed: set[str]) -> None:
    """Drop ``removed`` layers; the model's outputs become its surviving outputs plus every
    surviving tensor a removed layer consumed, so the upstream part is still built."""
    body = config.get("config")
    if not isinstance(body, dict):  # no layers to prune (a config :mod:`verify.modelfile` refuses)
        return
    outputs: list[Any] = []

    def add(ref: Any) -> None:
        if ref not in outputs:
            outputs.append(ref)

    for ref in _refs(body.get("output_layers")):
        if ref[0] not in removed:
            add(ref)
    for s in specs:
        if _spec_name(s) in removed:
            for ref in _node_refs(s.get("inbound_nodes") or []):
                if ref[0] not in removed:
                    add(ref)
    body["layers"] = [s for s in specs if _spec_name(s) not in removed]
    body["output_layers"] = outputs


def _refs(value: Any, what: str = "output_layers") -> list[list[Any]]:
    """``output_layers`` (``input_layers``) as a list of [layer, node, tensor] (a single ref is
    allowed by Keras).  Entries that are not lists of three are skipped, as before; one whose layer
    is not a name is refused (:class:`ModelLoadError`), as Keras and the engine refuse it."""
    if isinstance(value, list) and len(value) == 3 and isinstance(value[0], str):
        return [list(value)]
    if not isinstance(value, list):
        return []
    refs = [list(v) for v in value if isinstance(v, list) and len(v) >= 3]
    for ref in refs:
        if not isinstance(ref[0], str):
            raise ModelLoadError(f"{what} entry {_short(ref)} is not [layer name, node index, tensor index]")
    return refs


def _node_refs(value: Any) -> list[list[Any]]:
    out: list[list[Any]] = []

    def walk(v: Any) -> None:
        if isinstance(v, Mapping):
            history = v.get("keras_history")
            if isinstance(history, list) and len(history) == 3 and isinstance(history[0], str):
                out.append(list(history))
            for x in v.values():
                walk(x)
        elif isinstance(v, list):
            if len(v) >= 3 and isinstance(v[0], str) and isinstance(v[1], int) and isinstance(v[2], int):
                out.append(list(v[:3]))
                for x in v[3:]:
                    walk(x)
            else:
                for x in v:
                    walk(x)

    walk(value)
    return out


def override_input_shapes(model_config: Mapping[str, Any], shapes: Sequence[Shape], *, keras3: bool) -> dict[str, Any]:
    """A copy of the config whose inputs have ``shapes`` (batch axis included), for Keras to
    rebuild the model on them: the InputLayers' batch shape (Functional), or the first layer's /
    the build shape (Sequential)."""
    config: dict[str, Any] = _without_build_configs(copy.deepcopy(dict(model_config)))
    if config.get("config") is None:
        config["config"] = {}
    specs = _checked_specs(config)
    body = config["config"]
    key = "batch_shape" if keras3 else "batch_input_shape"
    if config.get("class_name") == "Sequential":
        if len(shapes) != 1:
            raise ModelLoadError(f"a Sequential model has one input; got {len(shapes)} --input-shape values")
        body["build_input_shape"] = list(shapes[0])
        if specs:
            first = _layer_config(specs[0])
            for k in ("batch_shape", "batch_input_shape", "shape", "input_shape"):
                first.pop(k, None)
            first[key] = list(shapes[0])
        return config
    inputs = [ref[0] for ref in _refs(body.get("input_layers"), "input_layers")]
    if len(inputs) != len(shapes):
        named = ", ".join(n if n.isprintable() and len(n) <= 200 else _short(n) for n in inputs[:20])
        more = f", … {len(inputs) - 20} more" if len(inputs) > 20 else ""
        raise ModelLoadError(f"the model has {len(inputs)} input(s) ({named}{more}); got {len(shapes)} --input-shape value(s)")
    by_name = {_spec_name(s): s for s in specs}
    for name, shape in zip(inputs, shapes):
        if name not in by_name:
            raise ModelLoadError(f"{_model_label(config)}: input layer {name!r} (input_layers) is not one of its layers")
        layer = _layer_config(by_name[name])
        for k in ("batch_shape", "batch_input_shape", "shape", "input_shape"):
            layer.pop(k, None)
        layer[key] = list(shape)
    return config


def _layer_config(spec: dict[str, Any]) -> dict[str, Any]:
    """A (checked) layer spec's ``config``, made an empty one where it is absent or null."""
    if spec.get("config") is None:
        spec["config"] = {}
    return spec["config"]  # type: ignore[no-any-return]


def _without_build_configs(value: Any) -> Any:
    """Keras 3 builds each deserialized layer from its saved ``build_config`` (the old input
    shape) before calling it: drop them so the layers build on the new shapes."""
    if isinstance(value, dict):
        return {k: _without_build_configs(v) for k, v in value.items() if k != "build_config"}
    if isinstance(value, list):
        return [_without_build_configs(v) for v in value]
    return value


# -- Keras: building -----------------------------------------------------------------------------


def _stand_in_class(env: KerasEnv) -> type:
    """The stand-in for a Lambda: no weights, a symbolic output of the declared shape, and a
    ``call`` that refuses to run.  Keras 3 takes the shape from ``compute_output_spec``; Keras 2
    from ``compute_output_shape`` (the layer is ``dynamic``, so Keras never traces ``call``)."""
    cached = getattr(env, "_stand_in", None)
    if cached is not None:
        return cached  # type: ignore[no-any-return]
    keras = env.keras
    keras3 = env.is_keras3

    class LambdaStandIn(keras.layers.Layer):  # type: ignore[misc, name-defined]
        def __init__(self, declared_output_shape: Any, **kwargs: Any) -> None:
            if not keras3:
                kwargs["dynamic"] = True
            super().__init__(**kwargs)
            self.declared_output_shape = declared_output_shape

        def _shapes(self, batch: Any) -> Any:
            declared = self.declared_output_shape
            if declared and isinstance(declared[0], (list, tuple)):
                return [(batch, *s) for s in declared]
            return (batch, *declared)

        def compute_output_shape(self, input_shape: Any) -> Any:
            first = input_shape
            while (
                isinstance(first, (list, tuple))
                and first
                and (isinstance(first[0], (list, tuple)) or hasattr(first[0], "as_list"))
            ):
                first = first[0]  # several inputs: the batch axis of the first
            if hasattr(first, "as_list"):
                first = first.as_list()
            batch = first[0] if first else None
            shapes = self._shapes(batch)
            if keras3:
                return shapes
            import tensorflow as tf

            return [tf.TensorShape(s) for s in shapes] if isinstance(shapes, list) else tf.TensorShape(shapes)

        def compute_output_spec(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
            flat = inputs
            while isinstance(flat, (list, tuple)):
                flat = flat[0]
            shapes = self._shapes(flat.shape[0])
            if isinstance(shapes, list):
                return [keras.KerasTensor(s, dtype=self.compute_dtype) for s in shapes]
            return keras.KerasTensor(shapes, dtype=self.compute_dtype)

        def call(self, inputs: Any, *args: Any, **kwargs: Any) -> Any:
            raise RuntimeError(f"{self.name}: a stand-in for a Lambda whose code paramproof never runs")

        def get_config(self) -> dict[str, Any]:
            return {**super().get_config(), "declared_output_shape": self.declared_output_shape}

    LambdaStandIn.__name__ = STAND_IN
    env._stand_in = LambdaStandIn  # type: ignore[attr-defined]
    return LambdaStandIn


def applications(env: KerasEnv) -> list[str]:
    """Every model function of the installed ``keras.applications``, sorted."""
    apps = env.keras.applications
    return sorted(n for n in dir(apps) if n[:1].isupper() and callable(getattr(apps, n)))


def build_application(env: KerasEnv, name: str, input_shapes: Sequence[Shape] | None = None) -> Any:
    """``keras.applications.<name>(weights=None)``; ``input_shapes`` (one shape, batch axis
    included) overrides the default input."""
    known = applications(env)
    if name not in known:
        raise ModelLoadError(f"{name!r} is not a keras.applications model in Keras {env.version} (known: {', '.join(known)})")
    kwargs: dict[str, Any] = {"weights": None}
    if input_shapes:
        if len(input_shapes) != 1:
            raise ModelLoadError(f"{name} has one input; got {len(input_shapes)} --input-shape values")
        kwargs["input_shape"] = tuple(input_shapes[0][1:])
    try:
        return getattr(env.keras.applications, name)(**kwargs)
    except Exception as exc:  # noqa: BLE001 - Keras refusing the arguments is the user's answer
        raise ModelLoadError(f"{name}: Keras refuses to build it: {_error_text(exc)}") from None


def load_model_file(env: KerasEnv, model_file: ModelFile, input_shapes: Sequence[Shape] | None) -> tuple[Any, SafeConfig]:
    """The model a file holds, as Keras rebuilds it from the configuration alone (the weights are
    never read) without running untrusted code (see the module docstring).  A Keras 1/2
    configuration goes through Keras 3's own legacy loader (the one it uses for ``.h5`` files).
    Raises :class:`ModelLoadError` with a one-line reason."""
    keras = env.keras
    path = model_file.path
    keras3_format = model_file.keras3_format
    serialized = model_file.keras3_serialized
    if keras3_format and not env.is_keras3:
        raise ModelLoadError(f"{path}: a Keras 3 configuration: Keras {env.version} cannot read it")
    try:
        safe = sanitise(model_file.config, keras3=serialized, version=env.version)
        target = _without_compile_config(safe.config)
        if input_shapes:
            target = override_input_shapes(target, input_shapes, keras3=keras3_format)
    except ModelLoadError as exc:  # a malformed configuration, refused before Keras sees it
        raise ModelLoadError(f"{path}: {exc}") from None
    if not [s for s in _layer_specs(target) if s.get("class_name") != "InputLayer"]:
        first = next(iter(safe.pruned.items()), ("", ""))
        raise NothingToBuild(f"{path}: nothing left to build once {first[0]!r} is set aside ({first[1]})", safe.pruned)
    custom = {STAND_IN: _stand_in_class(env), **_application_classes(env, target)}
    try:
        if env.is_keras3:
            from keras.src.saving.serialization_lib import SafeModeScope

            with SafeModeScope(True):
                if serialized:
                    with _object_sharing_scope(env):
                        return keras.models.model_from_json(json.dumps(target), custom_objects=custom), safe
                from keras.src.legacy.saving import saving_utils

                return saving_utils.model_from_config(modelfile.legacy_layer_specs(target), custom_objects=custom), safe
        with _object_sharing_scope(env):
            return keras.models.model_from_json(json.dumps(target), custom_objects=custom), safe
    except ModelLoadError:
        raise
    except Exception as exc:  # noqa: BLE001 - reported in one line, never as a traceback
        raise ModelLoadError(f"{path}: refused by Keras {env.version}: {keras_error(exc)}") from None


#: Where each Keras line keeps ``ObjectSharingScope`` (Keras 3.0-3.15, tf-keras 2.16-2.21, Keras
#: 2.13-2.15 as tf.keras, Keras 2.12), first found wins.
_SHARING_MODULES = (
    "keras.src.saving.serialization_lib",
    "tf_keras.src.saving.serialization_lib",
    "keras.saving.serialization_lib",
)


def _object_sharing_scope(env: KerasEnv) -> contextlib.AbstractContextManager[Any]:
    """The scope Keras's own ``load_model`` rebuilds a ``.keras`` file's configuration in
    (``saving_lib``): entries that carry the same ``shared_object_id`` (a layer used by the model
    and again inside a nested model, keras-team/keras#3661) become one object, so the weights are
    made once, as in the saved model.  A configuration without the ids is rebuilt as before.
    Keras 3 honours the ids; tf-keras has the scope but its functional loader passes its own
    module objects to the deserializer, which then skips the ids (the layer is rebuilt twice: the
    known issue ``keras-reload-duplicates-shared-layers``).  Where the line has no scope, none."""
    package = "tf_keras" if env.keras.__name__.startswith("tf_keras") else "keras"
    for name in _SHARING_MODULES:
        if not name.startswith(package + "."):
            continue
        try:
            module = importlib.import_module(name)
        except ImportError:
            continue
        scope = getattr(module, "ObjectSharingScope", None)
        if scope is not None:
            return scope()  # type: ignore[no-any-return]
    return contextlib.nullcontext()


def keras_error(exc: BaseException) -> str:
    """Keras's message in one line, its cause kept: a deserialization error quotes the whole config
    before the cause ("Error when deserializing class 'X' using config={...}. Exception
    encountered: ..."), so the config is cut, not the cause."""
    text = " ".join(str(exc).split())
    head, sep, cause = text.rpartition("Exception encountered:")
    if sep:
        head = head.split(" using config=")[0].split(" Please ensure")[0].strip().rstrip(".")
        text = f"{head}: {cause.strip()}"
    if len(text) > 600:
        text = text[:597] + "..."
    return f"{type(exc).__name__}: {text}"


_APPLICATION_MODULE = re.compile(r"^(?:keras|tf_keras)(?:\.src)?\.applications\.(\w+)$")


def _application_classes(env: KerasEnv, config: Any) -> dict[str, type]:
    """Keras's own classes that a ``keras.applications`` model uses but does not register
    (ConvNeXt's LayerScale, InceptionResNetV2's CustomScaleLayer): Keras cannot reload its own
    model's JSON without them, so they are taken from this Keras's applications module (Keras's
    code, never the file's)."""
    import importlib

    found: dict[str, type] = {}
    package = "keras.src.applications" if env.is_keras3 else f"{env.keras.__name__.split('.')[0]}.src.applications"
    for spec in _walk_specs(config):
        match = _APPLICATION_MODULE.match(str(spec.get("module") or ""))
        name = str(spec.get("class_name"))
        if match is None or name in found:
            continue
        try:
            cls = getattr(importlib.import_module(f"{package}.{match.group(1)}"), name, None)
        except ImportError:
            continue
        if isinstance(cls, type):
            found[name] = cls
    return found


def _without_compile_config(config: Mapping[str, Any]) -> dict[str, Any]:
    """The architecture only: a ``.keras`` config's ``compile_config`` names the optimizer, loss and
    metrics (custom ones among them), which Keras would deserialize and a count never needs."""
    return {k: v for k, v in config.items() if k not in ("compile_config", "training_config")}


# -- Keras: observing ----------------------------------------------------------------------------


def _node_output_shape(layer: Any, model: Any) -> OutputShape | None:
    """Output shape of the layer's first call that belongs to ``model`` (a nested model or a
    Keras 2 functional model also has nodes of its own construction)."""
    nodes = list(getattr(layer, "_inbound_nodes", []) or [])
    member: Any = None
    keras2_keys = getattr(model, "_network_nodes", None)
    keras3_nodes = getattr(model, "_nodes", None)
    for index, node in enumerate(nodes):
        if keras2_keys is not None and f"{layer.name}_ib-{index}" in keras2_keys:
            member = node
            break
        if keras3_nodes is not None and keras2_keys is None and node in keras3_nodes:
            member = node
            break
    if member is None and nodes:
        member = nodes[0]
    if member is None:
        return None
    outputs = getattr(member, "output_tensors", None)
    if outputs is None:
        outputs = getattr(member, "outputs", None)
    if outputs is None:
        return None
    if isinstance(outputs, (list, tuple)):
        shapes = [_dims(o.shape) for o in _flat(outputs)]
        return shapes[0] if len(shapes) == 1 else tuple(shapes)
    return _dims(outputs.shape)


def _flat(value: Any) -> list[Any]:
    """Tensors of a nested output structure (an RNN cell's ``(h, [h, c])``), in order."""
    if isinstance(value, (list, tuple)):
        return [t for v in value for t in _flat(v)]
    if isinstance(value, Mapping):
        return [t for v in value.values() for t in _flat(v)]
    return [value]


def _variables(weights: Iterable[Any]) -> list[Any]:
    """The variables among ``layer.weights``: tf-keras lookup layers list a ``VocabWeightHandler``
    there too, which has no shape and holds no parameters (``count_params()`` skips it)."""
    return [w for w in weights if hasattr(w, "shape")]


def _observe_layer(layer: Any, model: Any, trainable_ids: set[int], stand_in_cls: type | None) -> LayerObservation:
    weights = tuple(
        Weight(normalise_weight_name(w.name), _dims(w.shape), id(w) in trainable_ids) for w in _variables(layer.weights)
    )
    try:
        count: int | None = int(layer.count_params())
    except Exception:  # noqa: BLE001 - an unbuilt weightless layer
        count = None
    inner: tuple[LayerObservation, ...] = ()
    if hasattr(layer, "layers") and type(layer).__name__ in MODEL_CLASSES:
        inner = tuple(_observe_layer(sub, layer, trainable_ids, stand_in_cls) for sub in layer.layers)
    stand_in = stand_in_cls is not None and isinstance(layer, stand_in_cls)
    return LayerObservation(
        name=layer.name,
        class_name="Lambda" if stand_in else type(layer).__name__,
        weights=weights,
        count_params=count,
        output_shape=_node_output_shape(layer, model),
        stand_in=stand_in,
        layers=inner,
    )


def observe_model(env: KerasEnv, model: Any, pruned: Mapping[str, str] | None = None) -> ModelObservation:
    """What Keras built: per top-level layer and in total (unique weights).  Raises
    :class:`ModelLoadError` when Keras left the model unbuilt (a Sequential without an input shape)."""
    if not getattr(model, "built", True):
        raise ModelLoadError(
            f"Keras {env.version} left the model unbuilt: its configuration gives no input shape (pass --input-shape)"
        )
    trainable_ids = {id(w) for w in model.trainable_weights}
    stand_in_cls = getattr(env, "_stand_in", None)
    layers = tuple(_observe_layer(layer, model, trainable_ids, stand_in_cls) for layer in model.layers)

    def size(weights: Iterable[Any]) -> int:
        seen: dict[int, Any] = {}
        for w in _variables(weights):
            seen.setdefault(id(w), w)
        return sum(math.prod(d or 0 for d in _dims(w.shape)) for w in seen.values())

    return ModelObservation(
        name=model.name,
        class_name=type(model).__name__,
        layers=layers,
        count_params=int(model.count_params()),
        trainable=size(model.trainable_weights),
        non_trainable=size(model.non_trainable_weights),
        pruned=dict(pruned or {}),
    )


# -- comparing -----------------------------------------------------------------------------------


def _row_differences(expected: Any, observed: LayerObservation, prefix: str = "") -> list[str]:
    problems = []
    if not observed.stand_in and expected.class_name != observed.class_name:
        problems.append(f"{prefix}class: formula {expected.class_name}, Keras {observed.class_name}")
    if expected.layers and observed.layers:
        # A nested model: its weights are compared sub-layer by sub-layer below; the flat order in
        # which the two list them (Keras 2 orders a nested model's weights its own way) is not a fact
        # about the model, but the trainable / non-trainable split is.
        for label, e, o in (
            ("trainable", expected.trainable, observed.trainable),
            ("non-trainable", expected.non_trainable, observed.non_trainable),
        ):
            if e != o:
                problems.append(f"{prefix}{label}: formula {e:,}, Keras {o:,}")
    else:
        problems += [prefix + p for p in weight_differences(_session_free(expected.weights), _session_free(observed.weights))]
    if expected.output_shape != observed.output_shape:
        problems.append(
            f"{prefix}output shape: formula {_shape_text(expected.output_shape)}, Keras {_shape_text(observed.output_shape)}"
        )
    if observed.count_params is not None and observed.count_params != expected.total:
        problems.append(f"{prefix}count_params: formula {expected.total:,}, Keras {observed.count_params:,}")
    if expected.layers and observed.layers:
        inner = {o.name: o for o in observed.layers}
        for sub in expected.layers:
            o = inner.get(sub.name)
            if o is None:
                problems.append(f"{prefix}{sub.name}: in the formula's nested model, not in Keras's")
            elif sub.error is None:
                problems += _row_differences(sub, o, f"{prefix}{sub.name}: ")
        predicted = {sub.name for sub in expected.layers}
        problems += [
            f"{prefix}{o.name}: in Keras's nested model, not in the formula's" for o in observed.layers if o.name not in predicted
        ]
    return problems


_AUTO_NAME = re.compile(r"^variable(_\d+)?$")


def _session_free(weights: Sequence[Weight]) -> tuple[Weight, ...]:
    """Keras 3 names a weight created without a name ``variable``, ``variable_1`` … by a counter
    that runs across the whole Keras session (ConvNeXt's LayerScale): the suffix says how many
    such weights were made before, not what this model is, so it is not compared."""
    return tuple(replace(w, name="variable") if _AUTO_NAME.match(w.name) else w for w in weights)


def _shape_text(shape: Any) -> str:
    return "unknown" if shape is None else format_output_shape(shape)


def compare_rows(expected: Any, observed: ModelObservation) -> list[LayerCheck]:
    """Row by row, matched by layer name, in the engine's order (then Keras-only layers)."""
    seen = {o.name: o for o in observed.layers}
    rows: list[LayerCheck] = []
    for row in expected.layers:
        o = seen.pop(row.name, None)
        if o is None:
            reason = observed.pruned.get(row.name)
            if reason is not None:
                rows.append(LayerCheck(row.name, row.class_name, row, None, Status.NO_FORMULA, reason))
            else:
                rows.append(
                    LayerCheck(row.name, row.class_name, row, None, Status.MISMATCH, "in the formula's model, not in Keras's")
                )
            continue
        if row.error is not None:
            status = Status.NO_FORMULA if row.no_formula else Status.FORMULA_ONLY_INVALID
            rows.append(LayerCheck(row.name, row.class_name, row, o, status, f"formula: {row.error}"))
            continue
        problems = _row_differences(row, o)
        if problems:
            rows.append(LayerCheck(row.name, row.class_name, row, o, Status.MISMATCH, "; ".join(problems)))
        else:
            detail = f"{row.total:,} params, output {_shape_text(row.output_shape)}"
            if o.stand_in:
                detail += " (Lambda: output shape as declared; its code never ran)"
            rows.append(LayerCheck(row.name, row.class_name, row, o, Status.MATCH, detail))
    for o in seen.values():
        rows.append(LayerCheck(o.name, o.class_name, None, o, Status.MISMATCH, "in Keras's model, not in the formula's"))
    return rows


def compare_model(name: str, expected: Any, observed: ModelObservation, version: str, backend: str) -> ModelCheck:
    rows = compare_rows(expected, observed)
    bad = [r for r in rows if r.status not in OK]
    hard = [r for r in bad if r.status is not Status.NO_FORMULA]
    totals = []
    if not observed.pruned:
        for label, e, o in (
            ("total", expected.total, observed.count_params),
            ("trainable", expected.trainable, observed.trainable),
            ("non-trainable", expected.non_trainable, observed.non_trainable),
        ):
            if e != o:
                totals.append(f"{label}: formula {e:,}, Keras {o:,}")
    if hard or totals:
        parts = totals + [f"{r.name} ({r.class_name}): {r.detail}" for r in hard[:3]]
        more = f" … and {len(hard) - 3} more layer(s)" if len(hard) > 3 else ""
        return ModelCheck(name, Status.MISMATCH, "; ".join(parts) + more, version, backend, expected, observed, tuple(rows))
    if bad:
        unchecked = len(bad)
        first = bad[0]
        detail = (
            f"{len(rows) - unchecked} of {len(rows)} layers match; {unchecked} unchecked, e.g. {first.name}: {first.detail}; "
            "totals not compared"
        )
        return ModelCheck(name, Status.NO_FORMULA, detail, version, backend, expected, observed, tuple(rows))
    detail = f"{len(rows)} layers match; {expected.total:,} params ({expected.trainable:,} trainable, {expected.non_trainable:,} non-trainable)"
    return ModelCheck(name, Status.MATCH, detail, version, backend, expected, observed, tuple(rows))


# -- end to end ----------------------------------------------------------------------------------


def expect(config: Mapping[str, Any], version: str, input_shapes: Sequence[Shape] | None) -> Any:
    shapes = list(input_shapes) if input_shapes else None
    return formulas.expect_model(config, keras=version, input_shapes=shapes)


def model_config(model: Any) -> dict[str, Any]:
    """The dict ``json.loads(model.to_json())`` gives: what the engine reads."""
    return json.loads(model.to_json())  # type: ignore[no-any-return]


def check_application(env: KerasEnv, name: str, input_shapes: Sequence[Shape] | None = None) -> ModelCheck:
    """Build ``keras.applications.<name>(weights=None)``, describe it with the engine from its own
    config, observe it, compare.  Never raises: a failure is a result."""
    import time

    start = time.perf_counter()
    version, backend = env.version, env.backend
    try:
        model = build_application(env, name, input_shapes)
    except ModelLoadError as exc:
        return ModelCheck(name, Status.KERAS_ONLY_INVALID, str(exc), version, backend)
    try:
        config = model_config(model)
        try:
            expected = expect(config, version, None)
        except ValueError as exc:  # the engine refusing the whole model
            return ModelCheck(name, Status.FORMULA_ONLY_INVALID, f"formula: {exc}", version, backend)
        observed = observe_model(env, model)
        check = compare_model(name, expected, observed, version, backend)
    finally:
        del model
        env.clear()
        gc.collect()
    return _timed(check, time.perf_counter() - start)


def _timed(check: ModelCheck, seconds: float) -> ModelCheck:
    return replace(check, seconds=seconds)


# -- tasks for the worker pool ------------------------------------------------------------------


@dataclass(frozen=True)
class ModelTask:
    """A zoo model for a worker: build, describe, observe, compare."""

    name: str
    input_shapes: tuple[Shape, ...] | None = None

    @property
    def id(self) -> str:
        return self.name

    def run(self, env: KerasEnv) -> ModelCheck:
        try:
            return check_application(env, self.name, self.input_shapes)
        except Exception as exc:  # noqa: BLE001 - the harness failing is a result, not the end of the run
            return ModelCheck(self.name, Status.CRASHED, f"harness error: {_error_text(exc)}", env.version, env.backend)

    def lost(self, status: Status, detail: str, version: str, backend: str) -> ModelCheck:
        return ModelCheck(self.name, status, detail, version, backend)


@dataclass(frozen=True)
class ListApplications:
    """Asks a worker for the installed ``keras.applications`` model names."""

    id: str = "keras.applications"

    def run(self, env: KerasEnv) -> list[str]:
        return applications(env)

    def lost(self, status: Status, detail: str, version: str, backend: str) -> list[str]:
        raise RuntimeError(f"could not list keras.applications: {detail}")


__all__ = [
    "LayerCheck",
    "LayerObservation",
    "ListApplications",
    "ModelCheck",
    "ModelLoadError",
    "ModelObservation",
    "ModelTask",
    "applications",
    "build_application",
    "check_application",
    "compare_model",
    "load_model_file",
    "observe_model",
    "read_model_config",
    "sanitise",
]
