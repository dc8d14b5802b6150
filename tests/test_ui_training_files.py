"""Trained state through the window: Save then Open continues the run bit for bit; an edit after training
keeps the unchanged layers' weights in the file; autosave and crash recovery keep the training."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from nnviz.engine.session import Session
from nnviz.io import load, read
from nnviz.ui.shell import main_window
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui
EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def windows(qapp, tmp_path):
    made: list[MainWindow] = []

    def make(document=None) -> MainWindow:
        settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
        win = MainWindow(document=document, settings=settings, recovery_dir=tmp_path / "recovery")
        made.append(win)
        return win

    yield make
    for win in made:
        win.undo_stack.setClean()
        win.training.saves.mark_saved()
        win.close()
        win.deleteLater()


def _assert_same_weights(a: dict, b: dict) -> None:
    assert a.keys() == b.keys()
    for nid in a:
        for name in a[nid]:
            assert np.array_equal(a[nid][name], b[nid][name]), (nid, name)


def test_save_then_open_in_the_window_continues_the_run_bit_for_bit(windows, tmp_path):
    win = windows(load(EXAMPLES / "spirals.nnviz"))
    for _ in range(7):
        win.training.step_batch()
    for _ in range(3):
        win.training.step()  # and a few micro-steps into step 8: saved from the start of that step
    assert win.has_unsaved_work()  # training is work: autosave and the title know it
    path = tmp_path / "trained.nnviz"
    assert win.files.write(str(path))
    assert not win.has_unsaved_work()
    assert read(path)[1]["step"] == 7

    other = windows()
    assert other.files.open(str(path))
    session = other.training.session
    assert session.steps_done == 7 and session.metrics.step_loss == win.training.session.metrics.step_loss[:7]
    for _ in range(5):
        other.training.step_batch()
    straight = Session(load(EXAMPLES / "spirals.nnviz"))
    straight.run(steps=12)
    _assert_same_weights(straight.weights(), session.weights())
    assert straight.metrics.step_loss == session.metrics.step_loss


def test_closing_after_training_asks_to_save_the_trained_weights(windows, monkeypatch):
    win = windows(load(EXAMPLES / "xor.nnviz"))
    asked: list[str] = []

    def answer(parent, title, text, *args, **kwargs):
        asked.append(text)
        return QMessageBox.StandardButton.Cancel

    monkeypatch.setattr(QMessageBox, "question", answer)
    assert win.files.maybe_save() and not asked  # nothing trained, nothing edited: no question
    win.training.step_batch()
    assert win.undo_stack.isClean() and not win.files.maybe_save()  # cancelled: the window stays
    assert asked and "trained weights" in asked[0]


def test_an_edit_after_training_keeps_the_unchanged_layers_weights_in_the_file(windows, tmp_path):
    win = windows(load(EXAMPLES / "xor.nnviz"))
    for _ in range(6):
        win.training.step_batch()
    trained = win.training.session.weights()
    dense = [n.id for n in win.document.nodes.values() if n.type == "dense"]
    assert win.controller.set_param(dense[-1], "activation", "sigmoid")  # shapes unchanged: all weights kept
    assert win.controller.rename(dense[0], "hidden")
    path = tmp_path / "edited.nnviz"
    assert win.files.write(str(path))
    other = windows()
    assert other.files.open(str(path))
    _assert_same_weights(trained, other.training.session.weights())
    assert other.training.session.steps_done == 0  # an edit starts training again, from the kept weights


def test_autosave_and_recovery_keep_the_training(windows, tmp_path, monkeypatch):
    win = windows(load(EXAMPLES / "xor.nnviz"))
    for _ in range(4):
        win.training.step_batch()
    assert win.undo_stack.isClean() and win.has_unsaved_work()
    win.autosaver._tick()  # what the autosave timer does
    assert read(win.autosaver.path)[1]["step"] == 4
    # As if this process had crashed: its autosave under the id of a process that no longer runs.
    crashed = win.autosaver.folder / "autosave-999999999.nnviz"
    shutil.copy(win.autosaver.path, crashed)
    trained = win.training.session.weights()
    monkeypatch.setattr(main_window.QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Yes)
    other = windows()
    assert other.offer_recovery()
    assert other.training.session.steps_done == 4
    _assert_same_weights(trained, other.training.session.weights())


def test_a_hand_edit_in_the_window_is_undone_redone_rewound_across_and_replayed(windows):
    from nnviz.ui.training.neuron_view import neuron_columns

    win = windows(load(EXAMPLES / "xor.nnviz"))
    controller = win.training
    for _ in range(3):
        controller.step_batch()
    hidden = neuron_columns(controller.session)[1][0]
    before = float(controller.session.layers[hidden].params["weight"][3, 1])
    nv = win.training_panels.neurons
    nv.refresh(controller.session)
    nv.select_connection(hidden, 3, 1)
    nv.edit_box.setValue(1.25)
    nv.set_button.click()
    weight = lambda: float(controller.session.layers[hidden].params["weight"][3, 1])  # noqa: E731
    assert weight() == 1.25 and win.undo_stack.count() == 1 and "Set" in win.undo_stack.text(0)
    win.undo_stack.undo()
    assert weight() == before
    win.undo_stack.redo()
    assert weight() == 1.25
    for _ in range(4):
        controller.step_batch()
    trained = controller.session.weights()
    for _ in range(5):
        controller.rewind()  # to step 2: before the edit
    assert controller.session.steps_done == 2 and weight() != 1.25
    for _ in range(5):
        controller.step_batch()  # replayed: the edit is made again at step 3
    _assert_same_weights(trained, controller.session.weights())
    reference = Session(load(EXAMPLES / "xor.nnviz"))
    reference.run(steps=3)
    reference.layers[hidden].params["weight"][3, 1] = 1.25
    reference.run(steps=4)
    _assert_same_weights(reference.weights(), controller.session.weights())


def test_save_as_moves_the_one_file_location(windows, tmp_path):
    win = windows(load(EXAMPLES / "xor.nnviz"))
    first, second = tmp_path / "a" / "net.nnviz", tmp_path / "b" / "net.nnviz"
    first.parent.mkdir()
    second.parent.mkdir()
    assert win.files.write(str(first))
    assert win.file_path == str(first) and win.document.meta["path"] == str(first.resolve())
    assert win.files.write(str(second))  # Save As elsewhere: data paths now resolve next to it
    assert win.file_path == str(second) and win.document.meta["path"] == str(second.resolve())


def test_a_rename_reaches_the_session_without_patching_or_rebuilding_it(windows):
    win = windows(load(EXAMPLES / "xor.nnviz"))
    session = win.training.session
    dense = next(n.id for n in win.document.nodes.values() if n.type == "dense")
    assert win.controller.rename(dense, "hidden_layer")
    assert win.training.session is session and session.net.names[dense] == "hidden_layer"
