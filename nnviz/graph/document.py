"""The graph document: nodes, edges, data and training settings, with a validating mutation API.

Every edit goes through a method here. Each method checks the edit first, refuses with a
GraphEditError whose message a learner can act on, applies it, and notifies observers with one
Change. The GUI's undo commands call exactly these methods; views hold no truth of their own.
"""

from __future__ import annotations

import copy
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.graph.inference import Analysis, analyse, find_cycle
from nnviz.graph.params import ParamError
from nnviz.graph.printable import name_problem
from nnviz.graph.registry import LayerSpec, get_spec
from nnviz.graph.settings import TrainingSettings
from nnviz.i18n import Message, term, translate

MAX_NAME_LENGTH = 64


class GraphEditError(ValueError):
    """An edit was refused; the message says why."""


@dataclass
class Node:
    id: str
    type: str
    name: str
    params: dict[str, Any]
    pos: tuple[float, float] = (0.0, 0.0)
    # Explicit starting values (typed by the user, loaded, or imported); others come from the initialiser.
    weights: dict[str, np.ndarray] = field(default_factory=dict)

    @property
    def spec(self) -> LayerSpec:
        return get_spec(self.type)


@dataclass(frozen=True)
class Edge:
    """Data flows from the output of `src` into input port `port` of `dst`."""

    src: str
    dst: str
    port: int = 0


@dataclass(frozen=True)
class Change:
    """What one edit did. kind: node_added, node_removed, connected, disconnected, param, renamed,
    moved, weights, data, training, replaced."""

    kind: str
    node: str | None = None
    detail: Any = None


@dataclass
class RemovedNode:
    """Everything needed to put a removed node back exactly (undo)."""

    node: Node
    edges: list[Edge]
    index: int


Observer = Callable[[Change], None]


class GraphDocument:
    def __init__(self) -> None:
        self.nodes: dict[str, Node] = {}
        self.edges: list[Edge] = []
        self.data: dict[str, Any] = {"kind": "generated", "name": "xor"}
        self.training = TrainingSettings()
        self.description: dict[str, str] = {}
        self.meta: dict[str, Any] = {}
        self._next_id = 1
        self._observers: list[Observer] = []
        self._analysis: Analysis | None = None
        self._muted = 0

    # ----------------------------------------------------------------- observing
    def subscribe(self, observer: Observer) -> None:
        self._observers.append(observer)

    def unsubscribe(self, observer: Observer) -> None:
        if observer in self._observers:
            self._observers.remove(observer)

    def _changed(self, change: Change, structural: bool = True) -> None:
        if structural:
            self._analysis = None
        if self._muted:
            return
        for observer in list(self._observers):
            observer(change)

    @contextmanager
    def muted(self) -> Iterator[None]:
        """Apply many edits with one 'replaced' notification at the end (loading a file)."""
        self._muted += 1
        try:
            yield
        finally:
            self._muted -= 1
            self._analysis = None
        if not self._muted:
            self._changed(Change("replaced"))

    # ----------------------------------------------------------------- reading
    def analysis(self) -> Analysis:
        """Shape inference for the current document (cached until the next structural edit)."""
        if self._analysis is None:
            self._analysis = analyse(self)
        return self._analysis

    def node(self, node_id: str) -> Node:
        try:
            return self.nodes[node_id]
        except KeyError:
            raise GraphEditError(Message("there is no node with id {node_id!r}", node_id=node_id)) from None

    def node_by_name(self, name: str) -> Node:
        for node in self.nodes.values():
            if node.name == name:
                return node
        raise GraphEditError(Message("there is no node named {name!r}", name=name))

    def describe(self, node_id: str) -> str:
        node = self.nodes[node_id]
        return f"{term(node.spec.label)} '{node.name}'"

    def inputs_of(self, node_id: str) -> list[Edge]:
        return sorted((e for e in self.edges if e.dst == node_id), key=lambda e: e.port)

    def outputs_of(self, node_id: str) -> list[Edge]:
        return [e for e in self.edges if e.src == node_id]

    # ----------------------------------------------------------------- nodes
    def add_node(self, type_key: str, *, name: str | None = None, params: dict[str, Any] | None = None,
                 pos: tuple[float, float] = (0.0, 0.0), node_id: str | None = None,
                 weights: dict[str, np.ndarray] | None = None) -> Node:
        try:
            spec = get_spec(type_key)
        except KeyError as exc:
            raise GraphEditError(str(exc.args[0])) from None
        try:
            values = spec.validate_params(dict(params or {}))
        except ParamError as exc:
            raise GraphEditError(Message("{label}: {problem}", label=term(spec.label), problem=exc)) from None
        if node_id is None:
            node_id = self._fresh_id()
        elif node_id in self.nodes:
            raise GraphEditError(Message("a node with id {node_id!r} already exists", node_id=node_id))
        name = self._check_name(name, None) if name is not None else self._fresh_name(spec)
        node = Node(node_id, type_key, name, values, _pos(pos), dict(weights or {}))
        self.nodes[node_id] = node
        self._bump_id(node_id)
        self._changed(Change("node_added", node_id))
        return node

    def remove_node(self, node_id: str) -> RemovedNode:
        node = self.node(node_id)
        index = list(self.nodes).index(node_id)
        edges = [e for e in self.edges if node_id in (e.src, e.dst)]
        self.edges = [e for e in self.edges if node_id not in (e.src, e.dst)]
        del self.nodes[node_id]
        self._changed(Change("node_removed", node_id, edges))
        return RemovedNode(node, edges, index)

    def restore_node(self, removed: RemovedNode) -> None:
        """Undo of remove_node: the node back at its place in the order, with its edges."""
        if removed.node.id in self.nodes:
            raise GraphEditError(Message("a node with id {node_id!r} already exists", node_id=removed.node.id))
        items = list(self.nodes.items())
        items.insert(min(removed.index, len(items)), (removed.node.id, removed.node))
        self.nodes = dict(items)
        self.edges.extend(removed.edges)
        self._changed(Change("node_added", removed.node.id))

    def set_param(self, node_id: str, name: str, value: Any) -> Any:
        """Set one parameter; returns the old value (for undo)."""
        node = self.node(node_id)
        try:
            value = node.spec.param(name).validate(value)
        except (KeyError, ParamError) as exc:
            raise GraphEditError(Message("{node}: {problem}",
                                         node=self.describe(node_id), problem=exc.args[0])) from None
        if name == "num_inputs":
            used = [e.port + 1 for e in self.inputs_of(node_id) if e.port >= value]
            if used:
                raise GraphEditError(Message(
                    "{node} still has input {used} connected: disconnect it first",
                    node=self.describe(node_id), used=used[0]))
        old = node.params[name]
        if old == value:
            return old
        node.params[name] = value
        self._changed(Change("param", node_id, name))
        return old

    def rename(self, node_id: str, name: str) -> str:
        node = self.node(node_id)
        old = node.name
        node.name = self._check_name(name, node_id)
        if node.name != old:
            self._changed(Change("renamed", node_id, old))
        return old

    def move(self, node_id: str, pos: tuple[float, float]) -> tuple[float, float]:
        node = self.node(node_id)
        old = node.pos
        node.pos = _pos(pos)
        self._changed(Change("moved", node_id), structural=False)
        return old

    def set_weight(self, node_id: str, name: str, values: np.ndarray | None) -> np.ndarray | None:
        """Set (or with None, forget) explicit starting values of one weight tensor; returns the old."""
        node = self.node(node_id)
        old = node.weights.get(name)
        if values is None:
            node.weights.pop(name, None)
        else:
            array = np.array(values, dtype=np.float64)
            if not np.all(np.isfinite(array)):
                raise GraphEditError(Message(
                    "{node}: {name} values must be finite numbers",
                    node=self.describe(node_id), name=name))
            node.weights[name] = array
        self._changed(Change("weights", node_id, name))
        return old

    # ----------------------------------------------------------------- edges
    def connection_problem(self, src: str, dst: str, port: int = 0) -> str | None:
        """Why src -> dst:port cannot be connected, or None when it can."""
        if src not in self.nodes or dst not in self.nodes:
            return translate("both ends must be nodes of this graph")
        if src == dst:
            return translate("{node} cannot feed itself", node=self.describe(src))
        target = self.nodes[dst]
        n_in = target.spec.num_inputs(target.params)
        if n_in == 0:
            return translate("{node} is where data enters; it takes no input", node=self.describe(dst))
        if not 0 <= port < n_in:
            return translate("{node} has no input {port}", node=self.describe(dst), port=port + 1)
        if any(e.dst == dst and e.port == port for e in self.edges):
            return translate("input {port} of {node} is already connected: disconnect it first", port=port + 1,
                             node=self.describe(dst))
        succ: dict[str, list[str]] = {}
        for e in [*self.edges, Edge(src, dst, port)]:
            succ.setdefault(e.src, []).append(e.dst)
        cycle = find_cycle([src], succ)
        if cycle:
            names = " -> ".join(f"'{self.nodes[n].name}'" for n in cycle)
            return translate("that would make a cycle ({names}); data must flow one way", names=names)
        return None

    def connect(self, src: str, dst: str, port: int = 0) -> Edge:
        problem = self.connection_problem(src, dst, port)
        if problem:
            raise GraphEditError(problem)
        edge = Edge(src, dst, port)
        self.edges.append(edge)
        self._changed(Change("connected", dst, edge))
        return edge

    def disconnect(self, edge: Edge) -> None:
        if edge not in self.edges:
            raise GraphEditError(Message("that connection does not exist"))
        self.edges.remove(edge)
        self._changed(Change("disconnected", edge.dst, edge))

    # ----------------------------------------------------------------- settings
    def set_data(self, data: dict[str, Any]) -> dict[str, Any]:
        old = self.data
        self.data = copy.deepcopy(data)
        self._changed(Change("data"), structural=False)
        return old

    def set_training(self, settings: TrainingSettings) -> TrainingSettings:
        old = self.training
        self.training = settings
        self._changed(Change("training"), structural=False)
        return old

    # ----------------------------------------------------------------- helpers
    def copy(self) -> GraphDocument:
        """A deep copy without observers."""
        other = GraphDocument()
        other.nodes = copy.deepcopy(self.nodes)
        other.edges = list(self.edges)
        other.data = copy.deepcopy(self.data)
        other.training = copy.deepcopy(self.training)
        other.description = dict(self.description)
        other.meta = copy.deepcopy(self.meta)
        other._next_id = self._next_id
        return other

    def structure(self) -> dict[str, Any]:
        """A comparable snapshot of everything but positions' float noise (tests, undo checks)."""
        return {
            "nodes": [(n.id, n.type, n.name, dict(n.params), n.pos,
                       {k: v.tolist() for k, v in sorted(n.weights.items())}) for n in self.nodes.values()],
            "edges": sorted((e.src, e.dst, e.port) for e in self.edges),
            "data": self.data,
            "training": self.training.to_dict(),
        }

    def _fresh_id(self) -> str:
        while f"n{self._next_id}" in self.nodes:
            self._next_id += 1
        return f"n{self._next_id}"

    def _bump_id(self, node_id: str) -> None:
        match = re.fullmatch(r"n(\d+)", node_id)
        if match:
            self._next_id = max(self._next_id, int(match.group(1)) + 1)

    def _fresh_name(self, spec: LayerSpec) -> str:
        stem = spec.name_stem
        taken = {n.name for n in self.nodes.values()}
        if spec.is_source and stem not in taken:
            return stem  # the first Input is just "input"; layers are numbered: dense_1, dense_2
        i = 1
        while f"{stem}_{i}" in taken:
            i += 1
        return f"{stem}_{i}"

    def _check_name(self, name: str, node_id: str | None) -> str:
        if not isinstance(name, str) or not name.strip():
            raise GraphEditError(Message("a layer needs a name: type at least one character"))
        problem = name_problem(name)  # before stripping: a trailing U+2028 is refused, not silently cut
        if problem:
            raise GraphEditError(problem)
        name = name.strip()
        if len(name) > MAX_NAME_LENGTH:
            raise GraphEditError(Message(
                "names may be at most {max_name_length} characters long",
                max_name_length=MAX_NAME_LENGTH))
        for other in self.nodes.values():
            if other.name == name and other.id != node_id:
                raise GraphEditError(Message(
                    "another layer is already named '{name}': choose a different name",
                    name=name))
        return name


def _pos(pos: tuple[float, float]) -> tuple[float, float]:
    x, y = pos
    return (float(x), float(y))
