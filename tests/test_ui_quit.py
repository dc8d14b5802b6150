"""Quitting nnviz while it trains exits cleanly: no traceback, no "Internal C++ object already deleted"
(the whole launcher, in its own process, as a learner's File ▸ Quit ends it)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[1]

QUIT_WHILE_TRAINING = r"""
import os
import sys
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication
from nnviz.ui.shell import launch

real_exec = QApplication.exec

def exec_and_quit(app):
    window = next(w for w in app.topLevelWidgets() if type(w).__name__ == "MainWindow")
    QTimer.singleShot(100, window.training.run)
    def quit_():
        print("running before quit:", window.training.running, flush=True)
        # Quit asks about the trained weights (offscreen, nobody could answer): the learner discards them.
        window.discard_unsaved_work()
        window.menu_actions.quit.trigger()
    QTimer.singleShot(900, quit_)
    QTimer.singleShot(20000, lambda: os._exit(3))  # a window that refuses to close must not hang the test
    return real_exec()

QApplication.exec = exec_and_quit
code = launch.run_gui(sys.argv[1])
print("exit code:", code, flush=True)
sys.exit(code)
"""


def test_quitting_while_training_runs_is_clean(tmp_path):
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", HOME=str(tmp_path), XDG_CONFIG_HOME=str(tmp_path / "config"),
               PYTHONPATH=str(ROOT))
    done = subprocess.run([sys.executable, "-c", QUIT_WHILE_TRAINING, str(ROOT / "resources" / "examples" /
                                                                           "spirals.nnviz")],
                          capture_output=True, text=True, timeout=120, env=env, cwd=tmp_path)
    assert "running before quit: True" in done.stdout, done.stdout + done.stderr
    assert "exit code: 0" in done.stdout, done.stdout + done.stderr  # 3: the window refused to close
    assert done.returncode == 0, done.stderr
    for sign in ("Traceback", "RuntimeError", "already deleted", "Error"):
        assert sign not in done.stderr, done.stderr
