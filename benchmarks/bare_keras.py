"""The irreducible cost: build every catalog layer in Keras and nothing else.

The same Keras work as paramproof's harness — construct the layer from its config, call it on
symbolic inputs, quantize where asked, read count_params() and the weights, and run one eager
forward pass on a small batch — with no formulas, no comparison, no reports and no worker
processes.  Usage: python benchmarks/bare_keras.py [CASES.jsonl ...]  (default: the catalog)
"""

from __future__ import annotations

import json
import math
import os
import sys
import time
from pathlib import Path

os.environ.setdefault("TF_CPP_MIN_LOG_LEVEL", "3")
START = time.perf_counter()

import numpy as np  # noqa: E402

if os.environ.get("TF_USE_LEGACY_KERAS"):
    import tensorflow as tf  # noqa: F401,E402
    import tf_keras as keras  # noqa: E402
else:
    import keras  # noqa: E402

NESTED = ("layer", "backward_layer", "cell", "cells", "layers")


def build(class_name, config):
    cls = getattr(keras.layers, class_name)
    config = dict(config)
    nested = False
    for key in NESTED:
        value = config.get(key)
        if isinstance(value, dict) and "class_name" in value:
            config[key] = build(value["class_name"], value.get("config") or {})
            nested = True
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            config[key] = [build(v["class_name"], v.get("config") or {}) for v in value]
            nested = True
    if nested:
        return cls(**config)
    try:
        return cls.from_config(config)
    except KeyError:
        return cls(**config)


def one(case):
    name, config, shape = case["layer"]["class_name"], case["layer"].get("config") or {}, case["input_shape"]
    multi = bool(shape) and isinstance(shape[0], list)
    shapes = shape if multi else [shape]
    dtype = case.get("input_dtype", "int32" if name in ("Embedding", "ReversibleEmbedding") else "float32")
    dtypes = dtype if isinstance(dtype, list) else [dtype] * len(shapes)
    if name == "InputLayer":
        layer = build(name, config or {"batch_shape": shape})
        return layer.count_params()
    layer = build(name, config)
    if name.endswith("Cell") or name == "StackedRNNCells":
        layer.build(tuple(shape))
        return layer.count_params()
    inputs = [keras.Input(batch_shape=tuple(s), dtype=d) for s, d in zip(shapes, dtypes)]
    positional = name in ("MultiHeadAttention", "GroupQueryAttention")
    layer(*inputs) if positional and multi else layer(inputs if multi else inputs[0])
    if case.get("quantize"):
        layer.quantize(case["quantize"])
    count = layer.count_params()
    _ = [(w.name, tuple(w.shape), w.trainable) for w in layer.weights]
    concrete = [tuple((2 if i == 0 else 8) if d is None else d for i, d in enumerate(s)) for s in shapes]
    if all(math.prod(s) <= 1_000_000 for s in concrete) and "Adaptive" not in name:
        arrays = []
        for s, d in zip(concrete, dtypes):
            if d == "string":
                import tensorflow as tf

                arrays.append(tf.constant(np.full(s, "a", dtype=object)))
            elif d.startswith("int"):
                arrays.append(np.zeros(s, dtype=d))
            else:
                arrays.append(np.random.default_rng(0).standard_normal(s).astype("float32"))
        try:
            layer(*arrays) if positional and multi else layer(arrays if multi else arrays[0])
        except Exception:  # noqa: BLE001
            pass
    return count


def main(paths):
    cases = [json.loads(line) for p in paths for line in Path(p).read_text().splitlines() if line.strip()]
    built = refused = 0
    for case in cases:
        try:
            one(case)
            built += 1
        except Exception:  # noqa: BLE001
            refused += 1
    elapsed = time.perf_counter() - START
    print(json.dumps({"cases": len(cases), "built": built, "refused": refused, "seconds": round(elapsed, 2)}))


if __name__ == "__main__":
    root = Path(__file__).resolve().parents[1] / "verify" / "catalog"
    main(sys.argv[1:] or sorted(root.glob("*.jsonl")))
