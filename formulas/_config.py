"""Reading a Keras layer config: defaults, normalisation of tuples, and errors that name the value.

A config may be minimal (``{"units": 10}``) or a full ``get_config()`` from Keras 2 or 3; keys
that change neither counts nor shapes (initializers, dtype policies, ``name``, ``module`` …) are
simply never read.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

from ._model import MAX_DIM, InvalidLayerError, short
from ._version import KerasVersion

_MISSING = object()
#: The longest refusal (past it the message is cut: the value it quotes is what is long).
_MAX_MESSAGE = 2000


def whole(value: Any) -> int | None:
    """``value`` as an int when it is a whole number (an int, or a float such as ``3.0``), else
    None: not bools, NaN, infinities or fractions."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int):
        return value
    if isinstance(value, float) and math.isfinite(value) and value.is_integer():
        return int(value)
    return None


def _past_int64(value: int) -> bool:
    return not -MAX_DIM - 1 <= value <= MAX_DIM


class Config:
    """A layer config with typed accessors; every refusal names class, key and value."""

    def __init__(
        self,
        class_name: str,
        config: Mapping[str, Any],
        keras: KerasVersion,
        *,
        quantize: str | None = None,
        backend: str | None = None,
    ) -> None:
        if not isinstance(config, Mapping):
            raise InvalidLayerError(f"{class_name}: config must be a mapping, got {config!r}")
        self.class_name = class_name
        self.raw = dict(config)
        self.keras = keras
        #: ``layer.quantize(mode)`` applied after the build (Keras 3): None, "int8", "int4", "float8" …
        self.quantize = quantize
        #: The Keras 3 backend ("tensorflow", "jax", "torch"), where a rule depends on it; None:
        #: not known, and no backend-only rule is applied.
        self.backend = backend

    def fail(self, message: str) -> InvalidLayerError:
        if len(message) > _MAX_MESSAGE:  # a hostile value (a megabyte string) shown in full is no help
            message = message[: _MAX_MESSAGE - 3] + "..."
        return InvalidLayerError(f"{self.class_name}: {message}")

    def layer_spec(self, value: Any, what: str) -> Mapping[str, Any]:
        """A nested layer's ``{"class_name": ..., "config": {...}}`` (a wrapper's ``layer``, an RNN's
        ``cell``), its class a name and its config a mapping (or absent)."""
        if not isinstance(value, Mapping) or not isinstance(value.get("class_name"), str) or not value["class_name"]:
            raise self.fail(f"{what}={short(value)} must be a layer config {{'class_name': ..., 'config': {{...}}}}")
        config = value.get("config")
        if config is not None and not isinstance(config, Mapping):
            raise self.fail(f"{what}: the 'config' of {short(value['class_name'])} must be a mapping, got {short(config)}")
        return value

    def has(self, key: str) -> bool:
        return self.raw.get(key) is not None

    def get(self, key: str, default: Any = _MISSING) -> Any:
        value = self.raw.get(key, default)
        if value is _MISSING:
            raise self.fail(f"missing required argument {key!r}")
        return value

    def integer(self, key: str, default: Any = _MISSING, *, minimum: int | None = None) -> int:
        value = self.get(key, default)
        number = whole(value)
        if number is None:
            raise self.fail(f"{key}={value!r} is not an integer")
        if _past_int64(number):
            raise self.fail(f"{key}={value!r} is past int64 (2^63 - 1)")
        if minimum is not None and number < minimum:
            raise self.fail(f"{key}={number} must be >= {minimum}")
        return number

    def optional_integer(self, key: str, *, minimum: int | None = None) -> int | None:
        if self.raw.get(key) is None:
            return None
        return self.integer(key, minimum=minimum)

    def number(self, key: str, default: Any = _MISSING) -> float:
        value = self.get(key, default)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise self.fail(f"{key}={value!r} is not a number")
        return float(value)

    def boolean(self, key: str, default: bool) -> bool:
        value = self.get(key, default)
        if not isinstance(value, bool):
            raise self.fail(f"{key}={value!r} is not true or false")
        return value

    def choice(self, key: str, options: Sequence[str], default: str) -> str:
        value = self.get(key, default)
        if value is None:
            value = default
        text = str(value).lower() if isinstance(value, str) else value
        if text not in options:
            allowed = ", ".join(repr(o) for o in options)
            raise self.fail(f"{key}={value!r} is not one of {allowed}")
        return str(text)

    def int_tuple(self, key: str, rank: int, default: Any = _MISSING, *, minimum: int = 1) -> tuple[int, ...]:
        """An int or a sequence of ``rank`` ints, as Keras's ``standardize_tuple`` reads it."""
        value = self.get(key, default)
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            items: list[Any] = [value] * rank
        elif isinstance(value, Sequence) and not isinstance(value, str):
            items = list(value)
            if len(items) != rank:
                raise self.fail(f"{key}={value!r} must have {rank} element(s)")
        else:
            raise self.fail(f"{key}={value!r} is not an integer or a tuple of {rank} integers")
        result = []
        for item in items:
            number = whole(item)
            if number is None:
                raise self.fail(f"{key}={value!r} contains a non-integer")
            if _past_int64(number):
                raise self.fail(f"{key}={value!r} contains a value past int64 (2^63 - 1)")
            if number < minimum:
                raise self.fail(f"{key}={value!r} must contain only values >= {minimum}")
            result.append(number)
        return tuple(result)

    def padding(self, *, allow_causal: bool) -> str:
        options = ("valid", "same", "causal") if allow_causal else ("valid", "same")
        return self.choice("padding", options, "valid")

    def data_format(self) -> str:
        return self.choice("data_format", ("channels_last", "channels_first"), "channels_last")

    def int_list(self, key: str, default: Any = _MISSING) -> tuple[int, ...]:
        """An int or a list of ints (axes and the like), no length constraint."""
        value = self.get(key, default)
        if value is None:
            return ()
        if isinstance(value, (int, float)) and not isinstance(value, bool):
            value = [value]
        if not isinstance(value, Sequence) or isinstance(value, str):
            raise self.fail(f"{key}={value!r} is not an integer or a list of integers")
        out = []
        for item in value:
            number = whole(item)
            if number is None:
                raise self.fail(f"{key}={value!r} contains a non-integer")
            if _past_int64(number):
                raise self.fail(f"{key}={value!r} contains a value past int64 (2^63 - 1)")
            out.append(number)
        return tuple(out)
