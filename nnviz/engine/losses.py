"""Loss functions with PyTorch's definitions and 'mean' reduction.

forward(prediction, target) returns the scalar loss; backward() returns dL/dprediction.
Targets: integer class ids (batch,) for cross_entropy and nll_probs; otherwise floats shaped like
the prediction.
"""

from __future__ import annotations

from typing import ClassVar

import numpy as np

from nnviz.engine.activations import sigmoid

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
    symbol: ClassVar[str] = ""  # the formula, for the formula panel
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

    def _backward(self, pred: np.ndarray, target: np.ndarray) -> np.ndarray:
        raise NotImplementedError


@_register
class MSE(Loss):
    key = "mse"
    symbol = "L = mean((y_hat - y)^2)"

    def _forward(self, pred, target):
        self._diff = pred - target
        return _mean(self._diff * self._diff)

    def _backward(self, pred, target):
        return (2.0 / pred.size) * self._diff


@_register
class L1(Loss):
    key = "l1"
    symbol = "L = mean(|y_hat - y|)"

    def _forward(self, pred, target):
        return _mean(np.abs(pred - target))

    def _backward(self, pred, target):
        return np.sign(pred - target) / pred.size


class _Binary(Loss):
    threshold: ClassVar[float] = 0.5

    def accuracy(self, pred, target):
        return float(_mean((pred > self.threshold) == (target > 0.5)))


@_register
class BCE(_Binary):
    """On probabilities. Like torch.nn.BCELoss, each log is clamped at -100 so p = 0 or 1 stays finite."""

    key = "bce"
    symbol = "L = -mean(y log(y_hat) + (1 - y) log(1 - y_hat))"

    def _forward(self, pred, target):
        with np.errstate(divide="ignore"):  # log(0) = -inf, then clamped like PyTorch
            log_p = np.maximum(np.log(pred), -100)
            log_1mp = np.maximum(np.log1p(-pred), -100)
        return -_mean(target * log_p + (1 - target) * log_1mp)

    def _backward(self, pred, target):
        # torch's binary_cross_entropy_backward: (p - y) / max(p (1 - p), EPSILON) / n, where its
        # EPSILON is the float 1e-12 (9.99999996e-13 even in float64 arithmetic).
        return (pred - target) / np.maximum((1 - pred) * pred, _TORCH_BCE_EPSILON) / pred.size


@_register
class BCEWithLogits(_Binary):
    key = "bce_logits"
    symbol = "L = -mean(y log(s(z)) + (1 - y) log(1 - s(z)))"
    threshold = 0.0

    def _forward(self, pred, target):
        return _mean(np.maximum(pred, 0) - pred * target + np.log1p(np.exp(-np.abs(pred))))

    def _backward(self, pred, target):
        return (sigmoid(pred) - target) / pred.size


class _Categorical(Loss):
    integer_targets = True

    def accuracy(self, pred, target):
        return float(_mean(pred.argmax(axis=1) == target))


@_register
class CrossEntropy(_Categorical):
    """On logits (batch, classes) with class ids (batch,): softmax and log in one stable step."""

    key = "cross_entropy"
    symbol = "L = -mean(log softmax(z)[y])"

    def _forward(self, pred, target):
        shifted = pred - np.maximum.reduce(pred, axis=1, keepdims=True)
        self._exp = np.exp(shifted)  # kept for backward: softmax = exp / sum
        self._sum = np.add.reduce(self._exp, axis=1, keepdims=True)
        return _mean(np.log(self._sum[:, 0]) - shifted[np.arange(len(target)), target])

    def _backward(self, pred, target):
        grad = self._exp / self._sum
        grad[np.arange(len(target)), target] -= 1
        return grad / len(target)


@_register
class NLLOfProbabilities(_Categorical):
    """On probabilities from a softmax output: -mean(log p[y]), PyTorch's nll_loss(log(p), y)."""

    key = "nll_probs"
    symbol = "L = -mean(log(y_hat[y]))"

    def _forward(self, pred, target):
        with np.errstate(divide="ignore"):
            return -_mean(np.log(pred[np.arange(len(target)), target]))

    def _backward(self, pred, target):
        grad = np.zeros_like(pred)
        rows = np.arange(len(target))
        with np.errstate(divide="ignore"):
            grad[rows, target] = -1.0 / (pred[rows, target] * len(target))
        return grad
