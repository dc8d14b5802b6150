"""Initialisers: PyTorch's default bound and fans, Xavier/He distributions, constants, typed values."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz.engine import initializers
from tests.test_engine_helpers import make_layer
from tests.torch_util import require_torch

N = (400, 500)  # 200k draws: sample statistics within ~1 % of the true ones


@pytest.mark.parametrize(("scheme", "bound"), [
    ("default", 1 / math.sqrt(400)), ("xavier_uniform", math.sqrt(6 / 900)), ("he_uniform", math.sqrt(6 / 400)),
])
def test_uniform_schemes_fill_their_bounds(scheme, bound):
    w = initializers.initialise(scheme, "weight", N, 400, 500, np.random.default_rng(0))
    assert w.shape == N
    assert np.abs(w).max() <= bound
    assert np.abs(w).max() > 0.999 * bound
    assert w.std() == pytest.approx(bound / math.sqrt(3), rel=0.01)  # std of U(-b, b)


@pytest.mark.parametrize(("scheme", "std"), [("xavier_normal", math.sqrt(2 / 900)), ("he_normal", math.sqrt(2 / 400))])
def test_normal_schemes_have_their_std(scheme, std):
    w = initializers.initialise(scheme, "weight", N, 400, 500, np.random.default_rng(1))
    assert w.std() == pytest.approx(std, rel=0.01)
    assert abs(w.mean()) < 0.01 * std  # 4.5 standard errors


def test_zeros_and_constant():
    rng = np.random.default_rng(0)
    assert not initializers.initialise("zeros", "bias", (3,), 2, 3, rng).any()
    np.testing.assert_array_equal(initializers.initialise("constant", "bias", (3,), 2, 3, rng, 0.25), [0.25] * 3)
    with pytest.raises(ValueError, match="unknown initialiser"):
        initializers.initialise("magic", "weight", (3,), 2, 3, rng)


@pytest.mark.torch
@pytest.mark.parametrize(("key", "in_shape", "params"), [
    ("dense", (30,), {"units": 7}),
    ("conv2d", (3, 9, 9), {"out_channels": 5, "kernel_size": (3, 2)}),
])
def test_layer_fans_and_default_bound_match_pytorch(key, in_shape, params):
    torch = require_torch()
    layer = make_layer(key, [in_shape], **params)
    if key == "dense":
        module = torch.nn.Linear(in_shape[0], params["units"])
    else:
        module = torch.nn.Conv2d(in_shape[0], params["out_channels"], params["kernel_size"])
    assert layer.weight_fans() == torch.nn.init._calculate_fan_in_and_fan_out(module.weight)
    bound = 1 / math.sqrt(layer.weight_fans()[0])
    for name in ("weight", "bias"):
        ours, theirs = layer.params[name], getattr(module, name).detach().numpy()
        assert ours.shape == theirs.shape
        # PyTorch draws U(-bound, bound) for both (kaiming_uniform(a=sqrt(5)) for the weight).
        assert np.abs(ours).max() <= bound and np.abs(theirs).max() <= bound
    big = make_layer(key, [in_shape], seed=3, **params)
    assert np.abs(np.concatenate([big.params["weight"].ravel(), layer.params["weight"].ravel()])).max() > 0.9 * bound


def test_typed_values_override_and_do_not_shift_the_other_layers_draws():
    spec_shapes = {"weight": (3, 2), "bias": (3,)}
    a = make_layer("dense", [(2,)], units=3)
    b = make_layer("dense", [(2,)], units=3)
    rng_a, rng_b = np.random.default_rng(5), np.random.default_rng(5)
    a.init_params(rng_a, spec_shapes)
    b.init_params(rng_b, spec_shapes, {"weight": np.arange(6.0).reshape(3, 2)})
    np.testing.assert_array_equal(b.params["weight"], np.arange(6.0).reshape(3, 2))
    np.testing.assert_array_equal(a.params["bias"], b.params["bias"])
    assert rng_a.random() == rng_b.random()


@pytest.mark.parametrize(("weight_init", "bias_init"), [("zeros", "constant"), ("he_normal", "zeros")])
def test_layer_honours_its_init_params(weight_init, bias_init):
    layer = make_layer("conv2d", [(2, 5, 5)], out_channels=3, weight_init=weight_init, bias_init=bias_init,
                       init_value=0.5)
    if weight_init == "zeros":
        assert not layer.params["weight"].any()
    else:
        assert layer.params["weight"].std() > 0
    assert np.all(layer.params["bias"] == (0.5 if bias_init == "constant" else 0.0))


@pytest.mark.parametrize("key", ["batchnorm1d", "batchnorm2d"])
def test_batchnorm_starts_like_pytorch(key):
    layer = make_layer(key, [(4,) if key == "batchnorm1d" else (4, 3, 3)])
    np.testing.assert_array_equal(layer.params["weight"], np.ones(4))
    np.testing.assert_array_equal(layer.params["bias"], np.zeros(4))
    np.testing.assert_array_equal(layer.buffers["running_mean"], np.zeros(4))
    np.testing.assert_array_equal(layer.buffers["running_var"], np.ones(4))
    assert layer.buffers["num_batches_tracked"].dtype == np.int64 and int(layer.buffers["num_batches_tracked"]) == 0
