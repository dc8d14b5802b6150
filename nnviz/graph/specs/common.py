"""Parameter definitions that several layer families share, so they read and validate alike."""

from __future__ import annotations

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import Capabilities, Shape, ShapeError, fmt_shape
from nnviz.graph.specs.activations import FUSABLE_ACTIVATIONS as ACTIVATIONS
from nnviz.i18n import Message, translate

WEIGHT_INITS = ("default", "xavier_uniform", "xavier_normal", "he_uniform", "he_normal", "zeros", "constant")
BIAS_INITS = ("default", "zeros", "constant")

ACTIVATION = ParamSpec(
    "activation", "choice", "none", "Activation applied to the output (as in Keras' Dense(activation=...))",
    choices=ACTIVATIONS, key=True,
)
USE_BIAS = ParamSpec("use_bias", "bool", True, "Add a learnable bias b", label="bias")
WEIGHT_INIT = ParamSpec(
    "weight_init", "choice", "default", "How the weights start: PyTorch's default, Xavier/Glorot, He/Kaiming, ...",
    choices=WEIGHT_INITS, label="weight init",
)
BIAS_INIT = ParamSpec("bias_init", "choice", "default", "How the bias starts", choices=BIAS_INITS, label="bias init")
INIT_VALUE = ParamSpec("init_value", "float", 0.0, "The value used by the 'constant' initialiser", label="constant")

TRAINABLE = (ACTIVATION, USE_BIAS, WEIGHT_INIT, BIAS_INIT, INIT_VALUE)
# The capability that goes with TRAINABLE's activation parameter.
FUSES_ACTIVATION = Capabilities(fuses_activation=True)


def single(in_shapes: list[Shape]) -> Shape:
    return in_shapes[0]


def need_rank(shape: Shape, rank: int, what: str, fix: str) -> None:
    if len(shape) != rank:
        raise ShapeError(Message("needs {what} but gets {shape}: {fix}",
                                 what=translate(what), shape=fmt_shape(shape), fix=translate(fix)))
