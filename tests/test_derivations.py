"""Every derivation the engine prints is arithmetic that holds: the substituted total line
evaluates to the total (a teaching tool whose worked numbers are wrong would be worse than none)."""

from __future__ import annotations

import re

import pytest

import formulas
from formulas._arith import evaluate, substitute
from verify.cases import builtin_paths, load_cases

CASES = load_cases(builtin_paths())[0]


def total_lines() -> list[tuple[str, str, str]]:
    out = []
    for case in CASES:
        for keras in ("3", "2.15"):
            try:
                e = formulas.expect(case.layer, case.input_shape, keras=keras, quantize=case.quantize)
            except (formulas.InvalidLayerError, formulas.UnknownLayerError):
                continue
            out += [(case.id, keras, line) for line in e.derivation if line.startswith("total ") and line.count("=") >= 2]
    return out


def test_every_substituted_total_evaluates_to_the_stated_total() -> None:
    lines = total_lines()
    assert len(lines) > 400
    wrong = []
    for case_id, keras, line in lines:
        body = re.sub(r"\s*\(trainable [^)]*\)$", "", line)
        *_, substituted, result = (p.strip() for p in body.split("="))
        if evaluate(substituted) != int(result.replace(",", "")):
            wrong.append(f"{case_id} (Keras {keras}): {line}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.parametrize(
    ("template", "values", "text"),
    [
        ("3u × (d + u) + 6u", {"u": 8, "d": 4}, "3 × 8 × (4 + 8) + 6 × 8"),
        ("u × (d + 1)", {"u": 10, "d": 784}, "10 × (784 + 1)"),
        ("4F × K × (C + F)", {"F": 2, "K": 9, "C": 3}, "4 × 2 × 9 × (3 + 2)"),
    ],
)
def test_a_coefficient_glued_to_a_name_stays_a_product(template: str, values: dict[str, int], text: str) -> None:
    assert substitute(template, values) == text


def test_gru_explains_its_336_with_numbers_that_multiply_out() -> None:
    e = formulas.expect({"class_name": "GRU", "config": {"units": 8}}, (None, 5, 4))
    assert f"total 3u × (d + u) + 6u = 3 × 8 × (4 + 8) + 6 × 8 = {3 * 8 * (4 + 8) + 6 * 8}" in e.explain()


def test_every_catalog_class_explains_each_weight_and_its_output_shape() -> None:
    missing = []
    classes = set()
    for case in CASES:
        try:
            e = formulas.expect(case.layer, case.input_shape, keras="3", quantize=case.quantize)
        except (formulas.InvalidLayerError, formulas.UnknownLayerError):
            continue
        classes.add(case.class_name)
        if not any(line.startswith("output") for line in e.derivation):
            missing.append(f"{case.id}: no output line")
        missing += [
            f"{case.id}: no line for {w.name}" for w in e.weights if not any(line.startswith(w.name) for line in e.derivation)
        ]
    assert len(classes) > 140
    assert not missing, "\n".join(missing[:20])
