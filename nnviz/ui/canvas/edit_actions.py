"""Edit menu behaviour on the canvas selection: cut, copy, paste, duplicate, delete, select all."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QMimeData, QObject
from PySide6.QtGui import QGuiApplication

from nnviz.ui.canvas.clipboard import MIME_NODES, copy_payload
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.scene import GraphScene


class EditActions(QObject):
    """Given the scene (what is selected), the controller (undoable edits) and where to say what happened."""

    def __init__(self, scene: GraphScene, controller: GraphController, status: Callable[[str], None],
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.controller = controller
        self.status = status
        self._pastes = 0  # successive pastes step further away so copies do not stack exactly

    def copy(self) -> bool:
        ids = self.scene.selected_node_ids()
        if not ids:
            self.status(self.tr("Select one or more layers to copy"))
            return False
        text = copy_payload(self.controller.document, ids)
        mime = QMimeData()
        mime.setData(MIME_NODES, text.encode("utf-8"))
        mime.setText(text)
        QGuiApplication.clipboard().setMimeData(mime)
        self._pastes = 0
        self.status(self.tr("Copied %d layer(s)") % len(ids))
        return True

    def cut(self) -> bool:
        return self.copy() and self.delete()

    def paste(self) -> list[str]:
        mime = QGuiApplication.clipboard().mimeData()
        if mime is None:
            return []
        text = bytes(mime.data(MIME_NODES).data()).decode("utf-8") if mime.hasFormat(MIME_NODES) else mime.text()
        self._pastes += 1
        ids = self.controller.paste(text, (40.0 * self._pastes, 40.0 * self._pastes))
        if ids:
            self.scene.select_nodes(ids)
            self.status(self.tr("Pasted %d layer(s)") % len(ids))
        return ids

    def duplicate(self) -> list[str]:
        ids = self.scene.selected_node_ids()
        if not ids:
            return []
        ids = self.controller.paste(copy_payload(self.controller.document, ids))
        self.scene.select_nodes(ids)
        return ids

    def delete(self) -> bool:
        scene = self.scene
        ids, edges = scene.selected_node_ids(), scene.selected_edges()
        if not ids and not edges:
            return False
        ok = self.controller.remove(ids, edges)
        if ok:
            self.status(self.tr("Deleted %d layer(s) and %d connection(s)") % (len(ids), len(edges)))
        return ok

    def select_all(self) -> None:
        self.scene.select_nodes(list(self.controller.document.nodes))
