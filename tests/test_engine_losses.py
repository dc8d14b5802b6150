"""The six losses: values and gradients against finite differences and torch.nn.functional."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.losses import LOSSES, make_loss
from nnviz.graph.settings import LOSSES as SETTING_LOSSES
from tests.test_engine_helpers import numeric_grad
from tests.torch_util import require_torch


def sample(key: str, batch: int, classes: int, rng: np.random.Generator, dtype=np.float64):
    """(prediction, target) of the kind each loss expects."""
    z = rng.standard_normal((batch, classes)) * 2
    if key == "sequence_cross_entropy":  # (batch, 3 positions, classes) with ids; 0 (padding) is ignored
        classes = max(classes, 2)
        y = rng.integers(0, classes, size=(batch, 3))
        y[0, 0] = classes - 1  # at least one position counts
        return (rng.standard_normal((batch, 3, classes)) * 2).astype(dtype), y
    if key in ("cross_entropy", "nll_probs"):
        y = rng.integers(0, classes, size=batch)
        if key == "nll_probs":
            z = np.exp(z) / np.exp(z).sum(axis=1, keepdims=True)
        return z.astype(dtype), y
    if key == "bce":
        return (1 / (1 + np.exp(-z))).astype(dtype), rng.uniform(0, 1, z.shape).astype(dtype)
    if key == "bce_logits":
        return z.astype(dtype), rng.integers(0, 2, z.shape).astype(dtype)
    return z.astype(dtype), rng.standard_normal(z.shape).astype(dtype)


def torch_loss(torch, key, pred, target):
    f = torch.nn.functional
    return {
        "mse": lambda: f.mse_loss(pred, target),
        "l1": lambda: f.l1_loss(pred, target),
        "bce": lambda: f.binary_cross_entropy(pred, target),
        "bce_logits": lambda: f.binary_cross_entropy_with_logits(pred, target),
        "cross_entropy": lambda: f.cross_entropy(pred, target),
        "nll_probs": lambda: f.nll_loss(torch.log(pred), target),
        "sequence_cross_entropy": lambda: f.cross_entropy(pred.transpose(1, 2), target, ignore_index=0),
    }[key]()


def test_every_setting_has_a_loss():
    assert set(LOSSES) == set(SETTING_LOSSES)


@pytest.mark.parametrize("key", sorted(SETTING_LOSSES))
@pytest.mark.parametrize(("batch", "classes"), [(1, 1), (4, 3), (7, 2)])
def test_gradient_against_finite_differences(key, batch, classes):
    if key in ("cross_entropy", "nll_probs") and classes == 1:
        classes = 2
    pred, target = sample(key, batch, classes, np.random.default_rng(batch * classes))
    loss = make_loss(key)
    loss.forward(pred, target)
    analytic = loss.backward()
    expected = numeric_grad(lambda: make_loss(key).forward(pred, target), pred)
    np.testing.assert_allclose(analytic, expected, rtol=1e-6, atol=1e-9)


@pytest.mark.torch
@pytest.mark.parametrize("key", sorted(SETTING_LOSSES))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize(("batch", "classes"), [(1, 2), (5, 3), (16, 10)])
def test_against_pytorch(key, dtype, batch, classes):
    torch = require_torch()
    pred, target = sample(key, batch, classes, np.random.default_rng(classes), dtype)
    loss = make_loss(key)
    value = loss.forward(pred, target)
    grad = loss.backward()
    tpred = torch.from_numpy(pred.copy()).requires_grad_(True)
    tvalue = torch_loss(torch, key, tpred, torch.from_numpy(target))
    tvalue.backward()
    tol = {"rtol": 1e-12, "atol": 1e-14} if dtype == np.float64 else {"rtol": 1e-5, "atol": 1e-7}
    assert grad.dtype == dtype
    np.testing.assert_allclose(value, tvalue.item(), **tol)
    np.testing.assert_allclose(grad, tpred.grad.numpy(), **tol)


@pytest.mark.torch
@pytest.mark.parametrize(("key", "pred", "target"), [
    ("bce", [0.0, 1.0, 1e-30, 1 - 1e-16], [1.0, 0.0, 0.3, 0.0]),  # log clamped at -100 like PyTorch
    ("bce_logits", [-800.0, 800.0, -40.0, 40.0], [1.0, 0.0, 0.0, 1.0]),  # no overflow
    ("mse", [1.0, 2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 4.0]),
    ("l1", [1.0, -2.0, 3.0, 4.0], [1.0, 2.0, 3.0, 5.0]),  # a zero difference has gradient 0
])
def test_extreme_values_match_pytorch(key, pred, target):
    torch = require_torch()
    pred, target = np.array([pred]), np.array([target])
    loss = make_loss(key)
    value, grad = loss.forward(pred, target), loss.backward()
    tpred = torch.from_numpy(pred.copy()).requires_grad_(True)
    tvalue = torch_loss(torch, key, tpred, torch.from_numpy(target))
    tvalue.backward()
    assert np.isfinite(value) and np.all(np.isfinite(grad))
    np.testing.assert_allclose(value, tvalue.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, tpred.grad.numpy(), rtol=1e-12, atol=1e-300)


@pytest.mark.torch
def test_extreme_logits_cross_entropy_matches_pytorch():
    torch = require_torch()
    pred = np.array([[1000.0, -1000.0, 0.0], [-5e3, 5e3, 1.0]])
    target = np.array([1, 1])
    loss = make_loss("cross_entropy")
    value, grad = loss.forward(pred, target), loss.backward()
    tpred = torch.from_numpy(pred.copy()).requires_grad_(True)
    tvalue = torch.nn.functional.cross_entropy(tpred, torch.from_numpy(target))
    tvalue.backward()
    np.testing.assert_allclose(value, tvalue.item(), rtol=1e-12)
    np.testing.assert_allclose(grad, tpred.grad.numpy(), rtol=1e-12, atol=1e-300)


def test_float_targets_are_cast_to_the_prediction_dtype():
    pred = np.random.default_rng(0).standard_normal((4, 2)).astype(np.float32)
    loss = make_loss("mse")
    loss.forward(pred, np.zeros((4, 2)))  # float64 targets
    assert loss.backward().dtype == np.float32


@pytest.mark.parametrize(("key", "pred", "target", "expected"), [
    ("cross_entropy", [[2.0, 1.0], [0.0, 3.0], [1.0, 0.0]], [0, 1, 1], 2 / 3),
    ("nll_probs", [[0.7, 0.3], [0.2, 0.8]], [1, 1], 0.5),
    ("bce", [[0.9], [0.2], [0.6]], [[1.0], [0.0], [0.0]], 2 / 3),
    ("bce_logits", [[2.0], [-1.0]], [[1.0], [1.0]], 0.5),
])
def test_accuracy(key, pred, target, expected):
    assert make_loss(key).accuracy(np.array(pred), np.array(target)) == pytest.approx(expected)
