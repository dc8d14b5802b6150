"""NumPy implementations of every layer type, one module per family; importing registers them."""

from nnviz.engine.layers import (  # noqa: F401
    activation,
    conv,
    core,
    embedding,
    merge,
    normalisation,
    pooling,
    recurrent,
    regularisation,
)
