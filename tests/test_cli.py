"""The paramproof command end to end, in subprocesses, on the installed Keras."""

import csv
import json
import os
import subprocess
import sys

import pytest

from conftest import ROOT
from verify.report import RESULT_COLUMNS

pytestmark = [pytest.mark.cli, pytest.mark.keras]


def paramproof(*args, env=None):
    return subprocess.run(
        [sys.executable, "-m", "verify", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=600,
    )


def write_cases(path, lines):
    path.write_text("\n".join(line if isinstance(line, str) else json.dumps(line) for line in lines) + "\n")
    return path


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


DENSE = {"id": "dense", "layer": {"class_name": "Dense", "config": {"units": 10}}, "input_shape": [None, 784]}
CONV = {
    "id": "conv",
    "layer": {"class_name": "Conv2D", "config": {"filters": 32, "kernel_size": 3}},
    "input_shape": [None, 224, 224, 3],
}
REFUSED = {
    "id": "groups",
    "layer": {"class_name": "Conv2D", "config": {"filters": 6, "kernel_size": 3, "groups": 4}},
    "input_shape": [None, 8, 8, 8],
    "expect": "invalid",
}


def test_explain_dense_prints_the_derivation_ending_in_7850_confirmed_by_keras():
    out = paramproof("explain", "Dense", "units=10", "--input-shape", "784")
    assert out.returncode == 0, out.stderr
    assert "total u × (d + 1) = 10 × (784 + 1) = 7,850" in out.stdout
    assert "confirmed by Keras" in out.stdout


def test_explain_parses_json_values_and_plain_strings():
    out = paramproof(
        "explain", "Conv2D", "filters=32", "kernel_size=[3,3]", "padding=same", "use_bias=false", "--input-shape", "224,224,3"
    )
    assert out.returncode == 0, out.stderr
    assert "(None, 224, 224, 32)" in out.stdout
    assert "total 864" in out.stdout or "= 864" in out.stdout


def test_a_clean_run_writes_the_three_csvs_and_exits_0(tmp_path):
    cases = write_cases(tmp_path / "cases.jsonl", [DENSE, CONV, REFUSED])
    out = paramproof("run", "--cases", str(cases), "--out", str(tmp_path / "out"))
    assert out.returncode == 0, out.stdout + out.stderr
    rows = read_csv(tmp_path / "out" / "results.csv")
    assert list(rows[0]) == RESULT_COLUMNS
    assert [(r["case_id"], r["status"]) for r in rows] == [("dense", "match"), ("conv", "match"), ("groups", "both_invalid")]
    dense = rows[0]
    assert (dense["expected_trainable"], dense["observed_trainable"], dense["observed_non_trainable"]) == ("7850", "7850", "0")
    assert dense["config"] == '{"units": 10}'
    assert rows[1]["observed_output_shape"] == "(None, 222, 222, 32)"
    assert read_csv(tmp_path / "out" / "discrepancies.csv") == []
    env = {r["component"]: r["version"] for r in read_csv(tmp_path / "out" / "environment.csv")}
    assert {"python", "keras", "backend", "tensorflow"} <= set(env)
    assert not [p for p in (tmp_path / "out").iterdir() if p.name.endswith(".tmp")]


def test_a_discrepancy_exits_1_and_lands_in_discrepancies_csv(tmp_path):
    wrongly_invalid = {**DENSE, "id": "said-invalid", "expect": "invalid"}
    cases = write_cases(tmp_path / "cases.jsonl", [DENSE, wrongly_invalid])
    out = paramproof("run", "--cases", str(cases), "--out", str(tmp_path))
    assert out.returncode == 1
    bad = read_csv(tmp_path / "discrepancies.csv")
    assert [(r["case_id"], r["status"]) for r in bad] == [("said-invalid", "mismatch")]
    assert "Keras built it" in bad[0]["detail"]


def test_bad_lines_are_named_by_file_line_and_value_and_the_rest_still_runs(tmp_path):
    cases = write_cases(
        tmp_path / "cases.jsonl",
        [
            DENSE,
            '{"id": "broken", "layer": ',
            {"id": "shape", "layer": {"class_name": "Dense", "config": {}}, "input_shape": [None, "x"]},
            CONV,
            DENSE,
        ],
    )
    out = paramproof("run", "--cases", str(cases), "--out", str(tmp_path))
    assert out.returncode == 2
    assert f"{cases}:2: invalid JSON" in out.stderr
    assert f"{cases}:3: case 'shape'" in out.stderr and "'x'" in out.stderr
    assert f"{cases}:5: duplicate case id 'dense' (first at {cases}:1)" in out.stderr
    assert [r["case_id"] for r in read_csv(tmp_path / "results.csv")] == ["dense", "conv"]


def test_a_missing_case_file_and_bad_usage_exit_2(tmp_path):
    assert paramproof("run", "--cases", str(tmp_path / "nope.jsonl"), "--out", str(tmp_path)).returncode == 2
    assert paramproof("frobnicate").returncode == 2
    out = paramproof("explain", "Dense", "units", "--input-shape", "3")
    assert out.returncode == 2 and "not key=value" in out.stderr
    assert paramproof("explain", "NoSuchLayer", "--input-shape", "3", "--no-keras").returncode == 2


def test_keras2_line_runs_the_whole_catalog_cleanly(tmp_path):
    """The second Keras line: tf-keras on the same TensorFlow (TF_USE_LEGACY_KERAS=1)."""
    pytest.importorskip("tf_keras")
    out = paramproof("run", "--out", str(tmp_path), env={"TF_USE_LEGACY_KERAS": "1"})
    assert out.returncode == 0, out.stdout[-3000:]
    rows = read_csv(tmp_path / "results.csv")
    assert len(rows) >= 150
    assert rows[0]["keras_version"].startswith("2.")
    assert {r["status"] for r in rows} <= {"match", "both_invalid", "skipped", "known_issue"}
    assert sum(r["status"] == "match" for r in rows) >= 150


def test_coverage_lists_no_missing_keras3_class():
    out = paramproof("coverage")
    assert out.returncode == 0, out.stdout[-3000:]
    assert " 0 missing" in out.stdout
    assert "Lambda" in out.stdout and "exempt" in out.stdout


def test_coverage_lists_no_missing_keras2_class():
    pytest.importorskip("tf_keras")
    out = paramproof("coverage", env={"TF_USE_LEGACY_KERAS": "1"})
    assert out.returncode == 0, out.stdout[-3000:]
    assert " 0 missing" in out.stdout


def test_a_class_this_keras_does_not_have_is_refused_by_both(tmp_path):
    k2_only = {
        "id": "lc",
        "layer": {"class_name": "LocallyConnected1D", "config": {"filters": 2, "kernel_size": 3}},
        "input_shape": [None, 8, 3],
    }
    k3_only = {"id": "rms", "layer": {"class_name": "RMSNormalization", "config": {}}, "input_shape": [None, 8, 3]}
    cases = write_cases(tmp_path / "cases.jsonl", [k2_only, k3_only])
    out = paramproof("run", "--cases", str(cases), "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout
    statuses = {r["case_id"]: r["status"] for r in read_csv(tmp_path / "results.csv")}
    assert sorted(statuses.values()) == ["both_invalid", "match"]


def test_diff_flags_a_single_changed_count_and_names_the_case(tmp_path):
    out = paramproof(
        "run", "-j", "1", "-q", "--cases", str(write_cases(tmp_path / "c.jsonl", [DENSE, CONV])), "--out", str(tmp_path / "old")
    )
    assert out.returncode == 0, out.stderr
    old = tmp_path / "old" / "results.csv"
    assert paramproof("diff", str(old), str(old)).returncode == 0
    rows = read_csv(old)
    changed = next(r for r in rows if r["case_id"] == "conv")
    before = changed["observed_trainable"]
    changed["observed_trainable"] = str(int(before) + 1)
    new = tmp_path / "new.csv"
    with open(new, "w", newline="") as handle:
        writer = csv.DictWriter(handle, RESULT_COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    out = paramproof("diff", str(old), str(new))
    assert out.returncode == 1, out.stderr
    assert "1 case(s) changed:\n  conv\n" in out.stdout
    assert f"observed_trainable: {before} -> {int(before) + 1}" in out.stdout
    assert "dense" not in out.stdout
    bad = paramproof("diff", str(old), str(tmp_path / "missing.csv"))
    assert bad.returncode == 2 and "missing.csv: no such file" in bad.stderr


def test_shards_of_a_run_cover_every_case_once_and_merge_in_the_matrix(tmp_path):
    cases = write_cases(tmp_path / "c.jsonl", [DENSE, CONV, REFUSED, {**DENSE, "id": "dense2"}])
    seen = []
    for i in (1, 2):
        out = paramproof(
            "run", "-j", "1", "-q", "--cases", str(cases), "--shard", f"{i}/2", "--out", str(tmp_path / "runs" / f"s{i}")
        )
        assert out.returncode == 0, out.stderr
        seen += [r["case_id"] for r in read_csv(tmp_path / "runs" / f"s{i}" / "results.csv")]
    assert sorted(seen) == ["conv", "dense", "dense2", "groups"]
    out = paramproof("matrix", "--reports", str(tmp_path / "runs"))
    assert out.returncode == 0, out.stdout + out.stderr
    merged = read_csv(tmp_path / "runs" / "matrix.csv")
    assert sorted(r["case_id"] for r in merged) == sorted(seen)
    assert "0 case(s) differ between runs" in out.stdout
    assert paramproof("run", "--shard", "3/2").returncode == 2
    assert paramproof("matrix", "--reports", str(tmp_path / "nothing")).returncode == 2


def test_explain_markdown_is_a_heading_and_one_bullet_per_step_with_the_verdict():
    out = paramproof("explain", "Conv2D", "filters=32", "kernel_size=3", "--input-shape", "224,224,3", "--format", "markdown")
    assert out.returncode == 0, out.stderr
    lines = out.stdout.splitlines()
    assert lines[0].startswith("### `Conv2D(filters=32")
    assert "- `total F × (kh × kw × C + 1) = 32 × (3 × 3 × 3 + 1) = 896`" in lines
    assert "- `H' = floor((H − k)/s) + 1 = floor((224 − 3)/1) + 1 = 222`" in lines
    assert lines[-1].startswith("**confirmed by Keras")


def test_lesson_checks_every_answer_live_and_refutes_the_wrong_one(tmp_path):
    out = paramproof("lesson", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    text = (tmp_path / "LESSON.md").read_text()
    for title in ("Flatten + Dense(10) on 28×28 images", "Dense(514) on 514 inputs", "Conv2D(32, 3×3) on RGB images"):
        assert f": {title}\n" in text
    answers = text.split("\n## Answer ")[1:]
    assert len(answers) == 5
    for answer in answers[:4]:
        assert "holds: Keras counts exactly the stated number" in answer
    assert "output (None, 218, 218, 10)" in answers[3]
    assert "refuted on Keras" in answers[4] and "smallest counterexample" in answers[4]
    assert "(confirmed)" in answers[0] and "(confirmed)" in answers[2]
