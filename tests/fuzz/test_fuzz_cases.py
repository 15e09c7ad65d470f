"""Fuzz the case-file reader (``paramproof run --cases F``, :func:`verify.cases.load_cases`).

Its contract: every input ends in cases and problems, never an exception; each problem is one line
naming the file (and the line); and a bad line never loses the good ones (the property "good lines
are never lost": K good catalog lines and one hostile line load at least the K good cases).
Byte-level mutants of the shipped catalog, then structured lines (valid cases mutated field by
field, truncated, nested, re-encoded).
"""

from __future__ import annotations

import json
import random
from pathlib import Path
from typing import Any

import fuzzing
from hypothesis import given
from hypothesis import strategies as st

from verify.cases import Case, builtin_paths, load_cases

READER = "cases"


def _catalog_lines() -> list[bytes]:
    lines = []
    for path in builtin_paths():
        for line in path.read_bytes().splitlines():
            if line.strip() and not line.lstrip().startswith(b"#"):
                lines.append(line)
    return lines


LINES = _catalog_lines()
#: Seeds: the catalog in chunks of eight lines (a whole file mutates too little of itself).
SEEDS = [b"\n".join(LINES[i : i + 8]) + b"\n" for i in range(0, len(LINES), 8)]


def check_file(path: Path, data: bytes) -> tuple[list[Case], list[str]]:
    """The reader's contract on one file's bytes; returns what it loaded."""
    path.write_bytes(data)
    cases, problems = load_cases([path])
    for problem in problems:
        fuzzing.assert_one_line(problem, names=path.name)
        assert problem.startswith(str(path)), problem
    for case in cases:
        assert isinstance(case, Case) and case.id.strip()
        assert case.source.startswith(f"{path}:"), case.source
    return cases, problems


def test_byte_mutants_of_the_catalog(tmp_path: Path) -> None:
    path = tmp_path / "cases.jsonl"
    assert fuzzing.run_mutants(READER, SEEDS, lambda data: check_file(path, data)) == fuzzing.INPUTS


def test_a_mutated_line_never_loses_the_good_lines(tmp_path: Path) -> None:
    """K good catalog lines and one mutant line (anywhere among them): every good case loads
    (a mutant that still parses may take a good line's id first; that id is loaded all the same)."""
    path = tmp_path / "cases.jsonl"
    singles = LINES[:: max(1, len(LINES) // 200)]

    def check(data: bytes) -> None:
        rng = random.Random(data)
        good = rng.sample(LINES, 6)
        at = rng.randrange(len(good) + 1)
        lines = [*good[:at], data, *good[at:]]
        cases, _ = check_file(path, b"\n".join(lines) + b"\n")
        loaded = {c.id for c in cases}
        wanted = {json.loads(line)["id"] for line in good}
        assert wanted <= loaded, f"good cases lost: {sorted(wanted - loaded)}"

    fuzzing.run_mutants(READER, singles, check, salt="one-bad-line")


# -- structured --------------------------------------------------------------------------------

OBJECTS = [json.loads(line) for line in LINES]

#: JSON values that go past (or sit right at) a limit, or have the wrong type.
HOSTILE_VALUES = st.one_of(
    st.integers(min_value=-(2**70), max_value=2**70),
    st.sampled_from([2**63 - 1, 2**63, -(2**63), -(2**63) - 1, 10**4299, 0, -1]),
    st.floats(allow_nan=True, allow_infinity=True),
    st.text(max_size=40),
    st.none(),
    st.booleans(),
    st.lists(st.one_of(st.none(), st.integers(-5, 2**64)), max_size=80),
    st.dictionaries(st.text(max_size=8), st.integers(), max_size=4),
)


def _paths(value: Any, prefix: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every key path inside a case object (to replace one field's value)."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += _paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value):
            out += _paths(v, (*prefix, i))
    return out


def _replace(obj: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    copy = json.loads(json.dumps(obj))
    node = copy
    for key in path[:-1]:
        node = node[key]
    node[path[-1]] = value
    return copy


def _nested(depth: int, kind: str) -> str:
    return {"list": "[" * depth + "]" * depth, "dict": '{"a":' * depth + "1" + "}" * depth}[kind]


@st.composite
def hostile_line(draw: st.DrawFn) -> bytes:
    obj = draw(st.sampled_from(OBJECTS))
    how = draw(st.sampled_from(["field", "nested", "truncated", "encoded", "big-int", "long-string", "deep-field"]))
    if how == "field":
        path = draw(st.sampled_from(_paths(obj)))
        return json.dumps(_replace(obj, path, draw(HOSTILE_VALUES))).encode()
    if how in ("nested", "deep-field"):
        depth = draw(st.sampled_from([99, 100, 101, 1000, 100_000]))
        kind = draw(st.sampled_from(["list", "dict"]))
        if how == "nested":
            return _nested(depth, kind).encode()
        text = json.dumps(_replace(obj, draw(st.sampled_from(_paths(obj)[1:] or [("id",)])), "@@"))
        return text.replace('"@@"', _nested(depth, kind)).encode()
    if how == "truncated":
        text = json.dumps(obj).encode()
        return text[: draw(st.integers(0, len(text)))]
    if how == "encoded":
        encoding = draw(st.sampled_from(["utf-16", "utf-16-le", "utf-32", "latin-1", "cp1252", "utf-8-sig"]))
        return json.dumps(obj, ensure_ascii=False).encode(encoding, errors="replace")
    if how == "big-int":
        digits = draw(st.sampled_from([19, 20, 4300, 4301, 5000, 20_000]))
        text = json.dumps(_replace(obj, draw(st.sampled_from(_paths(obj)[1:] or [("id",)])), "@@"))
        return text.replace('"@@"', "9" * digits).encode()
    size = draw(st.sampled_from([1024 * 1024, 1024 * 1024 + 1]))
    return json.dumps(_replace(obj, ("note",), "x" * size)).encode()


@fuzzing.FUZZ_SETTINGS
@given(bad=hostile_line(), at=st.integers(0, 4), good=st.lists(st.sampled_from(LINES), min_size=1, max_size=4, unique=True))
@fuzzing.counted(READER)
def test_structured_hostile_lines_keep_the_good_ones(tmp_path_factory: Any, bad: bytes, at: int, good: list[bytes]) -> None:
    path = tmp_path_factory.mktemp("cases") / "cases.jsonl"
    at = min(at, len(good))
    lines = [*good[:at], bad, *good[at:]]
    with fuzzing.time_bound("a structured case file"):
        cases, problems = check_file(path, b"\n".join(lines) + b"\n")
    loaded = {c.id for c in cases}
    assert {json.loads(line)["id"] for line in good} <= loaded
    if bad.strip() and not bad.lstrip().startswith(b"#") and len(cases) == len(good):
        assert problems, "a line that loaded no case must be a problem"
