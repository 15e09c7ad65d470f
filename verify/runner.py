"""Runs cases: the formula engine and the Keras harness on each, then the comparator."""

from __future__ import annotations

import os
from dataclasses import replace

import formulas

from . import known_issues
from .cases import Case
from .compare import Result, Status, compare
from .harness import KerasEnv, Observation


def run_case(case: Case, env: KerasEnv, *, eager: bool = True) -> Result:
    """One case, end to end.  Never raises: an unexpected harness error is a ``crashed`` result."""
    version, backend = env.version, env.backend
    why_not = case.required_by(version)
    if why_not:
        return Result(case, Status.SKIPPED, why_not, version, backend)
    if case.is_model:
        from .model_cases import run_model_case

        return _explained(run_model_case(case, env, eager=eager))
    expected: formulas.Expectation | None = None
    formula_error: str | None = None
    no_formula = False
    try:
        expected = formulas.expect(case.layer, case.input_shape, keras=version, quantize=case.quantize, backend=backend)
    except formulas.UnknownLayerError as exc:
        # A class this Keras version does not have is a refusal the engine predicts, not a gap.
        formula_error, no_formula = str(exc), not exc.absent_from_version
    except formulas.InvalidLayerError as exc:
        formula_error = str(exc)
    try:
        observed: Observation = env.observe_case(case, eager=eager)
    except Exception as exc:  # noqa: BLE001 - the harness failing is a result, not the end of the run
        return Result(case, Status.CRASHED, f"harness error: {type(exc).__name__}: {exc}", version, backend, expected)
    expected_eager = None
    if expected is not None and observed.eager_input_shape is not None:
        try:
            expected_eager = formulas.expect(
                case.layer, observed.eager_input_shape, keras=version, quantize=case.quantize, backend=backend
            ).output_shape
        except (formulas.InvalidLayerError, formulas.UnknownLayerError):
            expected_eager = None
    status, detail = compare(case, expected, formula_error, observed, no_formula=no_formula, expected_eager=expected_eager)
    return _explained(Result(case, status, detail, version, backend, expected, observed))


def _explained(result: Result) -> Result:
    """A result that is not ok, given status ``known_issue`` when a known Keras issue explains it."""
    if result.status.ok:
        return result
    issue = known_issues.explain(result.case.class_name, result.keras_version, str(result.status), result.detail, result.backend)
    if issue is None:
        return result
    return replace(result, status=Status.KNOWN_ISSUE, detail=f"known issue {issue.id} ({issue.link}): {result.detail}")


#: Bytes per parameter a build may need at its peak: the float32 variable plus the initializer's
#: temporaries and the eager pass.
BYTES_PER_PARAM_AT_PEAK = 16


def physical_memory() -> int:
    try:
        return int(os.sysconf("SC_PAGE_SIZE") * os.sysconf("SC_PHYS_PAGES"))
    except (ValueError, OSError, AttributeError):  # pragma: no cover - not on Linux
        return 8 * 2**30


def default_max_params(jobs: int) -> int:
    """Parameters one case may have: 60 % of physical memory shared by ``jobs`` workers."""
    return int(physical_memory() * 0.6 / max(1, jobs) / BYTES_PER_PARAM_AT_PEAK)


def too_large(case: Case, version: str, backend: str, max_params: int) -> Result | None:
    """A ``skipped`` result, formula included, for a case whose expected parameter count is over
    the budget: it is never built.  None when it fits (or the engine cannot tell)."""
    if case.is_model:
        return None
    try:
        expected = formulas.expect(case.layer, case.input_shape, keras=version, quantize=case.quantize, backend=backend)
    except (formulas.InvalidLayerError, formulas.UnknownLayerError, ValueError):
        return None
    detail = over_budget(expected.total, max_params)
    return None if detail is None else Result(case, Status.SKIPPED, detail, version, backend, expected)


def over_budget(total: int, max_params: int) -> str | None:
    """The skip reason for ``total`` parameters over the budget (None when it fits)."""
    if total <= max_params:
        return None
    gb = total * BYTES_PER_PARAM_AT_PEAK / 1e9
    return f"too large to build: {total:,} params (~{gb:,.1f} GB); budget {max_params:,} (--max-params)"
