"""Embedding: token ids (batch, T) -> learned vectors (batch, T, D), as torch.nn.Embedding.

Token ids arrive as floats (every batch is a float array); they must be whole numbers in
0 .. num_embeddings-1. The weight is (num_embeddings, embedding_dim), initialised N(0, 1) like
PyTorch; with a padding id, that row starts at zero and never receives a gradient.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, Shape, register_layer
from nnviz.engine.formula_text import (
    MAX_UNIT_LINES,
    SMALL,
    Context,
    Formula,
    Tensors,
    fmt_array,
)
from nnviz.i18n import Message


class TokenError(ValueError):
    """A batch holds something that is not a valid token id for this Embedding."""


@register_layer
class Embedding(Layer):
    key = "embedding"
    # Symbols only: these read the same in every language.
    forward_formula = "a_t = E[x_t, :]"
    backward_formula = "∂L/∂E[x_t, :] += ∂L/∂a_t"

    def init_params(self, rng: np.random.Generator, shapes: dict[str, Shape],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        for name, shape in shapes.items():
            values = rng.standard_normal(size=shape)  # drawn even when explicit, to keep the stream aligned
            if explicit and name in explicit:
                values = np.asarray(explicit[name])
            elif self.padding_idx is not None:
                values[self.padding_idx] = 0.0
            self.params[name] = np.array(values, dtype=self.dtype)

    @property
    def padding_idx(self) -> int | None:
        idx = int(self.hp.get("padding_idx", -1))
        return None if idx < 0 else idx

    def token_ids(self, x: np.ndarray) -> np.ndarray:
        """(batch, T) floats -> (batch, T) int64, refusing anything that is not a known id."""
        ids = np.rint(x).astype(np.int64)
        if not np.array_equal(ids, x):
            raise TokenError(Message("needs whole-number token ids but got fractional values: feed it tokenised text"))
        n = self.hp["num_embeddings"]
        if ids.size and (ids.min() < 0 or ids.max() >= n):
            bad = int(ids.max()) if ids.max() >= n else int(ids.min())
            raise TokenError(
                Message(
                "got token id {bad} but its vocabulary has only ids 0..{last_id}: raise num_embeddings or limit the "
                "tokenizer's vocabulary to it",
                bad=bad, last_id=n - 1))
        return ids

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._x = xs[0]
        self._ids = self.token_ids(xs[0])
        return self.params["weight"][self._ids]

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        grad = np.zeros_like(self.params["weight"])
        d = delta.shape[-1]
        # Rows used several times in the batch collect the sum of their gradients.
        np.add.at(grad, self._ids.reshape(-1), delta.reshape(-1, d))
        if self.padding_idx is not None:
            grad[self.padding_idx] = 0.0
        self.grads["weight"] = grad
        # Token ids are not differentiable: the input receives a zero gradient.
        return [np.zeros_like(self._x)]

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """Sample 1's first two tokens: the row of E each one reads, and backward where its gradient goes."""
        base = super().formula(phase, tensors, ctx)
        x, rows = tensors.get("input"), tensors.get("output" if phase == "forward" else "grad_output")
        if base is None or x is None or rows is None or np.ndim(rows) != 3:
            return base

        def row(v: np.ndarray) -> str:  # a long vector's first entries
            return fmt_array(v) if v.size <= SMALL else fmt_array(v[:MAX_UNIT_LINES])[:-1] + ", …]"

        ids = [round(float(i)) for i in x[0]]
        # The first two tokens that are not padding (a padding row neither reads anything nor learns).
        steps = [t for t, i in enumerate(ids) if i != self.padding_idx][:2] or [0]
        dims = range(rows.shape[2])
        if phase == "forward":
            lines = [f"a[1; {t + 1}] = E[{ids[t]}, :] = {row(rows[0, t])}" for t in steps]
            hl = {"output": [(0, t, k) for t in steps for k in dims],
                  "weight": [(ids[t], k) for t in steps for k in dims]}
        else:
            lines = [f"∂L/∂E[{ids[t]}, :] += ∂L/∂a[1; {t + 1}] = {row(rows[0, t])}" if ids[t] != self.padding_idx
                     else f"∂L/∂E[{ids[t]}, :] += 0 (padding)" for t in steps]
            hl = {"grad_output": [(0, t, k) for t in steps for k in dims],
                  "grad_weight": [(ids[t], k) for t in steps for k in dims]}
        return Formula(base.symbolic, "\n".join(lines), {"input": [(0, t) for t in steps], **hl}, base.title)

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        return {"token_ids": self._ids} if phase == "forward" and hasattr(self, "_ids") else {}
