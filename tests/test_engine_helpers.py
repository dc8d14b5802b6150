"""Shared helpers for the engine tests: build one layer from its spec, finite-difference gradients.

The helpers are tested here too (a finite-difference check that could not fail would prove nothing).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import numpy as np
import pytest

import nnviz.engine.layers  # noqa: F401  (registers the engine layers)
from nnviz.engine.base import LAYERS, Layer
from nnviz.graph.registry import get_spec

Shape = tuple[int, ...]


def make_layer(key: str, in_shapes: list[Shape], dtype: Any = np.float64, seed: int = 0,
               **params: Any) -> Layer:
    """A layer built the way the session builds it: validated params, inferred shapes, initialised weights."""
    spec = get_spec(key)
    hp = spec.validate_params(params)
    in_shapes = [tuple(s) for s in in_shapes]
    out_shape = spec.infer(in_shapes, hp)
    layer = LAYERS[key](hp, in_shapes, out_shape, np.dtype(dtype))
    layer.init_params(np.random.default_rng(seed), spec.weight_shapes(in_shapes, hp))
    if layer.stochastic:
        layer.rng = np.random.default_rng(seed + 1)
    return layer


def random_inputs(layer: Layer, batch: int, rng: np.random.Generator) -> list[np.ndarray]:
    return [rng.standard_normal((batch, *s)).astype(layer.dtype) for s in layer.in_shapes]


def numeric_grad(f: Callable[[], float], x: np.ndarray, h: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() w.r.t. every element of x (changed in place, restored)."""
    grad = np.zeros_like(x, dtype=np.float64)
    flat, gflat = x.reshape(-1), grad.reshape(-1)
    for i in range(flat.size):
        old = flat[i]
        flat[i] = old + h
        up = f()
        flat[i] = old - h
        down = f()
        flat[i] = old
        gflat[i] = (up - down) / (2 * h)
    return grad


def check_layer_gradients(layer: Layer, xs: list[np.ndarray], seed: int = 0, rtol: float = 1e-6,
                          atol: float = 1e-8) -> None:
    """Assert that backward's input and parameter gradients equal central differences of sum(out * R)."""
    rng = np.random.default_rng(seed)
    reseed = layer.stochastic  # the same dropout mask on every evaluation

    def forward() -> np.ndarray:
        if reseed:
            layer.rng = np.random.default_rng(seed + 99)
        return layer.forward([x.copy() for x in xs])

    out = forward()
    r = rng.standard_normal(out.shape)

    def loss() -> float:
        return float(np.sum(forward() * r))

    grads_in = layer.backward(r.copy())
    analytic = {f"input_{i}": g for i, g in enumerate(grads_in)}
    analytic.update({f"param {k}": layer.grads[k] for k in layer.params})
    assert len(grads_in) == len(xs)
    for i, x in enumerate(xs):
        expected = numeric_grad(loss, x)
        np.testing.assert_allclose(analytic[f"input_{i}"], expected, rtol=rtol, atol=atol,
                                   err_msg=f"{layer.key}: gradient of input {i}")
    for name, p in layer.params.items():
        expected = numeric_grad(loss, p)
        np.testing.assert_allclose(analytic[f"param {name}"], expected, rtol=rtol, atol=atol,
                                   err_msg=f"{layer.key}: gradient of {name}")


def test_make_layer_uses_the_spec_shapes():
    layer = make_layer("conv2d", [(3, 9, 8)], out_channels=4, kernel_size=3, stride=2, padding=1)
    assert layer.out_shape == (4, 5, 4)
    assert layer.params["weight"].shape == (4, 3, 3, 3)
    assert layer.params["bias"].shape == (4,)


def test_gradient_check_catches_a_wrong_gradient():
    layer = make_layer("dense", [(3,)], units=2)
    xs = random_inputs(layer, 4, np.random.default_rng(0))
    layer._backward_true = layer._backward
    layer._backward = lambda delta: [2 * g for g in layer._backward_true(delta)]  # deliberately wrong
    with pytest.raises(AssertionError, match="gradient of input 0"):
        check_layer_gradients(layer, xs)
