"""MNIST / Fashion-MNIST IDX files the user already has (gzipped or raw), magic numbers checked.

IDX: two zero bytes, a type byte (0x08 uint8, 0x09 int8, 0x0B int16, 0x0C int32, 0x0D float32,
0x0E float64), the number of dimensions, then each dimension as a big-endian uint32, then the data.
Spec: {"kind": "mnist" | "fashion_mnist",
       "folder": "~/mnist",          # finds train-images/train-labels (and t10k-* as validation), or
       "images": "train-images-idx3-ubyte.gz", "labels": "train-labels-idx1-ubyte.gz",
       "val_images": null, "val_labels": null,   # without them val_split holds out part of training
       "flat": false, "limit": 0, "val_split": 0.2, "seed": 0}
x: (n, 1, 28, 28) (or (n, 784) with flat) in [0, 1]; y: (n,) int64.
"""

from __future__ import annotations

from math import prod
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require
from nnviz.data.dataset import (
    DataError,
    Dataset,
    LoadContext,
    class_ids,
    read_option,
    register_source,
    split_spec,
)
from nnviz.data.files import gunzip, head, read_file
from nnviz.data.options import FLAT, LIMIT, SEED
from nnviz.i18n import Message, mark

IDX_TYPES = {0x08: "u1", 0x09: "i1", 0x0B: ">i2", 0x0C: ">i4", 0x0D: ">f4", 0x0E: ">f8"}
FASHION_NAMES = ["T-shirt/top", "Trouser", "Pullover", "Dress", "Coat", "Sandal", "Shirt", "Sneaker", "Bag",
                 "Ankle boot"]
MAX_BYTES = 1 << 30


def read_bytes(path: Path, limit: int = MAX_BYTES, what: str = mark("file")) -> bytes:
    """The bytes of a regular file, gunzipped when it starts with the gzip magic, at most `limit` of them
    unpacked (a tiny hostile .gz could otherwise unpack to gigabytes); DataError when unreadable."""
    return gunzip(path, read_file(path, min(MAX_BYTES, limit), what), limit)


def _header(path: Path, raw: bytes) -> tuple[tuple[int, ...], np.dtype, int]:
    """(dims, dtype, header length) from the first bytes of an IDX file, gzipped or not."""
    first = head(path, raw, 4 + 4 * 4)
    if len(first) < 4:
        raise DataError(Message(
            "{path} is too short to be an IDX file ({size} bytes)",
            path=path, size=len(first)))
    if first[0] != 0 or first[1] != 0 or first[2] not in IDX_TYPES or not 1 <= first[3] <= 4:
        raise DataError(Message(
            "{path} is not an IDX file (MNIST format): its magic number is 0x{hex}, expected 0x00000803 for images "
            "or 0x00000801 for labels",
            path=path, hex=first[:4].hex()))
    ndim = first[3]
    header = 4 + 4 * ndim
    if len(first) < header:
        raise DataError(Message("{path} is truncated inside its header", path=path))
    dims = tuple(int(d) for d in np.frombuffer(first, ">u4", ndim, 4))
    return dims, np.dtype(IDX_TYPES[first[2]]), header


def read_idx(path: Path, keep: int = 0) -> np.ndarray:
    """One IDX file as an array of its stored shape and type (native byte order). Its header's shape is
    checked against the memory budget before the data is unpacked; keep: how many leading records the
    caller will turn into numbers (0: all)."""
    raw = read_file(path, MAX_BYTES, mark("IDX file"))
    dims, dtype, header = _header(path, raw)
    expected = prod(dims) * dtype.itemsize
    kept = (min(dims[0], keep) if keep else dims[0]) * prod(dims[1:])
    require(expected + kept * DATA_BYTES_PER_VALUE,
            Message("{name} holds {dims} values, which would need {size}", name=path.name,
                    dims=" x ".join(f"{d:,}" for d in dims)),
            mark("use a part of it (the data option 'limit')"), DataError)
    raw = gunzip(path, raw, header + expected + 1)
    found = len(raw) - header
    if found < expected:
        raise DataError(Message(
            "{path} is truncated: its header promises {dims} values ({expected} bytes) but only {found} bytes follow",
            path=path, dims=dims, expected=expected, found=found))
    if found > expected:
        raise DataError(Message(
            "{path} has {extra} bytes more than its header's shape {dims} allows",
            path=path, extra=found - expected, dims=dims))
    return np.frombuffer(raw, dtype, prod(dims), header).reshape(dims).astype(dtype.newbyteorder("="))


def _find(folder: Path, stem: str) -> Path | None:
    """train-images-idx3-ubyte[.gz], also with '.' for the '-' before idx (as some mirrors name them)."""
    if not folder.is_dir():
        raise DataError(Message("{folder}: no such folder", folder=folder))
    hits = sorted(p for p in folder.iterdir() if p.is_file() and p.name.lower().startswith(stem))
    return hits[0] if hits else None


def _pair(images_path: Path, labels_path: Path, flat: bool, limit: int) -> tuple[np.ndarray, np.ndarray]:
    images, labels = read_idx(images_path, limit), read_idx(labels_path, limit)
    if images.ndim != 3:
        raise DataError(Message(
            "{images_path} holds {ndim}-D data {shape}; images are (n, rows, cols) - is this a labels file?",
            images_path=images_path, ndim=images.ndim, shape=images.shape))
    if labels.ndim != 1:
        raise DataError(Message(
            "{labels_path} holds data of shape {shape}; labels are one number per image - is this an images file?",
            labels_path=labels_path, shape=labels.shape))
    if len(images) != len(labels):
        raise DataError(Message(
            "{name} has {n_images} images but {name2} has {n_labels} labels",
            name=images_path.name, n_images=len(images), name2=labels_path.name, n_labels=len(labels)))
    if limit:
        images, labels = images[:limit], labels[:limit]
    scale = 255.0 if images.dtype == np.uint8 else max(float(np.abs(images).max()), 1.0)
    x = images.astype(np.float64) / scale
    x = x.reshape(len(x), -1) if flat else x[:, None]
    return x, class_ids(labels, str(labels_path))


def _load(spec: dict[str, Any], ctx: LoadContext, fashion: bool) -> Dataset:
    flat = read_option(spec, FLAT)
    limit = read_option(spec, LIMIT)
    if spec.get("folder"):
        folder = ctx.path(spec, "folder", mark("folder with the IDX files"))
        paths = [_find(folder, s) for s in ("train-images", "train-labels", "t10k-images", "t10k-labels")]
        if paths[0] is None or paths[1] is None:
            raise DataError(Message(
                "{folder} has no train-images-idx3-ubyte and train-labels-idx1-ubyte files (gzipped or not)",
                folder=folder))
        val = (paths[2], paths[3]) if paths[2] and paths[3] else None
        train = (paths[0], paths[1])
    else:
        train = (ctx.path(spec, "images", mark("IDX images file")), ctx.path(spec, "labels", mark("IDX labels file")))
        val = None
        if spec.get("val_images") or spec.get("val_labels"):
            val = (ctx.path(spec, "val_images", mark("IDX images file")),
                   ctx.path(spec, "val_labels", mark("IDX labels file")))
    x, y = _pair(*train, flat, limit)
    if val is not None:
        x_va, y_va = _pair(*val, flat, limit)
        if x_va.shape[1:] != x.shape[1:]:
            raise DataError(Message(
                "validation images {shape} differ from training images {shape2}",
                shape=x_va.shape[1:], shape2=x.shape[1:]))
        order = np.random.default_rng(read_option(spec, SEED)).permutation(len(x))
        x_tr, y_tr = x[order], y[order]
    else:
        x_tr, y_tr, x_va, y_va = split_spec(x, y, spec)
    top = int(max(y_tr.max(initial=0), y_va.max(initial=0))) + 1
    names = FASHION_NAMES if fashion and top <= 10 else [str(i) for i in range(max(top, 10))]
    kind = "Fashion-MNIST" if fashion else "MNIST"
    return Dataset(x_tr, y_tr, x_va, y_va, "classification", name=kind.lower().replace("-", "_"),
                   class_names=list(names), description=f"{kind} from {train[0].name}")


IDX_KEYS = ("folder", "images", "labels", "val_images", "val_labels", "flat", "limit", "val_split", "seed")


@register_source("mnist", keys=IDX_KEYS)
def load_mnist(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    return _load(spec, ctx, fashion=False)


@register_source("fashion_mnist", keys=IDX_KEYS)
def load_fashion_mnist(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    return _load(spec, ctx, fashion=True)
