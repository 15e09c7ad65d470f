"""``paramproof check-summary``: real summaries printed by Keras 1, 2 and 3 (tests/data/summaries,
recreated by its generate.py) parse and check clean; altered copies of them are caught.

No Keras is built here: the inputs are text, as a user would paste them.
"""

from __future__ import annotations

import argparse
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from rich.console import Console

from verify.summary_check import (
    EXIT_DISCREPANCY,
    EXIT_OK,
    EXIT_USAGE,
    RowStatus,
    add_check_summary_parser,
    check_text,
    cmd_check_summary,
)
from verify.summary_parse import SummaryFormat, SummaryParseError, parse_summary

DATA = Path(__file__).parent / "data" / "summaries"
FILES = sorted(DATA.glob("*.txt"))
ROOT = Path(__file__).resolve().parents[1]


def _read(name: str) -> str:
    return (DATA / name).read_text(encoding="utf-8")


def _run(text: str, tmp_path: Path) -> tuple[int, str]:
    path = tmp_path / "summary.txt"
    path.write_text(text, encoding="utf-8")
    parser = argparse.ArgumentParser()
    add_check_summary_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["check-summary", str(path)])
    out = io.StringIO()
    code = cmd_check_summary(args, Console(file=out, width=300, soft_wrap=True, color_system=None))
    return code, out.getvalue()


def test_the_data_covers_every_format() -> None:
    formats = {parse_summary(p.read_text(encoding="utf-8")).format for p in FILES}
    assert formats == set(SummaryFormat)
    assert any("columns60" in p.name for p in FILES) and any("line_length" in p.name for p in FILES)


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_every_real_summary_parses_and_checks_clean(path: Path, tmp_path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    summary = parse_summary(text)
    assert summary.rows
    # Invariant of every golden: the rows sum to the stated total.
    total = summary.total("total")
    assert total is not None and total.value == sum(r.params or 0 for r in summary.rows)
    check = check_text(text)
    assert [r.row.name for r in check.rows if r.status is not RowStatus.EXPLAINED] == []
    assert check.consistent
    code, out = _run(text, tmp_path)
    assert code == EXIT_OK, out
    assert "consistent" in out


def test_rows_carry_names_types_shapes_counts_and_lines() -> None:
    summary = parse_summary(_read("keras3_cnn_columns60.txt"))
    conv = summary.rows[0]
    assert (conv.name, conv.class_name, conv.output_shape, conv.params) == (
        "conv2d_1",
        "Conv2D",
        (None, 32, 32, 16),
        3 * 3 * 3 * 16,
    )
    lines = _read("keras3_cnn_columns60.txt").splitlines()
    assert "conv2d_1" in lines[conv.line - 1]
    # Cut by the console width: kept as a prefix.
    pool = next(r for r in summary.rows if r.name.startswith("global_average"))
    assert pool.class_cut and pool.class_name is not None and "GlobalAveragePooling2D".startswith(pool.class_name)
    totals = {t.kind: t for t in summary.totals}
    assert totals["total"].value == totals["trainable"].value + totals["non_trainable"].value
    assert lines[totals["total"].line - 1].strip().startswith("Total params:")


def test_keras2_type_names_wrapped_across_lines_are_joined() -> None:
    for name in ("keras2_cnn.txt", "keras2_cnn_line_length50.txt"):
        classes = [r.class_name for r in parse_summary(_read(name)).rows]
        assert "BatchNormalization" in classes and "GlobalAveragePooling2D" in classes and "SeparableConv2D" in classes


def test_functional_summaries_use_the_named_inputs() -> None:
    for name in ("keras2_functional.txt", "keras3_functional.txt", "keras3_functional_columns60.txt"):
        summary = parse_summary(_read(name))
        concat = next(r for r in summary.rows if r.name == "concatenate")
        assert concat.connected_to == ("dense_5", "dense_6")
        check = check_text(_read(name))
        dense_6 = next(r for r in check.rows if r.row.name == "dense_6")
        assert "bias off" in dense_6.detail  # 4 inputs × 8 units, no bias: read from 'extra', not the row above


def test_hidden_values_are_explained(tmp_path: Path) -> None:
    for name in ("keras3_conv_rgb.txt", "keras2_conv_rgb.txt"):
        (conv,) = check_text(_read(name)).rows
        assert conv.status is RowStatus.EXPLAINED
        assert "kernel 3×3, bias on, 3 input channels" in conv.detail
    rows = {r.row.name: r for r in check_text(_read("keras3_cnn.txt")).rows}
    assert "kernel 3×3, bias off, 3 input channels" in rows["conv2d_1"].detail
    assert "depth multiplier 2" in rows["depthwise_conv2d"].detail
    assert "kernel 5×5" in rows["separable_conv2d"].detail and "padding same" in rows["separable_conv2d"].detail
    assert "kernel 1×1" in rows["conv2d_2"].detail
    assert "center off" in rows["batch_normalization_1"].detail  # or, equally, scale off
    rnn = {r.row.name: r for r in check_text(_read("keras2_rnn.txt")).rows}
    embedding = parse_summary(_read("keras2_rnn.txt")).rows[0]
    assert embedding.params is not None and embedding.output_shape is not None
    vocabulary = embedding.params // embedding.output_shape[-1]  # type: ignore[operator]
    assert f"vocabulary {vocabulary:,}" in rnn["embedding"].detail
    assert "reset_after on" in rnn["gru"].detail
    code, out = _run(_read("keras3_conv_rgb.txt"), tmp_path)
    assert code == EXIT_OK and "explained by kernel 3×3, bias on, 3 input channels" in out


def test_the_keras1_summaries_keep_their_source_and_read_rows_without_a_type() -> None:
    for name in ("keras1_mnist.txt", "keras1_dense514.txt"):
        text = _read(name)
        assert text.startswith("# source: https://stackoverflow.com/questions/36946671")
        summary = parse_summary(text)
        assert summary.format is SummaryFormat.KERAS1
        activation = next(r for r in summary.rows if r.name == "activation_1")
        assert activation.class_name is None
        check = check_text(text)
        assert next(r for r in check.rows if r.row.name == "activation_1").class_name == "Activation"
    dense = parse_summary(_read("keras1_mnist.txt")).rows[1]
    assert dense.params == 10 * (28 * 28 + 1)


def _altered_numbers(text: str) -> list[tuple[str, str, str]]:
    """(altered text, what must be named, description): every row count and every totals count
    moved by one, each on its own."""
    summary = parse_summary(text)
    lines = text.split("\n")
    out = []
    for row in summary.rows:
        if row.params is None:
            continue
        for number in range(row.line - 1, len(lines)):  # the count sits on the row's first line
            new = _bump(lines[number], row.params)
            if new is not None:
                out.append(("\n".join([*lines[:number], new, *lines[number + 1 :]]), row.name, f"row {row.name}"))
                break
    for total in summary.totals:
        new = _bump(lines[total.line - 1], total.value, after=":")
        assert new is not None
        out.append(("\n".join([*lines[: total.line - 1], new, *lines[total.line :]]), total.label, total.label))
    return out


def _bump(line: str, value: int, after: str = "") -> str | None:
    """The line with the printed ``value`` (with or without thousands separators) replaced by
    ``value + 1`` (``0`` becomes ``1``); None when the line does not show it.  In a row the count
    is the last number standing alone (shape dims end in ``,`` or ``)``, connections are in
    brackets); in a totals line the first after the colon."""
    start = line.find(after) + len(after) if after else 0
    for shown in (f"{value:,}", str(value)):
        found = list(re.finditer(rf"(?<=\s){re.escape(shown)}(?=\s|$|_)", line[start:]))
        if found:
            m = found[0] if after else found[-1]
            i = start + m.start()
            replacement = f"{value + 1:,}" if "," in shown else str(value + 1)
            return line[:i] + replacement + line[i + len(shown) :]
    return None


@pytest.mark.parametrize("path", FILES, ids=lambda p: p.name)
def test_a_single_altered_number_is_named(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    variants = _altered_numbers(text)
    assert len(variants) >= len(parse_summary(text).rows)
    for altered, named, what in variants:
        check = check_text(altered)
        assert not check.consistent, what
        wrong_rows = [r.row.name for r in check.rows if r.status is RowStatus.UNEXPLAINED]
        wrong_totals = [t.total.label for t in check.totals if not t.ok and t.total is not None]
        assert named in wrong_rows + wrong_totals, (what, wrong_rows, wrong_totals)


def test_an_injected_wrong_count_exits_1_naming_the_layer(tmp_path: Path) -> None:
    text = _read("keras3_cnn.txt")
    row = next(r for r in parse_summary(text).rows if r.name == "conv2d_2")
    lines = text.split("\n")
    bumped = _bump(lines[row.line - 1], 24 * (1 * 1 * 32 + 1))
    assert bumped is not None
    lines[row.line - 1] = bumped
    code, out = _run("\n".join(lines), tmp_path)
    assert code == EXIT_DISCREPANCY
    wrong = [line for line in out.splitlines() if line.startswith("WRONG")]
    assert any("conv2d_2" in line and "no values explain it; tried Conv2D" in line for line in wrong), out
    assert out.rstrip().endswith("inconsistent: conv2d_2, Total params")


def test_a_wrong_total_exits_1_naming_the_line(tmp_path: Path) -> None:
    text = _read("keras2_functional.txt").replace("Total params: 297 ", "Total params: 279 ")
    code, out = _run(text, tmp_path)
    assert code == EXIT_DISCREPANCY
    assert re.search(r"WRONG Total params \(line \d+\): 279 but the rows sum to 297", out), out
    text = _read("keras3_cnn.txt").replace("Non-trainable params: 96 ", "Non-trainable params: 69 ")
    code, out = _run(text, tmp_path)
    assert code == EXIT_DISCREPANCY and "WRONG Non-trainable params" in out, out


def test_frozen_layers_explain_a_larger_non_trainable_share() -> None:
    text = _read("keras2_mnist.txt")
    stated = parse_summary(text).total("total")
    assert stated is not None
    frozen = text.replace(f"Trainable params: {stated.value} ", "Trainable params: 0 ").replace(
        "Non-trainable params: 0 ", f"Non-trainable params: {stated.value} "
    )
    check = check_text(frozen)
    assert check.consistent and "frozen layers" in check.totals[-1].detail


def test_a_missing_type_column_is_read_from_the_name(tmp_path: Path) -> None:
    for name in ("keras2_mnist.txt", "keras2_rnn.txt", "keras3_cnn.txt", "keras3_functional.txt"):
        stripped = re.sub(r" \((?!None)[A-Za-z0-9]+\)", "", _read(name))
        summary = parse_summary(stripped)
        assert all(r.class_name is None for r in summary.rows), name
        code, out = _run(stripped, tmp_path)
        assert code == EXIT_OK, out
        assert "type not shown" in out


def test_a_broken_wrapped_row_still_reads() -> None:
    text = _read("keras2_cnn.txt")
    # The continuation of a wrapped type name pasted without its indentation.
    dedented = text.replace("\n Normalization)", "\nNormalization)")
    assert [r.class_name for r in parse_summary(dedented).rows] == [r.class_name for r in parse_summary(text).rows]
    # A name split from its row by the paste: "dense_3" alone, "(Dense)  (None, 10)  250" below.
    lines = text.split("\n")
    i = next(i for i, line in enumerate(lines) if line.startswith(" dense_3 (Dense)"))
    lines[i : i + 1] = ["dense_3", lines[i].replace(" dense_3 (Dense)", "(Dense)        ", 1)]
    split = "\n".join(lines)
    row = parse_summary(split).rows[-1]
    assert (row.name, row.class_name) == ("dense_3", "Dense")
    assert check_text(split).consistent
    # Keras 3 rows cut by the console width (keras-team/keras#21107) keep prefixes that resolve.
    narrow = check_text(_read("keras3_functional_columns60.txt"))
    assert next(r for r in narrow.rows if r.row.name.startswith("batch_normal")).class_name == "BatchNormalization"


def test_a_cut_count_is_reported_not_guessed() -> None:
    text = _read("keras3_cnn.txt").replace("│           1,856 │", "│          1,85… │")
    check = check_text(text)
    row = next(r for r in check.rows if r.row.name == "separable_conv2d")
    assert row.status is RowStatus.UNCHECKED and row.row.params is None
    assert check.consistent and "cut" in check.totals[0].detail


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("hello world\nthis is not a summary\n", 1),
        ("\n\n   \n", 1),
        ('Model: "m"\n Layer (type)   Output Shape   Param #\n=====\n', 2),
        ("Layer (type)  Output Shape  Param #\n================\ndense (Dense)  (None, 10)  lots\n", 3),
        ("Layer (type)  Output Shape  Param #\n================\ndense (Dense)  (None, 10)  10\nTotal params: many\n", 4),
    ],
)
def test_unreadable_text_exits_2_naming_the_line(text: str, line: int, tmp_path: Path) -> None:
    with pytest.raises(SummaryParseError) as info:
        parse_summary(text)
    assert info.value.line == line
    code, out = _run(text, tmp_path)
    assert code == EXIT_USAGE
    assert f"line {line}:" in out


def test_a_garbled_box_row_exits_2_naming_the_line(tmp_path: Path) -> None:
    text = _read("keras3_mnist.txt")
    row = parse_summary(text).rows[-1]
    lines = text.split("\n")
    lines[row.line - 1] = re.sub(r"[\d,]+ │$", "lots │", lines[row.line - 1])
    code, out = _run("\n".join(lines), tmp_path)
    assert code == EXIT_USAGE and f"line {row.line}:" in out and "parameter count" in out


def test_stdin_is_read_with_a_dash(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(sys, "stdin", io.StringIO(_read("keras3_mnist.txt")))
    out = io.StringIO()
    code = cmd_check_summary(argparse.Namespace(file="-", keras=None), Console(file=out, width=200, color_system=None))
    assert code == EXIT_OK and out.getvalue().startswith("stdin: keras3 summary")


def test_check_summary_never_imports_tensorflow() -> None:
    code = (
        "import sys\n"
        "from verify.summary_check import main\n"
        f"rc = main([{str(DATA / 'keras3_cnn.txt')!r}])\n"
        "heavy = sorted(m for m in ('tensorflow', 'keras', 'tf_keras', 'numpy', 'jax', 'torch') if m in sys.modules)\n"
        "print('HEAVY', heavy)\n"
        "sys.exit(rc)\n"
    )
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert done.returncode == EXIT_OK, done.stdout + done.stderr
    assert "HEAVY []" in done.stdout


@pytest.mark.keras
def test_summaries_printed_now_by_the_installed_keras_check_clean_and_any_altered_number_is_named(tmp_path: Path) -> None:
    """The same models built live, in this run, by the installed Keras 3 and tf-keras (the Keras 2
    summary format), not read from the committed files."""
    generator = Path(__file__).parent / "data" / "summaries" / "generate.py"
    out = subprocess.run([sys.executable, str(generator), "--out", str(tmp_path)], capture_output=True, text=True, timeout=600)
    assert out.returncode == 0, out.stderr[-2000:]
    printed = sorted(tmp_path.glob("keras*.txt"))
    assert {p.name.split("_")[0] for p in printed} == {"keras2", "keras3"} and len(printed) >= 15
    for path in printed:
        text = path.read_text(encoding="utf-8")
        check = check_text(text)
        assert check.consistent, (path.name, [(r.row.name, r.detail) for r in check.rows if r.status is RowStatus.UNEXPLAINED])
        for altered, named, what in _altered_numbers(text):
            wrong = check_text(altered)
            names = [r.row.name for r in wrong.rows if r.status is RowStatus.UNEXPLAINED]
            names += [t.total.label for t in wrong.totals if not t.ok and t.total is not None]
            assert named in names, (path.name, what)
