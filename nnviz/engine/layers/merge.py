"""Add and Concatenate: the multi-input nodes of residual and multi-branch networks."""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import (
    MAX_UNIT_LINES,
    Context,
    Formula,
    Tensors,
    first,
    first_unit_indices,
    flat_first,
    fmt_array,
    fmt_number,
    sample_indices,
    small,
    sub,
    term,
)


@register_layer
class Add(Layer):
    """k inputs of one shape (N, ...) -> their element-wise sum (N, ...); each input's gradient is delta."""

    key = "add"
    forward_formula = "a = x₁ + x₂ + …"
    backward_formula = "∂L/∂xₖ = ∂L/∂a  for every input k"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        out = xs[0] + xs[1]
        for x in xs[2:]:
            out += x
        return out

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        # Separate arrays per input, so a caller that accumulates in place cannot alias them.
        return [delta] + [delta.copy() for _ in self.in_shapes[1:]]

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """Forward: the first entries of sample 1 added up, input by input."""
        base = super().formula(phase, tensors, ctx)
        xs = [flat_first(tensors, f"input_{k}") for k in range(len(self.in_shapes))]
        out = flat_first(tensors, "output")
        if phase != "forward" or base is None or out is None or any(x is None for x in xs):
            return base
        shown = min(out.size, MAX_UNIT_LINES)
        lines = [f"a{sub(j)} = {' + '.join(term(x[j]) for x in xs)} = {fmt_number(out[j])}" for j in range(shown)]
        if out.size > shown:
            lines.append(f"… {out.size - shown} more units (see the tensor panel)")
        index = first_unit_indices(tensors["output"], shown)
        hl = {"output": index, **{f"input_{k}": index for k in range(len(xs))}}
        return Formula(base.symbolic, "\n".join(lines), hl, base.title)


@register_layer
class Concatenate(Layer):
    """Inputs (N, ..., d_i, ...) joined along per-sample axis `axis` (torch.cat dim = axis + 1)."""

    key = "concatenate"
    forward_formula = "a = [x₁, x₂, …]  (joined along the axis)"
    backward_formula = "∂L/∂xₖ = the slice of ∂L/∂a that came from input k"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return np.concatenate(xs, axis=self.hp["axis"] + 1)

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        axis = self.hp["axis"]
        bounds = np.cumsum([shape[axis] for shape in self.in_shapes])[:-1]
        return np.split(delta, bounds, axis=axis + 1)

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """Sample 1's vectors joined (forward) or the slices handed back (backward), when they are short."""
        base = super().formula(phase, tensors, ctx)
        k = len(self.in_shapes)
        parts = [first(tensors, f"{'input' if phase == 'forward' else 'grad_input'}_{i}") for i in range(k)]
        whole = first(tensors, "output" if phase == "forward" else "grad_output")
        if base is None or whole is None or any(p is None or p.ndim != 1 for p in parts) or not small(whole):
            return base
        if phase == "forward":
            lines = [f"x{sub(i)} = {fmt_array(p)}" for i, p in enumerate(parts)]
            lines.append(f"a = [{', '.join(f'x{sub(i)}' for i in range(k))}] = {fmt_array(whole)}")
            return Formula(base.symbolic, "\n".join(lines), {"output": sample_indices(tensors["output"])}, base.title)
        lines = [f"∂L/∂x{sub(i)} = {fmt_array(p)}" for i, p in enumerate(parts)]
        return Formula(base.symbolic, "\n".join(lines), {"grad_output": sample_indices(tensors["grad_output"])},
                       base.title)
