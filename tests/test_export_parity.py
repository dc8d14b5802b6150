"""PyTorch reproduces the engine: every layer type, loss, optimiser and shipped example, exported,
imported and trained side by side for 20 steps (outputs, loss, every gradient, parameters after
each update, BatchNorm buffers, eval-mode outputs): float64 within 1e-9, float32 within 1e-5."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnviz.export import export_pytorch
from nnviz.export.verify import TOLERANCE, load_exported, verify_export
from nnviz.resources import resource_path
from tests.test_export_cases import CASES
from tests.torch_util import require_torch

EXAMPLES = sorted(resource_path("examples").glob("*.nnviz"))
ALWAYS = {"initial weights", "outputs", "loss", "gradients", "parameters after update", "outputs (eval mode)"}


def _check(report, doc, dtype, steps=20):
    assert report.steps == steps, report.text()
    assert set(report.worst) >= ALWAYS
    if any(n.type.startswith("batchnorm") for n in doc.nodes.values()):
        assert "buffers" in report.worst
    assert report.passed, report.text()
    assert report.max_rel <= TOLERANCE[dtype]


@pytest.mark.torch
@pytest.mark.parametrize("dtype", ["float64", "float32"])
@pytest.mark.parametrize("name", sorted(CASES))
def test_every_layer_loss_and_optimiser_matches_pytorch(name, dtype, tmp_path):
    require_torch()
    doc, dataset = CASES[name]()
    doc.training = doc.training.with_(dtype=dtype)
    export_pytorch(doc, tmp_path, dataset=dataset)
    report = verify_export(doc, tmp_path, steps=20, dataset=dataset)
    _check(report, doc, dtype)


def test_there_are_shipped_examples():
    assert len(EXAMPLES) >= 4


@pytest.mark.torch
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_shipped_example_matches_pytorch(path, tmp_path):
    require_torch()
    from nnviz.io import load

    doc = load(path)
    export_pytorch(doc, tmp_path, source_name=path.name)
    report = verify_export(doc, tmp_path, steps=20)
    _check(report, doc, doc.training.dtype)


@pytest.mark.torch
def test_verification_sees_a_wrong_number(tmp_path):
    """A deliberately broken export must fail: the comparison is not vacuous."""
    require_torch()
    doc, dataset = CASES["dense_tanh"]()
    export_pytorch(doc, tmp_path, dataset=dataset)
    model = tmp_path / "model.py"
    model.write_text(model.read_text().replace("torch.tanh(", "torch.sigmoid("))
    report = verify_export(doc, tmp_path, steps=3, dataset=dataset)
    assert not report.passed
    assert report.worst["outputs"].max_rel > 1e-3
    assert "FAIL" in report.text()


@pytest.mark.torch
def test_verification_sees_a_wrong_optimiser_setting(tmp_path):
    require_torch()
    doc, dataset = CASES["optim_adam"]()
    export_pytorch(doc, tmp_path, dataset=dataset)
    train = tmp_path / "train.py"
    train.write_text(train.read_text().replace("betas=(0.8, 0.99)", "betas=(0.9, 0.99)"))
    report = verify_export(doc, tmp_path, steps=5, dataset=dataset)
    assert report.worst["initial weights"].max_rel == 0.0
    assert report.worst["parameters after update"].max_rel > TOLERANCE["float32"]
    assert not report.passed


def _first_example_without_random_layers() -> Path:
    from nnviz.io import load

    for path in EXAMPLES:
        doc = load(path)
        if doc.analysis().valid and not any(n.type == "dropout" for n in doc.nodes.values()):
            return path
    raise AssertionError("no shipped example without random layers")


@pytest.mark.torch
def test_build_model_gives_the_engines_prediction_for_the_traced_first_batch(tmp_path):
    """Issue 3, Done means: build_model() fed `nnviz trace --json`'s first batch x gives the engine's prediction."""
    torch = require_torch()
    path = _first_example_without_random_layers()
    trace = subprocess.run([sys.executable, "-m", "nnviz", "trace", str(path), "--json", "--steps", "1"],
                           capture_output=True, text=True, check=True, timeout=120)
    events = [json.loads(line) for line in trace.stdout.splitlines() if line.strip()]
    x = next(e for e in events if e["phase"] == "batch")["tensors"]["x"]
    prediction = next(e for e in events if e["phase"] == "loss")["tensors"]["prediction"]
    out = tmp_path / "export"
    done = subprocess.run([sys.executable, "-m", "nnviz", "export", str(path), "--to", "pytorch", "-o", str(out)],
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    exported = load_exported(out)
    model = exported.model.build_model()
    with torch.no_grad():
        ours = model(torch.tensor(x, dtype=exported.model.DTYPE)).numpy()
    expected = np.asarray(prediction)
    tol = TOLERANCE[str(exported.model.DTYPE).removeprefix("torch.")]
    assert ours.shape == expected.shape
    assert np.max(np.abs(ours - expected)) <= tol * max(np.max(np.abs(expected)), 1e-30)
