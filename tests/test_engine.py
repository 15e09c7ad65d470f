"""The pure engine on its own: literal tables from the formulas people state, and its API."""

import re

import pytest
from hypothesis import given
from hypothesis import strategies as st

import formulas
from formulas._arith import evaluate


def layer(class_name, **config):
    return {"class_name": class_name, "config": config}


# The seed Q&A, each total written as the arithmetic the answer states.
SEED = [
    (layer("Flatten"), (None, 1, 28, 28), 0, (None, 784)),
    (layer("Dense", units=10), (None, 784), 10 * (784 + 1), (None, 10)),
    (layer("Activation", activation="softmax"), (None, 10), 0, (None, 10)),
    (layer("Dense", units=514), (None, 514), 514 * 514 + 514, (None, 514)),
    (layer("Dense", units=257), (None, 514), 514 * 257 + 257, (None, 257)),
    (layer("Conv2D", filters=32, kernel_size=[3, 3]), (None, 224, 224, 3), 32 * (3 * 9 + 1), (None, 222, 222, 32)),
    (layer("Conv2D", filters=64, kernel_size=[3, 3]), (None, 222, 222, 32), 64 * (32 * 9 + 1), (None, 220, 220, 64)),
    (layer("Conv2D", filters=128, kernel_size=[3, 3]), (None, 220, 220, 64), 128 * (64 * 9 + 1), (None, 218, 218, 128)),
    (layer("Dense", units=10), (None, 218, 218, 128), 10 * (128 + 1), (None, 218, 218, 10)),
]


@pytest.mark.parametrize("keras", ["3", "2.15"])
@pytest.mark.parametrize(("spec", "shape", "total", "output"), SEED)
def test_seed_examples_follow_the_stated_arithmetic(spec, shape, total, output, keras):
    e = formulas.expect(spec, shape, keras=keras)
    assert e.total == total
    assert e.output_shape == output


def test_seed_totals_match_the_question():
    assert 10 * (784 + 1) == 7_850
    assert 514 * 514 + 514 + 514 * 257 + 257 == 397_065
    assert [32 * (3 * 9 + 1), 64 * (32 * 9 + 1), 128 * (64 * 9 + 1), 10 * 129] == [896, 18_496, 73_856, 1_290]


def test_the_wrong_answer_in_the_thread_is_wrong():
    """'neurons = params / (units × 4)' does not recover 784 inputs from Dense(10)'s 7,850."""
    e = formulas.expect(layer("Dense", units=10), (None, 784))
    assert e.total / (10 * 4) != 784
    assert (e.total - 10) // 10 == 784  # the right inversion: d = (params − u) / u


def test_dense_weights_are_named_shaped_and_trainable_in_keras_order():
    e = formulas.expect(layer("Dense", units=10), (None, 784))
    assert e.weights == (formulas.Weight("kernel", (784, 10), True), formulas.Weight("bias", (10,), True))
    assert (e.trainable, e.non_trainable, e.total) == (7_850, 0, 7_850)


def test_batch_normalization_splits_trainable_and_moving_statistics():
    e = formulas.expect(layer("BatchNormalization"), (None, 8, 8, 16))
    assert [w.name for w in e.weights] == ["gamma", "beta", "moving_mean", "moving_variance"]
    assert (e.trainable, e.non_trainable) == (32, 32)


def test_explain_shows_symbols_then_numbers_and_the_total():
    text = formulas.expect(layer("Dense", units=10), (None, 784)).explain()
    assert "kernel (d, u) = 784 × 10 = 7,840" in text
    assert "total u × (d + 1) = 10 × (784 + 1) = 7,850" in text
    assert text.splitlines()[0] == "Dense(units=10) on (None, 784) -> (None, 10)"


@pytest.mark.parametrize(
    ("spec", "shape", "fragment"),
    [
        (layer("Conv2D", filters=4, kernel_size=5), (None, 4, 4, 3), "output size would be 0"),
        (layer("Conv2D", filters=6, kernel_size=3, groups=4), (None, 8, 8, 8), "filters=6 is not divisible by groups=4"),
        (layer("Conv2D", filters=9, kernel_size=3, groups=3), (None, 8, 8, 8), "input channels 8 are not divisible by groups=3"),
        (
            layer("Conv1D", filters=4, kernel_size=3, strides=2, dilation_rate=2),
            (None, 20, 3),
            "strides=(2,) > 1 together with dilation_rate=(2,)",
        ),
        (layer("Conv2D", filters=4, kernel_size=3, padding="causal"), (None, 8, 8, 3), "padding='causal'"),
        (layer("Dense", units=10), (None, None), "last dimension of the input must be defined"),
        (layer("Reshape", target_shape=[-1, -1]), (None, 12), "more than one unknown dimension"),
        (layer("Reshape", target_shape=[5, 5]), (None, 12), "cannot reshape input"),
        (layer("Dropout", rate=1.5), (None, 3), "rate=1.5"),
        (layer("Dense", units=0), (None, 3), "units=0"),
    ],
)
def test_invalid_layers_raise_with_the_offending_value(spec, shape, fragment):
    with pytest.raises(formulas.InvalidLayerError) as info:
        formulas.expect(spec, shape)
    assert fragment in str(info.value)
    assert isinstance(info.value, ValueError)


def test_unknown_layer_names_the_nearest_known_classes():
    with pytest.raises(formulas.UnknownLayerError, match="Conv2D"):
        formulas.expect(layer("Conv2d", filters=1, kernel_size=1), (None, 4, 4, 1))
    assert issubclass(formulas.UnknownLayerError, LookupError)


def test_supported_is_sorted_and_includes_aliases():
    names = formulas.supported()
    assert names == sorted(names)
    for alias in ("Convolution2D", "MaxPool2D", "AvgPool1D", "GlobalAvgPool2D", "GlobalMaxPool3D"):
        assert alias in names


def test_version_selects_defaults_and_rules():
    # Keras 2 accepts Dense(0) and a list of BN axes; Keras 3 refuses both.
    assert formulas.expect(layer("Dense", units=0), (None, 3), keras="2.15").total == 0
    with pytest.raises(formulas.InvalidLayerError):
        formulas.expect(layer("Dense", units=0), (None, 3), keras="3.15.1")
    bn = formulas.expect(layer("BatchNormalization", axis=[1, 2]), (None, 5, 6, 3), keras="2.15")
    assert bn.weights[0].shape == (1, 5, 6, 1)
    with pytest.raises(formulas.InvalidLayerError):
        formulas.expect(layer("BatchNormalization", axis=[1, 2]), (None, 5, 6, 3), keras="3")


def test_a_full_keras3_config_with_dtype_policy_and_initializer_dicts_is_read():
    config = {
        "name": "dense_7",
        "trainable": True,
        "dtype": {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "float32"}, "registered_name": None},
        "units": 10,
        "activation": "linear",
        "use_bias": True,
        "kernel_initializer": {
            "module": "keras.initializers",
            "class_name": "GlorotUniform",
            "config": {"seed": None},
            "registered_name": None,
        },
        "quantization_config": None,
    }
    spec = {"module": "keras.layers", "class_name": "Dense", "config": config, "registered_name": None}
    assert formulas.expect(spec, (None, 784)).total == 7_850


def test_expectation_is_frozen():
    e = formulas.expect(layer("Dense", units=2), (None, 3))
    with pytest.raises(AttributeError):
        e.weights = ()  # type: ignore[misc]


def test_bad_version_is_a_value_error():
    with pytest.raises(ValueError, match="keras='4'"):
        formulas.expect(layer("Dense", units=2), (None, 3), keras="4")


# -- properties ------------------------------------------------------------------------------

dims = st.integers(min_value=1, max_value=64)


@st.composite
def conv_cases(draw):
    rank = draw(st.integers(1, 3))
    groups = draw(st.sampled_from([1, 1, 2]))
    filters = groups * draw(st.integers(1, 8))
    channels = groups * draw(st.integers(1, 8))
    kernel = [draw(st.integers(1, 5)) for _ in range(rank)]
    spatial = [draw(st.one_of(st.none(), st.integers(1, 20))) for _ in range(rank)]
    config = {"filters": filters, "kernel_size": kernel, "groups": groups, "padding": draw(st.sampled_from(["valid", "same"]))}
    return layer(f"Conv{rank}D", **config), (None, *spatial, channels)


_TOTAL = re.compile(r"^total .* = (.+) = ([\d,]+)")


@given(conv_cases())
def test_conv_total_is_the_sum_of_its_weights_and_the_shown_arithmetic_holds(case):
    spec, shape = case
    try:
        e = formulas.expect(spec, shape)
    except formulas.InvalidLayerError:
        return
    assert e.total == sum(w.size for w in e.weights)
    k = 1
    for size in spec["config"]["kernel_size"]:
        k *= size
    c, f, g = shape[-1], spec["config"]["filters"], spec["config"]["groups"]
    assert e.total == k * (c // g) * f + f
    total_line = next(line for line in e.derivation if line.startswith("total"))
    substituted, shown = _TOTAL.match(total_line).groups()
    assert evaluate(substituted) == e.total == int(shown.replace(",", ""))


@given(st.lists(st.one_of(st.none(), dims), min_size=1, max_size=4), dims)
def test_dense_acts_on_the_last_axis_only(rest, units):
    shape = (None, *rest)
    if rest[-1] is None:
        with pytest.raises(formulas.InvalidLayerError):
            formulas.expect(layer("Dense", units=units), shape)
        return
    e = formulas.expect(layer("Dense", units=units), shape)
    assert e.total == units * (rest[-1] + 1)
    assert e.output_shape == (None, *rest[:-1], units)


@given(st.lists(st.one_of(st.none(), dims), min_size=0, max_size=4))
def test_flatten_multiplies_known_dims_and_is_none_otherwise(rest):
    e = formulas.expect(layer("Flatten"), (None, *rest))
    if any(r is None for r in rest):
        assert e.output_shape == (None, None)
    else:
        size = 1
        for r in rest:
            size *= r
        assert e.output_shape == (None, size)


def test_synchronized_batch_normalization_is_refused_off_tensorflow_only():
    """Keras 3 refuses BatchNormalization(synchronized=True) on JAX and PyTorch (the jax and
    torch sessions of the version matrix check this against Keras); the counts never depend on
    the backend."""
    layer = {"class_name": "BatchNormalization", "config": {"synchronized": True}}
    plain = formulas.expect({"class_name": "BatchNormalization", "config": {}}, [None, 10, 6], keras="3.15.1")
    for backend in (None, "tensorflow"):
        assert formulas.expect(layer, [None, 10, 6], keras="3.15.1", backend=backend).weights == plain.weights
    for backend in ("jax", "torch"):
        with pytest.raises(formulas.InvalidLayerError, match=f"only supported with the TensorFlow backend, not {backend}"):
            formulas.expect(layer, [None, 10, 6], keras="3.15.1", backend=backend)


def test_a_wrapped_layer_is_told_the_backend_too():
    layer = {
        "class_name": "TimeDistributed",
        "config": {"layer": {"class_name": "BatchNormalization", "config": {"synchronized": True}}},
    }
    plain = {"class_name": "TimeDistributed", "config": {"layer": {"class_name": "BatchNormalization", "config": {}}}}
    on_tf = formulas.expect(layer, [None, 3, 10, 6], keras="3.15.1", backend="tensorflow")
    assert on_tf.weights == formulas.expect(plain, [None, 3, 10, 6], keras="3.15.1", backend="jax").weights
    with pytest.raises(formulas.InvalidLayerError, match="inner layer: .*not jax"):
        formulas.expect(layer, [None, 3, 10, 6], keras="3.15.1", backend="jax")
