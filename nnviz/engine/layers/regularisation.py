"""Dropout: inverted dropout with seeded masks, the identity in evaluation (as torch.nn.Dropout)."""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import (
    MAX_UNIT_LINES,
    Context,
    Formula,
    Tensors,
    first_unit_indices,
    flat_first,
    fmt_number,
    sub,
    term,
)


@register_layer
class Dropout(Layer):
    """x: any shape -> same shape. Training keeps each value with probability 1 - p and scales it
    by 1 / (1 - p), so the expected output equals the input and evaluation needs no rescaling."""

    key = "dropout"
    forward_formula = "a = x ⊙ m / (1 − p),  m ~ Bernoulli(1 − p)  (training only)"
    backward_formula = "∂L/∂x = ∂L/∂a ⊙ m / (1 − p)"
    stochastic = True

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        x = xs[0]
        p = self.hp["p"]
        if not self.training or p == 0.0:
            self._mask = self._scaled = None
            return x
        if self.rng is None:
            # Never fall back to an unseeded generator: runs must be reproducible from the seed.
            raise RuntimeError("Dropout needs a random generator (layer.rng) set by the session")
        keep = self.rng.random(x.shape, dtype=x.dtype if x.dtype in (np.float32, np.float64) else np.float64)
        self._mask = (keep >= p).astype(x.dtype)
        self._scaled = self._mask * x.dtype.type(1.0 / (1.0 - p))
        return x * self._scaled

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        if self._scaled is None:
            return [delta]
        return [delta * self._scaled]

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        mask = getattr(self, "_mask", None)
        return {"mask": mask} if mask is not None and phase in ("forward", "backward") else {}

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """The first entries of sample 1: x × m / (1 − p) forward, ∂L/∂a × m / (1 − p) backward."""
        base = super().formula(phase, tensors, ctx)
        mask = flat_first(tensors, "mask")
        names = ("input", "output", "a", "x") if phase == "forward" else ("grad_output", "grad_input", "∂L/∂x",
                                                                         "∂L/∂a")
        src, out = flat_first(tensors, names[0]), flat_first(tensors, names[1])
        if base is None or mask is None or src is None or out is None:
            return base
        p, shown = self.hp["p"], min(out.size, MAX_UNIT_LINES)
        lines = [f"{names[2]}{sub(j)} = {names[3]}{sub(j)}×m{sub(j)} / (1 − p) = {term(src[j])}×{fmt_number(mask[j])}"
                 f" / (1 − {fmt_number(p)}) = {fmt_number(out[j])}" for j in range(shown)]
        if out.size > shown:
            lines.append(f"… {out.size - shown} more units (see the tensor panel)")
        index = first_unit_indices(tensors[names[0]], shown)
        return Formula(base.symbolic, "\n".join(lines), {names[0]: index, names[1]: index, "mask": index}, base.title)
