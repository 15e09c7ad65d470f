"""Recreate the real ``model.summary()`` texts in this folder.

    .venv/bin/python tests/data/summaries/generate.py

runs itself twice: once on Keras 3 (``keras3_*.txt``) and once with ``TF_USE_LEGACY_KERAS=1`` on
tf-keras (``keras2_*.txt``).  ``generate.py --out DIR`` writes them to DIR instead (the live test
in tests/test_check_summary.py does, with the installed Keras).  Each file is exactly what ``model.summary(print_fn=...)`` printed,
as a user would paste it.  The Keras 1 summary (``keras1_*.txt``) is not generated: it was copied
from the page named in its first line.  The tests never build a model; they read these files.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
OUT = Path(os.environ.get("PARAMPROOF_SUMMARIES_OUT", str(HERE)))


def _models(keras: Any) -> dict[str, Any]:
    L = keras.layers
    models: dict[str, Any] = {}
    models["mnist"] = keras.Sequential([keras.Input((28, 28)), L.Flatten(), L.Dense(10, activation="softmax")])
    models["dense514"] = keras.Sequential([keras.Input((514,)), L.Dense(514)])
    models["conv_rgb"] = keras.Sequential([keras.Input((224, 224, 3)), L.Conv2D(32, 3)])
    models["dense_3d"] = keras.Sequential([keras.Input((218, 218, 128)), L.Dense(10)])
    models["cnn"] = keras.Sequential(
        [
            keras.Input((32, 32, 3)),
            L.Conv2D(16, 3, padding="same", use_bias=False),
            L.BatchNormalization(),
            L.ReLU(),
            L.DepthwiseConv2D(3, depth_multiplier=2),
            L.BatchNormalization(center=False),
            L.SeparableConv2D(32, 5, padding="same"),
            L.MaxPooling2D(),
            L.Conv2D(24, (1, 1)),
            L.GlobalAveragePooling2D(),
            L.Dropout(0.5),
            L.Dense(10, activation="softmax"),
        ]
    )
    models["rnn"] = keras.Sequential(
        [
            keras.Input((None,), dtype="int32"),
            L.Embedding(1000, 16),
            L.LSTM(32, return_sequences=True),
            L.GRU(24),
            L.Dense(1),
        ]
    )
    a = keras.Input((8,), name="features")
    b = keras.Input((4,), name="extra")
    x = L.Dense(16, activation="relu")(a)
    y = L.Dense(8, use_bias=False)(b)
    z = L.Concatenate()([x, y])
    z = L.BatchNormalization()(z)
    out = L.Dense(1)(z)
    models["functional"] = keras.Model([a, b], out, name="two_inputs")
    # A frozen nested model (printed with expand_nested=True and show_trainable=True below).
    deep = keras.Sequential([keras.Input((8,)), L.Dense(3)], name="deep")
    inner = keras.Sequential([keras.Input((8,)), deep, L.Dense(4), L.BatchNormalization()], name="inner")
    inner.trainable = False
    models["nested"] = keras.Sequential([keras.Input((8,)), inner, L.Dense(2)], name="outer")
    return models


def _capture(model: Any, **kwargs: Any) -> str:
    lines: list[str] = []
    model.summary(print_fn=lambda text, **_: lines.append(text), **kwargs)
    text = "\n".join(lines)
    return text if text.endswith("\n") else text + "\n"


def _write(name: str, text: str) -> None:
    (OUT / name).write_text(text, encoding="utf-8")
    print(f"wrote {name}")


def generate_keras3() -> None:
    import keras

    models = _models(keras)
    os.environ["COLUMNS"] = "200"  # the default widths, not the generating terminal's
    for name, model in models.items():
        _write(f"keras3_{name}.txt", _capture(model))
    # A narrow console: Keras 3 sizes the table to COLUMNS - 4 and rich wraps and truncates cells
    # (keras-team/keras#21107).
    os.environ["COLUMNS"] = "60"
    _write("keras3_cnn_columns60.txt", _capture(models["cnn"]))
    _write("keras3_functional_columns60.txt", _capture(models["functional"]))
    os.environ["COLUMNS"] = "200"
    _write("keras3_rnn_line_length60.txt", _capture(models["rnn"], line_length=60))
    _write("keras3_nested_expanded.txt", _capture(models["nested"], expand_nested=True))
    _write("keras3_nested_trainable.txt", _capture(models["nested"], show_trainable=True))
    # Never built (no Input, never called): every row prints "0 (unbuilt)".
    _write("keras3_unbuilt.txt", _capture(keras.Sequential([keras.layers.Dense(10), keras.layers.Dense(2)])))


def generate_keras2() -> None:
    """tf-keras (``keras2_*``), or, on TensorFlow <= 2.15 where ``keras`` is Keras 2 itself, that
    Keras (``keras215_*`` for 2.15: run this file with such an environment's python, ``keras2``)."""
    try:
        import tf_keras as keras

        prefix = "keras2"
    except ImportError:
        import keras  # type: ignore[no-redef]

        prefix = "keras" + "".join(keras.__version__.split(".")[:2])
    for name, model in _models(keras).items():
        _write(f"{prefix}_{name}.txt", _capture(model))
    _write(f"{prefix}_cnn_line_length50.txt", _capture(_models(keras)["cnn"], line_length=50))
    nested = _models(keras)["nested"]
    _write(f"{prefix}_nested_expanded.txt", _capture(nested, expand_nested=True))
    _write(f"{prefix}_nested_trainable.txt", _capture(nested, show_trainable=True))


def main() -> None:
    if len(sys.argv) > 1 and sys.argv[1] in ("keras3", "keras2"):
        {"keras3": generate_keras3, "keras2": generate_keras2}[sys.argv[1]]()
        return
    env = {**os.environ, "TF_CPP_MIN_LOG_LEVEL": "3", "CUDA_VISIBLE_DEVICES": ""}
    if len(sys.argv) == 3 and sys.argv[1] == "--out":
        env["PARAMPROOF_SUMMARIES_OUT"] = sys.argv[2]
    subprocess.run([sys.executable, __file__, "keras3"], check=True, env=env)
    subprocess.run([sys.executable, __file__, "keras2"], check=True, env={**env, "TF_USE_LEGACY_KERAS": "1"})


if __name__ == "__main__":
    main()
