"""The canvas as a user drives it: palette drops, port-to-port wiring, refusals, moves, errors (offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QPoint, QPointF, QSettings, Qt
from PySide6.QtGui import QDragEnterEvent, QDragMoveEvent, QDropEvent
from PySide6.QtTest import QTest
from PySide6.QtWidgets import QApplication

from nnviz.graph import Edge, GraphDocument
from nnviz.ui.canvas.palette import LAYER_MIME
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui


@pytest.fixture
def window(qtbot, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(document=GraphDocument(), settings=settings, recovery_dir=tmp_path / "recovery",
                     training=False)
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    win.canvas.resetTransform()
    win.canvas.centerOn(QPointF(300, 100))
    yield win
    win.undo_stack.setClean()  # closing must not ask about unsaved changes here
    win.close()
    win.deleteLater()


def drop(window: MainWindow, type_key: str, scene_pos: QPointF) -> None:
    """A real drag-enter/move/drop sequence carrying the palette's own MIME data."""
    palette = window.palette
    mime = palette.tree.mimeData([palette.items[type_key]])
    assert mime.hasFormat(LAYER_MIME)
    viewport = window.canvas.viewport()
    pos = window.canvas.mapFromScene(scene_pos)
    for cls in (QDragEnterEvent, QDragMoveEvent):
        QApplication.sendEvent(viewport, cls(pos, Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                                             Qt.KeyboardModifier.NoModifier))
    event = QDropEvent(QPointF(pos), Qt.DropAction.CopyAction, mime, Qt.MouseButton.LeftButton,
                       Qt.KeyboardModifier.NoModifier)
    QApplication.sendEvent(viewport, event)


def mouse_drag(window: MainWindow, start: QPointF, end: QPointF) -> None:
    view = window.canvas
    viewport = view.viewport()
    a, b = view.mapFromScene(start), view.mapFromScene(end)
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, a)
    for t in (0.25, 0.5, 0.75, 1.0):
        QTest.mouseMove(viewport, QPoint(int(a.x() + t * (b.x() - a.x())), int(a.y() + t * (b.y() - a.y()))))
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, b)


def test_drop_from_palette_creates_node_at_drop_position(window: MainWindow) -> None:
    target = QPointF(260, 120)
    drop(window, "dense", target)
    doc = window.document
    assert [n.type for n in doc.nodes.values()] == ["dense"]
    node_id = next(iter(doc.nodes))
    item = window.scene.node_items[node_id]
    assert item.sceneBoundingRect().contains(target)
    assert doc.nodes[node_id].pos == (item.pos().x(), item.pos().y())
    assert window.undo_stack.count() == 1
    window.undo_stack.undo()
    assert not doc.nodes and not window.scene.node_items


def test_drop_on_edge_inserts_layer(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0), {"shape": (4,)})
    b = c.add_node("dense", (500, 0), {"units": 3})
    c.connect(a, b)
    edge_item = window.scene.edge_items[Edge(a, b, 0)]
    before = window.undo_stack.count()
    drop(window, "relu", edge_item.path().pointAtPercent(0.3))
    doc = window.document
    new = next(n.id for n in doc.nodes.values() if n.type == "relu")
    assert sorted((e.src, e.dst) for e in doc.edges) == sorted([(a, new), (new, b)])
    assert doc.analysis().shapes[new] == (4,)
    assert window.undo_stack.count() == before + 1  # one step
    window.undo_stack.undo()
    assert [(e.src, e.dst) for e in doc.edges] == [(a, b)] and new not in doc.nodes


def test_connect_by_dragging_from_output_port_to_input_port(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0), {"shape": (3,)})
    b = c.add_node("dense", (320, 60), {"units": 5})
    scene = window.scene
    start = scene.node_items[a].out_port.scenePos()
    end = scene.node_items[b].in_ports[0].scenePos()
    mouse_drag(window, start, end)
    assert window.document.edges == [Edge(a, b, 0)]
    assert scene.edge_items[Edge(a, b, 0)].label == "(3,)"
    assert window.scene.node_items[b].info.shape == "(5,)"
    window.undo_stack.undo()
    assert window.document.edges == [] and not scene.edge_items


def test_connect_backwards_from_input_port_to_output_port(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (320, 0))
    mouse_drag(window, window.scene.node_items[b].in_ports[0].scenePos(),
               window.scene.node_items[a].out_port.scenePos())
    assert window.document.edges == [Edge(a, b, 0)]


def test_connect_incompatible_is_refused_with_reason(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("dense", (0, 0))
    b = c.add_node("dense", (320, 0))
    c.connect(a, b)
    messages: list[str] = []
    c.refused.connect(messages.append)
    count = window.undo_stack.count()
    # b's output back into a's input would make a cycle.
    end = window.scene.node_items[a].in_ports[0].scenePos()
    mouse_drag(window, window.scene.node_items[b].out_port.scenePos(), end)
    assert window.document.edges == [Edge(a, b, 0)]
    assert window.undo_stack.count() == count
    assert messages and "cycle" in messages[0]
    assert "cycle" in window.scene.message
    assert "cycle" in window.statusBar().currentMessage()


def test_wiring_highlights_compatible_ports(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (320, 0))
    d = c.add_node("dense", (320, 300))
    c.connect(a, b)
    scene = window.scene
    scene.start_wire(scene.node_items[a].out_port)
    assert scene.node_items[b].in_ports[0].state == "bad"  # already connected
    assert scene.node_items[d].in_ports[0].state == "ok"
    scene.cancel_wire()
    assert scene.node_items[d].in_ports[0].state is None


def test_drag_move_is_one_undo_step(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (400, 0))
    window.scene.select_nodes([a, b])
    count = window.undo_stack.count()
    header = window.scene.node_items[a].mapToScene(QPointF(60, 10))
    mouse_drag(window, header, header + QPointF(40, 80))
    doc = window.document
    assert doc.nodes[a].pos == pytest.approx((40.0, 80.0), abs=2)
    assert doc.nodes[b].pos == pytest.approx((440.0, 80.0), abs=2)
    assert window.undo_stack.count() == count + 1
    window.undo_stack.undo()
    assert doc.nodes[a].pos == (0.0, 0.0) and doc.nodes[b].pos == (400.0, 0.0)
    assert window.scene.node_items[a].pos() == QPointF(0, 0)


def test_error_turns_node_red_and_lists_problem(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0), {"shape": (1, 8, 8)})
    b = c.add_node("dense", (300, 0))
    c.connect(a, b)
    info = window.scene.node_items[b].info
    assert info.error and "Flatten" in info.error
    assert "Flatten" in window.scene.node_items[b].toolTip()
    assert any("Flatten" in m for m in window.problems.messages())
    f = c.insert_on_edge("flatten", Edge(a, b, 0), (150, 0))
    assert f is not None
    assert window.scene.node_items[b].info.error is None
    assert window.scene.node_items[b].info.params == 64 * 8 + 8
    assert "No problems" in window.problems.messages()[0]


def test_palette_filter_and_tooltips(window: MainWindow) -> None:
    palette = window.palette
    palette.filter.setText("pool")
    assert set(palette.visible_keys()) == {"maxpool2d", "avgpool2d"}
    palette.filter.setText("")
    assert "dense" in palette.visible_keys()
    assert palette.items["dense"].toolTip(0).startswith("Fully connected")
    assert not palette.items["dense"].icon(0).isNull()


def test_find_layer_shows_the_hidden_palette_and_focuses_its_filter(window: MainWindow, qtbot) -> None:
    window.palette_dock.hide()
    window.menu_actions.find_layer.trigger()
    assert window.palette_dock.isVisible()
    qtbot.waitUntil(lambda: window.palette.filter.hasFocus(), timeout=2000)


def test_delete_copy_paste_duplicate(window: MainWindow, qtbot) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0))
    c.connect(a, b)
    window.scene.select_nodes([a, b])
    assert window.edits.copy()
    pasted = window.edits.paste()
    doc = window.document
    assert len(pasted) == 2 and len(doc.nodes) == 4
    assert (pasted[0], pasted[1], 0) in [(e.src, e.dst, e.port) for e in doc.edges]
    assert doc.nodes[pasted[1]].pos == (340.0, 40.0)
    window.scene.select_nodes([pasted[1]])
    dup = window.edits.duplicate()
    assert len(dup) == 1 and doc.nodes[dup[0]].type == "dense"
    window.scene.select_nodes([a, b])
    assert window.edits.delete()
    assert a not in doc.nodes and b not in doc.nodes and len(doc.nodes) == 3
    window.undo_stack.undo()
    assert Edge(a, b, 0) in doc.edges


def test_inspector_edits_parameters_through_undo(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0))
    c.connect(a, b)
    window.scene.select_nodes([b])
    inspector = window.inspector
    assert inspector.node_id == b
    units = inspector.editors["units"]
    units.setValue(3)  # what a user's click on the arrows does
    assert window.document.nodes[b].params["units"] == 3
    assert "(3,)" in inspector.facts.text()
    activation = inspector.editors["activation"]
    activation.setCurrentText("tanh")
    assert window.document.nodes[b].params["activation"] == "tanh"
    window.undo_stack.undo()
    assert window.document.nodes[b].params["activation"] == "none"
    assert activation.currentText() == "none"  # the editor follows the document
    inspector.name_edit.setText("hidden")
    inspector.name_edit.editingFinished.emit()
    assert window.document.nodes[b].name == "hidden"


def test_weights_table_edit_sets_explicit_weight(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0), {"shape": (2,)})
    b = c.add_node("dense", (300, 0), {"units": 3})
    c.connect(a, b)
    window.scene.select_nodes([b])
    table = window.inspector.weights.tables["weight"]
    assert (table.rowCount(), table.columnCount()) == (3, 2)
    assert table.item(0, 0).text() == "auto"
    table.item(1, 0).setText("0.5")
    weight = window.document.nodes[b].weights["weight"]
    assert weight.shape == (3, 2) and weight[1, 0] == 0.5
    assert window.inspector.weights.tables["weight"].item(1, 0).text() == "0.5"
    window.undo_stack.undo()
    assert "weight" not in window.document.nodes[b].weights


def test_auto_layout_and_fit(window: MainWindow) -> None:
    c = window.controller
    ids = [c.add_node("input", (500, 500)), c.add_node("dense", (0, 0)), c.add_node("dense", (0, 0))]
    c.connect(ids[0], ids[1])
    c.connect(ids[1], ids[2])
    assert c.auto_layout()
    xs = [window.document.nodes[i].pos[0] for i in ids]
    assert xs[0] < xs[1] < xs[2]
    window.canvas.fit_all()
    visible = window.canvas.mapToScene(window.canvas.viewport().rect()).boundingRect()
    for item in window.scene.node_items.values():
        assert visible.contains(item.sceneBoundingRect())


def test_summary_dialog_copies_text(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0), {"units": 4})
    c.connect(a, b)
    dialog = window.show_summary()
    dialog.copy()
    text = QApplication.clipboard().text()
    assert "Total params: 12" in text and "dense_1 (Dense)" in text
    _assert_summary_table_is_whole(dialog, ["input (Input)", "dense_1 (Dense)"])
    assert "Total params: 12" in dialog.totals.text()
    dialog.close()


def _assert_summary_table_is_whole(dialog, names: list[str]) -> None:
    """Every header and cell fits its column (the window shows a table, not text in a fixed-width font)."""
    table = dialog.table
    assert [table.item(r, 0).text() for r in range(table.rowCount())] == names
    header = table.horizontalHeader()
    metrics = table.fontMetrics()
    for c in range(table.columnCount()):
        label = table.horizontalHeaderItem(c).text()
        assert header.sectionSize(c) >= header.fontMetrics().horizontalAdvance(label), label
        for r in range(table.rowCount()):
            assert header.sectionSize(c) >= metrics.horizontalAdvance(table.item(r, c).text()), (r, c)


def test_the_summary_in_chinese_is_a_table_with_chinese_headers(window: MainWindow) -> None:
    from nnviz.i18n import CHINESE, ENGLISH, set_language

    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0), {"units": 4})
    c.connect(a, b)
    set_language(CHINESE)
    try:
        dialog = window.show_summary()
        headers = [dialog.table.horizontalHeaderItem(i).text() for i in range(4)]
        assert headers[0].startswith("层") and "参数总数" in dialog.totals.text()
        _assert_summary_table_is_whole(dialog, ["input (Input)", "dense_1 (Dense)"])
        dialog.close()
    finally:
        set_language(ENGLISH)


def test_training_api_highlight_badge_glyph(window: MainWindow) -> None:
    from PySide6.QtGui import QImage

    a = window.controller.add_node("input", (0, 0))
    item = window.scene.node_items[a]
    window.canvas.highlight_node(a, "forward")
    assert item.highlight == "forward"
    window.canvas.highlight_node(None, None)
    assert item.highlight is None
    window.canvas.set_node_badge(a, "!", "gradient vanishing")
    assert "gradient vanishing" in item.toolTip()
    height = item.body_rect().height()
    window.canvas.set_node_glyph(a, QImage(8, 8, QImage.Format.Format_RGB32))
    assert item.body_rect().height() > height


def test_delete_key_on_canvas_removes_selection_and_undo_restores(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0))
    c.connect(a, b)
    window.scene.select_nodes([b])
    window.canvas.setFocus()
    QTest.keyClick(window.canvas.viewport(), Qt.Key.Key_Delete)
    assert b not in window.document.nodes and not window.document.edges
    QTest.keyClick(window.canvas.viewport(), Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert b in window.document.nodes and window.document.edges == [Edge(a, b, 0)]


def test_rubber_band_drag_on_empty_canvas_selects_nodes(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0))
    far = c.add_node("dense", (300, 400))
    mouse_drag(window, QPointF(-40, -40), QPointF(520, 160))
    assert set(window.scene.selected_node_ids()) == {a, b}
    assert far not in window.scene.selected_node_ids()
    assert window.undo_stack.count() == 3  # selecting is not an edit


def test_wheel_zooms_and_fit_limits(window: MainWindow) -> None:
    from PySide6.QtCore import QPoint
    from PySide6.QtGui import QWheelEvent

    view = window.canvas
    before = view.zoom
    centre = QPointF(view.viewport().rect().center())
    event = QWheelEvent(centre, view.viewport().mapToGlobal(centre), QPoint(0, 0), QPoint(0, 120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(view.viewport(), event)
    assert view.zoom == pytest.approx(before * 1.15)
    for _ in range(40):
        view.zoom_by(1.5)
    assert view.zoom == pytest.approx(4.0)
    for _ in range(60):
        view.zoom_by(0.5)
    assert view.zoom == pytest.approx(0.1)


def test_context_menu_adds_layer_and_removes_connection(window: MainWindow) -> None:
    from nnviz.ui.canvas.canvas_menu import build_menu as build

    def build_menu(window, pos):
        return build(window.canvas, window.controller, window.menu_actions.canvas_menu(), pos)

    def find(menu, text):
        for action in menu.actions():
            if action.menu() is not None:
                found = find(action.menu(), text)
                if found is not None:
                    return found
            elif action.text().replace("&", "") == text:
                return action
        return None

    empty = build_menu(window, QPointF(100, 300))
    find(empty, "Dense").trigger()
    (dense,) = window.document.nodes
    assert window.scene.node_items[dense].sceneBoundingRect().contains(QPointF(100, 300))
    inp = window.controller.add_node("input", (-400, 300))
    window.controller.connect(inp, dense)
    edge_item = window.scene.edge_items[Edge(inp, dense, 0)]
    on_edge = build_menu(window, edge_item.path().pointAtPercent(0.5))
    find(on_edge, "Remove connection").trigger()
    assert window.document.edges == []
    on_node = build_menu(window, window.scene.node_items[dense].sceneBoundingRect().center())
    assert window.scene.selected_node_ids() == [dense]
    find(on_node, "Delete").trigger()
    assert dense not in window.document.nodes


def test_drop_refused_on_edge_shows_reason(window: MainWindow) -> None:
    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (500, 0))
    c.connect(a, b)
    before = window.document.structure()
    drop(window, "input", window.scene.edge_items[Edge(a, b, 0)].path().pointAtPercent(0.5))
    assert window.document.structure() == before
    assert "takes no input" in window.scene.message
    assert "takes no input" in window.statusBar().currentMessage()


def test_skip_connection_is_drawn_above_the_nodes_it_skips(window: MainWindow) -> None:
    c = window.controller
    ids = [c.add_node("input", (0, 0), {"shape": (4,)}), c.add_node("relu", (0, 0)), c.add_node("tanh", (0, 0)),
           c.add_node("add", (0, 0))]
    c.connect(ids[0], ids[1])
    c.connect(ids[1], ids[2])
    c.connect(ids[2], ids[3], 0)
    c.connect(ids[0], ids[3], 1)
    c.auto_layout()
    from PySide6.QtGui import QPainterPathStroker

    skip = window.scene.edge_items[Edge(ids[0], ids[3], 1)]
    line = QPainterPathStroker().createStroke(skip.path())  # the drawn line, not the area it encloses
    for middle in ids[1:3]:
        item = window.scene.node_items[middle]
        assert not line.intersects(item.mapRectToScene(item.body_rect()))
    short = window.scene.edge_items[Edge(ids[0], ids[1], 0)]
    assert short.path().boundingRect().height() < 5  # neighbours in a row: a straight line


def test_choices_read_in_chinese_on_the_card_and_in_the_inspector(window: MainWindow, qapp) -> None:
    """'none', 'default', 'learned' are English words: the inspector's lists and the cards show them in the
    learner's language while the document keeps the value ("无" shown, "none" stored)."""
    from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators

    install_translators(qapp, CHINESE)
    try:
        c = window.controller
        a = c.add_node("input", (0, 0))
        b = c.add_node("dense", (300, 0))
        p = c.add_node("positional_embedding", (600, 0))
        c.connect(a, b)
        window.scene.select_nodes([b])
        activation = window.inspector.editors["activation"]
        assert activation.currentText() == "无" and activation.currentData() == "none"
        assert window.inspector.editors["weight_init"].currentText() == "默认"
        activation.setCurrentIndex(activation.findData("tanh"))
        assert window.document.nodes[b].params["activation"] == "tanh"
        window.undo_stack.undo()
        assert activation.currentText() == "无"  # the editor follows the document
        assert "可学习" in window.scene.node_items[p].info.key_params  # "类型=可学习", not "类型=learned"
    finally:
        install_translators(qapp, ENGLISH)


def test_a_new_glyph_of_the_same_size_does_not_reroute_the_connections(window: MainWindow, monkeypatch) -> None:
    """Stepping sets every card's glyph at each micro-step: only the first (the card grows) moves its edges."""
    from PySide6.QtGui import QImage

    c = window.controller
    a = c.add_node("input", (0, 0))
    b = c.add_node("dense", (300, 0))
    c.connect(a, b)
    moved = []
    monkeypatch.setattr(window.scene, "node_item_moved", lambda item: moved.append(item.node_id))
    image = QImage(8, 8, QImage.Format.Format_RGB32)
    window.canvas.set_node_glyph(a, image)
    window.canvas.set_node_glyph(a, image.copy())
    window.canvas.set_node_glyph(a, None)
    assert moved == [a, a]  # grew, then shrank; the same-size picture between moved nothing
