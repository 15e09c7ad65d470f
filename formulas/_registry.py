"""One registry keyed by the Keras class name; aliases map to the same formula."""

from __future__ import annotations

import difflib
from collections.abc import Callable
from dataclasses import dataclass

from ._config import Config
from ._derivation import Derivation
from ._model import Shape, UnknownLayerError
from ._version import KerasVersion

Formula = Callable[[Config, "Shape | tuple[Shape, ...]", Derivation], None]


@dataclass(frozen=True)
class Entry:
    name: str
    formula: Formula
    family: str
    since: tuple[int, int] | None = None  # first Keras version that has the class
    keras2: bool = True  # present in Keras 2


_REGISTRY: dict[str, Entry] = {}


def register(*names: str, family: str, since: tuple[int, int] | None = None, keras2: bool = True) -> Callable[[Formula], Formula]:
    """Register ``formula`` under each class name; registering a name twice is a bug."""

    def deco(formula: Formula) -> Formula:
        for name in names:
            if name in _REGISTRY:
                raise RuntimeError(f"duplicate formula registration for {name!r}")
            _REGISTRY[name] = Entry(name, formula, family, since, keras2)
        return formula

    return deco


def lookup(class_name: str, version: KerasVersion) -> Entry:
    entry = _REGISTRY.get(class_name)
    if entry is None:
        near = difflib.get_close_matches(class_name, list(_REGISTRY), n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(near)}?" if near else ""
        raise UnknownLayerError(f"no formula for layer class {class_name!r}{hint}")
    if not version.is_keras3 and not entry.keras2:
        raise UnknownLayerError(f"Keras {version} has no layer {class_name!r} (Keras 3 only)")
    if version.is_keras3 and entry.since is not None and (version.major, version.minor) < entry.since:
        raise UnknownLayerError(f"Keras {version} has no layer {class_name!r} (added in {entry.since[0]}.{entry.since[1]})")
    return entry


def names() -> list[str]:
    return sorted(_REGISTRY)


def family(class_name: str) -> str:
    entry = _REGISTRY.get(class_name)
    return entry.family if entry else "unknown"
