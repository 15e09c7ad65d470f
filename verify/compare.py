"""The comparator: the engine's expectation against Keras's observation, weight by weight."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from formulas import Expectation, OutputShape, Weight, format_output_shape, format_shape

from .cases import Case
from .harness import Observation


class Status(StrEnum):
    MATCH = "match"
    MISMATCH = "mismatch"
    BOTH_INVALID = "both_invalid"
    KERAS_ONLY_INVALID = "keras_only_invalid"
    FORMULA_ONLY_INVALID = "formula_only_invalid"
    #: Keras built the layer and the engine agrees with what it built, but one real forward pass
    #: on a small batch failed: a layer that cannot be called is not a match.  Ok only where a
    #: known issue explains it (then ``known_issue``).
    EAGER_FAILED = "eager_failed"
    KNOWN_ISSUE = "known_issue"
    NO_FORMULA = "no_formula"
    SKIPPED = "skipped"
    CRASHED = "crashed"

    @property
    def ok(self) -> bool:
        """A status that a clean run may contain (skipped: the case does not apply to this Keras;
        known_issue: Keras is wrong in a way recorded in ``verify/known_issues``)."""
        return self in (Status.MATCH, Status.BOTH_INVALID, Status.SKIPPED, Status.KNOWN_ISSUE)


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
    expected_eager: OutputShape | None = None,
) -> tuple[Status, str]:
    """Status and a one-line detail that says what was expected and what came.

    ``expected_eager`` is the engine's output shape for the eager pass's concrete input shape;
    it is compared with the shape Keras's forward pass really produced."""
    if no_formula:
        return Status.NO_FORMULA, formula_error or "no formula"
    if observed.refused and expected is None:
        return Status.BOTH_INVALID, f"formula: {formula_error} | Keras: {observed.error}"
    if observed.refused:
        return Status.KERAS_ONLY_INVALID, f"Keras refused: {observed.error}"
    if expected is None:
        detail = f"formula refused: {formula_error}"
        if observed.eager_error:
            detail += f"; Keras built it symbolically, but its eager call failed: {observed.eager_error}"
        return Status.FORMULA_ONLY_INVALID, detail
    problems = weight_differences(expected.weights, observed.weights)
    eager_agrees = (
        observed.eager_output_shape is not None
        and expected_eager is not None
        and shapes_agree(expected_eager, observed.eager_output_shape)
    )
    if expected.output_shape != observed.output_shape:
        note = " (the eager output agrees with the formula)" if eager_agrees else ""
        problems.append(
            f"output shape: formula {format_output_shape(expected.output_shape)}, "
            f"Keras {format_output_shape(observed.output_shape)}{note}"  # type: ignore[arg-type]
        )
    if observed.eager_output_shape is not None and expected_eager is not None and not eager_agrees:
        problems.append(
            f"eager output shape on {_input_text(observed.eager_input_shape)}: formula {format_output_shape(expected_eager)}, "
            f"Keras {format_output_shape(observed.eager_output_shape)}"
        )
    if observed.count_params is not None and observed.count_params != expected.total:
        problems.append(f"count_params: formula {expected.total:,}, Keras {observed.count_params:,}")
    if case.expect_invalid:
        problems.append("the case says Keras must refuse this layer, but Keras built it")
    if problems:
        return Status.MISMATCH, "; ".join(problems)
    detail = f"{expected.total:,} params, output {format_output_shape(expected.output_shape)}"
    if eager_agrees:
        detail += f"; eager {format_output_shape(observed.eager_output_shape)} on {_input_text(observed.eager_input_shape)}"  # type: ignore[arg-type]
    elif observed.eager_error:
        return Status.EAGER_FAILED, (
            f"built as the formula says ({detail}), but its eager call on {_input_text(observed.eager_input_shape)} failed: "
            f"{observed.eager_error}"
        )
    return Status.MATCH, detail


def shapes_agree(expected: OutputShape, observed: OutputShape) -> bool:
    """Exact equality, except that a None the formula predicts for a concrete input (a length
    that depends on the data, e.g. a ragged token count) matches any size."""
    if len(expected) != len(observed):
        return False
    for e, o in zip(expected, observed):
        if isinstance(e, tuple) or isinstance(o, tuple):
            if not (isinstance(e, tuple) and isinstance(o, tuple) and shapes_agree(e, o)):
                return False
        elif e is not None and e != o:
            return False
    return True


def _input_text(shape: object) -> str:
    if isinstance(shape, tuple) and shape and isinstance(shape[0], tuple):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)  # type: ignore[arg-type]
