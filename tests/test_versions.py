"""The version facts (formulas/versions.json): they load, they match the registry, and the engine
answers from them."""

from __future__ import annotations

import json
import re
from importlib import resources

import pytest

import formulas
from formulas._registry import _REGISTRY, EXEMPT
from formulas._version import Availability, KerasVersion, facts, feature, parse_facts
from verify.cases import version_satisfies


def _v(text: str) -> KerasVersion:
    return KerasVersion.parse(text)


def test_versions_json_loads_with_the_standard_library() -> None:
    text = resources.files("formulas").joinpath("versions.json").read_text(encoding="utf-8")
    data = json.loads(text)
    parsed = parse_facts(data)
    assert parsed.classes and parsed.features


def test_every_class_in_the_data_is_registered() -> None:
    assert set(facts().classes) - set(_REGISTRY) - set(EXEMPT) == set()


def test_every_registered_class_has_availability_facts() -> None:
    assert sorted(set(_REGISTRY) - set(facts().classes)) == []


def test_an_unknown_class_in_the_data_is_an_error_at_import(monkeypatch: pytest.MonkeyPatch) -> None:
    from formulas import _registry

    broken = parse_facts({"classes": {"NoSuchLayer": {"keras2": True, "keras3": True}}, "features": {}})
    monkeypatch.setattr(_registry, "facts", lambda: broken)
    with pytest.raises(RuntimeError, match="NoSuchLayer"):
        _registry.check_version_facts()


def test_an_absent_class_names_the_release_that_added_it() -> None:
    with pytest.raises(formulas.UnknownLayerError, match=r"no layer 'AugMix' \(added in 3\.9\.0\)") as info:
        formulas.expect({"class_name": "AugMix", "config": {}}, (None, 8, 8, 3), keras="3.8.0")
    assert info.value.absent_from_version


def test_a_keras2_only_class_is_absent_from_keras3() -> None:
    with pytest.raises(formulas.UnknownLayerError, match="Keras 2 only"):
        formulas.expect({"class_name": "ThresholdedReLU", "config": {}}, (None, 4), keras="3")


def test_every_release_in_range_gets_an_answer() -> None:
    """No fact is a bracket any more: Keras 3.10 (inside what was "after 3.8.0, by 3.15.1") is
    answered."""
    assert formulas.expect({"class_name": "RMSNormalization", "config": {}}, (None, 4), keras="3.10").total == 4
    assert formulas.expect({"class_name": "Dense", "config": {"units": 4}}, (None, 10, 8), keras="3.13.2").total == 36


def test_group_query_attention_is_in_keras_3_0() -> None:
    layer = {"class_name": "GroupQueryAttention", "config": {"head_dim": 4, "num_query_heads": 4, "num_key_value_heads": 2}}
    assert formulas.expect(layer, [(None, 5, 8), (None, 7, 8)], keras="3.0.5").total > 0


def test_spectral_normalization_is_not_in_keras_2_12() -> None:
    assert "SpectralNormalization" not in formulas.supported("2.12")
    assert "SpectralNormalization" in formulas.supported("2.15")


@pytest.mark.parametrize(
    ("value", "version", "has"),
    [
        (True, "3.0.5", True),
        (False, "3.15.1", False),
        ("3.9.0", "3.8.0", False),
        ("3.9.0", "3.9.0", True),
        ("3.9.2", "3.9.1", False),
        ({"first": "3.0.0", "last": "3.15.1"}, "3.15.1", True),
        ({"first": "3.0.0", "last": "3.15.1"}, "3.16.0.dev2026102704", False),
        ({"last": "3.15.1"}, "3.0.0", True),
        ("3.16.0.dev2026102704", "3.15.1", False),
        ("3.16.0.dev2026102704", "3.16.0.dev2026102704", True),
        ("3.16.0.dev2026102704", "3.16.0", True),  # the release after the nightly inherits its rules
    ],
)
def test_availability_values(value: object, version: str, has: bool) -> None:
    assert Availability.parse(value, "test").has(_v(version)) is has


@pytest.mark.parametrize(
    "value",
    [{"after": "3.8.0", "by": "3.15.1"}, {"first": "3.15.1", "last": "3.8.0"}, {}, {"since": "3.9.0"}, 3.9],
)
def test_a_bracket_or_a_malformed_value_is_refused(value: object) -> None:
    with pytest.raises(ValueError, match="test"):
        Availability.parse(value, "test")


def _releases() -> set[str]:
    data = json.loads(resources.files("formulas").joinpath("versions.json").read_text(encoding="utf-8"))
    return {v for versions in data["releases"].values() for v in versions if isinstance(v, str)}


def test_every_fact_names_exact_releases_that_exist() -> None:
    """Every version a fact names is a published release (PyPI's keras, tf-keras, or the
    keras-nightly build the matrix ran), not a minor line ("3.9") and not a bracket."""
    releases = _releases()
    assert {"3.0.0", "3.9.2", "3.15.1", "2.12.0", "2.21.0"} <= releases
    named = {
        (kind, name, line, text)
        for kind, entries in (("classes", facts().classes), ("features", facts().features))
        for name, fact in entries.items()
        for line, availability in (("keras2", fact.keras2), ("keras3", fact.keras3))
        for text in availability.releases()
    }
    assert named, "no fact names a release"
    assert sorted(entry for entry in named if entry[3] not in releases) == []
    assert all(text.count(".") >= 2 for *_, text in named)


def test_the_checked_releases_are_releases_and_every_matrix_session_is_among_them() -> None:
    data = json.loads(resources.files("formulas").joinpath("versions.json").read_text(encoding="utf-8"))
    checked = [v for line in data["checked"].values() for v in line]
    assert set(checked) <= _releases()
    assert len(checked) >= 27  # every Keras 3 minor, every Keras 2 line, the nightly


def test_known_issues_and_recorded_differences_name_exact_releases() -> None:
    """Every known issue says the first and last release the matrix saw it in (or, for the two
    that need another CPU, why it cannot), and every version condition (known issues, recorded
    differences) is bounded by exact releases."""
    from verify.known_issues import shipped
    from verify.matrix import shipped_differences

    releases = _releases()
    bound = re.compile(r"(>=|<=|==|!=|<|>)\s*(\S+)")

    def bounds(spec: str) -> list[str]:
        return [m.group(2) for part in spec.split(",") for m in [bound.search(part)] if m]

    for issue in shipped():
        if issue.hardware and not issue.seen:
            continue  # no machine of the matrix can show it; the entry says why
        assert len(issue.seen) == 2, f"{issue.id}: no 'seen' releases"
        assert set(issue.seen) <= releases, f"{issue.id}: {issue.seen}"
        assert set(bounds(issue.keras)) <= releases, f"{issue.id}: {issue.keras}"
        for version in issue.seen:
            assert version_satisfies(issue.keras, version), f"{issue.id}: seen in {version}, outside {issue.keras}"
    for diff in shipped_differences():
        for spec in diff.keras:
            assert set(bounds(spec)) <= releases, f"{diff.id}: {spec}"


def test_quantization_modes_follow_the_data() -> None:
    dense = {"class_name": "Dense", "config": {"units": 16}}
    assert feature("quantize-int8", _v("3.0.5")) is False
    with pytest.raises(formulas.InvalidLayerError, match="no int4 quantization"):
        formulas.expect(dense, (None, 32), keras="3.8.0", quantize="int4")
    assert formulas.expect(dense, (None, 32), keras="3.8.0", quantize="int8").non_trainable > 0


def test_lora_alpha_is_refused_where_keras_lacks_it() -> None:
    dense = {"class_name": "Dense", "config": {"units": 8, "lora_rank": 2, "lora_alpha": 16}}
    with pytest.raises(formulas.InvalidLayerError, match="lora_alpha"):
        formulas.expect(dense, (None, 32), keras="3.8.0")
    assert formulas.expect(dense, (None, 32), keras="3.15.1").trainable > 0


def test_layer_normalization_axis_order_changed() -> None:
    layer = {"class_name": "LayerNormalization", "config": {"axis": [2, 1]}}
    old = formulas.expect(layer, (None, 4, 6), keras="3.8.0").weights[0].shape
    new = formulas.expect(layer, (None, 4, 6), keras="3.15.1").weights[0].shape
    assert (old, new) == ((6, 4), (4, 6))


@pytest.mark.parametrize(
    ("layer", "shape", "added"),
    [
        ({"class_name": "Activation", "config": {"activation": "glu"}}, [None, 4, 8], "in 3.7.0"),
        ({"class_name": "Dense", "config": {"units": 4, "activation": "glu"}}, [None, 8], "in 3.7.0"),
        (
            {"class_name": "Embedding", "config": {"input_dim": 9, "output_dim": 3, "input_length": 5}},
            [None, 5],
            "in 3.2.0",
        ),
        ({"class_name": "RandomFlip", "config": {"data_format": "channels_first"}}, [None, 3, 8, 8], "in 3.6.0"),
        (
            {"class_name": "Resizing", "config": {"height": 5, "width": 7, "pad_to_aspect_ratio": True}},
            [None, 8, 8, 2],
            "in 3.3.0",
        ),
        (
            {"class_name": "ZeroPadding1D", "config": {"padding": 2, "data_format": "channels_first"}},
            [None, 8, 2],
            "in 3.5.0",
        ),
        (
            {"class_name": "MultiHeadAttention", "config": {"num_heads": 2, "key_dim": 3}},
            [[None, 5, 8], [None, 5, 6]],
            "in 3.7.0",
        ),
    ],
)
def test_options_keras_3_0_lacks_are_refused_there_and_taken_later(layer, shape, added) -> None:
    """The 3.0.x facts of versions.json (each checked on the Keras wheels 3.0.5 to 3.7.0 and by
    the keras-3.0 session of the version matrix) reach the engine's answers."""
    with pytest.raises(formulas.InvalidLayerError, match=f"Keras 3.0.5 has no .*\\(added {added}\\)"):
        formulas.expect(layer, shape, keras="3.0.5")
    formulas.expect(layer, shape, keras="3.15.1")
