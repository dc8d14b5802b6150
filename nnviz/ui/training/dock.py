"""attach_training(window): put the training controller, its actions and panels into the main window.

Written against the main window's small public surface (document, documentReplaced, canvas,
undo_stack, add_dock, menu, toolbar, status, selectionChanged); each piece is optional so the panels
also work in a bare test window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QToolBar

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.views import TrainingViews


def attach_training(window: Any) -> TrainingController:
    controller = TrainingController(window.document, parent=window)
    views = TrainingViews(controller, canvas=getattr(window, "canvas", None),
                          apply_settings=_settings_applier(window), parent=controller)
    controller.views = views
    add = getattr(window, "add_dock", None)
    if add is not None:
        formula_dock = add(views.formula, "Formula", Qt.DockWidgetArea.BottomDockWidgetArea)
        add(views.tensors, "Tensors", Qt.DockWidgetArea.BottomDockWidgetArea)
        settings = getattr(window, "settings", None)
        if formula_dock is not None and (settings is None or settings.value("window/state") is None):
            # After the window's own first layout (its showEvent), give the formula and tensor row the
            # height it needs to show a whole backward step; a layout the user saved wins.
            QTimer.singleShot(0, lambda: _first_layout(window, formula_dock, curves_dock))
        curves_dock = add(views.curves, "Loss and accuracy", Qt.DockWidgetArea.RightDockWidgetArea)
        first = add(views.settings, "Training settings", Qt.DockWidgetArea.RightDockWidgetArea)
        for extra in views.extra:
            dock = add(extra, extra.title, Qt.DockWidgetArea.RightDockWidgetArea)
            # Tabs from the start: seven docks stacked in one column would not fit a 1280x800 window,
            # and Qt grows the window before the main window gets to arrange them.
            if first is not None and dock is not None and hasattr(window, "tabifyDockWidget"):
                window.tabifyDockWidget(first, dock)
    menu = window.menu("&Train") if hasattr(window, "menu") else None
    if menu is not None:
        for action in views.actions.all:
            menu.addAction(action)
    if hasattr(window, "addToolBar"):
        # The controls and "where we are" sit in their own toolbar row: always visible, no dock title.
        bar = QToolBar("Training", window)
        bar.setObjectName("toolbar_training")
        bar.addWidget(views.controls)
        window.addToolBarBreak()
        window.addToolBar(bar)
    for action in views.actions.all:
        window.addAction(action)  # shortcuts work wherever the focus is in the window
    if hasattr(window, "documentReplaced"):
        window.documentReplaced.connect(lambda doc: (controller.set_document(doc), views.settings.set_document(doc)))
    if hasattr(window, "selectionChanged"):
        window.selectionChanged.connect(views.select_node)
    if hasattr(window, "status"):
        controller.message.connect(window.status)
    return controller


def _settings_applier(window: Any):
    """Training-setting edits go through the window's undoable GraphController when there is one."""
    graph_controller = getattr(window, "controller", None)
    return getattr(graph_controller, "set_training", None)


def _first_layout(window: Any, formula_dock: Any, curves_dock: Any) -> None:
    window.resizeDocks([formula_dock], [310], Qt.Orientation.Vertical)
    if curves_dock is not None:
        window.resizeDocks([curves_dock], [190], Qt.Orientation.Vertical)
    canvas = getattr(window, "canvas", None)
    if canvas is not None and hasattr(canvas, "fit_all"):
        canvas.fit_all()  # the canvas just lost height to the panels: fit the network again
