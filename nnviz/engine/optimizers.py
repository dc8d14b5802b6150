"""Optimisers with PyTorch's update rules (torch.optim's single-tensor, non-foreach algorithms).

update(key, params, grads) changes the arrays in params in place. State (momentum buffers, Adam
moments, step counts) is keyed by "<node id>.<param name>" so it can be saved, copied for rewind
and restored exactly.
"""

from __future__ import annotations

import math

import numpy as np

from nnviz.graph.settings import TrainingSettings


class Optimizer:
    symbol = ""

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


class SGD(Optimizer):
    symbol = "w <- w - lr * g"

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
    symbol = "m <- b1 m + (1-b1) g;  v <- b2 v + (1-b2) g^2;  w <- w - lr m_hat / (sqrt(v_hat) + eps)"
    decoupled = False

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
    symbol = "w <- w (1 - lr wd);  then Adam's step"
    decoupled = True


class RMSprop(Optimizer):
    symbol = "v <- a v + (1-a) g^2;  w <- w - lr g / (sqrt(v) + eps)"

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
