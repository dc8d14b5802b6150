"""Reading: JSON tree -> GraphDocument (+ session state), validated through the document's own API.

Nodes go in through GraphDocument.add_node and edges through connect, so the rules for parameters,
names, ports and cycles live in one place (nnviz.graph). This module only checks that each part of
the file has the right JSON shape and says where a refusal came from ("nodes[3].params.units: ...").
A graph whose shapes do not fit still loads (the errors show on the nodes); a malformed structure
(a dangling edge, a cycle, a bad parameter) does not.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from nnviz.graph.document import MAX_NAME_LENGTH, GraphDocument, GraphEditError
from nnviz.graph.params import ParamError
from nnviz.graph.registry import LayerSpec, get_spec
from nnviz.graph.settings import TrainingSettings
from nnviz.i18n import Message, mark, translate
from nnviz.io.arrays import decode_state, decode_weight
from nnviz.io.errors import NnvizFileError, key_path
from nnviz.io.jsontext import type_name
from nnviz.io.migrate import SAME_LAYOUT_FROM, migrate
from nnviz.io.sidecar import SidecarReader

# The document API checks names and cycles by scanning the whole graph on every edit, so loading is
# quadratic in its size: these limits keep a hostile file's load to a few seconds. Real networks in
# a learning tool have tens of layers.
MAX_NODES = 2_000
MAX_EDGES = 4_000
MAX_TEXT = 100_000  # characters of one description
MAX_POS = 1e9
MAX_DEPTH = 32  # nesting of the free-form parts (data, meta)

TOP_KEYS = ("format", "version", "description", "nodes", "edges", "data", "training", "meta", "state", "arrays")
NODE_KEYS = ("id", "type", "name", "params", "pos", "weights")
EDGE_KEYS = ("src", "dst", "port")


def read_tree(tree: dict[str, Any], *, want_state: bool = True, folder: Path | None = None
              ) -> tuple[GraphDocument, dict[str, Any] | None]:
    """The document (and the saved session state, or None) a parsed .nnviz JSON object describes.
    `folder`: where the file is, to find its sidecar of large arrays (None: reading text in memory)."""
    tree, original = migrate(tree)
    try:
        return _read(tree, want_state, folder)
    except NnvizFileError as exc:
        if original >= SAME_LAYOUT_FROM:
            raise
        # Paths name the migrated layout; say so, or "nodes[2]" in a file with "layers" would puzzle.
        raise NnvizFileError(Message(
            "{message} (in this version-{original} file after updating it to version {version})",
            message=exc.message, original=original, version=tree['version']), exc.where) from None


def _read(tree: dict[str, Any], want_state: bool, folder: Path | None) -> tuple[GraphDocument, dict[str, Any] | None]:
    _known_keys(tree, TOP_KEYS, "")
    sidecar = SidecarReader(folder, tree["arrays"]) if "arrays" in tree else None
    nodes = _list(tree, "nodes", "", MAX_NODES, mark("layers"))
    edges = _list(tree, "edges", "", MAX_EDGES, mark("connections"))
    doc = GraphDocument()
    places: dict[str, str] = {}
    for i, raw in enumerate(nodes):
        node_id = _read_node(doc, raw, key_path("nodes", i), sidecar)
        places[node_id] = key_path("nodes", i)
    for i, raw in enumerate(edges):
        _read_edge(doc, raw, key_path("edges", i))
    _check_weight_names(doc, places)
    if "data" in tree:
        doc.data = _read_data(tree["data"])
    if "training" in tree:
        doc.training = _read_training(tree["training"])
    if "description" in tree:
        doc.description = _read_description(tree["description"])
    if "meta" in tree:
        meta = _shallow(_object(tree["meta"], "meta"), "meta")
        # "path" is where load() found the file, never stored: one in a file is ignored, not trusted.
        doc.meta = {k: v for k, v in meta.items() if k != "path"}
    state = None
    if "state" in tree:
        # Decoded even when unwanted: a file with broken state is a broken file, whoever opens it. (Its
        # arrays in the sidecar are then only checked against the sidecar's header, not read.)
        state = decode_state(_object(tree["state"], "state"),
                             sidecar=sidecar if sidecar is None or want_state else sidecar.headers_only())
    return doc, state if want_state else None


# ---------------------------------------------------------------------------------------- nodes
def _read_node(doc: GraphDocument, raw: Any, where: str, sidecar: SidecarReader | None) -> str:
    raw = _object(raw, where)
    _known_keys(raw, NODE_KEYS, where)
    node_id = _text(raw.get("id"), key_path(where, "id"), MAX_NAME_LENGTH)
    type_key = _text(raw.get("type"), key_path(where, "type"), MAX_NAME_LENGTH)
    try:
        spec = get_spec(type_key)
    except KeyError as exc:
        raise NnvizFileError(str(exc.args[0]), key_path(where, "type")) from None
    name = raw.get("name")
    if name is not None and not isinstance(name, str):
        raise NnvizFileError(Message("must be text, not {type_name}",
                                     type_name=type_name(name)), key_path(where, "name"))
    params = _object(raw.get("params", {}), key_path(where, "params"))
    pos = _read_pos(raw.get("pos", [0.0, 0.0]), key_path(where, "pos"))
    weights = _object(raw.get("weights", {}), key_path(where, "weights"))
    if node_id in doc.nodes:
        raise NnvizFileError(Message(
            "another layer already has the id {node_id!r}; ids must be unique",
            node_id=node_id),
                             key_path(where, "id"))
    try:
        doc.add_node(type_key, name=name, params=params, pos=pos, node_id=node_id)
    except (GraphEditError, ValueError, TypeError, OverflowError) as exc:
        place, message = _locate_param(spec, params, key_path(where, "params"))
        if place:
            raise NnvizFileError(message, place) from None
        raise NnvizFileError(str(exc), key_path(where, "name")) from None
    for wname, value in weights.items():
        wplace = key_path(key_path(where, "weights"), wname)
        array = decode_weight(value, wplace, sidecar)
        try:
            doc.set_weight(node_id, wname, array)
        except GraphEditError as exc:
            raise NnvizFileError(str(exc), wplace) from None
    return node_id


def _locate_param(spec: LayerSpec, params: dict[str, Any], where: str) -> tuple[str, str]:
    """Which parameter add_node refused, and why, asking the same ParamSpec rules it used."""
    for name, value in params.items():
        try:
            spec.param(name).validate(value)
        except KeyError:
            return key_path(where, name), f"{spec.label} has no parameter {name!r}"
        except ParamError as exc:
            return key_path(where, name), str(exc)
        except (ValueError, TypeError, OverflowError):
            return key_path(where, name), f"{value!r:.60} is not a usable value"
    return "", ""


def _read_pos(value: Any, where: str) -> tuple[float, float]:
    if not (isinstance(value, list) and len(value) == 2 and all(
            isinstance(v, (int, float)) and not isinstance(v, bool) and abs(v) <= MAX_POS for v in value)):
        raise NnvizFileError(Message("must be [x, y], two numbers within ±{max_pos:g}", max_pos=MAX_POS), where)
    return (float(value[0]), float(value[1]))


def _check_weight_names(doc: GraphDocument, places: dict[str, str]) -> None:
    """Stored values must name a tensor the layer has (where its shapes are known)."""
    analysis = doc.analysis()
    for node_id, node in doc.nodes.items():
        if node_id not in analysis.weight_shapes:
            continue  # a shape error on this node is shown on the node, not refused here
        known = {**analysis.weight_shapes[node_id], **analysis.buffer_shapes.get(node_id, {})}
        for wname in node.weights:
            if wname not in known:
                has = ", ".join(known) or "nothing to store"
                raise NnvizFileError(Message(
                    "{node} has no tensor named {wname!r} (it has {has})",
                    node=doc.describe(node_id), wname=wname, has=has),
                                     key_path(key_path(places[node_id], "weights"), wname))


# ---------------------------------------------------------------------------------------- edges
def _read_edge(doc: GraphDocument, raw: Any, where: str) -> None:
    raw = _object(raw, where)
    _known_keys(raw, EDGE_KEYS, where)
    src = _text(raw.get("src"), key_path(where, "src"), MAX_NAME_LENGTH)
    dst = _text(raw.get("dst"), key_path(where, "dst"), MAX_NAME_LENGTH)
    port = raw.get("port", 0)
    if isinstance(port, bool) or not isinstance(port, int) or port < 0:
        raise NnvizFileError(Message("must be a whole number >= 0, not {port!r:.40}",
                                     port=port), key_path(where, "port"))
    for end in (src, dst):
        if end not in doc.nodes:
            raise NnvizFileError(Message("node {end!r} does not exist", end=end), where)
    try:
        doc.connect(src, dst, port)
    except GraphEditError as exc:
        raise NnvizFileError(str(exc), where) from None


# ---------------------------------------------------------------------------------------- settings
def _read_data(value: Any) -> dict[str, Any]:
    data = _shallow(_object(value, "data"), "data")
    if not isinstance(data.get("kind"), str):
        raise NnvizFileError(Message('needs a "kind" (text), e.g. {"kind": "generated", "name": "xor"}'), "data")
    return data


def _read_training(value: Any) -> TrainingSettings:
    values = _object(value, "training")
    for key, item in values.items():
        if isinstance(item, (dict, list)) or item is None:
            raise NnvizFileError(Message(
                "must be a number, text or true/false, not {type_name}",
                type_name=type_name(item)),
                                 key_path("training", key))
    try:
        return TrainingSettings.from_dict(values)
    except (ValueError, TypeError) as exc:
        raise NnvizFileError(str(exc), "training") from None


def _read_description(value: Any) -> dict[str, str]:
    texts = _object(value, "description")
    for lang, text in texts.items():
        where = key_path("description", lang)
        if not 1 <= len(lang) <= 16:
            raise NnvizFileError(Message("language keys are short codes such as 'en' or 'zh'"), where)
        if not isinstance(text, str):
            raise NnvizFileError(Message("must be text, not {type_name}", type_name=type_name(text)), where)
        if len(text) > MAX_TEXT:
            raise NnvizFileError(Message("is longer than {max_text} characters", max_text=MAX_TEXT), where)
    return dict(texts)


# ---------------------------------------------------------------------------------------- JSON shapes
def _object(value: Any, where: str) -> dict[str, Any]:
    if not isinstance(value, dict):
        raise NnvizFileError(Message("must be an object {{...}}, not {type_name}", type_name=type_name(value)), where)
    return value


def _list(tree: dict[str, Any], key: str, where: str, limit: int, what: str) -> list[Any]:
    if key not in tree:
        raise NnvizFileError(Message("the file has no {key!r} list", key=key), where)
    value = tree[key]
    if not isinstance(value, list):
        raise NnvizFileError(Message("must be a list, not {type_name}",
                                     type_name=type_name(value)), key_path(where, key))
    if len(value) > limit:
        raise NnvizFileError(Message(
            "holds {count:,} {what}; nnviz opens at most {limit:,}",
            count=len(value), what=translate(what), limit=limit), key_path(where, key))
    return value


def _text(value: Any, where: str, limit: int) -> str:
    if not isinstance(value, str) or not value:
        raise NnvizFileError(Message("must be non-empty text, not {type_name}", type_name=type_name(value)), where)
    if len(value) > limit:
        raise NnvizFileError(Message("is longer than {limit} characters", limit=limit), where)
    return value


def _shallow(value: dict[str, Any], where: str) -> dict[str, Any]:
    """Refuse free-form JSON nested deeper than MAX_DEPTH (saving it again would recurse that deep)."""
    level = [value]
    for _ in range(MAX_DEPTH):
        level = [c for v in level for c in (v.values() if isinstance(v, dict) else v)
                 if isinstance(c, (dict, list))]
        if not level:
            return value
    raise NnvizFileError(Message("is nested more than {max_depth} levels deep", max_depth=MAX_DEPTH), where)


def _known_keys(value: dict[str, Any], keys: tuple[str, ...], where: str) -> None:
    for key in value:
        if key not in keys:
            raise NnvizFileError(Message("unknown key {key!r} (expected {keys})", key=key, keys=', '.join(keys)), where)
