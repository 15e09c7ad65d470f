"""Keras versions as the engine sees them: ``"3"`` is the newest Keras 3 it knows, ``"2"`` Keras 2.15."""

from __future__ import annotations

import functools
import json
import re
from dataclasses import dataclass
from importlib import resources

#: The newest release of each line whose behaviour the formulas describe.
LATEST = {2: (2, 15, 0), 3: (3, 15, 1)}

_VERSION = re.compile(r"^\s*(\d+)(?:\.(\d+))?(?:\.(\d+))?(?:[.+\-]?[A-Za-z0-9.+\-]*)?\s*$")


@dataclass(frozen=True, order=True)
class KerasVersion:
    major: int
    minor: int
    patch: int

    @classmethod
    def parse(cls, text: str | KerasVersion) -> KerasVersion:
        """``"3"`` → 3.15.1, ``"2.15"`` → 2.15.0, ``"3.15.1"``, ``"2.21.0"`` (tf-keras) …"""
        if isinstance(text, KerasVersion):
            return text
        match = _VERSION.match(str(text))
        if not match or int(match.group(1)) not in LATEST:
            raise ValueError(f"keras={text!r} is not a Keras version this engine knows (2.x or 3.x)")
        major = int(match.group(1))
        if match.group(2) is None:
            return cls(*LATEST[major])
        return cls(major, int(match.group(2)), int(match.group(3) or 0))

    @property
    def is_keras3(self) -> bool:
        return self.major >= 3

    def at_least(self, major: int, minor: int = 0, patch: int = 0) -> bool:
        return (self.major, self.minor, self.patch) >= (major, minor, patch)

    def __str__(self) -> str:
        return f"{self.major}.{self.minor}.{self.patch}"


# -- version facts: formulas/versions.json ---------------------------------------------------


@dataclass(frozen=True)
class Availability:
    """When one Keras line has a class, an option or a rule, in exact releases.

    In ``versions.json`` a value is ``true`` (every release of the line the engine covers),
    ``false`` (none), ``"3.9.0"`` (from that release on: the first release that has it) or
    ``{"first": "3.0.0", "last": "3.15.1"}`` (from the first to the last release that has it;
    either may be left out: from the line's start, or still in the newest).  Every version named is
    a published release (or a keras-nightly build: ``"3.16.0.dev2026102704"`` reads as 3.16.0, so
    the release that follows the nightly inherits the rule), measured with the version matrix.
    """

    present: bool
    first: KerasVersion | None = None
    last: KerasVersion | None = None
    first_text: str = ""
    last_text: str = ""

    @classmethod
    def parse(cls, value: object, where: str) -> Availability:
        if isinstance(value, bool):
            return cls(value)
        if isinstance(value, str):
            return cls(True, first=KerasVersion.parse(value), first_text=value)
        if isinstance(value, dict) and value and set(value) <= {"first", "last"}:
            texts = {key: str(value[key]) for key in value}
            first = KerasVersion.parse(texts["first"]) if "first" in texts else None
            last = KerasVersion.parse(texts["last"]) if "last" in texts else None
            if first is not None and last is not None and last < first:
                raise ValueError(f"{where}: 'last' {texts['last']} is older than 'first' {texts['first']}")
            return cls(True, first, last, texts.get("first", ""), texts.get("last", ""))
        if isinstance(value, dict) and {"after", "by"} & set(value):
            raise ValueError(
                f"{where}: {value!r} is a bracket, not a release: measure the first and last release that have it "
                '(make matrix ALL=1) and write "3.9.0" or {"first": ..., "last": ...}'
            )
        raise ValueError(f'{where}: expected true, false, "3.9.0" or {{"first": ..., "last": ...}}, got {value!r}')

    def has(self, version: KerasVersion) -> bool:
        if not self.present:
            return False
        if self.first is not None and version < self.first:
            return False
        return self.last is None or version <= self.last

    def releases(self) -> tuple[str, ...]:
        """The releases this value names."""
        return tuple(text for text in (self.first_text, self.last_text) if text)

    def describe(self) -> str:
        if not self.present:
            return "never"
        if self.first is not None and self.last is not None:
            return f"from {self.first_text} to {self.last_text}"
        if self.first is not None:
            return f"added in {self.first_text}"
        if self.last is not None:
            return f"removed after {self.last_text}"
        return "always"


@dataclass(frozen=True)
class Fact:
    """A class, option or rule: its availability in each Keras line, and the evidence."""

    name: str
    keras2: Availability
    keras3: Availability
    evidence: str = ""

    def line(self, version: KerasVersion) -> Availability:
        return self.keras3 if version.is_keras3 else self.keras2

    def has(self, version: KerasVersion) -> bool:
        return self.line(version).has(version)


@dataclass(frozen=True)
class VersionFacts:
    classes: dict[str, Fact]
    features: dict[str, Fact]


def _facts(section: object, where: str) -> dict[str, Fact]:
    if not isinstance(section, dict):
        raise ValueError(f"{where}: expected an object")
    out = {}
    for name, entry in section.items():
        if not isinstance(entry, dict) or not {"keras2", "keras3"} <= set(entry):
            raise ValueError(f"{where}.{name}: needs 'keras2' and 'keras3'")
        out[name] = Fact(
            name,
            Availability.parse(entry["keras2"], f"{where}.{name}.keras2"),
            Availability.parse(entry["keras3"], f"{where}.{name}.keras3"),
            str(entry.get("evidence", "")),
        )
    return out


def parse_facts(data: object) -> VersionFacts:
    """``versions.json`` as loaded JSON → :class:`VersionFacts`; a malformed entry is an error."""
    if not isinstance(data, dict):
        raise ValueError("versions.json: expected an object")
    return VersionFacts(_facts(data.get("classes"), "classes"), _facts(data.get("features"), "features"))


@functools.cache
def facts() -> VersionFacts:
    """The shipped facts (``formulas/versions.json``), read once with the standard library."""
    text = resources.files("formulas").joinpath("versions.json").read_text(encoding="utf-8")
    return parse_facts(json.loads(text))


def feature(name: str, version: KerasVersion) -> bool:
    """Whether ``version`` has the option or rule ``name`` of ``versions.json``."""
    try:
        return facts().features[name].has(version)
    except KeyError:
        raise KeyError(f"versions.json has no feature {name!r}") from None


def describe_feature(name: str, version: KerasVersion) -> str:
    return facts().features[name].line(version).describe()
