"""Writing: GraphDocument (+ optional session state) -> JSON text, saved atomically.

Keys are written in one fixed order (format, version, description, nodes, edges, data, training,
meta, state, arrays), each node's as id, type, name, params, pos, weights, so saving the same document
twice gives the same bytes and a diff shows only what changed.
"""

from __future__ import annotations

import math
import os
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.graph.document import GraphDocument
from nnviz.i18n import Message, translate
from nnviz.io.arrays import encode_state, encode_weight
from nnviz.io.errors import NnvizFileError, key_path
from nnviz.io.files import AtomicWriter, clean_leftovers, real_target, sidecar_name
from nnviz.io.jsontext import MAX_FILE_BYTES, emit
from nnviz.io.migrate import FORMAT_NAME, FORMAT_VERSION, PLAIN_VERSION
from nnviz.io.sidecar import INLINE_ARRAY_BYTES, ArrayStore, arrays_in

NUMBER_TYPES = {int, float}
# meta keys that describe this run, not the network: load() sets "path" to where the file was read from.
RUNTIME_META = ("path",)


def document_to_tree(doc: GraphDocument, state: dict[str, Any] | None = None,
                     store: ArrayStore | None = None) -> dict[str, Any]:
    """The JSON tree of a document; `state` (a session's optimiser state, buffers...) goes last. With
    `store`, large arrays go there (save() names it as the file's sidecar)."""
    tree: dict[str, Any] = {"format": FORMAT_NAME, "version": PLAIN_VERSION}
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
                    raise NnvizFileError(Message(
                        "{name} holds NaN or infinite values; only finite weights can be saved",
                        name=name), key_path(key_path(where, "weights"), name))
                weights[name] = encode_weight(values, key_path(key_path(where, "weights"), name), store)
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
            raise NnvizFileError(Message("session state must be a dict, not {name}",
                                         name=type(state).__name__), "state")
        tree["state"] = encode_state(state, store=store)
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
                raise NnvizFileError(Message("keys must be text, not {key!r}", key=key), where)
            out[key] = plain(item, key_path(where, key))
        return out
    if isinstance(value, (list, tuple)):
        if _finite_numbers(value):  # a row of inline data: one pass, no per-value path text
            return list(value)
        return [plain(item, key_path(where, i)) for i, item in enumerate(value)]
    if isinstance(value, float) and not np.isfinite(value):
        raise NnvizFileError(Message("{value} cannot be saved: only finite numbers can", value=value), where)
    if value is None or isinstance(value, (bool, int, float, str)):
        return value
    raise NnvizFileError(Message("cannot save a {name}", name=type(value).__name__), where)


def _finite_numbers(values: list[Any] | tuple[Any, ...]) -> bool:
    """True when every item is an int or a finite float (bool and NumPy scalars take the slow path).

    Both tests run at C speed: the set of types, then the sum, which is finite when every value is
    (a sum that overflows only sends finite values down the slow path, which accepts them)."""
    if not set(map(type, values)) <= NUMBER_TYPES:
        return False
    try:
        return math.isfinite(sum(values))
    except OverflowError:  # an int too large for a float
        return False


def dumps(doc: GraphDocument, *, state: dict[str, Any] | None = None) -> str:
    """The .nnviz text of a document (and optional session state)."""
    return emit(document_to_tree(doc, state))


def save(doc: GraphDocument, path: str | os.PathLike[str], *, state: dict[str, Any] | None = None) -> None:
    """Write the document to `path` atomically: the old file stays intact until the new one is complete.

    The whole text is built in memory first (an error while serialising touches no file). Large arrays
    (a trained state of a big network) go to a sidecar .safetensors file beside it, written first; then
    the .nnviz file replaces the old one with os.replace, which is atomic on one file system. Leftovers of
    earlier saves that were killed (temporary files, sidecars no file names) are deleted afterwards.
    A file nnviz could not open again is refused here, with the reason, before anything is written.
    """
    target = real_target(path)
    weights = sum(arrays_in(node.weights) for node in doc.nodes.values())
    store = ArrayStore(sidecar_name(target)) if weights + arrays_in(state) > INLINE_ARRAY_BYTES else None
    tree = document_to_tree(doc, state, store)
    if store is not None and store.arrays:
        tree["version"] = FORMAT_VERSION
        tree["arrays"] = {"file": store.file_name}
    else:
        store = None
    data = emit(tree).encode("utf-8")
    if len(data) > MAX_FILE_BYTES:
        raise NnvizFileError(_too_large(tree, len(data)), path=str(path))
    with AtomicWriter(str(path)) as writer:
        if store is not None:
            writer.write(target.parent / store.file_name, store.chunks())
        writer.write(target, iter([data]))
        clean_leftovers(target, keep=store.file_name if store is not None else None)


def _too_large(tree: dict[str, Any], size: int) -> Message:
    data = len(emit(tree.get("data", {})).encode("utf-8"))
    what = (translate("; its data, written into it, takes {size_mb:.0f} MB: keep a data set this large in a file of "
                      "its own (CSV, .npz, images) and choose it as the data source", size_mb=data / 2**20)
            if data > size / 2 else "")
    return Message("cannot save: the file would be {size_mb:.0f} MB, more than the {limit_mb} MB nnviz can open "
                   "again{what}", size_mb=size / 2**20, limit_mb=MAX_FILE_BYTES // 2**20, what=what)


def write_atomic(path: Path, data: bytes) -> None:
    """Replace `path` with `data` so that a crash at any moment leaves either the old or the new file."""
    with AtomicWriter(str(path)) as writer:
        writer.write(real_target(path), iter([data]))
