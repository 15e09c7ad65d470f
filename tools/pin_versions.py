"""Measure the first and last release of every version fact, from the runs of ``make matrix ALL=1``.

    .venv/bin/python tools/pin_versions.py [reports/]

For each fact of ``formulas/versions.json`` it prints, per Keras release that ran the catalog, what
that release did, and the first and last release that have it:

- a class: present where ``keras.layers`` had it (the harness says "keras.layers has no class 'X'"
  where it did not);
- a feature (an option or rule): for each case the engine could not answer on a release ("not known
  whether Keras 3.10.0 has dense-units-checked", or a case it predicts differently with and without
  the feature), whether Keras did what a release known to have it did, or what a release known to
  lack it did.

A release whose cases disagree, or that did neither, is reported as such: the fact is then not
pinned and needs reading.  This measures; it does not edit ``versions.json``.

    .venv/bin/python tools/pin_versions.py --wheels DIR

reads every Keras wheel in DIR (``pip download --no-deps keras==3.9.0 -d DIR`` for each release;
tf-keras and keras-nightly too) and prints, for each class, the first and last release whose public
``keras.layers`` exports it: the classes are pinned to the exact patch release, not only to the last
patch of a minor that the matrix runs.

    .venv/bin/python tools/pin_versions.py --issues DIR... [--write]

lists, for each known upstream issue, the first and last release whose run (catalog or sweep) below
the DIRs explained a case with it, and the releases between them that did not; ``--write`` records
them as the ``seen`` of each entry in verify/known_issues/*.json.
"""

from __future__ import annotations

import ast
import re
import sys
import zipfile
from collections import defaultdict
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from verify.matrix import Run, discover, observed  # noqa: E402


def _tensorflow_runs(root: Path) -> list[Run]:
    by_version: dict[str, Run] = {}
    for run in discover(root):
        if run.backend == "tensorflow" or run.keras not in by_version:
            by_version[run.keras] = run
    return sorted(by_version.values(), key=lambda r: r.key)


def _line(keras: str) -> str:
    return "keras3" if keras.startswith("3") else "keras2"


def classes(runs: list[Run]) -> dict[str, dict[str, bool]]:
    """class -> {release: whether keras.layers had it}, from every case of that class."""
    out: dict[str, dict[str, bool]] = defaultdict(dict)
    for run in runs:
        for row in run.rows.values():
            if observed(row) is None:
                continue
            missing = f"keras.layers has no class '{row['layer']}'" in row.get("detail", "")
            seen = out[row["layer"]].get(run.keras)
            out[row["layer"]][run.keras] = (not missing) if seen is None else (seen or not missing)
    return out


_UNKNOWN = re.compile(r"not known whether Keras (\S+) has (?:layer ')?([\w.-]+)'? \(added after (\S+), by (\S+)\)")


def features(runs: list[Run]) -> dict[str, dict[str, set[str]]]:
    """feature -> {release: verdicts of its cases ('has', 'lacks', 'other')}, for the releases
    inside each bracket, judged against the releases at its two ends."""
    by_version = {run.keras: run for run in runs}
    cases: dict[str, set[str]] = defaultdict(set)
    bracket: dict[str, tuple[str, str]] = {}
    for run in runs:
        for case_id, row in run.rows.items():
            for match in _UNKNOWN.finditer(row.get("detail", "")):
                name = match.group(2)
                if name[:1].isupper():
                    continue  # a class: see classes()
                cases[name].add(case_id)
                bracket[name] = (match.group(3), match.group(4))
    out: dict[str, dict[str, set[str]]] = {}
    for name, ids in cases.items():
        after, by = bracket[name]
        if after not in by_version or by not in by_version:
            print(f"{name}: the runs at the ends of its bracket ({after}, {by}) are missing", file=sys.stderr)
            continue
        verdicts: dict[str, set[str]] = defaultdict(set)
        line = _line(by)
        for case_id in sorted(ids):
            lacks = observed(by_version[after].rows.get(case_id) or {"status": "skipped"})
            has = observed(by_version[by].rows.get(case_id) or {"status": "skipped"})
            if lacks is None or has is None or lacks == has:
                continue  # this case cannot tell the two apart
            for run in runs:
                if _line(run.keras) != line or not (run.key > by_version[after].key and run.key < by_version[by].key):
                    continue
                row = run.rows.get(case_id)
                seen = observed(row) if row else None
                if seen is not None:
                    verdicts[run.keras].add("has" if seen == has else "lacks" if seen == lacks else f"other ({case_id})")
        out[name] = dict(verdicts)
    return out


_EXPORTS = (
    "keras/api/layers/__init__.py",  # Keras 3.3 on
    "keras/layers/__init__.py",  # Keras 3.0-3.2
    "keras/api/_v2/keras/layers/__init__.py",  # Keras 2.13-2.15
    "tf_keras/api/_v2/keras/layers/__init__.py",  # tf-keras
    "keras/layers/__init__.py",
)


def _version_key(text: str) -> tuple[int, ...]:
    return tuple(int(p) for p in re.findall(r"\d+", text)[:3])


def wheel_classes(folder: Path) -> dict[str, set[str]]:
    """release -> the names its public ``keras.layers`` exports (one wheel per release)."""
    out: dict[str, set[str]] = {}
    for wheel in sorted(folder.glob("*.whl")):
        version = wheel.name.split("-")[1]
        with zipfile.ZipFile(wheel) as z:
            names = set(z.namelist())
            path = next(
                (p for p in _EXPORTS if p in names and (p.startswith("tf_keras") or version.startswith("3") or "_v2" in p)), None
            )
            if path is None:
                print(f"{wheel.name}: no public layers module", file=sys.stderr)
                continue
            text = z.read(path).decode()
        tree = ast.parse(text)
        out[version] = {a.asname or a.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for a in node.names}
    return out


def pin_classes_from_wheels(folder: Path) -> None:
    from formulas._version import facts

    exports = wheel_classes(folder)
    for line in ("keras2", "keras3"):
        versions = sorted((v for v in exports if _line(v) == line), key=_version_key)
        print(f"\n# {line}: {len(versions)} releases ({versions[0]} … {versions[-1]})")
        for name, fact in sorted(facts().classes.items()):
            have = [v for v in versions if name in exports[v]]
            if not have:
                continue
            if len(have) == len(versions):
                print(f"{name}: every release")
                continue
            first, last = have[0], have[-1]
            gaps = [v for v in versions if _version_key(first) <= _version_key(v) <= _version_key(last) and v not in have]
            print(
                f"{name}: first {first}, last {last}"
                + (f"; missing from {', '.join(gaps)}" if gaps else "")
                + f"  (now: {fact.line(KerasVersion_parse(first)).describe()})"
            )


def KerasVersion_parse(text: str):  # noqa: N802, ANN201
    from formulas._version import KerasVersion

    return KerasVersion.parse(text)


def every_run(root: Path) -> list[Run]:
    """Every run folder below ``root``, sweeps included (``discover`` leaves sweeps out of the
    matrix; a known issue a sweep showed was still seen)."""
    import csv

    from verify.diff import read_results

    runs = []
    for results in sorted(root.rglob("results.csv")):
        env_path = results.with_name("environment.csv")
        if env_path.exists():
            with env_path.open(newline="", encoding="utf-8") as handle:
                env = {row["component"]: row["version"] for row in csv.DictReader(handle)}
            rows, _ = read_results(results)
            runs.append(Run(env.get("keras", "?"), env.get("backend", "?"), [results.parent], rows))
    return runs


_ISSUE = re.compile(r"known issue (\S+) \(")


def issues_seen(runs: list[Run]) -> dict[str, list[str]]:
    """known issue id -> the releases (oldest first) whose runs explained a case with it."""
    seen: dict[str, list[str]] = defaultdict(list)
    for run in runs:
        for row in run.rows.values():
            if row["status"] == "known_issue":
                match = _ISSUE.match(row.get("detail", ""))
                if match and run.keras not in seen[match.group(1)]:
                    seen[match.group(1)].append(run.keras)
    return seen


def write_seen(seen: dict[str, list[str]]) -> None:
    """Record, in each known issue of verify/known_issues/*.json, the first and last release whose
    run showed it (only the ``seen`` fields change; an issue no run showed keeps its record)."""
    import json

    for path in sorted((Path(__file__).resolve().parents[1] / "verify" / "known_issues").glob("*.json")):
        entries = json.loads(path.read_text(encoding="utf-8"))
        for entry in entries:
            versions = sorted(seen.get(entry["id"], []), key=_version_key)
            if versions:
                entry["seen"] = {"first": versions[0], "last": versions[-1]}
            elif "seen" not in entry:
                print(f"{entry['id']}: seen in no run", file=sys.stderr)
        path.write_text(json.dumps(entries, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")


def main(argv: list[str]) -> int:
    if argv[:1] == ["--issues"]:
        write = "--write" in argv
        argv = [a for a in argv if a != "--write"]
        every = [run for root in (argv[1:] or ["reports"]) for run in every_run(Path(root))]
        if write:
            write_seen(issues_seen(every))
        runs_by_line = sorted({run.keras for run in every}, key=_version_key)
        for issue, versions in sorted(issues_seen(every).items()):
            ordered = sorted(versions, key=_version_key)
            inside = [v for v in runs_by_line if _version_key(ordered[0]) <= _version_key(v) <= _version_key(ordered[-1])]
            gaps = [v for v in inside if v not in ordered]
            print(f"{issue}: first {ordered[0]}, last {ordered[-1]}" + (f"; not seen in {', '.join(gaps)}" if gaps else ""))
        return 0
    if argv[:1] == ["--wheels"]:
        pin_classes_from_wheels(Path(argv[1]))
        return 0
    root = Path(argv[0]) if argv else Path("reports")
    runs = _tensorflow_runs(root)
    print("runs:", ", ".join(run.keras for run in runs))
    print("\n# classes: the releases without each class, where any release of its line had it")
    for name, seen in sorted(classes(runs).items()):
        for line in ("keras2", "keras3"):
            versions = [run.keras for run in runs if _line(run.keras) == line and run.keras in seen]
            have = [v for v in versions if seen[v]]
            if have and len(have) != len(versions):
                print(f"{name} {line}: has it {', '.join(have)}; lacks it {', '.join(v for v in versions if not seen[v])}")
    print("\n# features: per release inside the bracket, what its cases did")
    for name, verdicts in sorted(features(runs).items()):
        cells = [
            f"{v}: {'/'.join(sorted(verdicts[v]))}" for v in sorted(verdicts, key=lambda t: tuple(map(int, t.split(".")[:3])))
        ]
        print(f"{name}: " + ("; ".join(cells) or "no case told the ends apart"))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
