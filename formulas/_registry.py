"""One registry keyed by the Keras class name; aliases map to the same formula.

Which Keras releases have each class is data: ``formulas/versions.json`` (``classes``), checked
against the installed Keras of every session of the version matrix.  ``register(...)`` may still
say ``since``/``k2_since``/``keras2``/``keras3`` (the graph-only layers of ``layers/ops.py`` do);
the data file overrides them.  A class that the named version does not have raises
:class:`UnknownLayerError` saying which release added it (every fact names exact releases).
"""

from __future__ import annotations

import difflib
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any

from ._config import Config
from ._derivation import Derivation
from ._model import Expectation, InvalidLayerError, Shape, UnknownLayerError, short
from ._version import Availability, KerasVersion, facts

Formula = Callable[[Config, "Shape | tuple[Shape, ...]", Derivation], None]


@dataclass(frozen=True)
class Entry:
    name: str
    formula: Formula
    family: str
    since: tuple[int, int] | None = None  # first Keras 3 release that has the class
    k2_since: tuple[int, int] | None = None  # first Keras 2 release that has the class
    keras2: bool = True  # present in Keras 2
    keras3: bool = True  # present in Keras 3
    quantizable: bool = False  # has ``layer.quantize(mode)`` (Keras 3); the formula reads ``cfg.quantize``

    def missing_from(self, version: KerasVersion) -> str | None:
        """Why ``version`` has no such class (None when it has); see :func:`availability`."""
        known = facts().classes.get(self.name)
        if known is not None:
            return _explain(self.name, known.line(version), version)
        mm = (version.major, version.minor)
        if version.is_keras3:
            if not self.keras3:
                return f"Keras {version} has no layer {self.name!r} (Keras 2 only)"
            if self.since is not None and mm < self.since:
                return f"Keras {version} has no layer {self.name!r} (added in {self.since[0]}.{self.since[1]})"
        else:
            if not self.keras2:
                return f"Keras {version} has no layer {self.name!r} (Keras 3 only)"
            if self.k2_since is not None and mm < self.k2_since:
                return f"Keras {version} has no layer {self.name!r} (added in {self.k2_since[0]}.{self.k2_since[1]})"
        return None


def _explain(name: str, line: Availability, version: KerasVersion) -> str | None:
    """Why ``version`` lacks class ``name``, or None when it has it."""
    if line.has(version):
        return None
    if not line.present:
        other = "Keras 2" if version.is_keras3 else "Keras 3"
        return f"Keras {version} has no layer {name!r} ({other} only)"
    return f"Keras {version} has no layer {name!r} ({line.describe()})"


_REGISTRY: dict[str, Entry] = {}

#: Public classes of ``keras.layers`` that no closed formula can describe, with the reason.
EXEMPT: dict[str, str] = {
    "Layer": "the abstract base class: its weights are whatever a subclass creates",
    "Wrapper": "abstract base of the wrappers; Bidirectional and TimeDistributed have formulas",
    "Lambda": "runs an arbitrary Python function: no weights, but no closed formula for its output shape",
    "TFSMLayer": "loads a TensorFlow SavedModel from disk: its weights are whatever the file holds",
    "JaxLayer": "wraps an arbitrary JAX function and its parameter tree",
    "FlaxLayer": "wraps an arbitrary Flax module",
    "TorchModuleWrapper": "wraps an arbitrary PyTorch module",
    "Pipeline": "a sequence of arbitrary preprocessing layers and functions",
    "AbstractRNNCell": "the abstract base of RNN cells (Keras 2)",
    "DenseFeatures": "reads tf.feature_column definitions (Keras 2), not a layer config",
    "InputSpec": "not a layer: the class that describes a layer's expected input",
}


def register(
    *names: str,
    family: str,
    since: tuple[int, int] | None = None,
    k2_since: tuple[int, int] | None = None,
    keras2: bool = True,
    keras3: bool = True,
    quantizable: bool = False,
) -> Callable[[Formula], Formula]:
    """Register ``formula`` under each class name; registering a name twice is a bug."""

    def deco(formula: Formula) -> Formula:
        for name in names:
            if name in _REGISTRY:
                raise RuntimeError(f"duplicate formula registration for {name!r}")
            if name in EXEMPT:
                raise RuntimeError(f"{name!r} is listed as exempt and cannot have a formula")
            _REGISTRY[name] = Entry(name, formula, family, since, k2_since, keras2, keras3, quantizable)
        return formula

    return deco


def lookup(class_name: str, version: KerasVersion) -> Entry:
    entry = _REGISTRY.get(class_name)
    if entry is None:
        if class_name in EXEMPT:
            raise UnknownLayerError(f"no formula for {class_name!r}: {EXEMPT[class_name]}")
        # (no class name is longer than 100 characters: difflib on a megabyte-long one takes a second)
        near = difflib.get_close_matches(class_name, list(_REGISTRY), n=3, cutoff=0.6) if len(class_name) <= 100 else []
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownLayerError(f"no formula for layer class {short(class_name)}{hint}")
    known = facts().classes.get(class_name)
    if known is not None:
        why = _explain(class_name, known.line(version), version)
        if why:
            raise UnknownLayerError(why, absent_from_version=True)
        return entry
    why = entry.missing_from(version)
    if why:
        raise UnknownLayerError(why, absent_from_version=True)
    return entry


def check_version_facts() -> None:
    """Every class of ``versions.json`` must be registered (or exempt); run once at import, after
    the formula modules have registered.  A misspelt or stale name is an error, not a silent no-op."""
    unknown = sorted(set(facts().classes) - set(_REGISTRY) - set(EXEMPT))
    if unknown:
        raise RuntimeError(f"formulas/versions.json names classes without a formula: {', '.join(unknown)}")


def names(version: KerasVersion | None = None) -> list[str]:
    """Every registered class name, or those that ``version`` has."""
    return sorted(n for n, e in _REGISTRY.items() if version is None or e.missing_from(version) is None)


def family(class_name: str) -> str:
    entry = _REGISTRY.get(class_name)
    return entry.family if entry else "unknown"


def nested(cfg: Config, layer: Mapping[str, Any], input_shape: Shape | tuple[Shape, ...]) -> Expectation:
    """The expectation of a layer nested in another's config (a wrapper's ``layer``, an RNN's
    ``cell`` …), for the same Keras version and quantization.  Raises like :func:`formulas.expect`,
    with the outer class named in an :class:`InvalidLayerError`."""

    if not isinstance(layer, Mapping) or not isinstance(layer.get("class_name"), str):
        raise cfg.fail(f"nested layer must be {{'class_name': ..., 'config': {{...}}}}, got {layer!r}")
    class_name = layer["class_name"]
    config = layer.get("config") or {}
    try:
        return run(
            lookup(class_name, cfg.keras),
            Config(class_name, config, cfg.keras, quantize=cfg.quantize, backend=cfg.backend),
            input_shape,
        )
    except InvalidLayerError as exc:
        raise cfg.fail(f"inner layer: {exc}") from None
    except UnknownLayerError as exc:
        raise UnknownLayerError(f"{cfg.class_name}: inner layer: {exc}", absent_from_version=exc.absent_from_version) from None


def run(entry: Entry, cfg: Config, input_shape: Shape | tuple[Shape, ...]) -> Expectation:
    """Apply ``entry``'s formula; quantization is refused where the layer has no ``quantize``."""
    if cfg.quantize is not None:
        if not cfg.keras.is_keras3:
            raise cfg.fail(f"quantize={cfg.quantize!r}: Keras {cfg.keras} has no quantization")
        if not entry.quantizable:
            raise cfg.fail(f"quantize={cfg.quantize!r}: {cfg.class_name} has no quantize() in Keras {cfg.keras}")
    derivation = Derivation(cfg.class_name, input_shape, str(cfg.keras))
    try:
        entry.formula(cfg, input_shape, derivation)
    except InvalidLayerError as exc:  # a refusal names the layer (as_shape on a config value does not)
        if str(exc).startswith(f"{cfg.class_name}: "):
            raise
        raise cfg.fail(str(exc)) from None
    except UnknownLayerError as exc:  # an operation or inner layer without a formula, named with the layer
        if str(exc).startswith(f"{cfg.class_name}: "):
            raise
        raise UnknownLayerError(f"{cfg.class_name}: {exc}", absent_from_version=exc.absent_from_version) from None
    return derivation.finish()
