"""The canvas's scrollable area follows the network: a 60-layer chain (wider than the old fixed ±5000 px)
and a card dragged beyond 5000 px stay in reach of scrolling, fitting and following a layer, and the area is
never smaller than the view nor much larger than the network once it comes back."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QSettings, Qt

from nnviz.graph import GraphDocument
from nnviz.ui.canvas.layout import layered_layout
from nnviz.ui.canvas.view import SCENE_MARGIN
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = []

    def make(doc: GraphDocument) -> MainWindow:
        win = MainWindow(doc, settings=settings, recovery_dir=tmp_path / "r", training=False)
        made.append(win)
        win.resize(1280, 800)
        win.show()
        qtbot.waitExposed(win)
        qtbot.wait(20)
        return win

    yield make
    for win in made:
        win.undo_stack.setClean()
        win.close()
        win.deleteLater()


def chain(layers: int) -> GraphDocument:
    doc = GraphDocument()
    ids = [doc.add_node("input", params={"shape": (4,)}).id]
    for i in range(layers - 1):
        ids.append(doc.add_node("dense" if i % 2 == 0 else "tanh", params={"units": 4} if i % 2 == 0 else {}).id)
        doc.connect(ids[-2], ids[-1])
    for nid, pos in layered_layout(doc).items():
        doc.move(nid, pos)
    return doc


def reachable(canvas) -> bool:
    """The scroll area holds the whole network and at least the view."""
    area = canvas.sceneRect()
    return area.contains(canvas.network_rect()) and area.contains(canvas.visible_rect().adjusted(1, 1, -1, -1))


def scroll_to_the_end(canvas) -> None:
    canvas.horizontalScrollBar().setValue(canvas.horizontalScrollBar().maximum())


def test_a_60_layer_network_can_be_scrolled_to_its_last_layer(window):
    win = window(chain(60))
    canvas = win.canvas
    assert canvas.network_rect().width() > 10000
    assert reachable(canvas)
    last = max(win.scene.node_items.values(), key=lambda i: i.pos().x())
    scroll_to_the_end(canvas)
    assert canvas.visible_rect().contains(last.card_rect())
    canvas.fit_all()
    canvas.show_node(last.node_id)  # stepping follows the active layer to the far end
    assert canvas.visible_rect().contains(last.card_rect())
    assert reachable(canvas)


def test_a_card_dragged_beyond_5000_px_stays_in_reach(window, qtbot):
    win = window(chain(4))
    canvas, scene = win.canvas, win.scene
    item = list(scene.node_items.values())[-1]
    for _ in range(12):  # drag by drag to the right edge of the view, as a learner would
        start = canvas.mapFromScene(item.card_rect().center().x(), item.card_rect().top() + 8)
        end = QPoint(canvas.viewport().width() - 20, start.y())
        qtbot.mousePress(canvas.viewport(), Qt.MouseButton.LeftButton, pos=start)
        qtbot.mouseMove(canvas.viewport(), end)
        qtbot.mouseRelease(canvas.viewport(), Qt.MouseButton.LeftButton, pos=end)
        scroll_to_the_end(canvas)  # then scroll after it
        if item.pos().x() > 6000:
            break
    assert item.pos().x() > 6000 and win.document.nodes[item.node_id].pos[0] > 6000
    assert reachable(canvas)
    assert canvas.visible_rect().intersects(item.card_rect())
    canvas.fit_all()
    canvas.show_node(item.node_id)
    assert canvas.visible_rect().contains(item.card_rect())
    while win.undo_stack.canUndo():  # back home: the scroll area shrinks with the network
        win.undo_stack.undo()
    canvas.fit_all()
    assert reachable(canvas)
    assert canvas.sceneRect().right() <= max(canvas.network_rect().right() + SCENE_MARGIN + 1,
                                             canvas.visible_rect().right() + 1)
