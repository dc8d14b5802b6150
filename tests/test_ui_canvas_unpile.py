"""A network shown with its cards piled on each other (built in code without positions, a file whose
layers have none) is laid out as Auto Layout does, in view, without an undo step the learner did not make;
a network whose cards lie apart (every shipped one, a card a learner dragged a little onto another) keeps
its positions. An imported PyTorch model opens laid out too."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from nnviz.graph import GraphDocument
from nnviz.io import dumps, load
from nnviz.ui.canvas.layout import layered_layout
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

RESOURCES = Path(__file__).resolve().parents[1] / "resources"
SHIPPED = sorted(RESOURCES.glob("examples/*.nnviz")) + sorted(RESOURCES.glob("lessons/networks/*.nnviz"))


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


def built_in_code() -> GraphDocument:
    """A small classifier as a script builds it: no positions given, so every layer is at (0, 0)."""
    doc = GraphDocument()
    x = doc.add_node("input", params={"shape": (2,)}).id
    h = doc.add_node("dense", params={"units": 8}).id
    a = doc.add_node("relu").id
    y = doc.add_node("dense", params={"units": 2}).id
    for src, dst in [(x, h), (h, a), (a, y)]:
        doc.connect(src, dst)
    return doc


def overlapping(win: MainWindow) -> list[tuple[str, str]]:
    cards = [(nid, item.card_rect()) for nid, item in win.scene.node_items.items()]
    return [(a, b) for i, (a, ra) in enumerate(cards) for b, rb in cards[i + 1:] if ra.intersects(rb)]


def assert_laid_out_quietly(win: MainWindow) -> None:
    doc = win.document
    assert overlapping(win) == []
    assert {nid: n.pos for nid, n in doc.nodes.items()} == layered_layout(doc)  # Auto Layout's places
    assert {nid: (i.pos().x(), i.pos().y()) for nid, i in win.scene.node_items.items()} == layered_layout(doc)
    assert win.undo_stack.count() == 0 and not win.undo_stack.canUndo()  # nothing to undo
    assert not win.has_unsaved_work()
    assert win.canvas.visible_rect().contains(win.canvas.network_rect())


def test_a_network_built_in_code_opens_laid_out(window):
    assert_laid_out_quietly(window(built_in_code()))


def test_a_network_without_positions_given_to_an_open_window_is_laid_out(window, tmp_path):
    win = window(GraphDocument())
    path = tmp_path / "no-positions.nnviz"
    tree = json.loads(dumps(built_in_code()))
    for node in tree["nodes"]:
        node.pop("pos", None)  # a file written by a script that knows nothing of positions
    path.write_text(json.dumps(tree), encoding="utf-8")
    assert win.files.load(str(path))
    assert_laid_out_quietly(win)


def test_an_imported_pytorch_model_opens_laid_out(window, tmp_path):
    pytest.importorskip("torch")
    from nnviz.ui.export.export_dialog import import_pytorch

    source = tmp_path / "model.py"
    source.write_text("import torch.nn as nn\n\ndef build():\n    return nn.Sequential(nn.Linear(4, 16), nn.ReLU(), "
                      "nn.Linear(16, 16), nn.Tanh(), nn.Linear(16, 3))\n", encoding="utf-8")
    win = window(GraphDocument())
    doc = import_pytorch(win, str(source), "build", (4,))
    assert doc is win.document and len(doc.nodes) >= 4
    assert_laid_out_quietly(win)


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: p.stem)
def test_a_network_whose_cards_lie_apart_keeps_its_positions(window, path):
    saved = {nid: n.pos for nid, n in load(path).nodes.items()}
    win = window(load(path))
    assert {nid: n.pos for nid, n in win.document.nodes.items()} == saved
    assert win.undo_stack.count() == 0


def test_a_card_dragged_a_little_onto_another_stays_where_the_learner_put_it(window):
    doc = built_in_code()
    for i, nid in enumerate(doc.nodes):
        doc.move(nid, (i * 270.0, 0.0))
    last = list(doc.nodes)[-1]
    doc.move(last, (2 * 270.0 + 150.0, 20.0))  # a corner on its neighbour's card
    saved = {nid: n.pos for nid, n in doc.nodes.items()}
    win = window(doc)
    assert overlapping(win)  # the learner's overlap, kept
    assert {nid: n.pos for nid, n in win.document.nodes.items()} == saved
