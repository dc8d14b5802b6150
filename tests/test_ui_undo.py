"""Undo/redo round-trips every kind of edit, through the same controller and commands the GUI uses."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QUndoStack

from nnviz.graph import Edge, GraphDocument, TrainingSettings
from nnviz.ui.canvas.clipboard import copy_payload
from nnviz.ui.canvas.controller import GraphController

pytestmark = pytest.mark.gui


@pytest.fixture
def ctl(qapp) -> GraphController:
    doc = GraphDocument()
    controller = GraphController(doc, QUndoStack())
    a = controller.add_node("input", (0, 0), {"shape": (2,)})
    b = controller.add_node("dense", (250, 0), {"units": 3})
    controller.connect(a, b)
    controller.undo_stack.clear()
    return controller


def _roundtrip(ctl: GraphController, edit) -> None:
    doc = ctl.document
    before = doc.structure()
    assert edit(ctl) not in (None, False, [])
    after = doc.structure()
    assert after != before
    ctl.undo_stack.undo()
    assert doc.structure() == before
    ctl.undo_stack.redo()
    assert doc.structure() == after
    ctl.undo_stack.undo()
    assert doc.structure() == before


EDITS = {
    "add": lambda c: c.add_node("relu", (10, 20)),
    "remove": lambda c: c.remove(["n1"]),
    "remove_edge": lambda c: c.remove([], [Edge("n1", "n2", 0)]),
    "connect": lambda c: c.connect(c.add_node("input", (0, 0)), c.add_node("dense", (0, 0))),
    "disconnect": lambda c: c.disconnect(Edge("n1", "n2", 0)),
    "set_param": lambda c: c.set_param("n2", "units", 7),
    "rename": lambda c: c.rename("n2", "hidden"),
    "move": lambda c: c.move_nodes({"n1": (5.0, 6.0), "n2": (7.0, 8.0)}),
    "weight": lambda c: c.set_weight("n2", "weight", np.ones((3, 2))),
    "insert": lambda c: c.insert_on_edge("tanh", Edge("n1", "n2", 0), (100, 0)),
    "paste": lambda c: c.paste(copy_payload(c.document, ["n1", "n2"])),
    "layout": lambda c: c.auto_layout(),  # the fixture's (250, 0) is not where the layout puts n2
    "data": lambda c: c.set_data({"kind": "generated", "name": "moons"}),
    "training": lambda c: c.set_training(TrainingSettings(lr=0.5)),
}


@pytest.mark.parametrize("kind", sorted(EDITS))
def test_undo_redo_roundtrip(ctl: GraphController, kind: str) -> None:
    if kind == "connect":
        # two commands: undo both, then check
        doc = ctl.document
        before = doc.structure()
        assert EDITS[kind](ctl)
        while ctl.undo_stack.canUndo():
            ctl.undo_stack.undo()
        assert doc.structure() == before
        return
    _roundtrip(ctl, EDITS[kind])


def test_undo_of_multi_node_delete_restores_all_edges(ctl: GraphController) -> None:
    doc = ctl.document
    c = ctl.add_node("dense", (500, 0), {"units": 2})
    ctl.connect("n2", c)
    before = doc.structure()
    assert ctl.remove(["n2", "n1", c])
    assert not doc.nodes and not doc.edges
    assert ctl.undo_stack.count() == 3  # add, connect, one delete step
    ctl.undo_stack.undo()
    assert doc.structure() == before


def test_refused_edit_never_reaches_the_stack(ctl: GraphController) -> None:
    messages: list[str] = []
    ctl.refused.connect(messages.append)
    assert ctl.connect("n1", "n2") is None
    assert ctl.set_param("n2", "units", 0) is False
    assert ctl.rename("n2", "input") is False
    assert ctl.undo_stack.count() == 0
    assert "already connected" in messages[0]
    assert "at least 1" in messages[1]
    assert "already named" in messages[2]


def test_failed_macro_is_rolled_back(ctl: GraphController) -> None:
    doc = ctl.document
    before = doc.structure()
    assert ctl.insert_on_edge("input", Edge("n1", "n2", 0), (0, 0)) is None  # Input takes no input
    bad = '{"nnviz_nodes": 1, "nodes": [{"id": "a", "type": "dense"}, {"id": "b", "type": "nope"}], "edges": []}'
    assert ctl.paste(bad) == []
    assert doc.structure() == before
    assert ctl.undo_stack.count() == 0
