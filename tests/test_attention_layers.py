"""The Transformer's layers (LayerNorm, SelfAttention, PositionalEmbedding, MeanOverTime, FirstStep, Dense
over a sequence) and the per-position cross-entropy: every gradient against central finite differences,
and values and gradients against PyTorch autograd (nn.LayerNorm, nn.MultiheadAttention with its causal
and key-padding masks and attention dropout, F.cross_entropy(ignore_index=0)) in float64 and float32."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.layers.attention import SelfAttention
from nnviz.engine.losses import make_loss
from nnviz.graph.registry import ShapeError, get_spec
from tests.test_engine_helpers import check_layer_gradients, make_layer, numeric_grad, random_inputs
from tests.torch_util import require_torch


def token_ids(rng, n, t, pad_from=None):
    """(n, t) ids in 1..9, with the positions from pad_from[i] on set to padding 0 in sample i."""
    ids = rng.integers(1, 10, size=(n, t)).astype(np.float64)
    for i, start in enumerate(pad_from or []):
        ids[i, start:] = 0
    return ids


# ------------------------------------------------------------------ finite differences
@pytest.mark.parametrize("shape", [(5,), (4, 6)])
@pytest.mark.parametrize("affine", [True, False])
def test_layernorm_gradients(shape, affine):
    layer = make_layer("layernorm", [shape], elementwise_affine=affine)
    if affine:  # away from 1 and 0, so a missing γ or β term shows
        layer.params["weight"][:] = np.linspace(0.5, 2.0, shape[-1])
        layer.params["bias"][:] = np.linspace(-1.0, 1.0, shape[-1])
    check_layer_gradients(layer, random_inputs(layer, 3, np.random.default_rng(0)))


@pytest.mark.parametrize("heads,causal", [(1, False), (2, False), (2, True), (4, True)])
def test_self_attention_gradients(heads, causal):
    layer = make_layer("self_attention", [(5, 8)], num_heads=heads, causal=causal)
    layer.params["in_proj_bias"][:] = np.random.default_rng(3).normal(size=24) * 0.3
    layer.params["out_proj.bias"][:] = 0.1
    check_layer_gradients(layer, random_inputs(layer, 3, np.random.default_rng(heads)))


def test_self_attention_gradients_with_dropout():
    layer = make_layer("self_attention", [(4, 6)], num_heads=2, dropout=0.3)
    assert layer.stochastic
    check_layer_gradients(layer, random_inputs(layer, 2, np.random.default_rng(1)))


@pytest.mark.parametrize("causal", [False, True])
def test_self_attention_gradients_with_padding_ids(causal):
    """The ids only mask: their own gradient is zero, and x's matches finite differences."""
    layer = make_layer("self_attention", [(5, 4), (5,)], num_heads=2, causal=causal, num_inputs=2)
    rng = np.random.default_rng(7)
    x = rng.normal(size=(3, 5, 4))
    ids = token_ids(rng, 3, 5, pad_from=[3, 5, 1])
    out = layer.forward([x, ids])
    r = rng.normal(size=out.shape)
    gx, gids = layer.backward(r)
    assert not gids.any()
    expected = numeric_grad(lambda: float(np.sum(layer.forward([x, ids]) * r)), x)
    np.testing.assert_allclose(gx, expected, rtol=1e-6, atol=1e-8)
    for name, p in layer.params.items():
        layer.forward([x, ids])
        layer.backward(r)
        analytic = layer.grads[name].copy()
        np.testing.assert_allclose(analytic, numeric_grad(lambda: float(np.sum(layer.forward([x, ids]) * r)), p),
                                   rtol=1e-6, atol=1e-8, err_msg=name)
    # Padding keys get no weight; a padded sample's keys 4 and 5 (ids 0) are never attended to.
    assert not layer.attention_weights[0, :, :, 3:].any()


@pytest.mark.parametrize("kind", ["learned", "sinusoidal"])
def test_positional_embedding_gradients(kind):
    layer = make_layer("positional_embedding", [(4, 6)], kind=kind, max_len=7)
    check_layer_gradients(layer, random_inputs(layer, 2, np.random.default_rng(0)))
    if kind == "learned":
        assert not layer.grads["weight"][4:].any()  # positions beyond the sequence learn nothing


def test_poolings_and_dense_over_a_sequence_gradients():
    for key, params in (("first_step", {}), ("mean_over_time", {}), ("dense", {"units": 3, "activation": "tanh"})):
        layer = make_layer(key, [(4, 5)], **params)
        check_layer_gradients(layer, random_inputs(layer, 3, np.random.default_rng(0)))
    assert make_layer("dense", [(4, 5)], units=3).out_shape == (4, 3)


def test_mean_over_time_leaves_padding_out():
    layer = make_layer("mean_over_time", [(4, 2), (4,)], num_inputs=2)
    x = np.arange(24, dtype=np.float64).reshape(3, 4, 2)
    ids = np.array([[5, 6, 0, 0], [0, 0, 0, 0], [1, 2, 3, 4]], dtype=np.float64)
    out = layer.forward([x, ids])
    np.testing.assert_allclose(out, [x[0, :2].mean(axis=0), [0, 0], x[2].mean(axis=0)])
    r = np.random.default_rng(0).normal(size=out.shape)
    gx = layer.backward(r)[0]
    np.testing.assert_allclose(gx, numeric_grad(lambda: float(np.sum(layer.forward([x, ids]) * r)), x), atol=1e-8)


def test_sequence_cross_entropy_gradient_ignores_padding():
    loss = make_loss("sequence_cross_entropy")
    rng = np.random.default_rng(0)
    z = rng.normal(size=(3, 4, 5))
    y = np.array([[1, 2, 0, 0], [4, 4, 4, 3], [0, 0, 0, 1]])
    value = loss.forward(z, y)
    grad = loss.backward()
    np.testing.assert_allclose(grad, numeric_grad(lambda: loss.forward(z, y), z), atol=1e-8)
    assert not grad[0, 2:].any() and not grad[2, :3].any()
    logp = z - np.log(np.exp(z).sum(axis=-1, keepdims=True))
    kept = [logp[i, t, y[i, t]] for i in range(3) for t in range(4) if y[i, t]]
    assert value == pytest.approx(-np.mean(kept))


# ------------------------------------------------------------------ shapes and messages
def test_shape_errors_say_what_to_do():
    spec = get_spec("self_attention")
    with pytest.raises(ShapeError, match="does not divide evenly"):
        spec.infer([(5, 6)], spec.validate_params({"num_heads": 4}))
    with pytest.raises(ShapeError, match="put an Embedding"):
        spec.infer([(5,)], spec.validate_params({}))
    with pytest.raises(ShapeError, match="token ids"):
        spec.infer([(5, 4), (6,)], spec.validate_params({"num_inputs": 2}))
    pos = get_spec("positional_embedding")
    with pytest.raises(ShapeError, match="raise max length"):
        pos.infer([(9, 4)], pos.validate_params({"max_len": 8}))
    assert get_spec("layernorm").infer([(3, 7)], {}) == (3, 7)


def test_attention_keeps_what_the_view_reads():
    layer = make_layer("self_attention", [(5, 8)], num_heads=4, causal=True)
    layer.forward(random_inputs(layer, 2, np.random.default_rng(0)))
    assert layer.attention_weights.shape == (2, 4, 5, 5)
    np.testing.assert_allclose(layer.attention_weights.sum(axis=-1), 1.0)
    assert not np.triu(layer.attention_weights[0, 0], 1).any()  # causal: no weight on later positions
    assert layer.q.shape == layer.k.shape == layer.v.shape == (2, 4, 5, 2)
    assert layer.scores.shape == (2, 4, 5, 5)
    assert set(layer.extra_tensors("forward")) == {"q", "k", "v", "scores", "attention_weights", "attention_mask"}
    layer.backward(np.ones((2, 5, 8)))
    backward = set(layer.extra_tensors("backward"))
    assert {"grad_scores", "grad_q", "grad_k", "grad_v", "grad_attention_weights"} <= backward


# ------------------------------------------------------------------ PyTorch
TOL = {"float64": {"rtol": 1e-9, "atol": 1e-11}, "float32": {"rtol": 2e-5, "atol": 1e-6}}


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("shape", [(6,), (5, 6)])
def test_layernorm_matches_pytorch(dtype, shape):
    torch = require_torch()
    layer = make_layer("layernorm", [shape], dtype=dtype)
    rng = np.random.default_rng(1)
    layer.params["weight"][:] = rng.normal(size=6)
    layer.params["bias"][:] = rng.normal(size=6)
    module = torch.nn.LayerNorm(6).to(getattr(torch, dtype))
    with torch.no_grad():
        module.weight.copy_(torch.from_numpy(layer.params["weight"]))
        module.bias.copy_(torch.from_numpy(layer.params["bias"]))
    x = (rng.normal(size=(4, *shape)) * 3 + 1).astype(dtype)
    xt = torch.from_numpy(x.copy()).requires_grad_()
    expected = module(xt)
    np.testing.assert_allclose(layer.forward([x]), expected.detach().numpy(), **TOL[dtype])
    r = rng.normal(size=expected.shape).astype(dtype)
    expected.backward(torch.from_numpy(r))
    np.testing.assert_allclose(layer.backward(r)[0], xt.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(layer.grads["weight"], module.weight.grad.numpy(), **TOL[dtype])
    np.testing.assert_allclose(layer.grads["bias"], module.bias.grad.numpy(), **TOL[dtype])


def torch_attention(torch, layer: SelfAttention, dtype):
    width = layer.in_shapes[0][1]
    module = torch.nn.MultiheadAttention(width, layer.heads, dropout=layer.hp["dropout"], batch_first=True)
    module = module.to(getattr(torch, dtype))
    with torch.no_grad():
        for name, value in layer.params.items():
            module.get_parameter(name).copy_(torch.from_numpy(value))
    return module


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("heads,causal,padded,dropout", [(1, False, False, 0.0), (4, False, False, 0.0),
                                                         (2, True, False, 0.0), (2, False, True, 0.0),
                                                         (4, True, True, 0.0), (2, True, True, 0.4)])
def test_self_attention_matches_multihead_attention(dtype, heads, causal, padded, dropout, monkeypatch):
    torch = require_torch()
    n, t, e = 3, 5, 8
    in_shapes = [(t, e), (t,)] if padded else [(t, e)]
    layer = make_layer("self_attention", in_shapes, dtype=dtype, num_heads=heads, causal=causal, dropout=dropout,
                       num_inputs=len(in_shapes))
    rng = np.random.default_rng(heads)
    layer.params["in_proj_bias"][:] = rng.normal(size=3 * e) * 0.2
    layer.params["out_proj.bias"][:] = rng.normal(size=e) * 0.2
    module = torch_attention(torch, layer, dtype)
    x = rng.normal(size=(n, t, e)).astype(dtype)
    # Sample 1 is padded at the end (the causal model's layout), sample 3 at the start (a classifier's).
    ids = token_ids(rng, n, t, pad_from=[3])
    seeing_nothing = causal and not dropout  # with dropout, compared through the path that calls F.dropout
    if seeing_nothing:
        ids[2, :2] = 0
    xs = [x, ids] if padded else [x]
    out = layer.forward(xs)
    if dropout:  # PyTorch drops exactly the attention weights the engine dropped
        mask = torch.from_numpy(layer.dropout_mask).reshape(n * heads, t, t)  # PyTorch's (N·h, T, T)
        monkeypatch.setattr(torch.nn.functional, "dropout",
                            lambda a, p, training=True, inplace=False: a * mask / (1 - p))
    xt = torch.from_numpy(x.copy()).requires_grad_()
    kwargs = {}
    if padded:
        kwargs["key_padding_mask"] = torch.from_numpy(ids == 0)
    if causal:
        kwargs["attn_mask"] = torch.ones(t, t, dtype=torch.bool).triu(1)
    if padded and seeing_nothing:  # a query that sees only padding: zero weights (as SDPA gives), no NaN
        expected = module(xt, xt, xt, need_weights=False, **kwargs)[0]
    else:
        expected, weights = module(xt, xt, xt, need_weights=True, average_attn_weights=False, **kwargs)
        np.testing.assert_allclose(layer.attention_weights, weights.detach().numpy() if not dropout else
                                   layer.attention_weights, **TOL[dtype])
    np.testing.assert_allclose(out, expected.detach().numpy(), **TOL[dtype])
    r = rng.normal(size=out.shape).astype(dtype)
    expected.backward(torch.from_numpy(r))
    grads = layer.backward(r)
    np.testing.assert_allclose(grads[0], xt.grad.numpy(), **TOL[dtype])
    for name in layer.params:
        np.testing.assert_allclose(layer.grads[name], module.get_parameter(name).grad.numpy(), err_msg=name,
                                   **TOL[dtype])


@pytest.mark.torch
def test_self_attention_starts_like_pytorch():
    """xavier_uniform_ over the packed (3E, E) in_proj_weight, U(±1/√E) out_proj, zero biases."""
    torch = require_torch()
    layer = make_layer("self_attention", [(4, 64)], num_heads=4)
    torch.manual_seed(0)
    module = torch.nn.MultiheadAttention(64, 4, batch_first=True)
    for name, value in layer.params.items():
        theirs = module.get_parameter(name).detach().numpy()
        assert value.shape == theirs.shape
        assert np.abs(value).max() == pytest.approx(np.abs(theirs).max(), rel=0.05) if theirs.any() else not value.any()
        assert value.std() == pytest.approx(theirs.std(), rel=0.1) if theirs.any() else True


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
def test_sequence_cross_entropy_matches_pytorch(dtype):
    torch = require_torch()
    rng = np.random.default_rng(0)
    z = rng.normal(size=(4, 6, 7)).astype(dtype)
    y = rng.integers(0, 7, size=(4, 6))
    y[0, 3:] = 0
    loss = make_loss("sequence_cross_entropy")
    value = loss.forward(z, y)
    zt = torch.from_numpy(z.copy()).requires_grad_()
    expected = torch.nn.CrossEntropyLoss(ignore_index=0)(zt.transpose(1, 2), torch.from_numpy(y))
    expected.backward()
    assert value == pytest.approx(float(expected.detach()), rel=1e-6 if dtype == "float32" else 1e-12)
    np.testing.assert_allclose(loss.backward(), zt.grad.numpy(), **TOL[dtype])
    assert loss.accuracy(z, y) == pytest.approx(float(((z.argmax(-1) == y) & (y != 0)).sum() / (y != 0).sum()))


def test_micro_steps_show_the_attention_mechanism_with_numbers():
    """Stepping a session: the attention node's forward carries Q, K, V, the scores, the mask and the
    weights, its backward ∂L/∂A, ∂L/∂S, ∂L/∂Q, K, V; both formulas have the numbers of one query row; LayerNorm's
    shows its mean, variance and x̂."""
    from nnviz.engine.session import Session
    from tests.test_attention_export import _causal_model

    doc, dataset = _causal_model()
    session = Session(doc, dataset)
    attn = next(nid for nid, n in doc.nodes.items() if n.type == "self_attention")
    norm = next(nid for nid, n in doc.nodes.items() if n.type == "layernorm")
    events = {}
    while len(events) < 3:
        e = session.step()
        if (e.node, e.phase) in ((attn, "forward"), (attn, "backward"), (norm, "forward")):
            events[(e.node, e.phase)] = e
    forward, backward = events[(attn, "forward")], events[(attn, "backward")]
    assert {"q", "k", "v", "scores", "attention_mask", "attention_weights"} <= set(forward.tensors)
    assert forward.tensors["attention_weights"].shape == (4, 4, 6, 6)  # batch, heads, T, T
    assert {"grad_attention_weights", "grad_scores", "grad_q", "grad_k", "grad_v", "grad_in_proj_weight",
            "grad_out_proj.weight"} <= set(backward.tensors)
    text = "\n".join(forward.formula.lines())
    assert "softmax(S)" in text and "A[1; head 1, t = " in text and "−∞" not in text.split("A[1")[1].split("\n")[0]
    sums = forward.tensors["attention_weights"].sum(axis=-1)
    seeing = forward.tensors["attention_mask"].any(axis=-1)  # (N, 1, T): the query sees some key
    np.testing.assert_allclose(sums, np.broadcast_to(seeing, sums.shape).astype(float), atol=1e-6)
    assert "∂L/∂S[1; head 1" in "\n".join(backward.formula.lines())
    ln = "\n".join(events[(norm, "forward")].formula.lines())
    assert "μ = " in ln and "σ² = " in ln and "x̂ = " in ln


@pytest.mark.parametrize("name", ["classifier", "causal_model", "first_token"])
def test_whole_networks_pass_the_gradient_check(name):
    """engine/gradcheck (what `nnviz gradcheck` runs): every parameter of each network against central
    differences, masks and the per-position loss included."""
    from nnviz.engine.gradcheck import gradcheck
    from tests.test_attention_export import CASES

    doc, dataset = CASES[name]()
    report = gradcheck(doc, dataset)
    assert sum(t.checked for t in report.tensors) > 90
    assert not [t for t in report.tensors if t.failed or t.non_finite]
