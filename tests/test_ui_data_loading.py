"""Data in the window: a graph edit never loads the data set again; a slow load runs off the GUI thread
with a busy bar and Cancel."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from nnviz.data import cache
from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.widgets import data_loading

pytestmark = pytest.mark.gui
EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def slow_loads(monkeypatch):
    real = cache.load_dataset

    def slow(spec, base_dir=None, decode=None):
        time.sleep(0.6)
        return real(spec, base_dir=base_dir, decode=decode)

    monkeypatch.setattr(cache, "load_dataset", slow)
    monkeypatch.setattr(data_loading, "WAIT_S", 0.05)


def test_graph_edits_and_the_data_panel_never_load_the_data_again(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(load(EXAMPLES / "seed-mnist-mlp.nnviz"), settings=settings, recovery_dir=tmp_path / "r")
    try:
        assert win.training.session is not None
        loads = cache.loads
        dense = [n.id for n in win.document.nodes.values() if n.type == "dense"]
        for units in (40, 50, 60):
            assert win.controller.set_param(dense[0], "units", units)
            assert win.training.session is not None
        assert win.controller.rename(dense[0], "hidden")
        win.data_panel.reload(apply=False)  # the panel asks the same cache
        assert cache.loads == loads
        assert win.data_panel.dataset is win.training.session.dataset
    finally:
        win.undo_stack.setClean()
        win.close()
        win.deleteLater()


def test_a_slow_load_runs_off_the_gui_thread_then_builds_the_session(qtbot, slow_loads):
    controller = TrainingController(load(EXAMPLES / "xor.nnviz"))
    shown: list[str] = []
    controller.loader.loadingChanged.connect(shown.append)
    assert controller.session is None and "Loading the data set" in controller.problem
    assert controller.loader.loading  # the window goes on responding meanwhile
    qtbot.waitUntil(lambda: controller.session is not None, timeout=10_000)
    assert not controller.loader.loading and shown == [""]  # the busy bar goes away
    controller.step_batch()  # trains as usual
    assert controller.session.steps_done == 1


def test_cancel_stops_waiting_and_says_what_to_do(qtbot, slow_loads):
    controller = TrainingController(load(EXAMPLES / "xor.nnviz"))
    messages: list[str] = []
    controller.message.connect(messages.append)
    controller.loader.cancel()
    assert controller.session is None and "cancelled" in controller.problem and messages
    qtbot.wait(900)  # the worker finishes: its data set is cached, but nobody builds on it
    assert controller.session is None
    controller.rebuild()  # asked again: now immediate, from the cache
    assert controller.session is not None


def test_the_window_shows_a_busy_bar_and_cancel_while_loading(qtbot, tmp_path, slow_loads):
    from PySide6.QtWidgets import QProgressBar, QPushButton

    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(load(EXAMPLES / "xor.nnviz"), settings=settings, recovery_dir=tmp_path / "r")
    try:
        win.show()
        bar = win.statusBar().findChild(QProgressBar)
        cancel = next(b for b in win.statusBar().findChildren(QPushButton) if b.text() == "Cancel")
        assert bar.isVisible() and cancel.isVisible() and (bar.minimum(), bar.maximum()) == (0, 0)
        cancel.click()
        assert not bar.isVisible() and "cancelled" in win.training.problem
    finally:
        win.undo_stack.setClean()
        win.close()
        win.deleteLater()


def test_a_load_that_ends_after_its_loader_is_gone_reaches_nobody(qtbot, monkeypatch):
    """The window closes while a data set is loading: the worker's last signal must not touch the deleted
    loader (that raced its deletion and could abort the process)."""
    import threading

    from shiboken6 import Shiboken

    gate, raised = threading.Event(), []
    monkeypatch.setattr(data_loading, "cached_dataset", lambda spec, base_dir=None: gate.wait(10))
    monkeypatch.setattr(data_loading, "is_cached", lambda spec, folder: False)
    monkeypatch.setattr(data_loading, "WAIT_S", 0.01)
    loader = data_loading.DataLoader()
    ready, before = [], set(threading.enumerate())
    loader.ready.connect(lambda: ready.append(True))
    assert not loader.ensure_spec({"kind": "generated", "name": "xor"}, None)
    (worker,) = [t for t in threading.enumerate() if t.name == "nnviz data load" and t not in before]
    previous, threading.excepthook = threading.excepthook, raised.append
    try:
        Shiboken.delete(loader)
        gate.set()
        worker.join(10)
        qtbot.wait(50)  # a queued signal would be delivered now
    finally:
        threading.excepthook = previous
    assert not worker.is_alive() and raised == [] and ready == []
