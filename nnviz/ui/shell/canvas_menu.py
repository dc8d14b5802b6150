"""The canvas's right-click menu: on a layer (duplicate, copy, delete), on a connection (remove it),
on empty space (add any layer where the user clicked)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QPoint, QPointF
from PySide6.QtWidgets import QMenu

from nnviz.graph import CATEGORIES, all_specs
from nnviz.ui.canvas.edge_item import EdgeItem
from nnviz.ui.canvas.node_item import NodeItem, PortItem
from nnviz.ui.widgets.i18n import core_tr
from nnviz.ui.widgets.icons import category_icon

if TYPE_CHECKING:
    from nnviz.ui.shell.main_window import MainWindow


def build_menu(window: MainWindow, scene_pos: QPointF) -> QMenu:
    """The menu for what lies under scene_pos; selecting the item under the cursor first, as file managers do."""
    scene = window.scene
    menu = QMenu(window)
    under = next((i for i in scene.items(scene_pos) if isinstance(i, NodeItem | EdgeItem | PortItem)), None)
    if isinstance(under, PortItem):
        under = under.node
    if isinstance(under, NodeItem):
        if not under.isSelected():
            scene.select_nodes([under.node_id])
        menu.addAction(window.act_duplicate)
        menu.addAction(window.act_copy)
        menu.addAction(window.act_cut)
        menu.addSeparator()
        menu.addAction(window.act_delete)
    elif isinstance(under, EdgeItem):
        edge = under.edge
        menu.addAction(QCoreApplication.translate("CanvasMenu", "Remove connection"),
                       lambda: window.controller.disconnect(edge))
    else:
        add = menu.addMenu(QCoreApplication.translate("CanvasMenu", "Add layer here"))
        groups: dict[str, list] = {c: [] for c in CATEGORIES}
        for spec in all_specs():
            groups.setdefault(spec.category, []).append(spec)
        for category, specs in groups.items():
            if not specs:
                continue
            sub = add.addMenu(category_icon(category), core_tr(category))
            for spec in specs:
                action = sub.addAction(core_tr(spec.label))
                action.setStatusTip(core_tr(spec.description))
                action.triggered.connect(lambda checked=False, k=spec.key: window.canvas.drop_layer(k, scene_pos))
        menu.addAction(window.act_paste)
        menu.addSeparator()
        menu.addAction(window.act_select_all)
        menu.addAction(window.act_layout)
        menu.addAction(window.act_fit)
    return menu


def show_menu(window: MainWindow, view_pos: QPoint) -> None:
    menu = build_menu(window, window.canvas.mapToScene(view_pos))
    menu.exec(window.canvas.viewport().mapToGlobal(view_pos))
