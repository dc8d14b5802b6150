"""The problems panel: every error shape inference found, in words; clicking one selects its node."""

from __future__ import annotations

from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QListWidget, QListWidgetItem, QStyle, QWidget

from nnviz.graph import Change, GraphDocument

NODE_ROLE = Qt.ItemDataRole.UserRole


class ProblemsPanel(QListWidget):
    """Emits `nodeActivated(node_id)` when the user clicks a node's problem."""

    nodeActivated = Signal(str)
    # True when the document has problems, False when it has none; emitted when that changes.
    problemsChanged = Signal(bool)

    def __init__(self, document: GraphDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWordWrap(True)
        self.setAlternatingRowColors(True)
        self.document = document
        document.subscribe(self._on_change)
        self.itemClicked.connect(self._clicked)
        self.refresh()

    def set_document(self, document: GraphDocument) -> None:
        self.document.unsubscribe(self._on_change)
        self.document = document
        document.subscribe(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind not in ("moved", "data", "training"):
            self.refresh()

    def refresh(self) -> None:
        analysis = self.document.analysis()
        if getattr(self, "_had_problems", None) != (not analysis.valid):
            self._had_problems = not analysis.valid
            self.problemsChanged.emit(self._had_problems)
        self.clear()
        icon = self.style().standardIcon(QStyle.StandardPixmap.SP_MessageBoxWarning)
        for message in analysis.graph_errors:
            self.addItem(QListWidgetItem(icon, message))
        for node_id, message in analysis.errors.items():
            item = QListWidgetItem(icon, message)
            item.setData(NODE_ROLE, node_id)
            self.addItem(item)
        if not self.count():
            ok = QListWidgetItem(self.style().standardIcon(QStyle.StandardPixmap.SP_DialogApplyButton),
                                 self.tr("No problems: the network is ready to train."))
            self.addItem(ok)

    def messages(self) -> list[str]:
        return [self.item(i).text() for i in range(self.count())]

    def _clicked(self, item: QListWidgetItem) -> None:
        node_id = item.data(NODE_ROLE)
        if node_id:
            self.nodeActivated.emit(node_id)
