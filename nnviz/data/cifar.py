"""CIFAR-10 binary batches the user already has (cifar-10-binary.tar.gz, unpacked).

Each record of data_batch_*.bin / test_batch.bin is 1 label byte then 3072 pixel bytes: 1024 red,
1024 green, 1024 blue, each 32x32 row by row - i.e. already (C, H, W).
Spec: {"kind": "cifar10",
       "folder": "~/cifar-10-batches-bin",   # data_batch_*.bin for training, test_batch.bin as validation
       "files": ["data_batch_1.bin"],        # or explicit files (then "val_files", else val_split)
       "val_files": null, "limit": 0, "val_split": 0.2, "seed": 0}
x: (n, 3, 32, 32) float64 in [0, 1]; y: (n,) int64 0-9.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require, room
from nnviz.data.dataset import DataError, Dataset, LoadContext, read_option, register_source, split_spec
from nnviz.data.idx import MAX_BYTES, read_bytes
from nnviz.data.options import LIMIT, SEED
from nnviz.i18n import Message, mark

RECORD = 1 + 3 * 32 * 32
CIFAR10_NAMES = ["airplane", "automobile", "bird", "cat", "deer", "dog", "frog", "horse", "ship", "truck"]


def read_batch(path: Path) -> tuple[np.ndarray, np.ndarray]:
    """(n, 3, 32, 32) uint8 images and (n,) int64 labels of one binary batch file (gzipped or raw)."""
    # Every byte becomes a float64 (and its split copy): read no more than the memory budget allows.
    raw = read_bytes(path, min(MAX_BYTES, room(1 + DATA_BYTES_PER_VALUE)), mark("CIFAR-10 batch file"))
    if raw[:1] == b"\x80" and len(raw) % RECORD:
        raise DataError(Message(
            "{path} is the Python (pickle) version of CIFAR-10, which nnviz does not read because pickle can run "
            "code: use the binary version (cifar-10-binary.tar.gz)",
            path=path))
    if not raw:
        raise DataError(Message("{path} is empty", path=path))
    if len(raw) % RECORD:
        raise DataError(Message(
            "{path} is not a CIFAR-10 binary batch (or is truncated): its size, {n_raw} bytes, is not a whole number "
            "of {record}-byte records (1 label + 3072 pixels); the last record has {last} bytes",
            path=path, n_raw=len(raw), record=RECORD, last=len(raw) % RECORD))
    table = np.frombuffer(raw, np.uint8).reshape(-1, RECORD)
    labels = table[:, 0].astype(np.int64)
    bad = np.nonzero(labels > 9)[0]
    if len(bad):
        raise DataError(Message(
            "{path}: record {record_number} has label {labels}, but CIFAR-10 labels are 0-9 (a CIFAR-100 file has "
            "2 label bytes and is not supported)",
            path=path, record_number=bad[0] + 1, labels=labels[bad[0]]))
    return table[:, 1:].reshape(-1, 3, 32, 32), labels


def _paths(spec: dict[str, Any], ctx: LoadContext, key: str) -> list[Path]:
    value = spec.get(key)
    if isinstance(value, str):
        value = [value]
    if not isinstance(value, list) or not value or not all(isinstance(v, str) for v in value):
        raise DataError(Message("data option {key!r} must be a list of CIFAR-10 batch files", key=key))
    return [ctx.path({"kind": "cifar10", "p": v}, "p", mark("batch file")) for v in value]


def _read_all(paths: list[Path], limit: int) -> tuple[np.ndarray, np.ndarray]:
    parts = [read_batch(p) for p in paths]
    values = sum(p[0].size for p in parts)
    require(min(values, limit * 3072 if limit else values) * DATA_BYTES_PER_VALUE,
            Message("{count:,} CIFAR-10 images would need {size} as numbers", count=values // 3072),
            mark("use a part (the 'limit' option)"),
            DataError)
    images = np.concatenate([p[0] for p in parts])
    labels = np.concatenate([p[1] for p in parts])
    if limit:
        images, labels = images[:limit], labels[:limit]
    return images.astype(np.float64) / 255.0, labels


def _class_names(folder: Path | None) -> list[str]:
    """batches.meta.txt (one name a line) when present, else the standard names."""
    meta = folder / "batches.meta.txt" if folder else None
    if meta and meta.is_file():
        try:
            names = [n.strip() for n in meta.read_text("utf-8", errors="replace").splitlines() if n.strip()]
        except OSError:
            names = []
        if len(names) == 10:
            return names
    return list(CIFAR10_NAMES)


@register_source("cifar10", keys=("folder", "files", "val_files", "limit", "val_split", "seed"))
def load_cifar10(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    limit = read_option(spec, LIMIT)
    folder = None
    if spec.get("folder"):
        folder = ctx.path(spec, "folder", mark("folder with the CIFAR-10 .bin batches"))
        if not folder.is_dir():
            raise DataError(Message("{folder}: no such folder", folder=folder))
        train = sorted(folder.glob("data_batch_*.bin"))
        if not train:
            raise DataError(Message(
                "{folder} has no data_batch_*.bin files (the binary version of CIFAR-10)",
                folder=folder))
        test = folder / "test_batch.bin"
        val = [test] if test.is_file() else None
    else:
        train = _paths(spec, ctx, "files")
        val = _paths(spec, ctx, "val_files") if spec.get("val_files") else None
    x, y = _read_all(train, limit)
    if val is not None:
        x_va, y_va = _read_all(val, limit)
        order = np.random.default_rng(read_option(spec, SEED)).permutation(len(x))
        x_tr, y_tr = x[order], y[order]
    else:
        x_tr, y_tr, x_va, y_va = split_spec(x, y, spec)
    return Dataset(x_tr, y_tr, x_va, y_va, "classification", name="cifar10", class_names=_class_names(folder),
                   description=f"CIFAR-10 from {', '.join(p.name for p in train)}")
