"""InputLayer, Dense, Flatten, Reshape, Activation and the activation layers, the Dropout family,
Embedding.  Sources: ``keras/src/layers/core``, ``reshaping``, ``activations``, ``regularization``
(Keras 3) and the matching modules of ``tf_keras/src/layers`` (Keras 2)."""

from __future__ import annotations

import math

from .._config import Config
from .._derivation import Derivation, product
from .._model import Dim, Shape
from .._registry import register
from .._shapes import as_shape
from .._version import describe_feature
from ._common import activation_name, has, needs, output_activation, rank, rate_in_unit_interval, single
from .einsum import INT4_BLOCK, check_quantize_mode, float8_weights, int4_grouped, int4_packed, lora_rank, refuse_lora_with


@register("InputLayer", family="core")
def input_layer(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights.  The output is the config's ``batch_shape`` (Keras 3) / ``batch_input_shape``
    (Keras 2 and 3), else ``(batch_size,) + shape``, else the case's input shape."""
    x = single(cfg, x)
    for key in ("batch_shape", "batch_input_shape"):
        if cfg.has(key):
            d.output(as_shape(cfg.get(key), key), "batch_shape")
            return
    for key in ("shape", "input_shape"):
        if cfg.has(key):
            batch = cfg.optional_integer("batch_size", minimum=0)
            d.output((batch, *as_shape(cfg.get(key), key)), "(batch_size, *shape)")
            return
    d.output(x, "input shape")


@register("Dense", family="core", quantizable=True)
def dense(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """kernel (d, u), bias (u,): u·(d + 1).  Only the last axis is used, whatever the rank:
    Dense(10) on (None, 218, 218, 128) has 10 × (128 + 1) = 1,290 weights.

    Keras 3 (``keras/src/layers/core/dense.py``): ``lora_rank`` r freezes the kernel and adds
    lora_kernel_a (d, r) + lora_kernel_b (r, u); ``quantize("int8")`` re-creates the kernel as int8
    (non-trainable) after the bias, plus kernel_scale (u,) (3.1.x: (1, u), and the bias frozen);
    ``"int4"`` packs it as (d, ⌈u/2⌉) with scale and zero point per (⌈d/128⌉, u) and g_idx (d,)
    (from 3.14.0; 3.11–3.13: (⌈d/2⌉, u) and kernel_scale (u,)); ``"float8"`` adds three scalar
    scales and three (1024,) amax histories."""
    x = single(cfg, x)
    # Keras 2, 3.0.5 and 3.8.0 build units=0 (a (d, 0) kernel); ``dense-units-checked``.
    if cfg.keras.is_keras3:
        units = cfg.get("units")
        smallest = 1 if has(cfg, "dense-units-checked") else 0
        if isinstance(units, bool) or not isinstance(units, int) or units < smallest:
            kind = "a positive" if smallest else "a non-negative"
            raise cfg.fail(f"units={units!r} must be {kind} integer")  # a float fails as a shape entry
    else:
        units = cfg.integer("units", minimum=0)
    use_bias = cfg.boolean("use_bias", True)
    d.arg("units", units)
    lora = lora_rank(cfg, "kernel_constraint")
    mode = check_quantize_mode(cfg, ("int8", "int4", "float8"))
    rank(cfg, x, min_ndim=2)
    refuse_lora_with(cfg, mode, lora)
    last = x[-1]
    if last is None:
        raise cfg.fail(f"the last dimension of the input must be defined, got None in {x}")
    kernel = [("d", last), ("u", units)]
    lora_axes = ([("d", last), ("r", lora)], [("r", lora), ("u", units)]) if lora else None
    if mode in ("int8", "int4"):
        if use_bias:
            # 3.1.x's quantize also freezes the bias (``int8-bias-trainable``).
            d.weight("bias", [("u", units)], trainable=has(cfg, "int8-bias-trainable"))
        if lora_axes:
            d.arg("lora_rank", lora)
            d.weight("lora_kernel_a", lora_axes[0])
            d.weight("lora_kernel_b", lora_axes[1])
        if mode == "int8":
            d.weight("kernel", kernel, trainable=False)
            # 3.1.x keeps abs_max_quantize's kept axis: (1, u) (``dense-int8-scale-vector``).
            scale = [("u", units)] if has(cfg, "dense-int8-scale-vector") else [("1", 1), ("u", units)]
            d.weight("kernel_scale", scale, trainable=False)
        elif has(cfg, "int4-grouped"):
            int4_grouped(cfg, d, "kernel", last, units)
        else:  # 3.11–3.13: per channel, packed along the input axis
            d.weight("kernel", int4_packed(kernel, 0), trainable=False)
            d.weight("kernel_scale", [("u", units)], trainable=False)
        d.output((*x[:-1], units), "(*input[:-1], u)")
        output_activation(cfg, d)
        return
    d.weight("kernel", kernel, trainable=lora is None)
    if use_bias:
        d.weight("bias", [("u", units)])
    if lora_axes:
        d.arg("lora_rank", lora)
        d.weight("lora_kernel_a", lora_axes[0])
        d.weight("lora_kernel_b", lora_axes[1])
    if mode == "float8":
        float8_weights(d)
    elif lora:
        if use_bias:
            d.total("d × u + u + r × (d + u)", u=units, d=last, r=lora)
            d.note("d × u: the kernel, frozen (non-trainable) while LoRA is on")
    elif use_bias:
        d.total("u × (d + 1)", u=units, d=last)
    else:
        d.arg("use_bias", False)
        d.total("d × u", u=units, d=last)
    d.output((*x[:-1], units), "(*input[:-1], u)")
    output_activation(cfg, d)


@register("Flatten", family="reshaping")
def flatten(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """(batch, ∏ rest); None if any rest dim is None; a rank-1 input becomes (batch, 1)."""
    x = single(cfg, x)
    cfg.data_format()
    rest = x[1:]
    size = 1 if not rest else product(rest)
    d.output((x[0] if x else None, size), "(batch, ∏ input[1:])")


@register("Reshape", family="reshaping")
def reshape(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """target_shape with at most one −1, which takes what is left of ∏ input[1:]."""
    x = single(cfg, x)
    if not x:  # Keras keeps input_shape[0], the batch axis
        raise cfg.fail("needs an input with a batch axis, got rank 0: ()")
    raw = cfg.get("target_shape")
    if not isinstance(raw, (list, tuple)):
        raise cfg.fail(f"target_shape={raw!r} is not a list of integers")
    target = list(raw)
    for t in target:
        if isinstance(t, bool) or not isinstance(t, int) or (t < 1 and t != -1):
            raise cfg.fail(f"target_shape={raw!r} may hold positive integers and one -1, not {t!r}")
    d.arg("target_shape", tuple(target))
    unknown = [i for i, t in enumerate(target) if t == -1]
    if len(unknown) > 1:
        raise cfg.fail(f"target_shape={raw!r} has more than one unknown dimension (-1)")
    size = product(x[1:])
    known = math.prod(t for t in target if t != -1)
    out: list[Dim] = list(target)
    if unknown:
        if size is None:
            out[unknown[0]] = None
        elif known == 0 or size % known:
            raise cfg.fail(f"cannot reshape input {x} (size {size}) into target_shape={raw!r}")
        else:
            out[unknown[0]] = size // known
    elif size is not None and size != known:
        raise cfg.fail(f"cannot reshape input {x} (size {size}) into target_shape={raw!r} (size {known})")
    d.output((x[0], *out), "(batch, *target_shape)")


@register("Activation", family="activation")
def activation(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; the shape is kept (``glu`` halves the last axis)."""
    x = single(cfg, x)
    name = activation_name(cfg, cfg.get("activation"))
    d.arg("activation", name)
    d.output(x, "input shape")
    output_activation(cfg, d)


def _same_shape(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    d.output(single(cfg, x), "input shape")


@register("ReLU", family="activation")
def relu(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape.  max_value, negative_slope and threshold must not be negative."""
    for key in ("max_value", "negative_slope", "threshold"):
        if cfg.has(key) and cfg.number(key) < 0:
            raise cfg.fail(f"{key}={cfg.get(key)!r} must not be negative")
    _same_shape(cfg, x, d)


@register("LeakyReLU", family="activation")
def leaky_relu(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape.  Keras 3 calls the slope negative_slope (and still takes alpha);
    Keras 2 knows only alpha and refuses negative_slope as an unknown keyword."""
    if cfg.keras.is_keras3:
        if cfg.has("negative_slope") and cfg.number("negative_slope") < 0:
            raise cfg.fail(f"negative_slope={cfg.get('negative_slope')!r} must not be negative")
    elif "negative_slope" in cfg.raw:
        raise cfg.fail("Keras 2 has no argument 'negative_slope' (its name there is 'alpha')")
    _same_shape(cfg, x, d)


@register("ELU", family="activation")
def elu(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape."""
    _same_shape(cfg, x, d)


@register("Softmax", family="activation")
def softmax(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape.  An axis outside [−rank, rank) is refused: by Keras 2 when the layer
    is called, by Keras 3 only when it runs on data (its symbolic build does not check the axis: a
    known upstream issue)."""
    xs = single(cfg, x)
    axes = cfg.int_list("axis", -1)
    for axis in axes:
        if not -len(xs) <= axis < len(xs):
            raise cfg.fail(f"axis={cfg.get('axis')!r} is outside [-{len(xs)}, {len(xs)}) for input {xs}")
    d.output(xs, "input shape")


@register("PReLU", family="activation")
def prelu(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """alpha has the shape of input[1:] with 1 on each shared axis: one slope per element, not
    per channel, so PReLU on (None, 4, 4, 3) has 48 weights and shared_axes=[1, 2] makes it 3."""
    x = single(cfg, x)
    shared = cfg.int_list("shared_axes", None)
    param: list[Dim] = list(x[1:])
    symbols = [f"n{i}" for i in range(1, len(x))]
    for axis in shared:
        try:
            param[axis - 1] = 1
            symbols[axis - 1] = "1"
        except IndexError:
            raise cfg.fail(f"shared_axes={list(shared)!r} has axis {axis} outside input {x}") from None
    if shared:
        d.arg("shared_axes", list(shared))
    if any(p is None for p in param):
        raise cfg.fail(f"alpha shape {tuple(param)} has an undefined dimension: share that axis or give it a size (input {x})")
    d.weight("alpha", list(zip(symbols, param)))
    d.output(x, "input shape")


@register("Dropout", family="regularization")
def dropout(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights (Keras 3 keeps a SeedGenerator state that ``weights`` excludes); same shape."""
    rate = rate_in_unit_interval(cfg, "rate")
    d.arg("rate", rate)
    if cfg.keras.is_keras3 and cfg.has("noise_shape"):
        noise = cfg.get("noise_shape")
        if isinstance(noise, str) or not isinstance(noise, (list, tuple)):
            raise cfg.fail(f"noise_shape={noise!r} is not a list of integers")
        for dim in noise:
            if dim is not None and (isinstance(dim, bool) or not isinstance(dim, int) or dim <= 0):
                raise cfg.fail(f"noise_shape={noise!r} holds {dim!r}, not a positive integer or None")
    _same_shape(cfg, x, d)


def _spatial_dropout(rank_: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
        """No weights; same shape; the input must have rank {n}."""
        rate = rate_in_unit_interval(cfg, "rate")
        d.arg("rate", rate)
        if rank_ > 1:
            cfg.data_format()
        xs = single(cfg, x)
        rank(cfg, xs, ndim=rank_ + 2)
        d.output(xs, "input shape")

    return formula


for _n in (1, 2, 3):
    register(f"SpatialDropout{_n}D", family="regularization")(_spatial_dropout(_n))


@register("GaussianDropout", "AlphaDropout", family="regularization")
def gaussian_dropout(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape; Keras 3 refuses a rate outside [0, 1]."""
    if cfg.keras.is_keras3:
        d.arg("rate", rate_in_unit_interval(cfg, "rate"))
    _same_shape(cfg, x, d)


@register("GaussianNoise", family="regularization")
def gaussian_noise(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; same shape; Keras 3 refuses a stddev outside [0, 1]."""
    if cfg.keras.is_keras3:
        d.arg("stddev", rate_in_unit_interval(cfg, "stddev"))
    _same_shape(cfg, x, d)


@register("Embedding", family="embedding", quantizable=True)
def embedding(cfg: Config, x: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """embeddings (V, D): V·D whatever the input; the output appends D to the input shape.
    ``mask_zero`` changes nothing; ``input_length`` (Keras 2) only fills an unknown length.

    Keras 3 (``keras/src/layers/core/embedding.py``): ``lora_rank`` r freezes the embeddings and
    adds lora_embeddings_a (V, r) + lora_embeddings_b (r, D); ``quantize("int8")`` (from 3.2.0)
    re-creates the embeddings as int8 after the LoRA weights, plus embeddings_scale (V,) (3.2.0 to
    3.3.2: (D,)); ``"int4"`` (from 3.12.0) packs them as (V, ⌈D/2⌉) with scale and zero point
    (V, ⌈D/128⌉) and g_idx (D,) (from 3.14.0; 3.12–3.13: embeddings_scale (V,) only); float8 is
    refused."""
    x = single(cfg, x)
    if cfg.keras.is_keras3 and "input_length" in cfg.raw:
        needs(cfg, "embedding-input-length", "Embedding argument 'input_length'")
    vocab, dim = _embedding_dims(cfg)
    d.arg("input_dim", vocab)
    d.arg("output_dim", dim)
    lora = lora_rank(cfg, "embeddings_constraint")
    mode = embedding_quantize_mode(cfg)
    _embedding_weights(cfg, d, vocab, dim, lora, mode)
    out: Shape = (*x, dim)
    length = cfg.raw.get("input_length")
    if not cfg.keras.is_keras3 and length is not None:
        out = _keras2_embedding_shape(cfg, x, length, dim)
    d.output(out, "(*input, D)")


def _embedding_dims(cfg: Config) -> tuple[int, int]:
    if not cfg.keras.is_keras3:
        return cfg.integer("input_dim", minimum=1), cfg.integer("output_dim", minimum=1)
    dims = []
    for key in ("input_dim", "output_dim"):
        value = cfg.get(key)
        if isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            raise cfg.fail(f"{key}={value!r} must be a positive integer")
        dims.append(value)
    return dims[0], dims[1]


def embedding_quantize_mode(cfg: Config) -> str | None:
    """The quantization mode of Embedding (and ReversibleEmbedding): int8 from 3.2.0
    (``quantize-int8-embedding``), int4 from 3.12.0 (``quantize-int4-embedding``), never float8."""
    mode = check_quantize_mode(cfg, ("int8", "int4"))
    if mode is not None and not has(cfg, f"quantize-{mode}-embedding"):
        when = describe_feature(f"quantize-{mode}-embedding", cfg.keras)
        raise cfg.fail(f"quantize={mode!r}: {cfg.class_name} has no {mode} quantization in Keras {cfg.keras} ({when})")
    return mode


def _embedding_weights(cfg: Config, d: Derivation, vocab: int, dim: int, lora: int | None, mode: str | None) -> None:
    """The embeddings, LoRA and quantization weights of Embedding (and ReversibleEmbedding)."""
    table = [("V", vocab), ("D", dim)]
    if lora:
        d.arg("lora_rank", lora)
    if mode is None:
        d.weight("embeddings", table, trainable=lora is None)
    if lora:
        d.weight("lora_embeddings_a", [("V", vocab), ("r", lora)])
        d.weight("lora_embeddings_b", [("r", lora), ("D", dim)])
    if mode == "int8":
        d.weight("embeddings", table, trainable=False)
        # 3.2.0–3.3.2 reduce the vocabulary axis: one scale per column (``embedding-int8-scale-per-row``).
        scale = [("V", vocab)] if has(cfg, "embedding-int8-scale-per-row") else [("D", dim)]
        d.weight("embeddings_scale", scale, trainable=False)
    elif mode == "int4" and not has(cfg, "int4-grouped"):  # 3.12–3.13: per row
        d.weight("embeddings", int4_packed(table, 1), trainable=False)
        d.weight("embeddings_scale", [("V", vocab)], trainable=False)
    elif mode == "int4":
        groups = math.ceil(dim / INT4_BLOCK)
        d.weight("embeddings", int4_packed(table, 1), trainable=False)
        d.weight("embeddings_scale", [("V", vocab), ("⌈D/128⌉", groups)], trainable=False)
        d.weight("embeddings_zero", [("V", vocab), ("⌈D/128⌉", groups)], trainable=False)
        d.weight("g_idx", [("D", dim)], trainable=False)
    elif lora is None:
        d.total("V × D", V=vocab, D=dim)


def _keras2_embedding_shape(cfg: Config, x: Shape, length: object, dim: int) -> Shape:
    """Keras 2 fills unknown input dims from ``input_length`` and refuses a mismatch."""
    lengths = list(length) if isinstance(length, (list, tuple)) else [length]
    known = list(x[1:])
    if len(lengths) != len(known):
        raise cfg.fail(f"input_length={length!r} does not match input shape {x}")
    out: list[Dim] = [x[0]]
    for given, actual in zip(lengths, known):
        if given is not None and actual is not None and given != actual:
            raise cfg.fail(f"input_length={length!r} does not match input shape {x}")
        out.append(actual if given is None else given)  # type: ignore[arg-type]
    return (*out, dim)
