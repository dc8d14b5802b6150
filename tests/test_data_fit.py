"""fit_input and check_fit: the Input follows the data; mismatches are described for a learner."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data import Dataset, load_dataset
from nnviz.data.fit import check_fit, fit_input
from nnviz.graph.document import GraphDocument


def mlp(out_units=2, activation="none", loss="cross_entropy", shape=(2,)):
    doc = GraphDocument()
    i = doc.add_node("input", params={"shape": shape})
    h = doc.add_node("dense", params={"units": 8, "activation": "tanh"})
    o = doc.add_node("dense", name="out", params={"units": out_units, "activation": activation})
    doc.connect(i.id, h.id)
    doc.connect(h.id, o.id)
    doc.set_training(doc.training.with_(loss=loss))
    return doc, i.id


def test_fit_input_sets_the_shape_through_the_document_and_notifies():
    doc, input_id = mlp()
    seen = []
    doc.subscribe(seen.append)
    digits = load_dataset({"kind": "digits", "limit": 50})
    assert fit_input(doc, digits) == (2,)
    assert tuple(doc.nodes[input_id].params["shape"]) == (1, 8, 8)
    assert [c.kind for c in seen] == ["param"] and seen[0].node == input_id
    assert fit_input(doc, digits) is None  # already fits: no edit, no notification
    assert len(seen) == 1


def test_fit_input_leaves_graphs_with_no_or_several_inputs():
    doc = GraphDocument()
    assert fit_input(doc, load_dataset({"kind": "generated", "name": "sine"})) is None
    doc.add_node("input", params={"shape": (5,)})
    doc.add_node("input", params={"shape": (5,)})
    assert fit_input(doc, load_dataset({"kind": "generated", "name": "sine"})) is None
    assert all(tuple(n.params["shape"]) == (5,) for n in doc.nodes.values())


def test_a_fitting_network_has_no_problems():
    doc, _ = mlp(out_units=2)
    assert check_fit(doc, load_dataset({"kind": "generated", "name": "xor"})) == []
    doc, _ = mlp(out_units=1, loss="mse", shape=(1,))
    assert check_fit(doc, load_dataset({"kind": "generated", "name": "sine"})) == []
    doc, _ = mlp(out_units=1, activation="sigmoid", loss="bce")
    assert check_fit(doc, load_dataset({"kind": "generated", "name": "moons"})) == []


def test_input_shape_mismatch_is_named():
    doc, _ = mlp(out_units=10)
    problems = check_fit(doc, load_dataset({"kind": "digits", "flat": True, "limit": 30}))
    assert problems == ["The Input 'input' expects samples of shape (2,) but each sample of the data 'digits' "
                        "is (64,): set the Input's shape to (64,)."]


def test_output_width_must_match_the_classes():
    doc, _ = mlp(out_units=3, shape=(64,))
    (problem,) = check_fit(doc, load_dataset({"kind": "digits", "flat": True, "limit": 30}))
    assert "10 classes ('0', '1', '2', '3', ...)" in problem
    assert "the output layer 'out' gives (3,): it needs 10 units" in problem


@pytest.mark.parametrize(("loss", "activation", "units", "words"), [
    ("bce", "sigmoid", 1, "Binary cross-entropy tells two classes apart, but the data 'digits' has 10 classes"),
    ("mse", "none", 10, "which compares numbers: choose cross-entropy"),
    ("nll_probs", "none", 10, "needs a softmax at the end"),
    ("cross_entropy", "softmax", 10, "would be applied twice"),
])
def test_loss_and_output_mismatches_for_classes(loss, activation, units, words):
    doc, _ = mlp(out_units=units, activation=activation, loss=loss, shape=(64,))
    problems = check_fit(doc, load_dataset({"kind": "digits", "flat": True, "limit": 30}))
    assert any(words in p for p in problems), problems


@pytest.mark.parametrize(("loss", "activation", "units", "words"), [
    ("bce", "sigmoid", 2, "needs one output unit (the probability of class '1')"),
    ("bce", "none", 1, "needs a sigmoid at the end"),
    ("bce_logits", "sigmoid", 1, "applies the sigmoid itself"),
])
def test_binary_loss_problems(loss, activation, units, words):
    doc, _ = mlp(out_units=units, activation=activation, loss=loss)
    problems = check_fit(doc, load_dataset({"kind": "generated", "name": "circles"}))
    assert len(problems) == 1 and words in problems[0]


def test_regression_data_with_class_loss_and_wrong_width():
    doc, _ = mlp(out_units=3, loss="cross_entropy", shape=(1,))
    problems = check_fit(doc, load_dataset({"kind": "generated", "name": "sine"}))
    assert len(problems) == 1 and "numbers to predict (regression)" in problems[0]
    doc.set_training(doc.training.with_(loss="mse"))
    (problem,) = check_fit(doc, load_dataset({"kind": "generated", "name": "sine"}))
    assert "has 1 target value per sample, but the output layer 'out' gives (3,): give it 1 unit" in problem
    two = Dataset(np.zeros((4, 1)), np.zeros((4, 2)), np.zeros((0, 1)), np.zeros((0, 2)), "regression", name="t")
    (problem,) = check_fit(doc, two)
    assert "2 target values per sample" in problem and "give it 2 units" in problem


def test_a_broken_graph_only_gets_the_data_level_remarks():
    doc = GraphDocument()
    doc.add_node("input", params={"shape": (2,)})
    doc.add_node("dense", params={"units": 2})  # not connected: the graph reports that itself
    assert check_fit(doc, load_dataset({"kind": "generated", "name": "xor"})) == []
