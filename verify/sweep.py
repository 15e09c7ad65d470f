"""Generated cases: seeded random configurations drawn from each layer's sweep space, and the
shrinking of a failing case to the smallest one that still fails the same way."""

from __future__ import annotations

import copy
import json
import random
from collections.abc import Callable, Iterator, Sequence
from typing import Any

from .cases import Case, CaseError, parse_case
from .spaces import Space


def draw(spaces: dict[str, Space], classes: Sequence[str], per_layer: int, seed: int) -> tuple[list[Case], list[str]]:
    """``per_layer`` cases for each class, reproducible from ``seed``; a space that produces a
    malformed case is reported, not fatal."""
    cases: list[Case] = []
    problems: list[str] = []
    for class_name in classes:
        rng = random.Random(f"{seed}:{class_name}")
        for i in range(per_layer):
            where = f"sweep space {class_name} (seed {seed}, draw {i})"
            try:
                obj = {"id": f"sweep-{class_name}-{seed}-{i}", **spaces[class_name](rng)}
                cases.append(parse_case(obj, where))
            except CaseError as exc:
                problems.append(str(exc))
            except Exception as exc:  # noqa: BLE001 - a broken space must not end the sweep
                problems.append(f"{where}: the space raised {type(exc).__name__}: {exc}")
    return cases, problems


def to_json(case: Case) -> str:
    obj: dict[str, Any] = {"id": case.id, "layer": dict(case.layer), "input_shape": _listify(case.input_shape)}
    if case.input_dtype != "float32":
        obj["input_dtype"] = list(case.input_dtype) if isinstance(case.input_dtype, tuple) else case.input_dtype
    if case.quantize:
        obj["quantize"] = case.quantize
    return json.dumps(obj)


def _listify(value: Any) -> Any:
    return [_listify(v) for v in value] if isinstance(value, (list, tuple)) else value


def _smaller_ints(value: int) -> list[int]:
    return sorted({v for v in (1, value // 2, value - 1) if 0 < v < value})


def _candidates(obj: dict[str, Any]) -> Iterator[dict[str, Any]]:
    """Simpler variants of a case: each config key dropped, each int (in the config and in the
    input shape) made smaller."""
    config = obj["layer"].get("config") or {}
    for key in list(config):
        smaller = copy.deepcopy(obj)
        del smaller["layer"]["config"][key]
        yield smaller

    def ints(node: Any, path: tuple[Any, ...]) -> Iterator[tuple[tuple[Any, ...], int]]:
        if isinstance(node, bool):
            return
        if isinstance(node, int):
            yield path, node
        elif isinstance(node, list):
            for i, item in enumerate(node):
                yield from ints(item, (*path, i))
        elif isinstance(node, dict):
            for k, item in node.items():
                yield from ints(item, (*path, k))

    for root in ("input_shape", "layer"):
        for path, value in list(ints(obj[root], ())):
            for smaller_value in _smaller_ints(value):
                smaller = copy.deepcopy(obj)
                node = smaller[root]
                for step in path[:-1]:
                    node = node[step]
                node[path[-1]] = smaller_value
                yield smaller


def shrink(case: Case, failing: Callable[[Case], bool], *, budget: int = 200) -> Case:
    """Greedy shrinking: keep any simpler variant that still fails, until none does (or the
    budget of tries runs out)."""
    best = case
    tries = 0
    improved = True
    while improved and tries < budget:
        improved = False
        obj = json.loads(to_json(best))
        for candidate in _candidates(obj):
            tries += 1
            if tries > budget:
                break
            try:
                smaller = parse_case(candidate, best.source)
            except CaseError:
                continue
            if failing(smaller):
                best, improved = smaller, True
                break
    return best
