"""Formulas of the recurrent layers' micro-steps: each time step's equations, with the numbers of the
first sample's first unit substituted (the entries the tensor table then highlights), and the node's
summary step. Tensor names as in docs/sequence.md. No Qt; called by the recurrent layers' formula()."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.engine.formula_text import Formula, fmt_number, term

RECURRENT = ("rnn", "lstm", "gru")

# The symbolic formula of one time-step micro-step, by (layer key, phase).
STEP_FORMULAS: dict[tuple[str, str], str] = {
    ("rnn", "forward"): "h_t = tanh(W_ih·x_t + b_ih + W_hh·h_(t−1) + b_hh)   (or relu)",
    ("rnn", "backward"): ("∂L/∂h_t = ∂L/∂output_t + W_hhᵀ·δ_(t+1)\n"
                          "δ_t = ∂L/∂h_t ⊙ (1 − h_t²)\n"
                          "∂L/∂W_ih += δ_t·x_tᵀ,  ∂L/∂W_hh += δ_t·h_(t−1)ᵀ"),
    ("lstm", "forward"): ("i = σ(W_ii·x_t + b_ii + W_hi·h_(t−1) + b_hi),  f = σ(…),  g = tanh(…),  o = σ(…)\n"
                          "c_t = f ⊙ c_(t−1) + i ⊙ g\n"
                          "h_t = o ⊙ tanh(c_t)"),
    ("lstm", "backward"): ("∂L/∂c_t = ∂L/∂h_t ⊙ o ⊙ (1 − tanh²(c_t)) + ∂L/∂c_(t+1) ⊙ f_(t+1)\n"
                           "δi = ∂L/∂c_t ⊙ g ⊙ i(1 − i),  δf = ∂L/∂c_t ⊙ c_(t−1) ⊙ f(1 − f)\n"
                           "δg = ∂L/∂c_t ⊙ i ⊙ (1 − g²),  δo = ∂L/∂h_t ⊙ tanh(c_t) ⊙ o(1 − o)\n"
                           "∂L/∂h_(t−1) = W_hhᵀ·δ_t"),
    ("gru", "forward"): ("r = σ(W_ir·x_t + b_ir + W_hr·h_(t−1) + b_hr),  z = σ(…)\n"
                         "n = tanh(W_in·x_t + b_in + r ⊙ (W_hn·h_(t−1) + b_hn))\n"
                         "h_t = (1 − z) ⊙ n + z ⊙ h_(t−1)"),
    ("gru", "backward"): ("δn = ∂L/∂h_t ⊙ (1 − z) ⊙ (1 − n²),  δz = ∂L/∂h_t ⊙ (h_(t−1) − n) ⊙ z(1 − z)\n"
                          "δr = δn ⊙ (W_hn·h_(t−1) + b_hn) ⊙ r(1 − r)\n"
                          "∂L/∂h_(t−1) = ∂L/∂h_t ⊙ z + W_hhᵀ·[δr, δz, r ⊙ δn]"),
}

SUMMARY_FORMULAS: dict[str, str] = {
    "forward": ("the same cell at every time step t = 1..T, with the same weights, from h_0 = 0\n"
                "output = h_T  (or every h_t with return sequences)"),
    "backward": ("backpropagation through time, t = T..1\n"
                 "∂L/∂W_ih = Σ_t δ_t·x_tᵀ,  ∂L/∂W_hh = Σ_t δ_t·h_(t−1)ᵀ,  ∂L/∂b = Σ_t δ_t  (over the batch too)"),
}

_FIRST = (0, 0)  # sample 1, unit 1


def _v(tensors: dict[str, np.ndarray], name: str, index: tuple[int, ...] = _FIRST) -> float | None:
    value = tensors.get(name)
    if value is None or np.ndim(value) != 2 or any(i >= n for i, n in zip(index, np.shape(value))):
        return None
    return float(np.asarray(value)[index])


def _numbers(key: str, phase: str, hp: dict[str, Any], t: dict[str, np.ndarray]) -> tuple[str | None, list[str]]:
    """(numeric text for sample 1, unit 1, names of the tensors whose entry (0, 0) it uses)."""
    f = fmt_number
    hidden = int(hp.get("hidden_size", 1))
    if phase == "forward":
        h = _v(t, "h_t")
        if h is None:
            return None, []
        if key == "rnn":
            pre = _v(t, "pre_t")
            act = "relu" if hp.get("nonlinearity") == "relu" else "tanh"
            return (f"sample 1, unit 1: h_t = {act}({f(pre)}) = {f(h)}" if pre is not None else None,
                    ["pre_t", "h_t"])
        if key == "lstm":
            i, fg, g, o, c, cp = (_v(t, n) for n in ("gate_i", "gate_f", "gate_g", "gate_o", "c_t", "c_prev"))
            if None in (i, fg, g, o, c, cp):
                return None, []
            return (f"sample 1, unit 1: i = {f(i)}, f = {f(fg)}, g = {f(g)}, o = {f(o)}\n"
                    f"c_t = {term(fg)}×{term(cp)} + {term(i)}×{term(g)} = {f(c)}\n"
                    f"h_t = {term(o)}×tanh({f(c)}) = {f(h)}",
                    ["gate_i", "gate_f", "gate_g", "gate_o", "c_prev", "c_t", "h_t"])
        r, z, n, hp_ = (_v(t, name) for name in ("gate_r", "gate_z", "gate_n", "h_prev"))
        if None in (r, z, n, hp_):
            return None, []
        return (f"sample 1, unit 1: r = {f(r)}, z = {f(z)}, n = {f(n)}\n"
                f"h_t = (1 − {term(z)})×{term(n)} + {term(z)}×{term(hp_)} = {f(h)}",
                ["gate_r", "gate_z", "gate_n", "h_prev", "h_t"])
    dh = _v(t, "grad_h_t")
    if dh is None:
        return None, []
    lines = [f"sample 1, unit 1: ∂L/∂h_t = {f(dh)}"]
    used = ["grad_h_t", "delta_t"]
    if key == "lstm":
        dc = _v(t, "grad_c_t")
        if dc is not None:
            lines[0] += f", ∂L/∂c_t = {f(dc)}"
            used.append("grad_c_t")
        names = ("δi", "δf", "δg", "δo")
    elif key == "gru":
        names = ("δr", "δz", "δn")
    else:
        names = ("δ",)
    deltas = [(name, _v(t, "delta_t", (0, k * hidden))) for k, name in enumerate(names)]
    if all(d is not None for _, d in deltas):
        lines.append(", ".join(f"{name} = {f(d)}" for name, d in deltas))
    return "\n".join(lines), used


def time_step_formula(key: str, hp: dict[str, Any], phase: str, tensors: dict[str, np.ndarray]) -> Formula | None:
    """The formula of a recurrent node's micro-step: a time step (its tensors hold h_t or grad_h_t)
    or the node's summary step."""
    if key not in RECURRENT or phase not in ("forward", "backward"):
        return None
    if "h_t" not in tensors and "grad_h_t" not in tensors:
        return Formula(SUMMARY_FORMULAS[phase], None, {}, f"{phase.title()} · {key} · all time steps")
    numeric, used = _numbers(key, phase, hp, tensors)
    highlights: dict[str, list[tuple[int, ...]]] = {name: [_FIRST] for name in used if name in tensors}
    if phase == "backward" and "delta_t" in tensors and numeric is not None:
        gates = {"lstm": 4, "gru": 3}.get(key, 1)
        hidden = int(hp.get("hidden_size", 1))
        highlights["delta_t"] = [(0, k * hidden) for k in range(gates)]
    return Formula(STEP_FORMULAS[(key, phase)], numeric, highlights if numeric else {},
                   f"{phase.title()} · {key} · one time step")
