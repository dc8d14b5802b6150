"""TensorPanel: the tensors of the active (or selected) node as a heatmap and, when small, a table of
exact numbers with the entries of the current formula highlighted; CSV export of the micro-step."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSplitter,
    QStackedWidget,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.ui.training.csv_export import write_csv
from nnviz.ui.training.grid import as_table, table_cell
from nnviz.ui.training.heatmap import HeatmapView
from nnviz.ui.training.notation import tensor_label
from nnviz.ui.training.position import phase_name
from nnviz.ui.training.widgets import StatusLine

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

MAX_TABLE = 400  # larger tensors get the heatmap only; a table of thousands of numbers reads as noise
HIGHLIGHT = QColor(255, 214, 102)
# The order a learner meets them in one step.
ORDER = ("x", "y", "input", "z", "output", "prediction", "target", "loss", "grad_output", "delta",
         "grad_weight", "grad_bias", "grad_input", "weight", "bias", "update_weight", "update_bias")
# The tensor a micro-step of each phase opens on.
PREFERRED = {"batch": "x", "forward": "output", "loss": "loss", "backward": "delta", "update": "weight"}


def fmt_cell(value: float) -> str:
    return f"{float(value):.6g}"


def tensor_order(names) -> list[str]:
    known = [n for n in ORDER if n in names]
    return known + sorted(n for n in names if n not in ORDER)


class TensorTable(QTableWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        # Its size follows the splitter, never its contents: new numbers must not re-lay out the window.
        self.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.highlighted: list[tuple[int, int]] = []

    def set_tensor(self, tensor: np.ndarray | None, highlights: list[tuple[int, ...]] | None = None) -> None:
        self.clear()
        self.highlighted = []
        if tensor is None or np.asarray(tensor).size > MAX_TABLE:
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        tensor = np.asarray(tensor)
        table = as_table(tensor)
        self.setRowCount(table.shape[0])
        self.setColumnCount(table.shape[1])
        for r in range(table.shape[0]):
            for c in range(table.shape[1]):
                item = QTableWidgetItem(fmt_cell(table[r, c]))
                item.setData(Qt.ItemDataRole.UserRole, float(table[r, c]))  # the exact value, for reading back
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.setItem(r, c, item)
        for index in highlights or []:
            cell = table_cell(tensor.shape, tuple(index))
            if cell is not None:
                self.item(*cell).setBackground(HIGHLIGHT)
                self.highlighted.append(cell)
        self.resizeColumnsToContents()

    def values(self) -> np.ndarray:
        """The exact numbers shown, as an array (tests read this back)."""
        return np.array([[self.item(r, c).data(Qt.ItemDataRole.UserRole) for c in range(self.columnCount())]
                         for r in range(self.rowCount())])


class TensorPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        # Not a QLabel: a changing label re-lays out the window every step (see StatusLine); and no word
        # wrap, which would give the panel a height-for-width that the scrolling dock honours.
        self.title = StatusLine(self.tr("No micro-step yet: press Step (F10)"))
        self.empty_title = self.title.text()
        self.chooser = QComboBox()
        self.chooser.currentIndexChanged.connect(lambda _: self._show_current(self.current_name))
        self.export_button = QPushButton(self.tr("Export CSV…"))
        self.export_button.setToolTip(self.tr("Save every tensor of this micro-step as a CSV table"))
        self.export_button.clicked.connect(self._export)
        top = QHBoxLayout()
        top.addWidget(self.chooser, 1)
        top.addWidget(self.export_button)
        self.heatmap = HeatmapView()
        self.table = TensorTable()
        # Side by side: the panel lives in a wide, short dock under the canvas.
        split = QSplitter(Qt.Orientation.Horizontal)
        split.addWidget(self.heatmap)
        self.too_large = QLabel()
        self.too_large.setWordWrap(True)
        self.too_large.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.too_large.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.table_area = QStackedWidget()
        self.table_area.addWidget(self.table)
        self.table_area.addWidget(self.too_large)
        split.addWidget(self.table_area)
        layout = QVBoxLayout(self)
        layout.addWidget(self.title)
        layout.addLayout(top)
        layout.addWidget(split, 1)
        # The heatmap's caption and hover value run under both halves: under the heatmap alone a narrow
        # panel would cut "output (16, 32): 16×32 shown, |max| 0.7049" short.
        layout.addWidget(self.heatmap.hover)
        split.setSizes([300, 300])
        self.tensors: dict[str, np.ndarray] = {}
        self.highlights: dict[str, list[tuple[int, ...]]] = {}
        self.header: dict[str, str] = {}
        self.preferred = "output"
        self.layer: str | None = None  # the type of the layer whose tensors are shown (its formulas' names)

    def set_tensors(self, title: str, tensors: dict[str, np.ndarray],
                    highlights: dict[str, list[tuple[int, ...]]] | None = None,
                    header: dict[str, str] | None = None, preferred: str | None = None,
                    layer: str | None = None) -> None:
        """Show a set of named tensors (of a layer of type `layer`, whose formulas name them); keeps the
        chosen name when it is still there."""
        self.title.setText(title)
        self.layer = layer
        self.tensors = dict(tensors)
        self.highlights = dict(highlights or {})
        self.header = dict(header or {})
        keep = self.current_name
        names = tensor_order(self.tensors)
        self.chooser.blockSignals(True)
        labels = [tensor_label(name, layer) for name in names]
        if labels != [self.chooser.itemText(i) for i in range(self.chooser.count())]:
            # Only when the list changes: refilling a combo box re-lays out (and repaints) the panel.
            self.chooser.clear()
            for name, label in zip(names, labels):
                self.chooser.addItem(label, name)
        choice = preferred if preferred in self.tensors else keep if keep in self.tensors else (
            names[0] if names else "")
        self.chooser.setCurrentIndex(self.chooser.findData(choice))
        self.chooser.blockSignals(False)
        self.export_button.setEnabled(bool(self.tensors))
        self._show_current(choice)

    def sizeHint(self) -> QSize:
        return QSize(620, 300)

    # ------------------------------------------------------------------ following training
    def follow(self, training: TrainingContext) -> None:
        """Show the active micro-step's tensors, or the selected (else the last trainable) node's live ones."""
        self.controller = training.controller
        self._shown: tuple | None = None  # what is drawn: a micro-step or a node after a step
        training.follow(self, self.redraw, min_interval=0.25, on_session=self._forget, on_step=self._forget,
                        on_halt=self._on_halt, on_select=self._on_select)

    def _forget(self, *_) -> None:
        self._shown = None

    def _clear(self) -> None:
        if self.tensors or self._shown is not None:
            self.set_tensors(self.empty_title, {})
            self._shown = None

    def _on_halt(self, err) -> None:
        self._shown = None
        self.redraw(preferred=err.tensor)  # the tensor that holds the NaN

    def _on_select(self, _node) -> None:
        self._shown = None
        self.redraw()

    def redraw(self, preferred: str | None = None) -> None:
        c = self.controller
        s, cur = c.session, c.current
        if s is None:
            self._clear()  # nothing of a former network stays (File > New, a graph that cannot train)
            return
        if c.selected_node is None and cur is not None:
            key = ("step", id(cur))
            if key == self._shown and preferred is None:
                return
            e = cur.event
            step = QCoreApplication.translate("TrainingController", "step %d") % e.step
            where = f"{step} · {phase_name(e.phase)}" + (f" · {cur.node_name}" if cur.node_name else "")
            highlights = cur.formula.highlights if cur.formula is not None else {}
            header = {"step": str(e.step), "epoch": str(e.epoch), "phase": e.phase,
                      "node": cur.node_name or "", "micro-step": str(e.index)}
            self.set_tensors(where, cur.tensors, highlights, header, preferred or PREFERRED.get(e.phase),
                             s.view.key(e.node) if e.node in s.layers else None)
            self._shown = key
            return
        node = c.selected_node or _last_trainable(s)
        if node is None:
            self._clear()
            return
        # Live tensors change while running, so nothing is cached here (the throttle limits the rate).
        name = s.net.names.get(node, node)
        self.set_tensors(self.tr("%s · after step %d") % (name, s.steps_done), c.node_tensors(node), {},
                         {"node": name, "after step": str(s.steps_done)}, preferred, s.view.key(node))
        self._shown = ("node", node, s.steps_done)

    def show_tensor(self, name: str) -> None:
        self.chooser.setCurrentIndex(self.chooser.findData(name))

    @property
    def current_name(self) -> str:
        return self.chooser.currentData() or ""

    def _show_current(self, name: str) -> None:
        t = self.tensors.get(name)
        self.heatmap.set_tensor(f"{tensor_label(name, self.layer)} {tuple(np.shape(t))}" if t is not None else name, t)
        self.heatmap.set_axes(*self.axis_names(name, np.ndim(t) if t is not None else 0))
        self.table.set_tensor(t, self.highlights.get(name))
        # A tensor too large for a table gets a note in its place instead of a blank box. A stacked page,
        # not hiding the table: that would re-lay out the panel whenever the size class changes.
        fits = t is None or np.size(t) <= MAX_TABLE
        if not fits:
            self.too_large.setText(self.tr("%n values: too many for a table of numbers. Point at the "
                                           "heatmap to read any one of them.", "", int(np.size(t))))
        self.table_area.setCurrentIndex(0 if fits else 1)

    def axis_names(self, name: str, rank: int) -> tuple[str, str]:
        """What the heatmap's rows and columns are for tensor `name` of this rank."""
        if rank <= 1:
            return "", self.tr("unit") if rank else ""
        weights = name in ("weight", "grad_weight", "update_weight")
        if rank == 2:
            return (self.tr("unit"), self.tr("input")) if weights else (self.tr("sample"), self.tr("unit"))
        return (self.tr("filter"), self.tr("input channel")) if weights else (self.tr("sample"), self.tr("channel"))

    def _export(self) -> None:
        path, _ = QFileDialog.getSaveFileName(self, self.tr("Export micro-step tensors"), "microstep.csv",
                                              "CSV (*.csv)")
        if path:
            self.export_csv(path)

    def export_csv(self, path: str) -> None:
        write_csv(path, self.tensors, self.header)


def _last_trainable(session) -> str | None:
    """The node shown when nothing is selected between runs: the output layer with weights, if any."""
    return next((nid for nid in reversed(session.view.order) if session.view.has_params(nid)), None)
