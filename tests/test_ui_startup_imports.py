"""What the window's start does not pay for: pyqtgraph (a fifth of the start) is imported when a plot is
first shown, not by importing the main window; the data preview still draws its plots once it is shown.
(Timing lives in benchmarks/bench_startup.py; these checks are not timed.)"""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

PROBE = ("import sys\nimport nnviz.ui.shell.main_window\n"
         "print(sorted(m for m in sys.modules if m.split('.')[0] == 'pyqtgraph'))\n")


def test_importing_the_main_window_does_not_import_pyqtgraph():
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    done = subprocess.run([sys.executable, "-c", PROBE], capture_output=True, text=True, timeout=120, env=env)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "[]", f"pyqtgraph imported at startup: {done.stdout.strip()[:300]}"


@pytest.mark.gui
def test_the_preview_draws_its_plots_once_it_is_on_screen(qtbot):
    from nnviz.data import load_dataset
    from nnviz.ui.data.data_preview import DataPreview

    preview = DataPreview()
    qtbot.addWidget(preview)
    preview.set_dataset(load_dataset({"kind": "generated", "name": "spirals", "n": 200, "seed": 1,
                                      "val_split": 0.2}))
    assert preview.plot is None  # hidden: nothing drawn yet
    preview.resize(460, 600)
    preview.show()
    qtbot.waitUntil(lambda: preview.plot is not None and len(preview.plot.listDataItems()) > 0, timeout=5000)
    assert preview.plot.isVisibleTo(preview)  # inside its tab, not an orphan window
    assert len(preview.bars.getPlotItem().items) >= 2  # training and validation bars
    assert preview.plot.getPlotItem().getAxis("bottom").labelText == "x1"
    preview.set_dataset(load_dataset({"kind": "generated", "name": "sine", "n": 200, "seed": 1,
                                      "val_split": 0.2}))  # on screen: drawn at once, with its own axes
    qtbot.wait(20)
    assert preview.plot.getPlotItem().getAxis("bottom").labelText == "x"
