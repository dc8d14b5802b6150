"""Input, Dense (y = x W^T + b, PyTorch's Linear layout), Flatten, Reshape."""

from __future__ import annotations

import numpy as np

from nnviz.engine import formula_activation as fa
from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import (
    MAX_UNIT_LINES,
    SMALL,
    Context,
    Formula,
    Index,
    Tensors,
    all_indices,
    first,
    fmt_array,
    fmt_number,
    sample_indices,
    small,
    sub,
    term,
)


@register_layer
class Input(Layer):
    key = "input"
    forward_formula = "a = x  (the batch's inputs enter here)"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0]

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return []


@register_layer
class Dense(Layer):
    """x: (batch, in_features) -> (batch, units); weight (units, in_features), bias (units,)."""

    key = "dense"

    def weight_fans(self) -> tuple[int, int]:
        return (self.in_shapes[0][-1], self.hp["units"])

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._x = xs[0]
        z = self._x @ self.params["weight"].T
        if "bias" in self.params:
            z += self.params["bias"]
        return z

    def _backward(self, delta: np.ndarray) -> list[np.ndarray | None]:
        # A sequence (N, T, F) shares W at every position: its gradients sum over samples and positions.
        flat_delta = delta if delta.ndim == 2 else delta.reshape(-1, delta.shape[-1])
        flat_x = self._x if self._x.ndim == 2 else self._x.reshape(-1, self._x.shape[-1])
        self.grads["weight"] = flat_delta.T @ flat_x
        if "bias" in self.params:
            self.grads["bias"] = np.add.reduce(flat_delta, axis=0)  # = sum(axis=0), less call overhead
        if not self.need_input_grad:
            return [None]
        return [delta @ self.params["weight"]]

    # ------------------------------------------------------------------ formula
    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """z = W·x + b with sample 1's numbers; backward δ, ∂L/∂W, ∂L/∂b and ∂L/∂x likewise."""
        ctx = ctx or Context()
        if np.ndim(tensors.get("input")) == 3:  # a sequence: the numbers of its first position
            tensors = {k: v[:, 0] if k in _PER_POSITION and np.ndim(v) == 3 else v for k, v in tensors.items()}
        if phase == "forward":
            return _dense_forward(self.hp, tensors)
        return _dense_backward(self.hp, tensors, ctx) if phase == "backward" else None


@register_layer
class Flatten(Layer):
    key = "flatten"
    forward_formula = "a = x reshaped to (N, C·H·W)"
    backward_formula = "∂L/∂x = ∂L/∂a reshaped back to x's shape"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0].reshape(xs[0].shape[0], -1)

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return [delta.reshape((delta.shape[0], *self.in_shapes[0]))]


@register_layer
class Reshape(Layer):
    key = "reshape"
    forward_formula = "a = x reshaped (same values, new shape)"
    backward_formula = "∂L/∂x = ∂L/∂a reshaped back to x's shape"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0].reshape((xs[0].shape[0], *self.out_shape))

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return [delta.reshape((delta.shape[0], *self.in_shapes[0]))]


# Tensors with one row per position when Dense runs over a sequence (N, T, F).
_PER_POSITION = ("input", "z", "output", "grad_output", "delta", "grad_input")


def _dense_forward(hp: dict, t: Tensors) -> Formula:
    act = hp.get("activation", "none")
    bias = hp.get("use_bias", True)
    lines = ["z = W·x + b" if bias else "z = W·x"]
    if act != "none":
        lines.append(f"a = {fa.symbol(act)}(z)")
    symbolic = "\n".join(lines) + "\n(W: units × inputs, x: this layer's input, one sample a column)"
    x, out = first(t, "input"), first(t, "output")
    z = first(t, "z") if act != "none" else out
    w, b = t.get("weight"), t.get("bias")
    if x is None or z is None or out is None or (act == "softmax" and z.size > SMALL):
        return Formula(symbolic, None, {}, "Forward · Dense")
    z, out, x = z.reshape(-1), out.reshape(-1), x.reshape(-1)
    hl: dict[str, list[Index]] = {"input": sample_indices(t["input"])}
    numeric: list[str] = []
    shown = min(len(z), MAX_UNIT_LINES)
    if x.size > SMALL:  # too many products to write: the sum, with its result
        b_text = f" + b{sub(0)}" if bias else ""
        numeric += [f"z{sub(j)} = Σᵢ W[{j + 1},i]·xᵢ{b_text.replace(sub(0), sub(j))} = {fmt_number(z[j])}"
                    for j in range(shown)]
        hl["weight"] = [(0, i) for i in range(len(x))]
    elif w is not None and w.shape == (len(z), len(x)):
        for j in range(shown):
            products = " + ".join(f"{term(w[j, i])}×{term(x[i])}" for i in range(len(x)))
            b_text = f" + {term(b[j])}" if bias and b is not None else ""
            numeric.append(f"z{sub(j)} = {products}{b_text} = {fmt_number(z[j])}")
        hl["weight"] = [(j, i) for j in range(shown) for i in range(len(x))]
        if bias and b is not None:
            hl["bias"] = [(j,) for j in range(shown)]
    else:
        numeric.append(f"z = {fmt_array(z[:shown])}")
    if act != "none":
        numeric += fa.unit_forward_lines(act, z, out, shown)
        hl["z"] = [(0, j) for j in range(shown)]
    hl["output"] = [(0, j) for j in range(len(z) if act == "softmax" else shown)]
    if len(z) > shown:
        numeric.append(f"… {len(z) - shown} more units (see the tensor panel)")
    return Formula(symbolic, "\n".join(numeric), hl, "Forward · Dense")


def _dense_backward(hp: dict, t: Tensors, ctx: Context) -> Formula:
    act = hp.get("activation", "none")
    bias = hp.get("use_bias", True)
    lines = fa.backward_rule(act, ctx) if act != "none" else ["δ = ∂L/∂z (no activation: δ = grad_output)"]
    lines.append("∂L/∂W = δ·xᵀ  (summed over the batch)")
    if bias:
        lines.append("∂L/∂b = δ  (summed over the batch)")
    lines.append("∂L/∂x = Wᵀ·δ  (passed back to the previous layer)")
    symbolic = "\n".join(lines)
    g, d, x = first(t, "grad_output"), first(t, "delta"), first(t, "input")
    n = len(t["delta"]) if t.get("delta") is not None else 0
    if g is None or d is None or not small(g, d):
        return Formula(symbolic, None, {}, "Backward · Dense")
    g, d = g.reshape(-1), d.reshape(-1)
    hl: dict[str, list[Index]] = {"grad_output": sample_indices(t["grad_output"]),
                                  "delta": sample_indices(t["delta"])}
    if act != "none":
        z, a = first(t, "z"), first(t, "output")
        numeric = fa.backward_lines(act, hp, ctx, g, None if z is None else z.reshape(-1),
                                    None if a is None else a.reshape(-1), d, n)
    else:
        numeric = [f"δ = {fmt_array(d)}"]
    gw = t.get("grad_weight")
    if gw is not None and gw.size <= SMALL:
        if x is not None and x.size <= SMALL:
            x = x.reshape(-1)
            if n == 1:
                numeric.append(f"∂L/∂W = δ·xᵀ = {fmt_array(d)}·{fmt_array(x)}ᵀ = {fmt_array(gw)}")
            else:
                numeric.append(f"sample 1: δ·xᵀ = {fmt_array(d)}·{fmt_array(x)}ᵀ = {fmt_array(np.outer(d, x))}")
                numeric.append(f"∂L/∂W (sum of {n} samples) = {fmt_array(gw)}")
            hl["input"] = sample_indices(t["input"])
        elif x is None:
            numeric.append(f"∂L/∂W = {fmt_array(gw)}")
        hl["grad_weight"] = all_indices(gw)
    elif gw is not None and x is not None:  # too large to write out: its first entry
        x = x.reshape(-1)
        if n == 1:
            numeric.append(f"∂L/∂W[1,1] = δ₁·x₁ = {term(d[0])}×{term(x[0])} = {fmt_number(gw[0, 0])}")
        else:
            numeric.append(f"∂L/∂W[1,1] = Σ_n δ[n,1]·x[n,1] = {fmt_number(gw[0, 0])}")
        hl["grad_weight"] = [(0, 0)]
    gb = t.get("grad_bias")
    if bias and gb is not None and gb.size <= SMALL:
        numeric.append(f"∂L/∂b = {fmt_array(gb)}" if n == 1 else f"∂L/∂b (sum of {n} samples) = {fmt_array(gb)}")
        hl["grad_bias"] = all_indices(gb)
    gi, w = first(t, "grad_input"), t.get("weight")
    if gi is not None and w is not None and np.shape(w) == (len(d), gi.size):
        w = np.asarray(w)
        if w.size <= SMALL:
            numeric.append(f"∂L/∂x = Wᵀ·δ = {fmt_array(w.T)}·{fmt_array(d)} = {fmt_array(gi.reshape(-1))}")
            hl["grad_input"] = sample_indices(t["grad_input"])
        else:
            products = " + ".join(f"{term(w[j, 0])}×{term(d[j])}" for j in range(len(d)))
            numeric.append(f"∂L/∂x{sub(0)} = Σⱼ W[j,1]·δⱼ = {products} = {fmt_number(gi.reshape(-1)[0])}")
            hl["grad_input"] = [(0, 0)]
        hl["weight"] = all_indices(w) if w.size <= SMALL else [(j, 0) for j in range(len(d))]
    return Formula(symbolic, "\n".join(numeric), hl, "Backward · Dense")
