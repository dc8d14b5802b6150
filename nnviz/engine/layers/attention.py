"""Multi-head self-attention exactly as torch.nn.MultiheadAttention(batch_first=True) computes it.

x (N, T, E) -> (N, T, E) with h heads of d = E / h features:

    [Q K V] = x·W_inᵀ + b_in         W_in = in_proj_weight (3E, E), b_in = in_proj_bias (3E,)
    S = Q·Kᵀ / √d                      per head, (N, h, T, T); masked entries −∞
    A = softmax(S)                     over the keys; dropout on A while training
    a = concat_h(A·V)·W_Oᵀ + b_O       W_O = out_proj.weight (E, E), b_O = out_proj.bias (E,)

The parameter names are PyTorch's state_dict keys, so export and import are a copy. Initialisation is
PyTorch's: xavier_uniform_ on in_proj_weight, out_proj.weight as nn.Linear (kaiming_uniform with
a = √5: U(±1/√E)), both biases zero. Masks: `causal` hides later keys (torch's is_causal /
triu attn_mask); with the token ids as input 2, keys whose id is 0 (padding) are hidden (torch's
key_padding_mask). A query with no visible key at all gets zero weights, as PyTorch's
scaled_dot_product_attention gives it. The last pass's intermediate values are public attributes for
the attention view: q, k, v (N, h, T, d), scores (N, h, T, T, before masking), attention_mask
(1 where a query may attend to a key), attention_weights (N, h, T, T, A before dropout).
"""

from __future__ import annotations

import math

import numpy as np

from nnviz.engine.attention_formulas import attention_formula
from nnviz.engine.base import Layer, Shape, register_layer
from nnviz.engine.formula_text import Context, Formula, Tensors
from nnviz.graph.specs.attention import IN_BIAS, IN_WEIGHT, OUT_BIAS, OUT_WEIGHT, PADDING_ID
from nnviz.i18n import Message


@register_layer
class SelfAttention(Layer):
    key = "self_attention"
    forward_formula = ("[Q K V] = x·W_inᵀ + b_in  (h heads of d = E/h features)\nS = Q·Kᵀ/√d  (masked: −∞)\n"
                       "A = softmax(S)\na = concat(A·V)·W_Oᵀ + b_O  (concat: the heads side by side)")
    backward_formula = ("∂L/∂(A·V) = ∂L/∂a·W_O,  ∂L/∂W_O = Σ ∂L/∂aᵀ·concat(A·V)\n"
                        "∂L/∂A = ∂L/∂(A·V)·Vᵀ,  ∂L/∂V = Aᵀ·∂L/∂(A·V)\n"
                        "∂L/∂S = A ⊙ (∂L/∂A − Σₖ A·∂L/∂A)\n"
                        "∂L/∂Q = ∂L/∂S·K/√d,  ∂L/∂K = ∂L/∂Sᵀ·Q/√d\n"
                        "∂L/∂W_in = Σ ∂L/∂[Q K V]ᵀ·x,  ∂L/∂x = ∂L/∂[Q K V]·W_in")

    def __init__(self, hp, in_shapes, out_shape, dtype) -> None:
        super().__init__(hp, in_shapes, out_shape, dtype)
        self.stochastic = float(hp.get("dropout", 0.0)) > 0.0  # type: ignore[misc]
        steps, width = in_shapes[0]
        self.heads = int(hp["num_heads"])
        self.head_dim = width // self.heads
        self._scale = self.dtype.type(1.0 / math.sqrt(self.head_dim))
        # Causal: a query at t sees keys 0..t (torch: triu(ones, 1) marks the hidden ones).
        self._causal = np.tril(np.ones((steps, steps), dtype=bool)) if hp.get("causal") else None
        self.q = self.k = self.v = self.scores = self.attention_weights = None
        self._visible_mask: np.ndarray | None = None
        self.dropout_mask: np.ndarray | None = None

    def weight_fans(self) -> tuple[int, int]:
        width = self.in_shapes[0][1]
        return (width, 3 * width)

    def init_params(self, rng: np.random.Generator, shapes: dict[str, Shape],
                    explicit: dict[str, np.ndarray] | None = None) -> None:
        """PyTorch's _reset_parameters: xavier_uniform_(in_proj_weight) over the packed (3E, E) matrix,
        zero biases, out_proj.weight as nn.Linear's U(±1/√E); every tensor drawn even when explicit."""
        width = self.in_shapes[0][1]
        bounds = {IN_WEIGHT: math.sqrt(6.0 / (width + 3 * width)), OUT_WEIGHT: 1.0 / math.sqrt(width)}
        for name, shape in shapes.items():
            values = (rng.uniform(-bounds[name], bounds[name], size=shape) if name in bounds
                      else np.zeros(shape))
            if explicit and name in explicit:
                values = np.asarray(explicit[name])
            self.params[name] = np.array(values, dtype=self.dtype)

    # ------------------------------------------------------------------ forward
    def _visible(self, xs: list[np.ndarray]) -> np.ndarray | None:
        """(N or 1, 1, T, T) True where a query may attend to a key, or None when nothing is hidden."""
        visible = None if self._causal is None else self._causal[None, None]
        if len(xs) > 1:
            keys = (np.rint(xs[1]) != PADDING_ID)[:, None, None, :]  # (N, 1, 1, T)
            visible = keys if visible is None else visible & keys
        return visible

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        x = xs[0]
        n, steps, width = x.shape
        h, d = self.heads, self.head_dim
        self._x = x
        qkv = x @ self.params[IN_WEIGHT].T
        qkv += self.params[IN_BIAS]
        # (N, T, 3, h, d) -> (3, N, h, T, d): Q, K and V split into heads.
        q, k, v = qkv.reshape(n, steps, 3, h, d).transpose(2, 0, 3, 1, 4)
        self.q, self.k, self.v = q, k, v
        scores = q @ k.transpose(0, 1, 3, 2)
        scores *= self._scale
        self.scores = scores
        visible = self._visible(xs)
        self._visible_mask = visible
        if visible is None:
            e = scores - np.maximum.reduce(scores, axis=-1, keepdims=True)
        else:
            # Masked entries are −∞ before the softmax, i.e. exactly 0 after it. A query whose keys are all
            # hidden keeps all-zero weights: its maximum is raised to a finite number (exp(−∞) = 0, no NaN)
            # and its sum of 0 to the smallest positive one.
            e = scores + np.where(visible, self.dtype.type(0), self.dtype.type(-np.inf))
            e -= np.maximum(np.maximum.reduce(e, axis=-1, keepdims=True), np.finfo(self.dtype).min)
        np.exp(e, out=e)
        total = np.add.reduce(e, axis=-1, keepdims=True)
        if visible is not None:
            np.maximum(total, np.finfo(self.dtype).tiny, out=total)
        weights = e
        weights /= total
        self.attention_weights = weights
        p = float(self.hp["dropout"])
        if self.training and p > 0.0:
            if self.rng is None:
                raise RuntimeError(Message("SelfAttention needs a random generator (layer.rng) set by the session"))
            keep = self.rng.random(weights.shape, dtype=self.dtype.type if self.dtype in (np.float32, np.float64)
                                   else np.float64)
            self.dropout_mask = (keep >= p).astype(self.dtype)
            self._dropped = self.dropout_mask * self.dtype.type(1.0 / (1.0 - p))
            used = weights * self._dropped
        else:
            self.dropout_mask = self._dropped = None
            used = weights
        self._used = used
        heads = used @ v  # (N, h, T, d)
        self._concat = heads.transpose(0, 2, 1, 3).reshape(n, steps, width)
        out = self._concat @ self.params[OUT_WEIGHT].T
        out += self.params[OUT_BIAS]
        return out

    # ------------------------------------------------------------------ backward
    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        n, steps, width = delta.shape
        h, d = self.heads, self.head_dim
        flat = delta.reshape(-1, width)
        self.grads[OUT_WEIGHT] = flat.T @ self._concat.reshape(-1, width)
        self.grads[OUT_BIAS] = np.add.reduce(flat, axis=0)
        g_heads = (delta @ self.params[OUT_WEIGHT]).reshape(n, steps, h, d).transpose(0, 2, 1, 3)
        g_used = g_heads @ self.v.transpose(0, 1, 3, 2)
        g_v = self._used.transpose(0, 1, 3, 2) @ g_heads
        g_weights = g_used if self._dropped is None else g_used * self._dropped
        a = self.attention_weights
        g_scores = a * (g_weights - (g_weights * a).sum(axis=-1, keepdims=True))  # the softmax's Jacobian
        self.grad_attention_weights, self.grad_scores = g_weights, g_scores
        g_scaled = g_scores * self._scale
        g_q = g_scaled @ self.k
        g_k = g_scaled.transpose(0, 1, 3, 2) @ self.q
        self.grad_q, self.grad_k, self.grad_v = g_q, g_k, g_v
        # (3, N, h, T, d) -> (N, T, 3, h, d) -> (N, T, 3E), the layout of [Q K V].
        g_qkv = np.stack((g_q, g_k, g_v)).transpose(1, 3, 0, 2, 4).reshape(n, steps, 3 * width)
        flat_qkv = g_qkv.reshape(-1, 3 * width)
        self.grads[IN_WEIGHT] = flat_qkv.T @ self._x.reshape(-1, width)
        self.grads[IN_BIAS] = np.add.reduce(flat_qkv, axis=0)
        # The key bias adds q·b_k to every score of a query alike, which no softmax weight notices: its
        # gradient is exactly 0, and is set so. Left as rounding noise, Adam would turn that noise into
        # full-size steps (m/√v), different in every program; the export does the same (SelfAttention).
        self.grads[IN_BIAS][width:2 * width] = 0.0
        g_x = g_qkv @ self.params[IN_WEIGHT]
        if len(self.in_shapes) > 1:
            return [g_x, np.zeros((n, steps), dtype=delta.dtype)]  # ids: no gradient
        return [g_x]

    # ------------------------------------------------------------------ viewers
    @property
    def attention_mask(self) -> np.ndarray | None:
        """(N, 1, T, T), True where a query may attend to a key (None when nothing is hidden)."""
        visible = self._visible_mask
        if visible is None or self.scores is None:
            return None
        n, _, steps, _ = self.scores.shape
        return np.broadcast_to(visible, (n, 1, steps, steps))

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        if self.attention_weights is None:
            return {}
        out = {"q": self.q, "k": self.k, "v": self.v, "scores": self.scores,
               "attention_weights": self.attention_weights}
        if self.attention_mask is not None:
            out["attention_mask"] = self.attention_mask.astype(self.dtype)
        if self.dropout_mask is not None:
            out["dropout_mask"] = self.dropout_mask
        if phase == "backward" and getattr(self, "grad_scores", None) is not None:
            out.update(grad_attention_weights=self.grad_attention_weights, grad_scores=self.grad_scores,
                       grad_q=self.grad_q, grad_k=self.grad_k, grad_v=self.grad_v)
        return out if phase in ("forward", "backward") else {}

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """One query position of sample 1 in head 1: its scores, softmax weights and weighted values
        forward; backward ∂L/∂A, ∂L/∂S and ∂L/∂q for the same row."""
        base = super().formula(phase, tensors, ctx)
        return None if base is None else attention_formula(phase, base, tensors, self.head_dim)
