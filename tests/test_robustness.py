"""Worker isolation, the journal and --resume, the memory guard, timeouts and interruption."""

import json
import os
import signal
import subprocess
import sys
import time

import pandas as pd
import pytest
from test_cli import paramproof, read_csv, write_cases

from conftest import ROOT

pytestmark = [pytest.mark.cli, pytest.mark.keras]

DENSE = {"id": "dense", "layer": {"class_name": "Dense", "config": {"units": 3}}, "input_shape": [None, 4]}


def _children(pid):
    """Process ids whose parent is ``pid`` (from /proc)."""
    found = []
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                with open(f"/proc/{entry}/stat") as handle:
                    fields = handle.read().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry))
    return found


def test_a_case_that_kills_its_worker_is_crashed_and_the_run_goes_on(tmp_path):
    # A real crash: the worker building a large layer is killed with SIGSEGV from outside, as a
    # segfault in a TensorFlow kernel would kill it.  (TensorFlow's adaptive max-pooling kernel
    # died of SIGFPE on an output size of 1 on some machines; it does not on every CPU, so the
    # test no longer relies on it.)  The worker takes its next case before the parent journals the
    # previous one, so once "dense" is journaled the worker holds "big", which takes seconds to
    # build (268M parameters to initialise).
    big = {"id": "big", "layer": {"class_name": "Dense", "config": {"units": 16384}}, "input_shape": [None, 16384]}
    after = {**DENSE, "id": "after"}
    cases = write_cases(tmp_path / "cases.jsonl", [DENSE, big, after])
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3"}
    run = subprocess.Popen(
        [sys.executable, "-m", "verify", "run", "--cases", str(cases), "--out", str(tmp_path), "-j", "1", "-q"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    journal = tmp_path / "journal.jsonl"
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and not (journal.exists() and '"dense"' in journal.read_text()):
        time.sleep(0.05)
    workers = _children(run.pid)
    assert workers, "no worker process"
    for pid in workers:
        os.kill(pid, signal.SIGSEGV)
    stdout, stderr = run.communicate(timeout=600)
    assert run.returncode == 1, stdout + stderr
    rows = {r["case_id"]: r for r in read_csv(tmp_path / "results.csv")}
    assert rows["big"]["status"] == "crashed", rows["big"]
    assert "SIGSEGV" in rows["big"]["detail"]
    assert rows["dense"]["status"] == rows["after"]["status"] == "match"


def test_an_oversized_layer_is_skipped_without_being_built_and_keeps_its_formula(tmp_path):
    huge = {"id": "huge", "layer": {"class_name": "Dense", "config": {"units": 200000}}, "input_shape": [None, 200000]}
    cases = write_cases(tmp_path / "cases.jsonl", [huge, DENSE])
    out = paramproof("run", "--cases", str(cases), "--out", str(tmp_path), "-j", "1")
    assert out.returncode == 0, out.stdout
    row = read_csv(tmp_path / "results.csv")[0]
    assert row["status"] == "skipped"
    assert row["detail"].startswith("too large to build: 40,000,200,000 params (~")
    assert row["expected_trainable"] == str(200000 * 200001)
    assert row["observed_trainable"] == "" and row["observed_output_shape"] == ""


def test_max_params_sets_the_budget(tmp_path):
    cases = write_cases(tmp_path / "cases.jsonl", [DENSE])
    paramproof("run", "--cases", str(cases), "--out", str(tmp_path), "-j", "1", "--max-params", "10")
    assert read_csv(tmp_path / "results.csv")[0]["status"] == "skipped"


def test_a_case_past_the_timeout_is_skipped_and_its_worker_replaced(tmp_path):
    slow = {"id": "slow", "layer": {"class_name": "LSTM", "config": {"units": 8, "unroll": True}}, "input_shape": [None, 300, 4]}
    cases = write_cases(tmp_path / "cases.jsonl", [slow, DENSE])
    out = paramproof("run", "--cases", str(cases), "--out", str(tmp_path), "-j", "1", "--timeout", "0.001")
    rows = read_csv(tmp_path / "results.csv")
    assert rows[0]["status"] == "skipped" and rows[0]["detail"].startswith("timeout:")
    assert out.returncode == 0


def _interruptible() -> None:
    # As in a terminal: a shell that starts a job in the background hands it SIGINT ignored, and
    # Python then installs no KeyboardInterrupt handler (CI runners may do exactly that).
    signal.signal(signal.SIGINT, signal.SIG_DFL)


def _start_run(cases, out_dir, *extra):
    return subprocess.Popen(
        [sys.executable, "-m", "verify", "run", "--cases", str(cases), "--out", str(out_dir), "-j", "1", *extra],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
        preexec_fn=_interruptible,
    )


def _wait_for_journal(path, lines, proc, limit=300):
    deadline = time.monotonic() + limit
    while time.monotonic() < deadline:
        if path.exists() and path.read_text().count("\n") >= lines:
            return
        assert proc.poll() is None, "the run ended before it could be interrupted"
        time.sleep(0.05)
    raise AssertionError("the run made no progress")


@pytest.fixture
def catalog_slice(tmp_path):
    # Long enough that a loaded machine cannot finish the run between the test seeing the
    # journal grow and the signal landing (120 cases once did, under a parallel test load).
    sources = [ROOT / "verify" / "catalog" / name for name in ("foundation.jsonl", "conv.jsonl")]
    lines = [line for source in sources for line in source.read_text().splitlines() if line.strip()][:400]
    path = tmp_path / "slice.jsonl"
    path.write_text("\n".join(lines) + "\n")
    return path, [json.loads(line)["id"] for line in lines]


def test_sigkill_midway_then_resume_finishes_with_every_case_exactly_once(tmp_path, catalog_slice):
    cases, ids = catalog_slice
    out_dir = tmp_path / "out"
    proc = _start_run(cases, out_dir)
    _wait_for_journal(out_dir / "journal.jsonl", 30, proc)
    os.killpg(proc.pid, signal.SIGKILL)
    proc.wait()
    killed = pd.read_csv(out_dir / "results.csv")  # readable, with what had finished
    assert 30 <= len(killed) < len(ids)
    assert killed["case_id"].is_unique

    resumed = paramproof("run", "--cases", str(cases), "--out", str(out_dir), "-j", "1", "--resume")
    assert resumed.returncode == 0, resumed.stdout[-2000:]
    assert "already done" in resumed.stderr
    final = pd.read_csv(out_dir / "results.csv")
    assert sorted(final["case_id"]) == sorted(ids)
    assert list(final["case_id"]) == ids  # catalog order, each case once


def test_ctrl_c_keeps_every_finished_case_in_readable_csv(tmp_path, catalog_slice):
    cases, ids = catalog_slice
    out_dir = tmp_path / "out"
    proc = _start_run(cases, out_dir)
    _wait_for_journal(out_dir / "journal.jsonl", 20, proc)
    os.killpg(proc.pid, signal.SIGINT)
    assert proc.wait(timeout=60) == 130
    journal = [json.loads(line) for line in (out_dir / "journal.jsonl").read_text().splitlines()]
    rows = pd.read_csv(out_dir / "results.csv")
    assert len(rows) == len(journal) >= 20
    assert list(rows["case_id"]) == [i for i in ids if i in set(rows["case_id"])]


def test_lambda_code_in_a_case_is_never_executed(tmp_path, keras_env):
    marker = tmp_path / "ran"
    code = f"lambda x: (open({str(marker)!r}, 'w').write('x'), x)[1]"
    observed = keras_env.observe("Lambda", {"function": code}, (None, 3))
    assert observed.refused and "not built" in observed.error
    nested = keras_env.observe("TimeDistributed", {"layer": {"class_name": "Lambda", "config": {"function": code}}}, (None, 2, 3))
    assert nested.refused
    assert not marker.exists()
