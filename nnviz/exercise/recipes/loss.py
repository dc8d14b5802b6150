"""The loss micro-step: the loss's value and ∂L/∂ŷ, and the mistakes made on each."""

from __future__ import annotations

import numpy as np

from nnviz.engine.activations import sigmoid
from nnviz.engine.formula_text import fmt_number
from nnviz.exercise.question import Situation, Worked, recipe
from nnviz.exercise.recipes.shared import CATEGORICAL, loss_count, scales, show
from nnviz.i18n import Message

HINTS = {
    "mse": Message("L = mean((ŷ − y)²), so ∂L/∂ŷ = 2(ŷ − y) / N, N = every value the mean runs over."),
    "l1": Message("L = mean(|ŷ − y|), so ∂L/∂ŷ = sign(ŷ − y) / N."),
    "bce": Message("L = −mean(y·log ŷ + (1 − y)·log(1 − ŷ)), so ∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)) / N."),
    "bce_logits": Message("With the sigmoid inside the loss, ∂L/∂z = (σ(z) − y) / N."),
    "cross_entropy": Message("Softmax and cross-entropy together: ∂L/∂z = (p − y) / N with p = softmax(z) "
                             "and y the one-hot target."),
    "nll_probs": Message("L = −mean(log p[target]): only the target's probability has a gradient, −1 / (p·N)."),
}


def _softmax(z: np.ndarray) -> np.ndarray:
    e = np.exp(z - z.max(axis=-1, keepdims=True))
    return e / e.sum(axis=-1, keepdims=True)


@recipe("loss", "loss", default="loss")
def loss_values(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t, key = sit.tensors, sit.settings.loss
    p = np.asarray(t["prediction"], dtype=float)
    y = np.asarray(t["target"], dtype=float)
    n = loss_count(sit)
    hint = HINTS.get(key, Message("Follow the loss's formula for one entry."))
    if tensor == "loss":
        value = float(t["loss"])
        candidates = [(("mean_left_out",), value * n)] if n > 1 else []
        if key in CATEGORICAL or key.startswith("bce"):
            candidates.append((("error_sign",), -value))
        return Worked(value, candidates, hint, [f"ŷ = {show(p)}", f"y = {show(y)}", f"N = {n}"], "L")
    if tensor != "grad_prediction":
        return None
    expected = float(np.asarray(t[tensor], dtype=float)[index])
    b = index[0]
    candidates = [(k, expected * factor) for k, factor in scales(sit) if k]
    if key in ("cross_entropy", "nll_probs") and p.ndim == 2:
        onehot = np.eye(p.shape[1])[y.astype(int).reshape(-1)]
        probs = _softmax(p) if key == "cross_entropy" else p
        if key == "cross_entropy":  # softmax's slope taken element-wise, p(1 − p)
            candidates += [(("softmax_p1p",), float(((probs - onehot) * probs * (1 - probs))[index] / n)),
                           (("softmax_p1p",), float((-onehot * (1 - probs))[index] / n))]
        given = [f"ŷ = {show(p[b])}", f"y = {int(y.reshape(-1)[b]) + 0}", f"N = {n}"]
        if key == "cross_entropy":
            given.insert(1, f"p = softmax(ŷ) = {show(probs[b])}")
    else:
        given = [f"ŷ = {fmt_number(p[index])}", f"y = {fmt_number(y[index])}", f"N = {n}"]
        if key == "bce_logits":
            given.insert(1, f"σ(ŷ) = {fmt_number(sigmoid(p[index]))}")
    return Worked(expected, candidates, hint, given, "∂L/∂ŷ" + "".join(f"[{i + 1}]" for i in index[1:]))
