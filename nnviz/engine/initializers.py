"""Weight initialisers with PyTorch's definitions (fan_in/fan_out as torch.nn.init computes them)."""

from __future__ import annotations

import math

import numpy as np

Shape = tuple[int, ...]


def initialise(scheme: str, name: str, shape: Shape, fan_in: int, fan_out: int, rng: np.random.Generator,
               value: float = 0.0) -> np.ndarray:
    """Float64 values for one tensor. 'default' is what PyTorch's Linear/Conv2d reset_parameters does:
    kaiming_uniform(a=sqrt(5)) for weights, i.e. U(-1/sqrt(fan_in), 1/sqrt(fan_in)), and the same
    bound for biases."""
    if scheme == "default":
        bound = 1.0 / math.sqrt(fan_in) if fan_in > 0 else 0.0
        return rng.uniform(-bound, bound, size=shape)
    if scheme == "zeros":
        return np.zeros(shape)
    if scheme == "constant":
        return np.full(shape, float(value))
    if scheme == "xavier_uniform":
        bound = math.sqrt(6.0 / (fan_in + fan_out))
        return rng.uniform(-bound, bound, size=shape)
    if scheme == "xavier_normal":
        return rng.normal(0.0, math.sqrt(2.0 / (fan_in + fan_out)), size=shape)
    if scheme == "he_uniform":
        bound = math.sqrt(6.0 / fan_in)
        return rng.uniform(-bound, bound, size=shape)
    if scheme == "he_normal":
        return rng.normal(0.0, math.sqrt(2.0 / fan_in), size=shape)
    raise ValueError(f"unknown initialiser {scheme!r} for {name}")
