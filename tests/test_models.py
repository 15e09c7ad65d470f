"""Whole models against real Keras: applications layer by layer, nested and shared layers, model
files (Lambda code never runs, bad files are refused in one line), and the model and zoo commands."""

import csv
import json
import os
import subprocess
import sys

import pytest

import formulas
from conftest import ROOT
from verify import models
from verify.compare import Status
from verify.zoo import MODEL_COLUMNS, ZOO_COLUMNS, published_agrees

pytestmark = [pytest.mark.keras]


def paramproof(*args, env=None, timeout=600):
    return subprocess.run(
        [sys.executable, "-m", "verify", *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        env={**os.environ, **(env or {})},
        timeout=timeout,
    )


def read_csv(path):
    with open(path, newline="") as handle:
        return list(csv.DictReader(handle))


def assert_all_rows_match(check):
    bad = [(r.name, r.status, r.detail) for r in check.rows if r.status is not Status.MATCH]
    assert not bad, bad[:5]
    assert check.status is Status.MATCH, check.detail


# -- applications, layer by layer ---------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "custom"),
    [
        ("ConvNeXtTiny", "LayerScale"),  # gamma (projection_dim,), and a nested Sequential in Keras 3
        ("InceptionResNetV2", "CustomScaleLayer"),  # weightless custom layer with two inputs
        ("MobileNetV3Small", None),  # hard-swish / squeeze-excite built from ops and merging layers
    ],
)
def test_an_application_matches_keras_layer_by_layer_and_in_total(keras_env, name, custom):
    check = models.check_application(keras_env, name)
    assert_all_rows_match(check)
    observed = check.observed
    assert len(check.rows) == len(observed.layers)
    assert [r.name for r in check.rows] == [o.name for o in observed.layers]
    assert check.expected.total == observed.count_params
    assert (check.expected.trainable, check.expected.non_trainable) == (observed.trainable, observed.non_trainable)
    if custom is not None:
        assert any(o.class_name == custom for o in observed.layers), f"{name} has no {custom} layer"


def _nested_shared_model(keras):
    layers = keras.layers
    inner = keras.Sequential([keras.Input((6,)), layers.Dense(5), layers.BatchNormalization()], name="frozen_inner")
    inner.trainable = False
    branch_in = keras.Input((6,))
    branch = keras.Model(branch_in, layers.Dense(3, name="branch_dense")(branch_in), name="branch")
    a = keras.Input((6,), name="a")
    b = keras.Input((6,), name="b")
    shared = layers.Dense(6, name="shared")
    left, right = shared(a), shared(b)  # one layer called twice: its weights count once
    merged = layers.Add(name="add")([left, right])
    out1 = layers.Concatenate(name="concat")([inner(merged), branch(right)])
    out2 = layers.Dense(2, name="head")(merged)
    return keras.Model([a, b], [out1, out2], name="nested_shared")


def test_a_nested_and_shared_layer_model_matches_keras(keras_env):
    model = _nested_shared_model(keras_env.keras)
    expected = formulas.expect_model(models.model_config(model), keras=keras_env.version)
    observed = models.observe_model(keras_env, model)
    check = models.compare_model("nested_shared", expected, observed, keras_env.version, keras_env.backend)
    assert_all_rows_match(check)
    # Independent arithmetic: shared Dense 6×(6+1) once; frozen inner Dense 5×(6+1) + BN 4×5 (all
    # non-trainable); branch Dense 3×(6+1); head 2×(6+1).
    trainable = 6 * 7 + 3 * 7 + 2 * 7
    non_trainable = 5 * 7 + 4 * 5
    assert (observed.trainable, observed.non_trainable) == (trainable, non_trainable)
    assert (expected.trainable, expected.non_trainable) == (trainable, non_trainable)
    inner = next(o for o in observed.layers if o.name == "frozen_inner")
    assert inner.weights and not any(w.trainable for w in inner.weights)


# -- model files: Lambda code never runs -------------------------------------------------------

EVIDENCE = "PARAMPROOF_TEST_EVIDENCE"


def _lambda_model(keras):
    layers = keras.layers
    # Each lambda imports os itself, so that its saved bytecode would work if it were ever run.
    ran = "(__import__('os').environ.get('PARAMPROOF_TEST_EVIDENCE') and open(__import__('os').environ['PARAMPROOF_TEST_EVIDENCE'], 'w').write('ran'), t)[1]"
    declared_fn = eval(f"lambda t: {ran} * 2")  # noqa: S307 - a literal written here
    opaque_fn = eval(f"lambda t: {ran}[:, :3]")  # noqa: S307
    x = keras.Input((12,), name="x")
    h = layers.Dense(10, name="up")(x)
    declared = layers.Lambda(declared_fn, output_shape=(10,), name="declared")(h)
    after_declared = layers.Dense(4, name="after_declared")(declared)
    opaque = layers.Lambda(opaque_fn, name="opaque")(h)
    downstream = layers.Dense(2, name="downstream")(opaque)
    side = layers.Dense(5, name="side")(x)
    return keras.Model(x, [after_declared, downstream, side], name="lambdas")


def _check_lambda_file(path, tmp_path, monkeypatch, capsys):
    from verify.cli import main

    evidence = tmp_path / "evidence.txt"
    monkeypatch.setenv(EVIDENCE, str(evidence))
    code = main(["model", str(path), "--out", str(tmp_path)])
    out = capsys.readouterr()
    assert not evidence.exists(), "the Lambda's code ran"
    assert code == 1, out.out + out.err  # two layers cannot be checked: not a clean bill
    table = read_csv(tmp_path / "models" / "lambdas.csv")
    assert list(table[0]) == MODEL_COLUMNS
    rows = {r["layer"]: r for r in table}
    for name in ("x", "up", "declared", "after_declared", "side"):
        assert rows[name]["status"] == "match", rows[name]
    assert rows["opaque"]["status"] == "no_formula" and "never run" in rows["opaque"]["detail"]
    assert rows["downstream"]["status"] == "no_formula"
    assert "downstream of 'opaque'" in rows["downstream"]["detail"]
    assert rows["after_declared"]["keras_total"] == str(4 * (10 + 1))
    assert rows["side"]["keras_total"] == str(5 * (12 + 1))


def test_a_keras_file_with_lambdas_is_checked_without_running_them(keras_env, tmp_path, monkeypatch, capsys):
    path = tmp_path / "lambdas.keras"
    _lambda_model(keras_env.keras).save(path)
    _check_lambda_file(path, tmp_path, monkeypatch, capsys)


def test_a_keras2_h5_file_with_lambdas_is_checked_without_running_them(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("TF_USE_LEGACY_KERAS", "1")
    import tf_keras

    path = tmp_path / "lambdas.h5"
    _lambda_model(tf_keras).save(path)
    _check_lambda_file(path, tmp_path, monkeypatch, capsys)


def test_sanitise_swaps_declared_lambdas_and_prunes_what_depends_on_an_opaque_one():
    config = {
        "class_name": "Functional",
        "config": {
            "name": "m",
            "layers": [
                {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_shape": [None, 4]}, "inbound_nodes": []},
                {"class_name": "Lambda", "name": "l", "config": {"name": "l"}, "inbound_nodes": [[["x", 0, 0, {}]]]},
                {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["l", 0, 0, {}]]]},
                {
                    "class_name": "Lambda",
                    "name": "k",
                    "config": {"name": "k", "output_shape": [4], "function": ["bytecode"]},
                    "inbound_nodes": [[["x", 0, 0, {}]]],
                },
            ],
            "input_layers": [["x", 0, 0]],
            "output_layers": [["d", 0, 0], ["k", 0, 0]],
        },
    }
    safe = models.sanitise(config, keras3=False)
    assert set(safe.pruned) == {"l", "d"}
    kept = {s["name"]: s for s in safe.config["config"]["layers"]}
    assert set(kept) == {"x", "k"}
    assert kept["k"]["class_name"] == models.STAND_IN and "function" not in kept["k"]["config"]
    assert safe.config["config"]["output_layers"] == [["k", 0, 0], ["x", 0, 0]]
    assert "bytecode" not in json.dumps(safe.config)


# -- bad files and the commands ------------------------------------------------------------------


@pytest.mark.cli
@pytest.mark.parametrize(
    ("filename", "content"),
    [
        ("corrupt.keras", b"PK\x03\x04 this is not really a zip archive"),
        ("notes.json", b'{"hello": "world"}'),
        ("random.h5", b"\x00\x01 not an HDF5 file"),
    ],
)
def test_a_corrupt_or_non_keras_file_is_one_line_naming_the_path_and_exit_2(tmp_path, filename, content):
    path = tmp_path / filename
    path.write_bytes(content)
    out = paramproof("model", str(path), "--out", str(tmp_path))
    assert out.returncode == 2, out.stdout + out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1, out.stderr
    assert str(path) in lines[0] and "Traceback" not in out.stderr


@pytest.mark.cli
def test_model_no_keras_prints_the_summary_without_importing_tensorflow():
    code = (
        "import sys; from verify.cli import main; rc = main(['model', 'ResNet50', '--no-keras']); "
        "heavy = [m for m in ('tensorflow', 'keras', 'tf_keras') if m in sys.modules]; "
        "print('HEAVY', heavy); sys.exit(rc)"
    )
    out = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert out.returncode == 0, out.stderr
    assert "HEAVY []" in out.stdout
    assert "conv1_conv" in out.stdout and "Conv2D" in out.stdout
    assert "Total" in out.stdout


@pytest.mark.cli
def test_zoo_only_writes_zoo_csv_with_engine_keras_and_documentation_side_by_side(tmp_path):
    out = paramproof("zoo", "--only", "MobileNet,MobileNetV3Small", "-j", "1", "-q", "--out", str(tmp_path))
    assert out.returncode == 0, out.stdout + out.stderr
    rows = {r["model"]: r for r in read_csv(tmp_path / "zoo.csv")}
    assert list(read_csv(tmp_path / "zoo.csv")[0]) == ZOO_COLUMNS
    assert set(rows) == {"MobileNet", "MobileNetV3Small"}
    for row in rows.values():
        assert row["status"] == "match"
        assert row["formula_total"] == row["keras_total"] != ""
        assert row["layers_disagreeing"] == "0"
    assert rows["MobileNet"]["published_total"].endswith("M")
    assert rows["MobileNet"]["published_agrees"] == "yes"
    assert rows["MobileNetV3Small"]["published_total"] == ""  # keras.io does not list it
    assert (tmp_path / "models" / "MobileNet.csv").exists()


@pytest.mark.cli
def test_zoo_guards_memory_with_the_committed_config_and_times_out_like_run(tmp_path):
    from verify import zoo_configs
    from verify.cli import _installed_keras_version
    from verify.zoo import line_of

    version = _installed_keras_version()
    vgg = formulas.expect_model(zoo_configs.load("VGG16", line_of(version)), keras=version).total
    out = paramproof(
        "zoo",
        "--only",
        "VGG16,MobileNet",
        "-j",
        "1",
        "-q",
        "--max-params",
        str(vgg - 1),
        "--timeout",
        "0.001",
        "--out",
        str(tmp_path),
    )
    assert out.returncode == 1, out.stdout + out.stderr
    rows = {r["model"]: r for r in read_csv(tmp_path / "zoo.csv")}
    assert rows["VGG16"]["status"] == "skipped" and rows["VGG16"]["detail"].startswith("too large to build")
    assert rows["VGG16"]["formula_total"] == str(vgg) and rows["VGG16"]["keras_total"] == ""
    assert rows["MobileNet"]["status"] == "skipped" and rows["MobileNet"]["detail"].startswith("timeout:")


@pytest.mark.cli
def test_zoo_only_with_an_unknown_model_exits_2():
    out = paramproof("zoo", "--only", "ResNet51", "-j", "1", "-q")
    assert out.returncode == 2
    assert "ResNet51" in out.stderr


def test_published_totals_agree_only_after_their_own_rounding():
    assert published_agrees("25.6M", 25_649_999) == "yes"
    assert published_agrees("25.6M", 25_550_001) == "yes"
    assert published_agrees("25.6M", 25_650_001) == "no: 25,650,001 is 25.7M"
    assert published_agrees("119.0M", 118_960_000) == "yes"
    assert published_agrees("", 100) == ""
