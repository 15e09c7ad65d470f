"""The zoo: every ``keras.applications`` model, engine against Keras against the documentation.

Reports (tidy CSV, written atomically through pandas):

* ``zoo.csv``, one row per model: the engine's totals, Keras's, the layers that disagree, the
  status, and the total keras.io publishes (``verify/data/published_params.json``, documentation
  data as published, rounded to 0.1M) with whether it agrees after that rounding;
* ``models/<name>.csv``, one row per top-level layer (also what ``paramproof model`` writes).

Nothing here imports TensorFlow: the models are built in worker processes (``verify.models``).
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from decimal import ROUND_HALF_EVEN, Decimal
from functools import cache
from pathlib import Path
from typing import Any

import formulas
from formulas import format_output_shape

from .compare import Status
from .models import ModelCheck
from .runner import over_budget

PUBLISHED_PATH = Path(__file__).parent / "data" / "published_params.json"

ZOO_COLUMNS = [
    "model",
    "keras_version",
    "backend",
    "formula_total",
    "keras_total",
    "formula_trainable",
    "keras_trainable",
    "formula_non_trainable",
    "keras_non_trainable",
    "layers",
    "layers_disagreeing",
    "disagreeing_layers",
    "status",
    "detail",
    "published_total",
    "published_agrees",
    "seconds",
]

MODEL_COLUMNS = [
    "keras",
    "layer",
    "class",
    "formula",
    "formula_trainable",
    "formula_non_trainable",
    "formula_total",
    "keras_trainable",
    "keras_non_trainable",
    "keras_total",
    "formula_output_shape",
    "keras_output_shape",
    "status",
    "detail",
]

_INT_COLUMNS = [c for c in ZOO_COLUMNS + MODEL_COLUMNS if c.startswith(("formula_t", "keras_t", "formula_n", "keras_n"))] + [
    "layers",
    "layers_disagreeing",
]


def line_of(version: str) -> str:
    """The ``verify/zoo_configs`` line for a Keras version: ``keras3`` or ``keras2``."""
    return "keras3" if version.startswith("3") else "keras2"


@cache
def published() -> dict[str, Any]:
    """The documentation data: ``{"source", "read_on", "parameters": {model: "25.6M"}, ...}``."""
    return json.loads(PUBLISHED_PATH.read_text(encoding="utf-8"))  # type: ignore[no-any-return]


_PUBLISHED = re.compile(r"^(\d+(?:\.(\d+))?)M$")


def published_agrees(text: str, total: int | None) -> str:
    """``yes`` when ``total`` rounds to the published figure at its precision ("25.6M": to 0.1M),
    else ``no: <total> is <rounded>M``; empty when there is nothing to compare."""
    match = _PUBLISHED.match(text or "")
    if not match or total is None:
        return ""
    decimals = len(match.group(2) or "")
    quantum = Decimal(1).scaleb(-decimals)
    rounded = (Decimal(total) / Decimal(10**6)).quantize(quantum, rounding=ROUND_HALF_EVEN)
    if rounded == Decimal(match.group(1)):
        return "yes"
    return f"no: {total:,} is {rounded}M"


def too_large(name: str, line: str, version: str, backend: str, max_params: int) -> ModelCheck | None:
    """A ``skipped`` check, the engine's totals included, for a model whose committed config
    (``verify/zoo_configs``) has more parameters than the budget; None when it fits or there is
    no committed config (the model is then built unguarded)."""
    from . import zoo_configs

    try:
        config = zoo_configs.load(name, line)
        expected = formulas.expect_model(config, keras=version)
    except (LookupError, ValueError, OSError):
        return None
    detail = over_budget(expected.total, max_params)
    return None if detail is None else ModelCheck(name, Status.SKIPPED, detail, version, backend, expected)


def zoo_row(check: ModelCheck) -> dict[str, Any]:
    e, o = check.expected, check.observed
    text = str(published()["parameters"].get(check.name, ""))
    keras_total = o.count_params if o is not None and not o.pruned else None
    total_for_docs = keras_total if keras_total is not None else (e.total if e is not None and e.complete else None)
    bad = check.disagreeing
    return {
        "model": check.name,
        "keras_version": check.keras_version,
        "backend": check.backend,
        "formula_total": e.total if e is not None else None,
        "keras_total": keras_total,
        "formula_trainable": e.trainable if e is not None else None,
        "keras_trainable": o.trainable if o is not None else None,
        "formula_non_trainable": e.non_trainable if e is not None else None,
        "keras_non_trainable": o.non_trainable if o is not None else None,
        "layers": len(check.rows) if check.rows else None,
        "layers_disagreeing": len(bad) if check.rows else None,
        "disagreeing_layers": "; ".join(f"{r.name} ({r.status})" for r in bad[:20]) + (" …" if len(bad) > 20 else ""),
        "status": str(check.status),
        "detail": check.detail,
        "published_total": text,
        "published_agrees": published_agrees(text, total_for_docs),
        "seconds": round(check.seconds, 2) if check.seconds else None,
    }


def _frame(rows: Sequence[Mapping[str, Any]], columns: list[str]) -> Any:
    import pandas as pd  # here, so that `paramproof model --no-keras` does not pay for it

    frame = pd.DataFrame(list(rows), columns=columns)
    for col in columns:
        if col in _INT_COLUMNS:
            frame[col] = pd.to_numeric(frame[col]).astype("Int64")
    return frame


def write_zoo_csv(checks: Sequence[ModelCheck], out_dir: Path) -> Path:
    from .report import write_csv_atomic

    path = out_dir / "zoo.csv"
    write_csv_atomic(_frame([zoo_row(c) for c in sorted(checks, key=lambda c: c.name)], ZOO_COLUMNS), path)
    return path


def _shape(shape: Any) -> str:
    return "" if shape is None else format_output_shape(shape)


def layer_rows(check: ModelCheck) -> list[dict[str, Any]]:
    out = []
    for r in check.rows:
        e, o = r.expected, r.observed
        described = e is not None and e.error is None
        out.append(
            {
                "keras": check.keras_version,
                "layer": r.name,
                "class": r.class_name,
                "formula": e.formula if described else "",
                "formula_trainable": e.trainable if described else None,
                "formula_non_trainable": e.non_trainable if described else None,
                "formula_total": e.total if described else None,
                "keras_trainable": o.trainable if o is not None else None,
                "keras_non_trainable": o.non_trainable if o is not None else None,
                "keras_total": o.total if o is not None else None,
                "formula_output_shape": _shape(e.output_shape) if e is not None else "",
                "keras_output_shape": _shape(o.output_shape) if o is not None else "",
                "status": str(r.status),
                "detail": r.detail,
            }
        )
    return out


def safe_filename(name: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.-]+", "_", name) or "model"


def write_model_csv(check: ModelCheck, out_dir: Path) -> Path:
    """``out_dir/models/<name>.csv``: one row per top-level layer."""
    return write_model_rows(check.name, layer_rows(check), out_dir)


def write_model_rows(name: str, rows: Sequence[Mapping[str, Any]], out_dir: Path) -> Path:
    """``out_dir/models/<name>.csv`` from rows of :func:`layer_rows` (one Keras line's after another's).
    Standard library only, so that ``paramproof model --no-keras`` never imports pandas."""
    import csv
    import io

    from .atomic import write_atomic

    buffer = io.StringIO()
    writer = csv.DictWriter(buffer, fieldnames=MODEL_COLUMNS, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    for row in rows:
        writer.writerow({k: "" if row.get(k) is None else row.get(k) for k in MODEL_COLUMNS})
    path = out_dir / "models" / f"{safe_filename(name)}.csv"
    write_atomic(path, buffer.getvalue())
    return path


__all__ = [
    "MODEL_COLUMNS",
    "ZOO_COLUMNS",
    "layer_rows",
    "line_of",
    "published",
    "published_agrees",
    "too_large",
    "write_model_csv",
    "write_model_rows",
    "write_zoo_csv",
    "zoo_row",
]
