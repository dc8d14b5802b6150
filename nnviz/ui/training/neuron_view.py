"""NeuronView: a small dense network drawn neuron by neuron, as TensorFlow Playground does.

Shown for chains of Input, Dense and activation nodes. A layer wider than MAX_UNITS shows its MAX_UNITS
strongest units (the largest weights: ‖W[j,:]‖ into a unit, ‖W[:,i]‖ out of an input), each labelled with
its unit number, and the panel says how many of how many it shows and why.
Connections: width = |weight|, colour = sign (orange positive, blue negative); click one to see and
edit its weight. Neurons: filled with their activation (forward) or their delta (backward) for the
first sample; for 2-D inputs each neuron instead shows its own output over the whole input plane.
"""

from __future__ import annotations

import copy
from typing import TYPE_CHECKING

import numpy as np
from PySide6.QtCore import QRectF, Qt, Signal
from PySide6.QtGui import QBrush, QColor, QImage, QPainter, QPen, QPixmap
from PySide6.QtWidgets import (
    QDoubleSpinBox,
    QGraphicsEllipseItem,
    QGraphicsLineItem,
    QGraphicsPixmapItem,
    QGraphicsScene,
    QGraphicsView,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.graph.registry import NEURON_ELEMENTWISE, NEURON_UNITS
from nnviz.ui.training.glyphs import tensor_rgb
from nnviz.ui.training.widgets import StatusLine, fit_wrapped

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

MAX_UNITS = 16
# A wide layer shows as many of its strongest units as the view has room for (at least MIN_SHOWN): 16 rows
# squeezed into a short dock would be specks.
MIN_SHOWN, ROW_PIXELS = 4, 24
PLANE = 24  # cells per side of a neuron's own output picture
COL_GAP, ROW_GAP, RADIUS = 150.0, 44.0, 15.0
POSITIVE, NEGATIVE = QColor(245, 130, 32), QColor(31, 119, 180)


def neuron_columns(session) -> list[tuple[str, int]] | None:
    """[(node id, units)] for Input and each Dense in order, or None when the network is not a plain
    chain of Dense layers (with optional activation nodes between them)."""
    cols = []
    for nid in session.order:
        layer = session.layers[nid]
        role = layer.capabilities.neuron_view
        if role == NEURON_UNITS:
            shape = layer.out_shape
        elif role == NEURON_ELEMENTWISE:
            continue
        else:
            return None
        if len(shape) != 1:
            return None
        cols.append((nid, shape[0]))
    feeds = session.net.feeds
    if any(len(feeds[n]) > 1 for n in session.order):
        return None
    return cols if len(cols) >= 2 else None


def shown_units(session, cols: list[tuple[str, int]], most: int = MAX_UNITS) -> dict[str, tuple[int, ...]]:
    """node -> the units drawn, in order: all of a narrow layer; of a wider one the `most` with the largest
    weights (the norm of the weights into a unit; for the inputs, of the weights out of each input)."""
    out = {}
    for c, (nid, units) in enumerate(cols):
        if units <= MAX_UNITS:  # a narrow layer is drawn whole
            out[nid] = tuple(range(units))
            continue
        if c == 0:
            strength = np.linalg.norm(session.layers[cols[1][0]].params["weight"], axis=0)
        else:
            strength = np.linalg.norm(session.layers[nid].params["weight"], axis=1)
        out[nid] = tuple(int(u) for u in np.sort(np.argsort(-strength, kind="stable")[:most]))
    return out


class ConnectionItem(QGraphicsLineItem):
    def __init__(self, node: str, j: int, i: int, *args) -> None:
        super().__init__(*args)
        self.node, self.j, self.i = node, j, i
        self.setAcceptedMouseButtons(Qt.MouseButton.LeftButton)
        self.setFlag(QGraphicsLineItem.GraphicsItemFlag.ItemIsSelectable)
        self.setCursor(Qt.CursorShape.PointingHandCursor)


class NeuronView(QWidget):
    title = "Neurons"
    # node, row (unit), column (input), new value: asks for the edit (the controller makes it undoable)
    weightEdited = Signal(str, int, int, float)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.scene = QGraphicsScene(self)
        self.view = QGraphicsView(self.scene)
        self.view.setRenderHint(QPainter.RenderHint.Antialiasing)
        for policy in (self.view.setHorizontalScrollBarPolicy, self.view.setVerticalScrollBarPolicy):
            policy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)  # the drawing is always fitted whole
        # The reason the view has nothing to draw, in place of the drawing (it changes only with the network,
        # so a wrapping label costs no re-layout per step).
        self.note = QLabel()
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.note.hide()
        self.edit_label = StatusLine(self.tr("Click a connection to see or change its weight."))
        self.edit_box = QDoubleSpinBox()
        self.edit_box.setRange(-1e6, 1e6)
        self.edit_box.setDecimals(6)
        self.edit_box.setEnabled(False)
        self.set_button = QPushButton(self.tr("Set weight"))
        self.set_button.setEnabled(False)
        self.set_button.clicked.connect(self._apply_edit)
        # The words on their own line, the editor below: side by side they would not fit a narrow dock.
        self.edit_row = QWidget()
        row = QHBoxLayout(self.edit_row)
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.edit_box, 1)
        row.addWidget(self.set_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.note, 1)
        # Which units a wide layer shows and why (changes with the network only: a wrapping label is cheap).
        self.subset_note = QLabel()
        self.subset_note.setWordWrap(True)
        self.subset_note.hide()
        layout.addWidget(self.subset_note)
        layout.addWidget(self.edit_label)
        layout.addWidget(self.edit_row)
        self.session = None
        self.columns: list[tuple[str, int]] | None = None
        self.units: dict[str, tuple[int, ...]] = {}  # node -> the units drawn (all, or a wide layer's strongest)
        self._last: tuple = (None, None)  # the phase and tensors last drawn, to draw again after a resize
        self.connections: dict[tuple[str, int, int], ConnectionItem] = {}
        self.neurons: dict[tuple[str, int], QGraphicsEllipseItem] = {}
        self.planes: dict[tuple[str, int], QGraphicsPixmapItem] = {}
        self.fills: dict[str, np.ndarray] = {}  # node -> values the neurons are filled with (tests)
        self.selected: tuple[str, int, int] | None = None
        self.scene.selectionChanged.connect(self._on_select)

    # ------------------------------------------------------------------ building
    def _build(self, session) -> None:
        self.scene.clear()
        self.connections.clear()
        self.neurons.clear()
        self.planes.clear()
        self.selected = None
        cols = self.columns
        tallest = max(len(self.units[nid]) for nid, _ in cols)
        pos: dict[tuple[str, int], tuple[float, float]] = {}
        for c, (nid, _) in enumerate(cols):
            shown = self.units[nid]
            top = (tallest - len(shown)) * ROW_GAP / 2
            for k, u in enumerate(shown):
                pos[(nid, u)] = (c * COL_GAP, top + k * ROW_GAP)
        for c in range(1, len(cols)):
            src, dst = cols[c - 1][0], cols[c][0]
            for j in self.units[dst]:
                for i in self.units[src]:
                    (x0, y0), (x1, y1) = pos[(src, i)], pos[(dst, j)]
                    item = ConnectionItem(dst, j, i, x0 + RADIUS, y0, x1 - RADIUS, y1)
                    item.setZValue(0)
                    self.scene.addItem(item)
                    self.connections[(dst, j, i)] = item
        names = session.net.names
        for (nid, u), (x, y) in pos.items():
            circle = QGraphicsEllipseItem(x - RADIUS, y - RADIUS, 2 * RADIUS, 2 * RADIUS)
            circle.setPen(QPen(QColor("#555"), 1.2))
            circle.setZValue(1)
            circle.setToolTip(self.tr("%s unit %d") % (names.get(nid, nid), u + 1))
            self.scene.addItem(circle)
            self.neurons[(nid, u)] = circle
            if len(self.units[nid]) < dict(cols)[nid]:  # a wide layer's unit: which one it is
                number = self.scene.addText(str(u + 1))
                number.setScale(0.8)
                number.setZValue(3)
                number.setPos(x - RADIUS - 4 - 0.8 * number.boundingRect().width(), y - 9)
        for c, (nid, units) in enumerate(cols):
            shown = len(self.units[nid])
            label = self.scene.addText(names.get(nid, nid) if shown == units else
                                       self.tr("%1 (%2 of %3)").replace("%1", names.get(nid, nid)).replace(
                                           "%2", str(shown)).replace("%3", str(units)))
            # Wrapped to its column (a Chinese "hidden_1（32 个中的 6 个）" ran into the next title) and
            # standing on the column's first neuron however many lines it takes.
            label.setTextWidth(COL_GAP - 10)
            label.setPos(c * COL_GAP - RADIUS, -RADIUS - 4 - label.boundingRect().height())
        self._fit()

    def _fit(self) -> None:
        """The whole drawing in the view, nothing to scroll: the scene is exactly the drawing (a scene grows
        with every item it ever held, and its scroll bars took width from a fitted drawing)."""
        drawing = self.scene.itemsBoundingRect().adjusted(-10, -10, 10, 10)
        self.scene.setSceneRect(drawing)
        self.view.fitInView(drawing, Qt.AspectRatioMode.KeepAspectRatio)

    def room(self) -> int:
        """How many units of a wide layer the view has room for."""
        return max(MIN_SHOWN, min(MAX_UNITS, self.view.height() // ROW_PIXELS))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        fit_wrapped(self.subset_note, self.width() - 4)  # 4: the layout's margins
        if self.columns and self.session is not None and shown_units(self.session, self.columns,
                                                                     self.room()) != self.units:
            self.refresh(self.session, *self._last)
        elif self.columns:
            self._fit()

    # ------------------------------------------------------------------ refreshing
    def follow(self, training: TrainingContext) -> None:
        """Redraw with training; a weight typed here is a hand edit (undoable, kept by Rewind)."""
        self.controller = c = training.controller
        training.follow(self, self.redraw, min_interval=0.2)
        self.weightEdited.connect(lambda node, j, i, value: c.edit_weight(node, "weight", (j, i), value))

    def redraw(self) -> None:
        c = self.controller
        self.refresh(c.session, c.current.event.phase if c.current else None, c.seen)

    def refresh(self, session, phase: str | None = None, seen: dict | None = None) -> None:
        self._last = (phase, seen)
        cols = neuron_columns(session) if session is not None else None
        if cols is None:
            if self.columns is not None or self.session is not session:
                self.scene.clear()
                self.connections.clear()
                self.neurons.clear()
            self.columns, self.session, self.units = None, session, {}
            self.note.setText(self.tr("The neuron view draws chains of Dense layers (Input, Dense and "
                                      "activations one after another, each a vector of units)."))
            self._show_drawing(False)
            return
        self._show_drawing(True)
        units = shown_units(session, cols, self.room())
        if cols != self.columns or session is not self.session or units != self.units:
            self.columns, self.session, self.units = cols, session, units
            self._build(session)
            self._explain_subset(session)
        self._draw_weights(session)
        self._draw_neurons(session, phase, seen or {})

    def _explain_subset(self, session) -> None:
        wide = [(nid, units) for nid, units in self.columns if len(self.units[nid]) < units]
        self.subset_note.setVisible(bool(wide))
        if wide:
            most = max(len(self.units[nid]) for nid, _ in wide)
            names = ", ".join(self.tr("'%1': %2 of %3").replace("%1", session.net.names.get(nid, nid)).replace(
                "%2", str(len(self.units[nid]))).replace("%3", str(units)) for nid, units in wide)
            text = self.tr("Wide layers show their %1 units with the largest weights (into a unit; out of an "
                           "input), numbered: %2.").replace("%1", str(most)).replace("%2", names)
            if most < MAX_UNITS:
                text += " " + self.tr("A taller panel shows more, up to %1.").replace("%1", str(MAX_UNITS))
            # One short line under the drawing (its column titles say "4 of 32" already): at 1280x800 the
            # whole sentence took three lines of a dock 250 px tall and left the drawing 110 px. The whole
            # sentence is the line's tooltip.
            self.subset_note.setToolTip(text)
            self.subset_note.setText(self.tr("Wide layers: their strongest units (by weight), numbered."))
            fit_wrapped(self.subset_note, self.width() - 4)  # 4: the layout's margins


    def _show_drawing(self, shown: bool) -> None:
        if self.view.isHidden() == shown:  # only on a change: showing and hiding re-lays out the panel
            for widget in (self.view, self.edit_label, self.edit_row):
                widget.setVisible(shown)
            self.note.setVisible(not shown)
            if not shown:
                self.subset_note.hide()

    def _draw_weights(self, session) -> None:
        weights = {nid: session.layers[nid].params["weight"] for nid, _ in self.columns[1:]}
        top = max((float(np.max(np.abs(w))) for w in weights.values() if w.size), default=1.0) or 1.0
        for (nid, j, i), item in self.connections.items():
            w = float(weights[nid][j, i])
            colour = QColor(POSITIVE if w >= 0 else NEGATIVE)
            colour.setAlphaF(0.35 + 0.65 * min(abs(w) / top, 1.0))
            width = 0.5 + 5.0 * min(abs(w) / top, 1.0)
            if item.isSelected():
                colour, width = QColor("#000"), max(width, 2.5)
            item.setPen(QPen(colour, width))
            item.setToolTip(self.tr("weight[%1, %2] of '%3' = %4").replace("%1", str(j + 1)).replace(
                "%2", str(i + 1)).replace("%3", session.net.names[nid]).replace("%4", f"{w:.6g}"))

    def _draw_neurons(self, session, phase: str | None, seen: dict) -> None:
        backward = phase == "backward"
        self.fills = {}
        for c, (nid, units) in enumerate(self.columns):
            last = self._column_output_node(session, c)
            if backward and "delta" in seen.get(nid, {}):
                values = seen[nid]["delta"]
            elif last in seen and "output" in seen[last]:
                values = seen[last]["output"]
            else:
                values = session.view.output(last)
            if values is None or np.ndim(values) != 2 or np.shape(values)[1] != units:
                continue
            shown = list(self.units[nid])
            first = np.asarray(values, dtype=float)[0, shown]  # sample 1, the units drawn
            self.fills[nid] = first
            rgb = tensor_rgb(first)[0]
            for k, u in enumerate(shown):
                self.neurons[(nid, u)].setBrush(QBrush(QColor(*[int(v) for v in rgb[k]])))
        if session.dataset.sample_shape == (2,) and not backward:
            self._draw_planes(session)
        else:
            for item in self.planes.values():
                item.hide()

    def _column_output_node(self, session, c: int) -> str:
        """The node whose output a column shows: its Dense, or the activation nodes right after it."""
        nid = self.columns[c][0]
        order = session.order
        k = order.index(nid) + 1
        while k < len(order) and session.layers[order[k]].capabilities.neuron_view == NEURON_ELEMENTWISE:
            nid = order[k]
            k += 1
        return nid

    def _draw_planes(self, session) -> None:
        d = session.dataset
        both = np.concatenate([d.x_train, d.x_val]) if len(d.x_val) else d.x_train
        lo, hi = both.min(axis=0), both.max(axis=0)
        xs, ys = np.linspace(lo[0], hi[0], PLANE), np.linspace(hi[1], lo[1], PLANE)  # y up
        gx, gy = np.meshgrid(xs, ys)
        acts = _all_outputs(session, np.stack([gx.ravel(), gy.ravel()], axis=1).astype(session.dtype))
        for c, (nid, _) in enumerate(self.columns):
            out = acts[self._column_output_node(session, c)]
            for u in self.units[nid]:
                rgb = tensor_rgb(out[:, u].reshape(PLANE, PLANE))
                image = QImage(rgb.data, PLANE, PLANE, 3 * PLANE, QImage.Format.Format_RGB888).copy()
                pix = QPixmap.fromImage(image).scaled(int(2 * RADIUS - 4), int(2 * RADIUS - 4))
                item = self.planes.get((nid, u))
                if item is None:
                    item = QGraphicsPixmapItem()
                    item.setZValue(2)
                    r = self.neurons[(nid, u)].rect()
                    item.setPos(r.x() + 2, r.y() + 2)
                    self.scene.addItem(item)
                    self.planes[(nid, u)] = item
                item.setPixmap(pix)
                item.show()

    # ------------------------------------------------------------------ editing a weight
    def select_connection(self, node: str, j: int, i: int) -> None:
        self.scene.clearSelection()
        self.connections[(node, j, i)].setSelected(True)

    def _on_select(self) -> None:
        items = [i for i in self.scene.selectedItems() if isinstance(i, ConnectionItem)]
        if not items or self.session is None:
            self.selected = None
            self.edit_box.setEnabled(False)
            self.set_button.setEnabled(False)
            return
        item = items[0]
        self.selected = (item.node, item.j, item.i)
        w = float(self.session.layers[item.node].params["weight"][item.j, item.i])
        self.edit_label.setText(self.tr("'%1' weight[%2, %3] =").replace("%1", self.session.net.names[item.node])
                                .replace("%2", str(item.j + 1)).replace("%3", str(item.i + 1)))
        self.edit_box.setValue(w)
        self.edit_box.setEnabled(True)
        self.set_button.setEnabled(True)
        self._draw_weights(self.session)

    def _apply_edit(self) -> None:
        if self.selected is None or self.session is None:
            return
        node, j, i = self.selected
        self.weightEdited.emit(node, j, i, float(self.edit_box.value()))
        if self.session is not None:
            self._draw_weights(self.session)

    def scene_rect(self) -> QRectF:
        return self.scene.itemsBoundingRect()


def _all_outputs(session, x: np.ndarray) -> dict[str, np.ndarray]:
    """Every node's output for x in evaluation mode, on shallow copies of the layers so the caches a
    pending backward needs (and z/delta the tensor panel shows) stay untouched."""
    acts: dict[str, np.ndarray] = {}
    feeds = session.net.feeds
    for nid in session.order:
        layer = copy.copy(session.layers[nid])
        layer.training = False
        acts[nid] = layer.forward([acts[s] for s in feeds[nid]] if feeds[nid] else [x])
    return acts
