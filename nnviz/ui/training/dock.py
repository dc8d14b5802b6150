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

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer
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
        formula_dock = add(views.formula, "Formula", Qt.DockWidgetArea.BottomDockWidgetArea)
        tensors_dock = add(views.tensors, "Tensors", Qt.DockWidgetArea.BottomDockWidgetArea)
        curves_dock = add(views.curves, "Loss and accuracy", Qt.DockWidgetArea.RightDockWidgetArea)
        settings_dock = add(views.settings, "Training settings", Qt.DockWidgetArea.RightDockWidgetArea)
        extra_docks = []
        for extra in views.docked:
            dock = add(extra, extra.title, Qt.DockWidgetArea.RightDockWidgetArea)
            if dock is not None:
                # Hidden until the window has laid itself out: seven docks stacked in one column would not
                # fit 1280x800, and Qt grows the window at show() before the main window tabs them.
                dock.hide()
                extra_docks.append(dock)
        settings = getattr(window, "settings", None)
        if formula_dock is not None and (settings is None or settings.value("window/state") is None):
            # After the window's own first layout (its showEvent): tab the extra panels beside the
            # settings, give the formula and tensor row the height a whole backward step needs and
            # refit the canvas. A layout the user saved wins (restoreState shows what was shown).
            # With the window as context: a window closed before the event loop runs cancels the call.
            QTimer.singleShot(0, window, lambda: _first_layout(window, formula_dock, tensors_dock, curves_dock,
                                                               settings_dock, extra_docks))
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



def _first_layout(window: Any, formula_dock: Any, tensors_dock: Any, curves_dock: Any, settings_dock: Any,
                  extra_docks: list) -> None:
    if not shiboken6.isValid(window):
        return
    # Problems and History join the Formula's tab group, so Formula and Tensors share the bottom row's
    # whole width; the window raises Problems itself whenever the graph has an error.
    problems, history = getattr(window, "problems_dock", None), getattr(window, "history_dock", None)
    for dock in (problems, history):
        if dock is not None:
            window.tabifyDockWidget(formula_dock, dock)
    valid = window.document.analysis().valid if hasattr(window, "document") else True
    (formula_dock if valid or problems is None else problems).raise_()
    if tensors_dock is not None:
        width = window.width()
        window.resizeDocks([formula_dock, tensors_dock], [int(width * 0.45), int(width * 0.55)],
                           Qt.Orientation.Horizontal)
    for dock in extra_docks:
        if settings_dock is not None:
            window.tabifyDockWidget(settings_dock, dock)
        dock.show()
    inspector = getattr(window, "inspector_dock", None)
    if inspector is not None:
        inspector.raise_()
    window.resizeDocks([formula_dock], [310], Qt.Orientation.Vertical)
    if curves_dock is not None:
        window.resizeDocks([curves_dock], [190], Qt.Orientation.Vertical)
    canvas = getattr(window, "canvas", None)
    if canvas is not None and hasattr(canvas, "fit_all"):
        canvas.fit_all()  # the canvas just lost height to the panels: fit the network again
