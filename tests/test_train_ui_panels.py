"""A training panel follows training by itself: a throwaway panel that no module of nnviz knows is added
to a real window through the documented pattern only (a `follow(training)` method, then add_dock) and
receives every signal and throttled redraw, with nothing edited in a hub."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox, QWidget

from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.training.panel import TrainingContext

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
ROOT = Path(__file__).resolve().parents[1]


class StepLog(QWidget):
    """What the attention view or any new panel would be: it draws the current micro-step."""

    def __init__(self) -> None:
        super().__init__()
        self.drawn: list[tuple | None] = []
        self.stepped: list[tuple] = []
        self.sessions = 0
        self.selected: list[str | None] = []
        self.running: list[bool] = []

    def follow(self, training: TrainingContext) -> None:
        self.controller = training.controller
        training.follow(self, self.redraw, on_step=self.on_step, on_session=self.on_session,
                        on_select=self.selected.append, on_running=self.running.append)

    def on_step(self, view) -> None:
        self.stepped.append((view.event.step, view.event.phase, view.event.node))

    def on_session(self) -> None:
        self.sessions += 1

    def redraw(self) -> None:
        cur = self.controller.current
        self.drawn.append(None if cur is None else (cur.event.step, cur.event.phase, cur.event.node))


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(load(EXAMPLES / "seed-single-neuron.nnviz"), settings=settings,
                     recovery_dir=tmp_path / "recovery")
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def test_a_throwaway_panel_follows_training_without_any_hub_edit(monkeypatch, window, qtbot):
    # New asks whether to save the trained weights first: the learner discards them.
    monkeypatch.setattr(QMessageBox, "question", lambda *a, **k: QMessageBox.StandardButton.Discard)
    log = StepLog()
    log.follow(window.training_panels.training)
    dock = window.add_dock(log, "Step log")
    dock.setFloating(True)  # its own window: visible whatever the tabs in the dock areas show
    dock.show()
    qtbot.waitExposed(log)
    c = window.training
    for _ in range(3):
        view = c.step()
        here = (view.event.step, view.event.phase, view.event.node)
        # A hand step redraws a visible panel at once, with that very micro-step.
        assert log.drawn[-1] == here and log.stepped[-1] == here
    assert len(log.stepped) == 3

    dock.hide()  # hidden: the throttle skips it ...
    drawn = len(log.drawn)
    view = c.step()
    assert len(log.drawn) == drawn and len(log.stepped) == 4
    dock.show()  # ... and it catches up when shown again
    qtbot.waitUntil(lambda: log.drawn[-1] == (view.event.step, view.event.phase, view.event.node))

    node = next(iter(window.document.nodes))
    window.training.select_node(node)
    assert log.selected == [node]
    c.run()
    c.pause()
    assert log.running == [True, False]
    sessions = log.sessions
    window.discard_unsaved_work()  # File > New would ask about the trained weights
    window.files.new()
    assert log.sessions > sessions and log.drawn[-1] is None  # the new (empty) document's state, drawn
    window.training_panels.redraw_all()
    assert log.drawn[-1] is None


def test_no_panel_is_redrawn_by_name():
    """The composer only builds panels and hands them the context: it never calls a panel's redraw."""
    text = (ROOT / "nnviz" / "ui" / "training" / "panels.py").read_text(encoding="utf-8")
    assert ".redraw(" not in text and ".refresh(" not in text and "def refresh_" not in text
    assert not (ROOT / "nnviz" / "ui" / "training" / "views.py").exists()
    dock = (ROOT / "nnviz" / "ui" / "training" / "dock.py").read_text(encoding="utf-8")
    assert "controller.views" not in dock and "controller.apply_settings =" not in dock
