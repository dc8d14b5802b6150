"""Arrays and session state as JSON, without pickle.

Two encodings of an array:
- small: nested lists of numbers, e.g. a Dense weight [[0.2, 0.3], [0.4, 0.6]] (readable, diffable);
- large: {"dtype": "float64", "shape": [128, 784], "base64": "..."}: the raw little-endian bytes in
  C order, base64-encoded. Only plain numeric dtypes are accepted, so reading never builds objects.

Node weights are always float64 in the document, so they need no dtype when small; large ones are
stored as float32 bytes when every value is exactly a float32 (half the size), else as float64. Session
state is an arbitrary tree (optimiser moments, BatchNorm buffers, step counters); its arrays keep their
dtype and are tagged: {"$array": "float32", "shape": [2], "values": [0.5, 0.25]} or {..., "base64": "..."}.
Floats are written with repr(), which reads back to the identical float64, so every value round-trips
exactly, float32 included. With a sidecar (nnviz.io.sidecar), large arrays are references into it.
"""

from __future__ import annotations

import base64
import binascii
import math
from math import prod
from typing import Any

import numpy as np

from nnviz.i18n import Message
from nnviz.io.errors import NnvizFileError, key_path
from nnviz.io.jsontext import MAX_FILE_BYTES, type_name
from nnviz.io.sidecar import ArrayStore, SidecarReader

# Arrays with at most this many values are written as nested lists; larger ones as base64.
SMALL_ARRAY = 256
MAX_RANK = 8
MAX_STATE_DEPTH = 32
DTYPES = ("float16", "float32", "float64", "int8", "int16", "int32", "int64",
          "uint8", "uint16", "uint32", "uint64", "bool")


# ---------------------------------------------------------------------------------------- weights
def encode_weight(array: np.ndarray, where: str = "", store: ArrayStore | None = None) -> Any:
    """A node's weight tensor (float64) as nested lists when small, else bytes: float32 when that holds
    every value exactly (weights imported from PyTorch, trained in float32), in the sidecar when large."""
    array = np.asarray(array, dtype=np.float64)
    if 0 < array.size <= SMALL_ARRAY and array.ndim >= 1 and np.all(np.isfinite(array)):
        return array.tolist()
    narrow = array.astype(np.float32)
    with np.errstate(over="ignore", invalid="ignore"):
        if np.array_equal(narrow.astype(np.float64), array):
            array = narrow
    if store is not None and store.wants(array):
        return {"dtype": array.dtype.name, "shape": list(array.shape), "sidecar": store.add(where, array)}
    return _packed(array)


def decode_weight(value: Any, where: str, sidecar: SidecarReader | None = None) -> np.ndarray:
    """The float64 array a weight entry holds; NnvizFileError naming `where` if it is malformed."""
    if isinstance(value, dict):
        if "sidecar" in value:
            return _from_sidecar(value, "dtype", where, sidecar).astype(np.float64)
        return decode_packed(value, where, allowed_keys=("dtype", "shape", "base64")).astype(np.float64)
    return _from_nested(value, where, np.dtype(np.float64))


def _from_sidecar(value: dict[str, Any], dtype_key: str, where: str, sidecar: SidecarReader | None) -> np.ndarray:
    _only(value, (dtype_key, "shape", "sidecar"), where)
    if sidecar is None:
        raise NnvizFileError(Message('refers to a sidecar file, but the file names none (no "arrays" entry)'), where)
    dtype = np.dtype(_check_dtype(value.get(dtype_key), key_path(where, dtype_key)))
    shape = _shape(value.get("shape"), key_path(where, "shape"))
    return sidecar.get(value["sidecar"], dtype, shape, key_path(where, "sidecar"))


# ---------------------------------------------------------------------------------------- state
def encode_state(value: Any, where: str = "state", depth: int = 0, store: ArrayStore | None = None) -> Any:
    """A session-state tree as JSON: dicts (text keys), lists/tuples, numbers, text, None, arrays.

    Tuples come back as lists, NumPy scalars as Python numbers; large arrays go to `store` if given.
    """
    if depth > MAX_STATE_DEPTH:
        raise NnvizFileError(Message(
            "is nested more than {max_state_depth} levels deep",
            max_state_depth=MAX_STATE_DEPTH), where)
    if isinstance(value, np.ndarray):
        if store is not None and store.wants(value):
            dtype = _check_dtype(value.dtype.name, where)
            return {"$array": dtype, "shape": list(value.shape), "sidecar": store.add(where, value)}
        return _tagged_array(value, where)
    if isinstance(value, np.generic):
        value = value.item()
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else {"$float": repr(value)}
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NnvizFileError(Message("keys must be text to be saved, not {key!r}", key=key), where)
            if key.startswith("$"):
                raise NnvizFileError(Message("keys starting with '$' are reserved, cannot save {key!r}",
                                             key=key), where)
            out[key] = encode_state(item, key_path(where, key), depth + 1, store)
        return out
    if isinstance(value, (list, tuple)):
        return [encode_state(item, key_path(where, i), depth + 1, store) for i, item in enumerate(value)]
    raise NnvizFileError(Message("cannot save a {name} in a .nnviz file", name=type(value).__name__), where)


def decode_state(value: Any, where: str = "state", depth: int = 0, sidecar: SidecarReader | None = None) -> Any:
    """Inverse of encode_state; NnvizFileError naming the place of anything malformed."""
    if depth > MAX_STATE_DEPTH:
        raise NnvizFileError(Message(
            "is nested more than {max_state_depth} levels deep",
            max_state_depth=MAX_STATE_DEPTH), where)
    if isinstance(value, dict):
        if "$array" in value:
            if "sidecar" in value:
                return _from_sidecar(value, "$array", where, sidecar)
            return _decode_tagged(value, where)
        if "$float" in value:
            if set(value) != {"$float"} or value["$float"] not in ("nan", "inf", "-inf"):
                raise NnvizFileError(Message('a "$float" must be "nan", "inf" or "-inf" alone'), where)
            return float(value["$float"])
        for key in value:
            if key.startswith("$"):
                raise NnvizFileError(Message("unknown tag {key!r}", key=key), where)
        return {k: decode_state(v, key_path(where, k), depth + 1, sidecar) for k, v in value.items()}
    if isinstance(value, list):
        return [decode_state(v, key_path(where, i), depth + 1, sidecar) for i, v in enumerate(value)]
    return value


def _tagged_array(array: np.ndarray, where: str) -> dict[str, Any]:
    dtype = _check_dtype(array.dtype.name, where)
    finite = array.dtype.kind != "f" or bool(np.all(np.isfinite(array)))
    if 0 < array.size <= SMALL_ARRAY and array.ndim >= 1 and finite:
        return {"$array": dtype, "shape": list(array.shape), "values": array.tolist()}
    packed = _packed(array)
    return {"$array": packed.pop("dtype"), **packed}


def _decode_tagged(value: dict[str, Any], where: str) -> np.ndarray:
    dtype = np.dtype(_check_dtype(value["$array"], key_path(where, "$array")))
    if "values" in value:
        _only(value, ("$array", "shape", "values"), where)
        shape = _shape(value.get("shape"), key_path(where, "shape"))
        array = _from_nested(value["values"], key_path(where, "values"), dtype)
        if array.shape != shape:
            raise NnvizFileError(Message(
                "values have shape {shape} but shape says {shape2}",
                shape=list(array.shape), shape2=list(shape)), where)
        return array
    renamed = {("dtype" if k == "$array" else k): v for k, v in value.items()}
    return decode_packed(renamed, where, allowed_keys=("dtype", "shape", "base64"))


# ---------------------------------------------------------------------------------------- packed
def _packed(array: np.ndarray) -> dict[str, Any]:
    little = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
    return {"dtype": array.dtype.name, "shape": list(array.shape),
            "base64": base64.b64encode(little.tobytes()).decode("ascii")}


def decode_packed(value: dict[str, Any], where: str, allowed_keys: tuple[str, ...]) -> np.ndarray:
    """{"dtype", "shape", "base64"} -> array, checking the byte count before trusting the shape."""
    _only(value, allowed_keys, where)
    for key in allowed_keys:
        if key not in value:
            raise NnvizFileError(Message(
                "an array stored as bytes needs {allowed_keys}; {key!r} is missing",
                allowed_keys=', '.join(allowed_keys), key=key), where)
    dtype = np.dtype(_check_dtype(value["dtype"], key_path(where, "dtype"))).newbyteorder("<")
    shape = _shape(value["shape"], key_path(where, "shape"))
    text = value["base64"]
    if not isinstance(text, str):
        raise NnvizFileError(Message("must be base64 text, not {type_name}",
                                     type_name=type_name(text)), key_path(where, "base64"))
    expected = prod(shape) * dtype.itemsize
    if expected > MAX_FILE_BYTES:
        raise NnvizFileError(Message(
            "{shape} of {name} would take {expected:,} bytes, more than a file nnviz opens can hold",
            shape=list(shape), name=dtype.name, expected=expected), key_path(where, "shape"))
    # Compare sizes before decoding: a hostile shape must not make us allocate anything big.
    chars = 4 * -(-expected // 3)
    if len(text) != chars:
        raise NnvizFileError(Message(
            "holds {given} base64 characters but shape {shape} of {name} needs {expected} bytes ({chars} characters)",
            given=len(text), shape=list(shape), name=dtype.name, expected=expected, chars=chars),
                             key_path(where, "base64"))
    try:
        raw = base64.b64decode(text, validate=True)
    except (binascii.Error, ValueError):
        raise NnvizFileError(Message("is not valid base64 text"), key_path(where, "base64")) from None
    if len(raw) != expected:
        raise NnvizFileError(Message("holds {size} bytes but needs {expected}",
                                     size=len(raw), expected=expected), key_path(where, "base64"))
    return np.frombuffer(raw, dtype=dtype).reshape(shape).astype(dtype.newbyteorder("="))


def _only(value: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    extra = sorted(set(value) - set(keys))
    if extra:
        raise NnvizFileError(Message(
            "unexpected key {extra!r} (expected {keys})",
            extra=extra[0], keys=', '.join(keys)), where)


def _check_dtype(name: Any, where: str) -> str:
    if name not in DTYPES:
        raise NnvizFileError(Message(
            "dtype must be one of {dtypes}, not {name!r}",
            dtypes=', '.join(DTYPES), name=name), where)
    return name


def _shape(value: Any, where: str) -> tuple[int, ...]:
    if not isinstance(value, list) or len(value) > MAX_RANK or not all(
            isinstance(d, int) and not isinstance(d, bool) and 0 <= d < 2**40 for d in value):
        raise NnvizFileError(Message("must be a list of at most {max_rank} whole numbers >= 0",
                                     max_rank=MAX_RANK), where)
    return tuple(value)


def _from_nested(value: Any, where: str, dtype: np.dtype) -> np.ndarray:
    """Nested lists (rectangular, numbers only: no text, no true/false) -> array of dtype."""
    _nested_shape(value, where, 0, dtype.kind == "b")
    try:
        return np.array(value, dtype=dtype)
    except (OverflowError, ValueError, TypeError):
        raise NnvizFileError(Message("holds a number that does not fit {name}", name=dtype.name), where) from None


def _nested_shape(value: Any, where: str, depth: int, bools: bool) -> tuple[int, ...]:
    if not isinstance(value, list):
        _check_number(value, where, bools)
        return ()
    if depth >= MAX_RANK:
        raise NnvizFileError(Message("arrays may have at most {max_rank} dimensions", max_rank=MAX_RANK), where)
    if not value:
        return (0,)
    if not isinstance(value[0], list):
        # A row of numbers: checked in one pass (the common case, and the one that can be long).
        ok = (bool, int) if bools else (int, float)
        if all(type(v) in ok for v in value):
            return (len(value),)
        for i, v in enumerate(value):
            _check_number(v, key_path(where, i), bools)
    shapes = [_nested_shape(v, key_path(where, i), depth + 1, bools) for i, v in enumerate(value)]
    for i, shape in enumerate(shapes):
        if shape != shapes[0]:
            raise NnvizFileError(Message(
                "rows have different lengths: every row of an array needs as many values as the first"),
                key_path(where, i))
    return (len(value), *shapes[0])


def _check_number(value: Any, where: str, bools: bool) -> None:
    if bools and isinstance(value, bool):
        return
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise NnvizFileError(Message("must be a number, not {type_name}", type_name=type_name(value)), where)
