"""ONNX export: model.onnx (opset 17) through the generated PyTorch model, checked with onnxruntime
against the engine's forward pass for every layer type, both dtypes' documents and every shipped example."""

from __future__ import annotations

import pytest

from nnviz.cli import main
from nnviz.export.onnx_export import ONNX_FILENAME, OPSET, export_onnx, verify_onnx
from nnviz.export.verify import TOLERANCE
from nnviz.resources import resource_path
from tests import test_seq_export as seq
from tests.extras_util import require_onnxruntime
from tests.test_export_cases import CASES
from tests.test_export_names import SENTINEL, _hostile_doc

EXAMPLES = sorted(resource_path("examples").glob("*.nnviz"))
ALL_CASES = {**CASES, **{f"seq_{k}": v for k, v in seq.CASES.items()}}


def _check(doc, dataset, tmp_path):
    export_onnx(doc, tmp_path, dataset=dataset)
    report = verify_onnx(doc, tmp_path, dataset=dataset)
    print(report.text())
    assert report.passed, report.text()
    assert report.max_rel <= TOLERANCE["float32"]
    assert "outputs (eval mode)" in report.worst
    return report


@pytest.mark.torch
@pytest.mark.parametrize("name", sorted(ALL_CASES))
def test_onnxruntime_matches_the_engine(name, tmp_path):
    require_onnxruntime()
    doc, dataset = ALL_CASES[name]()
    _check(doc, dataset, tmp_path)


@pytest.mark.torch
@pytest.mark.parametrize("name", ["dense_tanh", "conv2d", "batchnorm", "seq_stacked_lstm"])
def test_a_float64_network_becomes_a_float32_onnx_model_within_float32_precision(name, tmp_path):
    require_onnxruntime()
    doc, dataset = ALL_CASES[name]()
    doc.training = doc.training.with_(dtype="float64")
    _check(doc, dataset, tmp_path)


@pytest.mark.torch
@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_every_shipped_example_matches_onnxruntime(path, tmp_path):
    require_onnxruntime()
    from nnviz.io import load

    _check(load(path), None, tmp_path)


@pytest.mark.torch
def test_the_file_states_its_opset_has_a_free_batch_axis_and_the_readme_says_how_to_open_it(tmp_path):
    require_onnxruntime()
    import onnx

    doc, dataset = CASES["conv2d"]()
    export_onnx(doc, tmp_path, dataset=dataset)
    model = onnx.load(str(tmp_path / ONNX_FILENAME))
    onnx.checker.check_model(model)
    assert [o.version for o in model.opset_import if o.domain in ("", "ai.onnx")] == [OPSET]
    dims = model.graph.input[0].type.tensor_type.shape.dim
    assert dims[0].dim_param == "batch" and [d.dim_value for d in dims[1:]] == [2, 7, 7]
    readme = (tmp_path / "README.md").read_text()
    assert "Netron" in readme and f"opset {OPSET}" in readme


@pytest.mark.torch
def test_verification_sees_a_wrong_weight(tmp_path):
    require_onnxruntime()
    import onnx
    from onnx import numpy_helper

    doc, dataset = CASES["dense_tanh"]()
    export_onnx(doc, tmp_path, dataset=dataset)
    model = onnx.load(str(tmp_path / ONNX_FILENAME))
    weight = model.graph.initializer[0]
    weight.CopyFrom(numpy_helper.from_array(numpy_helper.to_array(weight) * 1.01, weight.name))
    onnx.save(model, str(tmp_path / ONNX_FILENAME))
    report = verify_onnx(doc, tmp_path, dataset=dataset)
    assert not report.passed and "FAIL" in report.text()


@pytest.mark.torch
def test_hostile_names_stay_names(tmp_path, monkeypatch):
    require_onnxruntime()
    from tests.test_export_cases import data

    monkeypatch.chdir(tmp_path)
    doc = _hostile_doc()
    analysis = doc.analysis()
    _check(doc, data((3,), classes=analysis.shapes[analysis.outputs[0]][0]), tmp_path / "out")
    assert not list(tmp_path.rglob(f"*{SENTINEL}*"))


@pytest.mark.torch
def test_the_command_line_exports_and_verifies(tmp_path, capsys):
    require_onnxruntime()
    xor = str(resource_path("examples", "xor.nnviz"))
    assert main(["export", xor, "--to", "onnx", "-o", str(tmp_path), "--verify"]) == 0
    out = capsys.readouterr().out
    assert "wrote model.onnx, README.md" in out
    assert "PASS: onnxruntime reproduces the app's numbers." in out
