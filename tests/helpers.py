"""Small documents the tests build in code."""

from __future__ import annotations

import numpy as np

from nnviz.graph import GraphDocument, TrainingSettings


def chain(*layers: tuple[str, dict], input_shape=(2,), data=None, **settings) -> GraphDocument:
    """Input -> layers in a chain. layers: (type, params) pairs."""
    doc = GraphDocument()
    prev = doc.add_node("input", params={"shape": input_shape})
    for type_key, params in layers:
        node = doc.add_node(type_key, params=params)
        doc.connect(prev.id, node.id)
        prev = node
    if data is not None:
        doc.set_data(data)
    if settings:
        doc.set_training(TrainingSettings(**settings))
    return doc


def single_neuron() -> GraphDocument:
    """SEEDS.md network 2: one sigmoid neuron, one backprop step with MSE and lr 1."""
    doc = chain(("dense", {"units": 1, "activation": "sigmoid"}),
                data={"kind": "inline", "x": [[0.9, 0.1]], "y": [[0.8]], "task": "regression"},
                loss="mse", optimizer="sgd", lr=1.0, batch_size=1, dtype="float64")
    dense = doc.node_by_name("dense_1")
    doc.set_weight(dense.id, "weight", np.array([[0.5, -0.5]]))
    doc.set_weight(dense.id, "bias", np.array([0.0]))
    return doc


def xor_mlp(**settings) -> GraphDocument:
    base = {"loss": "cross_entropy", "optimizer": "adam", "lr": 0.05, "batch_size": 20}
    base.update(settings)
    return chain(("dense", {"units": 8, "activation": "tanh"}), ("dense", {"units": 2}),
                 data={"kind": "generated", "name": "xor", "n": 200, "noise": 0.05, "seed": 1},
                 **base)


def engine_eval_output(doc: GraphDocument, x: np.ndarray) -> np.ndarray:
    """The network's output for x in evaluation mode, built fresh from the document (its seed's weights)."""
    from nnviz.engine.network import Network

    net = Network.build(doc, doc.training.dtype, doc.training.seed)
    net.set_training(False)
    return net.forward(x.astype(doc.training.dtype))


def torch_eval_output(torch, model, x: np.ndarray) -> np.ndarray:
    """A torch module's output for x in evaluation mode, as NumPy."""
    model.eval()
    with torch.no_grad():
        return model(torch.from_numpy(x)).numpy()
