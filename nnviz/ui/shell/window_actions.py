"""The main window's menus, toolbar and shortcuts (kept apart so the window module stays readable).

WindowActions is built by the main window from the parts it acts on; it holds every action it makes, so
nothing is attached to the window from here.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence, QUndoStack
from PySide6.QtWidgets import QDockWidget, QMainWindow, QMenu, QMessageBox, QToolBar

from nnviz.ui.canvas.canvas_menu import CanvasMenuActions
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.edit_actions import EditActions
from nnviz.ui.canvas.palette import Palette
from nnviz.ui.canvas.view import GraphView
from nnviz.ui.shell.file_actions import FileActions

Std = QKeySequence.StandardKey


class WindowActions(QObject):
    def __init__(self, window: QMainWindow, menu: Callable[[str], QMenu], toolbar: QToolBar, files: FileActions,
                 edits: EditActions, view: GraphView, controller: GraphController, undo_stack: QUndoStack,
                 palette: Palette, docks: list[QDockWidget], show_summary: Callable[[], object]) -> None:
        super().__init__(window)
        self._window, self._menu, self._toolbar = window, menu, toolbar
        f, e, v = files, edits, view
        self.new = self._action("&File", "&New", f.new, Std.New, "Start an empty network", toolbar=True)
        self.open = self._action("&File", "&Open…", f.open, Std.Open, "Open a .nnviz file", toolbar=True)
        menu("&File").addMenu(f.recent_menu)
        menu("&File").addMenu(f.examples_menu)
        self.save = self._action("&File", "&Save", f.save, Std.Save, "Save the network", toolbar=True)
        self.save_as = self._action("&File", "Save &As…", f.save_as, "Ctrl+Shift+S", "Save under a new name")
        self.revert = self._action("&File", "&Revert", f.revert, None, "Go back to the saved file")
        menu("&File").addSeparator()
        self.quit = self._action("&File", "&Quit", window.close, Std.Quit, "Close nnviz")

        self.undo = undo_stack.createUndoAction(window, QCoreApplication.translate("MainWindow", "&Undo"))
        self.undo.setShortcuts([QKeySequence(Std.Undo)])
        self.redo = undo_stack.createRedoAction(window, QCoreApplication.translate("MainWindow", "&Redo"))
        self.redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
        menu("&Edit").addActions([self.undo, self.redo])
        toolbar.addSeparator()
        toolbar.addActions([self.undo, self.redo])
        menu("&Edit").addSeparator()
        self.cut = self._action("&Edit", "Cu&t", e.cut, Std.Cut)
        self.copy = self._action("&Edit", "&Copy", e.copy, Std.Copy)
        self.paste = self._action("&Edit", "&Paste", e.paste, Std.Paste)
        self.duplicate = self._action("&Edit", "&Duplicate", e.duplicate, "Ctrl+D", "Copy and paste in one go")
        self.delete = self._action("&Edit", "De&lete", e.delete, [QKeySequence(Std.Delete), "Backspace"],
                                   "Delete the selected layers and connections")
        # Delete only when the canvas has focus: in a text field or the weights table it edits text.
        self.delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        v.addAction(self.delete)
        self.select_all = self._action("&Edit", "Select &All", e.select_all, Std.SelectAll)
        self.select_all.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        v.addAction(self.select_all)

        self.zoom_in = self._action("&View", "Zoom &In", lambda: v.zoom_by(1.25), [Std.ZoomIn, "Ctrl+="])
        self.zoom_out = self._action("&View", "Zoom &Out", lambda: v.zoom_by(0.8), Std.ZoomOut)
        self.zoom_reset = self._action("&View", "&Actual Size", v.reset_zoom, "Ctrl+0")
        self.fit = self._action("&View", "&Fit to Window", v.fit_all, "Ctrl+Shift+F", "Show the whole network",
                                toolbar=True)
        self.auto_layout = self._action("&View", "Auto &Layout", controller.auto_layout, "Ctrl+L",
                                        "Arrange the layers in columns by depth", toolbar=True)
        self.summary = self._action("&View", "Model &Summary…", show_summary, "Ctrl+I",
                                    "A Keras-style table of layers, shapes and parameters", toolbar=True)
        menu("&View").addSeparator()
        self.reset_layout = self._action("&View", "&Reset Layout", lambda: window.reset_layout(), None,
                                         "Put every panel back where it was at first start")
        self.panels_menu = menu("&View").addMenu(QCoreApplication.translate("MainWindow", "&Panels"))
        for dock in docks:
            self.panels_menu.addAction(dock.toggleViewAction())
        palette_dock = next((d for d in docks if d.isAncestorOf(palette)), None)
        self.find_layer = self._action("&View", "Find &Layer", lambda: _focus_filter(palette, palette_dock),
                                       Std.Find, "Type to filter the layer palette")
        palette.filter.addAction(self.find_layer, palette.filter.ActionPosition.LeadingPosition)

        self._action("&Help", "&Keyboard Shortcuts", self.show_shortcuts, "F1")
        self._action("&Help", "&About nnviz", self.about)

    def canvas_menu(self) -> CanvasMenuActions:
        """The actions the canvas's right-click menu offers."""
        return CanvasMenuActions(self.duplicate, self.copy, self.cut, self.delete, self.paste, self.select_all,
                                 self.auto_layout, self.fit)

    def _action(self, menu: str, text: str, slot, shortcut=None, tip: str = "", toolbar: bool = False) -> QAction:
        # Texts keep the main window's translation context; packaging/check_tr.py hands _action's literal
        # texts and tips to lupdate (it cannot see through the variable).
        action = QAction(QCoreApplication.translate("MainWindow", text), self._window)
        if shortcut is not None:
            keys = shortcut if isinstance(shortcut, list) else [shortcut]
            action.setShortcuts([QKeySequence(k) for k in keys])
        if tip:
            action.setStatusTip(QCoreApplication.translate("MainWindow", tip))
        action.triggered.connect(lambda checked=False: slot())
        self._menu(menu).addAction(action)
        if toolbar:
            self._toolbar.addAction(action)
        return action

    def show_shortcuts(self) -> None:
        lines = []
        for name in ("&File", "&Edit", "&View"):
            for action in self._menu(name).actions():
                keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
                if keys:
                    lines.append(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{keys}</b></td></tr>")
        extra = QCoreApplication.translate(
            "MainWindow", "Wheel: zoom · middle-button drag: pan · drag from an output port to an input "
            "port: connect · drop a layer on a connection: insert it")
        QMessageBox.information(self._window, QCoreApplication.translate("MainWindow", "Keyboard shortcuts"),
                                f"<table>{''.join(lines)}</table><p>{extra}</p>")

    def about(self) -> None:
        from nnviz import __version__

        QMessageBox.about(self._window, QCoreApplication.translate("MainWindow", "About nnviz"),
                          QCoreApplication.translate("MainWindow", "<b>nnviz %s</b><p>Draw a neural network, step "
                                                     "through its training one micro-step at a time, export it to "
                                                     "PyTorch.</p>") % __version__)


def _focus_filter(palette: Palette, dock: QDockWidget | None) -> None:
    if dock is not None:
        dock.show()
    palette.filter.setFocus()
    palette.filter.selectAll()
