"""Every engine layer against PyTorch autograd: outputs, grad_input and grad_<param> on random shapes.

The engine layer is built from its spec, its parameters are copied into the matching torch.nn module,
both see the same input and the same upstream gradient. float64 must agree to ~1e-10; float32 runs
check the same numbers to float32 precision and that nothing is upcast to float64.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_engine_helpers import make_layer, random_inputs
from tests.torch_util import require_torch

pytestmark = pytest.mark.torch
FAST = settings(max_examples=20, deadline=None)
TOL = {np.float64: {"rtol": 1e-10, "atol": 1e-12}, np.float32: {"rtol": 2e-5, "atol": 1e-5}}  # values are O(1)


def torch_activation(torch, name, hp):
    f = torch.nn.functional
    return {
        "none": lambda z: z,
        "identity": lambda z: z,
        "relu": f.relu,
        "leaky_relu": lambda z: f.leaky_relu(z, hp.get("negative_slope", 0.01)),
        "elu": lambda z: f.elu(z, hp.get("alpha", 1.0)),
        "gelu": lambda z: f.gelu(z, approximate=hp.get("approximate", "none")),
        "sigmoid": torch.sigmoid,
        "tanh": torch.tanh,
        "softmax": lambda z: f.softmax(z, dim=-1),
    }[name]


def assert_matches_torch(layer, module, xs, dtype=np.float64, seed=0, param_map=None):
    """Run both on xs with one random upstream gradient; assert outputs and all gradients agree."""
    torch = require_torch()
    tol = TOL[dtype]
    param_map = param_map or {}
    with torch.no_grad():
        for name, value in layer.params.items():
            getattr(module, param_map.get(name, name)).copy_(torch.from_numpy(value))
    txs = [torch.from_numpy(x.copy()).requires_grad_(True) for x in xs]
    out = layer.forward([x.copy() for x in xs])
    tout = module(*txs)
    assert out.dtype == dtype, f"{layer.key} output is {out.dtype}, not {np.dtype(dtype)}"
    np.testing.assert_allclose(out, tout.detach().numpy(), **tol, err_msg=f"{layer.key} output")
    r = np.random.default_rng(seed).standard_normal(out.shape).astype(dtype)
    grads_in = layer.backward(r)
    tout.backward(torch.from_numpy(r))
    for i, (g, tx) in enumerate(zip(grads_in, txs, strict=True)):
        assert g.dtype == dtype, f"{layer.key} grad_input is {g.dtype}"
        np.testing.assert_allclose(g, tx.grad.numpy(), **tol, err_msg=f"{layer.key} grad_input {i}")
    for name in layer.params:
        tgrad = getattr(module, param_map.get(name, name)).grad.numpy()
        assert layer.grads[name].dtype == dtype, f"{layer.key} grad_{name} is {layer.grads[name].dtype}"
        np.testing.assert_allclose(layer.grads[name], tgrad, **tol, err_msg=f"{layer.key} grad_{name}")
    return out


class Fused:
    """A torch module followed by the engine's fused activation (Keras-style Dense(activation=...))."""

    def __init__(self, torch, module, activation, hp):
        self.module, self.act = module, torch_activation(torch, activation, hp)

    def __call__(self, x):
        return self.act(self.module(x))

    def __getattr__(self, name):
        return getattr(self.module, name)


@pytest.mark.parametrize("dtype", [np.float64, np.float32])
@pytest.mark.parametrize("activation", ["none", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax"])
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense(dtype, activation, use_bias):
    torch = require_torch()
    layer = make_layer("dense", [(7,)], dtype=dtype, units=5, activation=activation, use_bias=use_bias)
    linear = torch.nn.Linear(7, 5, bias=use_bias, dtype=torch.float64 if dtype == np.float64 else torch.float32)
    assert_matches_torch(
        layer, Fused(torch, linear, activation, layer.hp), random_inputs(layer, 6, np.random.default_rng(0)), dtype
    )


@FAST
@given(
    c=st.integers(1, 4),
    o=st.integers(1, 4),
    h=st.integers(4, 10),
    w=st.integers(4, 10),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 3),
    sw=st.integers(1, 3),
    ph=st.integers(0, 2),
    pw=st.integers(0, 2),
    batch=st.integers(1, 4),
    use_bias=st.booleans(),
    activation=st.sampled_from(["none", "relu", "leaky_relu", "tanh", "gelu"]),
    dtype=st.sampled_from([np.float64, np.float32]),
)
def test_conv2d(c, o, h, w, kh, kw, sh, sw, ph, pw, batch, use_bias, activation, dtype):
    torch = require_torch()
    layer = make_layer(
        "conv2d",
        [(c, h, w)],
        dtype=dtype,
        out_channels=o,
        kernel_size=(kh, kw),
        stride=(sh, sw),
        padding=(ph, pw),
        use_bias=use_bias,
        activation=activation,
    )
    conv = torch.nn.Conv2d(
        c, o, (kh, kw), (sh, sw), (ph, pw), bias=use_bias, dtype=torch.float64 if dtype == np.float64 else torch.float32
    )
    assert_matches_torch(
        layer, Fused(torch, conv, activation, layer.hp), random_inputs(layer, batch, np.random.default_rng(h)), dtype
    )


@pytest.mark.parametrize("key", ["maxpool2d", "avgpool2d"])
@FAST
@given(
    c=st.integers(1, 3),
    h=st.integers(2, 9),
    w=st.integers(2, 9),
    kh=st.integers(1, 4),
    kw=st.integers(1, 4),
    sh=st.integers(1, 3),
    sw=st.integers(1, 3),
    pad=st.booleans(),
    batch=st.integers(1, 3),
    dtype=st.sampled_from([np.float64, np.float32]),
)
def test_pooling(key, c, h, w, kh, kw, sh, sw, pad, batch, dtype):
    torch = require_torch()
    kh, kw = min(kh, h), min(kw, w)
    padding = (kh // 2, kw // 2) if pad else (0, 0)
    layer = make_layer(key, [(c, h, w)], dtype=dtype, kernel_size=(kh, kw), stride=(sh, sw), padding=padding)
    module = (torch.nn.MaxPool2d if key == "maxpool2d" else torch.nn.AvgPool2d)((kh, kw), (sh, sw), padding)
    assert_matches_torch(layer, module, random_inputs(layer, batch, np.random.default_rng(w)), dtype)


@pytest.mark.parametrize(("kernel", "stride"), [((2, 2), (2, 2)), ((3, 3), (1, 1)), ((3, 2), (2, 1))])
def test_maxpool_ties_send_the_gradient_to_the_first_maximum_like_pytorch(kernel, stride):
    require_torch()
    torch = require_torch()
    layer = make_layer("maxpool2d", [(2, 6, 6)], kernel_size=kernel, stride=stride)
    # Few distinct values: most windows hold several equal maxima.
    x = np.random.default_rng(3).integers(0, 3, size=(2, 2, 6, 6)).astype(np.float64)
    assert_matches_torch(layer, torch.nn.MaxPool2d(kernel, stride), [x])


@pytest.mark.parametrize(("key", "shape"), [("batchnorm1d", (5,)), ("batchnorm1d", (3, 4)), ("batchnorm2d", (3, 4, 5))])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_batchnorm_train_steps_running_stats_and_eval(key, shape, affine, dtype):
    torch = require_torch()
    momentum, eps = 0.3, 1e-3
    layer = make_layer(key, [shape], dtype=dtype, affine=affine, momentum=momentum, eps=eps)
    tdtype = torch.float64 if dtype == np.float64 else torch.float32
    module = getattr(torch.nn, "BatchNorm1d" if key == "batchnorm1d" else "BatchNorm2d")(
        shape[0], eps=eps, momentum=momentum, affine=affine, dtype=tdtype
    )
    rng = np.random.default_rng(11)
    if affine:
        assert np.all(layer.params["weight"] == 1) and np.all(layer.params["bias"] == 0)
        layer.params["weight"][...] = rng.uniform(0.5, 2, shape[0])
        layer.params["bias"][...] = rng.standard_normal(shape[0])
    tol = TOL[dtype]
    for step in range(4):  # training: batch statistics, running statistics move each step
        xs = [(rng.standard_normal((6, *shape)) * 3 + 1).astype(dtype)]
        if affine:
            module.weight.grad = module.bias.grad = None
        assert_matches_torch(layer, module, xs, dtype, seed=step)
        np.testing.assert_allclose(layer.buffers["running_mean"], module.running_mean.numpy(), **tol)
        np.testing.assert_allclose(layer.buffers["running_var"], module.running_var.numpy(), **tol)
        assert layer.buffers["running_mean"].dtype == dtype
        assert int(layer.buffers["num_batches_tracked"]) == int(module.num_batches_tracked) == step + 1
    layer.training = False
    module.eval()
    if affine:
        module.weight.grad = module.bias.grad = None
    assert_matches_torch(layer, module, [rng.standard_normal((6, *shape)).astype(dtype)], dtype, seed=9)
    assert int(layer.buffers["num_batches_tracked"]) == 4  # evaluation does not count


@pytest.mark.parametrize("num_inputs", [2, 3])
def test_add(num_inputs):
    torch = require_torch()
    layer = make_layer("add", [(3, 2)] * num_inputs, num_inputs=num_inputs)
    assert_matches_torch(layer, lambda *xs: sum(xs[1:], xs[0]), random_inputs(layer, 4, np.random.default_rng(1)))
    del torch


@pytest.mark.parametrize(
    ("shapes", "axis"),
    [
        ([(2,), (5,)], 0),
        ([(2, 3, 4), (1, 3, 4)], 0),
        ([(2, 3, 4), (2, 2, 4), (2, 1, 4)], 1),
        ([(2, 3, 1), (2, 3, 3)], 2),
    ],
)
def test_concatenate(shapes, axis):
    torch = require_torch()
    layer = make_layer("concatenate", shapes, num_inputs=len(shapes), axis=axis)
    assert_matches_torch(
        layer, lambda *xs: torch.cat(xs, dim=axis + 1), random_inputs(layer, 3, np.random.default_rng(2))
    )


@pytest.mark.parametrize(
    ("key", "params"),
    [
        ("identity", {}),
        ("relu", {}),
        ("leaky_relu", {}),
        ("leaky_relu", {"negative_slope": 0.3}),
        ("leaky_relu", {"negative_slope": 1.5}),
        ("leaky_relu", {"negative_slope": 3.0}),
        ("elu", {}),
        ("elu", {"alpha": 0.5}),
        ("gelu", {"approximate": "none"}),
        ("gelu", {"approximate": "tanh"}),
        ("sigmoid", {}),
        ("tanh", {}),
        ("softmax", {}),
    ],
)
@pytest.mark.parametrize("dtype", [np.float64, np.float32])
def test_activation_nodes(key, params, dtype):
    torch = require_torch()
    layer = make_layer(key, [(4, 6)], dtype=dtype, **params)
    # Wide range, including large magnitudes where a naive sigmoid/softmax would overflow.
    x = (np.random.default_rng(4).standard_normal((3, 4, 6)) * 4).astype(dtype)
    x[0, 0, :3] = [-60.0, 60.0, 0.0]
    x[1, 0, :2] = [-200.0, 200.0]  # exp overflows in float32 (and sigmoid is then exactly 0)
    with np.errstate(over="raise", invalid="raise", divide="raise"):  # no overflow warning escapes
        assert_matches_torch(layer, torch_activation(torch, key, layer.hp), [x], dtype)


@pytest.mark.parametrize(
    ("key", "shape", "params"), [("flatten", (2, 3, 4), {}), ("reshape", (24,), {"shape": (2, -1, 3)})]
)
def test_shape_layers(key, shape, params):
    torch = require_torch()
    layer = make_layer(key, [shape], **params)
    assert_matches_torch(
        layer, lambda x: x.reshape(x.shape[0], *layer.out_shape), random_inputs(layer, 2, np.random.default_rng(5))
    )
    del torch
