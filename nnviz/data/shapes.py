"""A generated colour-shapes image set: 3x32x32 images in 10 classes, standing in for CIFAR-10.

Each image is one shape (see SHAPE_NAMES) in a random colour on a random contrasting background,
at a random position and size, plus pixel noise; deterministic from a seed.
Spec: {"kind": "shapes", "n": 1000, "noise": 0.05, "seed": 0, "val_split": 0.2, "size": 32}.
x: (n, 3, size, size) float64 in [0, 1]; y: (n,) int64 class ids.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require
from nnviz.data.dataset import DataError, Dataset, opt_int, read_option, register_source, split_spec
from nnviz.data.options import SEED, SHAPES_N, SHAPES_NOISE
from nnviz.i18n import Message, mark

SHAPE_NAMES = ["circle", "square", "triangle", "plus", "ring",
               "horiz. bars", "vert. bars", "diamond", "x", "frame"]


def _masks(k: int, dx: np.ndarray, dy: np.ndarray, s: np.ndarray) -> np.ndarray:
    """Boolean (m, H, W) mask of shape class k; dx, dy offsets from each centre, s half-sizes (m, 1, 1)."""
    ax, ay = np.abs(dx), np.abs(dy)
    r2 = dx * dx + dy * dy
    box = (ax <= s) & (ay <= s)
    w = 0.3 * s
    if k == 0:
        return r2 <= s * s
    if k == 1:
        return (ax <= 0.8 * s) & (ay <= 0.8 * s)
    if k == 2:  # apex up, base at 0.8 s below the centre
        return (dy <= 0.8 * s) & (ax <= (dy + s) / 1.8)
    if k == 3:
        return ((ax <= w) & (ay <= s)) | ((ay <= w) & (ax <= s))
    if k == 4:
        return (r2 <= s * s) & (r2 >= (0.55 * s) ** 2)
    if k == 5:  # three horizontal bars
        return box & (np.floor((dy + s) / (2 * s / 5)) % 2 == 0)
    if k == 6:
        return box & (np.floor((dx + s) / (2 * s / 5)) % 2 == 0)
    if k == 7:
        return ax + ay <= s
    if k == 8:
        diagonals = (np.abs(dx - dy) <= 1.4 * w) | (np.abs(dx + dy) <= 1.4 * w)
        return diagonals & (ax <= 0.8 * s) & (ay <= 0.8 * s)
    return box & ~((ax <= 0.55 * s) & (ay <= 0.55 * s))


def make_shapes(n: int, noise: float = 0.05, seed: int = 0, size: int = 32) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3, size, size) float64 images in [0, 1] and (n,) int64 labels, classes balanced."""
    rng = np.random.default_rng(seed)
    y = rng.permutation(np.arange(n) % len(SHAPE_NAMES)).astype(np.int64)
    # Half-sizes from 20 % to 36 % of the image: big enough that a plus and an x differ at 32x32.
    half = rng.uniform(0.2, 0.36, n) * size
    cx = rng.uniform(half + 1, size - half - 1)
    cy = rng.uniform(half + 1, size - half - 1)
    bg = rng.uniform(0, 1, (n, 3))
    fg = rng.uniform(0, 1, (n, 3))
    # Too little contrast makes a shape invisible; push such foregrounds to the opposite colour.
    weak = np.abs(fg - bg).max(axis=1) < 0.45
    fg[weak] = 1.0 - bg[weak]
    grid = np.arange(size) + 0.5
    images = np.empty((n, 3, size, size))
    for k in range(len(SHAPE_NAMES)):
        idx = np.nonzero(y == k)[0]
        if not len(idx):
            continue
        dx = grid[None, None, :] - cx[idx, None, None]
        dy = grid[None, :, None] - cy[idx, None, None]
        mask = _masks(k, dx, dy, half[idx, None, None])[:, None]
        images[idx] = np.where(mask, fg[idx, :, None, None], bg[idx, :, None, None])
    if noise > 0:
        images += rng.normal(0, noise, images.shape)
    np.clip(images, 0.0, 1.0, out=images)
    return images, y


@register_source("shapes", keys=("n", "noise", "seed", "val_split", "size"))
def load_shapes(spec: dict[str, Any]) -> Dataset:
    n = read_option(spec, SHAPES_N)
    noise = read_option(spec, SHAPES_NOISE)
    seed = read_option(spec, SEED)
    size = opt_int(spec, "size", 32, 8, 128)
    require(n * 3 * size * size * DATA_BYTES_PER_VALUE,
            Message("{count:,} colour shapes of 3x{size_px}x{size_px} would need {size}", count=n, size_px=size),
            mark("ask for fewer images (n) or a smaller size"), DataError)
    x, y = make_shapes(n, noise, seed, size)
    x_tr, y_tr, x_va, y_va = split_spec(x, y, {**spec, "seed": seed + 1})
    return Dataset(x_tr, y_tr, x_va, y_va, "classification", name="shapes", class_names=list(SHAPE_NAMES),
                   description=f"Generated colour shapes, 3x{size}x{size}, {len(SHAPE_NAMES)} classes")
