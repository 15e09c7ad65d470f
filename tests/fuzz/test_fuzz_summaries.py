"""Fuzz the pasted-summary reader (``paramproof check-summary``): every input ends in checked
summaries or in one line naming the line and what is wrong, within :data:`fuzzing.SECONDS`.

(a) Byte-level mutants of the real fixtures (``tests/data/summaries/*.txt``, the realistic pastes
and a sample of the corpus) go through ``parse_summaries`` and the checker in-process, and a few
hundred through ``paramproof check-summary FILE`` (exit code 0, 1 or 2, never a traceback).
(b) Structured (hypothesis): rows mutated field by field (names, classes, shapes with odd
dimensions, counts with wrong separators or thousands of digits), rows deleted, duplicated and
reordered, truncation, re-encodings (UTF-16, Windows-1252 mojibake, CRLF, tabs), wrappings
(notebook JSON, markdown fences, logger prefixes, the 36 mangles of ``summary_mangle``), and
nested-model rows many levels deep.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path

import fuzzing
import pytest
from hypothesis import given
from hypothesis import strategies as st
from summary_corpus_data import LINES, load
from summary_mangle import MANGLES

from verify import cli
from verify.summary_check import check_summary, read_paste, render
from verify.summary_parse import SummaryParseError, parse_summaries, parse_summary

READER = "summaries"
SUMMARIES = fuzzing.DATA / "summaries"


def _seeds() -> list[bytes]:
    seeds = [p.read_bytes() for p in sorted(SUMMARIES.glob("*.txt"))]
    seeds += [p.read_bytes() for p in sorted((SUMMARIES / "pastes").glob("*.txt"))[::4]]
    return seeds


def _corpus_texts(every: int = 40, most: int = 8000) -> list[str]:
    """Every ``every``-th corpus summary of each Keras line, of at most ``most`` characters (the
    large application models are read by the corpus tests; here they would only slow the fuzz)."""
    texts: list[str] = []
    for line in LINES:
        small = [rec["text"] for rec in load([line]) if len(rec["text"]) <= most]
        texts += small[::every]
    return texts


SEEDS = _seeds()
TEXTS = [s.decode("utf-8") for s in SEEDS[:35]] + _corpus_texts()


def check_text(text: str) -> None:
    """The contract in-process: summaries that check and render, or a one-line refusal."""
    try:
        summaries = parse_summaries(text)
    except SummaryParseError as exc:
        fuzzing.assert_one_line(str(exc), names="line ")
        assert re.match(r"line \d+: ", str(exc)), str(exc)
        return
    if not summaries:  # nothing left once fences and prefixes are gone: the command reads the first
        with pytest.raises(SummaryParseError) as info:
            parse_summary(text)
        fuzzing.assert_one_line(str(info.value))
        return
    for summary in summaries:
        check = check_summary(summary)
        for _, line in render(check, "paste"):
            assert "\n" not in line.strip() or line.count("\n") < 3, line


def check_bytes(data: bytes) -> None:
    check_text(data.decode("utf-8", errors="replace"))


def test_fuzz_summary_byte_mutants() -> None:
    assert fuzzing.run_mutants(READER, SEEDS, check_bytes) == fuzzing.INPUTS


def test_fuzz_summary_corpus_mutants() -> None:
    seeds = [t.encode("utf-8") for t in _corpus_texts(every=30, most=4000)]
    done = fuzzing.run_mutants(READER, seeds, check_bytes, salt="summaries-corpus")
    assert done == fuzzing.INPUTS


def test_fuzz_check_summary_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """``paramproof check-summary FILE`` on mutants: exit 0, 1 or 2 and no traceback (a few
    hundred: the command's own cost is the console)."""
    count = min(fuzzing.INPUTS, 300)
    path = tmp_path / "paste.txt"
    for index in range(count):
        data = fuzzing.mutant(SEEDS, index, "summaries-cli")
        path.write_bytes(data)
        with fuzzing.time_bound(f"check-summary mutant {index}"):
            code = cli.main(["check-summary", str(path)])
        out, err = capsys.readouterr()
        assert code in (0, 1, 2), (index, code)
        fuzzing.assert_no_traceback(out + err, index)
        if code == 2:
            lines = [s for s in (out + err).splitlines() if s.strip()]
            assert len(lines) == 1 and str(path) in lines[0], (index, out, err)
    fuzzing.tally(READER, count)


# --- structured ------------------------------------------------------------------------------

_ROW = re.compile(r"^(?P<lead>.*?)(?P<shape>\[?\((?:None|\d+|\?)[^│┃|]*?\)\]?)(?P<gap>\s*[│┃|]?\s*)(?P<count>\d[\d,]*)")

_ODD_NAMES = st.sampled_from(
    ["", "x" * 300, "dense_1_2_3_4_5_6_7_8_9" * 20, "(" * 50, "名前", "a b c", "_" * 100, "dense (Dense)", "…", "\x00", "'[0][0]"]
)
_ODD_CLASSES = st.sampled_from(
    ["Dense", "Conv2D", "Custom", "(", ")", "", "Batc", "BatchNormalization)", "Dense" * 50, "MultiHeadAttention", "LSTM…"]
)
_ODD_DIMS = st.one_of(
    st.integers(min_value=0, max_value=2**70).map(str),
    st.sampled_from(["None", "?", "-1", "0", "9" * 5000, "9" * 20, "9" * 19, "1e9", "²", "٣", "1 000", "N", "No", ""]),
)
_ODD_COUNTS = st.one_of(
    st.integers(min_value=0, max_value=2**66).map(lambda n: f"{n:,}"),
    st.integers(min_value=0, max_value=10**12).map(str),
    st.sampled_from(
        ["9" * 5000, "1" + ",000" * 2000, "7.850", "7 850", "7_850", "7'850", "590,8…", "0 (unbuilt)", "-5", "²", ""]
    ),
)
_SHAPES = st.lists(_ODD_DIMS, min_size=0, max_size=70).map(lambda dims: "(" + ", ".join(dims) + ")")


def _mutate_row(line: str, data: st.DataObject) -> str:
    m = _ROW.match(line)
    if not m:
        return line
    field = data.draw(st.sampled_from(["name", "class", "shape", "count", "gap"]))
    lead, shape, gap, count = m.group("lead"), m.group("shape"), m.group("gap"), m.group("count")
    rest = line[m.end() :]
    if field == "name":
        lead = re.sub(r"[\w.]+", data.draw(_ODD_NAMES).replace("\\", ""), lead, count=1)
    elif field == "class":
        lead = re.sub(r"\((\w+)\)?", "(" + data.draw(_ODD_CLASSES), lead, count=1)
    elif field == "shape":
        shape = data.draw(_SHAPES)
    elif field == "count":
        count = data.draw(_ODD_COUNTS)
    else:
        gap = data.draw(st.sampled_from(["", " ", "\t", " │ ", "  |  ", "(" * 1000, " " * 9000]))
    return lead + shape + gap + count + rest


def _reencode(text: str, how: str) -> str:
    if how == "utf16":
        return ("\ufeff" + text).encode("utf-16-le").decode("utf-8", errors="replace")
    if how == "mojibake":
        return text.encode("utf-8").decode("cp1252", errors="replace")
    if how == "latin1":
        return text.encode("utf-8").decode("latin-1")
    if how == "crlf":
        return text.replace("\n", "\r\n")
    if how == "cr":
        return text.replace("\n", "\r")
    if how == "tabs":
        return re.sub(r" {2,}", "\t", text)
    return text


def _wrap(text: str, how: str) -> str:
    if how == "notebook":
        lines = [s + "\n" for s in text.split("\n")]
        book = {"cells": [{"cell_type": "code", "outputs": [{"output_type": "stream", "name": "stdout", "text": lines}]}]}
        return json.dumps(book, indent=1)
    if how == "notebook-deep":
        lines = [s + "\n" for s in text.split("\n")]
        deep: object = {"text": lines}
        for _ in range(150):
            deep = [deep]
        return json.dumps({"cells": [{"outputs": [{"text": lines}], "metadata": deep}]})
    if how == "notebook-int":
        lines = [s + "\n" for s in text.split("\n")]
        return json.dumps({"cells": [{"execution_count": 10**40, "outputs": [{"text": lines}]}]}, indent=1)
    if how == "json-lines":
        return "\n".join(json.dumps(s + "\n") + "," for s in text.split("\n"))
    if how == "escaped":
        return json.dumps(text)
    if how == "fence":
        return "```\n" + text + "\n```"
    if how == "logger":
        return "\n".join(f"2024-03-18 14:02:{i % 60:02d},137 - train - INFO - {s}" for i, s in enumerate(text.split("\n")))
    if how == "comment":
        return "\n".join("# " + s for s in text.split("\n"))
    return text


@fuzzing.FUZZ_SETTINGS
@given(data=st.data())
@fuzzing.counted(READER)
def test_fuzz_summary_structured(data: st.DataObject) -> None:
    text = data.draw(st.sampled_from(TEXTS))
    lines = text.split("\n")
    for _ in range(data.draw(st.integers(min_value=0, max_value=4))):
        if not lines:
            break
        at = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
        op = data.draw(st.sampled_from(["mutate", "delete", "duplicate", "swap", "repeat"]))
        if op == "mutate":
            lines[at] = _mutate_row(lines[at], data)
        elif op == "delete":
            del lines[at]
        elif op == "duplicate":
            lines.insert(at, lines[at])
        elif op == "swap":
            other = data.draw(st.integers(min_value=0, max_value=len(lines) - 1))
            lines[at], lines[other] = lines[other], lines[at]
        else:
            lines[at:at] = [lines[at]] * data.draw(st.integers(min_value=2, max_value=2000))
    text = "\n".join(lines)
    if data.draw(st.booleans()):
        text = text[: data.draw(st.integers(min_value=0, max_value=len(text)))]
    text = _reencode(text, data.draw(st.sampled_from(["none", "utf16", "mojibake", "latin1", "crlf", "cr", "tabs"])))
    text = _wrap(
        text,
        data.draw(
            st.sampled_from(
                ["none", "notebook", "notebook-deep", "notebook-int", "json-lines", "escaped", "fence", "logger", "comment"]
            )
        ),
    )
    with fuzzing.time_bound("a structured summary"):
        check_text(text)


@fuzzing.FUZZ_SETTINGS
@given(text=st.sampled_from(TEXTS), mangle=st.sampled_from(sorted(MANGLES)), mangle2=st.sampled_from(sorted(MANGLES)))
@fuzzing.counted(READER)
def test_fuzz_summary_mangles(text: str, mangle: str, mangle2: str) -> None:
    """Two of the 36 paste mangles on top of each other (each alone is read by the parser's own
    tests; stacked, they must still end in a result or a refusal)."""
    with fuzzing.time_bound(f"mangles {mangle} + {mangle2}"):
        try:
            mangled = MANGLES[mangle2](MANGLES[mangle](text))
        except Exception:  # noqa: BLE001 - a mangle that does not apply to this text (not the reader)
            return
        check_text(mangled)


@fuzzing.FUZZ_SETTINGS
@given(
    depth=st.integers(min_value=1, max_value=200),
    style=st.sampled_from(["keras3", "keras2"]),
    width=st.integers(min_value=1, max_value=2),
)
@fuzzing.counted(READER)
def test_fuzz_summary_nested(depth: int, style: str, width: int) -> None:
    """Nested-model rows ``depth`` levels deep (``└`` indents, ``|`` frames; 1,000 deep is
    tests/test_hostile_summaries.py's)."""
    rows = []
    for level in range(depth):
        for k in range(width):
            if style == "keras3":
                rows.append(f"│ {' ' * (3 * level)}└ d{level}_{k} (Dense) │ (None, 4)  │ 20 │")
                rows.append("├" + "─" * 20 + "┼" + "─" * 10 + "┼" + "─" * 5 + "┤")
            else:
                rows.append(f"{'|' * level} d{level}_{k} (Dense)   (None, 4)   20 {'|' * level}")
    if style == "keras3":
        text = "\n".join(
            [
                'Model: "m"',
                "┏━━━━━━━━━┳━━━━━━━━━━━┳━━━━━━━━┓",
                "┃ Layer (type) ┃ Output Shape ┃ Param # ┃",
                "┡━━━━━━━━╇━━━━━━━╇━━━━━┩",
            ]
            + rows
            + ["└─────┴─────┴─────┘", f" Total params: {20 * width} (80.00 B)"]
        )
    else:
        text = "\n".join(
            ['Model: "m"', "_" * 60, " Layer (type)   Output Shape   Param #", "=" * 60]
            + rows
            + ["=" * 60, f"Total params: {20 * width}"]
        )
    with fuzzing.time_bound(f"nested {depth} deep"):
        check_text(text)


@fuzzing.FUZZ_SETTINGS
@given(raw=st.binary(max_size=4000))
@fuzzing.counted(READER)
def test_fuzz_read_paste_bytes(raw: bytes, tmp_path_factory: pytest.TempPathFactory) -> None:
    """Any bytes at all (BOMs, NULs, lone surrogates' encodings) read and checked."""
    path = tmp_path_factory.mktemp("paste") / "paste.txt"
    path.write_bytes(raw)
    with fuzzing.time_bound("random bytes"):
        check_text(read_paste(path, str(path)))


def test_read_paste_stdin_bytes(monkeypatch: pytest.MonkeyPatch) -> None:
    """Standard input is read as bytes: bad UTF-8 on stdin is replaced, not a traceback."""
    stdin = io.TextIOWrapper(io.BytesIO(b"\x00garbage\xff\xc3(\n"), encoding="utf-8")
    monkeypatch.setattr("sys.stdin", stdin)
    text = read_paste("-", "stdin")
    assert "garbage" in text
