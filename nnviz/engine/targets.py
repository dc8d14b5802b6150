"""Turning a data set's targets into what the chosen loss expects, with a learner-worded refusal."""

from __future__ import annotations

import numpy as np

from nnviz.data.dataset import Dataset
from nnviz.engine.network import Network, SessionError
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message


def prepare_targets(data: Dataset, y: np.ndarray, loss: str, net: Network, dtype: np.dtype) -> np.ndarray:
    """Class ids stay ids for the cross-entropies; become floats (n, 1) for the binary losses; become
    one-hot rows for MSE/L1 on classification data (as the beginner guides do)."""
    out_shape = net.output_shape
    out_name = net.names[net.output_id]
    width = out_shape[-1] if out_shape else 1
    if loss == "sequence_cross_entropy":
        return _sequence_targets(data, y, out_shape, out_name)
    if loss in ("cross_entropy", "nll_probs"):
        if data.task != "classification":
            raise SessionError(Message(
                "The loss {loss} needs class labels but the data set is regression: choose mean squared error",
                loss=loss))
        if len(out_shape) != 1 or width < max(data.n_classes, 2):
            raise SessionError(Message(
                "The output '{out_name}' gives {shape} but {n_classes} classes need one score per class: set its "
                "units to {n_classes}",
                out_name=out_name, shape=fmt_shape(out_shape), n_classes=data.n_classes))
        return y.astype(np.int64)
    if loss in ("bce", "bce_logits"):
        if data.task == "classification" and data.n_classes > 2:
            raise SessionError(Message(
                "Binary cross-entropy needs 2 classes but the data has {n_classes}: use cross-entropy",
                n_classes=data.n_classes))
        if out_shape != (1,):
            raise SessionError(Message(
                "Binary cross-entropy needs one output unit but '{out_name}' gives {shape}: set its units to 1",
                out_name=out_name, shape=fmt_shape(out_shape)))
        return y.reshape(len(y), 1).astype(dtype)
    # mse / l1
    if data.task == "classification":
        if out_shape == (1,) and data.n_classes <= 2:
            return y.reshape(len(y), 1).astype(dtype)
        if out_shape != (data.n_classes,):
            raise SessionError(Message(
                "The output '{out_name}' gives {shape} but the targets are {n_classes} one-hot classes: set its "
                "units to {n_classes}",
                out_name=out_name, shape=fmt_shape(out_shape), n_classes=data.n_classes))
        return np.eye(data.n_classes, dtype=dtype)[y.astype(np.int64)]
    target_shape = y.shape[1:]
    if tuple(target_shape) != tuple(out_shape):
        raise SessionError(Message(
            "The output '{out_name}' gives {shape} but the targets have shape {shape2}: make the output match",
            out_name=out_name, shape=fmt_shape(out_shape), shape2=fmt_shape(tuple(target_shape))))
    return y.astype(dtype)


def _sequence_targets(data: Dataset, y: np.ndarray, out_shape: tuple[int, ...], out_name: str) -> np.ndarray:
    """Token ids (n, T), one per position of the output (T, classes); 0 marks padding, which is ignored."""
    if len(out_shape) != 2 or tuple(y.shape[1:]) != out_shape[:1]:
        raise SessionError(Message(
            "The loss sequence_cross_entropy needs a score per class at every position, (T, classes), and one "
            "token id per position as the target; the output '{name}' gives {shape} and the targets have shape "
            "{target}: predict at every position (no pooling before the last Dense) with targets of length T",
            name=out_name, shape=fmt_shape(out_shape), target=fmt_shape(tuple(y.shape[1:]))))
    ids = np.rint(y).astype(np.int64)
    if ids.size and (ids.min() < 0 or ids.max() >= out_shape[1]):
        raise SessionError(Message(
            "The targets hold token id {bad} but the output '{name}' scores only {classes} classes (ids 0..{top}): "
            "set its units to the vocabulary size", bad=int(ids.max() if ids.max() >= out_shape[1] else ids.min()),
            name=out_name, classes=out_shape[1], top=out_shape[1] - 1))
    return ids
