"""Activation functions and their derivatives, shared by activation nodes and fused activations.

backward takes z (pre-activation), a = f(z) and dL/da, and returns dL/dz = dL/da * f'(z) (a
Jacobian product for softmax). Using the stored a where that is exact (sigmoid, tanh) avoids
recomputing exponentials; it is f'(z) evaluated correctly, not sigmoid applied twice.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

_SQRT_2_OVER_PI = math.sqrt(2.0 / math.pi)


def _erf(x: np.ndarray) -> np.ndarray:
    # NumPy has no vectorised erf; math.erf per element is exact and fine for learner-sized tensors.
    return np.vectorize(math.erf, otypes=[x.dtype])(x) if x.size else x.copy()


def forward(name: str, z: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    if name in ("none", "identity"):
        return z
    if name == "relu":
        return np.maximum(z, 0)
    if name == "sigmoid":
        # exp of -|z| never overflows: 1/(1+e) for z >= 0, e/(1+e) for z < 0 (same values as
        # 1/(1+exp(-z))), in four whole-array operations instead of masked gathers.
        e = np.exp(-np.abs(z))
        r = 1.0 / (1.0 + e)
        return np.where(z >= 0, r, e * r)
    if name == "tanh":
        return np.tanh(z)
    if name == "leaky_relu":
        return np.where(z > 0, z, z * z.dtype.type(hp.get("negative_slope", 0.01)))
    if name == "elu":
        alpha = z.dtype.type(hp.get("alpha", 1.0))
        return np.where(z > 0, z, alpha * np.expm1(np.minimum(z, 0)))
    if name == "gelu":
        if hp.get("approximate", "none") == "tanh":
            inner = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
            return (0.5 * z * (1.0 + np.tanh(inner))).astype(z.dtype)
        return (0.5 * z * (1.0 + _erf(z / math.sqrt(2.0)))).astype(z.dtype)
    if name == "softmax":
        shifted = z - z.max(axis=-1, keepdims=True)
        e = np.exp(shifted)
        return e / e.sum(axis=-1, keepdims=True)
    raise ValueError(f"unknown activation {name!r}")


def backward(name: str, z: np.ndarray, a: np.ndarray, grad: np.ndarray, hp: dict[str, Any]) -> np.ndarray:
    if name in ("none", "identity"):
        return grad
    if name == "relu":
        return grad * (z > 0)
    if name == "sigmoid":
        return grad * a * (1 - a)
    if name == "tanh":
        return grad * (1 - a * a)
    if name == "leaky_relu":
        return np.where(z > 0, grad, grad * z.dtype.type(hp.get("negative_slope", 0.01)))
    if name == "elu":
        alpha = z.dtype.type(hp.get("alpha", 1.0))
        return np.where(z > 0, grad, grad * (a + alpha))
    if name == "gelu":
        if hp.get("approximate", "none") == "tanh":
            inner = _SQRT_2_OVER_PI * (z + 0.044715 * z**3)
            t = np.tanh(inner)
            d_inner = _SQRT_2_OVER_PI * (1 + 3 * 0.044715 * z**2)
            return (grad * (0.5 * (1 + t) + 0.5 * z * (1 - t * t) * d_inner)).astype(z.dtype)
        cdf = 0.5 * (1.0 + _erf(z / math.sqrt(2.0)))
        pdf = np.exp(-0.5 * z * z) / math.sqrt(2.0 * math.pi)
        return (grad * (cdf + z * pdf)).astype(z.dtype)
    if name == "softmax":
        return a * (grad - (grad * a).sum(axis=-1, keepdims=True))
    raise ValueError(f"unknown activation {name!r}")


def derivative_text(name: str) -> str:
    """f'(z) in words for the formula panel."""
    return {
        "sigmoid": "f'(z) = s(z)(1 - s(z))",
        "tanh": "f'(z) = 1 - tanh(z)^2",
        "relu": "f'(z) = 1 if z > 0 else 0",
        "leaky_relu": "f'(z) = 1 if z > 0 else slope",
        "elu": "f'(z) = 1 if z > 0 else f(z) + alpha",
        "gelu": "f'(z) = Phi(z) + z phi(z)",
        "softmax": "df_i/dz_j = s_i (1[i=j] - s_j)",
        "identity": "f'(z) = 1",
        "none": "f'(z) = 1",
    }[name]
