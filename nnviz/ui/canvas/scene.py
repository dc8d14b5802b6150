"""The graph scene: draws the document (nodes, edges, shapes, errors) and turns mouse gestures into
intents for the controller (connect two ports, commit a drag). It holds no truth of its own: after every
document change it diffs its items against the document and refreshes what the analysis says.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, QPointF, QRectF, Qt, QTimer, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen
from PySide6.QtWidgets import (
    QGraphicsScene,
    QGraphicsSceneMouseEvent,
    QGraphicsSimpleTextItem,
)

from nnviz.graph import Change, Edge, GraphDocument, fmt_shape
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.edge_item import EdgeItem, EdgeLabel, WireItem
from nnviz.ui.canvas.node_item import NodeInfo, NodeItem, PortItem
from nnviz.ui.widgets import theme
from nnviz.ui.widgets.i18n import core_tr  # the core's strings in the UI language

GRID = 24
PILED_OVERLAP = 0.25  # two cards sharing more than this share of a card are piled up, not placed


class GraphScene(QGraphicsScene):
    """Items for `controller.document`. `refreshed` fires after each redraw from the document."""

    refreshed = Signal()

    def __init__(self, controller: GraphController) -> None:
        super().__init__()
        self.controller = controller
        self.document: GraphDocument = controller.document
        self.node_items: dict[str, NodeItem] = {}
        self.edge_items: dict[Edge, EdgeItem] = {}
        self._wire: tuple[PortItem, WireItem] | None = None
        self._hover_port: PortItem | None = None
        self._drag_start: dict[str, QPointF] = {}
        self._message: QGraphicsSimpleTextItem | None = None
        self._message_timer = QTimer(self)
        self._message_timer.setSingleShot(True)
        self._message_timer.timeout.connect(self.clear_message)
        self.setItemIndexMethod(QGraphicsScene.ItemIndexMethod.NoIndex)  # items move often; 200 nodes is small
        self.document.subscribe(self._on_change)
        self.rebuild()
        self._unpile()

    # ------------------------------------------------------------ document -> items
    def set_document(self, document: GraphDocument) -> None:
        self.document.unsubscribe(self._on_change)
        self.document = document
        document.subscribe(self._on_change)
        self.rebuild()
        self._unpile()

    def _unpile(self) -> None:
        """A network shown with its cards on top of each other (built in code or imported without positions:
        every layer at (0, 0)) is laid out as Auto Layout would, without an undo step; a network whose cards
        lie apart keeps the places its author gave them."""
        if cards_pile_up([item.card_rect() for item in self.node_items.values()]):
            self.controller.auto_layout_unrecorded()

    def rebuild(self) -> None:
        self.cancel_wire()
        for item in [*self.edge_items.values(), *self.node_items.values()]:
            self.removeItem(item)
        self.node_items.clear()
        self.edge_items.clear()
        self.sync()

    def _on_change(self, change: Change) -> None:
        if change.kind == "moved" and change.node in self.node_items:
            node = self.document.nodes[change.node]
            self.node_items[change.node].setPos(QPointF(*node.pos))
            self.refreshed.emit()  # a move by Undo or Auto Layout: the view keeps the network in sight
            return
        if change.kind in ("data", "training"):
            return
        self.sync()

    def sync(self) -> None:
        """Bring items in line with the document: add/remove nodes and edges, refresh every label."""
        doc = self.document
        for nid in [n for n in self.node_items if n not in doc.nodes]:
            item = self.node_items.pop(nid)
            self.removeItem(item)
        analysis = doc.analysis()
        for nid, node in doc.nodes.items():
            info = self._info(nid, analysis)
            item = self.node_items.get(nid)
            if item is None:
                item = NodeItem(nid, info)
                self.node_items[nid] = item
                self.addItem(item)
                item.setPos(QPointF(*node.pos))
            elif item.set_info(info) and item.in_ports:
                for e in doc.inputs_of(nid):  # port positions may have shifted
                    if e in self.edge_items:
                        self.edge_items[e].update_path()
        current = set(doc.edges)
        for edge in [e for e in self.edge_items if e not in current]:
            self.removeItem(self.edge_items.pop(edge))
        for edge in doc.edges:
            item = self.edge_items.get(edge)
            if item is None:
                item = EdgeItem(edge, self.node_items[edge.src], self.node_items[edge.dst])
                self.edge_items[edge] = item
                self.addItem(item)
            shape = analysis.shapes.get(edge.src)
            item.set_label(fmt_shape(shape) if shape else "?", shape is not None)
        self.refreshed.emit()

    def _info(self, nid: str, analysis) -> NodeInfo:
        node = self.document.nodes[nid]
        spec = node.spec
        # "activation=none" says nothing; leave it off so the parameters that matter fit on the card.
        keys = [f"{core_tr(p.title)}={_fmt_value(node.params[p.name])}" for p in spec.params
                if p.key and node.params[p.name] != "none"]
        shape = analysis.shapes.get(nid)
        return NodeInfo(
            title=core_tr(spec.label), category=spec.category, name=node.name,
            key_params=", ".join(keys) or core_tr(spec.description),
            shape=fmt_shape(shape) if shape else "?", params=analysis.param_counts.get(nid),
            error=analysis.errors.get(nid), n_inputs=spec.num_inputs(node.params), has_output=True,
            description=core_tr(spec.description),
        )

    def node_item_moved(self, item: NodeItem) -> None:
        doc = self.document
        own = [*doc.inputs_of(item.node_id), *doc.outputs_of(item.node_id)]
        for edge in own:
            edge_item = self.edge_items.get(edge)
            if edge_item is not None:
                edge_item.update_path()
        # Another edge's label that the card now covers moves to a free spot.
        for label in [i for i in self.items(item.card_rect()) if isinstance(i, EdgeLabel)]:
            if label.edge.edge not in own and label.isVisible() and label.edge.label_rect().intersects(
                    item.card_rect()):
                label.edge.update_path()

    # ------------------------------------------------------------ API for the training panels
    def highlight_node(self, node_id: str | None, color_role: str | None) -> None:
        """Outline a node in the colour of a micro-step phase ("forward", "backward", "update"), or
        clear it with None. node_id None clears every node."""
        targets = self.node_items.values() if node_id is None else [self.node_items.get(node_id)]
        for item in targets:
            if item is not None:
                item.set_highlight(color_role)

    def set_node_badge(self, node_id: str, text: str | None, tooltip: str = "") -> None:
        item = self.node_items.get(node_id)
        if item is not None:
            item.set_badge(text, tooltip)

    def set_node_glyph(self, node_id: str, image: QImage | None) -> None:
        item = self.node_items.get(node_id)
        # Re-route the connections (and place their labels) only when the card changed size.
        if item is not None and item.set_glyph(image):
            self.node_item_moved(item)

    # ------------------------------------------------------------ selection and lookup
    def selected_node_ids(self) -> list[str]:
        return [i.node_id for i in self.selectedItems() if isinstance(i, NodeItem)]

    def selected_edges(self) -> list[Edge]:
        return [i.edge for i in self.selectedItems() if isinstance(i, EdgeItem)]

    def select_nodes(self, node_ids: list[str]) -> None:
        self.clearSelection()
        for nid in node_ids:
            if nid in self.node_items:
                self.node_items[nid].setSelected(True)

    def edge_at(self, pos: QPointF) -> EdgeItem | None:
        for item in self.items(pos):
            if isinstance(item, EdgeItem):
                return item
            if isinstance(item, NodeItem | PortItem):
                return None  # a node covers the point: it is not a drop on the edge
        return None

    def port_at(self, pos: QPointF) -> PortItem | None:
        # A little slack so a release near a port counts: ports are small targets.
        area = QRectF(pos.x() - 8, pos.y() - 8, 16, 16)
        ports = [i for i in self.items(area) if isinstance(i, PortItem)]
        if not ports:
            return None
        return min(ports, key=lambda p: (p.scenePos() - pos).manhattanLength())

    # ------------------------------------------------------------ messages on the canvas
    def show_message(self, text: str, pos: QPointF, msecs: int = 5000) -> None:
        """A short red note at `pos` (a refused connection says why where the user let go)."""
        self.clear_message()
        item = QGraphicsSimpleTextItem(text)
        item.setBrush(QBrush(theme.ERROR_COLOR))
        item.setZValue(10)
        item.setPos(pos + QPointF(12, 10))
        self.addItem(item)
        self._message = item
        self._message_timer.start(msecs)

    def clear_message(self) -> None:
        if self._message is not None:
            self.removeItem(self._message)
            self._message = None

    @property
    def message(self) -> str:
        return self._message.text() if self._message is not None else ""

    # ------------------------------------------------------------ wiring and dragging
    def mousePressEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        port = self.port_at(event.scenePos()) if event.button() == Qt.MouseButton.LeftButton else None
        if port is not None:
            self.start_wire(port)
            event.accept()
            return
        super().mousePressEvent(event)
        self._drag_start = {i.node_id: i.pos() for i in self.selectedItems() if isinstance(i, NodeItem)}

    def mouseMoveEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self.move_wire(event.scenePos())
            event.accept()
            return
        super().mouseMoveEvent(event)

    def mouseReleaseEvent(self, event: QGraphicsSceneMouseEvent) -> None:
        if self._wire is not None:
            self.finish_wire(event.scenePos())
            event.accept()
            return
        super().mouseReleaseEvent(event)
        moved = {nid: (item.pos().x(), item.pos().y()) for nid, start in self._drag_start.items()
                 if (item := self.node_items.get(nid)) is not None and item.pos() != start}
        self._drag_start = {}
        if moved:
            self.controller.move_nodes(moved)

    def start_wire(self, port: PortItem) -> None:
        self.cancel_wire()
        wire = WireItem(port.scenePos(), from_output=port.kind == "out")
        self.addItem(wire)
        self._wire = (port, wire)
        for item in self.node_items.values():
            for target in [*item.in_ports, *([item.out_port] if item.out_port else [])]:
                if target.kind != port.kind:
                    target.set_state("ok" if self._problem(port, target) is None else "bad")

    def move_wire(self, pos: QPointF) -> None:
        assert self._wire is not None
        start, wire = self._wire
        wire.move_to(pos)
        hover = self.port_at(pos)
        if hover is not self._hover_port:
            if self._hover_port is not None and self._hover_port.state == "hover":
                self._hover_port.set_state("ok")
            if hover is not None and hover.state == "ok":
                hover.set_state("hover")
            self._hover_port = hover

    def finish_wire(self, pos: QPointF) -> None:
        assert self._wire is not None
        start = self._wire[0]
        target = self.port_at(pos)
        self.cancel_wire()
        if target is None or target.kind == start.kind:
            return
        problem = self._problem(start, target)
        if problem:
            self.show_message(problem, pos)
            self.controller.refused.emit(problem)
            return
        src, dst = (start, target) if start.kind == "out" else (target, start)
        self.controller.connect(src.node.node_id, dst.node.node_id, dst.index)

    def cancel_wire(self) -> None:
        if self._wire is None:
            return
        self.removeItem(self._wire[1])
        self._wire = None
        self._hover_port = None
        for item in self.node_items.values():
            for port in [*item.in_ports, *([item.out_port] if item.out_port else [])]:
                if port.state is not None:
                    port.set_state(None)

    def _problem(self, a: PortItem, b: PortItem) -> str | None:
        src, dst = (a, b) if a.kind == "out" else (b, a)
        return self.document.connection_problem(src.node.node_id, dst.node.node_id, dst.index)

    # ------------------------------------------------------------ background
    def drawBackground(self, painter: QPainter, rect: QRectF) -> None:
        painter.fillRect(rect, theme.CANVAS_BACKGROUND)
        if painter.transform().m11() < 0.4:
            return  # a grid at low zoom is only noise
        painter.setPen(QPen(QColor(theme.GRID_COLOR), 1))
        left = int(rect.left()) - int(rect.left()) % GRID
        top = int(rect.top()) - int(rect.top()) % GRID
        lines = [QPointF(x, rect.top()) for x in range(left, int(rect.right()) + 1, GRID)]
        for p in lines:
            painter.drawLine(p, QPointF(p.x(), rect.bottom()))
        for y in range(top, int(rect.bottom()) + 1, GRID):
            painter.drawLine(QPointF(rect.left(), y), QPointF(rect.right(), y))


def cards_pile_up(cards: list[QRectF]) -> bool:
    """True when two cards overlap by more than PILED_OVERLAP of a card: more than a learner's card dragged
    a little onto its neighbour, which stays where it was put."""
    cards = sorted(cards, key=QRectF.left)
    for i, a in enumerate(cards):
        for b in cards[i + 1:]:
            if b.left() >= a.right():
                break  # sorted by left edge: no later card reaches back to `a`
            common = a.intersected(b)
            if common.width() * common.height() > PILED_OVERLAP * min(a.width() * a.height(), b.width() * b.height()):
                return True
    return False


def _fmt_value(value: object) -> str:
    if isinstance(value, bool):  # "因果=是", not "因果=False" (the inspector shows a check box)
        return QCoreApplication.translate("GraphScene", "yes") if value else QCoreApplication.translate(
            "GraphScene", "no")
    if isinstance(value, tuple):
        return "×".join(str(v) for v in value) if len(value) > 1 else str(value[0])
    if isinstance(value, float):
        return f"{value:g}"
    return core_tr(str(value))  # a choice such as "none" or "learned" in the learner's language



