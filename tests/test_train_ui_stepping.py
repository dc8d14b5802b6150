"""Stepping seed-single-neuron in the training panels shows exactly the engine's numbers.

Reads back widget data (table cells' exact values, formula text, curve data), never pixels.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnviz.engine.formula_text import fmt_array, fmt_number
from nnviz.engine.session import Session
from nnviz.io import load
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.csv_export import read_csv
from nnviz.ui.training.panels import TrainingPanels
from nnviz.ui.training.position import position_text

pytestmark = pytest.mark.gui

EXAMPLE = Path(__file__).resolve().parents[1] / "resources" / "examples" / "seed-single-neuron.nnviz"


@pytest.fixture
def ui(qtbot):
    doc = load(EXAMPLE)
    controller = TrainingController(doc)
    views = TrainingPanels(controller)
    for w in (views.controls, views.tensors, views.formula, views.curves):
        qtbot.addWidget(w)
    return controller, views


def test_example_is_the_guides_neuron():
    doc = load(EXAMPLE)
    neuron = doc.node_by_name("neuron")
    assert neuron.weights["weight"].tolist() == [[0.5, -0.5]]
    assert doc.training.lr == 1.0 and doc.training.loss == "mse"


def test_each_micro_step_shows_the_engines_tensors_and_formula(ui):
    controller, views = ui
    reference = Session(load(EXAMPLE))  # the engine alone, stepped in lock-step
    phases = []
    for _ in range(5):  # batch, forward input, forward neuron, loss, backward neuron ... then update
        view = controller.step()
        ref = reference.step()
        views.redraw_all()
        assert (view.event.phase, view.event.node) == (ref.phase, ref.node)
        phases.append(ref.phase)
        assert set(views.tensors.tensors) == set(ref.tensors)
        for name, value in ref.tensors.items():
            views.tensors.show_tensor(name)
            assert views.tensors.current_name == name
            np.testing.assert_array_equal(views.tensors.table.values(), np.asarray(value).reshape(
                views.tensors.table.values().shape))
            np.testing.assert_array_equal(np.nan_to_num(heatmap_values(views, name)),
                                          np.asarray(value, dtype=float).reshape(heatmap_values(views, name).shape))
        assert position_text(controller).startswith(f"step {ref.step} · {ref.phase}")
    assert phases == ["batch", "forward", "forward", "loss", "backward"]


def _step_to(controller, phase, node_name=None):
    for _ in range(20):
        view = controller.step()
        if view.event.phase == phase and (node_name is None or view.node_name == node_name):
            return view
    raise AssertionError(f"never reached {phase}")


def test_forward_formula_has_the_numbers_of_the_guide(ui):
    controller, views = ui
    view = _step_to(controller, "forward", "neuron")
    views.redraw_all()
    text = views.formula.text()
    z, a = view.tensors["z"][0, 0], view.tensors["output"][0, 0]
    assert "z = W·x + b" in text
    assert f"z₁ = 0.5×0.9 + (−0.5)×0.1 + 0 = {fmt_number(z)}" in text
    assert f"a₁ = σ({fmt_number(z)}) = {fmt_number(a)}" in text
    assert "step 1 · forward · neuron" in views.controls.position.text()
    # the output panel shows the output, highlighted where the formula took it from
    assert views.tensors.current_name == "output"
    assert views.tensors.table.highlighted == [(0, 0)]


def test_backward_formula_and_delta_table(ui):
    controller, views = ui
    view = _step_to(controller, "backward", "neuron")
    views.redraw_all()
    t = view.tensors
    a = view.tensors["output"][0, 0]  # the forward output travels with the backward micro-step
    text = views.formula.text()
    assert f"× {fmt_number(a)}×(1 − {fmt_number(a)}) = {fmt_number(t['delta'][0, 0])}" in text
    assert f"= {fmt_array(t['grad_weight'])}" in text
    assert views.tensors.current_name == "delta"
    assert views.tensors.table.values()[0, 0] == t["delta"][0, 0]
    # the true sigmoid derivative, not sigmoid applied twice
    assert np.isclose(t["delta"][0, 0], t["grad_output"][0, 0] * a * (1 - a))


def test_update_formula_and_new_weights(ui):
    controller, views = ui
    view = _step_to(controller, "update")
    views.redraw_all()
    w = view.tensors["weight"]
    text = views.formula.text()
    assert "W ← W − η·g" in text
    assert f"W = [[0.5, −0.5]] − 1 × {fmt_array(view.tensors['grad_weight'])} = {fmt_array(w)}" in text
    np.testing.assert_array_equal(controller.session.layers["n2"].params["weight"], w)
    assert views.tensors.current_name == "weight"
    assert views.tensors.table.values().tolist() == w.tolist()


def test_csv_export_holds_the_micro_steps_tensors(ui, tmp_path):
    controller, views = ui
    view = _step_to(controller, "backward", "neuron")
    views.redraw_all()
    path = tmp_path / "step.csv"
    views.tensors.export_csv(str(path))
    back = read_csv(path)
    assert set(back) == set(view.tensors)
    assert back["delta"][(0, 0)] == float(view.tensors["delta"][0, 0])
    assert "# phase: backward" in path.read_text().splitlines()


def test_selecting_a_node_shows_its_live_tensors(ui):
    controller, views = ui
    controller.step_batch()
    controller.select_node("n2")
    assert set(views.tensors.tensors) >= {"weight", "bias", "grad_weight"}
    np.testing.assert_array_equal(views.tensors.tensors["weight"], controller.session.layers["n2"].params["weight"])


def heatmap_values(views, name: str) -> np.ndarray:
    """The matrix the heatmap draws for tensor `name` (switches the panel to it)."""
    views.tensors.show_tensor(name)
    return views.tensors.heatmap.matrix
