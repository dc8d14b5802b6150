"""Sequence layers (Embedding, SimpleRNN, LSTM, GRU, LastStep): shapes, initialisation, gradients
against central finite differences in float64, dropout on inputs, and stepping through time."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnviz.engine.base import LAYERS
from nnviz.engine.layers.embedding import TokenError
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import ShapeError, get_spec

RECURRENT = ["rnn", "lstm", "gru"]


def make(key: str, in_shape: tuple[int, ...], dtype=np.float64, seed: int = 0, **params):
    spec = get_spec(key)
    hp = spec.validate_params(params)
    out_shape = spec.infer([in_shape], hp)
    layer = LAYERS[key](hp, [in_shape], out_shape, np.dtype(dtype))
    layer.init_params(np.random.default_rng(seed), spec.weight_shapes([in_shape], hp))
    return layer


def numeric_grad(f, array: np.ndarray, eps: float = 1e-6) -> np.ndarray:
    """Central differences of the scalar f() w.r.t. every element of array (changed in place)."""
    grad = np.zeros_like(array)
    for idx in np.ndindex(array.shape):
        old = array[idx]
        array[idx] = old + eps
        up = f()
        array[idx] = old - eps
        down = f()
        array[idx] = old
        grad[idx] = (up - down) / (2 * eps)
    return grad


def check_gradients(layer, x: np.ndarray, rng: np.random.Generator, check_input: bool = True) -> None:
    out = layer.forward([x])
    r = rng.normal(size=out.shape)
    grad_x = layer.backward(r)[0]

    def loss() -> float:
        return float(np.sum(layer.forward([x]) * r))

    if check_input:
        np.testing.assert_allclose(grad_x, numeric_grad(loss, x), rtol=1e-6, atol=1e-8)
    analytic = {k: v.copy() for k, v in layer.grads.items()}
    assert set(analytic) == set(layer.params)
    for name, value in layer.params.items():
        np.testing.assert_allclose(analytic[name], numeric_grad(loss, value), rtol=1e-6, atol=1e-8,
                                   err_msg=name)


# ---------------------------------------------------------------------------------- specs
@pytest.mark.parametrize(("key", "gates"), [("rnn", 1), ("lstm", 4), ("gru", 3)])
def test_recurrent_shapes_and_weights_follow_pytorch(key, gates):
    spec = get_spec(key)
    assert spec.category == "Sequence"
    hp = spec.validate_params({"hidden_size": 7})
    assert spec.infer([(11, 5)], hp) == (7,)
    assert spec.infer([(11, 5)], {**hp, "return_sequences": True}) == (11, 7)
    assert spec.weight_shapes([(11, 5)], hp) == {
        "weight_ih_l0": (gates * 7, 5), "weight_hh_l0": (gates * 7, 7),
        "bias_ih_l0": (gates * 7,), "bias_hh_l0": (gates * 7,)}
    assert spec.count_weights([(11, 5)], hp) == gates * 7 * (5 + 7 + 2)
    no_bias = spec.weight_shapes([(11, 5)], {**hp, "use_bias": False})
    assert set(no_bias) == {"weight_ih_l0", "weight_hh_l0"}


def test_shape_errors_are_worded_for_a_learner():
    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": (10,)})
    lstm = doc.add_node("lstm", name="memory")
    doc.connect(inp.id, lstm.id)
    message = doc.analysis().errors[lstm.id]
    assert "needs a sequence (time steps, features)" in message and "Embedding" in message
    with pytest.raises(ShapeError, match="token ids"):
        get_spec("embedding").infer([(4, 3)], get_spec("embedding").validate_params({}))
    with pytest.raises(ShapeError, match="padding index"):
        get_spec("embedding").infer([(4,)], get_spec("embedding").validate_params(
            {"num_embeddings": 5, "padding_idx": 5}))
    with pytest.raises(ShapeError, match="return sequences"):
        get_spec("last_step").infer([(4,)], {})


def test_text_network_summary_counts_parameters():
    doc = GraphDocument()
    nodes = [doc.add_node("input", params={"shape": (12,)}),
             doc.add_node("embedding", params={"num_embeddings": 100, "embedding_dim": 32}),
             doc.add_node("lstm", params={"hidden_size": 64, "dropout": 0.2}),
             doc.add_node("dense", params={"units": 1, "activation": "sigmoid"})]
    for a, b in itertools.pairwise(nodes):
        doc.connect(a.id, b.id)
    analysis = doc.analysis()
    assert analysis.valid
    assert analysis.shapes[nodes[1].id] == (12, 32)
    assert analysis.shapes[nodes[2].id] == (64,)
    # PyTorch's counts: 100*32 for the table; 4 gates x 64 x (32 inputs + 64 + 2 biases) for the LSTM
    # (Keras, with one bias per gate, would say 4*64*(32+64+1)).
    assert analysis.param_counts[nodes[1].id] == 3200
    assert analysis.param_counts[nodes[2].id] == 4 * 64 * (32 + 64 + 2)


# ---------------------------------------------------------------------------------- init
@pytest.mark.parametrize("key", RECURRENT)
def test_recurrent_init_is_uniform_within_one_over_sqrt_hidden(key):
    layer = make(key, (3, 20), hidden_size=16)
    bound = 1 / np.sqrt(16)
    for name, value in layer.params.items():
        assert np.abs(value).max() <= bound, name
        assert np.abs(value).max() > 0.8 * bound, name  # really spread over the range, not zeros
    explicit = {"weight_hh_l0": np.ones(layer.params["weight_hh_l0"].shape)}
    again = make(key, (3, 20), hidden_size=16)
    spec = get_spec(key)
    again.params.clear()
    again.init_params(np.random.default_rng(0), spec.weight_shapes([(3, 20)], again.hp), explicit)
    np.testing.assert_array_equal(again.params["weight_hh_l0"], 1.0)
    # An explicit tensor does not shift the random numbers of the others.
    np.testing.assert_array_equal(again.params["weight_ih_l0"], layer.params["weight_ih_l0"])


def test_embedding_init_is_standard_normal_with_zero_padding_row():
    layer = make("embedding", (6,), num_embeddings=400, embedding_dim=50, padding_idx=0)
    w = layer.params["weight"]
    assert np.all(w[0] == 0)
    assert abs(w[1:].mean()) < 0.02 and abs(w[1:].std() - 1) < 0.02


# ---------------------------------------------------------------------------------- gradients
@pytest.mark.parametrize("key", RECURRENT)
@pytest.mark.parametrize("return_sequences", [False, True])
@pytest.mark.parametrize("use_bias", [True, False])
def test_recurrent_gradients_match_finite_differences(key, return_sequences, use_bias):
    rng = np.random.default_rng([RECURRENT.index(key), return_sequences, use_bias])
    layer = make(key, (4, 3), hidden_size=3, return_sequences=return_sequences, use_bias=use_bias)
    for name in layer.params:  # larger weights than the init make the gates saturate less uniformly
        layer.params[name][...] = rng.normal(0, 0.7, size=layer.params[name].shape)
    check_gradients(layer, rng.normal(size=(2, 4, 3)), rng)


@pytest.mark.parametrize("return_sequences", [False, True])
def test_relu_rnn_gradients_match_finite_differences(return_sequences):
    rng = np.random.default_rng(3)
    layer = make("rnn", (5, 2), hidden_size=4, nonlinearity="relu", return_sequences=return_sequences)
    check_gradients(layer, rng.normal(size=(3, 5, 2)), rng)


def test_embedding_gradient_sums_repeated_tokens_and_skips_padding():
    rng = np.random.default_rng(4)
    layer = make("embedding", (5,), num_embeddings=6, embedding_dim=3, padding_idx=0)
    ids = np.array([[0, 2, 2, 5, 1], [3, 3, 0, 2, 4]], dtype=np.float64)
    out = layer.forward([ids])
    np.testing.assert_array_equal(out, layer.params["weight"][ids.astype(int)])
    r = rng.normal(size=out.shape)
    grad_in = layer.backward(r)[0]
    assert grad_in.shape == ids.shape and not grad_in.any()

    weight = layer.params["weight"]
    numeric = numeric_grad(lambda: float(np.sum(layer.forward([ids]) * r)), weight)
    numeric[0] = 0.0  # PyTorch's padding_idx: the padding row never learns
    np.testing.assert_allclose(layer.grads["weight"], numeric, rtol=1e-6, atol=1e-8)
    np.testing.assert_allclose(layer.grads["weight"][2], r[0, 1] + r[0, 2] + r[1, 3])


def test_embedding_refuses_ids_outside_the_vocabulary():
    layer = make("embedding", (3,), num_embeddings=4, embedding_dim=2)
    with pytest.raises(TokenError, match=r"token id 4 .* ids 0\.\.3"):
        layer.forward([np.array([[0.0, 4.0, 1.0]])])
    with pytest.raises(TokenError, match="whole-number"):
        layer.forward([np.array([[0.5, 1.0, 1.0]])])


def test_last_step_takes_the_final_time_step():
    rng = np.random.default_rng(6)
    layer = make("last_step", (4, 3))
    x = rng.normal(size=(2, 4, 3))
    np.testing.assert_array_equal(layer.forward([x]), x[:, -1])
    check_gradients(layer, x, rng)


# ---------------------------------------------------------------------------------- dropout
@pytest.mark.parametrize("key", RECURRENT)
def test_input_dropout_uses_one_mask_for_every_time_step(key):
    rng = np.random.default_rng(7)
    layer = make(key, (6, 40), hidden_size=3, dropout=0.25, return_sequences=True)
    layer.rng = np.random.default_rng(11)
    x = rng.normal(size=(5, 6, 40))
    layer.forward([x])
    mask = layer.mask
    assert mask.shape == (5, 1, 40)
    assert set(np.unique(mask)) == {0.0, 1.0}
    assert 0.1 < np.mean(mask == 0) < 0.4
    # The layer saw exactly x * mask / (1 - p): the same features of a sample are dropped at every step.
    np.testing.assert_allclose(layer._x, x * mask / 0.75, rtol=1e-15)
    np.testing.assert_array_equal(layer.extra_tensors("forward")["mask"], mask)
    dropped = mask[:, 0] == 0
    r = rng.normal(size=(5, 6, 3))
    grad = layer.backward(r)[0]
    assert np.all(grad[np.broadcast_to(dropped[:, None, :], grad.shape)] == 0)

    # Gradients w.r.t. the input and weights are exact for the fixed mask.
    state = layer.rng.bit_generator.state

    def loss() -> float:
        layer.rng.bit_generator.state = state
        return float(np.sum(layer.forward([x]) * r))

    loss()
    layer.backward(r)
    np.testing.assert_allclose(layer.grads["weight_ih_l0"], numeric_grad(loss, layer.params["weight_ih_l0"]),
                               rtol=1e-6, atol=1e-8)

    layer.training = False
    np.testing.assert_array_equal(layer.forward([x]), make(key, (6, 40), hidden_size=3,
                                                           return_sequences=True).forward([x]))
    assert layer.mask is None


def test_dropout_needs_a_seeded_generator_and_only_then_is_stochastic():
    assert not make("lstm", (3, 2), hidden_size=2).stochastic
    layer = make("lstm", (3, 2), hidden_size=2, dropout=0.5)
    assert layer.stochastic
    with pytest.raises(RuntimeError, match="random generator"):
        layer.forward([np.ones((1, 3, 2))])


# ---------------------------------------------------------------------------------- stepping
def _drain(gen):
    steps = []
    while True:
        try:
            steps.append(next(gen))
        except StopIteration as stop:
            return steps, stop.value


EXPECTED_FORWARD = {
    "rnn": {"x_t", "h_prev", "pre_t", "h_t"},
    "lstm": {"x_t", "h_prev", "c_prev", "gate_i", "gate_f", "gate_g", "gate_o", "c_t", "h_t"},
    "gru": {"x_t", "h_prev", "gate_r", "gate_z", "gate_n", "h_t"},
}
EXPECTED_BACKWARD = {
    "rnn": {"grad_h_t", "delta_t", "grad_h_prev", "grad_x_t"},
    "lstm": {"grad_h_t", "grad_c_t", "delta_t", "grad_h_prev", "grad_c_prev", "grad_x_t"},
    "gru": {"grad_h_t", "delta_t", "delta_h_t", "grad_h_prev", "grad_x_t"},
}


@pytest.mark.parametrize("key", RECURRENT)
@pytest.mark.parametrize("dtype", [np.float32, np.float64])
def test_stepping_through_time_is_bit_identical_to_the_fast_path(key, dtype):
    rng = np.random.default_rng(8)
    x = rng.normal(size=(3, 5, 4)).astype(dtype)
    r = rng.normal(size=(3, 6)).astype(dtype)
    fast = make(key, (5, 4), dtype=dtype, hidden_size=6, dropout=0.3)
    stepped = make(key, (5, 4), dtype=dtype, hidden_size=6, dropout=0.3)
    fast.rng, stepped.rng = np.random.default_rng(1), np.random.default_rng(1)

    out_fast = fast.forward([x])
    grad_fast = fast.backward(r)[0]
    fwd, out_stepped = _drain(stepped.forward_steps([x]))
    bwd, grads_stepped = _drain(stepped.backward_steps(r))

    assert out_stepped.dtype == np.dtype(dtype)
    np.testing.assert_array_equal(out_stepped, out_fast)
    np.testing.assert_array_equal(grads_stepped[0], grad_fast)
    for name in fast.grads:
        np.testing.assert_array_equal(stepped.grads[name], fast.grads[name])
    assert [t for t, _ in fwd] == [1, 2, 3, 4, 5]
    assert [t for t, _ in bwd] == [5, 4, 3, 2, 1]
    assert set(fwd[1][1]) == EXPECTED_FORWARD[key]
    assert set(fwd[0][1]) == EXPECTED_FORWARD[key] | {"dropout_mask"}
    assert all(set(d) == EXPECTED_BACKWARD[key] for _, d in bwd)
    # Each step's tensors describe that step: h_t of step t is the output state at t.
    for t, tensors in fwd:
        np.testing.assert_array_equal(tensors["h_t"], stepped.hs[:, t - 1])
        assert tensors["h_t"].shape == (3, 6)
    np.testing.assert_array_equal(fwd[-1][1]["h_t"], out_fast)
    np.testing.assert_array_equal(fwd[2][1]["h_prev"], fwd[1][1]["h_t"])
    # The recorded dL/dh_t of the last step is the incoming gradient (only the last step is output).
    np.testing.assert_array_equal(bwd[0][1]["grad_h_t"], r)
    np.testing.assert_allclose(bwd[-1][1]["grad_x_t"], grad_fast[:, 0], rtol=1e-5, atol=1e-6)


def test_lstm_step_tensors_obey_the_cell_equations():
    rng = np.random.default_rng(9)
    layer = make("lstm", (4, 3), hidden_size=5)
    steps, _ = _drain(layer.forward_steps([rng.normal(size=(2, 4, 3))]))
    for _, s in steps:
        np.testing.assert_allclose(s["c_t"], s["gate_f"] * s["c_prev"] + s["gate_i"] * s["gate_g"])
        np.testing.assert_allclose(s["h_t"], s["gate_o"] * np.tanh(s["c_t"]))
        for gate in ("gate_i", "gate_f", "gate_o"):
            assert np.all((s[gate] > 0) & (s[gate] < 1))
    assert not steps[0][1]["h_prev"].any() and not steps[0][1]["c_prev"].any()


def test_gradient_norm_per_step_shows_vanishing_gradients():
    rng = np.random.default_rng(10)
    layer = make("rnn", (30, 2), hidden_size=4)
    for name in layer.params:  # small recurrent weights: the gradient shrinks going back in time
        layer.params[name] *= 0.3
    layer.forward([rng.normal(size=(4, 30, 2))])
    layer.backward(rng.normal(size=(4, 4)))
    norms = layer.grad_norm_per_step()
    assert norms.shape == (30,)
    assert norms[-1] > 100 * norms[0]
    extra = layer.extra_tensors("backward")
    np.testing.assert_array_equal(extra["grad_norm_per_step"], norms)
    assert layer.extra_tensors("forward")["hidden_states"].shape == (4, 30, 4)


def test_every_recurrent_step_has_a_formula_naming_its_tensors():
    from nnviz.engine.sequence_formulas import STEP_FORMULAS

    for key in RECURRENT:
        assert "h_t" in STEP_FORMULAS[(key, "forward")]
        assert "h_(t−1)" in STEP_FORMULAS[(key, "backward")]
    assert "c_t = f ⊙ c_(t−1) + i ⊙ g" in STEP_FORMULAS[("lstm", "forward")]
