"""What the case format says beyond one layer on one input: call arguments, whole models, save and
reload, the eager-call status, and the tracker keys; each checked against the installed Keras."""

import json

import pytest

import formulas
from verify.cases import CaseError, load_cases, parse_case
from verify.compare import Status
from verify.model_cases import build_layer_model, expect_case, layer_model_config, reload_model
from verify.runner import run_case

pytestmark = pytest.mark.keras


def case(**obj):
    return parse_case({"id": "t", **obj}, "test.jsonl:1")


LSTM = {"class_name": "LSTM", "config": {"units": 8}}
MHA = {"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 4}}


# -- the format: bad lines name the file, line and value ------------------------------------------


@pytest.mark.parametrize(
    ("obj", "words"),
    [
        ({"layer": LSTM, "input_shape": [None, 5, 3], "call": {"initial_state": [[None, 8]]}}, "a tensor is written"),
        ({"layer": LSTM, "input_shape": [None, 5, 3], "call": {"mask": {"shape": [None, 5], "dtype": "complex"}}}, "dtype"),
        ({"layer": LSTM, "input_shape": [None, 5, 3], "call": {}}, "'call' must be an object"),
        ({"layer": LSTM, "input_shape": [None, 5, 3], "reload": "pickle"}, "'reload' must be one of keras, h5"),
        ({"model": {"class_name": "Sequential", "config": {}}, "input_shape": [None, 3]}, "has no 'layer' or 'input_shape'"),
        ({"model": 7}, "'model' must be a model config"),
        ({"layer": LSTM, "input_shape": [None, 5, 3], "eager_input_shape": [2, 6, 3]}, "must be concrete and agree"),
        ({"layer": LSTM, "input_shape": [None, 5, 3], "eager_input_shape": [None, 5, 3]}, "must be concrete and agree"),
        (
            {"layer": LSTM, "input_shape": [None, 5, 3], "report": "https://example.com/issues/1", "decision": "fixed"},
            "'report' must be",
        ),
        (
            {"layer": LSTM, "input_shape": [None, 5, 3], "report": "https://github.com/keras-team/keras/issues/1"},
            "needs a 'decision'",
        ),
        ({"layer": LSTM, "input_shape": [None, 5, 3], "decision": "maybe"}, "'decision' must be"),
    ],
)
def test_a_bad_case_line_names_the_file_line_and_value(obj, words):
    with pytest.raises(CaseError) as error:
        case(**obj)
    assert "test.jsonl:1" in str(error.value) and words in str(error.value)


def test_a_bad_model_case_does_not_stop_the_good_lines(tmp_path):
    good = {"id": "good", "layer": LSTM, "input_shape": [None, 5, 3], "call": {"training": True}}
    bad = {"id": "bad", "layer": LSTM, "input_shape": [None, 5, 3], "reload": "zip"}
    path = tmp_path / "cases.jsonl"
    path.write_text(json.dumps(bad) + "\n" + json.dumps(good) + "\n")
    cases, problems = load_cases([path])
    assert [c.id for c in cases] == ["good"]
    assert len(problems) == 1 and "cases.jsonl:1" in problems[0] and "'zip'" in problems[0]


# -- call arguments --------------------------------------------------------------------------------


def test_initial_state_and_mask_are_model_inputs_on_both_sides(keras_env):
    c = case(layer=LSTM, input_shape=[None, 5, 3], call={"initial_state": [{"shape": [None, 8]}, {"shape": [None, 8]}]})
    config = layer_model_config(c)
    assert [entry["name"] for entry in config["config"]["layers"]] == ["input", "initial_state_0", "initial_state_1", "layer"]
    model = build_layer_model(keras_env, c)
    assert [layer.name for layer in model.layers] == ["input", "initial_state_0", "initial_state_1", "layer"]
    result = run_case(c, keras_env)
    assert result.status is Status.MATCH, result.detail
    assert result.expected.total == model.count_params()


def test_return_attention_scores_is_checked_against_the_eager_call(keras_env):
    """The scores are (batch, heads, query length, key length); the eager call is the truth even
    where a Keras release's symbolic shape says otherwise."""
    c = case(layer=MHA, input_shape=[[None, 5, 8], [None, 7, 8]], call={"return_attention_scores": True})
    expected = expect_case(c, keras_env.version)
    row = next(r for r in expected.layers if r.name == "layer")
    result = run_case(c, keras_env)
    assert result.observed.eager_output_shape is not None, result.detail
    concrete = [tuple(2 if d is None else d for d in shape) for shape in row.output_shape]
    assert list(result.observed.eager_output_shape) == concrete
    assert result.status in (Status.MATCH, Status.KNOWN_ISSUE), result.detail


# -- save and reload ---------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["keras", "h5"])
def test_a_reloaded_layer_is_checked_weight_by_weight(keras_env, fmt):
    c = case(layer={"class_name": "Bidirectional", "config": {"layer": LSTM}}, input_shape=[None, 5, 3], reload=fmt)
    model = reload_model(keras_env, build_layer_model(keras_env, c), fmt)
    result = run_case(c, keras_env)
    assert result.status is Status.MATCH, result.detail
    assert result.expected.total == model.count_params() == result.observed.count_params
    assert [w.shape for w in result.expected.weights] == [w.shape for w in result.observed.weights]


def test_a_frozen_part_of_an_inline_model_is_non_trainable(keras_env):
    keras = keras_env.keras
    built = keras.Sequential([keras.Input((4,)), keras.layers.Dense(3, trainable=False), keras.layers.BatchNormalization()])
    c = case(model=json.loads(built.to_json()))
    result = run_case(c, keras_env)
    assert result.status is Status.MATCH, result.detail
    trainable = sum(int(w.numpy().size) for w in built.trainable_weights)
    assert result.expected.trainable == result.observed.trainable == trainable


def test_a_model_file_case_is_read_relative_to_its_case_file(keras_env, tmp_path):
    keras = keras_env.keras
    built = keras.Sequential([keras.Input((6,)), keras.layers.Dense(2)])
    built.save(tmp_path / "small.keras")
    (tmp_path / "cases.jsonl").write_text(json.dumps({"id": "file", "model": "small.keras"}) + "\n")
    cases, problems = load_cases([tmp_path / "cases.jsonl"])
    assert problems == []
    result = run_case(cases[0], keras_env)
    assert result.status is Status.MATCH, result.detail
    assert result.expected.total == built.count_params()


def test_a_missing_model_file_is_a_result_that_names_it(keras_env, tmp_path):
    (tmp_path / "cases.jsonl").write_text(json.dumps({"id": "gone", "model": "gone.keras"}) + "\n")
    cases, _ = load_cases([tmp_path / "cases.jsonl"])
    result = run_case(cases[0], keras_env)
    assert result.status is Status.CRASHED and "gone.keras" in result.detail


# -- a layer Keras builds but cannot call ------------------------------------------------------------


def test_a_layer_that_builds_but_cannot_be_called_is_never_a_match(keras_env):
    """TensorFlow's CPU kernels have no channels_first convolution: Keras builds the layer, and the
    formula agrees with the build, but the layer cannot run here."""
    c = case(
        layer={"class_name": "Conv2D", "config": {"filters": 4, "kernel_size": 3, "data_format": "channels_first"}},
        input_shape=[None, 3, 9, 9],
    )
    result = run_case(c, keras_env)
    observed = keras_env.observe_case(c)
    if observed.eager_error is None:
        pytest.skip(f"this Keras ({keras_env.backend}) runs channels_first convolutions")
    assert result.status in (Status.EAGER_FAILED, Status.KNOWN_ISSUE), result.detail
    assert "eager call" in result.detail and observed.eager_error.split(":")[0] in result.detail


def test_eager_input_shape_replaces_the_default_batch(keras_env):
    c = case(
        layer={"class_name": "Reshape", "config": {"target_shape": [4, 3]}}, input_shape=[None, None], eager_input_shape=[2, 12]
    )
    result = run_case(c, keras_env)
    assert result.observed.eager_input_shape == (2, 12)
    assert result.status is Status.MATCH, result.detail
    assert result.observed.eager_output_shape == formulas.expect(c.layer, (2, 12), keras=keras_env.version).output_shape


@pytest.mark.parametrize(
    ("layer", "input_shape"),
    [
        ({"class_name": "Reshape", "config": {"target_shape": [1, 1, 1]}}, [None, None]),
        ({"class_name": "Add", "config": {}}, [[None, None], [None, 4]]),
        ({"class_name": "Cropping1D", "config": {"cropping": [3, 4]}}, [None, None, 3]),
        ({"class_name": "Dot", "config": {"axes": 1}}, [[1, 4, 3], [None, 4, 5]]),
    ],
)
def test_an_unknown_dim_is_given_a_size_the_layer_can_take(keras_env, layer, input_shape):
    """None means any size: the eager pass finds one that fits before it calls the layer broken,
    and the engine's output for that size is what the layer really produced."""
    c = case(layer=layer, input_shape=input_shape)
    result = run_case(c, keras_env)
    assert result.status is Status.MATCH, result.detail
    eager_in = result.observed.eager_input_shape
    assert eager_in is not None and result.observed.eager_error is None
    assert result.observed.eager_output_shape == formulas.expect(c.layer, eager_in, keras=keras_env.version).output_shape
