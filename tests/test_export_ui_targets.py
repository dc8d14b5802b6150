"""File > Export > Keras... and ONNX...: the same live preview, Verify... and Export... as for PyTorch."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.extras_util import require_keras, require_onnxruntime
from tests.test_export_ui import _action, window  # noqa: F401  (the fixture)

pytestmark = pytest.mark.gui
SCREENSHOT_DIR = Path(os.environ.get("NNVIZ_SCREENSHOTS", "/tmp/nnviz-screens"))


def test_keras_and_onnx_previews_follow_edits(window, qtbot):  # noqa: F811
    actions = window.export_actions  # the window installed it
    _action(window, "Keras...").trigger()
    keras_panel = actions.panels["keras"]
    assert actions.dock.isVisible() and actions.panel is keras_panel
    assert [keras_panel.tabs.tabText(i) for i in range(2)] == ["model.py", "train.py"]
    assert 'layers.Dense(8, activation="tanh", name="hidden")' in keras_panel.model_view.toPlainText()
    assert "model.compile(" in keras_panel.train_view.toPlainText()
    _action(window, "ONNX...").trigger()
    onnx_panel = actions.panels["onnx"]
    assert actions.docks["onnx"].isVisible() and actions.docks["keras"] is not actions.docks["onnx"]
    assert "Netron" in onnx_panel.model_view.toPlainText()
    assert "class Net(nn.Module)" in onnx_panel.train_view.toPlainText()  # the model it is traced from

    hidden = window.document.node_by_name("hidden").id
    window.controller.set_param(hidden, "units", 12)
    qtbot.waitUntil(lambda: 'layers.Dense(12, activation="tanh"' in keras_panel.model_view.toPlainText(),
                    timeout=3000)
    qtbot.waitUntil(lambda: "nn.Linear(2, 12)" in onnx_panel.train_view.toPlainText(), timeout=3000)


@pytest.mark.torch
def test_keras_verify_and_export_from_the_window(window, tmp_path):  # noqa: F811
    require_keras()
    panel = window.export_actions.show_preview("keras")
    window.training.session.step_batch()  # trained weights: verification and export start from them
    report = panel.verify()
    assert report is not None and report.passed and report.steps == 20, report and report.text()
    assert "PASS: Keras reproduces the app's numbers." in panel.report_dialog.view.toPlainText()
    assert panel.report_dialog.windowTitle() == "nnviz and Keras, side by side"
    SCREENSHOT_DIR.mkdir(parents=True, exist_ok=True)
    assert panel.report_dialog.grab().save(str(SCREENSHOT_DIR / "export_keras_verify_report.png"))
    result = panel.export_to(tmp_path / "keras")
    assert result is not None and (tmp_path / "keras" / "model.weights.h5").is_file()


@pytest.mark.torch
def test_onnx_verify_and_export_from_the_window(window, tmp_path):  # noqa: F811
    require_onnxruntime()
    panel = window.export_actions.show_preview("onnx")
    report = panel.verify()
    assert report is not None and report.passed
    assert panel.message.text() == "PASS: onnxruntime reproduces the app's numbers."
    assert panel.export_to(tmp_path / "onnx") is not None
    assert (tmp_path / "onnx" / "model.onnx").is_file()
