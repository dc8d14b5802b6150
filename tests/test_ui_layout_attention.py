"""The attention view at 1280x800, in English and Chinese: the self-attention heads and the LayerNorm half
(x̂ beside each position's μ and σ²) fit the bottom dock: nothing scrolls, sideways or down (the last token
rows were below the fold), no box, label or plot is cut off, token labels at least 7 px."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QComboBox, QDockWidget, QScrollArea

from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators
from tests.layout_check import unreadable

pytestmark = pytest.mark.gui

EXAMPLE = Path(__file__).resolve().parents[1] / "resources" / "examples" / "transformer-sentiment.nnviz"


@pytest.fixture
def window_at(qtbot, qapp, tmp_path):
    made = []

    def make(language):
        install_translators(qapp, language)
        settings = QSettings(str(tmp_path / f"settings{len(made)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(load(EXAMPLE), settings=settings, recovery_dir=tmp_path / "recovery")
        made.append(window)
        window.resize(1280, 800)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)
        return window

    yield make
    for window in made:
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()
    install_translators(qapp, ENGLISH)


def cut_off(window, qtbot) -> list[str]:
    """What of the attention view does not fit: a sideways scroll, a box's text, a plot past the edge."""
    dock = window.findChild(QDockWidget, "dock_attention")
    dock.show()
    dock.raise_()
    qtbot.wait(400)  # the view redraws through its throttle
    view = window.training_panels.attention if hasattr(window, "training_panels") else None
    scroller = dock.findChild(QScrollArea)
    view = view or scroller.widget()
    problems = [p for p in unreadable(window) if "dock_attention" in p or "Attention" in p]
    if scroller.horizontalScrollBar().maximum() > 0:
        problems.append(f"the view scrolls sideways: {view.minimumSizeHint().width()} px wide in "
                        f"{scroller.viewport().width()}")
    for box in view.findChildren(QComboBox):
        need = box.fontMetrics().horizontalAdvance(box.currentText()) + 24  # the text and the arrow
        if box.isVisible() and need > box.width():
            problems.append(f"box {box.currentText()!r} is {box.width()} px for {need}")
    if scroller.verticalScrollBar().maximum() > 0:
        problems.append(f"the view scrolls down: {view.minimumSizeHint().height()} px tall in "
                        f"{scroller.viewport().height()}")
    for plot, _, _ in view.plots:
        font = plot.getAxis("left").style.get("tickFont") or view.font()
        size = font.pixelSize() if font.pixelSize() > 0 else font.pointSizeF() * view.logicalDpiY() / 72
        if size < 7:
            problems.append(f"token labels {size} px high")
    room = view.graphics.viewport().width()
    items = [plot for plot, _, _ in view.plots]
    items += [item for item in view.graphics.ci.items if item not in items]
    for item in items:
        right = item.sceneBoundingRect().right()
        if right > room + 1:
            problems.append(f"a plot reaches {right:.0f} px in a view {room} px wide")
    return problems


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_the_attention_view_fits_1280x800(window_at, qtbot, language):
    window = window_at(language)
    view = None
    for micro_step in range(1, 8):  # batch, tokens, embedding, position, attention, add, norm_1 forward
        window.training.step()
        if micro_step == 5:  # the attention layer's forward: four heads
            problems = cut_off(window, qtbot)
            assert not problems, "\n".join(problems)
            view = window.findChild(QDockWidget, "dock_attention").findChild(QScrollArea).widget()
            # Four heads do not fit the 1280x800 column readably: one head, large, and the box to choose it.
            assert len(view.matrices) == 1 and view.head_box.isVisible() and view.head_box.maximum() == 4
            assert view.plots[0][0].vb.width() / 12 >= 12  # 12 tokens a side, at least 12 px each
    problems = cut_off(window, qtbot)  # norm_1: x̂ beside the means and variances
    assert not problems, "\n".join(problems)
    assert view.statistics is not None and view.node_box.currentText() == "norm_1"
