"""Layer behaviour beyond gradients: dropout masks, train/eval switches, viewer tensors, refusals."""

from __future__ import annotations

import numpy as np
import pytest

from tests.test_engine_helpers import make_layer


def test_dropout_is_inverted_seeded_and_exposes_its_mask():
    layer = make_layer("dropout", [(100, 50)], p=0.3)
    x = np.ones((20, 100, 50))
    layer.rng = np.random.default_rng(42)
    out = layer.forward([x])
    mask = layer.extra_tensors("forward")["mask"]
    assert set(np.unique(mask)) == {0.0, 1.0}
    assert mask.mean() == pytest.approx(0.7, abs=0.01)  # 100k draws: keep rate 1 - p
    np.testing.assert_allclose(out, x * mask / 0.7)  # kept values scaled by 1 / (1 - p)
    assert out.mean() == pytest.approx(1.0, abs=0.02)  # so the expected output equals the input
    np.testing.assert_allclose(layer.backward(np.ones_like(x))[0], mask / 0.7)
    layer.rng = np.random.default_rng(42)
    np.testing.assert_array_equal(layer.forward([x]), out)  # same seed, same mask
    assert not np.array_equal(layer.forward([x]), out)  # the stream moves on


def test_dropout_is_the_identity_in_evaluation_and_for_p_zero():
    layer = make_layer("dropout", [(4,)], p=0.5)
    layer.training = False
    x = np.random.default_rng(0).standard_normal((3, 4))
    assert layer.forward([x]) is x
    assert "mask" not in layer.extra_tensors("forward")
    assert make_layer("dropout", [(4,)], p=0.0).forward([x]) is x


def test_dropout_keeps_float32():
    layer = make_layer("dropout", [(8,)], dtype=np.float32, p=0.25)
    out = layer.forward([np.ones((4, 8), np.float32)])
    assert out.dtype == np.float32 and layer.extra_tensors("forward")["mask"].dtype == np.float32


def test_dropout_without_a_generator_refuses_instead_of_being_unseeded():
    layer = make_layer("dropout", [(4,)], p=0.5)
    layer.rng = None
    with pytest.raises(RuntimeError, match="random generator"):
        layer.forward([np.ones((2, 4))])


def test_batchnorm_refuses_a_single_value_per_channel_in_training():
    layer = make_layer("batchnorm1d", [(3,)])
    with pytest.raises(ValueError, match="batch size above 1"):
        layer.forward([np.ones((1, 3))])
    layer.training = False
    assert layer.forward([np.ones((1, 3))]).shape == (1, 3)  # evaluation uses running statistics


def test_batchnorm_shows_its_batch_statistics():
    layer = make_layer("batchnorm2d", [(2, 3, 3)])
    x = np.random.default_rng(0).standard_normal((4, 2, 3, 3)) * 2 + 5
    out = layer.forward([x])
    extra = layer.extra_tensors("forward")
    np.testing.assert_allclose(extra["mean"], x.mean(axis=(0, 2, 3)))
    np.testing.assert_allclose(extra["var"], x.var(axis=(0, 2, 3)))
    np.testing.assert_allclose(out.mean(axis=(0, 2, 3)), 0, atol=1e-12)  # weight 1, bias 0 at the start
    np.testing.assert_allclose(out.var(axis=(0, 2, 3)), x.var(axis=(0, 2, 3)) / (x.var(axis=(0, 2, 3)) + 1e-5))


def test_maxpool_argmax_names_the_first_winning_window_position():
    layer = make_layer("maxpool2d", [(1, 2, 4)], kernel_size=2, stride=2)
    x = np.array([[[[1.0, 5.0, 7.0, 7.0],
                    [5.0, 2.0, 7.0, 0.0]]]])
    np.testing.assert_array_equal(layer.forward([x]), [[[[5.0, 7.0]]]])
    # Window 1: 5 at offsets 1 and 2 -> the first (1). Window 2: 7 at offsets 0, 1, 2 -> 0.
    np.testing.assert_array_equal(layer.extra_tensors("forward")["argmax"], [[[[1, 0]]]])
    grad = layer.backward(np.array([[[[10.0, 20.0]]]]))[0]
    np.testing.assert_array_equal(grad, [[[[0, 10, 20, 0], [0, 0, 0, 0]]]])


def test_conv_output_has_the_logical_nchw_shape_and_values_of_a_direct_sum():
    layer = make_layer("conv2d", [(2, 5, 4)], out_channels=3, kernel_size=(3, 2), stride=(2, 1), padding=(1, 0))
    x = np.random.default_rng(0).standard_normal((2, 2, 5, 4))
    out = layer.forward([x])
    w, b = layer.params["weight"], layer.params["bias"]
    xp = np.pad(x, ((0, 0), (0, 0), (1, 1), (0, 0)))
    expected = np.zeros((2, 3, 3, 3))
    for i in range(3):
        for j in range(3):
            patch = xp[:, :, 2 * i:2 * i + 3, j:j + 2]
            expected[:, :, i, j] = np.einsum("nckl,ockl->no", patch, w) + b
    assert out.shape == (2, 3, 3, 3)
    np.testing.assert_allclose(out, expected, rtol=1e-12, atol=1e-12)
