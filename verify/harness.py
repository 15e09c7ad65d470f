"""The Keras harness: build a layer in the installed Keras and read what it really created.

This module (and the rest of ``verify``) is the only code that imports TensorFlow/Keras.  Keras 3
(TF >= 2.16, ``import keras``) and Keras 2 (TF 2.15's ``tf.keras``, or tf-keras with
``TF_USE_LEGACY_KERAS=1``) are both supported.  A layer Keras refuses is an observation, not a crash.
"""

from __future__ import annotations

import contextlib
import copy
import importlib
import math
import os
import re
import sys
import warnings
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, replace
from functools import cached_property
from typing import Any

from formulas import OutputShape, Shape, Weight, WeightCounts

from .cases import Case

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")

#: Layers whose symbolic input defaults to an integer tensor (a case's ``input_dtype`` overrides).
INTEGER_INPUTS = frozenset({"Embedding", "ReversibleEmbedding"})
#: Config keys that hold a nested layer config (wrappers, RNN cells …), built recursively.
NESTED_LAYER_KEYS = ("layer", "backward_layer", "cell", "cells", "layers")
#: Layers that would run code or load files named by the case: never built, whatever the config.
UNTRUSTED = frozenset({"Lambda", "TFSMLayer", "JaxLayer", "FlaxLayer", "TorchModuleWrapper", "Pipeline"})
#: Layers called with their inputs as separate positional arguments: ``layer(query, value, key)``.
POSITIONAL_INPUTS = frozenset({"MultiHeadAttention", "GroupQueryAttention"})
#: Keras 2 classes whose ``from_config`` pops build-time keys that a minimal config lacks
#: (MultiHeadAttention: query_shape, key_shape, value_shape): missing ones are passed as None.
BUILD_KEYS_K2 = {"MultiHeadAttention": ("query_shape", "key_shape", "value_shape")}
#: Layers whose eager pass can kill the process: TensorFlow's adaptive max-pooling kernel raises
#: SIGFPE on some sizes (a spatial or output size of 1).  In-process (``KerasEnv(isolated=False)``,
#: as the tests and ``explain`` use it) they are checked symbolically only; worker processes run
#: them, and a case that kills its worker is recorded as crashed.
EAGER_UNSAFE = frozenset({"AdaptiveMaxPooling1D", "AdaptiveMaxPooling2D", "AdaptiveMaxPooling3D"})
#: Inputs larger than this are not run eagerly (the symbolic build is still checked).
EAGER_MAX_ELEMENTS = 1_000_000
#: What an unknown (None) dimension becomes for the eager forward pass: batch, then the others.
EAGER_BATCH, EAGER_DIM = 2, 8

_NAME_SUFFIX = re.compile(r":\d+$")


def normalise_weight_name(name: str) -> str:
    """Keras 2's ``dense/kernel:0`` and Keras 3's ``kernel`` (or path ``dense/kernel``) → ``kernel``."""
    return _NAME_SUFFIX.sub("", name).rsplit("/", 1)[-1]


def _dims(shape: Any) -> Shape:
    if hasattr(shape, "as_list"):  # tf.TensorShape (Keras 2)
        shape = shape.as_list()
    return tuple(None if d is None else int(d) for d in shape)


@dataclass(frozen=True)
class Observation(WeightCounts):
    """What Keras did: the weights it created and the output shape, or why it refused.

    ``eager_input_shape``/``eager_output_shape`` come from one real forward pass on a small batch
    (None dims made concrete); Keras's symbolic shape is sometimes wrong where the eager one is not.
    """

    weights: tuple[Weight, ...] = ()
    output_shape: OutputShape | None = None
    count_params: int | None = None
    error: str | None = None
    eager_input_shape: Any = None
    eager_output_shape: OutputShape | None = None
    eager_error: str | None = None
    #: The weights' real size in memory: each variable's element count × its dtype's itemsize
    #: (float16/bfloat16 weights take 2 bytes, int8 ones after ``quantize("int8")`` 1).
    weight_bytes: int | None = None

    @property
    def refused(self) -> bool:
        return self.error is not None


def _error_text(exc: BaseException) -> str:
    text = " ".join(str(exc).split())
    if len(text) > 400:
        text = text[:397] + "..."
    return f"{type(exc).__name__}: {text}"


class KerasEnv:
    """The installed Keras, imported once: its version, backend and layer classes.

    ``isolated`` says the harness runs in a worker process that may die without losing the run."""

    def __init__(self, *, isolated: bool = False) -> None:
        self.isolated = isolated

    @cached_property
    def keras(self) -> Any:
        warnings.filterwarnings("ignore")
        with _quiet_native_stderr():
            keras = self._import_keras()
        try:  # TensorFlow's Python logger warns about tf.function retracing on every new shape
            import tensorflow as tf

            tf.get_logger().setLevel("ERROR")
        except ImportError:  # pragma: no cover - a non-TensorFlow backend
            pass
        return keras

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

    def clear(self) -> None:
        """Drop Keras's global state (layer name counters, cached graphs) between many builds."""
        self.keras.backend.clear_session()

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
        import importlib.metadata as metadata
        import platform

        out = {"python": platform.python_version(), "keras": self.version, "backend": self.backend}
        # Installed distributions, read from their metadata: importing them (tf-keras, pandas …)
        # would cost each worker seconds.
        for dist in ("tensorflow", "keras", "tf-keras", "numpy", "pandas", "jax", "torch"):
            try:
                out[dist.replace("-", "_") if dist != "keras" else "keras_package"] = metadata.version(dist)
            except metadata.PackageNotFoundError:
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
        if class_name in UNTRUSTED:
            raise PermissionError(f"{class_name} is not built: it would run code or load files named by the case")
        cls = self.layer_class(class_name)
        config = copy.deepcopy(dict(config))
        nested = False
        for key in NESTED_LAYER_KEYS:
            value = config.get(key)
            if _is_layer_spec(value):
                config[key] = self.build_layer(value["class_name"], value.get("config") or {})
                nested = True
            elif isinstance(value, list) and value and all(_is_layer_spec(v) for v in value):
                config[key] = [self.build_layer(v["class_name"], v.get("config") or {}) for v in value]
                nested = True
        if not self.is_keras3:
            for key in BUILD_KEYS_K2.get(class_name, ()):
                config.setdefault(key, None)
        # from_config would try to deserialize the already-built inner layers again.
        if nested:
            return cls(**config)
        try:
            return cls.from_config(config)
        except KeyError:
            # Some from_config implementations read keys that only a full get_config() has
            # (Keras 3 Rescaling's offset, TextVectorization's split …); the constructor has defaults.
            return cls(**config)

    def symbolic_input(self, shape: Sequence[int | None], dtype: str) -> Any:
        return self.keras.Input(batch_shape=tuple(shape), dtype=dtype)

    def observe_case(self, case: Case, *, eager: bool = True) -> Observation:
        """:meth:`observe` for a catalog case: its class, config, input shape, input dtype and
        quantization."""
        return self.observe(
            case.class_name,
            case.config,
            case.input_shape,
            input_dtype=None if case.input_dtype == "float32" else case.input_dtype,
            quantize=case.quantize,
            eager=eager,
            eager_input_shape=case.eager_input_shape,
        )

    def observe(
        self,
        class_name: str,
        config: Mapping[str, Any],
        input_shape: Any,
        *,
        input_dtype: str | Sequence[str] | None = None,
        quantize: str | None = None,
        eager: bool = True,
        eager_input_shape: Any = None,
    ) -> Observation:
        """Build ``class_name(**config)``, call it on symbolic inputs (RNN cells are built, not
        called), optionally quantize it, read the result, then run one eager forward pass.

        Anything Keras raises while constructing, calling or quantizing the layer is a refusal; an
        error while reading a built layer propagates (the caller records it as a crash)."""
        multi = bool(input_shape) and isinstance(input_shape[0], (list, tuple))
        shapes = list(input_shape) if multi else [input_shape]
        dtypes = self._dtypes(class_name, input_dtype, len(shapes))
        is_cell = class_name.endswith("Cell") or class_name == "StackedRNNCells"
        try:
            if class_name == "InputLayer":
                layer, output = self._input_layer(config, input_shape)
                output_shape = _output_shape(output)
            else:
                layer = self.build_layer(class_name, config)
                if is_cell:
                    layer.build(tuple(input_shape))
                    output_shape = (input_shape[0], _cell_output_size(layer))
                else:
                    inputs = [self.symbolic_input(s, d) for s, d in zip(shapes, dtypes)]
                    output_shape = _output_shape(self._call(layer, class_name, inputs, multi))
            if quantize is not None:
                if not hasattr(layer, "quantize"):
                    raise ValueError(f"Keras {self.version} has no quantization (layer.quantize)")
                layer.quantize(quantize)
        except Exception as exc:  # noqa: BLE001 - Keras refusing the layer is the observation
            return Observation(error=_error_text(exc))
        weights = tuple(Weight(normalise_weight_name(w.name), _dims(w.shape), bool(w.trainable)) for w in layer.weights)
        observation = Observation(
            weights=weights,
            output_shape=output_shape,
            count_params=int(layer.count_params()),
            weight_bytes=sum(w.size * _itemsize(v.dtype) for w, v in zip(weights, layer.weights)),
        )
        if not eager or is_cell or class_name == "InputLayer" or (class_name in EAGER_UNSAFE and not self.isolated):
            return observation
        if eager_input_shape is not None:
            candidates = [[tuple(s) for s in (eager_input_shape if multi else [eager_input_shape])]]
        else:
            candidates = eager_candidates(class_name, config, shapes)
        first: Observation | None = None
        for concrete in candidates:
            if any(math.prod(s) > EAGER_MAX_ELEMENTS for s in concrete):
                continue
            tried = self._eager(observation, layer, class_name, concrete, dtypes, multi)
            if tried.eager_error is None:
                return tried
            first = first or tried
        return first or observation

    def _eager(
        self,
        observation: Observation,
        layer: Any,
        class_name: str,
        concrete: list[tuple[int, ...]],
        dtypes: list[str],
        multi: bool,
    ) -> Observation:
        """One forward pass on a batch of these concrete shapes, recorded beside the symbolic result."""
        eager_input = tuple(concrete) if multi else concrete[0]
        try:
            arrays = [self._sample(s, d) for s, d in zip(concrete, dtypes)]
            if self.backend == "tensorflow" and "string" in dtypes and len(arrays) > 1:
                # Keras on TensorFlow refuses a nested argument mixing tensors and numpy arrays
                # ("you cannot mix tensors and non-tensors"): give every input as a tensor.
                import tensorflow as tf

                arrays = [a if tf.is_tensor(a) else tf.constant(a) for a in arrays]
            eager_output = _output_shape(self._call(layer, class_name, arrays, multi))
        except Exception as exc:  # noqa: BLE001 - recorded next to the symbolic result
            return replace(observation, eager_input_shape=eager_input, eager_error=_error_text(exc))
        return replace(observation, eager_input_shape=eager_input, eager_output_shape=eager_output)

    @staticmethod
    def _call(layer: Any, class_name: str, inputs: list[Any], multi: bool) -> Any:
        if not multi:
            return layer(inputs[0])
        if class_name in POSITIONAL_INPUTS:
            return layer(*inputs)
        return layer(inputs)

    @staticmethod
    def _dtypes(class_name: str, input_dtype: str | Sequence[str] | None, n: int) -> list[str]:
        if input_dtype is None:
            return ["int32" if class_name in INTEGER_INPUTS else "float32"] * n
        if isinstance(input_dtype, str):
            return [input_dtype] * n
        return list(input_dtype)

    def _sample(self, shape: tuple[int, ...], dtype: str) -> Any:
        """A small deterministic batch: normal floats, zeros for ints (a valid index for every
        lookup/embedding), the string "a" for strings."""
        import numpy as np
        import tensorflow as tf

        if dtype == "string":
            return tf.constant(np.full(shape, "a", dtype=object))
        if dtype.startswith("int"):
            return np.zeros(shape, dtype=dtype)
        if dtype == "bool":
            return np.ones(shape, dtype=bool)
        rng = np.random.default_rng(0)
        return rng.standard_normal(shape).astype("float32" if dtype == "bfloat16" else dtype)

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


def _itemsize(dtype: Any) -> int:
    """Bytes per element of a variable's dtype: Keras 3 names it ("float32", "int8"), Keras 2
    gives a ``tf.DType`` (which knows its size); a name numpy lacks counts its bits
    ("float8_e4m3fn" → 1)."""
    size = getattr(dtype, "size", None)
    if isinstance(size, int):
        return size
    name = str(getattr(dtype, "name", dtype))
    try:
        import numpy as np

        return int(np.dtype(name).itemsize)
    except TypeError:
        bits = re.search(r"(\d+)", name)
        if bits is None:
            raise ValueError(f"cannot tell the size of dtype {name!r}") from None
        return max(1, int(bits.group(1)) // 8)


def _is_layer_spec(value: object) -> bool:
    return isinstance(value, Mapping) and isinstance(value.get("class_name"), str) and "config" in value


def _cell_output_size(cell: Any) -> int | None:
    size = cell.output_size
    if isinstance(size, (list, tuple)):
        size = size[-1] if size else None
    if hasattr(size, "as_list"):
        size = size.as_list()[-1]
    return None if size is None else int(size)


def eager_candidates(class_name: str, config: Mapping[str, Any], shapes: Sequence[Shape]) -> list[list[tuple[int, ...]]]:
    """The concrete inputs the eager pass tries, in order, until one runs.  An unknown dim means
    "any size", so a size the layer cannot take is the harness's choice, not Keras's failure:
    first the default (batch 2, others 8); then, where inputs must agree, an unknown dim takes the
    size another input has on that axis; a Reshape to a fixed size gets an input of that size; a
    crop gets room for its cropping; last, every unknown non-batch dim 1.  Only unknown dims
    change: a layer that fails on every candidate is reported with the default's error."""
    default = [_concrete(s) for s in shapes]
    out = [default]
    has_unknown = any(d is None for s in shapes for d in s[1:]) or (
        len(shapes) > 1 and any(s and s[0] is None for s in shapes) and any(s and s[0] is not None for s in shapes)
    )
    if not has_unknown:
        return out
    if len(shapes) > 1:
        filled = []
        for s in shapes:
            dims = list(_concrete(s))
            for axis, d in enumerate(s):
                if d is None:
                    known = [o[axis] for o in shapes if len(o) == len(s) and o[axis] is not None]
                    if known:
                        dims[axis] = int(known[0])  # type: ignore[arg-type]
            filled.append(tuple(dims))
        out.append(filled)
    if class_name == "Reshape" and len(shapes) == 1:
        target = [int(t) for t in (config.get("target_shape") or []) if isinstance(t, int)]
        shape = shapes[0]
        known = math.prod(int(d) for d in shape[1:] if d is not None)
        need = math.prod(t for t in target if t != -1) if target else 1
        if need and need % max(known, 1) == 0:
            unknown = [i for i, d in enumerate(shape) if i and d is None]
            dims = [EAGER_BATCH if shape[0] is None else int(shape[0])] + [1 if d is None else int(d) for d in shape[1:]]
            dims[unknown[0]] = need // max(known, 1)
            out.append([tuple(dims)])
    if class_name.startswith("Cropping"):
        room = sum(int(v) for v in _ints(config.get("cropping")))
        out.append(
            [
                tuple((EAGER_BATCH if i == 0 else EAGER_DIM + room) if d is None else int(d) for i, d in enumerate(s))
                for s in shapes
            ]
        )
    out.append([tuple((EAGER_BATCH if i == 0 else 1) if d is None else int(d) for i, d in enumerate(s)) for s in shapes])
    unique: list[list[tuple[int, ...]]] = []
    for candidate in out:
        if candidate not in unique:
            unique.append(candidate)
    return unique


def _ints(value: Any) -> list[int]:
    if isinstance(value, bool):
        return []
    if isinstance(value, int):
        return [value]
    if isinstance(value, (list, tuple)):
        return [i for v in value for i in _ints(v)]
    return []


def _concrete(shape: Sequence[int | None]) -> tuple[int, ...]:
    """None dims made concrete for the eager pass: the batch axis → 2, any other → 8."""
    return tuple((EAGER_BATCH if i == 0 else EAGER_DIM) if d is None else int(d) for i, d in enumerate(shape))


def _flatten(output: Any) -> list[Any]:
    if isinstance(output, (list, tuple)):
        return [leaf for item in output for leaf in _flatten(item)]
    return [output]


def _output_shape(output: Any) -> OutputShape:
    """One shape, or the shapes of several outputs in order; nested lists (an RNN over stacked
    cells returns its states as a list per cell) are flattened."""
    if isinstance(output, (list, tuple)):
        return tuple(_dims(o.shape) for o in _flatten(output))  # type: ignore[misc]
    return _dims(output.shape)
