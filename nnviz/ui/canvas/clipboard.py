"""Copy/paste payloads: selected nodes and the edges between them as plain JSON (no Qt, no pickle)."""

from __future__ import annotations

import json
from typing import Any

from nnviz.graph import GraphDocument

MIME_NODES = "application/x-nnviz-nodes"


def copy_payload(doc: GraphDocument, node_ids: list[str]) -> str:
    """JSON text for the given nodes and the edges that run between them."""
    chosen = [nid for nid in doc.nodes if nid in set(node_ids)]
    nodes = []
    for nid in chosen:
        node = doc.nodes[nid]
        nodes.append({
            "id": nid, "type": node.type, "name": node.name, "pos": list(node.pos),
            "params": {k: list(v) if isinstance(v, tuple) else v for k, v in node.params.items()},
            "weights": {k: v.tolist() for k, v in node.weights.items()},
        })
    edges = [[e.src, e.dst, e.port] for e in doc.edges if e.src in chosen and e.dst in chosen]
    return json.dumps({"nnviz_nodes": 1, "nodes": nodes, "edges": edges})


def parse_payload(text: str) -> dict[str, Any] | None:
    """The payload as a dict, or None when the text is not an nnviz node payload."""
    try:
        data = json.loads(text)
    except (ValueError, TypeError):
        return None
    if not isinstance(data, dict) or data.get("nnviz_nodes") != 1:
        return None
    if not isinstance(data.get("nodes"), list) or not isinstance(data.get("edges"), list):
        return None
    return data
