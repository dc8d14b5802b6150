"""The canvas's right-click menu: on a layer (duplicate, copy, delete), on a connection (remove it),
on empty space (add any layer where the user clicked)."""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QPoint, QPointF
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QMenu

from nnviz.graph import CATEGORIES, all_specs
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.edge_item import EdgeItem
from nnviz.ui.canvas.node_item import NodeItem, PortItem
from nnviz.ui.canvas.view import GraphView
from nnviz.ui.widgets.i18n import core_tr
from nnviz.ui.widgets.icons import category_icon


@dataclass(frozen=True)
class CanvasMenuActions:
    """The Edit and View menus' actions this menu offers too (the same actions, so shortcuts show alike)."""

    duplicate: QAction
    copy: QAction
    cut: QAction
    delete: QAction
    paste: QAction
    select_all: QAction
    auto_layout: QAction
    fit: QAction


def build_menu(view: GraphView, controller: GraphController, actions: CanvasMenuActions,
               scene_pos: QPointF) -> QMenu:
    """The menu for what lies under scene_pos; selecting the item under the cursor first, as file managers do."""
    scene = view.graph_scene
    menu = QMenu(view)
    under = next((i for i in scene.items(scene_pos) if isinstance(i, NodeItem | EdgeItem | PortItem)), None)
    if isinstance(under, PortItem):
        under = under.node
    if isinstance(under, NodeItem):
        if not under.isSelected():
            scene.select_nodes([under.node_id])
        menu.addAction(actions.duplicate)
        menu.addAction(actions.copy)
        menu.addAction(actions.cut)
        menu.addSeparator()
        menu.addAction(actions.delete)
    elif isinstance(under, EdgeItem):
        edge = under.edge
        menu.addAction(QCoreApplication.translate("CanvasMenu", "Remove connection"),
                       lambda: controller.disconnect(edge))
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
                action.triggered.connect(lambda checked=False, k=spec.key: view.drop_layer(k, scene_pos))
        menu.addAction(actions.paste)
        menu.addSeparator()
        menu.addAction(actions.select_all)
        menu.addAction(actions.auto_layout)
        menu.addAction(actions.fit)
    return menu


def show_menu(view: GraphView, controller: GraphController, actions: CanvasMenuActions, view_pos: QPoint) -> None:
    menu = build_menu(view, controller, actions, view.mapToScene(view_pos))
    menu.exec(view.viewport().mapToGlobal(view_pos))
