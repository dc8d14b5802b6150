"""Composites: recipes that drop several ordinary, editable layers at once, wired (the palette's
"Transformer encoder block", issue 16). A recipe is plain data, so the window (one undo step, through its
commands), the command line and the tests build exactly the same nodes and edges.

The Transformer encoder block is PyTorch's nn.TransformerEncoderLayer (ReLU feed-forward), in either order:

    post-norm (norm_first=False, the original Transformer):
        x -> attention -> add(., x) -> norm_1 -> ff_1 -> relu -> ff_2 -> add(., norm_1) -> norm_2
    pre-norm (norm_first=True, most models today; trains more steadily when blocks are stacked):
        x -> norm_1 -> attention -> add(., x) -> norm_2 -> ff_1 -> relu -> ff_2 -> add(., add_1)

Each Add takes the branch on port 0 and the skip connection on port 1, like the residual MLP example. When
the block is wired after an Embedding fed by token ids, the attention also takes those ids (its input 2), so
padding (id 0) is never attended to (PyTorch's key_padding_mask).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnviz.graph.document import Edge, GraphDocument
from nnviz.i18n import Message

NORMS = ("post", "pre")
# Feed-forward width as a multiple of the model width (the Transformer paper: 2048 = 4 x 512).
FF_FACTOR = 4
DEFAULT_D_MODEL = 32
DEFAULT_HEADS = 4


@dataclass(frozen=True)
class Part:
    role: str  # the part's name in the recipe, and the node's name when that is free
    type: str
    params: dict[str, Any]
    cell: tuple[float, float]  # (column, row) from the drop point, in layout steps


@dataclass(frozen=True)
class Composite:
    parts: tuple[Part, ...]
    edges: tuple[tuple[str, str, int], ...]  # (source role, destination role, port) inside the block
    entries: tuple[tuple[str, int], ...]  # (role, port) that receive the block's input
    exit: str  # the role whose output is the block's output
    id_entries: tuple[tuple[str, int], ...] = ()  # (role, port) that receive the token ids, when given
    meta: dict[str, Any] = field(default_factory=dict)


def transformer_block(norm: str = "post", d_model: int = DEFAULT_D_MODEL, num_heads: int = DEFAULT_HEADS,
                      ff_units: int | None = None, causal: bool = False, dropout: float = 0.0,
                      token_ids: bool = False) -> Composite:
    """One Transformer encoder block over (T, d_model) sequences; heads must divide d_model. token_ids: the
    attention takes the token ids as input 2 (padding ignored)."""
    if norm not in NORMS:
        raise ValueError(Message("A Transformer block's norm is 'post' or 'pre', not {norm}", norm=repr(norm)))
    heads = num_heads if d_model % num_heads == 0 else 1  # a width the heads do not divide: one head
    attention = {"num_heads": heads, "dropout": dropout, "causal": causal, "num_inputs": 2 if token_ids else 1}
    ff = {"units": ff_units or FF_FACTOR * d_model}
    out = {"units": d_model}
    if norm == "post":
        parts = (Part("attention", "self_attention", attention, (0, -1)),
                 Part("add_1", "add", {"num_inputs": 2}, (1, 0)),
                 Part("norm_1", "layernorm", {}, (2, 0)),
                 Part("ff_1", "dense", ff, (3, -1)),
                 Part("relu", "relu", {}, (4, -1)),
                 Part("ff_2", "dense", out, (5, -1)),
                 Part("add_2", "add", {"num_inputs": 2}, (6, 0)),
                 Part("norm_2", "layernorm", {}, (7, 0)))
        edges = (("attention", "add_1", 0), ("add_1", "norm_1", 0), ("norm_1", "ff_1", 0), ("ff_1", "relu", 0),
                 ("relu", "ff_2", 0), ("ff_2", "add_2", 0), ("norm_1", "add_2", 1), ("add_2", "norm_2", 0))
        entries, exit_role = (("attention", 0), ("add_1", 1)), "norm_2"
    else:
        parts = (Part("norm_1", "layernorm", {}, (0, -1)),
                 Part("attention", "self_attention", attention, (1, -1)),
                 Part("add_1", "add", {"num_inputs": 2}, (2, 0)),
                 Part("norm_2", "layernorm", {}, (3, -1)),
                 Part("ff_1", "dense", ff, (4, -1)),
                 Part("relu", "relu", {}, (5, -1)),
                 Part("ff_2", "dense", out, (6, -1)),
                 Part("add_2", "add", {"num_inputs": 2}, (7, 0)))
        edges = (("norm_1", "attention", 0), ("attention", "add_1", 0), ("add_1", "norm_2", 0),
                 ("norm_2", "ff_1", 0), ("ff_1", "relu", 0), ("relu", "ff_2", 0), ("ff_2", "add_2", 0),
                 ("add_1", "add_2", 1))
        entries, exit_role = (("norm_1", 0), ("add_1", 1)), "add_2"
    return Composite(parts, edges, entries, exit_role, (("attention", 1),) if token_ids else (),
                     {"norm": norm, "d_model": d_model})


def token_ids_source(doc: GraphDocument, node_id: str | None) -> str | None:
    """The Input of (T,) token ids that a sequence flowing out of `node_id` comes from (following each
    layer's first input back), or None: the ids the attention needs to ignore padding."""
    seen: set[str] = set()
    while node_id is not None and node_id in doc.nodes and node_id not in seen:
        seen.add(node_id)
        node = doc.nodes[node_id]
        feeds = doc.inputs_of(node_id)
        if not feeds:
            shape = node.params.get("shape") if isinstance(node.params, dict) else None
            return node_id if shape is not None and len(tuple(shape)) == 1 else None
        node_id = min(feeds, key=lambda e: e.port).src
    return None


def model_width(doc: GraphDocument, node_id: str | None) -> int | None:
    """The last dimension of a node's output (a (T, E) sequence's E), when the document can infer it."""
    if node_id is None or node_id not in doc.nodes:
        return None
    shape = doc.analysis().shapes.get(node_id)
    return int(shape[-1]) if shape and len(shape) == 2 else None


def node_names(doc: GraphDocument, composite: Composite) -> dict[str, str]:
    """A name per role: the role itself when every one is free, else the roles with a block number
    ("b2_attention"), so a second block reads as one too."""
    taken = {n.name for n in doc.nodes.values()}
    number = 1
    while True:
        prefix = "" if number == 1 else f"b{number}_"
        names = {p.role: prefix + p.role for p in composite.parts}
        if not taken & set(names.values()):
            return names
        number += 1


def add_composite(doc: GraphDocument, composite: Composite, origin: tuple[float, float] = (0.0, 0.0),
                  source: str | None = None, target: Edge | None = None, step: tuple[float, float] = (270.0, 130.0),
                  ids_source: str | None = None) -> dict[str, str]:
    """Add the composite's nodes and inner edges to `doc` (each through its ordinary edits); connect
    `source`'s output to every entry, and `target` (an edge whose destination gets the exit; disconnected
    first) if given; `ids_source` to the token-id entries. Returns role -> node id. The window does the same
    through undo commands."""
    names = node_names(doc, composite)
    ids: dict[str, str] = {}
    for part in composite.parts:
        pos = (origin[0] + part.cell[0] * step[0], origin[1] + part.cell[1] * step[1])
        ids[part.role] = doc.add_node(part.type, name=names[part.role], params=part.params, pos=pos).id
    for src, dst, port in composite.edges:
        doc.connect(ids[src], ids[dst], port)
    if target is not None:
        doc.disconnect(target)
        source = target.src
    if source is not None:
        for role, port in composite.entries:
            doc.connect(source, ids[role], port)
    if ids_source is not None:
        for role, port in composite.id_entries:
            doc.connect(ids_source, ids[role], port)
    if target is not None:
        doc.connect(ids[composite.exit], target.dst, target.port)
    return ids
