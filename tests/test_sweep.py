"""Generated cases: seeded, reproducible, covering every layer, and shrunk when they fail."""

import json

import pytest

import formulas
from verify.cases import parse_case
from verify.spaces import all_spaces
from verify.sweep import draw, shrink, to_json


def test_every_layer_with_a_formula_has_a_sweep_space():
    spaces = all_spaces()
    missing = sorted(set(formulas.supported()) - set(spaces))
    assert missing == []


def test_draws_are_reproducible_from_the_seed_and_differ_between_seeds():
    spaces = all_spaces()
    classes = sorted(spaces)
    first, problems = draw(spaces, classes, 3, seed=7)
    again, _ = draw(spaces, classes, 3, seed=7)
    other, _ = draw(spaces, classes, 3, seed=8)
    assert problems == []
    assert [to_json(c) for c in first] == [to_json(c) for c in again]
    assert [to_json(c) for c in first] != [to_json(c) for c in other]


def test_each_space_draws_cases_of_its_own_class():
    spaces = all_spaces()
    for class_name in spaces:
        cases, problems = draw(spaces, [class_name], 2, seed=0)
        assert problems == []
        assert {c.class_name for c in cases} == {class_name}


def test_shrinking_keeps_the_failure_and_makes_the_case_smaller():
    case = parse_case(
        {
            "id": "big",
            "layer": {"class_name": "Conv2D", "config": {"filters": 16, "kernel_size": [5, 5], "padding": "same"}},
            "input_shape": [None, 40, 30, 6],
        },
        "test",
    )

    def fails(c):  # a stand-in failure: any kernel wider than 2
        return c.config.get("kernel_size", [1, 1])[1] > 2

    small = shrink(case, fails)
    assert fails(small)
    obj = json.loads(to_json(small))
    assert obj["layer"]["config"] == {"kernel_size": [1, 3]}
    assert obj["input_shape"] == [None, 1, 1, 1]


@pytest.mark.keras
@pytest.mark.cli
def test_a_small_sweep_over_every_layer_agrees_with_keras(tmp_path):
    from test_cli import paramproof, read_csv

    out = paramproof("sweep", "--per-layer", "3", "--seed", "2", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout[-4000:]
    rows = read_csv(tmp_path / "results.csv")
    assert {r["status"] for r in rows} <= {"match", "both_invalid", "known_issue"}
    assert len({r["layer"] for r in rows}) >= len(formulas.supported("3")) * 0.9
