"""The examples gallery (issue 6): every file in resources/examples loads, passes `nnviz check` and lowers
its training loss within 40 training steps; the new examples (SEEDS networks 3 and 4, the residual MLP,
the CNN with BatchNorm) do what their descriptions tell the learner to watch."""

from __future__ import annotations

import gzip
import math
import re

import numpy as np
import pytest

from nnviz import io as nio
from nnviz.engine.session import Session
from nnviz.io.examples import EXAMPLES, GALLERY, LENET_LR, TITLES, gallery_files, title_of, write_all

FILES = {path.stem: path for path in gallery_files()}
# What the issue's gallery lists; seed-text-lstm is written by the sequence work, the rest by nnviz.io.examples.
REQUIRED = {"seed-forward-2-2-1", "seed-single-neuron", "seed-mnist-mlp", "seed-lenet", "seed-text-lstm",
            "xor", "spirals", "residual-mlp", "cnn-batchnorm",
            "transformer-sentiment", "causal-characters"}  # issue 16's attention examples
# LeNet with SGD, batch 4, on ten balanced classes only starts to learn features after ~1,500 steps (see its
# description); within 40 steps it lowers its training loss, but by thousandths. Everywhere else 40 steps
# must take at least 10 % off the training loss.
CLEAR_DROP_EXEMPT = {"seed-lenet"}


def load(name: str):
    return nio.load(FILES[name])


def events_until(session: Session, phase: str, node_name: str | None = None):
    """Micro-step until the event of `phase` (at the node named `node_name`); returns {(phase, name): event}."""
    seen = {}
    for _ in range(500):
        event = session.step()
        name = session.doc.nodes[event.node].name if event.node else None
        seen[(event.phase, name)] = event
        if event.phase == phase and (node_name is None or name == node_name):
            return seen
    raise AssertionError(f"no {phase} event at {node_name}")


# ---------------------------------------------------------------- every example
def test_the_gallery_holds_every_example_the_issue_names_in_order():
    assert set(FILES) >= REQUIRED, sorted(REQUIRED - set(FILES))
    assert set(GALLERY) == REQUIRED
    assert [p.stem for p in gallery_files()][:len(GALLERY)] == GALLERY
    for name in GALLERY:
        assert title_of(name, "en") == TITLES[name]["en"] and re.search("[\u4e00-\u9fff]", title_of(name, "zh_CN"))
    # The builders never rewrite the sequence work's file.
    assert "seed-text-lstm" not in EXAMPLES


@pytest.mark.parametrize("name", sorted(FILES))
def test_example_loads_and_passes_nnviz_check(name, capsys):
    from nnviz.cli import main as cli

    doc = load(name)
    assert doc.analysis().valid, doc.analysis().messages()
    assert set(doc.description) == {"en", "zh"} and len(doc.description["en"]) > 200
    assert re.search("[\u4e00-\u9fff]", doc.description["zh"])
    assert cli(["check", str(FILES[name])]) == 0
    assert "OK" in capsys.readouterr().out


@pytest.mark.parametrize("name", sorted(FILES))
def test_example_data_fits_its_network(name):
    # What the data panel checks: input shape, output units per class, a loss that suits the targets.
    from nnviz.data import load_dataset
    from nnviz.data.fit import check_fit

    doc = load(name)
    assert check_fit(doc, load_dataset(doc.data)) == []


@pytest.mark.parametrize("name", sorted(FILES))
def test_example_lowers_its_training_loss_within_40_steps(name):
    # Measured on the whole training split in evaluation mode before and after, so neither the batch
    # drawn nor dropout's masks can make a lucky step look like learning.
    session = Session(load(name))
    before, _ = session.evaluate("train")
    assert session.run(steps=40) == 40
    after, _ = session.evaluate("train")
    assert math.isfinite(after) and after < before, f"{name}: {before:.5f} -> {after:.5f}"
    if name not in CLEAR_DROP_EXEMPT:
        assert after <= 0.9 * before, f"{name}: {before:.5f} -> {after:.5f}"


def test_the_generator_leaves_the_sequence_example_alone(tmp_path):
    written = write_all(tmp_path)
    assert {p.stem for p in written} == set(EXAMPLES) == REQUIRED - {"seed-text-lstm"}
    assert not (tmp_path / "seed-text-lstm.nnviz").exists()


# ---------------------------------------------------------------- seed-mnist-mlp (SEEDS network 3)
def test_mnist_mlp_is_the_guides_network_on_the_digits():
    doc = load("seed-mnist-mlp")
    assert [n.type for n in doc.nodes.values()] == ["input", "flatten", "dense", "dropout", "dense"]
    hidden, output = doc.node_by_name("hidden"), doc.node_by_name("output")
    assert (hidden.params["units"], hidden.params["activation"]) == (128, "relu")
    assert doc.node_by_name("dropout").params["p"] == 0.2
    assert (output.params["units"], output.params["activation"]) == (10, "softmax")
    t = doc.training
    assert (t.optimizer, t.loss, t.batch_size) == ("adam", "nll_probs", 32)
    assert doc.data["kind"] == "digits" and doc.data["val_split"] > 0
    assert doc.analysis().shapes[doc.node_by_name("flatten").id] == (64,)


def test_mnist_mlp_dropout_zeroes_about_one_in_five_and_scales_the_rest():
    session = Session(load("seed-mnist-mlp"))
    seen = events_until(session, "forward", "dropout")
    event = seen[("forward", "dropout")]
    mask, x, out = event.tensors["mask"], event.tensors["input"], event.tensors["output"]
    assert 0.15 < 1 - mask.mean() < 0.25
    np.testing.assert_allclose(out, x * mask / 0.8, rtol=1e-6)


def test_mnist_mlp_passes_90_percent_validation_accuracy_in_its_epochs():
    session = Session(load("seed-mnist-mlp"))
    first = session.step_epoch()
    assert abs(session.metrics.step_loss[0] - math.log(10)) < 0.15  # "starts near ln 10 = 2.30"
    rows = [first, *(session.step_epoch() for _ in range(session.settings.epochs - 1))]
    assert rows[-1].val_accuracy > 0.9, [r.val_accuracy for r in rows]


def _write_idx(path, array: np.ndarray, type_byte: int = 0x08) -> None:
    header = bytes([0, 0, type_byte, array.ndim]) + b"".join(int(d).to_bytes(4, "big") for d in array.shape)
    with gzip.open(path, "wb") as f:
        f.write(header + array.astype(np.uint8).tobytes())


def test_pointing_the_mnist_mlp_at_mnist_files_makes_it_the_guides_exact_network(tmp_path):
    # The description promises: data kind "mnist" and the Input follows the data to (1, 28, 28).
    from nnviz.data import load_dataset
    from nnviz.data.fit import fit_input

    rng = np.random.default_rng(0)
    _write_idx(tmp_path / "images.gz", rng.integers(0, 256, (40, 28, 28)))
    _write_idx(tmp_path / "labels.gz", np.arange(40) % 10)
    doc = load("seed-mnist-mlp")
    doc.set_data({"kind": "mnist", "images": str(tmp_path / "images.gz"), "labels": str(tmp_path / "labels.gz"),
                  "val_split": 0.2, "seed": 0})
    dataset = load_dataset(doc.data)
    assert fit_input(doc, dataset) == (1, 8, 8)
    analysis = doc.analysis()
    assert analysis.valid
    assert analysis.shapes[doc.node_by_name("flatten").id] == (784,)
    assert analysis.weight_shapes[doc.node_by_name("hidden").id]["weight"] == (128, 784)
    session = Session(doc, dataset)
    assert math.isfinite(session.step_batch())


# ---------------------------------------------------------------- seed-lenet (SEEDS network 4)
def test_lenet_is_the_guides_network_with_its_shapes():
    doc = load("seed-lenet")
    analysis = doc.analysis()
    shape = {n.name: analysis.shapes[n.id] for n in doc.nodes.values()}
    assert [shape[k] for k in ("image", "conv1", "pool1", "conv2", "pool2", "flatten", "fc1", "fc2", "fc3")] == [
        (3, 32, 32), (6, 28, 28), (6, 14, 14), (16, 10, 10), (16, 5, 5), (400,), (120,), (84,), (10,)]
    for name in ("conv1", "conv2", "fc1", "fc2"):
        assert doc.node_by_name(name).params["activation"] == "relu"
    assert doc.node_by_name("fc3").params["activation"] == "none"
    t = doc.training
    assert (t.loss, t.optimizer, t.momentum, t.batch_size, t.lr) == ("cross_entropy", "sgd", 0.9, 4, LENET_LR)
    assert doc.data["kind"] == "shapes"
    # The changed learning rate is said, in both languages.
    assert "0.003" in doc.description["en"] and "0.001" in doc.description["en"]
    assert "0.003" in doc.description["zh"] and "0.001" in doc.description["zh"]


def test_lenet_learns_the_colour_shapes_in_its_epochs():
    # The description says: near ln 10 for about 10 epochs, then it falls; by epoch 30 the training loss is
    # far below 1 and the validation accuracy wobbles between about 65 and 80 %. Batches of 4 make the path
    # chaotic (one BLAS thread or four change the last epochs), so the claims are checked over a few epochs.
    session = Session(load("seed-lenet"))
    rows = [session.step_epoch() for _ in range(session.settings.epochs)]
    assert session.settings.epochs == 30
    assert all(r.train_loss > 2.25 for r in rows[:5]), [round(r.train_loss, 3) for r in rows]
    assert min(r.train_loss for r in rows[-3:]) < 0.75, [round(r.train_loss, 3) for r in rows]
    assert np.mean([r.val_accuracy for r in rows[-5:]]) >= 0.65, [r.val_accuracy for r in rows]


# ---------------------------------------------------------------- residual-mlp
def test_residual_mlp_sums_the_two_routes_of_the_gradient_at_the_stem():
    doc = load("residual-mlp")
    add = doc.node_by_name("add")
    sources = {e.port: doc.nodes[e.src].name for e in doc.inputs_of(add.id)}
    assert sources == {0: "block", 1: "stem"}
    session = Session(doc)
    seen = events_until(session, "backward", "stem")
    forward_add = seen[("forward", "add")].tensors
    np.testing.assert_allclose(forward_add["output"], forward_add["input_0"] + forward_add["input_1"], rtol=1e-6)
    through_block = seen[("backward", "block")].tensors["grad_input"]
    along_skip = seen[("backward", "add")].tensors["grad_input_1"]
    assert np.abs(through_block).max() > 0 and np.abs(along_skip).max() > 0
    np.testing.assert_allclose(seen[("backward", "stem")].tensors["grad_output"], through_block + along_skip,
                               rtol=1e-5, atol=1e-7)


def test_residual_mlp_reaches_full_training_accuracy_in_its_epochs():
    session = Session(load("residual-mlp"))
    session.run()
    assert session.evaluate("train")[1] == 1.0


def test_residual_layout_draws_the_branch_off_the_main_line():
    doc = load("residual-mlp")
    ys = {n.name: n.pos[1] for n in doc.nodes.values()}
    xs = [n.pos[0] for n in doc.nodes.values()]
    assert xs == sorted(xs)  # left to right in data order
    assert {ys[k] for k in ("input", "stem", "add", "logits")} == {0.0} and ys["block"] != 0.0


# ---------------------------------------------------------------- cnn-batchnorm
def test_cnn_batchnorm_never_ends_an_epoch_with_a_one_sample_batch():
    doc = load("cnn-batchnorm")
    session = Session(doc)  # the session itself refuses a one-sample last batch
    n, batch = len(session.x_train), doc.training.batch_size
    assert n % batch != 1 and f"{n:,}" in doc.description["en"]
    assert "use_bias" in doc.node_by_name("conv").params and not doc.node_by_name("conv").params["use_bias"]


def test_cnn_batchnorm_normalises_each_channel_of_the_batch():
    session = Session(load("cnn-batchnorm"))
    seen = events_until(session, "forward", "batchnorm")
    t = seen[("forward", "batchnorm")].tensors
    x_hat = t["x_hat"].astype(np.float64)
    np.testing.assert_allclose(x_hat.mean(axis=(0, 2, 3)), 0, atol=1e-4)
    np.testing.assert_allclose(x_hat.var(axis=(0, 2, 3)), 1, atol=1e-2)
    np.testing.assert_allclose(t["mean"], t["input"].mean(axis=(0, 2, 3)), rtol=1e-4, atol=1e-6)


def test_cnn_batchnorm_passes_95_percent_validation_accuracy_in_its_epochs():
    session = Session(load("cnn-batchnorm"))
    session.run()
    assert session.evaluate("val")[1] > 0.95
