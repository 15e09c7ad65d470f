"""Known upstream issues: the data files are well formed, and a Keras bug is told apart from a
formula error by the eager forward pass."""

import json
import re

import pytest

from verify import known_issues
from verify.cases import builtin_paths, load_cases, parse_case
from verify.compare import Status
from verify.runner import run_case


def test_every_shipped_known_issue_is_well_formed():
    issues = known_issues.load()
    assert issues, "no known issues shipped"
    for issue in issues:
        assert issue.link.startswith("https://github.com/"), issue.id
        assert issue.keras_reports and issue.truth
        re.compile(issue.detail_pattern)
        assert set(issue.status) <= {"mismatch", "keras_only_invalid", "formula_only_invalid", "eager_failed", "crashed"}


def test_a_known_issue_needs_layer_version_status_and_pattern_to_match():
    issue = next(i for i in known_issues.load() if i.id == "keras-21695-activation-glu-symbolic-shape")
    detail = "output shape: formula (None, 4), Keras (None, 8) (the eager output agrees with the formula)"
    assert issue.explains("Activation", "3.15.1", "mismatch", detail)
    assert not issue.explains("LayerNormalization", "3.15.1", "mismatch", detail)
    assert issue.explains("Dense", "3.15.1", "mismatch", detail)  # activation='glu' as an argument: a list of layers
    assert not issue.explains("Activation", "2.15.0", "mismatch", detail)
    assert not issue.explains("Activation", "3.15.1", "formula_only_invalid", detail)
    assert not issue.explains("Activation", "3.15.1", "mismatch", "output shape: formula (None, 4), Keras (None, 8)")


def test_a_backend_known_issue_explains_results_of_that_backend_only():
    issue = next(i for i in known_issues.load() if i.id == "keras3-torch-zeropadding2d-negative-int-crops")
    detail = "formula refused: ZeroPadding2D: padding=-1 must not be negative"
    assert issue.backend == ("torch",)
    assert issue.explains("ZeroPadding2D", "3.15.1", "formula_only_invalid", detail, "torch")
    assert not issue.explains("ZeroPadding2D", "3.15.1", "formula_only_invalid", detail, "tensorflow")
    assert not issue.explains("ZeroPadding2D", "3.15.1", "formula_only_invalid", detail)
    assert known_issues.explain("ZeroPadding2D", "3.15.1", "formula_only_invalid", detail, "jax") is None


def test_a_known_issue_with_an_unknown_backend_is_refused(tmp_path):
    entry = {
        "id": "x",
        "layer": "Dense",
        "keras": ">=3",
        "status": "mismatch",
        "detail_pattern": "x",
        "keras_reports": "x",
        "truth": "x",
        "link": "https://github.com/x",
        "backend": ["tensorflw"],
    }
    path = tmp_path / "bad.json"
    path.write_text(json.dumps([entry]))
    with pytest.raises(ValueError, match=r"bad.json\[0\]: 'backend' must be .*'tensorflw'"):
        known_issues.load([path])


@pytest.mark.keras
def test_glu_symbolic_shape_bug_is_detected_and_the_eager_shape_confirms_the_formula(keras_env):
    if not keras_env.is_keras3:
        pytest.skip("Keras 2 has no glu activation")
    case = parse_case(
        {"id": "glu", "layer": {"class_name": "Activation", "config": {"activation": "glu"}}, "input_shape": [None, 5, 8]},
        "test",
    )
    result = run_case(case, keras_env)
    assert result.expected.output_shape == (None, 5, 4)
    assert result.observed.output_shape == (None, 5, 8)  # Keras's symbolic shape: wrong
    assert result.observed.eager_output_shape == (2, 5, 4)  # what the layer really produces
    assert result.status is Status.KNOWN_ISSUE
    assert "keras-team/keras/issues/21695" in result.detail


@pytest.mark.keras
def test_without_the_eager_pass_the_same_case_is_a_plain_mismatch(keras_env):
    if not keras_env.is_keras3:
        pytest.skip("Keras 2 has no glu activation")
    case = parse_case(
        {"id": "glu", "layer": {"class_name": "Activation", "config": {"activation": "glu"}}, "input_shape": [None, 8]},
        "test",
    )
    assert run_case(case, keras_env, eager=False).status is Status.MISMATCH


def test_catalog_cases_that_exercise_known_issues_exist():
    cases, _ = load_cases(builtin_paths())
    assert any(c.id == "act-glu-halves-last-axis" for c in cases)


def test_a_none_the_formula_predicts_for_a_concrete_input_matches_any_size():
    from verify.compare import shapes_agree

    assert shapes_agree((2, None), (2, 7))
    assert not shapes_agree((2, 3), (2, 7))
    assert not shapes_agree((2, None), (2, 7, 1))
    assert shapes_agree(((2, 3), (2, None)), ((2, 3), (2, 4)))


@pytest.mark.keras
def test_asymmetric_bidirectional_is_detected_symbolic_wrong_eager_right(keras_env):
    """keras-team/keras#23688: LSTM(47) forward + LSTM(240) backward, concat.  Keras 3's symbolic
    shape doubles the forward size (94); the real output, and the engine, have 47 + 240 = 287."""
    case = parse_case(
        {
            "id": "bidi",
            "layer": {
                "class_name": "Bidirectional",
                "config": {
                    "layer": {"class_name": "LSTM", "config": {"units": 47}},
                    "backward_layer": {"class_name": "LSTM", "config": {"units": 240, "go_backwards": True}},
                    "merge_mode": "concat",
                },
            },
            "input_shape": [None, 5, 3],
        },
        "test",
    )
    result = run_case(case, keras_env)
    assert result.expected.output_shape == (None, 47 + 240)
    assert result.observed.eager_output_shape == (2, 287)
    assert result.observed.weights == result.expected.weights
    if keras_env.is_keras3:
        assert result.observed.output_shape == (None, 94)
        assert result.status is Status.KNOWN_ISSUE
        assert "keras-team/keras/issues/23688" in result.detail
    else:  # Keras 2 gets it right
        assert result.status is Status.MATCH
