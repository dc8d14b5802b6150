"""Generated toy data sets (2-D classification and 1-D regression), deterministic from a seed."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.data.dataset import DataError, Dataset, register_source, split


def xor(n: int, noise: float, rng: np.random.Generator) -> tuple[np.ndarray, np.ndarray]:
    """Four clusters at the corners of a square; class = xor of the signs."""
    x = rng.uniform(-1, 1, size=(n, 2))
    x += rng.normal(0, noise, size=x.shape)
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(np.int64)
    return x, y


GENERATORS = {"xor": xor}


@register_source("generated")
def load_generated(spec: dict[str, Any]) -> Dataset:
    name = spec.get("name")
    if name not in GENERATORS:
        raise DataError(f"unknown generated data set {name!r}; known: {', '.join(sorted(GENERATORS))}")
    n = int(spec.get("n", 200))
    noise = float(spec.get("noise", 0.0))
    rng = np.random.default_rng(int(spec.get("seed", 0)))
    x, y = GENERATORS[name](n, noise, rng)
    x_tr, y_tr, x_va, y_va = split(x, y, float(spec.get("val_split", 0.2)), rng)
    return Dataset(x_tr, y_tr, x_va, y_va, "classification", name=name, class_names=["0", "1"],
                   feature_names=["x1", "x2"])
