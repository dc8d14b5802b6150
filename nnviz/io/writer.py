"""Writing: GraphDocument (+ optional session state) -> JSON text, saved atomically.

Keys are written in one fixed order (format, version, description, nodes, edges, data, training,
meta, state), each node's as id, type, name, params, pos, weights, so saving the same document
twice gives the same bytes and a diff shows only what changed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.graph.document import GraphDocument
from nnviz.io.arrays import encode_state, encode_weight
from nnviz.io.errors import NnvizFileError, key_path
from nnviz.io.jsontext import emit
from nnviz.io.migrate import FORMAT_NAME, FORMAT_VERSION

# meta keys that describe this run, not the network: load() sets "path" to where the file was read from.
RUNTIME_META = ("path",)


def document_to_tree(doc: GraphDocument, state: dict[str, Any] | None = None) -> dict[str, Any]:
    """The JSON tree of a document; `state` (a session's optimiser state, buffers...) goes last."""
    tree: dict[str, Any] = {"format": FORMAT_NAME, "version": FORMAT_VERSION}
    if doc.description:
        tree["description"] = {lang: str(text) for lang, text in doc.description.items()}
    nodes = []
    for i, node in enumerate(doc.nodes.values()):
        where = key_path("nodes", i)
        entry: dict[str, Any] = {
            "id": node.id, "type": node.type, "name": node.name,
            "params": plain(node.params, key_path(where, "params")),
            "pos": [float(node.pos[0]), float(node.pos[1])],
        }
        if node.weights:
            weights = {}
            for name, values in node.weights.items():
                if not np.all(np.isfinite(values)):
                    # The reader refuses these (set_weight does), so writing them would make a file
                    # that cannot be opened again.
                    raise NnvizFileError(f"{name} holds NaN or infinite values; only finite weights can "
                                         "be saved", key_path(key_path(where, "weights"), name))
                weights[name] = encode_weight(values)
            entry["weights"] = weights
        nodes.append(entry)
    tree["nodes"] = nodes
    tree["edges"] = [{"src": e.src, "dst": e.dst, "port": e.port} for e in doc.edges]
    tree["data"] = plain(doc.data, "data")
    tree["training"] = plain(doc.training.to_dict(), "training")
    meta = {k: v for k, v in doc.meta.items() if k not in RUNTIME_META}
    if meta:
        tree["meta"] = plain(meta, "meta")
    if state is not None:
        if not isinstance(state, dict):
            raise NnvizFileError(f"session state must be a dict, not {type(state).__name__}", "state")
        tree["state"] = encode_state(state)
    return tree


def plain(value: Any, where: str) -> Any:
    """Settings-like values as plain JSON: tuples and small arrays to lists, NumPy scalars to numbers."""
    if isinstance(value, np.ndarray):
        value = value.tolist()
    elif isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, dict):
        out = {}
        for key, item in value.items():
            if not isinstance(key, str):
                raise NnvizFileError(f"keys must be text, not {key!r}", where)
            out[key] = plain(item, key_path(where, key))
        return out
    if isinstance(value, (list, tuple)):
        return [plain(item, key_path(where, i)) for i, item in enumerate(value)]
    if isinstance(value, float) and not np.isfinite(value):
        raise NnvizFileError(f"{value} cannot be saved: only finite numbers can", where)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise NnvizFileError(f"cannot save a {type(value).__name__}", where)


def dumps(doc: GraphDocument, *, state: dict[str, Any] | None = None) -> str:
    """The .nnviz text of a document (and optional session state)."""
    return emit(document_to_tree(doc, state))


def save(doc: GraphDocument, path: str | os.PathLike[str], *, state: dict[str, Any] | None = None) -> None:
    """Write the document to `path` atomically: the old file stays intact until the new one is complete.

    The whole text is built in memory first (an error while serialising touches no file), written to
    a temporary file in the same folder, flushed and fsync'ed, then renamed over the target with
    os.replace, which is atomic on one file system.
    """
    data = dumps(doc, state=state).encode("utf-8")
    write_atomic(Path(path), data)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any moment leaves either the old or the new file."""
    target = Path(os.path.realpath(path))  # through a symlink, replace the file it points at
    folder = target.parent
    try:
        mode: int | None = target.stat().st_mode & 0o777
    except FileNotFoundError:
        mode = None
    except OSError as exc:
        raise NnvizFileError(f"cannot save: {exc.strerror or exc}", path=str(path)) from None
    tmp_name = str(folder / f".{target.name}.{secrets.token_hex(6)}.tmp")
    try:
        # 0o666 minus the umask, as for any new file; O_EXCL so we never write into someone else's file.
        fd = os.open(tmp_name, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
    except OSError as exc:
        raise NnvizFileError(f"cannot save: {exc.strerror or exc}", path=str(path)) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(data)
            handle.flush()
            os.fsync(handle.fileno())
        if mode is not None:
            os.chmod(tmp_name, mode)  # keep the permissions the old file had
        os.replace(tmp_name, target)
    except BaseException as exc:
        with contextlib.suppress(OSError):
            os.unlink(tmp_name)
        if isinstance(exc, OSError):
            raise NnvizFileError(f"cannot save: {exc.strerror or exc}", path=str(path)) from None
        raise
    _sync_folder(folder)


def _sync_folder(folder: Path) -> None:
    # The rename itself lives in the folder's entry; fsync it so it survives a power cut (POSIX only).
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
