"""The main window's menus, toolbar and shortcuts (kept apart so the window module stays readable)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtGui import QKeySequence
from PySide6.QtWidgets import QMessageBox

if TYPE_CHECKING:
    from nnviz.ui.shell.main_window import MainWindow

Std = QKeySequence.StandardKey


def build_actions(w: MainWindow) -> None:
    f, e, v = w.files, w.edits, w.canvas
    w.act_new = w._action("&File", "&New", f.new, Std.New, "Start an empty network", toolbar=True)
    w.act_open = w._action("&File", "&Open…", f.open, Std.Open, "Open a .nnviz file", toolbar=True)
    w.menu("&File").addMenu(f.recent_menu)
    w.menu("&File").addMenu(f.examples_menu)
    w.act_save = w._action("&File", "&Save", f.save, Std.Save, "Save the network", toolbar=True)
    w.act_save_as = w._action("&File", "Save &As…", f.save_as, "Ctrl+Shift+S", "Save under a new name")
    w.act_revert = w._action("&File", "&Revert", f.revert, None, "Go back to the saved file")
    w.menu("&File").addSeparator()
    w.act_quit = w._action("&File", "&Quit", w.close, Std.Quit, "Close nnviz")

    undo = w.undo_stack.createUndoAction(w, QCoreApplication.translate("MainWindow", "&Undo"))
    undo.setShortcuts([QKeySequence(Std.Undo)])
    redo = w.undo_stack.createRedoAction(w, QCoreApplication.translate("MainWindow", "&Redo"))
    redo.setShortcuts([QKeySequence("Ctrl+Shift+Z"), QKeySequence("Ctrl+Y")])
    w.act_undo, w.act_redo = undo, redo
    w.menu("&Edit").addActions([undo, redo])
    w.toolbar.addSeparator()
    w.toolbar.addActions([undo, redo])
    w.menu("&Edit").addSeparator()
    w.act_cut = w._action("&Edit", "Cu&t", e.cut, Std.Cut)
    w.act_copy = w._action("&Edit", "&Copy", e.copy, Std.Copy)
    w.act_paste = w._action("&Edit", "&Paste", e.paste, Std.Paste)
    w.act_duplicate = w._action("&Edit", "&Duplicate", e.duplicate, "Ctrl+D", "Copy and paste in one go")
    w.act_delete = w._action("&Edit", "De&lete", e.delete, [QKeySequence(Std.Delete), "Backspace"],
                             "Delete the selected layers and connections")
    # Delete only when the canvas has focus: in a text field or the weights table it edits text.
    w.act_delete.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    v.addAction(w.act_delete)
    w.act_select_all = w._action("&Edit", "Select &All", e.select_all, Std.SelectAll)
    w.act_select_all.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
    v.addAction(w.act_select_all)

    w.act_zoom_in = w._action("&View", "Zoom &In", lambda: v.zoom_by(1.25), [Std.ZoomIn, "Ctrl+="])
    w.act_zoom_out = w._action("&View", "Zoom &Out", lambda: v.zoom_by(0.8), Std.ZoomOut)
    w.act_zoom_reset = w._action("&View", "&Actual Size", v.reset_zoom, "Ctrl+0")
    w.act_fit = w._action("&View", "&Fit to Window", v.fit_all, "Ctrl+Shift+F", "Show the whole network",
                          toolbar=True)
    w.act_layout = w._action("&View", "Auto &Layout", w.controller.auto_layout, "Ctrl+L",
                             "Arrange the layers in columns by depth", toolbar=True)
    w.act_summary = w._action("&View", "Model &Summary…", w.show_summary, "Ctrl+I",
                              "A Keras-style table of layers, shapes and parameters", toolbar=True)
    w.menu("&View").addSeparator()
    w._docks_menu = w.menu("&View").addMenu(QCoreApplication.translate("MainWindow", "&Panels"))
    for dock in (w.palette_dock, w.data_dock, w.inspector_dock, w.problems_dock, w.history_dock):
        w._docks_menu.addAction(dock.toggleViewAction())
    w.palette.filter.addAction(w._action("&View", "Find &Layer", _focus_filter(w), Std.Find,
                                         "Type to filter the layer palette"),
                               w.palette.filter.ActionPosition.LeadingPosition)

    w._action("&Help", "&Keyboard Shortcuts", lambda: _show_shortcuts(w), "F1")
    w._action("&Help", "&About nnviz", lambda: _about(w))


def _focus_filter(w: MainWindow):
    def focus() -> None:
        w.palette_dock.show()
        w.palette.filter.setFocus()
        w.palette.filter.selectAll()
    return focus


def _show_shortcuts(w: MainWindow) -> None:
    lines = []
    for name in ("&File", "&Edit", "&View"):
        for action in w.menu(name).actions():
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys:
                lines.append(f"<tr><td>{action.text().replace('&', '')}</td><td><b>{keys}</b></td></tr>")
    extra = QCoreApplication.translate(
        "MainWindow", "Wheel: zoom · middle-button drag: pan · drag from an output port to an input "
        "port: connect · drop a layer on a connection: insert it")
    QMessageBox.information(w, QCoreApplication.translate("MainWindow", "Keyboard shortcuts"),
                            f"<table>{''.join(lines)}</table><p>{extra}</p>")


def _about(w: MainWindow) -> None:
    from nnviz import __version__

    QMessageBox.about(w, QCoreApplication.translate("MainWindow", "About nnviz"),
                      QCoreApplication.translate("MainWindow", "<b>nnviz %s</b><p>Draw a neural network, step "
                                                 "through its training one micro-step at a time, export it to "
                                                 "PyTorch.</p>") % __version__)
