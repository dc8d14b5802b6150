"""Dropout: inverted dropout with seeded masks, the identity in evaluation (as torch.nn.Dropout)."""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer


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
