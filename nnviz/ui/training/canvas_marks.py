"""What training marks on the canvas besides the badges (NodeBadges, panel.py): the active node's
highlight with its edges pulsing, and each node's output glyph. Each follows the controller's signals
itself; the canvas is optional (a bare test window has none) and is used only through highlight_node
and set_node_glyph.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import numpy as np
from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.edge_pulse import EdgePulse
from nnviz.ui.training.glyphs import output_glyph

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext


class ActiveNode(QObject):
    """The node of the current micro-step, highlighted in its phase's colour, with its input edges pulsing."""

    def __init__(self, controller: TrainingController, canvas: Any = None, scene: Any = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas if hasattr(canvas, "highlight_node") else None
        self.edges = EdgePulse(scene, self) if scene is not None else None
        self.node: str | None = None
        controller.stepped.connect(lambda view: self.show(view.event.node, view.event.phase))
        controller.changed.connect(self._on_changed)
        controller.runningChanged.connect(lambda running: running and self.show(None, None))
        controller.halted.connect(self._on_halt)
        controller.sessionChanged.connect(lambda: self.show(None, None))

    def _on_changed(self, now: bool) -> None:
        if not now:
            return
        c = self.controller
        if c.current is None and (c.session is None or c.session.halted is None):
            self.show(None, None)  # a batch, an epoch, a rewind: no single micro-step is active
        if self.edges is not None:
            self.edges.sync()  # glyphs drawn just now may have resized nodes and moved their edges

    def _on_halt(self, err) -> None:
        node = self.controller.halt_node
        if node is not None:
            self.show(node, "backward" if err.event.phase == "backward" else "forward")

    def show(self, node: str | None, phase: str | None) -> None:
        if self.edges is not None:
            self.edges.show(node, phase)
        if self.canvas is None:
            return
        if self.node is not None and self.node != node:
            self.canvas.highlight_node(self.node, None)
        if node is not None and phase in ("forward", "backward", "update"):
            self.canvas.highlight_node(node, phase)
            self.node = node
        else:
            self.node = None


class NodeGlyphs(QObject):
    """Each node's output drawn small on its card; redrawn through the throttle like a panel."""

    def __init__(self, canvas: QWidget, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.canvas = canvas
        self._source: dict[str, np.ndarray] = {}  # the output array each node's glyph was drawn from

    def follow(self, training: TrainingContext) -> None:
        self.controller = training.controller
        training.follow(self.canvas, self.redraw, min_interval=0.25, on_session=self.clear)

    def clear(self) -> None:
        self._source.clear()
        doc = self.controller.doc
        for node in doc.nodes if doc is not None else ():
            self.canvas.set_node_glyph(node, None)

    def redraw(self) -> None:
        s = self.controller.session
        if s is None:
            return
        seen = self.controller.seen
        for nid in s.view.order:
            out = seen.get(nid, {}).get("output", s.view.output(nid))
            # A glyph changes only when its node's output array does: one forward micro-step redraws one
            # node's card, not every card on the canvas.
            if out is None and self._source.pop(nid, None) is not None:
                self.canvas.set_node_glyph(nid, None)  # rewound or reset: no output of this step yet
            if out is None or self._source.get(nid) is out:
                continue
            self._source[nid] = out
            if np.size(out) and np.all(np.isfinite(out)):
                self.canvas.set_node_glyph(nid, output_glyph(out))
