"""The canvas's Auto Layout: the core's layered layout (nnviz.graph.layout), re-exported for the UI.

The gaps live in the core so the PyTorch importer lays imported networks out as the canvas does.
"""

from __future__ import annotations

from nnviz.graph.layout import COLUMN_GAP, ROW_GAP, layered_layout

__all__ = ["COLUMN_GAP", "ROW_GAP", "layered_layout"]
