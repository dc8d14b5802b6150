"""Large arrays in a .safetensors file beside the .nnviz file (format version 2).

A trained state of a large network does not fit in JSON text that nnviz can read back (the reader
refuses files over MAX_FILE_BYTES), and base64 text costs a third more than the bytes. When a file's
arrays together exceed INLINE_ARRAY_BYTES, each array of at least SIDECAR_MIN_BYTES goes into one
sidecar, `<name>.nnviz.<8 hex>.safetensors`, in its own dtype, and the JSON keeps a reference in its
place: `{"$array": "float32", "shape": [512, 784], "sidecar": "state.weights.n2.weight"}` (a node
weight: `{"dtype": ..., "shape": ..., "sidecar": ...}`). The top-level `"arrays": {"file": NAME}`
names the sidecar. Every other array stays inline, so small networks remain one readable file.

The sidecar is written by this module (the safetensors layout: an 8-byte header length, a JSON header,
the raw little-endian bytes) straight from the arrays, without a second copy in memory, and read
through the safetensors library, which checks the header against the file's size.
"""

from __future__ import annotations

import json
import os
import stat
import struct
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.i18n import Message
from nnviz.io.errors import NnvizFileError

# Arrays inline in the JSON up to this many bytes in all; beyond, the large ones move to a sidecar.
INLINE_ARRAY_BYTES = 16 * 2**20
# With a sidecar, arrays of at least this size go there (2,000 layers of smaller ones stay far below
# the reader's limit). Small ones stay readable in the JSON.
SIDECAR_MIN_BYTES = 4096
SAFETENSORS_DTYPES = {"float16": "F16", "float32": "F32", "float64": "F64", "int8": "I8", "int16": "I16",
                      "int32": "I32", "int64": "I64", "uint8": "U8", "uint16": "U16", "uint32": "U32",
                      "uint64": "U64", "bool": "BOOL"}


class ArrayStore:
    """Collects the arrays a file keeps in its sidecar while its JSON tree is built."""

    def __init__(self, file_name: str) -> None:
        self.file_name = file_name
        self.arrays: dict[str, np.ndarray] = {}

    def wants(self, array: np.ndarray) -> bool:
        return array.nbytes >= SIDECAR_MIN_BYTES

    def add(self, key: str, array: np.ndarray) -> str:
        if key in self.arrays:  # pragma: no cover - keys are places in the tree, unique by construction
            raise NnvizFileError(Message("two arrays with one place"), key)
        self.arrays[key] = np.ascontiguousarray(array).astype(array.dtype.newbyteorder("<"), copy=False)
        return key

    def chunks(self) -> Iterator[bytes | memoryview]:
        """The sidecar's bytes, array by array (no copy of the whole)."""
        header: dict[str, Any] = {}
        offset = 0
        for key, array in self.arrays.items():
            header[key] = {"dtype": SAFETENSORS_DTYPES[array.dtype.name], "shape": list(array.shape),
                           "data_offsets": [offset, offset + array.nbytes]}
            offset += array.nbytes
        text = json.dumps(header, separators=(",", ":")).encode("utf-8")
        text += b" " * (-len(text) % 8)  # the data starts 8-byte aligned
        yield struct.pack("<Q", len(text)) + text
        for array in self.arrays.values():
            if array.size:
                yield memoryview(array.reshape(-1)).cast("B")


def arrays_in(tree: Any) -> int:
    """Bytes of every NumPy array in a state tree or weights dict (to decide on a sidecar)."""
    if isinstance(tree, np.ndarray):
        return tree.nbytes
    if isinstance(tree, dict):
        return sum(arrays_in(v) for v in tree.values())
    if isinstance(tree, (list, tuple)):
        return sum(arrays_in(v) for v in tree)
    return 0


class SidecarReader:
    """The arrays a file's sidecar holds, read on demand and checked against what the JSON says."""

    def __init__(self, folder: Path | None, entry: Any) -> None:
        if not isinstance(entry, dict) or set(entry) != {"file"} or not isinstance(entry["file"], str):
            raise NnvizFileError(Message('must be {"file": "<name>.safetensors"}'), "arrays")
        name = entry["file"]
        if (not name.endswith(".safetensors") or os.path.basename(name) != name or name.startswith(".")
                or "\\" in name):
            raise NnvizFileError(Message("{name!r} is not the name of a .safetensors file beside this one",
                                         name=name), "arrays.file")
        self.name = name
        self.path = None if folder is None else folder / name
        self._file: Any = None
        self._fetch = True

    def headers_only(self) -> SidecarReader:
        """A reader of the same file that checks references against the header but reads no data."""
        other = SidecarReader.__new__(SidecarReader)
        other.name, other.path, other._file, other._fetch = self.name, self.path, self._file, False
        return other

    def _open(self) -> Any:
        if self._file is not None:
            return self._file
        if self.path is None:
            raise NnvizFileError(Message(
                "keeps its large arrays in {name} beside the file: open the file itself, not its text",
                name=self.name), "arrays.file")
        try:
            mode = self.path.stat().st_mode
        except OSError:
            raise NnvizFileError(Message(
                "keeps its large arrays in {name}, which is missing: copy it together with the .nnviz file",
                name=self.name), "arrays.file") from None
        if not stat.S_ISREG(mode):
            raise NnvizFileError(Message("{name} is not a regular file", name=self.name), "arrays.file")
        from safetensors import safe_open

        try:
            self._file = safe_open(str(self.path), framework="np")
        except Exception as exc:  # the library's own error types (SafetensorError, OSError...)
            raise NnvizFileError(Message(
                "{name} is not a readable .safetensors file ({problem})",
                name=self.name, problem=exc), "arrays.file") from None
        return self._file

    def get(self, key: Any, dtype: np.dtype, shape: tuple[int, ...], where: str) -> np.ndarray:
        if not isinstance(key, str):
            raise NnvizFileError(Message("must name an array of the sidecar"), where)
        handle = self._open()
        if key not in set(handle.keys()):  # a safetensors handle has no `in`
            raise NnvizFileError(Message("{name} holds no array {key!r}", name=self.name, key=key), where)
        piece = handle.get_slice(key)
        stored = (piece.get_dtype(), tuple(piece.get_shape()))
        if stored != (SAFETENSORS_DTYPES[dtype.name], shape):
            raise NnvizFileError(Message(
                "{name} holds {key!r} as {stored_dtype} {stored_shape}, but the file says {dtype} {shape}",
                name=self.name, key=key, stored_dtype=stored[0], stored_shape=list(stored[1]), dtype=dtype.name,
                shape=list(shape)), where)
        if not self._fetch:
            return np.empty((0,), dtype=dtype)
        try:
            return np.array(handle.get_tensor(key), dtype=dtype, copy=True)
        except Exception as exc:  # pragma: no cover - the header was checked when it was opened
            raise NnvizFileError(Message(
                "cannot read {key!r} from {name} ({problem})",
                key=key, name=self.name, problem=exc), where) from None
