"""The model summary dialog: a Keras-style table of layers, output shapes and parameter counts,
copyable as the same text `nnviz check` prints.

The window shows a real table, not the text in a fixed-width font: a Chinese header or layer name is not
exactly two Latin columns wide in any font a desktop has, so the text's columns drifted apart there."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QGuiApplication
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.graph import GraphDocument
from nnviz.graph.summary import summary_rows, summary_text
from nnviz.i18n import translate as core_translate


class SummaryDialog(QDialog):
    def __init__(self, document: GraphDocument, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Model summary"))
        self.text = summary_text(document)
        self.table = self._table(document)
        analysis = document.analysis()
        lines = [core_translate("Total params: {count}", count=f"{analysis.total_params:,}"),
                 core_translate("Layers: {count}", count=len(self.table_rows))]
        lines += [core_translate("error: {message}", message=m) for m in analysis.messages()]
        self.totals = QLabel("\n".join(lines))
        self.totals.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.totals.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        copy = QPushButton(self.tr("Copy as text"))
        copy.clicked.connect(self.copy)
        buttons.addButton(copy, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table, 1)
        layout.addWidget(self.totals)
        layout.addWidget(buttons)
        header = self.table.horizontalHeader()
        width = sum(header.sectionSize(i) for i in range(header.count())) + 60
        height = self.table.verticalHeader().length() + header.height() + 160
        self.resize(min(max(520, width), 1100), min(max(300, height), 700))

    def _table(self, document: GraphDocument) -> QTableWidget:
        self.table_rows = summary_rows(document)
        headers = [core_translate("Layer (type)"), core_translate("Output shape"), core_translate("Param #"),
                   core_translate("Connected to")]
        table = QTableWidget(len(self.table_rows), len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.verticalHeader().hide()
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        for row, r in enumerate(self.table_rows):
            cells = [f"{r.name} ({r.type_label})", r.output_shape, f"{r.params:,}", r.inputs]
            for column, text in enumerate(cells):
                item = QTableWidgetItem(text)
                if column == 2:  # counts line up by their last digit
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if r.error:
                    item.setToolTip(r.error)
                table.setItem(row, column, item)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(len(headers) - 1, QHeaderView.ResizeMode.Stretch)
        return table

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.text)
