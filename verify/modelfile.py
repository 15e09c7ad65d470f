"""Model files as users bring them: every format, recognised by its bytes, never by its name.

Nothing here imports TensorFlow or Keras, unpickles or runs anything: each format is read with
the standard library (and h5py for HDF5), and what comes out is the model's *configuration*, the
file's own ``keras_version`` / ``backend`` and notes saying how it was read.

=====================================  ==================================================================
what the bytes are                     how it is read
=====================================  ==================================================================
zip (``PK``)                           a Keras 3 ``.keras`` archive: ``config.json`` and ``metadata.json``
                                       only; the weights (``model.weights.h5``) are never unpacked
HDF5 (``\\x89HDF``)                     ``model_config`` attribute (Keras 1, 2 and 3's legacy ``.h5``);
                                       without one: a weights-only file (``save_weights``) is named so
JSON text                              ``to_json()`` (dict or Keras 1–2.1 list form), a JSON string that
                                       holds JSON (``json.dump(model.to_json())``), a TensorFlow.js
                                       ``model.json`` (``modelTopology``)
a folder                               a Keras 2 SavedModel: its ``keras_metadata.pb`` holds the config
=====================================  ==================================================================

A subclassed model (a class of the user's whose layers exist only in its Python code) has no
layer graph in any of these: it is refused, naming its class.  Keras 1 and list-form configs are
converted by :func:`formulas.upgrade_config`, and the conversion is noted.
"""

from __future__ import annotations

import json
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import formulas

#: The first bytes of each binary format.
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
#: HDF5 allows a user block of 512 · 2^k bytes before the signature.
HDF5_OFFSETS = (0, 512, 1024, 2048, 4096)
#: The largest config.json / JSON file read (a ResNet152's config is about 0.6 MB).
MAX_CONFIG_BYTES = 256 * 1024 * 1024
#: Model classes whose config holds a layer graph.
GRAPH_CLASSES = frozenset({"Sequential", "Functional", "Model"})


class ModelFileError(ValueError):
    """A file that holds no checkable model: one line that names the path and why."""


@dataclass(frozen=True)
class ModelFile:
    """A model file, read: its configuration and what the file says about itself."""

    path: Path
    #: how the file was read, e.g. ``.keras archive``, ``HDF5 (model.save)``, ``to_json() JSON``
    format: str
    config: dict[str, Any]
    keras_version: str | None = None
    backend: str | None = None
    #: how the configuration was obtained (converted from Keras 1, unwrapped from TensorFlow.js, …)
    notes: tuple[str, ...] = ()

    @property
    def saved_by_keras(self) -> int | None:
        """The major Keras version that wrote the file (1, 2 or 3), when the file says."""
        v = (self.keras_version or "").strip()
        head = v.split(".", 1)[0]
        return int(head) if head.isdigit() else None

    @property
    def keras3_format(self) -> bool:
        """Whether Keras 3 wrote the configuration: the file's own ``keras_version`` when it has one,
        else the serialization's marks (:func:`is_keras3_config`)."""
        major = self.saved_by_keras
        return major >= 3 if major is not None else is_keras3_config(self.config)

    @property
    def keras3_serialized(self) -> bool:
        """Whether Keras 3's serialization library wrote it (``module`` at the top, as in a
        ``.keras`` archive and Keras 3's ``to_json()``); Keras 3's legacy ``.h5`` writer does not."""
        return "module" in self.config

    def config_for(self, version: str) -> dict[str, Any]:
        """The configuration as Keras ``version`` reads it (Keras 3 converts a Keras 1/2 one:
        :func:`as_keras3_reads_it`), for the engine to describe what that Keras builds."""
        if version.startswith("3") and not self.keras3_serialized:
            return as_keras3_reads_it(self.config)
        return self.config

    def header(self) -> str:
        if self.keras_version:
            saved = f"saved by Keras {self.keras_version}"
        else:
            saved = f"no Keras version in the file (Keras {3 if self.keras3_format else '1/2'} serialization)"
        if self.backend:
            saved += f" ({self.backend})"
        return f"{self.path}: {self.format}, {saved}"


def is_keras3_config(config: Mapping[str, Any]) -> bool:
    """Keras 3's marks on a configuration without a ``keras_version``: ``module`` beside the model's
    class name, inbound nodes as ``{"args": [...], "kwargs": {...}}``, an InputLayer's
    ``batch_shape`` (Keras 1/2: ``batch_input_shape``), a dtype policy object.  Keras 2.13+ also
    writes ``module`` beside each *layer*, so that alone says nothing."""
    if "module" in config:
        return True
    body = config.get("config")
    layers = body.get("layers") if isinstance(body, Mapping) else None
    for spec in layers or []:
        if not isinstance(spec, Mapping):
            continue
        nodes = spec.get("inbound_nodes")
        if isinstance(nodes, list) and nodes:
            return isinstance(nodes[0], Mapping)
        layer_config = spec.get("config")
        if isinstance(layer_config, Mapping):
            if "batch_shape" in layer_config:
                return True
            if "batch_input_shape" in layer_config:
                return False
            dtype = layer_config.get("dtype")
            if isinstance(dtype, Mapping) and dtype.get("class_name") == "DTypePolicy":
                return True
    return False


# -- the entry point ---------------------------------------------------------------------------


def read_model_file(path: Path) -> ModelFile:
    """Read ``path`` by its bytes (see the module docstring).  Raises :class:`ModelFileError`."""
    if not path.exists():
        raise ModelFileError(f"{path}: no such file")
    if path.is_dir():
        return _read_savedmodel(path)
    try:
        with path.open("rb") as handle:
            head = handle.read(4096 + 8)
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not head:
        raise ModelFileError(f"{path}: an empty file")
    if head.startswith(ZIP_MAGIC) or zipfile.is_zipfile(path):
        return _read_zip(path)
    if any(head[o : o + 8] == HDF5_MAGIC for o in HDF5_OFFSETS):
        return _read_hdf5(path)
    return _read_json_file(path, head)


# -- JSON ---------------------------------------------------------------------------------------


def _read_json_file(path: Path, head: bytes) -> ModelFile:
    size = path.stat().st_size
    if size > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{path}: {size:,} bytes, over the {MAX_CONFIG_BYTES:,}-byte limit for a model configuration")
    if path.suffix.lower() == ".keras":
        raise ModelFileError(f"{path}: not a zip archive, HDF5 or JSON file: a .keras file is a zip holding config.json")
    raw = path.read_bytes()
    if path.name == "saved_model.pb":
        raise ModelFileError(f"{path}: the graph file of a SavedModel: give its folder ({path.parent}) instead")
    try:
        text = _decode(raw, str(path))
    except ModelFileError:
        raise ModelFileError(
            f"{path}: binary data that is neither a zip archive (.keras) nor HDF5 (.h5): not a model file"
        ) from None
    stripped = text.lstrip()
    if not stripped.startswith(("{", "[", '"')):
        if stripped.startswith(("backend:", "class_name:", "keras_version:")):
            raise ModelFileError(f"{path}: a YAML model config (to_yaml, Keras ≤ 2.5): convert it to JSON to check it")
        kind = "HDF5" if path.suffix.lower() in (".h5", ".hdf5") else "JSON"
        raise ModelFileError(f"{path}: not a zip archive, HDF5 or JSON file (expected {kind}; starts with {stripped[:20]!r})")
    data = _loads(text, str(path))
    notes: list[str] = []
    if isinstance(data, str):
        data = _loads(data, f"{path} (the JSON string it holds)")
        notes.append("a JSON string holding the model's JSON (json.dump of model.to_json()): unwrapped")
    if isinstance(data, Mapping) and "modelTopology" in data:
        return _from_tfjs(path, data, notes)
    return _from_config(path, data, "to_json() JSON", notes)


def _decode(raw: bytes, where: str) -> str:
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{where}: not UTF-8 text (byte {exc.start})") from None


def _loads(text: str, where: str) -> Any:
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{where}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    except RecursionError:
        raise ModelFileError(f"{where}: JSON nested too deeply to be a model configuration") from None


def _from_tfjs(path: Path, data: Mapping[str, Any], notes: list[str]) -> ModelFile:
    fmt = str(data.get("format") or "")
    if fmt == "graph-model":
        raise ModelFileError(
            f"{path}: a TensorFlow.js graph model (converted from a SavedModel or frozen graph): it holds TensorFlow ops, "
            "not Keras layers"
        )
    topology = data.get("modelTopology")
    if not isinstance(topology, Mapping):
        raise ModelFileError(f"{path}: a TensorFlow.js model.json whose modelTopology is {type(topology).__name__}, not a config")
    by = ", ".join(str(data[k]) for k in ("generatedBy", "convertedBy") if data.get(k))
    notes.append(f"a TensorFlow.js model.json{f' ({by})' if by else ''}: its modelTopology read; weight shards never read")
    inner = topology.get("model_config") if isinstance(topology.get("model_config"), Mapping) else topology
    meta = {k: topology.get(k) for k in ("keras_version", "backend")}
    return _from_config(path, inner, "TensorFlow.js layers model.json", notes, meta)


# -- zip (.keras) -------------------------------------------------------------------------------


def _read_zip(path: Path) -> ModelFile:
    try:
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "config.json" not in names:
                if "model.json" in names:
                    raise ModelFileError(f"{path}: a zip holding model.json: unpack it and check the model.json")
                shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
                raise ModelFileError(f"{path}: a zip archive without config.json, so not a .keras model file (holds {shown})")
            config = _member_json(archive, "config.json", path)
            meta = _member_json(archive, "metadata.json", path) if "metadata.json" in names else {}
    except (zipfile.BadZipFile, OSError) as exc:
        raise ModelFileError(f"{path}: cannot read the zip archive: {exc}") from None
    if not isinstance(meta, Mapping):
        meta = {}
    return _from_config(
        path,
        config,
        ".keras archive (config.json; weights not read)",
        [],
        {"keras_version": meta.get("keras_version"), "backend": None},
    )


def _member_json(archive: zipfile.ZipFile, name: str, path: Path) -> Any:
    info = archive.getinfo(name)
    if info.file_size > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{path}: {name} declares {info.file_size:,} bytes, over the {MAX_CONFIG_BYTES:,}-byte limit")
    with archive.open(info) as handle:
        raw = handle.read(MAX_CONFIG_BYTES + 1)
    if len(raw) > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{path}: {name} inflates past the {MAX_CONFIG_BYTES:,}-byte limit")
    return _loads(_decode(raw, f"{path}: {name}"), f"{path}: {name}")


# -- HDF5 ---------------------------------------------------------------------------------------


def _read_hdf5(path: Path) -> ModelFile:
    try:
        import h5py
    except ImportError:  # pragma: no cover - h5py ships with TensorFlow
        raise ModelFileError(f"{path}: reading HDF5 files needs h5py, which is not installed") from None
    try:
        with h5py.File(path, "r") as handle:
            attrs = {k: handle.attrs[k] for k in ("model_config", "keras_version", "backend", "layer_names") if k in handle.attrs}
            groups = list(handle.keys())
    except OSError as exc:
        raise ModelFileError(f"{path}: an HDF5 file h5py cannot open ({' '.join(str(exc).split())})") from None
    meta = {k: _text(attrs.get(k)) for k in ("keras_version", "backend")}
    raw = attrs.get("model_config")
    if raw is None:
        if "layer_names" in attrs or {"layers", "vars"} & set(groups) or path.name.endswith(".weights.h5"):
            saved = f" by Keras {meta['keras_version']}" if meta.get("keras_version") else ""
            raise ModelFileError(
                f"{path}: holds only weights (saved with save_weights{saved}): no architecture to check; "
                "check the model file or its to_json() instead"
            )
        raise ModelFileError(f"{path}: an HDF5 file without a 'model_config' attribute: not a Keras model file")
    text = _text(raw) or ""
    data = _loads(text, f"{path}: model_config")
    notes = []
    if path.suffix.lower() == ".keras":
        notes.append("an HDF5 file under a .keras name (Keras 2's model.save('x.keras') wrote HDF5): read as HDF5")
    return _from_config(path, data, "HDF5 (model.save; weights not read)", notes, meta)


def _text(value: Any) -> str | None:
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)


# -- SavedModel (Keras 2) ---------------------------------------------------------------------


def _read_savedmodel(path: Path) -> ModelFile:
    meta_path = path / "keras_metadata.pb"
    if not meta_path.exists():
        if (path / "saved_model.pb").exists():
            raise ModelFileError(
                f"{path}: a TensorFlow SavedModel without keras_metadata.pb (tf.saved_model.save, Keras 3's export, "
                "or Keras ≤ 2.4): it holds TensorFlow graphs, not a Keras layer configuration"
            )
        raise ModelFileError(f"{path}: a directory that is not a SavedModel (no keras_metadata.pb or saved_model.pb)")
    raw = meta_path.read_bytes()
    if len(raw) > MAX_CONFIG_BYTES:
        raise ModelFileError(f"{meta_path}: {len(raw):,} bytes, over the {MAX_CONFIG_BYTES:,}-byte limit")
    try:
        nodes = _saved_metadata_nodes(raw)
    except ValueError as exc:
        raise ModelFileError(f"{meta_path}: not a Keras SavedMetadata protobuf ({exc})") from None
    root = next((n for n in nodes if n.get(3) == "root"), None)
    if root is None:
        raise ModelFileError(f"{meta_path}: no 'root' object in the Keras metadata")
    where = f"{meta_path}: root metadata"
    metadata = _loads(_decode(root.get(5, b"") if isinstance(root.get(5), bytes) else b"", where), where)
    if not isinstance(metadata, Mapping):
        raise ModelFileError(f"{where}: not a JSON object")
    identifier = _text(root.get(4)) or ""
    config = metadata.get("model_config")
    meta = {"keras_version": metadata.get("keras_version"), "backend": metadata.get("backend")}
    if not isinstance(config, Mapping):
        if identifier == "_tf_keras_model" or not metadata.get("is_graph_network", True):
            raise _subclassed(path, str(metadata.get("class_name") or "?"), "")
        config = {"class_name": metadata.get("class_name"), "config": metadata.get("config")}
    return _from_config(path, config, "Keras 2 SavedModel (keras_metadata.pb; variables not read)", [], meta)


def _varint(buf: bytes, i: int) -> tuple[int, int]:
    value = shift = 0
    while True:
        if i >= len(buf):
            raise ValueError("truncated varint")
        byte = buf[i]
        i += 1
        value |= (byte & 0x7F) << shift
        if not byte & 0x80:
            return value, i
        shift += 7
        if shift > 63:
            raise ValueError("varint too long")


def _fields(buf: bytes) -> list[tuple[int, Any]]:
    """The (field number, value) pairs of one protobuf message: varints as int, length-delimited
    fields as bytes (fixed-width fields are skipped)."""
    out: list[tuple[int, Any]] = []
    i = 0
    while i < len(buf):
        key, i = _varint(buf, i)
        number, wire = key >> 3, key & 7
        if wire == 0:
            value, i = _varint(buf, i)
        elif wire == 2:
            length, i = _varint(buf, i)
            if i + length > len(buf):
                raise ValueError(f"field {number} runs past the end")
            value, i = buf[i : i + length], i + length
        elif wire == 1:
            value, i = None, i + 8
        elif wire == 5:
            value, i = None, i + 4
        else:
            raise ValueError(f"unsupported wire type {wire}")
        out.append((number, value))
    return out


def _saved_metadata_nodes(raw: bytes) -> list[dict[int, Any]]:
    """``SavedMetadata { repeated SavedObject nodes = 1; }``, ``SavedObject { int32 node_id = 2;
    string node_path = 3; string identifier = 4; string metadata = 5; }`` (tf-keras
    ``protobuf/saved_metadata.proto``)."""
    nodes = []
    for number, value in _fields(raw):
        if number == 1 and isinstance(value, bytes):
            node: dict[int, Any] = {}
            for n, v in _fields(value):
                node[n] = v.decode("utf-8", errors="replace") if n in (3, 4) and isinstance(v, bytes) else v
            nodes.append(node)
    return nodes


# -- the configuration --------------------------------------------------------------------------


def _subclassed(path: Path, class_name: str, module: str) -> ModelFileError:
    where = f" (module {module})" if module else ""
    return ModelFileError(
        f"{path}: holds a subclassed model, class {class_name}{where}: its layers are created by its Python code "
        "(__init__/call), so the file has no layer graph to check; check a Functional or Sequential version, "
        "or the sub-layers one by one with paramproof explain"
    )


def _untuple(value: Any) -> Any:
    """Keras 2's SavedModel metadata writes tuples as ``{"class_name": "__tuple__", "items": [...]}``."""
    if isinstance(value, Mapping):
        if value.get("class_name") in ("__tuple__", "TensorShape") and isinstance(value.get("items"), list) and len(value) == 2:
            return [_untuple(v) for v in value["items"]]
        return {k: _untuple(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_untuple(v) for v in value]
    return value


def _from_config(
    path: Path,
    data: Any,
    fmt: str,
    notes: list[str],
    meta: Mapping[str, Any] | None = None,
) -> ModelFile:
    meta = dict(meta or {})
    if isinstance(data, Mapping):
        for key in ("keras_version", "backend"):
            if not meta.get(key) and data.get(key):
                meta[key] = data.get(key)
    if isinstance(data, (Mapping, list)):
        try:
            upgraded = formulas.upgrade_config(data, backend=_text(meta.get("backend")))
        except ValueError as exc:
            text = " ".join(str(exc).split())
            raise ModelFileError(text if str(path) in text else f"{path}: {text}") from None
        data = upgraded.config
        notes = [*notes, *upgraded.notes]
    if not isinstance(data, Mapping):
        got = type(data).__name__
        raise ModelFileError(f"{path}: not a Keras model config (a JSON {got}, expected an object with class_name and config)")
    data = _untuple(data)
    class_name = data.get("class_name")
    body = data.get("config")
    if "modelTopology" in data:
        raise ModelFileError(f"{path}: a TensorFlow.js model.json nested inside another JSON object")
    if isinstance(body, Mapping) and isinstance(body.get("layers"), list):
        config = dict(data)
        if "class_name" not in config:
            config = {"class_name": "Functional" if "input_layers" in body else "Sequential", **config}
    elif isinstance(class_name, str) and class_name not in GRAPH_CLASSES and "config" in data:
        if class_name in ("Functional", "Sequential", "Model"):
            raise ModelFileError(f"{path}: a {class_name} config without a 'layers' list")
        raise _subclassed(path, class_name, str(data.get("module") or ""))
    else:
        got = f"keys {sorted(data)[:6]}"
        raise ModelFileError(
            f"{path}: not a Keras model config (expected class_name Sequential/Functional/Model and a config with layers, got {got})"
        )
    return ModelFile(
        path=path,
        format=fmt,
        config=config,
        keras_version=_text(meta.get("keras_version")),
        backend=_text(meta.get("backend")),
        notes=tuple(notes),
    )


# -- how Keras 3 reads a Keras 1/2 configuration -------------------------------------------------


def legacy_layer_specs(value: Any) -> Any:
    """A copy in the form Keras 2's ``.h5`` writer gives a config: Keras 2.13+'s ``to_json()`` adds
    ``module``, ``registered_name`` and ``build_config`` beside each of a model's layers, which
    sends Keras 3's loader down its new deserializer, where Keras 2 layer arguments fail (the same
    model's ``.h5`` loads).  A wrapper's inner layer and other objects keep theirs, as in the ``.h5``."""
    if isinstance(value, Mapping):
        out = {}
        for k, v in value.items():
            if k == "layers" and isinstance(v, list):
                out[k] = [_strip_spec(legacy_layer_specs(s)) for s in v]
            else:
                out[k] = legacy_layer_specs(v)
        return out
    if isinstance(value, list):
        return [legacy_layer_specs(v) for v in value]
    return value


def _strip_spec(spec: Any) -> Any:
    if isinstance(spec, dict):
        return {k: v for k, v in spec.items() if k not in ("module", "registered_name", "build_config")}
    return spec


def as_keras3_reads_it(config: Mapping[str, Any]) -> dict[str, Any]:
    """A Keras 1/2 configuration as Keras 3 builds it: each layer of a model that has no ``module``
    goes through ``keras/src/legacy/saving/saving_utils.py: model_from_config``, which turns an
    InputLayer's ``batch_input_shape`` into ``batch_shape``, and an ``axis`` of one element
    (``[3]``, Keras 2's BatchNormalization) or a float into an int.  Two of its bugs are not copied
    (``verify/data/model_issues.json``): another layer's ``batch_input_shape`` becomes its
    ``input_shape``, batch axis and all (an extra axis), and an ``axis`` list of several elements
    is dropped."""
    view = legacy_layer_specs(config)

    def convert(spec: Any) -> Any:
        if not isinstance(spec, dict) or not isinstance(spec.get("config"), dict):
            return spec
        body = spec["config"]
        if isinstance(body.get("layers"), list):
            body["layers"] = [convert(s) for s in body["layers"]]
        if "module" in spec:
            return spec
        if spec.get("class_name") == "InputLayer" and body.get("batch_input_shape") is not None:
            body["batch_shape"] = body.pop("batch_input_shape")
        axis = body.get("axis")
        if isinstance(axis, list) and len(axis) == 1 and isinstance(axis[0], (int, float)):
            body["axis"] = int(axis[0])
        elif isinstance(axis, float):
            body["axis"] = int(axis)
        return spec

    return convert(view)  # type: ignore[no-any-return]


__all__ = ["ModelFile", "ModelFileError", "is_keras3_config", "read_model_file"]
