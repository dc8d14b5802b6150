"""docs/adding-a-layer.md works as written: its code blocks, each written into the file its first line
names in a copy of the package (the documented path, nothing else), add a layer type that has every
facet, infers shapes, explains a bad input, has correct gradients, shows a formula, trains in a session,
passes the gradient check, exports to PyTorch with the same numbers, and imports back from PyTorch.

A subprocess on a copy of the package keeps the new key out of this test session's registries and out
of the checkout (other tests list every layer).
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-layer.md"
BLOCK = re.compile(r"```python\n# (\S+)\n(.*?)```", re.S)

CHECK = r'''
import re, sys
from pathlib import Path
import numpy as np

from nnviz.export.layer_types import layer_type, missing_facets

assert missing_facets() == {}, missing_facets()
kind = layer_type("zeropad2d")
assert kind.engine.__name__ == "ZeroPad2D" and kind.imported_from == ("nn.ZeroPad2d",), kind

from nnviz.graph import GraphDocument
from nnviz.graph.registry import get_spec

spec = get_spec("zeropad2d")
assert spec.infer([(3, 8, 8)], spec.validate_params({"padding": (1, 2)})) == (3, 10, 12)
bad = GraphDocument()
x = bad.add_node("input", params={"shape": (5,)})
y = bad.add_node("zeropad2d")
bad.connect(x.id, y.id)
assert "needs an image" in bad.analysis().errors[y.id]

# The gradient test block of the guide, as it would run in tests/test_engine_gradients.py.
from tests.test_engine_helpers import check_layer_gradients, make_layer, random_inputs
namespace = {"pytest": __import__("pytest"), "np": np, "make_layer": make_layer,
             "check_layer_gradients": check_layer_gradients, "random_inputs": random_inputs}
exec(sys.argv[1], namespace)
for padding in [(1, 1), (0, 2)]:
    namespace["test_zeropad2d"](padding)
formula = make_layer("zeropad2d", [(1, 4, 4)], padding=(1, 1)).formula("forward", {})
assert formula is not None and "zeros" in formula.symbolic

# Build: Input -> ZeroPad2D -> Conv2D -> Flatten -> Dense, on a small image task.
from nnviz.data.dataset import Dataset

rng = np.random.default_rng(0)
images = rng.normal(size=(48, 1, 4, 4))
labels = (images[:, 0, 0, :].sum(axis=1) > 0).astype(np.int64)  # depends on the border the padding widens
data = Dataset(images[:40], labels[:40], images[40:], labels[40:], "classification", name="border",
               class_names=["low", "high"])
doc = GraphDocument()
chain = [doc.add_node("input", params={"shape": (1, 4, 4)}),
         doc.add_node("zeropad2d", name="pad", params={"padding": (1, 1)}),
         doc.add_node("conv2d", params={"out_channels": 2, "kernel_size": (3, 3), "activation": "tanh"}),
         doc.add_node("flatten"),
         doc.add_node("dense", params={"units": 2})]
for a, b in zip(chain, chain[1:]):
    doc.connect(a.id, b.id)
doc.set_training(doc.training.with_(dtype="float64", batch_size=8))
analysis = doc.analysis()
assert analysis.valid, analysis.errors
assert analysis.shapes[chain[1].id] == (1, 6, 6)

# Train.
from nnviz.engine.session import Session

session = Session(doc, data)
before = session.weights()
first = session.step_batch()
for _ in range(30):
    last = session.step_batch()
assert np.isfinite(last) and last < first, (first, last)
assert any(not np.array_equal(before[n][k], v) for n, t in session.weights().items() for k, v in t.items())

# Gradient check of the whole network.
from nnviz.engine.gradcheck import gradcheck

report = gradcheck(doc, data)
assert report.tensors and report.ok, "\n".join(report.lines())

# Export, run the generated PyTorch code beside the engine, and import the export back.
import tempfile
from nnviz.export import export_pytorch
from nnviz.export.importer import import_torch_model
from nnviz.export.verify import load_exported, verify_export

out = Path(tempfile.mkdtemp())
export_pytorch(doc, out, dataset=data)
source = (out / "model.py").read_text(encoding="utf-8")
assert "nn.ZeroPad2d((1, 1, 1, 1))" in source, source
verified = verify_export(doc, out, steps=5, dataset=data)
assert verified.passed and verified.steps == 5, verified.text()
exported = load_exported(out)
back = import_torch_model(exported.model.build_model(out / "weights.safetensors"), python_module=exported.model)
assert [n.type for n in back.nodes.values()] == [n.type for n in doc.nodes.values()]
assert back.node_by_name("pad").params["padding"] == (1, 1)

import torch
from nnviz.export.errors import ExportError

try:
    import_torch_model(torch.nn.Sequential(torch.nn.ZeroPad2d((1, 2, 1, 1))), input_shapes=[(1, 4, 4)])
except ExportError as exc:
    assert "ZeroPad2d '0' cannot be imported: padding=(1, 2, 1, 1)" in str(exc), exc
else:
    raise AssertionError("an uneven padding was imported")
print("ok", verified.max_rel)
'''


def guide_blocks() -> list[tuple[str, str]]:
    """(path, code) for each python block of the guide; the path is the block's first line."""
    return BLOCK.findall(DOC.read_text(encoding="utf-8"))


@pytest.mark.torch
def test_adding_a_layer_through_the_guide_only(tmp_path: Path) -> None:
    blocks = guide_blocks()
    files = [(path, code) for path, code in blocks if path.startswith("nnviz/")]
    tests = [code for path, code in blocks if path.startswith("tests/")]
    assert len(files) <= 3 and len(tests) == 1, [path for path, _ in blocks]
    package = tmp_path / "nnviz"
    shutil.copytree(ROOT / "nnviz", package, ignore=shutil.ignore_patterns("__pycache__"))
    for path, code in files:
        target = tmp_path / path
        assert not target.exists(), f"the guide creates {path}, which exists already"
        target.write_text(code, encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    done = subprocess.run([sys.executable, "-c", CHECK, tests[0]], capture_output=True, text=True, cwd=tmp_path,
                          env=env, timeout=240)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok ")


def test_the_copy_runs_the_copied_package_not_the_checkout(tmp_path: Path) -> None:
    """Positive control for the test above: without the guide's files the key is unknown there."""
    shutil.copytree(ROOT / "nnviz", tmp_path / "nnviz", ignore=shutil.ignore_patterns("__pycache__"))
    (tmp_path / "nnviz" / "graph" / "specs" / "zz_marker.py").write_text(
        "from nnviz.graph.registry import LayerSpec, register\n"
        "register(LayerSpec(key='zz_marker', label='Marker', category='Core', description='',"
        " infer=lambda s, p: s[0]))\n", encoding="utf-8")
    env = dict(os.environ, PYTHONPATH=os.pathsep.join([str(tmp_path), str(ROOT)]))
    probe = ("from nnviz.export.layer_types import missing_facets; from nnviz.graph.registry import all_specs;"
             "print('zeropad2d' in {s.key for s in all_specs()}, missing_facets())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=120)
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == "False {'zz_marker': ['engine', 'formula', 'emitter', 'import rule']}"


def test_guide_names_every_registry_it_relies_on() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("register(LayerSpec(", "@register_layer", "@register_emitter", "@module_rule(", "makes=",
                 "forward_formula", "Capabilities", "ONE_TO_ONE", "missing_facets", "core_zh_CN.json",
                 "check_layer_gradients", "test_export_parity.py", "panels.py"):
        assert name in text, name
    # Every file path the guide points to exists, but the three it creates.
    created = {path for path, _ in guide_blocks()}
    for path in re.findall(r"`((?:nnviz|tests|resources)/[\w/.]+\.(?:py|json|html))`", text):
        if "<" not in path and path not in created:
            assert (ROOT / path).exists(), path


def test_screenshot_script_takes_the_error_shot(tmp_path: Path) -> None:
    import importlib.util

    from PySide6.QtGui import QImage

    spec = importlib.util.spec_from_file_location("make_screenshots", ROOT / "packaging" / "make_screenshots.py")
    shots = importlib.util.module_from_spec(spec)
    sys.modules["make_screenshots"] = shots  # dataclasses look their module up while the class is built
    spec.loader.exec_module(shots)
    assert {s.name for s in shots.SHOTS} >= {"start", "backward", "error", "zh_CN", "dark"}
    from nnviz.io import load

    broken = load(shots.broken_network(tmp_path))
    assert "Flatten" in " ".join(broken.analysis().errors.values())
    assert shots.main(["--only", "error", "--out", str(tmp_path)]) == 0
    image = QImage(str(tmp_path / "error.png"))
    assert image.width() >= 1280 and image.height() >= 800
    assert "error.png" in (ROOT / "docs" / "screenshots.md").read_text(encoding="utf-8")
