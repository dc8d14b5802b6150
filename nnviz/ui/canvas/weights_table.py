"""An editable table of a small layer's weights and biases (type a value, as in TensorFlow Playground).

Cells show the node's explicit starting values. Without them a tensor's values come from its
initialiser when training starts; the cells then read "auto", and typing into one first fixes the
whole tensor to initialiser values drawn with the document's seed, then sets that cell.
"""

from __future__ import annotations

import zlib
from math import prod

import numpy as np
from PySide6.QtCore import QSignalBlocker, Qt
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.initializers import initialise
from nnviz.graph import GraphDocument
from nnviz.ui.canvas.controller import GraphController

MAX_VALUES = 256  # larger layers are better read as images (the training panels' job)


def editable_shapes(doc: GraphDocument, node_id: str) -> dict[str, tuple[int, ...]]:
    """The node's weight tensors if all are small enough to edit cell by cell, else {}."""
    shapes = doc.analysis().weight_shapes.get(node_id, {})
    if not shapes or sum(prod(s) for s in shapes.values()) > MAX_VALUES or any(len(s) > 2 for s in shapes.values()):
        return {}
    return shapes


def initial_values(doc: GraphDocument, node_id: str, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Starting values from the node's initialiser, drawn with the document's seed."""
    node = doc.nodes[node_id]
    weight_shape = doc.analysis().weight_shapes[node_id].get("weight", shape)
    fan_in = prod(weight_shape[1:]) if len(weight_shape) > 1 else weight_shape[0]
    fan_out = weight_shape[0] * (prod(weight_shape[2:]) if len(weight_shape) > 2 else 1)
    scheme = node.params.get("bias_init" if name == "bias" else "weight_init", "default")
    seed = zlib.crc32(f"{doc.training.seed}/{node.name}/{name}".encode())  # stable across runs
    return initialise(scheme, name, shape, fan_in, fan_out, np.random.default_rng(seed),
                      float(node.params.get("init_value", 0.0)))


class WeightsTable(QWidget):
    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.node_id = ""
        self.tabs = QTabWidget()
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.fix_button = QPushButton(self.tr("Fix values"))
        self.fix_button.setToolTip(self.tr("Store initialiser values as this layer's explicit starting values"))
        self.fix_button.clicked.connect(self.fix_values)
        self.reset_button = QPushButton(self.tr("Reset to initialiser"))
        self.reset_button.setToolTip(self.tr("Forget typed values; the initialiser chooses them again"))
        self.reset_button.clicked.connect(self.reset_values)
        buttons = QHBoxLayout()
        buttons.addWidget(self.fix_button)
        buttons.addWidget(self.reset_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.note)
        layout.addWidget(self.tabs)
        layout.addLayout(buttons)
        self.tables: dict[str, QTableWidget] = {}

    @property
    def document(self) -> GraphDocument:
        return self.controller.document

    def show_node(self, node_id: str) -> bool:
        """Fill the tables for a node; returns False (and hides) when its layer is not small."""
        self.node_id = node_id
        shapes = editable_shapes(self.document, node_id) if node_id in self.document.nodes else {}
        self.setVisible(bool(shapes))
        if not shapes:
            return False
        node = self.document.nodes[node_id]
        current = self.tabs.currentIndex()
        if set(self.tables) != set(shapes) or any(
                self._shape_of(self.tables[n]) != _as_2d(s) for n, s in shapes.items()):
            self.tabs.clear()
            self.tables = {}
            for name, shape in shapes.items():
                table = QTableWidget(*_as_2d(shape))
                table.itemChanged.connect(lambda item, n=name: self._cell_edited(n, item))
                self.tables[name] = table
                self.tabs.addTab(table, f"{name} {shape}")
        for name, shape in shapes.items():
            self._fill(self.tables[name], node.weights.get(name), shape)
        if 0 <= current < self.tabs.count():
            self.tabs.setCurrentIndex(current)
        explicit = any(name in node.weights for name in shapes)
        self.note.setText(self.tr("Typed starting values; training begins from these.") if explicit else
                          self.tr("'auto': the initialiser chooses these when training starts. "
                                  "Type a number to fix a value."))
        self.reset_button.setEnabled(explicit)
        return True

    @staticmethod
    def _shape_of(table: QTableWidget) -> tuple[int, int]:
        return table.rowCount(), table.columnCount()

    def _fill(self, table: QTableWidget, values: np.ndarray | None, shape: tuple[int, ...]) -> None:
        rows, cols = _as_2d(shape)
        grid = None if values is None else np.asarray(values).reshape(rows, cols)
        with QSignalBlocker(table):
            for r in range(rows):
                for col in range(cols):
                    text = "auto" if grid is None else f"{grid[r, col]:.4g}"
                    item = table.item(r, col)
                    if item is None:
                        item = QTableWidgetItem()
                        table.setItem(r, col, item)
                    item.setText(text)
                    item.setForeground(Qt.GlobalColor.gray if grid is None else Qt.GlobalColor.black)
            table.resizeColumnsToContents()

    def _cell_edited(self, name: str, item: QTableWidgetItem) -> None:
        shape = editable_shapes(self.document, self.node_id).get(name)
        if shape is None:
            return
        try:
            value = float(item.text())
        except ValueError:
            self.controller.refused.emit(self.tr("'%s' is not a number") % item.text())
            self.show_node(self.node_id)
            return
        node = self.document.nodes[self.node_id]
        current = node.weights.get(name)
        values = np.array(current, dtype=np.float64) if current is not None else \
            initial_values(self.document, self.node_id, name, shape)
        values.reshape(_as_2d(shape))[item.row(), item.column()] = value
        if not self.controller.set_weight(self.node_id, name, values):
            self.show_node(self.node_id)

    def fix_values(self) -> None:
        shapes = editable_shapes(self.document, self.node_id)
        node = self.document.nodes[self.node_id]
        for name, shape in shapes.items():
            if name not in node.weights:
                self.controller.set_weight(self.node_id, name, initial_values(self.document, self.node_id, name, shape))

    def reset_values(self) -> None:
        node = self.document.nodes[self.node_id]
        for name in list(node.weights):
            self.controller.set_weight(self.node_id, name, None)


def _as_2d(shape: tuple[int, ...]) -> tuple[int, int]:
    return (shape[0], 1) if len(shape) == 1 else (shape[0], shape[1])
