"""The Keras harness: build a layer in the installed Keras and read what it really created.

This module (and the rest of ``verify``) is the only code that imports TensorFlow/Keras.  Keras 3
(TF >= 2.16, ``import keras``) and Keras 2 (TF 2.15's ``tf.keras``, or tf-keras with
``TF_USE_LEGACY_KERAS=1``) are both supported.  A layer Keras refuses is an observation, not a crash.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import os
import re
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass
from functools import cached_property
from typing import Any

from formulas import OutputShape, Shape, Weight

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Layers whose symbolic input must be an integer tensor.
INTEGER_INPUTS = frozenset({"Embedding"})
#: Config keys that hold a nested layer config (wrappers, RNN cells …), built recursively.
NESTED_LAYER_KEYS = ("layer", "backward_layer", "cell", "cells", "layers")

_NAME_SUFFIX = re.compile(r":\d+$")


def normalise_weight_name(name: str) -> str:
    """Keras 2's ``dense/kernel:0`` and Keras 3's ``kernel`` (or path ``dense/kernel``) → ``kernel``."""
    return _NAME_SUFFIX.sub("", name).rsplit("/", 1)[-1]


def _dims(shape: Any) -> Shape:
    if hasattr(shape, "as_list"):  # tf.TensorShape (Keras 2)
        shape = shape.as_list()
    return tuple(None if d is None else int(d) for d in shape)


@dataclass(frozen=True)
class Observation:
    """What Keras did: the weights it created and the output shape, or why it refused."""

    weights: tuple[Weight, ...] = ()
    output_shape: OutputShape | None = None
    count_params: int | None = None
    error: str | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None

    @property
    def trainable(self) -> int:
        return sum(w.size for w in self.weights if w.trainable)

    @property
    def non_trainable(self) -> int:
        return sum(w.size for w in self.weights if not w.trainable)


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 400:
        text = text[:397] + "..."
    return f"{type(exc).__name__}: {text}"


class KerasEnv:
    """The installed Keras, imported once: its version, backend and layer classes."""

    @cached_property
    def keras(self) -> Any:
        warnings.filterwarnings("ignore")
        with _quiet_native_stderr():
            return self._import_keras()

    def _import_keras(self) -> Any:
        legacy = os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true", "yes")
        if legacy:
            import tensorflow as tf  # noqa: F401  (tf-keras needs TensorFlow loaded first)

            keras = importlib.import_module("tf_keras")
            self._version = str(keras.__version__)
            return keras
        keras = importlib.import_module("keras")
        self._version = str(getattr(keras, "__version__", ""))
        if self._version.startswith("2"):
            # TF <= 2.15 ships Keras 2 as the keras package; it is used through tf.keras.
            import tensorflow as tf

            return tf.keras
        return keras

    @cached_property
    def version(self) -> str:
        self.keras  # noqa: B018 - importing Keras sets the version
        return self._version

    @cached_property
    def backend(self) -> str:
        backend = getattr(self.keras, "backend", None)
        name = getattr(backend, "backend", None)
        return str(name()) if callable(name) else "tensorflow"

    @cached_property
    def is_keras3(self) -> bool:
        return self.version.startswith("3")

    def versions(self) -> dict[str, str]:
        """Versions of what the harness runs on, for ``environment.csv``."""
        import platform

        out = {"python": platform.python_version(), "keras": self.version, "backend": self.backend}
        for module in ("tensorflow", "numpy", "pandas", "tf_keras", "jax", "torch"):
            try:
                out[module] = str(importlib.import_module(module).__version__)
            except Exception:  # noqa: BLE001 - absent or broken optional module: not part of the run
                continue
        out["platform"] = platform.platform()
        return out

    # -- building --------------------------------------------------------------------------

    def layer_class(self, class_name: str) -> Any:
        cls = getattr(self.keras.layers, class_name, None)
        if cls is None or not isinstance(cls, type):
            raise LookupError(f"keras.layers has no class {class_name!r} in Keras {self.version}")
        return cls

    def build_layer(self, class_name: str, config: Mapping[str, Any]) -> Any:
        """Look the class up in ``keras.layers`` and construct it from its config, building nested
        layer configs first (``keras.layers.deserialize`` of a minimal config fails in Keras 3)."""
        cls = self.layer_class(class_name)
        config = copy.deepcopy(dict(config))
        for key in NESTED_LAYER_KEYS:
            value = config.get(key)
            if _is_layer_spec(value):
                config[key] = self.build_layer(value["class_name"], value.get("config") or {})
            elif isinstance(value, list) and value and all(_is_layer_spec(v) for v in value):
                config[key] = [self.build_layer(v["class_name"], v.get("config") or {}) for v in value]
        return cls.from_config(config)

    def symbolic_input(self, shape: Sequence[int | None], dtype: str) -> Any:
        return self.keras.Input(batch_shape=tuple(shape), dtype=dtype)

    def observe(self, class_name: str, config: Mapping[str, Any], input_shape: Any) -> Observation:
        """Build ``class_name(**config)``, call it on symbolic inputs and read the result.

        Anything Keras raises while constructing or calling the layer is a refusal; an error while
        reading a built layer propagates (the caller records it as a crash)."""
        multi = bool(input_shape) and isinstance(input_shape[0], (list, tuple))
        try:
            if class_name == "InputLayer":
                layer, output = self._input_layer(config, input_shape)
            else:
                layer = self.build_layer(class_name, config)
                dtype = "int32" if class_name in INTEGER_INPUTS else "float32"
                if multi:
                    inputs: Any = [self.symbolic_input(s, dtype) for s in input_shape]
                else:
                    inputs = self.symbolic_input(input_shape, dtype)
                output = layer(inputs)
        except Exception as exc:  # noqa: BLE001 - Keras refusing the layer is the observation
            return Observation(error=_error_text(exc))
        return Observation(
            weights=tuple(Weight(normalise_weight_name(w.name), _dims(w.shape), bool(w.trainable)) for w in layer.weights),
            output_shape=_output_shape(output),
            count_params=int(layer.count_params()),
        )

    def _input_layer(self, config: Mapping[str, Any], input_shape: Any) -> tuple[Any, Any]:
        config = dict(config)
        if not any(config.get(k) is not None for k in ("batch_shape", "batch_input_shape", "shape", "input_shape")):
            config["batch_shape" if self.is_keras3 else "batch_input_shape"] = tuple(input_shape)
        layer = self.build_layer("InputLayer", config)
        return layer, layer.output


@contextlib.contextmanager
def _quiet_native_stderr() -> Iterator[None]:
    """TensorFlow's C++ start-up chatter (absl, oneDNN, CUDA stubs) goes to file descriptor 2 before
    any Python setting can silence it; hide it while importing, then restore stderr."""
    sys.stderr.flush()
    saved = os.dup(2)
    try:
        with open(os.devnull, "w") as devnull:
            os.dup2(devnull.fileno(), 2)
        yield
    finally:
        os.dup2(saved, 2)
        os.close(saved)


def _is_layer_spec(value: object) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("class_name"), str) and "config" in value


def _output_shape(output: Any) -> OutputShape:
    if isinstance(output, (list, tuple)):
        return tuple(_dims(o.shape) for o in output)  # type: ignore[misc]
    return _dims(output.shape)
