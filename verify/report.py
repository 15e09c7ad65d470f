"""Reports: tidy CSVs written atomically through pandas, and the tables a person reads."""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

import pandas as pd

import formulas
from formulas import format_output_shape, format_shape

from .compare import Result, Status

RESULT_COLUMNS = [
    "case_id",
    "layer",
    "family",
    "config",
    "input_shape",
    "keras_version",
    "backend",
    "expected_trainable",
    "expected_non_trainable",
    "observed_trainable",
    "observed_non_trainable",
    "observed_count_params",
    "expected_output_shape",
    "observed_output_shape",
    "eager_input_shape",
    "eager_output_shape",
    "expected_weights",
    "observed_weights",
    "status",
    "detail",
    "source",
]


def _shape_text(shape: Any) -> str:
    if not shape:
        return format_shape(tuple(shape)) if shape is not None else ""
    if isinstance(shape[0], tuple):
        return "[" + ", ".join(format_shape(s) for s in shape) + "]"
    return format_shape(shape)


def _weights_text(weights: Sequence[formulas.Weight]) -> str:
    return "; ".join(f"{w.name}{format_shape(w.shape)}{'' if w.trainable else ' NT'}" for w in weights)


def result_row(r: Result) -> dict[str, Any]:
    e, o = r.expected, r.observed
    seen = o is not None and not o.refused
    return {
        "case_id": r.case.id,
        "layer": r.case.class_name,
        "family": formulas.family(r.case.class_name),
        "config": json.dumps(r.case.config, sort_keys=True),
        "input_shape": _shape_text(r.case.input_shape),
        "keras_version": r.keras_version,
        "backend": r.backend,
        "expected_trainable": e.trainable if e else None,
        "expected_non_trainable": e.non_trainable if e else None,
        "observed_trainable": o.trainable if seen else None,  # type: ignore[union-attr]
        "observed_non_trainable": o.non_trainable if seen else None,  # type: ignore[union-attr]
        "observed_count_params": o.count_params if seen else None,  # type: ignore[union-attr]
        "expected_output_shape": format_output_shape(e.output_shape) if e else "",
        "observed_output_shape": format_output_shape(o.output_shape) if seen else "",  # type: ignore[union-attr, arg-type]
        "eager_input_shape": _shape_text(o.eager_input_shape) if seen and o.eager_input_shape else "",  # type: ignore[union-attr]
        "eager_output_shape": format_output_shape(o.eager_output_shape) if seen and o.eager_output_shape else "",  # type: ignore[union-attr]
        "expected_weights": _weights_text(e.weights) if e else "",
        "observed_weights": _weights_text(o.weights) if seen else "",  # type: ignore[union-attr]
        "status": str(r.status),
        "detail": r.detail,
        "source": r.case.source,
    }


def results_frame(results: Sequence[Result]) -> pd.DataFrame:
    frame = pd.DataFrame([result_row(r) for r in results], columns=RESULT_COLUMNS)
    for col in (
        "expected_trainable",
        "expected_non_trainable",
        "observed_trainable",
        "observed_non_trainable",
        "observed_count_params",
    ):
        frame[col] = frame[col].astype("Int64")
    return frame


def write_csv_atomic(frame: pd.DataFrame, path: Path) -> None:
    """Write to a temp file in the same folder, then ``os.replace`` it over ``path``."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="") as handle:
            frame.to_csv(handle, index=False)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def write_reports(results: Sequence[Result], environment: Mapping[str, str], out_dir: Path) -> dict[str, Path]:
    frame = results_frame(results)
    ok = frame["status"].isin([s.value for s in Status if s.ok])
    paths = {
        "results": out_dir / "results.csv",
        "discrepancies": out_dir / "discrepancies.csv",
        "environment": out_dir / "environment.csv",
    }
    write_csv_atomic(frame, paths["results"])
    write_csv_atomic(frame[~ok], paths["discrepancies"])
    env = pd.DataFrame(sorted(environment.items()), columns=["component", "version"])
    write_csv_atomic(env, paths["environment"])
    return paths


def status_counts(results: Sequence[Result]) -> Counter[str]:
    return Counter(str(r.status) for r in results)


def family_table(results: Sequence[Result]) -> list[tuple[str, dict[str, int]]]:
    """Per layer family: counts per status, families sorted by name."""
    table: dict[str, Counter[str]] = {}
    for r in results:
        table.setdefault(formulas.family(r.case.class_name), Counter())[str(r.status)] += 1
    return [(fam, dict(counts)) for fam, counts in sorted(table.items())]
