"""CIFAR-10's Python batches (cifar-10-batches-py, as Keras and torchvision keep them), read without running code.

Each batch is a pickled dict {b"labels": [int, ...], b"data": uint8 array (n, 3072), ...}. Python's
unpickler can run any code a file names, so batches are read by nnviz.data.pickle_data, which builds
only plain containers and NumPy arrays: a file naming anything else stops with a message.
Spec: {"kind": "cifar10_python", "folder": "~/.keras/datasets/cifar-10-batches-py", "limit": 0, "seed": 0}
x: (n, 3, 32, 32) float64 in [0, 1]; y: (n,) int64 0-9; test_batch is the validation part.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require
from nnviz.data.cifar import CIFAR10_NAMES
from nnviz.data.dataset import DataError, Dataset, LoadContext, read_option, register_source
from nnviz.data.options import LIMIT, SEED
from nnviz.data.pickle_data import PickleDataError, loads_data
from nnviz.i18n import Message, mark, os_reason

MAX_BATCH_BYTES = 200 << 20  # a real batch is about 31 MB


def read_python_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3, 32, 32) uint8 images and (n,) int64 labels of one pickled batch."""
    try:
        if not path.is_file():
            raise DataError(Message("{path}: the file does not exist", path=path))
        if path.stat().st_size > MAX_BATCH_BYTES:
            raise DataError(Message("{path} is larger than a CIFAR-10 batch can be", path=path))
        raw = path.read_bytes()
    except OSError as exc:
        raise DataError(Message(
            "{path}: cannot read it ({reason})",
            path=path, reason=os_reason(exc))) from None
    try:
        batch = loads_data(raw)
    except PickleDataError as exc:
        raise DataError(Message("{path} is not a CIFAR-10 Python batch: {problem}", path=path, problem=exc)) from None
    if not isinstance(batch, dict):
        raise DataError(Message(
            "{path} is not a CIFAR-10 Python batch (it holds a {name})",
            path=path, name=type(batch).__name__))
    data, labels = batch.get(b"data", batch.get("data")), batch.get(b"labels", batch.get("labels"))
    if not isinstance(data, np.ndarray) or data.dtype != np.uint8 or data.ndim != 2 or data.shape[1] != 3072:
        raise DataError(Message("{path}: its 'data' is not uint8 rows of 3072 pixels (32x32, 3 colours)", path=path))
    try:
        y = np.asarray(labels, dtype=np.int64).reshape(-1)
    except (TypeError, ValueError):
        raise DataError(Message("{path}: its 'labels' are not whole numbers", path=path)) from None
    if len(y) != len(data):
        raise DataError(Message(
            "{path} has {n_data} images but {n_y} labels",
            path=path, n_data=len(data), n_y=len(y)))
    if y.size and (y.min() < 0 or y.max() > 9):
        raise DataError(Message(
            "{path}: CIFAR-10 labels are 0-9, found {min}..{max}",
            path=path, min=int(y.min()), max=int(y.max())))
    return data.reshape(-1, 3, 32, 32), y


@register_source("cifar10_python")
def load_cifar10_python(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    folder = ctx.path(spec, "folder", mark("folder with the CIFAR-10 Python batches"))
    limit = read_option(spec, LIMIT)
    train = [folder / f"data_batch_{i}" for i in range(1, 6)]
    missing = [p.name for p in train if not p.is_file()]
    if missing:
        raise DataError(Message(
            "{folder} has no {missing} (the Python version of CIFAR-10)",
            folder=folder, missing=', '.join(missing)))
    parts = [read_python_batch(p) for p in train]
    test = folder / "test_batch"
    x_va, y_va = read_python_batch(test) if test.is_file() else (parts[0][0][:0], parts[0][1][:0])
    # Each batch file is bounded, but as float64 the images take 8x their bytes: check before converting.
    rows = sum(len(p[0]) for p in parts)
    kept = min(rows, limit) if limit else rows
    kept_va = min(len(x_va), limit) if limit else len(x_va)
    require((kept + kept_va) * 3072 * DATA_BYTES_PER_VALUE,
            Message("{count:,} CIFAR-10 images would need {size} as numbers", count=kept + kept_va),
            mark("use a part (the 'limit' option)"),
            DataError)
    x = np.concatenate([p[0] for p in parts])
    y = np.concatenate([p[1] for p in parts])
    if limit:
        x, y, x_va, y_va = x[:limit], y[:limit], x_va[:limit], y_va[:limit]
    order = np.random.default_rng(read_option(spec, SEED)).permutation(len(x))
    return Dataset(x[order] / 255.0, y[order], x_va / 255.0, y_va, "classification", name="cifar10",
                   class_names=list(CIFAR10_NAMES), description=f"CIFAR-10 (Python batches) from {folder}")
