"""Conv1D/2D/3D: one formula, parameterised by rank.

kernel k₁ × … × k_r × (C/g) × F, bias (F,): F·(K·C/g + 1), K = ∏ kernel_size.
LoRA (Keras 3.3+, ``lora_rank=r``): the kernel becomes non-trainable and two trainable factors
follow the bias, lora_kernel_a k₁ × … × k_r × (C/g) × r and lora_kernel_b r × F (``enable_lora``).
Per spatial axis: valid floor((L − k_eff)/s) + 1 with k_eff = d(k − 1) + 1; same/causal ceil(L/s).
Sources: ``keras/src/layers/convolutional/base_conv.py`` and ``ops/operation_utils.py`` (Keras 3),
``tf_keras/src/layers/convolutional/base_conv.py`` and ``utils/conv_utils.py`` (Keras 2).
"""

from __future__ import annotations

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape
from .._registry import register
from .._shapes import conv_length
from ._common import single

_AXES = ("k", "kh kw", "kd kh kw")
_SPATIAL = ("L", "H W", "D H W")


def check_output_lengths(cfg: Config, x: Shape, lengths: list[Dim], *, zero_refused_from: tuple[int, int]) -> None:
    """A negative output length is always refused.  A zero one is refused by Keras 2 (TensorFlow's
    graph shape inference of the conv/pool op: "Negative dimension size caused by subtracting …")
    and by Keras 3 from ``zero_refused_from`` on (3.14 for conv, 3.15 for pooling); older Keras 3
    releases allowed it."""
    k = cfg.keras
    zero_refused = not k.is_keras3 or (k.major, k.minor) >= zero_refused_from
    for length in lengths:
        if length is None:
            continue
        if length < 0 or (length == 0 and zero_refused):
            raise cfg.fail(f"computed output size would be {length} for input {x}: the window is larger than the padded input")


def lora_rank(cfg: Config) -> int | None:
    """``lora_rank`` (Keras 3.3+; 0 or None means no LoRA) and ``lora_alpha`` (3.10+, no effect on
    counts); Keras 2 and older Keras 3 refuse the keywords whatever their value."""
    k = cfg.keras
    for key, since in (("lora_rank", (3, 3)), ("lora_alpha", (3, 10))):
        if key in cfg.raw and (not k.is_keras3 or (k.major, k.minor) < since):
            raise cfg.fail(f"{key}={cfg.raw[key]!r}: Keras {k} has no `{key}` argument on {cfg.class_name}")
    if not cfg.raw.get("lora_rank"):
        return None
    rank = cfg.integer("lora_rank")
    if rank < 0:
        raise cfg.fail(f"lora_rank={rank} must be >= 0")
    if cfg.raw.get("kernel_constraint") is not None:
        raise cfg.fail("lora_rank: LoRA is incompatible with a kernel_constraint")
    return rank


def conv(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        filters = cfg.integer("filters", minimum=1)
        kernel = cfg.int_tuple("kernel_size", rank)
        strides = cfg.int_tuple("strides", rank, 1)
        dilation = cfg.int_tuple("dilation_rate", rank, 1)
        padding = cfg.padding(allow_causal=rank == 1)
        data_format = cfg.data_format()
        groups = cfg.integer("groups", 1, minimum=1)
        use_bias = cfg.boolean("use_bias", True)
        lora = lora_rank(cfg)
        d.arg("filters", filters)
        d.arg("kernel_size", kernel)
        for key, value, default in (("strides", strides, 1), ("dilation_rate", dilation, 1)):
            if value != (default,) * rank:
                d.arg(key, value)
        if padding != "valid":
            d.arg("padding", padding)
        if data_format != "channels_last":
            d.arg("data_format", data_format)
        if groups != 1:
            d.arg("groups", groups)
        if not use_bias:
            d.arg("use_bias", False)
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
        check_output_lengths(cfg, x, out_spatial, zero_refused_from=(3, 14))

        ksyms = _AXES[rank - 1].split()
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

        for sym, L, k, s, dl, out in zip(_SPATIAL[rank - 1].split(), spatial, kernel, strides, dilation, out_spatial):
            if L is None:
                d.note(f"{sym}' = None (unknown input length)")
            elif padding == "valid":
                keff = dl * (k - 1) + 1
                if dl > 1:
                    d.note(
                        f"{sym}' = floor(({sym} − k_eff)/s) + 1, k_eff = d(k − 1) + 1 = {dl}×({k} − 1) + 1 = {keff}: floor(({L} − {keff})/{s}) + 1 = {out}"
                    )
                else:
                    d.note(f"{sym}' = floor(({sym} − k)/s) + 1 = floor(({L} − {k})/{s}) + 1 = {out}")
            else:
                d.note(f"{sym}' = ceil({sym}/s) = ceil({L}/{s}) = {out}")
        spatial_sym = ", ".join(f"{s}'" for s in _SPATIAL[rank - 1].split())
        batch = x[:lead]
        if data_format == "channels_last":
            d.output((*batch, *out_spatial, filters), f"(batch, {spatial_sym}, F)")
        else:
            d.output((*batch, filters, *out_spatial), f"(batch, F, {spatial_sym})")

    formula.__doc__ = __doc__
    return formula


for _rank in (1, 2, 3):
    register(f"Conv{_rank}D", f"Convolution{_rank}D", family="convolution")(conv(_rank))
