"""The generated files: readable structure, ruff-clean, learner-worded refusals, the emitter registry."""

from __future__ import annotations

import ast
import json
import struct
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnviz.export import ExportError, export_pytorch, plan_model
from nnviz.export.pycode import LIMIT, fit
from nnviz.export.registry import EMITTERS, get_emitter, load_emitters, register_emitter
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import all_specs
from nnviz.resources import resource_path
from tests.test_export_cases import BUILTIN_TYPES, CASES, chain

RUFF_RULES = "E,F,W,I,B,UP,SIM,RUF"


def read_header(path: Path) -> dict:
    """A safetensors file's JSON header (8-byte little-endian length, then JSON), read without torch."""
    raw = path.read_bytes()
    (length,) = struct.unpack("<Q", raw[:8])
    return json.loads(raw[8: 8 + length])


def ruff(directory: Path) -> subprocess.CompletedProcess:
    """ruff with the project's rule selection on generated files, run where they live (so `model`
    counts as a first-party import of train.py, as it does for a user)."""
    return subprocess.run([sys.executable, "-m", "ruff", "check", "--isolated", "--select", RUFF_RULES,
                           "--line-length", str(LIMIT), "--target-version", "py310", "."],
                          cwd=directory, capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize("name", sorted(CASES))
def test_generated_files_are_ruff_clean(name, tmp_path):
    doc, dataset = CASES[name]()
    export_pytorch(doc, tmp_path, dataset=dataset, source_name=f"{name}.nnviz")
    done = ruff(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr
    for file in ("model.py", "train.py"):
        source = (tmp_path / file).read_text()
        ast.parse(source)
        assert max(len(line) for line in source.splitlines()) <= LIMIT


EXAMPLES = sorted(resource_path("examples").glob("*.nnviz"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_shipped_example_exports_ruff_clean_files(path, tmp_path):
    from nnviz.io import load

    result = export_pytorch(load(path), tmp_path, source_name=path.name)
    assert not result.warnings  # the shipped examples' data always loads
    done = ruff(tmp_path)
    assert done.returncode == 0, done.stdout + done.stderr


def test_every_builtin_layer_type_has_an_emitter():
    load_emitters()
    assert BUILTIN_TYPES - {"input"} <= set(EMITTERS)
    assert {s.key for s in all_specs() if s.category != "Sequence"} - {"input"} <= set(EMITTERS)


def test_a_chain_reuses_x_and_a_residual_keeps_its_branch():
    doc = GraphDocument()
    inp, a, b = chain(doc, ("input", {"shape": (4,)}), ("dense", {"units": 4, "activation": "tanh"}),
                      ("dense", {"units": 4}))
    add = doc.add_node("add")
    out = doc.add_node("dense", name="head", params={"units": 2})
    doc.connect(a, add.id, 0)
    doc.connect(b, add.id, 1)
    doc.connect(add.id, out.id)
    source = plan_model(doc).source
    forward = source[source.index("def forward"): source.index("def build_model")]
    assert "x = torch.tanh(self.dense_1(x))  # (batch, 4)" in forward
    assert "dense_2 = self.dense_2(x)  # (batch, 4)" in forward
    assert "x = x + dense_2  # (batch, 4)" in forward
    assert "x = self.head(x)  # (batch, 2)" in forward
    assert forward.rstrip().endswith("return x")
    assert "self.dense_1 = nn.Linear(4, 4)" in source and "self.head = nn.Linear(4, 2)" in source


def test_layer_settings_are_written_out():
    doc, _ = CASES["conv2d"]()
    source = plan_model(doc).source
    assert "nn.Conv2d(2, 3, kernel_size=3, stride=2, padding=1)" in source
    assert "nn.Conv2d(3, 4, kernel_size=(2, 3), bias=False)" in source
    doc, _ = CASES["pooling"]()
    source = plan_model(doc).source
    assert "nn.MaxPool2d(kernel_size=3, stride=2, padding=1)" in source
    assert "nn.AvgPool2d(kernel_size=(2, 1), stride=1)" in source
    doc, _ = CASES["batchnorm"]()
    assert "nn.BatchNorm1d(6, eps=0.001, momentum=0.2)" in plan_model(doc).source
    doc, _ = CASES["image_concat"]()
    source = plan_model(doc).source
    assert "torch.cat([" in source and "dim=1)" in source and "dim=2)" in source
    assert ".reshape(-1, 3, 2, 2)" in source


def test_an_invalid_network_is_refused_with_every_problem_named():
    doc = GraphDocument()
    chain(doc, ("input", {"shape": (1, 4, 4)}), ("dense", {"units": 3}))
    with pytest.raises(ExportError) as err:
        plan_model(doc)
    message = str(err.value)
    assert "cannot be exported until these are fixed" in message
    assert "Dense 'dense_1'" in message and "Flatten" in message


def test_a_layer_type_without_an_emitter_is_named(monkeypatch, tmp_path):
    doc, dataset = CASES["dropout"]()
    monkeypatch.delitem(EMITTERS, "dropout")
    with pytest.raises(ExportError, match=r"Dropout 'dropout_1' cannot be exported: nnviz has no PyTorch form"):
        export_pytorch(doc, tmp_path, dataset=dataset)
    assert not (tmp_path / "model.py").exists()  # nothing is written when the network cannot be exported


def test_a_failing_emitter_names_the_node_instead_of_a_traceback(monkeypatch):
    doc, _ = CASES["dense_relu"]()

    def broken(ctx):
        raise KeyError("units")

    monkeypatch.setitem(EMITTERS, "dense", broken)
    with pytest.raises(ExportError, match=r"Dense 'dense_1' cannot be exported: KeyError"):
        plan_model(doc)


def test_registering_a_key_twice_is_refused():
    with pytest.raises(ValueError, match="already registered"):
        register_emitter("dense")(lambda ctx: None)
    assert get_emitter("no-such-layer") is None


def test_weights_file_is_keyed_like_the_state_dict_in_the_models_dtype(tmp_path):
    doc, dataset = CASES["batchnorm"]()
    doc.training = doc.training.with_(dtype="float64")
    result = export_pytorch(doc, tmp_path, dataset=dataset)
    header = read_header(tmp_path / "weights.safetensors")
    assert header["__metadata__"]["format"] == "pt"
    keys = {k for k in header if k != "__metadata__"}
    bn = result.plan.attrs[next(n for n, node in doc.nodes.items() if node.type == "batchnorm2d")]
    assert {f"{bn}.weight", f"{bn}.bias", f"{bn}.running_mean", f"{bn}.running_var",
            f"{bn}.num_batches_tracked"} <= keys
    assert header[f"{bn}.num_batches_tracked"]["dtype"] == "I64"
    assert header[f"{bn}.weight"]["dtype"] == "F64"
    dense = result.plan.attrs[next(n for n, node in doc.nodes.items() if node.type == "dense")]
    assert header[f"{dense}.weight"]["shape"] == [6, 27]


def test_export_writes_the_training_arrays_and_a_readme(tmp_path):
    doc, dataset = CASES["loss_bce"]()
    result = export_pytorch(doc, tmp_path, dataset=dataset)
    assert {f.name for f in result.files} == {"model.py", "weights.safetensors", "train.py", "README.md", "data.npz"}
    with np.load(tmp_path / "data.npz", allow_pickle=False) as arrays:
        assert arrays["x_train"].shape == (12, 3) and arrays["x_train"].dtype == np.float32
        assert arrays["y_train"].shape == (12, 1)  # binary targets as float rows, as the loss needs them
        assert arrays["x_val"].shape == (5, 3)
    readme = (tmp_path / "README.md").read_text()
    assert "python train.py" in readme and "torchrun" in readme


def test_data_that_cannot_be_loaded_is_a_warning_not_a_failure(tmp_path):
    doc, _ = CASES["dense_relu"]()
    doc.data = {"kind": "csv", "path": str(tmp_path / "missing.csv")}
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "data.npz").write_bytes(b"stale")
    result = export_pytorch(doc, tmp_path / "out")
    assert (tmp_path / "out" / "model.py").is_file()
    assert not (tmp_path / "out" / "data.npz").exists()
    assert len(result.warnings) == 1 and "train.py cannot run yet" in result.warnings[0]


def test_long_lines_are_wrapped_at_brackets_and_plus_signs():
    line = "concatenated = torch.cat([" + ", ".join(f"branch_number_{i}" for i in range(8)) + "], dim=1)  # (b, 8)"
    lines = fit(line, "        ")
    assert all(len(piece) <= LIMIT for piece in lines)
    assert lines[0].strip() == "# (b, 8)"
    compile("\n".join(piece[8:] for piece in lines[1:]), "<test>", "exec")
    total = "x = " + " + ".join(f"a_rather_long_variable_name_{i}" for i in range(6))
    wrapped = fit(total)
    assert len(wrapped) > 1 and all(len(piece) <= LIMIT for piece in wrapped)
    compile("\n".join(wrapped), "<test>", "exec")


@pytest.mark.torch
def test_running_model_py_prints_the_layers_and_an_output_shape(tmp_path):
    from tests.torch_util import require_torch

    require_torch()
    doc, dataset = CASES["conv2d"]()
    export_pytorch(doc, tmp_path, dataset=dataset)
    done = subprocess.run([sys.executable, "model.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Conv2d(2, 3, kernel_size=(3, 3), stride=(2, 2), padding=(1, 1))" in done.stdout
    assert "output shape: (2, 3)" in done.stdout


@pytest.mark.torch
def test_a_network_with_two_inputs_exports_its_model(tmp_path):
    """The app trains one input only, but the model of a two-input network still exports."""
    from tests.torch_util import require_torch

    torch = require_torch()
    from nnviz.export.verify import load_exported

    doc = GraphDocument()
    a = doc.add_node("input", name="image", params={"shape": (4,)})
    b = doc.add_node("input", name="extra", params={"shape": (2,)})
    fa = doc.add_node("dense", params={"units": 3, "activation": "relu"})
    cat = doc.add_node("concatenate")
    out = doc.add_node("dense", name="head", params={"units": 2})
    doc.connect(a.id, fa.id)
    doc.connect(fa.id, cat.id, 0)
    doc.connect(b.id, cat.id, 1)
    doc.connect(cat.id, out.id)
    result = export_pytorch(doc, tmp_path)
    assert result.plan.arg_names == ["image", "extra"]
    assert len(result.warnings) == 1 and "exactly one Input" in result.warnings[0]
    source = (tmp_path / "model.py").read_text()
    assert "def forward(self, image: torch.Tensor, extra: torch.Tensor)" in source
    assert "INPUT_SHAPES = [(4,), (2,)]" in source
    model = load_exported(tmp_path).model.build_model()
    x1, x2 = torch.randn(5, 4), torch.randn(5, 2)
    expected = model.head(torch.cat([torch.relu(model.dense_1(x1)), x2], dim=1))
    assert torch.equal(model(x1, x2), expected)
    assert ruff(tmp_path).returncode == 0


def test_weights_without_a_session_equal_the_sessions_initial_weights():
    from nnviz.engine.network import Network
    from nnviz.export.weights import _state_without_network

    doc, _ = CASES["batchnorm"]()
    ours = _state_without_network(doc)
    theirs = Network.build(doc, doc.training.dtype, doc.training.seed).state()
    assert ours.keys() == theirs.keys()
    assert all(np.array_equal(ours[n][k], theirs[n][k]) for n in theirs for k in theirs[n])
