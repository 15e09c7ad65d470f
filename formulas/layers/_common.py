"""Input checks shared by the formulas; each refusal names the layer, the shape and the rule."""

from __future__ import annotations

from .._config import Config
from .._derivation import Derivation
from .._model import Shape
from .._version import describe_feature, feature


def has(cfg: Config, name: str) -> bool:
    """Whether ``cfg.keras`` has the option or rule ``name`` of ``formulas/versions.json`` (every
    fact names exact releases, so every release has an answer)."""
    return feature(name, cfg.keras)


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


_ACTIVATIONS_K3 = frozenset(
    "celu elu exponential gelu glu hard_shrink hard_sigmoid hard_silu hard_swish hard_tanh "
    "leaky_relu linear log_sigmoid log_softmax mish relu relu6 selu sigmoid silu soft_shrink "
    "softmax softplus softsign sparse_plus sparse_sigmoid sparsemax squareplus swish tanh "
    "tanh_shrink threshold".split()
)
_ACTIVATIONS_K2 = frozenset(
    "elu exponential gelu hard_sigmoid leaky_relu linear log_softmax mish relu relu6 selu "
    "sigmoid silu softmax softplus softsign swish tanh".split()
)


def activation_name(cfg: Config, value: object) -> str:
    if value is None:
        return "linear"
    if isinstance(value, dict):  # a serialized activation function: {"class_name": "function", "config": "relu", ...}
        inner = value.get("config")
        value = inner if isinstance(inner, str) else value.get("class_name")
    if not isinstance(value, str):
        raise cfg.fail(f"activation={value!r} is not an activation name")
    known = _ACTIVATIONS_K3 if cfg.keras.is_keras3 else _ACTIVATIONS_K2
    if value not in known:
        raise cfg.fail(f"activation={value!r} is not a Keras {cfg.keras.major} activation")
    if value == "glu":
        needs(cfg, "activation-glu", "activation 'glu'")
    return value


def output_activation(cfg: Config, d: Derivation) -> None:
    """A layer's ``activation`` argument acts on its output: ``glu`` halves the last axis (it
    gates one half with the other), which Keras's symbolic shape misses (the eager call shows it).
    Every other activation keeps the shape; only ``glu`` is read here, so a custom activation in a
    config is not refused for that."""
    value = cfg.raw.get("activation")
    name = value.get("config") if isinstance(value, dict) else value
    if name != "glu":
        return
    activation_name(cfg, value)  # refused where this Keras has no glu
    out = d.output_shape
    last = out[-1] if isinstance(out, tuple) and out else None
    if not isinstance(out, tuple) or isinstance(last, tuple):  # pragma: no cover - one output, always
        raise cfg.fail(f"activation='glu' on a layer with several outputs: {out}")
    if last is not None and last % 2:
        raise cfg.fail(f"activation='glu' needs an even last dimension, got {last} in the output {out}")
    d.output((*out[:-1], None if last is None else last // 2), "glu: (*output[:-1], output[-1] / 2)")
