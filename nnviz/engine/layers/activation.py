"""Activation functions as nodes of their own."""

from __future__ import annotations

import numpy as np

from nnviz.engine import activations
from nnviz.engine import formula_activation as fa
from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import (
    MAX_UNIT_LINES,
    Context,
    Formula,
    Tensors,
    first,
    first_unit_indices,
    sample_indices,
    small,
    titled,
)


class ActivationLayer(Layer):
    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._x = xs[0]
        self._y = activations.forward(self.key, xs[0], self.hp)
        return self._y

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return [activations.backward(self.key, self._x, self._y, delta, self.hp)]

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """a = f(x) and ∂L/∂x = ∂L/∂a ⊙ f'(x) (softmax: J_softmaxᵀ·∂L/∂a) with sample 1's numbers."""
        ctx, key, title = ctx or Context(), self.key, titled(phase, self.key)
        x, a = first(tensors, "input"), first(tensors, "output")
        if phase == "forward":
            symbolic = "a_i = exp(x_i) / Σ_j exp(x_j)" if key == "softmax" else f"a = {fa.symbol(key)}(x)"
            if x is None or a is None or (key == "softmax" and not small(x)):
                return Formula(symbolic, None, {}, title)
            if small(x):
                return Formula(symbolic, "\n".join(fa.forward_lines(key, x.reshape(-1), a.reshape(-1))),
                               {"input": sample_indices(tensors["input"]),
                                "output": sample_indices(tensors["output"])}, title)
            lines = fa.unit_forward_lines(key, x.reshape(-1), a.reshape(-1), MAX_UNIT_LINES)
            lines.append(f"… {x.size - MAX_UNIT_LINES} more units (see the tensor panel)")
            shown = first_unit_indices(tensors["input"], MAX_UNIT_LINES)
            return Formula(symbolic, "\n".join(lines), {"input": shown, "output": shown}, title)
        if phase != "backward":
            return None
        symbolic = "\n".join(fa.backward_rule(key, ctx, lhs="∂L/∂x", arg="x"))
        g, d = first(tensors, "grad_output"), first(tensors, "grad_input")
        if g is None or d is None or (key == "softmax" and not small(g)):
            return Formula(symbolic, None, {}, title)
        flat = [None if v is None else v.reshape(-1) for v in (g, x, a, d)]
        lines = fa.backward_lines(key, self.hp, ctx, *flat[:3], flat[3], len(tensors["grad_output"]), lhs="∂L/∂x")
        shown = (sample_indices(tensors["grad_output"]) if small(g)
                 else first_unit_indices(tensors["grad_output"], MAX_UNIT_LINES))
        return Formula(symbolic, "\n".join(lines), {"grad_output": shown, "grad_input": shown}, title)


for _key in activations.MATHS:
    register_layer(type(f"{_key.title().replace('_', '')}Layer", (ActivationLayer,), {"key": _key}))
