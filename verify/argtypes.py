"""Argument types shared by the commands (argparse ``type=`` callables): the message says what
was wrong with the value."""

from __future__ import annotations

import argparse


def positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a whole number") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"{value} must be at least 1")
    return value


def positive_float(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a number of seconds") from None
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
