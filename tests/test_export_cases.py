"""Small networks covering every layer type, loss and optimiser, shared by the export tests.

Each case builds a document plus a data set that fits it; the parity tests export each case and
check PyTorch against the engine. The tests here check that every case is a valid, trainable network
and that together they cover every built-in layer type the exporter knows.
"""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import all_specs
from nnviz.graph.settings import TrainingSettings
from nnviz.graph.specs.common import ACTIVATIONS

Case = Callable[[], tuple[GraphDocument, Dataset]]
CASES: dict[str, Case] = {}
N_SAMPLES = 12


def case(name: str) -> Callable[[Case], Case]:
    def wrap(fn: Case) -> Case:
        CASES[name] = fn
        return fn

    return wrap


def chain(doc: GraphDocument, *layers: tuple[str, dict]) -> list[str]:
    """Add and connect a chain of (type, params); returns the node ids (the first is connected to nothing)."""
    ids = []
    for type_key, params in layers:
        node = doc.add_node(type_key, params=params)
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    return ids


def data(shape: tuple[int, ...], *, classes: int = 3, regression_width: int | None = None,
         seed: int = 0) -> Dataset:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(N_SAMPLES, *shape))
    xv = rng.normal(size=(5, *shape))
    if regression_width:
        y, yv = rng.normal(size=(N_SAMPLES, regression_width)), rng.normal(size=(5, regression_width))
        return Dataset(x, y, xv, yv, "regression", name="random")
    y, yv = rng.integers(0, classes, N_SAMPLES), rng.integers(0, classes, 5)
    return Dataset(x, y, xv, yv, "classification", name="random", class_names=[str(i) for i in range(classes)])


def settings(**kw) -> TrainingSettings:
    base = {"loss": "cross_entropy", "optimizer": "sgd", "lr": 0.1, "batch_size": 4, "seed": 3}
    return TrainingSettings(**{**base, **kw})


def mlp(hidden: list[tuple[str, dict]], *, n_in: int = 3, n_out: int = 3, out_act: str = "none",
        **kw) -> tuple[GraphDocument, Dataset]:
    doc = GraphDocument()
    chain(doc, ("input", {"shape": (n_in,)}), *hidden, ("dense", {"units": n_out, "activation": out_act}))
    doc.training = settings(**kw)
    if doc.training.loss in ("mse", "l1"):
        return doc, data((n_in,), regression_width=n_out)
    return doc, data((n_in,), classes=max(n_out, 2))


# ------------------------------------------------------------------------ activations
for _act in ACTIVATIONS:
    if _act not in ("none", "softmax"):
        CASES[f"dense_{_act}"] = (lambda a: lambda: mlp([("dense", {"units": 5, "activation": a})]))(_act)
    CASES[f"node_{_act if _act != 'none' else 'identity'}"] = (
        lambda a: lambda: mlp([("dense", {"units": 5}), (a if a != "none" else "identity", {})]))(_act)


@case("dense_softmax_nll")
def _softmax_output():
    return mlp([("dense", {"units": 6, "activation": "tanh"})], out_act="softmax", loss="nll_probs")


@case("dense_activation_params")
def _activation_params():
    return mlp([("dense", {"units": 5, "use_bias": False}), ("leaky_relu", {"negative_slope": 0.2}),
                ("dense", {"units": 5}), ("elu", {"alpha": 0.5}), ("dense", {"units": 4}),
                ("gelu", {"approximate": "tanh"})])


# ------------------------------------------------------------------------ convolution and pooling
@case("conv2d")
def _conv():
    doc = GraphDocument()
    chain(doc, ("input", {"shape": (2, 7, 7)}),
          ("conv2d", {"out_channels": 3, "kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 1),
                      "activation": "relu"}),
          ("conv2d", {"out_channels": 4, "kernel_size": (2, 3), "use_bias": False, "activation": "tanh"}),
          ("flatten", {}), ("dense", {"units": 3}))
    doc.training = settings()
    return doc, data((2, 7, 7))


@case("pooling")
def _pooling():
    doc = GraphDocument()
    chain(doc, ("input", {"shape": (2, 9, 9)}),
          ("maxpool2d", {"kernel_size": (3, 3), "stride": (2, 2), "padding": (1, 1)}),
          ("conv2d", {"out_channels": 3, "kernel_size": (1, 1)}),
          ("avgpool2d", {"kernel_size": (3, 3), "stride": (1, 1), "padding": (1, 1)}),
          ("maxpool2d", {"kernel_size": (2, 2), "stride": (2, 2)}),
          ("avgpool2d", {"kernel_size": (2, 1), "stride": (1, 1)}),
          ("flatten", {}), ("dense", {"units": 3}))
    doc.training = settings()
    return doc, data((2, 9, 9))


# ------------------------------------------------------------------------ normalisation, dropout
@case("batchnorm")
def _batchnorm():
    doc = GraphDocument()
    chain(doc, ("input", {"shape": (2, 5, 5)}), ("conv2d", {"out_channels": 3, "kernel_size": (3, 3)}),
          ("batchnorm2d", {}), ("relu", {}), ("flatten", {}), ("dense", {"units": 6}),
          ("batchnorm1d", {"momentum": 0.2, "eps": 1e-3}), ("dense", {"units": 3}))
    # Not Adam: the bias of a layer right before BatchNorm has a gradient that is exactly zero in
    # exact arithmetic, and Adam divides its rounding noise (1e-17) by itself into full-size steps.
    doc.training = settings(optimizer="sgd", momentum=0.9)
    return doc, data((2, 5, 5))


@case("batchnorm1d_sequence")
def _batchnorm_sequence():
    doc = GraphDocument()
    chain(doc, ("input", {"shape": (6,)}), ("reshape", {"shape": (2, -1)}), ("batchnorm1d", {"affine": False}),
          ("flatten", {}), ("dense", {"units": 3}))
    doc.training = settings()
    return doc, data((6,))


@case("dropout")
def _dropout():
    return mlp([("dense", {"units": 8, "activation": "relu"}), ("dropout", {"p": 0.3}), ("dense", {"units": 6}),
                ("dropout", {"p": 0.5})], n_in=4)


# ------------------------------------------------------------------------ merges and shapes
@case("residual_concat")
def _merges():
    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": (4,)})
    a = doc.add_node("dense", params={"units": 6, "activation": "tanh"})
    b = doc.add_node("dense", params={"units": 6})
    c = doc.add_node("dense", params={"units": 6, "activation": "sigmoid"})
    add = doc.add_node("add", params={"num_inputs": 3})
    cat = doc.add_node("concatenate", params={"axis": 0})
    out = doc.add_node("dense", params={"units": 3})
    doc.connect(inp.id, a.id)
    doc.connect(a.id, b.id)
    doc.connect(a.id, c.id)
    for port, src in enumerate((a, b, c)):
        doc.connect(src.id, add.id, port)
    doc.connect(add.id, cat.id, 0)
    doc.connect(b.id, cat.id, 1)
    doc.connect(cat.id, out.id)
    doc.training = settings(optimizer="rmsprop", lr=0.01, momentum=0.5)
    return doc, data((4,))


@case("image_concat")
def _image_concat():
    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": (12,)})
    shaped = doc.add_node("reshape", params={"shape": (3, 2, 2)})
    c1 = doc.add_node("conv2d", params={"out_channels": 2, "kernel_size": (1, 1)})
    c2 = doc.add_node("conv2d", params={"out_channels": 2, "kernel_size": (3, 3), "padding": (1, 1)})
    channels = doc.add_node("concatenate", params={"axis": 0})
    rows = doc.add_node("concatenate", params={"axis": 1})
    flat = doc.add_node("flatten")
    out = doc.add_node("dense", params={"units": 3})
    doc.connect(inp.id, shaped.id)
    doc.connect(shaped.id, c1.id)
    doc.connect(shaped.id, c2.id)
    doc.connect(c1.id, channels.id, 0)
    doc.connect(c2.id, channels.id, 1)
    doc.connect(channels.id, rows.id, 0)
    doc.connect(channels.id, rows.id, 1)
    doc.connect(rows.id, flat.id)
    doc.connect(flat.id, out.id)
    doc.training = settings()
    return doc, data((12,))


# ------------------------------------------------------------------------ losses and optimisers
@case("loss_mse")
def _mse():
    return mlp([("dense", {"units": 5, "activation": "tanh"})], n_out=2, loss="mse")


@case("loss_l1")
def _l1():
    return mlp([("dense", {"units": 5, "activation": "tanh"})], n_out=2, loss="l1", optimizer="adam", lr=0.01)


@case("loss_bce")
def _bce():
    return mlp([("dense", {"units": 5, "activation": "relu"})], n_out=1, out_act="sigmoid", loss="bce")


@case("loss_bce_logits")
def _bce_logits():
    return mlp([("dense", {"units": 5, "activation": "relu"})], n_out=1, loss="bce_logits")


_OPTIMISERS = {
    "sgd_momentum": {"optimizer": "sgd", "momentum": 0.9},
    "sgd_nesterov": {"optimizer": "sgd", "momentum": 0.9, "nesterov": True, "weight_decay": 0.01},
    "sgd_weight_decay": {"optimizer": "sgd", "weight_decay": 0.1},
    "adam": {"optimizer": "adam", "lr": 0.01, "beta1": 0.8, "beta2": 0.99, "eps": 1e-6},
    "adam_weight_decay": {"optimizer": "adam", "lr": 0.01, "weight_decay": 0.05},
    "adamw": {"optimizer": "adamw", "lr": 0.01, "weight_decay": 0.1},
    "rmsprop": {"optimizer": "rmsprop", "lr": 0.01, "alpha": 0.9},
    "rmsprop_momentum": {"optimizer": "rmsprop", "lr": 0.01, "momentum": 0.9, "weight_decay": 0.01},
}
for _name, _kw in _OPTIMISERS.items():
    CASES[f"optim_{_name}"] = (lambda kw: lambda: mlp([("dense", {"units": 5, "activation": "tanh"})], **kw))(_kw)

BUILTIN_TYPES = {"input", "dense", "flatten", "reshape", "identity", "relu", "leaky_relu", "elu", "gelu", "sigmoid",
                 "tanh", "softmax", "conv2d", "maxpool2d", "avgpool2d", "batchnorm1d", "batchnorm2d", "dropout",
                 "add", "concatenate"}


def test_cases_cover_every_builtin_layer_type_loss_and_optimiser():
    used_types, losses, optimisers = set(), set(), set()
    for build in CASES.values():
        doc, _ = build()
        used_types |= {n.type for n in doc.nodes.values()}
        losses.add(doc.training.loss)
        optimisers.add(doc.training.optimizer)
    known = {s.key for s in all_specs() if s.category != "Sequence"}
    assert known >= BUILTIN_TYPES
    assert used_types == BUILTIN_TYPES
    assert losses == {"mse", "l1", "bce", "bce_logits", "cross_entropy", "nll_probs"}
    assert optimisers == {"sgd", "adam", "adamw", "rmsprop"}


@pytest.mark.parametrize("name", sorted(CASES))
def test_case_is_a_trainable_network(name):
    from nnviz.engine.session import Session

    doc, dataset = CASES[name]()
    assert doc.analysis().valid, doc.analysis().messages()
    session = Session(doc, dataset)
    assert np.isfinite(session.step_batch())
