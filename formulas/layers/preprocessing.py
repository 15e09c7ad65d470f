"""Preprocessing layers: Normalization, Rescaling, Resizing, CenterCrop, the encoders
(CategoryEncoding, Discretization, Hashing, HashedCrossing), the lookups (StringLookup,
IntegerLookup, TextVectorization) and the audio front ends (MelSpectrogram, STFTSpectrogram).

Only Normalization (without given mean/variance), STFTSpectrogram and, in Keras 2, a ``tf_idf``
lookup own weights.  Sources: ``keras/src/layers/preprocessing`` (Keras 3) and
``tf_keras/src/layers/preprocessing`` (Keras 2).

The output shape is the TRUE one, from the eager call.  Keras 3's symbolic shape is wrong in a
few places (recorded in ``verify/known_issues/preprocessing.json``): the encoders' multi/count
outputs on inputs of rank >= 3, Hashing ``one_hot``, ``split=None`` TextVectorization, and
MelSpectrogram frames.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from typing import Any

from .._config import Config
from .._derivation import Derivation
from .._model import Dim, Shape, UnknownLayerError
from .._registry import register
from .._shapes import conv_length
from ._common import has, needs, single

# -- helpers ---------------------------------------------------------------------------------


def nested_shape(cfg: Config, key: str, value: object) -> tuple[int, ...]:
    """numpy's ``np.shape`` of a number or a rectangular nested list of numbers."""
    if isinstance(value, bool):
        raise cfg.fail(f"{key}={value!r} is not a number or a list of numbers")
    if isinstance(value, (int, float)):
        return ()
    if isinstance(value, Sequence) and not isinstance(value, str):
        inner = [nested_shape(cfg, key, v) for v in value]
        if inner and any(s != inner[0] for s in inner):
            raise cfg.fail(f"{key}={value!r} is not rectangular")
        return (len(value), *(inner[0] if inner else ()))
    raise cfg.fail(f"{key}={value!r} is not a number or a list of numbers")


def _broadcast(a: tuple[int, ...], b: tuple[int, ...]) -> tuple[int, ...] | None:
    """numpy broadcasting of two shapes, None when they do not broadcast."""
    n = max(len(a), len(b))
    a2, b2 = (1,) * (n - len(a)) + a, (1,) * (n - len(b)) + b
    out = []
    for x, y in zip(a2, b2):
        if x != y and 1 not in (x, y):
            return None
        out.append(max(x, y) if 0 not in (x, y) else 0)
    return tuple(out)


def image_rank(cfg: Config, x: Shape) -> None:
    """Image layers take one image (rank 3) or a batch (rank 4); Keras 3 builds other ranks
    symbolically, but its eager call refuses them."""
    if len(x) not in (3, 4):
        raise cfg.fail(f"expected an image of rank 3 or a batch of rank 4, got rank {len(x)}: {x}")


#: Image layers whose ``data_format`` argument came later in Keras 3 (versions.json).
_LATE_DATA_FORMAT = frozenset({"RandomBrightness", "RandomContrast", "RandomFlip"})


def image_data_format(cfg: Config) -> str:
    """``data_format`` is a Keras 3 argument of the image layers; Keras 2 refuses the keyword."""
    if cfg.keras.is_keras3:
        if cfg.class_name in _LATE_DATA_FORMAT and "data_format" in cfg.raw:
            needs(cfg, "augmentation-data-format", f"{cfg.class_name} argument 'data_format'")
        return cfg.data_format()
    if "data_format" in cfg.raw:
        raise cfg.fail("Keras 2 has no argument 'data_format' for this layer")
    return "channels_last"


def hw_axes(x: Shape, data_format: str) -> tuple[int, int]:
    """Indices of height and width in an image or a batch of images."""
    if data_format == "channels_last":
        return len(x) - 3, len(x) - 2
    return len(x) - 2, len(x) - 1


def keras2_refuses(cfg: Config, *keys: str) -> None:
    for key in keys:
        if not cfg.keras.is_keras3 and key in cfg.raw:
            raise cfg.fail(f"Keras 2 has no argument {key!r}")


def encoded_shape(cfg: Config, x: Shape, mode: str, depth: Dim, d: Derivation) -> Shape:
    """The output of ``one_hot``/``multi_hot``/``count``/``tf_idf`` encoding with ``depth`` bins.

    one_hot: a trailing axis of 1 is replaced by depth, else depth is appended.
    multi_hot/count/tf_idf: rank 1 → (depth,) (the vector is one sample); rank 2 →
    (batch, depth); rank >= 3 (Keras 3 only) reduces axis 1: (batch, *input[2:], depth).
    Keras 2 refuses an output of rank above 2."""
    if mode == "one_hot":
        if len(x) > 1 and x[-1] == 1:
            out: Shape = (*x[:-1], depth)
            sym = "(*input[:-1], depth)"
        else:
            out = (*x, depth)
            sym = "(*input, depth)"
    elif len(x) <= 1:
        out, sym = (depth,), "(depth,)"
    elif len(x) == 2:
        out, sym = (x[0], depth), "(batch, depth)"
    else:
        out, sym = (x[0], *x[2:], depth), "(batch, *input[2:], depth)"
    if not cfg.keras.is_keras3 and len(out) > 2:
        raise cfg.fail(f"output_mode={mode!r} on input {x} would give rank {len(out)}; Keras 2 supports rank <= 2")
    d.note(f"depth = {depth}")
    d.output(out, sym)
    return out


# -- Normalization, Rescaling ----------------------------------------------------------------


@register("Normalization", family="preprocessing")
def normalization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """mean (kept dims), variance (kept dims), count () — all non-trainable: 2·∏kept + 1, where
    the kept dims are the input dims on ``axis`` (``axis=None`` keeps none: 3 scalars).  No
    weights when ``mean`` and ``variance`` are given.  The shape is kept.  Every kept dim must be
    known.  Source: ``preprocessing/normalization.py``."""
    x = single(cfg, x_in)
    raw_axis = cfg.raw.get("axis", -1)
    axes = cfg.int_list("axis", -1) if raw_axis is not None else ()
    has_mean, has_var = cfg.has("mean"), cfg.has("variance")
    if has_mean != has_var:
        raise cfg.fail("mean and variance must both be given, or neither")
    mshape: tuple[int, ...] = ()
    vshape: tuple[int, ...] = ()
    if has_mean:
        mshape = nested_shape(cfg, "mean", cfg.get("mean"))
        vshape = nested_shape(cfg, "variance", cfg.get("variance"))
        if cfg.keras.is_keras3:
            if mshape != vshape:
                raise cfg.fail(f"mean shape {mshape} and variance shape {vshape} differ")
            if len(mshape) > len(axes) and has(cfg, "normalization-mean-rank-checked"):
                raise cfg.fail(f"mean of rank {len(mshape)} has more dims than axis={raw_axis!r}")
    ndim = len(x)
    for a in axes:
        if not -ndim <= a < ndim:
            raise cfg.fail(f"axis={raw_axis!r} is outside [-{ndim}, {ndim}) for input {x}")
    keep = sorted({a % ndim for a in axes})
    if len(keep) < len(axes) and (not has_mean or not cfg.keras.is_keras3):
        # build() reshapes the statistics to one entry per listed axis (Keras 2 also the given
        # mean/variance): two names for one axis ask for more values than the axis holds.
        raise cfg.fail(f"axis={raw_axis!r} names axis {keep} more than once for input {x}")
    for a in keep:
        if x[a] is None:
            raise cfg.fail(f"axis {a} of input {x} is kept by axis={raw_axis!r} and must be known")
    kept: tuple[int, ...] = tuple(x[a] for a in keep)  # type: ignore[misc]
    if has_mean:
        d.note("mean and variance given: no weights")
        if cfg.keras.is_keras3 and not has(cfg, "normalization-mean-rank-checked"):
            # build(): 3.0.5 ops.reshape(mean, broadcast_shape), 3.8.0 ops.broadcast_to(...), where
            # broadcast_shape is the input's rank with 1 on every axis not kept.
            target = tuple(x[a] if a in keep else 1 for a in range(ndim))
            if has(cfg, "normalization-given-stats-broadcast"):
                ok = len(mshape) <= ndim and _broadcast(mshape, target) == target  # type: ignore[arg-type]
            else:
                ok = math.prod(mshape) == math.prod(kept)
            if not ok:
                raise cfg.fail(f"mean of shape {mshape} does not fit the statistics shape {target}")
        elif cfg.keras.is_keras3:
            for i in range(1, len(mshape) + 1):
                if mshape[-i] not in (1, kept[-i]):
                    raise cfg.fail(f"mean of shape {mshape} does not broadcast to the kept dims {kept}")
        else:
            size = math.prod(kept)
            for key, shape in (("mean", mshape), ("variance", vshape)):
                b = _broadcast(shape, kept)
                if b is None or math.prod(b) != size:
                    raise cfg.fail(f"{key} of shape {shape} does not broadcast to the kept dims {kept}")
        d.output(x, "input shape")
        return
    axes_sym = [(f"n{a}", x[a]) for a in keep]
    d.arg("axis", raw_axis)
    d.weight("mean", axes_sym, trainable=False)
    d.weight("variance", axes_sym, trainable=False)
    d.weight("count", [], trainable=False)
    d.total("2 × K + 1", K=math.prod(kept))
    d.output(x, "input shape")


@register("Rescaling", family="preprocessing")
def rescaling(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; x·scale + offset: the input shape broadcast with the shapes of scale and
    offset (a per-channel list of the last axis's length keeps it).  Source:
    ``preprocessing/rescaling.py``."""
    x = single(cfg, x_in)
    out: list[Dim] = list(x)
    for key in ("scale", "offset"):
        if key == "scale" or cfg.has(key):
            shape = nested_shape(cfg, key, cfg.get(key))
            if len(shape) > len(out):
                pad: list[Dim] = [1] * (len(shape) - len(out))
                out = pad + out
            for i in range(1, len(shape) + 1):
                p, o = shape[-i], out[-i]
                if p == 1:
                    continue
                if o is None or o == 1:
                    out[-i] = p if o == 1 else None
                elif o != p:
                    raise cfg.fail(f"{key} of shape {shape} does not broadcast over input {x}")
    d.output(tuple(out), "input shape broadcast with scale and offset")


# -- image resizing / cropping ---------------------------------------------------------------

_INTERP_K3 = ("bilinear", "nearest", "lanczos3", "lanczos5", "bicubic", "area")
_INTERP_K2 = ("bilinear", "nearest", "bicubic", "area", "lanczos3", "lanczos5", "gaussian", "mitchellcubic")


def _target(cfg: Config, d: Derivation) -> tuple[int, int]:
    height = cfg.integer("height")
    width = cfg.integer("width")
    if height < 1 or width < 1:
        raise cfg.fail(f"height={height}, width={width}: both must be >= 1 (the eager resize refuses 0)")
    d.arg("height", height)
    d.arg("width", width)
    return height, width


def _replace_hw(cfg: Config, x: Shape, d: Derivation, height: int, width: int, data_format: str) -> None:
    image_rank(cfg, x)
    h, w = hw_axes(x, data_format)
    out = list(x)
    out[h], out[w] = height, width
    d.output(tuple(out), "input with (H, W) := (height, width)")


@register("Resizing", family="preprocessing")
def resizing(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; (…, H, W, C) → (…, height, width, C) (channels_first: (…, C, height, width)),
    whatever crop_to_aspect_ratio / pad_to_aspect_ratio (Keras 3 only; not both) say.
    Source: ``image_preprocessing/resizing.py``; Keras 2 ``image_preprocessing.py``."""
    x = single(cfg, x_in)
    keras2_refuses(cfg, "pad_to_aspect_ratio", "fill_mode", "fill_value", "antialias")
    if cfg.keras.is_keras3 and "pad_to_aspect_ratio" in cfg.raw:
        needs(cfg, "resizing-pad-to-aspect-ratio", "Resizing argument 'pad_to_aspect_ratio'")
    data_format = image_data_format(cfg)
    height, width = _target(cfg, d)
    options = _INTERP_K3 if cfg.keras.is_keras3 else _INTERP_K2
    cfg.choice("interpolation", options, "bilinear")
    crop = cfg.boolean("crop_to_aspect_ratio", False)
    pad = cfg.boolean("pad_to_aspect_ratio", False)
    if crop and pad:
        raise cfg.fail("only one of crop_to_aspect_ratio and pad_to_aspect_ratio can be true")
    _replace_hw(cfg, x, d, height, width, data_format)


@register("CenterCrop", family="preprocessing")
def center_crop(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; (H, W) → (height, width); a target larger than the image is reached by
    resizing, so the output is always (height, width).  Source: ``image_preprocessing/center_crop.py``."""
    x = single(cfg, x_in)
    data_format = image_data_format(cfg)
    height, width = _target(cfg, d)
    _replace_hw(cfg, x, d, height, width, data_format)


# -- encoders --------------------------------------------------------------------------------


@register("CategoryEncoding", family="preprocessing")
def category_encoding(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; depth = num_tokens appended by the encoding rule (one_hot replaces a trailing
    1; multi_hot/count take rank 1 as one sample and reduce axis 1 of rank >= 3 in Keras 3).
    Source: ``preprocessing/category_encoding.py``, ``utils/numerical_utils.py``."""
    x = single(cfg, x_in)
    modes = ("count", "one_hot", "multi_hot", "binary")
    mode = cfg.choice("output_mode", modes, "multi_hot")
    if mode == "binary":
        mode = "multi_hot"
    if not cfg.has("num_tokens"):
        raise cfg.fail("num_tokens must be set")
    depth = cfg.integer("num_tokens", minimum=1)
    d.arg("num_tokens", depth)
    d.arg("output_mode", mode)
    if len(x) == 0:
        d.output((depth,), "(depth,)")
        return
    encoded_shape(cfg, x, mode, depth, d)


@register("Discretization", family="preprocessing")
def discretization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """int: the input shape; otherwise depth = len(bin_boundaries) + 1 (or num_bins) by the
    encoding rule.  Keras 2 without bin_boundaries keeps an adapt ``summary`` (2, None)
    non-trainable weight (counted as 0) and, until adapt(), encodes with depth 1.  Source: ``preprocessing/discretization.py``."""
    x = single(cfg, x_in)
    mode = cfg.choice("output_mode", ("int", "one_hot", "multi_hot", "count"), "int")
    if cfg.boolean("sparse", False) and mode == "int":
        raise cfg.fail("sparse=True needs output_mode one_hot, multi_hot or count")
    boundaries = cfg.raw.get("bin_boundaries")
    num_bins = cfg.optional_integer("num_bins")
    if num_bins is not None and num_bins < 0:
        raise cfg.fail(f"num_bins={num_bins} must be >= 0")
    if boundaries is not None:
        if not isinstance(boundaries, Sequence) or isinstance(boundaries, str):
            raise cfg.fail(f"bin_boundaries={boundaries!r} is not a list of numbers")
        if num_bins is not None and not cfg.keras.is_keras3:
            raise cfg.fail("both num_bins and bin_boundaries are set")
        if num_bins is not None and not has(cfg, "discretization-bins-checked") and len(boundaries) != num_bins - 1:
            # Keras 3.0.5 / 3.8.0 accept both only when they agree
            raise cfg.fail(f"both num_bins={num_bins} and bin_boundaries of length {len(boundaries)} are set")
    elif num_bins is None and cfg.keras.is_keras3 and has(cfg, "discretization-bins-checked"):
        raise cfg.fail("set either num_bins or bin_boundaries")
    depth: Dim = len(boundaries) + 1 if boundaries is not None else num_bins
    if boundaries is None and not cfg.keras.is_keras3:
        depth = 1  # Keras 2 encodes with the (still empty) boundaries of the un-adapted layer
    if boundaries is None and not cfg.keras.is_keras3:
        d.weight("summary", [("2", 2), ("None", None)], trainable=False)
    d.arg("output_mode", mode)
    if mode == "int":
        d.output(x, "input shape")
        return
    encoded_shape(cfg, x, mode, depth, d)


def _salt(cfg: Config) -> None:
    salt = cfg.raw.get("salt")
    if salt is None or (isinstance(salt, int) and not isinstance(salt, bool)):
        return
    if isinstance(salt, (list, tuple)) and len(salt) == 2 and all(isinstance(s, int) for s in salt):
        return
    raise cfg.fail(f"salt={salt!r} must be an integer or a list of 2 integers")


@register("Hashing", family="preprocessing")
def hashing(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; int: the input shape; otherwise depth = num_bins by the encoding rule.
    Source: ``preprocessing/hashing.py``."""
    x = single(cfg, x_in)
    num_bins = cfg.integer("num_bins")
    if num_bins <= 0:
        raise cfg.fail(f"num_bins={num_bins} must be > 0")
    mode = cfg.choice("output_mode", ("int", "one_hot", "multi_hot", "count"), "int")
    if cfg.boolean("sparse", False) and mode == "int":
        raise cfg.fail("sparse=True needs output_mode one_hot, multi_hot or count")
    _salt(cfg)
    d.arg("num_bins", num_bins)
    d.arg("output_mode", mode)
    if mode == "int":
        d.output(x, "input shape")
        return
    encoded_shape(cfg, x, mode, num_bins, d)


@register("HashedCrossing", family="preprocessing")
def hashed_crossing(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; crosses equal-shape inputs of rank 1, or rank 2 with a last dim of 1
    (Keras 3: exactly two inputs).  int: (batch,) or (batch, 1); one_hot: (batch, num_bins).
    Source: ``preprocessing/hashed_crossing.py``."""
    num_bins = cfg.integer("num_bins")
    mode = cfg.choice("output_mode", ("int", "one_hot"), "int")
    d.arg("num_bins", num_bins)
    d.arg("output_mode", mode)
    shapes: list[Shape] = list(x_in) if x_in and isinstance(x_in[0], tuple) else [x_in]  # type: ignore[list-item]
    if cfg.keras.is_keras3 and len(shapes) != 2:
        raise cfg.fail(f"expects a list of 2 inputs, got {len(shapes)}")
    if len(shapes) < 2:
        raise cfg.fail(f"expects at least 2 inputs, got {len(shapes)}")
    first = shapes[0]
    for s in shapes:
        if len(s) != len(first) or any(a is not None and b is not None and a != b for a, b in zip(s, first)):
            raise cfg.fail(f"inputs must have the same shape, got {shapes}")
        if not (len(s) == 1 or (len(s) == 2 and s[1] == 1)):
            raise cfg.fail(f"inputs must be rank 1, or rank 2 with last dim 1; got {s}")
    batch = next((s[0] for s in shapes if s[0] is not None), None)
    if mode == "one_hot":
        d.output((batch, num_bins), "(batch, num_bins)")
    else:
        d.output((batch,) if len(first) == 1 else (batch, 1), "input shape")


# -- lookups ---------------------------------------------------------------------------------


#: Key the whole-model engine (``formulas._graph``) adds to the config of a lookup layer
#: (StringLookup, IntegerLookup, TextVectorization) read from a model file: the vocabulary comes
#: from outside the config (an adapted layer saves it as an asset, ``assets/.../vocabulary.txt``).
#: Its value is Keras's ``vocabulary_size()`` (the tokens plus the OOV indices, plus the mask in
#: ``int`` mode: the asset file's line count), taken from the caller or the config's own
#: ``vocabulary_size``, or None when nothing says it.  A single layer (``formulas.expect``) never
#: has it: built alone without a vocabulary, Keras's eager call fails ("Table not initialized").
ASSET_VOCABULARY = "__vocabulary_from_assets__"


def _asset_vocabulary(cfg: Config) -> tuple[bool, int | None]:
    """(the vocabulary is an asset, its size if known)."""
    if ASSET_VOCABULARY not in cfg.raw:
        return False, None
    size = cfg.raw[ASSET_VOCABULARY]
    return True, size if isinstance(size, int) and not isinstance(size, bool) else None


def _asset_depth(cfg: Config, mode: str, d: Derivation) -> int:
    """The depth of a non-int encoding from a vocabulary saved as an asset: Keras's
    ``vocabulary_size()`` (in a non-int mode the tokens plus the OOV indices, no mask)."""
    _, size = _asset_vocabulary(cfg)
    if size is None:
        raise UnknownLayerError(
            f"{cfg.class_name}: output_mode={mode!r}: the vocabulary is not in the config (saved as an asset) "
            "and the config has no vocabulary_size, so the output depth is unknown"
        )
    d.note(f"depth = vocabulary_size = {size} (the vocabulary is saved as an asset)")
    return size


def _lookup_depth(cfg: Config, mode: str, vocab: Sequence[Any] | None, default_mask: object, d: Derivation) -> Dim:
    """Output depth of a non-int lookup: max_tokens when padded, else len(vocabulary) +
    num_oov_indices (the mask token takes no output slot)."""
    num_oov = cfg.integer("num_oov_indices", 1, minimum=0)
    max_tokens = cfg.optional_integer("max_tokens")
    if max_tokens is not None and max_tokens <= 1:
        raise cfg.fail(f"max_tokens={max_tokens} must be > 1")
    if cfg.boolean("pad_to_max_tokens", False) and mode != "int":
        if max_tokens is None:
            raise cfg.fail("pad_to_max_tokens=True needs max_tokens")
        return max_tokens
    if vocab is None and _asset_vocabulary(cfg)[0]:
        return _asset_depth(cfg, mode, d)
    if vocab is None:
        raise cfg.fail(f"output_mode={mode!r} without a vocabulary needs adapt() (or pad_to_max_tokens)")
    size = len(vocab) + num_oov
    d.note(f"depth = len(vocabulary) + num_oov_indices = {len(vocab)} + {num_oov} = {size}")
    return size


def _vocabulary(cfg: Config) -> list[Any] | None:
    vocab = cfg.raw.get("vocabulary")
    if vocab is None:
        return None
    if isinstance(vocab, str) or not isinstance(vocab, Sequence):
        raise cfg.fail(f"vocabulary={vocab!r} must be a list (a file path is not supported here)")
    if len(set(map(repr, vocab))) != len(vocab):
        raise cfg.fail(f"vocabulary={vocab!r} holds repeated tokens")
    return list(vocab)


def _lookup(cfg: Config, x: Shape, d: Derivation, *, string: bool) -> None:
    modes = ("int", "one_hot", "multi_hot", "count", "tf_idf")
    mode = cfg.choice("output_mode", modes, "int")
    vocab = _vocabulary(cfg)
    invert = cfg.boolean("invert", False)
    if invert and mode != "int":
        raise cfg.fail(f"invert=True needs output_mode='int', got {mode!r}")
    d.arg("output_mode", mode)
    assets = _asset_vocabulary(cfg)[0]
    if mode == "tf_idf" and vocab is not None and not cfg.has("idf_weights") and not assets:
        raise cfg.fail("output_mode='tf_idf' with a vocabulary needs idf_weights")
    if mode != "tf_idf" and cfg.has("idf_weights"):
        raise cfg.fail("idf_weights is only used with output_mode='tf_idf'")
    if mode == "tf_idf" and not cfg.keras.is_keras3:
        d.weight("Variable", [("None", None)], trainable=False)
        d.note("Keras 2 keeps the idf weights in a variable of unknown length (counted as 0)")
    if vocab is None and mode == "int" and not assets:
        raise cfg.fail("no vocabulary: the lookup table needs adapt() or a vocabulary")
    if mode == "int":
        d.output(x, "input shape")
        return
    depth = _lookup_depth(cfg, mode, vocab, None, d)
    encoded_shape(cfg, x, mode, depth, d)


@register("StringLookup", family="preprocessing")
def string_lookup(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights (Keras 2 tf_idf: an idf variable of unknown length, counted as 0).  int: the
    input shape; otherwise depth = len(vocabulary) + num_oov_indices (max_tokens when padded),
    by the encoding rule.  Source: ``preprocessing/string_lookup.py``, ``index_lookup.py``."""
    _lookup(cfg, single(cfg, x_in), d, string=True)


@register("IntegerLookup", family="preprocessing")
def integer_lookup(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """As StringLookup, for integer tokens.  Source: ``preprocessing/integer_lookup.py``."""
    _lookup(cfg, single(cfg, x_in), d, string=False)


@register("TextVectorization", family="preprocessing")
def text_vectorization(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights (Keras 2 tf_idf: an idf variable of unknown length).  Input: strings of rank 1,
    or rank 2 with a last dim of 1 (any rank when ``split=None``).
    int: (batch, output_sequence_length or None); ``split=None`` keeps the input shape (its last
    axis padded/truncated to output_sequence_length when that is set).
    multi_hot/count/tf_idf: (batch, len(vocabulary) + 1) (max_tokens when padded).
    one_hot (Keras 3 only): (batch, None, depth).  Source: ``preprocessing/text_vectorization.py``."""
    x = single(cfg, x_in)
    k2_modes = ("int", "multi_hot", "count", "tf_idf")
    modes = (*k2_modes, "one_hot") if cfg.keras.is_keras3 else k2_modes
    mode = cfg.choice("output_mode", modes, "int")
    d.arg("output_mode", mode)
    seq = cfg.optional_integer("output_sequence_length")
    if seq is not None and mode != "int":
        raise cfg.fail(f"output_sequence_length={seq} must not be set with output_mode={mode!r}")
    if seq is not None and seq < 1:
        raise cfg.fail(f"output_sequence_length={seq} must be >= 1")
    split = cfg.raw.get("split", "whitespace")
    ngrams = cfg.raw.get("ngrams")
    if ngrams is not None and not isinstance(ngrams, (int, list, tuple)):
        raise cfg.fail(f"ngrams={ngrams!r} must be an integer or a list of integers")
    vocab = _vocabulary(cfg)
    assets = _asset_vocabulary(cfg)[0]
    if mode == "tf_idf" and vocab is not None and not cfg.has("idf_weights") and not assets:
        raise cfg.fail("output_mode='tf_idf' with a vocabulary needs idf_weights")
    if mode == "tf_idf" and not cfg.keras.is_keras3:
        d.weight("Variable", [("None", None)], trainable=False)
    if split is not None and not (len(x) == 1 or (len(x) == 2 and x[1] == 1)):
        raise cfg.fail(f"input {x} must be rank 1, or rank 2 with last dim 1, when split is set")
    batch = x[0] if x else None
    if mode == "int":
        if vocab is None and not assets:
            raise cfg.fail("no vocabulary: the lookup table needs adapt() or a vocabulary")
        if split is None:
            out = x if seq is None else (*x[:-1], seq)
            d.output(out, "input shape, last axis := output_sequence_length (no split)")
        else:
            d.output((batch, seq), "(batch, output_sequence_length)")
        return
    num_oov = 1
    if cfg.boolean("pad_to_max_tokens", False):
        max_tokens = cfg.optional_integer("max_tokens")
        if max_tokens is None:
            raise cfg.fail("pad_to_max_tokens=True needs max_tokens")
        depth = max_tokens
    elif vocab is None and assets:
        depth = _asset_depth(cfg, mode, d)
    else:
        if vocab is None:
            raise cfg.fail(f"output_mode={mode!r} without a vocabulary needs adapt() (or pad_to_max_tokens)")
        depth = len(vocab) + num_oov
        d.note(f"depth = len(vocabulary) + 1 OOV = {depth}")
    if mode == "one_hot" and split is None:
        # Each input element is one token: a last axis of 1 becomes depth, else depth is appended.
        if len(x) > 1 and x[-1] == 1:
            d.output((*x[:-1], depth), "(*input[:-1], depth)")
        else:
            d.output((*x, depth), "(*input, depth)")
    elif mode == "one_hot":
        d.output((batch, None, depth), "(batch, None, depth)")
    elif split is None:
        encoded_shape(cfg, x, mode, depth, d)
    else:
        d.output((batch, depth), "(batch, depth)")


# -- audio -----------------------------------------------------------------------------------


@register("MelSpectrogram", family="preprocessing")
def mel_spectrogram(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """No weights; (…, L) → (…, num_mel_bins, frames) with the centred STFT's
    frames = 1 + (L + 2·⌊fft/2⌋ − fft) // stride (= 1 + L // stride for an even fft_length);
    the reflect padding needs L > ⌊fft/2⌋.  Source: ``preprocessing/mel_spectrogram.py``."""
    x = single(cfg, x_in)
    fft = cfg.integer("fft_length", 2048, minimum=1)
    stride = cfg.integer("sequence_stride", 512, minimum=1)
    seq = cfg.integer("sequence_length") if cfg.raw.get("sequence_length") else fft  # Keras: `or fft_length`
    if fft < seq:
        raise cfg.fail(f"fft_length={fft} must be >= sequence_length={seq}")
    mel = cfg.integer("num_mel_bins", 128, minimum=1)
    d.arg("fft_length", fft)
    d.arg("sequence_stride", stride)
    d.arg("num_mel_bins", mel)
    if len(x) == 0:
        raise cfg.fail("input must have rank >= 1")
    length = x[-1]
    frames: Dim = None
    if length is not None:
        if length <= fft // 2:
            raise cfg.fail(f"signal length {length} must exceed fft_length // 2 = {fft // 2} (reflect padding)")
        frames = 1 + (length + 2 * (fft // 2) - fft) // stride
        d.note(f"frames = 1 + (L + 2⌊fft/2⌋ − fft) // stride = 1 + ({length} + {2 * (fft // 2)} − {fft}) // {stride} = {frames}")
    d.output((*x[:-1], mel, frames), "(…, num_mel_bins, frames)")


@register("STFTSpectrogram", family="preprocessing")
def stft_spectrogram(cfg: Config, x_in: Shape | tuple[Shape, ...], d: Derivation) -> None:
    """real_kernel and imag_kernel (frame_length, 1, fft//2 + 1), trainable (``mode="real"`` has
    no imag_kernel, ``"imag"`` no real_kernel); fft defaults to the next power of two of
    frame_length.  Output: a 1-D convolution of the (batch, T, C) input with stride frame_step
    (default frame_length // 2): (batch, T', F·C), F = fft//2 + 1 (2F for ``stft``); with
    expand_dims (batch, T', F, C).  Source: ``preprocessing/stft_spectrogram.py``."""
    x = single(cfg, x_in)
    mode = cfg.choice("mode", ("log", "magnitude", "psd", "real", "imag", "angle", "stft"), "log")
    frame_length = cfg.integer("frame_length", 256, minimum=1)
    step = cfg.optional_integer("frame_step")
    if step is not None and (step > frame_length or step < 1):
        raise cfg.fail(f"frame_step={step} must be in [1, frame_length={frame_length}]")
    fft_given = cfg.optional_integer("fft_length")
    if fft_given is not None and fft_given < frame_length:
        raise cfg.fail(f"fft_length={fft_given} must be >= frame_length={frame_length}")
    scaling = cfg.raw.get("scaling", "density")
    if scaling is not None and scaling not in ("density", "spectrum"):
        raise cfg.fail(f"scaling={scaling!r} is not None, 'density' or 'spectrum'")
    padding = cfg.padding(allow_causal=False)
    data_format = cfg.data_format()
    expand = cfg.boolean("expand_dims", False)
    stride = step or frame_length // 2
    fft = fft_given or 2 ** math.ceil(math.log2(frame_length))
    if len(x) != 3:
        raise cfg.fail(f"expected input of rank 3 (batch, time, channels), got {x}")
    bins = fft // 2 + 1
    d.arg("frame_length", frame_length)
    d.arg("mode", mode)
    axes = [("L", frame_length), ("1", 1), ("fft/2+1", bins)]
    if mode != "imag":
        d.weight("real_kernel", axes)
    if mode != "real":
        d.weight("imag_kernel", axes)
    freq = bins * 2 if mode == "stft" else bins
    if data_format == "channels_last":
        t, c = x[1], x[2]
    else:
        c, t = x[1], x[2]
    t_out = conv_length(t, frame_length, stride, padding)
    if t_out is not None and t_out <= 0:
        raise cfg.fail(f"time length {t} is shorter than frame_length={frame_length}")
    if expand:
        out: Shape = (x[0], t_out, freq, c) if data_format == "channels_last" else (x[0], c, t_out, freq)
    else:
        fc = None if c is None else freq * c
        out = (x[0], t_out, fc) if data_format == "channels_last" else (x[0], fc, t_out)
    d.output(out, "(batch, T', F·C)")


__all__ = ["encoded_shape", "hw_axes", "image_data_format", "image_rank", "nested_shape"]
