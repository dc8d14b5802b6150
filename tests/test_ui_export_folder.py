"""Export ▸ Export...: a folder that already holds files is not written into without asking; the learner can
have a new folder made inside it; an empty or new folder is written straight away."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtWidgets import QFileDialog, QMessageBox

from nnviz.io import load
from nnviz.resources import resource_path
from nnviz.ui.export.export_dialog import ExportPanel

pytestmark = pytest.mark.gui


@pytest.fixture
def panel(qtbot):
    widget = ExportPanel(load(resource_path("examples", "xor.nnviz")), source_name=lambda: "xor.nnviz")
    qtbot.addWidget(widget)
    return widget


def _choose(monkeypatch, folder: Path, answer: str | None) -> list[str]:
    """The folder dialog returns `folder`; the question (if asked) is answered with the button `answer`."""
    asked: list[str] = []
    monkeypatch.setattr(QFileDialog, "getExistingDirectory", staticmethod(lambda *a, **k: str(folder)))

    def exec_(box: QMessageBox) -> int:
        asked.append(box.text())
        for button in box.buttons():
            cancel = answer is None and box.buttonRole(button) == QMessageBox.ButtonRole.RejectRole
            if button.text() == answer or cancel:
                button.click()
        return 0

    monkeypatch.setattr(QMessageBox, "exec", exec_)
    return asked


def test_an_empty_or_new_folder_is_written_without_a_question(panel, monkeypatch, tmp_path):
    asked = _choose(monkeypatch, tmp_path / "new" / "deeper", "Write into it")
    panel.choose_and_export()
    assert not asked
    assert (tmp_path / "new" / "deeper" / "model.py").is_file()  # the folder was created


def test_a_folder_with_files_asks_and_cancel_writes_nothing(panel, monkeypatch, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    asked = _choose(monkeypatch, tmp_path, None)
    panel.choose_and_export()
    assert asked and "notes.txt" in asked[0]
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


def test_new_folder_writes_into_a_fresh_folder_inside(panel, monkeypatch, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "xor-pytorch").mkdir()  # taken: the next free name is used
    _choose(monkeypatch, tmp_path, "New folder")
    panel.choose_and_export()
    assert (tmp_path / "xor-pytorch-2" / "model.py").is_file()
    assert (tmp_path / "notes.txt").read_text() == "mine"


def test_write_into_it_replaces_only_the_exported_files(panel, monkeypatch, tmp_path):
    (tmp_path / "notes.txt").write_text("mine")
    (tmp_path / "model.py").write_text("old")
    _choose(monkeypatch, tmp_path, "Write into it")
    panel.choose_and_export()
    assert "class" in (tmp_path / "model.py").read_text()
    assert (tmp_path / "notes.txt").read_text() == "mine"
