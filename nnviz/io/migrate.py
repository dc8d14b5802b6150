"""Format versions and the chain of migrations that brings an older file up to the current layout.

Policy: every layout change bumps FORMAT_VERSION and adds one function migrate_vN_to_vN+1 that
rewrites the raw JSON tree (before any validation). Loading runs the chain from the file's version
to the current one, so a file from any released version opens. A file from a NEWER version is
refused with a message that says so, rather than misread.

Version 0 is the prototype layout (before the first release):

    {"format": "nnviz", "version": 0,
     "layers": [{"id": "n1", "kind": "dense", "name": "fc", "config": {...}, "x": 10, "y": 20,
                 "weights": {...}}],
     "links": [["n1", "n2"], ["n2", "n3", 1]],          # [from, to] or [from, to, input port]
     "dataset": {...}, "train": {"learning_rate": 0.1, "optimiser": "sgd", ...}, "notes": "text"}
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from nnviz.i18n import Message
from nnviz.io.errors import NnvizFileError, key_path
from nnviz.io.jsontext import type_name

FORMAT_NAME = "nnviz"
# Version 2 adds the large-array sidecar (top-level "arrays", array references): the newest this reads.
FORMAT_VERSION = 2
# What a file that needs nothing newer is written as, so that an older nnviz still opens it.
PLAIN_VERSION = 1
# From this version on, the layout of nodes, edges and settings is the same: an error's place in the
# file is the place the message names, with no "after updating it" note.
SAME_LAYOUT_FROM = 1

Tree = dict[str, Any]


def migrate_v0_to_v1(tree: Tree) -> Tree:
    """layers/links/dataset/train/notes -> nodes/edges/data/training/description."""
    _only(tree, ("format", "version", "layers", "links", "dataset", "train", "notes"), "")
    layers = tree.get("layers", [])
    if not isinstance(layers, list):
        raise NnvizFileError(Message("must be a list of layers, not {type_name}",
                                     type_name=type_name(layers)), "layers")
    nodes = []
    for i, layer in enumerate(layers):
        where = key_path("layers", i)
        if not isinstance(layer, dict):
            raise NnvizFileError(Message("must be an object, not {type_name}", type_name=type_name(layer)), where)
        _only(layer, ("id", "kind", "name", "config", "x", "y", "weights"), where)
        node: Tree = {"id": layer.get("id"), "type": layer.get("kind")}
        if "name" in layer:
            node["name"] = layer["name"]
        node["params"] = layer.get("config", {})
        node["pos"] = [layer.get("x", 0.0), layer.get("y", 0.0)]
        if "weights" in layer:
            node["weights"] = layer["weights"]
        nodes.append(node)
    links = tree.get("links", [])
    if not isinstance(links, list):
        raise NnvizFileError(Message("must be a list of links, not {type_name}", type_name=type_name(links)), "links")
    edges = []
    for i, link in enumerate(links):
        if not isinstance(link, list) or len(link) not in (2, 3):
            raise NnvizFileError(Message("must be [from, to] or [from, to, input port]"), key_path("links", i))
        edges.append({"src": link[0], "dst": link[1], "port": link[2] if len(link) == 3 else 0})
    out: Tree = {"format": FORMAT_NAME, "version": 1, "nodes": nodes, "edges": edges}
    if "dataset" in tree:
        out["data"] = tree["dataset"]
    if "train" in tree:
        train = tree["train"]
        if not isinstance(train, dict):
            raise NnvizFileError(Message("must be an object, not {type_name}", type_name=type_name(train)), "train")
        renames = {"learning_rate": "lr", "optimiser": "optimizer"}
        out["training"] = {renames.get(k, k): v for k, v in train.items()}
    if "notes" in tree:
        out["description"] = {"en": tree["notes"]}
    return out


def migrate_v1_to_v2(tree: Tree) -> Tree:
    """Nothing to rewrite: version 2 only adds the sidecar, which a version-1 file does not use."""
    return tree


MIGRATIONS: dict[int, Callable[[Tree], Tree]] = {0: migrate_v0_to_v1, 1: migrate_v1_to_v2}


def migrate(tree: Tree) -> tuple[Tree, int]:
    """(the tree in the current layout, the version the file was written in)."""
    fmt = tree.get("format")
    if fmt != FORMAT_NAME:
        if fmt is None:
            raise NnvizFileError(Message('is not a .nnviz file: it has no "format": "nnviz" entry'))
        raise NnvizFileError(Message('is not a .nnviz file: its format is {fmt!r}, not "nnviz"', fmt=fmt), "format")
    version = tree.get("version")
    if isinstance(version, bool) or not isinstance(version, int):
        raise NnvizFileError(Message("must be a whole number, not {type_name}",
                                     type_name=type_name(version)), "version")
    if version > FORMAT_VERSION:
        raise NnvizFileError(Message(
            "this file was saved by a newer nnviz (file format version {version}); this nnviz reads versions up to "
            "{format_version}: update nnviz to open it",
            version=version, format_version=FORMAT_VERSION),
                             "version")
    if version < 0:
        raise NnvizFileError(Message("there is no file format version {version}", version=version), "version")
    original = version
    while version < FORMAT_VERSION:
        tree = MIGRATIONS[version](tree)
        version += 1
        tree["version"] = version
    return tree, original


def _only(tree: Tree, keys: tuple[str, ...], where: str) -> None:
    extra = [k for k in tree if k not in keys]
    if extra:
        raise NnvizFileError(Message(
            "unknown key {extra!r} (a version-0 file has {keys})",
            extra=extra[0], keys=', '.join(keys)), where)
