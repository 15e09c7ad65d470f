"""paramproof's formula engine: the weights and output shape of a Keras layer, in pure Python.

    >>> import formulas
    >>> e = formulas.expect({"class_name": "Dense", "config": {"units": 10}}, (None, 784))
    >>> e.total, e.output_shape
    (7850, (None, 10))

Standard library only: importing this package never imports TensorFlow, Keras, numpy or pandas.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from . import layers as _layers  # noqa: F401  (registers the formulas)
from ._config import Config
from ._graph import LayerRow, ModelExpectation, ModelFileError, expect_model, load_model_config
from ._legacy import Upgraded, upgrade_config
from ._model import (
    Dim,
    Expectation,
    InvalidLayerError,
    OutputShape,
    Shape,
    UnknownLayerError,
    Weight,
    WeightCounts,
    format_output_shape,
    format_shape,
    one_line,
)
from ._registry import EXEMPT, family, names, run
from ._shapes import as_shape, is_multi
from ._version import KerasVersion
from .layers.ops import lookup

__all__ = [
    "EXEMPT",
    "Dim",
    "Expectation",
    "InvalidLayerError",
    "KerasVersion",
    "LayerRow",
    "ModelExpectation",
    "ModelFileError",
    "OutputShape",
    "Shape",
    "UnknownLayerError",
    "Upgraded",
    "Weight",
    "WeightCounts",
    "exempt",
    "expect",
    "expect_model",
    "family",
    "format_output_shape",
    "format_shape",
    "load_model_config",
    "split_layer",
    "supported",
    "upgrade_config",
]


def supported(keras: str | KerasVersion | None = None) -> list[str]:
    """The sorted class names the engine has formulas for, aliases included; with ``keras``, only
    those that version has."""
    return names(None if keras is None else KerasVersion.parse(keras))


def exempt() -> dict[str, str]:
    """Public Keras classes that no closed formula can describe, each with the reason."""
    return dict(EXEMPT)


def split_layer(layer: Mapping[str, Any]) -> tuple[str, Mapping[str, Any]]:
    """``{"class_name": ..., "config": {...}}`` → (class name, config).  Extra keys of a Keras 3
    serialization (``module``, ``registered_name``, ``build_config``) are ignored."""
    if not isinstance(layer, Mapping):
        raise InvalidLayerError(f"layer must be a mapping with 'class_name' and 'config', got {layer!r}")
    class_name = layer.get("class_name")
    if not isinstance(class_name, str) or not class_name:
        raise InvalidLayerError(f"layer has no 'class_name' string: {dict(layer)!r}")
    config = layer.get("config", {})
    if config is None:
        config = {}
    if not isinstance(config, Mapping):
        raise InvalidLayerError(f"{class_name}: 'config' must be a mapping, got {config!r}")
    return class_name, config


def expect(
    layer: Mapping[str, Any],
    input_shape: Sequence[Any],
    *,
    keras: str | KerasVersion = "3",
    quantize: str | None = None,
    backend: str | None = None,
) -> Expectation:
    """What Keras ``keras`` will create for ``layer`` called on ``input_shape`` (batch axis included),
    after ``layer.quantize(quantize)`` when that is given (Keras 3).  ``backend`` (Keras 3:
    "tensorflow", "jax", "torch") applies the few rules that depend on it, such as
    BatchNormalization(synchronized=True) being TensorFlow-only; counts never depend on it.

    Raises :class:`InvalidLayerError` where Keras would refuse the layer, and
    :class:`UnknownLayerError` for a class without a formula (or absent from that version).
    """
    version = KerasVersion.parse(keras)
    class_name, config = split_layer(layer)
    entry = lookup(class_name, version)
    shape: Shape | tuple[Shape, ...]
    try:
        if is_multi(input_shape):
            shape = tuple(as_shape(s) for s in input_shape)
        else:
            shape = as_shape(input_shape)
    except InvalidLayerError as exc:
        raise InvalidLayerError(f"{class_name}: {exc}") from None
    try:
        return run(entry, Config(class_name, config, version, quantize=quantize, backend=backend), shape)
    except RecursionError:  # layers wrapped in layers past what any reader lets through
        raise InvalidLayerError(f"{class_name}: layers nested too deeply to follow") from None
    except InvalidLayerError as exc:
        if "\n" in str(exc) or "\r" in str(exc):
            raise InvalidLayerError(one_line(str(exc))) from None
        raise
