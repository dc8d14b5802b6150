"""gradcheck tells the truth: one wrong entry or a NaN fails it; kinks and padding rows are skipped and
counted; every shipped example passes."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz.engine.gradcheck import gradcheck
from nnviz.engine.layers.conv import Conv2d
from nnviz.engine.layers.core import Dense
from nnviz.engine.layers.embedding import Embedding
from nnviz.io import load
from nnviz.resources import resource_path
from tests.helpers import chain, xor_mlp

EXAMPLES = sorted(resource_path("examples").glob("*.nnviz"))
LENET = resource_path("examples", "seed-lenet.nnviz")


def tokens_doc(vocab: int = 12, padding_idx: int = -1):
    """Token ids -> Embedding -> Flatten -> Dense: the data uses id 0 (padding) and most others."""
    rng = np.random.default_rng(3)
    x = rng.integers(0, vocab, size=(8, 5)).tolist()
    x[0][:2] = [0, 0]
    doc = chain(("embedding", {"num_embeddings": vocab, "embedding_dim": 3, "padding_idx": padding_idx}),
                ("flatten", {}), ("dense", {"units": 2}), input_shape=(5,),
                data={"kind": "inline", "x": x, "y": [i % 2 for i in range(8)], "task": "classification"},
                loss="cross_entropy", batch_size=8)
    return doc


def conv_doc():
    rng = np.random.default_rng(4)
    return chain(("conv2d", {"out_channels": 2, "kernel_size": [3, 3], "activation": "tanh"}),
                 ("flatten", {}), ("dense", {"units": 1}), input_shape=(1, 5, 5),
                 data={"kind": "inline", "x": rng.normal(size=(6, 1, 5, 5)).tolist(),
                       "y": rng.normal(size=(6, 1)).tolist(), "task": "regression"},
                 loss="mse", batch_size=6)


def patch_backward(monkeypatch, cls, corrupt):
    """Make cls's backward pass leave one wrong entry: corrupt(layer) edits layer.grads after the true pass."""
    true_backward = cls._backward

    def wrong(self, delta):
        out = true_backward(self, delta)
        corrupt(self)
        return out

    monkeypatch.setattr(cls, "_backward", wrong)


def failing(report):
    return [(t.node_name, t.param, [f.index for f in t.failures]) for t in report.tensors if not t.ok]


@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_every_shipped_example_passes(path):
    report = gradcheck(load(path))
    assert report.ok, "\n".join(report.lines())
    assert sum(t.checked for t in report.tensors) > 0


def test_seed_lenet_checks_every_bias_entry_and_samples_the_large_weights():
    report = gradcheck(load(LENET), samples=150, seed=7)
    by = {(t.node_name, t.param): t for t in report.tensors}
    fc1 = by["fc1", "weight"]
    assert fc1.sampled is not None and len(fc1.sampled) == 150 and fc1.direction == "ok"
    assert fc1.checked + fc1.kinks == 150 and "150 of 48,000 entries" in fc1.coverage()
    assert by["fc1", "bias"].sampled is None and by["fc1", "bias"].checked == 120
    again = gradcheck(load(LENET), samples=150, seed=7)
    assert [t.sampled for t in again.tensors] == [t.sampled for t in report.tensors]
    other = gradcheck(load(LENET), samples=150, seed=8)
    assert fc1.sampled != {(t.node_name, t.param): t for t in other.tensors}["fc1", "weight"].sampled


def test_a_doubled_bias_entry_fails(monkeypatch):
    assert gradcheck(xor_mlp()).ok

    def double(layer):
        if layer.out_shape == (8,):
            layer.grads["bias"][3] *= 2
    patch_backward(monkeypatch, Dense, double)
    report = gradcheck(xor_mlp())
    assert not report.ok
    assert failing(report) == [("dense_1", "bias", [(3,)])]
    assert any("[3]: backprop" in line for line in report.lines())


def test_a_missing_embedding_row_gradient_fails(monkeypatch):
    doc = tokens_doc()
    assert gradcheck(doc).ok
    used = int(np.asarray(doc.data["x"])[1, 0])

    def drop_row(layer):
        layer.grads["weight"][used] = 0.0
    patch_backward(monkeypatch, Embedding, drop_row)
    report = gradcheck(doc)
    assert failing(report) == [("embedding_1", "weight", [(used, 0), (used, 1), (used, 2)])]


def test_a_missing_row_of_a_sampled_embedding_fails_along_the_random_direction(monkeypatch):
    doc = tokens_doc(vocab=400)  # 1,200 entries: sampled, rows mostly unused by the batch
    report = gradcheck(doc, samples=20)
    emb = report.tensors[0]
    assert report.ok and emb.sampled is not None and emb.direction == "ok"
    used = int(np.asarray(doc.data["x"])[1, 0])
    patch_backward(monkeypatch, Embedding, lambda layer: layer.grads["weight"].__setitem__(used, 0.0))
    emb = gradcheck(doc, samples=20).tensors[0]
    assert not emb.ok and emb.direction == "FAIL" and emb.failures[0].where == "along a random direction"


def test_a_dead_conv_tap_fails(monkeypatch):
    assert gradcheck(conv_doc()).ok
    patch_backward(monkeypatch, Conv2d, lambda layer: layer.grads["weight"].__setitem__((1, 0, 2, 1), 0.0))
    assert failing(gradcheck(conv_doc())) == [("conv_1", "weight", [(1, 0, 2, 1)])]


def test_nan_gradients_fail(monkeypatch):
    patch_backward(monkeypatch, Dense, lambda layer: layer.grads["weight"].__setitem__((0, 0), np.nan))
    report = gradcheck(xor_mlp())
    assert not report.ok
    assert all(t.non_finite == 1 for t in report.tensors if t.param == "weight")
    assert "NaN" not in json.dumps(report.to_json()).replace('"nan"', "")  # valid JSON: NaN as a string


def test_a_nan_loss_fails_and_says_why():
    doc = xor_mlp()
    first = doc.node_by_name("dense_1")
    report = gradcheck(doc, weights={first.id: {"weight": np.full((8, 2), np.inf)}})  # a run that blew up
    assert not report.ok and report.tensors == []
    assert "lower the learning rate" in report.problem() and report.lines()[-1].startswith("FAIL")


def test_a_max_pool_tie_is_skipped_and_counted_not_failed():
    # Two channels, a 1x1 conv with weights (1, 1): positions (0,0) and (0,1) both give 1, a tie inside the
    # 2x2 pool. Nudging weight[0] breaks it one way, nudging it the other way breaks it the other way.
    x = np.zeros((2, 2, 2, 2))
    x[:, 0, 0, 0] = 1.0
    x[:, 1, 0, 1] = 1.0
    doc = chain(("conv2d", {"out_channels": 1, "kernel_size": [1, 1]}), ("maxpool2d", {"kernel_size": [2, 2]}),
                ("flatten", {}), ("dense", {"units": 1}), input_shape=(2, 2, 2),
                data={"kind": "inline", "x": x.tolist(), "y": [[0.3], [-0.2]], "task": "regression"},
                loss="mse", batch_size=2)
    conv = doc.node_by_name("conv_1")
    doc.set_weight(conv.id, "weight", np.ones((1, 2, 1, 1)))
    doc.set_weight(conv.id, "bias", np.zeros(1))
    report = gradcheck(doc)
    assert report.ok, "\n".join(report.lines())
    weight = report.tensors[0]
    assert weight.kinks == 2 and weight.checked == 0  # both taps sit on the tie
    assert "2 at a kink" in weight.skipped()


def test_relu_at_zero_is_skipped_and_counted():
    doc = chain(("dense", {"units": 2, "activation": "relu"}), ("dense", {"units": 1}),
                data={"kind": "inline", "x": [[1.0, 0.0], [0.0, 1.0]], "y": [[1.0], [0.5]]},
                loss="mse", batch_size=2)
    hidden = doc.node_by_name("dense_1")
    doc.set_weight(hidden.id, "weight", np.array([[1.0, -1.0], [0.5, 0.25]]))
    doc.set_weight(hidden.id, "bias", np.array([-1.0, 0.0]))  # unit 0 is exactly 0 for sample 0
    report = gradcheck(doc)
    assert report.ok, "\n".join(report.lines())
    assert report.tensors[0].kinks + report.tensors[1].kinks >= 2


def test_padding_rows_cannot_learn_and_are_skipped():
    report = gradcheck(tokens_doc(padding_idx=0))
    assert report.ok, "\n".join(report.lines())
    assert report.tensors[0].cannot_learn == 3 and "3 cannot learn" in report.tensors[0].skipped()


def test_float32_documents_are_checked_in_float64():
    report = gradcheck(xor_mlp(dtype="float32"), rtol=1e-7, atol=1e-9)
    assert report.ok, "\n".join(report.lines())  # float32 arithmetic could never agree this closely
