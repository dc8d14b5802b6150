"""TrainingPanels: the training side's panels, built and handed the TrainingContext they follow.

This only composes: each panel subscribes to the controller's signals and registers with the redraw
throttle itself (`panel.follow(training)`, see panel.py), so nothing here redraws a panel by name. A new
panel is a widget with a `follow` method and one entry in `docked` (docking: dock.py).
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from nnviz.ui.training.attention_view import AttentionView
from nnviz.ui.training.boundary import DecisionBoundaryView
from nnviz.ui.training.canvas_marks import ActiveNode, NodeGlyphs
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.controls import ControlsBar, TrainingActions
from nnviz.ui.training.curves import CurvesPanel
from nnviz.ui.training.formula_panel import FormulaPanel
from nnviz.ui.training.health import HealthPanel
from nnviz.ui.training.neuron_view import NeuronView
from nnviz.ui.training.panel import TrainingContext
from nnviz.ui.training.sample_dialog import SampleAction
from nnviz.ui.training.sequence_view import SequenceView
from nnviz.ui.training.settings_panel import TrainingSettingsPanel
from nnviz.ui.training.tensor_panel import TensorPanel


class TrainingPanels(QObject):
    def __init__(self, controller: TrainingController, canvas: Any = None, scene: Any = None,
                 parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.training = TrainingContext(controller, canvas, self)
        self.throttle = self.training.throttle
        self.badges = self.training.badges
        self.active = ActiveNode(controller, canvas, scene, self)
        self.actions = TrainingActions(controller, self)
        self.controls = ControlsBar(controller, self.actions)
        self.tensors = TensorPanel()
        self.formula = FormulaPanel()
        self.curves = CurvesPanel()
        self.settings = TrainingSettingsPanel(controller.doc, controller.apply_settings)
        self.neurons = NeuronView()
        self.boundary = DecisionBoundaryView()
        self.health = HealthPanel()
        self.sequence = SequenceView(controller)
        self.attention = AttentionView(controller)
        # The order they follow in is the order a forced redraw draws them: the step's own numbers first.
        for panel in (self.controls, self.formula, self.tensors, self.curves, self.neurons, self.boundary,
                      self.health, self.sequence, self.attention):
            panel.follow(self.training)
        if isinstance(canvas, QWidget) and hasattr(canvas, "set_node_glyph"):
            NodeGlyphs(canvas, self).follow(self.training)
        self.actions.all.append(self.health.gradcheck_action)
        self.sample = SampleAction(controller, canvas, self)  # Train > Generate text... (nnviz.engine.sampling)
        self.actions.all.append(self.sample.action)
        self.actions.set_problem(controller.problem if controller.session is None else None)
        # The panels tabbed beside the training settings (dock.py), each with its `title`.
        self.docked: list[Any] = [self.neurons, self.boundary, self.health, self.sequence, self.attention]

    def redraw_all(self) -> None:
        """Redraw every panel now, visible or not (tests, screenshots, the benchmark)."""
        self.training.redraw_all()
