"""The formulas, one module per Keras layer family; importing registers them."""

from . import conv, core, normalization, pooling  # noqa: F401
