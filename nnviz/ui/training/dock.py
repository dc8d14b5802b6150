"""attach_training(window): put the training controller, its actions and panels into the main window.

Returns the TrainingPanels (their `controller` is the TrainingController). Construction passes each
part what it needs (the controller its settings applier and undo stack, the panels the canvas); nothing
is attached to an object afterwards.

Written against the main window's small public surface (document, documentReplaced, canvas,
undo_stack, add_dock, menu, toolbar, status, selectionChanged); each piece is optional so the panels
also work in a bare test window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QToolBar

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panels import TrainingPanels
from nnviz.ui.training.space_tap import SpaceTap
from nnviz.ui.widgets.data_loading import add_progress


def attach_training(window: Any) -> TrainingPanels:
    controller = TrainingController(window.document, parent=window, apply_settings=_settings_applier(window),
                                    undo_stack=getattr(window, "undo_stack", None))
    if hasattr(window, "statusBar"):
        add_progress(window.statusBar(), controller.loader)
    views = TrainingPanels(controller, canvas=getattr(window, "canvas", None), scene=getattr(window, "scene", None),
                           parent=controller)
    add = getattr(window, "add_dock", None)
    if add is not None:
        add(views.formula, "Formula", Qt.DockWidgetArea.BottomDockWidgetArea)
        add(views.tensors, "Tensors", Qt.DockWidgetArea.BottomDockWidgetArea)
        add(views.curves, "Loss and accuracy", Qt.DockWidgetArea.RightDockWidgetArea)
        add(views.settings, "Training settings", Qt.DockWidgetArea.RightDockWidgetArea)
        for extra in views.docked:
            # A panel of the current micro-step (`beside_tensors`) needs the bottom row's room, beside Tensors.
            below = getattr(extra, "beside_tensors", False)
            dock = add(extra, extra.title, Qt.DockWidgetArea.BottomDockWidgetArea if below
                       else Qt.DockWidgetArea.RightDockWidgetArea)
            if dock is not None:
                dock.setProperty("beside_tensors", below)
                if hasattr(extra, "wantsFront") and hasattr(window, "bring_forward"):
                    # A panel that asks to be seen when its moment comes: the window's layout finds it room.
                    extra.wantsFront.connect(lambda d=dock: window.bring_forward(d))
                # Hidden until the window arranges its docks (nnviz/ui/shell/dock_layout.py): seven docks
                # stacked in one column would not fit 1280x800, and Qt grows the window at show().
                dock.hide()
    menu = window.menu("&Train") if hasattr(window, "menu") else None
    if menu is not None:
        for action in views.actions.all:
            menu.addAction(action)
    if hasattr(window, "addToolBar"):
        # The controls and "where we are" sit in their own toolbar row: always visible, no dock title.
        bar = QToolBar(QCoreApplication.translate("TrainingPanels", "Training"), window)
        bar.setObjectName("toolbar_training")
        bar.addWidget(views.controls)
        window.addToolBarBreak()
        window.addToolBar(bar)
    for action in views.actions.all:
        window.addAction(action)  # shortcuts work wherever the focus is in the window
    canvas = getattr(window, "canvas", None)
    if canvas is not None:
        SpaceTap(canvas, controller.toggle_run)
    if hasattr(window, "documentReplaced"):
        # A document opened from a file brings its saved training state (window.opened_state) with it.
        window.documentReplaced.connect(lambda doc: (
            controller.set_document(doc, getattr(window, "opened_state", None)), views.settings.set_document(doc)))
    if hasattr(window, "selectionChanged"):
        window.selectionChanged.connect(controller.select_node)
    if hasattr(window, "status"):
        controller.message.connect(window.status)
    return views


def _settings_applier(window: Any):
    """Training-setting edits go through the window's undoable GraphController when there is one."""
    graph_controller = getattr(window, "controller", None)
    return getattr(graph_controller, "set_training", None)

