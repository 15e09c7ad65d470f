"""Keras versions as the engine sees them: ``"3"`` is the newest Keras 3 it knows, ``"2"`` Keras 2.15."""

from __future__ import annotations

import re
from dataclasses import dataclass

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
