"""HeatmapView: one tensor as a picture, diverging colours centred on zero, a colour bar and the value
under the cursor. Row 0 is drawn at the top, as in the table beside it."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtWidgets import QSizePolicy, QVBoxLayout, QWidget

from nnviz.ui.training.grid import as_matrix
from nnviz.ui.training.widgets import StatusLine

COLORMAP = "CET-D1"  # blue (negative) - white (zero) - red (positive), perceptually even


def nice_ceiling(m: float) -> float:
    """The smallest of 1, 2, 5 x 10^k that is >= m (1 for m <= 0 or not finite)."""
    if not np.isfinite(m) or m <= 0:
        return 1.0
    exp = np.floor(np.log10(m))
    for step in (1.0, 2.0, 5.0, 10.0):
        if step * 10**exp >= m * (1 - 1e-12):
            return float(step * 10**exp)
    return float(10 ** (exp + 1))


class HeatmapView(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.plot = self.graphics.addPlot()
        self.plot.setAspectLocked(False)
        self.plot.invertY(True)  # row 0 on top
        self.plot.hideButtons()
        # Cell indices, not coordinates: fractional axis ticks would only confuse; the hover line and the
        # table give each entry's row and column.
        self.plot.hideAxis("left")
        self.plot.hideAxis("bottom")
        self.graphics.setMinimumHeight(60)
        self.graphics.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.plot.setMenuEnabled(False)
        self.image = pg.ImageItem(axisOrder="row-major")
        self.plot.addItem(self.image)
        self.colorbar = pg.ColorBarItem(values=(-1, 1), colorMap=pg.colormap.get(COLORMAP), interactive=False,
                                        width=12)
        self.colorbar.setImageItem(self.image, insert_in=self.plot)
        self.hover = StatusLine(" ")
        self.hover.setObjectName("heatmapHover")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.graphics, 1)
        layout.addWidget(self.hover)
        self.matrix = np.zeros((1, 1))
        self._ranged_shape: tuple[int, ...] = ()
        self.tensor: np.ndarray | None = None
        self.name = ""
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse)

    def set_tensor(self, name: str, tensor: np.ndarray | None) -> None:
        """Draw `tensor` (any rank, see grid.as_matrix); None clears the view."""
        self.name = name
        self.tensor = None if tensor is None else np.asarray(tensor)
        self.matrix = np.zeros((1, 1)) if tensor is None else as_matrix(tensor)
        finite = self.matrix[np.isfinite(self.matrix)]
        m = float(np.max(np.abs(finite))) if finite.size else 1.0
        # Symmetric levels so zero is always the neutral colour and signs read at a glance; rounded up to
        # 1, 2 or 5 x 10^k so the colour bar (and its costly axis) changes only when the scale does.
        top = nice_ceiling(m)
        self.image.setImage(self.matrix, autoLevels=False)
        if self.levels != (-top, top):
            self.colorbar.setLevels((-top, top))
        if self.matrix.shape != self._ranged_shape:  # re-ranging re-lays out the plot: only on a new shape
            self._ranged_shape = self.matrix.shape
            self.plot.setRange(xRange=(0, self.matrix.shape[1]), yRange=(0, self.matrix.shape[0]), padding=0.02)
        caption = self.tr("%1: %2×%3 shown, |max| %4").replace("%1", name).replace(
            "%2", str(self.matrix.shape[0])).replace("%3", str(self.matrix.shape[1])).replace("%4", f"{m:.4g}")
        self.hover.setText(caption if tensor is not None else " ")

    @property
    def levels(self) -> tuple[float, float]:
        return tuple(float(v) for v in self.colorbar.levels())

    def value_at(self, row: int, col: int) -> float | None:
        if 0 <= row < self.matrix.shape[0] and 0 <= col < self.matrix.shape[1]:
            v = self.matrix[row, col]
            return None if np.isnan(v) else float(v)
        return None

    def _on_mouse(self, pos) -> None:
        if not self.plot.sceneBoundingRect().contains(pos):
            return
        p = self.plot.vb.mapSceneToView(pos)
        row, col = int(np.floor(p.y())), int(np.floor(p.x()))
        v = self.value_at(row, col)
        if v is not None:
            self.hover.setText(self.tr("%1: row %2, column %3 = %4").replace("%1", self.name).replace(
                "%2", str(row + 1)).replace("%3", str(col + 1)).replace("%4", f"{v:.6g}"))
