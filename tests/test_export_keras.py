"""Keras 3 (torch backend) reproduces the engine: every layer type, loss, optimiser and shipped example,
exported and run side by side (outputs, loss, every gradient, parameters after each update, BatchNorm's
moving mean, eval-mode outputs) within KERAS_TOLERANCE; where Keras has no exact counterpart, the
forward pass. The largest differences are printed (pytest -s, or -rA for passed tests' output)."""

from __future__ import annotations

import pytest

from nnviz.export.keras_verify import KERAS_TOLERANCE, verify_keras
from nnviz.export.keras_writer import export_keras
from nnviz.graph.document import GraphDocument
from nnviz.resources import resource_path
from tests import test_seq_export as seq
from tests.extras_util import require_keras
from tests.test_export_cases import CASES

EXAMPLES = sorted(resource_path("examples").glob("*.nnviz"))
TRAINED = {"initial weights", "outputs", "loss", "gradients", "parameters after update", "outputs (eval mode)"}
FORWARD = {"initial weights", "outputs", "loss", "outputs (eval mode)"}
STEPS = 6  # Keras' eager steps are slow; the CLI's --verify defaults to 20


def _exact_gru():
    doc = seq.chain(("input", {"shape": (seq.T,)}), ("embedding", {"num_embeddings": seq.VOCAB, "embedding_dim": 5}),
                    ("gru", {"hidden_size": 4, "return_sequences": True}), ("gru", {"hidden_size": 3}),
                    ("dense", {"units": 3}))
    doc.training = seq.settings()
    return doc, seq.token_data(3)


def _lstm_rnn_without_bias():
    doc = seq.chain(("input", {"shape": (seq.T,)}), ("embedding", {"num_embeddings": seq.VOCAB, "embedding_dim": 5}),
                    ("lstm", {"hidden_size": 4, "use_bias": False, "return_sequences": True}),
                    ("rnn", {"hidden_size": 3, "use_bias": False, "nonlinearity": "relu", "return_sequences": True}),
                    ("last_step", {}), ("dense", {"units": 3}))
    doc.training = seq.settings(optimizer="adamw", weight_decay=0.1)
    return doc, seq.token_data(3)


# Training exactly reproducible in Keras: compared step by step.
EXACT = {name: CASES[name] for name in CASES
         if name not in ("optim_adam_weight_decay", "optim_rmsprop", "optim_rmsprop_momentum", "optim_sgd_nesterov",
                         "residual_concat")}
EXACT.update(gru=_exact_gru, lstm_rnn_without_bias=_lstm_rnn_without_bias)
# No exact Keras counterpart for training (RMSprop's epsilon, coupled weight decay with momentum or Adam,
# two recurrent biases, padding_idx): the forward pass only, and the report says why.
FORWARD_ONLY = {name: CASES[name] for name in CASES if name not in EXACT}
FORWARD_ONLY.update(rnn_sequences=seq.CASES["rnn_sequences"])
# Recurrent input dropout has no injectable mask in Keras: evaluation mode only.
EVAL_ONLY = {name: seq.CASES[name] for name in ("gru_dropout_no_bias", "stacked_lstm", "relu_rnn_dropout")}
FLOAT64 = ("dense_tanh", "conv2d", "pooling", "batchnorm", "image_concat", "optim_adam", "optim_adamw", "gru")


def _run(doc: GraphDocument, dataset, tmp_path, dtype: str | None = None, steps: int = STEPS):
    require_keras()
    if dtype:
        doc.training = doc.training.with_(dtype=dtype)
    export_keras(doc, tmp_path, dataset=dataset)
    report = verify_keras(doc, tmp_path, steps=steps, dataset=dataset)
    print(report.text())
    assert report.passed, report.text()
    assert report.max_rel <= KERAS_TOLERANCE
    assert report.worst["initial weights"].max_abs == 0.0  # the weights file holds the engine's exact values
    return report


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(EXACT))
def test_training_in_keras_matches_the_engine(name, tmp_path):
    doc, dataset = EXACT[name]()
    report = _run(doc, dataset, tmp_path, "float32")
    assert report.steps == STEPS, report.text()  # dropout masks were injected, so training was compared
    assert set(report.worst) >= TRAINED
    assert not [n for n in report.notes if "no exact" in n]
    if any(n.type.startswith("batchnorm") for n in doc.nodes.values()):
        assert "buffers" in report.worst  # the moving mean; the moving variance is Keras' own (noted)
        assert any("moving variance" in n for n in report.notes)


@pytest.mark.torch
@pytest.mark.parametrize("name", FLOAT64)
def test_float64_exports_match_to_keras_precision(name, tmp_path):
    doc, dataset = EXACT[name]()
    report = _run(doc, dataset, tmp_path, "float64")
    assert report.dtype == "float64" and report.steps == STEPS


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(FORWARD_ONLY))
def test_without_an_exact_counterpart_the_forward_pass_is_compared_and_the_reason_given(name, tmp_path):
    doc, dataset = FORWARD_ONLY[name]()
    report = _run(doc, dataset, tmp_path)
    assert report.steps == 1 and set(report.worst) == FORWARD, report.text()
    assert any(n.startswith("no exact Keras counterpart for training") for n in report.notes)
    readme = (tmp_path / "README.md").read_text()
    assert "Keras cannot take exactly nnviz's training steps here" in readme


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(EVAL_ONLY))
def test_recurrent_input_dropout_is_compared_in_eval_mode(name, tmp_path):
    doc, dataset = EVAL_ONLY[name]()
    report = _run(doc, dataset, tmp_path)
    assert set(report.worst) == {"initial weights", "outputs (eval mode)"}
    assert any("random layers" in n for n in report.notes)


@pytest.mark.torch
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_shipped_example_matches_keras(path, tmp_path):
    from nnviz.io import load

    require_keras()
    doc = load(path)
    export_keras(doc, tmp_path, source_name=path.name)
    report = verify_keras(doc, tmp_path, steps=STEPS)
    print(report.text())
    assert report.passed, report.text()
    assert report.worst["initial weights"].max_abs == 0.0
    assert report.steps == STEPS or report.notes, report.text()


@pytest.mark.torch
def test_verification_sees_a_wrong_activation(tmp_path):
    """A deliberately broken export must fail: the comparison is not vacuous at this tolerance."""
    require_keras()
    doc, dataset = CASES["dense_tanh"]()
    export_keras(doc, tmp_path, dataset=dataset)
    model = tmp_path / "model.py"
    model.write_text(model.read_text().replace('activation="tanh"', 'activation="sigmoid"'))
    report = verify_keras(doc, tmp_path, steps=2, dataset=dataset)
    assert not report.passed
    assert report.worst["outputs"].max_rel > 100 * KERAS_TOLERANCE
    assert "FAIL" in report.text()


@pytest.mark.torch
@pytest.mark.parametrize(("case", "old", "new"), [
    ("optim_adam", "beta_1=0.8", "beta_1=0.9"),  # a wrong optimiser setting
    ("optim_adam", "epsilon = self.epsilon * ops.sqrt(1 - beta_2_power)", "epsilon = self.epsilon"),  # Keras' own
    ("batchnorm", "momentum=0.8", "momentum=0.2"),  # PyTorch's momentum copied without converting it
])
def test_verification_sees_a_wrong_setting(case, old, new, tmp_path):
    require_keras()
    doc, dataset = CASES[case]()
    if case == "optim_adam":  # epsilon's placement matters where gradients are as small as epsilon
        doc.training = doc.training.with_(eps=0.01)
    export_keras(doc, tmp_path, dataset=dataset)
    file = tmp_path / ("model.py" if case == "batchnorm" else "train.py")
    assert old in file.read_text()
    file.write_text(file.read_text().replace(old, new))
    report = verify_keras(doc, tmp_path, steps=3, dataset=dataset)
    assert report.worst["initial weights"].max_rel == 0.0
    assert not report.passed, report.text()
