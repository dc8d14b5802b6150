"""attach_training(window): put the training controller, its actions and panels into the main window.

Written against the main window's small public surface (document, documentReplaced, canvas,
undo_stack, add_dock, menu, toolbar, status, selectionChanged); each piece is optional so the panels
also work in a bare test window.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import Qt

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.views import TrainingViews


def attach_training(window: Any) -> TrainingController:
    controller = TrainingController(window.document, parent=window)
    views = TrainingViews(controller, canvas=getattr(window, "canvas", None),
                          undo_stack=getattr(window, "undo_stack", None), parent=controller)
    controller.views = views
    add = getattr(window, "add_dock", None)
    if add is not None:
        add(views.controls, "Training", Qt.DockWidgetArea.TopDockWidgetArea)
        add(views.formula, "Formula", Qt.DockWidgetArea.BottomDockWidgetArea)
        add(views.tensors, "Tensors", Qt.DockWidgetArea.BottomDockWidgetArea)
        add(views.curves, "Loss and accuracy", Qt.DockWidgetArea.RightDockWidgetArea)
        add(views.settings, "Training settings", Qt.DockWidgetArea.RightDockWidgetArea)
        for extra in views.extra:
            add(extra, extra.title, Qt.DockWidgetArea.RightDockWidgetArea)
    menu = window.menu("&Train") if hasattr(window, "menu") else None
    if menu is not None:
        for action in views.actions.all:
            menu.addAction(action)
    toolbar = getattr(window, "toolbar", None)
    if toolbar is not None:
        toolbar.addSeparator()
        for action in (views.actions.step, views.actions.step_batch, views.actions.run, views.actions.rewind):
            toolbar.addAction(action)
    for action in views.actions.all:
        window.addAction(action)  # shortcuts work wherever the focus is in the window
    if hasattr(window, "documentReplaced"):
        window.documentReplaced.connect(lambda doc: (controller.set_document(doc), views.settings.set_document(doc)))
    if hasattr(window, "selectionChanged"):
        window.selectionChanged.connect(views.select_node)
    if hasattr(window, "status"):
        controller.message.connect(window.status)
    return controller
