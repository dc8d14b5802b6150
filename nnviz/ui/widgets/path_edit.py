"""A path field with a Browse button, for the data panel's file and folder options."""

from __future__ import annotations

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QFileDialog, QHBoxLayout, QLineEdit, QPushButton, QWidget


class PathEdit(QWidget):
    """A path field with a Browse button; `changed` fires when a path is picked or typed (Enter)."""

    changed = Signal()

    def __init__(self, folder: bool, text: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.edit = QLineEdit(text)
        self.edit.setPlaceholderText(self.tr("choose a folder...") if folder else self.tr("choose a file..."))
        self.edit.editingFinished.connect(self.changed)
        browse = QPushButton(self.tr("Browse..."))
        browse.clicked.connect(self.browse)
        layout = QHBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.edit, 1)
        layout.addWidget(browse)

    def text(self) -> str:
        return self.edit.text().strip()

    def set_text(self, text: str) -> None:
        self.edit.setText(text)
        self.changed.emit()

    def browse(self) -> None:
        if self.folder:
            chosen = QFileDialog.getExistingDirectory(self, self.tr("Choose a folder"), self.text())
        else:
            chosen, _ = QFileDialog.getOpenFileName(self, self.tr("Choose a data file"), self.text(),
                                                    self.tr("Data (*.csv *.tsv *.txt *.npz);;All files (*)"))
        if chosen:
            self.set_text(chosen)
