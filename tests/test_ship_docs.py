"""docs/adding-a-layer.md works as written: its code blocks, run in a fresh process, add a layer type that
infers shapes, explains a bad input, has correct gradients, shows a formula, trains in a session and
exports to PyTorch code (which, with torch installed, computes the same output as the engine).

A subprocess keeps the new key out of this test session's registries (other tests list every layer).
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
DOC = ROOT / "docs" / "adding-a-layer.md"

CHECK = r'''
import re, sys
import numpy as np
blocks = re.findall(r"```python\n(.*?)```", open(sys.argv[1], encoding="utf-8").read(), re.S)
spec_code, engine_code, emitter_code, test_code = blocks
import nnviz.graph.specs, nnviz.engine.layers  # the built-in types first, as in the app
exec(spec_code, {})
exec(engine_code, {})
from nnviz.export.registry import load_emitters
load_emitters()
exec(emitter_code, {})

from nnviz.graph import GraphDocument
from nnviz.graph.registry import get_spec
spec = get_spec("zeropad2d")
assert spec.infer([(3, 8, 8)], spec.validate_params({"padding": (1, 2)})) == (3, 10, 12)

doc = GraphDocument()
a = doc.add_node("input", params={"shape": (1, 4, 4)})
b = doc.add_node("zeropad2d", params={"padding": (1, 1)})
c = doc.add_node("flatten")
d = doc.add_node("dense", params={"units": 2})
for src, dst in ((a, b), (b, c), (c, d)):
    doc.connect(src.id, dst.id)
analysis = doc.analysis()
assert analysis.valid, analysis.errors
assert analysis.shapes[b.id] == (1, 6, 6)
bad = GraphDocument()
x = bad.add_node("input", params={"shape": (5,)})
y = bad.add_node("zeropad2d")
bad.connect(x.id, y.id)
assert "needs an image" in bad.analysis().errors[y.id]

from tests.test_engine_helpers import check_layer_gradients, make_layer, random_inputs
namespace = {"pytest": __import__("pytest"), "np": np, "make_layer": make_layer,
             "check_layer_gradients": check_layer_gradients, "random_inputs": random_inputs}
exec(test_code, namespace)
for padding in [(1, 1), (0, 2)]:
    namespace["test_zeropad2d"](padding)

f = make_layer("zeropad2d", [(1, 4, 4)], padding=(1, 1)).formula("forward", {})
assert f is not None and "zeros" in f.symbolic

from nnviz.export.model_code import plan_model
plan = plan_model(doc)
assert "nn.ZeroPad2d((1, 1, 1, 1))" in plan.source, plan.source
compile(plan.source, "model.py", "exec")

from nnviz.engine.base import LAYERS
layer = make_layer("zeropad2d", [(2, 3, 4)], padding=(1, 2))
xs = random_inputs(layer, 2, np.random.default_rng(0))
out = layer.forward(xs)
try:
    import torch
except ImportError:
    torch = None
if torch is not None:
    expected = torch.nn.ZeroPad2d((2, 2, 1, 1))(torch.from_numpy(xs[0])).numpy()
    assert np.array_equal(out, expected)
print("ok", out.shape, "torch" if torch is not None else "no torch")
'''


def test_adding_a_layer_guide_works_as_written() -> None:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", CHECK, str(DOC)], capture_output=True, text=True, cwd=ROOT,
                          env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert done.stdout.startswith("ok (2, 2, 5, 8)")


def test_guide_names_every_registry_it_relies_on() -> None:
    text = DOC.read_text(encoding="utf-8")
    for name in ("register(LayerSpec(", "@register_layer", "@register_emitter", "core_zh_CN.json",
                 "check_layer_gradients", "test_export_parity.py", "panels.py"):
        assert name in text, name
    # Every file path the guide points to exists.
    for path in re.findall(r"`((?:nnviz|tests|resources)/[\w/.]+\.(?:py|json|html))`", text):
        if "<" not in path:
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
