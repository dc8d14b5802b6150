"""The canvas keeps the network in sight: fitted on open, after Undo, Auto Layout and an insert that leaves a
layer outside; following the active layer while stepping; a hint on an empty canvas; ports that answer the
pointer; a red "!" on the layer with a problem (the words in its tooltip)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QEvent, QSettings
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QGraphicsSceneHoverEvent

from nnviz.io import load
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.widgets import theme

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def window(qtbot, tmp_path):
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(load(EXAMPLES / "residual-mlp.nnviz"), settings=settings, recovery_dir=tmp_path / "r")
    win.resize(1920, 1080)  # its five layers fit whole at a readable zoom (at 1280x800: see test_ui_canvas_fit)
    win.show()
    qtbot.waitExposed(win)
    qtbot.wait(50)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def _all_in_view(window) -> bool:
    return window.canvas.visible_rect().contains(window.canvas.network_rect())


def test_the_network_is_in_view_after_open_undo_and_auto_layout(window, qtbot):
    assert _all_in_view(window)
    far = {nid: (2500.0 + 250 * i, 3000.0) for i, nid in enumerate(window.document.nodes)}
    window.controller.move_nodes(far)
    qtbot.wait(10)
    assert _all_in_view(window)  # moved far away by an edit (as a paste or an insert might): fitted again
    window.canvas.zoom_by(3.0)  # the learner zooms in: now parts are outside, and that is their choice
    assert not window.canvas.fitted
    window.undo_stack.undo()
    qtbot.wait(10)
    assert _all_in_view(window)
    window.canvas.zoom_by(3.0)
    window.controller.auto_layout()
    qtbot.wait(10)
    assert _all_in_view(window)


def test_a_resize_refits_only_until_the_learner_zooms(window, qtbot):
    window.resize(1700, 1000)
    qtbot.wait(20)
    assert _all_in_view(window)
    window.canvas.zoom_by(4.0)
    zoom = window.canvas.zoom
    window.resize(1800, 1050)
    qtbot.wait(20)
    assert window.canvas.zoom == zoom


def test_stepping_follows_the_active_layer(window, qtbot):
    canvas = window.canvas
    canvas.zoom_by(4.0)  # so close that most layers are outside the view
    seen = set()
    for _ in range(30):
        view = window.training.step()
        node = view.event.node if view is not None else None
        if node is not None:
            seen.add(node)
            item = window.scene.node_items[node]
            assert canvas.visible_rect().intersects(item.sceneBoundingRect()), view.event.phase
    assert len(seen) >= 3


def test_an_empty_canvas_shows_how_to_begin(window, qtbot):
    window.undo_stack.setClean()
    assert window.files.new()
    qtbot.wait(20)
    image = window.canvas.viewport().grab().toImage()
    dark = sum(1 for x in range(0, image.width(), 3) for y in range(0, image.height(), 3)
               if QColor(image.pixel(x, y)).lightness() < 150)
    assert dark > 50  # the words of the hint (the grid alone is light)
    assert "Input" in window.canvas.empty_hint()


def test_a_port_lights_up_under_the_pointer(window):
    item = next(iter(window.scene.node_items.values()))
    port = item.out_port
    port.hoverEnterEvent(QGraphicsSceneHoverEvent(QEvent.Type.GraphicsSceneHoverEnter))
    assert port.state == "point" and port.brush().color() == theme.PORT_OK
    port.hoverLeaveEvent(QGraphicsSceneHoverEvent(QEvent.Type.GraphicsSceneHoverLeave))
    assert port.state is None


def test_the_layer_with_a_problem_wears_a_badge_and_says_why_on_hover(window, qtbot):
    doc = window.document
    dense = next(n for n in doc.nodes.values() if n.type == "dense")
    edge = next(e for e in doc.edges if e.dst == dense.id)
    window.scene.clearSelection()
    window.scene.edge_items[edge].setSelected(True)
    window.edits.delete()
    qtbot.wait(10)
    bad = [nid for nid, item in window.scene.node_items.items() if item.info.error]
    assert bad
    for nid in bad:
        item = window.scene.node_items[nid]
        assert item.shown_badge() == ("!", True)
        assert item.info.error in item.toolTip().replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    ok = next(item for item in window.scene.node_items.values() if not item.info.error)
    assert ok.shown_badge() is None
