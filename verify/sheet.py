"""``paramproof sheet``: the formula sheet, one section per covered layer class.

For each class: the weights as formulas in symbols, the total, the output-shape rule, what the
symbols mean, a worked example the engine computes (the class's first catalog case that the
engine accepts), and the verification status per Keras version and backend.

The status comes from runs: by default every run under ``reports/`` (see :mod:`verify.matrix`);
for the committed copy, ``docs/FORMULAS.md``, from ``docs/verification.csv``, the per-class
status counts saved from the runs it was made with (``paramproof sheet --docs``), so that the
committed sheet can be regenerated anywhere and a test can fail when it is stale.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path

import formulas

from .cases import Case, builtin_paths, load_cases
from .matrix import Run

DOCS = Path(__file__).resolve().parent.parent / "docs"
STATUS_COLUMNS = ["run", "layer", "status", "cases"]

#: What the symbols of the derivations stand for (a symbol not listed is explained by the
#: example next to it: einsum letters, per-axis dims of a wrapped layer ...).
GLOSSARY: dict[str, str] = {
    "u": "units (Dense, RNN cells)",
    "d": "size of the input's last axis (features)",
    "C": "input channels (the channel axis per data_format)",
    "F": "filters (output channels)",
    "k": "kernel length (1-D)",
    "kh": "kernel height",
    "kw": "kernel width",
    "kd": "kernel depth (3-D)",
    "k1": "kernel size, first spatial axis",
    "k2": "kernel size, second spatial axis",
    "k3": "kernel size, third spatial axis",
    "K": "product of the kernel sizes, or the kept axes' size (Normalization)",
    "s": "stride",
    "g": "groups",
    "dm": "depth_multiplier",
    "r": "LoRA rank",
    "V": "input_dim (vocabulary size)",
    "D": "output_dim (embedding size), or input depth (3-D)",
    "T": "time steps",
    "L": "input length (1-D)",
    "H": "input height",
    "W": "input width",
    "L'": "output length",
    "H'": "output height",
    "W'": "output width",
    "D'": "output depth",
    "N": "size of the normalised axes",
    "batch": "the batch axis (None unless fixed)",
    "h": "head size (GroupQueryAttention)",
    "m": "model width (GroupQueryAttention)",
    "n0": "size of input axis 0 (after the batch axis) where the weight takes it",
    "n1": "size of input axis 1",
    "n2": "size of input axis 2",
    "n3": "size of input axis 3",
    "fwd": "the forward layer's parameters (Bidirectional)",
    "bwd": "the backward layer's parameters (Bidirectional)",
    "fft": "fft_length",
    "frames": "number of STFT frames",
}


def _symbols(text: str) -> list[str]:
    return re.findall(r"(?<![:\w])[A-Za-z_][A-Za-z_0-9]*'?", text)


def worked_examples(cases: Sequence[Case] | None = None) -> dict[str, tuple[Case, formulas.Expectation]]:
    """Per class, its first catalog case the engine accepts (Keras 3, else Keras 2.15)."""
    cases = load_cases(builtin_paths())[0] if cases is None else cases
    # The plainest case first: not quantized, fewest options set, then catalog order.
    plain = sorted(enumerate(cases), key=lambda ic: (ic[1].quantize is not None, len(ic[1].config), ic[0]))
    out: dict[str, tuple[Case, formulas.Expectation]] = {}
    for _, case in plain:
        if case.class_name in out:
            continue
        for keras in ("3", "2.15"):
            try:
                out[case.class_name] = (case, formulas.expect(case.layer, case.input_shape, keras=keras, quantize=case.quantize))
                break
            except (formulas.InvalidLayerError, formulas.UnknownLayerError):
                continue
    return out


def status_from_runs(runs: Sequence[Run]) -> list[dict[str, str]]:
    """Rows of (run, layer, status, cases): the per-class counts behind the sheet's status lines."""
    rows = []
    for run in runs:
        counts = Counter((row["layer"], row["status"]) for row in run.rows.values())
        rows += [
            {"run": run.label, "layer": layer, "status": status, "cases": str(n)} for (layer, status), n in sorted(counts.items())
        ]
    return rows


def read_status(path: Path) -> list[dict[str, str]]:
    with path.open(newline="", encoding="utf-8") as handle:
        return list(csv.DictReader(handle))


def status_csv(rows: Sequence[Mapping[str, str]]) -> str:
    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, STATUS_COLUMNS, lineterminator="\n")
    writer.writeheader()
    writer.writerows(rows)
    return buffer.getvalue()


_GOOD = ("match", "both_invalid", "known_issue", "skipped")


def _status_line(layer: str, rows: Sequence[Mapping[str, str]], runs: Sequence[str]) -> list[str]:
    lines = []
    for run in runs:
        counts = {r["status"]: int(r["cases"]) for r in rows if r["run"] == run and r["layer"] == layer}
        if not counts:
            lines.append(f"| {run} | not run |")
            continue
        bad = {s: n for s, n in counts.items() if s not in _GOOD}
        parts = ", ".join(f"{n} {s}" for s, n in sorted(counts.items()))
        verdict = "✗" if bad else "✓"
        lines.append(f"| {run} | {verdict} {parts} |")
    return lines


def _run_order(rows: Sequence[Mapping[str, str]]) -> list[str]:
    def key(label: str) -> tuple[tuple[int, ...], str]:
        return tuple(int(x) for x in re.findall(r"\d+", label)[:3]), label

    return sorted({r["run"] for r in rows}, key=key)


def render(
    status_rows: Sequence[Mapping[str, str]], *, examples: Mapping[str, tuple[Case, formulas.Expectation]] | None = None
) -> str:
    examples = worked_examples() if examples is None else examples
    runs = _run_order(status_rows)
    classes = formulas.supported()
    lines = [
        "# paramproof formula sheet",
        "",
        "Generated by `paramproof sheet` from the formula engine (`formulas/`) and the runs listed below; do not edit by hand.",
        "Each section: the weights Keras creates, in symbols; the total; the output-shape rule; a worked example the engine",
        "computes; and how the formulas fared against real Keras per version and backend.",
        "",
        "Runs: " + (", ".join(runs) if runs else "none (every class: not run)"),
        "",
        "## Contents",
        "",
    ]
    by_family: dict[str, list[str]] = {}
    for name in classes:
        by_family.setdefault(formulas.family(name), []).append(name)
    for fam in sorted(by_family):
        lines.append(f"- **{fam}**: " + ", ".join(f"[{n}](#{n.lower()})" for n in by_family[fam]))
    for name in classes:
        lines += ["", f"## {name}", ""]
        lines.append(f"Family: {formulas.family(name)}. {_availability(name)}")
        example = examples.get(name)
        if example is None:
            lines += ["", "No catalog case: no worked example."]
        else:
            case, e = example
            lines += _section(case, e)
        lines += (
            ["", "| run | verification |", "|---|---|", *_status_line(name, status_rows, runs)]
            if runs
            else ["", "Verification: not run."]
        )
    return "\n".join(lines) + "\n"


def _availability(name: str) -> str:
    has3 = name in formulas.supported("3")
    has2 = name in formulas.supported("2.15")
    if has3 and has2:
        return "In Keras 2 and Keras 3."
    return "Keras 3 only." if has3 else "Keras 2 only."


def _section(case: Case, e: formulas.Expectation) -> list[str]:
    weights, totals, rules = [], [], []
    names = {w.name for w in e.weights}
    for line in e.derivation:
        head = line.split("=")[0].strip()
        if line.startswith("total") or line.startswith("no weights"):
            totals.append(line.split(" = ")[0].removeprefix("total ").strip() if "=" in line else line)
        elif head.split(" ")[0] in names:
            weights.append(head)
        else:
            parts = line.split(" = ")
            rules.append(" = ".join(parts[:2]) if len(parts) >= 3 else parts[0])
    out = [""]
    if weights:
        out += ["| weight | shape (symbols) |", "|---|---|"]
        for w in weights:
            wname, _, shape = w.partition(" ")
            out.append(f"| `{wname}` | `{shape}` |")
        out.append("")
    if totals:
        out.append(f"Total: `{totals[0]}`" if totals[0] != "no weights; total 0" else "Total: no weights (0).")
    if rules:
        out.append("")
        out.append("Output shape: " + "; ".join(f"`{r}`" for r in rules if r))
    used = sorted({s for text in weights + totals + rules for s in _symbols(text) if s in GLOSSARY}, key=str.lower)
    if used:
        out += ["", "Where: " + "; ".join(f"`{s}` {GLOSSARY[s]}" for s in used) + "."]
    out += [
        "",
        f"Worked example (`{case.id}`, Keras {e.keras}):",
        "",
        "```text",
        e.explain(),
        f"trainable {e.trainable:,} · non-trainable {e.non_trainable:,} · total {e.total:,}",
        "```",
    ]
    return out


def committed() -> tuple[str, str]:
    """(what docs/FORMULAS.md holds, what it should hold given docs/verification.csv)."""
    sheet, status = DOCS / "FORMULAS.md", DOCS / "verification.csv"
    have = sheet.read_text(encoding="utf-8") if sheet.exists() else ""
    rows = read_status(status) if status.exists() else []
    return have, render(rows)
