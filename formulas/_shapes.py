"""Shape maths as plain tuple-in, tuple-out functions that carry ``None`` through.

The same arithmetic as Keras's ``keras/src/ops/operation_utils.py`` (Keras 3) and
``tf_keras/src/utils/conv_utils.py`` (Keras 2), written once.
"""

from __future__ import annotations

from collections.abc import Sequence

from ._model import MAX_DIM, MAX_RANK, Dim, InvalidLayerError, Shape
from ._model import short as _short

#: Names of the kernel axes and of the spatial axes of a rank-1/2/3 window, for derivations.
KERNEL_SYMBOLS = ("k", "kh kw", "kd kh kw")
SPATIAL_SYMBOLS = ("L", "H W", "D H W")


def as_shape(value: object, what: str = "input_shape") -> Shape:
    """``[None, 784]`` → ``(None, 784)``; refuses anything that is not a list of ints/None, a rank
    over :data:`MAX_RANK` and a dimension past int64 (no Keras backend has such a tensor)."""
    if not isinstance(value, Sequence) or isinstance(value, (str, bytes)):
        raise InvalidLayerError(f"{what}={_short(value)} is not a shape (a list of ints or None)")
    if len(value) > MAX_RANK:
        raise InvalidLayerError(f"{what} has rank {len(value)}, over the limit of {MAX_RANK} dimensions")
    dims: list[Dim] = []
    for d in value:
        if d is None:
            dims.append(None)
        elif isinstance(d, bool) or not isinstance(d, int) or d < 0:
            raise InvalidLayerError(
                f"{what}={_short(list(value))} has a dimension {_short(d)} that is not a non-negative int or None"
            )
        elif d > MAX_DIM:
            raise InvalidLayerError(f"{what}={_short(list(value))} has a dimension past int64 (2^63 - 1)")
        else:
            dims.append(d)
    return tuple(dims)


def is_multi(value: object) -> bool:
    """A list of shapes (multi-input layer) rather than one shape."""
    return (
        isinstance(value, Sequence)
        and not isinstance(value, str)
        and len(value) > 0
        and all(isinstance(v, Sequence) and not isinstance(v, str) for v in value)
    )


def conv_length(length: Dim, kernel: int, stride: int, padding: str, dilation: int = 1) -> Dim:
    """Output length of one spatial axis of a convolution.

    valid: floor((L − k_eff)/s) + 1 with k_eff = d(k − 1) + 1; same / causal: ceil(L/s).
    May return zero or a negative number: whether that is refused depends on the Keras version.
    """
    if length is None:
        return None
    if padding == "valid":
        k_eff = dilation * (kernel - 1) + 1
        return (length - k_eff) // stride + 1
    return -(-length // stride)


def pool_length(length: Dim, pool: int, stride: int, padding: str) -> Dim:
    """Output length of one spatial axis of a pooling: valid floor((L − k)/s) + 1, same ceil(L/s)."""
    return conv_length(length, pool, stride, padding, 1)


def spatial_axes(shape: Shape, data_format: str) -> tuple[int, ...]:
    """Indices of the spatial axes for a (batch, …, channels) or (batch, channels, …) tensor."""
    if data_format == "channels_last":
        return tuple(range(1, len(shape) - 1))
    return tuple(range(2, len(shape)))


def channel_axis(data_format: str) -> int:
    return -1 if data_format == "channels_last" else 1


def with_spatial(shape: Shape, data_format: str, spatial: Sequence[Dim], channels: Dim) -> Shape:
    """Reassemble (batch, spatial…, channels) in the layer's data format."""
    if data_format == "channels_last":
        return (shape[0], *spatial, channels)
    return (shape[0], channels, *spatial)
