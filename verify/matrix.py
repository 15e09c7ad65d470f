"""``paramproof matrix``: every run under ``reports/`` side by side.

A run is a folder holding ``results.csv`` and ``environment.csv`` (what ``paramproof run`` writes,
one per nox session, shard or machine).  Runs on the same Keras version and backend are merged,
so shards of one session come together.  Two files are written:

- ``matrix.csv``: one row per case; per run, the status, the observed parameters (trainable +
  non-trainable) and the observed output shape;
- ``matrix.md``: the runs, then every case whose *observed* result (what Keras did: refused or
  built, the counts, the weights, the output shape) differs between runs, each with the known
  explanation where there is one: a recorded version difference (``verify/versions/*.json``), a
  known upstream issue, or the engine's own version rules, which predicted it.  A difference
  between backends of one Keras version is a finding: backends must agree on every count, and
  on whether the layer runs at all (between backends the eager forward pass is compared too: a
  layer that builds everywhere but fails to run on one backend is a finding).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from functools import cache
from importlib import resources
from pathlib import Path

from formulas import KerasVersion

from .cases import printable, version_satisfies
from .diff import DiffInputError, csv_rows, read_results


@dataclass
class Run:
    keras: str
    backend: str
    folders: list[Path] = field(default_factory=list)
    rows: dict[str, dict[str, str]] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"Keras {self.keras} ({self.backend})"

    @property
    def key(self) -> tuple[tuple[int, ...], str]:
        return tuple(int(p) for p in re.findall(r"\d+", self.keras)[:3]), self.backend


@dataclass(frozen=True)
class VersionDifference:
    """A recorded, explained difference between Keras versions or backends."""

    id: str
    layer: str
    case_pattern: str
    keras: tuple[str, ...]
    what: str
    link: str
    #: Only runs on these backends are on its side (empty: every backend).
    backend: tuple[str, ...] = ()

    def covers(self, keras: str, backend: str = "") -> bool:
        """Whether a run on Keras ``keras`` and ``backend`` is on this difference's side (no
        backend given: whether the version alone is)."""
        on_version = any(version_satisfies(spec, keras) for spec in self.keras)
        return on_version and (not backend or not self.backend or backend in self.backend)

    def explains(self, case_id: str, layer: str, versions: Sequence[str]) -> bool:
        """Whether it concerns this case and one of ``versions`` (backends are sided later)."""
        return (
            self.layer in ("*", layer)
            and re.search(self.case_pattern, case_id) is not None
            and any(self.covers(v) for v in versions)
        )


_DIFF_FIELDS = {"id", "layer", "case_pattern", "keras", "what", "link"}


def load_differences(paths: list[Path] | None = None) -> tuple[VersionDifference, ...]:
    if paths is None:
        root = resources.files("verify") / "versions"
        paths = sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".json"))
    out = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        entries = data.get("differences", []) if isinstance(data, dict) else None
        if not isinstance(entries, list):
            raise ValueError(f"{path}: expected an object with a 'differences' list")
        for i, e in enumerate(entries):
            if not isinstance(e, dict) or not _DIFF_FIELDS <= set(e):
                raise ValueError(f"{path}: differences[{i}] needs the keys {sorted(_DIFF_FIELDS)}")
            keras = e["keras"] if isinstance(e["keras"], list) else [e["keras"]]
            re.compile(e["case_pattern"])
            backend = e.get("backend", [])
            if not isinstance(backend, list) or not all(isinstance(b, str) for b in backend):
                raise ValueError(f"{path}: differences[{i}]: 'backend' must be a list of backend names, got {backend!r}")
            out.append(
                VersionDifference(e["id"], e["layer"], e["case_pattern"], tuple(keras), e["what"], e["link"], tuple(backend))
            )
    return tuple(out)


@cache
def shipped_differences() -> tuple[VersionDifference, ...]:
    return load_differences()


#: The longest Keras version an environment.csv may give (``3.16.0.dev2026102704`` is 20).
MAX_VERSION_CHARS = 64


def _environment(path: Path) -> dict[str, str]:
    """component → version of a run's environment.csv (within the limits of a results CSV); the
    Keras version must be one the engine can compare (``3.15.1``, ``3.16.0.dev2026102704``)."""
    where = printable(str(path))
    env: dict[str, str] = {}
    header: list[str] | None = None
    for line, fields in csv_rows(path):
        if header is None:
            header = fields
            if "component" not in header or "version" not in header:
                raise DiffInputError(f"{where}: not a paramproof environment.csv (no column component or version)")
            continue
        if len(fields) != len(header):
            raise DiffInputError(f"{where}:{line}: row has {len(fields)} columns, the header has {len(header)}")
        row = dict(zip(header, fields))
        env[row["component"]] = row["version"]
    if header is None:
        raise DiffInputError(f"{where}: not a paramproof environment.csv (an empty file)")
    keras = env.get("keras")
    if not keras or not env.get("backend"):
        raise DiffInputError(f"{where}: no keras or backend row (a run stopped before its workers started?)")
    try:
        if len(keras) > MAX_VERSION_CHARS or any(len(p) > 18 for p in re.findall(r"\d+", keras)):
            raise ValueError(keras)  # "3.15.1" followed by 5,000 digits: not a version, and past int()
        KerasVersion.parse(keras)
    except ValueError:
        shown = repr(keras) if len(keras) <= 40 else f"{keras[:20]!r}... ({len(keras):,} characters)"
        raise DiffInputError(
            f"{where}: keras version {shown} is not a Keras version (2.x or 3.x, at most {MAX_VERSION_CHARS} characters)"
        ) from None
    return env


#: Columns matrix adds up: a run's whole numbers.
_NUMERIC = ("observed_trainable", "observed_non_trainable", "observed_count_params")


def discover(root: Path, problems: list[str] | None = None) -> list[Run]:
    """Every run below ``root``, merged by Keras version and backend, oldest version first.

    A run folder whose results.csv or environment.csv cannot be read is a
    :class:`~verify.diff.DiffInputError`; with a ``problems`` list, its message goes there instead
    and the other runs are still merged."""
    runs: dict[tuple[str, str], Run] = {}
    for results in sorted(root.rglob("results.csv")):
        env_path = results.with_name("environment.csv")
        if not env_path.exists():
            continue  # not a run folder (a model or zoo report)
        try:
            env = _environment(env_path)
            rows, _ = read_results(results, numeric=_NUMERIC, required=("layer",))
        except DiffInputError as exc:
            if problems is None:
                raise
            problems.append(str(exc))
            continue
        if rows and all(case_id.startswith("sweep-") for case_id in rows):
            continue  # a sweep (paramproof sweep, reports/sweep/ by default): random draws, not the catalog
        keras, backend = env["keras"], env["backend"]
        run = runs.setdefault((keras, backend), Run(keras, backend))
        run.folders.append(results.parent)
        for case_id, row in rows.items():
            run.rows.setdefault(case_id, row)
    return sorted(runs.values(), key=lambda r: r.key)


#: Statuses that carry no observation of Keras: the case did not run there.
_NOT_OBSERVED = {"skipped", "crashed", "no_formula"}


def observed(row: Mapping[str, str]) -> tuple[str, ...] | None:
    """What Keras did for this case, or None when the case did not run."""
    if row["status"] in _NOT_OBSERVED and not row.get("observed_count_params"):
        return None
    if not row.get("observed_count_params") and not row.get("observed_output_shape"):
        return ("refused",)
    return (
        row.get("observed_trainable", ""),
        row.get("observed_non_trainable", ""),
        row.get("observed_output_shape", ""),
        row.get("observed_weights", ""),
    )


def eager(row: Mapping[str, str]) -> str:
    """What the eager forward pass did: its output shape, ``failed``, or "" when there was none."""
    if row.get("eager_output_shape"):
        return row["eager_output_shape"]
    return "failed" if row.get("eager_input_shape") else ""


def expected(row: Mapping[str, str]) -> tuple[str, ...]:
    if not row.get("expected_trainable") and not row.get("expected_output_shape"):
        return ("refused",)
    return (
        row.get("expected_trainable", ""),
        row.get("expected_non_trainable", ""),
        row.get("expected_output_shape", ""),
        row.get("expected_weights", ""),  # a weight renamed or reshaped is a prediction too
    )


def short(row: Mapping[str, str] | None, *, with_eager: bool = False) -> str:
    """One cell: ``7,850 + 0 → (None, 10)``, ``refused``, or the status when nothing was observed;
    ``with_eager`` adds what the eager pass did (``; eager (2, 10)``, ``; eager failed``)."""
    if row is None:
        return "—"
    seen = observed(row)
    if seen is None:
        return row["status"]
    if seen == ("refused",):
        return "refused"
    t, nt, shape = seen[0], seen[1], seen[2]
    counts = f"{int(t):,} + {int(nt):,}" if t and nt else "?"
    ran = eager(row) if with_eager else ""
    return f"{counts} → {shape}" + (f"; eager {ran}" if ran else "")


@dataclass(frozen=True)
class Difference:
    case_id: str
    layer: str
    cells: tuple[str, ...]
    between_backends: bool
    explanation: str


def _known_issue(rows: Sequence[Mapping[str, str] | None]) -> str:
    """Every known upstream issue the rows were explained by (each once, in run order)."""
    found: list[str] = []
    for row in rows:
        if row is not None and row["status"] == "known_issue":
            match = re.match(r"known issue (\S+) \((\S+)\)", row.get("detail", ""))
            if match:
                note = f"known upstream issue {match.group(1)} ({match.group(2)})"
                if note not in found:
                    found.append(note)
    return "; ".join(found)


def differences(runs: Sequence[Run]) -> list[Difference]:
    case_ids: list[str] = []
    seen_ids: set[str] = set()
    for run in runs:
        for case_id in run.rows:
            if case_id not in seen_ids:
                seen_ids.add(case_id)
                case_ids.append(case_id)
    out = []
    for case_id in case_ids:
        rows = [run.rows.get(case_id) for run in runs]
        layer = next(r["layer"] for r in rows if r is not None)
        present = [(run, row) for run, row in zip(runs, rows) if row is not None and observed(row) is not None]
        by_version = _by_version(present)
        # Versions whose backends disagree: on the counts and shapes, or on whether the layer runs.
        split = {keras for keras, pairs in by_version.items() if len({(observed(r), eager(r)) for _, r in pairs}) > 1}
        if len({observed(row) for _, row in present}) <= 1 and not split:
            continue
        out.append(
            Difference(
                case_id,
                layer,
                tuple(short(r, with_eager=bool(split)) for r in rows),
                bool(split),
                _explain(case_id, layer, by_version, split),
            )
        )
    return out


Rows = Sequence[tuple[Run, Mapping[str, str]]]


def _explain(case_id: str, layer: str, by_version: Mapping[str, Rows], split: set[str]) -> str:
    """The explanation of a difference, in two parts explained separately: between the backends
    of the versions whose backends disagree (a finding), and between versions (one run per
    version, the TensorFlow one where there are several)."""
    notes: list[str] = []
    open_parts: list[str] = []
    partial: list[str] = []

    def part(rows: Rows, backends: bool, label: str) -> None:
        why = _why(case_id, layer, rows, backends)
        if why:
            notes.extend(n for n in why if n not in notes)
            return
        open_parts.append(label)
        hint = _recorded(case_id, layer, rows, partial=True, between_backends=backends)
        if hint and hint not in partial:
            partial.append(hint)

    if split:
        notes.append("FINDING: backends of one Keras version disagree")
        part([pair for keras in split for pair in by_version[keras]], True, "between backends")
    versions = [min(rows, key=lambda pair: pair[0].backend != "tensorflow") for rows in by_version.values()]
    if len({observed(row) for _, row in versions}) > 1:
        part(versions, False, "between versions")
    if open_parts:
        where = " and ".join(open_parts) if split else ""
        text = "unexplained" + (f" {where}" if where else "")
        notes.append(f"{text} (in part: {'; '.join(partial)})" if partial else text)
    return "; ".join(notes)


def _by_version(present: Rows) -> dict[str, list[tuple[Run, Mapping[str, str]]]]:
    out: dict[str, list[tuple[Run, Mapping[str, str]]]] = {}
    for run, row in present:
        out.setdefault(run.keras, []).append((run, row))
    return out


def _why(case_id: str, layer: str, rows: Rows, backends: bool) -> list[str]:
    """What explains the difference among ``rows``: a recorded difference that splits them the
    way Keras did, the known upstream issues they were explained by, or the engine's own rules
    (which expected different results too)."""
    notes = []
    recorded = _recorded(case_id, layer, rows, between_backends=backends)
    if recorded is not None:
        notes.append(recorded)
    issue = _known_issue([row for _, row in rows])
    if issue:
        notes.append(issue)
    if all(row["status"] in ("match", "both_invalid") for _, row in rows) and len({expected(row) for _, row in rows}) > 1:
        notes.append(
            f"predicted: the engine's formulas for these {'backends' if backends else 'versions'} differ in the same way"
        )
    return notes


def _recorded(
    case_id: str,
    layer: str,
    present: Rows,
    *,
    partial: bool = False,
    between_backends: bool = False,
) -> str | None:
    """The recorded differences that together account for this one: every entry that fits the
    case and splits the runs (its versions hold for some runs, not all), such that runs on the
    same side of every such entry saw the same thing.  An entry that fits but leaves runs on one
    side disagreeing does not explain the difference (``partial`` lists it anyway)."""
    versions = [run.keras for run, _ in present]
    entries = []
    for diff in shipped_differences():
        if not diff.explains(case_id, layer, versions):
            continue
        sides = {diff.covers(run.keras, run.backend) for run, _ in present}
        if len(sides) == 2:
            entries.append(diff)
    if not entries:
        return None
    seen: dict[tuple[bool, ...], set[tuple[str, ...] | None]] = {}
    for run, row in present:
        side = tuple(d.covers(run.keras, run.backend) for d in entries)
        seen.setdefault(side, set()).add((observed(row), eager(row)) if between_backends else (observed(row), ""))
    if not partial and any(len(obs) > 1 for obs in seen.values()):
        return None
    return "; ".join(f"{d.what} ({d.link})" for d in entries)


def matrix_rows(runs: Sequence[Run]) -> tuple[list[str], list[dict[str, str]]]:
    columns = ["case_id", "layer"]
    for run in runs:
        columns += [f"{run.label} status", f"{run.label} params", f"{run.label} output_shape"]
    order: dict[str, dict[str, str]] = {}
    for run in runs:
        for case_id, row in run.rows.items():
            out = order.setdefault(case_id, {"case_id": case_id, "layer": row["layer"]})
            seen = observed(row)
            params = ""
            if seen not in (None, ("refused",)) and row.get("observed_trainable") and row.get("observed_non_trainable"):
                params = f"{row['observed_trainable']}+{row['observed_non_trainable']}"
            out[f"{run.label} status"] = row["status"]
            out[f"{run.label} params"] = params
            out[f"{run.label} output_shape"] = row.get("observed_output_shape", "")
    return columns, list(order.values())


def _md_cell(text: str) -> str:
    return text.replace("|", "\\|")


#: More runs than this, and the differences table gives one "by run" column (consecutive runs that
#: saw the same thing grouped) instead of a column per run.
WIDE = 8

_PRERELEASE = re.compile(r"\d(?:\.?dev|rc|a|b)\d*", re.IGNORECASE)


def is_prerelease(keras: str) -> bool:
    """``3.16.0.dev2026102704`` (keras-nightly), ``3.16.0rc1``: not a release."""
    return _PRERELEASE.search(keras) is not None


def newest_changes(runs: Sequence[Run], diffs: Sequence[Difference]) -> tuple[Run, Run, list[Difference]] | None:
    """What the newest Keras version changes: the differences whose observed result on the newest
    version's run differs from the version just before it (the TensorFlow runs where there are
    several backends).  None with fewer than two versions."""
    by_version: dict[str, Run] = {}
    for run in runs:  # oldest first; the TensorFlow run stands for its version
        if run.keras not in by_version or run.backend == "tensorflow":
            by_version[run.keras] = run
    ordered = sorted(by_version.values(), key=lambda r: r.key)
    if len(ordered) < 2:
        return None
    before, newest = ordered[-2], ordered[-1]
    changed = []
    for d in diffs:
        old, new = before.rows.get(d.case_id), newest.rows.get(d.case_id)
        if old is None or new is None or observed(old) is None or observed(new) is None:
            continue
        if observed(old) != observed(new):
            changed.append(d)
    return before, newest, changed


def grouped(runs: Sequence[Run], cells: Sequence[str]) -> str:
    """``Keras 2.12.0–2.15.0 (tensorflow): refused; …``: consecutive runs with the same cell together."""
    parts: list[str] = []
    i = 0
    while i < len(runs):
        j = i
        while j + 1 < len(runs) and cells[j + 1] == cells[i]:
            j += 1
        if cells[i] != "—":
            first, last = runs[i], runs[j]
            if i == j:
                label = first.label
            elif first.backend == last.backend:
                label = f"Keras {first.keras}–{last.keras} ({first.backend})"
            else:
                label = f"{first.label}–{last.label}"
            parts.append(f"{label}: {cells[i]}")
        i = j + 1
    return "; ".join(parts)


def _diff_table(runs: Sequence[Run], diffs: Sequence[Difference]) -> list[str]:
    if len(runs) > WIDE:
        lines = ["| case | layer | what Keras did, by run | explanation |", "|---|---|---|---|"]
        for d in diffs:
            lines.append(f"| {d.case_id} | {d.layer} | {_md_cell(grouped(runs, d.cells))} | {_md_cell(d.explanation)} |")
        return lines
    lines = ["| case | layer | " + " | ".join(run.label for run in runs) + " | explanation |"]
    lines.append("|---|---|" + "---|" * len(runs) + "---|")
    for d in diffs:
        cells = " | ".join(_md_cell(c) for c in d.cells)
        lines.append(f"| {d.case_id} | {d.layer} | {cells} | {_md_cell(d.explanation)} |")
    return lines


def render_markdown(runs: Sequence[Run], diffs: Sequence[Difference]) -> str:
    lines = ["# paramproof version matrix", "", "## Runs", ""]
    lines += [
        "| run | cases | match | both_invalid | known_issue | skipped | other | from |",
        "|---|---:|---:|---:|---:|---:|---:|---|",
    ]
    for run in runs:
        statuses = [row["status"] for row in run.rows.values()]
        counts = {s: statuses.count(s) for s in ("match", "both_invalid", "known_issue", "skipped")}
        other = len(statuses) - sum(counts.values())
        folders = ", ".join(f"`{f}`" for f in run.folders)
        lines.append(
            f"| {run.label} | {len(statuses)} | {counts['match']} | {counts['both_invalid']} | {counts['known_issue']} | {counts['skipped']} | {other} | {folders} |"
        )
    newest = newest_changes(runs, diffs)
    first: list[Difference] = []
    if newest is not None:
        before, latest, first = newest
        what = "the next release (a pre-release)" if is_prerelease(latest.keras) else "the newest version"
        lines += ["", f"## What Keras {latest.keras} changes: {what}, against {before.keras} ({len(first)})", ""]
        if first:
            unexplained_new = sum(1 for d in first if "unexplained" in d.explanation)
            lines.append(
                f"Cases whose observed result on {latest.label} differs from {before.label}; "
                f"{len(first) - unexplained_new} of {len(first)} explained."
            )
            lines.append("")
            lines += ["| case | layer | " + f"{before.label} | {latest.label} | explanation |", "|---|---|---|---|---|"]
            for d in first:
                old = short(before.rows.get(d.case_id))
                new = short(latest.rows.get(d.case_id))
                lines.append(f"| {d.case_id} | {d.layer} | {_md_cell(old)} | {_md_cell(new)} | {_md_cell(d.explanation)} |")
        else:
            lines.append(f"Every case is observed the same on {latest.label} as on {before.label}.")
    shown = {d.case_id for d in first}
    rest = [d for d in diffs if d.case_id not in shown]
    findings = [d for d in diffs if d.between_backends]
    heading = "Cases whose observed result differs between runs"
    if shown:
        heading = "Other cases whose observed result differs between runs"
    lines += ["", f"## {heading} ({len(rest)})", ""]
    if findings:
        lines += [f"**{len(findings)} difference(s) between backends of one Keras version: findings.**", ""]
    lines.append(
        "Each cell: trainable + non-trainable parameters → output shape, or `refused`; `—` not in that run. "
        "Where backends disagree, the cell adds what the eager forward pass did (its output shape, or `failed`)."
    )
    lines.append("")
    lines += _diff_table(runs, rest)
    unexplained = sum(1 for d in diffs if "unexplained" in d.explanation)
    lines += ["", f"{len(diffs) - unexplained} of {len(diffs)} difference(s) explained."]
    return "\n".join(lines) + "\n"
