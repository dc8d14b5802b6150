"""Data written inline in the document, for small hand-made examples (the seeds' single samples)."""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.data.dataset import DataError, Dataset, class_ids, class_names_for, register_source
from nnviz.i18n import Message, translate


@register_source("inline", keys=("x", "y", "task", "x_val", "y_val", "class_names"))
def load_inline(spec: dict[str, Any]) -> Dataset:
    """spec: {"kind": "inline", "x": [[...], ...], "y": [...], "task": "regression"|"classification",
    optional "x_val", "y_val", "class_names"}. No shuffling or split: what is written is what is used."""
    task = spec.get("task", "regression")
    if task not in ("regression", "classification"):
        raise DataError(Message("inline data task must be regression or classification, not {task!r}", task=task))
    if ("x_val" in spec) != ("y_val" in spec):
        raise DataError(Message(
            "inline data needs both 'x_val' and 'y_val' (validation inputs and their targets), or neither"))
    x, y = _part(spec, "x", "y", task)
    if "x_val" in spec:
        x_val, y_val = _part(spec, "x_val", "y_val", task)
        if x_val.shape[1:] != x.shape[1:]:
            raise DataError(Message(
                "each sample of the inline data's x_val has shape {shape}, but each sample of x has shape {shape2}: "
                "give them the same shape",
                shape=x_val.shape[1:], shape2=x.shape[1:]))
        if y_val.shape[1:] != y.shape[1:]:
            raise DataError(Message(
                "the inline data's y_val has {shape} targets per sample but y has {shape2}: give them the same number",
                shape=y_val.shape[1:], shape2=y.shape[1:]))
    else:
        x_val, y_val = x[:0], y[:0]
    names: list[str] = []
    if task == "classification":
        names = class_names_for(np.concatenate([y, y_val]), spec.get("class_names"))
    return Dataset(x, y, x_val, y_val, task, name="inline", class_names=names)


def _part(spec: dict[str, Any], x_key: str, y_key: str, task: str) -> tuple[np.ndarray, np.ndarray]:
    """(inputs, targets) from spec[x_key], spec[y_key], checked: numbers, one target per sample, finite."""
    try:
        x = np.asarray(spec[x_key], dtype=np.float64)
        y_raw = np.asarray(spec[y_key])
    except KeyError as exc:
        raise DataError(Message("inline data needs {problem!r}", problem=exc.args[0])) from None
    except (TypeError, ValueError) as exc:
        raise DataError(Message(
            "inline data {x_key!r} must be numbers in nested lists of equal length: {problem}",
            x_key=x_key, problem=exc)) from None
    if x.ndim == 0 or y_raw.ndim == 0 or len(x) != len(y_raw) or len(x) == 0:
        raise DataError(Message(
            "inline data has {n_inputs} inputs in {x_key!r} but {n_targets} targets "
            "in {y_key!r}: give one target per input (and at least one)",
            n_inputs=x.size if x.ndim == 0 else len(x), x_key=x_key,
            n_targets=y_raw.size if y_raw.ndim == 0 else len(y_raw), y_key=y_key))
    if x.ndim == 1:
        raise DataError(Message(
            "each sample of the inline data's {x_key!r} must be a list of numbers, e.g. [[0.5], [1.5]] for two "
            "samples of one value",
            x_key=x_key))
    if not np.all(np.isfinite(x)):
        raise DataError(Message("inline data {x_key!r} contains NaN or infinite values", x_key=x_key))
    if task == "classification":
        if y_raw.ndim != 1 and y_raw.reshape(len(y_raw), -1).shape[1] != 1:
            raise DataError(Message("inline class targets {y_key!r} must be one class id per sample", y_key=y_key))
        return x, class_ids(y_raw.reshape(-1), translate("the inline data's {key}", key=y_key))
    try:
        y = y_raw.astype(np.float64)
    except (TypeError, ValueError):
        raise DataError(Message("inline data targets {y_key!r} must be numbers", y_key=y_key)) from None
    if not np.all(np.isfinite(y)):
        raise DataError(Message("inline data {y_key!r} contains NaN or infinite values", y_key=y_key))
    return x, y.reshape(len(y), -1)
