"""The Layer contract every node's arithmetic follows, and the registry from type key to class.

A layer is built from the node's validated parameters and the shapes shape inference found. The
public forward/backward do the bookkeeping the session and the viewers read (the pre-activation z,
the error term delta, gradients in `grads` under the same names as `params`); subclasses put the
maths in _forward/_backward. Tensors are batch-first; parameter layouts are PyTorch's.
"""

from __future__ import annotations

from typing import Any, ClassVar

import numpy as np

from nnviz.engine import activations, initializers
from nnviz.engine import formula_activation as fa
from nnviz.engine.formula_text import Context, Formula, Tensors, titled
from nnviz.graph.registry import Capabilities, get_spec

Shape = tuple[int, ...]

LAYERS: dict[str, type[Layer]] = {}


def register_layer(cls: type[Layer]) -> type[Layer]:
    if cls.key in LAYERS:
        raise ValueError(f"engine layer {cls.key!r} is already registered")
    LAYERS[cls.key] = cls
    return cls


class Layer:
    key: ClassVar[str] = ""
    # The rule of each phase for the Formula panel; a layer that substitutes numbers overrides formula()
    # too (symbols where possible: they read the same in every language).
    forward_formula: ClassVar[str] = ""
    backward_formula: ClassVar[str] = ""
    # True where _forward draws random numbers (Dropout): the session hands it a Generator.
    stochastic: ClassVar[bool] = False

    def __init__(self, hp: dict[str, Any], in_shapes: list[Shape], out_shape: Shape, dtype: np.dtype) -> None:
        self.hp = hp
        self.in_shapes = in_shapes
        self.out_shape = out_shape
        self.dtype = np.dtype(dtype)
        self.params: dict[str, np.ndarray] = {}
        self.grads: dict[str, np.ndarray] = {}
        self.buffers: dict[str, np.ndarray] = {}
        self.training = True
        self.activation: str = hp.get("activation", "none")  # fused activation, looked up once
        self.rng: np.random.Generator | None = None
        # False lets a layer skip dL/dx when nobody reads it (its input is the data and nothing is
        # recorded); backward then returns None for that input. The first layer's dL/dx is a third
        # of a training step's matrix work in an MLP. Dense and Conv2d honour it.
        self.need_input_grad = True
        # Set by forward/backward for the viewers: pre-activation and error term of a fused activation.
        self.z: np.ndarray | None = None
        self.delta: np.ndarray | None = None
        self._out: np.ndarray | None = None

    @property
    def output(self) -> np.ndarray | None:
        """The last forward pass's output (a cache the viewers read through Session.view)."""
        return self._out

    @property
    def capabilities(self) -> Capabilities:
        """What generic code may ask about this layer's type (its spec's capabilities)."""
        return get_spec(self.key).capabilities

    # ------------------------------------------------------------------ parameters
    def weight_fans(self) -> tuple[int, int]:
        """(fan_in, fan_out) for the initialisers; layers with weights override."""
        return (1, 1)

    def init_params(self, rng: np.random.Generator, shapes: dict[str, Shape],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        """Create every weight: explicit values where given, else the chosen initialiser.

        Always draws from rng for every tensor, explicit or not, so a typed value in one layer
        does not shift the random numbers of the others.
        """
        fan_in, fan_out = self.weight_fans()
        for name, shape in shapes.items():
            scheme = self.hp.get("bias_init" if name == "bias" else "weight_init", "default")
            values = initializers.initialise(scheme, name, shape, fan_in, fan_out, rng,
                                             self.hp.get("init_value", 0.0))
            if explicit and name in explicit:
                values = np.asarray(explicit[name])
            self.params[name] = np.array(values, dtype=self.dtype)
        self.init_buffers(explicit or {})

    def init_buffers(self, explicit: dict[str, np.ndarray]) -> None:
        """Non-trainable state (BatchNorm's running statistics); most layers have none."""

    # ------------------------------------------------------------------ passes
    def forward(self, xs: list[np.ndarray]) -> np.ndarray:
        out = self._forward(xs)
        if self.activation != "none":
            self.z = out
            out = activations.forward(self.activation, out, self.hp)
        self._out = out
        return out

    def backward(self, grad_out: np.ndarray) -> list[np.ndarray]:
        """Gradients w.r.t. each input; fills self.grads and self.delta (dL/dz)."""
        if self.activation != "none":
            grad_out = activations.backward(self.activation, self.z, self._out, grad_out, self.hp)
        self.delta = grad_out
        return self._backward(grad_out)

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        raise NotImplementedError

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        raise NotImplementedError

    # ------------------------------------------------------------------ viewers
    def forget_pass(self) -> None:
        """Drop what the last forward and backward derived (z, delta, output, gradients): after a rewind
        or a reset they belong to a step the session no longer is at, and no panel may show them."""
        self.z = self.delta = self._out = None
        self.grads.clear()

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        """Layer-specific tensors worth showing in a micro-step (BatchNorm's batch mean, a dropout mask)."""
        return {}

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """The formula of this layer's forward or backward micro-step, from the tensors it carries."""
        ctx = ctx or Context()
        text = {"forward": self.forward_formula, "backward": self.backward_formula}.get(phase)
        if not text:
            return None
        if self.activation != "none":
            extra = [f"a = {fa.symbol(self.activation)}(z)"] if phase == "forward" else fa.backward_rule(
                self.activation, ctx)
            text = "\n".join([text, *extra])
        return Formula(text, None, {}, titled(phase, self.key))

