"""Every edge's shape label reads whole: between two layers placed as close as Auto Layout places them, or as
close as a learner can drag them (cards touching, one below the other), the pill holds the whole shape
("(12, 32)", not "(12, 3"), no card covers it, and it says by a dotted line which curve it belongs to."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import QFontMetricsF, QImage, QPainter

from nnviz.graph import Edge, GraphDocument
from nnviz.ui.canvas.edge_item import LABEL_FONT, EdgeLabel
from nnviz.ui.canvas.layout import COLUMN_GAP
from nnviz.ui.canvas.node_item import NodeItem
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.widgets import theme

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    doc = GraphDocument()
    a = doc.add_node("input", params={"shape": (12, 32)}, pos=(0.0, 0.0))
    b = doc.add_node("dense", params={"units": 8}, pos=(COLUMN_GAP, 0.0))
    doc.connect(a.id, b.id)
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(doc, settings=settings, recovery_dir=tmp_path / "r", training=False)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    yield win, Edge(a.id, b.id, 0)
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def _painted_text(label: EdgeLabel) -> str:
    """The text the label draws: its paint() run on an image, with drawText recorded."""
    drawn: list[str] = []

    class Recorder(QPainter):
        def drawText(self, *args):
            drawn.append(args[-1])
            super().drawText(*args)

    image = QImage(400, 100, QImage.Format.Format_ARGB32)
    painter = Recorder(image)
    label.paint(painter, None)
    painter.end()
    return "".join(drawn)


# Gaps between the two cards: Auto Layout's, a narrow one, cards touching, and the second card dragged
# below the first (the curve then runs down between them).
@pytest.mark.parametrize("offset", [(COLUMN_GAP, 0.0), (theme.NODE_WIDTH + 24, 30.0), (theme.NODE_WIDTH, 0.0),
                                    (40.0, 150.0)], ids=["auto-layout", "narrow", "touching", "below"])
def test_the_shape_label_reads_whole_between_close_layers(window, qtbot, offset):
    win, edge = window
    win.controller.move_nodes({edge.dst: offset})
    qtbot.wait(10)
    item = win.scene.edge_items[edge]
    label = item.label_item
    assert label.isVisible() and label.scene() is win.scene
    assert label.text() == "(12, 32)" and _painted_text(label) == "(12, 32)"
    rect = label.mapRectToScene(label.boundingRect())
    assert rect.width() >= QFontMetricsF(LABEL_FONT).horizontalAdvance("(12, 32)") + 4
    for node in (edge.src, edge.dst):
        card = win.scene.node_items[node].card_rect()
        assert not rect.intersects(card), f"the label {rect} lies on the card {card}"
    # Nothing is painted over it: the topmost item at its centre is the label itself.
    on_top = [i for i in win.scene.items(rect.center()) if isinstance(i, EdgeLabel | NodeItem)]
    assert on_top[0] is label
    assert label.toolTip() == "(12, 32)"


def test_a_label_off_its_curve_is_joined_to_it_and_follows_its_layers(window, qtbot):
    win, edge = window
    item = win.scene.edge_items[edge]
    assert item.label_rect().contains(item.path().pointAtPercent(0.5))  # room: on the curve
    win.controller.move_nodes({edge.dst: (theme.NODE_WIDTH + 10, 0.0)})
    qtbot.wait(10)
    moved = item.label_rect()
    assert not moved.contains(item.path().pointAtPercent(0.5))  # no room: beside the curve
    src_card = win.scene.node_items[edge.src].card_rect()
    assert moved.bottom() <= src_card.top()  # above the two cards
    win.controller.move_nodes({edge.dst: (COLUMN_GAP, 0.0)})
    qtbot.wait(10)
    assert item.label_rect().contains(item.path().pointAtPercent(0.5))  # room again: back on the curve


def test_the_label_leaves_the_scene_with_its_edge_and_comes_back_on_undo(window, qtbot):
    win, edge = window
    label = win.scene.edge_items[edge].label_item
    assert win.controller.disconnect(edge)
    qtbot.wait(10)
    assert label.scene() is None
    assert not [i for i in win.scene.items() if isinstance(i, EdgeLabel)]
    win.undo_stack.undo()
    qtbot.wait(10)
    again = win.scene.edge_items[edge].label_item
    assert again.scene() is win.scene and again.text() == "(12, 32)"
