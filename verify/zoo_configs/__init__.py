"""The ``keras.applications`` model configs, stored so the engine can describe them without Keras.

``keras3/`` holds Keras 3's configs and ``keras2/`` Keras 2.15's: the gzipped ``model.to_json()``
of each application built with ``weights=None`` at its default input shape (architecture inputs,
not expected values), written by ``generate.py``; each folder's ``index.json`` names the Keras
version that wrote them.  Standard library only: nothing here imports TensorFlow.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
LINES = ("keras3", "keras2")


def _folder(line: str) -> Path:
    if line not in LINES:
        raise ValueError(f"line={line!r} is not one of {', '.join(LINES)}")
    return HERE / line


def index(line: str) -> dict[str, Any]:
    """``{"keras": "3.15.1", "tensorflow": ..., "models": [...]}`` for ``line``."""
    path = _folder(line) / "index.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data


def names(line: str) -> list[str]:
    """The application names stored for ``line`` ("keras3" or "keras2"), sorted."""
    return sorted(p.name[: -len(".json.gz")] for p in _folder(line).glob("*.json.gz"))


def load(name: str, line: str) -> dict[str, Any]:
    """The config of application ``name`` under ``line``, as ``json.loads(model.to_json())`` gave it."""
    path = _folder(line) / f"{name}.json.gz"
    if not path.is_file():
        known = names(line)
        raise KeyError(f"no stored config {name!r} for {line} (stored: {', '.join(known) or 'none'})")
    with gzip.open(path, "rt", encoding="utf-8") as f:
        data: dict[str, Any] = json.load(f)
    return data
