"""Export of the sequence layers to torch.nn.Embedding / RNN / LSTM / GRU: the generated code, and PyTorch
reproducing the engine for 20 training steps (outputs, loss, every gradient, parameters after each
update, eval-mode outputs), input dropout included: float64 within 1e-9, float32 within 1e-5."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.export import export_pytorch, plan_model
from nnviz.export.pycode import LIMIT
from nnviz.export.verify import TOLERANCE, verify_export
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from tests.torch_util import require_torch

T, VOCAB = 6, 15
ALWAYS = {"initial weights", "outputs", "loss", "gradients", "parameters after update", "outputs (eval mode)"}


def chain(*layers: tuple[str, dict]) -> GraphDocument:
    doc = GraphDocument()
    ids: list[str] = []
    for key, params in layers:
        node = doc.add_node(key, params=params)
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    return doc


def token_data(classes: int, seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.integers(0, VOCAB, size=(16, T)).astype(np.float64)
    xv = rng.integers(0, VOCAB, size=(5, T)).astype(np.float64)
    return Dataset(x, rng.integers(0, classes, 16), xv, rng.integers(0, classes, 5), "classification",
                   name="tokens", class_names=[str(i) for i in range(classes)])


def series_data(seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    return Dataset(rng.normal(size=(16, T, 3)), rng.normal(size=(16, 2)), rng.normal(size=(5, T, 3)),
                   rng.normal(size=(5, 2)), "regression", name="series")


def settings(**kw) -> TrainingSettings:
    return TrainingSettings(**{"loss": "cross_entropy", "optimizer": "adam", "lr": 0.01, "batch_size": 4,
                               "seed": 2, **kw})


def _rnn_sequences():
    doc = chain(("input", {"shape": (T,)}), ("embedding", {"num_embeddings": VOCAB, "embedding_dim": 4,
                                                           "padding_idx": 0}),
                ("rnn", {"hidden_size": 5, "return_sequences": True}), ("last_step", {}), ("dense", {"units": 3}))
    doc.training = settings()
    return doc, token_data(3)


def _gru_dropout_no_bias():
    doc = chain(("input", {"shape": (T,)}), ("embedding", {"num_embeddings": VOCAB, "embedding_dim": 5}),
                ("gru", {"hidden_size": 4, "dropout": 0.3, "use_bias": False}),
                ("dense", {"units": 1, "activation": "sigmoid"}))
    doc.training = settings(loss="bce", optimizer="sgd", lr=0.5, momentum=0.9)
    return doc, token_data(2)


def _stacked_lstm():
    doc = chain(("input", {"shape": (T, 3)}), ("lstm", {"hidden_size": 4, "return_sequences": True,
                                                        "dropout": 0.25}),
                ("lstm", {"hidden_size": 3}), ("dense", {"units": 2}))
    doc.training = settings(loss="mse", optimizer="rmsprop", lr=0.01)
    return doc, series_data()


def _relu_rnn_dropout():
    doc = chain(("input", {"shape": (T, 3)}), ("rnn", {"hidden_size": 4, "nonlinearity": "relu", "dropout": 0.5}),
                ("dense", {"units": 2}))
    doc.training = settings(loss="mse", optimizer="adamw", weight_decay=0.1)
    return doc, series_data(1)


CASES = {"rnn_sequences": _rnn_sequences, "gru_dropout_no_bias": _gru_dropout_no_bias,
         "stacked_lstm": _stacked_lstm, "relu_rnn_dropout": _relu_rnn_dropout}


def test_generated_model_reads_like_pytorch_code():
    doc, _ = _gru_dropout_no_bias()
    source = plan_model(doc).source
    assert "nn.Embedding(15, 5)" in source
    assert "self.embedding_1(x.long())" in source  # ids arrive as floats, like every batch
    assert "WithInputDropout(nn.GRU(5, 4, bias=False, batch_first=True), p=0.3)" in source
    assert "[0][:, -1]" in source
    assert "class SequenceDropout(nn.Module)" in source
    doc, _ = _rnn_sequences()
    source = plan_model(doc).source
    assert "nn.Embedding(15, 4, padding_idx=0)" in source and "nn.RNN(4, 5, batch_first=True)" in source
    assert "SequenceDropout" not in source
    plan = plan_model(_relu_rnn_dropout()[0])
    assert "nonlinearity='relu'" in plan.source
    assert plan.state_key(plan.node_ids[1], "weight_ih_l0") == "rnn_1.rnn.weight_ih_l0"


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_files_are_ruff_clean(name, tmp_path):
    doc, dataset = CASES[name]()
    export_pytorch(doc, tmp_path, dataset=dataset)
    done = subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", "E,F,W,I,B,UP,SIM,RUF",
                           "--line-length", str(LIMIT), "--target-version", "py310", "."],
                          cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_pytorch_reproduces_the_engine(name, dtype, tmp_path):
    require_torch()
    doc, dataset = CASES[name]()
    doc.training = doc.training.with_(dtype=dtype)
    export_pytorch(doc, tmp_path, dataset=dataset)
    report = verify_export(doc, tmp_path, steps=20, dataset=dataset)
    assert report.steps == 20, report.text()  # dropout masks were injected, so training was compared
    assert set(report.worst) >= ALWAYS
    assert report.passed, report.text()
    assert report.max_rel <= TOLERANCE[dtype]


@pytest.mark.torch
def test_exported_input_dropout_keeps_one_mask_for_all_time_steps(tmp_path):
    torch = require_torch()
    from nnviz.export.verify import load_exported

    doc, dataset = _stacked_lstm()
    export_pytorch(doc, tmp_path, dataset=dataset)
    model = load_exported(tmp_path).model.build_model(tmp_path / "weights.safetensors")
    model.train()
    torch.manual_seed(0)
    dropout = model.lstm_1.input_dropout
    out = dropout(torch.ones(50, T, 8, dtype=torch.float32))
    zeros = out == 0
    assert torch.equal(zeros, zeros[:, :1].expand_as(zeros))  # the same features dropped at every step
    assert 0.1 < zeros.float().mean().item() < 0.4
    assert torch.allclose(out[~zeros], torch.tensor(1 / 0.75))
    model.eval()
    x = torch.ones(2, T, 8)
    assert torch.equal(dropout(x), x)
