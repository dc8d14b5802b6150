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


_HEADLESS_DIALOGS = None
