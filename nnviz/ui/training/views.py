"""TrainingViews: the panels of the training side, wired to one TrainingController.

The controller says *that* something changed; this hub decides what each visible panel shows:
the tensor and formula panels follow the active micro-step (or the node the learner selected), the
canvas highlights the active node in the phase's colour, and the curves follow the metrics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QObject

from nnviz.engine.session import NonFiniteError
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.controls import ControlsBar, TrainingActions
from nnviz.ui.training.curves import CurvesPanel
from nnviz.ui.training.formula_panel import FormulaPanel
from nnviz.ui.training.settings_panel import TrainingSettingsPanel
from nnviz.ui.training.tensor_panel import TensorPanel
from nnviz.ui.training.throttle import RedrawThrottle

PREFERRED = {"batch": "x", "forward": "output", "loss": "loss", "backward": "delta", "update": "weight"}


class TrainingViews(QObject):
    def __init__(self, controller: TrainingController, canvas: Any = None, apply_settings: Any = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.actions = TrainingActions(controller, self)
        self.controls = ControlsBar(controller, self.actions)
        self.tensors = TensorPanel()
        self.formula = FormulaPanel()
        self.curves = CurvesPanel()
        self.settings = TrainingSettingsPanel(controller.doc, apply_settings)
        self.throttle = RedrawThrottle(self)
        self.throttle.register(self.controls, self.controls.refresh)
        self.throttle.register(self.formula, self.refresh_formula)
        self.throttle.register(self.tensors, self.refresh_tensors, min_interval=0.25)
        self.throttle.register(self.curves, self.refresh_curves, min_interval=0.1)
        self.extra: list[Any] = []  # further views (neuron view, boundary, health) add themselves
        self._highlighted: str | None = None
        self._tensor_key: tuple | None = None
        controller.changed.connect(lambda now: self.throttle.flush(force=True) if now else self.throttle.request())
        controller.stepped.connect(self._on_stepped)
        controller.runningChanged.connect(self._on_running)
        controller.halted.connect(self._on_halt)
        controller.sessionChanged.connect(self._on_session)

    # ------------------------------------------------------------------ selection
    def select_node(self, node_id: str | None) -> None:
        """The learner clicked a node: show its tensors until the next micro-step."""
        self.controller.selected_node = node_id
        self._tensor_key = None
        self.refresh_tensors()

    def _on_stepped(self, view) -> None:
        self.controller.selected_node = None  # the step moves the focus to the active node
        self._tensor_key = None
        self._highlight(view.event.node, view.event.phase)

    def _on_running(self, running: bool) -> None:
        if running:
            self._highlight(None, None)

    def _on_halt(self, err: NonFiniteError) -> None:
        node = self.controller.halt_node
        self._tensor_key = None
        self.refresh_tensors(preferred=err.tensor)
        self.controls.show_halt(self.controller.halt_text)
        if node is not None:
            self._highlight(node, "backward" if err.event.phase == "backward" else "forward")
            if self.canvas is not None and hasattr(self.canvas, "set_node_badge"):
                self.canvas.set_node_badge(node, "NaN", self.controller.halt_text)

    def _on_session(self) -> None:
        self._tensor_key = None
        self.curves.refresh(None)
        self._highlight(None, None)

    def _highlight(self, node: str | None, phase: str | None) -> None:
        canvas = self.canvas
        if canvas is None or not hasattr(canvas, "highlight_node"):
            return
        if self._highlighted is not None and self._highlighted != node:
            canvas.highlight_node(self._highlighted, None)
        if node is not None and phase in ("forward", "backward", "update"):
            canvas.highlight_node(node, phase)
            self._highlighted = node
        else:
            self._highlighted = None

    # ------------------------------------------------------------------ refreshing
    def refresh_all(self) -> None:
        """Redraw every panel now, visible or not (tests, screenshots, the benchmark)."""
        self.controls.refresh()
        self.refresh_formula()
        self._tensor_key = None
        self.refresh_tensors()
        self.refresh_curves()
        for view in self.extra:
            view.refresh()

    def refresh_formula(self) -> None:
        cur = self.controller.current
        if cur is None:
            s = self.controller.session
            note = ("Press Step (F10) to see the formula of each micro-step." if s is not None
                    else self.controller.problem or "")
            if self.formula.formula is not None or not self.formula.text():
                self.formula.set_formula(None, note)
            return
        if self.formula.formula is not cur.formula:
            e = cur.event
            where = f"step {e.step}" + (f" · {cur.node_name}" if cur.node_name else "")
            self.formula.set_formula(cur.formula, where)

    def refresh_tensors(self, preferred: str | None = None) -> None:
        c = self.controller
        s = c.session
        cur = c.current
        node = c.selected_node
        if s is None:
            return
        if node is None and cur is not None:
            key = ("step", id(cur))
            if key == self._tensor_key and preferred is None:
                return
            e = cur.event
            where = f"step {e.step} · {e.phase}" + (f" · {cur.node_name}" if cur.node_name else "")
            highlights = cur.formula.highlights if cur.formula is not None else {}
            header = {"step": str(e.step), "epoch": str(e.epoch), "phase": e.phase,
                      "node": cur.node_name or "", "micro-step": str(e.index)}
            self.tensors.set_tensors(where, cur.tensors, highlights, header,
                                     preferred or PREFERRED.get(e.phase))
            self._tensor_key = key
            return
        node = node or (c.current.event.node if c.current else None) or _last_trainable(s)
        if node is None:
            return
        # Live tensors change while running, so no caching key here (the throttle limits the rate).
        name = s.net.names.get(node, node)
        self.tensors.set_tensors(f"{name} · after step {s.steps_done}", c.node_tensors(node), {},
                                 {"node": name, "after step": str(s.steps_done)}, preferred)
        self._tensor_key = ("node", node, s.steps_done)

    def heatmap_values(self, name: str) -> np.ndarray:
        """The matrix the heatmap draws for tensor `name` (switches the panel to it; tests)."""
        self.tensors.show_tensor(name)
        return self.tensors.heatmap.matrix

    def refresh_curves(self) -> None:
        s = self.controller.session
        self.curves.refresh(s.metrics if s is not None else None)


def _last_trainable(session) -> str | None:
    """The node shown when nothing is selected between runs: the output layer with weights, if any."""
    for nid in reversed(session.order):
        if session.layers[nid].params:
            return nid
    return None
