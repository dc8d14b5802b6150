"""Loss functions with PyTorch's definitions and 'mean' reduction.

forward(prediction, target) returns the scalar loss; backward() returns dL/dprediction.
Targets: integer class ids (batch,) for cross_entropy and nll_probs; otherwise floats shaped like
the prediction.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from nnviz.engine.activations import sigmoid
from nnviz.engine.formula_text import SMALL, Formula, Tensors, fmt_array, fmt_number, samples, signed_sum, term

LOSSES: dict[str, type[Loss]] = {}
_TORCH_BCE_EPSILON = float(np.float32(1e-12))


def _register(cls: type[Loss]) -> type[Loss]:
    LOSSES[cls.key] = cls
    return cls


def make_loss(key: str) -> Loss:
    return LOSSES[key]()


def _mean(x: np.ndarray) -> np.ndarray:
    """np.mean without its Python-level bookkeeping (~3 us a call, which matters at 20k steps/s).
    Same pairwise summation in x's dtype."""
    return np.add.reduce(x.reshape(-1)) / x.size


class Loss:
    key: ClassVar[str] = ""
    rule: ClassVar[str] = ""  # the formula panel's symbolic lines
    integer_targets: ClassVar[bool] = False

    def forward(self, pred: np.ndarray, target: np.ndarray) -> float:
        """pred: the network output (batch, ...); target: class ids (batch,) or values like pred."""
        # Targets in the prediction's dtype, so float32 training never silently computes in float64.
        target = np.asarray(target, dtype=np.intp if self.integer_targets else pred.dtype)
        self.pred, self.target = pred, target
        return float(self._forward(pred, target))

    def backward(self) -> np.ndarray:
        return self._backward(self.pred, self.target)

    def accuracy(self, pred: np.ndarray, target: np.ndarray) -> float | None:
        return None

    def _forward(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        raise NotImplementedError

    # ------------------------------------------------------------------ formula
    def formula(self, tensors: Tensors) -> Formula:
        """The loss micro-step's formula from the tensors it carries: prediction, target, loss and
        grad_prediction (∂L/∂ŷ, what the output node's backward receives)."""
        p, y, loss, grad = (tensors.get(k) for k in ("prediction", "target", "loss", "grad_prediction"))
        title = f"Loss · {self.key}"
        if p is None or y is None or loss is None or grad is None or not len(p):
            return Formula(self.rule, None, {}, title)
        p, y, grad = np.asarray(p), np.asarray(y), np.asarray(grad)
        lines, hl = self._numbers(p, y, grad, fmt_number(np.asarray(loss).item()))
        return Formula(self.rule, "\n".join(lines), {**hl, "loss": [()]}, title)

    def _numbers(self, p: np.ndarray, y: np.ndarray, grad: np.ndarray, value: str) -> tuple[list[str], dict]:
        """(numeric lines ending the loss's value, highlights); value is the loss already formatted."""
        return [f"L = {value}"], {}

    def _backward(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        raise NotImplementedError


@_register
class MSE(Loss):
    key = "mse"
    rule = "L = mean((ŷ − y)²)\n∂L/∂ŷ = 2(ŷ − y) / n"

    def _forward(self, pred, target):
        self._diff = pred - target
        return _mean(self._diff * self._diff)

    def _backward(self, pred, target):
        return (2.0 / pred.size) * self._diff

    def _numbers(self, p, y, grad, value):
        return _elementwise_numbers(p, y, grad, value, "({p} − {y})²", "2×({p} − {y})/{n}")


@_register
class L1(Loss):
    key = "l1"
    rule = "L = mean(|ŷ − y|)\n∂L/∂ŷ = sign(ŷ − y) / n"

    def _forward(self, pred, target):
        return _mean(np.abs(pred - target))

    def _backward(self, pred, target):
        return np.sign(pred - target) / pred.size

    def _numbers(self, p, y, grad, value):
        return _elementwise_numbers(p, y, grad, value, "|{p} − {y}|", "sign({p} − {y})/{n}")


class _Binary(Loss):
    threshold: ClassVar[float] = 0.5

    def accuracy(self, pred, target):
        return float(_mean((pred > self.threshold) == (target > 0.5)))


@_register
class BCE(_Binary):
    """On probabilities. Like torch.nn.BCELoss, each log is clamped at -100 so p = 0 or 1 stays finite."""

    key = "bce"
    rule = "L = −mean(y·log ŷ + (1 − y)·log(1 − ŷ))\n∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)) / n"

    def _forward(self, pred, target):
        with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped like PyTorch
            log_p = np.maximum(np.log(pred), -100)
            log_1mp = np.maximum(np.log1p(-pred), -100)
        return -_mean(target * log_p + (1 - target) * log_1mp)

    def _backward(self, pred, target):
        # torch's binary_cross_entropy_backward: (p - y) / max(p (1 - p), EPSILON) / n, where its
        # EPSILON is the float 1e-12 (9.99999996e-13 even in float64 arithmetic).
        return (pred - target) / np.maximum((1 - pred) * pred, _TORCH_BCE_EPSILON) / pred.size

    def _numbers(self, p, y, grad, value):
        return _elementwise_numbers(p, y, grad, value, "−({y}·log({p}) + (1 − {y})·log(1 − {p}))",
                                    "({p} − {y}) / ({p}×(1 − {p})) / {n}")


@_register
class BCEWithLogits(_Binary):
    key = "bce_logits"
    rule = "L = −mean(y·log σ(z) + (1 − y)·log(1 − σ(z)))\n∂L/∂z = (σ(z) − y) / n"
    threshold = 0.0

    def _forward(self, pred, target):
        return _mean(np.maximum(pred, 0) - pred * target + np.log1p(np.exp(-np.abs(pred))))

    def _backward(self, pred, target):
        return (sigmoid(pred) - target) / pred.size

    def _numbers(self, p, y, grad, value):
        lines, hl = _elementwise_numbers(p, y, grad, value, "−({y}·log(σ({p})) + (1 − {y})·log(1 − σ({p})))",
                                         "(σ({p}) − {y})/{n}", grad_name="∂L/∂z")
        s = sigmoid(p.reshape(-1)[:_SHOWN].astype(float))
        return [f"σ(z) = {fmt_array(s)}", *lines], hl


class _Categorical(Loss):
    integer_targets = True

    def accuracy(self, pred, target):
        return float(_mean(pred.argmax(axis=1) == target))


@_register
class CrossEntropy(_Categorical):
    """On logits (batch, classes) with class ids (batch,): softmax and log in one stable step."""

    key = "cross_entropy"
    rule = "L = −mean(log softmax(z)[y])\n∂L/∂z = (softmax(z) − onehot(y)) / N"

    def _forward(self, pred, target):
        shifted = pred - np.maximum.reduce(pred, axis=1, keepdims=True)
        self._exp = np.exp(shifted)  # kept for backward: softmax = exp / sum
        self._sum = np.add.reduce(self._exp, axis=1, keepdims=True)
        return _mean(np.log(self._sum[:, 0]) - shifted[np.arange(len(target)), target])

    def _backward(self, pred, target):
        grad = self._exp / self._sum
        grad[np.arange(len(target)), target] -= 1
        return grad / len(target)

    def _numbers(self, p, y, grad, value):
        if p.ndim != 2 or p.shape[1] > SMALL:
            return super()._numbers(p, y, grad, value)
        cls, n = int(y.reshape(-1)[0]), len(p)
        shifted = p[0].astype(float) - p[0].max()
        prob = np.exp(shifted) / np.exp(shifted).sum()
        onehot = np.eye(p.shape[1])[cls]
        return ([f"sample 1 (class {cls}): softmax({fmt_array(p[0])}) = {fmt_array(prob)}; "
                 f"−log({fmt_number(prob[cls])}) = {fmt_number(-np.log(prob[cls]))}",
                 f"∂L/∂z (sample 1) = ({fmt_array(prob)} − {fmt_array(onehot)}) / {n} = {fmt_array(grad[0])}",
                 f"L = mean over {samples(n)} = {value}"],
                {"prediction": [(0, j) for j in range(p.shape[1])], "target": [(0,)],
                 "grad_prediction": [(0, j) for j in range(p.shape[1])]})


@_register
class NLLOfProbabilities(_Categorical):
    """On probabilities from a softmax output: -mean(log p[y]), PyTorch's nll_loss(log(p), y)."""

    key = "nll_probs"
    rule = "L = −mean(log ŷ[y])\n∂L/∂ŷ[y] = −1 / (ŷ[y]·N),  0 for the other classes"

    def _forward(self, pred, target):
        with np.errstate(divide="ignore"):
            return -_mean(np.log(pred[np.arange(len(target)), target]))

    def _backward(self, pred, target):
        grad = np.zeros_like(pred)
        rows = np.arange(len(target))
        with np.errstate(divide="ignore"):
            grad[rows, target] = -1.0 / (pred[rows, target] * len(target))
        return grad

    def _numbers(self, p, y, grad, value):
        if p.ndim != 2:
            return super()._numbers(p, y, grad, value)
        cls, n = int(y.reshape(-1)[0]), len(p)
        with np.errstate(divide="ignore"):
            nll = -np.log(float(p[0, cls]))
        return ([f"sample 1 (class {cls}): −log({fmt_number(p[0, cls])}) = {fmt_number(nll)}",
                 f"∂L/∂ŷ[1,{cls + 1}] = −1 / ({fmt_number(p[0, cls])}×{n}) = {fmt_number(grad[0, cls])}",
                 f"L = mean over {samples(n)} = {value}"],
                {"prediction": [(0, cls)], "target": [(0,)], "grad_prediction": [(0, cls)]})


@_register
class SequenceCrossEntropy(_Categorical):
    """Per position: logits (batch, T, classes) with token ids (batch, T); positions whose target is the
    padding id 0 are left out, and the mean is over the others (torch's CrossEntropyLoss(ignore_index=0)
    on the logits transposed to (batch, classes, T))."""

    key = "sequence_cross_entropy"
    rule = ("L = −mean over positions with y ≠ 0 of log softmax(z)[y]\n"
            "∂L/∂z = (softmax(z) − onehot(y)) / n  (0 where y = 0, padding)")

    def _forward(self, pred, target):
        shifted = pred - np.maximum.reduce(pred, axis=-1, keepdims=True)
        self._exp = np.exp(shifted)
        self._sum = np.add.reduce(self._exp, axis=-1, keepdims=True)
        self._valid = target != 0
        # No position to score (all padding) counts as 0/1, where PyTorch would give NaN.
        self._count = max(int(self._valid.sum()), 1)
        picked = np.take_along_axis(shifted, target[..., None], axis=-1)[..., 0]
        return np.add.reduce(((np.log(self._sum[..., 0]) - picked) * self._valid).reshape(-1)) / self._count

    def _backward(self, pred, target):
        grad = self._exp / self._sum
        np.put_along_axis(grad, target[..., None], np.take_along_axis(grad, target[..., None], axis=-1) - 1,
                          axis=-1)
        grad *= (self._valid / pred.dtype.type(self._count))[..., None].astype(pred.dtype)
        return grad

    def accuracy(self, pred, target):
        valid = target != 0
        return float(((pred.argmax(axis=-1) == target) & valid).sum() / max(int(valid.sum()), 1))

    def _numbers(self, p, y, grad, value):
        if p.ndim != 3 or p.shape[2] > SMALL:
            return [f"positions counted: {int((y != 0).sum())}", f"L = {value}"], {}
        cls = int(y[0, 0])
        shifted = p[0, 0].astype(float) - p[0, 0].max()
        prob = np.exp(shifted) / np.exp(shifted).sum()
        if cls == 0:
            first = f"sample 1, position 1: padding (y = 0), left out: ∂L/∂z = {fmt_array(grad[0, 0])}"
        else:
            first = (f"sample 1, position 1 (class {cls}): softmax({fmt_array(p[0, 0])}) = {fmt_array(prob)}; "
                     f"−log({fmt_number(prob[cls])}) = {fmt_number(-np.log(prob[cls]))}")
        return ([first, f"L = mean over {int((y != 0).sum())} positions = {value}"],
                {"prediction": [(0, 0, j) for j in range(p.shape[2])], "target": [(0, 0)],
                 "grad_prediction": [(0, 0, j) for j in range(p.shape[2])]})


_SHOWN = 4  # entries of an element-wise loss written out


def _elementwise_numbers(p: np.ndarray, y: np.ndarray, grad: np.ndarray, value: str, each: str, derivative: str,
                         grad_name: str = "∂L/∂ŷ") -> tuple[list[str], dict]:
    """Per-entry losses ℓ and gradients for the first entries (all of them when small), by the rules
    `each` and `derivative` written with {p}, {y} and {n} (the number of entries averaged)."""
    if p.shape != y.shape:
        return [f"L = {value}"], {}
    pv, yv, gv, n = p.reshape(-1), y.reshape(-1), grad.reshape(-1), p.size
    shown = min(n, _SHOWN)
    terms = [each.format(p=fmt_number(pv[k]), y=term(yv[k]), n=n) for k in range(shown)]
    grads = [derivative.format(p=fmt_number(pv[k]), y=term(yv[k]), n=n) for k in range(shown)]
    more = " + …" if n > shown else ""
    lines = [f"L = ({signed_sum(terms)}{more}) / {n} = {value}" if n > 1 else f"L = {terms[0]} = {value}"]
    lines += [f"{grad_name}[{k + 1}] = {grads[k]} = {fmt_number(gv[k])}" for k in range(shown)]
    index = [tuple(int(i) for i in np.unravel_index(k, p.shape)) for k in range(shown)]
    hl = {"prediction": index, "target": index, "grad_prediction": index}
    return lines, hl
