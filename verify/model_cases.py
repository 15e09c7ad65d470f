"""Cases that are checked as models: a whole model (an inline config or a model file), a layer
called with call arguments (``return_attention_scores``, ``initial_state``, ``mask``,
``training`` …) inside a one-layer model, and anything saved and loaded back (``reload``).

The engine describes the model's config with :func:`formulas.expect_model`; Keras builds the same
model (from the config in safe mode, or in code for a layer with call arguments), optionally saves
it as ``.keras`` or ``.h5`` and loads it back, then one real forward pass runs on a small batch.
The two are compared layer by layer and in total (:func:`verify.models.compare_model`: shared
weights count once), and the result is a :class:`~verify.compare.Result` like a layer case's.
"""

from __future__ import annotations

import copy
import math
import tempfile
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import formulas
from formulas import Expectation, Weight, as_shape

from .cases import Case
from .compare import Result, Status
from .harness import (
    INTEGER_INPUTS,
    POSITIONAL_INPUTS,
    KerasEnv,
    Observation,
    _concrete,
    _dims,
    _error_text,
    _output_shape,
    normalise_weight_name,
)
from .modelfile import ModelFile, ModelFileError, read_model_file
from .models import ModelLoadError, compare_model, load_model_file, observe_model

#: The names the one-layer model of a layer case gives its parts (so the engine's rows and Keras's
#: layers pair up by name).
LAYER_NAME, INPUT_NAME = "layer", "input"


def _is_tensor(value: Any) -> bool:
    return isinstance(value, Mapping) and "shape" in value and set(value) <= {"shape", "dtype"}


def _tensor_args(call: Mapping[str, Any]) -> list[tuple[str, int | None, Mapping[str, Any]]]:
    """Every tensor among the call arguments: (argument, index in its list or None, spec)."""
    out: list[tuple[str, int | None, Mapping[str, Any]]] = []
    for key, value in call.items():
        if _is_tensor(value):
            out.append((key, None, value))
        elif isinstance(value, list) and value and all(_is_tensor(v) for v in value):
            out.extend((key, i, v) for i, v in enumerate(value))
    return out


def _arg_input_name(key: str, index: int | None) -> str:
    return f"{key}_{index}" if index is not None else key


def _input_shapes(case: Case) -> list[tuple[int | None, ...]]:
    multi = bool(case.input_shape) and isinstance(case.input_shape[0], tuple)
    return list(case.input_shape) if multi else [case.input_shape]


def _input_dtypes(case: Case, n: int) -> list[str]:
    dtype = case.input_dtype
    if isinstance(dtype, tuple):
        return list(dtype)
    if dtype == "float32" and case.class_name in INTEGER_INPUTS:
        return ["int32"] * n
    return [dtype] * n


# -- the engine's side ---------------------------------------------------------------------------


def layer_model_config(case: Case) -> dict[str, Any]:
    """The Keras 3 serialized config of the one-layer model a layer case stands for: its inputs,
    the layer called on them with the case's call arguments (tensors as extra model inputs)."""
    shapes = _input_shapes(case)
    dtypes = _input_dtypes(case, len(shapes))
    names = [INPUT_NAME if len(shapes) == 1 else f"{INPUT_NAME}_{i}" for i in range(len(shapes))]
    layers: list[dict[str, Any]] = []

    def input_layer(name: str, shape: Any, dtype: str) -> dict[str, Any]:
        return {
            "class_name": "InputLayer",
            "name": name,
            "config": {"batch_shape": list(shape), "dtype": dtype, "name": name},
            "inbound_nodes": [],
        }

    def tensor(name: str, shape: Any, dtype: str) -> dict[str, Any]:
        return {"class_name": "__keras_tensor__", "config": {"shape": list(shape), "dtype": dtype, "keras_history": [name, 0, 0]}}

    for name, shape, dtype in zip(names, shapes, dtypes):
        layers.append(input_layer(name, shape, dtype))
    inputs = [tensor(n, s, d) for n, s, d in zip(names, shapes, dtypes)]
    kwargs: dict[str, Any] = {}
    arg_inputs = []
    for key, value in (case.call or {}).items():
        if _is_tensor(value) or (isinstance(value, list) and value and all(_is_tensor(v) for v in value)):
            specs = value if isinstance(value, list) else [value]
            made = []
            for i, spec in enumerate(specs):
                name = _arg_input_name(key, i if isinstance(value, list) else None)
                shape, dtype = as_shape(spec["shape"]), str(spec.get("dtype", "float32"))
                layers.append(input_layer(name, shape, dtype))
                arg_inputs.append(name)
                made.append(tensor(name, shape, dtype))
            kwargs[key] = made if isinstance(value, list) else made[0]
        else:
            kwargs[key] = value
    if len(inputs) == 1:
        args: list[Any] = [inputs[0]]
    elif case.class_name in POSITIONAL_INPUTS:
        args = inputs
    else:
        args = [inputs]
    config = {**copy.deepcopy(dict(case.config)), "name": LAYER_NAME}
    layers.append(
        {"class_name": case.class_name, "name": LAYER_NAME, "config": config, "inbound_nodes": [{"args": args, "kwargs": kwargs}]}
    )
    return {
        "class_name": "Functional",
        "config": {
            "name": "case",
            "layers": layers,
            "input_layers": [[n, 0, 0] for n in [*names, *arg_inputs]],
            "output_layers": [[LAYER_NAME, 0, 0]],
        },
    }


def _model_file(case: Case) -> ModelFile:
    """The case's model as a :class:`ModelFile`: an inline config, or the file it names (relative
    to the case file)."""
    if isinstance(case.model, Mapping):
        return ModelFile(Path(case.source.rsplit(":", 1)[0] or "case"), "inline config", copy.deepcopy(dict(case.model)))
    where = Path(case.source.rsplit(":", 1)[0]).parent if case.source else Path(".")
    path = Path(str(case.model))
    return read_model_file(path if path.is_absolute() else where / path)


def expect_case(case: Case, version: str, model_file: ModelFile | None = None) -> Any:
    """The engine's :class:`formulas.ModelExpectation` for a model case."""
    if case.model is None:
        return formulas.expect_model(layer_model_config(case), keras=version)
    model_file = model_file or _model_file(case)
    return formulas.expect_model(model_file.config_for(version), keras=version)


# -- Keras's side ----------------------------------------------------------------------------------


def build_layer_model(env: KerasEnv, case: Case) -> Any:
    """The one-layer model of a layer case, built in code: inputs, then the layer called with the
    case's call arguments."""
    keras = env.keras
    shapes = _input_shapes(case)
    dtypes = _input_dtypes(case, len(shapes))
    names = [INPUT_NAME if len(shapes) == 1 else f"{INPUT_NAME}_{i}" for i in range(len(shapes))]
    inputs = [keras.Input(batch_shape=tuple(s), dtype=d, name=n) for s, d, n in zip(shapes, dtypes, names)]
    extra = []
    kwargs: dict[str, Any] = {}
    for key, value in (case.call or {}).items():
        tensors = _tensor_args({key: value})
        if not tensors:
            kwargs[key] = value
            continue
        made = []
        for _, index, spec in tensors:
            t = keras.Input(
                batch_shape=tuple(as_shape(spec["shape"])),
                dtype=str(spec.get("dtype", "float32")),
                name=_arg_input_name(key, index),
            )
            extra.append(t)
            made.append(t)
        kwargs[key] = made if isinstance(value, list) else made[0]
    layer = env.build_layer(case.class_name, {**dict(case.config), "name": LAYER_NAME})
    if len(inputs) == 1:
        out = layer(inputs[0], **kwargs)
    elif case.class_name in POSITIONAL_INPUTS:
        out = layer(*inputs, **kwargs)
    else:
        out = layer(inputs, **kwargs)
    outputs = _leaves(out)
    return keras.Model([*inputs, *extra], outputs if len(outputs) > 1 else outputs[0], name="case")


def _leaves(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return [leaf for v in value for leaf in _leaves(v)]
    if isinstance(value, Mapping):
        return [leaf for v in value.values() for leaf in _leaves(v)]
    return [value]


def reload_model(env: KerasEnv, model: Any, fmt: str) -> Any:
    """``model`` saved as ``.keras`` or ``.h5`` and loaded back by Keras (safe mode where the
    format has it; never compiled)."""
    keras = env.keras
    with tempfile.TemporaryDirectory(prefix="paramproof-reload-") as tmp:
        path = str(Path(tmp) / f"model.{fmt}")
        model.save(path)
        try:
            return keras.models.load_model(path, compile=False, safe_mode=True)
        except TypeError:  # a Keras 2 without safe_mode (it has no code-running deserialization)
            return keras.models.load_model(path, compile=False)


def _eager_pass(env: KerasEnv, model: Any, case: Case) -> tuple[Any, Any, str | None]:
    """One forward pass of the model on a small batch: (input shapes, output shape, error)."""
    shapes = [tuple(getattr(t.shape, "as_list", lambda t=t: list(t.shape))()) for t in model.inputs]
    if case.eager_input_shape is not None and case.model is None:
        given = case.eager_input_shape
        firsts = list(given) if isinstance(given[0], tuple) else [given]
        concrete = [tuple(s) for s in firsts] + [_concrete(s) for s in shapes[len(firsts) :]]
    elif case.eager_input_shape is not None:
        given = case.eager_input_shape
        concrete = [tuple(s) for s in (list(given) if isinstance(given[0], tuple) else [given])]
    else:
        concrete = [_concrete(s) for s in shapes]
    eager_in: Any = tuple(concrete) if len(concrete) > 1 else concrete[0]
    if any(math.prod(s) > 1_000_000 for s in concrete):
        return None, None, None
    try:
        dtypes = [str(getattr(t.dtype, "name", t.dtype)) for t in model.inputs]
        arrays = [env._sample(s, d) for s, d in zip(concrete, dtypes)]
        out = model(arrays if len(arrays) > 1 else arrays[0])
        return eager_in, _output_shape(out), None
    except Exception as exc:  # noqa: BLE001 - recorded next to the symbolic result
        return eager_in, None, _error_text(exc)


# -- end to end --------------------------------------------------------------------------------------


def run_model_case(case: Case, env: KerasEnv, *, eager: bool = True) -> Result:
    """A model case, end to end: engine, Keras (build, reload, one eager pass), comparison."""
    version, backend = env.version, env.backend
    model_file: ModelFile | None = None
    try:
        if case.model is not None:
            model_file = _model_file(case)
    except ModelFileError as exc:
        return Result(case, Status.CRASHED, f"bad case: {exc}", version, backend)
    expected: Any = None
    formula_error: str | None = None
    try:
        expected = expect_case(case, version, model_file)
    except (formulas.InvalidLayerError, formulas.UnknownLayerError, ValueError) as exc:
        formula_error = str(exc)
    refused_rows = [] if expected is None else [r for r in expected.layers if r.error is not None and not r.no_formula]
    if expected is not None and refused_rows:
        formula_error = "; ".join(f"{r.name} ({r.class_name}): {r.error}" for r in refused_rows[:3])
    try:
        if model_file is not None:
            model, _ = load_model_file(env, model_file, None)
        else:
            model = build_layer_model(env, case)
        if case.reload is not None:
            model = reload_model(env, model, case.reload)
    except (ModelLoadError, Exception) as exc:  # noqa: BLE001 - Keras refusing is the observation
        error = str(exc) if isinstance(exc, ModelLoadError) else _error_text(exc)
        if formula_error is not None:
            return Result(case, Status.BOTH_INVALID, f"formula: {formula_error} | Keras: {error}", version, backend)
        return Result(case, Status.KERAS_ONLY_INVALID, f"Keras refused: {error}", version, backend, _as_expectation(expected))
    try:
        observed = observe_model(env, model)
        eager_in, eager_out, eager_error = _eager_pass(env, model, case) if eager else (None, None, None)
    except Exception as exc:  # noqa: BLE001 - the harness failing is a result, not the end of the run
        return Result(case, Status.CRASHED, f"harness error: {_error_text(exc)}", version, backend)
    observation = _as_observation(env, model, observed, eager_in, eager_out, eager_error)
    if expected is None or refused_rows:
        detail = f"formula refused: {formula_error}"
        if eager_error:
            detail += f"; Keras built it symbolically, but its eager call failed: {eager_error}"
        return Result(case, Status.FORMULA_ONLY_INVALID, detail, version, backend, None, observation)
    check = compare_model(case.id, expected, observed, version, backend)
    status, detail = check.status, check.detail
    if case.expect_invalid and status is Status.MATCH:
        status, detail = Status.MISMATCH, f"the case says Keras must refuse this model, but Keras built it; {detail}"
    elif status is Status.MATCH and eager_error:
        status = Status.EAGER_FAILED
        detail = f"built as the formula says ({detail}), but its eager call on {eager_in} failed: {eager_error}"
    elif status is Status.MATCH and eager_out is not None:
        detail += f"; eager {formulas.format_output_shape(eager_out)} on {eager_in}"
    return Result(case, status, detail, version, backend, _as_expectation(expected), observation)


def _as_expectation(expected: Any) -> Expectation | None:
    """A model's expectation in the shape of a layer's, for the reports: its weights (each
    variable once), the first output."""
    if expected is None:
        return None
    weights = unique_weights(expected)
    out = expected.output_shapes[0] if expected.output_shapes else ()
    return Expectation(expected.class_name, tuple(expected.input_shapes), weights, out, expected.keras, expected.name)


def unique_weights(expected: Any) -> tuple[Weight, ...]:
    """The model's weights with a shared layer's counted once: the rows' weights, in order, until
    their sum reaches the model's own totals (the engine says which rows are shared)."""
    rows = list(expected.layers)
    shared = getattr(expected, "shared", None)
    out: list[Weight] = []
    for row in rows:
        if shared is not None and row.name in shared:
            continue
        out.extend(row.weights)
    return tuple(out)


def _as_observation(
    env: KerasEnv, model: Any, observed: Any, eager_in: Any, eager_out: Any, eager_error: str | None
) -> Observation:
    """What Keras built, in the shape of a layer's observation: ``model.weights`` (each variable
    once), the last layer's output."""
    trainable = {id(w) for w in model.trainable_weights}
    weights = tuple(
        Weight(normalise_weight_name(w.name), _dims(w.shape), id(w) in trainable) for w in model.weights if hasattr(w, "shape")
    )
    return Observation(
        weights=weights,
        output_shape=observed.layers[-1].output_shape if observed.layers else None,
        count_params=observed.count_params,
        eager_input_shape=eager_in,
        eager_output_shape=eager_out,
        eager_error=eager_error,
    )


__all__ = ["build_layer_model", "expect_case", "layer_model_config", "reload_model", "run_model_case"]
