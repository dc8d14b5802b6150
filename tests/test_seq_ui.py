"""SequenceView: the LSTM of seed-text-lstm through time, read back from the widget's data (not pixels)."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.io import load
from nnviz.resources import resource_path
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.sequence_view import SequenceView, done_steps, time_matrix, vanishing_text

pytestmark = pytest.mark.gui


@pytest.fixture
def ui(qtbot):
    doc = load(resource_path("examples", "seed-text-lstm.nnviz"))
    controller = TrainingController(doc)
    view = SequenceView(controller)
    qtbot.addWidget(view)
    return controller, view, doc.node_by_name("lstm").id


def step_until(controller, predicate):
    for _ in range(200):
        view = controller.step()
        if predicate(view.event):
            return view.event
    raise AssertionError("never reached")


def test_helpers_mask_the_steps_not_yet_computed():
    values = np.arange(2 * 4 * 3, dtype=float).reshape(2, 4, 3)  # (N, T, H)
    m = time_matrix(values, 1, range(1, 3))
    assert m.shape == (3, 4)
    np.testing.assert_array_equal(m[:, :2], values[1, :2].T)
    assert np.isnan(m[:, 2:]).all()
    assert done_steps("forward", 2, 4, "forward") == range(1, 3)
    assert done_steps("backward", 3, 4, "backward") == range(3, 5)
    assert done_steps("forward", None, 4, None) is None
    assert "vanishes" in vanishing_text(np.array([1e-4, 1e-2, 1.0]))
    assert "keeps its size" in vanishing_text(np.array([0.5, 1.0]))


def test_forward_through_time_fills_the_heatmap_step_by_step(ui):
    controller, view, lstm = ui
    view.refresh()
    assert "Press Step" in view.note.text()
    step_until(controller, lambda e: e.node == lstm and e.phase == "forward" and e.t == 3)
    view.refresh()
    layer = controller.session.layers[lstm]
    assert view.quantity_box.currentText() == "hidden state h_t"
    assert {view.quantity_box.itemText(i) for i in range(view.quantity_box.count())} >= {
        "hidden state h_t", "cell state c_t", "input gate i", "forget gate f", "cell candidate g", "output gate o"}
    assert view.matrix.shape == (64, 12)
    np.testing.assert_array_equal(view.matrix[:, :3], layer.hs[0, :3].T.astype(np.float64))
    assert np.isnan(view.matrix[:, 3:]).all()
    assert view.marker.isVisible() and view.marker.value() == pytest.approx(2.5)

    view.quantity_box.setCurrentText("forget gate f")
    view.sample_box.setValue(5)
    np.testing.assert_array_equal(view.matrix[:, :3], layer.acts[4, :3, 64:128].T.astype(np.float64))


def test_backward_shows_the_gradient_size_per_time_step(ui):
    controller, view, lstm = ui
    step_until(controller, lambda e: e.node == lstm and e.phase == "backward" and e.t == 9)
    view.refresh()
    view.quantity_box.setCurrentText("gradient dL/dh_t")  # redraws
    layer = controller.session.layers[lstm]
    assert np.isnan(view.matrix[:, :8]).all()
    np.testing.assert_array_equal(view.matrix[:, 8:], layer.grad_hs[0, 8:].T.astype(np.float64))
    assert view.norm_values is None  # not all steps have their gradient yet
    step_until(controller, lambda e: e.phase == "update")
    view.refresh()
    np.testing.assert_allclose(view.norm_values, layer.grad_norm_per_step())
    assert len(view.bars.opts["x"]) == 12
    assert "‖dL/dh_1‖ / ‖dL/dh_T‖" in view.note.text()
    assert not view.marker.isVisible()


def test_a_network_without_recurrent_layers_says_so(qtbot):
    controller = TrainingController(load(resource_path("examples", "xor.nnviz")))
    view = SequenceView(controller)
    qtbot.addWidget(view)
    view.refresh()
    assert "no recurrent layer" in view.note.text()
    assert view.node_box.count() == 0


def test_data_panel_round_trips_the_text_examples_tokenizer_settings(qtbot):
    from nnviz.ui.data.data_panel import DataPanel

    doc = load(resource_path("examples", "seed-text-lstm.nnviz"))
    panel = DataPanel(doc)
    qtbot.addWidget(panel)
    assert panel.choice.currentText() == "Sentences (English/Chinese sentiment)"
    assert panel.editors["maxlen"].value() == 12 and panel.editors["num_words"].value() == 100
    assert panel.spec() == doc.data  # nothing of the example's spec is lost when the form is applied
    panel.editors["level"].setCurrentIndex(panel.editors["level"].findData("characters"))
    panel.editors["language"].setCurrentIndex(panel.editors["language"].findData("zh"))
    spec = panel.spec()
    assert spec["level"] == "characters" and spec["language"] == "zh" and spec["maxlen"] == 12
