"""File > Export > PyTorch...: the live preview follows edits, copies, exports the session's weights;
File > Import > PyTorch model... replaces the document."""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QGuiApplication

from nnviz.graph.document import GraphDocument
from nnviz.resources import resource_path
from nnviz.ui.export.export_dialog import ExportPanel
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui
SCREENSHOT_DIR = Path(os.environ.get("NNVIZ_SCREENSHOTS", "/tmp/nnviz-screens"))


@pytest.fixture
def window(qtbot, tmp_path: Path):
    from nnviz.io import load

    path = resource_path("examples", "xor.nnviz")
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(document=load(path), file_path=str(path), settings=settings,
                     recovery_dir=tmp_path / "recovery", training=True)
    # Closing must not stop at "save your changes?" (qtbot closes widgets before fixtures end).
    qtbot.addWidget(win, before_close_func=lambda w: w.undo_stack.setClean())
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


def _action(window, text: str):
    file_menu = window.menu("&File")
    for sub in (a.menu() for a in file_menu.actions() if a.menu() is not None):
        for action in sub.actions():
            if action.text() == text:
                return action
    raise AssertionError(f"no File menu action {text!r}")


def test_the_preview_follows_edits_and_copies(window, qtbot):
    actions = window.export_actions  # the window installed it once, and keeps it
    entries = [a for sub in (a.menu() for a in window.menu("&File").actions() if a.menu() is not None)
               for a in sub.actions() if a.text() == "PyTorch..."]
    assert len(entries) == 1  # File > Export > PyTorch..., once
    file_actions = window.menu("&File").actions()
    assert file_actions[-1] is window.menu_actions.quit  # Quit stays the File menu's last entry ...
    assert file_actions[-2].isSeparator()  # ... in a group of its own, Export and Import above it
    assert file_actions[-5].isSeparator() and all(a.menu() is not None for a in file_actions[-4:-2])
    _action(window, "PyTorch...").trigger()
    panel = actions.panel
    assert panel is not None and actions.dock.isVisible()
    model = panel.model_view.toPlainText()
    assert "class Net(nn.Module)" in model and "self.hidden = nn.Linear(2, 8)" in model
    assert "# Exported from 'xor.nnviz'" in model
    assert "torch.optim." in panel.train_view.toPlainText()

    hidden = window.document.node_by_name("hidden").id
    window.controller.set_param(hidden, "units", 12)
    qtbot.waitUntil(lambda: "self.hidden = nn.Linear(2, 12)" in panel.model_view.toPlainText(), timeout=3000)
    window.undo_stack.undo()
    qtbot.waitUntil(lambda: "self.hidden = nn.Linear(2, 8)" in panel.model_view.toPlainText(), timeout=3000)

    window.controller.set_training(window.document.training.with_(optimizer="rmsprop", lr=0.003))
    qtbot.waitUntil(lambda: "LR = 0.003" in panel.train_view.toPlainText(), timeout=3000)
    assert "torch.optim.RMSprop(" in panel.train_view.toPlainText()

    panel.copy()
    assert QGuiApplication.clipboard().text() == panel.model_view.toPlainText()
    panel.tabs.setCurrentIndex(1)
    panel.copy()
    assert QGuiApplication.clipboard().text().startswith('"""Train the exported network')
    panel.tabs.setCurrentIndex(0)

    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    actions.dock.resize(640, 700)
    assert window.grab().save(str(SCREENSHOT_DIR / "export_preview_window.png"))
    assert panel.grab().save(str(SCREENSHOT_DIR / "export_preview_panel.png"))


def test_an_invalid_graph_shows_why_and_cannot_be_exported(window, qtbot):
    panel = window.export_actions.show_preview()
    logits = window.document.node_by_name("logits").id
    edge = window.document.inputs_of(logits)[0]
    good = panel.model_view.toPlainText()
    window.controller.disconnect(edge)
    qtbot.waitUntil(lambda: panel.problem is not None, timeout=3000)
    assert "cannot be exported" in panel.message.text()
    assert "logits" in panel.message.text()
    assert not panel.export_button.isEnabled()
    assert not panel.model_view.isEnabled() and panel.model_view.toPlainText() == good  # last good code, dimmed


def test_export_writes_the_sessions_current_weights(window, tmp_path):
    from safetensors.numpy import load_file

    panel = window.export_actions.show_preview()
    session = window.training.session
    assert session is not None
    for _ in range(3):
        session.step_batch()
    result = panel.export_to(tmp_path / "out")
    assert result is not None
    weights = load_file(str(tmp_path / "out" / "weights.safetensors"))
    hidden = window.document.node_by_name("hidden").id
    assert np.array_equal(weights["hidden.weight"], session.weights()[hidden]["weight"])
    assert (tmp_path / "out" / "train.py").is_file() and (tmp_path / "out" / "data.npz").is_file()
    assert "Wrote 5 files" in panel.message.text()


def test_a_replaced_document_is_followed(window, qtbot):
    panel = window.export_actions.show_preview()
    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": (3,)})
    out = doc.add_node("dense", name="only", params={"units": 1})
    doc.connect(inp.id, out.id)
    window.set_document(doc)
    assert "self.only = nn.Linear(3, 1)" in panel.model_view.toPlainText()


@pytest.mark.torch
def test_import_pytorch_replaces_the_document(window, tmp_path, monkeypatch):
    from tests.torch_util import require_torch

    require_torch()
    from nnviz.ui.export.export_dialog import import_pytorch

    source = tmp_path / "net.py"
    source.write_text("from torch import nn\n\n\ndef make():\n"
                      "    return nn.Sequential(nn.Conv2d(1, 2, 3), nn.ReLU(), nn.Flatten(), nn.Linear(8, 3))\n")
    monkeypatch.setattr(window.files, "maybe_save", lambda: True)
    doc = import_pytorch(window, str(source), "make", input_shape=(1, 4, 4))
    assert doc is window.document
    assert [n.type for n in doc.nodes.values()] == ["input", "conv2d", "flatten", "dense"]

    warnings = []
    monkeypatch.setattr("nnviz.ui.export.export_dialog.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    assert import_pytorch(window, str(source), "missing", input_shape=(1, 4, 4)) is None
    assert warnings and "has no 'missing'" in warnings[0]
    assert window.document is doc


def test_the_highlighter_colours_keywords_strings_and_comments(qtbot):
    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": (2,)})
    out = doc.add_node("dense", name="out put", params={"units": 1})
    doc.connect(inp.id, out.id)
    panel = ExportPanel(doc)
    qtbot.addWidget(panel)
    block = panel.model_view.document().begin()
    formats = {}
    while block.isValid():
        text = block.text()
        for r in block.layout().formats():
            formats.setdefault(text[r.start: r.start + r.length], r.format.foreground().color().name())
        block = block.next()
    assert formats.get("class") == "#c1437a"
    assert formats.get("# Dense 'out put'") == "#8a8f98"
    assert formats.get('"weights.safetensors"') == "#3a9a3a"


@pytest.mark.torch
def test_verify_button_shows_the_side_by_side_report(window):
    from tests.torch_util import require_torch

    require_torch()
    panel = window.export_actions.show_preview()
    window.training.session.step_batch()  # trained weights: verification starts from them
    report = panel.verify()
    assert report is not None and report.passed and report.steps == 20
    text = panel.report_dialog.view.toPlainText()
    assert "PASS: PyTorch reproduces the app's numbers." in text and "gradients" in text
    assert panel.message.text() == "PASS: PyTorch reproduces the app's numbers."
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    assert panel.report_dialog.grab().save(str(SCREENSHOT_DIR / "export_verify_report.png"))
