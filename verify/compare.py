"""The comparator: the engine's expectation against Keras's observation, weight by weight."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from formulas import Expectation, Weight, format_output_shape, format_shape

from .cases import Case
from .harness import Observation


class Status(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    BOTH_INVALID = "both_invalid"
    KERAS_ONLY_INVALID = "keras_only_invalid"
    FORMULA_ONLY_INVALID = "formula_only_invalid"
    NO_FORMULA = "no_formula"
    SKIPPED = "skipped"
    CRASHED = "crashed"

    @property
    def ok(self) -> bool:
        """A status that a clean run may contain (skipped: the case does not apply to this Keras)."""
        return self in (Status.MATCH, Status.BOTH_INVALID, Status.SKIPPED)


@dataclass(frozen=True)
class Result:
    case: Case
    status: Status
    detail: str
    keras_version: str
    backend: str
    expected: Expectation | None = None
    observed: Observation | None = None


def _weight(w: Weight) -> str:
    role = "" if w.trainable else " non-trainable"
    return f"{w.name} {format_shape(w.shape)}{role}"


def weight_differences(expected: tuple[Weight, ...], observed: tuple[Weight, ...]) -> list[str]:
    """Each difference in order, name, shape and trainability, as a sentence."""
    out = []
    for i in range(max(len(expected), len(observed))):
        e = expected[i] if i < len(expected) else None
        o = observed[i] if i < len(observed) else None
        if e == o:
            continue
        if e is None:
            out.append(f"weight {i}: Keras has {_weight(o)} that the formula does not predict")  # type: ignore[arg-type]
        elif o is None:
            out.append(f"weight {i}: formula predicts {_weight(e)} that Keras does not create")
        else:
            out.append(f"weight {i}: formula {_weight(e)}, Keras {_weight(o)}")
    return out


def compare(
    case: Case,
    expected: Expectation | None,
    formula_error: str | None,
    observed: Observation,
    *,
    no_formula: bool = False,
) -> tuple[Status, str]:
    """Status and a one-line detail that says what was expected and what came."""
    if no_formula:
        return Status.NO_FORMULA, formula_error or "no formula"
    if observed.refused and expected is None:
        return Status.BOTH_INVALID, f"formula: {formula_error} | Keras: {observed.error}"
    if observed.refused:
        return Status.KERAS_ONLY_INVALID, f"Keras refused: {observed.error}"
    if expected is None:
        return Status.FORMULA_ONLY_INVALID, f"formula refused: {formula_error}"
    problems = weight_differences(expected.weights, observed.weights)
    if expected.output_shape != observed.output_shape:
        problems.append(
            f"output shape: formula {format_output_shape(expected.output_shape)}, "
            f"Keras {format_output_shape(observed.output_shape)}"  # type: ignore[arg-type]
        )
    if observed.count_params is not None and observed.count_params != expected.total:
        problems.append(f"count_params: formula {expected.total:,}, Keras {observed.count_params:,}")
    if case.expect_invalid:
        problems.append("the case says Keras must refuse this layer, but Keras built it")
    if problems:
        return Status.MISMATCH, "; ".join(problems)
    return Status.MATCH, f"{expected.total:,} params, output {format_output_shape(expected.output_shape)}"
