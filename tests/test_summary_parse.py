"""``verify.summary_parse`` reads every paste a person can read.

The base texts are real summaries (tests/data/summaries, printed by Keras 1, 2 and 3 and recreated
by its generate.py); the pastes are made from them by ``tests/summary_mangle.py`` (each mangle
stands for a kind of paste seen on the public web) or written here by hand where no installable
Keras prints them any more (Keras 2.0's cut columns), each with a comment naming the real case.
What is asserted is the reading: every row's name, type, count and shape as in the untouched text,
what the reader says it undid, and the line numbers it names.  The verdicts on the same pastes are
tested in tests/test_summary_corpus.py and tests/test_check_summary.py.
"""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from tests import summary_mangle
from verify.summary_check import check_text
from verify.summary_parse import Summary, SummaryFormat, SummaryParseError, parse_summaries, parse_summary

DATA = Path(__file__).parent / "data" / "summaries"
FILES = sorted(DATA.glob("*.txt"))


def _read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _rows(summary: Summary) -> list[tuple[str, str | None, int | None, object]]:
    return [(r.name, r.class_name, r.params, r.output_shape) for r in summary.rows]


def _totals(summary: Summary) -> dict[str, int]:
    return {t.kind: t.value for t in summary.totals}


def _unaligned(path: Path) -> bool:
    """Texts the markdown mangle cannot rebuild a table from: the Keras 1 pastes already lost their
    column alignment, Keras 2's nested frames and Trainable column are not table columns, and a
    markdown cell keeps no indentation to tell Keras 3's nesting depth by."""
    return path.name.startswith("keras1") or "nested_" in path.name


#: Mangles after which the rows read exactly as before (the elisions drop rows on purpose; the
#: collapsed spaces lose the column a Keras 2 wrapped cell continued in, checked apart below).
_FAITHFUL = [
    name
    for name in summary_mangle.MANGLES
    if not name.startswith("elide") and name not in ("identity", "no_totals", "collapse_spaces")
]


@pytest.mark.parametrize("mangle", _FAITHFUL)
@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_mangled_paste_reads_the_same_rows_and_totals(path: Path, mangle: str) -> None:
    text = path.read_text(encoding="utf-8")
    if not summary_mangle.applies(mangle, text) or (_unaligned(path) and "markdown" in mangle):
        pytest.skip(f"{mangle} does not apply to {path.name}")
    original = parse_summary(text)
    pasted = parse_summary(summary_mangle.MANGLES[mangle](text))
    names = [r.name.replace("...", "…") for r in pasted.rows]
    assert names == [r.name for r in original.rows]
    assert [(r.class_name, r.params, r.output_shape) for r in pasted.rows] == [
        (r.class_name, r.params, r.output_shape) for r in original.rows
    ]
    assert _totals(pasted) == _totals(original)
    if "markdown" not in mangle:
        assert pasted.format is original.format


@pytest.mark.parametrize(
    "path", [p for p in FILES if "line_length" not in p.name and "columns" not in p.name], ids=lambda p: p.name
)
def test_collapsed_spaces_read_the_same_rows(path: Path) -> None:
    # An HTML page that lost the alignment (every run of spaces one space).
    text = path.read_text(encoding="utf-8")
    assert _rows(parse_summary(summary_mangle.collapse_spaces(text))) == _rows(parse_summary(text))


def test_what_was_undone_is_said() -> None:
    text = _read("keras2_cnn.txt")
    cases = {
        "comment_hash_space": "comment prefix '#'",
        "comment_slashes": "comment prefix '//'",
        "fence_text": "code fence",
        "ipynb_stream": "notebook output (cell 1)",
        "ipynb_fragment": "notebook output lines (JSON strings) decoded",
        "markdown_table": "markdown table",
    }
    for mangle, note in cases.items():
        assert note in parse_summary(summary_mangle.MANGLES[mangle](text)).notes, mangle
    k3 = _read("keras3_cnn.txt")
    assert any("Windows-1252" in n for n in parse_summary(summary_mangle.mojibake_cp1252(k3)).notes)
    assert parse_summary(text).notes == ()


def test_a_notebook_names_the_file_line_of_each_row() -> None:
    text = _read("keras2_mnist.txt")
    book = summary_mangle.ipynb_stream(text)
    summary = parse_summary(book)
    file_lines = book.split("\n")
    for row in summary.rows:
        assert json.dumps(row.name)[1:-1] in file_lines[row.line - 1], row
    total = summary.total("total")
    assert total is not None and "Total params" in file_lines[total.line - 1]


def test_a_summary_printed_as_one_escaped_string_reads() -> None:
    # print(repr(text)) or a JSON field pasted into an issue: one line with \n escapes.
    text = _read("keras2_mnist.txt")
    escaped = repr(text)
    assert "\n" not in escaped
    assert _rows(parse_summary(escaped)) == _rows(parse_summary(text))


def test_rich_ascii_tables_read() -> None:
    # rich draws with + - | when the console cannot print box drawing (a cp1252 Windows console).
    text = _read("keras3_functional.txt").translate(str.maketrans("┏┓┗┛┃│━─┳╇┡┩├┤┼┴└┘", "++++||--++||||++++"))
    summary = parse_summary(text)
    assert _rows(summary) == _rows(parse_summary(_read("keras3_functional.txt")))
    assert "ASCII table" in summary.notes and summary.format is SummaryFormat.KERAS3


def test_keras3_rows_without_separators_read() -> None:
    # Keras 3 READMEs (and rich in some notebook front ends) print the rows with no ├──┤ rules
    # between them; a wrapped cell continues on lines whose count cell is empty.
    text = _read("keras3_functional.txt")
    bare = "\n".join(line for line in text.split("\n") if not line.startswith("├"))
    assert _rows(parse_summary(bare)) == _rows(parse_summary(text))
    assert [r.connected_to for r in parse_summary(bare).rows] == [r.connected_to for r in parse_summary(text).rows]


@pytest.mark.parametrize(
    "line",
    ["...", "…", "⋮", "[... 150 more layers ...]", "(...)", ". . .", "│ ...        │ ...      │      ... │"],
)
def test_rows_left_out_are_recorded_not_misread(line: str) -> None:
    for name in ("keras2_cnn.txt", "keras3_cnn.txt"):
        if line.startswith("│") and name.startswith("keras2"):
            continue
        text = _read(name)
        full = parse_summary(text)
        lines = text.split("\n")
        # Rows 3 to 5 left out: from the first line of row 3 to the line before row 6 (Keras 3
        # keeps the rule that opens row 6).
        first, last = full.rows[3].line - 1, full.rows[6].line - (2 if name.startswith("keras3") else 1)
        pasted = "\n".join(lines[:first] + [line] + lines[last:])
        summary = parse_summary(pasted)
        assert summary.elided == (first + 1,), name
        assert [r.name for r in summary.rows] == [r.name for r in full.rows[:3] + full.rows[6:]], name
        assert _totals(summary) == _totals(full)


def test_keras2_without_its_model_line_is_keras2() -> None:
    for name in ("keras2_mnist.txt", "keras215_cnn.txt", "keras2_functional.txt"):
        text = re.sub(r'^Model: "[^"]*"\n', "", _read(name))
        assert parse_summary(text).format is SummaryFormat.KERAS2, name
    assert parse_summary(_read("keras1_mnist.txt")).format is SummaryFormat.KERAS1


# Keras 2.0-2.2 cut every field at its column and wrote nothing below (print_row in
# keras/utils/layer_utils.py then): keras-team/keras#12257 shows "(None, 1, 8, 1200, 1 0" for a
# 5-D input, keras#5822 a ResNet50 with "Connected to" empty.  No installable Keras prints this
# any more, so the paste is written here, in that layout, for a model like those.
_KERAS20 = """\
____________________________________________________________________________________________________
Layer (type)                     Output Shape          Param #     Connected to
====================================================================================================
input_1 (InputLayer)             (None, 1, 8, 1200, 1 0
____________________________________________________________________________________________________
input_2 (InputLayer)             (None, 1, 8, 1200, 1 0
____________________________________________________________________________________________________
average_1 (Average               (None, 1, 8, 1200, 1 0           input_1[0][0]
                                                                   input_2[0][0]
____________________________________________________________________________________________________
batch_normalization_1 (BatchNorm (None, 1, 8, 1200, 1 4           average_1[0][0]
____________________________________________________________________________________________________
lambda_1 (Lambda)                [(None, 2), (None, 2), (N 0           batch_normalization_1[0][0]
====================================================================================================
Total params: 4
Trainable params: 2
Non-trainable params: 2
____________________________________________________________________________________________________
"""


def test_keras20_cut_columns_keep_prefixes_and_cut_shapes() -> None:
    summary = parse_summary(_KERAS20)
    rows = {r.name: r for r in summary.rows}
    assert list(rows) == ["input_1", "input_2", "average_1", "batch_normalization_1", "lambda_1"]
    assert rows["average_1"].class_cut and rows["average_1"].class_name == "Average"
    assert rows["batch_normalization_1"].class_cut and rows["batch_normalization_1"].class_name == "BatchNorm"
    assert not rows["input_1"].class_cut
    for row in summary.rows:
        assert row.shape_note == "cut" and row.output_shape is None, row
    assert rows["average_1"].connected_to == ("input_1", "input_2")
    assert [r.params for r in summary.rows] == [0, 0, 0, 4, 0]
    # No Model: line and unquoted connections, as Keras 1 printed them, yet Keras 2: the inputs
    # are InputLayer rows (a Keras 1 Sequential connects its first layer to "dense_input_1").
    assert summary.format is SummaryFormat.KERAS2
    assert _totals(summary) == {"total": 4, "trainable": 2, "non_trainable": 2}


def test_expanded_nested_models_carry_their_depth() -> None:
    for name in ("keras3_nested_expanded.txt", "keras2_nested_expanded.txt"):
        summary = parse_summary(_read(name))
        depths = [(re.sub(r"_\d+$", "", r.name), r.depth) for r in summary.rows]
        assert depths == [("inner", 0), ("deep", 1), ("dense", 2), ("dense", 1), ("batch_normalization", 1), ("dense", 0)], name
        inner = summary.rows[0]
        assert inner.params == sum(r.params or 0 for r in summary.rows if r.depth == 1)
        assert summary.total("total") is not None
        assert summary.total("total").value == sum(r.params or 0 for r in summary.rows if r.depth == 0)  # type: ignore[union-attr]


def test_show_trainable_flags_are_read() -> None:
    for name in ("keras3_nested_trainable.txt", "keras2_nested_trainable.txt"):
        summary = parse_summary(_read(name))
        assert [(r.class_name, r.trainable) for r in summary.rows] == [("Sequential", False), ("Dense", True)], name
        assert all(not r.connected_to for r in summary.rows)


def test_an_unbuilt_keras3_model_is_read_as_unbuilt() -> None:
    summary = parse_summary(_read("keras3_unbuilt.txt"))
    assert summary.unbuilt
    assert all(r.unbuilt and r.params == 0 and r.shape_note == "unbuilt" for r in summary.rows)
    assert not parse_summary(_read("keras3_mnist.txt")).unbuilt


@pytest.mark.parametrize(
    "line",
    [
        "**Total params:** 7,850",
        "- Total params: 7,850<br>",
        "| Total params | 7,850 |",
        "Total params: 7.850",
        "Total params: 7850",
        "> Total params: 7,850 (30.66 KB)",
    ],
)
def test_total_lines_as_people_format_them(line: str) -> None:
    text = _read("keras2_mnist.txt")
    pasted = re.sub(r"^Total params: .*$", line, text, flags=re.MULTILINE)
    assert parse_summary(pasted).total("total") is not None
    assert parse_summary(pasted).total("total").value == 7850  # type: ignore[union-attr]


def test_columns_cut_off_at_the_right_keep_the_rows() -> None:
    # A Keras 3 functional summary pasted from a narrow viewer: the Connected to column lost.
    text = _read("keras3_functional.txt")
    width = text.split("\n")[2].index("Connected") + 6
    cut = "\n".join(line[:width] for line in text.split("\n"))
    assert [(r.name, r.params) for r in parse_summary(cut).rows] == [(r.name, r.params) for r in parse_summary(text).rows]


def test_multiple_shapes_are_kept_as_such() -> None:
    # A Keras 2 layer called on inputs of different shapes prints "multiple" (keras-team/keras#8782).
    text = _read("keras2_mnist.txt").replace("(None, 10)   ", "multiple     ", 1)
    row = next(r for r in parse_summary(text).rows if r.shape_note)
    assert row.shape_note == "multiple" and row.output_shape is None


def test_a_broken_table_still_names_its_line() -> None:
    text = summary_mangle.comment_hash_space(_read("keras3_mnist.txt"))
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if "dense (Dense)" in line)
    lines[i] = lines[i].replace("7,850", "7,8x0")
    with pytest.raises(SummaryParseError) as info:
        parse_summary("\n".join(lines))
    assert info.value.line == i + 1 and "7,8x0" in str(info.value)
    # A markdown table with a wrong number of cells.
    md = summary_mangle.markdown_table(_read("keras2_mnist.txt"))
    lines = md.split("\n")
    j = next(i for i, line in enumerate(lines) if "dense" in line)
    lines[j] = lines[j].rstrip("|") + " extra | cell |"
    with pytest.raises(SummaryParseError) as info:
        parse_summary("\n".join(lines))
    assert info.value.line == j + 1


def test_the_checker_accepts_every_mangled_real_summary() -> None:
    """The verdict on the pastes above stays the verdict on the untouched text."""
    for path in FILES:
        text = path.read_text(encoding="utf-8")
        for mangle in ("comment_hash_space", "markdown_table", "ipynb_stream", "fence"):
            if summary_mangle.applies(mangle, text) and not (_unaligned(path) and "markdown" in mangle):
                assert check_text(summary_mangle.MANGLES[mangle](text)).consistent == check_text(text).consistent, (
                    path.name,
                    mangle,
                )


def test_every_summary_in_a_paste_is_read() -> None:
    # An issue that pastes the model and then its backbone (or a before and after), one below the
    # other, each with its Model: line and totals.
    first, second = _read("keras2_cnn.txt"), _read("keras3_functional.txt")
    text = "model.summary()\n" + first + "\nand the second one:\n\n" + second
    summaries = parse_summaries(text)
    assert [s.model_name for s in summaries] == [parse_summary(first).model_name, parse_summary(second).model_name]
    assert [s.format for s in summaries] == [SummaryFormat.KERAS2, SummaryFormat.KERAS3]
    offset = 1 + first.count("\n") + 3  # the call line, the first summary, a blank, the words, a blank
    assert [r.line for r in summaries[1].rows] == [r.line + offset for r in parse_summary(second).rows]
    assert _rows(summaries[0]) == _rows(parse_summary(first)) and _totals(summaries[1]) == _totals(parse_summary(second))
    assert len(parse_summaries(first)) == 1


def test_a_number_wrapped_inside_its_column_is_rejoined() -> None:
    # A narrow Keras 2.12 table wraps "(None, 112, 112, 224)" as "(None, 112, 112, 22" / "4)"; a
    # markdown table rebuilt from it by hand joins the pieces with a space.
    text = summary_mangle.markdown_table(_read("keras2_mnist.txt")).replace("(None, 784)", "(None, 78 4)", 1)
    assert "78 4" in text
    assert next(r for r in parse_summary(text).rows if r.name == "flatten").output_shape == (None, 784)
