"""The plots of the attention view: a heatmap's token axes (labels as large as the cells allow) and LayerNorm's
per-position statistics."""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QFont

LABEL_CHARS = 6  # a long word is cut on the axis (the hover line gives it whole)
MIN_LABEL_PX, MAX_LABEL_PX = 7, 10  # the token labels' font: as large as a cell allows, within these pixels
MEAN_COLOUR, VARIANCE_COLOUR = "#1F5AA0", "#C0392B"


def token_axes(plot: Any, labels: list[str], shape: tuple[int, int], square: bool, font: QFont) -> None:
    """A heatmap of `shape` with a token per row (and per column when `square`), query 1 on top."""
    plot.invertY(True)
    plot.setMenuEnabled(False)
    plot.hideButtons()
    plot.setMouseEnabled(x=False, y=False)
    for side in ("left", "bottom"):  # the first token's label sits at the edge: keep it
        plot.getAxis(side).setStyle(hideOverlappingLabels=False)
    plot.setRange(xRange=(0, shape[1]), yRange=(0, shape[0]), padding=0)
    sides = ("left", "bottom") if square else ("left",)  # tokens on both axes, or positions x features
    plot.vb.sigResized.connect(lambda _vb: fit_token_labels(plot, labels, sides, font))
    fit_token_labels(plot, labels, sides, font)


def fit_token_labels(plot: Any, labels: list[str], sides: tuple[str, ...], font: QFont) -> None:
    """The token labels as large as a cell allows; in cells smaller than the smallest font every k-th token is
    named (the hover line names each): the heatmap shrinks to the panel's height instead of scrolling."""
    for side in sides:
        cell = (plot.vb.height() if side == "left" else plot.vb.width()) / max(len(labels), 1)
        size = int(min(max(cell - 1, MIN_LABEL_PX), MAX_LABEL_PX))
        step = max(1, math.ceil((MIN_LABEL_PX + 1) / max(cell, 1.0)))
        axis = plot.getAxis(side)
        if getattr(axis, "token_fit", None) == (size, step, tuple(labels)):
            continue  # a new font re-lays out the plot: only when the cells' size class changes
        axis.token_fit = (size, step, tuple(labels))
        sized = QFont(font)
        sized.setPixelSize(size)
        axis.setStyle(tickFont=sized)
        axis.setTicks([[(k + 0.5, w[:LABEL_CHARS]) for k, w in enumerate(labels) if k % step == 0]])


def statistics_plot(graphics: Any, mean: np.ndarray, var: np.ndarray, labels: list[str], font: QFont) -> Any:
    """Each position's mean μ and variance σ², beside the x̂ heatmap (column 1 of `graphics`)."""
    stats = graphics.addPlot(row=0, col=1)
    # A coloured caption above the plot names the curves: a legend inside the plot covered them.
    stats.setTitle(f'<span style="color:{MEAN_COLOUR}">● μ</span>&nbsp;&nbsp;'
                   f'<span style="color:{VARIANCE_COLOUR}">■ σ²</span>', size="9pt")
    stats.setMenuEnabled(False)
    stats.hideButtons()
    x = np.arange(len(mean)) + 0.5
    stats.plot(x, mean, pen=pg.mkPen(MEAN_COLOUR, width=2), symbol="o", symbolSize=6, symbolBrush=MEAN_COLOUR)
    stats.plot(x, var, pen=pg.mkPen(VARIANCE_COLOUR, width=2), symbol="s", symbolSize=6,
               symbolBrush=VARIANCE_COLOUR)
    stats.setXRange(0, len(labels), padding=0)
    stats.getAxis("bottom").setStyle(hideOverlappingLabels=False)
    stats.vb.sigResized.connect(lambda _vb: fit_token_labels(stats, labels, ("bottom",), font))
    fit_token_labels(stats, labels, ("bottom",), font)
    return stats
