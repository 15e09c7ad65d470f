"""verify/limits.py: each limit holds at its edge (the value at the limit is read, one past it is
refused with one line naming where and the limit), and the README's table is the module's."""

from __future__ import annotations

import io
import json
import re
import tracemalloc
import zipfile
from pathlib import Path

import pytest

from verify import limits
from verify.limits import LimitError

ROOT = Path(__file__).resolve().parents[1]


def _nested(depth: int) -> str:
    return "[" * depth + "]" * depth


def test_json_depth_at_the_limit_is_read_and_one_past_is_refused() -> None:
    assert limits.loads(_nested(limits.MAX_JSON_DEPTH), "f.json") is not None
    with pytest.raises(LimitError, match=r"^f\.json: JSON nested deeper than the limit of 100 levels$"):
        limits.loads(_nested(limits.MAX_JSON_DEPTH + 1), "f.json")


def test_json_nested_100000_deep_is_one_line_not_a_recursion_error() -> None:
    # The example: a case line nesting 100,000 arrays ended in a RecursionError traceback.
    with pytest.raises(LimitError) as info:
        limits.loads('{"units": ' + _nested(100_000) + "}", "cases.jsonl:1")
    assert str(info.value) == "cases.jsonl:1: JSON nested deeper than the limit of 100 levels"


def test_objects_count_as_levels_too() -> None:
    deep = '{"a":' * 101 + "1" + "}" * 101
    with pytest.raises(LimitError, match="100 levels"):
        limits.loads(deep, "x")
    assert limits.loads('{"a":' * 100 + "1" + "}" * 100, "x")


@pytest.mark.parametrize("text", [str(2**63), str(-(2**63) - 1), "9" * 5000, "-" + "1" * 20])
def test_integers_past_int64_are_refused_before_python_converts_them(text: str) -> None:
    with pytest.raises(LimitError, match="past int64") as info:
        limits.loads(f'{{"units": {text}}}', "m.json")
    assert "\n" not in str(info.value) and len(str(info.value)) < 200


@pytest.mark.parametrize("value", [2**63 - 1, -(2**63), 0, -1, 784])
def test_integers_inside_int64_are_read_exactly(value: int) -> None:
    assert limits.loads(json.dumps([value]), "x") == [value]


def test_strings_at_the_limit_are_read_and_longer_ones_refused() -> None:
    assert len(limits.loads(json.dumps("a" * limits.MAX_STRING_CHARS), "x")) == limits.MAX_STRING_CHARS
    with pytest.raises(LimitError, match="1,048,577 characters"):
        limits.loads(json.dumps({"name": "a" * (limits.MAX_STRING_CHARS + 1)}), "x")
    with pytest.raises(LimitError, match="characters"):  # a key is a string too
        limits.loads(json.dumps({"a" * (limits.MAX_STRING_CHARS + 1): 1}), "x")


def test_bad_json_is_still_a_json_error_for_the_reader_to_word() -> None:
    with pytest.raises(json.JSONDecodeError):
        limits.loads("{'a': 1}", "x")


def test_a_zip_bomb_is_never_inflated_past_the_limit(tmp_path: Path) -> None:
    # 200 MB of one byte deflates to about 200 KB: read_bounded stops one byte past the limit.
    bomb = tmp_path / "bomb.keras"
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive, archive.open("config.json", "w") as member:
        block = b" " * (1 << 20)
        for _ in range(200):
            member.write(block)
    assert bomb.stat().st_size < 2 * 1024 * 1024
    limit = 8 * 1024 * 1024
    tracemalloc.start()
    with zipfile.ZipFile(bomb) as archive, archive.open("config.json") as member, pytest.raises(LimitError) as info:
        limits.read_bounded(member, limit, f"{bomb}: config.json")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 4 * limit, f"peak {peak:,} bytes while refusing an {limit:,}-byte limit"
    assert str(info.value) == f"{bomb}: config.json: more than 8 MiB, over the limit for a model configuration"


def test_a_file_over_its_limit_is_refused_before_it_is_read(tmp_path: Path) -> None:
    big = tmp_path / "big.json"
    big.write_bytes(b" " * 2048)
    with pytest.raises(LimitError, match=r"big\.json: 2,048 bytes, over the 1,024 bytes limit for a model configuration"):
        limits.read_file_bounded(big, 1024, "a model configuration")
    assert limits.read_file_bounded(big, 2048, "a model configuration") == b" " * 2048


def test_bounded_lines_skips_an_overlong_line_and_keeps_the_rest() -> None:
    data = b'{"a": 1}\n' + b"x" * 5000 + b"\n" + b'{"b": 2}\n' + b"y" * 5000
    lines = list(limits.bounded_lines(io.BytesIO(data), 100))
    assert lines == [(1, b'{"a": 1}\n'), (2, None), (3, b'{"b": 2}\n'), (4, None)]


def test_count_layers_counts_nested_models_and_check_layers_refuses_past_the_limit() -> None:
    inner = {"class_name": "Sequential", "config": {"layers": [{"class_name": "Dense", "config": {}}] * 3}}
    outer = {"class_name": "Functional", "config": {"layers": [inner, {"class_name": "Dense", "config": {}}]}}
    assert limits.count_layers(outer) == 5
    limits.check_layers(outer, "m.keras", limit=5)
    with pytest.raises(LimitError, match=r"^m\.keras: 5 layers, over the limit of 4 for one model$"):
        limits.check_layers(outer, "m.keras", limit=4)


def test_the_largest_application_configuration_is_well_inside_every_limit() -> None:
    # The limits are meant to be generous: the largest shipped configuration (ResNetRS420, Keras 2)
    # and the deepest (MobileNetV3Small) pass with room to spare.
    import gzip

    deepest = size = layers = 0
    for path in (ROOT / "verify" / "zoo_configs").glob("*/*.json.gz"):
        raw = gzip.decompress(path.read_bytes())
        config = limits.loads(raw, str(path))
        size = max(size, len(raw))
        layers = max(layers, limits.count_layers(config))
        stack = [(config, 1)]
        while stack:
            item, depth = stack.pop()
            deepest = max(deepest, depth)
            children = item.values() if isinstance(item, dict) else item if isinstance(item, list) else ()
            stack.extend((c, depth + 1) for c in children if isinstance(c, (dict, list)))
    assert size * 20 < limits.MAX_CONFIG_BYTES
    assert layers * 20 < limits.MAX_LAYERS
    assert deepest * 5 < limits.MAX_JSON_DEPTH


def test_the_readme_lists_every_limit_as_the_module_states_it() -> None:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert limits.markdown_table() in readme, "README.md's table of limits is stale: paste limits.markdown_table()"
    for name in limits.LIMITS:
        assert re.search(rf"\b{name} = ", (ROOT / "verify" / "limits.py").read_text(encoding="utf-8")), name
