"""Cases: one JSON object a line.  Bad lines are reported with file, line and value; the good
lines still run.

    {"id": "dense-784-10", "layer": {"class_name": "Dense", "config": {"units": 10}},
     "input_shape": [null, 784], "expect": "invalid"?, "requires": "keras>=3"?, "note": "..."?}
"""

from __future__ import annotations

import json
import os
import re
import zlib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import IO, Any

from formulas import KerasVersion, as_shape, is_multi

from . import limits

#: ``keras>=3``, ``<3.15``, ``>=3.16.0.dev2026102704`` (a keras-nightly build: compared as 3.16.0,
#: so the release that follows it satisfies the same condition).
_REQUIRES = re.compile(r"^\s*(?:keras)?\s*(>=|<=|==|!=|<|>)\s*([0-9][0-9.]*(?:\.?(?:dev|rc|a|b)[0-9]+)?)\s*$")
_KNOWN_KEYS = {
    "id",
    "layer",
    "input_shape",
    "expect",
    "requires",
    "input_dtype",
    "quantize",
    "call",
    "model",
    "reload",
    "eager_input_shape",
    "report",
    "affects",
    "fixed_by",
    "decision",
    "note",
}
#: How a tracker case (one with a ``report``) ends: the known issue (``verify/known_issues/*.json``
#: or ``verify/data/model_issues.json``) or recorded difference (``verify/versions/differences.json``)
#: that explains it, or what the case shows: ``fixed`` (the reported behaviour happens on no release
#: the matrix runs), ``not-a-bug`` (Keras did what it documents; the reporter expected otherwise).
DECISIONS = ("known_issue:", "difference:", "fixed", "not-a-bug")
#: ``reload``: the built model is saved in this format and loaded back (safe mode) before it is read.
RELOAD_FORMATS = ("keras", "h5")
_REPORT = re.compile(r"^https://github\.com/(keras-team/(keras|tf-keras)|tensorflow/tensorflow)/(issues|pull)/\d+$")
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
    #: Call arguments: JSON values as given, a tensor as ``{"shape": [...], "dtype": ...}`` (or a
    #: list of them, e.g. ``initial_state``): the layer is called inside a one-layer model.
    call: Mapping[str, Any] | None = field(default=None, compare=False)
    #: A whole model instead of a layer: a Keras model config (``json.loads(model.to_json())``, a
    #: ``.keras`` archive's ``config.json``), or the path of a model file relative to the case file.
    model: Mapping[str, Any] | str | None = field(default=None, compare=False)
    reload: str | None = None
    #: The concrete input of the eager pass where the default (None → 2 for the batch, 8 elsewhere)
    #: cannot fit the layer (a Reshape to a fixed size, inputs whose unknown dims must agree).
    eager_input_shape: Any = None
    report: str | None = None
    affects: str = ""
    fixed_by: str = ""
    decision: str | None = None

    @property
    def is_model(self) -> bool:
        """Checked as a model (weights per layer, shared weights once): a model case, a layer with
        call arguments, or anything saved and reloaded."""
        return self.model is not None or self.call is not None or self.reload is not None

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


#: Characters that would break a one-line message (control characters, Unicode line breaks) or
#: could not be printed at all (the lone surrogates that stand for bytes of a file name that are
#: not UTF-8), shown escaped.
_UNPRINTABLE = (
    {c: f"\\x{c:02x}" for c in (*range(32), 127, 0x85)}
    | {0x2028: "\\u2028", 0x2029: "\\u2029"}
    | {c: f"\\x{c - 0xDC00:02x}" for c in range(0xDC80, 0xDD00)}
    | {c: f"\\u{c:04x}" for c in (*range(0xD800, 0xDC80), *range(0xDD00, 0xE000))}
)


def printable(text: str) -> str:
    """``text`` (a file name, an excerpt of a line) with what would break a one-line message or
    a terminal escaped: control characters, line breaks, lone surrogates."""
    return text.translate(_UNPRINTABLE)


def _excerpt(text: str) -> str:
    text = text.strip()
    text = text if len(text) <= 120 else text[:117] + "..."
    return printable(text)


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
    model = obj.get("model")
    if model is not None:
        if not (isinstance(model, str) and model.strip()) and not (
            isinstance(model, Mapping) and isinstance(model.get("config"), Mapping)
        ):
            raise CaseError(
                f"{where}: case {case_id!r}: 'model' must be a model config {{'class_name': ..., 'config': {{...}}}} or a file path, got {_excerpt(json.dumps(model))}"
            )
        if "layer" in obj or "input_shape" in obj:
            raise CaseError(f"{where}: case {case_id!r}: a 'model' case has no 'layer' or 'input_shape' (the model says both)")
        return _finish(obj, where, case_id, _model_class(model), {}, (), {}, model=model)
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
    return _finish(obj, where, case_id, layer["class_name"], dict(config), shape, dict(layer))


def _model_class(model: Any) -> str:
    if isinstance(model, Mapping):
        return str(model.get("class_name") or "Functional")
    return "model file"


def _tensor_spec(value: Any) -> bool:
    return isinstance(value, Mapping) and set(value) <= {"shape", "dtype"} and "shape" in value


def _check_call(call: Any, where: str, case_id: str) -> dict[str, Any]:
    if not isinstance(call, Mapping) or not call:
        raise CaseError(
            f"{where}: case {case_id!r}: 'call' must be an object of call arguments, got {_excerpt(json.dumps(call))}"
        )
    for key, value in call.items():
        specs = value if isinstance(value, list) and value and all(_tensor_spec(v) for v in value) else [value]
        for spec in specs:
            if not _tensor_spec(spec):
                if isinstance(spec, (Mapping, list)):
                    raise CaseError(
                        f'{where}: case {case_id!r}: call argument {key!r}: a tensor is written {{"shape": [null, 8]}}, got {_excerpt(json.dumps(value))}'
                    )
                continue
            try:
                as_shape(spec["shape"])
            except ValueError as exc:
                raise CaseError(f"{where}: case {case_id!r}: call argument {key!r}: {exc}") from None
            if spec.get("dtype", "float32") not in DTYPES:
                raise CaseError(
                    f"{where}: case {case_id!r}: call argument {key!r}: dtype {spec.get('dtype')!r} is not one of {', '.join(DTYPES)}"
                )
    return dict(call)


def _finish(
    obj: Mapping[str, Any],
    where: str,
    case_id: str,
    class_name: str,
    config: dict[str, Any],
    shape: Any,
    layer: dict[str, Any],
    *,
    model: Any = None,
) -> Case:
    raw_shape = obj.get("input_shape")
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
    call = None if obj.get("call") is None else _check_call(obj["call"], where, case_id)
    reload = obj.get("reload")
    if reload is not None and reload not in RELOAD_FORMATS:
        raise CaseError(f"{where}: case {case_id!r}: 'reload' must be one of {', '.join(RELOAD_FORMATS)}, got {reload!r}")
    eager_shape = obj.get("eager_input_shape")
    if eager_shape is not None:
        try:
            eager_shape = tuple(as_shape(s) for s in eager_shape) if is_multi(eager_shape) else as_shape(eager_shape)
        except (ValueError, TypeError) as exc:
            raise CaseError(f"{where}: case {case_id!r}: eager_input_shape: {exc}") from None
        if not _fits(eager_shape, shape):
            raise CaseError(
                f"{where}: case {case_id!r}: eager_input_shape {obj.get('eager_input_shape')!r} must be concrete and agree with input_shape {raw_shape!r}"
            )
    report = obj.get("report")
    if report is not None and (not isinstance(report, str) or not _REPORT.match(report)):
        raise CaseError(
            f"{where}: case {case_id!r}: 'report' must be a github.com issue or pull URL of keras-team/keras, keras-team/tf-keras or tensorflow/tensorflow, got {report!r}"
        )
    decision = obj.get("decision")
    if decision is not None and (not isinstance(decision, str) or not _valid_decision(decision)):
        raise CaseError(
            f"{where}: case {case_id!r}: 'decision' must be known_issue:<id>, difference:<id>, fixed or not-a-bug, got {decision!r}"
        )
    if report is not None and decision is None:
        raise CaseError(f"{where}: case {case_id!r}: a case with a 'report' needs a 'decision' (how the report ends)")
    for key in ("affects", "fixed_by"):
        if not isinstance(obj.get(key, ""), str):
            raise CaseError(f"{where}: case {case_id!r}: {key!r} must be a string, got {obj.get(key)!r}")
    note = obj.get("note") or ""
    return Case(
        id=case_id,
        class_name=class_name,
        config=config,
        input_shape=shape,
        expect_invalid=expect == "invalid",
        requires=requires,
        input_dtype=tuple(dtype) if isinstance(dtype, list) else dtype,
        quantize=quantize,
        note=str(note),
        source=where,
        layer=layer,
        call=call,
        model=model,
        reload=reload,
        eager_input_shape=eager_shape,
        report=report,
        affects=str(obj.get("affects", "")),
        fixed_by=str(obj.get("fixed_by", "")),
        decision=decision,
    )


def _valid_decision(decision: str) -> bool:
    if decision in ("fixed", "not-a-bug"):
        return True
    prefix, _, ident = decision.partition(":")
    return f"{prefix}:" in DECISIONS and bool(re.fullmatch(r"[a-z0-9][a-z0-9._-]*", ident))


def _fits(concrete: Any, declared: Any) -> bool:
    """A concrete eager shape for a declared one: same structure and rank, every dim known, and
    equal where the declared one is known (a model case declares none: anything concrete fits)."""
    if not declared:
        return True
    pairs = list(zip(concrete, declared)) if is_multi(declared) else [(concrete, declared)]
    if is_multi(declared) != is_multi(concrete) or len(pairs) != (len(declared) if is_multi(declared) else 1):
        return False
    for c, d in pairs:
        if len(c) != len(d) or any(x is None or (y is not None and x != y) for x, y in zip(c, d)):
            return False
    return True


def _display(path: Path) -> str:
    """The path as a person typed it, relative to the working directory where it can be."""
    try:
        return printable(str(path.resolve().relative_to(Path.cwd().resolve())))
    except (ValueError, OSError, RuntimeError):  # elsewhere; a loop of symbolic links
        return printable(str(path))


def _size(n: int) -> str:
    """``64 MiB``, or ``1,000 bytes`` where it is no whole number of MiB."""
    mib = 1024 * 1024
    return f"{n // mib:,} MiB" if n >= mib and n % mib == 0 else f"{n:,} bytes"


def _decode_error(raw: bytes, exc: UnicodeDecodeError) -> str:
    """``not UTF-8 text (byte 0xff at column 12)``: where the first bad byte of a line is."""
    return f"not UTF-8 text (byte 0x{raw[exc.start]:02x} at column {exc.start + 1})"


def load_cases(paths: Iterable[Path | str]) -> tuple[list[Case], list[str]]:
    """All usable cases of ``paths`` in order, and one message per unusable line or file.

    Each file is read a line at a time, in bytes, within :mod:`verify.limits`: a line longer than
    ``MAX_CONFIG_BYTES``, not UTF-8, not JSON, nested past ``MAX_JSON_DEPTH``, with an integer past
    int64 or a string past ``MAX_STRING_CHARS`` is one problem naming ``file:line`` and the limit,
    and the file's other lines still load.  A file over ``MAX_CASE_FILE_BYTES`` is refused whole;
    past ``MAX_CASES`` cases (all files together) the rest is not read."""
    cases: list[Case] = []
    problems: list[str] = []
    seen: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        shown = _display(path)
        try:
            handle = path.open("rb")
        except OSError as exc:
            problems.append(f"{shown}: cannot read cases: {exc.strerror or exc}")
            continue
        with handle:
            try:
                size = os.fstat(handle.fileno()).st_size
            except OSError:  # pragma: no cover - an open file always has a status
                size = 0
            if size > limits.MAX_CASE_FILE_BYTES:
                problems.append(str(limits.over_size(shown, size, limits.MAX_CASE_FILE_BYTES, "a case file")))
                continue
            if not _load_lines(handle, shown, cases, problems, seen):
                return cases, problems
    return cases, problems


class _Budget:
    """A binary file's ``readline`` that stops past ``limit`` bytes in all (a pipe, a device such
    as /dev/zero, a file growing while it is read: their size said nothing)."""

    def __init__(self, handle: IO[bytes], limit: int) -> None:
        self.handle, self.limit, self.total = handle, limit, 0

    def readline(self, size: int = -1) -> bytes:
        if self.total > self.limit:
            raise _OverBudget
        chunk = self.handle.readline(size)
        self.total += len(chunk)
        return chunk


class _OverBudget(Exception):
    pass


def _over_file_limit() -> str:
    return f"more than {_size(limits.MAX_CASE_FILE_BYTES)} read, the limit for a case file; the rest is not read"


def _load_lines(handle: IO[bytes], shown: str, cases: list[Case], problems: list[str], seen: dict[str, str]) -> bool:
    """The cases of one open file into ``cases``/``problems``; False once ``MAX_CASES`` is reached
    (nothing more is read, from this file or the next)."""
    budget = _Budget(handle, limits.MAX_CASE_FILE_BYTES)
    lines = limits.bounded_lines(budget, limits.MAX_CONFIG_BYTES)  # type: ignore[arg-type]
    number = 0
    try:
        for number, raw in lines:
            where = f"{shown}:{number}"
            if budget.total > limits.MAX_CASE_FILE_BYTES:
                problems.append(f"{where}: {_over_file_limit()}")
                return True
            if raw is None:
                problems.append(f"{where}: a line longer than {_size(limits.MAX_CONFIG_BYTES)}, the limit for one case line")
                continue
            try:
                line = raw.decode("utf-8-sig" if number == 1 else "utf-8")
            except UnicodeDecodeError as exc:
                problems.append(f"{where}: {_decode_error(raw, exc)}: {_excerpt(raw[:480].decode('utf-8', 'replace'))}")
                continue
            if not line.strip() or line.lstrip().startswith("#"):
                continue
            if len(cases) >= limits.MAX_CASES:
                problems.append(f"{where}: more than {limits.MAX_CASES:,} cases, the limit for one run; the rest is not read")
                return False
            case = _line_case(line, where, problems)
            if case is None:
                continue
            if case.id in seen:
                problems.append(f"{where}: duplicate case id {case.id!r} (first at {seen[case.id]})")
                continue
            seen[case.id] = where
            cases.append(case)
    except _OverBudget:  # inside a line too long to keep, the line after ``number``
        problems.append(f"{shown}:{number + 1}: {_over_file_limit()}")
    except OSError as exc:  # a read error part-way (a folder given as a file, a device gone)
        problems.append(f"{shown}: cannot read cases: {exc.strerror or exc}")
    return True


def _line_case(line: str, where: str, problems: list[str]) -> Case | None:
    """The case of one decoded line, or None with its problem recorded."""
    try:
        obj = limits.loads(line, where)
    except json.JSONDecodeError as exc:
        problems.append(f"{where}: invalid JSON ({exc.msg} at column {exc.colno}): {_excerpt(line)}")
        return None
    except limits.LimitError as exc:
        problems.append(str(exc))
        return None
    try:
        json.dumps(obj, ensure_ascii=False).encode("utf-8")
    except UnicodeEncodeError as exc:  # "\\udcff": valid JSON, but no text (and no report could hold it)
        problems.append(f"{where}: a lone surrogate {exc.object[exc.start]!a} in a string: not Unicode text")
        return None
    try:
        return parse_case(obj, where, line)
    except CaseError as exc:
        problems.append(str(exc))
        return None


def parse_shard(text: str) -> tuple[int, int]:
    """``"2/4"`` → (2, 4): the second of four shards.  A ValueError names what is wrong."""
    match = re.fullmatch(r"\s*([0-9]{1,9})\s*/\s*([0-9]{1,9})\s*", text)
    if not match:
        shown = repr(text) if len(text) <= 40 else f"{text[:20]!r}... ({len(text):,} characters)"
        raise ValueError(f"shard {shown} is not I/N (for example 1/4; I and N of at most 9 digits)")
    index, count = int(match.group(1)), int(match.group(2))
    if count < 1 or not 1 <= index <= count:
        raise ValueError(f"shard {text!r}: I must be between 1 and N, and N at least 1")
    return index, count


def in_shard(case_id: str, index: int, count: int) -> bool:
    """Whether a case belongs to shard ``index`` of ``count``: by a CRC-32 of its id, so a case
    stays in its shard on every machine and when other cases are added to the catalog."""
    return zlib.crc32(case_id.encode("utf-8")) % count == index - 1
