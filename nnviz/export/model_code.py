"""Generates model.py: an nn.Module whose __init__ and forward follow the graph, plus build_model().

plan_model(doc) walks the nodes that lead to the output in the document's topological order, gives
each a safe attribute name and forward() variable (one Namespace each), asks the node type's
emitter for its lines and assembles the module. A chain reuses one variable (x = ...; x = ...); a
value still needed by a later layer keeps its own name until then, so residual and branching
graphs read plainly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from nnviz.export.comment_language import localise
from nnviz.export.errors import ExportError
from nnviz.export.names import MODULE_ATTRIBUTES, MODULE_NAMES, Namespace, comment_text, sanitize
from nnviz.export.pycode import INDENT, block, split_comment
from nnviz.export.registry import EmitContext, Emitted, get_emitter
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message, term, translate

MAX_IDENTIFIER = 40  # long names are cut (uniquely) so every generated line can stay readable
WEIGHTS_FILENAME = "weights.safetensors"
CLASS_NAME = "Net"


@dataclass
class ModelPlan:
    """The generated source and how the document's nodes map onto it."""

    source: str
    node_ids: list[str]  # exported nodes, in forward order
    input_ids: list[str]
    output_id: str
    attrs: dict[str, str]  # node id -> attribute name (self.<attr>)
    param_paths: dict[str, str]  # node id -> state_dict prefix of its weights
    arg_names: list[str]  # forward() arguments, one per input node
    input_shapes: list[tuple[int, ...]]
    output_shape: tuple[int, ...]
    dtype: str
    helpers: dict[str, str] = field(default_factory=dict)

    def state_key(self, node_id: str, name: str) -> str:
        """The state_dict key of one tensor of one node, e.g. 'dense_1.weight'."""
        return f"{self.param_paths[node_id]}.{name}"


def check_exportable(doc: GraphDocument) -> None:
    """Raise ExportError listing every problem shape inference found (nothing is written then)."""
    analysis = doc.analysis()
    if not analysis.valid:
        problems = "\n".join(f"  - {m}" for m in analysis.messages())
        raise ExportError(Message(
            "The network cannot be exported until these are fixed:\n{problems}",
            problems=problems))
    if not doc.nodes:
        raise ExportError(Message("The network is empty: add an Input and at least one layer, then export it."))
    if len(analysis.outputs) != 1:
        raise ExportError(Message(
            "The network has {count} output layers; an export needs exactly one (the layer whose output is "
            "compared with the targets).",
            count=len(analysis.outputs)))


def _exported_nodes(doc: GraphDocument) -> list[str]:
    """Nodes on some path to the single output, in topological order."""
    analysis = doc.analysis()
    output = analysis.outputs[0]
    needed, stack = {output}, [output]
    while stack:
        for edge in doc.inputs_of(stack.pop()):
            if edge.src not in needed:
                needed.add(edge.src)
                stack.append(edge.src)
    return [nid for nid in analysis.order if nid in needed]


def _short(name: str) -> str:
    ident = sanitize(name)
    return ident if len(ident) <= MAX_IDENTIFIER else sanitize(ident[:MAX_IDENTIFIER].rstrip("_"))


def _name_attributes(doc: GraphDocument, node_ids: list[str]) -> dict[str, str]:
    """Names already valid identifiers are served first, so 'dense_1' keeps its name even when
    a node called 'dense 1' would also have become dense_1."""
    space = Namespace(MODULE_ATTRIBUTES)
    ordered = sorted(node_ids, key=lambda nid: _short(doc.nodes[nid].name) != doc.nodes[nid].name)
    return {nid: space.create(_short(doc.nodes[nid].name), key=nid) for nid in ordered}


def plan_model(doc: GraphDocument, *, source_name: str = "") -> ModelPlan:
    """Generate model.py for `doc`. Raises ExportError naming the node for anything not exportable."""
    check_exportable(doc)
    analysis = doc.analysis()
    node_ids = _exported_nodes(doc)
    inputs = [nid for nid in node_ids if doc.nodes[nid].spec.is_source]
    output = analysis.outputs[0]
    layers = [nid for nid in node_ids if not doc.nodes[nid].spec.is_source]
    attrs = _name_attributes(doc, layers)

    consumers: dict[str, int] = {}
    for nid in layers:
        for edge in doc.inputs_of(nid):
            consumers[edge.src] = consumers.get(edge.src, 0) + 1

    variables = Namespace(MODULE_NAMES | {"self"})
    var: dict[str, str] = {}
    pending: dict[str, int] = {}  # variable -> reads of its current value still to come
    for nid in inputs:
        # One input reads best as the conventional x; several keep their (sanitised) names.
        var[nid] = variables.create("x" if len(inputs) == 1 else _short(doc.nodes[nid].name), key=nid)
        pending[var[nid]] = consumers.get(nid, 0)
    chain = "x" if len(inputs) == 1 else None

    init: list[str] = []
    forward: list[str] = []
    helpers: dict[str, str] = {}
    param_paths: dict[str, str] = {}
    for nid in layers:
        node = doc.nodes[nid]
        sources = [e.src for e in doc.inputs_of(nid)]
        for s in sources:
            pending[var[s]] -= 1
        # A value nobody reads any more frees its variable: chains read as x = ...; x = ...,
        # while a value still needed (a residual branch) keeps its own name until it is used.
        if chain is not None and pending.get(chain, 0) == 0:
            var[nid] = chain
        elif len(sources) == 1 and pending[var[sources[0]]] == 0:
            var[nid] = var[sources[0]]
        else:
            var[nid] = variables.create(attrs[nid], key=nid)
        pending[var[nid]] = consumers.get(nid, 0)
        ctx = EmitContext(node=node, attr=attrs[nid], out=var[nid], inputs=[var[s] for s in sources],
                          in_shapes=analysis.in_shapes[nid], out_shape=analysis.shapes[nid],
                          weight_shapes=analysis.weight_shapes.get(nid, {}))
        emitted = _emit(ctx)
        if node.name != attrs[nid] and emitted.init:
            init.append(f"# {term(node.spec.label)} {comment_text(_clip(node.name))}")
        init += emitted.init
        forward += emitted.forward
        helpers.update(emitted.helpers)
        param_paths[nid] = emitted.param_path or attrs[nid]

    plan = ModelPlan(
        source="", node_ids=node_ids, input_ids=inputs, output_id=output, attrs=attrs,
        param_paths=param_paths, arg_names=[var[n] for n in inputs],
        input_shapes=[analysis.shapes[n] for n in inputs], output_shape=analysis.shapes[output],
        dtype=doc.training.dtype, helpers=helpers,
    )
    plan.source = localise(_render(plan, init, [*forward, f"return {var[output]}"], source_name))
    return plan


def _clip(name: str, limit: int = 48) -> str:
    return name if len(name) <= limit else name[: limit - 3] + "..."


def _emit(ctx: EmitContext) -> Emitted:
    emitter = get_emitter(ctx.node.type)
    if emitter is None:
        raise ctx.fail(Message("nnviz has no PyTorch form for layer type {type!r} yet", type=ctx.node.type))
    try:
        return emitter(ctx)
    except ExportError:
        raise
    except Exception as exc:  # a bug in an emitter: still name the node, never a bare traceback
        raise ctx.fail(Message("{name}: {problem}", name=type(exc).__name__, problem=exc)) from exc


def _render(plan: ModelPlan, init: list[str], forward: list[str], source_name: str) -> str:
    # Import the functional API only when code (not a comment quoting a name like 'F.x') uses it.
    code = [split_comment(line)[0] for text in [*init, *forward, *plan.helpers.values()]
            for line in text.splitlines()]
    uses_f = any(re.search(r"(?<![\w.])F\.", line) for line in code)
    args = ", ".join(f"{a}: torch.Tensor" for a in plan.arg_names)
    shapes = ", ".join(fmt_shape(s) for s in plan.input_shapes)
    lines = [
        '"""A PyTorch model exported from nnviz.',
        "",
        "Net follows the graph drawn in nnviz: __init__ creates one module per layer, forward() runs them",
        "in the order nnviz computes them (shapes in comments are (batch, ...)). build_model() returns",
        f"it in DTYPE with the exported weights ({WEIGHTS_FILENAME} beside this file) loaded.",
        '"""',
        "",
    ]
    if source_name:
        lines += ["# " + translate("Exported from {name}", name=comment_text(_clip(source_name, 80))), ""]
    lines += [
        "from __future__ import annotations",
        "",
        "from pathlib import Path",
        "",
        "import torch",
        "from torch import nn",
    ]
    if uses_f:
        lines.append("from torch.nn import functional as F")
    lines += [
        "",
        f"DTYPE = torch.{plan.dtype}",
        f"INPUT_SHAPES = [{shapes}]  # one sample of each input, without the batch dimension",
        f"OUTPUT_SHAPE = {fmt_shape(plan.output_shape)}",
        f'WEIGHTS_FILE = Path(__file__).with_name("{WEIGHTS_FILENAME}")',
        "",
    ]
    for helper in plan.helpers.values():
        lines += ["", *helper.strip("\n").splitlines(), ""]
    lines += [
        "",
        f"class {CLASS_NAME}(nn.Module):",
        INDENT + '"""' + translate("Input {shapes} -> output {output}.", shapes=shapes,
                                   output=fmt_shape(plan.output_shape)) + '"""',
        "",
        f"{INDENT}def __init__(self) -> None:",
        f"{INDENT * 2}super().__init__()",
        *block(init, INDENT * 2),
        "",
        f"{INDENT}def forward(self, {args}) -> torch.Tensor:",
        *block(forward, INDENT * 2),
        "",
        "",
        "def build_model(",
        f'{INDENT}weights: str | Path | None = WEIGHTS_FILE, device: str | torch.device = "cpu"',
        f") -> {CLASS_NAME}:",
        f'{INDENT}"""The network in DTYPE on `device`, with `weights` (a safetensors file) loaded if it exists."""',
        f"{INDENT}model = {CLASS_NAME}().to(dtype=DTYPE)",
        f"{INDENT}if weights is not None and Path(weights).is_file():",
        f"{INDENT * 2}from safetensors.torch import load_file",
        "",
        f"{INDENT * 2}model.load_state_dict(load_file(str(weights)))",
        f"{INDENT}return model.to(device)",
        "",
        "",
        'if __name__ == "__main__":  # python model.py: the layers and one batch of two zero samples',
        f"{INDENT}net = build_model().eval()",
        f"{INDENT}print(net)",
        f"{INDENT}zeros = [torch.zeros(2, *shape, dtype=DTYPE) for shape in INPUT_SHAPES]",
        f'{INDENT}print("output shape:", tuple(net(*zeros).shape))',
        "",
    ]
    return "\n".join(lines)

