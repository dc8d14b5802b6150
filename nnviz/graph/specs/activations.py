"""Activation functions as nodes of their own (the same functions Dense and Conv2D can fuse).

One entry of ACTIVATION_TYPES per function holds every facet of it that is data: label, description,
parameters, its symbol and derivative rule in the formulas (nnviz/engine/formula_activation.py reads
them), its PyTorch module and the calls that compute the same (nnviz/export/emit_one_to_one.py builds
the emitter and the import rules from them), and what its output is. The one facet that is code, the
NumPy f and f', is the engine's: one entry of MATHS in nnviz/engine/activations.py under the same key
(the graph package describes the network and computes nothing; tests/test_layer_types.py names a key
that has one entry without the other).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import (
    BINARY_PROBABILITY,
    CLASS_PROBABILITIES,
    NEURON_ELEMENTWISE,
    Capabilities,
    LayerSpec,
    register,
)


@dataclass(frozen=True)
class ActivationType:
    label: str
    description: str
    params: tuple[ParamSpec, ...] = ()
    symbol: str = ""  # in the formulas: σ, tanh, ReLU
    derivative: str = ""  # f'(z) as a rule; "" where the backward is not element-wise (softmax)
    torch: str = ""  # the torch.nn module: "LeakyReLU"
    functional: str = ""  # the call a fused activation is written as: "F.leaky_relu"
    functions: tuple[str, ...] = ()  # call_function targets imported as this type
    methods: tuple[str, ...] = ()  # tensor methods imported as this type: x.relu()
    fixed: dict[str, Any] = field(default_factory=dict)  # constructor arguments nnviz always means
    why: str = ""  # what nnviz does instead, said when an imported fixed argument differs
    probabilities: str = ""  # CLASS_PROBABILITIES, BINARY_PROBABILITY or "" (what its output is)


_F = "torch.nn.functional."
ACTIVATION_TYPES: dict[str, ActivationType] = {
    "identity": ActivationType("Identity", "Passes its input through unchanged: f(z) = z", symbol="id",
                               derivative="f'(z) = 1", torch="Identity"),
    "relu": ActivationType("ReLU", "f(z) = max(0, z): keeps positives, zeroes negatives", symbol="ReLU",
                           derivative="f'(z) = 1 if z > 0 else 0", torch="ReLU", functional="F.relu",
                           functions=("torch.relu", _F + "relu"), methods=("relu",)),
    "leaky_relu": ActivationType(
        "LeakyReLU", "f(z) = z for z > 0, slope * z otherwise; never fully dead",
        (ParamSpec("negative_slope", "float", 0.01, "Slope for negative inputs", minimum=0.0, key=True),),
        symbol="LeakyReLU", derivative="f'(z) = 1 if z > 0 else slope", torch="LeakyReLU",
        functional="F.leaky_relu", functions=(_F + "leaky_relu",)),
    "elu": ActivationType(
        "ELU", "f(z) = z for z > 0, alpha * (exp(z) - 1) otherwise",
        (ParamSpec("alpha", "float", 1.0, "Value approached for very negative inputs", minimum=0.0, key=True),),
        symbol="ELU", derivative="f'(z) = 1 if z > 0 else a + α", torch="ELU", functional="F.elu",
        functions=(_F + "elu",)),
    "gelu": ActivationType(
        "GELU", "f(z) = z * Phi(z), the Gaussian error linear unit used in transformers",
        (ParamSpec("approximate", "choice", "none", "Exact (erf) or tanh approximation", choices=("none", "tanh")),),
        symbol="GELU", derivative="f'(z) = Φ(z) + z·φ(z)", torch="GELU", functional="F.gelu",
        functions=(_F + "gelu",)),
    "sigmoid": ActivationType("Sigmoid", "f(z) = 1 / (1 + exp(-z)): squashes to (0, 1)", symbol="σ",
                              derivative="f'(z) = σ(z)(1 − σ(z)) = a(1 − a)", torch="Sigmoid",
                              functional="torch.sigmoid", functions=("torch.sigmoid", _F + "sigmoid"),
                              methods=("sigmoid",), probabilities=BINARY_PROBABILITY),
    "tanh": ActivationType("Tanh", "f(z) = tanh(z): squashes to (-1, 1), centred on zero", symbol="tanh",
                           derivative="f'(z) = 1 − tanh²(z) = 1 − a²", torch="Tanh", functional="torch.tanh",
                           functions=("torch.tanh", _F + "tanh"), methods=("tanh",)),
    "softmax": ActivationType("Softmax", "Turns scores into probabilities that sum to 1 (over the last axis)",
                              symbol="softmax", torch="Softmax", functional="F.softmax",
                              functions=("torch.softmax", _F + "softmax"), methods=("softmax",),
                              fixed={"dim": -1}, why="nnviz applies softmax over the last axis only",
                              probabilities=CLASS_PROBABILITIES),
}

# What Dense and Conv2D may fuse: every activation but the identity ("none" says the same).
FUSABLE_ACTIVATIONS = ("none", *(key for key in ACTIVATION_TYPES if key != "identity"))

for _key, _type in ACTIVATION_TYPES.items():
    register(LayerSpec(key=_key, label=_type.label, category="Activations", stem=_key, description=_type.description,
                       params=_type.params, infer=lambda in_shapes, p: in_shapes[0],
                       capabilities=Capabilities(neuron_view=NEURON_ELEMENTWISE, probabilities=_type.probabilities)))
