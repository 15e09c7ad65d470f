"""Sweep spaces for the attention layers, EinsumDense, Dense, Embedding and ReversibleEmbedding,
including Keras 3's LoRA and quantization (quantized/LoRA draws simply come out invalid on Keras 2)."""

from __future__ import annotations

import random
from typing import Any

Case = dict[str, Any]


def _dim(rng: random.Random, lo: int = 1, hi: int = 8, none: float = 0.15) -> int | None:
    return None if rng.random() < none else rng.randint(lo, hi)


def _quantize(rng: random.Random, case: Case, modes: tuple[str, ...] = ("int8", "int4", "float8")) -> Case:
    r = rng.random()
    if r < 0.35:
        case["quantize"] = rng.choice(modes)
    elif r < 0.38:
        case["quantize"] = rng.choice(("gptq", "float8", "int2"))
    return case


def _lora(rng: random.Random, config: dict[str, Any]) -> None:
    r = rng.random()
    if r < 0.25:
        config["lora_rank"] = rng.randint(1, 4)
    elif r < 0.28:
        config["lora_rank"] = rng.choice((0, -1, 2.5))


def attention(rng: random.Random) -> Case:
    config: dict[str, Any] = {}
    if rng.random() < 0.5:
        config["use_scale"] = rng.random() < 0.5
    if rng.random() < 0.5:
        config["score_mode"] = rng.choice(("dot", "concat", "dot", "concat", "general"))
    b, tq, tv, dim = _dim(rng, 1, 3, 0.7), _dim(rng), _dim(rng), rng.randint(1, 12)
    dv = dim if rng.random() < 0.7 else rng.randint(1, 12)
    shapes: list[list[int | None]] = [[b, tq, dim], [b, tv, dv]]
    if rng.random() < 0.4:
        shapes.append([b, tv, dim])
    if rng.random() < 0.05:
        shapes = shapes[:1]
    return {"layer": {"class_name": "Attention", "config": config}, "input_shape": shapes}


def additive_attention(rng: random.Random) -> Case:
    config: dict[str, Any] = {}
    if rng.random() < 0.5:
        config["use_scale"] = rng.random() < 0.6
    b, tq, tv, dim = _dim(rng, 1, 3, 0.7), _dim(rng), _dim(rng), rng.randint(1, 12)
    shapes: list[list[int | None]] = [[b, tq, dim], [b, tv, dim]]
    if rng.random() < 0.3:
        shapes.append([b, tv, dim])
    if rng.random() < 0.05:
        shapes = shapes[:1]
    return {"layer": {"class_name": "AdditiveAttention", "config": config}, "input_shape": shapes}


def multi_head_attention(rng: random.Random) -> Case:
    config: dict[str, Any] = {"num_heads": rng.randint(1, 4), "key_dim": rng.randint(1, 8)}
    if rng.random() < 0.08:
        config[rng.choice(("num_heads", "key_dim"))] = rng.choice((0, -1, 2.0))
    if rng.random() < 0.3:
        config["value_dim"] = rng.randint(1, 8)
    if rng.random() < 0.3:
        config["output_shape"] = rng.randint(1, 10) if rng.random() < 0.6 else [rng.randint(1, 4), rng.randint(1, 4)]
    if rng.random() < 0.3:
        config["use_bias"] = False
    if rng.random() < 0.2:
        config["use_gate"] = True
    rank = rng.choice((3, 3, 3, 4))
    b = _dim(rng, 1, 3, 0.7)
    dq, dv = rng.randint(1, 12), rng.randint(1, 12)
    if rank == 3:
        tq, tv = _dim(rng, 1, 6, 0.1), _dim(rng, 1, 6, 0.1)
        shapes: list[list[int | None]] = [[b, tq, dq], [b, tv, dv]]
        if rng.random() < 0.3:
            shapes.append([b, tv if rng.random() < 0.9 else (tv or 3) + 1, rng.randint(1, 12)])
    else:
        outer = rng.randint(1, 3)
        shapes = [[b, outer, rng.randint(1, 4), dq], [b, outer, rng.randint(1, 4), dv]]
        if rng.random() < 0.5:
            config["attention_axes"] = rng.choice(([2], 2, [1, 2], -2))
    if rng.random() < 0.5:
        # Keras 2's from_config needs the build-time keys (Keras 3 refuses them)
        config.update({"query_shape": None, "key_shape": None, "value_shape": None})
    return {"layer": {"class_name": "MultiHeadAttention", "config": config}, "input_shape": shapes}


def group_query_attention(rng: random.Random) -> Case:
    hkv = rng.randint(1, 3)
    config: dict[str, Any] = {
        "head_dim": rng.randint(1, 8),
        "num_query_heads": hkv * rng.randint(1, 3),
        "num_key_value_heads": hkv,
    }
    if rng.random() < 0.1:
        config["num_query_heads"] = hkv * 2 + 1 if hkv > 1 else 3
        config["num_key_value_heads"] = 2 if hkv == 1 else hkv
    if rng.random() < 0.05:
        config["head_dim"] = 0
    if rng.random() < 0.3:
        config["use_bias"] = False
    if rng.random() < 0.2:
        config["use_gate"] = True
    b, tq, tv, dim = _dim(rng, 1, 3, 0.7), _dim(rng), _dim(rng), rng.randint(1, 16)
    dv = dim if rng.random() < 0.9 else dim + 1
    shapes: list[list[int | None]] = [[b, tq, dim], [b, tv, dv]]
    if rng.random() < 0.3:
        shapes.append([b, tv, rng.randint(1, 12)])
    return {"layer": {"class_name": "GroupQueryAttention", "config": config}, "input_shape": shapes}


_EINSUMS = (
    ("ab,bc->ac", lambda r: [r.randint(1, 16)], "c", 2),
    ("abc,cd->abd", lambda r: [None, r.randint(1, 16)], "d", 3),
    ("abc,cde->abde", lambda r: [None, r.randint(1, 4), r.randint(1, 6)], "de", 3),
    ("abc,cde->abde", lambda r: [None, r.randint(1, 4), r.randint(1, 6)], "e", 3),
    ("abc,cde->abde", lambda r: [None, r.randint(1, 4), r.randint(1, 6)], "d", 3),
    ("abcd,cde->abe", lambda r: [None, r.randint(1, 12)], "e", 4),
    ("ab,bcd->acd", lambda r: [r.randint(1, 4), r.randint(1, 6)], "d", 2),
    ("ab,bc->acb", lambda r: [r.randint(1, 8), None], None, 2),
    ("...b,bc->...c", lambda r: r.randint(1, 16), "c", 0),
    ("ab...,bc->ac...", lambda r: r.randint(1, 16), "c", 0),
    ("abc,acd->abd", lambda r: [None, r.randint(1, 8)], None, 3),
    ("ab,bc->ad", lambda r: [r.randint(1, 8)], None, 2),
)


def einsum_dense(rng: random.Random) -> Case:
    equation, out, bias, rank = rng.choice(_EINSUMS)
    output_shape = out(rng)
    if rank == 0:
        rank = rng.randint(2, 4)
    shape: list[int | None] = [None] + [rng.randint(1, 12) for _ in range(rank - 1)]
    if equation == "ab,bc->acb":
        output_shape = [output_shape[0], shape[1]]
    if rng.random() < 0.08 and rank > 2:
        shape[1] = None
    config: dict[str, Any] = {"equation": equation, "output_shape": output_shape}
    if bias and rng.random() < 0.7:
        config["bias_axes"] = bias if rng.random() < 0.95 else "x"
    _lora(rng, config)
    return _quantize(rng, {"layer": {"class_name": "EinsumDense", "config": config}, "input_shape": shape})


def dense(rng: random.Random) -> Case:
    config: dict[str, Any] = {"units": rng.randint(1, 40)}
    if rng.random() < 0.3:
        config["use_bias"] = False
    _lora(rng, config)
    if "lora_rank" in config and rng.random() < 0.1:
        config["kernel_constraint"] = "non_neg"
    rank = rng.randint(2, 4)
    shape: list[int | None] = [_dim(rng, 1, 4, 0.8)] + [_dim(rng, 1, 6) for _ in range(rank - 2)] + [rng.randint(1, 300)]
    return _quantize(rng, {"layer": {"class_name": "Dense", "config": config}, "input_shape": shape})


def embedding(rng: random.Random) -> Case:
    config: dict[str, Any] = {"input_dim": rng.randint(1, 200), "output_dim": rng.randint(1, 300)}
    if rng.random() < 0.05:
        config["input_dim"] = rng.choice((0, -3))
    if rng.random() < 0.2:
        config["mask_zero"] = True
    _lora(rng, config)
    shape: list[int | None] = [_dim(rng, 1, 4, 0.8)] + [_dim(rng, 1, 12) for _ in range(rng.randint(0, 2))]
    return _quantize(rng, {"layer": {"class_name": "Embedding", "config": config}, "input_shape": shape}, ("int8", "int4"))


def reversible_embedding(rng: random.Random) -> Case:
    case = embedding(rng)
    case["layer"]["class_name"] = "ReversibleEmbedding"
    config = case["layer"]["config"]
    if rng.random() < 0.5:
        config["tie_weights"] = rng.random() < 0.4
    if rng.random() < 0.2:
        config["logit_soft_cap"] = 30.0
    return case


SPACES = {
    "Attention": attention,
    "AdditiveAttention": additive_attention,
    "MultiHeadAttention": multi_head_attention,
    "GroupQueryAttention": group_query_attention,
    "EinsumDense": einsum_dense,
    "Dense": dense,
    "Embedding": embedding,
    "ReversibleEmbedding": reversible_embedding,
}
