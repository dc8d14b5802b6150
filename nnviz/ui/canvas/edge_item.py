"""Canvas items for connections: a curve from an output port to an input port labelled with the tensor
shape it carries, and the rubber band drawn while the user wires two ports.

The shape label is its own item above the nodes, so a card never paints over it ("(12, 3" between two
close layers): it sits on the curve where there is room, else just above (or below) the two layers, joined
to its curve by a dotted line."""

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
LABEL_HEIGHT = 18.0
LABEL_PAD = 10.0  # the pill's room around its text
LABEL_Z = 1.5  # above the node cards (1), below a dragged wire (5)
LABEL_GAP = 16.0  # the least room between two pills, so they read as two, not as one row
ON_CURVE = (0.5, 0.38, 0.62, 0.26, 0.74)  # where on its curve a label may sit, best first
OFF_CURVE_ROWS = 3  # rows of spots above and below the two layers


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
        self._label_anchor = QPointF()  # the point of the curve the label belongs to
        self.label_item = EdgeLabel(self)
        self.update_path()

    def set_label(self, text: str, known: bool) -> None:
        if (text, known) != (self.label, self.known):
            self.prepareGeometryChange()
            self.label, self.known = text, known
            self.setToolTip(text)
            self.label_item.setToolTip(text)
            self._place_label()
            self.update()

    def set_drop_target(self, on: bool) -> None:
        if on != self.drop_target:
            self.drop_target = on
            self.update()
            self.label_item.update()

    def update_path(self) -> None:
        self.prepareGeometryChange()
        self.setPath(curve(self.src.out_port_pos(), self.dst.in_port_pos(self.edge.port)))
        self._place_label()

    def _place_label(self) -> None:
        """The first free spot of `_label_spots`: free means it covers no card and no other edge's label
        (with LABEL_GAP to spare, so two pills never touch); where nothing is free, on the middle anyway
        (drawn above the cards, so still whole)."""
        self.label_item.prepareGeometryChange()
        if not self.label:
            self._label_rect = QRectF()
            self.label_item.setVisible(False)
            return
        spots = self._label_spots(QFontMetricsF(LABEL_FONT).horizontalAdvance(self.label) + LABEL_PAD)
        self._label_anchor, self._label_rect = next(
            ((anchor, rect) for anchor, rect in spots if self._is_free(rect)), spots[0])
        self.label_item.setVisible(True)
        self.label_item.update()

    def _label_spots(self, width: float) -> list[tuple[QPointF, QRectF]]:
        """(point on the curve, pill) in order of preference: on the curve's middle, elsewhere on the curve
        (two bridges along one line spread out), then above the two layers, below them, and rows further out,
        each also a little to the left and to the right, joined to the curve's middle by a dotted line."""
        path = self.path()
        spots = []
        for t in ON_CURVE:
            at = path.pointAtPercent(t)
            spots.append((at, QRectF(at.x() - width / 2, at.y() - LABEL_HEIGHT / 2, width, LABEL_HEIGHT)))
        mid = path.pointAtPercent(0.5)
        cards = [self.src.card_rect(), self.dst.card_rect()]
        top, bottom = min(r.top() for r in cards), max(r.bottom() for r in cards)
        step = LABEL_HEIGHT + LABEL_GAP
        for row in range(OFF_CURVE_ROWS):
            for y in (top - step - 4 - row * step, bottom + 4 + LABEL_GAP + row * step):
                for dx in (0.0, -(width + LABEL_GAP), width + LABEL_GAP):
                    spots.append((mid, QRectF(mid.x() - width / 2 + dx, y, width, LABEL_HEIGHT)))
        return spots

    def _is_free(self, rect: QRectF) -> bool:
        cards = [self.src.card_rect(), self.dst.card_rect()]
        if any(rect.intersects(card) for card in cards):
            return False
        scene = self.scene()
        if scene is None:
            return True
        room = rect.adjusted(-LABEL_GAP, -LABEL_GAP, LABEL_GAP, LABEL_GAP)
        for item in scene.items(room):
            if isinstance(item, NodeItem) and rect.intersects(item.card_rect()):
                return False
            if isinstance(item, EdgeLabel) and item is not self.label_item and item.isVisible() and \
                    room.intersects(item.edge.label_rect()):
                return False
        return True

    def label_rect(self) -> QRectF:
        """Where the shape label is drawn, in scene coordinates."""
        return QRectF(self._label_rect)

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        # The label is a separate top-level item (so it can sit above the cards): it enters and leaves the
        # scene with its edge.
        if change == QGraphicsItem.GraphicsItemChange.ItemSceneChange and self.label_item.scene() is not None:
            self.label_item.scene().removeItem(self.label_item)
        elif change == QGraphicsItem.GraphicsItemChange.ItemSceneHasChanged and value is not None:
            value.addItem(self.label_item)
            self._place_label()
        elif change == QGraphicsItem.GraphicsItemChange.ItemSelectedHasChanged:
            self.label_item.update()
        return super().itemChange(change, value)

    def color(self) -> QColor:
        return theme.EDGE_SELECTED if (self.isSelected() or self.drop_target) else theme.EDGE_COLOR

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
        color = self.color()
        pen = QPen(color, 3.5 if self.drop_target else 2.0)
        if not self.known:
            pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(self.path())
        anchor, rect = self._label_anchor, self._label_rect
        if self.label and not rect.contains(anchor):  # moved off the curve: say whose label it is
            painter.setPen(QPen(color, 1, Qt.PenStyle.DotLine))
            end = rect.bottom() if rect.top() < anchor.y() else rect.top()
            painter.drawLine(anchor, QPointF(min(max(anchor.x(), rect.left() + 8), rect.right() - 8), end))


class EdgeLabel(QGraphicsItem):
    """An edge's shape label: a pill with the whole text, above the node cards. Clicks pass through it."""

    def __init__(self, edge: EdgeItem) -> None:
        super().__init__()
        self.edge = edge
        self.setZValue(LABEL_Z)
        self.setAcceptedMouseButtons(Qt.MouseButton.NoButton)
        self.setVisible(False)

    def text(self) -> str:
        return self.edge.label

    def boundingRect(self) -> QRectF:
        return self.edge.label_rect()

    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        edge, rect = self.edge, self.edge.label_rect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(edge.color(), 1))
        painter.setBrush(theme.BODY_FILL)  # the label pill follows the light/dark theme
        painter.drawRoundedRect(rect, 8, 8)
        painter.setFont(LABEL_FONT)
        painter.setPen(theme.TEXT_COLOR if edge.known else theme.MUTED_TEXT)
        painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, edge.label)


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
