"""Sweep spaces: to be written (issue 3)."""

from typing import Any

SPACES: dict[str, Any] = {}
