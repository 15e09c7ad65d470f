"""Transposed, depthwise, separable and locally connected convolutions.

Transposed ``Conv{1,2,3}DTranspose``: kernel k₁ × … × k_r × F × C (filters before channels),
bias (F,): F·(K·C + 1).  Per spatial axis, with k_eff = d(k − 1) + 1 and output padding p:
valid (L − 1)s + max(k_eff, s), or (L − 1)s + k_eff + p; same L·s, or (L − 1)s + (k_eff mod 2) + p.
``DepthwiseConv{1,2}D``: kernel k… × C × dm, bias (C·dm,): C·dm·(K + 1); output channels C·dm.
``SeparableConv{1,2}D``: depthwise_kernel k… × C × dm, pointwise_kernel 1… × C·dm × F, bias (F,):
K·C·dm + C·dm·F + F.  Both keep the Conv output length: valid floor((L − k_eff)/s) + 1, same ceil(L/s).
``LocallyConnected{1,2}D`` (Keras 2): an unshared kernel per output position; implementation 1:
(∏L', K·C, F); 2: a dense masked kernel (L…, C, L'…, F) (channels_first: (C, L…, F, L'…));
3: only the connected entries, C·F·∏_axes Σ_o |window(o) ∩ input|; bias (L'…, F).
Sources: ``keras/src/layers/convolutional/base_conv_transpose.py``, ``base_depthwise_conv.py``,
``base_separable_conv.py`` and ``backend/common/backend_utils.py`` (Keras 3);
``tf_keras/src/layers/convolutional/conv{1,2,3}d_transpose.py``, ``base_depthwise_conv.py``,
``base_separable_conv.py``, ``base_conv.py``, ``layers/locally_connected/`` and
``utils/conv_utils.py`` (Keras 2).
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape
from .._registry import register
from .._shapes import KERNEL_SYMBOLS, SPATIAL_SYMBOLS, conv_length, with_spatial
from ._common import has, output_activation, single
from .conv import check_output_lengths, read_window, window_notes


def _split(cfg: Config, x: Shape, rank: int, data_format: str) -> tuple[int, tuple[Dim, ...]]:
    """Exact rank ``rank + 2``; the channel count (must be known) and the spatial dims."""
    if len(x) != rank + 2:
        raise cfg.fail(f"expected input of rank {rank + 2} (batch axis included), got rank {len(x)}: {x}")
    channels, spatial = (x[-1], x[1:-1]) if data_format == "channels_last" else (x[1], x[2:])
    if channels is None:
        raise cfg.fail(f"the channel dimension of the input must be defined, got None in {x}")
    return channels, tuple(spatial)


def _keras2_groups(cfg: Config, filters: int | None) -> None:
    """No LoRA keywords here (either line).  Keras 3 has no ``groups`` argument on these layers (an unrecognized keyword, whatever its
    value: a Keras 2 ``get_config()`` carries ``groups`` and does not load).  Keras 2 inherits it
    from ``Conv``: ``groups or 1`` must divide ``filters``, and the weights ignore it."""
    for key in ("lora_rank", "lora_alpha"):
        if key in cfg.raw:
            raise cfg.fail(f"{key}={cfg.raw[key]!r}: LoRA exists only on Conv1D/2D/3D, not on {cfg.class_name}")
    if "groups" not in cfg.raw:
        return
    if cfg.keras.is_keras3:
        raise cfg.fail(f"groups={cfg.raw['groups']!r}: Keras {cfg.keras} has no `groups` argument on {cfg.class_name}")
    groups = cfg.integer("groups") if cfg.raw.get("groups") else 1
    if filters is not None and filters % groups:
        raise cfg.fail(f"filters={filters} is not divisible by groups={groups}")


def _strides_and_dilation(cfg: Config, strides: tuple[int, ...], dilation: tuple[int, ...], *, keras3_checks: bool) -> None:
    """strides > 1 with dilation > 1: refused by Keras 2, by every Keras 3 transposed conv
    (``keras3_checks``), and by the depthwise/separable convs of the Keras 3 releases without
    ``depthwise-strided-dilated`` (versions.json: 3.0.5 and 3.8.0 refuse, 3.15.1 computes it)."""
    if max(strides) > 1 and max(dilation) > 1 and (keras3_checks or not has(cfg, "depthwise-strided-dilated")):
        raise cfg.fail(f"strides={strides} > 1 together with dilation_rate={dilation} > 1 is not supported")


def keras2_dilated_unknown(
    cfg: Config, d: Derivation, rank: int, spatial: Sequence[Dim], dilation: Sequence[int], out: list[Dim]
) -> list[Dim]:
    """Keras 2 Depthwise/SeparableConv2D and ConvLSTM run a dilated convolution through
    TensorFlow's space-to-batch, which loses every static spatial dim when one is unknown (Conv2D
    restores them with ``set_shape``; these layers do not)."""
    if cfg.keras.is_keras3 or rank < 2 or max(dilation) == 1 or all(L is not None for L in spatial):
        return out
    d.note(f"Keras {cfg.keras}: a dilated convolution with an unknown spatial dim leaves every spatial dim unknown")
    return [None] * len(out)


# -- transposed convolutions ------------------------------------------------------------------


def deconv_length(length: Dim, kernel: int, stride: int, padding: str, output_padding: int | None, dilation: int) -> Dim:
    """One axis of a transposed convolution (``deconv_output_length`` / ``_get_output_shape_given_tf_padding``)."""
    if length is None:
        return None
    keff = dilation * (kernel - 1) + 1
    if padding == "valid":
        pad = max(keff, stride) - keff if output_padding is None else output_padding
        return (length - 1) * stride + keff + pad
    if output_padding is None:
        return length * stride
    return (length - 1) * stride + keff % 2 + output_padding


def _output_padding_vs_strides(
    cfg: Config,
    d: Derivation,
    out_pad: tuple[int, ...],
    strides: tuple[int, ...],
    kernel: tuple[int, ...],
    dilation: tuple[int, ...],
    padding: str,
) -> None:
    """output_padding >= strides on an axis.  Keras 2, and Keras 3 from 3.14.0
    (``conv-transpose-output-padding-below-strides``), refuse it in the constructor.  Older Keras 3
    has no check: the symbolic build takes the size the formula gives, and the eager call computes
    it only where the convolution that the transposed one inverts maps that size back onto the
    input (TensorFlow's backprop-input check): with ``padding="same"``, ceil(L'/s) = L needs
    k_eff mod 2 + p <= s, i.e. p == s with an even effective kernel (L' = L·s, as without
    output_padding); with ``padding="valid"`` never.  The engine accepts exactly those."""
    checked = has(cfg, "conv-transpose-output-padding-below-strides")
    for i, (pad, stride, k, dl) in enumerate(zip(out_pad, strides, kernel, dilation)):
        if pad < stride:
            continue
        if checked:
            raise cfg.fail(f"output_padding={out_pad} must be strictly less than strides={strides}")
        keff = dl * (k - 1) + 1
        if padding != "same" or pad != stride or keff % 2:
            raise cfg.fail(
                f"output_padding={out_pad} must be strictly less than strides={strides} on axis {i}: Keras {cfg.keras} "
                "builds the layer symbolically, but its eager call cannot produce that size (before 3.14.0 only "
                "padding='same' with output_padding == strides and an even effective kernel runs)"
            )
        d.note(f"Keras {cfg.keras} does not check output_padding < strides (3.14.0 does): axis {i} has p = s")


def conv_transpose(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        filters = cfg.integer("filters", minimum=1)
        d.arg("filters", filters)
        w = read_window(cfg, d, rank, allow_causal=False)
        kernel, strides, dilation, padding, data_format, use_bias = w
        out_pad = None if cfg.raw.get("output_padding") is None else cfg.int_tuple("output_padding", rank, minimum=0)
        _keras2_groups(cfg, filters)
        if out_pad is not None and 0 in out_pad and not has(cfg, "conv-transpose-output-padding-zero"):
            # standardize_tuple(output_padding, rank, "output_padding") without allow_zero=True
            raise cfg.fail(f"output_padding={out_pad}: Keras {cfg.keras} accepts only values > 0")
        if out_pad is not None:
            d.arg("output_padding", out_pad)
            _output_padding_vs_strides(cfg, d, out_pad, strides, kernel, dilation, padding)
        _strides_and_dilation(cfg, strides, dilation, keras3_checks=True)
        if not keras3 and rank == 2 and dilation[0] != dilation[1]:
            # tf_keras backend.conv2d_transpose (atrous_conv2d_transpose) needs one rate.
            raise cfg.fail(f"dilation_rate={dilation}: Keras 2 Conv2DTranspose needs equal dilation rates")
        channels, spatial = _split(cfg, x, rank, data_format)

        # Keras 2's Conv3DTranspose ignores dilation_rate altogether (its call and output shape).
        eff_dilation = (1,) * rank if (not keras3 and rank == 3) else dilation
        out = [
            deconv_length(L, k, s, padding, None if out_pad is None else out_pad[i], dl)
            for i, (L, k, s, dl) in enumerate(zip(spatial, kernel, strides, eff_dilation))
        ]
        ksyms = KERNEL_SYMBOLS[rank - 1].split()
        d.weight("kernel", [*zip(ksyms, kernel), ("F", filters), ("C", channels)])
        kprod = " × ".join(ksyms)
        values = dict(zip(ksyms, kernel), C=channels, F=filters)
        if use_bias:
            d.weight("bias", [("F", filters)])
            d.total(f"F × ({kprod} × C + 1)", **values)
        else:
            d.total(f"{kprod} × F × C", **values)
        if eff_dilation != dilation:
            d.note(f"Keras {cfg.keras} Conv3DTranspose ignores dilation_rate={dilation}")
        for i, (sym, L, k, s, dl, o) in enumerate(
            zip(SPATIAL_SYMBOLS[rank - 1].split(), spatial, kernel, strides, eff_dilation, out)
        ):
            keff = dl * (k - 1) + 1
            p = None if out_pad is None else out_pad[i]
            if L is None:
                d.note(f"{sym}' = None (unknown input length)")
            elif padding == "valid" and p is None:
                d.note(f"{sym}' = ({sym} − 1)s + max(k_eff, s) = ({L} − 1)×{s} + max({keff}, {s}) = {o}")
            elif padding == "valid":
                d.note(f"{sym}' = ({sym} − 1)s + k_eff + p = ({L} − 1)×{s} + {keff} + {p} = {o}")
            elif p is None:
                d.note(f"{sym}' = {sym}·s = {L}×{s} = {o}")
            else:
                d.note(f"{sym}' = ({sym} − 1)s + (k_eff mod 2) + p = ({L} − 1)×{s} + {keff % 2} + {p} = {o}")
        spatial_sym = ", ".join(f"{s}'" for s in SPATIAL_SYMBOLS[rank - 1].split())
        shape = with_spatial(x, data_format, out, filters)
        d.output(shape, f"(batch, {spatial_sym}, F)" if data_format == "channels_last" else f"(batch, F, {spatial_sym})")
        output_activation(cfg, d)

    formula.__doc__ = __doc__
    return formula


for _rank in (1, 2, 3):
    register(f"Conv{_rank}DTranspose", f"Convolution{_rank}DTranspose", family="convolution")(conv_transpose(_rank))


# -- depthwise and separable ------------------------------------------------------------------


def depthwise(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        w = read_window(cfg, d, rank, allow_causal=False)
        kernel, strides, dilation, padding, data_format, use_bias = w
        # Keras 2 does not check depth_multiplier: 0 builds empty weights and the op then fails.
        dm = cfg.integer("depth_multiplier", 1, minimum=1)
        _keras2_groups(cfg, None)
        if dm != 1:
            d.arg("depth_multiplier", dm)
        # Newer Keras 3 accepts strides > 1 with dilation > 1 here (and computes it); Keras 2 refuses.
        _strides_and_dilation(cfg, strides, dilation, keras3_checks=False)
        channels, spatial = _split(cfg, x, rank, data_format)
        out = [conv_length(L, k, s, padding, dl) for L, k, s, dl in zip(spatial, kernel, strides, dilation)]
        check_output_lengths(cfg, x, out, zero_rule="conv-zero-output-refused")

        ksyms = KERNEL_SYMBOLS[rank - 1].split()
        name = "kernel" if keras3 else "depthwise_kernel"
        d.weight(name, [*zip(ksyms, kernel), ("C", channels), ("dm", dm)])
        kprod = " × ".join(ksyms)
        values = dict(zip(ksyms, kernel), C=channels, dm=dm)
        if use_bias:
            d.weight("bias", [("C·dm", channels * dm)])
            d.total(f"C × dm × ({kprod} + 1)", **values)
        else:
            d.total(f"{kprod} × C × dm", **values)
        window_notes(d, rank, spatial, w, out)
        out = keras2_dilated_unknown(cfg, d, rank, spatial, dilation, out)
        spatial_sym = ", ".join(f"{s}'" for s in SPATIAL_SYMBOLS[rank - 1].split())
        shape = with_spatial(x, data_format, out, channels * dm)
        d.output(shape, f"(batch, {spatial_sym}, C·dm)" if data_format == "channels_last" else f"(batch, C·dm, {spatial_sym})")
        output_activation(cfg, d)

    formula.__doc__ = __doc__
    return formula


def separable(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        keras3 = cfg.keras.is_keras3
        filters = cfg.integer("filters", minimum=1)
        d.arg("filters", filters)
        # Keras 2 allows causal padding on SeparableConv1D (as on Conv1D); Keras 3 does not.
        w = read_window(cfg, d, rank, allow_causal=rank == 1 and not keras3)
        kernel, strides, dilation, padding, data_format, use_bias = w
        dm = cfg.integer("depth_multiplier", 1, minimum=1)
        _keras2_groups(cfg, filters)
        if dm != 1:
            d.arg("depth_multiplier", dm)
        _strides_and_dilation(cfg, strides, dilation, keras3_checks=False)
        channels, spatial = _split(cfg, x, rank, data_format)
        out = [conv_length(L, k, s, padding, dl) for L, k, s, dl in zip(spatial, kernel, strides, dilation)]
        check_output_lengths(cfg, x, out, zero_rule="conv-zero-output-refused")

        ksyms = KERNEL_SYMBOLS[rank - 1].split()
        d.weight("depthwise_kernel", [*zip(ksyms, kernel), ("C", channels), ("dm", dm)])
        d.weight("pointwise_kernel", [*(("1", 1) for _ in range(rank)), ("C·dm", channels * dm), ("F", filters)])
        kprod = " × ".join(ksyms)
        values = dict(zip(ksyms, kernel), C=channels, dm=dm, F=filters)
        if use_bias:
            d.weight("bias", [("F", filters)])
            d.total(f"{kprod} × C × dm + C × dm × F + F", **values)
        else:
            d.total(f"{kprod} × C × dm + C × dm × F", **values)
        window_notes(d, rank, spatial, w, out)
        out = keras2_dilated_unknown(cfg, d, rank, spatial, dilation, out)
        spatial_sym = ", ".join(f"{s}'" for s in SPATIAL_SYMBOLS[rank - 1].split())
        shape = with_spatial(x, data_format, out, filters)
        d.output(shape, f"(batch, {spatial_sym}, F)" if data_format == "channels_last" else f"(batch, F, {spatial_sym})")
        output_activation(cfg, d)

    formula.__doc__ = __doc__
    return formula


for _rank in (1, 2):
    register(f"DepthwiseConv{_rank}D", family="convolution")(depthwise(_rank))
    register(f"SeparableConv{_rank}D", f"SeparableConvolution{_rank}D", family="convolution")(separable(_rank))


# -- locally connected (Keras 2) -------------------------------------------------------------


def _connected(length: int, kernel: int, stride: int, padding: str, out: int) -> int:
    """Σ over output positions of the input positions in the window (``conv_connected_inputs``):
    Σ_o max(0, min(L, c_o + right) − max(0, c_o − left)) with c_o = c0 + o·s, in closed form
    (an input of 2^63 positions must not be walked one by one)."""
    left = kernel // 2
    right = kernel - left
    c0 = left if padding == "valid" else 0
    # Windows past the end (c_o − left >= L) hold nothing: n positions count.
    n = min(out, max(0, -(-(length + left - c0) // stride)))
    # Σ min(L, c_o + right): c_o + right until it passes L, then L.
    k1 = 0 if length - right - c0 < 0 else min(n, (length - right - c0) // stride + 1)
    upper = k1 * (c0 + right) + stride * (k1 * (k1 - 1) // 2) + length * (n - k1)
    # Σ max(0, c_o − left): zero until c_o passes left.
    k2 = 0 if c0 > left else min(n, (left - c0) // stride + 1)
    lower = (n - k2) * (c0 - left) + stride * (n * (n - 1) // 2 - k2 * (k2 - 1) // 2)
    return upper - lower


def locally_connected(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        filters = cfg.integer("filters", minimum=1)
        kernel = cfg.int_tuple("kernel_size", rank)
        strides = cfg.int_tuple("strides", rank, 1)
        padding = cfg.padding(allow_causal=True)
        data_format = cfg.data_format()
        use_bias = cfg.boolean("use_bias", True)
        impl = cfg.integer("implementation", 1)
        d.arg("filters", filters)
        d.arg("kernel_size", kernel)
        if strides != (1,) * rank:
            d.arg("strides", strides)
        if padding != "valid":
            d.arg("padding", padding)
        if data_format != "channels_last":
            d.arg("data_format", data_format)
        if not use_bias:
            d.arg("use_bias", False)
        d.arg("implementation", impl)
        if impl == 1 and padding != "valid":
            raise cfg.fail(f"padding={padding!r}: implementation 1 supports only 'valid'")
        if impl not in (1, 2, 3):
            raise cfg.fail(f"implementation={impl} is not 1, 2 or 3")
        if padding == "causal":
            raise cfg.fail("padding='causal' is not supported (only 'valid' and 'same')")
        channels, spatial_dims = _split(cfg, x, rank, data_format)
        if any(L is None for L in spatial_dims):
            raise cfg.fail(f"the spatial dimensions of the input must be defined, got {x}")
        spatial = [int(L) for L in spatial_dims if L is not None]
        out = [int(conv_length(L, k, s, padding)) for L, k, s in zip(spatial, kernel, strides)]  # type: ignore[arg-type]
        if min(out) <= 0:
            raise cfg.fail(f"computed output size would be {min(out)} for input {x}: the window is larger than the input")

        syms = SPATIAL_SYMBOLS[rank - 1].split()
        ksyms = KERNEL_SYMBOLS[rank - 1].split()
        osyms = [f"{s}'" for s in syms]
        kprod = " × ".join(ksyms)
        if impl == 1:
            d.weight(
                "kernel", [(" × ".join(osyms), math.prod(out)), (f"{kprod} × C", math.prod(kernel) * channels), ("F", filters)]
            )
        elif impl == 2:
            if data_format == "channels_first":
                axes = [("C", channels), *zip(syms, spatial), ("F", filters), *zip(osyms, out)]
            else:
                axes = [*zip(syms, spatial), ("C", channels), *zip(osyms, out), ("F", filters)]
            d.weight("kernel", axes)
            d.note("implementation 2: a dense kernel over every (input, output) position pair, masked to the windows")
        else:
            sums = [_connected(L, k, s, padding, o) for L, k, s, o in zip(spatial, kernel, strides, out)]
            n = channels * filters * math.prod(sums)
            d.weight("kernel", [("n", n)])
            d.note(
                f"implementation 3: n = C × F × ∏ Σ_o |window(o) ∩ input| = {channels} × {filters} × {' × '.join(map(str, sums))} = {n}"
            )
        if use_bias:
            d.weight("bias", [*zip(osyms, out), ("F", filters)])
        for sym, L, k, s, o in zip(syms, spatial, kernel, strides, out):
            if padding == "valid":
                d.note(f"{sym}' = floor(({sym} − k)/s) + 1 = floor(({L} − {k})/{s}) + 1 = {o}")
            else:
                d.note(f"{sym}' = ceil({sym}/s) = ceil({L}/{s}) = {o}")
        d.output(with_spatial(x, data_format, out, filters), "(batch, output positions, F)")
        output_activation(cfg, d)

    formula.__doc__ = __doc__
    return formula


for _rank in (1, 2):
    register(f"LocallyConnected{_rank}D", family="convolution")(locally_connected(_rank))
