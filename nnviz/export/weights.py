"""The network's tensors as a state_dict-keyed safetensors file (no pickle).

Weights come from a running session (trained values) or, by default, from the engine's own
initialisation for the document's seed: the exact numbers the app starts training from.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.model_code import ModelPlan
from nnviz.graph.document import GraphDocument
from nnviz.i18n import Message

NodeState = dict[str, dict[str, np.ndarray]]  # node id -> tensor name -> values


def initial_state(doc: GraphDocument) -> NodeState:
    """Every parameter and buffer as the app initialises them (same seed, same numbers)."""
    from nnviz.engine.network import Network, SessionError

    if len(doc.analysis().inputs) > 1:
        return _state_without_network(doc)
    try:
        net = Network.build(doc, doc.training.dtype, doc.training.seed)
    except SessionError as exc:
        raise ExportError(Message("The weights cannot be made: {problem}", problem=exc)) from None
    return net.state()


def _state_without_network(doc: GraphDocument) -> NodeState:
    """Initial weights of a network the session cannot train (several inputs): each layer
    initialised in topological order from the same stream Network.build uses."""
    import nnviz.engine.layers  # noqa: F401  (registers the layer classes)
    from nnviz.engine.base import LAYERS
    from nnviz.engine.network import INIT_STREAM, stream

    analysis = doc.analysis()
    rng = stream(doc.training.seed, INIT_STREAM)
    state: NodeState = {}
    for nid in analysis.order:
        node = doc.nodes[nid]
        cls = LAYERS.get(node.type)
        if cls is None:
            raise ExportError(Message(
                "{node}: the engine cannot compute layer type {type!r} yet",
                node=doc.describe(nid), type=node.type))
        layer = cls(dict(node.params), analysis.in_shapes.get(nid, []), analysis.shapes[nid],
                    np.dtype(doc.training.dtype))
        layer.init_params(rng, analysis.weight_shapes.get(nid, {}), node.weights)
        if layer.params or layer.buffers:
            state[nid] = {**layer.params, **layer.buffers}
    return state


def state_dict_arrays(doc: GraphDocument, plan: ModelPlan, state: NodeState) -> dict[str, np.ndarray]:
    """{state_dict key: array} for every exported node's parameters and buffers, in the model's dtype.

    Raises ExportError naming the node when a tensor is missing or has the wrong shape."""
    analysis = doc.analysis()
    dtype = np.dtype(plan.dtype)
    arrays: dict[str, np.ndarray] = {}
    for nid in plan.node_ids:
        expected = {**analysis.weight_shapes.get(nid, {}), **analysis.buffer_shapes.get(nid, {})}
        for name, shape in expected.items():
            values = state.get(nid, {}).get(name)
            if values is None:
                raise ExportError(Message(
                    "{node} has no values for {name}: reset its weights",
                    node=doc.describe(nid), name=name))
            values = np.asarray(values)
            if tuple(values.shape) != tuple(shape):
                raise ExportError(Message(
                    "{node} has {name} of shape {shape} but needs {shape2}",
                    node=doc.describe(nid), name=name, shape=values.shape, shape2=shape))
            # Counters (BatchNorm's num_batches_tracked) stay integers, as in PyTorch.
            target = np.int64 if values.dtype.kind in "iu" or name == "num_batches_tracked" else dtype
            arrays[plan.state_key(nid, name)] = np.ascontiguousarray(values, dtype=target)
    return arrays


def save_weights(arrays: dict[str, np.ndarray], path: Path) -> None:
    from safetensors.numpy import save

    # "format": "pt" is what safetensors.torch writes; tools that check it then accept the file.
    # Bytes written by an ordinary open(): the file gets the permissions of any new file (0644 under the
    # usual umask), where safetensors' save_file makes it readable by its owner only (0600).
    Path(path).write_bytes(save(arrays, metadata={"format": "pt", "producer": "nnviz"}))


def load_weights(path: Path) -> dict[str, np.ndarray]:
    from safetensors.numpy import load_file

    return load_file(str(path))
