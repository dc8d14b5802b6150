"""Activation functions as nodes of their own (the same functions Dense and Conv2D can fuse).

One entry of ACTIVATION_TYPES per function: its key, label, description and parameters. The NumPy
maths is in nnviz/engine/activations.py and the PyTorch class in nnviz/export/emit_one_to_one.py,
under the same key.
"""

from __future__ import annotations

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import (
    BINARY_PROBABILITY,
    CLASS_PROBABILITIES,
    NEURON_ELEMENTWISE,
    Capabilities,
    LayerSpec,
    register,
)

# key: (label, description, parameters)
ACTIVATION_TYPES: dict[str, tuple[str, str, tuple[ParamSpec, ...]]] = {
    "identity": ("Identity", "Passes its input through unchanged: f(z) = z", ()),
    "relu": ("ReLU", "f(z) = max(0, z): keeps positives, zeroes negatives", ()),
    "leaky_relu": ("LeakyReLU", "f(z) = z for z > 0, slope * z otherwise; never fully dead",
                   (ParamSpec("negative_slope", "float", 0.01, "Slope for negative inputs", minimum=0.0,
                              key=True),)),
    "elu": ("ELU", "f(z) = z for z > 0, alpha * (exp(z) - 1) otherwise",
            (ParamSpec("alpha", "float", 1.0, "Value approached for very negative inputs", minimum=0.0,
                       key=True),)),
    "gelu": ("GELU", "f(z) = z * Phi(z), the Gaussian error linear unit used in transformers",
             (ParamSpec("approximate", "choice", "none", "Exact (erf) or tanh approximation",
                        choices=("none", "tanh")),)),
    "sigmoid": ("Sigmoid", "f(z) = 1 / (1 + exp(-z)): squashes to (0, 1)", ()),
    "tanh": ("Tanh", "f(z) = tanh(z): squashes to (-1, 1), centred on zero", ()),
    "softmax": ("Softmax", "Turns scores into probabilities that sum to 1 (over the last axis)", ()),
}

# The activations whose outputs are probabilities (what the check of the output layer against the loss asks).
PROBABILITIES = {"softmax": CLASS_PROBABILITIES, "sigmoid": BINARY_PROBABILITY}

# What Dense and Conv2D may fuse: every activation but the identity ("none" says the same).
FUSABLE_ACTIVATIONS = ("none", *(key for key in ACTIVATION_TYPES if key != "identity"))

for _key, (_label, _description, _params) in ACTIVATION_TYPES.items():
    register(LayerSpec(key=_key, label=_label, category="Activations", stem=_key, description=_description,
                       params=_params, infer=lambda in_shapes, p: in_shapes[0],
                       capabilities=Capabilities(neuron_view=NEURON_ELEMENTWISE,
                                                 probabilities=PROBABILITIES.get(_key, ""))))
