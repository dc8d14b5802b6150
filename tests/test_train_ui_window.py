"""The training side inside the real main window: menu, shortcuts, selection, undoable settings, New/Open."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QMouseEvent
from PySide6.QtWidgets import QApplication

from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.training.controller import TrainingController

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(load(EXAMPLES / "seed-single-neuron.nnviz"), settings=settings,
                     recovery_dir=tmp_path / "recovery")
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    # Closed here, not by qtbot: with edits on the undo stack, closing would ask (modally) to save.
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def test_window_has_a_training_controller_and_menu(window):
    assert isinstance(window.training, TrainingController)
    texts = [a.text() for a in window.menu("&Train").actions()]
    for name in ("Step", "Step batch", "Step epoch", "Run", "Rewind", "Reset", "Re-initialise", "Gradient check"):
        assert name in texts
    assert window.size().width() <= 1280 and window.size().height() <= 800  # the panels fit the window


def test_f10_steps_and_the_position_is_shown(window, qtbot):
    views = window.training_panels
    for _ in range(3):
        qtbot.keyClick(window.canvas, Qt.Key.Key_F10)
    assert window.training.current.event.phase == "forward"
    assert views.controls.position.text().startswith("step 1 · forward · neuron")
    # F11 finishes the batch
    qtbot.keyClick(window.canvas, Qt.Key.Key_F11)
    assert window.training.session.steps_done == 1 and not window.training.session.mid_step


def test_selecting_a_node_shows_its_tensors(window):
    window.training.step_batch()
    window.select_node("n2")
    views = window.training_panels
    live = window.training.session.layers["n2"].params["weight"]
    np.testing.assert_array_equal(views.tensors.tensors["weight"], live)


def test_training_settings_are_undoable(window):
    panel = window.training_panels.settings
    panel.editors["lr"].setValue(0.5)
    assert window.document.training.lr == 0.5 and window.training.session.settings.lr == 0.5
    window.undo_stack.undo()
    assert window.document.training.lr == 1.0
    assert panel.editors["lr"].value() == 1.0
    assert window.training.session.settings.lr == 1.0


def test_editing_the_graph_rebuilds_and_keeps_weights(window):
    c = window.training
    c.step_batch()
    trained = c.session.layers["n2"].params["weight"].copy()
    window.controller.rename("n2", "unit")  # a rename keeps the session itself
    assert c.session.net.names["n2"] == "unit"
    window.controller.set_param("n2", "activation", "tanh")
    np.testing.assert_array_equal(c.session.layers["n2"].params["weight"], trained)
    # The example stores typed starting weights of shape (1, 2): 3 units cannot use them. No session then,
    # and the reason is shown where the position usually is.
    window.controller.set_param("n2", "units", 3)
    assert c.session is None and "reset its weights" in c.problem
    shown = window.training_panels.controls.position.text()  # the reason, or where it reads whole
    assert shown.startswith("Cannot train: Dense 'unit'") or shown == "Cannot train yet: see Problems"
    assert "reset its weights" in window.training_panels.controls.position.toolTip()
    window.undo_stack.undo()  # back to a buildable graph: the trained weights come back too
    np.testing.assert_array_equal(c.session.layers["n2"].params["weight"], trained)


def test_a_new_layer_shape_starts_that_layer_afresh(window):
    window.files.load(str(EXAMPLES / "xor.nnviz"))
    c = window.training
    c.step_batch()
    order = c.session.order
    hidden, out = order[1], order[2]
    out_w = c.session.layers[out].params["weight"].copy()
    window.controller.set_param(hidden, "units", 5)
    assert c.session.layers[hidden].params["weight"].shape == (5, 2)
    assert c.session.layers[out].params["weight"].shape == (2, 5)  # its input changed too
    assert out_w.shape == (2, 8)


def test_opening_another_file_replaces_the_session(window):
    window.files.load(str(EXAMPLES / "xor.nnviz"))
    c = window.training
    assert c.doc is window.document
    assert c.session.dataset.name == "xor"
    assert window.training_panels.settings.doc is window.document
    c.step_batch()
    assert c.session.steps_done == 1


def test_reinitialise_is_an_undoable_seed_change(window):
    window.files.load(str(EXAMPLES / "xor.nnviz"))
    c = window.training
    before = {n: {k: v.copy() for k, v in t.items()} for n, t in c.session.weights().items()}
    seed = c.reinitialize()
    assert window.document.training.seed == seed
    window.undo_stack.undo()
    assert window.document.training.seed == seed - 1
    after = c.session.weights()
    for n in before:
        for k in before[n]:
            np.testing.assert_array_equal(after[n][k], before[n][k])


def test_the_edge_into_the_active_layer_is_marked(window, qtbot):
    c = window.training
    edges = window.training_panels.active.edges
    c.step()  # batch: no layer active
    assert edges.overlays == []
    c.step()  # forward input: no edge into it
    c.step()  # forward neuron: the edge input -> neuron carries the data
    assert len(edges.overlays) == 1 and not edges.reversed
    overlay = edges.overlays[0]
    assert overlay.scene() is window.scene
    assert overlay.path() == window.scene.edge_items[next(iter(window.scene.edge_items))].path()
    c.step()  # loss
    c.step()  # backward neuron: the gradient flows back along the same edge
    assert len(edges.overlays) == 1 and edges.reversed
    assert overlay.scene() is None  # the forward mark is gone
    c.step_batch()
    assert edges.overlays == []
    qtbot.wait(600)  # the travelling dot is removed when its animation ends
    assert edges._dots == []


def test_space_on_the_canvas_taps_run_and_still_pans(window, qtbot):
    c = window.training
    window.canvas.setFocus()
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)  # a tap: run
    assert c.running
    qtbot.keyClick(window.canvas, Qt.Key.Key_Space)  # again: pause
    assert not c.running
    # hold Space and drag: the canvas pans, training does not start
    qtbot.keyPress(window.canvas, Qt.Key.Key_Space)
    viewport = window.canvas.viewport()
    qtbot.mousePress(viewport, Qt.MouseButton.LeftButton, pos=QPoint(100, 100))
    # a move with the button held (qtbot.mouseMove sends none with buttons)
    move = QMouseEvent(QEvent.Type.MouseMove, QPointF(170, 140), QPointF(170, 140), Qt.MouseButton.NoButton,
                       Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, move)
    qtbot.mouseRelease(viewport, Qt.MouseButton.LeftButton, pos=QPoint(170, 140))
    qtbot.keyRelease(window.canvas, Qt.Key.Key_Space)
    assert not c.running
    # elsewhere in the window Space is the Run shortcut as usual (F5 too)
    qtbot.keyClick(window.canvas, Qt.Key.Key_F5)
    assert c.running
    c.pause()


def test_training_actions_are_disabled_with_the_reason_while_the_graph_is_broken(window):
    actions = window.training_panels.actions
    assert actions.step.isEnabled()
    dense = next(n.id for n in window.document.nodes.values() if n.type == "dense")
    window.controller.set_param(dense, "units", 3)  # the target is one number: MSE needs one output
    assert window.training.session is None
    assert not actions.step.isEnabled() and not actions.run.isEnabled()
    assert "Cannot train yet" in actions.step.toolTip()
    window.undo_stack.undo()
    assert actions.step.isEnabled() and "Cannot train" not in actions.step.toolTip()
