"""float32 stays float32 through a whole recorded training step, and skipping an unread dL/dx
(need_input_grad = False) changes nothing else."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.engine.session import Session
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from tests.test_engine_helpers import make_layer, random_inputs

# Every layer family in one network: conv, pools, batch norms, dropout, merges, activations, dense.
CHAIN = [
    ("input", {"shape": (2, 8, 8)}),
    ("conv2d", {"out_channels": 3, "kernel_size": (3, 3), "padding": (1, 1), "activation": "gelu"}),
    ("batchnorm2d", {}),
    ("maxpool2d", {"kernel_size": (2, 2), "stride": (2, 2)}),
    ("avgpool2d", {"kernel_size": (3, 3), "stride": (1, 1), "padding": (1, 1)}),
    ("flatten", {}),
    ("dense", {"units": 6, "activation": "elu"}),
    ("batchnorm1d", {}),
    ("dropout", {"p": 0.3}),
    ("leaky_relu", {}),
]


def build_doc() -> GraphDocument:
    doc = GraphDocument()
    nodes = []
    for key, params in CHAIN:
        nodes.append(doc.add_node(key, params=params))
        if len(nodes) > 1:
            doc.connect(nodes[-2].id, nodes[-1].id)
    # A residual branch: Add(dense_a(x), x) then Concatenate with x, then the output layer.
    last = nodes[-1]
    branch = doc.add_node("dense", params={"units": 6, "activation": "sigmoid"})
    add = doc.add_node("add")
    cat = doc.add_node("concatenate")
    out = doc.add_node("dense", params={"units": 3})
    doc.connect(last.id, branch.id)
    doc.connect(branch.id, add.id, 0)
    doc.connect(last.id, add.id, 1)
    doc.connect(add.id, cat.id, 0)
    doc.connect(last.id, cat.id, 1)
    doc.connect(cat.id, out.id)
    return doc


def dataset(n: int = 24) -> Dataset:
    rng = np.random.default_rng(0)
    x, y = rng.standard_normal((n, 2, 8, 8)), rng.integers(0, 3, n)
    return Dataset(x, y, x[:6], y[:6], "classification", "random", ["a", "b", "c"])


@pytest.mark.parametrize("dtype", ["float32", "float64"])
def test_every_recorded_tensor_keeps_the_chosen_dtype(dtype):
    settings = TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.01, batch_size=8, dtype=dtype)
    session = Session(build_doc(), dataset(), settings)
    phases = set()
    for _ in range(len(session._plan) * 2):  # two whole training steps, micro-step by micro-step
        event = session.step()
        phases.add(event.phase)
        for name, value in event.tensors.items():
            if value.dtype.kind == "f":
                assert value.dtype == np.dtype(dtype), f"{event.phase} {event.node} {name} is {value.dtype}"
    assert phases == {"batch", "forward", "loss", "backward", "update"}
    session.run(steps=3)  # the fast path too
    for nid, tensors in session.weights().items():
        for name, value in tensors.items():
            if name != "num_batches_tracked":
                assert value.dtype == np.dtype(dtype), f"{nid}.{name} is {value.dtype}"
    assert np.isfinite(session.metrics.step_loss[-1])


@pytest.mark.parametrize(("key", "shape", "params"), [
    ("dense", (5,), {"units": 3, "activation": "tanh"}),
    ("conv2d", (2, 6, 5), {"out_channels": 3, "kernel_size": (3, 2), "stride": (2, 1), "padding": (1, 1)}),
])
def test_skipping_the_input_gradient_keeps_the_parameter_gradients(key, shape, params):
    full, lean = make_layer(key, [shape], **params), make_layer(key, [shape], **params)
    lean.need_input_grad = False
    xs = random_inputs(full, 4, np.random.default_rng(0))
    out = full.forward(xs)
    lean.forward(xs)
    r = np.random.default_rng(1).standard_normal(out.shape)
    assert full.backward(r)[0] is not None
    assert lean.backward(r) == [None]
    for name in full.params:
        np.testing.assert_array_equal(full.grads[name], lean.grads[name])
