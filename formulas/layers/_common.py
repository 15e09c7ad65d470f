"""Input checks shared by the formulas; each refusal names the layer, the shape and the rule."""

from __future__ import annotations

from .._config import Config
from .._model import Shape, UnknownLayerError
from .._version import describe_feature, feature


def has(cfg: Config, name: str) -> bool:
    """Whether ``cfg.keras`` has the option or rule ``name`` of ``formulas/versions.json``.  A
    version inside the bracket of a fact only bracketed ("after 3.8.0, by 3.15.1") is not guessed:
    :class:`UnknownLayerError` says so."""
    known = feature(name, cfg.keras)
    if known is None:
        raise UnknownLayerError(
            f"{cfg.class_name}: not known whether Keras {cfg.keras} has {name} ({describe_feature(name, cfg.keras)})"
        )
    return known


def needs(cfg: Config, name: str, what: str) -> None:
    """Refuse ``what`` (an argument or value of the config) where ``cfg.keras`` lacks the feature
    ``name`` of ``formulas/versions.json``; the message says which releases have it."""
    if not has(cfg, name):
        raise cfg.fail(f"Keras {cfg.keras} has no {what} ({describe_feature(name, cfg.keras)})")


def single(cfg: Config, x: Shape | tuple[Shape, ...]) -> Shape:
    """The one input of a single-input layer."""
    if x and isinstance(x[0], tuple):
        raise cfg.fail(f"takes one input, got {len(x)} shapes: {list(x)!r}")
    return x  # type: ignore[return-value]


def rank(cfg: Config, x: Shape, *, ndim: int | None = None, min_ndim: int | None = None) -> None:
    """Keras's ``InputSpec(ndim=…)`` / ``InputSpec(min_ndim=…)`` check (ranks include the batch axis)."""
    if ndim is not None and len(x) != ndim:
        raise cfg.fail(f"expected input of rank {ndim} (batch axis included), got rank {len(x)}: {x}")
    if min_ndim is not None and len(x) < min_ndim:
        raise cfg.fail(f"expected input of rank >= {min_ndim} (batch axis included), got rank {len(x)}: {x}")


def rate_in_unit_interval(cfg: Config, key: str, default: float | None = None) -> float:
    value = cfg.number(key) if default is None else cfg.number(key, default)
    if not 0 <= value <= 1:
        raise cfg.fail(f"{key}={value!r} must be between 0 and 1")
    return value
