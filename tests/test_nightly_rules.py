"""The engine's version rules for keras-nightly 3.16.0.dev2026102704 (``formulas/versions.json``):
what they change against Keras 3.15.1, and that 3.15.1 and Keras 2 keep their behaviour.

The expectations come from the layer configs' own arithmetic (units, input dims, the equation),
never from numbers Keras printed; the nightly session of the version matrix is the check against
real Keras.
"""

from __future__ import annotations

import json
import math
import re
from importlib import resources
from typing import Any

import pytest

import formulas
from formulas._version import KerasVersion, facts, feature
from verify.cases import builtin_paths, load_cases, version_satisfies
from verify.matrix import shipped_differences

NIGHTLY = "3.16.0.dev2026102704"
RELEASE = "3.15.1"
BLOCK = 128  # Int4QuantizationConfig's default block_size

RULES = (
    "int4-zero-point-name",
    "lora-float8-refused",
    "einsum-quantize-ellipsis",
    "einsum-int8-scale-squeeze-in-place",
    "einsum-input-rank-checked",
    "layernorm-axes-canonical-sorted",
    "bidirectional-stateful-state-builds",
    "bidirectional-merge-widths-checked",
)


def _weights(
    layer: dict[str, Any], shape: tuple[Any, ...], keras: str, quantize: str | None = None
) -> dict[str, tuple[int, ...]]:
    e = formulas.expect(layer, shape, keras=keras, quantize=quantize)
    return {w.name: tuple(w.shape) for w in e.weights}


# -- the version facts ----------------------------------------------------------------------


def test_a_nightly_build_reads_as_the_release_it_leads_to() -> None:
    assert KerasVersion.parse(NIGHTLY) == KerasVersion(3, 16, 0)
    assert KerasVersion.parse("3") == KerasVersion.parse(RELEASE)  # "3" is still the newest release


@pytest.mark.parametrize("name", RULES)
def test_each_nightly_rule_starts_at_the_nightly_and_names_its_evidence(name: str) -> None:
    fact = facts().features[name]
    assert feature(name, KerasVersion.parse(NIGHTLY)) is True
    assert feature(name, KerasVersion.parse("3.16.0")) is True  # the release after the nightly inherits it
    assert feature(name, KerasVersion.parse(RELEASE)) is False
    assert "3.16.0.dev2026102704" in fact.evidence and "keras/src/" in fact.evidence


def test_a_nightly_version_condition_parses_and_compares_as_its_release() -> None:
    spec = ">=3.16.0.dev2026102704"
    assert version_satisfies(spec, NIGHTLY) and version_satisfies(spec, "3.16.0")
    assert not version_satisfies(spec, RELEASE) and not version_satisfies(spec, "2.15.0")
    assert version_satisfies(">=3,<3.16", RELEASE) and not version_satisfies(">=3,<3.16", NIGHTLY)


def test_every_nightly_difference_names_catalog_cases_and_the_nightly() -> None:
    ids = [c.id for c in load_cases(builtin_paths())[0]]
    nightly = [d for d in shipped_differences() if d.id.startswith("nightly-")]
    assert nightly
    for diff in nightly:
        assert diff.link.startswith("https://github.com/keras-team/keras/"), diff.id
        assert any(re.search(diff.case_pattern, i) for i in ids), diff.id
        assert diff.covers(NIGHTLY) and not diff.covers(RELEASE), diff.id


def test_the_nightly_entries_were_added_not_rewritten() -> None:
    text = resources.files("verify").joinpath("versions/differences.json").read_text(encoding="utf-8")
    entries = json.loads(text)["differences"]
    ids = [e["id"] for e in entries]
    assert len(ids) == len(set(ids))


# -- int4: the zero point of a projection kernel is renamed --------------------------------


@pytest.mark.parametrize(("d", "u"), [(32, 16), (300, 15), (129, 1)])
def test_int4_dense_zero_point_is_renamed_with_the_same_shape(d: int, u: int) -> None:
    layer = {"class_name": "Dense", "config": {"units": u}}
    old = _weights(layer, (None, d), RELEASE, "int4")
    new = _weights(layer, (None, d), NIGHTLY, "int4")
    groups = (math.ceil(d / BLOCK), u)
    assert old["kernel_zero"] == new["zero_point"] == groups
    assert "zero_point" not in old and "kernel_zero" not in new
    assert old["kernel"] == new["kernel"] == (d, math.ceil(u / 2))
    assert formulas.expect(layer, (None, d), keras=RELEASE, quantize="int4").total == (
        formulas.expect(layer, (None, d), keras=NIGHTLY, quantize="int4").total
    )


def test_int4_einsum_zero_point_is_renamed_and_embedding_keeps_its_name() -> None:
    einsum = {"class_name": "EinsumDense", "config": {"equation": "abc,cde->abde", "output_shape": [5, 2, 4]}}
    assert "kernel_zero" in _weights(einsum, (None, 5, 32), RELEASE, "int4")
    assert "zero_point" in _weights(einsum, (None, 5, 32), NIGHTLY, "int4")
    table = {"class_name": "Embedding", "config": {"input_dim": 100, "output_dim": 15}}
    for keras in (RELEASE, NIGHTLY):
        assert "embeddings_zero" in _weights(table, (None, 10), keras, "int4")


# -- float8 with LoRA ----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("layer", "shape"),
    [
        ({"class_name": "Dense", "config": {"units": 16, "lora_rank": 4}}, (None, 32)),
        (
            {"class_name": "EinsumDense", "config": {"equation": "abc,cd->abd", "output_shape": [5, 16], "lora_rank": 2}},
            (None, 5, 300),
        ),
    ],
)
def test_float8_with_lora_is_refused_from_the_nightly(layer: dict[str, Any], shape: tuple[Any, ...]) -> None:
    rank = layer["config"]["lora_rank"]
    old = _weights(layer, shape, RELEASE, "float8")
    assert old["lora_kernel_a"][-1] == rank and old["lora_kernel_b"][0] == rank
    with pytest.raises(formulas.InvalidLayerError, match="lora is not currently supported with FLOAT8"):
        formulas.expect(layer, shape, keras=NIGHTLY, quantize="float8")
    # float8 alone, and LoRA with int8/int4, still build
    plain = {"class_name": layer["class_name"], "config": {k: v for k, v in layer["config"].items() if k != "lora_rank"}}
    assert "kernel_amax_history" in _weights(plain, shape, NIGHTLY, "float8")
    for mode in ("int8", "int4"):
        assert "lora_kernel_a" in _weights(layer, shape, NIGHTLY, mode)


# -- EinsumDense: '...' quantized, the int8 scale, the input rank ---------------------------


@pytest.mark.parametrize("extra", [(3,), (3, 4), (2, 3, 4)])
def test_int8_einsum_with_a_left_ellipsis_from_the_nightly(extra: tuple[int, ...]) -> None:
    d, u = 32, 16
    layer = {"class_name": "EinsumDense", "config": {"equation": "...b,bc->...c", "output_shape": u, "bias_axes": "c"}}
    shape = (None, *extra, d)
    with pytest.raises(formulas.InvalidLayerError, match=r"cannot quantize an EinsumDense whose equation has '\.\.\.'"):
        formulas.expect(layer, shape, keras=RELEASE, quantize="int8")
    w = _weights(layer, shape, NIGHTLY, "int8")
    assert w["kernel"] == (d, u) and w["bias"] == (u,)
    # one scale per output channel, laid out against the output: a 1 for every other output axis
    assert w["kernel_scale"] == (*([1] * (len(shape) - 1)), u)


def test_int4_einsum_with_a_right_ellipsis_from_the_nightly() -> None:
    d, u = 300, 16
    layer = {"class_name": "EinsumDense", "config": {"equation": "ab...,bc->ac...", "output_shape": u}}
    shape = (None, d, 3, 4)
    with pytest.raises(formulas.InvalidLayerError):
        formulas.expect(layer, shape, keras=RELEASE, quantize="int4")
    w = _weights(layer, shape, NIGHTLY, "int4")
    groups = math.ceil(d / BLOCK)
    assert w == {"kernel": (d, math.ceil(u / 2)), "kernel_scale": (groups, u), "zero_point": (groups, u), "g_idx": (d,)}
    assert formulas.expect(layer, shape, keras=NIGHTLY, quantize="int4").output_shape == (None, u, 3, 4)


def test_int8_scale_of_an_equation_contracting_more_axes_than_it_adds() -> None:
    b, c, d, e = 3, 4, 6, 5
    layer = {"class_name": "EinsumDense", "config": {"equation": "abcd,bed->ae", "output_shape": e}}
    shape = (None, b, c, d)
    new = _weights(layer, shape, NIGHTLY, "int8")
    assert new["kernel"] == (b, e, d)
    assert new["kernel_scale"] == (1, e)  # per output channel
    old = _weights(layer, shape, RELEASE, "int8")
    assert old["kernel_scale"] != new["kernel_scale"]  # 3.15 squeezes the wrong axis (known issue)


@pytest.mark.parametrize(
    ("equation", "partial", "shape"),
    [("ab,bc->ac", 16, (None, 32)), ("abc,cde->abde", [5, 2, 4], (None, 5, 32)), ("ab,bc->acb", [16, 32], (None, 32))],
)
def test_int8_scale_of_ordinary_equations_is_unchanged(equation: str, partial: Any, shape: tuple[Any, ...]) -> None:
    layer = {"class_name": "EinsumDense", "config": {"equation": equation, "output_shape": partial}}
    assert _weights(layer, shape, RELEASE, "int8") == _weights(layer, shape, NIGHTLY, "int8")


def test_einsum_input_of_the_wrong_rank_is_refused_from_the_nightly() -> None:
    layer = {"class_name": "EinsumDense", "config": {"equation": "ab,bc->ac", "output_shape": 16}}
    shape = (None, 4, 32)
    assert formulas.expect(layer, shape, keras=RELEASE).weights  # built symbolically up to 3.15
    for keras in (NIGHTLY, "2.15"):
        with pytest.raises(formulas.InvalidLayerError, match="has rank 3, but 'ab,bc->ac' needs rank 2"):
            formulas.expect(layer, shape, keras=keras)
    left = {"class_name": "EinsumDense", "config": {"equation": "...b,bc->...c", "output_shape": 16}}
    assert formulas.expect(left, (None, 3, 4, 32), keras=NIGHTLY).output_shape == (None, 3, 4, 16)


# -- LayerNormalization: axes made non-negative, then sorted --------------------------------


@pytest.mark.parametrize(("axis", "shape"), [([1, -1], (None, 3, 4, 6)), ([-1, 2], (None, 3, 4, 6)), ([2, -3], (None, 5, 7, 2))])
def test_layernorm_sorts_canonical_axes_from_the_nightly(axis: list[int], shape: tuple[Any, ...]) -> None:
    layer = {"class_name": "LayerNormalization", "config": {"axis": axis}}
    canonical = sorted(a % len(shape) for a in axis)
    raw_sorted = [a % len(shape) for a in sorted(axis)]
    assert _weights(layer, shape, NIGHTLY)["gamma"] == tuple(shape[a] for a in canonical)
    assert _weights(layer, shape, RELEASE)["gamma"] == tuple(shape[a] for a in raw_sorted)
    assert _weights(layer, shape, "2.15")["gamma"] == tuple(shape[a % len(shape)] for a in axis)


def test_rms_normalization_still_sorts_the_axes_as_given() -> None:
    layer = {"class_name": "RMSNormalization", "config": {"axis": [-1, -2]}}
    shape = (None, 3, 4, 6)
    assert _weights(layer, shape, RELEASE) == _weights(layer, shape, NIGHTLY)


def test_layernorm_duplicate_axes_are_refused_on_every_version() -> None:
    layer = {"class_name": "LayerNormalization", "config": {"axis": [1, -2]}}
    for keras in (RELEASE, NIGHTLY, "2.15"):
        with pytest.raises(formulas.InvalidLayerError, match="repeats axis 1"):
            formulas.expect(layer, (None, 3, 4), keras=keras)


# -- Bidirectional ---------------------------------------------------------------------------


def test_stateful_bidirectional_with_states_builds_from_the_nightly() -> None:
    batch, steps, features, units = 2, 5, 3, 4
    inner = {"class_name": "GRU", "config": {"units": units, "stateful": True, "return_state": True}}
    layer = {"class_name": "Bidirectional", "config": {"layer": inner}}
    shape = (batch, steps, features)
    with pytest.raises(formulas.InvalidLayerError, match="stateful=True with return_state=True"):
        formulas.expect(layer, shape, keras=RELEASE)
    e = formulas.expect(layer, shape, keras=NIGHTLY)
    single = formulas.expect(inner, shape, keras=NIGHTLY)
    assert e.total == 2 * single.total
    assert e.output_shape == ((batch, 2 * units), (batch, units), (batch, units))
    assert formulas.expect(layer, shape, keras="2.15").total == e.total


def test_elementwise_merge_of_different_widths_is_refused_from_the_nightly() -> None:
    forward, backward = 3, 1
    layer = {
        "class_name": "Bidirectional",
        "config": {
            "layer": {"class_name": "LSTM", "config": {"units": forward, "return_sequences": True}},
            "backward_layer": {
                "class_name": "SimpleRNN",
                "config": {"units": backward, "return_sequences": True, "go_backwards": True},
            },
            "merge_mode": "sum",
        },
    }
    shape = (None, 5, 2)
    assert formulas.expect(layer, shape, keras=RELEASE).output_shape == (None, 5, forward)  # a width of 1 broadcasts
    with pytest.raises(formulas.InvalidLayerError, match=f"same width, got {forward} and {backward}"):
        formulas.expect(layer, shape, keras=NIGHTLY)
    concat = {"class_name": "Bidirectional", "config": {**layer["config"], "merge_mode": "concat"}}
    assert formulas.expect(concat, shape, keras=NIGHTLY).output_shape == (None, 5, forward + backward)
