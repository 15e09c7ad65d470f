"""Fuzz the formula engine on hostile configurations: the second half of the model-file reader.

The engine reads configurations from other people's model files (``paramproof model``), case
files and ``explain key=value``.  Its contract: :func:`formulas.expect` and
:func:`formulas.expect_model` return a result or raise their documented errors
(:class:`formulas.InvalidLayerError`, :class:`formulas.UnknownLayerError`,
:class:`formulas.ModelFileError`), each one line naming the layer; never a TypeError, KeyError,
IndexError, ZeroDivisionError, AttributeError, RecursionError, OverflowError or MemoryError, never
a hang, never a number too long to print.  What they return must render (``explain()``, the
summary table).

Structured inputs: every catalog case's layer config mutated field by field (a hostile value, a
dropped key, an unknown key, a list of the wrong length), nested configs included, and its input
shape mutated (rank 0..70, dims 0 / None / int64's largest); whole model configs (the small
fixtures of ``tests/data/model_files`` and ``verify/zoo_configs``) with layers dropped,
duplicated, renamed, shuffled, inbound nodes pointing at missing layers, at themselves or in a
cycle, models nested up to the JSON depth limit, wrappers wrapping wrappers.  Then byte-level
mutants of the fixtures that still parse within the limits (:func:`verify.limits.loads`).
Each bug found is pinned by a plain test in ``tests/test_hostile_configs.py``.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
from collections.abc import Iterator
from typing import Any

import fuzzing
from hypothesis import given
from hypothesis import strategies as st

import formulas
from formulas import InvalidLayerError, ModelFileError, UnknownLayerError
from formulas.layers.ops import GRAPH_LAYERS
from verify.cases import load_cases
from verify.limits import MAX_INT, MAX_JSON_DEPTH, LimitError, check_tree, loads

READER = "model-files"
ROOT = fuzzing.ROOT
ENGINE_ERRORS = (InvalidLayerError, UnknownLayerError, ModelFileError)

_CASES, _PROBLEMS = load_cases(sorted((ROOT / "verify" / "catalog").glob("*.jsonl")))
LAYER_CASES = [c for c in _CASES if not c.is_model]
#: Keras lines the engine is asked about: the newest of each, and the first Keras 3.
VERSIONS = ("3", "3.0", "2.15")


def _natural_version(requires: str | None) -> str:
    return "2.15" if requires and "<3" in requires else "3"


def _model_seeds() -> list[tuple[str, dict[str, Any], str]]:
    """(name, model config, Keras version) of the small model fixtures."""
    seeds = []
    for path in sorted((ROOT / "tests" / "data" / "model_files").glob("*/*.json")):
        try:
            data: Any = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, str):  # json.dump(model.to_json()): JSON text inside a JSON string
                data = json.loads(data)
        except ValueError:  # the fixtures of broken files
            continue
        if not isinstance(data, dict):
            continue
        version = "3" if path.parent.name.startswith("keras-3") else "2.15"
        seeds.append((f"{path.parent.name}/{path.name}", data, version))
    for path in sorted((ROOT / "verify" / "zoo_configs").glob("*/*.json.gz")):
        if path.stat().st_size > 2500:  # VGG, MobileNet: the rest are the same layers, many more
            continue
        data = json.loads(gzip.decompress(path.read_bytes()))
        seeds.append((f"{path.parent.name}/{path.name}", data, "3" if path.parent.name == "keras3" else "2.15"))
    return seeds


MODEL_SEEDS = _model_seeds()
#: Every config key of the catalog: a config drawn from scratch uses the keys formulas read.
_CONFIG_KEYS = sorted({k for c in LAYER_CASES for k in c.config})


def test_the_seeds_are_there() -> None:
    assert not _PROBLEMS
    assert len(LAYER_CASES) > 1000
    assert len(MODEL_SEEDS) > 50
    assert len(LEGACY_SEEDS) >= 5


# -- the contract ------------------------------------------------------------------------------


def _check_dims(shape: Any) -> None:
    for d in shape:
        assert d is None or (isinstance(d, int) and abs(d) <= MAX_INT), shape


def check_layer(layer: Any, shape: Any, keras: str) -> formulas.Expectation | None:
    """The engine's contract on one layer: an expectation that renders, or a one-line refusal
    naming the layer."""
    class_name = layer.get("class_name") if isinstance(layer, dict) else None
    try:
        e = formulas.expect(layer, shape, keras=keras)
    except ENGINE_ERRORS as exc:
        named = class_name if isinstance(class_name, str) and class_name and "\n" not in class_name else None
        fuzzing.assert_one_line(str(exc), names=named)
        return None
    text = e.explain()
    assert text and e.title
    str(e.total)
    formulas.format_output_shape(e.output_shape)
    for w in e.weights:
        _check_dims(w.shape)
        assert all(d is None or d >= 0 for d in w.shape), w
        assert w.size <= MAX_INT
    outputs = e.output_shape if e.output_shape and isinstance(e.output_shape[0], tuple) else (e.output_shape,)
    for out in outputs:
        _check_dims(out)
    return e


def check_model(config: Any, keras: str) -> formulas.ModelExpectation | None:
    """The engine's contract on one model config: a description whose summary renders (each row's
    error one line), or a one-line refusal."""
    try:
        m = formulas.expect_model(config, keras=keras)
    except ENGINE_ERRORS as exc:
        fuzzing.assert_one_line(str(exc))
        return None
    m.summary()
    str(m.total)
    assert m.total == m.trainable + m.non_trainable
    for row in _rows(m.layers + m.operations):
        if row.error is not None:
            fuzzing.assert_one_line(row.error)
        if row.output_shape is not None:
            formulas.format_output_shape(row.output_shape)
    return m


def _rows(rows: tuple[formulas.LayerRow, ...]) -> Iterator[formulas.LayerRow]:
    for r in rows:
        yield r
        yield from _rows(r.layers)


# -- hostile values ----------------------------------------------------------------------------

NASTY: tuple[Any, ...] = (
    0,
    -1,
    -2,
    1,
    2,
    MAX_INT,
    2**62,
    -MAX_INT - 1,
    None,
    "",
    "abc",
    "same",
    "channels_first",
    1.5,
    2.0,
    math.nan,
    math.inf,
    -math.inf,
    1e300,
    [],
    [[1]],
    [[[[[]]]]],
    {},
    {"class_name": "Dense", "config": {"units": -1}},
    {"class_name": []},
    True,
    False,
    [0],
    [-1, -1],
    [None],
    [1, 2, 3, 4, 5, 6, 7],
    [MAX_INT] * 3,
    "\n",
)

scalars = st.one_of(
    st.sampled_from(NASTY).map(copy.deepcopy),  # a fresh copy: the mutations edit values in place
    st.integers(min_value=-3, max_value=12),
    st.integers(min_value=-MAX_INT - 1, max_value=MAX_INT),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=8),
)
#: A hostile JSON value: scalars, lists and dicts of them, nested a few levels.
values = st.recursive(
    scalars,
    lambda inner: st.one_of(
        st.lists(inner, max_size=6),
        st.dictionaries(st.sampled_from(["class_name", "config", "units", "axis", "layer", "a"]), inner, max_size=3),
    ),
    max_leaves=12,
)
dims = st.one_of(
    st.sampled_from([0, None, 1, 2, 3, MAX_INT, 2**31]),
    st.integers(min_value=0, max_value=MAX_INT),
    st.none(),
)


def _paths(obj: Any, prefix: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    """Every key / index path into a config, nested configs included."""
    if isinstance(obj, dict):
        for k, v in obj.items():
            yield (*prefix, k)
            yield from _paths(v, (*prefix, k))
    elif isinstance(obj, list):
        for i, v in enumerate(obj):
            yield (*prefix, i)
            yield from _paths(v, (*prefix, i))


def _at(obj: Any, path: tuple[Any, ...]) -> Any:
    for p in path:
        obj = obj[p]
    return obj


def _mutate_config(data: st.DataObject, config: dict[str, Any]) -> dict[str, Any]:
    """One to three field-level edits of a layer config (nested configs included)."""
    config = copy.deepcopy(config)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        before = copy.deepcopy(config)
        _edit_config(data, config)
        try:
            check_tree(config, "config")
        except LimitError:  # deeper than any reader lets through
            config = before
    return config


def _edit_config(data: st.DataObject, config: dict[str, Any]) -> None:
    """One edit: a hostile value, a dropped key, an unknown key, a list of the wrong length."""
    paths = list(_paths(config))
    op = data.draw(st.sampled_from(["set", "set", "set", "drop", "add", "length"]), label="op")
    if op == "add" or not paths:
        key = data.draw(st.sampled_from(["units", "filters", "axis", "groups", "zzz", "layer", "cell", "rate"]), label="key")
        config[key] = data.draw(values, label="value")
        return
    path = data.draw(st.sampled_from(paths), label="path")
    parent = _at(config, path[:-1])
    current = parent[path[-1]]
    if op == "set":
        parent[path[-1]] = data.draw(values, label="value")
    elif op == "drop":
        del parent[path[-1]]
    elif isinstance(current, list):  # a list of the wrong length
        n = data.draw(st.integers(0, 8), label="length")
        parent[path[-1]] = (current * 8)[:n] if current else [1] * n
    else:
        parent[path[-1]] = [current] * data.draw(st.integers(0, 5), label="length")


def _mutate_shape(data: st.DataObject, shape: Any) -> Any:
    kind = data.draw(st.integers(0, 5), label="shape edit")
    multi = bool(shape) and isinstance(shape[0], (list, tuple))
    if kind == 0:  # any rank, any dims
        rank = data.draw(st.sampled_from([0, 1, 2, 3, 4, 5, 6, 64, 65, 70]), label="rank")
        return [data.draw(dims, label="dim") for _ in range(rank)]
    if multi:
        shapes = [list(s) for s in shape]
        i = data.draw(st.integers(0, len(shapes) - 1), label="which")
        if kind == 1:
            shapes[i] = _mutate_shape(data, shapes[i])
        elif kind == 2:
            del shapes[i]
        elif kind == 3:
            shapes.append(shapes[i])
        elif kind == 4:
            return shapes[i]
        else:
            shapes[i] = []
        return shapes
    shape = list(shape)
    if kind == 1 and shape:
        shape[data.draw(st.integers(0, len(shape) - 1), label="axis")] = data.draw(dims, label="dim")
    elif kind == 2:
        shape = shape[:-1]
    elif kind == 3:
        shape.append(data.draw(dims, label="dim"))
    elif kind == 4:
        return [shape, shape]
    else:
        shape.insert(0, data.draw(dims, label="dim"))
    return shape


# -- (a) one layer ------------------------------------------------------------------------------


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_catalog_layers_mutated_field_by_field(data: st.DataObject) -> None:
    case = data.draw(st.sampled_from(LAYER_CASES), label="case")
    keras = data.draw(st.sampled_from([_natural_version(case.requires), *VERSIONS]), label="keras")
    what = data.draw(st.sampled_from(["config", "config", "shape", "both"]), label="what")
    layer = {"class_name": case.class_name, "config": copy.deepcopy(dict(case.config))}
    shape: Any = case.input_shape
    if what != "shape":
        layer["config"] = _mutate_config(data, layer["config"])
    if what != "config":
        shape = _mutate_shape(data, shape)
    with fuzzing.time_bound(f"{case.id}: {json.dumps(layer, default=repr)[:300]} on {shape!r}"):
        check_layer(layer, shape, keras)


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_any_layer_class_on_hostile_configs(data: st.DataObject) -> None:
    """Every class the engine knows (aliases, ops, Keras 2 only), with a config drawn from scratch."""
    class_name = data.draw(st.sampled_from([*formulas.supported(), *sorted(GRAPH_LAYERS), "Lambda"]), label="class")
    config = data.draw(st.dictionaries(st.sampled_from(_CONFIG_KEYS), values, max_size=5), label="config")
    shape = data.draw(
        st.one_of(st.lists(dims, max_size=6), st.lists(st.lists(dims, max_size=5), min_size=1, max_size=3)), label="shape"
    )
    keras = data.draw(st.sampled_from(VERSIONS), label="keras")
    with fuzzing.time_bound(f"{class_name}: {config!r} on {shape!r}"):
        check_layer({"class_name": class_name, "config": config}, shape, keras)


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_wrappers_wrapping_wrappers(data: st.DataObject) -> None:
    """TimeDistributed / Bidirectional / RNN cells nested in each other, up to the JSON depth limit."""
    depth = data.draw(st.integers(1, MAX_JSON_DEPTH // 2), label="depth")
    inner_case = data.draw(st.sampled_from(LAYER_CASES), label="innermost")
    layer: dict[str, Any] = {"class_name": inner_case.class_name, "config": copy.deepcopy(dict(inner_case.config))}
    for _ in range(depth):
        wrapper = data.draw(st.sampled_from(["TimeDistributed", "Bidirectional", "RNN", "StackedRNNCells"]), label="wrapper")
        key = {"RNN": "cell", "StackedRNNCells": "cells"}.get(wrapper, "layer")
        layer = {"class_name": wrapper, "config": {key: [layer] if key == "cells" else layer}}
    try:
        check_tree(layer, "layer")
    except LimitError:  # deeper than any reader lets through
        return
    shape = [None, *data.draw(st.lists(dims, max_size=6), label="shape")]
    with fuzzing.time_bound(f"{depth} wrappers around {inner_case.id}"):
        check_layer(layer, shape, data.draw(st.sampled_from(VERSIONS), label="keras"))


# -- (b) whole models ---------------------------------------------------------------------------


def _layer_lists(obj: Any) -> list[list[Any]]:
    """Every ``layers`` list of a model config, nested models' included."""
    found = []
    for path in _paths(obj):
        if path[-1] == "layers":
            value = _at(obj, path)
            if isinstance(value, list):
                found.append(value)
    return found


def _tensor(name: Any, node: Any, index: Any, keras3: bool) -> Any:
    if keras3:
        return {"class_name": "__keras_tensor__", "config": {"keras_history": [name, node, index]}}
    return [name, node, index, {}]


def _mutate_model(data: st.DataObject, model: dict[str, Any], keras3: bool) -> dict[str, Any]:
    model = copy.deepcopy(model)
    for _ in range(data.draw(st.integers(1, 3), label="edits")):
        before = copy.deepcopy(model)
        lists = _layer_lists(model)
        op = data.draw(
            st.sampled_from(["field", "field", "drop", "duplicate", "rename", "inbound", "nest", "wrap", "shuffle", "io"]),
            label="op",
        )
        layers = data.draw(st.sampled_from(lists), label="layers") if lists else []
        if op == "field":
            paths = list(_paths(model))
            if paths:
                path = data.draw(st.sampled_from(paths), label="path")
                parent = _at(model, path[:-1])
                if data.draw(st.booleans(), label="drop key"):
                    del parent[path[-1]]
                else:
                    parent[path[-1]] = data.draw(values, label="value")
        elif op in ("drop", "duplicate", "rename") and layers:
            i = data.draw(st.integers(0, len(layers) - 1), label="layer")
            if op == "drop":
                del layers[i]
            elif op == "duplicate":
                layers.insert(data.draw(st.integers(0, len(layers)), label="at"), copy.deepcopy(layers[i]))
            elif isinstance(layers[i], dict):
                names = [e.get("name") for e in layers if isinstance(e, dict)]
                new = data.draw(st.sampled_from([*names, "x", "", "a/b"]), label="name")
                layers[i]["name"] = new
                if isinstance(layers[i].get("config"), dict):
                    layers[i]["config"]["name"] = new
        elif op == "inbound" and layers:
            # a call on a missing layer, on itself, on a later layer (a cycle), on a node or an
            # output index it does not have
            i = data.draw(st.integers(0, len(layers) - 1), label="layer")
            entry = layers[i]
            if isinstance(entry, dict):
                names = [e.get("name") for e in layers if isinstance(e, dict)]
                target = data.draw(st.sampled_from([*names, "missing", entry.get("name")]), label="target")
                node = data.draw(st.sampled_from([0, 1, 2, -1, 5]), label="node")
                index = data.draw(st.sampled_from([0, 1, -1, 3]), label="index")
                tensor = _tensor(target, node, index, keras3)
                entry["inbound_nodes"] = [{"args": [tensor], "kwargs": {}}] if keras3 else [[tensor]]
        elif op == "nest":
            for _ in range(data.draw(st.integers(1, MAX_JSON_DEPTH // 3), label="depth")):
                model = {"class_name": "Sequential", "config": {"name": "outer", "layers": [model]}}
        elif op == "wrap" and layers:
            inner: Any = {"class_name": "Dense", "config": {"units": 3}}
            for _ in range(data.draw(st.integers(1, 40), label="wrappers")):
                inner = {
                    "class_name": data.draw(st.sampled_from(["TimeDistributed", "Bidirectional"])),
                    "config": {"layer": inner},
                }
            inner["name"] = "wrapped"
            layers.insert(data.draw(st.integers(0, len(layers)), label="at"), inner)
        elif op == "shuffle" and layers:
            layers.reverse()
        elif op == "io":
            config = model.get("config")
            if isinstance(config, dict):
                key = data.draw(st.sampled_from(["input_layers", "output_layers"]), label="key")
                config[key] = data.draw(
                    st.one_of(values, st.just([["missing", 0, 0]]), st.just(["x", "y", "z"]), st.just({"a": ["x", 0, 0]})),
                    label="refs",
                )
        try:
            check_tree(model, "model")
        except LimitError:  # the model file readers refuse it before the engine sees it
            model = before
    return model


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_model_configs_mutated(data: st.DataObject) -> None:
    name, model, keras = data.draw(st.sampled_from(MODEL_SEEDS), label="seed")
    keras = data.draw(st.sampled_from([keras, *VERSIONS]), label="keras")
    mutated = _mutate_model(data, model, keras.startswith("3"))
    with fuzzing.time_bound(f"a mutant of {name}"):
        check_model(mutated, keras)


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_model_configs_with_input_shapes(data: st.DataObject) -> None:
    """``--input-shape`` given by the user: any rank, any dims, any count."""
    name, model, keras = data.draw(st.sampled_from(MODEL_SEEDS), label="seed")
    shapes = data.draw(
        st.one_of(st.lists(dims, max_size=8), st.lists(st.lists(dims, max_size=6), max_size=3), values), label="shapes"
    )
    with fuzzing.time_bound(f"{name} on {shapes!r}"):
        try:
            m = formulas.expect_model(model, keras=keras, input_shapes=shapes)
        except ENGINE_ERRORS as exc:
            fuzzing.assert_one_line(str(exc))
            return
        m.summary()


# -- old configurations: Keras 1, list-form Sequentials (formulas.upgrade_config) ------------------------


def _legacy_seeds() -> list[tuple[str, Any]]:
    seeds = []
    for path in sorted((ROOT / "tests" / "data" / "model_files" / "handmade").glob("k*.json")):
        try:
            seeds.append((path.name, json.loads(path.read_text(encoding="utf-8"))))
        except ValueError:
            continue
    return seeds


LEGACY_SEEDS = _legacy_seeds()
_LEGACY_VALUES = st.one_of(
    values,
    st.sampled_from(["th", "tf", "default", "full", "cpu", "mem", "gpu", "concat", "dot", "cos", "sum", "one", "zero", "Merge"]),
    st.sampled_from([{"name": "WeightRegularizer", "l1": "x"}, {"name": "MaxNorm", "m": []}, {"top_pad": 1, "zz": 2}]).map(
        copy.deepcopy
    ),
)


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_old_configs_upgraded_then_described(data: st.DataObject) -> None:
    """Keras 1 and list-form configs mutated (Keras 1 keys given hostile values, the version the
    file claims changed), converted by :func:`formulas.upgrade_config`, then described."""
    name, seed = data.draw(st.sampled_from(LEGACY_SEEDS + [(n, m) for n, m, k in MODEL_SEEDS if k == "2.15"]), label="seed")
    model: Any = _mutate_model(data, seed, keras3=False)
    if isinstance(model, dict):
        paths = [p for p in _paths(model) if isinstance(p[-1], str)]
        for path in data.draw(st.lists(st.sampled_from(paths), max_size=3), label="keras 1 edits") if paths else []:
            try:
                _at(model, path[:-1])[path[-1]] = data.draw(_LEGACY_VALUES, label="value")
            except (KeyError, IndexError, TypeError):  # an earlier edit removed the place
                continue
        try:
            check_tree(model, "model")
        except LimitError:
            return
        version = data.draw(
            st.sampled_from([None, "1.2.2", "1.0.5", "2.0.8", "2.1.6", "2.2.4", "3.1.0", 5, ""]), label="keras_version"
        )
        if version is not None:
            model["keras_version"] = version
    with fuzzing.time_bound(f"a mutant of {name}"):
        try:
            upgraded = formulas.upgrade_config(
                model, backend=data.draw(st.sampled_from([None, "theano", "tensorflow"]), label="backend")
            )
        except ModelFileError as exc:
            fuzzing.assert_one_line(str(exc))
            return
        for note in upgraded.notes:
            fuzzing.assert_one_line(note)
        check_model(upgraded.config, "2.15")


# -- operations: Keras 3 op nodes and Keras 2 TF ops ---------------------------------------------------

_OP_KEYS = [
    "axis",
    "keepdims",
    "newshape",
    "shape",
    "perm",
    "axes",
    "dim",
    "squeeze_dims",
    "transpose_a",
    "transpose_b",
    "x",
    "y",
]
_INDEX = st.one_of(
    values,
    st.sampled_from(
        [{"class_name": "__ellipsis__", "config": {}}, {"class_name": "__slice__", "config": {"start": 0, "stop": -1, "step": 0}}]
    ),
    st.fixed_dictionaries({}, optional={"start": values, "stop": values, "step": values}),
)


def _operand(data: st.DataObject, keras3: bool) -> Any:
    """The input tensor, a constant, an index, or anything."""
    kind = data.draw(st.integers(0, 3), label="operand")
    if kind == 0:
        return _tensor("x", 0, 0, keras3)
    if kind == 1:
        return [_tensor("x", 0, 0, keras3), data.draw(st.lists(_INDEX, max_size=4), label="index")]
    return data.draw(values, label="operand")


@fuzzing.FUZZ_SETTINGS
@given(st.data())
@fuzzing.counted(READER)
def test_operations_on_hostile_arguments(data: st.DataObject) -> None:
    """One Keras 3 operation node (``keras.src.ops.*``) or Keras 2 ``TFOpLambda`` after an input,
    with hostile operands and arguments."""
    from formulas.layers.ops import KERAS3_OPS, TF_OPS

    keras3 = data.draw(st.booleans(), label="keras 3")
    shape = [None, *data.draw(st.lists(dims, max_size=5), label="input shape")]
    kwargs = data.draw(
        st.dictionaries(st.sampled_from(_OP_KEYS), st.one_of(values, st.lists(st.integers(-4, 4), max_size=5))), label="kwargs"
    )
    args = [_operand(data, keras3) for _ in range(data.draw(st.integers(0, 3), label="args"))]
    if keras3:
        name = data.draw(st.sampled_from(sorted(KERAS3_OPS)), label="op")
        x = {"class_name": "InputLayer", "name": "x", "config": {"batch_shape": shape, "name": "x"}, "inbound_nodes": []}
        op = {"module": "keras.src.ops.numpy", "class_name": name, "name": "op", "config": {"name": "op", **kwargs}}
        op["inbound_nodes"] = [{"args": args, "kwargs": {}}]
        refs = {"input_layers": [["x", 0, 0]], "output_layers": [["op", 0, 0]]}
        model = {"class_name": "Functional", "config": {"name": "ops", "layers": [x, op], **refs}}
    else:
        name = data.draw(st.sampled_from([*sorted(TF_OPS), "signal.rfft", "compat.v1.reduce_mean"]), label="op")
        x = {"class_name": "InputLayer", "name": "x", "config": {"batch_input_shape": shape, "name": "x"}, "inbound_nodes": []}
        op = {"class_name": "TFOpLambda", "name": "op", "config": {"name": "op", "function": name}}
        op["inbound_nodes"] = [["x", 0, 0, {**kwargs, **({"y": args[0]} if args else {})}]]
        refs = {"input_layers": [["x", 0, 0]], "output_layers": [["op", 0, 0]]}
        model = {"class_name": "Functional", "config": {"name": "ops", "layers": [x, op], **refs}}
    with fuzzing.time_bound(f"{name} {kwargs!r} {args!r}"):
        check_model(model, "3" if keras3 else "2.15")
        if not keras3:  # the same op as a layer of its own (``call_kwargs``)
            layer = {"class_name": "TFOpLambda", "config": {"function": name, "call_kwargs": kwargs}}
            check_layer(layer, shape, "2.15")


# -- byte-level mutants of the fixtures -----------------------------------------------------------

_BYTE_SEEDS = [json.dumps(m, separators=(",", ":")).encode() for _, m, _ in MODEL_SEEDS]


def test_byte_mutants_of_model_configs() -> None:
    """What a model-file reader passes on: the mutant as JSON within the limits (others are the
    reader's to refuse), then the engine."""

    def check(data: bytes) -> None:
        try:
            config = loads(data, "mutant.json")
        except (LimitError, ValueError):  # bad JSON, bad UTF-8, past a limit: the reader's refusal
            return
        if not isinstance(config, dict):
            return
        keras = "3" if '"__keras_tensor__"' in data.decode("utf-8", "replace") else "2.15"
        check_model(config, keras)

    assert fuzzing.run_mutants(READER, _BYTE_SEEDS, check, salt="engine") == fuzzing.INPUTS
