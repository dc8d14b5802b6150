"""Shape inference over the whole graph: order, shapes, parameter counts and learner-worded errors."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nnviz.graph.params import ParamError
from nnviz.graph.registry import Shape, ShapeError, get_spec
from nnviz.i18n import Message, translate

if TYPE_CHECKING:
    from nnviz.graph.document import GraphDocument


@dataclass
class Analysis:
    """What shape inference found. `errors` is keyed by node id; `graph_errors` concern no one node."""

    order: list[str] = field(default_factory=list)
    in_shapes: dict[str, list[Shape]] = field(default_factory=dict)
    shapes: dict[str, Shape] = field(default_factory=dict)
    weight_shapes: dict[str, dict[str, Shape]] = field(default_factory=dict)
    buffer_shapes: dict[str, dict[str, Shape]] = field(default_factory=dict)
    param_counts: dict[str, int] = field(default_factory=dict)
    errors: dict[str, str] = field(default_factory=dict)
    graph_errors: list[str] = field(default_factory=list)
    inputs: list[str] = field(default_factory=list)
    outputs: list[str] = field(default_factory=list)

    @property
    def valid(self) -> bool:
        return not self.errors and not self.graph_errors

    @property
    def total_params(self) -> int:
        return sum(self.param_counts.values())

    def messages(self) -> list[str]:
        return [*self.graph_errors, *self.errors.values()]


def find_cycle(node_ids: list[str], succ: dict[str, list[str]]) -> list[str] | None:
    """One cycle as a list of node ids (first repeated at the end), or None. Iterative DFS."""
    color = dict.fromkeys(node_ids, 0)
    parent: dict[str, str] = {}
    for root in node_ids:
        if color[root]:
            continue
        stack = [(root, iter(succ.get(root, ())))]
        color[root] = 1
        while stack:
            node, it = stack[-1]
            nxt = next(it, None)
            if nxt is None:
                color[node] = 2
                stack.pop()
            elif color.get(nxt, 0) == 0:
                color[nxt] = 1
                parent[nxt] = node
                stack.append((nxt, iter(succ.get(nxt, ()))))
            elif color.get(nxt) == 1:
                cycle = [node]
                while cycle[-1] != nxt:
                    cycle.append(parent[cycle[-1]])
                return [*reversed(cycle), nxt]
    return None


def analyse(doc: GraphDocument) -> Analysis:
    result = Analysis()
    nodes = doc.nodes
    succ: dict[str, list[str]] = defaultdict(list)
    indeg = dict.fromkeys(nodes, 0)
    feeds: dict[str, dict[int, str]] = defaultdict(dict)
    for e in doc.edges:
        succ[e.src].append(e.dst)
        indeg[e.dst] += 1
        feeds[e.dst][e.port] = e.src

    # Kahn's algorithm, stable in document order so the order (and node names) read predictably.
    ready = [nid for nid in nodes if indeg[nid] == 0]
    order: list[str] = []
    while ready:
        nid = ready.pop(0)
        order.append(nid)
        for nxt in succ[nid]:
            indeg[nxt] -= 1
            if indeg[nxt] == 0:
                ready.append(nxt)
    if len(order) < len(nodes):
        cycle = find_cycle(list(nodes), succ) or [n for n in nodes if n not in order]
        names = " -> ".join(f"'{nodes[n].name}'" for n in cycle)
        result.graph_errors.append(translate("The graph has a cycle: {names}. Data must flow one way; remove one edge.",
                                              names=names))
        for nid in cycle:
            result.errors.setdefault(nid, translate("{node} is part of a cycle: {names}",
                                                    node=doc.describe(nid), names=names))
        order += [n for n in nodes if n not in order]
    result.order = order

    for nid in order:
        node = nodes[nid]
        spec = get_spec(node.type)
        if spec.is_source:
            result.inputs.append(nid)
        if not succ[nid] and not spec.is_source:
            result.outputs.append(nid)
        if nid in result.errors:
            continue
        n_in = spec.num_inputs(node.params)
        missing = [p for p in range(n_in) if p not in feeds[nid]]
        if missing:
            which = (translate("an input") if n_in == 1
                     else translate("input {ports}", ports=", ".join(str(p + 1) for p in missing)))
            result.errors[nid] = translate("{node} has nothing connected to {which}: connect a layer to it",
                                           node=doc.describe(nid), which=which)
            continue
        sources = [feeds[nid][p] for p in range(n_in)]
        if any(s not in result.shapes for s in sources):
            bad = next(s for s in sources if s not in result.shapes)
            result.errors[nid] = translate("{node} cannot know its shape until '{name}' is fixed",
                                           node=doc.describe(nid), name=nodes[bad].name)
            continue
        in_shapes = [result.shapes[s] for s in sources]
        result.in_shapes[nid] = in_shapes
        try:
            shape = spec.infer(in_shapes, node.params)
            if any(d <= 0 for d in shape):
                raise ShapeError(Message("would produce an empty output {shape}", shape=shape))
            result.shapes[nid] = tuple(shape)
            result.weight_shapes[nid] = spec.weight_shapes(in_shapes, node.params)
            result.buffer_shapes[nid] = spec.buffer_shapes(in_shapes, node.params)
            result.param_counts[nid] = spec.count_weights(in_shapes, node.params)
        except (ShapeError, ParamError) as exc:
            result.errors[nid] = translate("{node} {problem}", node=doc.describe(nid), problem=exc)
            continue
        for wname, array in node.weights.items():
            expected = result.weight_shapes[nid].get(wname, result.buffer_shapes[nid].get(wname))
            if expected is not None and tuple(array.shape) != tuple(expected):
                result.errors[nid] = translate(
                    "{node} has stored {weight} values of shape {shape} but needs {expected}: reset its weights",
                    node=doc.describe(nid), weight=wname, shape=array.shape, expected=expected)
    if not result.inputs and nodes:
        result.graph_errors.append(translate("The network has no Input node: add one from the palette"))
    if result.inputs and not result.outputs:
        result.graph_errors.append(translate("The network has no layer after its Input: add one and connect it"))
    if len(result.outputs) > 1:
        names = ", ".join(f"'{nodes[n].name}'" for n in result.outputs)
        result.graph_errors.append(translate(
            "The network has {count} outputs ({names}); training needs exactly one: connect or remove the others",
            count=len(result.outputs), names=names))
    return result
