"""Every engine layer's gradients against central finite differences in float64.

For each layer the scalar L = sum(output * R) (R random) is differentiated numerically w.r.t. every
input element and every parameter element, and compared with backward(R) (rtol 1e-6).
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tests.test_engine_helpers import check_layer_gradients, make_layer, random_inputs

ACTIVATIONS = ["none", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax"]
FAST = settings(max_examples=30, deadline=None)


@pytest.mark.parametrize("activation", ACTIVATIONS)
@pytest.mark.parametrize("use_bias", [True, False])
def test_dense(activation, use_bias):
    layer = make_layer("dense", [(5,)], units=4, activation=activation, use_bias=use_bias)
    check_layer_gradients(layer, random_inputs(layer, 3, np.random.default_rng(1)))
    assert ("bias" in layer.params) == use_bias
    if activation != "none":
        assert layer.z is not None and layer.z.shape == (3, 4)


# Smooth activations only: a random example could put some z within the finite-difference step of
# ReLU's kink. Fused ReLU-family convolutions are checked exactly against PyTorch instead.
@FAST
@given(c=st.integers(1, 3), o=st.integers(1, 3), h=st.integers(3, 7), w=st.integers(3, 7),
       kh=st.integers(1, 3), kw=st.integers(1, 3), sh=st.integers(1, 3), sw=st.integers(1, 3),
       ph=st.integers(0, 2), pw=st.integers(0, 2), batch=st.integers(1, 3),
       activation=st.sampled_from(["none", "tanh", "sigmoid", "elu"]), use_bias=st.booleans())
def test_conv2d_random_geometry(c, o, h, w, kh, kw, sh, sw, ph, pw, batch, activation, use_bias):
    layer = make_layer("conv2d", [(c, h, w)], out_channels=o, kernel_size=(kh, kw), stride=(sh, sw),
                       padding=(ph, pw), activation=activation, use_bias=use_bias)
    check_layer_gradients(layer, random_inputs(layer, batch, np.random.default_rng(h * w)))


@pytest.mark.parametrize("key", ["maxpool2d", "avgpool2d"])
@FAST
@given(c=st.integers(1, 3), h=st.integers(2, 7), w=st.integers(2, 7), kh=st.integers(1, 3),
       kw=st.integers(1, 3), sh=st.integers(1, 3), sw=st.integers(1, 3), pad=st.booleans(),
       batch=st.integers(1, 2))
def test_pooling_random_geometry(key, c, h, w, kh, kw, sh, sw, pad, batch):
    kh, kw = min(kh, h), min(kw, w)
    padding = (kh // 2, kw // 2) if pad else (0, 0)
    layer = make_layer(key, [(c, h, w)], kernel_size=(kh, kw), stride=(sh, sw), padding=padding)
    # Distinct values at least 0.01 apart: a finite-difference step can never change which one is the max.
    rng = np.random.default_rng(c * h * w)
    x = (rng.permutation(batch * c * h * w) * 0.01 - 1.0).reshape(batch, c, h, w)
    check_layer_gradients(layer, [x])


@pytest.mark.parametrize(("key", "shape"), [("batchnorm1d", (4,)), ("batchnorm1d", (3, 5)),
                                            ("batchnorm2d", (2, 3, 4))])
@pytest.mark.parametrize("affine", [True, False])
@pytest.mark.parametrize("training", [True, False])
def test_batchnorm(key, shape, affine, training):
    layer = make_layer(key, [shape], affine=affine)
    rng = np.random.default_rng(5)
    if affine:  # away from the initial 1 / 0 so a swapped weight and bias would show
        layer.params["weight"][...] = rng.uniform(0.5, 2.0, shape[0])
        layer.params["bias"][...] = rng.standard_normal(shape[0])
    layer.buffers["running_mean"][...] = rng.standard_normal(shape[0])
    layer.buffers["running_var"][...] = rng.uniform(0.5, 2.0, shape[0])
    layer.training = training
    check_layer_gradients(layer, random_inputs(layer, 4, rng))


@pytest.mark.parametrize("training", [True, False])
def test_dropout(training):
    layer = make_layer("dropout", [(4, 3)], p=0.4)
    layer.training = training
    check_layer_gradients(layer, random_inputs(layer, 5, np.random.default_rng(2)))


@pytest.mark.parametrize("num_inputs", [2, 3])
def test_add(num_inputs):
    layer = make_layer("add", [(2, 3)] * num_inputs, num_inputs=num_inputs)
    check_layer_gradients(layer, random_inputs(layer, 2, np.random.default_rng(3)))


@pytest.mark.parametrize(("shapes", "axis"), [([(2,), (3,)], 0), ([(2, 3, 4), (1, 3, 4), (3, 3, 4)], 0),
                                              ([(2, 3, 4), (2, 1, 4)], 1), ([(2, 3, 1), (2, 3, 2)], 2)])
def test_concatenate(shapes, axis):
    layer = make_layer("concatenate", shapes, num_inputs=len(shapes), axis=axis)
    check_layer_gradients(layer, random_inputs(layer, 2, np.random.default_rng(4)))


@pytest.mark.parametrize(("key", "shape", "params"), [("flatten", (2, 3, 2), {}),
                                                      ("reshape", (12,), {"shape": (3, -1)})])
def test_shape_layers(key, shape, params):
    layer = make_layer(key, [shape], **params)
    check_layer_gradients(layer, random_inputs(layer, 2, np.random.default_rng(6)))


@pytest.mark.parametrize(("key", "params"), [
    ("identity", {}), ("relu", {}), ("leaky_relu", {"negative_slope": 0.2}), ("elu", {"alpha": 0.7}),
    ("gelu", {"approximate": "none"}), ("gelu", {"approximate": "tanh"}), ("sigmoid", {}), ("tanh", {}),
    ("softmax", {}),
])
@pytest.mark.parametrize("shape", [(6,), (2, 5)])
def test_activation_nodes(key, params, shape):
    layer = make_layer(key, [shape], **params)
    check_layer_gradients(layer, random_inputs(layer, 3, np.random.default_rng(7)))
