"""The tracker catalog: public Keras, tf-keras and TensorFlow bug reports as cases, each decided.

Every case with a ``report`` says how the report ends (``decision``): a known issue or recorded
difference that exists, or ``fixed`` / ``not-a-bug``, which the installed Keras must bear out."""

import json
from importlib import resources
from pathlib import Path

import pytest

from verify import known_issues
from verify.cases import builtin_paths, load_cases
from verify.compare import Status
from verify.runner import run_case

CATALOG, PROBLEMS = load_cases(builtin_paths())
TRACKED = [c for c in CATALOG if c.report]
ROOT = Path(__file__).resolve().parents[1]


def _model_issue_ids() -> set[str]:
    data = json.loads((resources.files("verify") / "data" / "model_issues.json").read_text(encoding="utf-8"))
    return {entry["id"] for entry in data["issues"]}


def _difference_ids() -> set[str]:
    data = json.loads((resources.files("verify") / "versions" / "differences.json").read_text(encoding="utf-8"))
    return {entry["id"] for entry in data["differences"]}


def test_the_tracker_catalog_holds_at_least_150_reports():
    reports = {c.report for c in TRACKED}
    assert PROBLEMS == []
    assert len(reports) >= 150, f"{len(reports)} reports"


def test_every_report_is_decided_by_something_that_exists():
    issues = {i.id for i in known_issues.shipped()} | _model_issue_ids()
    differences = _difference_ids()
    wrong = []
    for case in TRACKED:
        kind, _, ident = (case.decision or "").partition(":")
        if (kind == "known_issue" and ident not in issues) or (kind == "difference" and ident not in differences):
            wrong.append(f"{case.source}: {case.id}: {case.decision} does not exist")
    assert not wrong, "\n".join(wrong)


def test_a_known_issue_decision_names_a_bounded_issue_of_the_reported_layer():
    """The issue a report ends as names exact releases (measured) and concerns that layer."""
    by_id = {i.id: i for i in known_issues.shipped()}
    wrong = []
    for case in TRACKED:
        kind, _, ident = (case.decision or "").partition(":")
        issue = by_id.get(ident) if kind == "known_issue" else None
        if issue is None:
            continue
        if not (issue.seen or issue.hardware):
            wrong.append(f"{case.id}: {ident} has no measured 'seen' range")
        if "*" not in issue.layers and case.class_name not in issue.layers and case.model is None:
            wrong.append(f"{case.id}: {ident} is about {issue.layers}, the case about {case.class_name}")
    assert not wrong, "\n".join(wrong)


def test_the_undecidable_reports_are_listed_in_the_readme():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert "## Reports paramproof cannot decide" in readme
    decided = {c.report for c in TRACKED}
    section = readme.split("## Reports paramproof cannot decide", 1)[1].split("\n## ", 1)[0]
    listed = {
        word.strip("()<>,.;")
        for word in section.split()
        if word.startswith(("https://github.com", "(https://github.com", "<https://github.com"))
    }
    assert listed, "the README lists no undecidable report"
    assert not listed & decided, f"decided reports also listed as undecidable: {sorted(listed & decided)}"


@pytest.mark.keras
@pytest.mark.parametrize("case", [c for c in TRACKED if c.decision in ("fixed", "not-a-bug")], ids=lambda c: c.id)
def test_a_report_decided_fixed_or_not_a_bug_agrees_with_this_keras(case, keras_env):
    """``fixed`` and ``not-a-bug`` say Keras does what the engine says: no known issue may be
    needed to explain the result on any release (here: the installed one)."""
    result = run_case(case, keras_env)
    assert result.status in (Status.MATCH, Status.BOTH_INVALID, Status.SKIPPED), (
        f"{case.source}: {result.status}: {result.detail}"
    )
