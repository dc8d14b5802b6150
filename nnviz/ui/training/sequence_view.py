"""SequenceView: a recurrent layer through time. A heatmap of one sample's hidden state, cell state or
gates (rows = units, columns = time steps t = 1..T), and the size of the gradient reaching each h_t,
so vanishing gradients through time are visible. While the learner steps through the node, the steps
not computed yet are left empty and the current t is marked.

The data comes from the layer itself (what its last forward/backward left, see docs/sequence.md), so
the view works after a fast run as well as while stepping. The helper functions have no Qt.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLabel, QSpinBox, QVBoxLayout, QWidget

from nnviz.ui.training.heatmap import HeatmapView

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

# Quantity label -> (name in extra_tensors, phase that computes it); the labels are shown translated
QUANTITIES = {
    QT_TRANSLATE_NOOP("SequenceView", "hidden state h_t"): ("hidden_states", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "cell state c_t"): ("cell_states", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "input gate i"): ("gate_i", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "forget gate f"): ("gate_f", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "cell candidate g"): ("gate_g", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "output gate o"): ("gate_o", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "reset gate r"): ("gate_r", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "update gate z"): ("gate_z", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "candidate n"): ("gate_n", "forward"),
    QT_TRANSLATE_NOOP("SequenceView", "gradient dL/dh_t"): ("grad_hidden_states", "backward"),
}


def recurrent_nodes(session: Any) -> list[str]:
    """Ids of the session's recurrent nodes, in forward order."""
    return [nid for nid in session.order if session.layers[nid].capabilities.steps_through_time]


def available(layer: Any) -> dict[str, np.ndarray]:
    """Quantity label -> (N, T, H) array, for what the layer has computed so far."""
    tensors = {**layer.extra_tensors("forward"), **layer.extra_tensors("backward")}
    return {label: tensors[name] for label, (name, _) in QUANTITIES.items() if tensors.get(name) is not None}


def time_matrix(values: np.ndarray, sample: int, done: range | None = None) -> np.ndarray:
    """(H, T) picture of one sample: row = unit, column = time step; steps outside `done` are NaN
    (drawn empty), for a layer that is part-way through its time steps."""
    m = np.asarray(values[min(sample, len(values) - 1)], dtype=np.float64).T.copy()
    if done is not None:
        hidden = np.ones(m.shape[1], dtype=bool)
        hidden[[t - 1 for t in done]] = False
        m[:, hidden] = np.nan
    return m


def done_steps(phase: str, t: int | None, steps: int, event_phase: str | None) -> range | None:
    """The 1-based time steps already computed for a quantity of `phase` while the node's micro-step
    `event_phase` is at time step t; None when the node is not part-way through (everything shown)."""
    if t is None or event_phase not in ("forward", "backward"):
        return None
    if phase == "forward":
        return range(1, t + 1) if event_phase == "forward" else None
    if event_phase == "backward":
        return range(t, steps + 1)
    return range(0)  # forward stepping of a new batch: last batch's gradients are no longer current


def vanishing_text(norms: np.ndarray | None) -> str:
    """One line on how the gradient's size changes from the last time step back to the first."""
    if norms is None or len(norms) == 0 or not np.all(np.isfinite(norms)):
        return QCoreApplication.translate(
            "SequenceView", "Step through backward to see the gradient reaching each time step.")
    last, first = float(norms[-1]), float(norms[0])
    if last <= 0:
        return QCoreApplication.translate("SequenceView", "No gradient reaches the last time step.")
    ratio = first / last
    text = f"‖dL/dh_1‖ / ‖dL/dh_T‖ = {ratio:.3g}"
    if ratio < 0.01:
        return text + QCoreApplication.translate(
            "SequenceView", ": the gradient vanishes on its way back through time; early steps barely learn.")
    if ratio > 100:
        return text + QCoreApplication.translate(
            "SequenceView", ": the gradient grows on its way back through time (exploding gradients).")
    return text + QCoreApplication.translate("SequenceView", ": the gradient keeps its size through time.")


class SequenceView(QWidget):
    title = "Through time"

    @staticmethod
    def applicable(session: Any) -> bool:
        """Only a network with a recurrent layer has anything to show through time."""
        return bool(recurrent_nodes(session))

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.node_box = QComboBox()
        self.node_box.setToolTip(self.tr("The recurrent layer to look at"))
        self.quantity_box = QComboBox()
        self.sample_box = QSpinBox()
        self.sample_box.setPrefix(self.tr("sample "))
        self.sample_box.setMinimum(1)
        self.sample_box.setToolTip(self.tr("Which sample of the batch"))
        for box in (self.node_box, self.quantity_box):
            box.currentTextChanged.connect(lambda _=None: self.refresh())
        self.sample_box.valueChanged.connect(lambda _=None: self.refresh())
        for box in (self.node_box, self.quantity_box):
            # Three choices share one row of a bottom panel (352 px at 1280x800): each shows 6 characters
            # closed, and its list shows every entry whole (dock_layout.narrow_combos reads this).
            box.setProperty("min_chars", 6)
        top = QHBoxLayout()
        top.addWidget(self.node_box, 1)
        top.addWidget(self.quantity_box, 1)
        top.addWidget(self.sample_box)
        self.heatmap = HeatmapView()
        self.heatmap.set_axes(self.tr("unit"), self.tr("time step t"))
        self.heatmap.plot.getAxis("bottom").setStyle(showValues=True, tickLength=5)  # t = 1, 2, ... under columns
        self.marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((40, 40, 40), width=2))
        self.heatmap.plot.addItem(self.marker)
        self.norms = pg.PlotWidget(background="w")
        self.norms.setMenuEnabled(False)
        self.norms.hideButtons()
        self.norms.setLogMode(y=True)
        self.norms.setLabel("bottom", self.tr("time step t"))
        self.norms.getAxis("bottom").enableAutoSIPrefix(False)  # never "t (x0.001)"
        self.norms.setXRange(0.5, 10.5)  # until there are bars: a plain time axis, not -400..400
        self.norms.setLabel("left", self.tr("mean ‖dL/dh_t‖"))
        self.norms.setMinimumHeight(90)
        self.norms.getAxis("left").enableAutoSIPrefix(False)
        self.bars = pg.BarGraphItem(x=[], height=[], width=0.8, brush=(214, 39, 40, 160))
        self.norms.addItem(self.bars)
        self.norm_marker = pg.InfiniteLine(angle=90, pen=pg.mkPen((40, 40, 40), width=2))
        self.norms.addItem(self.norm_marker)
        self.note = QLabel()
        self.note.setWordWrap(True)
        # Two lines whatever the plots above ask for: squeezed to one, the note would be cut mid-sentence.
        self.note.setMinimumHeight(2 * self.note.fontMetrics().lineSpacing() + 8)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.heatmap, 3)
        layout.addWidget(self.norms, 2)
        layout.addWidget(self.note)
        self.matrix = np.zeros((0, 0))
        self.norm_values: np.ndarray | None = None

    def follow(self, training: TrainingContext) -> None:
        """Redraw through the throttle: when a hand step or a run changes something and the view is visible."""
        training.follow(self, self.refresh, min_interval=0.25)

    # ------------------------------------------------------------------ choices
    def _fill(self, box: QComboBox, items: list[str], data: list[str] | None = None) -> None:
        if [box.itemText(i) for i in range(box.count())] == items:
            return
        keep = box.currentText()
        box.blockSignals(True)
        box.clear()
        for i, item in enumerate(items):
            box.addItem(item, data[i] if data else item)
        if keep in items:
            box.setCurrentText(keep)
        box.blockSignals(False)

    def _current_event(self, node: str) -> tuple[int | None, str | None]:
        cur = getattr(self.controller, "current", None)
        if cur is None or cur.event.node != node:
            return None, None
        return cur.event.t, cur.event.phase

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        session = getattr(self.controller, "session", None)
        nodes = recurrent_nodes(session) if session is not None else []
        self._fill(self.node_box, [session.net.names.get(n, n) for n in nodes] if nodes else [], nodes)
        if not nodes:
            self._clear(self.tr("This network has no recurrent layer (SimpleRNN, LSTM or GRU)."))
            return
        node = self.node_box.currentData() or nodes[0]
        layer = session.layers[node]
        values = available(layer)
        labels = [label for label in QUANTITIES if label in values] or ["hidden state h_t"]
        self._fill(self.quantity_box, [QCoreApplication.translate("SequenceView", q) for q in labels], labels)
        label = self.quantity_box.currentData() or labels[0]
        if label not in values:
            self._clear(self.tr("Press Step (F10) to run the layer through time."))
            return
        array = values[label]
        self.sample_box.setMaximum(max(1, len(array)))
        t, event_phase = self._current_event(node)
        steps = array.shape[1]
        done = done_steps(QUANTITIES[label][1], t, steps, event_phase)
        self.matrix = time_matrix(array, self.sample_box.value() - 1, done)
        caption = self.tr("%1, sample %2: rows = units, columns = t = 1..%3").replace(
            "%1", QCoreApplication.translate("SequenceView", label)).replace(
            "%2", str(self.sample_box.value())).replace("%3", str(steps))
        self.heatmap.set_tensor(caption, self.matrix)
        # Column t-1 spans [t-1, t) (as the hover reads it): label its middle "t".
        every = max(1, steps // 12)
        self.heatmap.plot.getAxis("bottom").setTicks(
            [[(k - 0.5, str(k)) for k in range(1, steps + 1) if k % every == 0 or k == 1]])
        self.marker.setVisible(t is not None)
        self.norm_marker.setVisible(t is not None)
        if t is not None:
            self.marker.setValue(t - 0.5)  # column t-1 spans [t-1, t): its middle
            self.norm_marker.setValue(t)
        # While the node steps forward, last batch's gradients no longer belong to what is shown.
        norms = layer.grad_norm_per_step() if event_phase != "forward" else None
        self._draw_norms(norms, done_steps("backward", t, steps, event_phase))
        phase = QCoreApplication.translate("TrainingController", event_phase or "")  # the phase words
        where = f" · t = {t} ({phase})" if t is not None else ""
        self.note.setText(vanishing_text(self.norm_values) + where)

    def _draw_norms(self, norms: np.ndarray | None, done: range | None) -> None:
        if norms is None:
            self.norm_values = None
            self.bars.setOpts(x=[], height=[])
            return
        norms = np.asarray(norms, dtype=np.float64)
        if done is not None:
            # Only the steps already gone back through hold this batch's gradient.
            keep = np.zeros(len(norms), dtype=bool)
            keep[[t - 1 for t in done]] = True
            norms = np.where(keep, norms, np.nan)
        self.norm_values = norms if np.all(np.isfinite(norms)) else None
        shown = np.isfinite(norms) & (norms > 0)
        x = np.arange(1, len(norms) + 1)[shown]
        # Log axis: bars rise from a floor two decades under the smallest value.
        heights = np.log10(norms[shown]) if shown.any() else np.array([])
        floor = float(heights.min()) - 2 if heights.size else 0.0
        self.bars.setOpts(x=x, height=heights - floor, y0=floor, width=0.8)

    def _clear(self, message: str) -> None:
        self.matrix = np.zeros((0, 0))
        self.norm_values = None
        self.heatmap.set_tensor("", None)
        self.bars.setOpts(x=[], height=[])
        self.marker.setVisible(False)
        self.norm_marker.setVisible(False)
        self.note.setText(message)
