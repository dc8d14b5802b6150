"""Canvas items for connections: a curve from an output port to an input port labelled with the tensor
shape it carries, and the rubber band drawn while the user wires two ports."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QFont, QFontMetricsF, QPainter, QPainterPath, QPainterPathStroker, QPen
from PySide6.QtWidgets import QGraphicsItem, QGraphicsPathItem, QStyleOptionGraphicsItem, QWidget

from nnviz.graph import Edge
from nnviz.ui.canvas.layout import COLUMN_GAP
from nnviz.ui.canvas.node_item import NodeItem
from nnviz.ui.widgets import theme

LABEL_FONT = QFont()
LABEL_FONT.setPointSizeF(8.0)


# An edge longer than this (a skip connection over a column of nodes) or running backwards is drawn as
# a bridge above the nodes in between, instead of a straight line hidden behind them.
BRIDGE_SPAN = 1.6 * COLUMN_GAP
BRIDGE_LIFT = 95.0  # above the higher port: clears a node card (ports sit ~60 px below a card's top)
BRIDGE_TURN = 40.0


def curve(start: QPointF, end: QPointF) -> QPainterPath:
    """A horizontal S-curve: leaves an output to the right, enters an input from the left."""
    span = end.x() - start.x()
    # Only long skips and edges running backwards bridge over the nodes; nodes placed close together
    # (a short forward edge) still get a plain S-curve, not a loop over their own cards.
    if span > BRIDGE_SPAN or span < 0:
        return bridge(start, end)
    dx = max(40.0, abs(span) * 0.5)
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + dx, start.y()), QPointF(end.x() - dx, end.y()), end)
    return path


def bridge(start: QPointF, end: QPointF) -> QPainterPath:
    """Up from the output, across above the nodes in between, down into the input."""
    top = min(start.y(), end.y()) - BRIDGE_LIFT
    r = BRIDGE_TURN
    path = QPainterPath(start)
    path.cubicTo(QPointF(start.x() + r, start.y()), QPointF(start.x() + r, top), QPointF(start.x() + 2 * r, top))
    path.lineTo(QPointF(end.x() - 2 * r, top))
    path.cubicTo(QPointF(end.x() - r, top), QPointF(end.x() - r, end.y()), end)
    return path


class EdgeItem(QGraphicsPathItem):
    def __init__(self, edge: Edge, src: NodeItem, dst: NodeItem) -> None:
        super().__init__()
        self.edge, self.src, self.dst = edge, src, dst
        self.label = ""
        self.known = True
        self.drop_target = False
        self.setFlag(QGraphicsItem.GraphicsItemFlag.ItemIsSelectable)
        self.setZValue(0)
        self._label_rect = QRectF()
        self.update_path()

    def set_label(self, text: str, known: bool) -> None:
        if (text, known) != (self.label, self.known):
            self.prepareGeometryChange()
            self.label, self.known = text, known
            self.setToolTip(text)
            self._place_label()
            self.update()

    def set_drop_target(self, on: bool) -> None:
        if on != self.drop_target:
            self.drop_target = on
            self.update()

    def update_path(self) -> None:
        self.prepareGeometryChange()
        self.setPath(curve(self.src.out_port_pos(), self.dst.in_port_pos(self.edge.port)))
        self._place_label()

    def _place_label(self) -> None:
        if not self.label:
            self._label_rect = QRectF()
            return
        width = QFontMetricsF(LABEL_FONT).horizontalAdvance(self.label) + 10
        mid = self.path().pointAtPercent(0.5)
        self._label_rect = QRectF(mid.x() - width / 2, mid.y() - 9, width, 18)

    def boundingRect(self) -> QRectF:
        return super().boundingRect().adjusted(-6, -6, 6, 6).united(self._label_rect)

    def shape(self) -> QPainterPath:
        stroker = QPainterPathStroker()
        stroker.setWidth(12)  # generous, so an edge is easy to click or to drop a layer on
        shape = stroker.createStroke(self.path())
        shape.addRect(self._label_rect)
        return shape

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = theme.EDGE_SELECTED if (self.isSelected() or self.drop_target) else theme.EDGE_COLOR
        pen = QPen(color, 3.5 if self.drop_target else 2.0)
        if not self.known:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        if self.label:
            painter.setPen(QPen(color, 1))
            painter.setBrush(theme.BODY_FILL)  # the label pill follows the light/dark theme
            painter.drawRoundedRect(self._label_rect, 8, 8)
            painter.setFont(LABEL_FONT)
            painter.setPen(theme.TEXT_COLOR if self.known else theme.MUTED_TEXT)
            painter.drawText(self._label_rect, Qt.AlignmentFlag.AlignCenter, self.label)


class WireItem(QGraphicsPathItem):
    """The rubber band from the port where a drag started to the cursor."""

    def __init__(self, start: QPointF, from_output: bool) -> None:
        super().__init__()
        self.start, self.from_output = start, from_output
        pen = QPen(QColor("#1E88E5"), 2.0, Qt.PenStyle.DashLine)
        self.setPen(pen)
        self.setZValue(5)
        self.move_to(start)

    def move_to(self, end: QPointF) -> None:
        self.setPath(curve(self.start, end) if self.from_output else curve(end, self.start))
