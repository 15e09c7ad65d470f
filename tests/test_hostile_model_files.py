"""Hostile and broken model files (issue 16): each is refused with one line naming the file (and
the member or attribute) and the limit, exit 2, never a traceback, never a zip bomb inflated or a
stack blown; the reader's other inputs are kept.  Each test says what real-world file it stands for.

Run with ``--no-keras`` through the real CLI in process (no TensorFlow); the refusals happen while
the file is read, before any Keras is imported, so the Keras path ends the same way."""

from __future__ import annotations

import json
import struct
import tracemalloc
import zipfile
from pathlib import Path
from types import SimpleNamespace
from typing import Any

import pytest

from verify import limits, model_command, model_lines, modelfile
from verify.cli import UsageError, main
from verify.compare import Status
from verify.modelfile import ModelFileError, read_model_file

DATA = Path(__file__).parent / "data" / "model_files"
SMALL_KERAS2 = DATA / "keras-2.12" / "mnist_mlp.json"
SMALL_KERAS3 = DATA / "keras-3.15" / "mnist_mlp.json"


def run_model(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["model", *args])
    out = capsys.readouterr()
    return code, out.out, out.err


def one_line(err: str, *names: str) -> str:
    lines = [line for line in err.splitlines() if line.strip()]
    assert len(lines) == 1, err
    assert "Traceback" not in err
    for name in names:
        assert name in lines[0], lines[0]
    return lines[0]


def small_dense_model(layers: int) -> dict[str, Any]:
    """A Keras 2 Sequential of ``layers`` small Dense layers (a config as small as one can be)."""
    entries: list[dict[str, Any]] = [{"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "name": "in"}}]
    entries += [{"class_name": "Dense", "config": {"units": 4, "name": f"d{i}"}} for i in range(layers)]
    return {"class_name": "Sequential", "config": {"name": "many", "layers": entries}}


def keras_zip(path: Path, config: bytes | str, metadata: Any = None) -> Path:
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("config.json", config)
        archive.writestr("metadata.json", json.dumps(metadata or {"keras_version": "2.15.0"}))
    return path


# -- the examples --------------------------------------------------------------------------


def test_a_json_model_file_nesting_100000_arrays_is_one_line_and_exit_2(tmp_path, capsys):
    """A crafted model.json (or a broken generator's) nesting 100,000 arrays: json.loads would
    blow the stack; it is one line naming the file and the depth limit."""
    path = tmp_path / "deep.json"
    path.write_text("[" * 100_000 + "]" * 100_000)
    code, _, err = run_model(capsys, str(path), "--no-keras", "--out", str(tmp_path))
    assert code == 2
    line = one_line(err, str(path), f"limit of {limits.MAX_JSON_DEPTH} levels")
    # the Keras path ends the same way: the file is refused while it is read, before Keras loads
    code, _, err = run_model(capsys, str(path), "--out", str(tmp_path))
    assert code == 2 and one_line(err) == line


def test_a_keras_archive_of_200000_layers_is_refused_naming_the_layer_limit(tmp_path, capsys):
    """A generated .keras whose config.json holds 200,000 (tiny) layers: over MAX_LAYERS."""
    path = keras_zip(tmp_path / "many.keras", json.dumps(small_dense_model(200_000)))
    code, _, err = run_model(capsys, str(path), "--no-keras", "--out", str(tmp_path))
    assert code == 2
    one_line(err, str(path), "200,001 layers", f"limit of {limits.MAX_LAYERS:,}")


def test_layers_of_nested_models_count_toward_the_limit(tmp_path):
    """Two nested Sequentials of 50,002 layers each: 100,006 layers in one model, with the outer's."""
    inner = [small_dense_model(50_001), small_dense_model(50_001)]
    config = {"class_name": "Sequential", "config": {"name": "outer", "layers": inner}}
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(config))
    with pytest.raises(ModelFileError, match="100,006 layers, over the limit of 100,000"):
        read_model_file(path)


def _zip_bomb(path: Path, megabytes: int) -> Path:
    """config.json of ``megabytes`` MB of spaces, deflated (written in chunks: never held whole)."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
        with archive.open("config.json", "w") as member:
            chunk = b" " * (1024 * 1024)
            for _ in range(megabytes):
                member.write(chunk)
        archive.writestr("metadata.json", json.dumps({"keras_version": "3.15.1"}))
    return path


def _declare_size(path: Path, name: bytes, size: int) -> None:
    """Hand-edit the uncompressed size of member ``name`` in its local header and in the central
    directory (what a crafted archive lies about)."""
    data = bytearray(path.read_bytes())
    local = 0  # the first member's local header
    while True:
        name_len, extra_len = struct.unpack("<HH", data[local + 26 : local + 30])
        if data[local + 30 : local + 30 + name_len] == name:
            struct.pack_into("<I", data, local + 22, size)
            break
        compressed = struct.unpack("<I", data[local + 18 : local + 22])[0]
        local = local + 30 + name_len + extra_len + compressed
    central = data.index(b"PK\x01\x02")
    while data[central : central + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack("<HHH", data[central + 28 : central + 34])
        if data[central + 46 : central + 46 + name_len] == name:
            struct.pack_into("<I", data, central + 24, size)
        central += 46 + name_len + extra_len + comment_len
    path.write_bytes(bytes(data))


@pytest.fixture(scope="module")
def zip_bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    return _zip_bomb(tmp_path_factory.mktemp("bomb") / "bomb.keras", 300).read_bytes()


@pytest.mark.parametrize("declared", [None, 1000, limits.MAX_CONFIG_BYTES - 1])
def test_a_zip_bomb_is_refused_without_being_inflated_past_the_limit(tmp_path, capsys, declared, zip_bomb):
    """A .keras whose config.json is 300 MB of spaces deflated to a few hundred KB: refused by its
    declared size before it is opened; one that declares less than it holds (its header's size
    hand-edited) is never inflated past what it declares (zipfile then finds the CRC wrong)."""
    path = tmp_path / "bomb.keras"
    path.write_bytes(zip_bomb)
    assert path.stat().st_size < 2_000_000
    if declared is not None:
        _declare_size(path, b"config.json", declared)
    tracemalloc.start()
    try:
        code, _, err = run_model(capsys, str(path), "--no-keras", "--out", str(tmp_path))
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert code == 2
    line = one_line(err, str(path), "config.json")
    if declared is None:
        assert "over the 64 MiB limit" in line
    assert peak < 200 * 1024 * 1024, f"{peak:,} bytes at peak"


def test_a_member_that_inflates_past_the_limit_is_cut_at_the_limit(tmp_path, monkeypatch):
    """read_bounded stops at the limit whatever the member declares (a lower limit here, so the
    test stays small): a zip whose config.json inflates past it is refused naming the limit."""
    monkeypatch.setattr(modelfile, "MAX_CONFIG_BYTES", 1000)
    path = keras_zip(tmp_path / "big.keras", json.dumps(small_dense_model(100)))
    with pytest.raises(ModelFileError, match=r"config.json: .*over the 1,000 bytes limit"):
        read_model_file(path)


def test_a_zip_of_thousands_of_members_is_refused_before_its_directory_is_read(tmp_path):
    """A .keras padded with 20,000 tiny members (or a crafted central directory)."""
    path = tmp_path / "crowd.keras"
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr("config.json", SMALL_KERAS3.read_text())
        for i in range(20_000):
            archive.writestr(f"assets/{i}", b"")
    with pytest.raises(ModelFileError, match=f"20,001 members, over the limit of {limits.MAX_ZIP_MEMBERS:,}") as info:
        read_model_file(path)
    assert str(path) in str(info.value)


def test_a_corrupt_deflate_stream_is_one_line(tmp_path):
    """A .keras damaged in transfer: the config.json member's deflate stream is garbage
    (zipfile passes zlib.error on, which is not a BadZipFile)."""
    path = keras_zip(tmp_path / "damaged.keras", SMALL_KERAS3.read_text())
    data = bytearray(path.read_bytes())
    start = 30 + len("config.json")
    data[start : start + 40] = b"\xff" * 40
    path.write_bytes(bytes(data))
    with pytest.raises(ModelFileError, match="cannot read the zip archive") as info:
        read_model_file(path)
    assert "\n" not in str(info.value) and str(path) in str(info.value)


# -- HDF5 -----------------------------------------------------------------------------------------


def test_an_hdf5_model_config_over_the_size_limit_is_refused_before_it_is_read(tmp_path, monkeypatch):
    """An .h5 whose model_config attribute is bigger than any model's (its storage size is read
    first; a lower limit here so the test writes a small file)."""
    h5py = pytest.importorskip("h5py")
    monkeypatch.setattr(modelfile, "MAX_CONFIG_BYTES", 10_000)
    modelfile._HDF5.close()  # the child takes the limit when it starts
    path = tmp_path / "big.h5"
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = json.dumps(small_dense_model(300)).encode()
    try:
        with pytest.raises(ModelFileError, match=r"its HDF5 attribute model_config: [\d,]+ bytes, over the 10,000 bytes limit"):
            read_model_file(path)
    finally:
        modelfile._HDF5.close()


def test_an_hdf5_model_config_nested_too_deep_is_refused(tmp_path, capsys):
    """An .h5 whose model_config attribute nests 100,000 arrays."""
    h5py = pytest.importorskip("h5py")
    path = tmp_path / "deep.h5"
    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = ("[" * 100_000 + "]" * 100_000).encode()
    code, _, err = run_model(capsys, str(path), "--no-keras", "--out", str(tmp_path))
    assert code == 2
    one_line(err, f"{path}: model_config", "limit of 100 levels")


def test_an_hdf5_file_that_loops_the_hdf5_library_ends_in_one_line(tmp_path, monkeypatch):
    """A Keras 3 legacy .h5 with a stretch of bytes reversed (found by fuzzing: one byte-mutated
    .h5 in thirty does this): h5py never returns from reading model_config.  It is read in a child
    process, ended after HDF5_SECONDS."""
    data = (DATA / "keras-3.15" / "custom_layer.h5").read_bytes()
    path = tmp_path / "loops.h5"
    path.write_bytes(data[:2610] + data[2610:9903][::-1] + data[9903:])
    monkeypatch.setattr(modelfile, "HDF5_SECONDS", 2.0)
    with pytest.raises(ModelFileError, match="took over 2 s") as info:
        read_model_file(path)
    assert str(path) in str(info.value) and "\n" not in str(info.value)
    # the next file is read by a new child
    assert read_model_file(DATA / "keras-3.15" / "custom_layer.h5").config["class_name"]


# -- SavedModel ---------------------------------------------------------------------------------------


def _field(number: int, payload: bytes) -> bytes:
    key, length = (number << 3) | 2, len(payload)
    out = bytearray([key])
    while True:
        byte, length = length & 0x7F, length >> 7
        out.append(byte | (0x80 if length else 0))
        if not length:
            return bytes(out) + payload


def _saved_model(folder: Path, metadata: bytes) -> Path:
    folder.mkdir()
    (folder / "saved_model.pb").write_bytes(b"")
    node = _field(3, b"root") + _field(4, b"_tf_keras_sequential") + _field(5, metadata)
    (folder / "keras_metadata.pb").write_bytes(_field(1, node))
    return folder


def test_a_savedmodel_whose_metadata_nests_too_deep_is_refused(tmp_path, capsys):
    """A Keras 2 SavedModel folder whose keras_metadata.pb holds JSON nesting 100,000 objects."""
    folder = _saved_model(tmp_path / "deep_savedmodel", b'{"a":' * 100_000 + b"1" + b"}" * 100_000)
    code, _, err = run_model(capsys, str(folder), "--no-keras", "--out", str(tmp_path))
    assert code == 2
    one_line(err, "keras_metadata.pb", "limit of 100 levels")


def test_a_savedmodel_metadata_file_over_the_size_limit_is_refused_unread(tmp_path):
    """A keras_metadata.pb of 70 MB (sparse here): refused by its size, before it is read."""
    folder = _saved_model(tmp_path / "huge_savedmodel", b"{}")
    with (folder / "keras_metadata.pb").open("r+b") as handle:
        handle.truncate(70_000_000)
    with pytest.raises(ModelFileError, match="70,000,000 bytes, over the 64 MiB limit") as info:
        read_model_file(folder)
    assert "keras_metadata.pb" in str(info.value)


def _padded_saved_model(folder: Path, empty_nodes: int) -> Path:
    folder.mkdir()
    config = json.loads(SMALL_KERAS2.read_text())
    meta = json.dumps({"class_name": "Sequential", "model_config": config, "keras_version": "2.15.0"}).encode()
    root = _field(1, _field(3, b"root") + _field(4, b"_tf_keras_sequential") + _field(5, meta))
    (folder / "keras_metadata.pb").write_bytes(_field(1, b"") * empty_nodes + root)
    return folder


def test_a_savedmodel_metadata_of_many_tiny_nodes_is_read_in_bounded_memory(tmp_path):
    """A keras_metadata.pb of 300,000 empty nodes before its root: walked one node at a time
    (the reader once held every field of the file in a list)."""
    folder = _padded_saved_model(tmp_path / "padded_savedmodel", 300_000)
    tracemalloc.start()
    try:
        model_file = read_model_file(folder)
        _, peak = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert model_file.config["class_name"] == "Sequential"
    # the file's bytes are read once (limits.read_bounded asks for the limit + 1 bytes at once,
    # which tracemalloc counts); the nodes are never held
    assert peak < limits.MAX_CONFIG_BYTES + 20 * 1024 * 1024, f"{peak:,} bytes at peak"


def test_a_savedmodel_metadata_of_millions_of_nodes_before_its_root_is_refused(tmp_path):
    """A 64 MiB keras_metadata.pb of 32 million two-byte nodes would take a minute to walk: past
    MAX_SAVED_OBJECTS objects before the root it is refused."""
    folder = _padded_saved_model(tmp_path / "padded_savedmodel", modelfile.MAX_SAVED_OBJECTS + 10)
    with pytest.raises(ModelFileError, match="more than 1,000,000 objects before its root") as info:
        read_model_file(folder)
    assert "keras_metadata.pb" in str(info.value)


# -- what a JSON file may be ---------------------------------------------------------------------------


def test_a_model_nested_to_the_depth_limit_is_described_without_recursing_past_the_stack(tmp_path, capsys):
    """A Sequential inside a Sequential inside ... 31 deep: 100 levels of JSON, the most allowed;
    every recursive walk (upgrade_config, _untuple, as_keras3_reads_it, the engine) handles it."""
    base = json.loads(SMALL_KERAS2.read_text())
    config = base
    for _ in range(31):
        config = {**base, "config": {**base["config"], "layers": [base["config"]["layers"][0], config]}}
    limits.check_tree(config, "x")
    path = tmp_path / "nested.json"
    path.write_text(json.dumps(config))
    code, out, err = run_model(capsys, str(path), "--no-keras", "--out", str(tmp_path))
    assert code == 0, err
    assert "3,190" in out
    # and Keras 3's view of it (as_keras3_reads_it) too
    model_file = read_model_file(path)
    expected, _ = model_command.describe(model_file, "3.15.1", None)
    assert expected.total == 3190


def test_a_to_json_saved_as_utf16_by_powershell_is_read_as_the_utf8_one(tmp_path):
    """``python make.py > model.json`` in Windows PowerShell writes UTF-16 with a byte order mark."""
    path = tmp_path / "model.json"
    path.write_bytes(SMALL_KERAS2.read_text(encoding="utf-8").encode("utf-16"))
    assert read_model_file(path).config == read_model_file(SMALL_KERAS2).config


def test_a_json_string_holding_a_config_over_a_mebibyte_is_read(tmp_path):
    """``json.dump(model.to_json(), f)`` of a big model (ResNetRS420's config is 1.4 MB): the one
    JSON string is the whole config, so the per-string limit does not apply to it."""
    config = small_dense_model(25_000)
    text = json.dumps(config)
    assert len(text) > limits.MAX_STRING_CHARS
    path = tmp_path / "big.str.json"
    path.write_text(json.dumps(text))
    assert len(read_model_file(path).config["config"]["layers"]) == 25_001


@pytest.mark.parametrize("digits", [31, 5000])
def test_an_integer_past_int64_is_refused_naming_the_file(tmp_path, digits):
    """units: 10**30 (a generator's overflow): past any backend's int64.  5,000 digits (found by
    fuzzing) made json.loads raise a bare ValueError (Python's 4,300-digit limit on int()), which
    the reader did not catch: a traceback."""
    config = json.loads(SMALL_KERAS3.read_text())
    config["config"]["layers"][2]["config"]["units"] = "UNITS"
    path = tmp_path / "huge.json"
    path.write_text(json.dumps(config).replace('"UNITS"', "9" * digits))
    with pytest.raises(ModelFileError, match="past int64") as info:
        read_model_file(path)
    assert str(path) in str(info.value)


@pytest.mark.parametrize("version", ["²", "9" * 5000, "3" * 10])
def test_a_keras_version_that_is_not_a_version_is_no_crash(tmp_path, version):
    """A metadata.json whose keras_version is a superscript digit (str.isdigit() says yes, int()
    says no) or 5,000 digits (past Python's int-from-string limit) (found by review for fuzzing)."""
    path = keras_zip(tmp_path / "m.keras", SMALL_KERAS3.read_text(), {"keras_version": version})
    model_file = read_model_file(path)
    assert model_file.saved_by_keras is None
    assert model_file.keras3_format  # from the configuration's own marks


@pytest.mark.parametrize("axis", ["NaN", "Infinity", "-Infinity"])
def test_a_non_finite_axis_is_left_for_the_engine_to_refuse(tmp_path, axis):
    """A Keras 2 BatchNormalization whose axis is [NaN] (JSON files can hold NaN): Keras 3's view
    of it (as_keras3_reads_it) took int(NaN) and raised ValueError / OverflowError."""
    config = {
        "class_name": "Sequential",
        "config": {
            "name": "s",
            "layers": [
                {"class_name": "InputLayer", "config": {"batch_input_shape": [None, 4], "name": "in"}},
                {"class_name": "BatchNormalization", "config": {"name": "bn", "axis": ["AXIS"]}},
            ],
        },
    }
    path = tmp_path / "nan.json"
    path.write_text(json.dumps(config).replace('"AXIS"', axis))
    view = read_model_file(path).config_for("3.15.1")
    assert isinstance(view["config"]["layers"][1]["config"]["axis"], list)
    try:
        model_command.describe(read_model_file(path), "3.15.1", None)
    except UsageError as exc:
        assert str(path) in str(exc) and "\n" not in str(exc)


def test_a_device_or_a_bad_path_is_one_line(tmp_path):
    """``paramproof model /dev/zero`` would read forever; a path with a NUL byte, or a name too
    long for the file system, is an OSError or ValueError from os.stat."""
    for path in (Path("/dev/zero"), Path("model\x00.json"), tmp_path / ("x" * 5000 + ".json")):
        with pytest.raises(ModelFileError) as info:
            read_model_file(path)
        assert "\n" not in str(info.value)


def test_an_engine_exception_ends_in_one_line_naming_the_layer(tmp_path, capsys, monkeypatch):
    """An engine bug on some config (fuzzing found a layer whose class_name is a list sent
    upgrade_config into a TypeError; since fixed): the command's last line of defence ends it in
    one line naming the file, the layer and where, exit 2."""
    import formulas

    def broken(config, **kwargs):
        for spec in config["config"]["layers"]:
            if spec["class_name"] == "Dense":
                raise KeyError("units")
        raise AssertionError("no Dense layer")

    monkeypatch.setattr(formulas, "expect_model", broken)
    code, _, err = run_model(capsys, str(SMALL_KERAS2), "--no-keras", "--out", str(tmp_path))
    assert code == 2
    one_line(err, str(SMALL_KERAS2), "paramproof bug", "at layer 'dense'", "KeyError: 'units'", "broken")


def test_a_class_name_with_a_newline_is_still_one_line(tmp_path, capsys):
    """A subclassed model's class name and module as a hand-edited file may have them: the refusal
    that names them stays one line."""
    path = tmp_path / "sub.json"
    path.write_text(json.dumps({"class_name": "My\nModel\u2028x", "module": "a\r\nb", "config": {}}))
    code, _, err = run_model(capsys, str(path), "--no-keras", "--out", str(tmp_path))
    assert code == 2
    assert "class My Model x (module a b)" in one_line(err, str(path))


def test_a_harness_exception_on_a_hostile_config_is_that_lines_crashed_result(tmp_path, capsys, monkeypatch):
    """A nested model whose config is -Infinity (found by fuzzing the Keras path's preparation):
    verify.models.override_input_shapes raised AttributeError before Keras was called, a traceback
    out of ``paramproof model --input-shape``; now the line's result says what failed, in one line."""
    from verify import models

    nested = {"module": "keras.src.models.functional", "class_name": "Functional", "config": float("-inf")}
    path = tmp_path / "odd.json"
    path.write_text(json.dumps({"class_name": "Sequential", "config": {"name": "outer", "layers": [nested]}}))

    def check_line(model_file, shapes, shape_texts, line):  # a harness bug before Keras builds
        models.override_input_shapes(model_file.config, shapes, keras3=True)  # now a ModelLoadError, see below
        raise AssertionError("not reached")

    def prepare(model_file, shapes, shape_texts, line):  # a harness bug the preparation may still have
        raise TypeError("unhashable type: 'list'")

    with pytest.raises(models.ModelLoadError, match="'config' must be a mapping, got -inf"):
        check_line(read_model_file(path), [(None, 4)], ["4"], "3")
    monkeypatch.setattr(model_lines, "check_line", prepare)
    code, out, err = run_model(capsys, str(path), "--keras-line", "3", "--input-shape", "4", "--out", str(tmp_path))
    assert code == 1 and "Traceback" not in out + err
    verdict = [line for line in out.splitlines() if line.startswith("crashed on")]
    assert len(verdict) == 1 and "the harness failed preparing for Keras" in verdict[0], out
    assert "prepare" in verdict[0] and "TypeError: unhashable type" in verdict[0]


# -- several files, one hostile ---------------------------------------------------------------------


def test_the_keras_child_checks_every_path_when_one_is_hostile(tmp_path, capsys, monkeypatch, zip_bomb):
    """``python -m verify.model_lines A B C`` (the Keras 2 line's child process) given a 100,000-deep
    file between two good ones: each path gets its own result line, the hostile one its refusal."""
    deep = tmp_path / "deep.json"
    deep.write_text("[" * 100_000 + "]" * 100_000)
    bomb = tmp_path / "bomb.keras"
    bomb.write_bytes(zip_bomb)

    def checked(model_file, shapes, line):  # Keras stands aside: what is tested is the reading
        return model_lines.LineResult(line, "x", "", Status.MATCH, f"read {model_file.config['class_name']}")

    monkeypatch.setattr(model_lines, "check_here", checked)
    assert model_lines.main([str(SMALL_KERAS2), str(deep), str(bomb), str(SMALL_KERAS3), "--line", "2"]) == 0
    results = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    assert [r["path"] for r in results] == [str(SMALL_KERAS2), str(deep), str(bomb), str(SMALL_KERAS3)]
    assert [r["status"] for r in results] == [
        str(Status.MATCH),
        str(Status.BOTH_INVALID),
        str(Status.BOTH_INVALID),
        str(Status.MATCH),
    ]
    assert "limit of 100 levels" in results[1]["detail"] and "64 MiB" in results[2]["detail"]


def test_a_model_case_naming_a_hostile_file_is_a_result_and_the_other_cases_run(tmp_path):
    """A case file whose model cases name model files, one of them 100,000 arrays deep: that case
    is a CRASHED result naming the file and the limit; the next case's file is read."""
    from verify.cases import load_cases
    from verify.model_cases import _model_file, run_model_case

    (tmp_path / "deep.json").write_text("[" * 100_000 + "]" * 100_000)
    (tmp_path / "good.json").write_text(SMALL_KERAS2.read_text())
    lines = [json.dumps({"id": "deep", "model": "deep.json"}), json.dumps({"id": "good", "model": "good.json"})]
    (tmp_path / "cases.jsonl").write_text("\n".join(lines) + "\n")
    cases, problems = load_cases([tmp_path / "cases.jsonl"])
    assert problems == [] and [c.id for c in cases] == ["deep", "good"]
    env = SimpleNamespace(version="3.15.1", backend="tensorflow")
    result = run_model_case(cases[0], env)  # type: ignore[arg-type]
    assert result.status is Status.CRASHED
    assert "deep.json" in result.detail and "limit of 100 levels" in result.detail and "\n" not in result.detail
    assert _model_file(cases[1]).config["class_name"] == "Sequential"


# -- the Keras path's preparation of a malformed config (verify.models) -------------------------------
#
# Found by fuzzing sanitise / override_input_shapes (the rewrite a config goes through before Keras
# deserializes it): each crashed with an AttributeError, TypeError or KeyError, which ended as the
# line's CRASHED "harness failed" result.  Each is now a ModelLoadError naming the layer and the bad
# value, which the line reports as Keras refusing the file.  No Keras is built here.


def _functional(layers: list[Any], inputs: Any = None, outputs: Any = None) -> dict[str, Any]:
    """A Keras 2 functional config: input ``x`` -> Dense ``d`` -> whatever ``layers`` add."""
    entries: list[Any] = [
        {"class_name": "InputLayer", "name": "x", "config": {"name": "x", "batch_input_shape": [None, 4]}, "inbound_nodes": []},
        {"class_name": "Dense", "name": "d", "config": {"name": "d", "units": 2}, "inbound_nodes": [[["x", 0, 0, {}]]]},
    ]
    return {
        "class_name": "Functional",
        "config": {
            "name": "hand_edited",
            "layers": entries + layers,
            "input_layers": [["x", 0, 0]] if inputs is None else inputs,
            "output_layers": [["d", 0, 0]] if outputs is None else outputs,
        },
    }


def _refused(match: str, fn: Any, *args: Any, **kwargs: Any) -> str:
    from verify import models

    with pytest.raises(models.ModelLoadError) as info:
        fn(*args, **kwargs)
    text = str(info.value)
    assert "\n" not in text and match in text, text
    return text


@pytest.mark.parametrize(
    ("entry", "match"),
    [
        # a layers list with a number or null in it (a generator writing a placeholder)
        (-1, "layers[2] is not a layer config"),
        (None, "layers[2] is not a layer config"),
        # class_name a list / a mapping: `in UNTRUSTED` raised "unhashable type"
        (
            {"class_name": ["Dense"], "name": "e", "config": {"name": "e"}},
            "layers[2] 'e': 'class_name' must be a string, got ['Dense']",
        ),
        ({"class_name": {"a": 1}, "config": {}}, "'class_name' must be a string"),
        # config a number (a hand-edit that put units where the config goes): .get on an int
        ({"class_name": "Dense", "name": "e", "config": 5}, "layers[2] 'e' (Dense): 'config' must be a mapping, got 5"),
        # a name that is a list: `_spec_name` gave "[1, 2]", a KeyError later
        ({"class_name": "Dense", "name": [1, 2], "config": {}}, "its name must be a string, got [1, 2]"),
    ],
)
def test_a_malformed_layer_entry_is_refused_before_keras_naming_the_layer(entry, match):
    from verify import models

    config = _functional([entry])
    text = _refused(match, models.sanitise, config, keras3=False, version="3.15.1")
    assert text.startswith("model 'hand_edited': ")
    _refused(match, models.override_input_shapes, config, [(None, 4)], keras3=True)


@pytest.mark.parametrize("outputs", [5, 1.5, "d", {"out": ["d", 0, 0]}, None])
def test_output_layers_that_are_not_a_list_do_not_crash_the_pruning(outputs):
    """output_layers a number (fuzzing; `for v in 5` raised TypeError while an opaque Lambda was
    pruned); a Keras 3 dict of outputs still goes through as before."""
    from verify import models

    lam = {"class_name": "Lambda", "name": "lam", "config": {"name": "lam"}, "inbound_nodes": [[["d", 0, 0, {}]]]}
    safe = models.sanitise(_functional([lam], outputs=outputs), keras3=False, version="3.15.1")
    assert "lam" in safe.pruned
    assert [s["name"] for s in safe.config["config"]["layers"]] == ["x", "d"]
    assert safe.config["config"]["output_layers"] == [["d", 0, 0]]


def test_an_output_ref_whose_layer_is_not_a_name_is_refused():
    from verify import models

    lam = {"class_name": "Lambda", "name": "lam", "config": {"name": "lam"}, "inbound_nodes": [[["d", 0, 0, {}]]]}
    config = _functional([lam], outputs=[[{"a": 1}, 0, 0]])
    _refused(
        "output_layers entry [{'a': 1}, 0, 0] is not [layer name, node index, tensor index]",
        models.sanitise,
        config,
        keras3=False,
    )


def test_a_lambda_without_a_shape_outside_the_layers_is_never_handed_to_keras():
    """A Lambda spec with no literal output_shape hidden in a layer's inbound node kwargs (not in any
    layer's config, so not found opaque): swapping it for a stand-in raised TypeError; Keras must
    not see it either, so the file is refused."""
    from verify import models

    hidden = {"class_name": "Lambda", "config": {"name": "hidden", "function": "os.system"}}
    dense = {
        "class_name": "Dense",
        "name": "e",
        "config": {"name": "e", "units": 2},
        "inbound_nodes": [[["d", 0, 0, {"k": hidden}]]],
    }
    _refused(
        "Lambda 'hidden' outside the layers' configs (in an inbound node or another field) has no literal output_shape",
        models.sanitise,
        _functional([dense]),
        keras3=False,
    )


def test_override_input_shapes_on_malformed_inputs_is_a_refusal():
    from verify import models

    # input_layers naming a layer the model does not have (a renamed InputLayer): KeyError before
    _refused(
        "model 'hand_edited': input layer 'text' (input_layers) is not one of its layers",
        models.override_input_shapes,
        _functional([], inputs=[["text", 0, 0]]),
        [(None, 4)],
        keras3=True,
    )
    # input_layers whose name is a mapping: ", ".join raised TypeError
    _refused(
        "input_layers entry [{'a': 1}, 0, 0] is not [layer name",
        models.override_input_shapes,
        _functional([], inputs=[[{"a": 1}, 0, 0]]),
        [(None, 4)],
        keras3=True,
    )
    # input_layers a number: "int is not iterable"; now simply no inputs, which one shape does not fit
    _refused("the model has 0 input(s)", models.override_input_shapes, _functional([], inputs=7), [(None, 4)], keras3=True)
    # the Sequential of test_a_harness_exception_...: a nested model whose config is -Infinity
    nested = {"module": "keras.src.models.functional", "class_name": "Functional", "config": float("-inf")}
    sequential = {"class_name": "Sequential", "config": {"name": "outer", "layers": [nested]}}
    _refused(
        "layers[0] (Functional): 'config' must be a mapping, got -inf",
        models.override_input_shapes,
        sequential,
        [(None, 4)],
        keras3=True,
    )


def test_a_layer_whose_config_is_null_still_takes_the_input_shape():
    """``"config": null`` is read as an empty config (as the engine does), not a crash on .pop."""
    from verify import models

    sequential = {"class_name": "Sequential", "config": {"name": "s", "layers": [{"class_name": "Dense", "config": None}]}}
    out = models.override_input_shapes(sequential, [(None, 4)], keras3=False)
    assert out["config"]["layers"][0]["config"] == {"batch_input_shape": [None, 4]}
    functional = _functional([])
    functional["config"]["layers"][0]["config"] = None
    functional["config"]["layers"][0]["name"] = "x"
    out = models.override_input_shapes(functional, [(None, 7)], keras3=True)
    assert out["config"]["layers"][0]["config"] == {"batch_shape": [None, 7]}


def test_a_malformed_config_is_refused_by_load_model_file_naming_the_file(tmp_path):
    """The refusal reaches the line's result as Keras refusing the file, naming it (the Keras
    module is never touched: the config is refused while it is prepared)."""
    from verify import models

    path = tmp_path / "odd.json"
    path.write_text(json.dumps(_functional([{"class_name": "Dense", "name": "e", "config": 5}])))
    env = SimpleNamespace(keras=None, version="3.15.1", is_keras3=True)
    with pytest.raises(models.ModelLoadError) as info:
        models.load_model_file(env, read_model_file(path), None)  # type: ignore[arg-type]
    assert str(info.value).startswith(f"{path}: model 'hand_edited': layers[2] 'e' (Dense): 'config' must be a mapping")


def test_a_lambda_outside_the_models_config_is_swapped_and_a_config_less_model_is_not_a_keyerror():
    """A Lambda spec in a top-level key beside ``config`` (fuzzing: in ``module``): it is swapped
    for a stand-in like every Lambda, and a model without ``config`` (which verify.modelfile never
    passes on) no longer raises KeyError while it is pruned."""
    from verify import models

    lam = {"class_name": "Lambda", "config": {"name": "l2", "output_shape": [3]}}
    safe = models.sanitise({"class_name": "Functional", "module": lam}, keras3=True, version="3.15.1")
    assert safe.changed and safe.config["module"]["class_name"] == models.STAND_IN


def test_input_names_in_the_count_refusal_stay_on_one_line():
    """Input layers named with a line break (a hand-edited file): the refusal that lists them for a
    wrong number of --input-shape values is still one line."""
    from verify import models

    config = _functional([], inputs=[["x", 0, 0], ["a\nb", 0, 0]])
    _refused("the model has 2 input(s) (x, 'a\\nb'); got 1", models.override_input_shapes, config, [(None, 4)], keras3=True)
