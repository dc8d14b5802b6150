"""DecisionBoundaryView: for 2-D classification data, the class the network predicts everywhere on the
input plane (colour = class, paler = less sure), with the training points filled and the validation
points hollow, redrawn while training runs."""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QLabel, QSizePolicy, QVBoxLayout, QWidget

from nnviz.ui.training.widgets import StatusLine

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

GRID = 64  # cells per side: ~4k predictions, well under a millisecond for a small network
CLASS_COLOURS = np.array([(31, 119, 180), (255, 127, 14), (44, 160, 44), (214, 39, 40), (148, 103, 189),
                          (140, 86, 75), (227, 119, 194), (127, 127, 127), (188, 189, 34), (23, 190, 207)],
                         dtype=float)


def class_probabilities(out: np.ndarray, loss: str) -> np.ndarray:
    """(n, classes) probabilities from the network's output under the chosen loss."""
    out = np.asarray(out, dtype=float)
    if out.ndim == 1:
        out = out[:, None]
    if out.shape[1] == 1:
        p = 1.0 / (1.0 + np.exp(-out[:, 0])) if loss == "bce_logits" else np.clip(out[:, 0], 0.0, 1.0)
        return np.stack([1.0 - p, p], axis=1)
    if loss == "cross_entropy":
        e = np.exp(out - out.max(axis=1, keepdims=True))
        return e / e.sum(axis=1, keepdims=True)
    p = np.clip(out, 0.0, None)  # softmax outputs already are; one-hot MSE outputs nearly are
    total = p.sum(axis=1, keepdims=True)
    return np.where(total > 0, p / np.where(total > 0, total, 1), 1.0 / out.shape[1])


def boundary_image(probs: np.ndarray) -> np.ndarray:
    """(GRID, GRID, 3) uint8 colours: the predicted class's colour, faded to white as certainty drops."""
    k = probs.shape[1]
    colours = CLASS_COLOURS[np.arange(k) % len(CLASS_COLOURS)]
    mixed = probs @ colours
    certainty = (probs.max(axis=1) - 1.0 / k) / (1.0 - 1.0 / k)
    # Pale even when certain, so the data points on top stay readable.
    fade = 0.35 + 0.35 * (1 - certainty)
    rgb = mixed * (1 - fade[:, None]) + 255 * fade[:, None]
    return rgb.reshape(GRID, GRID, 3).astype(np.uint8)


class DecisionBoundaryView(QWidget):
    title = "Decision boundary"

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.plot = pg.PlotWidget(background="w")
        # Not aspect-locked: the dock is usually wide and short, and a locked square plane would shrink
        # to a thumbnail in it. The axes keep the true coordinates.
        self.plot.setAspectLocked(False)
        self.plot.hideButtons()
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.train_points = pg.ScatterPlotItem(size=6, pen=pg.mkPen("w", width=0.5))
        self.val_points = pg.ScatterPlotItem(size=7, brush=pg.mkBrush(255, 255, 255, 200), symbol="o")
        self.plot.addItem(self.train_points)
        self.plot.addItem(self.val_points)
        # What the marks mean (or why there is no plot): words that change rarely, wrapped to the column's
        # width; the accuracies that change every redraw go on a line of their own (widgets.StatusLine).
        self.legend = QLabel()
        self.legend.setWordWrap(True)
        # A wrapped label makes the dock's scroll area size the panel by height-for-width, which adds the
        # plot's own (large) size hint: the plot takes the room left, never more (it scrolled the dock).
        self.plot.setSizePolicy(QSizePolicy.Policy.Expanding, QSizePolicy.Policy.Ignored)
        self.note = StatusLine()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.plot, 1)
        layout.addWidget(self.legend)
        layout.addWidget(self.note)
        self.probs: np.ndarray | None = None  # (GRID*GRID, classes) of the last redraw
        self.extent: tuple[float, float, float, float] | None = None
        self._points_for: object = None
        self._grid: np.ndarray | None = None

    def applicable(self, session) -> bool:
        d = session.dataset if session is not None else None
        return d is not None and d.sample_shape == (2,) and d.task == "classification"

    def follow(self, training: TrainingContext) -> None:
        # The plane shows no number of the micro-step itself: a hand step may leave it to a later frame.
        self.controller = training.controller
        training.follow(self, self.redraw, min_interval=0.2, may_lag=True)

    def redraw(self) -> None:
        self.refresh(self.controller.session)

    def refresh(self, session) -> None:
        if not self.applicable(session):
            self.probs = None
            self.image.clear()
            self.train_points.clear()
            self.val_points.clear()
            self.legend.setText(self.tr("The decision boundary is drawn for classification data with 2 input "
                                        "features (such as XOR or spirals)."))
            self.note.setText("")
            return
        if self._points_for is not session.dataset:
            self._set_points(session)
        out = session.predict(self._grid)
        self.probs = class_probabilities(out, session.settings.loss)
        x0, x1, y0, y1 = self.extent
        self.image.setImage(boundary_image(self.probs), autoLevels=False, levels=(0, 255))
        self.image.setRect(x0, y0, x1 - x0, y1 - y0)
        # Every redraw: the dock may have been resized (or first laid out) since the points were set.
        self.plot.setRange(xRange=(x0, x1), yRange=(y0, y1), padding=0)
        val_acc = None
        acc = session.metrics.step_accuracy[-1] if session.metrics.step_accuracy else None
        rows = session.metrics.epochs
        if rows:
            val_acc = rows[-1].val_accuracy
        self.legend.setText(self.tr("filled: training points, hollow: validation points"))
        parts = []
        if acc is not None:
            parts.append(self.tr("last batch accuracy %s") % f"{acc:.0%}")
        if val_acc is not None:
            parts.append(self.tr("validation accuracy %s") % f"{val_acc:.0%}")
        self.note.setText(" · ".join(parts))

    def predicted_classes(self) -> np.ndarray | None:
        """(GRID, GRID) class index per cell, row 0 at the bottom (tests read this back)."""
        return None if self.probs is None else self.probs.argmax(axis=1).reshape(GRID, GRID)

    def _set_points(self, session) -> None:
        d = session.dataset
        both = np.concatenate([d.x_train, d.x_val]) if len(d.x_val) else d.x_train
        lo, hi = both.min(axis=0), both.max(axis=0)
        pad = 0.1 * np.maximum(hi - lo, 1e-6)
        lo, hi = lo - pad, hi + pad
        self.extent = (float(lo[0]), float(hi[0]), float(lo[1]), float(hi[1]))
        xs = np.linspace(lo[0], hi[0], GRID)
        ys = np.linspace(lo[1], hi[1], GRID)
        gx, gy = np.meshgrid(xs, ys)  # row i = y value i: row-major image, y up
        self._grid = np.stack([gx.ravel(), gy.ravel()], axis=1)

        def brushes(y: np.ndarray) -> list:
            return [pg.mkBrush(*CLASS_COLOURS[int(c) % len(CLASS_COLOURS)]) for c in np.asarray(y).reshape(-1)]

        self.train_points.setData(d.x_train[:, 0], d.x_train[:, 1], brush=brushes(d.y_train))
        if len(d.x_val):
            pens = [pg.mkPen(*CLASS_COLOURS[int(c) % len(CLASS_COLOURS)], width=1.5)
                    for c in np.asarray(d.y_val).reshape(-1)]
            self.val_points.setData(d.x_val[:, 0], d.x_val[:, 1], pen=pens)
        else:
            self.val_points.clear()
        self._points_for = d
