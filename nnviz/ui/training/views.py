"""TrainingViews: the panels of the training side, wired to one TrainingController.

The controller says *that* something changed; this hub decides what each visible panel shows:
the tensor and formula panels follow the active micro-step (or the node the learner selected), the
canvas highlights the active node in the phase's colour, and the curves follow the metrics.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from PySide6.QtCore import QCoreApplication, QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from nnviz.engine.session import NonFiniteError
from nnviz.ui.training.boundary import DecisionBoundaryView
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.controls import ControlsBar, TrainingActions
from nnviz.ui.training.curves import CurvesPanel
from nnviz.ui.training.edge_pulse import EdgePulse
from nnviz.ui.training.formula_panel import FormulaPanel
from nnviz.ui.training.glyphs import output_glyph
from nnviz.ui.training.health import HealthPanel
from nnviz.ui.training.neuron_view import NeuronView
from nnviz.ui.training.position import phase_name
from nnviz.ui.training.sample_dialog import SampleAction
from nnviz.ui.training.sequence_view import SequenceView
from nnviz.ui.training.settings_panel import TrainingSettingsPanel
from nnviz.ui.training.tensor_panel import TensorPanel
from nnviz.ui.training.throttle import RedrawThrottle

PREFERRED = {"batch": "x", "forward": "output", "loss": "loss", "backward": "delta", "update": "weight"}


class TrainingViews(QObject):
    def __init__(self, controller: TrainingController, canvas: Any = None, apply_settings: Any = None,
                 parent: QObject | None = None, scene: Any = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.edges = EdgePulse(scene, self) if scene is not None else None
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
        # The curves are history, not this micro-step's numbers: a hand step may leave them to a later frame.
        self.throttle.register(self.curves, self.refresh_curves, min_interval=0.25, may_lag=True)
        self.neurons = NeuronView()
        self.boundary = DecisionBoundaryView()
        self.health = HealthPanel()
        self.sequence = SequenceView(controller)
        # docked by attach_training
        self.extra: list[Any] = [self.neurons, self.boundary, self.health, self.sequence]
        self.throttle.register(self.neurons, self.refresh_neurons, min_interval=0.2)
        self.throttle.register(self.boundary, self.refresh_boundary, min_interval=0.2, may_lag=True)
        self.throttle.register(self.health, self.refresh_health, min_interval=0.25)
        self.throttle.register(self.sequence, self.sequence.refresh, min_interval=0.25)
        if isinstance(canvas, QWidget) and hasattr(canvas, "set_node_glyph"):
            self.throttle.register(canvas, self.refresh_glyphs, min_interval=0.25)
        self.neurons.weightEdited.connect(
            lambda node, j, i, value: controller.edit_weight(node, "weight", (j, i), value))
        self.health.gradcheckRequested.connect(self.run_gradcheck)
        self.actions.gradcheck = QAction(self.tr("Gradient check"), self)
        self.actions.gradcheck.setStatusTip(self.tr("Compare every gradient with central finite differences"))
        self.actions.gradcheck.triggered.connect(lambda _=False: self.run_gradcheck())
        self.actions.all.append(self.actions.gradcheck)
        self.sample = SampleAction(controller, canvas, self)  # Train > Generate text... (nnviz.engine.sampling)
        self.actions.all.append(self.sample.action)
        # node -> source -> (text, tooltip); the canvas shows the most urgent source's badge.
        self._badges: dict[str, dict[str, tuple[str, str]]] = {}
        self._glyph_source: dict[str, np.ndarray] = {}  # the output array each node's glyph was drawn from
        self._highlighted: str | None = None
        self._tensor_key: tuple | None = None
        controller.changed.connect(self._on_changed)
        controller.stepped.connect(self._on_stepped)
        controller.runningChanged.connect(self._on_running)
        controller.halted.connect(self._on_halt)
        controller.sessionChanged.connect(self._on_session)

    # ------------------------------------------------------------------ selection
    def select_node(self, node_id: str | None) -> None:
        """The learner clicked a node ("" or None: nothing selected): show its tensors until the next
        micro-step."""
        self.controller.selected_node = node_id or None
        self._tensor_key = None
        self.refresh_tensors()

    def _on_stepped(self, view) -> None:
        self.controller.selected_node = None  # the step moves the focus to the active node
        self._tensor_key = None
        self._highlight(view.event.node, view.event.phase)

    def _on_changed(self, now: bool) -> None:
        s = self.controller.session
        if now and self.controller.current is None and (s is None or s.halted is None):
            self._highlight(None, None)  # a batch, an epoch, a rewind: no single micro-step is active
        if now:
            self.throttle.flush(force=True)
            if self.edges is not None:
                self.edges.sync()  # glyphs drawn just now may have resized nodes and moved their edges
        else:
            self.throttle.request()

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
            self.set_badge(node, "nan", "NaN", self.controller.halt_text)

    def _on_session(self) -> None:
        self._tensor_key = None
        self.curves.refresh(None)
        self.health.reset()
        self._highlight(None, None)
        for node in list(self._badges):
            for source in list(self._badges.get(node, {})):
                self.set_badge(node, source, None)
        self._glyph_source.clear()
        if self.canvas is not None and hasattr(self.canvas, "set_node_glyph") and self.controller.doc:
            for node in self.controller.doc.nodes:
                self.canvas.set_node_glyph(node, None)

    # ------------------------------------------------------------------ badges
    BADGE_ORDER = ("nan", "gradcheck", "health")

    def set_badge(self, node: str, source: str, text: str | None, tooltip: str = "") -> None:
        """Set (text) or clear (None) one source's badge; the canvas shows the most urgent one."""
        sources = self._badges.setdefault(node, {})
        if text is None:
            sources.pop(source, None)
        else:
            sources[source] = (text, tooltip)
        shown = next((sources[s] for s in self.BADGE_ORDER if s in sources), None)
        if self.canvas is not None and hasattr(self.canvas, "set_node_badge"):
            self.canvas.set_node_badge(node, shown[0] if shown else None, shown[1] if shown else "")

    def badge(self, node: str) -> tuple[str, str] | None:
        sources = self._badges.get(node, {})
        return next((sources[s] for s in self.BADGE_ORDER if s in sources), None)

    def _highlight(self, node: str | None, phase: str | None) -> None:
        if self.edges is not None:
            self.edges.show(node, phase)
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
        s = self.controller.session
        if s is not None and s.halted is None:
            self.set_badge_all("nan", None)
        self.controls.refresh()
        self.refresh_formula()
        self._tensor_key = None
        self.refresh_tensors()
        self.refresh_curves()
        self.refresh_neurons()
        self.refresh_boundary()
        self.refresh_health()
        self.sequence.refresh()
        self.refresh_glyphs()

    def set_badge_all(self, source: str, text: str | None) -> None:
        for node in list(self._badges):
            if source in self._badges[node]:
                self.set_badge(node, source, text)

    def refresh_formula(self) -> None:
        cur = self.controller.current
        if cur is None:
            s = self.controller.session
            # English on purpose: the formula panel translates its text with formula_tr (i18n's table).
            note = ("Press Step (F10) to see the formula of each micro-step." if s is not None
                    else self.controller.problem or "")
            if self.formula.formula is not None or not self.formula.text():
                self.formula.set_formula(None, note)
            return
        if self.formula.formula is not cur.formula:
            e = cur.event
            step = QCoreApplication.translate("TrainingController", "step %d") % e.step
            where = step + (f" · {cur.node_name}" if cur.node_name else "")
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
            step = QCoreApplication.translate("TrainingController", "step %d") % e.step
            where = f"{step} · {phase_name(e.phase)}" + (
                f" · {cur.node_name}" if cur.node_name else "")
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
        self.tensors.set_tensors(self.tr("%s · after step %d") % (name, s.steps_done), c.node_tensors(node), {},
                                 {"node": name, "after step": str(s.steps_done)}, preferred)
        self._tensor_key = ("node", node, s.steps_done)

    def heatmap_values(self, name: str) -> np.ndarray:
        """The matrix the heatmap draws for tensor `name` (switches the panel to it; tests)."""
        self.tensors.show_tensor(name)
        return self.tensors.heatmap.matrix

    def refresh_neurons(self) -> None:
        cur = self.controller.current
        self.neurons.refresh(self.controller.session, cur.event.phase if cur else None, self.controller.seen)

    def refresh_boundary(self) -> None:
        self.boundary.refresh(self.controller.session)

    def refresh_health(self) -> None:
        s = self.controller.session
        if s is None:
            return
        self.health.refresh(s, self.controller.seen)
        warnings = self.health.recorder.warnings()
        for nid in s.order:
            if nid in warnings:
                kind, ratio = warnings[nid]
                self.set_badge(nid, "health", "↓" if kind == "vanishing" else "↑",
                               f"Gradients {kind}: mean |gradient| / mean |weight| = {ratio:.2g}")
            elif "health" in self._badges.get(nid, {}):
                self.set_badge(nid, "health", None)
        if s.halted is None:
            self.set_badge_all("nan", None)

    def refresh_glyphs(self) -> None:
        s = self.controller.session
        if s is None or self.canvas is None or not hasattr(self.canvas, "set_node_glyph"):
            return
        seen = self.controller.seen
        for nid in s.order:
            out = seen.get(nid, {}).get("output", s.view.output(nid))
            # A glyph changes only when its node's output array does: one forward micro-step redraws one
            # node's card, not every card on the canvas.
            if out is None or self._glyph_source.get(nid) is out:
                continue
            self._glyph_source[nid] = out
            if np.size(out) and np.all(np.isfinite(out)):
                self.canvas.set_node_glyph(nid, output_glyph(out))

    def run_gradcheck(self):
        """Finite differences against the analytic gradients at the current weights, in float64; the
        report on the nodes (✓ or ✗ badges) and in the health panel. Returns the GradCheckReport."""
        c = self.controller
        s = c.session
        if s is None:
            return None
        c.pause()
        from nnviz.engine.gradcheck import gradcheck

        try:
            report = gradcheck(c.doc, s.dataset, weights=s.weights())
        except Exception as exc:
            c.message.emit(self.tr("Gradient check failed: %s") % exc)
            return None
        self.health.show_gradcheck(report)
        by_node: dict[str, list] = {}
        for t in report.tensors:
            by_node.setdefault(t.node, []).append(t)
        for nid, ts in by_node.items():
            tip = "Gradient check (backprop vs finite differences, float64):\n" + "\n".join(
                f"{t.param}: {t.coverage()}, worst {t.worst:.2g} of the allowed difference"
                + (f", skipped {t.skipped()}" if t.skipped() else "") + ("" if t.ok else " FAIL") for t in ts)
            self.set_badge(nid, "gradcheck", "✓" if all(t.ok for t in ts) else "✗", tip)
        if report.problem():
            c.message.emit(self.tr("Gradient check: %s") % report.problem())
        elif report.ok:
            c.message.emit(self.tr("Gradient check: every gradient matches finite differences"))
        else:
            c.message.emit(self.tr("Gradient check: some gradients differ from finite differences (see the nodes)"))
        return report

    def refresh_curves(self) -> None:
        s = self.controller.session
        self.curves.refresh(s.metrics if s is not None else None)


def _last_trainable(session) -> str | None:
    """The node shown when nothing is selected between runs: the output layer with weights, if any."""
    for nid in reversed(session.order):
        if session.layers[nid].params:
            return nid
    return None
