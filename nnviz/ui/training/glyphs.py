"""Small pictures of tensors for the canvas: each node's output drawn on its face while training."""

from __future__ import annotations

import numpy as np
import pyqtgraph as pg
from PySide6.QtGui import QImage

from nnviz.ui.training.grid import as_matrix
from nnviz.ui.training.heatmap import COLORMAP, nice_ceiling

_LUT: np.ndarray | None = None


def _lut() -> np.ndarray:
    global _LUT
    if _LUT is None:
        _LUT = pg.colormap.get(COLORMAP).getLookupTable(nPts=256, alpha=False).astype(np.uint8)
    return _LUT


def tensor_rgb(tensor: np.ndarray) -> np.ndarray:
    """(rows, cols, 3) uint8: the tensor laid out as in the heatmap, blue-white-red centred on zero.
    Empty cells (the gaps of a grid of maps) are light grey."""
    m = as_matrix(tensor)
    finite = np.isfinite(m)
    top = nice_ceiling(float(np.max(np.abs(m[finite]))) if finite.any() else 1.0)
    index = np.clip(np.round((np.where(finite, m, 0.0) / top + 1) * 127.5), 0, 255).astype(np.intp)
    rgb = _lut()[index]
    rgb[~finite] = 230
    return np.ascontiguousarray(rgb)


def output_glyph(output: np.ndarray) -> QImage:
    """A glyph for a batch-first output: the first sample (a vector becomes one row of cells)."""
    sample = np.asarray(output)[0] if np.ndim(output) >= 1 and len(output) else np.asarray(output)
    rgb = tensor_rgb(sample)
    h, w, _ = rgb.shape
    image = QImage(rgb.data, w, h, 3 * w, QImage.Format.Format_RGB888)
    return image.copy()  # own the pixels: the NumPy buffer goes away
