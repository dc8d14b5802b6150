"""SimpleRNN, LSTM and GRU with full backpropagation through time, and LastStep.

Batch-first like PyTorch's batch_first=True: x (N, T, F) -> (N, T, H) with return_sequences, else
the last state (N, H). Weights are PyTorch's (names, layout, gate order and initialisation
U(-1/sqrt(H), 1/sqrt(H))); the initial states h_0 and c_0 are zero.

Every pass exists twice over ONE code path: forward()/backward() drain the same generators that
forward_steps()/backward_steps() hand to the session, which yields one (t, tensors) pair per time
step (t = 1..T forward, T..1 backward). With recording off nothing is yielded and no dict is
built, so stepping through time gives bit-identical numbers to the fast path.

Dropout on inputs (Keras' LSTM(dropout=p)): in training, one inverted-dropout mask per sample and
input feature, shape (N, 1, F), is drawn and applied at every time step. Tensor names per time step
are listed in docs/sequence.md.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any, ClassVar

import numpy as np

from nnviz.engine.base import Layer, Shape, register_layer
from nnviz.engine.formula_text import Context, Formula
from nnviz.engine.sequence_formulas import time_step_formula

Steps = Generator[tuple[int, dict[str, np.ndarray]], None, Any]


def sigmoid(a: np.ndarray) -> np.ndarray:
    """Logistic function that never overflows: exp only ever sees -|a|."""
    e = np.exp(-np.abs(a))
    return np.where(a >= 0, 1.0 / (1.0 + e), e / (1.0 + e))


def drain(steps: Steps) -> Any:
    """Run a step generator to its end and return its return value."""
    while True:
        try:
            next(steps)
        except StopIteration as stop:
            return stop.value


class Recurrent(Layer):
    """Shared bookkeeping; subclasses implement the time loops _loop_forward and _loop_backward."""

    gates: ClassVar[int] = 1

    def formula(self, phase: str, tensors: dict[str, np.ndarray], ctx: Context | None = None) -> Formula | None:
        """One time step's equations (or the whole node's summary) with sample 1's numbers."""
        return time_step_formula(self.key, self.hp, phase, tensors)

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.hidden = int(self.hp["hidden_size"])
        # Only a layer with input dropout draws random numbers (and gets a generator from the session).
        self.stochastic = float(self.hp.get("dropout", 0.0)) > 0.0  # type: ignore[misc]
        self.mask: np.ndarray | None = None  # (N, 1, F) of 0/1: kept input features
        self._scaled: np.ndarray | None = None  # mask / (1 - p), what the input is multiplied by
        self.hs: np.ndarray | None = None  # (N, T, H) hidden state of every step
        self.grad_hs: np.ndarray | None = None  # (N, T, H) dL/dh_t, all paths summed

    # ------------------------------------------------------------------ parameters
    def init_params(self, rng: np.random.Generator, shapes: dict[str, Shape],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        """PyTorch's RNNBase.reset_parameters: every tensor U(-1/sqrt(H), 1/sqrt(H))."""
        bound = 1.0 / np.sqrt(self.hidden)
        for name, shape in shapes.items():
            values = rng.uniform(-bound, bound, size=shape)  # always drawn: keeps the stream aligned
            if explicit and name in explicit:
                values = np.asarray(explicit[name])
            self.params[name] = np.array(values, dtype=self.dtype)

    def weight_fans(self) -> tuple[int, int]:
        return (self.in_shapes[0][-1], self.hidden)

    # ------------------------------------------------------------------ public passes
    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return drain(self._run_forward(xs[0], record=False))

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return drain(self._run_backward(delta, record=False))

    def forward_steps(self, xs: list[np.ndarray]) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
        """Yields (t, tensors) for t = 1..T; returns the output, exactly as forward() would."""
        out = yield from self._run_forward(xs[0], record=True)
        self.z = None
        self._out = out
        return out

    def backward_steps(self, grad_out: np.ndarray) -> Iterator[tuple[int, dict[str, np.ndarray]]]:
        """Yields (t, tensors) for t = T..1; returns [dL/dx], exactly as backward() would."""
        self.delta = grad_out
        return (yield from self._run_backward(grad_out, record=True))

    # ------------------------------------------------------------------ shared machinery
    def _bias(self, name: str) -> np.ndarray | None:
        return self.params.get(name)

    def _dropout(self, x: np.ndarray) -> np.ndarray:
        p = float(self.hp.get("dropout", 0.0))
        self.mask = self._scaled = None
        if not self.training or p <= 0.0:
            return x
        if self.rng is None:
            # Never an unseeded fallback: runs must be reproducible from the seed.
            raise RuntimeError(f"{self.key} with dropout needs a random generator (layer.rng) set by the session")
        n, _, f = x.shape
        keep = self.rng.random((n, 1, f), dtype=self.dtype)
        self.mask = (keep >= p).astype(self.dtype)
        # x * (mask * (1 / (1 - p))): the same rounding as torch's dropout and the exported code.
        self._scaled = self.mask * self.dtype.type(1.0 / (1.0 - p))
        return x * self._scaled

    def _run_forward(self, x: np.ndarray, record: bool) -> Steps:
        x = np.asarray(x, dtype=self.dtype)
        n, steps, _ = x.shape
        self._x = self._dropout(x)
        # The input half of every gate for all time steps in one matrix product.
        xw = self._x @ self.params["weight_ih_l0"].T
        b_ih = self._bias("bias_ih_l0")
        if b_ih is not None:
            xw += b_ih
        self.hs = np.empty((n, steps, self.hidden), dtype=self.dtype)
        self._h0 = np.zeros((n, self.hidden), dtype=self.dtype)
        for t, tensors in self._loop_forward(xw, record):  # yields only when recording
            if t == 1 and self.mask is not None:
                tensors["dropout_mask"] = self.mask[:, 0]  # (N, F): the same at every time step
            yield t, tensors
        return self._output()

    def _output(self) -> np.ndarray:
        return self.hs.copy() if self.hp["return_sequences"] else self.hs[:, -1].copy()

    def h_prev(self, t: int) -> np.ndarray:
        """The state before 0-based step t (h_0 = 0)."""
        return self.hs[:, t - 1] if t else self._h0

    def _grad_at(self, grad_out: np.ndarray, t: int) -> np.ndarray | float:
        """The part of dL/dh_t that comes from the layer's output (not from step t+1)."""
        if self.hp["return_sequences"]:
            return grad_out[:, t]
        return grad_out if t == self.hs.shape[1] - 1 else 0.0

    def _run_backward(self, grad_out: np.ndarray, record: bool) -> Steps:
        n, steps, h = self.hs.shape
        rows = self.gates * h
        # dL/d(pre-activations) per step: input side (also the bias_ih grad) and hidden side.
        self._da_x = np.empty((n, steps, rows), dtype=self.dtype)
        self._da_h = self._da_x if self._same_sides else np.empty_like(self._da_x)
        self.grad_hs = np.zeros((n, steps, h), dtype=self.dtype)  # zeros: viewers may read it mid-way
        w_ih = self.params["weight_ih_l0"]
        for t, tensors in self._loop_backward(grad_out, record):  # yields only when recording
            grad_x_t = self._da_x[:, t - 1] @ w_ih
            tensors["grad_x_t"] = grad_x_t if self._scaled is None else grad_x_t * self._scaled[:, 0]
            yield t, tensors
        return [self._finish_backward()]

    _same_sides: ClassVar[bool] = True  # False for GRU, whose n gate differs between the two sides

    def _finish_backward(self) -> np.ndarray:
        """Weight and bias gradients summed over batch and time; returns dL/dx (N, T, F)."""
        n, steps, rows = self._da_x.shape
        da_x = self._da_x.reshape(-1, rows)
        da_h = self._da_h.reshape(-1, rows)
        h_prev = np.concatenate([self._h0[:, None], self.hs[:, :-1]], axis=1).reshape(-1, self.hidden)
        self.grads["weight_ih_l0"] = da_x.T @ self._x.reshape(n * steps, -1)
        self.grads["weight_hh_l0"] = da_h.T @ h_prev
        if "bias_ih_l0" in self.params:
            self.grads["bias_ih_l0"] = da_x.sum(axis=0)
            self.grads["bias_hh_l0"] = da_h.sum(axis=0)
        grad_x = self._da_x @ self.params["weight_ih_l0"]
        return grad_x if self._scaled is None else grad_x * self._scaled

    def _hw(self, h_prev: np.ndarray) -> np.ndarray:
        """The hidden half of every gate: W_hh h_(t-1) + b_hh, (N, G*H)."""
        hw = h_prev @ self.params["weight_hh_l0"].T
        b_hh = self._bias("bias_hh_l0")
        return hw + b_hh if b_hh is not None else hw

    # ------------------------------------------------------------------ viewers
    def grad_norm_per_step(self) -> np.ndarray | None:
        """(T,) mean over the batch of ||dL/dh_t||: where gradients vanish or explode through time."""
        if self.grad_hs is None:
            return None
        return np.sqrt((self.grad_hs.astype(np.float64) ** 2).sum(axis=2)).mean(axis=0)

    def forget_pass(self) -> None:
        super().forget_pass()
        self.hs = self.grad_hs = None  # the states through time of a step the session is no longer at

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        if phase == "forward" and self.hs is not None:
            # "mask" (N, 1, F) as Dropout names it, so the exporter's parity check can inject it.
            masks = {"mask": self.mask} if self.mask is not None else {}
            return {"hidden_states": self.hs, **self._sequence_tensors(), **masks}
        if phase == "backward" and self.grad_hs is not None:
            return {"grad_hidden_states": self.grad_hs, "grad_norm_per_step": self.grad_norm_per_step()}
        return {}

    def _sequence_tensors(self) -> dict[str, np.ndarray]:
        return {}

    def _loop_forward(self, xw: np.ndarray, record: bool) -> Steps:
        raise NotImplementedError

    def _loop_backward(self, grad_out: np.ndarray, record: bool) -> Steps:
        raise NotImplementedError


@register_layer
class SimpleRNN(Recurrent):
    """h_t = act(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh), act = tanh or relu (nn.RNN)."""

    key = "rnn"

    def _loop_forward(self, xw: np.ndarray, record: bool) -> Steps:
        relu = self.hp.get("nonlinearity", "tanh") == "relu"
        for t in range(xw.shape[1]):
            h_prev = self.h_prev(t)
            pre = xw[:, t] + self._hw(h_prev)
            h = np.maximum(pre, 0) if relu else np.tanh(pre)
            self.hs[:, t] = h
            if record:
                yield t + 1, {"x_t": self._x[:, t], "h_prev": h_prev, "pre_t": pre, "h_t": h}

    def _loop_backward(self, grad_out: np.ndarray, record: bool) -> Steps:
        relu = self.hp.get("nonlinearity", "tanh") == "relu"
        w_hh = self.params["weight_hh_l0"]
        dh_next: np.ndarray | float = 0.0
        for t in reversed(range(self.hs.shape[1])):
            dh = dh_next + self._grad_at(grad_out, t)
            h = self.hs[:, t]
            da = dh * (h > 0) if relu else dh * (1 - h * h)
            self._da_x[:, t] = da
            self.grad_hs[:, t] = dh
            dh_next = da @ w_hh
            if record:
                yield t + 1, {"grad_h_t": self.grad_hs[:, t], "delta_t": self._da_x[:, t], "grad_h_prev": dh_next}


@register_layer
class LSTM(Recurrent):
    """Gates i, f, g, o (PyTorch's order); c_t = f c_(t-1) + i g, h_t = o tanh(c_t) (nn.LSTM)."""

    key = "lstm"
    gates = 4

    def _loop_forward(self, xw: np.ndarray, record: bool) -> Steps:
        n, steps, _ = xw.shape
        h = self.hidden
        self.acts = np.empty_like(xw)  # i, f, g, o after their nonlinearities, (N, T, 4H)
        self.cs = np.empty((n, steps, h), dtype=self.dtype)
        self.tanh_cs = np.empty_like(self.cs)
        c_prev = self._h0
        for t in range(steps):
            h_prev = self.h_prev(t)
            a = xw[:, t] + self._hw(h_prev)
            act = self.acts[:, t]
            act[...] = sigmoid(a)
            act[:, 2 * h:3 * h] = np.tanh(a[:, 2 * h:3 * h])
            i, f, g, o = act[:, :h], act[:, h:2 * h], act[:, 2 * h:3 * h], act[:, 3 * h:]
            c = f * c_prev + i * g
            tc = np.tanh(c)
            self.cs[:, t], self.tanh_cs[:, t] = c, tc
            self.hs[:, t] = o * tc
            if record:
                yield t + 1, {"x_t": self._x[:, t], "h_prev": h_prev, "c_prev": c_prev, "gate_i": i, "gate_f": f,
                              "gate_g": g, "gate_o": o, "c_t": self.cs[:, t], "h_t": self.hs[:, t]}
            c_prev = self.cs[:, t]

    def _loop_backward(self, grad_out: np.ndarray, record: bool) -> Steps:
        h = self.hidden
        w_hh = self.params["weight_hh_l0"]
        dh_next: np.ndarray | float = 0.0
        dc_next: np.ndarray | float = 0.0
        for t in reversed(range(self.hs.shape[1])):
            dh = dh_next + self._grad_at(grad_out, t)
            act = self.acts[:, t]
            i, f, g, o = act[:, :h], act[:, h:2 * h], act[:, 2 * h:3 * h], act[:, 3 * h:]
            tc = self.tanh_cs[:, t]
            c_prev = self.cs[:, t - 1] if t else self._h0
            dc = dc_next + dh * o * (1 - tc * tc)
            da = self._da_x[:, t]
            da[:, :h] = dc * g * i * (1 - i)
            da[:, h:2 * h] = dc * c_prev * f * (1 - f)
            da[:, 2 * h:3 * h] = dc * i * (1 - g * g)
            da[:, 3 * h:] = dh * tc * o * (1 - o)
            self.grad_hs[:, t] = dh
            dc_next = dc * f
            dh_next = da @ w_hh
            if record:
                yield t + 1, {"grad_h_t": self.grad_hs[:, t], "grad_c_t": dc, "delta_t": da,
                              "grad_h_prev": dh_next, "grad_c_prev": dc_next}

    def _sequence_tensors(self) -> dict[str, np.ndarray]:
        h = self.hidden
        out = {"cell_states": self.cs}
        for k, name in enumerate("ifgo"):
            out[f"gate_{name}"] = self.acts[:, :, k * h:(k + 1) * h]
        return out


@register_layer
class GRU(Recurrent):
    """Gates r, z, n (PyTorch's order): n = tanh(W_in x + b_in + r (W_hn h + b_hn)),
    h_t = (1 - z) n + z h_(t-1) (nn.GRU)."""

    key = "gru"
    gates = 3
    _same_sides = False

    def _loop_forward(self, xw: np.ndarray, record: bool) -> Steps:
        n_, steps, _ = xw.shape
        h = self.hidden
        self.acts = np.empty_like(xw)  # r, z, n after their nonlinearities
        self.hn = np.empty((n_, steps, h), dtype=self.dtype)  # W_hn h_(t-1) + b_hn, needed for dr
        for t in range(steps):
            h_prev = self.h_prev(t)
            hw = self._hw(h_prev)
            act = self.acts[:, t]
            act[:, :2 * h] = sigmoid(xw[:, t, :2 * h] + hw[:, :2 * h])
            r, z = act[:, :h], act[:, h:2 * h]
            self.hn[:, t] = hw[:, 2 * h:]
            act[:, 2 * h:] = np.tanh(xw[:, t, 2 * h:] + r * hw[:, 2 * h:])
            n = act[:, 2 * h:]
            self.hs[:, t] = (1 - z) * n + z * h_prev
            if record:
                yield t + 1, {"x_t": self._x[:, t], "h_prev": h_prev, "gate_r": r, "gate_z": z, "gate_n": n,
                              "h_t": self.hs[:, t]}

    def _loop_backward(self, grad_out: np.ndarray, record: bool) -> Steps:
        h = self.hidden
        w_hh = self.params["weight_hh_l0"]
        dh_next: np.ndarray | float = 0.0
        for t in reversed(range(self.hs.shape[1])):
            dh = dh_next + self._grad_at(grad_out, t)
            act = self.acts[:, t]
            r, z, n = act[:, :h], act[:, h:2 * h], act[:, 2 * h:]
            h_prev = self.h_prev(t)
            dan = dh * (1 - z) * (1 - n * n)
            da_x, da_h = self._da_x[:, t], self._da_h[:, t]
            da_x[:, :h] = dan * self.hn[:, t] * r * (1 - r)
            da_x[:, h:2 * h] = dh * (h_prev - n) * z * (1 - z)
            da_x[:, 2 * h:] = dan
            da_h[:, :2 * h] = da_x[:, :2 * h]
            da_h[:, 2 * h:] = dan * r
            self.grad_hs[:, t] = dh
            dh_next = dh * z + da_h @ w_hh
            if record:
                yield t + 1, {"grad_h_t": self.grad_hs[:, t], "delta_t": da_x, "delta_h_t": da_h,
                              "grad_h_prev": dh_next}

    def _sequence_tensors(self) -> dict[str, np.ndarray]:
        h = self.hidden
        return {f"gate_{name}": self.acts[:, :, k * h:(k + 1) * h] for k, name in enumerate("rzn")}


@register_layer
class LastStep(Layer):
    """(N, T, H) -> (N, H): the state of the last time step, x[:, -1]."""

    key = "last_step"
    forward_formula = "a = h_T"
    backward_formula = "∂L/∂h_T = ∂L/∂a,   ∂L/∂h_t = 0  (t < T)"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._shape = xs[0].shape
        return xs[0][:, -1].copy()

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        grad = np.zeros(self._shape, dtype=delta.dtype)
        grad[:, -1] = delta
        return [grad]
