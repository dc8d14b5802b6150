"""CurvesPanel: training loss and accuracy per step, validation per epoch, log-scale toggle.

Stays responsive after a million steps: values are appended to growing NumPy buffers (never rebuilt
from Python lists) and pyqtgraph draws them clipped to the view and peak-downsampled to the pixels.
"""

from __future__ import annotations

import bisect
from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QCheckBox, QHBoxLayout, QLabel, QVBoxLayout, QWidget

from nnviz.engine.metrics import Metrics
from nnviz.ui.training.widgets import mark_points_while_few

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

TRAIN_COLOUR, VAL_COLOUR = "#1f77b4", "#d62728"
TRAIN_PEN = pg.mkPen(TRAIN_COLOUR, width=1)
VAL_PEN = pg.mkPen(VAL_COLOUR, width=2)


def _same(a: float, b: float | None) -> bool:
    return (b is None and np.isnan(a)) or (b is not None and (a == b or (np.isnan(a) and b != b)))


class _Growing:
    """An append-only float buffer with amortised O(1) appends and O(1) truncation (rewind)."""

    def __init__(self) -> None:
        self.data = np.empty(1024)
        self.n = 0

    def sync(self, values: list) -> bool:
        """Make the buffer equal `values` (which only grows, or shrinks on rewind); True if it changed."""
        m = len(values)
        if m == self.n:
            # Same length can still hide a rewind followed by new steps: compare the newest value.
            if m == 0 or _same(self.data[m - 1], values[-1]):
                return False
            self.n = 0
        if m < self.n:
            self.n = m
            return True
        if m > len(self.data):
            grown = np.empty(max(m, 2 * len(self.data)))
            grown[: self.n] = self.data[: self.n]
            self.data = grown
        self.data[self.n: m] = np.array([np.nan if v is None else v for v in values[self.n: m]], dtype=float)
        self.n = m
        return True

    @property
    def view(self) -> np.ndarray:
        return self.data[: self.n]


class CurvesPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.loss_plot = self.graphics.addPlot(row=0, col=0, title=self.tr("loss"), size="9pt")
        self.acc_plot = self.graphics.addPlot(row=1, col=0, title=self.tr("accuracy"), size="9pt")
        self.acc_plot.setXLink(self.loss_plot)
        for plot in (self.loss_plot, self.acc_plot):
            # No grid: grid lines cost more to paint than the curves (software rendering).
            plot.setLabel("bottom", self.tr("training step"))
            plot.getAxis("left").setWidth(44)  # room for tick labels such as 0.0001
            # Draw only what is on screen, reduced to about one point per pixel column.
            plot.setClipToView(True)
            plot.setDownsampling(auto=True, mode="peak")
        lone = {"symbolSize": 6, "symbolBrush": TRAIN_COLOUR, "symbolPen": None}  # see mark_points_while_few
        self.train_loss = self.loss_plot.plot(pen=TRAIN_PEN, name="train", **lone)
        # Markers in the validation colour (pyqtgraph's default grey-blue would not match the key's dot).
        marker = {"symbol": "o", "symbolSize": 6, "symbolBrush": VAL_COLOUR, "symbolPen": VAL_COLOUR}
        self.val_loss = self.loss_plot.plot(pen=VAL_PEN, name="validation", **marker)
        self.train_acc = self.acc_plot.plot(pen=TRAIN_PEN, name="train", **lone)
        self.val_acc = self.acc_plot.plot(pen=VAL_PEN, name="validation", **marker)
        self.log_box = QCheckBox(self.tr("log scale"))
        self.log_box.toggled.connect(self.set_log)
        # The key names the curves in their colours: a legend box would cover the curves in a small dock.
        # (the words outside the f-string: lupdate does not see a tr() inside one)
        train, validation = self.tr("train"), self.tr("validation")
        key = QLabel(f"<span style='color:{TRAIN_COLOUR}'>━ {train}</span>&nbsp;&nbsp;"
                     f"<span style='color:{VAL_COLOUR}'>● {validation}</span>")
        key.setToolTip(self.tr("Training: the loss of each batch. Validation: the whole validation set, after each "
                                "epoch."))
        top = QHBoxLayout()
        top.addWidget(key)
        top.addStretch(1)
        top.addWidget(self.log_box)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addLayout(top)
        layout.addWidget(self.graphics, 1)
        self._loss, self._acc = _Growing(), _Growing()
        self._x = np.arange(1, 1025, dtype=float)
        self._side_by_side = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        # Two plots stacked in a dock not much taller than wide leave each too flat to read: side by side.
        wide = self.width() > 1.1 * self.height() and self.width() > 300
        if wide != self._side_by_side:
            self._side_by_side = wide
            layout = self.graphics.ci
            layout.removeItem(self.acc_plot)
            layout.addItem(self.acc_plot, row=0 if wide else 1, col=1 if wide else 0)

    def set_log(self, on: bool) -> None:
        self.loss_plot.setLogMode(y=on)

    def follow(self, training: TrainingContext) -> None:
        """Follow the session's metrics; a new session starts empty curves."""
        self.controller = training.controller
        # History, not this micro-step's numbers: a hand step may leave the curves to a later frame.
        training.follow(self, self.redraw, min_interval=0.25, may_lag=True, on_session=self.clear)

    def clear(self) -> None:
        self.refresh(None)

    def redraw(self) -> None:
        s = self.controller.session
        self.refresh(s.metrics if s is not None else None)

    def refresh(self, metrics: Metrics | None) -> None:
        if metrics is None:
            for item in (self.train_loss, self.val_loss, self.train_acc, self.val_acc):
                item.setData([], [])
            self._loss, self._acc = _Growing(), _Growing()
            return
        changed = self._loss.sync(metrics.step_loss)
        changed |= self._acc.sync(metrics.step_accuracy)
        if changed:
            n = self._loss.n
            if len(self._x) < n:
                self._x = np.arange(1, 2 * n + 1, dtype=float)
            x = self._x[:n]
            self.train_loss.setData(x, self._loss.view)
            acc = self._acc.view
            has_acc = n > 0 and not np.all(np.isnan(acc[: n]))
            self.train_acc.setData(x if has_acc else [], acc if has_acc else [])
            for curve in (self.train_loss, self.train_acc):
                mark_points_while_few(curve, n, few=2)  # one training step is one point
            # Validation points sit at the step that ended their epoch (step_epoch is sorted).
            rows = metrics.epochs
            ends = [bisect.bisect_right(metrics.step_epoch, row.epoch) for row in rows]
            vl = [(s, r.val_loss) for s, r in zip(ends, rows) if r.val_loss is not None]
            va = [(s, r.val_accuracy) for s, r in zip(ends, rows) if r.val_accuracy is not None]
            self.val_loss.setData([p[0] for p in vl], [p[1] for p in vl])
            self.val_acc.setData([p[0] for p in va], [p[1] for p in va])

    def curve_data(self) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """What each curve holds, before downsampling (tests read this back, not pixels)."""
        return {name: (item.xData, item.yData) for name, item in (("train_loss", self.train_loss),
                                                         ("val_loss", self.val_loss),
                                                         ("train_acc", self.train_acc),
                                                         ("val_acc", self.val_acc))}
