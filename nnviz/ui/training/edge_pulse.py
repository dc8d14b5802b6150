"""EdgePulse: the canvas edge that carries data in the current micro-step, drawn in the phase's colour
with a dot travelling along it (forward: into the active layer; backward: the gradient flowing out of it
back to the layers that fed it). An overlay of our own on the window's scene: the canvas is not changed.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QVariantAnimation
from PySide6.QtGui import QBrush, QColor, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsPathItem

COLOURS = {"forward": "#1E88E5", "backward": "#D55E00"}  # as the node highlights (theme.HIGHLIGHT_COLORS)
DURATION_MS = 450
DOT = 7.0


class EdgePulse(QObject):
    def __init__(self, scene: Any, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.scene = scene
        self.overlays: list[QGraphicsPathItem] = []
        self.reversed = False
        self._dots: list[QGraphicsEllipseItem] = []
        self._paths: list = []
        self._edges: list = []  # the canvas edge items marked, to follow their paths
        self._anim = QVariantAnimation(self)
        self._anim.setStartValue(0.0)
        self._anim.setEndValue(1.0)
        self._anim.setDuration(DURATION_MS)
        self._anim.valueChanged.connect(self._move)
        self._anim.finished.connect(self._drop_dots)

    def clear(self) -> None:
        self._anim.stop()
        self._drop_dots()
        for item in self.overlays:
            if item.scene() is not None:
                item.scene().removeItem(item)
        self.overlays.clear()
        self._paths.clear()
        self._edges.clear()

    def sync(self) -> None:
        """Follow the edges after the canvas moved them (a node grew a glyph, a node was dragged)."""
        for i, (overlay, edge_item) in enumerate(zip(self.overlays, self._edges)):
            if edge_item.scene() is None:
                continue
            path = edge_item.path()
            overlay.setPath(path)
            self._paths[i] = path

    def show(self, node: str | None, phase: str | None) -> None:
        """Mark the edges into `node` for a forward or backward micro-step; anything else clears."""
        self.clear()
        items = getattr(self.scene, "edge_items", None)
        if node is None or phase not in COLOURS or not items:
            return
        colour = QColor(COLOURS[phase])
        self.reversed = phase == "backward"
        for edge, edge_item in list(items.items()):
            if edge.dst != node:
                continue
            path = edge_item.path()
            glow = QColor(colour)
            glow.setAlpha(150)
            overlay = QGraphicsPathItem(path)
            overlay.setPen(QPen(glow, 5.0))
            overlay.setZValue(0.5)  # above the edge, below the nodes
            overlay.setAcceptedMouseButtons(overlay.acceptedMouseButtons().NoButton)
            self.scene.addItem(overlay)
            self.overlays.append(overlay)
            dot = QGraphicsEllipseItem(-DOT / 2, -DOT / 2, DOT, DOT)
            dot.setBrush(QBrush(colour))
            dot.setPen(QPen(QColor("#ffffff"), 1.5))
            dot.setZValue(3)
            self.scene.addItem(dot)
            self._dots.append(dot)
            self._paths.append(path)
            self._edges.append(edge_item)
        if self._dots:
            self._move(0.0)
            self._anim.start()

    def _move(self, t: float) -> None:
        t = 1.0 - float(t) if self.reversed else float(t)
        for dot, path in zip(self._dots, self._paths):
            dot.setPos(path.pointAtPercent(min(max(t, 0.0), 1.0)))

    def _drop_dots(self) -> None:
        for dot in self._dots:
            if dot.scene() is not None:
                dot.scene().removeItem(dot)
        self._dots.clear()
