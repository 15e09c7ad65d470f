"""Sweep spaces: for each layer class, a function that draws one random case.

A space is ``Callable[[random.Random], dict]`` returning a case object without its id:
``{"layer": {"class_name": ..., "config": {...}}, "input_shape": [...]}`` plus, where needed,
``"input_dtype"`` and ``"quantize"``.  Spaces draw valid *and* invalid configurations (Keras must
refuse the invalid ones and the engine must agree), with small random input shapes.  Each module
below defines ``SPACES: dict[str, Space]`` for the classes of its family.
"""

from __future__ import annotations

import importlib
import random
from collections.abc import Callable
from typing import Any

Space = Callable[[random.Random], dict[str, Any]]

MODULES = ("core", "conv", "recurrent", "attention", "normalization", "preprocessing")


def all_spaces() -> dict[str, Space]:
    spaces: dict[str, Space] = {}
    for name in MODULES:
        module = importlib.import_module(f"{__name__}.{name}")
        for class_name, space in module.SPACES.items():
            if class_name in spaces:
                raise RuntimeError(f"two sweep spaces for {class_name!r}")
            spaces[class_name] = space
    return spaces
