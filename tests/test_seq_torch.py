"""Sequence layers against PyTorch (nn.Embedding, nn.RNN, nn.LSTM, nn.GRU, batch_first) with copied
weights: outputs, the input gradient and every parameter gradient, in float64 and float32; and a whole
Embedding -> LSTM -> Dense(sigmoid) network with BCE against autograd."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from nnviz.engine.losses import make_loss
from tests.test_seq_layers import make
from tests.torch_util import require_torch

pytestmark = pytest.mark.torch

MODULES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}


def torch_recurrent(torch, layer, dtype):
    key = layer.key
    kwargs = {"nonlinearity": layer.hp["nonlinearity"]} if key == "rnn" else {}
    module = getattr(torch.nn, MODULES[key])(layer.in_shapes[0][-1], layer.hidden, batch_first=True,
                                             bias=layer.hp["use_bias"], **kwargs).to(dtype)
    with torch.no_grad():
        for name, value in layer.params.items():
            getattr(module, name).copy_(torch.from_numpy(value))
    return module


@pytest.mark.parametrize("key", ["rnn", "lstm", "gru"])
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(1, 1, 1, 1), (3, 7, 5, 4), (4, 2, 9, 6)])
def test_recurrent_matches_pytorch(key, return_sequences, dtype, shape):
    torch = require_torch()
    n, t, f, h = shape
    rng = np.random.default_rng(list(shape))
    extra = {"nonlinearity": "relu"} if key == "rnn" and h == 6 else {}
    layer = make(key, (t, f), dtype=dtype, seed=t, hidden_size=h, return_sequences=return_sequences,
                 use_bias=shape != (4, 2, 9, 6), **extra)
    module = torch_recurrent(torch, layer, getattr(torch, dtype))
    x = rng.normal(size=(n, t, f)).astype(dtype)
    xt = torch.from_numpy(x.copy()).requires_grad_()
    seq, state = module(xt)
    expected = seq if return_sequences else seq[:, -1]
    out = layer.forward([x])
    tol = {"rtol": 1e-5, "atol": 1e-6} if dtype == "float32" else {"rtol": 1e-10, "atol": 1e-12}
    assert out.dtype == np.dtype(dtype)
    np.testing.assert_allclose(out, expected.detach().numpy(), **tol)
    final_h = state[0] if key == "lstm" else state
    np.testing.assert_allclose(layer.hs[:, -1], final_h[0].detach().numpy(), **tol)
    if key == "lstm":
        np.testing.assert_allclose(layer.cs[:, -1], state[1][0].detach().numpy(), **tol)

    r = rng.normal(size=out.shape).astype(dtype)
    expected.backward(torch.from_numpy(r))
    grad_x = layer.backward(r)[0]
    np.testing.assert_allclose(grad_x, xt.grad.numpy(), **tol)
    assert set(layer.grads) == {name for name, _ in module.named_parameters()}
    for name, param in module.named_parameters():
        np.testing.assert_allclose(layer.grads[name], param.grad.numpy(), **tol, err_msg=name)


@pytest.mark.parametrize("padding_idx", [-1, 0, 3])
def test_embedding_matches_pytorch(padding_idx):
    torch = require_torch()
    rng = np.random.default_rng(padding_idx + 5)
    layer = make("embedding", (6,), num_embeddings=8, embedding_dim=3, padding_idx=padding_idx)
    module = torch.nn.Embedding(8, 3, padding_idx=None if padding_idx < 0 else padding_idx).double()
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.params["weight"]))
    ids = rng.integers(0, 8, size=(4, 6))
    out = module(torch.from_numpy(ids))
    np.testing.assert_array_equal(layer.forward([ids.astype(np.float64)]), out.detach().numpy())
    r = rng.normal(size=(4, 6, 3))
    out.backward(torch.from_numpy(r))
    layer.backward(r)
    np.testing.assert_allclose(layer.grads["weight"], module.weight.grad.numpy(), rtol=1e-12, atol=1e-12)


def test_text_classifier_gradients_match_autograd():
    """Embedding(20, 4) -> LSTM(5) -> Dense(1, sigmoid), BCE: the loss and every gradient."""
    torch = require_torch()
    rng = np.random.default_rng(12)
    emb = make("embedding", (7,), num_embeddings=20, embedding_dim=4, seed=1)
    lstm = make("lstm", (7, 4), hidden_size=5, seed=2)
    dense = make("dense", (5,), seed=3, units=1, activation="sigmoid")
    ids = rng.integers(0, 20, size=(6, 7)).astype(np.float64)
    y = rng.integers(0, 2, size=(6, 1)).astype(np.float64)
    loss_fn = make_loss("bce")
    pred = dense.forward([lstm.forward([emb.forward([ids])])])
    loss = loss_fn.forward(pred, y)
    emb.backward(lstm.backward(dense.backward(loss_fn.backward())[0])[0])

    t_emb = torch.nn.Embedding(20, 4).double()
    t_lstm = torch_recurrent(torch, lstm, torch.float64)
    t_dense = torch.nn.Linear(5, 1).double()
    with torch.no_grad():
        t_emb.weight.copy_(torch.from_numpy(emb.params["weight"]))
        t_dense.weight.copy_(torch.from_numpy(dense.params["weight"]))
        t_dense.bias.copy_(torch.from_numpy(dense.params["bias"]))
    seq, _ = t_lstm(t_emb(torch.from_numpy(ids.astype(np.int64))))
    t_loss = torch.nn.BCELoss()(torch.sigmoid(t_dense(seq[:, -1])), torch.from_numpy(y))
    t_loss.backward()
    assert loss == pytest.approx(t_loss.item(), rel=1e-12)
    np.testing.assert_allclose(emb.grads["weight"], t_emb.weight.grad.numpy(), rtol=1e-9, atol=1e-12)
    for name, param in t_lstm.named_parameters():
        np.testing.assert_allclose(lstm.grads[name], param.grad.numpy(), rtol=1e-9, atol=1e-12)
    np.testing.assert_allclose(dense.grads["weight"], t_dense.weight.grad.numpy(), rtol=1e-9, atol=1e-12)


@settings(max_examples=25, deadline=None)
@given(key=st.sampled_from(["rnn", "lstm", "gru"]), n=st.integers(1, 4), t=st.integers(1, 8),
       f=st.integers(1, 5), h=st.integers(1, 6), return_sequences=st.booleans(), use_bias=st.booleans())
def test_random_shapes_match_pytorch_in_float64(key, n, t, f, h, return_sequences, use_bias):
    torch = require_torch()
    rng = np.random.default_rng([n, t, f, h])
    layer = make(key, (t, f), seed=n * t, hidden_size=h, return_sequences=return_sequences, use_bias=use_bias)
    module = torch_recurrent(torch, layer, torch.float64)
    x = rng.normal(size=(n, t, f))
    xt = torch.from_numpy(x.copy()).requires_grad_()
    seq, _ = module(xt)
    expected = seq if return_sequences else seq[:, -1]
    out = layer.forward([x])
    np.testing.assert_allclose(out, expected.detach().numpy(), rtol=1e-10, atol=1e-12)
    r = rng.normal(size=out.shape)
    expected.backward(torch.from_numpy(r))
    np.testing.assert_allclose(layer.backward(r)[0], xt.grad.numpy(), rtol=1e-10, atol=1e-12)
    for name, param in module.named_parameters():
        np.testing.assert_allclose(layer.grads[name], param.grad.numpy(), rtol=1e-10, atol=1e-12, err_msg=name)
