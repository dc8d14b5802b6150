"""Optimisers with PyTorch's update rules (torch.optim's single-tensor, non-foreach algorithms).

update(key, params, grads) changes the arrays in params in place. State (momentum buffers, Adam
moments, step counts) is keyed by "<node id>.<param name>" so it can be saved, copied for rewind
and restored exactly.
"""

from __future__ import annotations

import math

import numpy as np

from nnviz.engine.formula_text import Formula, Index, Tensors, all_indices, fmt_array, fmt_number, position, small, term
from nnviz.graph.settings import TrainingSettings

_PARAM_SYMBOL = {"weight": "W", "bias": "b"}


class Optimizer:

    def __init__(self, settings: TrainingSettings) -> None:
        self.s = settings
        self.state: dict[str, dict[str, np.ndarray | int]] = {}

    def update(self, node: str, params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> None:
        for name, p in params.items():
            if name in grads:
                self._step(self.state.setdefault(f"{node}.{name}", {}), p, grads[name])

    def _step(self, st: dict, p: np.ndarray, g: np.ndarray) -> None:
        raise NotImplementedError

    def state_copy(self) -> dict[str, dict[str, np.ndarray | int]]:
        return {k: {n: (v.copy() if isinstance(v, np.ndarray) else v) for n, v in st.items()}
                for k, st in self.state.items()}

    def load_state(self, state: dict[str, dict[str, np.ndarray | int]]) -> None:
        self.state = {k: {n: (v.copy() if isinstance(v, np.ndarray) else v) for n, v in st.items()}
                      for k, st in state.items()}

    def state_tensors(self, node: str) -> dict[str, np.ndarray]:
        """Copies of one node's optimiser state as micro-step tensors: '<state>_<param>' (exp_avg_weight,
        step_weight, ...), so the update's formula can show the moments and buffers it used."""
        out = {}
        for key, st in self.state.items():
            owner, _, param = key.partition(".")
            if owner == node:
                out.update({f"{name}_{param}": np.array(value, copy=True) for name, value in st.items()})
        return out

    # ------------------------------------------------------------------ formula
    def rule(self) -> list[str]:
        """The update rule with this run's settings (symbolic)."""
        raise NotImplementedError

    def formula(self, tensors: Tensors) -> Formula:
        """The update micro-step's formula: the rule, then for each parameter its first entry worked
        through with the numbers the step used (gradient, weight decay, buffers or moments, new value).
        The micro-step carries the new parameters, their update_ and grad_ tensors, the optimiser state
        after the step and, with prev_ in front, before it."""
        rule = [*self.rule(), "(g = ∂L/∂W, η = learning rate)"]
        title = f"Update · {self.s.optimizer}"
        params = [name[len("update_"):] for name in tensors if name.startswith("update_")]
        numeric: list[str] = []
        hl: dict[str, list[Index]] = {}
        for name in params:
            new, change, grad = (tensors.get(k) for k in (name, f"update_{name}", f"grad_{name}"))
            if new is None or change is None or grad is None or not np.size(new):
                continue
            new, change, grad = np.asarray(new), np.asarray(change), np.asarray(grad)
            sym = _PARAM_SYMBOL.get(name, name)
            if self._plain() and small(new):
                numeric.append(f"{sym} = {fmt_array(new - change)} − {fmt_number(self.s.lr)} × {fmt_array(grad)} "
                               f"= {fmt_array(new)}")
                hl[name] = hl[f"update_{name}"] = hl[f"grad_{name}"] = all_indices(new)
                continue
            index = (0,) * new.ndim
            state = {k[:-len(name) - 1]: np.asarray(v)[index] if np.ndim(v) else np.asarray(v).item()
                     for k, v in tensors.items() if k.endswith(f"_{name}") and k not in (f"update_{name}",
                                                                                        f"grad_{name}")}
            at = f"{sym}[{position(index)}]" if new.ndim else sym
            numeric.append(f"{at}: g = {fmt_number(grad[index])}")
            numeric += self._entry(at, float(new[index] - change[index]), float(grad[index]), float(new[index]),
                                   state)
            for k in (name, f"update_{name}", f"grad_{name}"):
                hl[k] = [index]
        return Formula("\n".join(rule), "\n".join(numeric) or None, hl, title)

    def _plain(self) -> bool:
        return False

    def _decayed(self, at: str, old: float, g: float) -> tuple[list[str], float]:
        """g + λ·W (L2 weight decay added to the gradient), with its line when λ > 0."""
        wd = self.s.weight_decay
        if not wd:
            return [], g
        value = g + wd * old
        return [f"g ← g + λ·{at} = {term(g)} + {fmt_number(wd)}×{term(old)} = {fmt_number(value)}"], value

    def _entry(self, at: str, old: float, g: float, new: float, state: dict) -> list[str]:
        raise NotImplementedError


class SGD(Optimizer):
    def rule(self):
        lines = ["g ← g + λ·W  (weight decay)"] if self.s.weight_decay else []
        if not self.s.momentum:
            return [*lines, "W ← W − η·g"]
        return [*lines, "v ← μ·v + g", "W ← W − η·(g + μ·v)" if self.s.nesterov else "W ← W − η·v"]

    def _plain(self):
        return not self.s.momentum and not self.s.weight_decay

    def _entry(self, at, old, g, new, state):
        s = self.s
        lines, g = self._decayed(at, old, g)
        step = g
        if s.momentum:
            v = state["momentum_buffer"]
            prev = state.get("prev_momentum_buffer")
            lines.append(f"v = g = {fmt_number(v)}" if prev is None else
                         f"v = μ·v + g = {fmt_number(s.momentum)}×{term(prev)} + {term(g)} = {fmt_number(v)}")
            if s.nesterov:
                step = g + s.momentum * v
                lines.append(f"g + μ·v = {term(g)} + {fmt_number(s.momentum)}×{term(v)} = {fmt_number(step)}")
            else:
                step = v
        lines.append(f"{at} = {term(old)} − {fmt_number(s.lr)}×{term(step)} = {fmt_number(new)}")
        return lines

    def _step(self, st, p, g):
        s = self.s
        if s.weight_decay:
            g = g + s.weight_decay * p
        if s.momentum:
            buf = st.get("momentum_buffer")
            if buf is None:
                buf = st["momentum_buffer"] = g.copy()
            else:
                buf *= s.momentum
                buf += g
            g = g + s.momentum * buf if s.nesterov else buf
        p -= s.lr * g


class Adam(Optimizer):
    decoupled = False

    def rule(self):
        wd = self.s.weight_decay
        lines = [] if not wd else (["W ← W·(1 − η·λ)  (decoupled weight decay)"] if self.decoupled
                                   else ["g ← g + λ·W  (weight decay)"])
        return [*lines, "m ← β₁·m + (1 − β₁)·g", "v ← β₂·v + (1 − β₂)·g²",
                "m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)", "W ← W − η·m̂ / (√v̂ + ε)"]

    def _entry(self, at, old, g, new, state):
        s = self.s
        if self.decoupled and s.weight_decay:
            shrunk = old * (1 - s.lr * s.weight_decay)
            lines = [f"{at}·(1 − η·λ) = {term(old)}×(1 − {fmt_number(s.lr)}×{fmt_number(s.weight_decay)}) = "
                     f"{fmt_number(shrunk)}"]
            old = shrunk
        else:
            lines, g = self._decayed(at, old, g)
        t = int(state["step"])
        m, v = state["exp_avg"], state["exp_avg_sq"]
        m0, v0 = state.get("prev_exp_avg", 0.0), state.get("prev_exp_avg_sq", 0.0)
        m_hat, v_hat = m / (1 - s.beta1 ** t), v / (1 - s.beta2 ** t)
        b1, b2 = fmt_number(s.beta1), fmt_number(s.beta2)
        return [*lines,
                f"m = {b1}×{term(m0)} + (1 − {b1})×{term(g)} = {fmt_number(m)}",
                f"v = {b2}×{term(v0)} + (1 − {b2})×{term(g)}² = {fmt_number(v)}",
                f"m̂ = m / (1 − β₁ᵗ) = {term(m)} / (1 − {b1}^{t}) = {fmt_number(m_hat)}",
                f"v̂ = v / (1 − β₂ᵗ) = {term(v)} / (1 − {b2}^{t}) = {fmt_number(v_hat)}",
                f"{at} = {term(old)} − {fmt_number(s.lr)}×{term(m_hat)} / (√{fmt_number(v_hat)} + "
                f"{fmt_number(s.eps)}) = {fmt_number(new)}"]

    def _step(self, st, p, g):
        s = self.s
        if s.weight_decay:
            if self.decoupled:
                p *= 1 - s.lr * s.weight_decay
            else:
                g = g + s.weight_decay * p
        if "exp_avg" not in st:
            st["step"] = 0
            st["exp_avg"] = np.zeros_like(p)
            st["exp_avg_sq"] = np.zeros_like(p)
        st["step"] += 1
        m, v, t = st["exp_avg"], st["exp_avg_sq"], st["step"]
        m *= s.beta1
        m += (1 - s.beta1) * g
        v *= s.beta2
        v += (1 - s.beta2) * (g * g)
        step_size = s.lr / (1 - s.beta1**t)
        denom = np.sqrt(v) / math.sqrt(1 - s.beta2**t) + s.eps
        p -= step_size * (m / denom)


class AdamW(Adam):
    decoupled = True


class RMSprop(Optimizer):
    def rule(self):
        lines = ["g ← g + λ·W  (weight decay)"] if self.s.weight_decay else []
        lines.append("v ← α·v + (1 − α)·g²")
        if self.s.momentum:
            return [*lines, "b ← μ·b + g / (√v + ε)", "W ← W − η·b"]
        return [*lines, "W ← W − η·g / (√v + ε)"]

    def _entry(self, at, old, g, new, state):
        s = self.s
        lines, g = self._decayed(at, old, g)
        v, v0 = state["square_avg"], state.get("prev_square_avg", 0.0)
        a, eps = fmt_number(s.alpha), fmt_number(s.eps)
        lines.append(f"v = {a}×{term(v0)} + (1 − {a})×{term(g)}² = {fmt_number(v)}")
        if s.momentum:
            b, b0 = state["momentum_buffer"], state.get("prev_momentum_buffer", 0.0)
            lines.append(f"b = {fmt_number(s.momentum)}×{term(b0)} + {term(g)} / (√{fmt_number(v)} + {eps}) = "
                         f"{fmt_number(b)}")
            lines.append(f"{at} = {term(old)} − {fmt_number(s.lr)}×{term(b)} = {fmt_number(new)}")
        else:
            lines.append(f"{at} = {term(old)} − {fmt_number(s.lr)}×{term(g)} / (√{fmt_number(v)} + {eps}) = "
                         f"{fmt_number(new)}")
        return lines

    def _step(self, st, p, g):
        s = self.s
        if s.weight_decay:
            g = g + s.weight_decay * p
        if "square_avg" not in st:
            st["step"] = 0
            st["square_avg"] = np.zeros_like(p)
            if s.momentum:
                st["momentum_buffer"] = np.zeros_like(p)
        st["step"] += 1
        sq = st["square_avg"]
        sq *= s.alpha
        sq += (1 - s.alpha) * (g * g)
        avg = np.sqrt(sq) + s.eps
        if s.momentum:
            buf = st["momentum_buffer"]
            buf *= s.momentum
            buf += g / avg
            p -= s.lr * buf
        else:
            p -= s.lr * (g / avg)


OPTIMIZERS = {"sgd": SGD, "adam": Adam, "adamw": AdamW, "rmsprop": RMSprop}


def make_optimizer(settings: TrainingSettings) -> Optimizer:
    return OPTIMIZERS[settings.optimizer](settings)
