"""The canvas view: zoom with the wheel, pan with the middle button (or Space + drag), fit to view,
rubber-band selection, and drops from the palette (on empty space: a new node; on an edge: an insert)."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import (
    QDragEnterEvent,
    QDragMoveEvent,
    QDropEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QWheelEvent,
)
from PySide6.QtWidgets import QGraphicsView, QWidget

from nnviz.ui.canvas.composites import drop_composite, is_composite
from nnviz.ui.canvas.edge_item import EdgeItem
from nnviz.ui.canvas.palette import LAYER_MIME
from nnviz.ui.canvas.scene import GraphScene
from nnviz.ui.widgets import theme

MIN_ZOOM, MAX_ZOOM = 0.1, 4.0
# Fitting never zooms out so far that a card's smallest text (8.5 pt) is under this many pixels on screen:
# a 14-layer Transformer fitted whole at 1280x800 is a row of unreadable specks. A network wider than the
# view at that zoom is shown from its input on, and stepping follows the active layer (show_node).
# 7 px (the cards' 9 pt names 7.4 px) still reads, and keeps the 4-layer spirals whole in the 672x381 px
# canvas of a 1280x800 window.
READABLE_PX = 7.0
FIT_MARGIN = 24.0  # scene px around the network when fitting
SMALLEST_CARD_PT = 8.5
SCENE_MARGIN = 600.0  # room to pan beyond the network's outermost card, edge or label


class GraphView(QGraphicsView):
    def __init__(self, scene: GraphScene, parent: QWidget | None = None) -> None:
        super().__init__(scene, parent)
        self.graph_scene = scene
        self.setRenderHints(QPainter.RenderHint.Antialiasing | QPainter.RenderHint.TextAntialiasing)
        self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        self.setTransformationAnchor(QGraphicsView.ViewportAnchor.AnchorUnderMouse)
        self.setViewportUpdateMode(QGraphicsView.ViewportUpdateMode.SmartViewportUpdate)
        self.setAcceptDrops(True)
        self.setSceneRect(QRectF(-SCENE_MARGIN, -SCENE_MARGIN, 2 * SCENE_MARGIN, 2 * SCENE_MARGIN))
        self._pan_from: QPointF | None = None
        self._space = False
        self._drop_edge: EdgeItem | None = None
        # True while the view shows the whole network as fit_all left it: a resize (the window settling,
        # a panel opening) or an edit that leaves a layer outside the view fits again. A zoom or a pan by
        # the learner ends it.
        self.fitted = True
        scene.refreshed.connect(self._after_edit)

    # ------------------------------------------------------------ zoom and pan
    @property
    def zoom(self) -> float:
        return self.transform().m11()

    def zoom_by(self, factor: float) -> None:
        self.fitted = False
        self._scale_by(factor)
        self.update_scene_rect()

    def _scale_by(self, factor: float) -> None:
        factor = max(MIN_ZOOM / self.zoom, min(MAX_ZOOM / self.zoom, factor))
        self.scale(factor, factor)

    def reset_zoom(self) -> None:
        self.fitted = False
        self.resetTransform()
        self.update_scene_rect()

    def readable_zoom(self) -> float:
        """The smallest zoom at which a card's text is READABLE_PX high on this screen."""
        return READABLE_PX / (SMALLEST_CARD_PT * self.logicalDpiY() / 72.0)

    def first_node_rect(self) -> QRectF:
        """Where the network starts: its left-most layer without inputs (an Input), in scene coordinates."""
        items = self.graph_scene.node_items
        doc = self.graph_scene.document
        sources = [i for nid, i in items.items() if not doc.inputs_of(nid)] or list(items.values())
        if not sources:
            return QRectF()
        return min(sources, key=lambda i: (i.pos().x(), i.pos().y())).sceneBoundingRect()

    def network_rect(self) -> QRectF:
        """The scene rectangle the layers and their shape labels cover (empty without layers): a label
        of a connection running backwards hangs out to the left of the first layer."""
        rect = QRectF()
        for item in self.graph_scene.node_items.values():
            rect = rect.united(item.sceneBoundingRect())
        if rect.isEmpty():
            return rect
        for edge in self.graph_scene.edge_items.values():
            if edge.label:
                rect = rect.united(edge.label_rect())
        return rect

    def visible_rect(self) -> QRectF:
        return self.mapToScene(self.viewport().rect()).boundingRect()

    def show_node(self, node_id: str) -> None:
        """Bring a layer into view (the active one while stepping) without changing the zoom."""
        item = self.graph_scene.node_items.get(node_id)
        if item is not None and not self.visible_rect().contains(item.sceneBoundingRect()):
            was = self.fitted
            self.ensureVisible(item, 40, 40)
            self.fitted = was and self.visible_rect().contains(self.network_rect())

    def update_scene_rect(self) -> None:
        """What the scroll bars cover: everything on the canvas plus SCENE_MARGIN, and at least what the view
        shows now (so the view never jumps): a network of any size, a card dragged however far, stays in
        reach of scrolling, fitting and following the active layer."""
        content = self.graph_scene.itemsBoundingRect()
        if content.isEmpty():
            content = QRectF(0, 0, 0, 0)
        rect = content.adjusted(-SCENE_MARGIN, -SCENE_MARGIN, SCENE_MARGIN, SCENE_MARGIN).united(self.visible_rect())
        if rect != self.sceneRect():
            self.setSceneRect(rect)

    def _after_edit(self) -> None:
        # Undo, Auto Layout, an insert, a paste: when a layer ended up outside the view, show all again;
        # a network too wide to show whole at a readable zoom is refitted only when no layer is left in view
        # (else every edit at its far end would throw the view back to its input).
        self.update_scene_rect()
        rect = self.network_rect()
        if rect.isEmpty():
            self.viewport().update()  # the empty-canvas hint covers the whole view
        elif not self.visible_rect().contains(rect) and (self._fits_readably(rect) or not any(
                self.visible_rect().intersects(i.sceneBoundingRect()) for i in self.graph_scene.node_items.values())):
            self.fit_all()

    def _fits_readably(self, rect: QRectF) -> bool:
        room = self.viewport().rect()
        return (rect.width() + 2 * FIT_MARGIN) * self.readable_zoom() <= room.width() and \
            (rect.height() + 2 * FIT_MARGIN) * self.readable_zoom() <= room.height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if self.fitted:
            self.fit_all()
        else:
            self.update_scene_rect()

    def fit_all(self) -> None:
        """Show every node, at most at 100 % so a tiny graph is not blown up, and at least at the readable
        zoom: a network wider (or taller) than that is shown from its first layer on."""
        self.fitted = True
        self.update_scene_rect()
        try:
            self._fit()
        finally:
            self.update_scene_rect()  # no wider than the fitted view needs

    def _fit(self) -> None:
        rect = self.network_rect()
        if rect.isEmpty():
            self.resetTransform()
            self.centerOn(0, 0)
            return
        rect.adjust(-FIT_MARGIN, -FIT_MARGIN, FIT_MARGIN, FIT_MARGIN)
        self.fitInView(rect, Qt.AspectRatioMode.KeepAspectRatio)
        if self.zoom > 1.0:
            self.resetTransform()
            self.centerOn(rect.center())
        elif self.zoom < self.readable_zoom():
            self.resetTransform()
            self.scale(self.readable_zoom(), self.readable_zoom())
            self.centerOn(self._start_of(rect))

    def _start_of(self, rect: QRectF) -> QPointF:
        """The view's centre that shows the network's first layer near the left edge (and its middle
        row when the network is not too tall, else the first layer's row)."""
        seen = self.visible_rect()
        first = self.first_node_rect()
        x = min(rect.left() + seen.width() / 2, rect.center().x()) if first.isEmpty() else \
            min(max(first.left() - FIT_MARGIN, rect.left()) + seen.width() / 2, rect.center().x())
        y = rect.center().y() if seen.height() >= rect.height() or first.isEmpty() else \
            max(first.center().y(), rect.top() + seen.height() / 2)
        return QPointF(x, y)

    def drawForeground(self, painter: QPainter, rect: QRectF) -> None:
        super().drawForeground(painter, rect)
        if self.graph_scene.node_items:
            return
        # An empty canvas says how to begin (in view coordinates: the same size at any zoom).
        painter.save()
        painter.resetTransform()
        box = self.viewport().rect().adjusted(40, 40, -40, -40)
        font = painter.font()
        font.setPointSizeF(font.pointSizeF() * 1.25)
        painter.setFont(font)
        painter.setPen(theme.MUTED_TEXT)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap, self.empty_hint())
        painter.restore()

    def empty_hint(self) -> str:
        return self.tr("An empty network.\n\nDrag an Input layer from the Layers palette onto this canvas, then "
                       "the layers that follow it; drag from an output port to an input port to connect them.\n\n"
                       "Or open a ready-made one: Help ▸ Examples Gallery.")

    def wheelEvent(self, event: QWheelEvent) -> None:
        steps = event.angleDelta().y() / 120.0
        if steps:
            self.zoom_by(1.15 ** steps)
        event.accept()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = True
            self.setDragMode(QGraphicsView.DragMode.ScrollHandDrag)
        super().keyPressEvent(event)

    def keyReleaseEvent(self, event: QKeyEvent) -> None:
        if event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self._space = False
            self.setDragMode(QGraphicsView.DragMode.RubberBandDrag)
        super().keyReleaseEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        if self._space or event.button() == Qt.MouseButton.MiddleButton:
            self.fitted = False  # the learner moves the view: leave it where they put it
        if event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = event.position()
            self.setCursor(Qt.CursorShape.ClosedHandCursor)
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseMoveEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None:
            delta = event.position() - self._pan_from
            self._pan_from = event.position()
            self.horizontalScrollBar().setValue(int(self.horizontalScrollBar().value() - delta.x()))
            self.verticalScrollBar().setValue(int(self.verticalScrollBar().value() - delta.y()))
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if self._pan_from is not None and event.button() == Qt.MouseButton.MiddleButton:
            self._pan_from = None
            self.unsetCursor()
            event.accept()
            return
        super().mouseReleaseEvent(event)

    # ------------------------------------------------------------ drops from the palette
    def dragEnterEvent(self, event: QDragEnterEvent) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            event.acceptProposedAction()
        else:
            super().dragEnterEvent(event)

    def dragMoveEvent(self, event: QDragMoveEvent) -> None:
        if event.mimeData().hasFormat(LAYER_MIME):
            self._set_drop_edge(self.graph_scene.edge_at(self.mapToScene(event.position().toPoint())))
            event.acceptProposedAction()
        else:
            super().dragMoveEvent(event)

    def dragLeaveEvent(self, event) -> None:
        self._set_drop_edge(None)
        super().dragLeaveEvent(event)

    def dropEvent(self, event: QDropEvent) -> None:
        if not event.mimeData().hasFormat(LAYER_MIME):
            super().dropEvent(event)
            return
        self._set_drop_edge(None)
        type_key = bytes(event.mimeData().data(LAYER_MIME).data()).decode("utf-8")
        pos = self.mapToScene(event.position().toPoint())
        self.drop_layer(type_key, pos)
        # Always a copy: a "move" would make the palette remove its entry when the drag ends.
        event.setDropAction(Qt.DropAction.CopyAction)
        event.accept()

    def drop_layer(self, type_key: str, pos: QPointF) -> str | None:
        """Create a layer with its header under `pos`; on an edge, insert it into that connection."""
        scene = self.graph_scene
        top_left = (pos.x() - theme.NODE_WIDTH / 2, pos.y() - theme.HEADER_HEIGHT / 2)
        edge = scene.edge_at(pos)
        refusals: list[str] = []
        added: list[str] = []

        def note(message: str) -> None:
            refusals.append(message)

        scene.controller.refused.connect(note)
        try:
            if is_composite(type_key):  # a block of layers (nnviz.ui.canvas.composites)
                added = drop_composite(scene.controller, type_key, top_left, edge.edge if edge else None)
                node_id = added[0] if added else None
            elif edge is not None:
                node_id = scene.controller.insert_on_edge(type_key, edge.edge, top_left)
            else:
                node_id = scene.controller.add_node(type_key, top_left)
        finally:
            scene.controller.refused.disconnect(note)
        if node_id:
            scene.select_nodes(added if is_composite(type_key) else [node_id])
        elif refusals:
            scene.show_message(refusals[-1], pos)  # say why where the user let go
        return node_id

    def _set_drop_edge(self, edge: EdgeItem | None) -> None:
        if edge is not self._drop_edge:
            if self._drop_edge is not None and self._drop_edge.scene() is not None:
                self._drop_edge.set_drop_target(False)
            if edge is not None:
                edge.set_drop_target(True)
            self._drop_edge = edge

    # ------------------------------------------------------------ API for the training panels
    def highlight_node(self, node_id: str | None, color_role: str | None) -> None:
        """Outline a node in a micro-step phase colour ("forward", "backward", "update"); None clears."""
        self.graph_scene.highlight_node(node_id, color_role)

    def set_node_badge(self, node_id: str, text: str | None, tooltip: str = "") -> None:
        """A small badge at a node's top-right (e.g. "!" for a vanishing gradient), with a tooltip."""
        self.graph_scene.set_node_badge(node_id, text, tooltip)

    def set_node_glyph(self, node_id: str, image) -> None:
        """A small picture on the node's face (a QImage: activations, a filter), or None to remove it."""
        self.graph_scene.set_node_glyph(node_id, image)

    def centre_of_view(self) -> QPointF:
        return self.mapToScene(self.viewport().rect().center())
