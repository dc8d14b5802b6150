"""Views never go stale (issue 11): after File > New, Open, Train > Reset and the undo of a graph edit, every
training panel shows the network and session now in the window, nothing left from before. Each test
trains first (so every panel holds something), makes the transition, and compares each panel with what
the current session alone implies."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.training.boundary import class_probabilities

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(load(EXAMPLES / "xor.nnviz"), settings=settings, recovery_dir=tmp_path / "recovery")
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def train_and_fill_every_panel(win) -> None:
    """Steps, a gradient check, every panel drawn: each holds numbers of this network and step."""
    c, panels = win.training, win.training_panels
    for _ in range(12):
        c.step_batch()
    for _ in range(4):
        c.step()
    panels.health.run_gradcheck()
    panels.badges.set_badge(next(iter(c.session.order)), "health", "↓", "vanishing")
    panels.redraw_all()
    assert len(panels.curves.curve_data()["train_loss"][0]) == 12
    assert panels.health.curves and panels.formula.formula is not None and panels.tensors.tensors
    assert any(item.glyph is not None for item in win.scene.node_items.values())


def assert_shows_the_current_session(win) -> None:
    c, panels = win.training, win.training_panels
    panels.redraw_all()
    s = c.session
    steps = 0 if s is None else len(s.metrics.step_loss)
    # Curves: exactly this session's history, and axes that do not span the old run.
    x, _ = panels.curves.curve_data()["train_loss"]
    assert len(x if x is not None else []) == steps
    assert panels.curves.loss_plot.viewRange()[0][1] <= max(steps, 1) * 1.2 + 1
    # Formula: no micro-step is current after any of these transitions.
    assert panels.formula.formula is None
    note = "Press Step (F10)" if s is not None else (c.problem or "")
    assert note.split(":")[0] in panels.formula.text()
    # Tensors: the live tensors of the node shown, else nothing.
    shown = panels.tensors.tensors
    if s is None:
        assert shown == {}
    else:
        node = next(n for n in reversed(s.order) if s.layers[n].params)
        expected = c.node_tensors(node)
        assert set(shown) == set(expected)
        for name in shown:
            np.testing.assert_array_equal(shown[name], expected[name])
    # Neurons: drawn from this session (or nothing).
    assert panels.neurons.session is s
    if s is None:
        assert panels.neurons.scene.items() == []
    # Decision boundary: this network's predictions, or nothing.
    b = panels.boundary
    if s is not None and b.applicable(s):
        np.testing.assert_allclose(b.probs, class_probabilities(s.predict(b._grid), s.settings.loss))
    else:
        assert b.probs is None
    # Gradient health: no samples of steps this session has not taken, the table of a former check hidden,
    # the layer list of this network, no gradients before a backward pass.
    h = panels.health
    assert all(step <= (s.steps_done if s else 0) for steps_ in h.recorder.steps.values() for step in steps_)
    assert set(h.curves) <= set(h.recorder.steps)
    assert h.gradcheck_table.isHidden() and h.gradcheck_summary.isHidden()
    trainable = [] if s is None else [s.net.names[n] for n in s.order if s.layers[n].params]
    assert [h.layer_choice.itemText(i) for i in range(h.layer_choice.count())] == trainable
    if s is None or s.steps_done == 0:
        assert "gradients" not in h.histograms and h.warning.text() == ""
    # Through time: nothing of the former network.
    assert panels.sequence.matrix.size == 0
    # The canvas: no badge, no highlight, and a glyph only where this session computed an output.
    for nid, item in win.scene.node_items.items():
        assert panels.badges.badge(nid) is None
        assert (item.glyph is not None) == (s is not None and s.view.output(nid) is not None), nid
    assert panels.active.node is None


def test_file_new_leaves_nothing_of_the_old_network(monkeypatch, window):
    # New asks whether to save the trained weights first: the learner discards them.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    train_and_fill_every_panel(window)
    window.files.new()
    assert window.training.session is None
    assert_shows_the_current_session(window)


def test_file_open_shows_only_the_opened_network(window):
    train_and_fill_every_panel(window)
    window.files.load(str(EXAMPLES / "spirals.nnviz"))
    assert window.training.session is not None
    assert_shows_the_current_session(window)


def test_reset_goes_back_to_the_untrained_state_in_every_panel(window):
    train_and_fill_every_panel(window)
    window.training.reset()
    assert window.training.session.steps_done == 0
    assert_shows_the_current_session(window)


def test_undoing_a_graph_edit_shows_the_network_as_it_was(window):
    hidden = next(n.id for n in window.document.nodes.values() if n.type == "dense")
    units = window.document.nodes[hidden].params["units"]
    window.controller.set_param(hidden, "units", units + 3)
    train_and_fill_every_panel(window)
    window.undo_stack.undo()
    assert window.document.nodes[hidden].params["units"] == units
    assert window.training.session.net.layers[hidden].params["weight"].shape[0] == units
    assert_shows_the_current_session(window)


def test_reinitialise_starts_every_panel_afresh(window):
    train_and_fill_every_panel(window)
    window.training.reinitialize()
    assert_shows_the_current_session(window)
