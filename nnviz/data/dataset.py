"""The Dataset every source produces, and the registry of sources keyed by the document's data "kind"."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np


class DataError(ValueError):
    """Data could not be loaded or does not fit; the message names the file, row, column or setting."""


@dataclass
class Dataset:
    """Arrays are batch-first. x: (n, *sample_shape) float64. y: (n,) int64 class ids for
    classification, (n, k) float64 for regression."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str  # "classification" | "regression"
    name: str = ""
    class_names: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)
    description: str = ""

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def target_width(self) -> int:
        return 1 if self.y_train.ndim == 1 else self.y_train.shape[1]


Loader = Callable[[dict[str, Any]], Dataset]
SOURCES: dict[str, Loader] = {}


def register_source(kind: str) -> Callable[[Loader], Loader]:
    def wrap(fn: Loader) -> Loader:
        if kind in SOURCES:
            raise ValueError(f"data source {kind!r} is already registered")
        SOURCES[kind] = fn
        return fn

    return wrap


def load_dataset(spec: dict[str, Any]) -> Dataset:
    """Build the dataset a document's data spec describes, e.g. {"kind": "generated", "name": "xor"}."""
    import nnviz.data.sources  # noqa: F401  (registers the sources)

    kind = spec.get("kind")
    if kind not in SOURCES:
        raise DataError(f"unknown data kind {kind!r}; known: {', '.join(sorted(SOURCES))}")
    return SOURCES[kind](spec)


def split(x: np.ndarray, y: np.ndarray, val_fraction: float, rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Shuffle once, then hold out the last val_fraction as validation (train first)."""
    if not 0.0 <= val_fraction < 1.0:
        raise DataError(f"the validation fraction must be from 0 to below 1, got {val_fraction}")
    order = rng.permutation(len(x))
    n_val = int(round(len(x) * val_fraction))
    train, val = order[: len(x) - n_val], order[len(x) - n_val:]
    return x[train], y[train], x[val], y[val]
