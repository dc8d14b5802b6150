"""Fitting keeps the cards readable: a network too wide for the canvas at a readable zoom (the Transformer
examples, a chain with a Transformer block from the palette) opens at that zoom with its first layer in view,
and stepping brings each active layer into view; a network that fits at that zoom is still shown whole."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings

from nnviz.graph import GraphDocument
from nnviz.io import load
from nnviz.ui.canvas.composites import BLOCKS
from nnviz.ui.canvas.view import READABLE_PX, SMALLEST_CARD_PT
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
SIZES = [(1280, 800), (1920, 1080)]


@pytest.fixture
def open_window(qtbot, tmp_path):
    made = []

    def make(document, size, training=True):
        settings = QSettings(str(tmp_path / f"settings{len(made)}.ini"), QSettings.Format.IniFormat)
        window = MainWindow(document, settings=settings, recovery_dir=tmp_path / "r", training=training)
        made.append(window)
        window.resize(*size)
        window.show()
        qtbot.waitExposed(window)
        qtbot.wait(50)
        return window

    yield make
    for window in made:
        window.undo_stack.setClean()
        window.close()
        window.deleteLater()


def card_text_px(canvas) -> float:
    """The on-screen height in pixels of a card's smallest text (8.5 pt) at the canvas's zoom."""
    return SMALLEST_CARD_PT * canvas.logicalDpiY() / 72.0 * canvas.zoom


def first_layer(window):
    doc = window.document
    return next(nid for nid, node in doc.nodes.items() if node.type == "input" and not doc.inputs_of(nid))


def fully_visible(canvas, item) -> bool:
    return canvas.visible_rect().contains(item.card_rect())


@pytest.mark.parametrize("example", ["transformer-sentiment.nnviz", "causal-characters.nnviz"])
@pytest.mark.parametrize("size", SIZES, ids=lambda s: f"{s[0]}x{s[1]}")
def test_a_transformer_opens_readable_with_its_input_in_view(open_window, example, size):
    window = open_window(load(EXAMPLES / example), size)
    canvas = window.canvas
    assert len(window.document.nodes) >= 12
    assert card_text_px(canvas) >= READABLE_PX - 0.01, f"card text {card_text_px(canvas):.1f} px at {size}"
    assert fully_visible(canvas, window.scene.node_items[first_layer(window)])
    shown = [i for i in window.scene.node_items.values() if canvas.visible_rect().intersects(i.card_rect())]
    assert len(shown) >= 3  # a useful part of the network, not one card
    assert canvas.fitted  # a resize fits again (the window settling)


def test_a_small_network_is_still_shown_whole_at_1280x800(open_window):
    window = open_window(load(EXAMPLES / "spirals.nnviz"), (1280, 800))
    canvas = window.canvas
    assert canvas.visible_rect().contains(canvas.network_rect())
    assert card_text_px(canvas) >= READABLE_PX - 0.01


def test_two_transformer_blocks_from_the_palette_are_fitted_readably(open_window, qtbot):
    doc = GraphDocument()
    tokens = doc.add_node("input", name="tokens", params={"shape": [10]}, pos=(0.0, 0.0)).id
    embedding = doc.add_node("embedding", params={"num_embeddings": 50, "embedding_dim": 24}, pos=(270.0, 0.0)).id
    head = doc.add_node("mean_over_time", name="mean", pos=(540.0, 0.0)).id
    doc.connect(tokens, embedding)
    doc.connect(embedding, head)
    window = open_window(doc, (1280, 800), training=False)
    canvas, scene = window.canvas, window.scene
    for key in BLOCKS:  # each dropped on the connection into "mean", as the palette's tooltip says
        edge = window.document.inputs_of(head)[0]
        canvas.drop_layer(key, scene.edge_items[edge].path().pointAtPercent(0.5))
        window.controller.auto_layout()  # the learner tidies up
        qtbot.wait(10)
    assert len(window.document.nodes) >= 14 and window.document.analysis().valid
    canvas.fit_all()  # View > Fit to Window
    assert card_text_px(canvas) >= READABLE_PX - 0.01
    assert fully_visible(canvas, scene.node_items[tokens])
    assert not canvas.visible_rect().contains(canvas.network_rect())  # too wide to show whole, readably


def test_stepping_a_transformer_brings_each_active_layer_into_view(open_window, qtbot):
    window = open_window(load(EXAMPLES / "transformer-sentiment.nnviz"), (1280, 800))
    canvas = window.canvas
    seen = set()
    for _ in range(60):
        view = window.training.step()
        node = view.event.node if view is not None else None
        if node is not None:
            seen.add(node)
            assert canvas.visible_rect().intersects(window.scene.node_items[node].card_rect()), view.event.phase
            assert card_text_px(canvas) >= READABLE_PX - 0.01
    far = max(seen, key=lambda n: window.scene.node_items[n].pos().x())
    assert window.scene.node_items[far].pos().x() > canvas.visible_rect().width()  # the view moved along


def test_an_edit_at_the_far_end_leaves_the_view_where_the_learner_is(open_window, qtbot):
    window = open_window(load(EXAMPLES / "transformer-sentiment.nnviz"), (1280, 800), training=False)
    canvas, doc = window.canvas, window.document
    last = max(doc.nodes, key=lambda n: doc.nodes[n].pos[0])
    canvas.show_node(last)
    assert fully_visible(canvas, window.scene.node_items[last])
    node = doc.nodes[last]
    window.controller.rename(last, node.name + "_renamed")
    qtbot.wait(10)
    assert fully_visible(canvas, window.scene.node_items[last])  # not thrown back to the input
    window.controller.move_nodes({nid: (2000.0 + 270 * i, 3000.0) for i, nid in enumerate(doc.nodes)})
    qtbot.wait(10)  # every layer moved out of sight: fitted again, from the first layer
    assert fully_visible(canvas, window.scene.node_items[first_layer(window)])


def _overlapping_cards(scene) -> list[tuple[str, str]]:
    items = list(scene.node_items.items())
    return [(a, b) for i, (a, ia) in enumerate(items) for b, ib in items[i + 1:]
            if ia.card_rect().intersects(ib.card_rect())]


def test_a_dropped_block_makes_room_instead_of_covering_cards(open_window, qtbot):
    """On a connection, the layers after it move right; on a crowded spot, the block goes below."""
    window = open_window(load(EXAMPLES / "transformer-sentiment.nnviz"), (1280, 800), training=False)
    canvas, scene, doc = window.canvas, window.scene, window.document
    assert not _overlapping_cards(scene)
    before = {nid: n.pos for nid, n in doc.nodes.items()}
    position = next(nid for nid, n in doc.nodes.items() if n.type == "positional_embedding")
    edge = doc.inputs_of(position)[0]  # embedding -> positions, in the first row
    middle = scene.edge_items[edge].path().pointAtPercent(0.5)
    assert scene.edge_at(middle).edge == edge
    canvas.drop_layer(next(iter(BLOCKS)), middle)
    qtbot.wait(10)
    assert len(doc.nodes) == len(before) + 8 and doc.analysis().valid
    assert not _overlapping_cards(scene), _overlapping_cards(scene)
    window.undo_stack.undo()  # one step: the block and the moves
    qtbot.wait(10)
    assert {nid: n.pos for nid, n in doc.nodes.items()} == before
    crowded = scene.node_items[position].card_rect().center()  # on a card, not on a connection
    canvas.drop_layer(list(BLOCKS)[1], crowded)
    qtbot.wait(10)
    assert len(doc.nodes) == len(before) + 8
    assert not _overlapping_cards(scene), _overlapping_cards(scene)
