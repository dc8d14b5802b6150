"""Shared test setup: Qt runs offscreen; NumPy's BLAS uses one thread.

Small matrix products get about ten times slower on a loaded 2-core machine when OpenBLAS spreads them
over threads, and pytest-xdist already runs one worker per core. Set before NumPy is first imported
(the workers inherit the environment).
"""

from __future__ import annotations

import os

import pytest

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")


@pytest.fixture(autouse=True)
def _modal_dialogs_never_wait(request):
    """A modal dialog nobody answers would hang the test until the timeout (offscreen, nobody can click):
    in every test that has a Qt application, each one shown is refused at once, as `nnviz --screenshot`
    does, its text on stderr. Tests that expect a dialog patch the QMessageBox function they check."""
    if not {"qapp", "qtbot"} & set(request.fixturenames):
        yield
        return
    global _HEADLESS_DIALOGS
    if _HEADLESS_DIALOGS is None:
        from nnviz.ui.shell.launch import HeadlessDialogs

        _HEADLESS_DIALOGS = HeadlessDialogs(request.getfixturevalue("qapp"))
    yield
    LEFT_OPEN.append(_close_windows_left_open())


def _close_windows_left_open() -> int:
    """A test that closes a trained window with only `undo_stack.setClean()` has its close refused (the save
    question is answered No by the guard above): the window would stay open, its timers running, for the
    rest of the worker. Closed here on purpose, after qtbot's own teardown; returns how many there were."""
    import sys

    main_window = sys.modules.get("nnviz.ui.shell.main_window")
    if main_window is None:
        return 0
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance()
    left = [w for w in app.topLevelWidgets() if isinstance(w, main_window.MainWindow) and w.isVisible()]
    for window in left:
        window.discard_unsaved_work()
        window.close()
    return len(left)


_HEADLESS_DIALOGS = None
LEFT_OPEN: list[int] = []  # per test with a Qt application: windows closed by _close_windows_left_open


def pytest_terminal_summary(terminalreporter) -> None:
    if sum(LEFT_OPEN):
        terminalreporter.write_line(f"windows left open by tests and closed after them: {sum(LEFT_OPEN)}")
