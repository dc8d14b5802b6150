"""Data written inline in the document, for small hand-made examples (the seeds' single samples)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.data.dataset import DataError, Dataset, register_source


@register_source("inline")
def load_inline(spec: dict[str, Any]) -> Dataset:
    """spec: {"kind": "inline", "x": [[...], ...], "y": [...], "task": "regression"|"classification",
    optional "x_val", "y_val", "class_names"}. No shuffling or split: what is written is what is used."""
    try:
        x = np.asarray(spec["x"], dtype=np.float64)
        y_raw = np.asarray(spec["y"])
    except KeyError as exc:
        raise DataError(f"inline data needs {exc.args[0]!r}") from None
    except (TypeError, ValueError) as exc:
        raise DataError(f"inline data must be numbers in nested lists: {exc}") from None
    task = spec.get("task", "regression")
    if task not in ("regression", "classification"):
        raise DataError(f"inline data task must be regression or classification, not {task!r}")
    if len(x) != len(y_raw) or len(x) == 0:
        raise DataError(f"inline data has {len(x)} inputs but {len(y_raw)} targets")

    def targets(values: np.ndarray) -> np.ndarray:
        if task == "classification":
            return values.astype(np.int64).reshape(-1)
        values = values.astype(np.float64)
        return values.reshape(len(values), -1)

    y = targets(y_raw)
    if "x_val" in spec:
        x_val = np.asarray(spec["x_val"], dtype=np.float64)
        y_val = targets(np.asarray(spec["y_val"]))
    else:
        x_val, y_val = x[:0], y[:0]
    if not (np.all(np.isfinite(x)) and np.all(np.isfinite(y))):
        raise DataError("inline data contains NaN or infinite values")
    names = list(spec.get("class_names", []))
    if task == "classification" and not names:
        names = [str(i) for i in range(int(y.max()) + 1)]
    return Dataset(x, y, x_val, y_val, task, name="inline", class_names=names)
