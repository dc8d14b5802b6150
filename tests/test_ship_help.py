"""Help: the tour runs once, every panel of the real window is explained, the shortcut list is built from
the window's actions, About names the version and licences, the formulas page exists in both languages."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QDockWidget

from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path: Path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(settings=settings, recovery_dir=tmp_path / "recovery")
    qtbot.addWidget(win)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win
    win.undo_stack.setClean()


def help_texts(window) -> list[str]:
    return [a.text() for a in window.menu("&Help").actions() if not a.isSeparator()]


def test_help_menu_has_every_entry_once(window) -> None:
    texts = help_texts(window)
    for wanted in ("Take the &Tour", "&What Am I Looking At?", "&Explain a Panel", "&Formulas Explained",
                   "&Keyboard Shortcuts", "&About nnviz"):
        assert texts.count(wanted) == 1, texts
    # F1 belongs to exactly one action: the full shortcut list replaced the window's simple one.
    f1 = [a for a in window.findChildren(type(window.help_actions.shortcuts)) if a.shortcut().toString() == "F1"]
    assert f1 == [window.help_actions.shortcuts]


def test_every_dock_of_the_real_window_is_explained(window) -> None:
    from nnviz.ui.help.panels import panel_for_widget, panel_help

    docks = window.findChildren(QDockWidget)
    assert len(docks) >= 6
    for dock in docks:
        key = panel_for_widget(dock.widget(), window.centralWidget())
        assert key is not None, f"no 'What am I looking at?' text for the {dock.windowTitle()!r} panel"
        text = panel_help(key)
        assert len(re.sub("<[^>]+>", "", text)) > 80
        assert dock.whatsThis() == text
    assert panel_for_widget(window.canvas.viewport(), window.centralWidget()) == "canvas"


def test_explain_panel_shows_the_text(window, qtbot) -> None:
    from nnviz.ui.help import explain_panel

    box = explain_panel(window, "formula")
    assert "δ = ∂L/∂z" in box.text()
    box.close()


def test_shortcut_list_is_built_from_the_actions(window) -> None:
    from nnviz.ui.help.dialogs import ShortcutsDialog, shortcut_rows

    rows = shortcut_rows(window)
    actions = {action: keys for _menu, action, keys in rows}
    assert actions["Save"] == "Ctrl+S"
    assert actions["Undo"] == "Ctrl+Z"
    assert "F10" in actions.values()  # the training actions (Step) are included
    assert actions["What Am I Looking At?"] == "Shift+F1"
    dialog = ShortcutsDialog(window)
    assert dialog.table.rowCount() == len(rows) + 5  # plus the mouse gestures
    assert dialog.table.item(0, 1).text() == rows[0][1]


def test_about_names_version_and_licences(window) -> None:
    from nnviz import __version__
    from nnviz.ui.help.dialogs import AboutDialog

    text = AboutDialog(window).browser.toPlainText()
    assert f"nnviz {__version__}" in text
    for needed in ("MIT", "LGPL-3.0", "pyqtgraph", "NumPy", "BSD-3-Clause", "CC BY 4.0", "Alpaydin", "CC0"):
        assert needed in text, needed


def test_formulas_page_in_both_languages() -> None:
    from nnviz.ui.help.dialogs import formulas_page

    english, chinese = formulas_page("en"), formulas_page("zh_CN")
    assert english.name == "formulas.html" and chinese.name == "formulas_zh_CN.html"
    en_text, zh_text = english.read_text(encoding="utf-8"), chinese.read_text(encoding="utf-8")
    for symbol in ("δ = ∂L/∂z", "∂L/∂W = δ·xᵀ", "Wᵀ·δ", "W ← W − η·g", "−0.09673"):
        assert symbol in en_text and symbol in zh_text, symbol
    assert "反向传播" in zh_text and "误差项" in zh_text and "学习率" in zh_text


def test_worked_example_matches_the_engine() -> None:
    """The numbers printed in the help page are the engine's numbers for seed-single-neuron."""
    import numpy as np

    from nnviz.engine.session import Session
    from nnviz.io import load
    from nnviz.resources import resource_path

    session = Session(load(resource_path("examples", "seed-single-neuron.nnviz")))
    tensors: dict[str, np.ndarray] = {}
    for _ in range(12):
        step = session.step()
        if step.phase == "backward":
            tensors["delta"] = step.tensors["delta"]
        if step.phase == "update":
            tensors["weight"] = step.tensors["weight"]
            break
    assert float(tensors["delta"].ravel()[0]) == pytest.approx(-0.09673, abs=5e-6)
    assert np.allclose(tensors["weight"].ravel(), [0.5871, -0.4903], atol=5e-5)


def test_tour_runs_once(window, qtbot) -> None:
    from nnviz.ui.help.tour import maybe_start_tour, tour_done

    tour = maybe_start_tour(window, window.settings)
    assert tour is not None and tour.isVisible()
    pages = len(tour.pages)
    assert pages >= 5
    assert not tour.back_button.isEnabled()
    tour.next()
    assert tour.page == 1
    layers = window.findChild(QDockWidget, "dock_layers")
    assert tour._outlined is layers and tour.outline.isVisible()  # the page points at the Layers panel
    frame = tour.outline.geometry()
    assert frame.topLeft() == layers.mapTo(window, layers.rect().topLeft()) and frame.size() == layers.size()
    for _ in range(pages):
        tour.next()
    assert not tour.isVisible()
    assert not tour.outline.isVisible()
    assert tour_done(window.settings)
    assert maybe_start_tour(window, window.settings) is None


def test_skipping_the_tour_also_counts(window) -> None:
    from nnviz.ui.help.tour import maybe_start_tour, tour_done

    tour = maybe_start_tour(window, window.settings)
    tour.skip_button.click()
    assert tour_done(window.settings)


def test_translated_dock_titles_find_their_panel(qapp) -> None:
    from nnviz.ui.help.panels import key_for
    from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators

    try:
        install_translators(qapp, CHINESE)
        assert key_for("张量") == "tensors" and key_for("损失与准确率") == "curves"
    finally:
        install_translators(qapp, ENGLISH)
    assert key_for("Loss and accuracy") == "curves" and key_for("no such panel") is None
