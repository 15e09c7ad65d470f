"""Case files: what is accepted, and how refusals name the file, line and value."""

import pytest

from verify.cases import CaseError, builtin_paths, load_cases, parse_case

DENSE = {"id": "d", "layer": {"class_name": "Dense", "config": {"units": 1}}, "input_shape": [None, 3]}


def test_the_builtin_catalog_ships_inside_the_package():
    paths = builtin_paths()
    assert paths and all(p.suffix == ".jsonl" and "verify" in p.parts for p in paths)


def test_multi_input_shapes_and_optional_keys_are_read():
    case = parse_case(
        {**DENSE, "input_shape": [[None, 3], [None, 3]], "expect": "invalid", "note": "n", "requires": "keras>=3"}, "f:1"
    )
    assert case.input_shape == ((None, 3), (None, 3))
    assert case.expect_invalid and case.note == "n" and case.source == "f:1"


@pytest.mark.parametrize(
    ("requires", "version", "applies"),
    [
        ("keras>=3", "3.15.1", True),
        ("keras>=3", "2.15.0", False),
        ("keras<3", "2.21.0", True),
        ("keras>=3.14", "3.13.2", False),
        ("keras>=3.14", "3.15.1", True),
    ],
)
def test_requires_compares_the_line_or_the_full_version(requires, version, applies):
    case = parse_case({**DENSE, "requires": requires}, "f:1")
    assert (case.required_by(version) is None) is applies


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"id": ""}, "'id' must be a non-empty string"),
        ({"layer": "Dense"}, "'layer' must be"),
        ({"input_shape": [None, -3]}, "-3"),
        ({"input_shape": "784"}, "'784'"),
        ({"expect": "valid"}, "'expect' may only be"),
        ({"requires": "tensorflow>=2"}, "'requires' must look like"),
        ({"colour": "red"}, "unknown key(s) ['colour']"),
    ],
)
def test_bad_cases_are_refused_with_where_and_what(change, message):
    with pytest.raises(CaseError) as info:
        parse_case({**DENSE, **change}, "cases.jsonl:7")
    assert str(info.value).startswith("cases.jsonl:7: ")
    assert message in str(info.value)


def test_blank_and_comment_lines_are_skipped_and_problems_do_not_stop_loading(tmp_path):
    path = tmp_path / "c.jsonl"
    path.write_text(
        '# a comment\n\n{"id": 1}\n'
        + '{"id": "ok", "layer": {"class_name": "Flatten", "config": {}}, "input_shape": [null, 2, 2]}\n'
    )
    cases, problems = load_cases([path])
    assert [c.id for c in cases] == ["ok"]
    assert problems == [f"{path}:3: 'id' must be a non-empty string, got 1"]
