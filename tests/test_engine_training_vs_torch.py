"""Whole training runs through the Session against the same network trained by PyTorch.

Same initial weights (copied from the session), same batches (no shuffling), same loss and
optimiser: after several steps every parameter and BatchNorm buffer must agree, as must the losses.
"""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.engine.session import Session
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from tests.test_engine_optimizers import torch_optimizer
from tests.torch_util import require_torch

pytestmark = pytest.mark.torch


def conv_doc() -> tuple[GraphDocument, list[str]]:
    doc = GraphDocument()
    spec = [("input", {"shape": (2, 9, 9)}),
            # No bias right before a BatchNorm: it cancels out, so its gradient is rounding noise that
            # Adam and RMSprop would blow up into arbitrary +-lr steps, differently in each implementation.
            ("conv2d", {"out_channels": 4, "kernel_size": (3, 3), "padding": (1, 1), "use_bias": False}),
            ("batchnorm2d", {"momentum": 0.2}),
            ("relu", {}),
            ("maxpool2d", {"kernel_size": (2, 2), "stride": (2, 2)}),
            ("conv2d", {"out_channels": 3, "kernel_size": (2, 2), "stride": (2, 1), "activation": "tanh"}),
            ("avgpool2d", {"kernel_size": (2, 2), "stride": (1, 1), "padding": (1, 1)}),
            ("flatten", {}),
            ("dense", {"units": 7, "use_bias": False}),
            ("batchnorm1d", {}),
            ("elu", {"alpha": 0.8}),
            ("dense", {"units": 3})]
    ids = []
    for key, params in spec:
        ids.append(doc.add_node(key, params=params).id)
        if len(ids) > 1:
            doc.connect(ids[-2], ids[-1])
    return doc, ids


def torch_conv_model(torch):
    nn = torch.nn
    return nn.Sequential(
        nn.Conv2d(2, 4, 3, padding=1, bias=False), nn.BatchNorm2d(4, momentum=0.2), nn.ReLU(), nn.MaxPool2d(2, 2),
        nn.Conv2d(4, 3, 2, stride=(2, 1)), nn.Tanh(), nn.AvgPool2d(2, 1, padding=1), nn.Flatten(),
        nn.Linear(3 * 3 * 4, 7, bias=False), nn.BatchNorm1d(7), nn.ELU(0.8), nn.Linear(7, 3),
    ).double()


# Engine node index -> torch Sequential index, for every node that has parameters or buffers.
CONV_MAP = {1: 0, 2: 1, 5: 4, 8: 8, 9: 9, 11: 11}


def residual_doc() -> tuple[GraphDocument, list[str]]:
    """x -> dense a (tanh) -> [dense b (relu), identity] -> add -> concat with a -> dense out (sigmoid)."""
    doc = GraphDocument()
    ids = [doc.add_node("input", params={"shape": (3,)}).id,
           doc.add_node("dense", params={"units": 4, "activation": "tanh"}).id,
           doc.add_node("dense", params={"units": 4, "activation": "relu"}).id,
           doc.add_node("add").id,
           doc.add_node("concatenate").id,
           doc.add_node("dense", params={"units": 1, "activation": "sigmoid"}).id]
    doc.connect(ids[0], ids[1])
    doc.connect(ids[1], ids[2])
    doc.connect(ids[2], ids[3], 0)
    doc.connect(ids[1], ids[3], 1)
    doc.connect(ids[3], ids[4], 0)
    doc.connect(ids[1], ids[4], 1)
    doc.connect(ids[4], ids[5])
    return doc, ids


def torch_residual_model(torch):
    nn = torch.nn

    class Residual(nn.Module):
        def __init__(self):
            super().__init__()
            self.a, self.b, self.out = nn.Linear(3, 4), nn.Linear(4, 4), nn.Linear(8, 1)

        def forward(self, x):
            a = torch.tanh(self.a(x))
            s = torch.relu(self.b(a)) + a
            return torch.sigmoid(self.out(torch.cat([s, a], dim=1)))

    return Residual().double()


RESIDUAL_MAP = {1: "a", 2: "b", 5: "out"}


def copy_weights(torch, session, ids, model, mapping):
    state = session.weights()
    with torch.no_grad():
        for index, target in mapping.items():
            module = model[target] if isinstance(target, int) else getattr(model, target)
            for name, value in state[ids[index]].items():
                getattr(module, name).copy_(torch.from_numpy(np.array(value)))


def assert_weights_match(session, ids, model, mapping, rtol):
    state = session.weights()
    for index, target in mapping.items():
        module = model[target] if isinstance(target, int) else getattr(model, target)
        for name, value in state[ids[index]].items():
            theirs = getattr(module, name).detach().numpy()
            np.testing.assert_allclose(value, theirs, rtol=rtol, atol=rtol * 1e-3, err_msg=f"node {index} {name}")


@pytest.mark.parametrize("optimizer", ["sgd", "adam", "rmsprop"])
def test_conv_network_trains_like_pytorch(optimizer):
    torch = require_torch()
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((40, 2, 9, 9)), rng.integers(0, 3, 40)
    data = Dataset(x, y, x[:0], y[:0], "classification", "random", ["a", "b", "c"])
    settings = TrainingSettings(loss="cross_entropy", optimizer=optimizer, lr=0.05, momentum=0.5,
                                batch_size=8, dtype="float64", shuffle=False)
    doc, ids = conv_doc()
    session = Session(doc, data, settings)
    model = torch_conv_model(torch)
    copy_weights(torch, session, ids, model, CONV_MAP)
    opt = torch_optimizer(torch, model.parameters(), settings)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y)
    for step in range(8):  # 8 steps of 8 = more than one epoch of 40
        loss = session.step_batch()
        i = (step % 5) * 8
        tloss = torch.nn.functional.cross_entropy(model(tx[i:i + 8]), ty[i:i + 8])
        opt.zero_grad()
        tloss.backward()
        opt.step()
        assert loss == pytest.approx(tloss.item(), rel=1e-10)
    assert_weights_match(session, ids, model, CONV_MAP, rtol=1e-9)
    model.eval()
    np.testing.assert_allclose(session.predict(x[:5]), model(tx[:5]).detach().numpy(), rtol=1e-9, atol=1e-12)


def test_residual_network_with_merges_trains_like_pytorch():
    torch = require_torch()
    rng = np.random.default_rng(1)
    x, y = rng.standard_normal((30, 3)), rng.integers(0, 2, 30)
    data = Dataset(x, y, x[:0], y[:0], "classification", "random", ["no", "yes"])
    settings = TrainingSettings(loss="bce", optimizer="adamw", lr=0.05, weight_decay=0.1, batch_size=10,
                                dtype="float64", shuffle=False)
    doc, ids = residual_doc()
    session = Session(doc, data, settings)
    model = torch_residual_model(torch)
    copy_weights(torch, session, ids, model, RESIDUAL_MAP)
    opt = torch_optimizer(torch, model.parameters(), settings)
    tx, ty = torch.from_numpy(x), torch.from_numpy(y.astype(np.float64)).reshape(-1, 1)
    for step in range(9):
        loss = session.step_batch()
        i = (step % 3) * 10
        tloss = torch.nn.functional.binary_cross_entropy(model(tx[i:i + 10]), ty[i:i + 10])
        opt.zero_grad()
        tloss.backward()
        opt.step()
        assert loss == pytest.approx(tloss.item(), rel=1e-10)
    assert_weights_match(session, ids, model, RESIDUAL_MAP, rtol=1e-9)


def test_float32_training_stays_close_to_pytorch_float32():
    torch = require_torch()
    rng = np.random.default_rng(2)
    x, y = rng.standard_normal((40, 2, 9, 9)), rng.integers(0, 3, 40)
    data = Dataset(x, y, x[:0], y[:0], "classification", "random", ["a", "b", "c"])
    settings = TrainingSettings(loss="cross_entropy", optimizer="sgd", lr=0.05, batch_size=8, dtype="float32",
                                shuffle=False)
    doc, ids = conv_doc()
    session = Session(doc, data, settings)
    model = torch_conv_model(torch).float()
    copy_weights(torch, session, ids, model, CONV_MAP)
    opt = torch_optimizer(torch, model.parameters(), settings)
    tx, ty = torch.from_numpy(x.astype(np.float32)), torch.from_numpy(y)
    for step in range(5):
        session.step_batch()
        i = step * 8
        tloss = torch.nn.functional.cross_entropy(model(tx[i:i + 8]), ty[i:i + 8])
        opt.zero_grad()
        tloss.backward()
        opt.step()
    assert_weights_match(session, ids, model, CONV_MAP, rtol=2e-4)
