"""Property: random edit sequences through the GUI's controller and undo commands never crash, keep the
canvas in step with the document, and undoing everything restores the original document exactly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from PySide6.QtGui import QUndoStack

from nnviz.graph import GraphDocument
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.scene import GraphScene

pytestmark = pytest.mark.gui

TYPES = ["input", "dense", "relu", "flatten", "add", "concatenate", "dropout", "reshape", "softmax"]
NAMES = ["a", "b", "input", "dense_1", "", "  ", "x" * 70, "hidden"]
VALUES = [0, 1, 3, -1, 2.5, True, "tanh", "none", (2,), (1, 4), (-1,), "bad", 9]
OPS = ["add", "add", "remove", "connect", "connect", "disconnect", "param", "rename", "move", "undo", "redo"]


def _start() -> GraphController:
    doc = GraphDocument()
    ctl = GraphController(doc, QUndoStack())
    a = ctl.add_node("input", (0, 0), {"shape": (4,)})
    b = ctl.add_node("dense", (250, 0), {"units": 3, "activation": "relu"})
    ctl.connect(a, b)
    ctl.undo_stack.clear()
    return ctl


def _check(ctl: GraphController, scene: GraphScene) -> None:
    doc = ctl.document
    analysis = doc.analysis()
    assert analysis.valid == (not analysis.messages())
    assert set(analysis.errors) <= set(doc.nodes)
    assert set(scene.node_items) == set(doc.nodes)
    assert set(scene.edge_items) == set(doc.edges)
    for nid, item in scene.node_items.items():
        assert item.info.error == analysis.errors.get(nid)
        assert (item.pos().x(), item.pos().y()) == doc.nodes[nid].pos
    for edge in doc.edges:
        assert edge.src in doc.nodes and edge.dst in doc.nodes


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.data())
def test_random_edit_sequences_undo_to_the_original(qapp, data) -> None:
    ctl = _start()
    scene = GraphScene(ctl)
    doc = ctl.document
    original = doc.structure()
    for _ in range(data.draw(st.integers(1, 25), label="steps")):
        op = data.draw(st.sampled_from(OPS), label="op")
        ids = list(doc.nodes)
        if op == "add":
            ctl.add_node(data.draw(st.sampled_from(TYPES)), (data.draw(st.integers(-500, 500)), 0.0))
        elif op == "remove" and ids:
            chosen = data.draw(st.lists(st.sampled_from(ids), max_size=3, unique=True))
            edges = data.draw(st.lists(st.sampled_from(doc.edges), max_size=2, unique=True)) if doc.edges else []
            ctl.remove(chosen, edges)
        elif op == "connect" and ids:
            ctl.connect(data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(ids)), data.draw(st.integers(0, 2)))
        elif op == "disconnect" and doc.edges:
            ctl.disconnect(data.draw(st.sampled_from(doc.edges)))
        elif op == "param" and ids:
            node = doc.nodes[data.draw(st.sampled_from(ids))]
            if node.spec.params:
                name = data.draw(st.sampled_from([p.name for p in node.spec.params]))
                ctl.set_param(node.id, name, data.draw(st.sampled_from(VALUES)))
        elif op == "rename" and ids:
            ctl.rename(data.draw(st.sampled_from(ids)), data.draw(st.sampled_from(NAMES)))
        elif op == "move" and ids:
            ctl.move_nodes({data.draw(st.sampled_from(ids)): (float(data.draw(st.integers(-300, 300))), 1.0)})
        elif op == "undo":
            ctl.undo_stack.undo()
        elif op == "redo":
            ctl.undo_stack.redo()
        _check(ctl, scene)
    while ctl.undo_stack.canUndo():
        ctl.undo_stack.undo()
    assert doc.structure() == original
    _check(ctl, scene)
    doc.unsubscribe(scene._on_change)
