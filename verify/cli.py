"""The ``paramproof`` command (also ``python -m verify``).

Exit codes: 0 as expected, 1 discrepancies, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import os
import signal
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    ProgressColumn,
    Task,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)
from rich.table import Table
from rich.text import Text

import formulas

from . import __version__
from .argtypes import build_options, positive_int
from .atomic import write_atomic

EXIT_OK, EXIT_DISCREPANCY, EXIT_USAGE = 0, 1, 2

STATUS_ORDER = (
    "match",
    "both_invalid",
    "known_issue",
    "mismatch",
    "keras_only_invalid",
    "formula_only_invalid",
    "eager_failed",
    "no_formula",
    "skipped",
    "crashed",
)


class UsageError(Exception):
    """Bad arguments: printed without a traceback, exit 2."""


def _shard(text: str) -> tuple[int, int]:
    from .cases import parse_shard

    try:
        return parse_shard(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="paramproof",
        description="Prove (or refute) closed-form Keras parameter-count and output-shape formulas against real Keras.",
    )
    parser.add_argument("--version", action="version", version=f"paramproof {__version__}")
    sub = parser.add_subparsers(dest="command", required=True)

    run = sub.add_parser("run", help="run case catalogs against the engine and the installed Keras")
    run.add_argument(
        "--cases",
        action="append",
        metavar="FILE",
        type=Path,
        help="a JSON Lines case file (repeatable); default: the built-in catalog",
    )
    run.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="where the CSV reports go (default: reports/)"
    )
    run.add_argument(
        "--shard",
        type=_shard,
        default=None,
        metavar="I/N",
        help="run only shard I of N (a fixed 1/N of the cases, by a hash of the case id; for CI fleets)",
    )
    build_options(run)

    matrix = sub.add_parser(
        "matrix",
        help="merge every run under reports/ into matrix.csv and matrix.md (cases that differ between versions)",
        description=(
            "Find every run folder (results.csv with environment.csv beside it) below --reports, merge runs of the "
            "same Keras version and backend (shards), and write matrix.csv (one row per case; per run the status, "
            "observed parameters and output shape) and matrix.md (the runs, then every case whose observed result "
            "differs between runs, with its known explanation). Exit 0 when every difference is explained and no "
            "backends disagree, 1 otherwise, 2 when there is nothing to merge or a run folder cannot be read "
            "(the others are still merged)."
        ),
    )
    matrix.add_argument(
        "--reports", type=Path, default=Path("reports"), metavar="DIR", help="where the runs are (default: reports/)"
    )
    matrix.add_argument("--out", type=Path, default=None, metavar="DIR", help="where matrix.csv/.md go (default: --reports)")

    diff = sub.add_parser(
        "diff",
        help="the regression check: what changed between two results.csv files",
        description=(
            "Compare what Keras did in two runs (observed counts, weights, output shapes and status, case by case). "
            "Exit 0 when nothing changed, 1 listing each changed case (what changed, from what to what), 2 on bad "
            "input. Cases present in only one file are listed apart and do not count as changes."
        ),
    )
    diff.add_argument("old", type=Path, metavar="OLD.csv", help="results.csv of the earlier run")
    diff.add_argument("new", type=Path, metavar="NEW.csv", help="results.csv of the later run")

    sheet = sub.add_parser(
        "sheet",
        help="write the formula sheet: every covered class's formulas, a worked example and its verification status",
        description=(
            "Write FORMULAS.md: for every class with a formula, its weights in symbols, the total, the output-shape rule, "
            "what the symbols mean, a worked example computed by the engine, and the verification status per Keras "
            "version and backend from the runs under --reports (or 'not run'). --docs updates the committed copy "
            "(docs/FORMULAS.md, with the status counts it used in docs/verification.csv); --check exits 1 when the "
            "committed copy is stale. Never imports TensorFlow."
        ),
    )
    sheet.add_argument(
        "--reports", type=Path, default=Path("reports"), metavar="DIR", help="where the runs are (default: reports/)"
    )
    sheet.add_argument("--out", type=Path, default=None, metavar="FILE", help="default: DIR/FORMULAS.md")
    mode = sheet.add_mutually_exclusive_group()
    mode.add_argument("--docs", action="store_true", help="update docs/FORMULAS.md and docs/verification.csv from the runs")
    mode.add_argument("--check", action="store_true", help="exit 1 when docs/FORMULAS.md is not what the engine now gives")

    lesson = sub.add_parser(
        "lesson",
        help="write LESSON.md: the seed question and each of its answers, checked live against Keras",
        description=(
            "Build every layer the answers of the seed Q&A talk about (Flatten + Dense(10) on 28x28 = 7,850, Dense(514) "
            "on 514 inputs, Conv2D(32, 3x3) on RGB, Dense(10) on (218, 218, 128), and the wrong 'neurons = params / "
            "(units x 4)'), test their general formulas with claim's sampler, and write DIR/LESSON.md with what Keras "
            "says today and why. Every verdict is computed, none written by hand. Exit 0 when the engine agrees with "
            "Keras on every layer built, 1 otherwise."
        ),
    )
    lesson.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="LESSON.md goes here (default: reports/)"
    )
    lesson.add_argument("-j", "--jobs", type=positive_int, default=1, metavar="N", help="worker processes (default 1)")

    from .claim import add_claim_parser
    from .summary_check import add_check_summary_parser

    add_claim_parser(sub)
    add_check_summary_parser(sub)

    sweep = sub.add_parser("sweep", help="check seeded random configurations of every layer against Keras")
    sweep.add_argument("--per-layer", type=int, default=10, metavar="N", help="cases drawn per layer class (default 10)")
    sweep.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    sweep.add_argument(
        "--layers", nargs="+", metavar="CLASS", help="only these classes (default: every class with a formula and a space)"
    )
    sweep.add_argument("--out", type=Path, default=Path("reports") / "sweep", metavar="DIR", help="default: reports/sweep/")
    sweep.add_argument("--shrink", type=int, default=5, metavar="N", help="shrink at most N failures (one per class and status)")
    build_options(sweep)

    coverage = sub.add_parser("coverage", help="list the installed keras.layers classes as covered, exempt or missing")
    coverage.add_argument("--all", action="store_true", help="list covered classes too")

    explain = sub.add_parser("explain", help="derive one layer's weights and output shape, and confirm them on Keras")
    explain.add_argument("class_name", metavar="CLASS", help="Keras layer class, e.g. Dense")
    explain.add_argument(
        "params",
        nargs="*",
        metavar="key=value",
        help="config values, parsed as JSON where they parse (kernel_size=[3,3], use_bias=false), else strings (padding=same)",
    )
    explain.add_argument(
        "--input-shape",
        action="append",
        required=True,
        metavar="DIMS",
        help="dims without the batch axis, e.g. 224,224,3 (None for unknown); repeat for multi-input layers",
    )
    explain.add_argument("--batch", default=None, metavar="N", help="batch size (default: None)")
    explain.add_argument(
        "--format",
        choices=("text", "markdown"),
        default="text",
        help="text (default) or markdown, for pasting into notes",
    )
    explain.add_argument("--no-keras", action="store_true", help="do not import TensorFlow/Keras: derive only")
    explain.add_argument(
        "--keras",
        default=None,
        metavar="VERSION",
        help="Keras version the derivation is for (default: the installed one, or 3 with --no-keras)",
    )

    model = sub.add_parser(
        "model",
        help="a whole model: the formula summary from its config, checked layer by layer against Keras",
        description=(
            "Print the engine's summary of a model (every top-level layer with its formula, output shape and "
            "parameters, and the totals), computed from the model's configuration alone; then, unless --no-keras, "
            "build it in Keras, compare every layer weight by weight and the totals, print the disagreements and "
            "write DIR/models/<name>.csv (always written, with the full reasons). NAME is a keras.applications model "
            "(built with weights=None). PATH is a model file read by its bytes: a .keras archive, an HDF5 file "
            "(Keras 1, 2 or 3), to_json() output (dict or Keras 1-2.1 list form, or a JSON string holding it), a "
            "TensorFlow.js model.json or a Keras 2 SavedModel folder; Keras 1 configs are converted to Keras 2. Only "
            "the configuration is read, never the weights, and nothing of the file runs: a Lambda with a declared "
            "output_shape becomes a stand-in of that shape; one without, a custom class and what depends on them are "
            "reported no_formula, and the rest is still checked. A Keras 1/2 file is checked on Keras 3 and Keras 2 "
            "side by side (the migration check). Exit 0 when some Keras line confirms the whole model and none "
            "disagrees, 1 on a discrepancy or an unchecked layer, 2 on bad input or when no installed Keras line can "
            "build the file."
        ),
    )
    model.add_argument(
        "target", metavar="NAME|PATH", help="e.g. ResNet50, or my_model.keras / model.json / model.h5 / a SavedModel folder"
    )
    model.add_argument(
        "--input-shape",
        action="append",
        default=None,
        metavar="DIMS",
        help="input dims without the batch axis, e.g. 160,160,3 or None,None,3; repeat for several inputs",
    )
    model.add_argument(
        "--no-keras",
        action="store_true",
        help="do not import TensorFlow: the summary only (a NAME is read from the committed config in verify/zoo_configs)",
    )
    model.add_argument(
        "--keras-line",
        choices=("auto", "3", "2", "both"),
        default="auto",
        help=(
            "the Keras line(s) that check a file: 3 (Keras 3, with its legacy loader for Keras 1/2 files), 2 (tf-keras, "
            "in a child process), both (side by side: the Keras 2 -> 3 migration check), or auto (default: Keras 3, "
            "and Keras 2 too for a file written by Keras 1 or 2)"
        ),
    )
    model.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="DIR/models/<name>.csv is written (default: reports/)"
    )

    zoo = sub.add_parser(
        "zoo",
        help="every keras.applications model: engine, Keras and keras.io totals side by side",
        description=(
            "Build every keras.applications model of the installed Keras (weights=None) in worker processes, "
            "describe each with the engine from its own config, compare layer by layer and in total, and write "
            "DIR/zoo.csv (with the totals keras.io publishes, and whether they agree) and DIR/models/<name>.csv. "
            "Exit 0 when every model matches, 1 otherwise, 2 on bad input."
        ),
    )
    zoo.add_argument("--only", metavar="NAME,...", help="only these models (comma-separated), e.g. MobileNet,ResNet50")
    zoo.add_argument(
        "--out", type=Path, default=Path("reports"), metavar="DIR", help="where zoo.csv and models/ go (default: reports/)"
    )
    build_options(zoo, unit="model", resume=False)
    return parser


def _shown(text: str, limit: int = 60) -> str:
    """An argument as a message quotes it: repr, cut to ``limit`` characters."""
    return repr(text) if len(text) <= limit else f"{text[: limit - 20]!r}... ({len(text):,} characters)"


def parse_params(params: Sequence[str]) -> dict[str, Any]:
    """``key=value`` arguments as a config: each value JSON where it parses (within
    :mod:`verify.limits`: depth, string length, int64), else the text itself."""
    from .limits import MAX_STRING_CHARS, LimitError, loads

    config: dict[str, Any] = {}
    for item in params:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise UsageError(f"config value {_shown(item)} is not key=value")
        if len(item) > MAX_STRING_CHARS:
            raise UsageError(
                f"config value {_shown(item)}: {len(item):,} characters, over the limit of {MAX_STRING_CHARS:,} for one key=value argument"
            )
        try:
            config[key] = loads(text, f"config value {_shown(key, 40)}")
        except json.JSONDecodeError:
            config[key] = text
        except LimitError as exc:
            raise UsageError(str(exc)) from None
    return config


def _dim(part: str, text: str, what: str) -> int:
    """One dimension of ``what`` (``--input-shape``, ``--batch``): a whole number in int64."""
    from .limits import MAX_INT

    digits = part.lstrip("+-").replace("_", "")
    if not (digits.isascii() and digits.isdigit()):
        raise UsageError(f"{what} {_shown(text)}: {_shown(part, 30)} is not an integer or None")
    if len(digits.lstrip("0")) > 19:
        raise UsageError(f"{what} {_shown(text)}: {_shown(part, 30)} is past int64 (2^63 - 1), the limit for a dimension")
    try:
        value = int(part)
    except ValueError:  # "1__0", "_1": what int() refuses
        raise UsageError(f"{what} {_shown(text)}: {_shown(part, 30)} is not an integer or None") from None
    if value > MAX_INT:
        raise UsageError(f"{what} {_shown(text)}: {_shown(part, 30)} is past int64 (2^63 - 1), the limit for a dimension")
    if value < 0:
        raise UsageError(f"{what} {_shown(text)}: {value} is negative")
    return value


def parse_dims(text: str, batch: str | None) -> tuple[int | None, ...]:
    """``--input-shape 224,224,3`` (``None``, ``null`` or ``?`` for an unknown dim) with the batch
    axis first; at most :data:`verify.limits.MAX_RANK` dims in all."""
    from .limits import MAX_RANK

    parts = [p.strip() for p in text.replace("(", "").replace(")", "").split(",")]
    parts = [p for p in parts if p]
    if len(parts) + 1 > MAX_RANK:
        raise UsageError(
            f"--input-shape {_shown(text)}: rank {len(parts) + 1:,} with the batch axis, over the limit of {MAX_RANK} dimensions for one shape"
        )
    dims: list[int | None] = []
    for part in parts:
        if part.lower() in ("none", "null", "?"):
            dims.append(None)
            continue
        dims.append(_dim(part, text, "--input-shape"))
    batch_dim = None if batch is None or batch.strip().lower() in ("none", "null", "?") else _dim(batch.strip(), batch, "--batch")
    return (batch_dim, *dims)


def cmd_explain(args: argparse.Namespace, console: Console) -> int:
    """The derivation (each weight's formula in symbols, then in numbers, the total, the output
    shape step by step), then Keras's confirmation; as text or markdown."""
    config = parse_params(args.params)
    shapes = [parse_dims(s, args.batch) for s in args.input_shape]
    input_shape: Any = shapes[0] if len(shapes) == 1 else shapes
    layer = {"class_name": args.class_name, "config": config}
    markdown = args.format == "markdown"
    out = _ExplainReport(console, markdown)
    env = None
    version = args.keras
    if not args.no_keras:
        from .harness import KerasEnv

        env = KerasEnv()
        version = version or env.version
    version = version or "3"
    try:
        expected: formulas.Expectation | None = formulas.expect(layer, input_shape, keras=version)
        formula_error = None
    except formulas.UnknownLayerError as exc:
        out.line(f"no formula: {exc}", style="bold red")
        return EXIT_USAGE
    except formulas.InvalidLayerError as exc:
        expected, formula_error = None, str(exc)
        out.line(f"Keras {version} would refuse this layer: {exc}", style="yellow")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if expected is not None:
        out.derivation(expected)
    if env is None:
        out.line(f"derived for Keras {version}; not checked against Keras (--no-keras)")
        return EXIT_OK
    from .cases import parse_case
    from .compare import Status, compare

    case = parse_case({"id": "explain", "layer": layer, "input_shape": input_shape}, "command line")
    observed = env.observe(args.class_name, config, case.input_shape)
    status, detail = compare(case, expected, formula_error, observed)
    where = f"Keras {env.version} ({env.backend})"
    if status is Status.MATCH:
        out.line(f"confirmed by {where}: {detail}", style="green")
    elif status is Status.BOTH_INVALID:
        out.line(f"confirmed by {where}: Keras refuses it too ({observed.error})", style="green")
    else:
        out.line(f"{status} on {where}: {detail}", style="bold red")
    return EXIT_OK if status.ok else EXIT_DISCREPANCY


class _ExplainReport:
    """``explain``'s output: plain lines for a terminal, or markdown (a heading, one bullet per
    derivation step in code spans, the verdict in bold) for notes."""

    def __init__(self, console: Console, markdown: bool) -> None:
        self.console = console
        self.markdown = markdown

    def derivation(self, e: formulas.Expectation) -> None:
        counts = f"trainable {e.trainable:,} · non-trainable {e.non_trainable:,} · total {e.total:,}"
        if not self.markdown:
            self.console.print(e.explain(), markup=False, highlight=False)
            self.console.print(counts, highlight=False)
            return
        self.console.print(f"### `{e.title or e.class_name}`\n", markup=False, highlight=False)
        for step in e.derivation:
            self.console.print(f"- `{step}`", markup=False, highlight=False)
        self.console.print(f"\n{counts}\n", markup=False, highlight=False)

    def line(self, text: str, style: str = "") -> None:
        if self.markdown:
            self.console.print(f"**{text}**" if style else text, markup=False, highlight=False)
        elif style:
            self.console.print(Text(text, style=style))
        else:
            self.console.print(text, markup=False, highlight=False)


class RateColumn(ProgressColumn):
    """Cases (or models) per second."""

    def __init__(self, unit: str = "cases") -> None:
        super().__init__()
        self.unit = unit

    def render(self, task: Task) -> Text:
        speed = task.finished_speed or task.speed
        if speed is not None and speed < 1:
            return Text(f"{1 / speed:,.1f} s/{self.unit.rstrip('s')}", style="progress.data.speed")
        return Text("" if speed is None else f"{speed:,.1f} {self.unit}/s", style="progress.data.speed")


def progress_bar(err: Console, *, quiet: bool, unit: str = "cases") -> Progress:
    """The progress bar of every long command: on stderr, with rate and ETA, only when stderr is
    a terminal, never with -q."""
    return Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        RateColumn(unit),
        TimeElapsedColumn(),
        TimeRemainingColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )


class _Terminated(Exception):
    """SIGTERM: finish the reports like Ctrl-C does."""


def _on_sigterm(signum: int, frame: object) -> None:
    raise _Terminated


def _execute(
    cases: list[Any],
    problems: list[str],
    args: argparse.Namespace,
    console: Console,
    after: Callable[[Any, list[Any]], None] | None = None,
) -> tuple[list[dict[str, Any]], int | None]:
    """Run ``cases`` in worker processes with a progress bar, journal each result as it finishes,
    write the reports, print the summary table.  Returns the report rows and, when the run was
    interrupted, the exit code to use.  ``after(pool, results)`` runs before the pool closes."""
    from .pool import WorkerPool

    pool = WorkerPool(args.jobs, timeout=args.timeout)
    pool.launch()  # workers import TensorFlow while this process imports pandas

    from .report import Journal, family_table, result_row, status_counts
    from .runner import default_max_params, too_large

    err = Console(stderr=True, soft_wrap=True)
    for problem in problems:
        err.print(f"[red]bad input:[/] {escape(problem)}", highlight=False)
    order = {c.id: i for i, c in enumerate(cases)}
    journal = Journal(args.out, resume=args.resume)
    interrupted: int | None = None
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    info: dict[str, Any] = {}
    results: list[Any] = []
    try:
        info = pool.start()
        version, backend = info["keras"], info["backend"]
        done = journal.done(version)
        todo = [c for c in cases if c.id not in done]
        max_params = args.max_params or default_max_params(pool.jobs)
        resumed = f", {len(cases) - len(todo)} already done" if done else ""
        err.print(
            f"paramproof: {len(todo)} case(s) on Keras {version} ({backend}), {pool.jobs} worker(s){resumed}", highlight=False
        )
        progress = progress_bar(err, quiet=args.quiet)
        buildable = []
        with progress:
            task = progress.add_task("building layers", total=len(todo))
            for case in todo:
                skipped = too_large(case, version, backend, max_params)
                if skipped is None:
                    buildable.append(case)
                else:
                    results.append(skipped)
                    journal.append(result_row(skipped))
                    progress.update(task, advance=1)
            for result in pool.run(buildable):
                results.append(result)
                journal.append(result_row(result))
                progress.update(task, advance=1, description=result.case.id[:40])
        if after is not None:
            after(pool, results)
    except (KeyboardInterrupt, _Terminated):
        interrupted = 130
        err.print(
            f"[yellow]interrupted[/]: {len(results)} finished case(s) kept in {escape(str(args.out))}; --resume finishes the rest"
        )
    finally:
        signal.signal(signal.SIGTERM, previous)
        pool.close()
    environment = {**info.get("versions", {}), "paramproof": __version__, "workers": str(pool.jobs)}
    paths_written = journal.finish(order, environment)
    rows = journal.rows

    counts = status_counts(rows)
    title = f"paramproof on Keras {info.get('keras', '?')} ({info.get('backend', '?')})"
    table = Table(title=title)
    table.add_column("family")
    present = [s for s in STATUS_ORDER if counts.get(s)]
    for status in present:
        table.add_column(status, justify="right")
    table.add_column("cases", justify="right")
    for fam, fam_counts in family_table(rows):
        table.add_row(escape(fam), *[str(fam_counts.get(s, "")) for s in present], str(sum(fam_counts.values())))
    table.add_row("[bold]all[/]", *[f"[bold]{counts[s]}[/]" for s in present], f"[bold]{len(rows)}[/]")
    console.print(table)
    from .report import OK_STATUSES

    bad = [r for r in rows if r["status"] not in OK_STATUSES]
    for r in bad[:25]:
        what = f"{r['case_id']} ({r['source']}): {r['detail']}"
        console.print(f"[red]{escape(str(r['status']))}[/] {escape(what)}", highlight=False)
    if len(bad) > 25:
        console.print(f"… and {len(bad) - 25} more in {paths_written['discrepancies']}", markup=False, highlight=False)
    console.print(
        f"reports: {paths_written['results']}, {paths_written['discrepancies']}, {paths_written['environment']}",
        markup=False,
        highlight=False,
    )
    return rows, interrupted


def _exit_code(rows: list[dict[str, Any]], problems: list[str], interrupted: int | None, console: Console) -> int:
    from .report import OK_STATUSES

    if interrupted is not None:
        return interrupted
    if problems:
        console.print(f"[red]{len(problems)} bad input line(s)[/]; the other cases ran", highlight=False)
        return EXIT_USAGE
    if not rows:
        console.print("[red]no cases to run[/]")
        return EXIT_USAGE
    return EXIT_DISCREPANCY if any(r["status"] not in OK_STATUSES for r in rows) else EXIT_OK


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    from .cases import builtin_paths, load_cases

    cases, problems = load_cases(args.cases or builtin_paths())
    if args.shard is not None:
        from .cases import in_shard

        index, count = args.shard
        cases = [c for c in cases if in_shard(c.id, index, count)]
    rows, interrupted = _execute(cases, problems, args, console)
    return _exit_code(rows, problems, interrupted, console)


def cmd_sweep(args: argparse.Namespace, console: Console) -> int:
    from .spaces import all_spaces
    from .sweep import draw, shrink, to_json

    spaces = all_spaces()
    if args.layers:
        unknown = [c for c in args.layers if c not in spaces]
        if unknown:
            raise UsageError(f"no sweep space for {', '.join(unknown)} (known: {', '.join(sorted(spaces))})")
        classes = list(args.layers)
    else:
        classes = sorted(c for c in spaces if c in set(formulas.supported(keras=_installed_keras_version())))
    from .limits import MAX_CASES

    if args.per_layer < 1 or args.per_layer * len(classes) > MAX_CASES:
        raise UsageError(
            f"--per-layer {args.per_layer:,} for {len(classes)} class(es): at least 1, and at most {MAX_CASES:,} cases in all, the limit for one run"
        )
    cases, problems = draw(spaces, classes, args.per_layer, args.seed)

    def shrink_failures(pool: Any, results: list[Any]) -> None:
        shown: set[tuple[str, str]] = set()
        for result in results:
            key = (result.case.class_name, str(result.status))
            if result.status.ok or key in shown or len(shown) >= args.shrink:
                continue
            shown.add(key)
            smallest = shrink(result.case, lambda c, st=result.status: next(iter(pool.run([c]))).status == st)
            console.print(f"[red]{result.status}[/] smallest case that reproduces it:", highlight=False)
            console.print(to_json(smallest), markup=False, highlight=False)
            console.print(f"  {next(iter(pool.run([smallest]))).detail}", markup=False, highlight=False)

    rows, interrupted = _execute(cases, problems, args, console, after=shrink_failures)
    return _exit_code(rows, problems, interrupted, console)


def _installed_keras_version() -> str:
    """The Keras version a worker will see, without importing TensorFlow here."""
    import importlib.metadata as md

    if os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true", "yes"):
        return md.version("tf_keras")
    try:
        return md.version("keras")
    except md.PackageNotFoundError:  # pragma: no cover
        return "3"


def cmd_coverage(args: argparse.Namespace, console: Console) -> int:
    from .harness import KerasEnv

    env = KerasEnv()
    installed = sorted(
        n for n in dir(env.keras.layers) if not n.startswith("_") and isinstance(getattr(env.keras.layers, n), type)
    )
    covered = set(formulas.supported(keras=env.version))
    exempt = formulas.exempt()
    table = Table(title=f"keras.layers coverage on Keras {env.version}")
    table.add_column("class")
    table.add_column("status")
    table.add_column("reason / family")
    counts = {"covered": 0, "exempt": 0, "missing": 0}
    for name in installed:
        if name in covered:
            status, why = "covered", formulas.family(name)
        elif name in exempt:
            status, why = "exempt", exempt[name]
        else:
            status, why = "missing", "no formula"
        counts[status] += 1
        if args.all or status != "covered":
            colour = {"covered": "green", "exempt": "yellow", "missing": "red"}[status]
            table.add_row(name, f"[{colour}]{status}[/]", why)
    console.print(table)
    extra = sorted(covered - set(installed))
    if extra:
        console.print(f"formulas for classes this Keras does not export: {', '.join(extra)}", highlight=False)
    console.print(
        f"{len(installed)} classes: {counts['covered']} covered, {counts['exempt']} exempt, {counts['missing']} missing",
        highlight=False,
    )
    return EXIT_DISCREPANCY if counts["missing"] else EXIT_OK


def cmd_model(args: argparse.Namespace, console: Console) -> int:
    """The engine's summary, then (unless --no-keras) each Keras line's check (verify/model_command.py)."""
    from . import model_command

    return model_command.run(args, console)


def cmd_zoo(args: argparse.Namespace, console: Console) -> int:
    """Every keras.applications model in worker processes; zoo.csv; exit 0 when all match."""
    from .compare import Status
    from .models import ListApplications, ModelTask
    from .pool import WorkerPool

    pool = WorkerPool(args.jobs, eager=False)  # no timeout while the worker lists the models
    pool.launch()  # workers import TensorFlow while this process imports pandas

    from .runner import default_max_params
    from .zoo import line_of, published, too_large, write_model_csv, write_zoo_csv

    err = Console(stderr=True, soft_wrap=True)
    checks: list[Any] = []
    interrupted: int | None = None
    previous = signal.signal(signal.SIGTERM, _on_sigterm)
    info: dict[str, Any] = {}
    try:
        info = pool.start()
        version, backend = info["keras"], info["backend"]
        names = next(iter(pool.run([ListApplications()])))
        pool.timeout = args.timeout
        if args.only:
            wanted = [n.strip() for n in args.only.split(",") if n.strip()]
            unknown = [n for n in wanted if n not in names]
            if unknown:
                raise UsageError(
                    f"--only: {', '.join(unknown)} not in keras.applications of Keras {version} (known: {', '.join(names)})"
                )
            names = wanted
        line = line_of(version)
        max_params = args.max_params or default_max_params(pool.jobs)
        err.print(f"paramproof: {len(names)} model(s) on Keras {version} ({backend}), {pool.jobs} worker(s)", highlight=False)
        progress = progress_bar(err, quiet=args.quiet, unit="models")
        tasks = []
        with progress:
            task = progress.add_task("building models", total=len(names))
            for name in names:
                skipped = too_large(name, line, version, backend, max_params)
                if skipped is None:
                    tasks.append(ModelTask(name))
                else:
                    checks.append(skipped)
                    write_zoo_csv(checks, args.out)
                    progress.update(task, advance=1)
            for check in pool.run(tasks):
                checks.append(check)
                if check.rows:
                    write_model_csv(check, args.out)
                write_zoo_csv(checks, args.out)  # a few dozen rows: rewriting keeps the file whole after a kill
                progress.update(task, advance=1, description=check.name)
    except (KeyboardInterrupt, _Terminated):
        interrupted = 130
        err.print(f"[yellow]interrupted[/]: {len(checks)} finished model(s) kept in {args.out / 'zoo.csv'}")
    finally:
        signal.signal(signal.SIGTERM, previous)
        pool.close()
    path = write_zoo_csv(checks, args.out)
    _zoo_table(checks, info, console)
    counts: dict[str, int] = {}
    for c in checks:
        counts[str(c.status)] = counts.get(str(c.status), 0) + 1
    matched = counts.get("match", 0)
    console.print(
        f"{matched} of {len(checks)} model(s) match layer by layer and in total"
        + "".join(f"; {n} {s}" for s, n in sorted(counts.items()) if s != "match"),
        highlight=False,
    )
    console.print(f"keras.io totals: {published()['source']} (read {published()['read_on']})", highlight=False)
    console.print(f"report: {path}", highlight=False)
    if interrupted is not None:
        return interrupted
    return EXIT_OK if checks and all(c.status is Status.MATCH for c in checks) else EXIT_DISCREPANCY


def _zoo_table(checks: Sequence[Any], info: dict[str, Any], console: Console) -> None:
    from .zoo import zoo_row

    table = Table(title=f"keras.applications on Keras {info.get('keras', '?')} ({info.get('backend', '?')})")
    for col, justify in (
        ("model", "left"),
        ("formula", "right"),
        ("Keras", "right"),
        ("keras.io", "right"),
        ("docs agree", "left"),
        ("layers", "right"),
        ("status", "left"),
    ):
        table.add_column(col, justify=justify)  # type: ignore[arg-type]

    def num(v: Any) -> str:
        return "" if v is None else f"{v:,}"

    for check in sorted(checks, key=lambda c: c.name):
        row = zoo_row(check)
        colour = "green" if row["status"] == "match" else "red"
        layers = "" if row["layers"] is None else f"{row['layers'] - row['layers_disagreeing']}/{row['layers']}"
        table.add_row(
            row["model"],
            num(row["formula_total"]),
            num(row["keras_total"]),
            row["published_total"],
            row["published_agrees"],
            layers,
            f"[{colour}]{row['status']}[/]",
        )
    wide = console if console.is_terminal else Console(soft_wrap=True, width=max(console.width, 132))
    wide.print(table)
    for check in sorted(checks, key=lambda c: c.name):
        if str(check.status) != "match":
            console.print(f"[red]{check.status}[/] {check.name}: {check.detail}", highlight=False)


def cmd_matrix(args: argparse.Namespace, console: Console) -> int:
    """Merge the runs under --reports into matrix.csv and matrix.md."""
    import pandas as pd

    from .diff import DiffInputError
    from .matrix import WIDE, differences, discover, grouped, matrix_rows, newest_changes, render_markdown
    from .report import write_csv_atomic

    if not args.reports.is_dir():
        raise UsageError(f"{args.reports}: no such folder; run `make matrix` or `paramproof run --out {args.reports}/NAME` first")
    problems: list[str] = []
    try:
        runs = discover(args.reports, problems)
    except (DiffInputError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    err = Console(stderr=True, soft_wrap=True)
    for problem in problems:
        err.print(f"paramproof: error: {problem}", markup=False, highlight=False)
    if not runs:
        raise UsageError(f"{args.reports}: no run folders (results.csv with environment.csv beside it) below it")
    out = args.out or args.reports
    diffs = differences(runs)
    columns, rows = matrix_rows(runs)
    write_csv_atomic(pd.DataFrame(rows, columns=columns), out / "matrix.csv")
    markdown = out / "matrix.md"
    write_atomic(markdown, render_markdown(runs, diffs))
    table = Table(title=f"{len(runs)} run(s), {len(rows)} case(s)")
    for col in ("run", "cases", "match", "both_invalid", "known_issue", "skipped", "other"):
        table.add_column(col, justify="left" if col == "run" else "right")
    for run in runs:
        statuses = [r["status"] for r in run.rows.values()]
        counts = [statuses.count(s) for s in ("match", "both_invalid", "known_issue", "skipped")]
        table.add_row(escape(run.label), str(len(statuses)), *map(str, counts), str(len(statuses) - sum(counts)))
    console.print(table)
    unexplained = [d for d in diffs if "unexplained" in d.explanation]
    findings = [d for d in diffs if d.between_backends]
    newest = newest_changes(runs, diffs)
    if newest is not None:
        before, latest, changed = newest
        open_new = [d for d in changed if "unexplained" in d.explanation]
        console.print(
            f"Keras {latest.keras} changes {len(changed)} case(s) against {before.keras}: "
            f"{len(changed) - len(open_new)} explained, {len(open_new)} unexplained",
            markup=False,
            highlight=False,
        )
        for d in open_new:
            console.print(f"  unexplained in {latest.keras}: {d.case_id} ({d.layer})", markup=False, highlight=False)
        unexplained = open_new + [d for d in unexplained if d not in open_new]
    console.print(
        f"{len(diffs)} case(s) differ between runs: {len(diffs) - len(unexplained)} explained, "
        f"{len(unexplained)} unexplained, {len(findings)} between backends of one version",
        highlight=False,
    )
    for d in unexplained[:20]:
        cells = grouped(runs, d.cells) if len(runs) > WIDE else " | ".join(d.cells)
        console.print(f"  unexplained: {d.case_id} ({d.layer}): {cells}", markup=False, highlight=False)
    console.print(f"reports: {out / 'matrix.csv'}, {markdown}", markup=False, highlight=False)
    if problems:
        console.print(f"{len(problems)} run folder(s) could not be read; the other runs were merged", highlight=False)
        return EXIT_USAGE
    return EXIT_DISCREPANCY if unexplained or findings else EXIT_OK


def cmd_sheet(args: argparse.Namespace, console: Console) -> int:
    """The formula sheet (see verify.sheet)."""
    from . import sheet

    if args.check:
        have, want = sheet.committed()
        if have == want:
            console.print("docs/FORMULAS.md is up to date", highlight=False)
            return EXIT_OK
        console.print("docs/FORMULAS.md is stale: run `paramproof sheet --docs` after `make matrix` (or commit what it writes)")
        return EXIT_DISCREPANCY
    from .diff import DiffInputError
    from .matrix import discover

    try:
        runs = discover(args.reports) if args.reports.is_dir() else []
    except (DiffInputError, ValueError) as exc:
        raise UsageError(str(exc)) from None
    rows = sheet.status_from_runs(runs)
    text = sheet.render(rows)
    if args.docs:
        write_atomic(sheet.DOCS / "verification.csv", sheet.status_csv(rows))
        target = sheet.DOCS / "FORMULAS.md"
    else:
        target = args.out or args.reports / "FORMULAS.md"
    write_atomic(target, text)
    console.print(
        f"{target}: {len(formulas.supported())} classes, status from {len(runs)} run(s)"
        + ("" if runs else " (none found: every class 'not run')"),
        highlight=False,
    )
    return EXIT_OK


def cmd_lesson(args: argparse.Namespace, console: Console) -> int:
    """The seed's question and answers, checked live (see verify.lesson)."""
    from . import lesson
    from .pool import WorkerPool

    with WorkerPool(args.jobs) as pool:
        checks, env = lesson.check(pool)
    path = args.out / "LESSON.md"
    write_atomic(path, lesson.render_markdown(checks, env))
    disagree = 0
    for n, c in enumerate(checks, start=1):
        statuses = ", ".join(str(r.status) for r in c.results)
        verdicts = "; ".join(v for v in (c.verdict, f"formula {c.claim_verdict}" if c.claim_verdict else "") if v)
        console.print(f"answer {n} ({c.answer.title}): {verdicts} [engine vs Keras: {statuses}]", markup=False, highlight=False)
        disagree += sum(1 for r in c.results if not r.status.ok)
    console.print(f"{path} written on Keras {env['keras']} ({env['backend']})", highlight=False)
    return EXIT_DISCREPANCY if disagree else EXIT_OK


def _claim(args: argparse.Namespace, console: Console) -> int:
    from .claim import cmd_claim

    return cmd_claim(args, console)


def _check_summary(args: argparse.Namespace, console: Console) -> int:
    from .summary_check import cmd_check_summary

    return cmd_check_summary(args, console)


def cmd_diff(args: argparse.Namespace, console: Console) -> int:
    """The regression check between two results.csv files."""
    from .diff import DiffInputError, diff_files, render

    try:
        result = diff_files(args.old, args.new)
    except DiffInputError as exc:
        raise UsageError(str(exc)) from None
    console.print(render(result), markup=False, highlight=False)
    return EXIT_DISCREPANCY if result.regression else EXIT_OK


def main(argv: Sequence[str] | None = None) -> int:
    console = Console(soft_wrap=True)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(exc.code or 0)
    try:
        commands = {
            "run": cmd_run,
            "sweep": cmd_sweep,
            "coverage": cmd_coverage,
            "explain": cmd_explain,
            "model": cmd_model,
            "zoo": cmd_zoo,
            "matrix": cmd_matrix,
            "diff": cmd_diff,
            "sheet": cmd_sheet,
            "check-summary": _check_summary,
            "claim": _claim,
            "lesson": cmd_lesson,
        }
        return commands[args.command](args, console)
    except UsageError as exc:
        Console(stderr=True, soft_wrap=True).print(f"paramproof: error: {exc}", markup=False, highlight=False)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
