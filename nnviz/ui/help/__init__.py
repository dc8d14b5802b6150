"""Help for the learner: the first-run tour, "What am I looking at?" per panel, the formulas explained,
the shortcut list and About; plus the View menu's Language and Theme choices.

install_help(window) is the one call the launcher makes; it works against the main window's public
surface (menu(), settings, centralWidget(), its docks) and replaces the Help menu's simpler Keyboard
Shortcuts / About entries with the full ones.
"""

from __future__ import annotations

from PySide6.QtCore import QCoreApplication, Qt, QTimer
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMessageBox

from nnviz.ui.help.dialogs import AboutDialog, FormulasHelp, ShortcutsDialog
from nnviz.ui.help.panels import panel_for_widget, panel_help, panel_keys, panel_title
from nnviz.ui.help.tour import maybe_start_tour, start_tour

__all__ = ["explain_panel", "install_help", "panel_help", "start_tour"]


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def explain_panel(window: QMainWindow, key: str | None = None) -> QMessageBox:
    """Show "What am I looking at?" for `key`, else for the panel under the mouse or with the focus."""
    if key is None:
        under = QApplication.widgetAt(QCursor.pos())
        key = (
            panel_for_widget(under, window.centralWidget())
            or panel_for_widget(QApplication.focusWidget(), window.centralWidget())
            or "canvas"
        )
    box = QMessageBox(
        QMessageBox.Icon.Information,
        translate("Help", "What am I looking at?"),
        panel_help(key),
        QMessageBox.StandardButton.Close,
        window,
    )
    box.setTextFormat(Qt.TextFormat.RichText)
    box.setModal(False)
    box.show()
    window._nnviz_explained = box
    return box


def _remove_old_entries(window: QMainWindow) -> None:
    """The main window's own Keyboard Shortcuts / About entries are superseded by the dialogs here."""
    help_menu = window.menu("&Help")
    for action in list(help_menu.actions()):
        if action.shortcut() == QKeySequence("F1") or "About" in action.text() or "关于" in action.text():
            help_menu.removeAction(action)
            action.setShortcuts([])  # a second action on F1 would make the key ambiguous: neither fires
            action.deleteLater()


def install_help(window: QMainWindow, first_run: bool = True) -> None:
    """Add Help entries, "What's This" texts on every dock, View > Language and View > Theme.

    first_run: show the tour if this user has never finished it (False for screenshots and tests)."""
    from nnviz.ui.widgets.i18n import language_menu
    from nnviz.ui.widgets.theme_mode import theme_menu

    if getattr(window, "_nnviz_help_installed", False):
        return  # installed once per window, whoever calls first
    window._nnviz_help_installed = True
    settings = window.settings
    _remove_old_entries(window)
    help_menu = window.menu("&Help")

    def add(text: str, slot, shortcut: str | None = None) -> QAction:
        action = QAction(text, window)
        if shortcut:
            action.setShortcut(QKeySequence(shortcut))
            action.setShortcutContext(Qt.ShortcutContext.ApplicationShortcut)
        action.triggered.connect(lambda checked=False: slot())
        help_menu.addAction(action)
        return action

    window.act_tour = add(translate("Help", "Take the &Tour"), lambda: start_tour(window, settings))
    window.act_explain = add(
        translate("Help", "&What Am I Looking At?"), lambda: explain_panel(window), "Shift+F1"
    )
    panels = help_menu.addMenu(translate("Help", "&Explain a Panel"))
    for key in panel_keys():
        action = panels.addAction(panel_title(key))
        action.triggered.connect(lambda checked=False, k=key: explain_panel(window, k))
    window.act_formulas = add(
        translate("Help", "&Formulas Explained"), lambda: _show(window, FormulasHelp(window))
    )
    help_menu.addSeparator()
    window.act_shortcuts = add(
        translate("Help", "&Keyboard Shortcuts"), lambda: _show(window, ShortcutsDialog(window)), "F1"
    )
    window.act_about = add(translate("Help", "&About nnviz"), lambda: _show(window, AboutDialog(window)))

    for dock in window.findChildren(QDockWidget):
        key = panel_for_widget(dock)
        if key:
            dock.setWhatsThis(panel_help(key))
    central = window.centralWidget()
    if central is not None:
        central.setWhatsThis(panel_help("canvas"))

    view = window.menu("&View")
    view.addSeparator()
    view.addMenu(language_menu(window, settings))
    view.addMenu(theme_menu(window, settings))
    if first_run:
        # After the window is on screen (and any crash-recovery question is answered), not before it.
        window._nnviz_after_tour = []
        QTimer.singleShot(800, lambda: _first_run(window, settings))


def _first_run(window: QMainWindow, settings) -> None:
    """The tour if this user has not had it, then whatever waits for it (the examples gallery)."""
    hooks = window.__dict__.pop("_nnviz_after_tour", [])
    if not window.isVisible():
        return
    tour = maybe_start_tour(window, settings)
    for hook in hooks:
        if tour is None:
            hook()
        else:
            tour.finished.connect(lambda _result, run=hook: run())


def after_first_run_tour(window: QMainWindow, hook) -> None:
    """Run hook once the first-run tour is over: when the tour closes, or at once when there is none.
    One owner for the first-start sequence, so two first-start windows never open over each other."""
    pending = window.__dict__.get("_nnviz_after_tour")
    tour = getattr(window, "_nnviz_tour", None)
    if pending is not None:
        pending.append(hook)  # the tour has not been decided yet
    elif tour is not None and tour.isVisible():
        tour.finished.connect(lambda _result: hook())
    else:
        QTimer.singleShot(0, hook)  # after the window has been shown, so it sits on top


def _show(window: QMainWindow, dialog) -> None:
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    window._nnviz_dialog = dialog

