"""Undo commands over the graph document: each calls exactly one document mutation method and its inverse.

Commands are applied eagerly by the controller (so a refused edit never reaches the stack) and then
pushed; `redo()` skips that first application. Views never change the document except through these.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from nnviz.graph import Edge, GraphDocument, RemovedNode


class DocCommand(QUndoCommand):
    """A command that knows whether it is currently applied, so the eager first apply is not repeated. Its
    text is the Edit menu's "Undo ..." label, in the window's language."""

    def __init__(self, doc: GraphDocument, text: str) -> None:
        super().__init__(text)
        self.doc = doc
        self._applied = False

    def redo(self) -> None:
        if not self._applied:
            self.apply()
            self._applied = True

    def undo(self) -> None:
        if self._applied:
            self.revert()
            self._applied = False

    def apply(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError

    def revert(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class AddNode(DocCommand):
    def __init__(self, doc: GraphDocument, type_key: str, pos: tuple[float, float], *,
                 params: dict[str, Any] | None = None, name: str | None = None,
                 weights: dict[str, np.ndarray] | None = None, text: str = "") -> None:
        super().__init__(doc, text or QCoreApplication.translate("DocCommand", "Add %s") % type_key)
        self.type_key, self.pos, self.params, self.name = type_key, pos, dict(params or {}), name
        self.weights = {k: np.array(v) for k, v in (weights or {}).items()}
        self.node_id: str | None = None

    def apply(self) -> None:
        node = self.doc.add_node(self.type_key, name=self.name, params=self.params, pos=self.pos,
                                 node_id=self.node_id, weights=self.weights)
        # Pin id and name so a redo recreates exactly the same node.
        self.node_id, self.name = node.id, node.name

    def revert(self) -> None:
        assert self.node_id is not None
        self.doc.remove_node(self.node_id)


class RemoveNode(DocCommand):
    def __init__(self, doc: GraphDocument, node_id: str) -> None:
        text = (QCoreApplication.translate("DocCommand", "Delete %s") % doc.nodes[node_id].name if node_id in doc.nodes
                else QCoreApplication.translate("DocCommand", "Delete"))
        super().__init__(doc, text)
        self.node_id = node_id
        self.removed: RemovedNode | None = None

    def apply(self) -> None:
        self.removed = self.doc.remove_node(self.node_id)

    def revert(self) -> None:
        assert self.removed is not None
        self.doc.restore_node(self.removed)


class Connect(DocCommand):
    def __init__(self, doc: GraphDocument, src: str, dst: str, port: int = 0) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Connect"))
        self.edge = Edge(src, dst, port)

    def apply(self) -> None:
        self.doc.connect(self.edge.src, self.edge.dst, self.edge.port)

    def revert(self) -> None:
        self.doc.disconnect(self.edge)


class Disconnect(DocCommand):
    def __init__(self, doc: GraphDocument, edge: Edge) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Disconnect"))
        self.edge = edge

    def apply(self) -> None:
        self.doc.disconnect(self.edge)

    def revert(self) -> None:
        self.doc.connect(self.edge.src, self.edge.dst, self.edge.port)


class SetParam(DocCommand):
    def __init__(self, doc: GraphDocument, node_id: str, name: str, value: Any) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Set %s") % name)
        self.node_id, self.name, self.value = node_id, name, value
        self.old: Any = None

    def apply(self) -> None:
        self.old = self.doc.set_param(self.node_id, self.name, self.value)

    def revert(self) -> None:
        self.doc.set_param(self.node_id, self.name, self.old)


class Rename(DocCommand):
    def __init__(self, doc: GraphDocument, node_id: str, name: str) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Rename to %s") % name)
        self.node_id, self.name = node_id, name
        self.old = ""

    def apply(self) -> None:
        self.old = self.doc.rename(self.node_id, self.name)

    def revert(self) -> None:
        self.doc.rename(self.node_id, self.old)


class Move(DocCommand):
    def __init__(self, doc: GraphDocument, node_id: str, pos: tuple[float, float]) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Move"))
        self.node_id, self.pos = node_id, pos
        self.old: tuple[float, float] = (0.0, 0.0)

    def apply(self) -> None:
        self.old = self.doc.move(self.node_id, self.pos)

    def revert(self) -> None:
        self.doc.move(self.node_id, self.old)


class SetWeight(DocCommand):
    def __init__(self, doc: GraphDocument, node_id: str, name: str, values: np.ndarray | None) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Edit %s") % name)
        self.node_id, self.name = node_id, name
        self.values = None if values is None else np.array(values, dtype=np.float64)
        self.old: np.ndarray | None = None

    def apply(self) -> None:
        self.old = self.doc.set_weight(self.node_id, self.name, self.values)

    def revert(self) -> None:
        self.doc.set_weight(self.node_id, self.name, self.old)


class Macro(DocCommand):
    """Several commands as one undo step (delete a selection, paste, insert on an edge, a drag)."""

    def __init__(self, doc: GraphDocument, text: str, children: list[DocCommand]) -> None:
        super().__init__(doc, text)
        self.children = children
        self._applied = all(c._applied for c in children)

    def apply(self) -> None:
        for child in self.children:
            child.redo()

    def revert(self) -> None:
        for child in reversed(self.children):
            child.undo()


class SetData(DocCommand):
    def __init__(self, doc: GraphDocument, data: dict[str, Any]) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Change data set"))
        self.data = data
        self.old: dict[str, Any] = {}

    def apply(self) -> None:
        self.old = self.doc.set_data(self.data)

    def revert(self) -> None:
        self.doc.set_data(self.old)


class SetTraining(DocCommand):
    def __init__(self, doc: GraphDocument, settings: Any) -> None:
        super().__init__(doc, QCoreApplication.translate("DocCommand", "Change training settings"))
        self.settings = settings
        self.old: Any = None

    def apply(self) -> None:
        self.old = self.doc.set_training(self.settings)

    def revert(self) -> None:
        self.doc.set_training(self.old)
