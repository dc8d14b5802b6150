"""Files in the app: save/open round-trip, the unsaved-changes prompt, recent files, examples, and
recovery of unsaved work after a real crash of another process."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QMessageBox

from nnviz.graph import Edge, GraphDocument
from nnviz.ui.shell import file_actions, main_window
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui
Button = QMessageBox.StandardButton


def make_window(tmp_path: Path, document: GraphDocument | None = None) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return MainWindow(document=document if document is not None else GraphDocument(), settings=settings,
                      recovery_dir=tmp_path / "recovery", training=False)


@pytest.fixture
def window(qapp, tmp_path: Path):
    win = make_window(tmp_path)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def build(win: MainWindow) -> None:
    c = win.controller
    a = c.add_node("input", (0, 0), {"shape": (2,)})
    b = c.add_node("dense", (250, 0), {"units": 4, "activation": "tanh"})
    o = c.add_node("dense", (500, 0), {"units": 2})
    c.connect(a, b)
    c.connect(b, o)
    c.rename(o, "logits")
    c.set_weight(o, "bias", [0.25, -0.5])


def test_save_and_open_roundtrip_edited_graph(window: MainWindow, tmp_path: Path) -> None:
    build(window)
    path = tmp_path / "net.nnviz"
    assert window.files.write(str(path))
    assert window.undo_stack.isClean() and not window.isWindowModified()
    saved = window.document.structure()
    other = make_window(tmp_path)
    try:
        assert other.files.open(str(path))
        assert other.document.structure()["nodes"] == saved["nodes"]
        assert other.document.structure()["edges"] == saved["edges"]
        assert other.file_path == str(path)
        assert "net" in other.windowTitle()
        assert set(other.scene.node_items) == set(other.document.nodes)
        assert str(path.resolve()) == other.files.recent_files()[0]
    finally:
        other.close()


def test_close_with_unsaved_changes_asks_first(window: MainWindow, monkeypatch) -> None:
    asked: list[str] = []

    def answer(parent, title, text, buttons=None, default=None):
        asked.append(text)
        return Button.Cancel

    monkeypatch.setattr(file_actions.QMessageBox, "question", answer)
    window.show()
    window.controller.add_node("input", (0, 0))
    assert window.isWindowModified()
    assert not window.close()  # cancelled: the window stays
    assert asked and "not saved" in asked[0]
    assert window.isVisible()
    window.undo_stack.undo()  # back at the saved state: no question
    asked.clear()
    assert window.close()
    assert not asked


def test_unsaved_prompt_save_writes_file(window: MainWindow, monkeypatch, tmp_path: Path) -> None:
    path = tmp_path / "kept.nnviz"
    window.file_path = str(path)
    window.controller.add_node("input", (0, 0))
    monkeypatch.setattr(file_actions.QMessageBox, "question", lambda *a, **k: Button.Save)
    assert window.files.new()
    assert path.is_file() and not window.document.nodes


def test_revert_and_recent_files(window: MainWindow, tmp_path: Path, monkeypatch) -> None:
    build(window)
    path = tmp_path / "r.nnviz"
    window.files.write(str(path))
    saved = window.document.structure()
    window.controller.remove(list(window.document.nodes)[:1])
    monkeypatch.setattr(file_actions.QMessageBox, "question", lambda *a, **k: Button.Yes)
    assert window.files.revert()
    assert window.document.structure()["nodes"] == saved["nodes"]
    window.files.fill_recent_menu()
    assert any("r.nnviz" in a.text() for a in window.files.recent_menu.actions())


def test_examples_menu_opens_example_as_untitled(window: MainWindow) -> None:
    examples = window.files.example_files()
    assert examples, "resources/examples should ship example networks"
    xor = next(p for p in examples if p.stem == "xor")
    assert window.files.open_example(str(xor))
    assert window.file_path == ""  # Save will ask for a new name instead of overwriting the example
    assert window.document.analysis().valid
    assert window.display_name() == "xor"


def test_invalid_graph_disables_registered_actions(window: MainWindow) -> None:
    from PySide6.QtGui import QAction

    action = QAction("Train", window)
    window.require_valid(action)
    assert not action.isEnabled()  # an empty graph has no input
    build(window)
    assert action.isEnabled()
    window.controller.disconnect(Edge("n2", "n3", 0))
    assert not action.isEnabled() and "Fix the graph first" in action.toolTip()


CRASHING_CHILD = textwrap.dedent("""
    import os, sys
    from pathlib import Path
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication
    app = QApplication([])
    from nnviz.graph import GraphDocument
    from nnviz.ui.shell.main_window import MainWindow
    folder = Path(sys.argv[1])
    win = MainWindow(document=GraphDocument(), settings=QSettings(str(folder / "child.ini"),
                     QSettings.Format.IniFormat), recovery_dir=folder / "recovery", training=False)
    c = win.controller
    a = c.add_node("input", (0, 0), {"shape": (3,)})
    b = c.add_node("dense", (250, 0), {"units": 5})
    c.connect(a, b)
    c.rename(b, "survivor")
    win.autosaver._tick()          # what the autosave timer does
    os._exit(3)                    # crash: no closeEvent, no cleanup
""")


def test_recovery_after_crash_restores_work(qapp, tmp_path: Path, monkeypatch) -> None:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    child = subprocess.run([sys.executable, "-c", CRASHING_CHILD, str(tmp_path)], env=env, timeout=120,
                           capture_output=True, text=True)
    assert child.returncode == 3, child.stderr
    assert list((tmp_path / "recovery").glob("autosave-*.nnviz"))
    questions: list[str] = []
    monkeypatch.setattr(main_window.QMessageBox, "question",
                        lambda parent, title, text, *a, **k: questions.append(text) or Button.Yes)
    win = make_window(tmp_path)
    try:
        assert win.offer_recovery()
        assert questions and "unexpectedly" in questions[0]
        names = sorted(n.name for n in win.document.nodes.values())
        assert names == ["input", "survivor"]
        assert win.document.edges and win.document.analysis().shapes[win.document.node_by_name("survivor").id] == (5,)
        assert win.isWindowModified()  # recovered work still needs saving
        # Offered once: the crashed process's file is gone, our own autosave is not offered to ourselves.
        assert not make_window(tmp_path).offer_recovery()
    finally:
        win.undo_stack.setClean()
        win.close()
    assert not list((tmp_path / "recovery").glob("autosave-*.nnviz"))  # a clean exit leaves nothing


def test_panels_follow_a_replaced_document(window: MainWindow, tmp_path: Path) -> None:
    seen: list[GraphDocument] = []
    window.documentReplaced.connect(seen.append)
    build(window)
    path = tmp_path / "p.nnviz"
    window.files.write(str(path))
    assert window.files.open(str(path))
    doc = window.document
    assert seen == [doc]
    assert window.data_panel.document is doc
    assert window.controller.document is doc and window.scene.document is doc
    assert window.problems.document is doc
    assert window.undo_stack.count() == 0  # a new history for the new document
