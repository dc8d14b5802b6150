"""The formula lines of an activation, fused into a layer (Dense, Conv2D) or a node of its own.

Element-wise activations: δ = ∂L/∂a ⊙ f'(z), with f'(z) evaluated from the micro-step's own z and a
exactly as the engine's backward does (never recovered as δ / ∂L/∂a, which is undefined where ∂L/∂a
is 0). Softmax is not element-wise: δ = J_softmaxᵀ·∂L/∂a = a ⊙ (∂L/∂a − ∂L/∂a·a), and where the
softmax output is the prediction of the probability cross-entropy (nll_probs) that product is p − y.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.engine import activations
from nnviz.engine.formula_text import MAX_UNIT_LINES, Context, fmt_array, fmt_number, sub, term
from nnviz.graph.specs.activations import ACTIVATION_TYPES  # each one's symbol and derivative rule

KEYS = frozenset(ACTIVATION_TYPES)


def symbol(key: str) -> str:
    kind = ACTIVATION_TYPES.get(key)
    return kind.symbol if kind is not None and kind.symbol else key


def derivative_rule(key: str, arg: str = "z") -> str:
    """f'(arg) as a rule, for z (a fused activation) or x (an activation node)."""
    rule = ACTIVATION_TYPES[key].derivative
    if not rule:  # softmax: its backward is a Jacobian product, written by backward_rule
        raise KeyError(key)
    return rule.replace("z", arg)


def fuses_with_loss(key: str, ctx: Context) -> bool:
    """A softmax whose output the probability cross-entropy reads: δ = (p − onehot(y)) / N."""
    return key == "softmax" and ctx.output and ctx.loss == "nll_probs"


def backward_rule(key: str, ctx: Context, lhs: str = "δ", arg: str = "z") -> list[str]:
    if key == "softmax":
        lines = [f"{lhs} = J_softmaxᵀ·∂L/∂a,   J_softmax[i,j] = ∂aᵢ/∂{arg}ⱼ = aᵢ(1[i=j] − aⱼ)",
                 f"{lhs}ᵢ = aᵢ·(∂L/∂aᵢ − Σⱼ ∂L/∂aⱼ·aⱼ)"]
        if fuses_with_loss(key, ctx):
            lines.append(f"{lhs} = (p − onehot(y)) / N   (p = a)")
        return lines
    return [f"{lhs} = ∂L/∂a ⊙ f'({arg})", f"   {derivative_rule(key, arg)}"]


def forward_lines(key: str, x: np.ndarray, a: np.ndarray, lhs: str = "a") -> list[str]:
    """a = f(x) for one sample, x and a flat."""
    if key == "softmax":
        e = np.exp(x - x.max())
        return [f"Σⱼ exp(xⱼ − max x) = {fmt_number(e.sum())}", f"{lhs} = softmax({fmt_array(x)}) = {fmt_array(a)}"]
    if x.size == 1:
        return [f"{lhs} = {symbol(key)}({fmt_number(x.item())}) = {fmt_number(a.item())}"]
    return [f"{lhs} = {symbol(key)}({fmt_array(x)}) = {fmt_array(a)}"]


def unit_forward_lines(key: str, z: np.ndarray, a: np.ndarray, shown: int) -> list[str]:
    """aⱼ = f(zⱼ) for the first `shown` units (softmax: the whole vector, it is not per unit)."""
    if key == "softmax":
        return forward_lines(key, z, a)
    return [f"a{sub(j)} = {symbol(key)}({fmt_number(z[j])}) = {fmt_number(a[j])}" for j in range(shown)]


def entry_line(key: str, hp: dict[str, Any], lhs: str, g: float, z: float, a: float, d: float) -> str:
    """δ of one entry of an element-wise activation: ∂L/∂a × f'(z) = δ, f'(z) from z and a."""
    if key == "sigmoid":
        return f"{lhs} = {term(g)} × {fmt_number(a)}×(1 − {fmt_number(a)}) = {fmt_number(d)}"
    if key == "tanh":
        return f"{lhs} = {term(g)} × (1 − {term(a)}²) = {fmt_number(d)}"
    fp = float(derivative(key, hp, np.array([z]), np.array([a]))[0])
    return f"{lhs} = {term(g)} × f'({fmt_number(z)}) = {term(g)} × {term(fp)} = {fmt_number(d)}"


def derivative(key: str, hp: dict[str, Any], z: np.ndarray, a: np.ndarray) -> np.ndarray:
    """f'(z) entry by entry, by the engine's own backward with ∂L/∂a = 1 (element-wise activations)."""
    return activations.backward(key, z, a, np.ones_like(z), hp)


def backward_lines(key: str, hp: dict[str, Any], ctx: Context, g: np.ndarray, z: np.ndarray | None,
                   a: np.ndarray | None, d: np.ndarray, batch: int, lhs: str = "δ") -> list[str]:
    """The numbers of δ = ∂L/∂a ⊙ f'(z) (or softmax's vector rule) for one sample; g, z, a, d flat."""
    if key in ("identity", "none"):
        return [f"{lhs} = ∂L/∂a = {fmt_array(d)}"]
    if a is None or (z is None and key != "softmax"):
        return [f"{lhs} = {fmt_array(d)}"]
    if key == "softmax":
        return _softmax_backward_lines(ctx, g, a, d, batch, lhs)
    shown = min(len(d), MAX_UNIT_LINES)
    lines = [entry_line(key, hp, f"{lhs}{sub(j)}", g[j], z[j], a[j], d[j]) for j in range(shown)]
    if len(d) > shown:
        lines.append(f"… {len(d) - shown} more units (see the tensor panel)")
    return lines


def _softmax_backward_lines(ctx: Context, g: np.ndarray, a: np.ndarray, d: np.ndarray, batch: int,
                            lhs: str) -> list[str]:
    if fuses_with_loss("softmax", ctx):
        nonzero = np.flatnonzero(g)
        if len(nonzero) == 1:
            onehot = np.zeros_like(a)
            onehot[nonzero[0]] = 1.0
            fused = (a - onehot) / batch
            if np.allclose(fused, d, rtol=1e-4, atol=1e-7 * float(np.abs(d).max(initial=0))):
                return [f"{lhs} = (a − onehot(y)) / N = ({fmt_array(a)} − {fmt_array(onehot)}) / {batch} = "
                        f"{fmt_array(d)}"]
    dot = float(np.dot(g, a))
    products = " + ".join(f"{term(gk)}×{term(ak)}" for gk, ak in zip(g, a, strict=True))
    lines = [f"Σⱼ ∂L/∂aⱼ·aⱼ = {products} = {fmt_number(dot)}"]
    shown = min(len(d), MAX_UNIT_LINES)
    lines += [f"{lhs}{sub(j)} = {term(a[j])}×({term(g[j])} − {term(dot)}) = {fmt_number(d[j])}"
              for j in range(shown)]
    if len(d) > shown:
        lines.append(f"… {len(d) - shown} more units (see the tensor panel)")
    return lines
