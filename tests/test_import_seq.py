"""Importing PyTorch sequence models (nn.Embedding, nn.RNN/LSTM/GRU, the last step): the imported
document computes what the torch module computes; export -> import -> export gives the same numbers;
settings nnviz cannot express are named."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from nnviz.export import ExportError, export_pytorch
from nnviz.export.importer import import_torch_model, load_factory
from nnviz.export.verify import load_exported
from nnviz.graph.layout import layered_layout
from tests.helpers import engine_eval_output, torch_eval_output
from tests.test_seq_export import CASES
from tests.torch_util import require_torch

pytestmark = pytest.mark.torch

EXAMPLE = Path(__file__).resolve().parents[1] / "resources" / "examples" / "seed-text-lstm.nnviz"
T = 12
FOLDED = {"rnn_sequences"}  # export cases with a LastStep node, which the import folds into the RNN


def _tokens(n: int = 6, vocab: int = 100, seed: int = 0) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, vocab, size=(n, T)).astype(np.float64)


def _types(doc) -> list[str]:
    return [doc.nodes[n].type for n in doc.analysis().order]


def _text_classifier(torch, layer: str, form: str):
    """SEEDS.md network 5 the PyTorch way: Embedding(100, 32) -> LSTM(64) -> last step -> Linear(64, 1)
    -> sigmoid, with the last step taken as `form` says."""
    nn = torch.nn

    class TextClassifier(nn.Module):
        def __init__(self):
            super().__init__()
            self.embedding = nn.Embedding(100, 32)
            self.rnn = getattr(nn, layer)(32, 64, batch_first=True)
            self.fc = nn.Linear(64, 1)

        def forward(self, x):
            e = self.embedding(x.long())
            if form == "index":
                last = self.rnn(e)[0][:, -1]
            elif form == "unpack":
                out, h = self.rnn(e)
                last = out[:, -1, :]
            elif form == "final_state" and layer == "LSTM":
                _, (h, _c) = self.rnn(e)
                last = h[-1]
            else:  # final_state of an RNN or GRU: h_n (1, batch, H)
                _, h = self.rnn(e)
                last = h.squeeze(0)
            return torch.sigmoid(self.fc(last))

    torch.manual_seed(5)
    return TextClassifier().double()


@pytest.mark.parametrize("layer", ["LSTM", "GRU", "RNN"])
@pytest.mark.parametrize("form", ["index", "unpack", "final_state"])
def test_a_pytorch_text_classifier_imports_and_computes_alike(layer, form):
    torch = require_torch()
    model = _text_classifier(torch, layer, form)
    doc = import_torch_model(model, input_shapes=[(T,)])
    key = layer.lower()
    assert _types(doc) == ["input", "embedding", key, "dense"]  # the last step folded into the layer
    rnn = doc.node_by_name("rnn")
    assert rnn.params["hidden_size"] == 64 and rnn.params["return_sequences"] is False
    assert rnn.params["dropout"] == 0.0 and rnn.params["use_bias"] is True
    assert doc.node_by_name("fc").params["activation"] == "sigmoid"
    assert doc.node_by_name("embedding").params == {"num_embeddings": 100, "embedding_dim": 32, "padding_idx": -1}
    assert np.array_equal(rnn.weights["weight_hh_l0"], model.rnn.weight_hh_l0.detach().numpy())
    assert doc.analysis().total_params == sum(p.numel() for p in model.parameters())
    assert doc.training.dtype == "float64"
    x = _tokens()
    expected = torch_eval_output(torch, model, x)
    assert expected.shape == (6, 1)
    assert np.allclose(engine_eval_output(doc, x), expected, rtol=1e-9, atol=1e-12)


def test_without_fusing_the_last_step_stays_a_node():
    torch = require_torch()
    model = _text_classifier(torch, "LSTM", "unpack")
    doc = import_torch_model(model, input_shapes=[(T,)], fuse=False)
    assert _types(doc) == ["input", "embedding", "lstm", "last_step", "dense", "sigmoid"]
    assert doc.node_by_name("rnn").params["return_sequences"] is True
    x = _tokens(seed=1)
    assert np.allclose(engine_eval_output(doc, x), torch_eval_output(torch, model, x), rtol=1e-9, atol=1e-12)


def test_stacked_layers_keep_the_whole_sequence_between_them():
    """The first LSTM's sequence feeds the second (return sequences on); both the last output step and
    h_n of the second are read, which are one LastStep folded into the layer."""
    torch = require_torch()
    nn = torch.nn

    class Stacked(nn.Module):
        def __init__(self):
            super().__init__()
            self.words = nn.Embedding(30, 8, padding_idx=0)
            self.first = nn.GRU(8, 6, batch_first=True, bias=False)
            self.second = nn.RNN(6, 5, batch_first=True, nonlinearity="relu")
            self.head = nn.Linear(5, 3)

        def forward(self, x):
            seq, _ = self.first(self.words(x))  # token ids given as integers: no cast
            out, h = self.second(seq)
            return self.head(out[:, -1] + h[0])

    torch.manual_seed(1)
    model = Stacked().double()
    doc = import_torch_model(model, input_shapes=[(T,)])
    assert _types(doc) == ["input", "embedding", "gru", "rnn", "add", "dense"]
    second = doc.node_by_name("second")
    assert second.params["return_sequences"] is False  # both readers took the last step: folded
    assert [e.src for e in doc.inputs_of(doc.node_by_name("add").id)] == [second.id, second.id]
    assert doc.node_by_name("words").params["padding_idx"] == 0
    assert doc.node_by_name("first").params["return_sequences"] is True
    assert doc.node_by_name("first").params["use_bias"] is False
    assert second.params["nonlinearity"] == "relu"
    x = _tokens(vocab=30, seed=2)
    expected = model(torch.from_numpy(x).long()).detach().numpy()
    assert np.allclose(engine_eval_output(doc, x), expected, rtol=1e-9, atol=1e-12)


@pytest.mark.parametrize("name", sorted(CASES))
def test_export_import_export_gives_the_same_numbers(name, tmp_path):
    """The sequence export cases (embedding with a padding id, GRU without bias and with input dropout,
    stacked LSTMs, relu RNN): exported, imported back, exported again."""
    torch = require_torch()
    from safetensors.numpy import load_file

    doc, dataset = CASES[name]()
    doc.training = doc.training.with_(dtype="float64")
    export_pytorch(doc, tmp_path / "a", dataset=dataset)
    model, module = load_factory(f"{tmp_path / 'a' / 'model.py'}:build_model")
    again = import_torch_model(model, python_module=module)
    types = Counter(n.type for n in doc.nodes.values())
    if name in FOLDED:  # RNN (return sequences) -> LastStep comes back as one RNN returning its last step
        del types["last_step"]
        assert [n.params["return_sequences"] for n in again.nodes.values() if n.type == "rnn"] == [False]
    assert Counter(n.type for n in again.nodes.values()) == types
    assert len(again.edges) == len(doc.edges) - (name in FOLDED)
    for key in ("rnn", "lstm", "gru", "embedding"):  # every setting comes back, input dropout too
        def settings(d, key=key):
            return sorted(tuple(sorted((k, v) for k, v in n.params.items() if not (name in FOLDED and k ==
                                       "return_sequences"))) for n in d.nodes.values() if n.type == key)
        assert settings(again) == settings(doc)
    export_pytorch(again, tmp_path / "b", dataset=dataset)
    first, second = (load_file(str(tmp_path / d / "weights.safetensors")) for d in "ab")
    assert first.keys() == second.keys()
    assert all(np.array_equal(first[k], second[k]) for k in first)
    if name not in FOLDED:  # the very same code
        assert (tmp_path / "a" / "model.py").read_text() == (tmp_path / "b" / "model.py").read_text()
    x = dataset.x_val
    a, b = load_exported(tmp_path / "a").model.build_model(), load_exported(tmp_path / "b").model.build_model()
    assert np.array_equal(torch_eval_output(torch, a, x), torch_eval_output(torch, b, x))
    assert np.allclose(engine_eval_output(again, x), torch_eval_output(torch, b, x), rtol=1e-9, atol=1e-12)


def test_the_shipped_text_example_round_trips(tmp_path):
    """resources/examples/seed-text-lstm.nnviz (LSTM with input dropout 0.2) -> PyTorch -> nnviz."""
    torch = require_torch()
    from nnviz.io import load

    doc = load(EXAMPLE)
    doc.training = doc.training.with_(dtype="float64")
    export_pytorch(doc, tmp_path / "a")
    model, module = load_factory(f"{tmp_path / 'a' / 'model.py'}:build_model")
    again = import_torch_model(model, python_module=module)
    assert _types(again) == _types(doc) == ["input", "embedding", "lstm", "dense"]
    lstm = next(n for n in again.nodes.values() if n.type == "lstm")
    assert lstm.params["dropout"] == pytest.approx(0.2) and lstm.params["return_sequences"] is False
    x = _tokens(seed=3)
    assert np.allclose(engine_eval_output(again, x), torch_eval_output(torch, model, x), rtol=1e-9, atol=1e-12)
    assert np.allclose(engine_eval_output(again, x), engine_eval_output(doc, x), rtol=1e-9, atol=1e-12)


def test_imported_nodes_are_placed_by_the_shared_layered_layout():
    torch = require_torch()
    doc = import_torch_model(_text_classifier(torch, "GRU", "index"), input_shapes=[(T,)])
    assert {nid: n.pos for nid, n in doc.nodes.items()} == layered_layout(doc)
    xs = [doc.nodes[n].pos[0] for n in doc.analysis().order]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)


def _refusal(torch, module, forward=None, shape=(T, 4)) -> str:
    nn = torch.nn

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.seq = module
            self.fc = nn.Linear(3, 1)

        def forward(self, x):
            return forward(self, x) if forward else self.fc(self.seq(x)[0][:, -1])

    with pytest.raises(ExportError) as err:
        import_torch_model(Net(), input_shapes=[shape])
    return str(err.value)


def test_recurrent_settings_nnviz_cannot_express_are_named():
    torch = require_torch()
    nn = torch.nn
    assert "LSTM 'seq' cannot be imported: batch_first=False" in _refusal(torch, nn.LSTM(4, 3))
    assert "GRU 'seq' cannot be imported: num_layers=2" in _refusal(torch, nn.GRU(4, 3, 2, batch_first=True))
    message = _refusal(torch, nn.RNN(4, 3, batch_first=True, bidirectional=True),
                       lambda self, x: self.seq(x)[0][:, -1, :3])
    assert "RNN 'seq' cannot be imported: bidirectional=True" in message
    assert "proj_size=2" in _refusal(torch, nn.LSTM(4, 3, batch_first=True, proj_size=2),
                                     lambda self, x: self.seq(x)[0][:, -1])
    zeros = _refusal(torch, nn.GRU(4, 3, batch_first=True),
                     lambda self, x: self.fc(self.seq(x, torch.zeros(1, x.shape[0], 3))[0][:, -1]))
    assert "zero states" in zeros or "zeros" in zeros


def test_using_the_final_cell_state_is_refused_by_name():
    torch = require_torch()
    nn = torch.nn

    def use_c(self, x):
        _, (h, c) = self.seq(x)
        return self.fc(c[-1])

    message = _refusal(torch, nn.LSTM(4, 3, batch_first=True), use_c)
    assert "uses the final cell state c_n of 'seq'" in message
    message = _refusal(torch, nn.LSTM(4, 3, batch_first=True), lambda self, x: self.fc(self.seq(x)[0][:, 1]))
    assert "nnviz's only indexing is the last or first time step" in message


def test_embedding_settings_and_a_missing_sequence_length_are_named():
    torch = require_torch()
    nn = torch.nn
    model = nn.Sequential(nn.Embedding(10, 4, max_norm=1.0), nn.Flatten(), nn.Linear(4 * T, 1))
    with pytest.raises(ExportError, match=r"Embedding '0' cannot be imported: max_norm=1\.0"):
        import_torch_model(model, input_shapes=[(T,)])
    with pytest.raises(ExportError, match=r"--input-shape \(e\.g\. 12 for sentences of 12 token ids\)"):
        import_torch_model(nn.Sequential(nn.Embedding(10, 4), nn.Flatten(), nn.Linear(4 * T, 1)))


def test_import_torch_command_with_an_lstm(tmp_path):
    require_torch()
    source = tmp_path / "text_model.py"
    source.write_text(
        "import torch\n"
        "from torch import nn\n\n\n"
        "class Net(nn.Module):\n"
        "    def __init__(self):\n"
        "        super().__init__()\n"
        "        self.embedding = nn.Embedding(100, 32)\n"
        "        self.lstm = nn.LSTM(32, 64, batch_first=True)\n"
        "        self.fc = nn.Linear(64, 1)\n\n"
        "    def forward(self, x):\n"
        "        out, _ = self.lstm(self.embedding(x.long()))\n"
        "        return torch.sigmoid(self.fc(out[:, -1]))\n")
    out = tmp_path / "text.nnviz"
    done = subprocess.run([sys.executable, "-m", "nnviz", "import-torch", f"{source}:Net", "-o", str(out),
                           "--input-shape", "12"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Total params: 28,353" in done.stdout  # 100*32 + 4*64*(32 + 64 + 2) + 64 + 1
    from nnviz.io import load

    doc = load(out)
    assert _types(doc) == ["input", "embedding", "lstm", "dense"]
    assert doc.node_by_name("lstm").weights["weight_ih_l0"].shape == (256, 32)
