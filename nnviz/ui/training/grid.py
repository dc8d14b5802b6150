"""How a tensor of any rank is laid out as one 2-D picture or table (no Qt).

Rank 0-2 show as they are (a vector as one row). Rank 3 (C, H, W) shows its C maps side by side;
rank 4 (N, C, H, W) activations or (out, in, kh, kw) convolution filters show as a grid of maps,
one row per sample / filter and one column per channel, separated by a line of NaN (drawn empty).
"""

from __future__ import annotations

import numpy as np

MAX_TILES = 16  # rows and columns of maps shown in a grid; more are left out (the title says so)


def as_matrix(t: np.ndarray) -> np.ndarray:
    """The 2-D float array to draw for a tensor of any rank."""
    a = np.asarray(t, dtype=np.float64)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(1, -1)
    if a.ndim == 2:
        return a
    if a.ndim == 3:
        a = a[None]
    a = a.reshape(-1, *a.shape[-3:]) if a.ndim > 4 else a
    rows, cols, h, w = min(a.shape[0], MAX_TILES), min(a.shape[1], MAX_TILES), a.shape[2], a.shape[3]
    out = np.full((rows * (h + 1) - 1, cols * (w + 1) - 1), np.nan)
    for r in range(rows):
        for c in range(cols):
            out[r * (h + 1): r * (h + 1) + h, c * (w + 1): c * (w + 1) + w] = a[r, c]
    return out


def as_table(t: np.ndarray) -> np.ndarray:
    """The 2-D array for the exact-number table: rank <= 2 as is, higher ranks one row per sample."""
    a = np.asarray(t)
    if a.ndim == 0:
        return a.reshape(1, 1)
    if a.ndim == 1:
        return a.reshape(1, -1)
    return a.reshape(a.shape[0], -1)


def table_cell(shape: tuple[int, ...], index: tuple[int, ...]) -> tuple[int, int] | None:
    """The (row, column) of as_table() holding tensor entry `index`, or None if it is not an entry."""
    if len(index) != len(shape) or any(not 0 <= i < n for i, n in zip(index, shape)):
        return None
    if len(shape) == 0:
        return (0, 0)
    if len(shape) == 1:
        return (0, index[0])
    rest = int(np.ravel_multi_index(index[1:], shape[1:]))
    return (index[0], rest)
