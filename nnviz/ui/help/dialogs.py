"""The shortcut list (built from the window's own actions, so it never goes stale), the About box
(version and licences) and the formulas help page (resources/help/formulas[_zh_CN].html)."""

from __future__ import annotations

import platform
import re

from PySide6.QtCore import QCoreApplication, QSize, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMainWindow,
    QMenu,
    QTableWidget,
    QTableWidgetItem,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.resources import resource_path
from nnviz.ui.widgets.i18n import current_language

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


def _plain(text: str) -> str:
    """Menu text without its accelerator ampersand and trailing ellipsis."""
    text = re.sub(r"\(&\w\)", "", text)  # Chinese menus write the accelerator as "文件(&F)"
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&").rstrip("…").rstrip(".").strip()


def shortcut_rows(window: QMainWindow) -> list[tuple[str, str, str]]:
    """(menu, action, keys) for every action with a shortcut, menu by menu, then window-level actions."""
    rows: list[tuple[str, str, str]] = []
    seen: set[int] = set()

    def visit(menu: QMenu, path: str) -> None:
        for action in menu.actions():
            if action.menu() is not None:
                visit(action.menu(), f"{path} › {_plain(action.text())}")
                continue
            keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
            if keys and id(action) not in seen and not action.isSeparator():
                seen.add(id(action))
                rows.append((path, _plain(action.text()), keys))

    for top in window.menuBar().actions():
        if top.menu() is not None:
            visit(top.menu(), _plain(top.text()))
    for action in window.actions():
        keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
        if keys and id(action) not in seen:
            seen.add(id(action))
            rows.append(("", _plain(action.text()), keys))
    return rows


def mouse_rows() -> list[tuple[str, str, str]]:
    mouse = translate("HelpDialogs", "Mouse")
    return [
        (mouse, translate("HelpDialogs", "Zoom"), translate("HelpDialogs", "Wheel")),
        (
            mouse,
            translate("HelpDialogs", "Pan"),
            translate("HelpDialogs", "Middle button drag, or Space + drag"),
        ),
        (
            mouse,
            translate("HelpDialogs", "Connect two layers"),
            translate("HelpDialogs", "Drag from an output port to an input port"),
        ),
        (
            mouse,
            translate("HelpDialogs", "Insert a layer into a connection"),
            translate("HelpDialogs", "Drop it on the connection"),
        ),
        (
            mouse,
            translate("HelpDialogs", "Select several layers"),
            translate("HelpDialogs", "Drag a rectangle on empty canvas"),
        ),
    ]


class ShortcutsDialog(QDialog):
    def __init__(self, window: QMainWindow) -> None:
        super().__init__(window)
        self.setWindowTitle(translate("HelpDialogs", "Keyboard Shortcuts"))
        rows = shortcut_rows(window) + mouse_rows()
        self.table = QTableWidget(len(rows), 3)
        self.table.setHorizontalHeaderLabels(
            [
                translate("HelpDialogs", "Menu"),
                translate("HelpDialogs", "Action"),
                translate("HelpDialogs", "Keys"),
            ]
        )
        for r, row in enumerate(rows):
            for c, text in enumerate(row):
                item = QTableWidgetItem(text)
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable)
                self.table.setItem(r, c, item)
        self.table.verticalHeader().hide()
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.table.horizontalHeader().setStretchLastSection(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self.resize(620, 560)


# ---------------------------------------------------------------- About
LICENCES = (
    ("nnviz", "MIT"),
    ("Qt 6 / PySide6", "LGPL-3.0"),
    ("pyqtgraph", "MIT"),
    ("NumPy", "BSD-3-Clause"),
    ("safetensors", "Apache-2.0"),
)


def about_html() -> str:
    import numpy
    from PySide6 import __version__ as pyside_version
    from PySide6.QtCore import qVersion

    from nnviz import __version__

    try:
        import pyqtgraph

        pg_version = pyqtgraph.__version__
    except ImportError:  # pragma: no cover - a dependency
        pg_version = "?"
    versions = {
        "nnviz": __version__,
        "Qt 6 / PySide6": f"{qVersion()} / {pyside_version}",
        "pyqtgraph": pg_version,
        "NumPy": numpy.__version__,
    }
    rows = "".join(
        f"<tr><td>{name}</td><td>{versions.get(name, '')}</td><td>{licence}</td></tr>"
        for name, licence in LICENCES
    )
    tagline = translate(
        "HelpDialogs",
        "Draw a neural network, step through its training one micro-step at a time, export it to PyTorch.",
    )
    running = (
        translate("HelpDialogs", "Python %1 on %2")
        .replace("%1", platform.python_version())
        .replace("%2", platform.system())
    )
    qt_note = translate(
        "HelpDialogs",
        "nnviz is free software under the MIT licence. Qt is used under the GNU LGPL version 3; you "
        "may replace the Qt libraries it uses with your own build.",
    )
    digits = translate(
        "HelpDialogs",
        "8x8 handwritten digits: the UCI Optical Recognition of Handwritten Digits test set by E. "
        "Alpaydin and C. Kaynak (1998), CC BY 4.0, as distributed with scikit-learn (BSD-3-Clause). "
        "Full notice: resources/data/digits/NOTICE.txt.",
    )
    sentences = translate(
        "HelpDialogs", "Bilingual sentiment sentences: written for nnviz, CC0 1.0 (public domain)."
    )
    component, version, licence = (
        translate("HelpDialogs", "Component"),
        translate("HelpDialogs", "Version"),
        translate("HelpDialogs", "Licence"),
    )
    licences, data = translate("HelpDialogs", "Licences"), translate("HelpDialogs", "Shipped data")
    header = (
        f"<tr><th align='left'>{component}</th><th align='left'>{version}</th>"
        f"<th align='left'>{licence}</th></tr>"
    )
    return (
        f"<h2>nnviz {__version__}</h2><p>{tagline}</p><p>{running}</p>"
        f"<h3>{licences}</h3><table cellpadding='3'>{header}{rows}</table><p>{qt_note}</p>"
        f"<h3>{data}</h3><p>{digits}</p><p>{sentences}</p>"
    )


class AboutDialog(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("HelpDialogs", "About nnviz"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        self.browser.setHtml(about_html())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)
        self.resize(560, 520)


# ---------------------------------------------------------------- Formulas explained
def formulas_page(language: str | None = None):
    """The help page for the language (falls back to English)."""
    language = language or current_language()
    localised = resource_path("help", f"formulas_{language}.html")
    return localised if localised.is_file() else resource_path("help", "formulas.html")


class FormulasHelp(QDialog):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(translate("HelpDialogs", "Formulas Explained"))
        self.browser = QTextBrowser()
        self.browser.setOpenExternalLinks(True)
        page = formulas_page()
        self.browser.setSearchPaths([str(page.parent)])
        self.browser.setHtml(page.read_text(encoding="utf-8"))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.browser)
        layout.addWidget(buttons)

    def sizeHint(self) -> QSize:
        return QSize(720, 640)


def action_with_keys(action: QAction) -> str:
    keys = ", ".join(k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts())
    return f"{_plain(action.text())} ({keys})" if keys else _plain(action.text())
