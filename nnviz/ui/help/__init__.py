"""Help for the learner: the first-run tour, "What am I looking at?" per panel, the formulas explained,
the shortcut list and About; plus the View menu's Language and Theme choices.

install_help(window) is the one call the main window makes, keeping the HelpActions it returns; it works
against the main window's public surface (menu(), settings, centralWidget(), its docks) and replaces the
Help menu's simpler Keyboard Shortcuts / About entries with the full ones.
"""

from __future__ import annotations

import shiboken6
from PySide6.QtCore import QCoreApplication, QObject, QSettings, Qt, QTimer
from PySide6.QtGui import QAction, QCursor, QKeySequence
from PySide6.QtWidgets import QApplication, QDockWidget, QMainWindow, QMessageBox, QWidget

from nnviz.ui.help.dialogs import AboutDialog, FormulasHelp, ShortcutsDialog
from nnviz.ui.help.panels import panel_for_widget, panel_help, panel_keys, panel_title
from nnviz.ui.help.tour import Tour, maybe_start_tour, start_tour

__all__ = ["HelpActions", "explain_panel", "install_help", "panel_help", "start_tour"]


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


class HelpActions(QObject):
    """What install_help adds to a window: the Help menu's actions, and the dialogs and tour it shows (kept
    here, alive while shown). Also the first-start sequence: the tour, then whatever waits for it."""

    def __init__(self, window: QMainWindow, settings: QSettings, first_run: bool) -> None:
        super().__init__(window)
        self.window = window
        self.settings = settings
        self.tour: Tour | None = None
        self.dialog: QWidget | None = None  # the last Help dialog or "What am I looking at?" box shown
        # Hooks waiting for the first-run tour to be decided (None once it is, or without a first run).
        self._after_tour: list | None = [] if first_run else None
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

        self.tour_action = add(translate("Help", "Take the &Tour"), self.start_tour)
        self.explain = add(translate("Help", "&What Am I Looking At?"), lambda: self.explain_panel(), "Shift+F1")
        panels = help_menu.addMenu(translate("Help", "&Explain a Panel"))
        for key in panel_keys():
            action = panels.addAction(panel_title(key))
            action.triggered.connect(lambda checked=False, k=key: self.explain_panel(k))
        self.formulas = add(translate("Help", "&Formulas Explained"), lambda: self._show(FormulasHelp(window)))
        help_menu.addSeparator()
        self.shortcuts = add(translate("Help", "&Keyboard Shortcuts"), lambda: self._show(ShortcutsDialog(window)),
                             "F1")
        self.about = add(translate("Help", "&About nnviz"), lambda: self._show(AboutDialog(window)))

        for dock in window.findChildren(QDockWidget):
            key = panel_for_widget(dock)
            if key:
                dock.setWhatsThis(panel_help(key))
        central = window.centralWidget()
        if central is not None:
            central.setWhatsThis(panel_help("canvas"))
        if first_run:
            # After the window is on screen (and any crash-recovery question is answered), not before it.
            QTimer.singleShot(800, self._first_run)

    def start_tour(self) -> Tour:
        self.tour = start_tour(self.window, self.settings)
        return self.tour

    def explain_panel(self, key: str | None = None) -> QMessageBox:
        self.dialog = explain_panel(self.window, key)
        return self.dialog

    def after_first_run_tour(self, hook) -> None:
        """Run hook once the first-run tour is over: when the tour closes, or at once when there is none.
        One owner for the first-start sequence, so two first-start windows never open over each other."""
        if self._after_tour is not None:
            self._after_tour.append(hook)  # the tour has not been decided yet
        elif self.tour is not None and self.tour.isVisible():
            self.tour.finished.connect(lambda _result: hook())
        else:
            QTimer.singleShot(0, hook)  # after the window has been shown, so it sits on top

    def _first_run(self) -> None:
        """The tour if this user has not had it, then whatever waits for it (the examples gallery)."""
        hooks, self._after_tour = self._after_tour or [], None
        if not shiboken6.isValid(self.window) or not self.window.isVisible():
            return
        self.tour = maybe_start_tour(self.window, self.settings)
        for hook in hooks:
            if self.tour is None:
                hook()
            else:
                self.tour.finished.connect(lambda _result, run=hook: run())

    def _show(self, dialog: QWidget) -> None:
        dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
        dialog.show()
        self.dialog = dialog


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
    return box


def _remove_old_entries(window: QMainWindow) -> None:
    """The main window's own Keyboard Shortcuts / About entries are superseded by the dialogs here."""
    help_menu = window.menu("&Help")
    for action in list(help_menu.actions()):
        if action.shortcut() == QKeySequence("F1") or "About" in action.text() or "关于" in action.text():
            help_menu.removeAction(action)
            action.setShortcuts([])  # a second action on F1 would make the key ambiguous: neither fires
            action.deleteLater()


def install_help(window: QMainWindow, first_run: bool = True) -> HelpActions:
    """Add Help entries, "What's This" texts on every dock, View > Language and View > Theme; the caller
    keeps what it returns.

    first_run: show the tour if this user has never finished it (False for screenshots and tests)."""
    from nnviz.ui.widgets.i18n import language_menu
    from nnviz.ui.widgets.theme_mode import theme_menu

    settings = window.settings
    actions = HelpActions(window, settings, first_run)
    view = window.menu("&View")
    view.addSeparator()
    view.addMenu(language_menu(window, settings))
    view.addMenu(theme_menu(window, settings))
    return actions
