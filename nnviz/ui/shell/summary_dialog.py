"""The model summary dialog: a Keras-style table of layers, output shapes and parameter counts,
copyable as the same text `nnviz check` prints."""

from __future__ import annotations

from PySide6.QtGui import QFontDatabase, QGuiApplication
from PySide6.QtWidgets import QDialog, QDialogButtonBox, QPlainTextEdit, QPushButton, QVBoxLayout, QWidget

from nnviz.graph import GraphDocument
from nnviz.graph.summary import summary_text


class SummaryDialog(QDialog):
    def __init__(self, document: GraphDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model summary"))
        self.text = summary_text(document)
        view = QPlainTextEdit(self.text)
        view.setReadOnly(True)
        view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("Copy as text"))
        copy.clicked.connect(self.copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(view)
        layout.addWidget(buttons)
        width = view.fontMetrics().horizontalAdvance(max(self.text.splitlines(), key=len, default="")) + 60
        self.resize(min(max(520, width), 1100), 420)

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
