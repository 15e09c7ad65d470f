"""The engine against real Keras: every catalog case, the seed examples, and generated configs."""

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import formulas
from verify.cases import builtin_paths, load_cases, parse_case
from verify.compare import Status, compare
from verify.runner import run_case

pytestmark = pytest.mark.keras

CATALOG, PROBLEMS = load_cases(builtin_paths())


def test_the_builtin_catalog_loads_cleanly_and_is_large_enough():
    assert PROBLEMS == []
    assert len(CATALOG) >= 150
    assert sum(c.expect_invalid for c in CATALOG) >= 10


@pytest.mark.parametrize("case", CATALOG, ids=[c.id for c in CATALOG])
def test_catalog_case_agrees_with_keras(case, keras_env):
    result = run_case(case, keras_env)
    assert result.status.ok, f"{case.source}: {result.status}: {result.detail}"


SEED_IDS = [
    "seed-flatten-1x28x28",
    "seed-dense-784-10",
    "seed-activation-softmax",
    "seed-dense-514-514",
    "seed-dense-514-257",
    "seed-conv2d-32-rgb",
    "seed-conv2d-64",
    "seed-conv2d-128",
    "seed-dense-on-4d",
]


@pytest.mark.parametrize("case_id", SEED_IDS)
def test_seed_example_is_confirmed_weight_by_weight(case_id, keras_env):
    case = next(c for c in CATALOG if c.id == case_id)
    result = run_case(case, keras_env)
    assert result.status is Status.MATCH, result.detail
    assert result.observed.weights == result.expected.weights
    assert result.observed.count_params == result.expected.total
    assert result.observed.output_shape == result.expected.output_shape


def test_a_wrong_formula_is_caught_weight_by_weight(keras_env):
    """The comparator is not a rubber stamp: Dense(11)'s expectation against Dense(10)'s build."""
    case = parse_case({"id": "x", "layer": {"class_name": "Dense", "config": {"units": 10}}, "input_shape": [None, 784]}, "test")
    wrong = formulas.expect({"class_name": "Dense", "config": {"units": 11}}, (None, 784))
    observed = keras_env.observe("Dense", {"units": 10}, (None, 784))
    status, detail = compare(case, wrong, None, observed)
    assert status is Status.MISMATCH
    assert "weight 0: formula kernel (784, 11), Keras kernel (784, 10)" in detail
    assert "output shape" in detail and "count_params" in detail


def test_keras_refusals_are_observations_not_crashes(keras_env):
    observed = keras_env.observe("Conv2D", {"filters": 6, "kernel_size": 3, "groups": 4}, (None, 8, 8, 8))
    assert observed.refused and "groups" in observed.error
    assert keras_env.observe("NoSuchLayer", {}, (None, 3)).refused


# -- generated configurations, capped so that each build stays small --------------------------

_settings = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])


def _check(spec, shape, env):
    case = parse_case({"id": "generated", "layer": spec, "input_shape": list(shape)}, "hypothesis")
    result = run_case(case, env)
    assert result.status.ok, f"{spec} on {shape}: {result.status}: {result.detail}"


@st.composite
def conv_layers(draw):
    rank = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 1, 2, 3]))
    filters = groups * draw(st.integers(1, 4))
    channels = groups * draw(st.integers(1, 3))
    data_format = draw(st.sampled_from(["channels_last", "channels_first"]))
    padding = draw(st.sampled_from(["valid", "same"] + (["causal"] if rank == 1 else [])))
    kernel = [draw(st.integers(1, 4)) for _ in range(rank)]
    strides = [draw(st.integers(1, 3)) for _ in range(rank)]
    dilation = [1] * rank if max(strides) > 1 else [draw(st.integers(1, 3)) for _ in range(rank)]
    spatial = [draw(st.one_of(st.none(), st.integers(1, 12))) for _ in range(rank)]
    config = {
        "filters": filters,
        "kernel_size": kernel,
        "strides": strides,
        "dilation_rate": dilation,
        "padding": padding,
        "groups": groups,
        "data_format": data_format,
        "use_bias": draw(st.booleans()),
    }
    shape = (None, *spatial, channels) if data_format == "channels_last" else (None, channels, *spatial)
    return {"class_name": f"Conv{rank}D", "config": config}, shape


@_settings
@given(conv_layers())
def test_generated_convolutions_agree_with_keras(keras_env, case):
    _check(*case, keras_env)


@st.composite
def pooling_layers(draw):
    rank = draw(st.integers(1, 3))
    kind = draw(st.sampled_from(["MaxPooling", "AveragePooling", "GlobalMaxPooling", "GlobalAveragePooling"]))
    data_format = draw(st.sampled_from(["channels_last", "channels_first"]))
    spatial = [draw(st.one_of(st.none(), st.integers(1, 10))) for _ in range(rank)]
    channels = draw(st.integers(1, 4))
    config = {"data_format": data_format}
    if kind.startswith("Global"):
        config["keepdims"] = draw(st.booleans())
    else:
        config["pool_size"] = [draw(st.integers(1, 4)) for _ in range(rank)]
        config["strides"] = draw(st.one_of(st.none(), st.lists(st.integers(1, 3), min_size=rank, max_size=rank)))
        config["padding"] = draw(st.sampled_from(["valid", "same"]))
    shape = (None, *spatial, channels) if data_format == "channels_last" else (None, channels, *spatial)
    return {"class_name": f"{kind}{rank}D", "config": config}, shape


@_settings
@given(pooling_layers())
def test_generated_poolings_agree_with_keras(keras_env, case):
    _check(*case, keras_env)


@_settings
@given(
    st.lists(st.one_of(st.none(), st.integers(1, 6)), min_size=1, max_size=4),
    st.integers(1, 16),
    st.booleans(),
)
def test_generated_dense_layers_agree_with_keras(keras_env, rest, units, use_bias):
    _check({"class_name": "Dense", "config": {"units": units, "use_bias": use_bias}}, (None, *rest), keras_env)


@_settings
@given(st.lists(st.integers(1, 6), min_size=1, max_size=4), st.data())
def test_generated_batch_norms_and_prelus_agree_with_keras(keras_env, rest, data):
    shape = (None, *rest)
    rank = len(shape)
    axis = data.draw(st.integers(-rank + 1, rank - 1))
    _check(
        {
            "class_name": "BatchNormalization",
            "config": {"axis": axis, "center": data.draw(st.booleans()), "scale": data.draw(st.booleans())},
        },
        shape,
        keras_env,
    )
    shared = data.draw(st.lists(st.integers(1, rank - 1), unique=True, max_size=rank - 1))
    _check({"class_name": "PReLU", "config": {"shared_axes": shared or None}}, shape, keras_env)
