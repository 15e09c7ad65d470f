"""Sweep spaces for the preprocessing and augmentation layers.

Lookups and TextVectorization always get a vocabulary (the harness has no ``adapt()`` step, and
Keras 2 crashes reading an un-adapted lookup's weights); Rescaling always gets ``offset`` (Keras 3's
``from_config`` requires it).  STFTSpectrogram needs scipy to build its window (a runtime
dependency of paramproof).
RandomHeight/RandomWidth use images large enough that the harness skips the eager pass, whose
random size no formula can predict.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from typing import Any

DATA_FORMATS = ("channels_last", "channels_first")
ENCODE_MODES = ("one_hot", "multi_hot", "count")


def _dim(rng: random.Random, low: int = 1, high: int = 9, none: float = 0.15) -> int | None:
    return None if rng.random() < none else rng.randint(low, high)


def case(class_name: str, config: dict[str, Any], shape: Any, dtype: Any = None) -> dict[str, Any]:
    out: dict[str, Any] = {"layer": {"class_name": class_name, "config": config}, "input_shape": shape}
    if dtype is not None:
        out["input_dtype"] = dtype
    return out


def _token_shape(rng: random.Random) -> list[int | None]:
    """Rank 1–3 with a last axis that is sometimes 1."""
    rank = rng.choice((1, 2, 2, 2, 3))
    shape: list[int | None] = [None] + [_dim(rng, 1, 5) for _ in range(rank - 1)]
    if rank > 1 and rng.random() < 0.3:
        shape[-1] = 1
    return shape


def _image(rng: random.Random, data_format: str, channels: int | None = None) -> list[int | None]:
    r = rng.random()
    c = channels if channels is not None else rng.choice((1, 3, 3, 4))
    h, w = _dim(rng, 4, 12, 0.1), _dim(rng, 4, 12, 0.1)
    if r < 0.08:
        return [None, rng.randint(2, 8)]  # wrong rank
    spatial = [h, w, c] if data_format == "channels_last" else [c, h, w]
    if r < 0.2:
        return spatial  # one image
    return [None, *spatial]


def normalization(rng: random.Random) -> dict[str, Any]:
    rank = rng.randint(1, 4)
    shape: list[int | None] = [rng.choice((None, None, 3))] + [_dim(rng, 1, 6, 0.1) for _ in range(rank - 1)]
    config: dict[str, Any] = {}
    r = rng.random()
    if r < 0.15:
        config["axis"] = None
    elif r < 0.5:
        config["axis"] = rng.sample(range(-rank, rank), k=min(rank, rng.randint(1, 2)))
    elif r < 0.6:
        config["axis"] = rng.randint(-rank - 1, rank)
    if rng.random() < 0.3:
        last = shape[-1] if shape[-1] is not None else 3
        n = rng.choice((last, last, 1, last + 1))
        if rng.random() < 0.4:
            config["mean"], config["variance"] = 0.5, 2.0
        else:
            config["mean"], config["variance"] = [0.1] * n, [1.0] * n
            config["axis"] = -1
    if rng.random() < 0.05:
        config["mean"] = 1.0
        config.pop("variance", None)
    if rng.random() < 0.2:
        config["invert"] = True
    return case("Normalization", config, shape)


def rescaling(rng: random.Random) -> dict[str, Any]:
    shape = [None, _dim(rng), _dim(rng), rng.randint(1, 4)]
    scale: Any = rng.choice((1 / 255, 0.5, 2.0))
    if rng.random() < 0.3:
        scale = [0.5] * rng.choice((shape[-1], shape[-1], shape[-1] + 1))
    return case("Rescaling", {"scale": scale, "offset": rng.choice((0.0, -1.0))}, shape)


def _resize_like(class_name: str, rng: random.Random, extra: dict[str, Any]) -> dict[str, Any]:
    config: dict[str, Any] = {"height": rng.randint(0, 10) if rng.random() < 0.1 else rng.randint(1, 10)}
    config["width"] = rng.randint(1, 10)
    config.update(extra)
    data_format = "channels_last"
    if rng.random() < 0.3:
        data_format = rng.choice(DATA_FORMATS)
        config["data_format"] = data_format
    return case(class_name, config, _image(rng, data_format))


def resizing(rng: random.Random) -> dict[str, Any]:
    extra: dict[str, Any] = {}
    if rng.random() < 0.3:
        extra["interpolation"] = rng.choice(("bilinear", "nearest", "bicubic", "area", "gaussian", "cubic"))
    if rng.random() < 0.3:
        extra["crop_to_aspect_ratio"] = True
    if rng.random() < 0.2:
        extra["pad_to_aspect_ratio"] = True
    return _resize_like("Resizing", rng, extra)


def center_crop(rng: random.Random) -> dict[str, Any]:
    return _resize_like("CenterCrop", rng, {})


def random_crop(rng: random.Random) -> dict[str, Any]:
    return _resize_like("RandomCrop", rng, {"seed": rng.randint(0, 99)} if rng.random() < 0.3 else {})


def category_encoding(rng: random.Random) -> dict[str, Any]:
    config: dict[str, Any] = {"num_tokens": rng.randint(0, 8) if rng.random() < 0.1 else rng.randint(1, 8)}
    if rng.random() < 0.9:
        config["output_mode"] = rng.choice((*ENCODE_MODES, "binary", "int") if rng.random() < 0.15 else ENCODE_MODES)
    return case("CategoryEncoding", config, _token_shape(rng), "int32")


def discretization(rng: random.Random) -> dict[str, Any]:
    config: dict[str, Any] = {}
    r = rng.random()
    if r < 0.75:
        config["bin_boundaries"] = sorted(rng.uniform(-1, 1) for _ in range(rng.randint(1, 5)))
    elif r < 0.9:
        config["num_bins"] = rng.randint(1, 6)
    else:
        config["num_bins"] = rng.randint(-1, 4)
        if rng.random() < 0.5:
            config["bin_boundaries"] = [0.0]
    config["output_mode"] = rng.choice(("int", "int", *ENCODE_MODES, "tf_idf") if rng.random() < 0.1 else ("int", *ENCODE_MODES))
    return case("Discretization", config, _token_shape(rng))


def hashing(rng: random.Random) -> dict[str, Any]:
    config: dict[str, Any] = {"num_bins": rng.randint(0, 8) if rng.random() < 0.1 else rng.randint(1, 8)}
    config["output_mode"] = rng.choice(("int", *ENCODE_MODES))
    if rng.random() < 0.2:
        config["salt"] = rng.choice((7, [1, 2], [1, 2, 3]))
    if rng.random() < 0.1:
        config["mask_value"] = ""
    return case("Hashing", config, _token_shape(rng), "string")


def hashed_crossing(rng: random.Random) -> dict[str, Any]:
    n = rng.choice((2, 2, 2, 1, 3))
    base = rng.choice(([None], [None, 1], [None, 1], [None, 3]))
    shapes = [list(base) for _ in range(n)]
    if rng.random() < 0.1:
        shapes[-1] = [None, 2]
    config: dict[str, Any] = {"num_bins": rng.randint(1, 9), "output_mode": rng.choice(("int", "one_hot", "one_hot", "count"))}
    if config["output_mode"] == "count" and rng.random() < 0.7:
        config["output_mode"] = "int"
    return case("HashedCrossing", config, shapes, "string")


def _lookup(class_name: str, rng: random.Random, vocab: list[Any], dtype: str) -> dict[str, Any]:
    mode = rng.choice(("int", *ENCODE_MODES, "tf_idf"))
    config: dict[str, Any] = {"vocabulary": vocab, "output_mode": mode}
    if mode == "tf_idf":
        config["idf_weights"] = [1.0] * len(vocab)
    if rng.random() < 0.2:
        config["num_oov_indices"] = rng.randint(0 if dtype == "string" else 1, 3)
    if rng.random() < 0.15 and mode != "int":
        config["max_tokens"] = len(vocab) + 5
        config["pad_to_max_tokens"] = True
    if rng.random() < 0.1:
        config["invert"] = True
        dtype = "int64"
    return case(class_name, config, _token_shape(rng), dtype)


def string_lookup(rng: random.Random) -> dict[str, Any]:
    vocab = ["a", "b", "c", "d", "e", "f"][: rng.randint(1, 6)]
    return _lookup("StringLookup", rng, vocab, "string")


def integer_lookup(rng: random.Random) -> dict[str, Any]:
    vocab = [1, 2, 3, 4, 5, 6][: rng.randint(1, 6)]
    return _lookup("IntegerLookup", rng, vocab, "int64")


def text_vectorization(rng: random.Random) -> dict[str, Any]:
    vocab = ["a", "b", "c", "d", "e"][: rng.randint(1, 5)]
    mode = rng.choice(("int", "int", "multi_hot", "count", "tf_idf", "one_hot"))
    config: dict[str, Any] = {
        "standardize": "lower_and_strip_punctuation",
        "split": "whitespace" if rng.random() < 0.85 else None,
        "ngrams": None,
        "vocabulary": vocab,
        "output_mode": mode,
    }
    if mode == "tf_idf":
        config["idf_weights"] = [1.0] * len(vocab)
    # An int output without output_sequence_length is ragged: its eager length depends on the
    # text, which the harness's exact eager comparison cannot accept; it is drawn rarely.
    if rng.random() < (0.95 if mode == "int" else 0.1):
        config["output_sequence_length"] = rng.randint(1, 8)
    if mode in ("multi_hot", "count") and rng.random() < 0.2:
        config["max_tokens"], config["pad_to_max_tokens"] = 12, True
    shape: list[int | None] = rng.choice(([None], [None], [None, 1], [None, 2]))
    if config["split"] is None and rng.random() < 0.5:
        shape = [None, rng.randint(1, 4)]
    return case("TextVectorization", config, shape, "string")


def mel_spectrogram(rng: random.Random) -> dict[str, Any]:
    fft = rng.choice((64, 128, 256))
    config: dict[str, Any] = {
        "fft_length": fft,
        "sequence_stride": rng.randint(16, 200),
        "num_mel_bins": rng.randint(4, 40),
    }
    if rng.random() < 0.2:
        config["sequence_length"] = rng.choice((fft // 2, fft, fft * 2))
    length = _dim(rng, 40, 2000, 0.1)
    shape = rng.choice(([None, length], [None, length], [length], [None, 2, length or 500]))
    return case("MelSpectrogram", config, shape)


def stft_spectrogram(rng: random.Random) -> dict[str, Any]:
    frame = rng.choice((16, 32, 64))
    config: dict[str, Any] = {
        "frame_length": frame,
        "frame_step": rng.randint(1, frame + 2),
        "mode": rng.choice(("log", "magnitude", "real", "imag", "stft")),
        "padding": rng.choice(("valid", "same")),
    }
    if rng.random() < 0.3:
        config["fft_length"] = rng.choice((frame // 2, frame * 2))
    if rng.random() < 0.3:
        config["expand_dims"] = True
    data_format = rng.choice(DATA_FORMATS)
    config["data_format"] = data_format
    t, c = _dim(rng, 20, 400, 0.1), rng.randint(1, 3)
    shape = [None, t, c] if data_format == "channels_last" else [None, c, t]
    return case("STFTSpectrogram", config, shape)


#: Required arguments of the augmentation layers, with a valid value drawn for each.
_AUG_ARGS: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "RandomBrightness": lambda r: {"factor": round(r.uniform(0, 0.5), 2)},
    "RandomContrast": lambda r: {"factor": round(r.uniform(0, 0.5), 2)},
    "RandomFlip": lambda r: {"mode": r.choice(("horizontal", "vertical", "horizontal_and_vertical"))},
    "RandomRotation": lambda r: {"factor": round(r.uniform(0, 0.5), 2)},
    "RandomTranslation": lambda r: {"height_factor": 0.1, "width_factor": round(r.uniform(0, 0.5), 2)},
    "RandomZoom": lambda r: {"height_factor": round(r.uniform(0, 0.5), 2)},
    "AugMix": lambda r: {},
    "AutoContrast": lambda r: {},
    "ContrastLimitedAdaptiveHistogramEqualization": lambda r: {},
    "CutMix": lambda r: {},
    "Equalization": lambda r: {},
    "MaxNumBoundingBoxes": lambda r: {"max_number": r.randint(1, 5)},
    "MixUp": lambda r: {},
    "RandAugment": lambda r: {},
    "RandomColorDegeneration": lambda r: {"factor": round(r.uniform(0, 1), 2)},
    "RandomColorJitter": lambda r: {"brightness_factor": 0.2},
    "RandomElasticTransform": lambda r: {},
    "RandomErasing": lambda r: {},
    "RandomGaussianBlur": lambda r: {},
    "RandomGrayscale": lambda r: {},
    "RandomHue": lambda r: {"factor": round(r.uniform(0, 1), 2)},
    "RandomInvert": lambda r: {},
    "RandomPerspective": lambda r: {},
    "RandomPosterization": lambda r: {"factor": r.randint(1, 8)},
    "RandomSaturation": lambda r: {"factor": round(r.uniform(0, 1), 2)},
    "RandomSharpness": lambda r: {"factor": round(r.uniform(0, 1), 2)},
    "RandomShear": lambda r: {"x_factor": round(r.uniform(0, 0.5), 2)},
    "Solarization": lambda r: {"addition_factor": round(r.uniform(0, 0.5), 2)},
}


def _augmentation(class_name: str) -> Callable[[random.Random], dict[str, Any]]:
    def space(rng: random.Random) -> dict[str, Any]:
        config = _AUG_ARGS[class_name](rng)
        if config and rng.random() < 0.08:
            config = {}  # a required argument missing (where there is one)
        data_format = "channels_last"
        if class_name != "MaxNumBoundingBoxes" and rng.random() < 0.3:
            data_format = rng.choice(DATA_FORMATS)
            config["data_format"] = data_format
        elif rng.random() < 0.03:
            config["data_format"] = "channels_middle"
        channels = 3 if class_name in ("RandomHue", "RandomSaturation") and rng.random() < 0.85 else None
        return case(class_name, config, _image(rng, data_format, channels))

    return space


def _random_side(class_name: str) -> Callable[[random.Random], dict[str, Any]]:
    def space(rng: random.Random) -> dict[str, Any]:
        config: dict[str, Any] = {"factor": rng.choice((0.2, [0.1, 0.3], 0.5))}
        if rng.random() < 0.1:
            config = {}
        # Large enough (> 1M elements with the batch of 2) that the harness skips the eager pass.
        shape = rng.choice(([None, 1024, 1024, 1], [1024, 1024, 2], [None, 8]))
        return case(class_name, config, shape)

    return space


SPACES: dict[str, Callable[[random.Random], dict[str, Any]]] = {
    "Normalization": normalization,
    "Rescaling": rescaling,
    "Resizing": resizing,
    "CenterCrop": center_crop,
    "RandomCrop": random_crop,
    "CategoryEncoding": category_encoding,
    "Discretization": discretization,
    "Hashing": hashing,
    "HashedCrossing": hashed_crossing,
    "StringLookup": string_lookup,
    "IntegerLookup": integer_lookup,
    "TextVectorization": text_vectorization,
    "MelSpectrogram": mel_spectrogram,
    "STFTSpectrogram": stft_spectrogram,
    "RandomHeight": _random_side("RandomHeight"),
    "RandomWidth": _random_side("RandomWidth"),
    **{name: _augmentation(name) for name in _AUG_ARGS},
}
