"""Refusals the engine used to make where Keras builds the layer (issue 14): MultiHeadAttention on
a rank-2 query in Keras 2 (tensorflow/tensorflow#46762) and transposed convolutions with
output_padding == strides in Keras 3.0-3.13 (keras-team/keras#13231).

The per-release tests check the engine's prediction against what the version matrix measured
(``paramproof run`` in every session: keras-2-12 … tf_keras-2-21, keras-3-0 … keras-3-15,
keras-nightly) and the wheels' source; the ``keras`` tests compare the engine with the Keras
installed here, through the harness."""

from __future__ import annotations

import pytest

import formulas
from verify.cases import parse_case
from verify.compare import Status
from verify.runner import run_case

KERAS2 = ["2.12.0", "2.13.1", "2.14.0", "2.15.0", "2.16.0", "2.17.0", "2.18.0", "2.19.0", "2.20.1", "2.21.0"]
KERAS3_BEFORE_CHECK = ["3.0.0", "3.0.5", "3.5.0", "3.10.0", "3.11.3", "3.12.1", "3.13.0", "3.13.2"]
KERAS3_WITH_CHECK = ["3.14.0", "3.14.1", "3.15.0", "3.15.1", "3.16.0.dev2026102704"]


def _accepts(layer: dict, shape: object, keras: str) -> bool:
    try:
        formulas.expect(layer, shape, keras=keras)
    except formulas.InvalidLayerError:
        return False
    return True


# -- MultiHeadAttention on a rank-2 query (tensorflow/tensorflow#46762) --------------------------


def _mha(**config: object) -> dict:
    return {"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 3, **config}}


REPORTED_MHA = {
    "class_name": "MultiHeadAttention",
    "config": {"num_heads": 10, "key_dim": 10, "use_bias": False, "attention_axes": 0},
}
RANK2 = [[None, 1800], [None, 1800]]


@pytest.mark.parametrize("keras", KERAS2 + KERAS3_BEFORE_CHECK + KERAS3_WITH_CHECK)
def test_the_reported_rank2_multi_head_attention_builds_on_every_release(keras: str) -> None:
    """Four projections of the 1800 features to 10 heads of 10, no biases, on every release
    (the matrix: 720,000 parameters, output (None, 1800), eager (2, 1800), in all 27 sessions)."""
    e = formulas.expect(REPORTED_MHA, RANK2, keras=keras)
    assert [w.shape for w in e.weights] == [(1800, 10, 10)] * 3 + [(10, 10, 1800)]
    assert e.total == 4 * 1800 * 10 * 10
    assert e.output_shape == (None, 1800)


def test_a_channel_axis_makes_the_projections_act_on_one_feature() -> None:
    """The reporter's second model, (None, 1800, 1): 4 × 1 × 10 × 10 on both lines."""
    for keras in ("2.21.0", "3.15.1"):
        assert formulas.expect(REPORTED_MHA, [[None, 1800, 1], [None, 1800, 1]], keras=keras).total == 400


@pytest.mark.parametrize(
    ("axes", "keras2", "keras3_old", "keras3_new"),
    [
        # measured: Keras 2 (2.12-2.21) symbolic build; Keras 3 symbolic build before / from 3.12.0
        (0, True, True, True),
        (1, True, True, True),
        ([0, 1], True, True, True),
        (-2, True, True, True),
        (-3, True, True, True),
        (None, False, True, True),  # the default axes are empty: Keras 3 fails in the eager call
        ([], False, True, True),
        (2, False, True, True),  # the channels axis: Keras 3 fails in the eager call
        (-1, False, True, True),  # Keras 3 from 3.12.0: the heads axis, and the eager call runs
        ([1, 1], False, True, True),
        (3, False, False, False),
        (-4, False, False, True),  # 3.12.0+: (rank - 1) - 4 = -2, inside np.delete's range
    ],
)
def test_rank2_attention_axes_per_line(axes: object, keras2: bool, keras3_old: bool, keras3_new: bool) -> None:
    layer = _mha() if axes is None else _mha(attention_axes=axes)
    shape = [[None, 6], [None, 6]]
    assert {_accepts(layer, shape, k) for k in KERAS2} == {keras2}
    assert {_accepts(layer, shape, k) for k in ("3.0.5", "3.10.0", "3.11.3")} == {keras3_old}
    assert {_accepts(layer, shape, k) for k in ("3.12.1", "3.15.1", "3.16.0.dev2026102704")} == {keras3_new}


def test_keras2_refuses_the_channels_axis_of_a_rank3_query_too() -> None:
    """-1 indexes the projection's channels in Keras 2 (and Keras 3 before 3.12.0, which builds it
    symbolically); Keras 3.12.0 moves it to the heads axis."""
    layer = _mha(attention_axes=-1)
    shape = [[None, 4, 6], [None, 4, 6]]
    with pytest.raises(formulas.InvalidLayerError, match="channels axis"):
        formulas.expect(layer, shape, keras="2.21.0")
    assert _accepts(layer, shape, "3.11.3") and _accepts(layer, shape, "3.15.1")


def test_the_default_axes_of_a_rank2_query_are_named_in_the_refusal() -> None:
    with pytest.raises(formulas.InvalidLayerError, match=r"default attention_axes .* is empty"):
        formulas.expect(_mha(), [[None, 6], [None, 6]], keras="2.15.0")


# -- transposed convolutions with output_padding >= strides (keras-team/keras#13231) ----------


REPORTED_CONV = {
    "class_name": "Conv2DTranspose",
    "config": {"filters": 3, "kernel_size": 16, "strides": 8, "padding": "same", "output_padding": [8, 1]},
}


@pytest.mark.parametrize("keras", KERAS3_BEFORE_CHECK)
def test_keras3_before_3_14_builds_the_reported_transposed_conv(keras: str) -> None:
    """The matrix: keras-3-0 … keras-3-13 build it and the eager call returns (2, 368, 489, 3)."""
    e = formulas.expect(REPORTED_CONV, [None, 46, 62, 3], keras=keras)
    assert e.output_shape == (None, 45 * 8 + 8, 61 * 8 + 1, 3)
    assert e.total == 16 * 16 * 3 * 3 + 3


@pytest.mark.parametrize("keras", KERAS2 + KERAS3_WITH_CHECK)
def test_keras2_and_keras3_from_3_14_refuse_output_padding_equal_to_strides(keras: str) -> None:
    with pytest.raises(formulas.InvalidLayerError, match="strictly less than strides"):
        formulas.expect(REPORTED_CONV, [None, 46, 62, 3], keras=keras)


@pytest.mark.parametrize(
    ("rank", "config", "shape", "runs"),
    [
        # measured on 3.13.2 (TensorFlow): the eager call computes the size only with same padding,
        # output_padding == strides and an even effective kernel
        (1, {"kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 2}, [None, 5, 3], True),
        (3, {"kernel_size": 2, "strides": 2, "padding": "same", "output_padding": [2, 1, 1]}, [None, 3, 3, 3, 2], True),
        (2, {"kernel_size": 3, "strides": 2, "padding": "same", "output_padding": 2}, [None, 5, 5, 2], False),
        (2, {"kernel_size": 4, "strides": 2, "output_padding": 2}, [None, 5, 5, 2], False),
        (2, {"kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 3}, [None, 5, 5, 2], False),
        (1, {"kernel_size": 3, "padding": "same", "output_padding": 1}, [None, 5, 3], False),
    ],
)
def test_keras3_before_3_14_accepts_only_the_output_padding_its_eager_call_computes(
    rank: int, config: dict, shape: list, runs: bool
) -> None:
    layer = {"class_name": f"Conv{rank}DTranspose", "config": {"filters": 2, **config}}
    assert {_accepts(layer, shape, k) for k in KERAS3_BEFORE_CHECK} == {runs}
    assert {_accepts(layer, shape, k) for k in KERAS2 + KERAS3_WITH_CHECK} == {False}


# -- the engine against the Keras installed here ----------------------------------------------


CASES = [
    {"id": "mha-rank2-batch-axis", "layer": REPORTED_MHA, "input_shape": RANK2},
    {"id": "mha-rank2-heads-axis", "layer": _mha(attention_axes=1), "input_shape": [[None, 6], [None, 6]]},
    {"id": "mha-rank2-minus2", "layer": _mha(attention_axes=-2), "input_shape": [[None, 6], [None, 6]]},
    {"id": "mha-rank2-minus4", "layer": _mha(attention_axes=-4), "input_shape": [[None, 6], [None, 6]]},
    {"id": "conv2dt-reported", "layer": REPORTED_CONV, "input_shape": [None, 46, 62, 3]},
    {
        "id": "conv1dt-eq-stride",
        "layer": {
            "class_name": "Conv1DTranspose",
            "config": {"filters": 2, "kernel_size": 4, "strides": 2, "padding": "same", "output_padding": 2},
        },
        "input_shape": [None, 5, 3],
    },
]


@pytest.mark.keras
@pytest.mark.parametrize("raw", CASES, ids=[c["id"] for c in CASES])
def test_the_engine_agrees_with_the_installed_keras(raw: dict, keras_env) -> None:
    result = run_case(parse_case(raw, "test_refusals"), keras_env)
    assert result.status in (Status.MATCH, Status.BOTH_INVALID), f"{result.status}: {result.detail}"
