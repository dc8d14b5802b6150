"""Start the Qt application: the interactive window, or an offscreen screenshot of it."""

from __future__ import annotations

import os
import sys
import tempfile
from pathlib import Path

from nnviz.i18n import translate as core_message  # the core's catalogue: these lines read as the command line's do


def _install_translator(app, lang: str | None) -> None:
    """The UI language: --lang, else the one chosen in the Language menu, else the system's."""
    from nnviz.ui.shell.main_window import app_settings
    from nnviz.ui.widgets.i18n import choose_language, install_translators

    language = choose_language(lang, app_settings())
    app._nnviz_translators = install_translators(app, language)  # keep them alive as long as the app
    from nnviz.ui.widgets.theme_mode import apply_theme, saved_mode  # light/dark: NNVIZ_THEME, View > Theme, system

    apply_theme(os.environ.get("NNVIZ_THEME") or saved_mode(app_settings()), app)


def run_gui(file: str | None = None, *, screenshot: str | None = None, steps: int = 0,
            size: tuple[int, int] = (1280, 800), lang: str | None = None) -> int:
    if screenshot:
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    else:
        from nnviz.ui.shell.qt_platform import check_platform

        problem = check_platform()
        if problem is not None:  # Qt would abort with a misleading hint; say what is missing instead
            print(problem.message, file=sys.stderr)
            return 1
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication([sys.argv[0] if sys.argv else "nnviz"])
    app.setOrganizationName("nnviz")
    app.setApplicationName("nnviz")
    _install_translator(app, lang)
    headless = screenshot is not None or app.platformName() in ("offscreen", "minimal")
    guard = HeadlessDialogs(app) if headless else None
    from nnviz.ui.shell.main_window import MainWindow

    if screenshot:
        # A screenshot must not depend on (or change) the user's saved layout, recent files or autosaves.
        scratch = tempfile.TemporaryDirectory(prefix="nnviz-shot-")
        settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
        window = MainWindow(settings=settings, recovery_dir=Path(scratch.name) / "recovery")
    else:
        window = MainWindow(first_run=True)
    if file and not window.files.load(file):
        return 1
    if screenshot:
        status = _screenshot(app, window, screenshot, steps, size)
        return 1 if guard is not None and guard.refused else status
    _show_fitted(window)
    if guard is None:  # with nobody at the screen there is nobody to ask about a recovered file
        window.offer_recovery()
    return app.exec()


def _show_fitted(window) -> None:
    """Show the window; the first time (no saved geometry) sized for the screen it opens on, so that on a
    1280x800 screen the frame does not push the status bar off the bottom."""
    if window.settings.value("window/geometry") is None and window.screen() is not None:
        from nnviz.ui.shell.dock_layout import first_geometry

        rect, maximised = first_geometry(window.screen().availableGeometry())
        if maximised:
            window.showMaximized()
            return
        window.setGeometry(rect)
    window.show()


class HeadlessDialogs:
    """With no screen (offscreen, --screenshot) a modal dialog would wait for ever for a click nobody can
    make. Every dialog that is shown is answered at once instead: its text goes to stderr as an error and
    it is rejected (Cancel/No/close), so the caller takes its failure path and the process exits 1."""

    def __init__(self, app) -> None:
        from PySide6.QtCore import QObject

        self.refused: list[str] = []

        class _Filter(QObject):
            def eventFilter(filter_self, watched, event) -> bool:  # Qt calls it with its own self
                self._on_event(watched, event)
                return False

        self._filter = _Filter(app)
        app.installEventFilter(self._filter)

    def _on_event(self, watched, event) -> None:
        from PySide6.QtCore import QEvent, QTimer
        from PySide6.QtWidgets import QDialog, QMessageBox

        if event.type() != QEvent.Type.Show or not isinstance(watched, QDialog) or not watched.isModal():
            return
        parts = [watched.windowTitle()]
        if isinstance(watched, QMessageBox):
            parts += [watched.text(), watched.informativeText()]
        text = ": ".join(p for p in parts if p)
        self.refused.append(text)
        print(core_message("error: {message}", message=text), file=sys.stderr)
        QTimer.singleShot(0, watched.reject)


def _screenshot(app, window, out: str, steps: int, size: tuple[int, int]) -> int:
    window.resize(*size)
    window.show()
    app.processEvents()
    window.canvas.fit_all()
    training = getattr(window, "training", None)
    for _ in range(steps):
        if training is None or not hasattr(training, "step"):
            print(core_message("warning: training panels are not available; --steps ignored"), file=sys.stderr)
            break
        training.step()
        app.processEvents()
    panels = getattr(window, "training_panels", None)
    if steps and panels is not None:
        panels.redraw_all()  # panels that trail a hand step (curves, boundary) show the final state too
    from PySide6.QtCore import QDeadlineTimer, QEventLoop

    for _ in range(5):  # let deferred layout (dock tab bars, splitters) settle before grabbing
        app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(50))
    image = window.grab()
    ok = image.save(out)
    window.discard_unsaved_work()  # nothing to ask about on the way out: a screenshot saves nothing
    window.close()
    if not ok:
        print(core_message("error: could not write {path}", path=out), file=sys.stderr)
        return 1
    where = f"{out} ({image.width()}x{image.height()})"
    print(core_message("saved {path}", path=where))
    return 0
