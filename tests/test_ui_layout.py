"""The window a learner meets at 1280x800 and 1920x1080, in English and Chinese: every tab label, button
and label reads whole (font metrics against each widget's room), the panels a learner steps with are in
front, View ▸ Reset layout brings the default back, and a first start fits the screen it opens on."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, QSettings, Qt
from PySide6.QtWidgets import QApplication, QDockWidget

from nnviz.io import load
from nnviz.ui.shell.dock_layout import first_geometry
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators
from tests.layout_check import unreadable, unreadable_in_every_panel, unreadable_tree_items

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
SIZES = [(1280, 800), (1920, 1080)]


@pytest.fixture
def open_window(qtbot, qapp, tmp_path):
    made = []

    def make(size, language=ENGLISH, example="spirals.nnviz", steps=4):
        install_translators(qapp, language)
        settings = QSettings(str(tmp_path / f"settings{len(made)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(load(EXAMPLES / example), settings=settings, recovery_dir=tmp_path / "recovery")
        made.append(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)  # the first layout settles in the event loop
        for _ in range(steps):
            window.training.step()
        qtbot.wait(50)
        return window

    yield make
    for window in made:
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()
    install_translators(qapp, ENGLISH)


def _front(window, name: str) -> bool:
    dock = window.findChild(QDockWidget, name)
    return dock is not None and dock.isVisible() and not dock.visibleRegion().isEmpty()


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_text_reads_whole(open_window, qtbot, size, language):
    window = open_window(size, language)
    assert window.width() <= size[0] and window.height() <= size[1]  # the panels fit: Qt did not grow it
    problems = unreadable(window)
    assert not problems, "\n".join(problems)
    problems = unreadable_in_every_panel(window, lambda: qtbot.wait(10))
    assert not problems, "\n".join(problems)
    window.reset_layout()
    qtbot.wait(50)
    for name in ("dock_formula", "dock_tensors", "dock_lossandaccuracy", "dock_decisionboundary"):
        assert _front(window, name), f"{name} is not in front at {size} ({language})"
    canvas = window.canvas
    assert canvas.visible_rect().contains(canvas.network_rect())


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_every_palette_entry_reads_whole(open_window, qtbot, size, language):
    """Every layer and block of the palette, "Transformer encoder block (post-norm)" included."""
    window = open_window(size, language, steps=0)
    window.palette_dock.raise_()
    qtbot.wait(20)
    tree = window.palette.tree
    assert tree.isVisible() and tree.topLevelItemCount() > 5
    problems = unreadable_tree_items(tree)
    assert not problems, "\n".join(problems)


def test_the_check_finds_an_elided_palette_entry(open_window, qtbot):
    """Positive control: a tree that does not wrap, squeezed, has elided entries."""
    window = open_window((1280, 800), steps=0)
    tree = window.palette.tree
    tree.setWordWrap(False)
    assert any("Transformer encoder block" in p for p in unreadable_tree_items(tree))


def test_the_check_finds_an_elided_tab_and_a_clipped_button(open_window):
    """Positive control: squeeze the right column and the check says what no longer reads."""
    window = open_window((1280, 800), steps=0)
    settings = window.findChild(QDockWidget, "dock_trainingsettings")
    window.resizeDocks([settings], [150], Qt.Orientation.Horizontal)
    window.statusBar().hide()
    QApplication.processEvents()
    problems = "\n".join(unreadable(window))
    assert "scrolled out of its bar" in problems or "is elided" in problems
    assert "status bar" in problems


def test_formula_comes_to_front_while_stepping(open_window, qtbot):
    window = open_window((1280, 800), steps=0)
    window.findChild(QDockWidget, "dock_history").raise_()
    qtbot.wait(20)
    assert not _front(window, "dock_formula")
    window.training.step()
    qtbot.wait(20)
    assert _front(window, "dock_formula")
    assert "Press Step" not in window.training_panels.formula.text()


def test_problems_step_back_once_fixed(open_window, qtbot):
    window = open_window((1280, 800), steps=0)
    doc = window.document
    edge = doc.edges[-1]  # deleted as the Delete key does, through the undo stack
    window.scene.clearSelection()
    window.scene.edge_items[edge].setSelected(True)
    window.edits.delete()
    qtbot.wait(20)
    assert not doc.analysis().valid and _front(window, "dock_problems")
    window.undo_stack.undo()
    qtbot.wait(20)
    assert doc.analysis().valid and _front(window, "dock_formula")


def test_reset_layout_brings_back_every_panel(open_window, qtbot):
    window = open_window((1280, 800), steps=0)
    for name in ("dock_formula", "dock_tensors", "dock_lossandaccuracy"):
        window.findChild(QDockWidget, name).hide()
    window.findChild(QDockWidget, "dock_inspector").setFloating(True)
    window.menu_actions.reset_layout.trigger()
    qtbot.wait(50)
    for name in ("dock_formula", "dock_tensors", "dock_lossandaccuracy", "dock_decisionboundary"):
        assert _front(window, name), name
    assert not window.findChild(QDockWidget, "dock_inspector").isFloating()
    assert not unreadable(window)


@pytest.mark.parametrize(("screen", "maximised"), [((1280, 800), True), ((1366, 768), True),
                                                   ((1920, 1080), False), ((2560, 1440), False)])
def test_a_first_start_fits_the_screen(screen, maximised):
    available = QRect(0, 0, *screen).adjusted(0, 0, 0, -30)  # a panel or task bar takes some height
    rect, is_max = first_geometry(available)
    assert is_max == maximised
    assert available.contains(rect)
    assert (rect.width() >= 1280 and rect.height() >= 800) or maximised


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_the_attention_view_takes_the_tab_of_a_panel_that_does_not_apply(open_window, qtbot, language):
    """At a Transformer's first attention micro-step the attention view joins Tensors in front; the
    through-time view (nothing to show without a recurrent layer) gives up its tab so no tab of the full
    1280x800 group is scrolled out of sight; another network brings it back."""
    window = open_window((1280, 800), language, example="transformer-sentiment.nnviz", steps=0)
    attention = window.findChild(QDockWidget, "dock_attention")
    through_time = window.findChild(QDockWidget, "dock_throughtime")
    assert attention.isHidden() and not through_time.isHidden()
    for _ in range(8):  # the batch, the embedding, the positions, then the attention layer's forward
        window.training.step()
        qtbot.wait(20)
        if not attention.isHidden():
            break
    assert _front(window, "dock_attention") and through_time.isHidden()
    tabs = [p for p in unreadable(window) if "scrolled out" in p or "is elided" in p]
    assert not tabs, "\n".join(tabs)
    window.set_document(load(EXAMPLES / "seed-text-lstm.nnviz"))
    qtbot.wait(50)
    assert attention.isHidden() and not through_time.isHidden()


@pytest.mark.parametrize("example", ["seed-single-neuron.nnviz", "seed-text-lstm.nnviz"])
@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_the_exercise_question_joins_formula_and_every_tab_still_reads(open_window, qtbot, language, example):
    window = open_window((1280, 800), language, example=example, steps=0)
    window.exercise.action.setChecked(True)
    for _ in range(6):
        window.training.step()
        qtbot.wait(20)
        if window.exercise.question is not None:
            break
    assert window.exercise.question is not None and _front(window, "dock_exercise")
    problems = unreadable(window)  # the tabs and the question's buttons too ("Show the a" was cut)
    assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_the_stand_in_data_panel_and_an_lstm_read_whole_at_1280x800(open_window, qtbot, language):
    """The Data panel's Fetch offer (the MNIST stand-in) and the through-time view of an LSTM: panels
    whose words were cut at the side when their form or choices were wider than the column."""
    for example in ("seed-mnist-mlp.nnviz", "seed-text-lstm.nnviz"):
        window = open_window((1280, 800), language, example=example, steps=0)
        problems = unreadable_in_every_panel(window, lambda: qtbot.wait(10))
        assert not problems, "\n".join(problems)


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_a_problem_too_long_for_the_position_line_points_at_problems(open_window, qtbot, language):
    """'Cannot train: Dense 'dense_1' needs a flat input …' was cut mid-sentence at 1280x800: the line
    says where the whole explanation is instead, and its tooltip has it."""
    from nnviz.graph.document import GraphDocument

    window = open_window((1280, 800), language, steps=0)
    doc = GraphDocument()
    image = doc.add_node("input", params={"shape": (1, 28, 28)})
    conv = doc.add_node("conv2d", params={"out_channels": 4})
    dense = doc.add_node("dense", params={"units": 10})
    doc.connect(image.id, conv.id)
    doc.connect(conv.id, dense.id)
    window.set_document(doc)
    qtbot.wait(50)
    line = window.training_panels.controls.position
    assert not line.text().endswith("…") and ("Problems" in line.text() or "问题" in line.text())
    assert "dense_1" in line.toolTip() and _front(window, "dock_problems")


@pytest.mark.parametrize("language", [ENGLISH, CHINESE])
def test_the_decision_boundary_reads_whole_after_training(open_window, qtbot, language):
    """'filled: training points, hollow: validation points · last ba…' was cut at 1280x800 once the
    accuracies joined it: the legend wraps, the accuracies have their own line."""
    window = open_window((1280, 800), language, steps=0)
    for _ in range(30):
        window.training.step_batch()
    qtbot.wait(300)  # the boundary may trail a step by a frame
    window.findChild(QDockWidget, "dock_decisionboundary").raise_()
    qtbot.wait(300)
    boundary = window.training_panels.boundary
    assert "%" in boundary.note.text() and boundary.legend.text()
    scroller = window.findChild(QDockWidget, "dock_decisionboundary").widget()
    assert scroller.verticalScrollBar().maximum() == 0  # the plane takes the room there is, never more
    problems = unreadable(window)
    assert not problems, "\n".join(problems)


def test_a_long_position_drops_its_last_parts_whole(open_window, qtbot):
    """'step 34 · forward · hidden_2 · epoch 2 · loss 0.67…' was cut mid-number at 1280x800."""
    window = open_window((1280, 800), steps=0)
    for _ in range(3):
        window.training.step_batch()
    for _ in range(3):
        window.training.step()
    line = window.training_panels.controls.position
    line.setFixedWidth(line.fontMetrics().horizontalAdvance(line.toolTip()) - 10)  # one part too narrow
    window.training_panels.controls.refresh()
    assert not line.text().endswith("…") and line.text() in line.toolTip() and "step 4" in line.text()


def test_a_decision_boundary_with_nothing_to_draw_gives_its_place_to_the_inspector(open_window, qtbot):
    window = open_window((1280, 800), example="spirals.nnviz", steps=0)
    assert _front(window, "dock_decisionboundary")
    window.set_document(load(EXAMPLES / "transformer-sentiment.nnviz"))  # token ids: no plane to draw
    qtbot.waitUntil(lambda: window.training.session is not None, timeout=10_000)
    qtbot.wait(20)
    assert _front(window, "dock_inspector") and not _front(window, "dock_decisionboundary")
    window.findChild(QDockWidget, "dock_trainingsettings").raise_()  # the learner's own choice ...
    window.set_document(load(EXAMPLES / "xor.nnviz"))
    qtbot.wait(50)
    assert _front(window, "dock_trainingsettings")  # ... is kept
