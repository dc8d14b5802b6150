"""The update micro-step: a parameter's new value, a momentum buffer, Adam's moments, and their mistakes."""

from __future__ import annotations

import numpy as np

from nnviz.engine.formula_text import fmt_number, position
from nnviz.exercise.question import Situation, Worked, recipe
from nnviz.i18n import Message

STATES = ("momentum_buffer_", "exp_avg_sq_", "exp_avg_", "square_avg_")
SYMBOL = {"weight": "W", "bias": "b"}


def _at(t: dict, name: str, index: tuple[int, ...], default: float | None = None) -> float | None:
    if name not in t:
        return default
    value = np.asarray(t[name], dtype=float)
    return float(value[index]) if value.ndim else float(value)


@recipe("update", "update", default="param")
def update_values(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t, s = sit.tensors, sit.settings
    state = next((prefix for prefix in STATES if tensor.startswith(prefix)), None)
    param = tensor[len(state):] if state else tensor
    if f"update_{param}" not in t:
        return None
    new, change, g = (_at(t, k, index) for k in (param, f"update_{param}", f"grad_{param}"))
    old = new - change
    at = f"{SYMBOL.get(param, param)}[{position(index)}]"
    given = [f"{at} = {fmt_number(old)}", f"g = {fmt_number(g)}", f"η = {fmt_number(s.lr)}"]
    if state:
        return _state(sit, state, param, index, given, at)
    expected = float(new)
    candidates = [(("update_sign",), old - change), (("change_only",), change)]
    if s.lr not in (0, 1):
        candidates += [(("lr_left_out",), old + change / s.lr), (("update_sign", "lr_left_out"), old - change / s.lr)]
    if s.weight_decay:  # the gradient changes before the rule: only the rule's own mistakes are recognised
        return Worked(expected, candidates[:2], Message("W ← W − η·(the optimiser's step); the formula lists the "
                      "optimiser's rule."), given, at)
    if s.optimizer == "sgd" and s.momentum and not s.nesterov:
        v0 = _at(t, f"prev_momentum_buffer_{param}", index, 0.0)
        v = _at(t, f"momentum_buffer_{param}", index)
        given += [f"μ = {fmt_number(s.momentum)}", f"v (t−1) = {fmt_number(v0)}"]
        candidates += [(("momentum_before",), old - s.lr * v0), (("momentum_left_out",), old - s.lr * g)]
        hint = Message("First the buffer: v ← μ·v + g. Then the step: W ← W − η·v, with the new v.")
        del v
    elif s.optimizer in ("adam", "adamw"):
        m, v = _at(t, f"exp_avg_{param}", index), _at(t, f"exp_avg_sq_{param}", index)
        step = int(_at(t, f"step_{param}", (), 1))
        given += [f"m = {fmt_number(m)}", f"v = {fmt_number(v)}", f"t = {step}", f"β₁ = {fmt_number(s.beta1)}",
                  f"β₂ = {fmt_number(s.beta2)}", f"ε = {fmt_number(s.eps)}"]
        candidates.append((("bias_correction_left_out",), old - s.lr * m / (np.sqrt(v) + s.eps)))
        hint = Message("Correct both moments, m̂ = m / (1 − β₁ᵗ) and v̂ = v / (1 − β₂ᵗ), then "
                       "W ← W − η·m̂ / (√v̂ + ε).")
    else:
        hint = Message("Step against the gradient: W ← W − η·g.")
    return Worked(expected, candidates, hint, given, at)


def _state(sit: Situation, state: str, param: str, index: tuple[int, ...], given: list[str], at: str) -> Worked:
    t, s = sit.tensors, sit.settings
    value = _at(t, state + param, index)
    before = _at(t, f"prev_{state}{param}", index)
    g = _at(t, f"grad_{param}", index)
    v0 = 0.0 if before is None else before
    candidates: list[tuple[tuple[str, ...], float]] = []
    if before is not None:
        candidates.append((("state_before",) if state != "momentum_buffer_" else ("momentum_before",), before))
    given = [*given[1:], f"{state}{param}[{position(index)}] (t−1) = {fmt_number(v0)}"]
    if state == "momentum_buffer_":
        mu = s.momentum
        given.append(f"μ = {fmt_number(mu)}")
        if before is not None:
            candidates += [(("lr_in_buffer",), mu * v0 + s.lr * g), (("ema_momentum",), mu * v0 + (1 - mu) * g)]
        return Worked(value, candidates, Message("The buffer gathers the gradients: v ← μ·v + g (v starts as g)."),
                      given, f"v[{position(index)}]")
    step = int(_at(t, f"step_{param}", (), 1))
    beta = s.beta1 if state == "exp_avg_" else s.beta2
    given += [f"β = {fmt_number(beta)}", f"t = {step}"]
    candidates.append((("bias_corrected",), value / (1 - beta**step)))
    if state == "exp_avg_":
        candidates.append((("one_minus_beta_left_out",), beta * v0 + g))
        return Worked(value, candidates, Message("m ← β₁·m + (1 − β₁)·g: an average that starts at 0."), given,
                      f"m[{position(index)}]")
    candidates += [(("not_squared",), beta * v0 + (1 - beta) * g), (("one_minus_beta_left_out",), beta * v0 + g * g)]
    return Worked(value, candidates, Message("v ← β₂·v + (1 − β₂)·g²: an average of the squared gradient."),
                  given, f"v[{position(index)}]")
