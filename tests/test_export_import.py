"""Importing PyTorch models: the engine computes what PyTorch computes; export -> import -> export
gives the same numbers; unsupported parts are named."""

from __future__ import annotations

import subprocess
import sys
from collections import Counter

import numpy as np
import pytest

from nnviz.export import ExportError, export_pytorch
from nnviz.export.importer import import_torch_model, load_factory
from nnviz.export.verify import load_exported
from tests.helpers import engine_eval_output, torch_eval_output
from tests.test_export_cases import CASES
from tests.torch_util import require_torch

pytestmark = pytest.mark.torch


@pytest.mark.parametrize("name", ["conv2d", "pooling", "batchnorm", "residual_concat", "image_concat", "dropout",
                                  "dense_softmax_nll", "dense_activation_params", "node_identity", "loss_bce"])
def test_export_import_export_gives_the_same_numbers(name, tmp_path):
    torch = require_torch()
    from safetensors.numpy import load_file

    doc, dataset = CASES[name]()
    doc.training = doc.training.with_(dtype="float64")
    export_pytorch(doc, tmp_path / "a", dataset=dataset)
    model, module = load_factory(f"{tmp_path / 'a' / 'model.py'}:build_model")
    again = import_torch_model(model, python_module=module)
    assert again.training.dtype == "float64"
    assert Counter(n.type for n in again.nodes.values()) == Counter(n.type for n in doc.nodes.values())
    assert len(again.edges) == len(doc.edges)
    export_pytorch(again, tmp_path / "b", dataset=dataset)

    first, second = load_file(str(tmp_path / "a" / "weights.safetensors")), load_file(
        str(tmp_path / "b" / "weights.safetensors"))
    assert first.keys() == second.keys()
    assert all(np.array_equal(first[k], second[k]) for k in first)
    x = dataset.x_val
    a, b = load_exported(tmp_path / "a").model.build_model(), load_exported(tmp_path / "b").model.build_model()
    assert np.array_equal(torch_eval_output(torch, a, x), torch_eval_output(torch, b, x))
    # ... and the app computes the same as PyTorch for the imported document.
    assert np.allclose(engine_eval_output(again, x), torch_eval_output(torch, b, x), rtol=1e-9, atol=1e-12)


def test_a_pytorch_lenet_is_imported_and_computed_alike():
    """SEEDS.md network 4, written the PyTorch way, imported as it is."""
    torch = require_torch()
    nn = torch.nn
    torch.manual_seed(0)
    model = nn.Sequential(
        nn.Conv2d(3, 6, 5), nn.ReLU(), nn.MaxPool2d(2, 2), nn.Conv2d(6, 16, 5), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Flatten(), nn.Linear(400, 120), nn.ReLU(), nn.Linear(120, 84), nn.ReLU(), nn.Linear(84, 10))
    doc = import_torch_model(model, input_shapes=[(3, 32, 32)])
    types = [doc.nodes[n].type for n in doc.analysis().order]
    assert types == ["input", "conv2d", "maxpool2d", "conv2d", "maxpool2d", "flatten", "dense", "dense", "dense"]
    convs = [n for n in doc.nodes.values() if n.type == "conv2d"]
    assert [c.params["activation"] for c in convs] == ["relu", "relu"]  # ReLU fused, as nnviz draws it
    assert [c.name for c in convs] == ["conv_0", "conv_3"]
    assert doc.analysis().total_params == sum(p.numel() for p in model.parameters())
    x = np.random.default_rng(1).normal(size=(2, 3, 32, 32)).astype(np.float32)
    assert np.allclose(engine_eval_output(doc, x), torch_eval_output(torch, model, x), rtol=1e-4, atol=1e-5)
    xs = [n.pos[0] for n in (doc.nodes[i] for i in doc.analysis().order)]
    assert xs == sorted(xs) and len(set(xs)) == len(xs)  # laid out left to right


def test_a_traced_module_with_branches_and_functions_is_imported():
    torch = require_torch()
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv = nn.Conv2d(1, 4, 3, padding=1)
            self.bn = nn.BatchNorm2d(4)
            self.side = nn.Conv2d(1, 4, 1, bias=False)
            self.pool = nn.AvgPool2d(2)
            self.fc = nn.Linear(2 * 4 * 3 * 3, 5)
            self.head = nn.Linear(5, 3)

        def forward(self, x):
            a = F.relu(self.bn(self.conv(x)))
            b = self.side(x)
            y = self.pool(torch.cat([a + b, b], dim=1))
            y = y.view(y.size(0), -1)
            y = torch.tanh(self.fc(y))
            return F.softmax(self.head(y), dim=1)

    torch.manual_seed(2)
    model = Net().double()
    model.bn.running_mean.normal_()
    model.bn.running_var.uniform_(0.5, 2.0)
    model.train()
    before = {k: v.clone() for k, v in model.state_dict().items()}
    doc = import_torch_model(model, input_shapes=[(1, 6, 6)])
    assert model.training  # the model is given back as it was
    assert all(torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert doc.training.dtype == "float64"
    kinds = Counter(n.type for n in doc.nodes.values())
    assert kinds["add"] == 1 and kinds["concatenate"] == 1 and kinds["reshape"] == 1
    assert kinds["relu"] == 1  # after BatchNorm, not directly after a conv: stays a node
    assert doc.node_by_name("fc").params["activation"] == "tanh"
    assert doc.node_by_name("head").params["activation"] == "softmax" and kinds["softmax"] == 0
    x = np.random.default_rng(3).normal(size=(3, 1, 6, 6))
    assert np.allclose(engine_eval_output(doc, x), torch_eval_output(torch, model, x), rtol=1e-10, atol=1e-12)


def test_unsupported_parts_are_all_named():
    torch = require_torch()
    nn = torch.nn
    model = nn.Sequential(nn.Linear(4, 8), nn.Unflatten(1, (2, 4)), nn.Conv1d(2, 2, 3), nn.Flatten(),
                          nn.Hardswish(), nn.Linear(4, 2))
    with pytest.raises(ExportError) as err:
        import_torch_model(model)
    message = str(err.value)
    assert "Conv1d '2'" in message and "Hardswish '4'" in message
    assert "Linear" not in message


def test_settings_nnviz_cannot_express_are_named():
    torch = require_torch()
    nn = torch.nn
    model = nn.Sequential(nn.Conv2d(2, 4, 3, groups=2), nn.MaxPool2d(2, ceil_mode=True))
    with pytest.raises(ExportError) as err:
        import_torch_model(model, input_shapes=[(2, 8, 8)])
    assert "Conv2d '0' cannot be imported: groups=2" in str(err.value)
    assert "MaxPool2d '1' cannot be imported: ceil_mode=True" in str(err.value)


def test_an_unknown_input_shape_asks_for_it():
    torch = require_torch()
    model = torch.nn.Sequential(torch.nn.Conv2d(1, 2, 3))
    with pytest.raises(ExportError, match="--input-shape"):
        import_torch_model(model)
    with pytest.raises(ExportError, match=r"does not run on inputs of shape \[\(3, 8, 8\)\]"):
        import_torch_model(model, input_shapes=[(3, 8, 8)])


def test_data_dependent_control_flow_is_explained():
    torch = require_torch()

    class Branchy(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(2, 2)

        def forward(self, x):
            return self.fc(x) if x.sum() > 0 else x

    with pytest.raises(ExportError, match=r"torch\.fx cannot trace"):
        import_torch_model(Branchy())


def test_import_torch_command(tmp_path):
    require_torch()
    source = tmp_path / "my_model.py"
    source.write_text(
        "import torch\n"
        "from torch import nn\n\n\n"
        "def make():\n"
        "    torch.manual_seed(0)\n"
        "    return nn.Sequential(nn.Conv2d(1, 3, 3), nn.ReLU(), nn.Flatten(), nn.Linear(3 * 6 * 6, 10))\n")
    out = tmp_path / "imported.nnviz"
    done = subprocess.run([sys.executable, "-m", "nnviz", "import-torch", f"{source}:make", "-o", str(out),
                           "--input-shape", "1,8,8"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "Total params: 1,120" in done.stdout  # 3*9 + 3 + 108*10 + 10
    from nnviz.io import load

    doc = load(out)
    assert doc.analysis().valid
    conv = next(n for n in doc.nodes.values() if n.type == "conv2d")
    assert conv.weights["weight"].shape == (3, 1, 3, 3)

    bad = subprocess.run([sys.executable, "-m", "nnviz", "import-torch", f"{source}:nothing", "-o", str(out)],
                         capture_output=True, text=True, timeout=120)
    assert bad.returncode == 1
    assert "has no 'nothing'" in bad.stderr
    assert "Traceback" not in bad.stderr


def test_the_pytorch_tutorial_net_with_functional_pooling_is_imported():
    """The 60-minute blitz network: F.max_pool2d(F.relu(self.conv1(x)), (2, 2)) and torch.flatten(x, 1)."""
    torch = require_torch()
    nn, F = torch.nn, torch.nn.functional

    class Net(nn.Module):
        def __init__(self):
            super().__init__()
            self.conv1 = nn.Conv2d(1, 6, 5)
            self.conv2 = nn.Conv2d(6, 16, 5)
            self.fc1 = nn.Linear(16 * 5 * 5, 120)
            self.fc2 = nn.Linear(120, 84)
            self.fc3 = nn.Linear(84, 10)

        def forward(self, x):
            x = F.max_pool2d(F.relu(self.conv1(x)), (2, 2))
            x = F.avg_pool2d(F.relu(self.conv2(x)), 2)
            x = torch.flatten(x, 1)
            x = F.relu(self.fc1(x))
            x = F.relu(self.fc2(x))
            return self.fc3(x)

    torch.manual_seed(4)
    model = Net()
    doc = import_torch_model(model, input_shapes=[(1, 32, 32)])
    types = [doc.nodes[n].type for n in doc.analysis().order]
    assert types == ["input", "conv2d", "maxpool2d", "conv2d", "avgpool2d", "flatten", "dense", "dense", "dense"]
    pools = [n for n in doc.nodes.values() if n.type.endswith("pool2d")]
    assert [(p.params["kernel_size"], p.params["stride"]) for p in pools] == [((2, 2), (2, 2))] * 2
    x = np.random.default_rng(5).normal(size=(2, 1, 32, 32)).astype(np.float32)
    assert np.allclose(engine_eval_output(doc, x), torch_eval_output(torch, model, x), rtol=1e-4, atol=1e-5)


def test_a_custom_module_with_a_rule_is_a_leaf_and_casts_pass_through(monkeypatch):
    """The hooks other layer families use: @module_rule(..., custom=True) for a helper class an
    emitter writes into model.py, and casts like x.float() that need no node."""
    torch = require_torch()
    from nnviz.export.import_rules import CUSTOM_MODULE_RULES, Converted

    class Clamp(torch.nn.Module):
        def forward(self, x):
            return x.clamp(min=0)

    class Net(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.fc = torch.nn.Linear(3, 4)
            self.act = Clamp()
            self.out = torch.nn.Linear(4, 2)

        def forward(self, x):
            return self.out(self.act(self.fc(x.float()))).contiguous()

    torch.manual_seed(6)
    model = Net()
    with pytest.raises(ExportError, match=r"clamp\(\) 'clamp' has no nnviz form"):
        import_torch_model(model)
    monkeypatch.setitem(CUSTOM_MODULE_RULES, "Clamp", lambda module, site: Converted("relu"))
    doc = import_torch_model(model, fuse=False)
    assert [doc.nodes[n].type for n in doc.analysis().order] == ["input", "dense", "relu", "dense"]
    x = np.random.default_rng(7).normal(size=(4, 3)).astype(np.float32)
    assert np.allclose(engine_eval_output(doc, x), torch_eval_output(torch, model, x), rtol=1e-5, atol=1e-6)
