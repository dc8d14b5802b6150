"""Decision boundary, neuron view, gradient health, histograms, gradient check, glyphs, curves at scale and
the redraw throttle: each read back from the widgets' data."""

from __future__ import annotations

import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np
import pytest

from nnviz.engine.gradient_health import VANISH, HealthRecorder, gradient_ratio, verdict
from nnviz.engine.metrics import Metrics
from nnviz.io import load
from nnviz.ui.training.boundary import GRID, class_probabilities
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.curves import CurvesPanel
from nnviz.ui.training.glyphs import output_glyph, tensor_rgb
from nnviz.ui.training.heatmap import nice_ceiling
from nnviz.ui.training.neuron_view import neuron_columns
from nnviz.ui.training.panels import TrainingPanels
from nnviz.ui.training.throttle import RedrawThrottle

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def xor(qtbot):
    controller = TrainingController(load(EXAMPLES / "xor.nnviz"))
    views = TrainingPanels(controller)
    for w in (views.controls, views.tensors, views.formula, views.curves, views.settings, *views.docked):
        qtbot.addWidget(w)
    return controller, views


def test_decision_boundary_is_the_networks_prediction_on_the_plane(xor):
    controller, views = xor
    controller.step_epoch()
    views.redraw_all()
    s = controller.session
    x0, x1, y0, y1 = views.boundary.extent
    gx, gy = np.meshgrid(np.linspace(x0, x1, GRID), np.linspace(y0, y1, GRID))
    expected = s.predict(np.stack([gx.ravel(), gy.ravel()], axis=1)).argmax(axis=1).reshape(GRID, GRID)
    np.testing.assert_array_equal(views.boundary.predicted_classes(), expected)
    train_x, _ = views.boundary.train_points.getData()
    assert len(train_x) == len(s.dataset.x_train)
    # the extent covers every data point
    both = np.concatenate([s.dataset.x_train, s.dataset.x_val])
    assert x0 < both[:, 0].min() and both[:, 0].max() < x1 and y0 < both[:, 1].min() and both[:, 1].max() < y1


def test_boundary_learns_xor(xor):
    controller, views = xor
    for _ in range(15):
        controller.step_epoch()
    views.redraw_all()
    s = controller.session
    d = s.dataset
    # The classes the picture shows at the data points agree with the labels (XOR is learnt).
    probs = class_probabilities(s.predict(d.x_train), s.settings.loss)
    assert np.mean(probs.argmax(axis=1) == d.y_train) > 0.9
    assert set(np.unique(views.boundary.predicted_classes())) == {0, 1}


def test_class_probabilities_under_each_loss():
    logits = np.array([[2.0, 0.0], [0.0, 3.0]])
    p = class_probabilities(logits, "cross_entropy")
    np.testing.assert_allclose(p.sum(axis=1), 1.0)
    assert p[0, 0] > 0.5 and p[1, 1] > 0.5
    single = class_probabilities(np.array([[0.0], [10.0]]), "bce_logits")
    np.testing.assert_allclose(single[:, 1], [0.5, 1 / (1 + np.exp(-10))])
    probs = class_probabilities(np.array([[0.2], [0.9]]), "bce")
    np.testing.assert_allclose(probs[:, 1], [0.2, 0.9])


def test_boundary_explains_itself_for_other_data(qtbot):
    controller = TrainingController(load(EXAMPLES / "seed-single-neuron.nnviz"))
    views = TrainingPanels(controller)
    qtbot.addWidget(views.boundary)
    views.boundary.redraw()
    assert views.boundary.predicted_classes() is None
    assert "2 input" in views.boundary.legend.text()


def test_neuron_view_draws_every_weight_and_activation(xor):
    controller, views = xor
    s = controller.session
    cols = neuron_columns(s)
    assert [units for _, units in cols] == [2, 8, 2]
    for _ in range(3):  # batch, forward input, forward hidden
        controller.step()
    views.redraw_all()
    nv = views.neurons
    assert len(nv.connections) == 2 * 8 + 8 * 2
    hidden = cols[1][0]
    w = s.layers[hidden].params["weight"]
    # widths follow |weight|: the strongest connection is drawn widest
    widths = {k: item.pen().widthF() for k, item in nv.connections.items() if k[0] == hidden}
    strongest = max(widths, key=widths.get)
    assert abs(w[strongest[1], strongest[2]]) == pytest.approx(np.abs(w).max())
    np.testing.assert_array_equal(nv.fills[hidden], controller._seen[hidden]["output"][0])
    assert f"{w[0, 1]:.6g}" in nv.connections[(hidden, 0, 1)].toolTip()


def test_neuron_view_edits_a_weight(xor):
    controller, views = xor
    views.redraw_all()
    hidden = neuron_columns(controller.session)[1][0]
    nv = views.neurons
    nv.select_connection(hidden, 3, 1)
    assert nv.selected == (hidden, 3, 1) and nv.edit_box.isEnabled()
    nv.edit_box.setValue(1.25)
    nv.set_button.click()
    assert controller.session.layers[hidden].params["weight"][3, 1] == pytest.approx(1.25)
    assert "1.25" in nv.connections[(hidden, 3, 1)].toolTip()


def test_neuron_view_backward_fill_is_delta(xor):
    controller, views = xor
    hidden = neuron_columns(controller.session)[1][0]
    while True:
        view = controller.step()
        if view.event.phase == "backward" and view.event.node == hidden:
            break
    views.redraw_all()
    np.testing.assert_array_equal(views.neurons.fills[hidden], view.tensors["delta"][0])


def test_gradient_ratio_and_verdicts():
    params = {"weight": np.array([[1.0, -3.0]]), "bias": np.array([2.0])}
    grads = {"weight": np.array([[0.1, 0.1]]), "bias": np.array([-0.4])}
    assert gradient_ratio(params, grads) == pytest.approx((0.6 / 3) / 2.0)
    assert gradient_ratio(params, {}) is None
    assert verdict(VANISH / 10) == "vanishing" and verdict(1e3) == "exploding" and verdict(1e-2) is None


def test_health_recorder_follows_steps_and_rewinds():
    # What the recorder reads: the session's read-only view (Session.view), never its layers.
    view = SimpleNamespace(order=["a"], has_params=lambda node: True, params=lambda node: {"weight": np.ones((2, 2))},
                           grads=lambda node: {"weight": np.full((2, 2), 1e-9)})
    session = SimpleNamespace(steps_done=1, view=view)
    rec = HealthRecorder()
    assert rec.record(session)
    assert not rec.record(session)  # once per step
    session.steps_done = 2
    rec.record(session)
    assert rec.steps["a"] == [1, 2]
    assert rec.warnings()["a"][0] == "vanishing"
    session.steps_done = 1  # rewound
    rec.record(session)
    assert rec.steps["a"] == [1]


def test_health_panel_and_badges_in_a_run(xor):
    controller, views = xor
    for _ in range(3):
        controller.step_batch()
        views.health.redraw()
    s = controller.session
    trainable = [n for n in s.order if s.layers[n].params]
    assert set(views.health.recorder.ratios) == set(trainable)
    curve = views.health.curves[trainable[0]]
    x, y = curve.xData, curve.yData  # the values, not their logarithms on the log axis
    assert list(x) == [1, 2, 3]
    expected = gradient_ratio(s.layers[trainable[0]].params, s.layers[trainable[0]].grads)
    assert y[-1] == pytest.approx(expected)
    counts = views.health.histograms["weights"]
    assert counts.sum() == sum(p.size for p in s.layers[views.health.layer_choice.currentData()].params.values())
    # a vanishing layer gets a badge on its node
    s.layers[trainable[0]].grads = {k: np.zeros_like(v) for k, v in s.layers[trainable[0]].params.items()}
    s.steps_done += 1  # pretend one more step
    views.health.redraw()
    assert views.badges.badge(trainable[0])[0] == "↓"


def test_gradient_check_marks_the_nodes(xor):
    controller, views = xor
    controller.step_batch()
    report = views.health.run_gradcheck()
    assert report.ok and report.tensors
    for t in report.tensors:
        assert views.badges.badge(t.node)[0] == "✓"
        assert f"{t.param}: all {t.size} entries" in views.badges.badge(t.node)[1]
    table = views.health.gradcheck_table
    assert table.rowCount() == len(report.tensors)
    assert [table.item(0, c).text() for c in (0, 1, 2, 5)] == [report.tensors[0].node_name, "weight",
                                                                "all 16 entries", "ok"]
    assert views.health.gradcheck_summary.text().endswith("0 skipped)")


def test_gradient_check_shows_a_wrong_gradient_and_what_was_sampled(xor, monkeypatch):
    from nnviz.engine.layers.core import Dense

    controller, views = xor
    true_backward = Dense._backward

    def doubled_entry(self, delta):
        out = true_backward(self, delta)
        self.grads["bias"][0] *= 2
        return out

    monkeypatch.setattr(Dense, "_backward", doubled_entry)
    controller.step_batch()
    monkeypatch.setattr("nnviz.engine.gradcheck.SAMPLES", 10)  # the hidden weight (16 entries) is sampled
    report = views.health.run_gradcheck()
    assert not report.ok
    table = views.health.gradcheck_table
    rows = {(table.item(r, 0).text(), table.item(r, 1).text()): r for r in range(table.rowCount())}
    hidden = report.tensors[0].node_name
    assert table.item(rows[hidden, "bias"], 5).text() == "FAIL"
    assert "[0]: backprop" in table.item(rows[hidden, "bias"], 5).toolTip()
    assert table.item(rows[hidden, "weight"], 2).text().startswith("10 of 16 entries (random sample)")
    assert views.badges.badge(report.tensors[0].node)[0] == "✗"
    assert views.health.gradcheck_summary.text().splitlines()[-1].startswith("FAIL")


def test_badge_priority_nan_over_gradcheck_over_health(xor):
    _, views = xor
    views.badges.set_badge("n2", "health", "↓", "vanishing")
    views.badges.set_badge("n2", "gradcheck", "✓", "ok")
    assert views.badges.badge("n2")[0] == "✓"
    views.badges.set_badge("n2", "nan", "NaN", "overflow")
    assert views.badges.badge("n2")[0] == "NaN"
    views.badges.set_badge("n2", "nan", None)
    views.badges.set_badge("n2", "gradcheck", None)
    assert views.badges.badge("n2")[0] == "↓"


def test_glyph_colours_are_centred_on_zero(qapp):
    rgb = tensor_rgb(np.array([-2.0, 0.0, 2.0]))
    assert rgb.shape == (1, 3, 3)
    neg, zero, pos = rgb[0]
    assert neg[2] > neg[0] and pos[0] > pos[2]  # blue below zero, red above
    assert zero.min() > 200  # zero is (near) white
    image = output_glyph(np.zeros((4, 2, 5, 6)))  # conv output: first sample's 2 channel maps side by side
    assert (image.width(), image.height()) == (2 * 6 + 1, 5)
    assert nice_ceiling(0.0967) == pytest.approx(0.1) and nice_ceiling(3.0) == 5.0 and nice_ceiling(0.0) == 1.0


def test_curves_stay_fast_after_a_million_steps(qtbot):
    panel = CurvesPanel()
    qtbot.addWidget(panel)
    panel.resize(500, 400)
    panel.show()
    metrics = Metrics()
    rng = np.random.default_rng(0)
    n = 1_000_000
    metrics.step_loss = list(np.exp(-np.arange(n) / 2e5) + 0.01 * rng.random(n))
    metrics.step_accuracy = [None] * n
    metrics.step_epoch = [1] * n
    metrics.step_size = [10] * n
    panel.refresh(metrics)
    x, y = panel.curve_data()["train_loss"]
    assert len(y) == n and y[-1] == metrics.step_loss[-1]
    metrics.add_step(1, 0.5, None, 10)
    panel.refresh(metrics)  # appends one value; never rebuilds a million
    assert panel.curve_data()["train_loss"][1][-1] == 0.5
    # Structural, not a stopwatch (the benchmark times redraws): appends go into a doubling buffer in
    # place, and drawing is downsampled to the pixels and clipped to the view.
    buffer = panel._loss.data
    metrics.add_step(1, 0.25, None, 10)
    panel.refresh(metrics)
    assert panel._loss.data is buffer and panel.curve_data()["train_loss"][1][-1] == 0.25
    item = panel.train_loss
    assert item.opts["autoDownsample"] and item.opts["clipToView"]
    panel.grab()
    panel.log_box.setChecked(True)
    assert panel.loss_plot.getAxis("left").logMode


def test_throttle_coalesces_requests(qtbot):
    from PySide6.QtWidgets import QLabel

    label = QLabel()
    qtbot.addWidget(label)
    label.show()
    calls = []
    throttle = RedrawThrottle()
    throttle.register(label, lambda: calls.append(time.perf_counter()))
    for _ in range(200):
        throttle.request()
    assert len(calls) == 1  # the first draws at once, the rest wait for the next frame
    qtbot.waitUntil(lambda: len(calls) == 2, timeout=1000)
    qtbot.wait(50)
    assert len(calls) == 2  # one frame for all of them
    label.hide()
    throttle.flush()
    assert len(calls) == 2  # hidden views are not drawn ...
    label.show()
    throttle.refresh_if_stale(label)
    assert len(calls) == 3  # ... until they are shown again


def test_heatmap_shows_the_value_under_the_cursor(qtbot):
    from PySide6.QtCore import QPointF

    from nnviz.ui.training.heatmap import HeatmapView

    view = HeatmapView()
    qtbot.addWidget(view)
    view.resize(400, 300)
    view.show()
    qtbot.waitExposed(view)
    t = np.arange(12.0).reshape(3, 4) - 5
    view.set_tensor("weight", t)
    assert view.levels == (-10.0, 10.0)  # symmetric around zero, rounded up to 1-2-5 steps
    np.testing.assert_array_equal(view.image.image, t)
    pos = view.plot.vb.mapViewToScene(QPointF(2.5, 1.5))  # the middle of row 2, column 3
    view._on_mouse(pos)
    assert view.hover.text() == f"weight: row 2, column 3 = {t[1, 2]:.6g}"


def test_a_view_hidden_while_stepping_catches_up_when_shown(qtbot):
    from PySide6.QtWidgets import QWidget

    from nnviz.ui.training.throttle import RedrawThrottle

    throttle = RedrawThrottle()
    view = QWidget()
    qtbot.addWidget(view)
    drawn = []
    throttle.register(view, lambda: drawn.append(1))
    view.show()
    qtbot.waitExposed(view)
    throttle.flush(force=True)
    assert drawn == [1]
    view.hide()
    throttle.flush(force=True)  # a step while the view is in a background tab
    assert drawn == [1]
    view.show()  # the learner raises the tab
    qtbot.waitUntil(lambda: drawn == [1, 1], timeout=2000)


def test_a_view_that_may_lag_is_not_starved_by_a_stream_of_hand_steps(qtbot, monkeypatch):
    from PySide6.QtWidgets import QWidget

    from nnviz.ui.training import throttle as th

    clock = [100.0]
    monkeypatch.setattr(th.time, "perf_counter", lambda: clock[0])
    throttle = th.RedrawThrottle()
    view = QWidget()
    qtbot.addWidget(view)
    view.show()
    qtbot.waitExposed(view)
    drawn = []
    throttle.register(view, lambda: drawn.append(clock[0]), min_interval=0.25, may_lag=True)
    for _ in range(80):  # F10 held down: a forced flush every 10 ms for 0.8 s, no quiet frame between
        throttle.flush(force=True)
        clock[0] += 0.01
    assert len(drawn) >= 1  # drawn during the stream, not only after it stops ...
    assert len(drawn) <= 2  # ... and no more often than its interval allows


def test_a_view_never_drawn_draws_when_first_shown(qtbot):
    """A view registered before its window is shown has missed nothing yet is empty: it draws at its first Show
    (the start's own network built its session before the window appeared and sent no change)."""
    from PySide6.QtWidgets import QWidget

    throttle = RedrawThrottle()
    view = QWidget()
    qtbot.addWidget(view)
    drawn = []
    throttle.register(view, lambda: drawn.append(1))
    view.show()
    qtbot.waitUntil(lambda: drawn == [1], timeout=2000)


def test_the_decision_boundary_is_drawn_at_start_before_any_step(qtbot, tmp_path):
    from PySide6.QtCore import QSettings

    from nnviz.ui.shell.main_window import MainWindow
    from nnviz.ui.training.boundary import DecisionBoundaryView

    doc = load(EXAMPLES / "xor.nnviz")
    window = MainWindow(doc, settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat),
                        recovery_dir=None)
    qtbot.addWidget(window)
    window.resize(1280, 800)
    window.show()
    qtbot.waitExposed(window)
    view = window.findChild(DecisionBoundaryView)
    assert view.isVisible()
    qtbot.waitUntil(lambda: view.probs is not None, timeout=3000)
    assert window.training.session.steps_done == 0
    assert len(view.train_points.data) > 0
    window.discard_unsaved_work()


def test_one_training_step_shows_as_a_marked_point(xor, qtbot):
    """After the first step the loss curve has one point, and a line through one point draws nothing."""
    controller, views = xor
    curves = views.curves
    controller.step_batch()
    views.redraw_all()
    assert curves.train_loss.opts["symbol"] == "o" and len(curves.curve_data()["train_loss"][1]) == 1
    controller.step_batch()
    views.redraw_all()
    assert curves.train_loss.opts["symbol"] is None  # two points: a line, as before
