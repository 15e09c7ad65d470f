"""Fuzz the model-file readers (reader "model-files"): every input ends in a model described by the
engine or in one line naming the file, within the time bound.

What runs on each input is what ``paramproof model PATH --no-keras`` runs, in process:
:func:`verify.modelfile.read_model_file` (JSON, TensorFlow.js, a JSON string of JSON, ``.keras``
zip, HDF5 in its child process, Keras 2 SavedModel), then the engine (:func:`verify.model_command.describe`:
the expectation and its summary, and the CSV rows).  Byte-level: mutants of the real files in
tests/data/model_files.  Structured (hypothesis): real configurations mutated field by field,
truncated, re-encoded, wrapped and nested, then written in each format.

An engine exception other than its documented ValueError is caught at the command's boundary (one
line saying it is a paramproof bug); set ``PARAMPROOF_FUZZ_ENGINE_BUGS=FILE`` to collect those
lines, with the configuration, for the engine's owner.
"""

from __future__ import annotations

import copy
import gzip
import json
import math
import os
import tempfile
import zipfile
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import fuzzing
import pytest
from hypothesis import given
from hypothesis import strategies as st

from verify import model_command, modelfile
from verify.cli import UsageError
from verify.model_lines import line_version, lines_for, native_line

READER = "model-files"
FILES = fuzzing.DATA / "model_files"
ZOO = fuzzing.ROOT / "verify" / "zoo_configs"
#: Where engine failures caught at the command's boundary are appended (for the engine's owner).
ENGINE_BUGS = os.environ.get("PARAMPROOF_FUZZ_ENGINE_BUGS")
#: The HDF5 child's time bound while fuzzing: a real file's attributes take milliseconds, and a
#: mutant that loops the HDF5 library costs this much.
HDF5_SECONDS = 1.5


def _small(paths: Iterator[Path], most: int) -> list[Path]:
    return sorted(p for p in paths if p.is_file() and p.stat().st_size <= most)


JSON_FILES = [p for p in _small(FILES.rglob("*.json"), 100_000) if p.name != "corpus.json"]
ZIP_FILES = [p for p in _small(FILES.rglob("*.keras"), 400_000) if p.read_bytes()[:2] == b"PK"]
HDF5_FILES = _small((p for p in FILES.rglob("*.h5")), 200_000)
SAVED_MODELS = sorted(p.parent for p in FILES.rglob("keras_metadata.pb"))


def _configs() -> list[dict[str, Any]]:
    """Real configurations: the JSON fixtures that are configs, and small zoo configs of each line."""
    out = []
    for path in JSON_FILES:
        try:
            out.append(modelfile.read_model_file(path).config)
        except modelfile.ModelFileError:
            continue
    for line in ("keras2", "keras3"):
        for name in ("VGG16", "MobileNet"):
            out.append(json.loads(gzip.decompress((ZOO / line / f"{name}.json.gz").read_bytes())))
    return out


CONFIGS = _configs()


@pytest.fixture(autouse=True, scope="module")
def _quick_hdf5() -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(modelfile, "HDF5_SECONDS", HDF5_SECONDS)
        yield


def describe(path: Path) -> Any:
    """What ``paramproof model PATH --no-keras`` computes: the file read, the engine's expectation
    on the Keras line the command picks, its summary and its CSV rows."""
    model_file = modelfile.read_model_file(path)
    model_file.header()
    lines = lines_for(model_file, "auto")
    version = line_version(lines[0]) or line_version(native_line()) or "3"
    expected, _ = model_command.describe(model_file, version, None)
    model_command.formula_rows(model_file, expected, "fuzz")
    return expected


def check(path: Path, data: bytes | None = None) -> None:
    """The contract on one input: a result, or one line naming the file."""
    try:
        describe(path)
    except (modelfile.ModelFileError, UsageError) as exc:
        fuzzing.assert_one_line(str(exc), names=str(path))
        assert len(str(exc).splitlines()) == 1, f"a message of several lines: {str(exc)!r}"
        if ENGINE_BUGS and "the engine failed" in str(exc):
            with open(ENGINE_BUGS, "a", encoding="utf-8") as handle:
                shown = (data or path.read_bytes())[:20_000].decode("utf-8", "replace")
                handle.write(json.dumps({"message": str(exc), "input": shown}) + "\n")


def _write(folder: Path, suffix: str, data: bytes) -> Path:
    path = folder / f"model{suffix}"
    path.write_bytes(data)
    return path


# -- byte-level ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(("kind", "paths", "suffix"), [("json", JSON_FILES, ".json"), ("zip", ZIP_FILES, ".keras")])
def test_byte_mutants_of_real_model_files(kind: str, paths: list[Path], suffix: str, tmp_path: Path) -> None:
    seeds = [p.read_bytes() for p in paths]
    assert seeds
    fuzzing.run_mutants(READER, seeds, lambda data: check(_write(tmp_path, suffix, data), data), salt=f"{READER}-{kind}")


def test_byte_mutants_of_real_hdf5_files(tmp_path: Path) -> None:
    """One in thirty mutants loops the HDF5 library (read in a child process, ended after
    HDF5_SECONDS), so HDF5 gets a tenth of the budget."""
    seeds = [p.read_bytes() for p in HDF5_FILES]
    count = max(30, fuzzing.INPUTS // 10)
    progress = fuzzing.Progress(f"{READER} (HDF5)", count)
    for index in range(count):
        data = fuzzing.mutant(seeds, index, f"{READER}-hdf5")
        with fuzzing.time_bound(f"HDF5 mutant {index} (seed {fuzzing.SEED})"):
            check(_write(tmp_path, ".h5", data), data)
        progress.step(index + 1)
    fuzzing.tally(READER, count)


def test_byte_mutants_of_keras_metadata_pb(tmp_path: Path) -> None:
    seeds = [(folder / "keras_metadata.pb").read_bytes() for folder in SAVED_MODELS]
    folder = tmp_path / "saved"
    folder.mkdir()

    def one(data: bytes) -> None:
        (folder / "keras_metadata.pb").write_bytes(data)
        check(folder, data)

    fuzzing.run_mutants(READER, seeds, one, salt=f"{READER}-pb")


def test_byte_mutants_of_a_keras_archives_config_json(tmp_path: Path) -> None:
    """The config.json inside a real .keras archive mutated and zipped again (a valid zip around
    broken JSON), next to the archive's own metadata.json and weights."""
    archives = []
    for path in ZIP_FILES[:6]:
        with zipfile.ZipFile(path) as archive:
            archives.append({name: archive.read(name) for name in archive.namelist()})
    seeds = [a["config.json"] for a in archives if "config.json" in a]

    def one_at(index: int, data: bytes) -> None:
        members = {**archives[index % len(seeds)], "config.json": data}
        path = tmp_path / "model.keras"
        with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, body in members.items():
                archive.writestr(name, body)
        check(path, data)

    done = 0
    for index, data in fuzzing.mutants(seeds, fuzzing.INPUTS, f"{READER}-config.json"):
        with fuzzing.time_bound(f"config.json mutant {index} (seed {fuzzing.SEED})"):
            one_at(index, data)
        done += 1
    fuzzing.tally(READER, done)


# -- structured ----------------------------------------------------------------------------------------

#: Values a hostile or broken file puts where a real one has a dimension, a name, a list or a config.
HOSTILE: list[Any] = [
    None,
    True,
    0,
    -1,
    -(2**63),
    2**63 - 1,
    2**31,
    1.5,
    -0.0,
    1e308,
    math.nan,
    math.inf,
    -math.inf,
    "",
    "x",
    "None",
    "[x]",
    "\u2502\x00\n",
    "My\nModel\u2028",
    "a" * 5000,
    [],
    {},
    [None],
    [[[[]]]],
    {"class_name": "Sequential", "config": {"layers": []}},
    {"class_name": "__tuple__", "items": [1, 2]},
    {"class_name": "Functional", "config": {"layers": [], "input_layers": [], "output_layers": []}},
    {"class_name": "Dense", "config": {"units": -3}},
    {"class_name": "Lambda", "config": {}},
    {"module": "keras", "class_name": "DTypePolicy", "config": {"name": "mixed_float16"}},
    ["dense", 0, 0],
    [["nope", 99, 99, {}]],
]


def _slots(value: Any) -> list[tuple[Any, Any]]:
    """Every (container, key) of a configuration: the places a mutation can land."""
    out: list[tuple[Any, Any]] = []
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            for k, v in item.items():
                out.append((item, k))
                stack.append(v)
        elif isinstance(item, list):
            for i, v in enumerate(item):
                out.append((item, i))
                stack.append(v)
    return out


def _deep(n: int) -> Any:
    value: Any = 1
    for i in range(n):
        value = [value] if i % 2 else {"a": value}
    return value


def _layers(config: Any) -> list[Any]:
    body = config.get("config") if isinstance(config, dict) else None
    layers = body.get("layers") if isinstance(body, dict) else None
    return layers if isinstance(layers, list) else []


@st.composite
def mutated_configs(draw: st.DrawFn) -> Any:
    """A real configuration with one to four field-level edits."""
    config: Any = copy.deepcopy(draw(st.sampled_from(CONFIGS)))
    for _ in range(draw(st.integers(1, 4))):
        slots = _slots(config)
        kind = draw(st.integers(0, 7))
        if kind <= 2 and slots:
            holder, key = draw(st.sampled_from(slots))
            holder[key] = copy.deepcopy(draw(st.sampled_from(HOSTILE)))
        elif kind == 3 and slots:
            holder, key = draw(st.sampled_from(slots))
            holder[key] = _deep(draw(st.integers(20, 140)))
        elif kind == 4 and slots:
            holder, key = draw(st.sampled_from(slots))
            del holder[key]
        elif kind == 5 and _layers(config):
            layers = _layers(config)
            i = draw(st.integers(0, len(layers) - 1))
            layers.insert(draw(st.integers(0, len(layers))), copy.deepcopy(layers[i]))
        elif kind == 6 and len(_layers(config)) > 1:
            # an inbound node pointing at a later layer, or at itself: a cycle
            layers = _layers(config)
            i = draw(st.integers(0, len(layers) - 1))
            j = draw(st.integers(i, len(layers) - 1))
            body = layers[j].get("config") if isinstance(layers[j], dict) else None
            name = body.get("name") if isinstance(body, dict) else None
            if isinstance(layers[i], dict) and name:
                nodes = layers[i].get("inbound_nodes")
                if isinstance(nodes, list) and nodes and isinstance(nodes[0], dict):
                    layers[i]["inbound_nodes"] = [
                        {
                            "args": [
                                {
                                    "class_name": "__keras_tensor__",
                                    "config": {"shape": [None, 3], "dtype": "float32", "keras_history": [name, 0, 0]},
                                }
                            ],
                            "kwargs": {},
                        }
                    ]
                else:
                    layers[i]["inbound_nodes"] = [[[name, 0, 0, {}]]]
        elif kind == 7:
            # the model nested n deep as a layer of itself
            inner = config
            for _ in range(draw(st.integers(1, 40))):
                inner = {"class_name": "Sequential", "config": {"name": "outer", "layers": [inner]}}
            config = inner
    return config


def _encode(text: str, encoding: str) -> bytes:
    if encoding == "utf-8-sig":
        return b"\xef\xbb\xbf" + text.encode("utf-8", "surrogatepass")
    if encoding == "utf-16":
        return text.encode("utf-16", "surrogatepass")
    if encoding == "utf-16-le":
        return text.encode("utf-16-le", "surrogatepass")
    if encoding == "latin-1":
        return text.encode("latin-1", "replace")
    return text.encode("utf-8", "surrogatepass")


@st.composite
def model_files(draw: st.DrawFn) -> tuple[str, bytes, str]:
    """``(suffix, bytes, JSON text)``: a mutated configuration in one of the formats users bring."""
    config = draw(mutated_configs())
    wrap = draw(st.sampled_from(["plain", "string", "tfjs", "tfjs-inner", "list"]))
    if wrap == "string":
        value: Any = json.dumps(config)
    elif wrap == "tfjs":
        value = {"format": "layers-model", "generatedBy": "keras", "modelTopology": config}
    elif wrap == "tfjs-inner":
        value = {"format": "layers-model", "modelTopology": {"keras_version": "2.12.0", "model_config": config}}
    elif wrap == "list":
        value = _layers(config) or config
    else:
        value = config
    text = json.dumps(value, allow_nan=True)
    if draw(st.integers(0, 9)) == 0:
        text = text[: draw(st.integers(0, len(text)))]
    container = draw(st.sampled_from([".json", ".json", ".keras", ".keras", ".h5"]))
    encoding = draw(st.sampled_from(["utf-8"] * 6 + ["utf-8-sig", "utf-16", "utf-16-le", "latin-1"]))
    raw = _encode(text, encoding)
    if container == ".keras":
        import io

        buffer = io.BytesIO()
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            archive.writestr("config.json", raw)
            meta = draw(st.sampled_from([{"keras_version": "3.15.1"}, {"keras_version": "2.15.0"}, [], {"keras_version": 3}]))
            archive.writestr("metadata.json", json.dumps(meta))
        return ".keras", buffer.getvalue(), text
    if container == ".h5":
        return ".h5", raw, text  # written with h5py by the test
    return ".json", raw, text


def _write_hdf5(path: Path, raw: bytes) -> None:
    import h5py
    import numpy as np

    with h5py.File(path, "w") as handle:
        handle.attrs["model_config"] = np.void(raw) if b"\x00" in raw else raw
        handle.attrs["keras_version"] = b"2.15.0"
        handle.attrs["backend"] = b"tensorflow"


@fuzzing.FUZZ_SETTINGS
@given(model_files())
@fuzzing.counted(READER)
def test_structured_mutations_of_real_configs(case: tuple[str, bytes, str]) -> None:
    suffix, raw, text = case
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / f"model{suffix}"
        if suffix == ".h5":
            _write_hdf5(path, raw)
        else:
            path.write_bytes(raw)
        with fuzzing.time_bound(f"a structured {suffix} input"):
            check(path, text.encode("utf-8", "surrogatepass"))


@fuzzing.FUZZ_SETTINGS
@given(st.integers(1, 60), st.sampled_from(["Sequential", "Functional"]), st.sampled_from(CONFIGS[:4]))
@fuzzing.counted(READER)
def test_models_nested_n_deep_end_in_a_result_or_the_depth_limit(n: int, outer: str, seed: dict[str, Any]) -> None:
    """A model inside a model inside ... (each level costs three or more JSON levels): up to the
    depth limit it is described; past it, one line names the limit; nothing recurses past the stack."""
    inner: Any = copy.deepcopy(seed)
    for i in range(n):
        if outer == "Sequential":
            inner = {"class_name": "Sequential", "config": {"name": f"s{i}", "layers": [inner]}}
        else:
            inner = {**inner, "name": f"m{i}", "inbound_nodes": []}
            inner = {
                "class_name": "Functional",
                "config": {"name": f"f{i}", "layers": [inner], "input_layers": [], "output_layers": [[f"m{i}", 0, 0]]},
            }
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "nested.json"
        path.write_text(json.dumps(inner))
        with fuzzing.time_bound(f"a model nested {n} deep"):
            check(path)
