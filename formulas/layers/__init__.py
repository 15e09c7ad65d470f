"""The formulas, one module per Keras layer family; importing registers them."""

from .._registry import check_version_facts
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

check_version_facts()
