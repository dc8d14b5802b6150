"""The shipped examples: reproducible from nnviz.io.examples, valid, bilingual, and they teach what they say."""

from __future__ import annotations

import math

import numpy as np
import pytest

from nnviz import io as nio
from nnviz.io.examples import EXAMPLES, main
from nnviz.resources import resource_path


def path_of(name: str):
    return resource_path("examples", f"{name}.nnviz")


def sigmoid(z: float) -> float:
    return 1.0 / (1.0 + math.exp(-z))


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_file_is_what_the_builder_makes(name):
    # Regenerate with `python -m nnviz.io.examples` after changing a builder.
    assert path_of(name).read_text(encoding="utf-8") == nio.dumps(EXAMPLES[name]())


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_loads_passes_shape_inference_and_describes_itself_in_english_and_chinese(name):
    doc = nio.load(path_of(name))
    assert doc.analysis().valid, doc.analysis().messages()
    assert set(doc.description) == {"en", "zh"}
    assert len(doc.description["en"]) > 80
    assert any("\u4e00" <= ch <= "\u9fff" for ch in doc.description["zh"])


@pytest.mark.parametrize("name", list(EXAMPLES))
def test_example_passes_nnviz_check(name, capsys):
    from nnviz.cli import main as cli

    assert cli(["check", str(path_of(name))]) == 0
    assert "OK" in capsys.readouterr().out


def test_the_generator_script_writes_the_same_files(tmp_path):
    assert main([str(tmp_path)]) == 0
    for name in EXAMPLES:
        assert (tmp_path / f"{name}.nnviz").read_bytes() == path_of(name).read_bytes()


def forward_events(doc):
    from nnviz.engine.session import Session

    session = Session(doc)
    events = {}
    while True:
        event = session.step()
        if event.phase == "loss":
            return events, event
        if event.phase == "forward":
            events[doc.nodes[event.node].name] = event


def test_seed_forward_gives_the_guides_numbers():
    doc = nio.load(path_of("seed-forward-2-2-1"))
    # Weights in PyTorch's layout: the transpose of the guide's rows=inputs matrices.
    assert doc.node_by_name("hidden").weights["weight"].tolist() == [[0.2, 0.3], [0.4, 0.6]]
    assert doc.node_by_name("output").weights["weight"].tolist() == [[0.5, 0.7]]
    assert "bias" not in doc.node_by_name("hidden").weights
    events, loss = forward_events(doc)
    np.testing.assert_allclose(events["hidden"].tensors["z"], [[0.21, 0.42]], rtol=1e-12)
    expected = sigmoid(0.5 * sigmoid(0.21) + 0.7 * sigmoid(0.42))
    assert expected == pytest.approx(0.6679, abs=5e-5)
    np.testing.assert_allclose(events["output"].tensors["output"], [[expected]], rtol=1e-12)
    np.testing.assert_allclose(loss.tensors["target"], [[0.5]])
    assert (doc.training.loss, doc.training.optimizer, doc.training.lr, doc.training.batch_size) == \
        ("mse", "sgd", 1.0, 1)


def test_seed_single_neuron_takes_the_guides_backpropagation_step():
    from nnviz.engine.session import Session

    doc = nio.load(path_of("seed-single-neuron"))
    session = Session(doc)
    by_phase = {}
    while "update" not in by_phase:
        event = session.step()
        by_phase[event.phase] = event
    a = sigmoid(0.9 * 0.5 + 0.1 * -0.5)
    delta = 2 * (a - 0.8) * a * (1 - a)  # MSE on one value, the correct f'(z) = s(z)(1 - s(z))
    np.testing.assert_allclose(by_phase["forward"].tensors["output"], [[a]], rtol=1e-12)
    np.testing.assert_allclose(by_phase["backward"].tensors["delta"], [[delta]], rtol=1e-12)
    np.testing.assert_allclose(by_phase["update"].tensors["weight"],
                               [[0.5 - delta * 0.9, -0.5 - delta * 0.1]], rtol=1e-12)
    np.testing.assert_allclose(by_phase["update"].tensors["bias"], [0.0 - delta], rtol=1e-12)


@pytest.mark.parametrize(("name", "target"), [("xor", 1.0), ("spirals", 0.95)])
def test_classification_examples_reach_their_training_accuracy(name, target):
    from nnviz.engine.session import Session

    doc = nio.load(path_of(name))
    session = Session(doc)
    session.run()  # the file's own number of epochs
    assert len(session.metrics.epochs) == doc.training.epochs
    loss, accuracy = session.evaluate("train")
    assert accuracy >= target, f"{name}: {accuracy:.3f} after {doc.training.epochs} epochs"
