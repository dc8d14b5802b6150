"""The network shown at first start: a small classifier on 2-D data, ready to step."""

from __future__ import annotations

from nnviz.graph import GraphDocument
from nnviz.resources import resource_path
from nnviz.ui.canvas.layout import layered_layout


def default_document() -> GraphDocument:
    """resources/examples/xor.nnviz when it is shipped and readable, else the same network built here."""
    try:
        from nnviz.io import load

        path = resource_path("examples", "xor.nnviz")
        if path.is_file():
            return load(path)
    except (ImportError, FileNotFoundError, ValueError):
        pass  # fall back to the built-in network below
    doc = GraphDocument()
    doc.set_data({"kind": "generated", "name": "xor"})
    inp = doc.add_node("input", params={"shape": (2,)})
    hidden = doc.add_node("dense", name="hidden", params={"units": 8, "activation": "tanh"})
    out = doc.add_node("dense", name="output", params={"units": 2})
    doc.connect(inp.id, hidden.id)
    doc.connect(hidden.id, out.id)
    for node_id, pos in layered_layout(doc).items():
        doc.move(node_id, pos)
    return doc
