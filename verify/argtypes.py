"""Argument types shared by the commands (argparse ``type=`` callables): the message says what
was wrong with the value."""

from __future__ import annotations

import argparse
import math

#: The longest --timeout (a year): select() under the pool refuses an infinite or a huge wait.
MAX_SECONDS = 365 * 24 * 3600


def _cut(text: str) -> str:
    return repr(text) if len(text) <= 40 else f"{text[:20]!r}... ({len(text):,} characters)"


def positive_int(text: str) -> int:
    if len(text.strip().lstrip("+-").replace("_", "").lstrip("0")) > 18:
        raise argparse.ArgumentTypeError(f"{_cut(text)} is more than 18 digits long, past any count this takes")
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_cut(text)} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{_cut(text)} is not a number of seconds") from None
    if not math.isfinite(value) or value > MAX_SECONDS:
        raise argparse.ArgumentTypeError(f"{_cut(text)} must be a finite number of seconds, at most {MAX_SECONDS:,}")
    if value <= 0:
        raise argparse.ArgumentTypeError(f"{value} must be more than 0")
    return value


def worker_options(parser: argparse.ArgumentParser, *, unit: str = "case") -> None:
    """-j and --timeout: the options of every command that builds in worker processes."""
    from .pool import default_jobs

    parser.add_argument(
        "-j",
        "--jobs",
        type=positive_int,
        default=default_jobs(),
        metavar="N",
        help=f"worker processes (default: the number of cores, {default_jobs()})",
    )
    parser.add_argument(
        "--timeout",
        type=positive_float,
        default=None,
        metavar="S",
        help=f"give up on a {unit} after S seconds (status skipped, reason timeout)",
    )


def build_options(parser: argparse.ArgumentParser, *, unit: str = "case", resume: bool = True) -> None:
    """:func:`worker_options`, [--resume,] --max-params and -q: run, sweep and zoo."""
    worker_options(parser, unit=unit)
    if resume:
        parser.add_argument(
            "--resume",
            action="store_true",
            help=f"keep the {unit}s already in DIR/journal.jsonl for this Keras version and run the rest",
        )
    parser.add_argument(
        "--max-params",
        type=positive_int,
        default=None,
        metavar="N",
        help=f"skip, without building, a {unit} whose formula gives more parameters (default: sized for this machine's memory)",
    )
    parser.add_argument("-q", "--quiet", action="store_true", help="no progress bar")
