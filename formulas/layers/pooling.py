"""Max/Average pooling 1D/2D/3D and the global poolings.  No weights.

Pooling: strides default to pool_size; valid floor((L − k)/s) + 1, same ceil(L/s).
Global pooling: (batch, C), or with keepdims (batch, 1, …, 1, C) / (batch, C, 1, …, 1).
Sources: ``keras/src/layers/pooling`` (Keras 3), ``tf_keras/src/layers/pooling`` (Keras 2).
"""

from __future__ import annotations

from .._config import Config
from .._derivation import Derivation
from .._model import Shape
from .._registry import register
from .._shapes import SPATIAL_SYMBOLS, pool_length, spatial_axes, with_spatial
from ._common import rank as check_rank
from ._common import single
from .conv import check_output_lengths


def pooling(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        pool = cfg.int_tuple("pool_size", rank, 2)
        strides = pool if cfg.raw.get("strides") is None else cfg.int_tuple("strides", rank)
        padding = cfg.padding(allow_causal=False)
        data_format = cfg.data_format()
        d.arg("pool_size", pool)
        if strides != pool:
            d.arg("strides", strides)
        if padding != "valid":
            d.arg("padding", padding)
        if data_format != "channels_last":
            d.arg("data_format", data_format)
        check_rank(cfg, x, ndim=rank + 2)
        axes = spatial_axes(x, data_format)
        channels = x[-1] if data_format == "channels_last" else x[1]
        out = [pool_length(x[a], k, s, padding) for a, k, s in zip(axes, pool, strides)]
        check_output_lengths(cfg, x, out, zero_rule="pool-zero-output-refused")
        for sym, a, k, s, o in zip(SPATIAL_SYMBOLS[rank - 1].split(), axes, pool, strides, out):
            L = x[a]
            if L is None:
                d.note(f"{sym}' = None (unknown input length)")
            elif padding == "valid":
                d.note(f"{sym}' = floor(({sym} − k)/s) + 1 = floor(({L} − {k})/{s}) + 1 = {o}")
            else:
                d.note(f"{sym}' = ceil({sym}/s) = ceil({L}/{s}) = {o}")
        d.output(with_spatial(x, data_format, out, channels), "(batch, pooled spatial dims, C)")

    formula.__doc__ = __doc__
    return formula


def global_pooling(rank: int):  # type: ignore[no-untyped-def]
    def formula(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
        x = single(cfg, x_in)
        data_format = cfg.data_format()
        keepdims = cfg.boolean("keepdims", False)
        if keepdims:
            d.arg("keepdims", True)
        if data_format != "channels_last":
            d.arg("data_format", data_format)
        check_rank(cfg, x, ndim=rank + 2)
        channels = x[-1] if data_format == "channels_last" else x[1]
        if keepdims:
            d.output(with_spatial(x, data_format, [1] * rank, channels), "(batch, 1, …, 1, C)")
        else:
            d.output((x[0], channels), "(batch, C)")

    formula.__doc__ = __doc__
    return formula


for _r in (1, 2, 3):
    register(f"MaxPooling{_r}D", f"MaxPool{_r}D", family="pooling")(pooling(_r))
    register(f"AveragePooling{_r}D", f"AvgPool{_r}D", family="pooling")(pooling(_r))
    register(f"GlobalMaxPooling{_r}D", f"GlobalMaxPool{_r}D", family="pooling")(global_pooling(_r))
    register(f"GlobalAveragePooling{_r}D", f"GlobalAvgPool{_r}D", family="pooling")(global_pooling(_r))
