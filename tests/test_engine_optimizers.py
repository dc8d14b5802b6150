"""Optimisers against torch.optim: parameters after 12 steps from the same gradient sequence."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.optimizers import make_optimizer
from nnviz.graph.settings import TrainingSettings
from tests.torch_util import require_torch

CONFIGS = {
    "sgd": dict(optimizer="sgd", lr=0.1),
    "sgd_weight_decay": dict(optimizer="sgd", lr=0.05, weight_decay=0.1),
    "sgd_momentum": dict(optimizer="sgd", lr=0.05, momentum=0.9),
    "sgd_nesterov": dict(optimizer="sgd", lr=0.05, momentum=0.8, nesterov=True, weight_decay=0.01),
    "adam": dict(optimizer="adam", lr=0.01),
    "adam_weight_decay": dict(optimizer="adam", lr=0.02, beta1=0.8, beta2=0.95, eps=1e-6, weight_decay=0.1),
    "adamw": dict(optimizer="adamw", lr=0.01, weight_decay=0.05),
    "rmsprop": dict(optimizer="rmsprop", lr=0.01),
    "rmsprop_momentum": dict(optimizer="rmsprop", lr=0.01, momentum=0.9, alpha=0.9, weight_decay=0.01),
}


def torch_optimizer(torch, params, s: TrainingSettings):
    o = torch.optim
    if s.optimizer == "sgd":
        return o.SGD(params, lr=s.lr, momentum=s.momentum, nesterov=s.nesterov, weight_decay=s.weight_decay,
                     foreach=False)
    if s.optimizer in ("adam", "adamw"):
        cls = o.Adam if s.optimizer == "adam" else o.AdamW
        return cls(params, lr=s.lr, betas=(s.beta1, s.beta2), eps=s.eps, weight_decay=s.weight_decay,
                   foreach=False)
    return o.RMSprop(params, lr=s.lr, alpha=s.alpha, eps=s.eps, weight_decay=s.weight_decay,
                     momentum=s.momentum, foreach=False)


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(CONFIGS))
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_parameters_after_steps_equal_torch_optim(name, dtype):
    torch = require_torch()
    s = TrainingSettings(**CONFIGS[name])
    rng = np.random.default_rng(0)
    params = {"weight": rng.standard_normal((4, 3)).astype(dtype), "bias": rng.standard_normal(4).astype(dtype)}
    start = {k: v.copy() for k, v in params.items()}
    tparams = {k: torch.from_numpy(v.copy()).requires_grad_(True) for k, v in params.items()}
    opt = make_optimizer(s)
    topt = torch_optimizer(torch, list(tparams.values()), s)
    for _ in range(12):
        # Gradients that depend on the parameters (a quadratic bowl plus noise), as in training.
        grads = {k: (2 * v + rng.standard_normal(v.shape)).astype(dtype) for k, v in params.items()}
        for k, t in tparams.items():
            t.grad = torch.from_numpy(grads[k].copy())
        opt.update("dense_1", params, grads)
        topt.step()
    rtol = 1e-9 if dtype == np.float64 else 1e-5
    for k, v in params.items():
        assert v.dtype == dtype
        np.testing.assert_allclose(v, tparams[k].detach().numpy(), rtol=rtol, atol=rtol * 1e-2, err_msg=k)
        assert np.abs(v - start[k]).max() > 1e-3  # the steps really moved the parameters


def test_update_is_in_place_and_state_round_trips():
    s = TrainingSettings(optimizer="adam", lr=0.1)
    p = {"weight": np.ones((2, 2))}
    held = p["weight"]
    opt = make_optimizer(s)
    g = {"weight": np.full((2, 2), 0.5)}
    opt.update("n", p, g)
    assert held is p["weight"] and not np.allclose(held, 1.0)  # viewers hold the same array
    saved, before = opt.state_copy(), p["weight"].copy()
    opt.update("n", p, g)
    after_two = p["weight"].copy()
    p["weight"][...] = before
    opt.load_state(saved)
    opt.update("n", p, g)
    np.testing.assert_array_equal(p["weight"], after_two)  # restoring the state replays exactly
    assert saved["n.weight"]["step"] == 1
