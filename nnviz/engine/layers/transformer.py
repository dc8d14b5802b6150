"""The Transformer's other layers: LayerNorm, positional embeddings, MeanOverTime and FirstStep.

LayerNorm is torch.nn.LayerNorm(features): each position's features (the last axis) are normalised
with their own mean and biased variance, then scaled by weight and shifted by bias (1 and 0 at the
start). A learned positional embedding is an nn.Embedding(max_len, E) added at positions 0..T-1
(initialised N(0, 1) like it); the sinusoidal one adds the fixed table of "Attention is all you
need": P[t, 2i] = sin(t / 10000^(2i/E)), P[t, 2i+1] = cos(t / 10000^(2i/E)).
"""

from __future__ import annotations

import math

import numpy as np

from nnviz.engine.base import Layer, Shape, register_layer
from nnviz.engine.formula_text import SMALL, Context, Formula, Tensors, fmt_array, fmt_number, term
from nnviz.graph.specs.attention import PADDING_ID


def sinusoid_table(steps: int, width: int) -> np.ndarray:
    """(steps, width) float64: sin on even features, cos on odd ones, wavelengths growing geometrically."""
    position = np.arange(steps, dtype=np.float64)[:, None]
    rates = np.exp(np.arange(0, width, 2, dtype=np.float64) * (-math.log(10000.0) / width))
    table = np.zeros((steps, width))
    table[:, 0::2] = np.sin(position * rates)
    table[:, 1::2] = np.cos(position * rates[: width // 2])
    return table


def _row(values: np.ndarray) -> str:
    return fmt_array(values) if values.size <= SMALL else fmt_array(values[:4])[:-1] + ", …]"


@register_layer
class LayerNorm(Layer):
    key = "layernorm"
    forward_formula = ("μ = mean of x's features,  σ² = mean((x − μ)²)  (each position)\n"
                       "x̂ = (x − μ) / √(σ² + ε)\na = γ·x̂ + β")
    backward_formula = ("∂L/∂γ = Σ ∂L/∂a·x̂,  ∂L/∂β = Σ ∂L/∂a\n"
                        "∂L/∂x = (∂L/∂x̂ − mean(∂L/∂x̂) − x̂·mean(∂L/∂x̂·x̂)) / √(σ² + ε),  ∂L/∂x̂ = ∂L/∂a·γ")

    def init_params(self, rng: np.random.Generator, shapes: dict[str, Shape],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        # PyTorch's reset_parameters: weight = 1, bias = 0 (no random draw).
        explicit = explicit or {}
        for name, shape in shapes.items():
            start = explicit[name] if name in explicit else np.full(shape, 1.0 if name == "weight" else 0.0)
            self.params[name] = np.array(start, dtype=self.dtype)

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        x = xs[0]
        mean = x.mean(axis=-1, keepdims=True)
        centred = x - mean
        var = (centred * centred).mean(axis=-1, keepdims=True)
        self._invstd = 1.0 / np.sqrt(var + self.dtype.type(self.hp["eps"]))
        self.mean, self.var = mean[..., 0], var[..., 0]
        self._xhat = centred * self._invstd
        if "weight" not in self.params:
            return self._xhat
        return self._xhat * self.params["weight"] + self.params["bias"]

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        xhat = self._xhat
        if "weight" in self.params:
            flat = delta.reshape(-1, delta.shape[-1])
            self.grads["weight"] = np.add.reduce(flat * xhat.reshape(flat.shape), axis=0)
            self.grads["bias"] = np.add.reduce(flat, axis=0)
            dxhat = delta * self.params["weight"]
        else:
            dxhat = delta
        mean_d = dxhat.mean(axis=-1, keepdims=True)
        mean_dx = (dxhat * xhat).mean(axis=-1, keepdims=True)
        return [self._invstd * (dxhat - mean_d - xhat * mean_dx)]

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        if phase not in ("forward", "backward") or not hasattr(self, "mean"):
            return {}
        return {"mean": self.mean, "var": self.var, "x_hat": self._xhat}

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """Sample 1's first position: its mean, variance, x̂ and a; backward ∂L/∂x of its first feature."""
        base = super().formula(phase, tensors, ctx)
        t = tensors
        x, mean, var, xhat = (t.get(k) for k in ("input", "mean", "var", "x_hat"))
        if base is None or x is None or mean is None or var is None or xhat is None:
            return base
        at = (0,) * (np.ndim(x) - 1)  # sample 1, position 1
        row, rx = np.asarray(x)[at], np.asarray(xhat)[at]
        mu, s2 = float(np.asarray(mean)[at]), float(np.asarray(var)[at])
        root = f"√({fmt_number(s2)} + {fmt_number(self.hp['eps'])})"
        where = "[1; " + ", ".join("1" for _ in at[1:]) + (", " if len(at) > 1 else "") + "1]"
        gamma = float(t["weight"][0]) if "weight" in t else 1.0
        beta = float(t["bias"][0]) if "bias" in t else 0.0
        first = (*at, 0)
        hl_row = [(*at, j) for j in range(len(row))]
        if phase == "forward":
            out = t.get("output")
            if out is None:
                return base
            values = f"({' + '.join(term(v) for v in row)}) / {len(row)}" if row.size <= SMALL else f"Σ / {len(row)}"
            lines = [f"μ = {values} = {fmt_number(mu)}",
                     f"σ² = Σ(x − μ)² / {len(row)} = {fmt_number(s2)}",
                     f"x̂ = (x − μ) / {root} = {_row(rx)}",
                     f"a{where} = {fmt_number(gamma)}×{term(rx[0])} + {term(beta)} = {fmt_number(out[first])}"]
            hl = {"input": hl_row, "x_hat": hl_row, "output": [first], "mean": [at], "var": [at]}
            return Formula(base.symbolic, "\n".join(lines), hl, base.title)
        g, gi = t.get("grad_output"), t.get("grad_input")
        if g is None or gi is None:
            return base
        dxhat = np.asarray(g)[at] * (np.asarray(t["weight"]) if "weight" in t else 1.0)
        m1, m2 = float(dxhat.mean()), float((dxhat * rx).mean())
        lines = []
        if "grad_weight" in t:
            lines.append(f"∂L/∂γ = {_row(np.asarray(t['grad_weight']))},  ∂L/∂β = {_row(np.asarray(t['grad_bias']))}")
        lines += [f"∂L/∂x̂ = ∂L/∂a·γ = {_row(dxhat)}",
                  f"mean(∂L/∂x̂) = {fmt_number(m1)},  mean(∂L/∂x̂·x̂) = {fmt_number(m2)}",
                  f"∂L/∂x{where} = ({term(dxhat[0])} − {term(m1)} − {term(rx[0])}×{term(m2)}) / {root}"
                  f" = {fmt_number(gi[first])}"]
        return Formula(base.symbolic, "\n".join(lines), {"grad_output": hl_row, "x_hat": [first],
                                                         "grad_input": [first]}, base.title)


@register_layer
class PositionalEmbedding(Layer):
    key = "positional_embedding"
    forward_formula = "a_t = x_t + P[t, :]"
    backward_formula = "∂L/∂x_t = ∂L/∂a_t,  ∂L/∂P[t, :] = Σ ∂L/∂a_t  (learned)"

    def __init__(self, hp, in_shapes, out_shape, dtype) -> None:
        super().__init__(hp, in_shapes, out_shape, dtype)
        steps, width = in_shapes[0]
        self._table = sinusoid_table(steps, width).astype(self.dtype) if hp["kind"] == "sinusoidal" else None

    def init_params(self, rng: np.random.Generator, shapes: dict[str, Shape],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        for name, shape in shapes.items():
            values = rng.standard_normal(size=shape)  # nn.Embedding's N(0, 1), drawn even when explicit
            if explicit and name in explicit:
                values = np.asarray(explicit[name])
            self.params[name] = np.array(values, dtype=self.dtype)

    @property
    def table(self) -> np.ndarray:
        """P: (T, E), the vectors added at positions 1..T."""
        steps = self.in_shapes[0][0]
        return self._table if self._table is not None else self.params["weight"][:steps]

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0] + self.table

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        if "weight" in self.params:
            grad = np.zeros_like(self.params["weight"])
            grad[: delta.shape[1]] = np.add.reduce(delta, axis=0)
            self.grads["weight"] = grad
        return [delta]

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        return {"positions": self.table} if phase == "forward" else {}

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        base = super().formula(phase, tensors, ctx)
        x, out = tensors.get("input"), tensors.get("output")
        if base is None or phase != "forward" or x is None or out is None:
            return base
        lines = [f"a[1; {t + 1}] = {_row(np.asarray(x)[0, t])} + {_row(self.table[t])} = {_row(np.asarray(out)[0, t])}"
                 for t in range(min(2, np.shape(x)[1]))]
        return Formula(base.symbolic, "\n".join(lines), {"output": [(0, 0, 0)]}, base.title)


@register_layer
class MeanOverTime(Layer):
    key = "mean_over_time"
    forward_formula = "a = (1/T′) Σ_t x_t  (T′: the positions that are not padding)"
    backward_formula = "∂L/∂x_t = ∂L/∂a / T′  (0 at padding)"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        x = xs[0]
        if len(xs) == 1:
            self._keep = None
            self._count = np.full((len(x), 1), x.shape[1], dtype=x.dtype)
            return x.mean(axis=1)
        keep = (np.rint(xs[1]) != PADDING_ID).astype(x.dtype)  # (N, T)
        self._keep = keep
        # A sample that is all padding averages nothing: divide by 1, its output is 0.
        self._count = np.maximum(keep.sum(axis=1, keepdims=True), 1)
        return (x * keep[:, :, None]).sum(axis=1) / self._count

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        n, steps = len(delta), self.in_shapes[0][0]
        share = delta / self._count  # (N, F)
        if self._keep is None:
            return [np.broadcast_to(share[:, None, :], (n, steps, delta.shape[1])).copy()]
        return [share[:, None, :] * self._keep[:, :, None], np.zeros((n, steps), dtype=delta.dtype)]

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        base = super().formula(phase, tensors, ctx)
        x, out = tensors.get("input_0", tensors.get("input")), tensors.get("output")
        if base is None or phase != "forward" or x is None or out is None:
            return base
        column = np.asarray(x)[0, :, 0]
        count = int(self._count[0, 0]) if hasattr(self, "_count") else len(column)
        if self._keep is not None:
            column = column[np.asarray(self._keep[0]) > 0]
        values = " + ".join(term(v) for v in column[:SMALL]) + (" + …" if len(column) > SMALL else "")
        line = f"a[1; 1] = ({values}) / {count} = {fmt_number(np.asarray(out)[0, 0])}"
        return Formula(base.symbolic, line, {"output": [(0, 0)]}, base.title)


@register_layer
class FirstStep(Layer):
    """(N, T, F) -> (N, F): the first position, x[:, 0] (where a classification token sits)."""

    key = "first_step"
    forward_formula = "a = x₁"
    backward_formula = "∂L/∂x₁ = ∂L/∂a,   ∂L/∂x_t = 0  (t > 1)"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._shape = xs[0].shape
        return xs[0][:, 0].copy()

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        grad = np.zeros(self._shape, dtype=delta.dtype)
        grad[:, 0] = delta
        return [grad]
