"""The model-file corpus (tests/data/model_files: files written by Keras 2.12, 2.15, tf-keras 2.21,
Keras 3.0, 3.8 and 3.15, and hand-made Keras 1 / list-form / TensorFlow.js files), each checked as
``paramproof model`` checks it, on every Keras line that ``--keras-line auto`` picks: Keras 3 in
this process, Keras 2 in one child process for all the Keras 1/2 files.  Each file gets the verdict
a user should get; every total is the one the Keras that wrote the file reported (corpus.json)."""

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from conftest import ROOT
from verify.compare import Status
from verify.model_command import exit_code
from verify.model_lines import LineResult, check_here, lines_for
from verify.models import ModelLoadError, read_model_file

pytestmark = [pytest.mark.keras]

CORPUS = ROOT / "tests" / "data" / "model_files"
#: Every file the corpus holds (an entry with ``written: false`` records a save Keras refused).
ENTRIES = [e for e in json.loads((CORPUS / "corpus.json").read_text())["files"] if e.get("written", True)]
#: What a user must be told instead of a total.
REFUSED = {
    "weights_h5": "holds only weights (saved with save_weights",
    "two_layer_net": "holds a subclassed model, class TwoLayerNet",
    "subclassed_sentiment_net": "holds a subclassed model, class SentimentNet",
    "truncated_to_json": "bad JSON at line",
}
#: Models with a part that cannot be checked: exit 1, the rest checked.
UNCHECKED = {"custom_layer": "custom class ScaledDense", "lambdas": "Lambda without a literal output_shape"}


def _refusal(entry):
    return REFUSED.get("weights_h5" if entry["format"] == "weights_h5" else entry["model"])


@pytest.fixture(scope="module")
def verdicts(keras_env):
    """{absolute path: (read error, [LineResult ...])} for every corpus file."""
    out = {}
    keras2_paths = []
    for entry in ENTRIES:
        path = CORPUS / entry["path"]
        try:
            model_file = read_model_file(path)
        except ModelLoadError as exc:
            out[str(path)] = (str(exc), [])
            continue
        lines = lines_for(model_file, "auto")
        out[str(path)] = (None, [check_here(model_file, None, "3")] if "3" in lines else [])
        keras_env.clear()
        if "2" in lines:
            keras2_paths.append(str(path))
    if keras2_paths:
        env = {**os.environ, "TF_USE_LEGACY_KERAS": "1", "TF_CPP_MIN_LOG_LEVEL": "3"}
        done = subprocess.run(
            [sys.executable, "-m", "verify.model_lines", "--line", "2", *keras2_paths],
            capture_output=True,
            text=True,
            env=env,
            timeout=1800,
            cwd=ROOT,
        )
        assert done.returncode == 0, done.stderr[-3000:]
        for text in done.stdout.splitlines():
            if text.startswith("{"):
                out[str(Path(json.loads(text)["path"]))][1].append(LineResult.from_json(text))
    return out


def test_the_corpus_covers_every_format_and_line():
    formats = {e["format"] for e in ENTRIES}
    assert formats >= {"h5", "json", "json_string", "keras", "savedmodel", "weights_h5", "tfjs"}
    lines = {e["path"].split("/")[0] for e in ENTRIES}
    assert lines >= {"keras-2.12", "keras-2.15", "tf_keras-2.21", "keras-3.0", "keras-3.8", "keras-3.15", "handmade"}
    assert all((CORPUS / e["path"]).exists() for e in ENTRIES)


@pytest.mark.parametrize("entry", ENTRIES, ids=[e["path"] for e in ENTRIES])
def test_each_corpus_file_gets_the_verdict_a_user_should_get(verdicts, entry):
    error, results = verdicts[str(CORPUS / entry["path"])]
    refusal = _refusal(entry)
    if refusal is not None:
        assert error is not None and refusal in error, (error, [(r.label, r.status, r.detail) for r in results])
        assert str(CORPUS / entry["path"]) in error  # one line naming the file
        return
    assert error is None, error
    shown = [(r.label, str(r.status), r.detail[:300]) for r in results]
    assert not [r for r in results if r.status in (Status.MISMATCH, Status.CRASHED, Status.FORMULA_ONLY_INVALID)], shown
    unchecked = UNCHECKED.get(entry["model"])
    if unchecked is not None:
        assert exit_code(results) == 1, shown
        assert any(r.status is Status.NO_FORMULA and any(unchecked in row["detail"] for row in r.rows) for r in results), shown
        return
    assert exit_code(results) == 0, shown  # some installed Keras line loads it, and agrees
    for r in results:
        if r.status is Status.MATCH:
            assert r.keras_total == entry["count_params"], shown
            assert (r.keras_trainable, r.keras_non_trainable) == (entry["trainable"], entry["non_trainable"]), shown
