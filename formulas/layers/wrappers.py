"""Bidirectional and TimeDistributed.  Sources: ``keras/src/layers/rnn/bidirectional.py`` and
``time_distributed.py`` (Keras 3), ``tf_keras/src/layers/rnn/bidirectional.py`` and
``time_distributed.py`` (Keras 2).  Both compute the inner layer with
:func:`formulas._registry.nested` and report its weights."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Expectation, OutputShape, Shape
from .._registry import nested, register
from ._common import has, rank, single
from .recurrent import RECURRENT_LAYERS

_MERGE_MODES = ("concat", "sum", "mul", "ave")


def _spec(cfg: Config, key: str) -> Mapping[str, Any]:
    return cfg.layer_spec(cfg.get(key), key)


def _with(spec: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
    config = dict(spec.get("config") or {})
    config.update(changes)
    return {"class_name": spec["class_name"], "config": config}


def _flag(spec: Mapping[str, Any], key: str) -> bool:
    return bool((spec.get("config") or {}).get(key, False))


def _split(e: Expectation, return_state: bool) -> tuple[Shape, tuple[Shape, ...]]:
    out = e.output_shape
    if return_state:
        parts: tuple[Shape, ...] = out  # type: ignore[assignment]
        return parts[0], parts[1:]
    return out, ()  # type: ignore[return-value]


def _broadcast(cfg: Config, a: Shape, b: Shape, mode: str) -> Shape:
    """Element-wise merge (sum/mul/ave): the two outputs must broadcast."""
    if len(a) != len(b):
        raise cfg.fail(f"merge_mode={mode!r} needs outputs of the same rank, got {a} and {b}")
    out: list[Dim] = []
    for u, v in zip(a, b):
        if u == v or v == 1:
            out.append(u)
        elif u == 1:
            out.append(v)
        elif u is None or v is None:
            out.append(u if v is None else v)
        else:
            raise cfg.fail(
                f"merge_mode={mode!r} needs forward and backward outputs of one shape, got {a} and {b} "
                "(Keras 3 builds it symbolically, but its forward pass fails)"
            )
    return tuple(out)


@register("Bidirectional", family="recurrent")
def bidirectional(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """A forward copy of ``layer`` and a backward one (``backward_layer``, else a copy of
    ``layer`` with go_backwards flipped — Keras 2 — or set to True — Keras 3): weights fwd + bwd.
    concat: last axis u_f + u_b; sum/mul/ave: the common shape; None: both outputs.  With
    return_state, the forward states then the backward states follow.  Keras 3's *symbolic*
    shape derives everything from the forward layer (keras-team/keras#23688); this formula gives
    the true shape, which its forward pass produces."""
    xs = single(cfg, x)
    layer = _spec(cfg, "layer")
    if layer["class_name"] not in RECURRENT_LAYERS:
        raise cfg.fail(f"layer {layer['class_name']!r} is not a recurrent layer (it has no go_backwards)")
    raw_mode = cfg.raw.get("merge_mode", "concat")
    if raw_mode is not None and raw_mode not in _MERGE_MODES:
        raise cfg.fail(f"merge_mode={raw_mode!r} is not one of 'concat', 'sum', 'mul', 'ave', None")
    mode: str | None = raw_mode
    d.arg("merge_mode", mode)
    if cfg.has("backward_layer"):
        backward = _spec(cfg, "backward_layer")
        if backward["class_name"] not in RECURRENT_LAYERS:
            raise cfg.fail(f"backward_layer {backward['class_name']!r} is not a recurrent layer")
    else:
        flipped = True if cfg.keras.is_keras3 else not _flag(layer, "go_backwards")
        backward = _with(layer, go_backwards=flipped)
    if _flag(layer, "go_backwards") == _flag(backward, "go_backwards"):
        raise cfg.fail(
            f"forward and backward layers need different go_backwards, both are {_flag(layer, 'go_backwards')}"
            + (" (Keras 3 sets the backward copy's go_backwards to True)" if cfg.keras.is_keras3 else "")
        )
    for key in ("stateful", "return_sequences", "return_state"):
        if _flag(layer, key) != _flag(backward, key):
            raise cfg.fail(f"forward and backward layers differ in {key}: {_flag(layer, key)} vs {_flag(backward, key)}")
    return_state = _flag(layer, "return_state")
    # Up to 3.15 Keras 3 calls Bidirectional.compute_mask, whose ``state_mask * 2`` multiplies a
    # generator; keras-nightly 3.16.0.dev2026102704 no longer calls it (supports_masking=False).
    if cfg.keras.is_keras3 and return_state and _flag(layer, "stateful") and not has(cfg, "bidirectional-stateful-state-builds"):
        raise cfg.fail("Keras 3 fails on stateful=True with return_state=True (compute_mask multiplies a generator)")
    fwd = nested(cfg, layer, xs)
    bwd = nested(cfg, backward, xs)
    for prefix, e in (("forward", fwd), ("backward", bwd)):
        for w in e.weights:
            d.weight(w.name, [(f"{prefix[0]}{i}", v) for i, v in enumerate(w.shape)], trainable=w.trainable)
    d.total("fwd + bwd", fwd=fwd.total, bwd=bwd.total)
    y, fwd_states = _split(fwd, return_state)
    y_rev, bwd_states = _split(bwd, return_state)
    outputs: tuple[Shape, ...]
    if mode == "concat":
        if len(y) != len(y_rev) or y[:-1] != y_rev[:-1]:
            raise cfg.fail(f"merge_mode='concat' needs outputs that differ only in the last axis, got {y} and {y_rev}")
        last = None if y[-1] is None or y_rev[-1] is None else y[-1] + y_rev[-1]
        outputs = ((*y[:-1], last),)
        symbolic = "(…, u_fwd + u_bwd)"
    elif mode is None:
        outputs = (y, y_rev)
        symbolic = "[forward output, backward output]"
    else:
        # keras-nightly 3.16.0.dev2026102704 refuses elementwise merges of different widths, even
        # where one is 1 and would broadcast (Bidirectional._check_merge_widths).
        if has(cfg, "bidirectional-merge-widths-checked") and None not in (y[-1], y_rev[-1]) and y[-1] != y_rev[-1]:
            raise cfg.fail(
                f"merge_mode={mode!r} needs forward and backward layers of the same width, got {y[-1]} and {y_rev[-1]}"
            )
        outputs = (_broadcast(cfg, y, y_rev, mode),)
        symbolic = "forward output shape"
    if return_state:
        d.output((*outputs, *fwd_states, *bwd_states), f"[{symbolic}, forward states, backward states]")
    elif len(outputs) == 1:
        d.output(outputs[0], symbolic)
    else:
        d.output(outputs, symbolic)


@register("TimeDistributed", family="recurrent")
def time_distributed(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """The inner layer built on (batch, *input[2:]) — the input without its time axis: its
    weights; output (batch, T, *inner_output[1:])."""
    xs = single(cfg, x)
    layer = _spec(cfg, "layer")
    if len(xs) < 3:
        raise cfg.fail(f"needs an input of rank >= 3 (batch, time, ...), got {xs}")
    rank(cfg, xs, min_ndim=3)
    inner = nested(cfg, layer, (xs[0], *xs[2:]))
    d.arg("layer", layer["class_name"])
    for w in inner.weights:
        d.weight(w.name, [(f"n{i}", v) for i, v in enumerate(w.shape)], trainable=w.trainable)
    out: OutputShape = inner.output_shape
    if out and isinstance(out[0], tuple):
        raise cfg.fail(f"the inner layer {layer['class_name']} has several outputs {out}: TimeDistributed takes one")
    shape: Shape = out  # type: ignore[assignment]
    d.output((shape[0], xs[1], *shape[1:]), "(batch, T, *inner_output[1:])")
