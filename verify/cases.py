"""Cases: one JSON object a line.  Bad lines are reported with file, line and value; the good
lines still run.

    {"id": "dense-784-10", "layer": {"class_name": "Dense", "config": {"units": 10}},
     "input_shape": [null, 784], "expect": "invalid"?, "requires": "keras>=3"?, "note": "..."?}
"""

from __future__ import annotations

import json
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

from formulas import KerasVersion, as_shape, is_multi

#: ``keras>=3``, ``<3.15``, ``>=3.16.0.dev2026102704`` (a keras-nightly build: compared as 3.16.0,
#: so the release that follows it satisfies the same condition).
_REQUIRES = re.compile(r"^\s*(?:keras)?\s*(>=|<=|==|!=|<|>)\s*([0-9][0-9.]*(?:\.?(?:dev|rc|a|b)[0-9]+)?)\s*$")
_KNOWN_KEYS = {"id", "layer", "input_shape", "expect", "requires", "input_dtype", "quantize", "note"}
DTYPES = ("float32", "float16", "bfloat16", "float64", "int32", "int64", "string", "bool")


def version_satisfies(spec: str, version: str) -> bool:
    """``"keras>=3"`` / ``">=3.14"`` / ``">=3,<3.15"`` (all must hold) against a Keras version; a
    bare major compares the line only."""
    if "," in spec:
        return all(version_satisfies(part.strip(), version) for part in spec.split(","))
    match = _REQUIRES.match(spec)
    if not match:
        raise ValueError(f"version condition {spec!r} must look like 'keras>=3' or '<3.14'")
    op, wanted = match.groups()
    have, want = KerasVersion.parse(version), KerasVersion.parse(wanted)
    if "." not in wanted:
        have_cmp: tuple[int, ...] = (have.major,)
        want_cmp: tuple[int, ...] = (want.major,)
    else:
        have_cmp = (have.major, have.minor, have.patch)
        want_cmp = (want.major, want.minor, want.patch)
    return {
        ">=": have_cmp >= want_cmp,
        "<=": have_cmp <= want_cmp,
        "==": have_cmp == want_cmp,
        "!=": have_cmp != want_cmp,
        "<": have_cmp < want_cmp,
        ">": have_cmp > want_cmp,
    }[op]


@dataclass(frozen=True)
class Case:
    id: str
    class_name: str
    config: Mapping[str, Any]
    input_shape: Any  # a shape tuple, or a tuple of shape tuples for multi-input layers
    expect_invalid: bool = False
    requires: str | None = None
    input_dtype: str | tuple[str, ...] = "float32"
    quantize: str | None = None
    note: str = ""
    source: str = ""  # "file:line"
    layer: Mapping[str, Any] = field(default_factory=dict, compare=False)

    def required_by(self, version: str) -> str | None:
        """Why this case does not apply to Keras ``version`` (None when it does)."""
        if not self.requires or version_satisfies(self.requires, version):
            return None
        return f"requires {self.requires}; this is Keras {version}"


class CaseError(ValueError):
    """A case line that cannot be used; the message names file, line and value."""


def builtin_paths() -> list[Path]:
    """The catalog shipped inside the package (works after ``pip install``)."""
    root = resources.files("verify") / "catalog"
    return sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".jsonl"))


def _excerpt(text: str) -> str:
    text = text.strip()
    return text if len(text) <= 120 else text[:117] + "..."


def parse_case(obj: Any, where: str, raw: str = "") -> Case:
    shown = _excerpt(raw) if raw else _excerpt(json.dumps(obj))
    if not isinstance(obj, Mapping):
        raise CaseError(f"{where}: a case must be a JSON object, got {shown}")
    unknown = set(obj) - _KNOWN_KEYS
    if unknown:
        raise CaseError(f"{where}: unknown key(s) {sorted(unknown)} in {shown}")
    case_id = obj.get("id")
    if not isinstance(case_id, str) or not case_id.strip():
        raise CaseError(f"{where}: 'id' must be a non-empty string, got {case_id!r}")
    layer = obj.get("layer")
    if not isinstance(layer, Mapping) or not isinstance(layer.get("class_name"), str):
        raise CaseError(
            f"{where}: case {case_id!r}: 'layer' must be {{'class_name': ..., 'config': {{...}}}}, got {_excerpt(json.dumps(layer))}"
        )
    config = layer.get("config") or {}
    if not isinstance(config, Mapping):
        raise CaseError(f"{where}: case {case_id!r}: layer 'config' must be an object, got {_excerpt(json.dumps(config))}")
    raw_shape = obj.get("input_shape")
    try:
        if is_multi(raw_shape):
            shape: Any = tuple(as_shape(s) for s in raw_shape)
        else:
            shape = as_shape(raw_shape)
    except ValueError as exc:
        raise CaseError(f"{where}: case {case_id!r}: {exc}") from None
    if not shape:
        raise CaseError(f"{where}: case {case_id!r}: input_shape must not be empty")
    expect = obj.get("expect")
    if expect not in (None, "invalid"):
        raise CaseError(f"{where}: case {case_id!r}: 'expect' may only be \"invalid\", got {expect!r}")
    requires = obj.get("requires")
    if requires is not None and (not isinstance(requires, str) or not _REQUIRES.match(requires)):
        raise CaseError(f"{where}: case {case_id!r}: 'requires' must look like \"keras>=3\", got {requires!r}")
    dtype = obj.get("input_dtype", "float32")
    dtypes = list(dtype) if isinstance(dtype, list) else [dtype]
    if not dtypes or any(d not in DTYPES for d in dtypes):
        raise CaseError(
            f"{where}: case {case_id!r}: 'input_dtype' must be one of {', '.join(DTYPES)} (or a list of them), got {dtype!r}"
        )
    if isinstance(dtype, list) and not (is_multi(raw_shape) and len(dtype) == len(shape)):
        raise CaseError(f"{where}: case {case_id!r}: a list 'input_dtype' needs one entry per input shape, got {dtype!r}")
    quantize = obj.get("quantize")
    if quantize is not None and (not isinstance(quantize, str) or not quantize):
        raise CaseError(f"{where}: case {case_id!r}: 'quantize' must be a mode name such as \"int8\", got {quantize!r}")
    note = obj.get("note") or ""
    return Case(
        id=case_id,
        class_name=layer["class_name"],
        config=dict(config),
        input_shape=shape,
        expect_invalid=expect == "invalid",
        requires=requires,
        input_dtype=tuple(dtype) if isinstance(dtype, list) else dtype,
        quantize=quantize,
        note=str(note),
        source=where,
        layer=dict(layer),
    )


def _display(path: Path) -> str:
    """The path as a person typed it, relative to the working directory where it can be."""
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def load_cases(paths: Iterable[Path | str]) -> tuple[list[Case], list[str]]:
    """All usable cases of ``paths`` in order, and one message per unusable line or file."""
    cases: list[Case] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as exc:
            problems.append(f"{path}: cannot read cases: {exc}")
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            where = f"{_display(path)}:{number}"
            try:
                obj = json.loads(line)
            except json.JSONDecodeError as exc:
                problems.append(f"{where}: invalid JSON ({exc.msg} at column {exc.colno}): {_excerpt(line)}")
                continue
            try:
                case = parse_case(obj, where, line)
            except CaseError as exc:
                problems.append(str(exc))
                continue
            if case.id in seen:
                problems.append(f"{where}: duplicate case id {case.id!r} (first at {seen[case.id]})")
                continue
            seen[case.id] = where
            cases.append(case)
    return cases, problems


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4): the second of four shards.  A ValueError names what is wrong."""
    match = re.fullmatch(r"\s*(\d+)\s*/\s*(\d+)\s*", text)
    if not match:
        raise ValueError(f"shard {text!r} is not I/N (for example 1/4)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard {text!r}: I must be between 1 and N, and N at least 1")
    return index, count


def in_shard(case_id: str, index: int, count: int) -> bool:
    """Whether a case belongs to shard ``index`` of ``count``: by a CRC-32 of its id, so a case
    stays in its shard on every machine and when other cases are added to the catalog."""
    return zlib.crc32(case_id.encode("utf-8")) % count == index - 1
