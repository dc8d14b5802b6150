"""The user-interface language: Qt translators for the UI's tr() strings, a table for the core's strings,
and the Language menu.

Which language: `nnviz --lang zh_CN` wins, then the Language menu's choice (QSettings "ui/language"),
then the system locale (QLocale.system()). Only English (the source language) and Simplified Chinese
exist; any other locale falls back to English.

The core (layer specs, settings, formulas) must not import Qt, so its learner-facing strings are
translated here from a plain JSON table, resources/translations/core_<lang>.json, keyed by the English
text: `core_tr(spec.description)`. Formula text is translated phrase by phrase with `formula_tr`,
because formulas mix fixed words ("sample 1", "summed over the batch") with numbers.
"""

from __future__ import annotations

import sys
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, QLibraryInfo, QLocale, QProcess, QSettings, QTranslator
from PySide6.QtGui import QAction, QActionGroup
from PySide6.QtWidgets import QMenu, QMessageBox, QWidget

from nnviz import i18n as core_i18n
from nnviz.i18n import CHINESE, ENGLISH, normalise
from nnviz.resources import resource_path

LANGUAGES = {ENGLISH: "English", CHINESE: "简体中文"}  # each name in its own language, as menus do
SETTINGS_KEY = "ui/language"

_current = ENGLISH

# Qt's own strings that its shipped Chinese catalogue (qtbase_zh_CN.qm) lacks: Qt 6 renamed them and the
# catalogue still has the old "Look in:" and "Files of type:". They are extracted into nnviz's catalogue
# under Qt's context, which Qt consults after its own.
QT_CATALOGUE_GAPS = (
    QT_TRANSLATE_NOOP("QFileDialog", "&Look in:"),
    QT_TRANSLATE_NOOP("QFileDialog", "Files of &type:"),
)


def choose_language(cli: str | None = None, settings: QSettings | None = None, system: str | None = None) -> str:
    """The language to use: the command line, else the saved menu choice, else the system locale."""
    for candidate in (cli, _saved(settings), system or QLocale.system().name()):
        chosen = normalise(candidate)
        if chosen is not None:
            return chosen
    return ENGLISH


def _saved(settings: QSettings | None) -> str | None:
    if settings is None:
        return None
    value = settings.value(SETTINGS_KEY)
    return str(value) if value else None


def current_language() -> str:
    return _current


def install_translators(app: QCoreApplication, language: str) -> list[QTranslator]:
    """Install nnviz's and Qt's own translations (standard buttons, dialogs) for `language`.

    Returns the installed translators (kept alive on the app). English installs none."""
    global _current
    _current = language if language in LANGUAGES else ENGLISH
    core_i18n.set_language(_current)  # the core's messages (errors, summaries) follow the window
    for old in getattr(app, "_nnviz_translators", []):
        app.removeTranslator(old)
    installed: list[QTranslator] = []
    if _current != ENGLISH:
        sources = [(f"nnviz_{_current}", str(resource_path("translations"))),
                   (f"qtbase_{_current}", QLibraryInfo.path(QLibraryInfo.LibraryPath.TranslationsPath))]
        for name, folder in sources:
            translator = QTranslator(app)
            if translator.load(name, folder):
                app.installTranslator(translator)
                installed.append(translator)
    app._nnviz_translators = installed  # a QTranslator must outlive its installation
    return installed


# ---------------------------------------------------------------- the core's strings (no Qt in the core)
def core_table(language: str) -> dict[str, Any]:
    """{"strings": {english: translation}, "formula_phrases": [[english, translation], ...]}."""
    return core_i18n.names_table(language)


def core_tr(text: str, language: str | None = None) -> str:
    """A core string (layer label, description, parameter help, loss name ...) in the UI language."""
    return core_i18n.term(text, language or _current)


def palette_name(label: str, language: str | None = None) -> str:
    """A layer's short name for the palette, where a column is narrow: "批量归一化1D" rather than
    "批量归一化 BatchNorm1D" cut to "批量归一化 Batc…" (the English label goes in the tooltip)."""
    language = language or _current
    return core_table(language).get("palette_names", {}).get(label) or core_tr(label, language)


def formula_tr(text: str, language: str | None = None) -> str:
    """A formula's words in the UI language (nnviz.i18n.formula_words: one table for window and core)."""
    return core_i18n.formula_words(text, language or _current)


# ---------------------------------------------------------------- the Language menu
def language_menu(parent: QWidget, settings: QSettings) -> QMenu:
    """A "Language" menu (English / 简体中文). The choice is saved and applies at the next start,
    because rebuilding every open panel in place would lose the learner's view state."""
    menu = QMenu(QCoreApplication.translate("Language", "&Language"), parent)
    menu.setObjectName("menu_language")
    group = QActionGroup(menu)
    group.setExclusive(True)
    saved = normalise(_saved(settings))
    for code, name in LANGUAGES.items():
        action = QAction(name, menu)
        action.setCheckable(True)
        action.setData(code)
        action.setChecked(code == (saved or _current))
        group.addAction(action)
        menu.addAction(action)
    system = QAction(QCoreApplication.translate("Language", "Follow the system"), menu)
    system.setCheckable(True)
    system.setData("")
    system.setChecked(saved is None)
    group.addAction(system)
    menu.addSeparator()
    menu.addAction(system)

    def chosen(action: QAction) -> None:
        code = action.data()
        if code:
            settings.setValue(SETTINGS_KEY, code)
        else:
            settings.remove(SETTINGS_KEY)
        settings.sync()
        target = normalise(code) or choose_language(settings=None)
        if target != _current:
            offer_restart(parent)

    group.triggered.connect(chosen)
    return menu


def restart_command() -> tuple[str, list[str]]:
    """How to start this nnviz again: the frozen bundle's executable, or this Python with the same script."""
    if getattr(sys, "frozen", False):
        return sys.executable, sys.argv[1:]
    return sys.executable, list(sys.argv)


def offer_restart(parent: QWidget) -> bool:
    """Ask whether to restart now in the new language; if yes, close the window (which asks about
    unsaved work first) and start nnviz again. Returns True when a restart was started."""
    text = QCoreApplication.translate("Language", "nnviz will use the new language the next time it starts.")
    box = QMessageBox(QMessageBox.Icon.Information, QCoreApplication.translate("Language", "Language"), text,
                      parent=parent)
    now = box.addButton(QCoreApplication.translate("Language", "Restart now"), QMessageBox.ButtonRole.AcceptRole)
    box.addButton(QCoreApplication.translate("Language", "Later"), QMessageBox.ButtonRole.RejectRole)
    box.exec()
    if box.clickedButton() is not now:
        return False
    window = parent.window() if parent is not None else None
    if window is not None and not window.close():
        return False  # the learner chose to keep working (unsaved changes)
    program, arguments = restart_command()
    QProcess.startDetached(program, arguments)
    QCoreApplication.quit()
    return True
