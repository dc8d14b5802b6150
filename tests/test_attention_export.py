"""Export of the Transformer's layers to PyTorch (nn.MultiheadAttention inside SelfAttention, nn.LayerNorm,
positions, poolings, the per-position cross-entropy) with PyTorch reproducing the engine for 20 Adam
steps (outputs, loss, every gradient, parameters after each update, eval-mode outputs) in float64 and
float32; and import of nn.LayerNorm, nn.MultiheadAttention and an export of each case back again."""

from __future__ import annotations

import subprocess
import sys

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.engine.session import Session
from nnviz.export import export_pytorch, plan_model
from nnviz.export.errors import ExportError
from nnviz.export.importer import import_torch_model
from nnviz.export.pycode import LIMIT
from nnviz.export.verify import load_exported, verify_export
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from tests.extras_util import require_keras, require_onnxruntime
from tests.torch_util import require_torch

T, VOCAB, E = 6, 12, 8
ALWAYS = {"initial weights", "outputs", "loss", "gradients", "parameters after update", "outputs (eval mode)"}


def padded_tokens(rng: np.random.Generator, n: int) -> np.ndarray:
    """(n, T) ids 1..VOCAB-1 with a random length each, padded with 0 at the end (every 3rd at the start)."""
    x = rng.integers(1, VOCAB, size=(n, T)).astype(np.float64)
    for i, length in enumerate(rng.integers(2, T + 1, size=n)):
        if i % 3 == 2:
            x[i, : T - length] = 0
        else:
            x[i, length:] = 0
    return x


def network(*layers: tuple[str, str, dict, tuple[str, ...]]) -> GraphDocument:
    """(name, type, params, sources) in order; the first is the Input."""
    doc, ids = GraphDocument(), {}
    for name, key, params, sources in layers:
        ids[name] = doc.add_node(key, params=params, name=name).id
        for port, src in enumerate(sources):
            doc.connect(ids[src], ids[name], port)
    return doc


def settings(**kw) -> TrainingSettings:
    return TrainingSettings(**{"loss": "cross_entropy", "optimizer": "adam", "lr": 0.01, "batch_size": 4,
                               "seed": 3, **kw})


def _classifier():
    """A one-block post-norm Transformer classifier reading padded sentences."""
    doc = network(("tokens", "input", {"shape": (T,)}, ()),
                  ("embed", "embedding", {"num_embeddings": VOCAB, "embedding_dim": E, "padding_idx": 0}, ("tokens",)),
                  ("pos", "positional_embedding", {"max_len": 10}, ("embed",)),
                  ("attn", "self_attention", {"num_heads": 2, "num_inputs": 2}, ("pos", "tokens")),
                  ("res1", "add", {"num_inputs": 2}, ("pos", "attn")),
                  ("ln1", "layernorm", {}, ("res1",)),
                  ("ff1", "dense", {"units": 16, "activation": "relu"}, ("ln1",)),
                  ("ff2", "dense", {"units": E}, ("ff1",)),
                  ("res2", "add", {"num_inputs": 2}, ("ln1", "ff2")),
                  ("ln2", "layernorm", {"eps": 1e-6}, ("res2",)),
                  ("pool", "mean_over_time", {"num_inputs": 2}, ("ln2", "tokens")),
                  ("out", "dense", {"units": 3}, ("pool",)))
    doc.training = settings()
    rng = np.random.default_rng(0)
    x, xv = padded_tokens(rng, 16), padded_tokens(rng, 5)
    return doc, Dataset(x, rng.integers(0, 3, 16), xv, rng.integers(0, 3, 5), "classification", name="tokens",
                        class_names=["a", "b", "c"])


def _causal_model():
    """Next-token prediction: causal attention, sinusoidal positions, a score per token at every position."""
    doc = network(("tokens", "input", {"shape": (T,)}, ()),
                  ("embed", "embedding", {"num_embeddings": VOCAB, "embedding_dim": E}, ("tokens",)),
                  ("pos", "positional_embedding", {"kind": "sinusoidal", "max_len": T}, ("embed",)),
                  ("ln", "layernorm", {"elementwise_affine": False}, ("pos",)),
                  ("attn", "self_attention", {"num_heads": 4, "causal": True, "num_inputs": 2}, ("ln", "tokens")),
                  ("res", "add", {"num_inputs": 2}, ("pos", "attn")),
                  ("out", "dense", {"units": VOCAB}, ("res",)))
    doc.training = settings(loss="sequence_cross_entropy", optimizer="adamw", weight_decay=0.01)
    rng = np.random.default_rng(1)

    def split(n):
        text = padded_tokens(rng, n)
        following = np.zeros_like(text)
        following[:, :-1] = text[:, 1:]  # the next token; 0 (ignored) after the end
        return text, following.astype(np.int64)

    (x, y), (xv, yv) = split(16), split(5)
    return doc, Dataset(x, y, xv, yv, "classification", name="next", class_names=[str(i) for i in range(VOCAB)])


def _first_token():
    doc = network(("tokens", "input", {"shape": (T, 4)}, ()),
                  ("attn", "self_attention", {"num_heads": 1}, ("tokens",)),
                  ("ln", "layernorm", {}, ("attn",)),
                  ("first", "first_step", {}, ("ln",)),
                  ("out", "dense", {"units": 2}, ("first",)))
    doc.training = settings(loss="mse", optimizer="sgd", lr=0.1, momentum=0.9)
    rng = np.random.default_rng(2)
    return doc, Dataset(rng.normal(size=(16, T, 4)), rng.normal(size=(16, 2)), rng.normal(size=(5, T, 4)),
                        rng.normal(size=(5, 2)), "regression", name="series")


CASES = {"classifier": _classifier, "causal_model": _causal_model, "first_token": _first_token}


def test_generated_model_reads_like_pytorch_code():
    source = plan_model(_classifier()[0]).source
    assert "self.attn = SelfAttention(8, 2)" in source
    assert "attn = self.attn(embed, x)  # (batch, 6, 8)" in source  # the ids are the Input, x
    assert "self.ff1 = nn.Linear(8, 16)" in source  # Dense over a sequence reads its last axis
    assert "nn.MultiheadAttention(embed_dim, num_heads, dropout=dropout, batch_first=True)" in source
    assert "nn.LayerNorm(8)" in source and "nn.LayerNorm(8, eps=1e-06)" in source
    assert "class MaskedMean(nn.Module)" in source and "class LearnedPositions(nn.Module)" in source
    plan = plan_model(_classifier()[0])
    assert plan.state_key(plan.node_ids[3], "in_proj_weight") == "attn.attn.in_proj_weight"
    assert plan.state_key(plan.node_ids[3], "out_proj.weight") == "attn.attn.out_proj.weight"
    causal = plan_model(_causal_model()[0]).source
    assert "SelfAttention(8, 4, causal=True)" in causal and "SinusoidalPositions(6, 8)" in causal


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
    assert report.steps == 20, report.text()
    assert set(report.worst) >= ALWAYS
    assert report.passed, report.text()


@pytest.mark.torch
def test_a_causal_model_learns_and_its_loss_ignores_padding():
    doc, dataset = _causal_model()
    session = Session(doc, dataset)
    losses = [session.step_batch() for _ in range(40)]
    assert np.mean(losses[-5:]) < np.mean(losses[:5])
    assert session.loss_fn.accuracy(session.predict(dataset.x_val), dataset.y_val) is not None


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(CASES))
def test_an_export_imports_back_as_the_same_network(name, tmp_path):
    require_torch()
    doc, dataset = CASES[name]()
    export_pytorch(doc, tmp_path, dataset=dataset)
    exported = load_exported(tmp_path)
    back = import_torch_model(exported.model.build_model(tmp_path / "weights.safetensors"),
                              python_module=exported.model)
    assert sorted(n.type for n in back.nodes.values()) == sorted(n.type for n in doc.nodes.values())
    back.training = doc.training
    # The imported weights are the exported ones, so the two networks predict alike.
    np.testing.assert_allclose(Session(back, dataset).predict(dataset.x_val), Session(doc, dataset).predict(
        dataset.x_val), rtol=1e-5, atol=1e-6)


@pytest.mark.torch
def test_torch_layernorm_and_multihead_attention_import():
    torch = require_torch()
    nn = torch.nn

    class Block(nn.Module):
        def __init__(self):
            super().__init__()
            self.mha = nn.MultiheadAttention(8, 2, batch_first=True)
            self.norm = nn.LayerNorm(8)
            self.head = nn.Linear(8, 3)

        def forward(self, x):
            x = self.norm(x + self.mha(x, x, x)[0])
            return self.head(x.mean(dim=1))

    model = Block().double()
    doc = import_torch_model(model, input_shapes=[(5, 8)])
    assert sorted(n.type for n in doc.nodes.values()) == sorted(
        ["input", "self_attention", "add", "layernorm", "mean_over_time", "dense"])
    x = np.random.default_rng(0).normal(size=(3, 5, 8))
    session = Session(doc, Dataset(x, np.zeros(3, dtype=np.int64), x, np.zeros(3, dtype=np.int64),
                                   "classification", class_names=["a", "b", "c"]))
    with torch.no_grad():
        expected = model.eval()(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(session.predict(x), expected, rtol=1e-5, atol=1e-6)

    class Masked(Block):
        def forward(self, x):
            return self.head(self.mha(x, x, x, attn_mask=torch.ones(5, 5, dtype=torch.bool).triu(1))[0][:, -1])

    with pytest.raises(ExportError, match=r"MultiheadAttention|mha"):
        import_torch_model(Masked().double(), input_shapes=[(5, 8)])


@pytest.mark.parametrize("name", ["classifier", "first_token"])
def test_keras_and_onnx_reproduce_the_forward_pass(name, tmp_path):
    """Keras: LayerNormalization, MultiHeadAttention (PyTorch's packed weights split into query, key and
    value kernels) and the helpers; training is not compared (the key bias, see keras_attention.py)."""
    require_keras()
    require_onnxruntime()
    from nnviz.export.keras_verify import verify_keras
    from nnviz.export.keras_writer import export_keras
    from nnviz.export.onnx_export import export_onnx, verify_onnx

    doc, dataset = CASES[name]()
    export_keras(doc, tmp_path / "keras", dataset=dataset)
    report = verify_keras(doc, tmp_path / "keras", dataset=dataset)
    assert report.passed and "outputs (eval mode)" in report.worst, report.text()
    assert any("key bias" in note for note in report.notes)
    export_onnx(doc, tmp_path / "onnx")
    report = verify_onnx(doc, tmp_path / "onnx", dataset=dataset)
    assert report.passed, report.text()


@pytest.mark.torch
@pytest.mark.parametrize("norm_first", [False, True])
def test_transformer_encoder_layer_imports_as_its_parts(norm_first):
    """nn.TransformerEncoder(Layer) becomes SelfAttention, Dropout, Add, LayerNorm and the feed-forward
    Dense layers, predicting what PyTorch predicts; masks given to it are refused by name."""
    torch = require_torch()
    nn = torch.nn

    class Encoder(nn.Module):
        def __init__(self):
            super().__init__()
            layer = nn.TransformerEncoderLayer(8, 2, 16, batch_first=True, norm_first=norm_first,
                                               activation="gelu")
            self.enc = nn.TransformerEncoder(layer, 2, norm=nn.LayerNorm(8), enable_nested_tensor=False)
            self.head = nn.Linear(8, 3)

        def forward(self, x):
            return self.head(self.enc(x)[:, 0])

    torch.manual_seed(0)
    model = Encoder().double().eval()
    doc = import_torch_model(model, input_shapes=[(5, 8)])
    types = [n.type for n in doc.nodes.values()]
    assert types.count("self_attention") == 2 and types.count("layernorm") == 5 and "first_step" in types
    x = np.random.default_rng(0).normal(size=(3, 5, 8))
    session = Session(doc, Dataset(x, np.zeros(3, dtype=np.int64), x, np.zeros(3, dtype=np.int64),
                                   "classification", class_names=["a", "b", "c"]))
    with torch.no_grad():
        expected = model(torch.from_numpy(x)).numpy()
    np.testing.assert_allclose(session.predict(x), expected, rtol=1e-7, atol=1e-9)
    assert model.enc.layers[0].__class__.__name__ == "TransformerEncoderLayer"  # the user's model is untouched

    class Masked(Encoder):
        def forward(self, x):
            return self.head(self.enc(x, is_causal=True, mask=torch.ones(5, 5).triu(1))[:, 0])

    with pytest.raises(ExportError, match="without masks"):
        import_torch_model(Masked().double(), input_shapes=[(5, 8)])
