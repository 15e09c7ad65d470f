"""int8 / int4 / float8 quantization on every Keras 3 release, not only the newest layout.

The engine follows the quantization weights through the releases (``formulas/versions.json``):
3.1.x freezes the bias and keeps Dense's kernel_scale as (1, units); Embedding gains int8 in 3.2.0
and its scale turns from per column (D,) to per row (V,) in 3.3.3; int4 (3.11.0) is per channel
until 3.13.2 and grouped (block size 128) from 3.14.0; Embedding gains int4 in 3.12.0.

Every expected shape below comes from the layer config's own arithmetic (units, dims, the
equation), never from numbers Keras printed; the version matrix is the check against real Keras.
"""

from __future__ import annotations

import math
from typing import Any

import pytest

import formulas
from formulas._version import KerasVersion, facts, feature

BLOCK = 128  # Int4QuantizationConfig's default block_size (from 3.14.0)
NIGHTLY = "3.16.0.dev2026102704"

#: The new facts, each with the last release without it and the first with it.
BOUNDARIES = {
    "int8-bias-trainable": ("3.1.1", "3.2.0"),
    "dense-int8-scale-vector": ("3.1.1", "3.2.0"),
    "quantize-int8-embedding": ("3.1.1", "3.2.0"),
    "embedding-int8-scale-per-row": ("3.3.2", "3.3.3"),
    "quantize-int4-embedding": ("3.11.3", "3.12.0"),
    "int4-grouped": ("3.13.2", "3.14.0"),
}

#: Releases per layout.
INT8_3_1 = ("3.1.0", "3.1.1")
EMBEDDING_SCALE_PER_COLUMN = ("3.2.0", "3.2.1", "3.3.0", "3.3.2")
INT4_PER_CHANNEL = ("3.11.0", "3.11.3", "3.12.0", "3.12.4", "3.13.0", "3.13.2")
EMBEDDING_INT4_PER_CHANNEL = ("3.12.0", "3.12.4", "3.13.0", "3.13.2")
INT4_GROUPED = ("3.14.0", "3.14.1", "3.15.0", "3.15.1")


def _expect(layer: dict[str, Any], shape: tuple[Any, ...], keras: str, quantize: str | None) -> formulas.Expectation:
    return formulas.expect(layer, shape, keras=keras, quantize=quantize)


def _weights(layer: dict[str, Any], shape: tuple[Any, ...], keras: str, quantize: str) -> dict[str, tuple[int | None, ...]]:
    return {w.name: tuple(w.shape) for w in _expect(layer, shape, keras, quantize).weights}


def _trainable(layer: dict[str, Any], shape: tuple[Any, ...], keras: str, quantize: str) -> dict[str, bool]:
    return {w.name: w.trainable for w in _expect(layer, shape, keras, quantize).weights}


def _dense(units: int, **config: Any) -> dict[str, Any]:
    return {"class_name": "Dense", "config": {"units": units, **config}}


def _einsum(equation: str, output_shape: Any, **config: Any) -> dict[str, Any]:
    return {"class_name": "EinsumDense", "config": {"equation": equation, "output_shape": output_shape, **config}}


def _embedding(vocab: int, dim: int, cls: str = "Embedding", **config: Any) -> dict[str, Any]:
    return {"class_name": cls, "config": {"input_dim": vocab, "output_dim": dim, **config}}


def half(n: int) -> int:
    """Two int4 values to a byte."""
    return (n + 1) // 2


# -- the facts ----------------------------------------------------------------------------------


@pytest.mark.parametrize(("name", "bounds"), sorted(BOUNDARIES.items()))
def test_each_fact_starts_at_its_release_and_cites_the_source(name: str, bounds: tuple[str, str]) -> None:
    before, first = bounds
    assert feature(name, KerasVersion.parse(before)) is False
    assert feature(name, KerasVersion.parse(first)) is True
    for later in ("3.15.1", NIGHTLY):
        assert feature(name, KerasVersion.parse(later)) is True
    assert feature(name, KerasVersion.parse("2.15.0")) is False
    evidence = facts().features[name].evidence
    assert first in evidence and "keras/src/" in evidence


def test_the_modes_keep_their_first_releases() -> None:
    dense = _dense(16)
    for mode, before in (("int8", "3.0.5"), ("float8", "3.2.1"), ("int4", "3.10.0")):
        with pytest.raises(formulas.InvalidLayerError, match=f"no {mode} quantization"):
            _expect(dense, (None, 32), before, mode)


# -- 3.1.x: the bias is frozen, Dense's scale keeps its reduced axis -------------------------------


@pytest.mark.parametrize("keras", INT8_3_1)
@pytest.mark.parametrize("use_bias", [True, False])
def test_int8_dense_in_3_1(keras: str, use_bias: bool) -> None:
    d, u = 32, 16
    layer = _dense(u, use_bias=use_bias)
    e = _expect(layer, (None, 4, d), keras, "int8")
    expected: dict[str, tuple[int, ...]] = {"kernel": (d, u), "kernel_scale": (1, u)}
    if use_bias:
        expected["bias"] = (u,)
    assert {w.name: tuple(w.shape) for w in e.weights} == expected
    assert e.trainable == 0  # quantize freezes the bias too
    assert e.non_trainable == d * u + u + (u if use_bias else 0)


@pytest.mark.parametrize("keras", ["3.2.0", "3.8.0", "3.15.1"])
def test_int8_dense_from_3_2(keras: str) -> None:
    d, u = 32, 16
    e = _expect(_dense(u), (None, d), keras, "int8")
    assert {w.name: tuple(w.shape) for w in e.weights} == {"bias": (u,), "kernel": (d, u), "kernel_scale": (u,)}
    assert e.trainable == u and e.non_trainable == d * u + u


@pytest.mark.parametrize("keras", INT8_3_1)
def test_int8_dense_with_lora_in_3_1_keeps_lora_trainable(keras: str) -> None:
    d, u, r = 32, 16, 4
    layer = _dense(u, lora_rank=r)
    assert _weights(layer, (None, d), keras, "int8") == {
        "bias": (u,),
        "lora_kernel_a": (d, r),
        "lora_kernel_b": (r, u),
        "kernel": (d, u),
        "kernel_scale": (1, u),
    }
    assert _trainable(layer, (None, d), keras, "int8") == {
        "bias": False,
        "lora_kernel_a": True,
        "lora_kernel_b": True,
        "kernel": False,
        "kernel_scale": False,
    }


@pytest.mark.parametrize(
    ("equation", "partial", "shape", "bias_axes", "kernel", "bias", "scale"),
    [
        # one scale per output channel, laid out against the output: 1 for each input-only axis
        ("ab,bc->ac", 16, (None, 32), "c", (32, 16), (16,), (1, 16)),
        ("abc,cde->abde", [5, 2, 4], (None, 5, 32), "de", (32, 2, 4), (2, 4), (1, 1, 2, 4)),
        ("abcd,cde->abe", [None, 7], (None, 5, 2, 4), "e", (2, 4, 7), (7,), (1, 1, 7)),
    ],
)
def test_int8_einsum_bias_is_frozen_only_in_3_1(
    equation: str,
    partial: Any,
    shape: tuple[Any, ...],
    bias_axes: str,
    kernel: tuple[int, ...],
    bias: tuple[int, ...],
    scale: tuple[int, ...],
) -> None:
    layer = _einsum(equation, partial, bias_axes=bias_axes)
    for keras in (*INT8_3_1, "3.2.0", "3.15.1"):
        assert _weights(layer, shape, keras, "int8") == {"bias": bias, "kernel": kernel, "kernel_scale": scale}
        assert _trainable(layer, shape, keras, "int8")["bias"] is (keras not in INT8_3_1)


@pytest.mark.parametrize("keras", INT8_3_1)
@pytest.mark.parametrize("mode", ["int8", "float8", "int4"])
def test_embedding_and_the_other_modes_are_refused_in_3_1(keras: str, mode: str) -> None:
    with pytest.raises(formulas.InvalidLayerError):
        _expect(_embedding(100, 16), (None, 10), keras, mode)
    if mode != "int8":
        with pytest.raises(formulas.InvalidLayerError):
            _expect(_dense(16), (None, 32), keras, mode)


def test_embedding_int8_refusal_names_the_release_that_adds_it() -> None:
    with pytest.raises(formulas.InvalidLayerError, match=r"Embedding has no int8 quantization .*3\.2\.0"):
        _expect(_embedding(100, 16), (None, 10), "3.1.1", "int8")


# -- Embedding int8: one scale per column up to 3.3.2, per row from 3.3.3 ---------------------


@pytest.mark.parametrize(("vocab", "dim", "shape"), [(100, 16, (None, 10)), (30, 6, (None, 2, 5))])
def test_embedding_int8_scale_axis(vocab: int, dim: int, shape: tuple[Any, ...]) -> None:
    layer = _embedding(vocab, dim)
    for keras in EMBEDDING_SCALE_PER_COLUMN:
        assert _weights(layer, shape, keras, "int8") == {"embeddings": (vocab, dim), "embeddings_scale": (dim,)}
    for keras in ("3.3.3", "3.8.0", "3.13.2", "3.15.1", NIGHTLY):
        assert _weights(layer, shape, keras, "int8") == {"embeddings": (vocab, dim), "embeddings_scale": (vocab,)}


@pytest.mark.parametrize("keras", ["3.2.1", "3.3.3", "3.15.1"])
def test_embedding_int8_with_lora(keras: str) -> None:
    vocab, dim, r = 100, 16, 2
    scale = (dim,) if keras == "3.2.1" else (vocab,)
    e = _expect(_embedding(vocab, dim, lora_rank=r), (None, 10), keras, "int8")
    assert [(w.name, tuple(w.shape), w.trainable) for w in e.weights] == [
        ("lora_embeddings_a", (vocab, r), True),
        ("lora_embeddings_b", (r, dim), True),
        ("embeddings", (vocab, dim), False),
        ("embeddings_scale", scale, False),
    ]


# -- float8 (3.3.0 on) and LoRA ----------------------------------------------------------------


@pytest.mark.parametrize("keras", ["3.3.0", "3.3.3", "3.8.0", "3.10.0", "3.13.2"])
def test_float8_weights_and_lora(keras: str) -> None:
    d, u, r, history = 32, 16, 4, 1024
    scales = {f"{p}_scale": () for p in ("inputs", "kernel", "outputs_grad")}
    histories = {f"{p}_amax_history": (history,) for p in ("inputs", "kernel", "outputs_grad")}
    assert _weights(_dense(u), (None, d), keras, "float8") == {"kernel": (d, u), "bias": (u,), **scales, **histories}
    lora = _dense(u, lora_rank=r)
    assert _weights(lora, (None, d), keras, "float8") == {
        "kernel": (d, u),
        "bias": (u,),
        "lora_kernel_a": (d, r),
        "lora_kernel_b": (r, u),
        **scales,
        **histories,
    }
    assert _trainable(lora, (None, d), keras, "float8")["kernel"] is False
    with pytest.raises(formulas.InvalidLayerError):
        _expect(_embedding(100, 16), (None, 10), keras, "float8")


# -- int4 per channel: 3.11.0 to 3.13.2 --------------------------------------------------------


@pytest.mark.parametrize("keras", INT4_PER_CHANNEL)
@pytest.mark.parametrize(("d", "u", "use_bias"), [(32, 16, True), (300, 15, False), (129, 1, True)])
def test_int4_dense_per_channel(keras: str, d: int, u: int, use_bias: bool) -> None:
    expected: dict[str, tuple[int, ...]] = {"kernel": (half(d), u), "kernel_scale": (u,)}
    if use_bias:
        expected["bias"] = (u,)
    e = _expect(_dense(u, use_bias=use_bias), (None, d), keras, "int4")
    assert {w.name: tuple(w.shape) for w in e.weights} == expected
    assert e.trainable == (u if use_bias else 0)
    assert e.non_trainable == half(d) * u + u


@pytest.mark.parametrize("keras", INT4_PER_CHANNEL)
def test_int4_dense_with_lora_per_channel(keras: str) -> None:
    d, u, r = 32, 16, 4
    assert _weights(_dense(u, lora_rank=r), (None, d), keras, "int4") == {
        "bias": (u,),
        "lora_kernel_a": (d, r),
        "lora_kernel_b": (r, u),
        "kernel": (half(d), u),
        "kernel_scale": (u,),
    }


@pytest.mark.parametrize("keras", INT4_PER_CHANNEL)
@pytest.mark.parametrize(
    ("equation", "partial", "shape", "kernel", "packed", "scale"),
    [
        # the kernel is packed along its first contracted axis; the scale is int8's (per output channel)
        ("ab,bc->ac", 16, (None, 32), (32, 16), (half(32), 16), (1, 16)),
        ("abc,cde->abde", [5, 2, 4], (None, 5, 32), (32, 2, 4), (half(32), 2, 4), (1, 1, 2, 4)),
        ("abcd,cde->abe", [None, 7], (None, 5, 2, 4), (2, 4, 7), (half(2), 4, 7), (1, 1, 7)),
        ("abc,cd->abd", [5, 16], (None, 5, 300), (300, 16), (half(300), 16), (1, 1, 16)),
        ("ab,cb->ac", 6, (None, 9), (6, 9), (6, half(9)), (1, 6)),  # contracted axis last
    ],
)
def test_int4_einsum_per_channel(
    keras: str,
    equation: str,
    partial: Any,
    shape: tuple[Any, ...],
    kernel: tuple[int, ...],
    packed: tuple[int, ...],
    scale: tuple[int, ...],
) -> None:
    layer = _einsum(equation, partial)
    assert _weights(layer, shape, keras, "int8") == {"kernel": kernel, "kernel_scale": scale}
    assert _weights(layer, shape, keras, "int4") == {"kernel": packed, "kernel_scale": scale}


@pytest.mark.parametrize("keras", INT4_PER_CHANNEL)
def test_int4_einsum_with_lora_per_channel(keras: str) -> None:
    d, u, r = 300, 16, 2
    layer = _einsum("abc,cd->abd", [5, u], lora_rank=r)
    assert _weights(layer, (None, 5, d), keras, "int4") == {
        "lora_kernel_a": (d, r),
        "lora_kernel_b": (r, u),
        "kernel": (half(d), u),
        "kernel_scale": (1, 1, u),
    }


@pytest.mark.parametrize("keras", ["3.11.0", "3.11.3"])
def test_embedding_int4_is_refused_in_3_11(keras: str) -> None:
    with pytest.raises(formulas.InvalidLayerError, match=r"Embedding has no int4 quantization .*3\.12\.0"):
        _expect(_embedding(100, 16), (None, 10), keras, "int4")
    assert _weights(_embedding(100, 16), (None, 10), keras, "int8")["embeddings_scale"] == (100,)


@pytest.mark.parametrize("keras", EMBEDDING_INT4_PER_CHANNEL)
@pytest.mark.parametrize(("vocab", "dim", "lora"), [(100, 16, None), (50, 301, None), (100, 15, 3)])
def test_embedding_int4_per_row(keras: str, vocab: int, dim: int, lora: int | None) -> None:
    layer = _embedding(vocab, dim) if lora is None else _embedding(vocab, dim, lora_rank=lora)
    expected: dict[str, tuple[int, ...]] = {"embeddings": (vocab, half(dim)), "embeddings_scale": (vocab,)}
    if lora:
        expected = {"lora_embeddings_a": (vocab, lora), "lora_embeddings_b": (lora, dim), **expected}
    assert _weights(layer, (None, 10), keras, "int4") == expected


@pytest.mark.parametrize("keras", EMBEDDING_INT4_PER_CHANNEL)
def test_reversible_embedding_per_channel(keras: str) -> None:
    vocab, dim = 100, 301
    untied = _embedding(vocab, dim, "ReversibleEmbedding", tie_weights=False)
    assert _weights(untied, (None, 10), keras, "int4") == {
        "embeddings": (vocab, half(dim)),
        "embeddings_scale": (vocab,),
        "reverse_embeddings": (half(dim), vocab),
        "reverse_embeddings_scale": (vocab,),
    }
    assert _weights(untied, (None, 10), keras, "int8") == {
        "embeddings": (vocab, dim),
        "embeddings_scale": (vocab,),
        "reverse_embeddings": (dim, vocab),
        "reverse_embeddings_scale": (vocab,),
    }
    tied = _embedding(64, 9, "ReversibleEmbedding")
    assert _weights(tied, (None, 10), keras, "int4") == {"embeddings": (64, half(9)), "embeddings_scale": (64,)}


# -- int4 grouped (block size 128): 3.14.0 on ----------------------------------------------------


@pytest.mark.parametrize("keras", INT4_GROUPED)
@pytest.mark.parametrize(("d", "u"), [(32, 16), (300, 15)])
def test_int4_dense_grouped(keras: str, d: int, u: int) -> None:
    groups = math.ceil(d / BLOCK)
    assert _weights(_dense(u, use_bias=False), (None, d), keras, "int4") == {
        "kernel": (d, half(u)),
        "kernel_scale": (groups, u),
        "kernel_zero": (groups, u),
        "g_idx": (d,),
    }


@pytest.mark.parametrize("keras", INT4_GROUPED)
def test_int4_einsum_and_embeddings_grouped(keras: str) -> None:
    c, d, e = 2, 4, 7  # 'abcd,cde->abe' contracts c and d: rows c·d, columns e
    rows = c * d
    groups = math.ceil(rows / BLOCK)
    assert _weights(_einsum("abcd,cde->abe", [None, e]), (None, 5, c, d), keras, "int4") == {
        "kernel": (rows, half(e)),
        "kernel_scale": (groups, e),
        "kernel_zero": (groups, e),
        "g_idx": (rows,),
    }
    vocab, dim = 100, 301
    column_groups = math.ceil(dim / BLOCK)
    assert _weights(_embedding(vocab, dim, "ReversibleEmbedding", tie_weights=False), (None, 10), keras, "int4") == {
        "embeddings": (vocab, half(dim)),
        "embeddings_scale": (vocab, column_groups),
        "embeddings_zero": (vocab, column_groups),
        "g_idx": (dim,),
        "reverse_embeddings": (half(dim), vocab),
        "reverse_embeddings_scale": (column_groups, vocab),
        "reverse_embeddings_zero": (column_groups, vocab),
    }


def test_the_nightly_keeps_the_grouped_layout_with_its_zero_point_name() -> None:
    d, u = 300, 15
    groups = math.ceil(d / BLOCK)
    assert _weights(_dense(u, use_bias=False), (None, d), NIGHTLY, "int4") == {
        "kernel": (d, half(u)),
        "kernel_scale": (groups, u),
        "zero_point": (groups, u),
        "g_idx": (d,),
    }
