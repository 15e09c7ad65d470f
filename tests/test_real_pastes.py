"""``paramproof check-summary`` on stand-ins for real pasted summaries (tests/data/summaries/pastes).

Each file there stands for one real paste (a GitHub issue, a README, a notebook, a Q&A page) named
in ``index.json``: the model was rebuilt with real Keras of that paste's line and its summary
mangled the way the paste was (make_pastes.py).  This is our stand-in for the hold-out of real
pastes: the verdict must be the expected one, flagged rows must be the edited ones, and a paste
with a wrong number must never come out "consistent".

Every run writes the pass/fail list to $PARAMPROOF_PASTES_STATUS (default
/tmp/status/D-failures.txt) for the parser and checker owners.
"""

from __future__ import annotations

import argparse
import io
import json
import os
import re
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console

from verify import summary_check
from verify.summary_check import EXIT_DISCREPANCY, EXIT_OK, EXIT_USAGE, add_check_summary_parser, cmd_check_summary

PASTES = Path(__file__).parent / "data" / "summaries" / "pastes"
INDEX: list[dict[str, Any]] = json.loads((PASTES / "index.json").read_text(encoding="utf-8"))
STATUS = Path(os.environ.get("PARAMPROOF_PASTES_STATUS", "/tmp/status/D-failures.txt"))
VERDICTS = {"consistent", "inconsistent", "unbuilt", "unreadable"}


def _run(path: Path) -> tuple[int, str]:
    parser = argparse.ArgumentParser()
    add_check_summary_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["check-summary", str(path)])
    out = io.StringIO()
    code = cmd_check_summary(args, Console(file=out, width=300, soft_wrap=True, color_system=None))
    return code, out.getvalue()


def _checks(text: str) -> list[Any]:
    """Every summary in the paste, checked (a paste may hold several)."""
    several = getattr(summary_check, "check_texts", None)
    return list(several(text)) if several is not None else [summary_check.check_text(text)]


def _flagged(text: str) -> set[str] | None:
    """Row names and totals labels the checker calls wrong (None when the text is unreadable)."""
    try:
        checks = _checks(text)
    except Exception:  # noqa: BLE001 - an unreadable paste is judged by the exit code
        return None
    names: set[str] = set()
    for check in checks:
        names |= {r.row.name for r in check.rows if str(r.status) == "unexplained"}
        names |= {(t.total.label if t.total else t.kind) for t in check.totals if not t.ok}
    return names


def _verdict(code: int, out: str) -> str:
    """What the command told the user, in the index's words."""
    last = out.strip().splitlines()[-1] if out.strip() else ""
    if code == EXIT_USAGE:
        return "unreadable"
    if code == EXIT_DISCREPANCY:
        return "inconsistent"
    if code == EXIT_OK and re.search(r"not built|unbuilt", out, re.IGNORECASE) and not last.startswith("consistent"):
        return "unbuilt"
    if code == EXIT_OK and re.search(r"not built", last, re.IGNORECASE):
        return "unbuilt"
    return "consistent" if code == EXIT_OK else f"exit {code}"


def _judge(entry: dict[str, Any]) -> tuple[bool, str, str, str]:
    """(passed, got, why, report head) for one paste."""
    path = PASTES / entry["file"]
    expected = entry["expected"]
    try:
        code, out = _run(path)
    except Exception as exc:  # noqa: BLE001 - a crash is a result to report
        return False, "crash", f"{type(exc).__name__}: {exc}", ""
    got = _verdict(code, out)
    head = "\n".join(out.strip().splitlines()[:12])
    if got != expected["verdict"]:
        return False, got, f"expected {expected['verdict']} (exit {expected['exit']}), got {got} (exit {code})", head
    if code != expected["exit"]:
        return False, got, f"exit {code}, expected {expected['exit']}", head
    if expected["verdict"] == "inconsistent":
        flagged = _flagged(path.read_text(encoding="utf-8")) or set()
        missing = [f for f in expected["flagged"] if f not in flagged]
        if missing:
            return False, got, f"flagged {sorted(flagged)}, missing {missing}", head
        some = expected.get("flagged_any") or []
        if some and not flagged & set(some):
            return False, got, f"flagged {sorted(flagged)}, none of {some}", head
    return True, got, "", head


NOT_ALL_ROWS = {"elided", "expand-nested"}  # kinds whose paste does not show one row per live layer


def _rows_read(entry: dict[str, Any]) -> tuple[int, int] | None:
    """(rows check-summary read, layers of the live model(s)) where the paste shows every layer."""
    if entry["expected"]["verdict"] == "unreadable" or NOT_ALL_ROWS & set(entry["kinds"]):
        return None
    try:
        read = sum(len(c.rows) for c in _checks((PASTES / entry["file"]).read_text(encoding="utf-8")))
    except Exception:  # noqa: BLE001 - reported by the verdict test
        read = -1
    return read, len(entry["ground_truth"]["layers"])


@pytest.fixture(scope="module")
def results() -> dict[str, tuple[bool, str, str, str]]:
    res = {e["file"]: _judge(e) for e in INDEX}
    _write_status(res)
    return res


def _write_status(res: dict[str, tuple[bool, str, str, str]]) -> None:
    passed = sum(ok for ok, *_ in res.values())
    lines = [f"real-paste stand-ins: {passed} of {len(res)} right (tests/test_real_pastes.py)", ""]
    by_file = {e["file"]: e for e in INDEX}
    for name, (ok, got, why, head) in sorted(res.items()):
        if ok:
            continue
        e = by_file[name]
        lines.append(f"FAIL {name}  expected={e['expected']['verdict']} flagged={e['expected']['flagged']} got={got}")
        lines.append(f"  kinds: {', '.join(e['kinds'])}")
        lines.append(f"  stands for: {e['stands_for']}")
        lines.append(f"  why: {why}")
        lines += ["  | " + ln for ln in head.splitlines()]
        lines.append("")
    short = []
    for e in INDEX:
        counts = _rows_read(e)
        if counts is not None and counts[0] != counts[1]:
            short.append(f"  {e['file']}: read {counts[0]} row(s), the live model(s) have {counts[1]} layers")
    if short:
        lines += ["ROWS NOT ALL READ (test_every_row_is_read):", *short, ""]
    lines.append("passing: " + ", ".join(sorted(n for n, (ok, *_) in res.items() if ok)))
    try:
        STATUS.parent.mkdir(parents=True, exist_ok=True)
        STATUS.write_text("\n".join(lines) + "\n", encoding="utf-8")
    except OSError:
        pass


def test_the_set_is_large_and_every_entry_is_justified() -> None:
    files = {p.name for p in PASTES.iterdir() if p.suffix in (".txt", ".md", ".ipynb")}
    assert len(files) >= 60
    assert files == {e["file"] for e in INDEX}
    for e in INDEX:
        assert e["stands_for"].strip() and e["kinds"], e["file"]
        assert e["expected"]["verdict"] in VERDICTS, e["file"]
        assert (
            e["expected"]["exit"] == {"consistent": 0, "unbuilt": 0, "inconsistent": 1, "unreadable": 2}[e["expected"]["verdict"]]
        )
        truth = e["ground_truth"]
        assert truth, e["file"]
        if e["expected"]["verdict"] == "unreadable":
            assert truth.get("note"), e["file"]
            continue
        if "models" in truth:  # several summaries in one paste: their totals add up
            assert truth["rows_sum"] == truth["total"], e["file"]
            continue
        assert truth["layers"], e["file"]
        if e["expected"]["verdict"] == "unbuilt":
            assert all(layer["params"] is None for layer in truth["layers"]), e["file"]
            continue
        # The live model's own arithmetic (shared weights aside, every summary here has none
        # counted twice): rows sum to the total, trainable + non-trainable = total.
        assert truth["total"] == truth["trainable"] + truth["non_trainable"], e["file"]
        assert truth["rows_sum"] == truth["total"], e["file"]
        for name in e["expected"]["flagged"] + e["expected"].get("flagged_any", []):
            pasted = {layer["name"] for layer in truth["layers"]} | set(truth.get("pasted_names", []))
            assert name in pasted or name.endswith("params"), (e["file"], name)
        if e["expected"]["verdict"] == "inconsistent":
            assert "edited" in e["kinds"], e["file"]


def test_the_set_covers_every_kind_of_paste() -> None:
    kinds = {k for e in INDEX for k in e["kinds"]}
    wanted = {
        "comment-prefix", "markdown", "code-fence", "notebook", "keras1", "keras2", "keras3", "cut-columns",
        "elided", "unbuilt", "multiple", "timedistributed", "mha", "textvectorization", "batchnorm-axis",
        "rect-kernel", "big-kernel-same", "edited", "collapsed-spaces", "tabs", "indented", "nested", "frozen",
    }  # fmt: skip
    assert wanted <= kinds, wanted - kinds


@pytest.mark.parametrize("entry", INDEX, ids=lambda e: e["file"])
def test_real_paste_verdict(entry: dict[str, Any], results: dict[str, tuple[bool, str, str, str]]) -> None:
    ok, got, why, head = results[entry["file"]]
    assert ok, f"{entry['file']}: {why}\n{head}"


@pytest.mark.parametrize("entry", [e for e in INDEX if e["expected"]["verdict"] != "consistent"], ids=lambda e: e["file"])
def test_never_a_false_consistent(entry: dict[str, Any], results: dict[str, tuple[bool, str, str, str]]) -> None:
    """The one outcome that must never happen: a paste with a wrong number, an unbuilt model or
    a text that is not a Keras summary reported as "consistent"."""
    _, got, why, head = results[entry["file"]]
    assert got != "consistent", f"{entry['file']}: false consistent\n{head}"


@pytest.mark.parametrize(
    "entry",
    [e for e in INDEX if not (NOT_ALL_ROWS & set(e["kinds"])) and e["expected"]["verdict"] != "unreadable"],
    ids=lambda e: e["file"],
)
def test_every_row_is_read(entry: dict[str, Any], results: dict[str, tuple[bool, str, str, str]]) -> None:
    """A verdict on part of the paste is no verdict: every layer row shown must be read (a second
    summary in the same paste included)."""
    counts = _rows_read(entry)
    assert counts is not None
    assert counts[0] == counts[1], f"{entry['file']}: read {counts[0]} row(s) of {counts[1]}"
