"""The ``paramproof`` command (also ``python -m verify``).

Exit codes: 0 as expected, 1 discrepancies, 2 bad input or usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeElapsedColumn
from rich.table import Table

import formulas

from . import __version__

EXIT_OK, EXIT_DISCREPANCY, EXIT_USAGE = 0, 1, 2

STATUS_ORDER = (
    "match",
    "both_invalid",
    "known_issue",
    "mismatch",
    "keras_only_invalid",
    "formula_only_invalid",
    "no_formula",
    "skipped",
    "crashed",
)


class UsageError(Exception):
    """Bad arguments: printed without a traceback, exit 2."""


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
    run.add_argument("--quiet", action="store_true", help="no progress bar")

    sweep = sub.add_parser("sweep", help="check seeded random configurations of every layer against Keras")
    sweep.add_argument("--per-layer", type=int, default=10, metavar="N", help="cases drawn per layer class (default 10)")
    sweep.add_argument("--seed", type=int, default=0, metavar="S", help="random seed (default 0)")
    sweep.add_argument(
        "--layers", nargs="+", metavar="CLASS", help="only these classes (default: every class with a formula and a space)"
    )
    sweep.add_argument("--out", type=Path, default=Path("reports") / "sweep", metavar="DIR", help="default: reports/sweep/")
    sweep.add_argument("--shrink", type=int, default=5, metavar="N", help="shrink at most N failures (one per class and status)")
    sweep.add_argument("--quiet", action="store_true", help="no progress bar")

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
    explain.add_argument("--no-keras", action="store_true", help="do not import TensorFlow/Keras: derive only")
    explain.add_argument(
        "--keras",
        default=None,
        metavar="VERSION",
        help="Keras version the derivation is for (default: the installed one, or 3 with --no-keras)",
    )
    return parser


def parse_params(params: Sequence[str]) -> dict[str, Any]:
    config: dict[str, Any] = {}
    for item in params:
        key, sep, text = item.partition("=")
        if not sep or not key:
            raise UsageError(f"config value {item!r} is not key=value")
        try:
            config[key] = json.loads(text)
        except json.JSONDecodeError:
            config[key] = text
    return config


def parse_dims(text: str, batch: str | None) -> tuple[int | None, ...]:
    dims: list[int | None] = []
    for part in text.replace("(", "").replace(")", "").split(","):
        part = part.strip()
        if not part:
            continue
        if part.lower() in ("none", "null", "?"):
            dims.append(None)
            continue
        try:
            value = int(part)
        except ValueError:
            raise UsageError(f"--input-shape {text!r}: {part!r} is not an integer or None") from None
        if value < 0:
            raise UsageError(f"--input-shape {text!r}: {value} is negative")
        dims.append(value)
    batch_dim = None if batch in (None, "None", "none") else int(batch)  # type: ignore[arg-type]
    return (batch_dim, *dims)


def cmd_explain(args: argparse.Namespace, console: Console) -> int:
    config = parse_params(args.params)
    shapes = [parse_dims(s, args.batch) for s in args.input_shape]
    input_shape: Any = shapes[0] if len(shapes) == 1 else shapes
    layer = {"class_name": args.class_name, "config": config}
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
        console.print(f"[bold red]no formula:[/] {exc}")
        return EXIT_USAGE
    except formulas.InvalidLayerError as exc:
        expected, formula_error = None, str(exc)
        console.print(f"[yellow]Keras {version} would refuse this layer:[/] {exc}")
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    if expected is not None:
        console.print(expected.explain(), markup=False, highlight=False)
        console.print(
            f"trainable {expected.trainable:,} · non-trainable {expected.non_trainable:,} · total {expected.total:,}",
            highlight=False,
        )
    if env is None:
        console.print(f"derived for Keras {version}; not checked against Keras (--no-keras)", highlight=False)
        return EXIT_OK
    from .cases import parse_case
    from .compare import Status, compare

    case = parse_case({"id": "explain", "layer": layer, "input_shape": input_shape}, "command line")
    observed = env.observe(args.class_name, config, case.input_shape)
    status, detail = compare(case, expected, formula_error, observed)
    where = f"Keras {env.version} ({env.backend})"
    if status is Status.MATCH:
        console.print(f"[green]confirmed by {where}[/]: {detail}", highlight=False)
    elif status is Status.BOTH_INVALID:
        console.print(f"[green]confirmed by {where}[/]: Keras refuses it too ({observed.error})", highlight=False)
    else:
        console.print(f"[bold red]{status} on {where}[/]: {detail}", highlight=False)
    return EXIT_OK if status.ok else EXIT_DISCREPANCY


def _execute(cases: list[Any], problems: list[str], out: Path, quiet: bool, console: Console) -> tuple[list[Any], Any]:
    """Run ``cases`` with a progress bar, write the reports, print the summary table; returns the
    results and the KerasEnv."""
    from .harness import KerasEnv
    from .report import family_table, status_counts, write_reports
    from .runner import run_cases

    err = Console(stderr=True, soft_wrap=True)
    for problem in problems:
        err.print(f"[red]bad input:[/] {problem}", highlight=False)
    env = KerasEnv()
    err.print(f"paramproof: {len(cases)} case(s) on Keras {env.version} ({env.backend})", highlight=False)
    progress = Progress(
        TextColumn("[progress.description]{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeElapsedColumn(),
        console=err,
        transient=True,
        disable=quiet or not err.is_terminal,
    )
    with progress:
        task = progress.add_task("building layers", total=len(cases))
        results = run_cases(cases, env, lambda r: progress.update(task, advance=1, description=r.case.id[:40]))
    paths_written = write_reports(results, {**env.versions(), "paramproof": __version__}, out)

    counts = status_counts(results)
    table = Table(title=f"paramproof on Keras {env.version} ({env.backend})")
    table.add_column("family")
    present = [s for s in STATUS_ORDER if counts.get(s)]
    for status in present:
        table.add_column(status, justify="right")
    table.add_column("cases", justify="right")
    for fam, fam_counts in family_table(results):
        table.add_row(fam, *[str(fam_counts.get(s, "")) for s in present], str(sum(fam_counts.values())))
    table.add_row("[bold]all[/]", *[f"[bold]{counts[s]}[/]" for s in present], f"[bold]{len(results)}[/]")
    console.print(table)
    bad = [r for r in results if not r.status.ok]
    for r in bad[:25]:
        console.print(f"[red]{r.status}[/] {r.case.id} ({r.case.source}): {r.detail}", highlight=False)
    if len(bad) > 25:
        console.print(f"… and {len(bad) - 25} more in {paths_written['discrepancies']}", highlight=False)
    console.print(
        f"reports: {paths_written['results']}, {paths_written['discrepancies']}, {paths_written['environment']}",
        highlight=False,
    )
    return results, env


def _exit_code(results: list[Any], problems: list[str], console: Console) -> int:
    if problems:
        console.print(f"[red]{len(problems)} bad input line(s)[/]; the other cases ran", highlight=False)
        return EXIT_USAGE
    if not results:
        console.print("[red]no cases to run[/]")
        return EXIT_USAGE
    return EXIT_DISCREPANCY if any(not r.status.ok for r in results) else EXIT_OK


def cmd_run(args: argparse.Namespace, console: Console) -> int:
    from .cases import builtin_paths, load_cases

    cases, problems = load_cases(args.cases or builtin_paths())
    results, _ = _execute(cases, problems, args.out, args.quiet, console)
    return _exit_code(results, problems, console)


def cmd_sweep(args: argparse.Namespace, console: Console) -> int:
    from .harness import KerasEnv
    from .runner import run_case
    from .spaces import all_spaces
    from .sweep import draw, shrink, to_json

    spaces = all_spaces()
    env = KerasEnv()
    available = set(formulas.supported(keras=env.version))
    if args.layers:
        unknown = [c for c in args.layers if c not in spaces]
        if unknown:
            raise UsageError(f"no sweep space for {', '.join(unknown)} (known: {', '.join(sorted(spaces))})")
        classes = list(args.layers)
    else:
        classes = sorted(c for c in spaces if c in available)
    cases, problems = draw(spaces, classes, args.per_layer, args.seed)
    results, env = _execute(cases, problems, args.out, args.quiet, console)
    failures = [r for r in results if not r.status.ok]
    shown: set[tuple[str, str]] = set()
    for result in failures:
        key = (result.case.class_name, str(result.status))
        if key in shown or len(shown) >= args.shrink:
            continue
        shown.add(key)
        smallest = shrink(result.case, lambda c, st=result.status: run_case(c, env).status == st)
        console.print(f"[red]{result.status}[/] smallest case that reproduces it:", highlight=False)
        console.print(to_json(smallest), markup=False, highlight=False)
        console.print(f"  {run_case(smallest, env).detail}", markup=False, highlight=False)
    return _exit_code(results, problems, console)


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


def main(argv: Sequence[str] | None = None) -> int:
    console = Console(soft_wrap=True)
    parser = _parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse: 0 for --help/--version, 2 for usage errors
        return int(exc.code or 0)
    try:
        commands = {"run": cmd_run, "sweep": cmd_sweep, "coverage": cmd_coverage, "explain": cmd_explain}
        return commands[args.command](args, console)
    except UsageError as exc:
        Console(stderr=True, soft_wrap=True).print(f"paramproof: error: {exc}", markup=False, highlight=False)
        return EXIT_USAGE


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
