"""Colours and sizes shared by the canvas items, the palette and the icons (one place to restyle)."""

from __future__ import annotations

from PySide6.QtGui import QColor

CATEGORY_COLORS = {
    "Input": "#3D8BD9",
    "Core": "#7E57C2",
    "Activations": "#E8912D",
    "Convolution": "#1F9E8F",
    "Pooling": "#4CAF50",
    "Normalisation": "#D8437A",
    "Merge": "#8D6E63",
    "Regularisation": "#6F8794",
    "Sequence": "#5C6BC0",
}

# Micro-step roles the training panels highlight nodes with.
# Blue / vermillion / dark teal-green: distinct for protan, deutan and tritan vision too (see test_ship_theme).
HIGHLIGHT_COLORS = {"forward": "#1E88E5", "backward": "#D55E00", "update": "#00695C"}

NODE_WIDTH = 184.0
HEADER_HEIGHT = 24.0
LINE_HEIGHT = 17.0
PORT_RADIUS = 6.0
PORT_SPACING = 22.0
GLYPH_SIZE = 44.0

ERROR_COLOR = QColor("#D32F2F")
ERROR_FILL = QColor("#FDECEA")
BODY_FILL = QColor("#FFFFFF")
BODY_BORDER = QColor("#9AA3AD")
SELECTED_BORDER = QColor("#FFB300")
TEXT_COLOR = QColor("#1F2329")
MUTED_TEXT = QColor("#5F6670")
EDGE_COLOR = QColor("#7B8794")
EDGE_SELECTED = QColor("#FFB300")
PORT_OK = QColor("#2E7D32")
PORT_BAD = QColor("#C62828")
CANVAS_BACKGROUND = QColor("#F4F6F8")
GRID_COLOR = QColor("#E3E7EB")


def category_color(category: str) -> QColor:
    return QColor(CATEGORY_COLORS.get(category, "#607D8B"))
