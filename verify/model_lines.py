"""A model file checked on each Keras line that can load it: Keras 3 and Keras 2, side by side.

Keras 3 reads Keras 3 configurations and, through its legacy loader, most Keras 1/2 ones; Keras 2
(tf-keras, or the ``keras`` package of TensorFlow ≤ 2.15) reads Keras 1/2 configurations only.
The line this process imports is checked here; another line is checked in a child process
(``python -m verify.model_lines PATH``) with ``TF_USE_LEGACY_KERAS`` set for it, since one
process holds one Keras.  Each line gives a :class:`LineResult`; checking both lines of a Keras 2
file is the Keras 2 → 3 migration check ("same 25,636,712 on both", or what Keras 3 refuses).
"""

from __future__ import annotations

import argparse
import importlib.metadata as md
import importlib.util
import json
import os
import re
import subprocess
import sys
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from functools import cache
from pathlib import Path
from typing import Any

import formulas

from .compare import Status
from .modelfile import ModelFile

#: The Keras lines, newest first.
LINES = ("3", "2")
#: Statuses of a line that did not build the model at all.
NOT_BUILT = frozenset({Status.KERAS_ONLY_INVALID, Status.BOTH_INVALID, Status.SKIPPED})
#: How long a child process may take to import Keras, build and observe a model.
CHILD_TIMEOUT = 900
#: Keras bugs met in whole models (loading them, or their symbolic shapes), with their evidence.
MODEL_ISSUES = Path(__file__).parent / "data" / "model_issues.json"


@dataclass(frozen=True)
class LineResult:
    """One Keras line's verdict on a model file.  ``rows`` are the CSV rows (:data:`MODEL_COLUMNS`)."""

    line: str
    keras_version: str
    backend: str
    status: Status
    detail: str
    formula_total: int | None = None
    keras_total: int | None = None
    keras_trainable: int | None = None
    keras_non_trainable: int | None = None
    rows: tuple[dict[str, Any], ...] = ()

    @property
    def built(self) -> bool:
        return self.status not in NOT_BUILT

    @property
    def label(self) -> str:
        name = "tf-keras" if self.line == "2" and _has_tf_keras() else "Keras"
        return f"{name} {self.keras_version}" if self.keras_version else f"Keras {self.line}"

    def to_json(self) -> str:
        return json.dumps({**asdict(self), "status": str(self.status)})

    @classmethod
    def from_json(cls, text: str) -> LineResult:
        data = json.loads(text)
        data.pop("path", None)
        data["status"] = Status(data["status"])
        data["rows"] = tuple(data.get("rows") or ())
        return cls(**data)


# -- which lines ----------------------------------------------------------------------------------


def _legacy_env() -> bool:
    return os.environ.get("TF_USE_LEGACY_KERAS", "").lower() in ("1", "true", "yes")


def _has_tf_keras() -> bool:
    return importlib.util.find_spec("tf_keras") is not None


def _version(package: str) -> str | None:
    try:
        return md.version(package)
    except md.PackageNotFoundError:
        return None


def native_line() -> str:
    """The line this process imports (without importing it)."""
    if _legacy_env():
        return "2"
    return "2" if (_version("keras") or "3").startswith("2") else "3"


def line_version(line: str) -> str | None:
    """The Keras version a process of ``line`` would import here, or None when none is installed."""
    keras = _version("keras")
    if line == "3":
        return keras if keras and keras.startswith("3") else None
    if _has_tf_keras():
        return _version("tf_keras")
    return keras if keras and keras.startswith("2") else None


def lines_for(model_file: ModelFile, choice: str) -> list[str]:
    """The lines to check, the file's own first: ``3``, ``2``, ``both``, or ``auto`` (Keras 3; and
    Keras 2 too for a Keras 1/2 file, which is the migration check)."""
    own = "3" if model_file.keras3_format else "2"
    if choice in LINES:
        return [choice]
    if choice == "both" or own == "2":
        return [own, "3" if own == "2" else "2"]
    return ["3"]


# -- one line ----------------------------------------------------------------------------------------


def formula_only_rows(expected: Any, detail: str, version: str) -> list[dict[str, Any]]:
    """CSV rows of the engine's answer alone (Keras not run, or it refused the file)."""
    from .models import LayerCheck, ModelCheck
    from .zoo import layer_rows

    checks = []
    for row in expected.layers:
        if row.error is not None:
            status = Status.NO_FORMULA if row.no_formula else Status.FORMULA_ONLY_INVALID
            checks.append(LayerCheck(row.name, row.class_name, row, None, status, f"formula: {row.error}"))
        else:
            checks.append(LayerCheck(row.name, row.class_name, row, None, Status.SKIPPED, detail))
    return layer_rows(ModelCheck(expected.name, Status.SKIPPED, detail, version, "", expected, None, tuple(checks)))


def check_here(model_file: ModelFile, shapes: Sequence[Any] | None, line: str) -> LineResult:
    """Check the file on the Keras this process imports (which must be of ``line``)."""
    from .harness import KerasEnv
    from .models import ModelLoadError, NothingToBuild, compare_model, load_model_file, observe_model
    from .zoo import layer_rows

    env = KerasEnv()
    version, backend = env.version, env.backend
    if not version.startswith(line):
        return LineResult(
            line, "", "", Status.SKIPPED, f"Keras {line} is not installed here (this environment has Keras {version})"
        )
    name = model_file.path.stem or model_file.path.name
    try:
        expected = formulas.expect_model(
            model_file.config_for(version), keras=version, input_shapes=list(shapes) if shapes else None
        )
    except ValueError as exc:
        return LineResult(line, version, backend, Status.FORMULA_ONLY_INVALID, f"formula: {' '.join(str(exc).split())}")
    try:
        model, safe = load_model_file(env, model_file, shapes)
    except NothingToBuild as exc:
        return _nothing_built(expected, exc.pruned, line, version, backend)
    except ModelLoadError as exc:
        status = Status.KERAS_ONLY_INVALID if expected.complete else Status.BOTH_INVALID
        detail = _without_path(str(exc), model_file.path).replace(f"refused by Keras {version}:", "refused:", 1)
        first = next((r for r in (*expected.layers, *expected.operations) if r.error is not None and not r.no_formula), None)
        if first is not None:
            detail += f" (the engine refuses it too: {first.name}: {first.error})"
        issue = known_model_issue(detail, line, model_file)
        if issue is not None:
            detail = _explained(detail, issue)
        return LineResult(
            line, version, backend, status, detail, expected.total, rows=tuple(formula_only_rows(expected, detail, version))
        )
    try:
        observed = observe_model(env, model, safe.pruned)
    except ModelLoadError as exc:
        status = Status.KERAS_ONLY_INVALID if expected.complete else Status.BOTH_INVALID
        detail = f"refused: {exc}"
        return LineResult(
            line, version, backend, status, detail, expected.total, rows=tuple(formula_only_rows(expected, detail, version))
        )
    check = compare_model(name, expected, observed, version, backend)
    status, detail = check.status, check.detail
    issue = None if status is Status.MATCH else known_model_issue(detail, line, model_file)
    if issue is not None:
        status, detail = Status.KNOWN_ISSUE, _explained(detail, issue)
    return LineResult(
        line,
        version,
        backend,
        status,
        detail,
        expected.total,
        observed.count_params,
        observed.trainable,
        observed.non_trainable,
        tuple(layer_rows(check)),
    )


@cache
def model_issues() -> tuple[dict[str, Any], ...]:
    return tuple(json.loads(MODEL_ISSUES.read_text(encoding="utf-8"))["issues"])


def file_conditions(model_file: ModelFile) -> frozenset[str]:
    """Facts about a file that a model issue may require (its ``when``)."""
    found = set()
    layers = (model_file.config.get("config") or {}).get("layers") or []
    first = layers[0] if isinstance(layers, list) and layers and isinstance(layers[0], dict) else {}
    first_config = first.get("config") if isinstance(first.get("config"), dict) else {}
    if (
        model_file.config.get("class_name") == "Sequential"
        and first.get("class_name") != "InputLayer"
        and first_config.get("batch_input_shape") is not None
    ):
        found.add("sequential-without-input-layer")
    for spec in _layer_specs_deep(model_file.config):
        inner = (spec.get("config") or {}).get("layer") if isinstance(spec.get("config"), dict) else None
        if isinstance(inner, dict) and "class_name" in inner and "module" not in inner:
            found.add("wrapper-inner-layer-without-module")
    return frozenset(found)


def _layer_specs_deep(config: Any) -> list[dict[str, Any]]:
    """Every layer entry of a model config, nested models' included."""
    out: list[dict[str, Any]] = []
    layers = (
        (config.get("config") or {}).get("layers")
        if isinstance(config, dict) and isinstance(config.get("config"), dict)
        else None
    )
    for spec in layers or []:
        if isinstance(spec, dict):
            out.append(spec)
            out.extend(_layer_specs_deep(spec))
    return out


def known_model_issue(detail: str, line: str, model_file: ModelFile) -> dict[str, Any] | None:
    """The recorded Keras bug that explains a line's verdict on this file, if one does."""
    conditions = file_conditions(model_file)
    for issue in model_issues():
        if line not in issue["lines"] or (issue["serialization"] == "keras1/2" and model_file.keras3_serialized):
            continue
        if issue.get("when") and issue["when"] not in conditions:
            continue
        if re.search(issue["pattern"], detail):
            return issue
    return None


def _explained(detail: str, issue: dict[str, Any]) -> str:
    links = " ".join(issue["links"])
    return f"{detail} — known Keras issue {issue['id']}: {issue['summary']}{f' ({links})' if links else ''}"


def _nothing_built(expected: Any, pruned: dict[str, str], line: str, version: str, backend: str) -> LineResult:
    """Every layer but the inputs set aside: each row says why, and the model is not checked."""
    from .models import LayerCheck, ModelCheck
    from .zoo import layer_rows

    checks = []
    for row in expected.layers:
        if row.name in pruned:
            checks.append(LayerCheck(row.name, row.class_name, row, None, Status.NO_FORMULA, pruned[row.name]))
        elif row.error is not None:
            status = Status.NO_FORMULA if row.no_formula else Status.FORMULA_ONLY_INVALID
            checks.append(LayerCheck(row.name, row.class_name, row, None, status, f"formula: {row.error}"))
        else:
            checks.append(LayerCheck(row.name, row.class_name, row, None, Status.SKIPPED, "an input: nothing after it is built"))
    first, why = next(iter(pruned.items()), ("?", ""))
    detail = f"0 of {len(checks)} layers checked: every layer after the inputs depends on {first!r} ({why})"
    check = ModelCheck(expected.name, Status.NO_FORMULA, detail, version, backend, expected, None, tuple(checks))
    return LineResult(line, version, backend, Status.NO_FORMULA, detail, expected.total, rows=tuple(layer_rows(check)))


def _without_path(text: str, path: Path) -> str:
    prefix = f"{path}: "
    return text[len(prefix) :] if text.startswith(prefix) else text


def check_elsewhere(path: Path, shape_texts: Sequence[str] | None, line: str) -> LineResult:
    """Check the file on ``line`` in a child process that imports that line's Keras."""
    env = {k: v for k, v in os.environ.items() if k != "TF_USE_LEGACY_KERAS"}
    if line == "2" and _has_tf_keras():
        env["TF_USE_LEGACY_KERAS"] = "1"
    env.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
    args = [sys.executable, "-m", "verify.model_lines", str(path), "--line", line]
    for text in shape_texts or ():
        args += ["--input-shape", text]
    try:
        done = subprocess.run(args, capture_output=True, text=True, env=env, timeout=CHILD_TIMEOUT)
    except subprocess.TimeoutExpired:
        return LineResult(line, line_version(line) or "", "", Status.CRASHED, f"timeout: no answer in {CHILD_TIMEOUT} s")
    for text in reversed(done.stdout.strip().splitlines()):
        if text.startswith("{"):
            try:
                return LineResult.from_json(text)
            except (ValueError, TypeError, KeyError):
                break
    tail = " ".join((done.stderr or "").strip().splitlines()[-1:])[:300]
    return LineResult(
        line, line_version(line) or "", "", Status.CRASHED, f"the Keras {line} process ended with {done.returncode}: {tail}"
    )


def check_line(model_file: ModelFile, shapes: Sequence[Any] | None, shape_texts: Sequence[str] | None, line: str) -> LineResult:
    if line_version(line) is None:
        have = ", ".join(f"Keras {v}" for v in filter(None, (line_version(x) for x in LINES))) or "no Keras"
        extra = " (pip install tf-keras)" if line == "2" else ""
        return LineResult(line, "", "", Status.SKIPPED, f"Keras {line} is not installed here{extra}; this environment has {have}")
    if line == native_line():
        return check_here(model_file, shapes, line)
    return check_elsewhere(model_file.path, shape_texts, line)


# -- the child process ----------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    """The child process: check each PATH on this process's Keras, one JSON line per path."""
    from .cli import UsageError, parse_dims
    from .models import ModelLoadError, read_model_file

    parser = argparse.ArgumentParser(prog="python -m verify.model_lines", description=__doc__)
    parser.add_argument("paths", type=Path, nargs="+", metavar="PATH")
    parser.add_argument("--line", choices=LINES, required=True)
    parser.add_argument("--input-shape", action="append", default=None)
    args = parser.parse_args(argv)
    for path in args.paths:
        try:
            model_file = read_model_file(path)
            shapes = [parse_dims(t, None) for t in args.input_shape] if args.input_shape else None
            result = check_here(model_file, shapes, args.line)
        except (ModelLoadError, UsageError, ValueError) as exc:
            result = LineResult(args.line, "", "", Status.BOTH_INVALID, " ".join(str(exc).split()))
        except Exception as exc:  # noqa: BLE001 - one file's failure is its result, the others still run
            result = LineResult(args.line, "", "", Status.CRASHED, f"harness error: {type(exc).__name__}: {exc}")
        print(json.dumps({"path": str(path), **json.loads(result.to_json())}), flush=True)
    return 0


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())


__all__ = ["LINES", "LineResult", "check_line", "formula_only_rows", "lines_for", "native_line"]
