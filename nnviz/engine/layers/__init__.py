"""NumPy implementations of every layer type, one module per family; importing registers them."""

from nnviz.engine.layers import activation, core  # noqa: F401
