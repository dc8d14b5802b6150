"""After a rewind the panels show the position they went back to at once, as when it was first reached:
the Tensors list, the Neurons fills and the formula, not a blank 'press Step' until the next step."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnviz.io import load
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panels import TrainingPanels

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def xor(qtbot):
    controller = TrainingController(load(EXAMPLES / "xor.nnviz"))
    views = TrainingPanels(controller)
    for w in (views.controls, views.tensors, views.formula, views.curves, views.settings, *views.docked):
        qtbot.addWidget(w)
    return controller, views


def finish_step(controller) -> None:
    """Micro-steps (F10) to the end of the current training step."""
    controller.step()
    while controller.session.mid_step:
        controller.step()


def snapshot(controller, views) -> dict:
    views.redraw_all()
    s = controller.session
    last = [n for n in s.order if s.layers[n].params][-1]
    return {"title": views.tensors.title.text(),
            "tensors": {k: np.array(v) for k, v in views.tensors.tensors.items()},
            "fills": {k: np.array(v) for k, v in views.neurons.fills.items()},
            "formula": views.formula.text(),
            "live": {k: np.array(v) for k, v in s.view.cache(last).items()}}


def assert_same(now: dict, then: dict) -> None:
    assert now["title"] == then["title"] and now["formula"] == then["formula"]
    for key in ("tensors", "fills", "live"):
        assert set(now[key]) == set(then[key]), key
        for name in then[key]:
            np.testing.assert_array_equal(now[key][name], then[key][name], err_msg=f"{key} {name}")


def test_rewinding_to_a_checkpoint_shows_that_position_at_once(xor):
    controller, views = xor
    s = controller.session
    finish_step(controller)
    after_1 = snapshot(controller, views)
    finish_step(controller)
    after_2 = snapshot(controller, views)
    for _ in range(4):  # into step 3
        controller.step()
    assert s.history.has(2) and s.history.has(1)  # every step taken by hand is a checkpoint: no replay needed
    assert {"output", "delta", "grad_weight"} <= set(after_2["live"])
    assert "Press Step" not in after_2["formula"] and after_2["tensors"]

    controller.rewind()  # mid-step: back to the start of step 3, i.e. just after step 2
    assert (s.steps_done, s.mid_step) == (2, False)
    assert_same(snapshot(controller, views), after_2)
    controller.rewind()  # back to just after step 1
    assert (s.steps_done, s.mid_step) == (1, False)
    assert_same(snapshot(controller, views), after_1)
    # and training goes on from there exactly as the first time
    finish_step(controller)
    assert_same(snapshot(controller, views), after_2)


def test_rewinding_after_fast_steps_shows_the_live_state_of_that_step(xor):
    controller, views = xor
    s = controller.session
    for _ in range(2):
        controller.step_batch()
    live = {k: np.array(v) for k, v in s.view.cache(s.order[-1]).items()}
    controller.step_batch()
    controller.rewind()
    assert s.steps_done == 2
    now = s.view.cache(s.order[-1])
    assert set(now) == set(live) and "delta" in now
    for name, value in live.items():
        np.testing.assert_array_equal(now[name], value)
    views.redraw_all()
    assert views.neurons.fills and views.tensors.tensors


def test_reset_shows_nothing_computed_yet(xor):
    controller, views = xor
    finish_step(controller)
    controller.reset()
    views.redraw_all()
    assert controller.current is None and not controller.session.replayed
    assert "Press Step" in views.formula.text()
