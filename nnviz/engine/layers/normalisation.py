"""BatchNorm1D / BatchNorm2D with PyTorch's training and evaluation behaviour.

Training normalises with the batch's mean and biased variance and moves the running statistics
towards the batch's mean and UNBIASED variance: r <- (1 - momentum) r + momentum * batch_value,
counting num_batches_tracked. Evaluation normalises with the running statistics. Statistics are
per channel: axis 1 of (N, C), (N, C, L) or (N, C, H, W).
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import SMALL, Context, Formula, Tensors, fmt_number, position, term
from nnviz.i18n import Message


class BatchNorm(Layer):
    """weight (gamma) and bias (beta) of shape (C,) when affine; buffers running_mean/var (C,)."""

    def init_params(self, rng: np.random.Generator, shapes: dict[str, tuple[int, ...]],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        # PyTorch's reset_parameters: weight = 1, bias = 0 (no random draw).
        explicit = explicit or {}
        for name, shape in shapes.items():
            start = explicit[name] if name in explicit else np.full(shape, 1.0 if name == "weight" else 0.0)
            self.params[name] = np.array(start, dtype=self.dtype)
        self.init_buffers(explicit)

    def init_buffers(self, explicit: dict[str, np.ndarray]) -> None:
        c = self.in_shapes[0][0]
        defaults = {"running_mean": np.zeros(c), "running_var": np.ones(c)}
        for name, value in defaults.items():
            self.buffers[name] = np.array(explicit.get(name, value), dtype=self.dtype)
        self.buffers["num_batches_tracked"] = np.array(explicit.get("num_batches_tracked", 0), dtype=np.int64)

    def _axes(self, x: np.ndarray) -> tuple[int, ...]:
        return (0, *range(2, x.ndim))

    def _per_channel(self, v: np.ndarray, ndim: int) -> np.ndarray:
        """(C,) -> broadcastable against (N, C, ...)."""
        return v.reshape((-1,) + (1,) * (ndim - 2))

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        x = xs[0]
        axes = self._axes(x)
        eps = self.hp["eps"]
        if self.training:
            count = x.size // x.shape[1]
            if count < 2:
                raise ValueError(Message(
                    "BatchNorm needs more than one value per channel while training: use a batch size above 1"))
            mean = x.mean(axis=axes)
            centred = x - self._per_channel(mean, x.ndim)
            var = (centred * centred).mean(axis=axes)
            self._update_running(mean, var * (count / (count - 1)))
        else:
            mean, var = self.buffers["running_mean"], self.buffers["running_var"]
            centred = x - self._per_channel(mean, x.ndim)
        self.batch_mean, self.batch_var = mean, var
        self._invstd = (1.0 / np.sqrt(var + eps)).astype(x.dtype)
        self._xhat = centred * self._per_channel(self._invstd, x.ndim)
        if "weight" not in self.params:
            return self._xhat
        return self._xhat * self._per_channel(self.params["weight"], x.ndim) + self._per_channel(
            self.params["bias"], x.ndim)

    def _update_running(self, mean: np.ndarray, unbiased_var: np.ndarray) -> None:
        m = self.hp["momentum"]
        # A new dict of new arrays, never in place: a rewind snapshot may share the old arrays, and a
        # shallow copy of this layer (a detached forward pass) shares the old dict.
        b = self.buffers
        self.buffers = {
            "running_mean": ((1 - m) * b["running_mean"] + m * mean).astype(self.dtype),
            "running_var": ((1 - m) * b["running_var"] + m * unbiased_var).astype(self.dtype),
            "num_batches_tracked": np.array(b["num_batches_tracked"] + 1, dtype=np.int64),
        }

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        axes = self._axes(delta)
        ndim = delta.ndim
        xhat = self._xhat
        if "weight" in self.params:
            self.grads["weight"] = (delta * xhat).sum(axis=axes)
            self.grads["bias"] = delta.sum(axis=axes)
            dxhat = delta * self._per_channel(self.params["weight"], ndim)
        else:
            dxhat = delta
        invstd = self._per_channel(self._invstd, ndim)
        if not self.training:
            return [dxhat * invstd]  # the statistics are constants in evaluation
        # Through the batch mean and variance: dx = invstd (dxhat - mean(dxhat) - xhat mean(dxhat xhat)).
        mean_d = self._per_channel(dxhat.mean(axis=axes), ndim)
        mean_dx = self._per_channel((dxhat * xhat).mean(axis=axes), ndim)
        return [invstd * (dxhat - mean_d - xhat * mean_dx)]

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        # Backward too: ∂L/∂x goes through x̂ and the batch variance, so its formula needs them.
        if phase not in ("forward", "backward") or not hasattr(self, "batch_mean"):
            return {}
        return {"mean": self.batch_mean, "var": self.batch_var, "x_hat": self._xhat}

    # ------------------------------------------------------------------ formula
    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """Channel 1 with the numbers of sample 1's first value: its batch statistics, x̂ and a; backward
        ∂L/∂γ, ∂L/∂β and ∂L/∂x through the batch mean and variance."""
        base = super().formula(phase, tensors, ctx)
        t = tensors
        x, mean, var, xhat = (t.get(k) for k in ("input", "mean", "var", "x_hat"))
        if base is None or x is None or mean is None or var is None or xhat is None or np.ndim(x) < 2:
            return base
        eps = self.hp["eps"]
        gamma = float(t["weight"][0]) if "weight" in t else 1.0
        beta = float(t["bias"][0]) if "bias" in t else 0.0
        first = (0, 0) + (0,) * (np.ndim(x) - 2)  # sample 1, channel 1, first position
        channel = np.asarray(x)[:, 0].ravel()
        root = f"√({fmt_number(var[0])} + {fmt_number(eps)})"
        where = f"[1; {position(first[1:])}]"
        if phase == "forward":
            out = t.get("output")
            if out is None:
                return base
            values = (f"({' + '.join(term(v) for v in channel)}) / {channel.size}" if channel.size <= SMALL
                      else f"Σ / {channel.size}")
            lines = [f"μ_B[1] = {values} = {fmt_number(mean[0])}",
                     f"σ²_B[1] = Σ(x − μ_B)² / {channel.size} = {fmt_number(var[0])}",
                     f"x̂{where} = ({term(x[first])} − {term(mean[0])}) / {root} = {fmt_number(xhat[first])}",
                     f"a{where} = {fmt_number(gamma)}×{term(xhat[first])} + {term(beta)} = {fmt_number(out[first])}"]
            hl = {"input": [first], "mean": [(0,)], "var": [(0,)], "x_hat": [first], "output": [first]}
            return Formula(base.symbolic, "\n".join(lines), hl, base.title)
        g, gi = t.get("grad_output"), t.get("grad_input")
        if g is None or gi is None:
            return base
        gc, hc = np.asarray(g)[:, 0], np.asarray(xhat)[:, 0]
        lines = []
        if "grad_weight" in t:
            lines += [f"∂L/∂γ[1] = Σ ∂L/∂a·x̂ (channel 1) = {fmt_number(t['grad_weight'][0])}",
                      f"∂L/∂β[1] = Σ ∂L/∂a (channel 1) = {fmt_number(t['grad_bias'][0])}"]
        dxhat = gc * gamma
        m1, m2 = float(dxhat.mean()), float((dxhat * hc).mean())
        lines += [f"∂L/∂x̂{where} = ∂L/∂a·γ = {term(g[first])}×{term(gamma)} = {fmt_number(g[first] * gamma)}",
                  f"mean(∂L/∂x̂) = {fmt_number(m1)}", f"mean(∂L/∂x̂·x̂) = {fmt_number(m2)}",
                  f"∂L/∂x{where} = (∂L/∂x̂ − mean(∂L/∂x̂) − x̂·mean(∂L/∂x̂·x̂)) / √(σ²_B + ε)"
                  f" = ({term(g[first] * gamma)} − {term(m1)} − {term(xhat[first])}×{term(m2)}) / {root}"
                  f" = {fmt_number(gi[first])}"]
        hl = {"grad_output": [first], "x_hat": [first], "grad_input": [first]}
        if "grad_weight" in t:
            hl.update({"grad_weight": [(0,)], "grad_bias": [(0,)]})
        return Formula(base.symbolic, "\n".join(lines), hl, base.title)


@register_layer
class BatchNorm1d(BatchNorm):
    key = "batchnorm1d"
    forward_formula = "x̂ = (x − μ_B) / √(σ²_B + ε)\na = γ·x̂ + β"
    backward_formula = "∂L/∂γ = Σ ∂L/∂a·x̂,  ∂L/∂β = Σ ∂L/∂a\n∂L/∂x through x̂, μ_B and σ²_B"


@register_layer
class BatchNorm2d(BatchNorm):
    key = "batchnorm2d"
    forward_formula = "x̂ = (x − μ_B) / √(σ²_B + ε)  (per channel)\na = γ·x̂ + β"
    backward_formula = "∂L/∂γ = Σ ∂L/∂a·x̂,  ∂L/∂β = Σ ∂L/∂a  (per channel)\n∂L/∂x through x̂, μ_B and σ²_B"
