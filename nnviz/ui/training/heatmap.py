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
        # The axes are named (sample, unit, channel, ...), without ticks: fractional ticks would only confuse;
        # the hover line and the table give each entry's indices.
        for side in ("left", "bottom"):
            self.plot.getAxis(side).setStyle(showValues=False, tickLength=0)
            self.plot.getAxis(side).setTicks([])
        self.axis_names: tuple[str, str] = ("", "")
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

    def set_axes(self, rows: str, columns: str) -> None:
        """Name what the rows and the columns of the picture are ("" hides that axis)."""
        if (rows, columns) == self.axis_names:
            return  # a label change re-lays out the plot: only when the kind of tensor changes
        self.axis_names = (rows, columns)
        for side, text in (("left", rows), ("bottom", columns)):
            # Kept shown with a blank name rather than hidden: hiding resizes the plot, which re-lays out and
            # repaints every axis of the picture and its colour bar at each micro-step that changes kind.
            self.plot.setLabel(side, text or " ")

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
        text = self.describe(int(np.floor(p.y())), int(np.floor(p.x())))
        if text:
            self.hover.setText(text)

    def describe(self, row: int, col: int) -> str:
        """The hover line for the picture's cell (row, col): which entry it is, in the axes' words."""
        v = self.value_at(row, col)
        if v is None:
            return ""
        shape = () if self.tensor is None else self.tensor.shape
        if len(shape) >= 3:
            # A grid of maps: which map (sample/filter, channel) and where in it, not the grid's row 12.
            h, w = shape[-2], shape[-1]
            tile_r, i = divmod(row, h + 1)
            tile_c, j = divmod(col, w + 1)
            where = self.tr("%1 %2, %3 %4, position (%5, %6)").replace("%1", self.axis_names[0] or "map").replace(
                "%2", str(tile_r + 1)).replace("%3", self.axis_names[1] or "channel").replace(
                "%4", str(tile_c + 1)).replace("%5", str(i + 1)).replace("%6", str(j + 1))
        else:
            where = self.tr("%1 %2, %3 %4").replace("%1", self.axis_names[0] or self.tr("row")).replace(
                "%2", str(row + 1)).replace("%3", self.axis_names[1] or self.tr("column")).replace(
                "%4", str(col + 1))
        return f"{self.name}: {where} = {v:.6g}"
