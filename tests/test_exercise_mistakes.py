"""Issue 15: every catalogued mistake, typed by a scripted learner, gets its diagnosis (and never a wrong
one) on at least three random networks; right answers pass; answers matching nothing get no diagnosis."""

from __future__ import annotations

import itertools
import json
from collections import defaultdict

import numpy as np
import pytest

from nnviz.engine.session import Session
from nnviz.exercise import judge
from nnviz.exercise.mistakes import CATALOGUE
from nnviz.exercise.question import Question, ask, situation
from nnviz.io import loads


def _node(nid, type_, name, params, pos, weights=None):
    node = {"id": nid, "type": type_, "name": name, "params": params, "pos": [pos * 250.0, 0.0]}
    if weights is not None:
        node["weights"] = weights
    return node


def _doc(nodes, data, training):
    edges = [{"src": a["id"], "dst": b["id"], "port": 0} for a, b in itertools.pairwise(nodes)]
    base = {"loss": "mse", "optimizer": "sgd", "lr": 0.3, "batch_size": 3, "seed": 0, "dtype": "float64",
            "shuffle": False}
    return loads(json.dumps({"format": "nnviz", "version": 1, "nodes": nodes, "edges": edges, "data": data,
                             "training": {**base, **training}}))


def mlp(seed: int, act: str, training: dict):
    """Input(3) -> Dense(3, act) (square, so W and Wᵀ differ) -> Dense(2, sigmoid), random weights and biases."""
    rng = np.random.default_rng(seed)

    def w(*shape):
        return rng.uniform(-1, 1, shape).round(3).tolist()

    nodes = [_node("n1", "input", "input", {"shape": [3]}, 0),
             _node("n2", "dense", "hidden", {"units": 3, "activation": act}, 1, {"weight": w(3, 3), "bias": w(3)}),
             _node("n3", "dense", "out", {"units": 2, "activation": "sigmoid"}, 2, {"weight": w(2, 3), "bias": w(2)})]
    data = {"kind": "inline", "task": "regression", "x": w(3, 3), "y": rng.uniform(0, 1, (3, 2)).round(2).tolist()}
    return _doc(nodes, data, training)


def softmax_net(seed: int):
    rng = np.random.default_rng(seed)
    nodes = [_node("n1", "input", "input", {"shape": [2]}, 0),
             _node("n2", "dense", "classes", {"units": 3, "activation": "softmax"}, 1,
                   {"weight": rng.uniform(-1, 1, (3, 2)).tolist(), "bias": rng.uniform(-1, 1, 3).tolist()})]
    data = {"kind": "inline", "task": "classification", "x": rng.uniform(-1, 1, (3, 2)).tolist(), "y": [0, 2, 1]}
    return _doc(nodes, data, {"loss": "nll_probs"})


def conv_net(seed: int):
    rng = np.random.default_rng(seed)
    nodes = [_node("n1", "input", "image", {"shape": [1, 4, 4]}, 0),
             _node("n2", "conv2d", "conv", {"out_channels": 2, "kernel_size": [2, 2], "activation": "tanh"}, 1,
                   {"weight": rng.uniform(-1, 1, (2, 1, 2, 2)).tolist(), "bias": rng.uniform(-1, 1, 2).tolist()}),
             _node("n3", "flatten", "flatten", {}, 2),
             _node("n4", "dense", "out", {"units": 1, "activation": "none"}, 3)]
    data = {"kind": "inline", "task": "regression", "x": rng.uniform(-1, 1, (2, 1, 4, 4)).tolist(),
            "y": rng.uniform(-1, 1, (2, 1)).tolist()}
    return _doc(nodes, data, {"batch_size": 2, "seed": seed})


def lstm_net(seed: int):
    rng = np.random.default_rng(seed)
    nodes = [_node("n1", "input", "sequence", {"shape": [3, 2]}, 0),
             _node("n2", "lstm", "lstm", {"hidden_size": 2}, 1),
             _node("n3", "dense", "out", {"units": 1, "activation": "none"}, 2)]
    data = {"kind": "inline", "task": "regression", "x": rng.uniform(-1, 1, (2, 3, 2)).tolist(),
            "y": rng.uniform(-1, 1, (2, 1)).tolist()}
    return _doc(nodes, data, {"batch_size": 2, "seed": seed})


NETWORKS = {
    "mlp_sigmoid_sgd": lambda s: mlp(s, "sigmoid", {}),
    "mlp_tanh_momentum": lambda s: mlp(s, "tanh", {"momentum": 0.9}),
    "mlp_sigmoid_adam": lambda s: mlp(s, "sigmoid", {"optimizer": "adam", "lr": 0.05}),
    "softmax": softmax_net,
    "conv": conv_net,
    "lstm": lstm_net,
}
SEEDS = (11, 12, 13, 14)


def questions(doc, steps: int = 2) -> list[Question]:
    """Every value of the first `steps` training steps that has a recipe, at every index of sample 1."""
    session = Session(doc)
    out, earlier = [], {}
    while session.steps_done < steps:
        event = session.step()
        if event.phase == "batch":
            earlier = {}
        sit = situation(session, event, earlier)
        earlier[(event.phase, event.node, event.t)] = event
        for name, value in event.tensors.items():
            value = np.asarray(value)
            indices = [()] if value.ndim == 0 else list(np.ndindex(*value.shape))[:12]
            for index in indices:
                q = ask(sit, name, index)
                if q is not None and q.candidates:
                    out.append(q)
    return out


@pytest.fixture(scope="module")
def diagnosed() -> dict[str, set[tuple[str, int]]]:
    """mistake key -> the (network, seed) pairs where typing its value got exactly that one diagnosis."""
    found: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for kind, make in NETWORKS.items():
        for seed in SEEDS:
            for q in questions(make(seed)):
                for keys, value in q.candidates:
                    if not judge.distinct(value, q.expected):
                        continue
                    typed = f"{value:.4g}"
                    verdict = q.check(typed)
                    assert not verdict.correct, (q.prompt(), keys, typed)
                    assert keys in verdict.mistakes, (q.prompt(), keys, typed, verdict.mistakes)
                    # never a wrong diagnosis: every mistake named gives the typed number
                    for named in verdict.mistakes:
                        assert any(k == named and judge.close(float(typed), v) for k, v in q.candidates)
                    if verdict.mistakes == [keys] and len(keys) == 1:
                        found[keys[0]].add((kind, seed))
    return found


@pytest.mark.parametrize("key", sorted(CATALOGUE))
def test_each_mistake_is_diagnosed_on_three_random_networks(diagnosed, key):
    assert len(diagnosed[key]) >= 3, f"{key}: diagnosed alone on only {sorted(diagnosed[key])}"


def test_right_answers_pass_and_unrelated_ones_get_no_diagnosis():
    qs = questions(mlp(5, "sigmoid", {}), steps=1)
    assert len(qs) > 20
    for q in qs:
        assert q.check(f"{q.expected:.4g}").correct
        assert q.check(f"{q.expected:.3g}").correct  # rounded to the stated 3 digits
        verdict = q.check("123456")
        assert not verdict.correct and verdict.mistakes == [] and "usual mistakes" in verdict.lines()[0]


def test_tolerance_and_reading_numbers():
    assert judge.close(0.598, 0.59869) and judge.close(0.599, 0.59869) and not judge.close(0.597, 0.59869)
    assert judge.parse("−0.0967") == -0.0967 and judge.parse("０.５") == 0.5 and judge.parse("0,5") == 0.5
    assert judge.parse("1/4") == 0.25 and judge.parse("-9.67e-2") == -0.0967 and judge.parse("abc") is None
    assert judge.judge(0.5, [], "x").lines()[0].startswith("That is not a number")


def test_the_guides_own_single_neuron_mistake_is_named_in_full():
    """The guide computes δ = (t − a)·σ(a)(1 − σ(a)): three mistakes at once, all named."""
    from nnviz.exercise.lesson import find
    from nnviz.exercise.runner import Player

    player = Player(find("sigmoid-backprop"))
    delta = next(q for _, _, qs in player.stops() for q in qs if q.tensor == "delta")
    a = 0.598687660112452
    guide = (0.8 - a) * (1 / (1 + np.exp(-a))) * (1 - 1 / (1 + np.exp(-a)))
    verdict = delta.check(f"{guide:.4g}")
    assert verdict.mistakes == [("error_sign", "mse_factor_2", "sigma_twice")]
    text = "\n".join(verdict.lines())
    assert "f'(a) instead of f'(z)" in text and "sign" in text and "factor 2" in text


def _asked_every_micro_step(doc) -> int:
    session, earlier, asked = Session(doc), {}, 0
    while session.steps_done < 1:
        event = session.step()
        if event.phase == "batch":
            earlier = {}
        q = ask(situation(session, event, earlier))
        earlier[(event.phase, event.node, event.t)] = event
        if q is not None:
            asked += 1
            assert q.check(f"{q.expected:.4g}").correct, q.prompt()
    return asked


@pytest.mark.parametrize("name", ["seed-lenet", "seed-text-lstm", "cnn-batchnorm", "residual-mlp"])
def test_exercise_mode_asks_at_every_micro_step_of_the_examples(name):
    from nnviz.resources import resource_path

    assert _asked_every_micro_step(loads(resource_path("examples", f"{name}.nnviz").read_text())) >= 7


def test_a_dense_layer_over_a_sequence_is_judged_without_a_guessed_diagnosis():
    nodes = [_node("n1", "input", "input", {"shape": [3, 2]}, 0),
             _node("n2", "dense", "dense", {"units": 2, "activation": "tanh"}, 1),
             _node("n3", "flatten", "flatten", {}, 2)]
    data = {"kind": "inline", "task": "regression", "x": np.ones((2, 3, 2)).tolist(), "y": np.zeros((2, 6)).tolist()}
    assert _asked_every_micro_step(_doc(nodes, data, {"batch_size": 2})) >= 3
