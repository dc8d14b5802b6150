"""The palette's composites: entries that drop a whole block of ordinary, editable layers (the recipe is
nnviz.graph.composites, shared with the command line and the tests), wired, as one undo step.

A composite's palette key starts with COMPOSITE_PREFIX and travels as a layer key does (drag MIME data,
double-click); the canvas view hands such keys to `drop_composite` instead of adding one layer.
"""

from __future__ import annotations

from collections.abc import Iterable

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt
from PySide6.QtWidgets import QTreeWidget, QTreeWidgetItem

from nnviz.graph import Edge
from nnviz.graph.composites import (
    DEFAULT_D_MODEL,
    Composite,
    model_width,
    node_names,
    token_ids_source,
    transformer_block,
)
from nnviz.ui.canvas import commands as c
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.room import make_room
from nnviz.ui.widgets.icons import category_icon

COMPOSITE_PREFIX = "composite:"
CONTEXT = "Composites"
# Palette key -> the block's norm order.
BLOCKS = {f"{COMPOSITE_PREFIX}transformer_post": "post", f"{COMPOSITE_PREFIX}transformer_pre": "pre"}
LABELS = {"post": QT_TRANSLATE_NOOP("Composites", "Transformer encoder block (post-norm)"),
          "pre": QT_TRANSLATE_NOOP("Composites", "Transformer encoder block (pre-norm)")}
TIPS = {
    "post": QT_TRANSLATE_NOOP(
        "Composites", "Self-attention, Add, LayerNorm, then feed-forward (Dense, ReLU, Dense), Add, LayerNorm, as in "
        "the original Transformer (PyTorch's TransformerEncoderLayer). Drop it on a connection carrying "
        "(T, E) embeddings to wire it in; every layer stays editable."),
    "pre": QT_TRANSLATE_NOOP(
        "Composites", "LayerNorm before the attention and before the feed-forward, each with its skip connection "
        "(norm_first=True): deeper stacks train more steadily. Drop it on a connection carrying (T, E) "
        "embeddings to wire it in; every layer stays editable."),
}
GROUP = QT_TRANSLATE_NOOP("Composites", "Blocks")


def _translated(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


def is_composite(key: str) -> bool:
    return key.startswith(COMPOSITE_PREFIX)


def add_palette_group(tree: QTreeWidget, items: dict[str, QTreeWidgetItem], key_role: int) -> None:
    """The "Blocks" group of the palette, with one entry per composite (registered in `items` by key)."""
    group = QTreeWidgetItem(tree, [_translated(GROUP)])
    group.setIcon(0, category_icon("Sequence"))
    group.setFlags(Qt.ItemFlag.ItemIsEnabled)
    font = group.font(0)
    font.setBold(True)
    group.setFont(0, font)
    for key, norm in BLOCKS.items():
        item = QTreeWidgetItem(group, [_translated(LABELS[norm])])
        item.setIcon(0, category_icon("Sequence"))
        item.setData(0, key_role, key)
        item.setToolTip(0, _translated(TIPS[norm]))
        item.setStatusTip(0, _translated(TIPS[norm]))
        item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
        items[key] = item
    group.setExpanded(True)


def composite_for(key: str, controller: GraphController, edge: Edge | None) -> tuple[Composite, str | None]:
    """The block a palette key names, as wide as the sequence it is dropped into (else DEFAULT_D_MODEL), and
    the Input of token ids behind that sequence (its attention then ignores padding)."""
    doc = controller.document
    width = model_width(doc, edge.src) if edge is not None else None
    ids = token_ids_source(doc, edge.src) if edge is not None and width else None
    return transformer_block(BLOCKS[key], d_model=width or DEFAULT_D_MODEL, token_ids=ids is not None), ids


def drop_composite(controller: GraphController, key: str, top_left: tuple[float, float], edge: Edge | None = None,
                   step: tuple[float, float] = (270.0, 130.0)) -> list[str]:
    """Add the block's layers and inner connections at `top_left` (on `edge`: wired into that connection)
    as one undo step; returns the new node ids (empty when the document refused, with the reason emitted)."""
    doc = controller.document
    composite, ids_source = composite_for(key, controller, edge)
    names = node_names(doc, composite)
    top_left, moves = make_room(doc, [p.cell for p in composite.parts], top_left, step, edge)
    adds = {p.role: c.AddNode(doc, p.type, (top_left[0] + p.cell[0] * step[0], top_left[1] + p.cell[1] * step[1]),
                              params=p.params, name=names[p.role]) for p in composite.parts}

    def build() -> Iterable[c.DocCommand]:
        yield from (c.Move(doc, nid, pos) for nid, pos in moves.items())
        yield from adds.values()
        for src, dst, port in composite.edges:
            yield c.Connect(doc, adds[src].node_id or "", adds[dst].node_id or "", port)
        if edge is not None:
            yield c.Disconnect(doc, edge)
            for role, port in composite.entries:
                yield c.Connect(doc, edge.src, adds[role].node_id or "", port)
            for role, port in composite.id_entries if ids_source else ():
                yield c.Connect(doc, ids_source or "", adds[role].node_id or "", port)
            yield c.Connect(doc, adds[composite.exit].node_id or "", edge.dst, edge.port)

    done = controller.run_as_one_step(_translated(LABELS[BLOCKS[key]]), build())
    return [a.node_id for a in adds.values() if a.node_id] if done else []
