"""Attention, AdditiveAttention, MultiHeadAttention, GroupQueryAttention and ReversibleEmbedding.

Sources: ``keras/src/layers/attention/{attention,additive_attention,multi_head_attention,
grouped_query_attention}.py`` and ``keras/src/layers/core/reversible_embedding.py`` (Keras 3);
``tf_keras/src/layers/attention/`` (Keras 2).  The projections of the multi-head layers are
``EinsumDense`` sublayers, derived here with the same analysis as the EinsumDense formula.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape
from .._registry import register
from .._version import describe_feature
from ._common import has, needs
from .core import _embedding_dims, _embedding_weights, embedding_quantize_mode
from .einsum import INT4_BLOCK, analyze, int4_packed, lora_rank

_LETTERS = "abcdefghijklmnopqrstuvwxyz"


def _inputs(cfg: Config, x: Shape | tuple[Shape, ...], low: int = 2, high: int = 3) -> tuple[Shape, ...]:
    """[query, value] or [query, value, key]."""
    if not x or not isinstance(x[0], tuple):
        raise cfg.fail(f"must be called on [query, value] or [query, value, key], got one shape {x}")
    shapes: tuple[Shape, ...] = x
    if not low <= len(shapes) <= high:
        raise cfg.fail(f"takes {low} to {high} inputs (query, value[, key]), got {len(shapes)}")
    if any(not s for s in shapes):  # Keras reads each input's last axis
        raise cfg.fail(f"query, value and key each need at least one axis, got {list(shapes)}")
    return shapes


def _eq(a: Dim, b: Dim) -> bool:
    return a is None or b is None or a == b


def _dense_attention_checks(cfg: Config, q: Shape, v: Shape, k: Shape, *, additive: bool) -> None:
    """Keras 2 runs the real ops while building the functional graph, so it refuses inputs whose
    dims cannot meet: query·keyᵀ (or query + key) over the last axis, scores·value over Tv.
    Keras 3 only applies ``compute_output_spec`` symbolically and accepts them."""
    if cfg.keras.is_keras3:
        return
    if len(q) < 2 or len(k) < 2 or len(v) < 2:
        raise cfg.fail(f"query, value and key need rank >= 2, got {q}, {v}, {k}")
    if additive or cfg.raw.get("score_mode", "dot") == "concat":
        ok = _eq(q[-1], k[-1]) or q[-1] == 1 or k[-1] == 1
    else:
        ok = _eq(q[-1], k[-1])
    if not ok:
        raise cfg.fail(f"the last dims of query {q} and key {k} differ")
    if not _eq(k[-2], v[-2]):
        raise cfg.fail(f"key {k} and value {v} must have the same length (axis -2)")
    if additive and cfg.boolean("use_scale", True) and not (_eq(v[-1], q[-1]) or v[-1] == 1 or q[-1] == 1):
        raise cfg.fail(f"the scale is sized by value[-1]={v[-1]} but multiplies query/key features of size {q[-1]}")


@register("Attention", family="attention")
def attention(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Dot-product (Luong) attention: scale () if ``use_scale``, concat_score_weight () if
    ``score_mode="concat"``; 0 to 2 weights.  Output (*query[:-1], value[-1])."""
    q, v, *rest = _inputs(cfg, x)
    k = rest[0] if rest else v
    use_scale = cfg.boolean("use_scale", False)
    mode = cfg.get("score_mode", "dot")
    if mode not in ("dot", "concat"):
        raise cfg.fail(f"score_mode={mode!r} is not one of 'dot', 'concat'")
    d.arg("score_mode", mode)
    if use_scale:
        d.arg("use_scale", True)
    _dense_attention_checks(cfg, q, v, k, additive=False)
    if use_scale:
        d.weight("scale", [])
    if mode == "concat":
        d.weight("concat_score_weight", [])
    d.output((*q[:-1], v[-1]), "(*query[:-1], value[-1])")


@register("AdditiveAttention", family="attention")
def additive_attention(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Additive (Bahdanau) attention: scale (dim,) if ``use_scale`` (default True), where dim is the
    query's last axis in Keras 3 and the value's in Keras 2.  Output (*query[:-1], value[-1])."""
    q, v, *rest = _inputs(cfg, x)
    k = rest[0] if rest else v
    use_scale = cfg.boolean("use_scale", True)
    _dense_attention_checks(cfg, q, v, k, additive=True)
    if use_scale:
        dim = q[-1] if cfg.keras.is_keras3 else v[-1]
        if dim is None:
            raise cfg.fail(f"the scale needs a defined last dim, got {q if cfg.keras.is_keras3 else v}")
        d.weight("scale", [("query[-1]" if cfg.keras.is_keras3 else "value[-1]", dim)])
    else:
        d.arg("use_scale", False)
    d.output((*q[:-1], v[-1]), "(*query[:-1], value[-1])")


def _proj_equation(free: int, bound: int, out: int) -> tuple[str, str, int]:
    """``_build_proj_equation`` of multi_head_attention.py."""
    inp = _LETTERS[:free] + _LETTERS[free : free + bound]
    ker = _LETTERS[free : free + bound] + _LETTERS[free + bound : free + bound + out]
    outp = _LETTERS[:free] + _LETTERS[free + bound : free + bound + out]
    return f"{inp},{ker}->{outp}", _LETTERS[free + bound : free + bound + out], len(outp)


def _sublayer(cfg: Config, d: Derivation, name: str, eq: str, bias: str | None, shape: Shape, partial: Sequence[Dim]) -> Shape:
    """Weights of one EinsumDense projection built on ``shape``; returns its Keras output shape."""
    e = analyze(cfg, eq, bias, shape, tuple(partial), what=name)
    for label, dims in (("kernel", e.kernel), ("bias", e.bias)):
        if dims is not None and any(s is None or s < 0 for s in dims):
            raise cfg.fail(f"{name} {label} shape {dims} is not fully defined (input {shape})")
    d.weight("kernel", [(f"{name}:{c}", s) for c, s in zip(e.weight_spec, e.kernel)])
    if e.bias is not None:
        d.weight("bias", [(f"{name}:{c}", s) for c, s in zip(e.bias_symbols, e.bias)])
    return e.keras_output


def _positive(cfg: Config, key: str, *, optional: bool = False) -> int | None:
    value = cfg.raw.get(key)
    if optional and value is None:
        return None
    # num_heads=0 builds (zero-size projections) in Keras 2 and in the Keras 3 releases without
    # ``mha-num-heads-checked`` (versions.json).
    if cfg.keras.is_keras3 and (key != "num_heads" or has(cfg, "mha-num-heads-checked")):
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise cfg.fail(f"{key}={value!r} must be a positive integer")
        return value
    if isinstance(value, bool) or not isinstance(value, int):  # Keras 2 fails on a float dim at the call
        raise cfg.fail(f"{key}={value!r} must be an integer")
    return cfg.integer(key, minimum=0)


def _gate(cfg: Config) -> bool:
    if "use_gate" in cfg.raw and not has(cfg, "mha-use-gate"):
        raise cfg.fail(f"Keras {cfg.keras} has no argument 'use_gate' ({describe_feature('mha-use-gate', cfg.keras)})")
    return cfg.boolean("use_gate", False) if cfg.keras.is_keras3 else False


@register("MultiHeadAttention", family="attention")
def multi_head_attention(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Four EinsumDense projections (five with ``use_gate``, newer Keras 3: versions.json), in this order:
    query (dq, H, Dk) + (H, Dk); key (dk, H, Dk) + (H, Dk); [gate (dq, H, Dv) + (H, Dv)];
    value (dv, H, Dv) + (H, Dv); output (H, Dv, *O) + (*O), O = ``output_shape`` or (dq,).
    Biases go with ``use_bias``.  The counts grow with H because key_dim is per head.
    Output query[:-1] + O.  Called as ``layer(query, value[, key])``; key defaults to value."""
    shapes = _inputs(cfg, x)
    q, v = shapes[0], shapes[1]
    k = shapes[2] if len(shapes) > 2 else v
    heads = _positive(cfg, "num_heads")
    key_dim = _positive(cfg, "key_dim")
    if key_dim == 0:  # Keras 2: 1 / sqrt(key_dim) in the call
        raise cfg.fail("key_dim=0: the call scales the scores by 1/sqrt(key_dim)")
    value_dim = _positive(cfg, "value_dim", optional=True) or key_dim
    use_bias = cfg.boolean("use_bias", True)
    use_gate = _gate(cfg)
    if cfg.keras.is_keras3:
        extra = [key for key in ("query_shape", "key_shape", "value_shape") if key in cfg.raw]
        if extra:
            raise cfg.fail(f"Keras {cfg.keras} does not take the Keras 2 build keys {extra}")
    raw_out = cfg.raw.get("output_shape")
    out_dims: tuple[Dim, ...] | None = None
    if raw_out:
        if isinstance(raw_out, int) and not isinstance(raw_out, bool):
            out_dims = (raw_out,)
        elif isinstance(raw_out, (list, tuple)):
            out_dims = cfg.int_list("output_shape")
        else:
            raise cfg.fail(f"output_shape={raw_out!r} is not an int, list or tuple")
    d.arg("num_heads", heads)
    d.arg("key_dim", key_dim)
    if value_dim != key_dim:
        d.arg("value_dim", value_dim)
    if out_dims:
        d.arg("output_shape", out_dims)
    if cfg.keras.is_keras3 and tuple(v[1:-1]) != tuple(k[1:-1]):
        raise cfg.fail(f"value {v} and key {k} must agree on every axis but the last")
    if None not in (q[-1], v[-1]) and q[-1] != v[-1]:
        needs(cfg, "mha-query-value-dims-differ", f"query and value of different last dimensions ({q[-1]} and {v[-1]})")
    if not cfg.keras.is_keras3:
        if len(v) != len(k) or any(not _eq(a, b) for a, b in zip(v[1:-1], k[1:-1])):
            raise cfg.fail(f"value {v} and key {k} must agree on every axis but the last")
    qr, vr, kr = len(q), len(v), len(k)
    hk: list[Dim] = [heads, key_dim]
    hv: list[Dim] = [heads, value_dim]
    none: list[Dim] = [None]
    eq, bias, out_rank = _proj_equation(qr - 1, 1, 2)
    query_out = _sublayer(cfg, d, "query", eq, bias if use_bias else None, q, none * (out_rank - 3) + hk)
    eq, bias, out_rank = _proj_equation(kr - 1, 1, 2)
    _sublayer(cfg, d, "key", eq, bias if use_bias else None, k, none * (out_rank - 3) + hk)
    if use_gate:
        eq, bias, out_rank = _proj_equation(qr - 1, 1, 2)
        _sublayer(cfg, d, "gate", eq, bias if use_bias else None, q, none * (out_rank - 3) + hv)
    eq, bias, out_rank = _proj_equation(vr - 1, 1, 2)
    _sublayer(cfg, d, "value", eq, bias if use_bias else None, v, none * (out_rank - 3) + hv)
    _attention_axes(cfg, out_rank)
    final: list[Dim] = list(out_dims) if out_dims else [q[-1]]
    eq, bias, out_rank = _proj_equation(qr - 1, 2, len(final))
    dense_in = (*query_out[:-1], value_dim)
    _sublayer(cfg, d, "attention_output", eq, bias if use_bias else None, dense_in, none * (out_rank - 1 - len(final)) + final)
    d.output((*q[:-1], *(out_dims if out_dims else (q[-1],))), "(*query[:-1], *output_shape)")


def _shifted_axes(cfg: Config, axes: Sequence[int], rank: int) -> tuple[int, ...]:
    """The axes as ``_build_attention_equation`` gets them: from Keras 3.12.0 a negative axis
    becomes ``(rank - 1) + axis`` (``mha-negative-axes-shifted``); before, and in Keras 2, as given
    (Python indexing, read modulo ``rank``)."""
    if has(cfg, "mha-negative-axes-shifted"):
        return tuple(axis if axis >= 0 else (rank - 1) + axis for axis in axes)
    return tuple(axes)


def _attention_axes(cfg: Config, rank: int) -> None:
    """``attention_axes`` index the projected (…, heads, channels) tensor of rank ``rank`` (see
    ``_shifted_axes``); an axis outside [-rank, rank) makes ``_build_attention_equation`` fail
    (``np.delete``).  Keras 3 only builds the equations: its symbolic call never runs them.
    Keras 2 runs the einsums and the softmax while the functional graph is built, so it also
    refuses the channels axis (``rank - 1``, e.g. -1), an axis named twice (a letter used twice in
    the einsum output) and an empty set of axes (the softmax gets ``axis=()``): the default axes
    ``range(1, rank - 2)`` are empty for a rank-2 query, whose attention axes can be 0 (batch) or
    1 (heads).  Keras 3 builds those symbolically; their eager call fails the same way."""
    axes = cfg.int_list("attention_axes", None)
    shifted = _shifted_axes(cfg, axes, rank)
    for axis, position in zip(axes, shifted):
        if not -rank <= position < rank:
            raise cfg.fail(f"attention_axes={list(axes)!r}: axis {axis} is outside the projected rank {rank}")
    if cfg.keras.is_keras3:
        return
    if cfg.raw.get("attention_axes") is None:
        axes = tuple(range(1, rank - 2))
    positions = [axis % rank for axis in axes]
    if not positions:
        what = (
            f"the default attention_axes range(1, {rank} - 2) of a rank-{rank - 1} input is empty"
            if cfg.raw.get("attention_axes") is None
            else "attention_axes is empty"
        )
        raise cfg.fail(f"no attention axis: {what} (Keras 2 builds its softmax over axis=() and fails)")
    if rank - 1 in positions:
        raise cfg.fail(f"attention_axes={list(axes)!r}: axis {rank - 1} of the projected rank {rank} is the channels axis")
    if len(set(positions)) != len(positions):
        raise cfg.fail(f"attention_axes={list(axes)!r} names an axis twice")


@register("GroupQueryAttention", family="attention")
def group_query_attention(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Grouped-query attention (Keras 3): query (dq, Hq, h) + (Hq, h); key (dk, Hkv, h) + (Hkv, h);
    [gate (dq, Hq, h) + (Hq, h) with ``use_gate``]; value (dv, Hkv, h) + (Hkv, h); output
    (Hq, h, dq) + (dq,).  Hq must be a multiple of Hkv; query and value share the last dim.
    Output = query shape."""
    shapes = _inputs(cfg, x)
    q, v = shapes[0], shapes[1]
    k = shapes[2] if len(shapes) > 2 else v
    head_dim = cfg.integer("head_dim")
    hq = cfg.integer("num_query_heads")
    hkv = cfg.integer("num_key_value_heads")
    if hkv == 0:
        raise cfg.fail("num_key_value_heads=0: num_query_heads must be divisible by it")
    if hq % hkv:
        raise cfg.fail(f"num_query_heads={hq} is not divisible by num_key_value_heads={hkv}")
    if head_dim <= 0:
        raise cfg.fail(f"head_dim={head_dim} must be positive")
    use_bias = cfg.boolean("use_bias", True)
    use_gate = _gate(cfg)
    d.arg("head_dim", head_dim)
    d.arg("num_query_heads", hq)
    d.arg("num_key_value_heads", hkv)
    feature = q[-1]
    _sublayer(cfg, d, "query", "bqm,muh->bquh", "uh" if use_bias else None, q, [None, hq, head_dim])
    _sublayer(cfg, d, "key", "bkm,mvh->bkvh", "vh" if use_bias else None, k, [None, hkv, head_dim])
    if use_gate:
        _sublayer(cfg, d, "gate", "bqm,muh->bquh", "uh" if use_bias else None, q, [None, hq, head_dim])
    _sublayer(cfg, d, "value", "bkm,mvh->bkvh", "vh" if use_bias else None, v, [None, hkv, head_dim])
    _sublayer(cfg, d, "attention_output", "bquh,uhm->bqm", "m" if use_bias else None, (None, None, hq, head_dim), [None, feature])
    if q[-1] != v[-1]:
        raise cfg.fail(f"query {q} and value {v} must have the same last dimension")
    if tuple(v[1:-1]) != tuple(k[1:-1]):
        raise cfg.fail(f"value {v} and key {k} must agree on every axis but the last")
    d.output(q, "query shape")


@register("ReversibleEmbedding", family="embedding", quantizable=True)
def reversible_embedding(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """Embedding plus, with ``tie_weights=False``, reverse_embeddings (D, V): V·D or 2·V·D.  The
    default call (``reverse=False``) embeds: output (*input, D); ``reverse_dtype`` and
    ``logit_soft_cap`` only act on the reverse call.  Quantized (int8/int4) the reverse table
    follows the embeddings' scheme, one scale per vocabulary entry (int4 in 3.12–3.13: packed
    (⌈D/2⌉, V), scale (V,); grouped from 3.14.0); LoRA with untied weights is refused by Keras."""
    if x and isinstance(x[0], tuple):
        raise cfg.fail(f"takes one input, got {len(x)} shapes")
    xs: Shape = x  # type: ignore[assignment]
    vocab, dim = _embedding_dims(cfg)
    tie = cfg.boolean("tie_weights", True)
    d.arg("input_dim", vocab)
    d.arg("output_dim", dim)
    if not tie:
        d.arg("tie_weights", False)
    lora = lora_rank(cfg, "embeddings_constraint")
    if lora and not tie:
        raise cfg.fail("lora_rank with tie_weights=False: Keras cannot add reverse_embeddings after enabling LoRA")
    mode = embedding_quantize_mode(cfg)
    _embedding_weights(cfg, d, vocab, dim, lora, mode)
    if not tie:
        reverse = [("D", dim), ("V", vocab)]
        if mode is None:
            d.weight("reverse_embeddings", reverse)
        elif mode == "int8":
            d.weight("reverse_embeddings", reverse, trainable=False)
            d.weight("reverse_embeddings_scale", [("V", vocab)], trainable=False)
        elif not has(cfg, "int4-grouped"):  # 3.12–3.13: per vocabulary entry, packed along D
            d.weight("reverse_embeddings", int4_packed(reverse, 0), trainable=False)
            d.weight("reverse_embeddings_scale", [("V", vocab)], trainable=False)
        else:
            groups = math.ceil(dim / INT4_BLOCK)
            d.weight("reverse_embeddings", int4_packed(reverse, 0), trainable=False)
            d.weight("reverse_embeddings_scale", [("⌈D/128⌉", groups), ("V", vocab)], trainable=False)
            d.weight("reverse_embeddings_zero", [("⌈D/128⌉", groups), ("V", vocab)], trainable=False)
    d.output((*xs, dim), "(*input, D)")


# -- call options (whole models) --------------------------------------------------------------

#: Layers called as ``layer(query, value, key=None, ..., return_attention_scores=False, ...)``.
QUERY_VALUE_KEY = frozenset({"MultiHeadAttention", "GroupQueryAttention", "GroupedQueryAttention"})
#: Layers called as ``layer([query, value(, key)], mask=None, ..., return_attention_scores=False)``.
LIST_ATTENTION = frozenset({"Attention", "AdditiveAttention"})


def attention_scores_shape(cfg: Config, x: Shape | tuple[Shape, ...]) -> Shape:
    """The second output of a call with ``return_attention_scores=True`` (the true, eager shape).

    Attention / AdditiveAttention: (*query[:-1], Tv), Tv = key[-2] (key defaults to value).
    MultiHeadAttention: the product of its attention einsum (``_build_attention_equation``) on the
    projected query (*query[:-1], H, Dk) and key (*key[:-1], H, Dk): the non-attention axes of
    the query (batch, heads, …), then the query's attention axes, then the key's; with the
    default attention_axes on (B, Tq, d) and (B, Tv, d): (B, H, Tq, Tv).  Keras 3's *symbolic*
    shape says (B, H, Tq, Tq) (``compute_output_spec`` uses the query length twice).
    GroupQueryAttention: (B, num_query_heads, Tq, Tk)."""
    shapes = _inputs(cfg, x)
    q, v = shapes[0], shapes[1]
    k = shapes[2] if len(shapes) > 2 else v
    if cfg.class_name in LIST_ATTENTION:
        return (*q[:-1], k[-2])
    if cfg.class_name in ("GroupQueryAttention", "GroupedQueryAttention"):
        return (q[0], cfg.integer("num_query_heads"), q[1], k[1])
    heads = cfg.raw.get("num_heads")
    key_dim = cfg.raw.get("key_dim")
    qp: tuple[Dim, ...] = (*q[:-1], heads, key_dim)
    kp: tuple[Dim, ...] = (*k[:-1], heads, key_dim)
    rank = len(qp)
    raw_axes = cfg.raw.get("attention_axes")
    if raw_axes is None:
        axes = tuple(range(1, rank - 2))
    else:
        given = (raw_axes,) if isinstance(raw_axes, int) else tuple(raw_axes)
        axes = tuple(a % rank for a in _shifted_axes(cfg, given, rank))
    batch_dims = [i for i in range(rank) if i not in axes and i != rank - 1]
    return (*(qp[i] for i in batch_dims), *(qp[i] for i in axes), *(kp[i] for i in axes))
