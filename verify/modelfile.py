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

What other people wrote is read within :mod:`verify.limits`: a configuration (a JSON file, a zip
member as declared and as inflated, an HDF5 attribute, a ``keras_metadata.pb``) of at most
``MAX_CONFIG_BYTES``, JSON nested at most ``MAX_JSON_DEPTH`` levels, ``MAX_LAYERS`` layers, a zip
of at most ``MAX_ZIP_MEMBERS`` members; HDF5 is read in a child process (:class:`_Hdf5Reader`),
since a corrupt file can crash the HDF5 library or loop it forever.  Whatever is refused is one
line naming the file (and the member or attribute) and the limit: :class:`ModelFileError`.

A subclassed model (a class of the user's whose layers exist only in its Python code) has no
layer graph in any of these: it is refused, naming its class.  Keras 1 and list-form configs are
converted by :func:`formulas.upgrade_config`, and the conversion is noted.
"""

from __future__ import annotations

import atexit
import json
import lzma
import math
import os
import selectors
import signal
import stat
import struct
import subprocess
import sys
import threading
import time
import zipfile
import zlib
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import formulas

from . import limits
from .limits import MAX_CONFIG_BYTES, LimitError

#: The first bytes of each binary format.
HDF5_MAGIC = b"\x89HDF\r\n\x1a\n"
ZIP_MAGIC = b"PK\x03\x04"
#: HDF5 allows a user block of 512 · 2^k bytes before the signature.
HDF5_OFFSETS = (0, 512, 1024, 2048, 4096)
#: Members of a zip archive (a ``.keras`` file holds three, and one asset file per lookup layer).
MAX_ZIP_MEMBERS = limits.MAX_ZIP_MEMBERS
#: Objects in a SavedModel's keras_metadata.pb read before its root (Keras writes the root first,
#: and one object per layer, metric or variable holder after it).
MAX_SAVED_OBJECTS = 10 * limits.MAX_LAYERS
#: How long reading an HDF5 file's attributes may take (a real file's take milliseconds; a corrupt
#: one can send the HDF5 library into an endless loop, so it is read in a child process).
HDF5_SECONDS = 20.0
#: How long the HDF5 child process may take to start (import h5py).
HDF5_START_SECONDS = 120.0
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
        return int(head) if head.isascii() and head.isdigit() and len(head) < 6 else None

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
    """Read ``path`` by its bytes (see the module docstring).  Raises :class:`ModelFileError`, whose
    message is one line naming the file (and the member or attribute) and, for input past one of
    :mod:`verify.limits`, the limit."""
    try:
        return _read_model_file(path)
    except ModelFileError as exc:
        text = str(exc)
        if len(text.splitlines()) > 1:  # a class name or a version from the file with a newline in it
            raise ModelFileError(" ".join(text.split())) from None
        raise
    except LimitError as exc:
        raise ModelFileError(" ".join(str(exc).split())) from None
    except RecursionError:  # pragma: no cover - the JSON depth limit keeps every walk shallow
        raise ModelFileError(f"{path}: nested too deeply to be a model configuration") from None


def _read_model_file(path: Path) -> ModelFile:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise ModelFileError(f"{path}: no such file") from None
    except (OSError, ValueError) as exc:
        raise ModelFileError(f"{path}: cannot read: {getattr(exc, 'strerror', None) or exc}") from None
    if stat.S_ISDIR(info.st_mode):
        return _read_savedmodel(path)
    if not stat.S_ISREG(info.st_mode):
        raise ModelFileError(f"{path}: not a regular file (a device, pipe or socket): save the model to a file")
    try:
        with path.open("rb") as handle:
            head = handle.read(4096 + 8)
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
    if not head:
        raise ModelFileError(f"{path}: an empty file")
    if head.startswith(ZIP_MAGIC) or _is_zipfile(path):
        return _read_zip(path)
    if any(head[o : o + 8] == HDF5_MAGIC for o in HDF5_OFFSETS):
        return _read_hdf5(path)
    return _read_json_file(path, head)


def _is_zipfile(path: Path) -> bool:
    try:
        return zipfile.is_zipfile(path)
    except (OSError, ValueError):
        return False


# -- JSON ---------------------------------------------------------------------------------------


def _read_json_file(path: Path, head: bytes) -> ModelFile:
    if path.suffix.lower() == ".keras":
        raise ModelFileError(f"{path}: not a zip archive, HDF5 or JSON file: a .keras file is a zip holding config.json")
    try:
        raw = limits.read_file_bounded(path, MAX_CONFIG_BYTES, "a model configuration")
    except OSError as exc:
        raise ModelFileError(f"{path}: cannot read: {exc.strerror or exc}") from None
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
    # a JSON string holding the whole configuration (json.dump of to_json()) may be as long as one
    data = _loads(text, str(path), max_string=MAX_CONFIG_BYTES if stripped.startswith('"') else limits.MAX_STRING_CHARS)
    notes: list[str] = []
    if isinstance(data, str):
        data = _loads(data, f"{path} (the JSON string it holds)")
        notes.append("a JSON string holding the model's JSON (json.dump of model.to_json()): unwrapped")
    if isinstance(data, Mapping) and "modelTopology" in data:
        return _from_tfjs(path, data, notes)
    return _from_config(path, data, "to_json() JSON", notes)


def _decode(raw: bytes, where: str) -> str:
    """UTF-8 text (a UTF-8 byte order mark dropped), or UTF-16 with its byte order mark (what
    Windows PowerShell's ``>`` writes)."""
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    elif raw.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return raw.decode("utf-16")
        except UnicodeDecodeError as exc:
            raise ModelFileError(f"{where}: not UTF-16 text after its byte order mark (byte {exc.start})") from None
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise ModelFileError(f"{where}: not UTF-8 text (byte {exc.start})") from None


def _loads(text: str, where: str, max_string: int = limits.MAX_STRING_CHARS) -> Any:
    """JSON within :mod:`verify.limits` (depth, string length, int64): a :class:`LimitError` or a
    :class:`ModelFileError` naming ``where``."""
    try:
        return limits.loads(text, where, max_string=max_string)
    except json.JSONDecodeError as exc:
        raise ModelFileError(f"{where}: bad JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None


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
        _check_central_directory(path)
        with zipfile.ZipFile(path) as archive:
            names = archive.namelist()
            if "config.json" not in names:
                if "model.json" in names:
                    raise ModelFileError(f"{path}: a zip holding model.json: unpack it and check the model.json")
                shown = ", ".join(names[:5]) + (" …" if len(names) > 5 else "")
                raise ModelFileError(f"{path}: a zip archive without config.json, so not a .keras model file (holds {shown})")
            config = _member_json(archive, "config.json", path)
            meta = _member_json(archive, "metadata.json", path) if "metadata.json" in names else {}
    except ModelFileError:
        raise
    except LimitError:
        raise
    # zipfile passes on what its decompressors and struct raise for a corrupt member
    except (
        zipfile.BadZipFile,
        OSError,
        EOFError,
        zlib.error,
        struct.error,
        lzma.LZMAError,
        NotImplementedError,
        RuntimeError,
        ValueError,
        UnicodeDecodeError,
    ) as exc:
        text = " ".join(str(exc).split())[:300]
        raise ModelFileError(f"{path}: cannot read the zip archive: {text or type(exc).__name__}") from None
    if not isinstance(meta, Mapping):
        meta = {}
    return _from_config(
        path,
        config,
        ".keras archive (config.json; weights not read)",
        [],
        {"keras_version": meta.get("keras_version"), "backend": None},
    )


def _check_central_directory(path: Path) -> None:
    """The archive's own count of members and size of its central directory, read from its end
    record before :class:`zipfile.ZipFile` reads the directory into memory."""
    with path.open("rb") as handle:
        end = zipfile._EndRecData(handle)  # type: ignore[attr-defined]
    if not end:
        return  # zipfile says what is wrong
    members, size = end[zipfile._ECD_ENTRIES_TOTAL], end[zipfile._ECD_SIZE]  # type: ignore[attr-defined]
    if members > MAX_ZIP_MEMBERS:
        raise LimitError(f"{path}: a zip archive of {members:,} members, over the limit of {MAX_ZIP_MEMBERS:,}")
    limits.check_size(f"{path}: the zip's central directory", size, MAX_CONFIG_BYTES, "a zip's central directory")


def _member_json(archive: zipfile.ZipFile, name: str, path: Path) -> Any:
    """A member's JSON: its declared size checked before it is opened, and no more than the limit
    ever inflated (a zip bomb, or a member that declares less than it holds)."""
    where = f"{path}: {name}"
    info = archive.getinfo(name)
    limits.check_size(where, info.file_size, MAX_CONFIG_BYTES, f"a zip member (declared size of {name})")
    with archive.open(info) as handle:
        raw = limits.read_bounded(handle, MAX_CONFIG_BYTES, where, f"a zip member ({name} inflated)")
    return _loads(_decode(raw, where), where)


# -- HDF5 ---------------------------------------------------------------------------------------


def _read_hdf5(path: Path) -> ModelFile:
    found = _HDF5.read(path)
    meta = {k: found.get(k) for k in ("keras_version", "backend")}
    raw = found.get("model_config")
    if raw is None:
        if found.get("has_layer_names") or found.get("weight_groups") or path.name.endswith(".weights.h5"):
            saved = f" by Keras {meta['keras_version']}" if meta.get("keras_version") else ""
            raise ModelFileError(
                f"{path}: holds only weights (saved with save_weights{saved}): no architecture to check; "
                "check the model file or its to_json() instead"
            )
        raise ModelFileError(f"{path}: an HDF5 file without a 'model_config' attribute: not a Keras model file")
    data = _loads(raw, f"{path}: model_config")
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


#: The child process that reads HDF5 attributes (``python -c``; argv[1] is the size limit).  Its
#: address space is capped, each request is one JSON line (a path) and each answer one JSON line.
_HDF5_CHILD = r"""
import json, math, os, signal, sys
try:
    import h5py
except ImportError:
    print(json.dumps({"fatal": "reading HDF5 files needs h5py, which is not installed"}), flush=True)
    sys.exit(0)
try:
    import resource
    with open("/proc/self/statm") as statm:
        used = int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    cap = used + 4 * int(sys.argv[1]) + 2 * 1024**3
    resource.setrlimit(resource.RLIMIT_AS, (cap, cap))
except (ImportError, OSError, ValueError):
    pass
LIMIT = int(sys.argv[1])

def text(value):
    if value is None:
        return None
    if isinstance(value, bytes):
        return value.decode("utf-8", errors="replace")
    return str(value)

def read(path):
    with h5py.File(path, "r") as handle:
        attrs = handle.attrs
        out = {"has_layer_names": "layer_names" in attrs}
        for key in ("model_config", "keras_version", "backend"):
            if key not in attrs:
                continue
            aid = attrs.get_id(key)
            size = aid.get_storage_size()
            if size > LIMIT:
                return {"limit": [key, size]}
            count = math.prod(aid.shape) if aid.shape else 1
            if count != 1:
                return {"not_text": [key, count]}
            value = attrs[key]
            if getattr(value, "shape", None) == (1,):
                value = value[0]
            value = text(value)
            if len(value) > LIMIT:
                return {"limit": [key, len(value)]}
            out[key] = value
        if "model_config" not in out:
            try:
                out["weight_groups"] = "layers" in handle or "vars" in handle
            except Exception:
                out["weight_groups"] = False
        return out

print("ready", flush=True)
for line in sys.stdin:
    request = json.loads(line)
    # past the parent's time bound the parent has given up: SIGALRM's default action ends this
    # process even inside a loop of the HDF5 library (and when the parent is gone)
    signal.alarm(math.ceil(request["seconds"]) + 2)
    try:
        reply = {"ok": read(request["path"])}
    except MemoryError:
        reply = {"error": "MemoryError: more memory than a model configuration needs"}
    except Exception as exc:
        reply = {"error": f"{type(exc).__name__}: {exc}"}
    signal.alarm(0)
    sys.stdout.write(json.dumps(reply, ensure_ascii=False) + "\n")
    sys.stdout.flush()
"""


class _Hdf5Reader:
    """HDF5 attributes read in a child process: a corrupt HDF5 file can crash the HDF5 library
    or send it into an endless loop (one in thirty byte-mutated Keras ``.h5`` files does), which
    here ends in one line after :data:`HDF5_SECONDS`.  The child is started on first use and kept
    for the next file; one that crashed or timed out is replaced."""

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.pending = b""
        self.lock = threading.Lock()

    def close(self) -> None:
        proc, self.proc, self.pending = self.proc, None, b""
        if proc is not None and proc.poll() is None:
            proc.kill()
        if proc is not None:
            proc.wait()
            for stream in (proc.stdin, proc.stdout):
                if stream is not None:
                    stream.close()

    def _start(self, path: Path) -> None:
        env = {**os.environ, "OPENBLAS_NUM_THREADS": "1", "OMP_NUM_THREADS": "1", "PYTHONIOENCODING": "utf-8"}
        self.proc = subprocess.Popen(
            [sys.executable, "-c", _HDF5_CHILD, str(MAX_CONFIG_BYTES)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env=env,
        )
        first = self._line(path, HDF5_START_SECONDS)
        if first != b"ready":
            reply = _json_reply(first)
            self.close()
            raise ModelFileError(f"{path}: {reply.get('fatal') or 'the HDF5 reader process did not start'}")

    def _line(self, path: Path, seconds: float) -> bytes:
        """The child's next line, within ``seconds``; a crash or a timeout is a ModelFileError."""
        proc = self.proc
        assert proc is not None and proc.stdout is not None
        fd = proc.stdout.fileno()
        most = 8 * MAX_CONFIG_BYTES + 4096  # a JSON-escaped configuration at the size limit
        deadline = time.monotonic() + seconds
        with selectors.DefaultSelector() as selector:
            selector.register(fd, selectors.EVENT_READ)
            while b"\n" not in self.pending:
                left = deadline - time.monotonic()
                if left <= 0 or not selector.select(left):
                    self.close()
                    raise ModelFileError(
                        f"{path}: reading its HDF5 attributes took over {seconds:g} s (a corrupt HDF5 file can loop the "
                        "HDF5 library): not read"
                    )
                chunk = os.read(fd, 1024 * 1024)
                if not chunk:
                    code = proc.wait()
                    self.close()
                    how = (
                        f"signal {signal.Signals(-code).name}" if code < 0 and -code in signal.valid_signals() else f"exit {code}"
                    )
                    raise ModelFileError(f"{path}: the HDF5 library crashed reading it ({how}): a corrupt HDF5 file")
                self.pending += chunk
                if len(self.pending) > most:
                    self.close()
                    raise LimitError(f"{path}: HDF5 attributes of more than {most:,} bytes, over the limit")
        line, _, self.pending = self.pending.partition(b"\n")
        return line

    def read(self, path: Path) -> dict[str, Any]:
        """``model_config``, ``keras_version``, ``backend`` (text or absent), ``has_layer_names``
        and ``weight_groups``; a file h5py refuses, or an attribute past the limits, is a
        ModelFileError / LimitError naming the file and the attribute."""
        with self.lock:
            done = False
            try:
                if self.proc is None or self.proc.poll() is not None:
                    self.close()
                    self._start(path)
                assert self.proc is not None and self.proc.stdin is not None
                try:
                    request = {"path": os.path.abspath(path), "seconds": HDF5_SECONDS}
                    self.proc.stdin.write(json.dumps(request).encode("utf-8", "surrogateescape") + b"\n")
                    self.proc.stdin.flush()
                except (BrokenPipeError, OSError):
                    self.close()
                    raise ModelFileError(f"{path}: the HDF5 reader process ended before reading it") from None
                reply = _json_reply(self._line(path, HDF5_SECONDS))
                done = True
            finally:
                if not done:
                    self.close()
        found = reply.get("ok")
        if "error" in reply or not isinstance(found, dict):
            text = " ".join(str(reply.get("error") or "no answer").split())[:300]
            raise ModelFileError(f"{path}: an HDF5 file h5py cannot read ({text})")
        if "limit" in found:
            key, size = found["limit"]
            limits.check_size(f"{path}: its HDF5 attribute {key}", int(size), MAX_CONFIG_BYTES, "a model configuration")
        if "not_text" in found:
            key, count = found["not_text"]
            raise ModelFileError(f"{path}: its HDF5 attribute {key} is an array of {count:,} values, not a JSON string")
        return found


def _json_reply(line: bytes) -> dict[str, Any]:
    try:
        reply = json.loads(line.decode("utf-8", "replace"))
    except ValueError:
        return {}
    return reply if isinstance(reply, dict) else {}


_HDF5 = _Hdf5Reader()
atexit.register(_HDF5.close)


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
    try:
        raw = limits.read_file_bounded(meta_path, MAX_CONFIG_BYTES, "a model configuration (keras_metadata.pb)")
    except OSError as exc:
        raise ModelFileError(f"{meta_path}: cannot read: {exc.strerror or exc}") from None
    try:
        root = None
        for count, node in enumerate(_saved_metadata_nodes(raw), 1):
            if node.get(3) == "root":
                root = node
                break
            if count >= MAX_SAVED_OBJECTS:
                raise LimitError(
                    f"{meta_path}: more than {MAX_SAVED_OBJECTS:,} objects before its root, over the limit "
                    f"(ten per layer of the {limits.MAX_LAYERS:,}-layer limit)"
                )
    except LimitError:
        raise
    except ValueError as exc:
        raise ModelFileError(f"{meta_path}: not a Keras SavedMetadata protobuf ({exc})") from None
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


def _fields(buf: bytes) -> Iterator[tuple[int, Any]]:
    """The (field number, value) pairs of one protobuf message, one at a time: varints as int,
    length-delimited fields as bytes (fixed-width fields are skipped)."""
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
        yield number, value


def _saved_metadata_nodes(raw: bytes) -> Iterator[dict[int, Any]]:
    """``SavedMetadata { repeated SavedObject nodes = 1; }``, ``SavedObject { int32 node_id = 2;
    string node_path = 3; string identifier = 4; string metadata = 5; }`` (tf-keras
    ``protobuf/saved_metadata.proto``), one node at a time (a file of millions of tiny fields is
    never held as a list)."""
    for number, value in _fields(raw):
        if number == 1 and isinstance(value, bytes):
            node: dict[int, Any] = {}
            for n, v in _fields(value):
                node[n] = v.decode("utf-8", errors="replace") if n in (3, 4) and isinstance(v, bytes) else v
            yield node


# -- the configuration --------------------------------------------------------------------------


def _subclassed(path: Path, class_name: str, module: str) -> ModelFileError:
    where = f" (module {module[:200]})" if module else ""
    return ModelFileError(
        f"{path}: holds a subclassed model, class {class_name[:200]}{where}: its layers are created by its Python code "
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


def engine_failure(path: Path, exc: BaseException, doing: str = "describing", who: str = "the engine") -> str:
    """One line for an exception the engine should not raise (a paramproof bug), naming the file,
    the layer being handled when the traceback's frames say (a local ``entry``/``spec``/``layer``)
    and the innermost frame: ``PATH: the engine failed describing this configuration at layer
    'dense' (a paramproof bug, please report it): KeyError: 'units' (_graph.py:123 _walk)``."""
    tb, frames = exc.__traceback__, []
    while tb is not None:
        frames.append(tb)
        tb = tb.tb_next
    layer = None
    for frame in reversed(frames):
        for key in ("entry", "spec", "layer", "layer_config"):
            value = frame.tb_frame.f_locals.get(key)
            if isinstance(value, Mapping):
                body = value.get("config")
                value = value.get("name") or (body.get("name") if isinstance(body, Mapping) else None)
            else:
                value = getattr(value, "name", None)
            if isinstance(value, str) and value:
                layer = value[:80]
                break
        if layer is not None:
            break
    where = ""
    if frames:
        code = frames[-1].tb_frame.f_code
        where = f" ({Path(code.co_filename).name}:{frames[-1].tb_lineno} {code.co_name})"
    at = f" at layer {layer!r}" if layer else ""
    text = " ".join(f"{type(exc).__name__}: {exc}".split())[:300]
    return f"{path}: {who} failed {doing} this configuration{at} (a paramproof bug, please report it): {text}{where}"


def _from_config(
    path: Path,
    data: Any,
    fmt: str,
    notes: list[str],
    meta: Mapping[str, Any] | None = None,
) -> ModelFile:
    meta = dict(meta or {})
    limits.check_layers(data, str(path))
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
        except Exception as exc:  # noqa: BLE001 - an engine bug must not end the command in a traceback
            raise ModelFileError(engine_failure(path, exc, "converting")) from None
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


def _integral(value: Any) -> bool:
    """An int, or a float that int() takes (not NaN or an infinity, which JSON files can hold)."""
    return isinstance(value, int) or (isinstance(value, float) and math.isfinite(value))


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
        if isinstance(axis, list) and len(axis) == 1 and _integral(axis[0]):
            body["axis"] = int(axis[0])
        elif isinstance(axis, float) and _integral(axis):
            body["axis"] = int(axis)
        return spec

    return convert(view)  # type: ignore[no-any-return]


__all__ = ["ModelFile", "ModelFileError", "engine_failure", "is_keras3_config", "read_model_file"]
