"""The formula sheet: every covered class has a section with its formulas and a worked example;
the committed copy (docs/FORMULAS.md) is what the engine gives now."""

from __future__ import annotations

import subprocess
import sys

import formulas
from conftest import ROOT
from verify import sheet


def test_the_committed_sheet_is_not_stale() -> None:
    have, want = sheet.committed()
    assert have, "docs/FORMULAS.md is missing: run `paramproof sheet --docs`"
    assert have == want, "docs/FORMULAS.md is stale: run `paramproof sheet --docs` and commit it"


def test_every_covered_class_has_a_section_and_without_runs_says_not_run() -> None:
    text = sheet.render([])
    for name in formulas.supported():
        assert f"\n## {name}\n" in text
    assert "Verification: not run." in text
    assert "| run | verification |" not in text


def test_a_section_shows_symbols_meanings_a_worked_example_and_each_runs_status() -> None:
    rows = [
        {"run": "Keras 3.15.1 (tensorflow)", "layer": "Dense", "status": "match", "cases": "5"},
        {"run": "Keras 2.15.0 (tensorflow)", "layer": "Dense", "status": "mismatch", "cases": "1"},
        {"run": "Keras 2.15.0 (tensorflow)", "layer": "Conv2D", "status": "match", "cases": "2"},
    ]
    text = sheet.render(rows)
    dense = text[text.index("\n## Dense\n") : text.index("\n## ", text.index("\n## Dense\n") + 1)]
    assert "| `kernel` | `(d, u)` |" in dense
    assert "Total: `u × (d + 1)`" in dense
    assert "`u` units" in dense and "`d` size of the input's last axis" in dense
    assert "```text\nDense(" in dense
    assert "| Keras 2.15.0 (tensorflow) | ✗ 1 mismatch |" in dense
    assert "| Keras 3.15.1 (tensorflow) | ✓ 5 match |" in dense
    conv = text[text.index("\n## Conv2D\n") : text.index("\n## ", text.index("\n## Conv2D\n") + 1)]
    assert "| Keras 3.15.1 (tensorflow) | not run |" in conv


def test_the_sheet_command_never_imports_tensorflow(tmp_path) -> None:
    code = (
        "import sys; from verify.cli import main; "
        f"rc = main(['sheet', '--reports', {str(tmp_path)!r}]); "
        "assert rc == 0, rc; assert 'tensorflow' not in sys.modules and 'keras' not in sys.modules"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert out.returncode == 0, out.stderr
    assert (tmp_path / "FORMULAS.md").exists()
