"""Reading and writing .nnviz files: versioned, human-readable JSON; arrays as lists or base64; no pickle.

    doc = load("xor.nnviz")                      # GraphDocument (NnvizFileError if anything is wrong)
    save(doc, "xor.nnviz", state=session_state)   # atomic; state is optional
    state = load_state("xor.nnviz")               # the saved session state, or None

The layout is documented in docs/file-format.md.
"""

from __future__ import annotations

import os
import stat
from pathlib import Path
from typing import Any

from nnviz.graph.document import GraphDocument
from nnviz.i18n import Message, os_reason
from nnviz.io.errors import NnvizFileError
from nnviz.io.files import clean_leftovers, real_target, remove_with_sidecars
from nnviz.io.jsontext import MAX_FILE_BYTES, parse
from nnviz.io.migrate import (
    FORMAT_NAME,
    FORMAT_VERSION,
    MIGRATIONS,
    PLAIN_VERSION,
    migrate,
)
from nnviz.io.reader import MAX_EDGES, MAX_NODES, read_tree
from nnviz.io.writer import document_to_tree, dumps, save

SUFFIX = ".nnviz"

__all__ = [
    "FORMAT_NAME", "FORMAT_VERSION", "MAX_EDGES", "MAX_FILE_BYTES", "MAX_NODES", "MIGRATIONS", "PLAIN_VERSION",
    "SUFFIX", "NnvizFileError", "document_to_tree", "dumps", "load", "load_state", "loads", "loads_with_state",
    "migrate", "read", "remove_with_sidecars", "save",
]


def loads(text: str | bytes) -> GraphDocument:
    """The document a .nnviz text holds."""
    return read_tree(parse(text), want_state=False)[0]


def loads_with_state(text: str | bytes) -> tuple[GraphDocument, dict[str, Any] | None]:
    """(document, saved session state or None) from a .nnviz text."""
    return read_tree(parse(text))


def read(path: str | os.PathLike[str]) -> tuple[GraphDocument, dict[str, Any] | None]:
    """(document, saved session state or None) from a .nnviz file (and its sidecar of large arrays)."""
    return _read_file(path, want_state=True)


def load(path: str | os.PathLike[str]) -> GraphDocument:
    """The document a .nnviz file holds; NnvizFileError naming the file and the place of any problem."""
    return _read_file(path, want_state=False)[0]


def _read_file(path: str | os.PathLike[str], want_state: bool) -> tuple[GraphDocument, dict[str, Any] | None]:
    raw = _read_bytes(path)
    try:
        tree = parse(raw)
        sidecar = tree.get("arrays", {}).get("file") if isinstance(tree.get("arrays"), dict) else None
        doc, state = read_tree(tree, want_state=want_state, folder=real_target(path).parent)
    except NnvizFileError as exc:
        raise exc.at(str(path)) from None
    # The file is sound: what killed saves of it left behind (temporary files, unnamed sidecars) can go.
    clean_leftovers(path, keep=sidecar)
    _remember_path(doc, path)
    return doc, state


def load_state(path: str | os.PathLike[str]) -> dict[str, Any] | None:
    """The session state saved with save(..., state=...), or None when the file has none."""
    return read(path)[1]


def _remember_path(doc: GraphDocument, path: str | os.PathLike[str]) -> None:
    # Data paths in the file (a CSV next to it) are relative to the file's folder; the loaders read
    # meta["path"] to find it. It describes where the file is, not what it holds: never written back.
    doc.meta["path"] = str(Path(path).resolve())


def _read_bytes(path: str | os.PathLike[str]) -> bytes:
    p = Path(path)
    try:
        info = p.stat()
        size = info.st_size
        if not stat.S_ISREG(info.st_mode):  # a FIFO or a device would block or never end
            raise NnvizFileError(Message(
                "cannot open: it is not a regular file (a folder, device or pipe): choose a .nnviz file"),
                                 path=str(path))
        if size > MAX_FILE_BYTES:  # refuse before reading a byte of it
            raise NnvizFileError(Message(
                "is {size_mb:.0f} MB; nnviz opens files up to {limit_mb} MB",
                size_mb=size / 2 ** 20, limit_mb=MAX_FILE_BYTES // 2 ** 20), path=str(path))
        with p.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1)
    except OSError as exc:
        raise NnvizFileError(Message("cannot open: {reason}", reason=os_reason(exc)), path=str(path)) from None
