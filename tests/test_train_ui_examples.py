"""Every shipped example can be stepped through a whole training step in the training panels, each
micro-step's tensors shown as recorded and a formula shown for every layer micro-step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnviz.io import load
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panels import TrainingPanels

pytestmark = pytest.mark.gui

EXAMPLES = sorted((Path(__file__).resolve().parents[1] / "resources" / "examples").glob("*.nnviz"))


@pytest.mark.parametrize("path", EXAMPLES, ids=[p.stem for p in EXAMPLES])
def test_one_training_step_through_the_panels(qtbot, path):
    controller = TrainingController(load(path))
    views = TrainingPanels(controller)
    for w in (views.controls, views.tensors, views.formula, views.curves, *views.docked):
        qtbot.addWidget(w)
    assert controller.session is not None, controller.problem
    phases = set()
    for _ in range(2000):  # recurrent layers add one micro-step per time step
        view = controller.step()
        views.redraw_all()
        phases.add(view.event.phase)
        assert set(views.tensors.tensors) == set(view.tensors)
        name = views.tensors.current_name
        np.testing.assert_array_equal(views.tensors.tensors[name], view.tensors[name])
        if view.event.phase in ("forward", "backward", "loss", "update") and view.event.t is None:
            key = controller.session.layers[view.event.node].key if view.event.node else "loss"
            if key not in ("input",):
                assert views.formula.formula is not None, (view.event.phase, key)
        if not controller.session.mid_step:
            break
    assert controller.session.steps_done == 1
    assert phases >= {"batch", "forward", "loss", "backward", "update"}
    assert len(views.curves.curve_data()["train_loss"][1]) == 1
