"""Activation functions as nodes of their own (the same functions Dense can fuse)."""

from __future__ import annotations

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import LayerSpec, register
from nnviz.graph.specs.common import single


def _same(in_shapes, p):
    return single(in_shapes)


def _activation(key: str, label: str, description: str, *params: ParamSpec) -> None:
    register(LayerSpec(key=key, label=label, category="Activations", stem=key,
                       description=description, params=params, infer=_same))


_activation("identity", "Identity", "Passes its input through unchanged: f(z) = z")
_activation("relu", "ReLU", "f(z) = max(0, z): keeps positives, zeroes negatives")
_activation("leaky_relu", "LeakyReLU", "f(z) = z for z > 0, slope * z otherwise; never fully dead",
            ParamSpec("negative_slope", "float", 0.01, "Slope for negative inputs", minimum=0.0, key=True))
_activation("elu", "ELU", "f(z) = z for z > 0, alpha * (exp(z) - 1) otherwise",
            ParamSpec("alpha", "float", 1.0, "Value approached for very negative inputs", minimum=0.0, key=True))
_activation("gelu", "GELU", "f(z) = z * Phi(z), the Gaussian error linear unit used in transformers",
            ParamSpec("approximate", "choice", "none", "Exact (erf) or tanh approximation",
                      choices=("none", "tanh")))
_activation("sigmoid", "Sigmoid", "f(z) = 1 / (1 + exp(-z)): squashes to (0, 1)")
_activation("tanh", "Tanh", "f(z) = tanh(z): squashes to (-1, 1), centred on zero")
_activation("softmax", "Softmax", "Turns scores into probabilities that sum to 1 (over the last axis)")
