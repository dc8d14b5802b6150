"""Conv2D (an output position, a kernel entry's gradient) and an LSTM time step (its gates and states)."""

from __future__ import annotations

import numpy as np

from nnviz.engine import activations
from nnviz.engine.formula_text import fmt_number, position
from nnviz.exercise.question import Situation, Worked, recipe
from nnviz.exercise.recipes.dense import deltas
from nnviz.exercise.recipes.shared import show
from nnviz.i18n import Message


def _padded(sit: Situation, x: np.ndarray) -> np.ndarray:
    ph, pw = tuple(sit.hp.get("padding", (0, 0)))
    return np.pad(np.asarray(x, dtype=float), ((0, 0), (0, 0), (ph, ph), (pw, pw)))


def _patch(sit: Situation, xp: np.ndarray, b: int, i: int, j: int, kh: int, kw: int) -> np.ndarray:
    sh, sw = tuple(sit.hp.get("stride", (1, 1)))
    return xp[b, :, i * sh:i * sh + kh, j * sw:j * sw + kw]


@recipe("forward", "conv2d", default="output")
def conv_forward(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t = sit.tensors
    if tensor not in ("z", "output"):
        return None
    b, c, i, j = index
    w = np.asarray(t["weight"], dtype=float)
    bias = float(np.asarray(t["bias"], dtype=float)[c]) if "bias" in t else 0.0
    patch = _patch(sit, _padded(sit, t["input"]), b, i, j, w.shape[2], w.shape[3])
    sums = {(): float((w[c] * patch).sum()), ("kernel_flipped",): float((w[c, :, ::-1, ::-1] * patch).sum())}
    act = sit.hp.get("activation", "none")
    fused = "z" in t
    expected = float(np.asarray(t[tensor], dtype=float)[index])
    given = [f"x[{b + 1},:,{i + 1}…,{j + 1}…] = {show(patch)}", f"W[{c + 1}] = {show(w[c])}",
             f"b{c + 1} = {fmt_number(bias)}"]
    hint = Message("Lay kernel {c} on the input at row {i}, column {j}: multiply the entries that meet, "
                   "add them all, add the bias.", c=c + 1, i=i + 1, j=j + 1)
    if tensor == "z" or not fused:
        candidates = [(("bias_left_out",), sums[()]), (("kernel_flipped",), sums[("kernel_flipped",)] + bias)]
        if fused:
            candidates.append((("a_for_z",), float(t["output"][index])))
        return Worked(expected, candidates, hint, given, f"z[{position(index)}]")

    def f(v: float) -> float:
        return float(activations.forward(act, np.array([v]), sit.hp)[0])

    candidates = [(("z_for_a",), float(t["z"][index])), (("bias_left_out",), f(sums[()])),
                  (("kernel_flipped",), f(sums[("kernel_flipped",)] + bias))]
    return Worked(expected, candidates, hint, [*given, f"f = {act}"], f"a[{position(index)}]")


@recipe("backward", "conv2d", default="grad_weight")
def conv_backward(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t = sit.tensors
    if tensor not in ("grad_weight", "delta"):
        return None
    g = np.asarray(t["grad_output"], dtype=float)
    act = sit.hp.get("activation", "none") if "z" in t else "none"
    variants = deltas(sit, act, np.asarray(t.get("z", g), dtype=float), np.asarray(t.get("output", g), dtype=float), g)
    expected = float(np.asarray(t[tensor], dtype=float)[index])
    wrong = [(k, v) for k, v in variants if k]
    if tensor == "delta":
        return Worked(expected, [(k, float(v[index])) for k, v in wrong], Message(
            "δ = ∂L/∂a ⊙ f'(z), position by position."), [f"∂L/∂a = {fmt_number(g[index])}"], f"δ[{position(index)}]")
    c, k, u, v = index
    w = np.asarray(t["weight"], dtype=float)
    xp = _padded(sit, t["input"])
    n, _, ho, wo = g.shape

    def gradient(delta: np.ndarray, uu: int, vv: int) -> float:
        return float(sum(delta[b, c, i, j] * _patch(sit, xp, b, i, j, w.shape[2], w.shape[3])[k, uu, vv]
                         for b in range(n) for i in range(ho) for j in range(wo)))

    right = np.asarray(t["delta"], dtype=float)
    candidates = [(keys, gradient(d, u, v)) for keys, d in wrong]
    candidates.append((("kernel_flipped",), gradient(right, w.shape[2] - 1 - u, w.shape[3] - 1 - v)))
    if n > 1:
        candidates.append((("mean_twice",), expected / n))
    return Worked(expected, candidates, Message(
        "∂L/∂W[c,k,u,v] = Σ over samples and output positions (i, j) of δ[c,i,j]·x[k, i+u, j+v]."),
        [f"δ[1,{c + 1}] = {show(right[0, c])}", f"x[1,{k + 1}] = {show(xp[0, k])}"], f"∂L/∂W[{position(index)}]")


GATES = {"gate_i": 0, "gate_f": 1, "gate_g": 2, "gate_o": 3}


@recipe("forward", "lstm@t", default="gate_i")
def lstm_step(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t, p = sit.tensors, sit.params
    b, u = index
    expected = float(np.asarray(t[tensor], dtype=float)[index])
    gates = {name: float(np.asarray(t[name], dtype=float)[index]) for name in GATES}
    c_prev = float(np.asarray(t["c_prev"], dtype=float)[index])
    given_state = [f"i = {fmt_number(gates['gate_i'])}", f"f = {fmt_number(gates['gate_f'])}",
                   f"g = {fmt_number(gates['gate_g'])}", f"c(t−1) = {fmt_number(c_prev)}"]
    if tensor == "c_t":
        candidates = [(("forget_left_out",), gates["gate_i"] * gates["gate_g"])]
        return Worked(expected, candidates, Message("c_t = f ⊙ c_(t−1) + i ⊙ g, entry by entry."), given_state,
                      f"c_t[{position(index)}]")
    if tensor == "h_t":
        c = float(np.asarray(t["c_t"], dtype=float)[index])
        return Worked(expected, [(("tanh_left_out",), gates["gate_o"] * c)], Message(
            "h_t = o ⊙ tanh(c_t)."), [f"o = {fmt_number(gates['gate_o'])}", f"c_t = {fmt_number(c)}"],
            f"h_t[{position(index)}]")
    if tensor not in GATES:
        return None
    hidden = p["weight_hh_l0"].shape[1]
    row = GATES[tensor] * hidden + u
    x, h = np.asarray(t["x_t"], dtype=float)[b], np.asarray(t["h_prev"], dtype=float)[b]
    w_ih, w_hh = p["weight_ih_l0"][row], p["weight_hh_l0"][row]
    b_ih = float(p["bias_ih_l0"][row]) if "bias_ih_l0" in p else 0.0
    b_hh = float(p["bias_hh_l0"][row]) if "bias_hh_l0" in p else 0.0
    right_fn, other_fn = (np.tanh, activations.sigmoid) if tensor == "gate_g" else (activations.sigmoid, np.tanh)
    pre = float(w_ih @ x + b_ih + w_hh @ h + b_hh)
    candidates = [(("z_for_a",), pre), (("gate_squash",), float(other_fn(pre))),
                  (("hidden_left_out",), float(right_fn(pre - w_hh @ h))),
                  (("bias_left_out",), float(right_fn(pre - b_ih - b_hh))),
                  (("second_bias_left_out",), float(right_fn(pre - b_hh))),
                  (("second_bias_left_out",), float(right_fn(pre - b_ih)))]
    name = tensor[-1]
    squash = "tanh" if tensor == "gate_g" else "σ"
    return Worked(expected, candidates, Message(
        "{gate} = {squash}(W_i{gate}·x_t + b_i{gate} + W_h{gate}·h_(t−1) + b_h{gate}), row {row} of each stacked "
        "weight.", gate=name, squash=squash, row=row + 1),
        [f"x_t = {show(x)}", f"h(t−1) = {show(h)}", f"W_ih[{row + 1},:] = {show(w_ih)}",
         f"W_hh[{row + 1},:] = {show(w_hh)}", f"b_ih[{row + 1}] = {fmt_number(b_ih)}",
         f"b_hh[{row + 1}] = {fmt_number(b_hh)}"], f"{name}[{position(index)}]")
