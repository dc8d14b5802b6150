"""A layer dropped on a connection takes the column after the connection's source and the layers after it
step right, so no card covers another (as a block from the palette does); one Undo puts every card back."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    made = []

    def make(name: str) -> MainWindow:
        win = MainWindow(load(EXAMPLES / name), settings=settings, recovery_dir=tmp_path / "r", training=False)
        made.append(win)
        win.resize(1280, 800)
        win.show()
        qtbot.waitExposed(win)
        return win

    yield make
    for win in made:
        win.undo_stack.setClean()
        win.close()
        win.deleteLater()


def overlapping(win: MainWindow) -> list[tuple[str, str]]:
    cards = [(nid, item.card_rect()) for nid, item in win.scene.node_items.items()]
    return [(a, b) for i, (a, ra) in enumerate(cards) for b, rb in cards[i + 1:] if ra.intersects(rb)]


@pytest.mark.parametrize("name", ["spirals.nnviz", "seed-mnist-mlp.nnviz", "residual-mlp.nnviz"])
def test_a_layer_dropped_on_each_connection_covers_no_card(window, qtbot, name):
    win = window(name)
    doc = win.document
    before = {nid: n.pos for nid, n in doc.nodes.items()}
    for edge in list(doc.edges):
        middle = win.scene.edge_items[edge].path().pointAtPercent(0.5)
        hit = win.scene.edge_at(middle)
        if hit is None or hit.edge != edge:
            continue  # the middle of this curve lies under another one
        new = win.canvas.drop_layer("identity", middle)
        qtbot.wait(1)
        assert new is not None
        assert [e.src for e in doc.inputs_of(new)] == [edge.src] and edge not in doc.edges
        assert overlapping(win) == [], f"after inserting on {edge}"
    assert len(doc.nodes) > len(before)
    while win.undo_stack.canUndo():
        win.undo_stack.undo()
    assert {nid: n.pos for nid, n in doc.nodes.items()} == before
