"""Each layer's, loss's and optimiser's formula: symbolic rules and the engine's own numbers substituted
(seed example 2, by hand)."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.formula_text import SMALL, Formula, fmt_array, fmt_number
from nnviz.engine.layers.core import Dense
from nnviz.engine.losses import make_loss
from nnviz.engine.optimizers import make_optimizer
from nnviz.graph.settings import TrainingSettings
from tests.test_engine_helpers import make_layer

SETTINGS = TrainingSettings(loss="mse", optimizer="sgd", lr=1.0, batch_size=1)
HP = {"units": 1, "activation": "sigmoid", "use_bias": True}


@pytest.fixture
def neuron():
    """One forward/loss/backward/update of the single sigmoid neuron, computed by the engine."""
    layer = Dense(HP, [(2,)], (1,), np.float64)
    layer.params = {"weight": np.array([[0.5, -0.5]]), "bias": np.zeros(1)}
    x, y = np.array([[0.9, 0.1]]), np.array([[0.8]])
    out = layer.forward([x])
    loss = make_loss("mse")
    value = loss.forward(out, y)
    grad = loss.backward()
    grad_in = layer.backward(grad)[0]
    fwd = {"input": x, "z": layer.z, "output": out, "weight": layer.params["weight"].copy(),
           "bias": layer.params["bias"].copy()}
    bwd = {"grad_output": grad, "delta": layer.delta, "grad_weight": layer.grads["weight"],
           "grad_bias": layer.grads["bias"], "grad_input": grad_in, **fwd}
    old = {k: v.copy() for k, v in layer.params.items()}
    for k in layer.params:
        layer.params[k] -= SETTINGS.lr * layer.grads[k]
    upd = {"weight": layer.params["weight"], "bias": layer.params["bias"],
           "update_weight": layer.params["weight"] - old["weight"],
           "update_bias": layer.params["bias"] - old["bias"],
           "grad_weight": layer.grads["weight"], "grad_bias": layer.grads["bias"]}
    return {"forward": fwd, "loss": {"prediction": out, "target": y, "loss": np.array(value), "grad_prediction": grad},
            "backward": bwd, "update": upd, "layer": layer, "grad": grad}


def update_formula(settings, tensors):
    return make_optimizer(settings).formula(tensors)


def test_fmt_number_uses_four_significant_digits_and_unicode_minus():
    assert fmt_number(0.598687660112452) == "0.5987"
    assert fmt_number(-0.5) == "−0.5"
    assert fmt_array(np.array([[1.0, -2.0]])) == "[[1, −2]]"
    assert fmt_number(-0.0) == "0" and fmt_array(np.array([-0.0, 0.0])) == "[0, 0]"  # never "−0"


def test_forward_shows_weighted_sum_and_sigmoid_with_engine_numbers(neuron):
    f = neuron["layer"].formula("forward", neuron["forward"])
    assert isinstance(f, Formula)
    assert "z = W·x + b" in f.symbolic and "a = σ(z)" in f.symbolic
    z, a = neuron["forward"]["z"][0, 0], neuron["forward"]["output"][0, 0]
    assert f"z₁ = 0.5×0.9 + (−0.5)×0.1 + 0 = {fmt_number(z)}" in f.numeric
    assert f"a₁ = σ({fmt_number(z)}) = {fmt_number(a)}" in f.numeric
    assert fmt_number(a) == "0.5987"  # the guide's number, computed not copied
    assert f.highlights["weight"] == [(0, 0), (0, 1)]
    assert f.highlights["input"] == [(0, 0), (0, 1)]


def test_loss_shows_squared_error_and_its_gradient(neuron):
    f = make_loss("mse").formula(neuron["loss"])
    assert f.symbolic.startswith("L = mean((ŷ − y)²)")
    value = float(neuron["loss"]["loss"])
    assert f"= {fmt_number(value)}" in f.numeric.splitlines()[0]
    assert f.numeric.splitlines()[1].endswith(f"= {fmt_number(neuron['grad'][0, 0])}")


def test_backward_uses_true_sigmoid_derivative_and_outer_product(neuron):
    f = neuron["layer"].formula("backward", neuron["backward"])
    assert "δ = ∂L/∂a ⊙ f'(z)" in f.symbolic and "∂L/∂W = δ·xᵀ" in f.symbolic
    b = neuron["backward"]
    a = b["output"][0, 0]
    delta = b["delta"][0, 0]
    # f'(z) = s(z)(1 - s(z)) evaluated at the neuron's output, not sigmoid applied twice
    assert np.isclose(delta, b["grad_output"][0, 0] * a * (1 - a))
    assert f"× {fmt_number(a)}×(1 − {fmt_number(a)}) = {fmt_number(delta)}" in f.numeric
    assert f"= {fmt_array(b['grad_weight'])}" in f.numeric
    assert f"∂L/∂b = {fmt_array(b['grad_bias'])}" in f.numeric
    assert f.highlights["grad_weight"] == [(0, 0), (0, 1)]


def test_sgd_update_shows_old_minus_lr_times_gradient(neuron):
    f = update_formula(SETTINGS, neuron["update"])
    assert "W ← W − η·g" in f.symbolic
    new_w = neuron["update"]["weight"]
    expected = (f"W = [[0.5, −0.5]] − 1 × {fmt_array(neuron['backward']['grad_weight'])} = "
                f"{fmt_array(new_w)}")
    assert expected in f.numeric
    assert np.allclose(new_w, [[0.5, -0.5]] - neuron["backward"]["grad_weight"])


@pytest.mark.parametrize("opt, marker", [("adam", "m̂"), ("rmsprop", "α·v"), ("adamw", "m ←")])
def test_other_optimisers_name_their_rule(opt, marker):
    f = update_formula(SETTINGS.with_(optimizer=opt), {})
    assert marker in f.symbolic and f.numeric is None


def test_momentum_and_weight_decay_appear_in_the_rule():
    s = SETTINGS.with_(momentum=0.9, nesterov=True, weight_decay=0.01)
    f = update_formula(s, {})
    assert "v ← μ·v + g" in f.symbolic and "λ·W" in f.symbolic and "μ·v)" in f.symbolic


def test_large_operands_are_summed_not_written_out():
    rng = np.random.default_rng(0)
    x = rng.normal(size=(4, SMALL + 1))
    hp = {"units": 3, "activation": "relu", "use_bias": True}
    z = x[:, :3]
    f = make_layer("dense", [(SMALL + 1,)], **hp).formula("forward", {"input": x, "z": z, "output": np.maximum(z, 0)})
    assert "ReLU" in f.symbolic and "×" not in f.numeric  # 17 products per unit: the sum and its value only
    assert f"z₁ = Σᵢ W[1,i]·xᵢ + b₁ = {fmt_number(z[0, 0])}" in f.numeric


def test_many_units_are_cut_after_a_few_lines():
    rng = np.random.default_rng(1)
    w, x = rng.normal(size=(10, 2)), rng.normal(size=(1, 2))
    z = x @ w.T
    layer = make_layer("dense", [(2,)], units=10, activation="none", use_bias=False)
    f = layer.formula("forward", {"input": x, "output": z, "weight": w})
    assert f.numeric.count("z") == 4 and "6 more units" in f.numeric
    assert f"= {fmt_number(z[0, 3])}" in f.numeric


def test_cross_entropy_first_sample():
    logits = np.array([[2.0, 0.0, -1.0], [0.0, 0.0, 0.0]])
    target = np.array([0, 2])
    loss = make_loss("cross_entropy")
    value = loss.forward(logits, target)
    f = loss.formula({"prediction": logits, "target": target, "loss": np.array(value),
                      "grad_prediction": loss.backward()})
    p0 = np.exp(2) / (np.exp(2) + 1 + np.exp(-1))
    assert f"−log({fmt_number(p0)})" in f.numeric and f"= {fmt_number(value)}" in f.numeric
    # the fused softmax and cross-entropy: p − onehot(y), the gradient the output layer receives
    assert f"∂L/∂z (sample 1) = ({fmt_array(np.exp(logits[0]) / np.exp(logits[0]).sum())} − [1, 0, 0]) / 2" in f.numeric


def test_activation_node_and_other_layers():
    z = np.array([[0.4, -1.0]])
    f = make_layer("tanh", [(2,)]).formula("forward", {"input": z, "output": np.tanh(z)})
    assert f.numeric == f"a = tanh({fmt_array(z[0])}) = {fmt_array(np.tanh(z[0]))}"
    assert "max" in make_layer("maxpool2d", [(1, 4, 4)], kernel_size=2).formula("forward", {}).symbolic
    conv = make_layer("conv2d", [(1, 4, 4)], out_channels=1, kernel_size=3)
    assert "W[o,c,u,v]" in conv.formula("forward", {}).symbolic
    assert make_layer("input", [], shape=(2,)).formula("backward", {}) is None


def test_conv_forward_shows_the_first_window_with_the_engines_numbers():
    layer = make_layer("conv2d", [(1, 4, 4)], out_channels=2, kernel_size=3, padding=1, activation="relu")
    rng = np.random.default_rng(3)
    layer.params = {"weight": rng.normal(size=(2, 1, 3, 3)), "bias": rng.normal(size=2)}
    x = rng.normal(size=(2, 1, 4, 4))
    out = layer.forward([x])
    t = {"input": x, "z": layer.z, "output": out, **layer.params}
    f = layer.formula("forward", t)
    assert f.numeric is not None
    assert f.numeric.splitlines()[0].endswith(f"= {fmt_number(layer.z[0, 0, 0, 0])}")
    assert f"ReLU({fmt_number(layer.z[0, 0, 0, 0])}) = {fmt_number(out[0, 0, 0, 0])}" in f.numeric
    # padding 1: the first window overlaps the input only at rows/columns 0..1
    assert sorted(f.highlights["input"]) == [(0, 0, i, j) for i in range(2) for j in range(2)]
    assert layer.formula("forward", {"input": x, "z": layer.z, "output": out}).numeric is None
