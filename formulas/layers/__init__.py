"""The formulas, one module per Keras layer family; importing registers them."""

from . import (  # noqa: F401
    attention,
    augmentation,
    conv,
    conv_more,
    core,
    einsum,
    merging,
    misc,
    normalization,
    normalization_more,
    pooling,
    preprocessing,
    recurrent,
    reshaping,
    wrappers,
)
