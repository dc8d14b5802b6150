"""Automatic layered layout: columns by depth from the inputs, rows ordered to limit crossings.

Qt-free, so the canvas's Auto Layout (nnviz.ui.canvas.layout) and the PyTorch importer place nodes alike;
the gaps defined here are the single source for both.
"""

from __future__ import annotations

from collections import defaultdict

from nnviz.graph.document import GraphDocument

COLUMN_GAP = 270.0  # node width (184) plus room for an edge's shape label such as (16, 14, 14)
ROW_GAP = 150.0  # tallest node (~120) plus a margin


def layered_layout(doc: GraphDocument, origin: tuple[float, float] = (0.0, 0.0)) -> dict[str, tuple[float, float]]:
    """Top-left positions {node id: (x, y)} for every node: data flows left to right, one column per
    depth from the inputs (doc.analysis().order); nodes sharing a column (branches) are stacked
    ROW_GAP apart around the row of their predecessors."""
    order = doc.analysis().order  # topological where possible; cycles are appended at the end
    preds: dict[str, list[str]] = defaultdict(list)
    for e in doc.edges:
        preds[e.dst].append(e.src)
    depth: dict[str, int] = {}
    for nid in order:
        depth[nid] = 1 + max((depth[p] for p in preds[nid] if p in depth), default=-1)
    columns: dict[int, list[str]] = defaultdict(list)
    for nid in order:
        columns[depth[nid]].append(nid)
    row: dict[str, float] = {}
    positions: dict[str, tuple[float, float]] = {}
    for col in sorted(columns):
        members = columns[col]
        # Barycentre of the predecessors' rows keeps a chain straight and branches next to their source.
        members.sort(key=lambda n: _mean([row[p] for p in preds[n] if p in row], default=len(row)))
        offset = (len(members) - 1) / 2.0
        for i, nid in enumerate(members):
            row[nid] = i - offset
            positions[nid] = (origin[0] + col * COLUMN_GAP, origin[1] + (i - offset) * ROW_GAP)
    return positions


def _mean(values: list[float], default: float) -> float:
    return sum(values) / len(values) if values else default
