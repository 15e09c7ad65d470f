"""Known upstream Keras issues: a data file per family in ``verify/known_issues/*.json``.

Each entry names the layer, the Keras versions, the status and a pattern of the detail it
explains, what Keras reports, what is true, and the upstream link; an optional ``backend`` (a
list) limits it to the backends it was seen on.  A result an entry explains
gets status ``known_issue``: it is reported, and it does not fail the run.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from functools import cache
from importlib import resources
from pathlib import Path

from .cases import version_satisfies

_FIELDS = {"id", "layer", "keras", "status", "detail_pattern", "keras_reports", "truth", "link"}


@dataclass(frozen=True)
class KnownIssue:
    id: str
    #: The classes it concerns (``("*",)``: any); the file gives one name or a list.
    layers: tuple[str, ...]
    keras: str
    status: tuple[str, ...]
    detail_pattern: str
    keras_reports: str
    truth: str
    link: str
    #: The backends it happens on; empty: every backend.
    backend: tuple[str, ...] = ()
    #: The first and the last release whose run of the version matrix showed it (``make matrix
    #: ALL=1``; ``tools/pin_versions.py --issues`` measures them); empty when never measured.
    seen: tuple[str, ...] = ()
    #: Why no run of the matrix could show it (it needs other hardware); instead of ``seen``.
    hardware: str = ""

    def explains(self, class_name: str, version: str, status: str, detail: str, backend: str = "") -> bool:
        return (
            ("*" in self.layers or class_name in self.layers)
            and (not self.backend or backend in self.backend)
            and status in self.status
            and version_satisfies(self.keras, version)
            and re.search(self.detail_pattern, detail) is not None
        )


def _parse(entry: object, where: str) -> KnownIssue:
    if not isinstance(entry, dict) or not _FIELDS <= set(entry):
        raise ValueError(f"{where}: a known issue needs the keys {sorted(_FIELDS)}, got {entry!r}")
    status = entry["status"]
    statuses = tuple(status) if isinstance(status, list) else (status,)
    issue = KnownIssue(
        id=str(entry["id"]),
        layers=_layers(entry["layer"], where),
        keras=str(entry["keras"]),
        status=statuses,
        detail_pattern=str(entry["detail_pattern"]),
        keras_reports=str(entry["keras_reports"]),
        truth=str(entry["truth"]),
        link=str(entry["link"]),
        backend=_backends(entry.get("backend"), where),
        seen=_seen(entry.get("seen"), where),
        hardware=str(entry.get("hardware", "")),
    )
    re.compile(issue.detail_pattern)
    version_satisfies(issue.keras, "3")  # validates the syntax
    return issue


def _layers(value: object, where: str) -> tuple[str, ...]:
    if isinstance(value, list) and value and all(isinstance(v, str) and v.isidentifier() for v in value):
        return tuple(value)
    if isinstance(value, str) and value:
        return (value,)
    raise ValueError(f"{where}: 'layer' must be a class name, '*' or a list of class names; got {value!r}")


def _seen(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, dict) or set(value) != {"first", "last"} or not all(isinstance(v, str) for v in value.values()):
        raise ValueError(f'{where}: \'seen\' must be {{"first": "3.0.5", "last": "3.15.1"}}; got {value!r}')
    return (value["first"], value["last"])


_BACKENDS = ("tensorflow", "jax", "torch", "numpy", "openvino")


def _backends(value: object, where: str) -> tuple[str, ...]:
    if value is None:
        return ()
    if not isinstance(value, list) or not value or not all(v in _BACKENDS for v in value):
        raise ValueError(f"{where}: 'backend' must be a non-empty list of {', '.join(_BACKENDS)}; got {value!r}")
    return tuple(value)


def load(paths: list[Path] | None = None) -> tuple[KnownIssue, ...]:
    """Every entry of the shipped data files (or of ``paths``); a malformed file is an error."""
    if paths is None:
        root = resources.files("verify") / "known_issues"
        paths = sorted(Path(str(p)) for p in root.iterdir() if p.name.endswith(".json"))
    issues = []
    for path in paths:
        data = json.loads(path.read_text(encoding="utf-8"))
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a JSON list of known issues")
        issues.extend(_parse(entry, f"{path}[{i}]") for i, entry in enumerate(data))
    ids = [i.id for i in issues]
    duplicates = {i for i in ids if ids.count(i) > 1}
    if duplicates:
        raise ValueError(f"duplicate known-issue ids: {sorted(duplicates)}")
    return tuple(issues)


@cache
def shipped() -> tuple[KnownIssue, ...]:
    return load()


def explain(class_name: str, version: str, status: str, detail: str, backend: str = "") -> KnownIssue | None:
    """The known issue that explains this result (on ``backend``), if any."""
    for issue in shipped():
        if issue.explains(class_name, version, status, detail, backend):
            return issue
    return None
