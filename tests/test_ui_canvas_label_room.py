"""No two edge shape labels lie on each other and none covers a card's text, in every network nnviz ships
(the examples and the lessons' networks), also in a wider font (a high-DPI screen, a CJK system font): in
the Transformer example the labels of the two skip connections that bridge along one line used to meet."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack

from nnviz.graph import GraphDocument
from nnviz.io import load
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.edge_item import LABEL_FONT, EdgeLabel
from nnviz.ui.canvas.layout import COLUMN_GAP, ROW_GAP
from nnviz.ui.canvas.scene import GraphScene

pytestmark = pytest.mark.gui

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SHIPPED = sorted(RESOURCES.glob("examples/*.nnviz")) + sorted(RESOURCES.glob("lessons/networks/*.nnviz"))


@pytest.fixture(params=[8.0, 11.0], ids=["shipped-font", "wider-font"])
def label_points(request, qapp):
    """The label font's size: as shipped, and as wide as a 120-dpi screen makes it."""
    was = LABEL_FONT.pointSizeF()
    LABEL_FONT.setPointSizeF(request.param)
    yield request.param
    LABEL_FONT.setPointSizeF(was)


def show(doc: GraphDocument) -> GraphScene:
    return GraphScene(GraphController(doc, QUndoStack()))


def labels(scene: GraphScene) -> list[EdgeLabel]:
    return [i for i in scene.items() if isinstance(i, EdgeLabel) and i.isVisible()]


def crowding(scene: GraphScene) -> list[str]:
    """Every pair of labels that touch or overlap, every label on a card, as readable lines."""
    found = []
    shown = labels(scene)
    for i, a in enumerate(shown):
        rect = a.sceneBoundingRect()
        for b in shown[i + 1:]:
            if rect.adjusted(-1, -1, 1, 1).intersects(b.sceneBoundingRect()):
                found.append(f"{a.edge.edge} {a.text()} meets {b.edge.edge} {b.text()}")
        for node_id, card in scene.node_items.items():
            if rect.intersects(card.card_rect()):
                found.append(f"{a.edge.edge} {a.text()} covers the card of {node_id}")
    return found


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_no_label_meets_another_or_a_card_in_a_shipped_network(path, label_points):
    scene = show(load(path))
    assert len(labels(scene)) == len(scene.document.edges) > 0
    assert crowding(scene) == []


def test_two_skip_connections_along_one_bridge_keep_their_labels_apart(label_points):
    """Two long skips from one layer share their bridge: the labels spread along it, each still on its curve."""
    doc = GraphDocument()
    ids = [doc.add_node("input", params={"shape": (12, 32)}, pos=(0.0, 0.0)).id]
    for i in range(1, 5):
        ids.append(doc.add_node("dense", params={"units": 32}, pos=(i * COLUMN_GAP, 0.0)).id)
        doc.connect(ids[-2], ids[-1])
    add = doc.add_node("add", pos=(5 * COLUMN_GAP, ROW_GAP)).id
    doc.connect(ids[-1], add, 0)
    doc.connect(ids[0], add, 1)  # a skip over four layers
    far = doc.add_node("dense", params={"units": 32}, pos=(6 * COLUMN_GAP, ROW_GAP)).id
    doc.connect(add, far)
    concat = doc.add_node("concatenate", pos=(7 * COLUMN_GAP, ROW_GAP)).id
    doc.connect(far, concat, 0)
    doc.connect(ids[0], concat, 1)  # a second skip from the same layer, along the same line
    scene = show(doc)
    assert crowding(scene) == []
    skips = [scene.edge_items[e] for e in doc.edges if e.src == ids[0] and e.dst in (add, concat)]
    for edge in skips:  # each label sits on its own bridge, so it says which skip it names
        assert edge.label_rect().contains(edge._label_anchor)
        assert edge.path().boundingRect().adjusted(-1, -1, 1, 1).contains(edge._label_anchor)


def test_a_card_dragged_onto_another_edge_s_label_sends_it_to_a_free_spot(qapp):
    doc = GraphDocument()
    a = doc.add_node("input", params={"shape": (12, 32)}, pos=(0.0, 0.0)).id
    b = doc.add_node("dense", params={"units": 8}, pos=(COLUMN_GAP, 0.0)).id
    c = doc.add_node("dense", params={"units": 4}, pos=(0.0, 2 * ROW_GAP)).id
    doc.connect(a, b)
    scene = show(doc)
    label = next(iter(labels(scene)))
    spot = label.sceneBoundingRect()
    scene.node_items[c].setPos(spot.center().x() - 40, spot.top() - 20)  # as a drag does, before release
    assert not label.sceneBoundingRect().intersects(scene.node_items[c].card_rect())
    assert crowding(scene) == []


@pytest.mark.parametrize("path", [p for p in SHIPPED if p.stem in ("transformer-sentiment", "causal-characters",
                                                                  "residual-mlp", "seed-lenet")], ids=lambda p: p.stem)
def test_labels_stay_apart_after_auto_layout_a_drag_and_undo(path, qapp):
    scene = show(load(path))
    controller = scene.controller
    controller.auto_layout()  # the shipped layout is hand-made: Auto Layout moves most cards
    assert crowding(scene) == []
    middle = sorted(scene.node_items)[len(scene.node_items) // 2]
    x, y = scene.document.nodes[middle].pos
    assert controller.move_nodes({middle: (x + 60.0, y + 45.0)})  # a card nudged among its neighbours
    assert crowding(scene) == []
    controller.undo_stack.undo()
    assert crowding(scene) == []
