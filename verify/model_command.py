"""``paramproof model NAME|PATH``: a whole model, the engine's summary, then each Keras line's check.

A PATH is read by its bytes (:mod:`verify.modelfile`), described by the engine from its
configuration, and checked on the Keras lines that can load it (:mod:`verify.model_lines`): side
by side for a Keras 1/2 file, which is the Keras 2 → 3 migration check.  A NAME is a
``keras.applications`` model.  ``DIR/models/<name>.csv`` is always written, whatever the verdict:
with ``--no-keras`` (the engine's rows alone), and when Keras refuses the file.

Exit codes: 0 when some Keras line confirmed the whole model and none disagrees with the engine;
1 on a discrepancy, or when no line could check every layer (a custom class, a Lambda without a
declared shape) — with ``--no-keras``, on a row the engine cannot describe; 2 on bad input, and
when no installed Keras line can build the file (the one line says why).
"""

from __future__ import annotations

import argparse
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from rich.console import Console
from rich.table import Table

import formulas

from .cli import UsageError, parse_dims
from .compare import Status
from .modelfile import engine_failure

EXIT_OK, EXIT_DISCREPANCY, EXIT_USAGE = 0, 1, 2
#: Keras lines a user may ask for.
KERAS_LINE_CHOICES = ("auto", "3", "2", "both")


def looks_like_path(target: str) -> bool:
    return (
        os.sep in target
        or "/" in target
        or Path(target).suffix.lower() in (".keras", ".json", ".h5", ".hdf5", ".pb")
        or Path(target).exists()
    )


def _say(console: Console, text: str, style: str | None = None) -> None:
    """User and file text is never read as rich markup (a layer named ``[x]`` stays ``[x]``)."""
    console.print(text, markup=False, highlight=False, style=style)


def _print_summary(expected: Any, console: Console) -> None:
    _say(console, expected.summary(width=max(100, min(console.width, 160))))


def run(args: argparse.Namespace, console: Console) -> int:
    shapes = [parse_dims(t, None) for t in args.input_shape] if args.input_shape else None
    if not looks_like_path(args.target):
        if args.keras_line not in ("auto", "3") and not args.no_keras:
            raise UsageError("--keras-line applies to model files; a keras.applications NAME is built by the installed Keras")
        return _application(args, console, shapes)
    return _file(args, console, shapes)


# -- a model file -------------------------------------------------------------------------------------


def _file(args: argparse.Namespace, console: Console, shapes: Any) -> int:
    from .model_lines import check_line, formula_only_rows, line_version, lines_for, native_line
    from .models import ModelLoadError, read_model_file
    from .zoo import write_model_rows

    path = Path(args.target)
    try:
        model_file = read_model_file(path)  # a corrupt file fails here, before TensorFlow loads
    except ModelLoadError as exc:
        raise UsageError(str(exc)) from None
    name = path.stem or path.name
    _say(console, model_file.header())
    for note in model_file.notes:
        _say(console, f"  note: {note}")
    lines = lines_for(model_file, args.keras_line)
    first_version = line_version(lines[0]) or line_version(native_line()) or "3"
    expected, summary = describe(model_file, first_version, shapes, width=max(100, min(console.width, 160)))
    _say(console, summary)
    if args.no_keras:
        detail = "formula only: not checked against Keras (--no-keras)"
        out = write_model_rows(name, formula_rows(model_file, expected, detail), args.out)
        bad = [r for r in expected.layers if r.error is not None] + [r for r in expected.operations if r.error is not None]
        _say(console, f"derived for Keras {first_version}; not checked against Keras (--no-keras)")
        for row in bad:
            kind = "no formula" if row.no_formula else "invalid"
            _say(console, f"{kind}: {row.name} ({row.class_name}): {row.error}", "red")
        if bad:
            _say(console, f"{len(bad)} row(s) not described: the totals leave them out", "bold red")
        _say(console, f"report: {out}")
        return EXIT_DISCREPANCY if bad else EXIT_OK
    results = [_checked_line(check_line, model_file, shapes, args.input_shape, line) for line in lines]
    rows = [row for r in results for row in r.rows]
    out = write_model_rows(name, rows or formula_only_rows(expected, "not checked: no Keras line built it", ""), args.out)
    for r in results:
        for row in r.rows:
            if row["status"] not in (str(Status.MATCH), str(Status.SKIPPED)):
                _say(console, f"{r.label}: {row['status']} {row['layer']} ({row['class']}): {row['detail']}", "red")
    built = [r for r in results if r.built]
    code = exit_code(results)
    if len(results) > 1:
        _lines_table(results, console)
    if built:
        _say(console, _verdict_line(results), "bold")
    _say(console, f"report: {out}")
    if code == EXIT_USAGE:
        raise UsageError(f"{path}: no installed Keras line can build it: " + "; ".join(f"{r.label}: {r.detail}" for r in results))
    return code


def describe(model_file: Any, version: str, shapes: Any, width: int = 100) -> tuple[Any, str]:
    """The engine's :class:`formulas.ModelExpectation` of a model file for Keras ``version``, and
    its printed summary.  A configuration the engine refuses is a UsageError (one line naming the
    file); so is any other exception the engine raises on it (a bug, said so), never a traceback."""
    path = model_file.path
    try:
        expected = formulas.expect_model(model_file.config_for(version), keras=version, input_shapes=shapes)
        return expected, expected.summary(width=width)
    except ValueError as exc:
        raise UsageError(f"{path}: {' '.join(str(exc).split())}") from None
    except Exception as exc:  # noqa: BLE001 - the last line of defence: an engine bug ends in one line
        raise UsageError(engine_failure(path, exc)) from None


def formula_rows(model_file: Any, expected: Any, detail: str) -> list[dict[str, Any]]:
    """The CSV rows of the engine's answer alone (``--no-keras``), guarded as :func:`describe` is."""
    from .model_lines import formula_only_rows

    try:
        return formula_only_rows(expected, detail, "")
    except Exception as exc:  # noqa: BLE001 - the last line of defence: an engine bug ends in one line
        raise UsageError(engine_failure(model_file.path, exc)) from None


def _checked_line(check_line: Any, model_file: Any, shapes: Any, shape_texts: Any, line: str) -> Any:
    """One Keras line's check; an exception the harness should not raise on this configuration
    (preparing a hostile config for Keras) is that line's CRASHED result, as in the child process
    (``python -m verify.model_lines``), never a traceback."""
    from .model_lines import LineResult, line_version

    try:
        return check_line(model_file, shapes, shape_texts, line)
    except UsageError:
        raise
    except Exception as exc:  # noqa: BLE001 - the last line of defence: a harness bug is this line's result
        detail = engine_failure(model_file.path, exc, "preparing for Keras", "the harness").removeprefix(f"{model_file.path}: ")
        return LineResult(line, line_version(line) or "", "", Status.CRASHED, detail)


def exit_code(results: Sequence[Any]) -> int:
    """2 when no line built the model; 1 when a line that built it disagrees with the engine, or
    when none checked every layer; else 0: some line confirmed the whole model (or differs from
    the engine only by a recorded Keras bug), and another line may have set aside what it lacks
    (a Keras 2 TFOpLambda on Keras 3) or refused the file."""
    built = [r for r in results if r.built]
    if not built:
        return EXIT_USAGE
    if any(r.status in (Status.MISMATCH, Status.CRASHED, Status.FORMULA_ONLY_INVALID) for r in built):
        return EXIT_DISCREPANCY
    return EXIT_OK if any(r.status in (Status.MATCH, Status.KNOWN_ISSUE) for r in built) else EXIT_DISCREPANCY


def _count(value: int | None) -> str:
    return "" if value is None else f"{value:,}"


def _lines_table(results: Sequence[Any], console: Console) -> None:
    table = Table(title="Keras lines side by side (totals: the engine's, then Keras's)")
    table.add_column("Keras", no_wrap=True)
    table.add_column("status", no_wrap=True)
    for col in ("engine", "Keras", "trainable", "non-trainable"):
        table.add_column(col, justify="right", no_wrap=True)
    for r in results:
        label = r.label if r.backend in ("", "tensorflow") else f"{r.label} ({r.backend})"
        table.add_row(
            label,
            str(r.status),
            _count(r.formula_total),
            _count(r.keras_total),
            _count(r.keras_trainable),
            _count(r.keras_non_trainable),
        )
    console.print(table)


def _verdict_line(results: Sequence[Any]) -> str:
    """One line per file: ``confirmed by Keras 3.15.1 (tensorflow): …``, or the lines side by side
    (``tf-keras 2.21.0: 9,291,118 · Keras 3.15.1: refused, …``; ``same 1,234 on both``)."""
    if len(results) == 1:
        r = results[0]
        where = f"{r.label} ({r.backend})" if r.backend else r.label
        if r.status is Status.MATCH:
            return f"confirmed by {where}: {r.detail}"
        return f"{r.status} on {where}: {r.detail}"
    totals = {r.keras_total for r in results if r.status is Status.MATCH}
    if len(totals) == 1 and all(r.status is Status.MATCH for r in results):
        return f"confirmed on every line: same {next(iter(totals)):,} params on " + " and ".join(r.label for r in results)
    if len({(r.status, r.detail) for r in results}) == 1:
        r = results[0]
        return f"{r.status} on " + " and ".join(x.label for x in results) + f": {r.detail}"
    parts = []
    for r in results:
        if r.status is Status.MATCH:
            parts.append(f"{r.label}: confirmed, {r.keras_total:,}")
        elif r.built:
            parts.append(f"{r.label}: {r.status}, {r.detail}")
        else:
            parts.append(f"{r.label}: {r.detail}")
    return " · ".join(parts)


# -- a keras.applications model ------------------------------------------------------------------------


def _application(args: argparse.Namespace, console: Console, shapes: Any) -> int:
    name = args.target
    if args.no_keras:
        from . import zoo_configs
        from .cli import _installed_keras_version
        from .zoo import line_of

        version = _installed_keras_version()
        line = line_of(version)
        try:
            config = zoo_configs.load(name, line)
        except (LookupError, OSError):
            known = ", ".join(zoo_configs.names(line))
            raise UsageError(f"no committed {line} config for {name!r} in verify/zoo_configs (known: {known})") from None
        try:
            expected = formulas.expect_model(config, keras=version, input_shapes=shapes)
        except ValueError as exc:
            raise UsageError(f"{name}: {exc}") from None
        _print_summary(expected, console)
        _say(console, f"derived for Keras {version}; not checked against Keras (--no-keras)")
        return EXIT_OK if expected.complete else EXIT_DISCREPANCY
    from .harness import KerasEnv
    from .models import ModelLoadError, build_application, compare_model, model_config, observe_model
    from .zoo import write_model_csv

    env = KerasEnv()
    version = env.version
    try:
        model = build_application(env, name, shapes)
    except ModelLoadError as exc:
        raise UsageError(str(exc)) from None
    try:
        expected = formulas.expect_model(model_config(model), keras=version)
    except ValueError as exc:
        raise UsageError(f"{name}: {exc}") from None
    _print_summary(expected, console)
    check = compare_model(name, expected, observe_model(env, model, {}), version, env.backend)
    path = write_model_csv(check, args.out)
    where = f"Keras {version} ({env.backend})"
    for row in check.disagreeing:
        _say(console, f"{row.status} {row.name} ({row.class_name}): {row.detail}", "red")
    if check.status is Status.MATCH:
        _say(console, f"confirmed by {where}: {check.detail}", "green")
    else:
        _say(console, f"{check.status} on {where}: {check.detail}", "bold red")
    _say(console, f"report: {path}")
    return EXIT_OK if check.status is Status.MATCH else EXIT_DISCREPANCY


__all__ = ["KERAS_LINE_CHOICES", "describe", "exit_code", "formula_rows", "looks_like_path", "run"]
