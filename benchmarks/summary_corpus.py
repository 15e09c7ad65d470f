"""check-summary on the corpus of real summaries, mangled the way real pastes are mangled.

For every corpus record (a summary printed by real Keras, ``tests/data/summaries/corpus``) and
every mangle of ``tests/summary_mangle.py`` that applies to it:

- the untampered paste must read and be reported consistent;
- single-digit tampering (one digit of one row's count or of one Total / Trainable /
  Non-trainable line, changed before mangling) must be caught *at the right place*: the tampered
  row UNEXPLAINED (or the tampered total line not ok), the model not reported consistent, and no
  genuine row newly called WRONG.

A tampered row that other hidden values explain (e.g. the first Dense of a Sequential model
whose input the summary does not show: any multiple of its units, plus or minus the bias, is a
Dense on some input) is *undetectable*: no checker can flag that row, so it is counted apart, not as
caught, and listed in the failure file with the explanation the checker gave so it can be judged.
When that explanation needs values the genuine row did not (a rectangular kernel, groups,
channels_first, BatchNormalization on axis 1: all values the issue asks the search to try) it is
counted as *unusual*, also apart, so the reach of the search stays visible.
A tampered row the checker cannot check (a custom layer, a nested model, a cut count) is
*unchecked*, also apart.

Usage::

    .venv/bin/python benchmarks/summary_corpus.py [--lines keras315,tfkeras221] [--mangles a,b]
        [--limit N] [--tampers K] [--quick] [--failures /tmp/status/B-failures.txt]

Prints a table per mangle and per line, the worst CPU seconds per summary (target: a 200-row
summary under 1 s of CPU) and writes every failure, with the first lines of its report, to the
failure file (rewritten each run); the mangled texts of the failures go next to it
(``<failures>.cases/``) so each can be replayed with ``paramproof check-summary``.
"""

from __future__ import annotations

import argparse
import gzip
import json
import re
import shutil
import sys
import time
import traceback
from collections import defaultdict
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

import summary_mangle as sm  # noqa: E402

from verify.summary_check import RowStatus, SummaryCheck, check_text, render  # noqa: E402
from verify.summary_parse import SummaryParseError  # noqa: E402

CORPUS = ROOT / "tests" / "data" / "summaries" / "corpus"
LOOSE = ROOT / "tests" / "data" / "summaries"


# --- records ---------------------------------------------------------------------------------


def load_records(lines: list[str] | None = None) -> Iterator[dict[str, Any]]:
    """The corpus records (through ``tests/summary_corpus_data.py`` when it exists), else the
    loose real summaries in ``tests/data/summaries/*.txt`` as records of line "loose"."""
    try:
        import summary_corpus_data

        have_loader = True
    except ImportError:
        have_loader = False
    if have_loader:
        for line in lines or summary_corpus_data.LINES:
            try:  # read a line whole: a corpus file being rewritten is skipped, not half-read
                records = list(summary_corpus_data.load([line]))
            except (OSError, EOFError, ValueError) as exc:
                print(f"skipped corpus line {line}: {exc}", file=sys.stderr)
                continue
            yield from records
        return
    files = sorted(CORPUS.glob("*.jsonl.gz"))
    if files:
        for path in files:
            line = path.name.split(".")[0]
            if lines and line not in lines:
                continue
            with gzip.open(path, "rt", encoding="utf-8") as fh:
                for raw in fh:
                    if raw.strip():
                        yield json.loads(raw)
        return
    for path in sorted(LOOSE.glob("*.txt")):
        text = path.read_text(encoding="utf-8")
        if text.startswith("# source"):
            continue  # copied from the web, already mangled
        yield {"model": path.stem, "variant": "default", "line": "loose", "keras": "", "text": text, "rows": [], "built": True}


def is_application(record: dict[str, Any]) -> bool:
    return str(record.get("model", "")).startswith("app_")


# --- one check ------------------------------------------------------------------------------


@dataclass
class Outcome:
    ok: bool
    kind: str  # "consistent", "inconsistent", "parse error", "crash"; tamper: "caught", "undetectable", "unchecked", "missed"
    cpu: float = 0.0
    rows: int = 0
    report: list[str] = field(default_factory=list)
    #: Untampered only: each row's status and detail, by name, to judge the tampered copies.
    base: dict[str, tuple[RowStatus, str]] = field(default_factory=dict)


def run_check(text: str) -> tuple[SummaryCheck | None, str, float]:
    start = time.process_time()
    try:
        check = check_text(text)
        return check, "", time.process_time() - start
    except SummaryParseError as exc:
        return None, f"parse error: {exc}", time.process_time() - start
    except Exception:  # noqa: BLE001 - a crash is a finding
        tail = traceback.format_exc().strip().split("\n")[-7:]
        return None, "crash: " + " / ".join(x.strip() for x in tail), time.process_time() - start


def report_lines(check: SummaryCheck, limit: int = 12) -> list[str]:
    out = []
    for word, line in render(check, "paste"):
        if word in ("WRONG", "skip") or not word:
            out.append(f"{word:5} {line}")
    return out[:limit]


def untampered(text: str, record: dict[str, Any]) -> Outcome:
    check, err, cpu = run_check(text)
    if check is None:
        return Outcome(False, err.split(":")[0], cpu, 0, [err[:600]])
    n = len(check.summary.rows)
    base = {r.row.name: (r.status, r.detail) for r in check.rows}
    if check.consistent:
        return Outcome(True, "consistent", cpu, n, base=base)
    return Outcome(False, "inconsistent", cpu, n, report_lines(check), base=base)


_KERNEL = re.compile(r"kernel (\d+(?:×\d+)*)")


def unusual(detail: str, before: str) -> list[str]:
    """What an explanation of a tampered row assumes that the explanation of the genuine row did
    not and that a summary of an ordinary model rarely needs: groups, channels_first on a model
    that is not, a dilation, a kernel side over 7 or a rectangular kernel."""
    out = [w for w in ("groups", "channels_first", "channels first", "dilation") if w in detail and w not in before]
    kernels = _KERNEL.findall(detail.split(";")[0])
    old = set(_KERNEL.findall(before))
    for k in kernels:
        sides = [int(x) for x in k.split("×")]
        if k not in old and (max(sides) > 7 or len(set(sides)) > 1):
            out.append(f"kernel {k}")
    return out


def _matches(parsed: str, target: str) -> bool:
    if parsed == target:
        return True
    for cut in ("…", "..."):
        if parsed.endswith(cut) and target.startswith(parsed[: -len(cut)]):
            return True
    return False


def tampered(text: str, tamper: sm.Tamper, base: dict[str, tuple[RowStatus, str]]) -> Outcome:
    check, err, cpu = run_check(text)
    if check is None:
        return Outcome(False, "tamper " + err.split(":")[0], cpu, 0, [err[:600]])
    n = len(check.summary.rows)
    lines = report_lines(check)
    head = [f"tampered {tamper.target}: {tamper.old:,} -> {tamper.new:,} (line {tamper.line} before mangling)"]
    rows = [] if tamper.target in sm.TOTAL_TARGETS else [r for r in check.rows if _matches(r.row.name, tamper.target)]
    if len(rows) > 1:
        rows = [r for r in rows if r.row.params == tamper.new] or rows
    # A genuine row newly called WRONG: the flag (also) lands on the wrong row.
    blamed = [
        r.row.name
        for r in check.rows
        if r.status is RowStatus.UNEXPLAINED
        and base.get(r.row.name, (None, ""))[0] is not RowStatus.UNEXPLAINED
        and r not in rows[:1]
    ]
    if blamed:
        note = f"genuine row(s) now called WRONG: {', '.join(blamed)}"
        return Outcome(False, "missed", cpu, n, head + [note] + lines)
    if tamper.target in sm.TOTAL_TARGETS:
        hit = [t for t in check.totals if t.kind == tamper.target]
        if hit and not hit[0].ok and not check.consistent:
            return Outcome(True, "caught", cpu, n)
        return Outcome(False, "missed", cpu, n, head + lines)
    if not rows:
        return Outcome(False, "missed", cpu, n, head + ["(the tampered row was not read)"] + lines)
    row = rows[0]
    before_status, before = base.get(row.row.name, (None, ""))
    if row.status is RowStatus.UNEXPLAINED and not check.consistent:
        return Outcome(True, "caught", cpu, n)
    flagged = "model still flagged" if not check.consistent else "MODEL REPORTED CONSISTENT"
    if row.status is RowStatus.EXPLAINED:
        odd = unusual(row.detail, before)
        if odd:
            note = f"row explained only by unusual values ({', '.join(odd)}; {flagged}): {row.detail}"
            return Outcome(False, "unusual", cpu, n, head + [note, f"genuine row: {before}"] + lines)
        return Outcome(False, "undetectable", cpu, n, head + [f"row explained ({flagged}): {row.detail}"] + lines)
    if row.status is RowStatus.UNCHECKED and before_status is RowStatus.UNCHECKED:
        return Outcome(False, "unchecked", cpu, n, head + [f"row unchecked, as the genuine one: {row.detail}"] + lines)
    return Outcome(
        False, "missed", cpu, n, head + [f"row {row.status} ({flagged}): {row.detail}", f"genuine row: {before}"] + lines
    )


# --- the run -------------------------------------------------------------------------------


@dataclass
class Tally:
    variants: int = 0
    consistent: int = 0
    parse_errors: int = 0
    crashes: int = 0
    tampered: int = 0
    caught: int = 0
    undetectable: int = 0
    unusual: int = 0
    unchecked: int = 0
    missed: int = 0
    tamper_parse: int = 0

    def add_base(self, o: Outcome) -> None:
        self.variants += 1
        self.consistent += o.kind == "consistent"
        self.parse_errors += o.kind == "parse error"
        self.crashes += o.kind == "crash"

    def add_tamper(self, o: Outcome) -> None:
        self.tampered += 1
        self.caught += o.kind == "caught"
        self.undetectable += o.kind == "undetectable"
        self.unusual += o.kind == "unusual"
        self.unchecked += o.kind == "unchecked"
        self.missed += o.kind == "missed"
        self.tamper_parse += o.kind in ("tamper parse error", "tamper crash")


def pct(a: int, b: int) -> str:
    return "   -  " if b == 0 else f"{100.0 * a / b:6.1f}"


def table(title: str, tallies: dict[str, Tally]) -> list[str]:
    out = [
        f"{title:<24} {'var':>5} {'cons%':>6} {'parse':>5} {'crash':>5} | {'tamp':>5} {'caught%':>7} {'det%':>6} {'undet':>5} {'unusu':>5} {'unchk':>5} {'missed':>6} {'t-err':>5}"
    ]
    total = Tally()
    for key in sorted(tallies):
        t = tallies[key]
        for f in total.__dataclass_fields__:
            setattr(total, f, getattr(total, f) + getattr(t, f))
        out.append(_row(key, t))
    out.append(_row("ALL", total))
    return out


def _row(key: str, t: Tally) -> str:
    detectable = t.tampered - t.undetectable - t.unusual - t.unchecked
    return (
        f"{key:<24} {t.variants:>5} {pct(t.consistent, t.variants)} {t.parse_errors:>5} {t.crashes:>5} | "
        f"{t.tampered:>5} {pct(t.caught, t.tampered):>7} {pct(t.caught, detectable)} {t.undetectable:>5} {t.unusual:>5} {t.unchecked:>5} {t.missed:>6} {t.tamper_parse:>5}"
    )


def failure_text(failures: list[tuple[str, str, Outcome, str]], base_ok: dict[str, bool]) -> str:
    """The failures in three sections: the summaries that fail as Keras printed them (one entry
    each, the other mangles of them only counted), the mangles that break a summary read fine as
    printed (grouped by mangle), and the tampered copies not caught at the right place."""
    plain = [f for f in failures if f[2].kind not in TAMPER_KINDS and f[1] == "identity"]
    follow: dict[str, int] = defaultdict(int)
    for ident, mangle, o, _ in failures:
        if o.kind not in TAMPER_KINDS and mangle != "identity" and not base_ok.get(ident, True):
            follow[ident] += 1
    mangled = [f for f in failures if f[2].kind not in TAMPER_KINDS and f[1] != "identity" and base_ok.get(f[0], True)]
    tamper = [f for f in failures if f[2].kind in TAMPER_KINDS]
    out = [f"### 1. not consistent as Keras printed them ({len(plain)}; their other mangles not listed)"]
    for ident, _mangle, o, case in plain:
        out.append(f"== {ident} | {o.kind} | +{follow[ident]} mangles | {case}")
        out += ["   " + x for x in o.report]
    out.append("")
    out.append(f"### 2. broken by a mangle, consistent as printed ({len(mangled)})")
    by: dict[str, list[tuple[str, str, Outcome, str]]] = defaultdict(list)
    for f in mangled:
        by[f[1]].append(f)
    for mangle in sorted(by, key=lambda m: -len(by[m])):
        out.append(f"## {mangle}: {len(by[mangle])}")
        for ident, _, o, case in by[mangle][:25]:
            out.append(f"== {ident} | {mangle} | {o.kind} | {case}")
            out += ["   " + x for x in o.report[:6]]
        if len(by[mangle]) > 25:
            out.append(f"   ... {len(by[mangle]) - 25} more: " + ", ".join(f[0] for f in by[mangle][25:]))
    out.append("")
    out.append(f"### 3. tampering not caught at the right place ({len(tamper)})")
    for kind in ("missed", "tamper parse error", "tamper crash", "unusual", "undetectable", "unchecked"):
        group = [f for f in tamper if f[2].kind == kind]
        if group:
            out.append(f"## {kind}: {len(group)}")
        for ident, mangle, o, case in group:
            out.append(f"== {ident} | {mangle} | {o.kind} | {case}")
            out += ["   " + x for x in o.report[:8]]
    return "\n".join(out)


TAMPER_KINDS = {"missed", "undetectable", "unusual", "unchecked", "tamper parse error", "tamper crash"}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--lines", help="comma-separated corpus lines (default: all)")
    ap.add_argument("--mangles", help="comma-separated mangles (default: all)")
    ap.add_argument("--limit", type=int, default=0, help="at most N records per line")
    ap.add_argument("--tampers", type=int, default=3, help="tampered copies per record and mangle")
    ap.add_argument("--quick", action="store_true", help="small models only, 1 tamper per record and mangle")
    ap.add_argument(
        "--app-mangles",
        type=int,
        default=3,
        help="applications (app_*) go through the plain text and N-1 other mangles picked by hash (0: all)",
    )
    ap.add_argument("--app-tampers", type=int, default=1, help="tampered copies per application and mangle")
    ap.add_argument("--failures", default="/tmp/status/B-failures.txt")
    args = ap.parse_args(argv)
    lines = args.lines.split(",") if args.lines else None
    mangles = args.mangles.split(",") if args.mangles else list(sm.MANGLES)
    unknown = [m for m in mangles if m not in sm.MANGLES]
    if unknown:
        ap.error(f"unknown mangles {unknown}; known: {', '.join(sm.MANGLES)}")
    tampers = 1 if args.quick else args.tampers

    by_mangle: dict[str, Tally] = defaultdict(Tally)
    by_line: dict[str, Tally] = defaultdict(Tally)
    failures: list[tuple[str, str, Outcome, str]] = []  # ident, mangle, outcome, case file
    base_ok: dict[str, bool] = {}  # ident -> the identity mangle read as consistent
    cases = Path(args.failures + ".cases")
    shutil.rmtree(cases, ignore_errors=True)
    cases.mkdir(parents=True, exist_ok=True)
    worst: tuple[float, int, str] = (0.0, 0, "")
    worst_rate: tuple[float, float, int, str] = (0.0, 0.0, 0, "")  # cpu per 200 rows, for >= 50 rows
    per_line_count: dict[str, int] = defaultdict(int)
    started = time.perf_counter()

    def fail(ident: str, mangle: str, o: Outcome, text: str) -> None:
        name = f"{len(failures):04d}_{ident.replace('/', '_')}_{mangle}.txt"
        (cases / name).write_text(text, encoding="utf-8")
        failures.append((ident, mangle, o, str(cases / name)))

    for record in load_records(lines):
        line = str(record.get("line", "?"))
        if args.quick and is_application(record):
            continue
        if args.limit and per_line_count[line] >= args.limit:
            continue
        per_line_count[line] += 1
        ident = f"{line}/{record.get('model')}/{record.get('variant', '')}"
        text = str(record["text"])
        built = record.get("built", True)
        row_targets = sm.targets(text) if built else []
        chosen = [m for m in mangles if sm.applies(m, record)]
        if is_application(record) and args.app_mangles:
            others = [m for m in chosen if m != "identity"]
            keep = sm.pick(ident, len(others), args.app_mangles - ("identity" in chosen))
            chosen = [m for m in chosen if m == "identity"] + [others[k] for k in keep]
        n_tampers = args.app_tampers if is_application(record) else tampers
        for mangle in chosen:
            fn = sm.MANGLES[mangle]
            try:
                mangled = fn(text)
            except Exception as exc:  # noqa: BLE001 - a mangle that cannot apply is a bug here
                failures.append((ident, mangle, Outcome(False, f"mangle error {exc!r}"), ""))
                continue
            o = untampered(mangled, record)
            if mangle == "identity":
                base_ok[ident] = o.ok
            by_mangle[mangle].add_base(o)
            by_line[line].add_base(o)
            if o.cpu > worst[0]:
                worst = (o.cpu, o.rows, f"{ident} | {mangle}")
            if o.rows >= 50 and o.cpu * 200 / o.rows > worst_rate[0]:
                worst_rate = (o.cpu * 200 / o.rows, o.cpu, o.rows, f"{ident} | {mangle}")
            if not o.ok:
                fail(ident, mangle, o, mangled)
                continue  # tampering a paste that is not read as consistent tells nothing
            allowed = list(row_targets)
            if mangle in sm.DROPS_TOTALS or mangle in sm.DROPS_ROWS:
                allowed = [t for t in allowed if t not in sm.TOTAL_TARGETS]
            if mangle in sm.DROPS_ROWS:
                gone = sm.elided_names(text)
                allowed = [t for t in allowed if t not in gone]
            for k in sm.pick(f"{ident}|{mangle}", len(allowed), n_tampers):
                target = allowed[k]
                tamper = sm.tamper_digit(text, target, seed=sm.seed_of(f"{ident}|{mangle}|{target}"))
                t_text = fn(tamper.text)
                to = tampered(t_text, tamper, o.base)
                by_mangle[mangle].add_tamper(to)
                by_line[line].add_tamper(to)
                if not to.ok:
                    fail(ident, mangle, to, t_text)

    elapsed = time.perf_counter() - started
    out = table("mangle", by_mangle) + [""] + table("line", by_line)
    out += [
        "",
        "var: untampered variants (record x mangle); cons%: read and reported consistent; parse/crash: unreadable or crashed.",
        "tamp: single-digit tampered copies (of variants read as consistent); caught%: the tampered row UNEXPLAINED or the",
        "  tampered total line not ok, the model not consistent, no genuine row newly WRONG; det%: caught among the",
        "  detectable (tamp - undet - unusu - unchk).",
        "undet: the tampered row explained by other plain hidden values (an unseen input size, a vocabulary, bias on/off:",
        "  no checker can flag that row); unusu: explained only by values the genuine row did not need and ordinary models",
        "  rarely have (groups, channels_first, BatchNormalization axis 1, dilation, a kernel side > 7 or rectangular):",
        "  values the issue asks the search to try, so not detectable either, but listed apart to watch the search's reach;",
        "  unchk: the row is not checkable, as the genuine row was not (custom layer, nested model, cut count);",
        "  missed: anything else (the flag elsewhere, or none; an explained genuine row turned unchecked); t-err: the",
        "  tampered copy did not read or crashed.",
        f"worst CPU per summary: {worst[0]:.3f} s ({worst[1]} rows) at {worst[2]}",
    ]
    if worst_rate[3]:
        out.append(
            f"worst CPU per 200 rows (summaries >= 50 rows): {worst_rate[0]:.3f} s ({worst_rate[1]:.3f} s on {worst_rate[2]} rows) at {worst_rate[3]};"
            f" ratio to the 1 s target: {worst_rate[0] / 1.0:.2f}"
        )
    out.append(f"records per line: {dict(per_line_count)}; wall {elapsed:.0f} s; failures: {len(failures)} -> {args.failures}")
    print("\n".join(out))
    Path(args.failures).parent.mkdir(parents=True, exist_ok=True)
    Path(args.failures).write_text(
        f"# {time.strftime('%Y-%m-%d %H:%M:%S UTC', time.gmtime())}  benchmarks/summary_corpus.py {' '.join(argv or sys.argv[1:])}\n"
        + "\n".join(out)
        + "\n\n"
        + failure_text(failures, base_ok)
        + "\n",
        encoding="utf-8",
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
