"""Conv1D/2D/3D: one formula, parameterised by rank.

kernel k₁ × … × k_r × (C/g) × F, bias (F,): F·(K·C/g + 1), K = ∏ kernel_size.
LoRA (Keras 3.3+, ``lora_rank=r``): the kernel becomes non-trainable and two trainable factors
follow the bias, lora_kernel_a k₁ × … × k_r × (C/g) × r and lora_kernel_b r × F (``enable_lora``).
Per spatial axis: valid floor((L − k_eff)/s) + 1 with k_eff = d(k − 1) + 1; same/causal ceil(L/s).
Sources: ``keras/src/layers/convolutional/base_conv.py`` and ``ops/operation_utils.py`` (Keras 3),
``tf_keras/src/layers/convolutional/base_conv.py`` and ``utils/conv_utils.py`` (Keras 2).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import NamedTuple

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape
from .._registry import register
from .._shapes import KERNEL_SYMBOLS, SPATIAL_SYMBOLS, conv_length
from ._common import has, output_activation, single


def check_output_lengths(cfg: Config, x: Shape, lengths: list[Dim], *, zero_rule: str) -> None:
    """A negative output length is always refused.  A zero one is refused by Keras 2 (TensorFlow's
    graph shape inference of the conv/pool op: "Negative dimension size caused by subtracting …")
    and by the Keras 3 releases that have ``zero_rule`` (``conv-zero-output-refused`` or
    ``pool-zero-output-refused`` in versions.json); Keras 3.0.5 and 3.8.0 build it."""
    zero_refused = any(length == 0 for length in lengths) and has(cfg, zero_rule)
    for length in lengths:
        if length is None:
            continue
        if length < 0 or (length == 0 and zero_refused):
            raise cfg.fail(f"computed output size would be {length} for input {x}: the window is larger than the padded input")


def lora_rank(cfg: Config) -> int | None:
    """``lora_rank`` (0 or None means no LoRA) and ``lora_alpha`` (no effect on counts); Keras 2
    and the Keras 3 releases without them (``lora-conv``, ``lora-alpha`` in versions.json) refuse
    the keywords whatever their value."""
    k = cfg.keras
    for key, fact in (("lora_rank", "lora-conv"), ("lora_alpha", "lora-alpha")):
        if key in cfg.raw and not has(cfg, fact):
            raise cfg.fail(f"{key}={cfg.raw[key]!r}: Keras {k} has no `{key}` argument on {cfg.class_name}")
    if not cfg.raw.get("lora_rank"):
        return None
    rank = cfg.integer("lora_rank")
    if rank < 0:
        raise cfg.fail(f"lora_rank={rank} must be >= 0")
    if cfg.raw.get("kernel_constraint") is not None:
        raise cfg.fail("lora_rank: LoRA is incompatible with a kernel_constraint")
    return rank


class Window(NamedTuple):
    """The sliding-window options every convolution reads, already standardised (a tuple, so a
    formula can unpack the six at once)."""

    kernel: tuple[int, ...]
    strides: tuple[int, ...]
    dilation: tuple[int, ...]
    padding: str
    data_format: str
    use_bias: bool


def read_window(cfg: Config, d: Derivation, rank: int, *, allow_causal: bool) -> Window:
    """kernel_size, strides, dilation_rate, padding, data_format and use_bias; the values that
    differ from Keras's defaults are shown in the explanation's title."""
    w = Window(
        kernel=cfg.int_tuple("kernel_size", rank),
        strides=cfg.int_tuple("strides", rank, 1),
        dilation=cfg.int_tuple("dilation_rate", rank, 1),
        padding=cfg.padding(allow_causal=allow_causal),
        data_format=cfg.data_format(),
        use_bias=cfg.boolean("use_bias", True),
    )
    d.arg("kernel_size", w.kernel)
    if w.strides != (1,) * rank:
        d.arg("strides", w.strides)
    if w.dilation != (1,) * rank:
        d.arg("dilation_rate", w.dilation)
    if w.padding != "valid":
        d.arg("padding", w.padding)
    if w.data_format != "channels_last":
        d.arg("data_format", w.data_format)
    if not w.use_bias:
        d.arg("use_bias", False)
    return w


def window_notes(d: Derivation, rank: int, spatial: Sequence[Dim], w: Window, out: Sequence[Dim]) -> None:
    """One line per spatial axis: valid floor((L − k_eff)/s) + 1, same/causal ceil(L/s)."""
    for sym, L, k, s, dl, o in zip(SPATIAL_SYMBOLS[rank - 1].split(), spatial, w.kernel, w.strides, w.dilation, out):
        if L is None:
            d.note(f"{sym}' = None (unknown input length)")
        elif w.padding != "valid":
            d.note(f"{sym}' = ceil({sym}/s) = ceil({L}/{s}) = {o}")
        elif dl > 1:
            keff = dl * (k - 1) + 1
            d.note(
                f"{sym}' = floor(({sym} − k_eff)/s) + 1, k_eff = d(k − 1) + 1 = {dl}×({k} − 1) + 1 = {keff}: floor(({L} − {keff})/{s}) + 1 = {o}"
            )
        else:
            d.note(f"{sym}' = floor(({sym} − k)/s) + 1 = floor(({L} − {k})/{s}) + 1 = {o}")


def conv(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        filters = cfg.integer("filters", minimum=1)
        d.arg("filters", filters)
        w = read_window(cfg, d, rank, allow_causal=rank == 1)
        kernel, strides, dilation, padding, data_format, use_bias = w
        groups = cfg.integer("groups", 1, minimum=1)
        lora = lora_rank(cfg)
        if groups != 1:
            d.arg("groups", groups)
        if lora is not None:
            d.arg("lora_rank", lora)
        if filters % groups:
            raise cfg.fail(f"filters={filters} is not divisible by groups={groups}")
        if max(strides) > 1 and max(dilation) > 1:
            raise cfg.fail(f"strides={strides} > 1 together with dilation_rate={dilation} > 1 is not supported")

        # Keras 2 accepts extra leading batch axes (they are carried through); Keras 3 does not.
        if len(x) < rank + 2 or (keras3 and len(x) != rank + 2):
            want = f"{rank + 2}" if keras3 else f">= {rank + 2}"
            raise cfg.fail(f"expected input of rank {want} (batch axis included), got rank {len(x)}: {x}")
        lead = len(x) - rank - 1  # batch axes
        if data_format == "channels_last":
            channels, spatial = x[-1], x[lead:-1]
        else:
            channels, spatial = x[lead], x[lead + 1 :]
        if channels is None:
            raise cfg.fail(f"the channel dimension of the input must be defined, got None in {x}")
        if channels % groups:
            raise cfg.fail(f"input channels {channels} are not divisible by groups={groups} (input {x})")

        out_spatial = [conv_length(L, k, s, padding, dl) for L, k, s, dl in zip(spatial, kernel, strides, dilation)]
        check_output_lengths(cfg, x, out_spatial, zero_rule="conv-zero-output-refused")

        ksyms = KERNEL_SYMBOLS[rank - 1].split()
        csym = "C/g" if groups > 1 else "C"
        d.weight("kernel", [*zip(ksyms, kernel), (csym, channels // groups), ("F", filters)], trainable=lora is None)
        kprod = " × ".join(ksyms)
        values = dict(zip(ksyms, kernel), C=channels, g=groups, F=filters)
        if use_bias:
            d.weight("bias", [("F", filters)])
        if lora is not None:
            d.weight("lora_kernel_a", [*zip(ksyms, kernel), (csym, channels // groups), ("r", lora)])
            d.weight("lora_kernel_b", [("r", lora), ("F", filters)])
            values["r"] = lora
            bias_term = " + F" if use_bias else ""
            d.total(f"{kprod} × {csym} × F + r × ({kprod} × {csym} + F){bias_term}", **values)
            d.note(f"LoRA rank {lora}: the kernel is frozen; trainable r × ({kprod} × {csym} + F){bias_term}")
        elif use_bias:
            d.total(f"F × ({kprod} × {csym} + 1)", **values)
        else:
            d.total(f"{kprod} × {csym} × F", **values)

        window_notes(d, rank, spatial, w, out_spatial)
        spatial_sym = ", ".join(f"{s}'" for s in SPATIAL_SYMBOLS[rank - 1].split())
        batch = x[:lead]
        if data_format == "channels_last":
            d.output((*batch, *out_spatial, filters), f"(batch, {spatial_sym}, F)")
        else:
            d.output((*batch, filters, *out_spatial), f"(batch, F, {spatial_sym})")
        output_activation(cfg, d)

    formula.__doc__ = __doc__
    return formula


for _rank in (1, 2, 3):
    register(f"Conv{_rank}D", f"Convolution{_rank}D", family="convolution")(conv(_rank))
