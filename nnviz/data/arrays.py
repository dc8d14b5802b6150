"""The user's own NumPy .npz archive, read with np.load(allow_pickle=False) so it can never run code.

Spec: {"kind": "npz", "path": "data.npz",
       "x": "x", "y": "y",                 # array names; default x/y, X/y or x_train/y_train
       "x_val": null, "y_val": null,       # default x_test/y_test when x_train/y_train are used
       "task": "auto",                     # integer or bool y: classification; float y: regression
       "class_names": null, "standardize": false, "limit": 0, "val_split": 0.2, "seed": 0}
Images stored as uint8 (n, H, W) or (n, H, W, C) (as keras' mnist.npz) become (n, C, H, W) in [0, 1].
"""

from __future__ import annotations

import zipfile
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
    class_names_for,
    read_option,
    register_source,
    split_spec,
    standardize,
)
from nnviz.data.files import regular_file
from nnviz.data.options import LIMIT, SEED, STANDARDIZE
from nnviz.i18n import Message, mark, os_reason, translate

DEFAULT_KEYS = (("x", "y", None, None), ("X", "y", None, None), ("x_train", "y_train", "x_test", "y_test"))


MAX_FILE_BYTES = 4 << 30


def read_npz(path: Path) -> dict[str, np.ndarray]:
    """Every array of the archive; DataError for missing, broken, pickled (object), non-numeric or oversized
    content. Each member's header is read and its size checked against the memory budget before any
    member is unpacked."""
    size = regular_file(path, mark(".npz file"))
    if size > MAX_FILE_BYTES:
        raise DataError(Message(
            "{path} is {size_mb:,.0f} MB; nnviz reads .npz files up to {limit_mb:,} MB",
            path=path, size_mb=size / 2 ** 20, limit_mb=MAX_FILE_BYTES >> 20))
    try:
        with open(path, "rb") as handle:
            magic = handle.read(6)
    except OSError as exc:
        raise DataError(Message(
            "{path}: cannot read it ({reason})",
            path=path, reason=os_reason(exc))) from None
    if magic == b"\x93NUMPY":
        raise DataError(Message("{path} holds a single array (.npy); save x and y with np.savez", path=path))
    if not magic.startswith(b"PK"):
        # np.load would try anything else as a pickle; say what the file is not instead.
        raise DataError(Message(
            "{path} is not a valid .npz archive (a .npz is a zip of arrays, made by np.savez)",
            path=path))
    try:
        headers = _member_headers(path)
        need = sum(prod(shape) * (dtype.itemsize + DATA_BYTES_PER_VALUE) for shape, dtype in headers.values())
        require(need, Message("the arrays in {name} ({shapes}) would need {size} as numbers", name=path.name,
                              shapes=_shapes(headers)),
                mark("save a part of the data, or use the 'limit' option"), DataError)
        with np.load(path, allow_pickle=False) as archive:
            return {name: archive[name] for name in archive.files}
    except DataError:
        raise
    except ValueError as exc:
        if "pickle" in str(exc):
            raise DataError(Message(
                "{path} contains Python objects (pickled data), which nnviz does not load because they can run code: "
                "store plain number arrays",
                path=path)) from None
        raise DataError(Message("{path} is not a valid .npz archive: {problem}", path=path, problem=exc)) from None
    except Exception as exc:
        # zipfile and numpy's header parser raise many kinds of errors on damaged archives (BadZipFile,
        # EOFError, RuntimeError for "encrypted", NotImplementedError, SyntaxError...): all mean "broken".
        raise DataError(Message(
            "{path} is not a valid .npz archive (broken or truncated: {problem})",
            path=path, problem=exc)) from None


def _member_headers(path: Path) -> dict[str, tuple[tuple[int, ...], np.dtype]]:
    """name -> (shape, dtype) of every member, read from the .npy headers alone; DataError for a member
    that is not a number array."""
    found: dict[str, tuple[tuple[int, ...], np.dtype]] = {}
    with zipfile.ZipFile(path) as archive:
        for info in archive.infolist():
            name = info.filename[:-4] if info.filename.endswith(".npy") else info.filename
            if not info.filename.endswith(".npy"):
                raise DataError(Message(
                    "{path}: the member {filename!r} is not a NumPy array (.npy file); a .npz made by np.savez holds "
                    "only arrays",
                    path=path, filename=info.filename))
            with archive.open(info) as member:
                try:
                    version = np.lib.format.read_magic(member)
                    read = (np.lib.format.read_array_header_1_0 if version == (1, 0)
                            else np.lib.format.read_array_header_2_0)
                    shape, _, dtype = read(member)
                except ValueError as exc:
                    raise DataError(Message(
                        "{path}: the member {filename!r} is not a valid .npy array ({problem})",
                        path=path, filename=info.filename, problem=exc)) from None
            if dtype.hasobject:
                raise DataError(Message(
                    "{path} contains Python objects (pickled data) in {name!r}, which nnviz does not load because "
                    "they can run code: store plain number arrays",
                    path=path, name=name))
            if dtype.kind == "c":
                raise DataError(Message(
                    "{path}: {name!r} holds complex numbers; a network takes real numbers: store the real and "
                    "imaginary parts as two features",
                    path=path, name=name))
            if dtype.kind not in "biuf":
                raise DataError(Message(
                    "{path}: {name!r} must be numbers, but holds {dtype} values",
                    path=path, name=name, dtype=dtype))
            found[name] = (tuple(int(d) for d in shape), dtype)
    return found


def _shapes(headers: dict[str, tuple[tuple[int, ...], np.dtype]]) -> str:
    return ", ".join(f"{name} {' x '.join(f'{d:,}' for d in shape) or 'scalar'}"
                     for name, (shape, _) in headers.items())


def image_layout(x: np.ndarray) -> np.ndarray:
    """uint8 images -> float64 (n, C, H, W) in [0, 1]; anything else -> float64 unchanged."""
    if x.dtype == np.uint8 and x.ndim == 3:
        return x[:, None].astype(np.float64) / 255.0
    if x.dtype == np.uint8 and x.ndim == 4:
        if x.shape[-1] in (1, 3, 4) and x.shape[1] not in (1, 3, 4):
            x = x.transpose(0, 3, 1, 2)  # channels last (H, W, C) -> PyTorch's (C, H, W)
        return x.astype(np.float64) / 255.0
    return x.astype(np.float64)


def _pick(arrays: dict[str, np.ndarray], spec: dict[str, Any], path: Path) -> tuple[str, str, Any, Any]:
    if "x" in spec or "y" in spec:
        keys = (spec.get("x", "x"), spec.get("y", "y"), spec.get("x_val"), spec.get("y_val"))
    else:
        keys = next((k for k in DEFAULT_KEYS if k[0] in arrays and k[1] in arrays), None)
        if keys is None:
            raise DataError(Message(
                "{path} has arrays {arrays}; name the inputs and targets with the 'x' and 'y' options "
                "(or save them as x and y)",
                path=path, arrays=', '.join(arrays) or translate('(none)')))
        if spec.get("x_val") is not None or spec.get("y_val") is not None:
            keys = (keys[0], keys[1], spec.get("x_val"), spec.get("y_val"))  # named validation arrays
        elif keys[2] not in arrays or keys[3] not in arrays:
            keys = (keys[0], keys[1], None, None)
    for key in keys:
        if key is not None and not isinstance(key, str):
            raise DataError(Message("the array names (x, y, x_val, y_val) must be text, not {key!r}", key=key))
        if key is not None and key not in arrays:
            raise DataError(Message(
                "{path} has no array {key!r}; it has {arrays}",
                path=path, key=key, arrays=', '.join(arrays)))
    return keys


def _targets(y: np.ndarray, task: str, path: Path, key: str) -> np.ndarray:
    if task == "classification":
        if y.ndim != 1:
            raise DataError(Message(
                "{path}: class targets {key!r} must be one class id per sample; got shape {shape}",
                path=path, key=key, shape=y.shape))
        return class_ids(y, f"{path.name}, {key!r}")
    if not np.issubdtype(y.dtype, np.number) and y.dtype != np.bool_:
        raise DataError(Message(
            "{path}: targets {key!r} must be numbers, got {dtype}",
            path=path, key=key, dtype=y.dtype))
    y = y.astype(np.float64)
    return y.reshape(len(y), -1)


@register_source("npz", keys=("path", "x", "y", "x_val", "y_val", "task", "class_names", "standardize", "limit",
                              "val_split", "seed"))
def load_npz(spec: dict[str, Any], ctx: LoadContext) -> Dataset:
    path = ctx.path(spec, "path", mark(".npz file"))
    arrays = read_npz(path)
    kx, ky, kxv, kyv = _pick(arrays, spec, path)
    if (kxv is None) != (kyv is None):
        raise DataError(Message("give both 'x_val' and 'y_val', or neither"))
    task = spec.get("task", "auto")
    if task == "auto":
        y0 = arrays[ky]
        task = "classification" if np.issubdtype(y0.dtype, np.integer) or y0.dtype == np.bool_ else "regression"
    if task not in ("classification", "regression"):
        raise DataError(Message(
            "data option 'task' must be auto, classification or regression, not {task!r}",
            task=task))
    limit = read_option(spec, LIMIT)

    def part(xk: str, yk: str) -> tuple[np.ndarray, np.ndarray]:
        x, y = arrays[xk], arrays[yk]
        if x.ndim < 2:
            raise DataError(Message(
                "{path}: inputs {xk!r} must have one row per sample, got shape {shape}",
                path=path, xk=xk, shape=x.shape))
        if not (np.issubdtype(x.dtype, np.number) or x.dtype == np.bool_):
            raise DataError(Message(
                "{path}: inputs {xk!r} must be numbers, got {dtype}",
                path=path, xk=xk, dtype=x.dtype))
        if len(x) != len(y):
            raise DataError(Message(
                "{path}: {xk!r} has {n_x} samples but {yk!r} has {n_y}",
                path=path, xk=xk, n_x=len(x), yk=yk, n_y=len(y)))
        if len(x) == 0:
            raise DataError(Message("{path}: {xk!r} has no samples", path=path, xk=xk))
        if limit:
            x, y = x[:limit], y[:limit]
        x = image_layout(x)
        if not np.all(np.isfinite(x)):
            raise DataError(Message("{path}: {xk!r} contains NaN or infinite values", path=path, xk=xk))
        return x, _targets(y, task, path, yk)

    x, y = part(kx, ky)
    if kxv is not None:
        x_tr, y_tr = x, y
        x_va, y_va = part(kxv, kyv)
        if x_va.shape[1:] != x_tr.shape[1:]:
            raise DataError(Message(
                "{path}: validation samples {shape} differ from training ones {shape2}",
                path=path, shape=x_va.shape[1:], shape2=x_tr.shape[1:]))
        order = np.random.default_rng(read_option(spec, SEED)).permutation(len(x_tr))
        x_tr, y_tr = x_tr[order], y_tr[order]
    else:
        x_tr, y_tr, x_va, y_va = split_spec(x, y, spec)
    stats = None
    if read_option(spec, STANDARDIZE):
        x_tr, x_va, stats = standardize(x_tr, x_va)
    names: list[str] = []
    if task == "classification":
        names = class_names_for(np.concatenate([y_tr, y_va]), spec.get("class_names"))
    return Dataset(x_tr, y_tr, x_va, y_va, task, name=path.name, class_names=names, standardization=stats,
                   description=f"{path.name}: arrays {kx!r} and {ky!r}")
