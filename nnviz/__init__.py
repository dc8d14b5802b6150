"""nnviz: draw a neural network, step through its training, export it to PyTorch."""

__version__ = "0.1.0"
