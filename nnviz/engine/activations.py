"""Activation functions and their derivatives, shared by activation nodes and fused activations.

backward takes z (pre-activation), a = f(z) and dL/da, and returns dL/dz = dL/da * f'(z) (a
Jacobian product for softmax). Using the stored a where that is exact (sigmoid, tanh) avoids
recomputing exponentials; it is f'(z) evaluated correctly, not sigmoid applied twice.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

import numpy as np

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def _erf(x: np.ndarray) -> np.ndarray:
    # NumPy has no vectorised erf; math.erf per element is exact and fine for learner-sized tensors.
    return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()


def sigmoid(z: np.ndarray) -> np.ndarray:
    """1 / (1 + exp(-z)), PyTorch's formula. exp(-z) overflows to inf for very negative z and the
    result is then exactly 0, which is right; the overflow is expected, so it is not reported.
    (A sign-split form would need np.where, which is ~10x slower on random signs.)"""
    with np.errstate(over="ignore"):
        return 1.0 / (1.0 + np.exp(-z))


def _leaky_relu(z: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    # max(z, s z) is exactly "z if z > 0 else s z" for s <= 1 (min for s > 1), without np.where.
    scaled = z * z.dtype.type(hp.get("negative_slope", 0.01))
    return np.maximum(z, scaled) if hp.get("negative_slope", 0.01) <= 1 else np.minimum(z, scaled)


def _leaky_relu_grad(z: np.ndarray, a: np.ndarray, grad: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    slope = hp.get("negative_slope", 0.01)
    if slope > 2:
        return np.where(z > 0, grad, grad * z.dtype.type(slope))
    # f'(z) as mask * (1 - s) + s: exactly 1 or s, since (1 - s) + s rounds to 1 for 0 <= s <= 2.
    factor = (z > 0).astype(z.dtype) * z.dtype.type(1 - slope) + z.dtype.type(slope)
    return grad * factor


def _elu(z: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    # max(z, 0) + alpha expm1(min(z, 0)): one of the two terms is exactly 0 for every z.
    alpha = z.dtype.type(hp.get("alpha", 1.0))
    return np.maximum(z, 0) + alpha * np.expm1(np.minimum(z, 0))


def _elu_grad(z: np.ndarray, a: np.ndarray, grad: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    alpha = z.dtype.type(hp.get("alpha", 1.0))
    positive = (z > 0).astype(z.dtype)
    # f'(z) = 1 for z > 0, f(z) + alpha otherwise (PyTorch's form using the output).
    return grad * ((a + alpha) * (1 - positive) + positive)


def _gelu(z: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    if hp.get("approximate", "none") == "tanh":
        inner = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
        return (0.5 * z * (1.0 + np.tanh(inner))).astype(z.dtype)
    return (0.5 * z * (1.0 + _erf(z / math.sqrt(2.0)))).astype(z.dtype)


def _gelu_grad(z: np.ndarray, a: np.ndarray, grad: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    if hp.get("approximate", "none") == "tanh":
        inner = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
        t = np.tanh(inner)
        d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z**2)
        return (grad * (0.5 * (1 + t) + 0.5 * z * (1 - t * t) * d_inner)).astype(z.dtype)
    cdf = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
    pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
    return (grad * (cdf + z * pdf)).astype(z.dtype)


def _softmax(z: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    shifted = z - z.max(axis=-1, keepdims=True)
    e = np.exp(shifted)
    return e / e.sum(axis=-1, keepdims=True)


Forward = Callable[[np.ndarray, dict[str, Any]], np.ndarray]
Backward = Callable[[np.ndarray, np.ndarray, np.ndarray, dict[str, Any]], np.ndarray]

# key -> (f(z, hp), (z, a, dL/da, hp) -> dL/dz); the keys are nnviz/graph/specs/activations.py's.
MATHS: dict[str, tuple[Forward, Backward]] = {
    "identity": (lambda z, hp: z, lambda z, a, grad, hp: grad),
    "relu": (lambda z, hp: np.maximum(z, 0), lambda z, a, grad, hp: grad * (z > 0)),
    "leaky_relu": (_leaky_relu, _leaky_relu_grad),
    "elu": (_elu, _elu_grad),
    "gelu": (_gelu, _gelu_grad),
    "sigmoid": (lambda z, hp: sigmoid(z), lambda z, a, grad, hp: grad * a * (1 - a)),
    "tanh": (lambda z, hp: np.tanh(z), lambda z, a, grad, hp: grad * (1 - a * a)),
    # The Jacobian product: dL/dz_i = a_i (dL/da_i - sum_j dL/da_j a_j).
    "softmax": (_softmax, lambda z, a, grad, hp: a * (grad - (grad * a).sum(axis=-1, keepdims=True))),
}


def _maths(name: str) -> tuple[Forward, Backward]:
    try:
        return MATHS["identity" if name == "none" else name]
    except KeyError:
        raise ValueError(f"unknown activation {name!r}") from None


def forward(name: str, z: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    """f(z) for the activation `name` ("none" is the identity, as a fused activation's setting)."""
    return _maths(name)[0](z, hp)


def backward(name: str, z: np.ndarray, a: np.ndarray, grad: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    """dL/dz from z, a = f(z) and dL/da."""
    return _maths(name)[1](z, a, grad, hp)
