"""The canvas item for one layer: a card with type, name, key parameters, output shape, parameter count
and ports. It only displays what the scene tells it; its position is committed to the document on release.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt
from PySide6.QtGui import QBrush, QColor, QFont, QImage, QPainter, QPainterPath, QPen
from PySide6.QtWidgets import QGraphicsEllipseItem, QGraphicsItem, QStyleOptionGraphicsItem, QWidget

from nnviz.ui.widgets import theme


@dataclass(frozen=True)
class NodeInfo:
    """Everything the card shows; the scene builds it from the document and its analysis."""

    title: str
    category: str
    name: str
    key_params: str
    shape: str
    params: int | None
    error: str | None
    n_inputs: int
    has_output: bool
    description: str


class PortItem(QGraphicsEllipseItem):
    """An input (kind "in", with its index) or the output (kind "out") of a node."""

    def __init__(self, node: NodeItem, kind: str, index: int) -> None:
        r = theme.PORT_RADIUS
        super().__init__(-r, -r, 2 * r, 2 * r, node)
        self.node, self.kind, self.index = node, kind, index
        self.setAcceptHoverEvents(True)
        self.setCursor(Qt.CursorShape.CrossCursor)
        self.setZValue(2)
        self.set_state(None)
        what = QCoreApplication.translate("NodeItem", "output: drag to an input to connect") if kind == "out" else \
            QCoreApplication.translate("NodeItem", "input %d: drag from an output to connect") % (index + 1)
        self.setToolTip(what)

    def hoverEnterEvent(self, event) -> None:
        if self.state is None:
            self.set_state("point")  # "this is a port: drag from here" before the button goes down
        super().hoverEnterEvent(event)

    def hoverLeaveEvent(self, event) -> None:
        if self.state == "point":
            self.set_state(None)
        super().hoverLeaveEvent(event)

    def set_state(self, state: str | None) -> None:
        """None: normal; "ok": a compatible target while wiring; "bad": refused; "hover": the target under the
        cursor while wiring; "point": under the cursor, not wiring."""
        fill = {"ok": theme.PORT_OK, "bad": theme.PORT_BAD, "hover": theme.PORT_OK, "point": theme.PORT_OK}.get(
            state, QColor("#FFFFFF"))
        width = 3.0 if state in ("ok", "hover", "point") else 1.5
        self.setBrush(QBrush(fill))
        self.setPen(QPen(theme.BODY_BORDER.darker(130), width))
        self.state = state


class NodeItem(QGraphicsItem):
    def __init__(self, node_id: str, info: NodeInfo) -> None:
        super().__init__()
        self.node_id = node_id
        self.info = info
        self.highlight: str | None = None
        self.badge: tuple[str, str] | None = None
        self.glyph: QImage | None = None
        self.in_ports: list[PortItem] = []
        self.out_port: PortItem | None = None
        self.setFlags(QGraphicsItem.GraphicsItemFlag.ItemIsMovable | QGraphicsItem.GraphicsItemFlag.ItemIsSelectable
                      | QGraphicsItem.GraphicsItemFlag.ItemSendsGeometryChanges)
        self.setCacheMode(QGraphicsItem.CacheMode.DeviceCoordinateCache)
        self.setZValue(1)
        self._height = 0.0
        self.set_info(info, force=True)

    # ------------------------------------------------------------ state from the scene
    def set_info(self, info: NodeInfo, force: bool = False) -> bool:
        """Show new facts; returns False (and repaints nothing) when nothing changed."""
        if info == self.info and not force:
            return False
        ports_changed = force or (info.n_inputs, info.has_output) != (self.info.n_inputs, self.info.has_output)
        self.prepareGeometryChange()
        self.info = info
        self._height = self._compute_height()
        if ports_changed:
            self._rebuild_ports()
        self._place_ports()
        self._update_tooltip()
        self.update()
        return True

    def set_highlight(self, role: str | None) -> None:
        if role != self.highlight:
            self.highlight = role
            self.update()

    def set_badge(self, text: str | None, tooltip: str = "") -> None:
        self.badge = (text, tooltip) if text else None
        self._update_tooltip()
        self.update()

    def set_glyph(self, image: QImage | None) -> bool:
        """Show `image` on the card; True when the card changed size (its connections must follow)."""
        had_glyph = self.glyph is not None
        self.glyph = image
        if (image is not None) == had_glyph:  # a new picture of the same size: every micro-step while stepping
            self.update()
            return False
        self.prepareGeometryChange()
        self._height = self._compute_height()
        self._place_ports()
        self.update()
        return True

    # ------------------------------------------------------------ geometry
    def _compute_height(self) -> float:
        body = theme.HEADER_HEIGHT + 4 * theme.LINE_HEIGHT + 10
        if self.glyph is not None:
            body = max(body, theme.HEADER_HEIGHT + theme.GLYPH_SIZE + 4 * theme.LINE_HEIGHT + 12)
        ports = theme.HEADER_HEIGHT + self.info.n_inputs * theme.PORT_SPACING + 8
        return max(body, ports)

    def boundingRect(self) -> QRectF:
        r = theme.PORT_RADIUS + 2
        return QRectF(-r, -r - 4, theme.NODE_WIDTH + 2 * r, self._height + 2 * r + 4)

    def body_rect(self) -> QRectF:
        return QRectF(0, 0, theme.NODE_WIDTH, self._height)

    def card_rect(self) -> QRectF:
        """The card, in scene coordinates (without the ports sticking out of its sides)."""
        return self.mapRectToScene(self.body_rect())

    def _rebuild_ports(self) -> None:
        for port in [*self.in_ports, *([self.out_port] if self.out_port else [])]:
            port.setParentItem(None)
            if port.scene():
                port.scene().removeItem(port)
        self.in_ports = [PortItem(self, "in", i) for i in range(self.info.n_inputs)]
        self.out_port = PortItem(self, "out", 0) if self.info.has_output else None

    def _place_ports(self) -> None:
        n = len(self.in_ports)
        top = theme.HEADER_HEIGHT + (self._height - theme.HEADER_HEIGHT - (n - 1) * theme.PORT_SPACING) / 2
        for i, port in enumerate(self.in_ports):
            port.setPos(0, top + i * theme.PORT_SPACING)
        if self.out_port:
            self.out_port.setPos(theme.NODE_WIDTH, theme.HEADER_HEIGHT + (self._height - theme.HEADER_HEIGHT) / 2)

    def in_port_pos(self, index: int) -> QPointF:
        if 0 <= index < len(self.in_ports):
            return self.in_ports[index].scenePos()
        return self.mapToScene(QPointF(0, self._height / 2))

    def out_port_pos(self) -> QPointF:
        if self.out_port:
            return self.out_port.scenePos()
        return self.mapToScene(QPointF(theme.NODE_WIDTH, self._height / 2))

    def _update_tooltip(self) -> None:
        parts = [f"<b>{self.info.title}</b> '{_esc(self.info.name)}'", _esc(self.info.description)]
        if self.info.error:
            parts.append(f"<span style='color:#C62828'>{_esc(self.info.error)}</span>")
        if self.badge and self.badge[1]:
            parts.append(_esc(self.badge[1]))
        self.setToolTip("<br>".join(parts))

    def itemChange(self, change: QGraphicsItem.GraphicsItemChange, value: object) -> object:
        if change == QGraphicsItem.GraphicsItemChange.ItemPositionHasChanged and self.scene() is not None:
            self.scene().node_item_moved(self)  # edges follow while dragging
        return super().itemChange(change, value)

    # ------------------------------------------------------------ painting
    def paint(self, painter: QPainter, option: QStyleOptionGraphicsItem, widget: QWidget | None = None) -> None:
        info = self.info
        rect = self.body_rect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        color = theme.category_color(info.category)
        if self.highlight:
            glow = QColor(theme.HIGHLIGHT_COLORS.get(self.highlight, "#1E88E5"))
            painter.setPen(QPen(glow, 7))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawRoundedRect(rect.adjusted(-3, -3, 3, 3), 9, 9)
        border = theme.SELECTED_BORDER if self.isSelected() else (
            theme.ERROR_COLOR if info.error else theme.BODY_BORDER)
        painter.setPen(QPen(border, 2.5 if (self.isSelected() or info.error) else 1.2))
        painter.setBrush(theme.ERROR_FILL if info.error else theme.BODY_FILL)
        painter.drawRoundedRect(rect, 7, 7)
        header = QPainterPath()
        header.addRoundedRect(QRectF(rect.left(), rect.top(), rect.width(), theme.HEADER_HEIGHT + 7), 7, 7)
        clip = QPainterPath()
        clip.addRect(QRectF(rect.left(), rect.top(), rect.width(), theme.HEADER_HEIGHT))
        painter.fillPath(header.intersected(clip), theme.ERROR_COLOR if info.error else color)

        font = QFont(painter.font())
        font.setPointSizeF(9.0)
        font.setBold(True)
        painter.setFont(font)
        painter.setPen(QColor("#FFFFFF"))
        painter.drawText(QRectF(10, 0, rect.width() - 20, theme.HEADER_HEIGHT),
                         Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, info.title)

        y = theme.HEADER_HEIGHT + 4
        if self.glyph is not None:
            target = QRectF((rect.width() - theme.GLYPH_SIZE) / 2, y, theme.GLYPH_SIZE, theme.GLYPH_SIZE)
            painter.drawImage(target, self.glyph)
            y += theme.GLYPH_SIZE + 2
        lines = [(info.name, True, theme.TEXT_COLOR), (info.key_params, False, theme.MUTED_TEXT),
                 ("→ " + info.shape if info.has_output else info.shape, False, theme.TEXT_COLOR),
                 (_count_text(info.params), False, theme.MUTED_TEXT)]
        metrics_width = rect.width() - 22
        for text, bold, pen in lines:
            font.setBold(bold)
            font.setPointSizeF(9.0 if bold else 8.5)
            painter.setFont(font)
            painter.setPen(pen)
            elided = painter.fontMetrics().elidedText(text, Qt.TextElideMode.ElideRight, int(metrics_width))
            painter.drawText(QRectF(11, y, metrics_width, theme.LINE_HEIGHT),
                             Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, elided)
            y += theme.LINE_HEIGHT
        shown = self.shown_badge()
        if shown is not None:
            self._paint_badge(painter, *shown)

    def shown_badge(self) -> tuple[str, bool] | None:
        """The badge on the card: (text, is an error). A layer with a problem gets a red "!" (the problem
        itself is in the tooltip and the Problems panel, not written over its parameters)."""
        if self.badge:
            return self.badge[0], False
        return ("!", True) if self.info.error else None

    def _paint_badge(self, painter: QPainter, text: str, error: bool = False) -> None:
        font = QFont(painter.font())
        font.setPointSizeF(8.0)
        font.setBold(True)
        painter.setFont(font)
        width = max(18.0, painter.fontMetrics().horizontalAdvance(text) + 10.0)
        box = QRectF(theme.NODE_WIDTH - width - 4, 3, width, 18)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(QColor("#FFFFFF") if error else QColor("#FFF3E0"))
        painter.drawRoundedRect(box, 9, 9)
        painter.setPen(theme.ERROR_COLOR if error else QColor("#E65100"))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, text)


def _count_text(count: int | None) -> str:
    if count is None:
        return QCoreApplication.translate("NodeItem", "params: ?")
    if count == 1:
        return QCoreApplication.translate("NodeItem", "1 param")
    return QCoreApplication.translate("NodeItem", "%s params") % f"{count:,}"


def _esc(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
