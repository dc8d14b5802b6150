"""The shipped 8x8 handwritten digits: 1,797 images, UCI via scikit-learn.

Provenance and licence: resources/data/digits/NOTICE.txt.

Spec: {"kind": "digits", "flat": false, "val_split": 0.2, "seed": 0, "limit": 0}.
x: (n, 1, 8, 8) images, or (n, 64) with "flat": true; pixel values 0..16 scaled to [0, 1].
y: (n,) int64 digits 0-9.
"""

from __future__ import annotations

import csv
import gzip
import io
from functools import lru_cache
from typing import Any

import numpy as np

from nnviz.data.dataset import DataError, Dataset, read_option, register_source, split_spec
from nnviz.data.options import DIGITS_LIMIT, FLAT, SEED, VAL_SPLIT
from nnviz.i18n import Message
from nnviz.resources import resource_path

N_DIGITS = DIGITS_LIMIT.maximum


@lru_cache(maxsize=1)
def _read_digits() -> tuple[np.ndarray, np.ndarray]:
    """(1797, 64) uint8 pixels 0..16 and (1797,) int64 labels, read once per process."""
    path = resource_path("data", "digits", "digits.csv.gz")
    try:
        with gzip.open(path, "rt", encoding="ascii", newline="") as handle:
            rows = [[int(v) for v in row] for row in csv.reader(io.StringIO(handle.read())) if row]
    except (OSError, ValueError, EOFError) as exc:
        raise DataError(Message(
            "the shipped digits file {path} is damaged ({problem}): reinstall nnviz",
            path=path, problem=exc)) from None
    table = np.array(rows, dtype=np.int64)
    if table.shape != (N_DIGITS, 65):
        raise DataError(Message(
            "the shipped digits file {path} has shape {shape}, not ({n_digits}, 65)",
            path=path, shape=table.shape, n_digits=N_DIGITS))
    return table[:, :64].astype(np.uint8), table[:, 64]


@register_source("digits", keys=(FLAT, DIGITS_LIMIT, VAL_SPLIT, SEED))
def load_digits(spec: dict[str, Any]) -> Dataset:
    pixels, labels = _read_digits()
    flat = read_option(spec, FLAT)
    limit = read_option(spec, DIGITS_LIMIT)
    x = pixels.astype(np.float64) / 16.0
    x = x if flat else x.reshape(-1, 1, 8, 8)
    y = labels.copy()
    if limit:
        x, y = x[:limit], y[:limit]
    x_tr, y_tr, x_va, y_va = split_spec(x, y, spec)
    return Dataset(x_tr, y_tr, x_va, y_va, "classification", name="digits",
                   class_names=[str(d) for d in range(10)],
                   feature_names=[f"px{r}{c}" for r in range(8) for c in range(8)] if flat else [],
                   description="8x8 handwritten digits (UCI / scikit-learn), 1,797 images")
