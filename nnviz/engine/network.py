"""A document's layers built and wired for computation, in topological order."""

from __future__ import annotations

import copy
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import numpy as np

from nnviz.engine.base import LAYERS, Layer
from nnviz.engine.footprint import require_fits
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message


class DocumentNames(Mapping[str, str]):
    """Node id -> the name the learner gave it, read from the document each time: a rename shows at once
    without rebuilding the network, and nothing outside the document holds a copy to keep in step."""

    def __init__(self, doc: GraphDocument, order: list[str]) -> None:
        self._doc, self._order = doc, list(order)

    def __getitem__(self, node: str) -> str:
        if node not in self._order:
            raise KeyError(node)
        return self._doc.nodes[node].name

    def __iter__(self) -> Iterator[str]:
        return iter(self._order)

    def __len__(self) -> int:
        return len(self._order)


class SessionError(ValueError):
    """The network cannot be trained as it is; the message says what to change."""


# Independent random streams derived from the seed, so that e.g. changing the data order never
# changes the initial weights. The exporter reproduces DATA_STREAM's shuffles.
INIT_STREAM, DATA_STREAM, DROPOUT_STREAM = 0, 1, 2


def stream(seed: int, which: int, *more: int) -> np.random.Generator:
    return np.random.default_rng([seed, which, *more])


@dataclass
class Network:
    order: list[str]
    layers: dict[str, Layer]
    feeds: dict[str, list[str]]  # node -> source node of each input port
    input_id: str
    output_id: str
    names: Mapping[str, str]  # DocumentNames: read from the document

    @classmethod
    def build(cls, doc: GraphDocument, dtype: str, seed: int) -> Network:
        import nnviz.engine.layers  # noqa: F401  (registers the layer classes)

        analysis = doc.analysis()
        if not analysis.valid:
            raise SessionError(Message("The network has problems to fix first:\n  {problems}",
                                       problems="\n  ".join(analysis.messages())))
        if len(analysis.inputs) != 1:
            raise SessionError(Message(
                "Training needs exactly one Input node; this network has {n_inputs}",
                n_inputs=len(analysis.inputs)))
        # Only nodes on a path from the input to the output take part (an unconnected extra Input
        # would otherwise have been reported above).
        # Sizes first, from the shapes alone: a layer too big for this machine is named, never allocated.
        require_fits(doc, doc.training.with_(dtype=dtype), SessionError)
        order = list(analysis.order)
        feeds = {nid: [e.src for e in doc.inputs_of(nid)] for nid in order}
        init_rng = stream(seed, INIT_STREAM)
        layers: dict[str, Layer] = {}
        for index, nid in enumerate(order):
            node = doc.nodes[nid]
            cls_ = LAYERS.get(node.type)
            if cls_ is None:
                raise SessionError(Message(
                    "{node}: the engine cannot compute layer type {type!r} yet",
                    node=doc.describe(nid), type=node.type))
            layer = cls_(dict(node.params), analysis.in_shapes.get(nid, []), analysis.shapes[nid], np.dtype(dtype))
            layer.init_params(init_rng, analysis.weight_shapes.get(nid, {}), node.weights)
            if layer.stochastic:
                layer.rng = stream(seed, DROPOUT_STREAM, index)
            layers[nid] = layer
        names = DocumentNames(doc, order)
        return cls(order, layers, feeds, analysis.inputs[0], analysis.outputs[0], names)

    @property
    def input_shape(self) -> tuple[int, ...]:
        return self.layers[self.input_id].out_shape

    @property
    def output_shape(self) -> tuple[int, ...]:
        return self.layers[self.output_id].out_shape

    def set_training(self, training: bool) -> None:
        for layer in self.layers.values():
            layer.training = training

    def forward(self, x: np.ndarray, detached: bool = False) -> np.ndarray:
        """All layers at once, no recording (prediction, evaluation, the gradient check).

        detached: run shallow copies of the layers, so the caches a pending backward needs (and
        the z/delta the viewers show) are left as they were; parameters are shared, not copied."""
        acts: dict[str, np.ndarray] = {}
        for nid in self.order:
            feeds = self.feeds[nid]
            layer = copy.copy(self.layers[nid]) if detached else self.layers[nid]
            acts[nid] = layer.forward([acts[s] for s in feeds] if feeds else [x])
        return acts[self.output_id]

    def backward(self, grad: np.ndarray) -> None:
        grads = {self.output_id: grad}
        for nid in reversed(self.order):
            g = grads.pop(nid, None)
            if g is None or not self.feeds[nid]:
                continue
            for src, gin in zip(self.feeds[nid], self.layers[nid].backward(g)):
                grads[src] = gin if src not in grads else grads[src] + gin

    def check_data(self, sample_shape: tuple[int, ...], data_name: str) -> None:
        if tuple(sample_shape) != tuple(self.input_shape):
            name = self.names[self.input_id]
            raise SessionError(
                Message(
                "Input '{name}' expects samples of shape {shape} but the data set '{data_name}' gives {shape2}: set "
                "the Input's shape to {shape2}",
                name=name, shape=fmt_shape(self.input_shape), data_name=data_name,
                shape2=fmt_shape(tuple(sample_shape))))

    def state(self) -> dict[str, dict[str, np.ndarray]]:
        """Copies of every parameter and buffer, by node id then name."""
        return {nid: {**{k: v.copy() for k, v in layer.params.items()},
                      **{k: np.array(v, copy=True) for k, v in layer.buffers.items()}}
                for nid, layer in self.layers.items() if layer.params or layer.buffers}

    def load_state(self, state: dict[str, dict[str, np.ndarray]]) -> None:
        for nid, tensors in state.items():
            layer = self.layers[nid]
            for name, value in tensors.items():
                target = layer.params if name in layer.params else layer.buffers
                if name in layer.params:
                    target[name][...] = value  # in place: optimisers and viewers hold these arrays
                else:
                    target[name] = np.array(value, copy=True)
