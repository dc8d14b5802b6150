"""Light and dark appearance following the system, a View > Theme override, and the diverging colour map
for signed tensors that colour-blind learners can read.

Mode "system" follows QStyleHints.colorScheme() (Qt >= 6.5) and its change signal; "light" and "dark"
force one. Widgets get the Fusion style with a matching QPalette (Fusion draws every control from the
palette, so one palette restyles the whole window consistently on every platform); the canvas colours
in nnviz.ui.widgets.theme are swapped for their dark counterparts, since the canvas items read them at paint time.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QAction, QActionGroup, QColor, QGuiApplication, QPalette
from PySide6.QtWidgets import QApplication, QMenu, QStyleFactory, QWidget

from nnviz.ui.widgets import theme

MODES = ("system", "light", "dark")
SETTINGS_KEY = "ui/theme"

# The canvas colours of nnviz.ui.widgets.theme, light (as defined there) and dark.
_CANVAS_NAMES = ("ERROR_FILL", "BODY_FILL", "BODY_BORDER", "TEXT_COLOR", "MUTED_TEXT", "EDGE_COLOR",
                 "CANVAS_BACKGROUND", "GRID_COLOR")
_LIGHT_CANVAS = {name: QColor(getattr(theme, name)) for name in _CANVAS_NAMES}
_DARK_CANVAS = {
    "ERROR_FILL": QColor("#4A2224"), "BODY_FILL": QColor("#2B3036"), "BODY_BORDER": QColor("#5C6670"),
    "TEXT_COLOR": QColor("#E8EAED"), "MUTED_TEXT": QColor("#A6AEB7"), "EDGE_COLOR": QColor("#8A96A3"),
    "CANVAS_BACKGROUND": QColor("#1E2227"), "GRID_COLOR": QColor("#2A2F35"),
}

PAPER_CLASSES = ("QTableView", "QTextBrowser")

_state: dict[str, Any] = {"mode": "system", "dark": False, "connected": False}


def system_is_dark() -> bool:
    """What the desktop asks for; Unknown (no platform support, offscreen) counts as light."""
    hints = QGuiApplication.styleHints()
    scheme = getattr(hints, "colorScheme", None)
    return scheme is not None and scheme() == Qt.ColorScheme.Dark


def dark_palette() -> QPalette:
    """A calm dark palette (contrast of body text on window >= 12:1, links and selection >= 4.5:1)."""
    p = QPalette()
    window, base, text = QColor("#202429"), QColor("#181B1F"), QColor("#E8EAED")
    roles = {
        QPalette.ColorRole.Window: window, QPalette.ColorRole.WindowText: text,
        QPalette.ColorRole.Base: base, QPalette.ColorRole.AlternateBase: QColor("#23282D"),
        QPalette.ColorRole.ToolTipBase: QColor("#2B3036"), QPalette.ColorRole.ToolTipText: text,
        QPalette.ColorRole.PlaceholderText: QColor("#8A939C"), QPalette.ColorRole.Text: text,
        QPalette.ColorRole.Button: QColor("#2B3036"), QPalette.ColorRole.ButtonText: text,
        QPalette.ColorRole.BrightText: QColor("#FF6E6E"), QPalette.ColorRole.Link: QColor("#7FB8F0"),
        QPalette.ColorRole.Highlight: QColor("#2F6FB3"), QPalette.ColorRole.HighlightedText: QColor("#FFFFFF"),
        QPalette.ColorRole.Light: QColor("#3A4047"), QPalette.ColorRole.Midlight: QColor("#31363C"),
        QPalette.ColorRole.Mid: QColor("#262A2F"), QPalette.ColorRole.Dark: QColor("#15181B"),
        QPalette.ColorRole.Shadow: QColor("#000000"),
    }
    for role, colour in roles.items():
        p.setColor(role, colour)
    disabled = QColor("#6B737C")
    for role in (QPalette.ColorRole.WindowText, QPalette.ColorRole.Text, QPalette.ColorRole.ButtonText):
        p.setColor(QPalette.ColorGroup.Disabled, role, disabled)
    return p


def apply_theme(mode: str = "system", app: QApplication | None = None) -> bool:
    """Apply light, dark or the system's choice to the whole app; return True when dark.

    In "system" mode a later change of the desktop's scheme is followed automatically."""
    app = app or QApplication.instance()
    if mode not in MODES:
        mode = "system"
    dark = system_is_dark() if mode == "system" else mode == "dark"
    _state.update(mode=mode, dark=dark)
    app.setStyle(QStyleFactory.create("Fusion"))
    light = app.style().standardPalette()
    app.setPalette(dark_palette() if dark else light)
    for paper in PAPER_CLASSES:
        # Number tables and rich-text panels stay on white "paper" in both themes: their cell highlights
        # and formula colours are chosen for a light ground, and printed-looking numbers read best there.
        app.setPalette(light, paper)
    for name, colour in (_DARK_CANVAS if dark else _LIGHT_CANVAS).items():
        setattr(theme, name, QColor(colour))
    hints = QGuiApplication.styleHints()
    if hasattr(hints, "setColorScheme"):  # Qt >= 6.8: tell the platform theme too (title bars, dialogs)
        hints.setColorScheme({"system": Qt.ColorScheme.Unknown, "light": Qt.ColorScheme.Light,
                              "dark": Qt.ColorScheme.Dark}[mode])
    if not _state["connected"] and hasattr(hints, "colorSchemeChanged"):
        hints.colorSchemeChanged.connect(_system_changed)
        _state["connected"] = True
    for widget in app.topLevelWidgets():
        widget.update()
        for view in widget.findChildren(QWidget):
            if hasattr(view, "viewport"):
                view.viewport().update()  # the canvas repaints with the new colours
    return dark


def is_dark() -> bool:
    return bool(_state["dark"])


def current_mode() -> str:
    return str(_state["mode"])


def _system_changed(_scheme: Any = None) -> None:
    if _state["mode"] == "system" and system_is_dark() != _state["dark"]:
        apply_theme("system")


def saved_mode(settings: QSettings) -> str:
    value = settings.value(SETTINGS_KEY)
    return str(value) if value in MODES else "system"


def theme_menu(parent: QWidget, settings: QSettings) -> QMenu:
    """View > Theme: Follow the system / Light / Dark, saved in QSettings and applied at once."""
    menu = QMenu(QCoreApplication.translate("Theme", "&Theme"), parent)
    menu.setObjectName("menu_theme")
    group = QActionGroup(menu)
    names = {"system": QCoreApplication.translate("Theme", "Follow the system"),
             "light": QCoreApplication.translate("Theme", "Light"),
             "dark": QCoreApplication.translate("Theme", "Dark")}
    for mode in MODES:
        action = QAction(names[mode], menu)
        action.setCheckable(True)
        action.setData(mode)
        action.setChecked(mode == current_mode())
        group.addAction(action)
        menu.addAction(action)

    def chosen(action: QAction) -> None:
        settings.setValue(SETTINGS_KEY, action.data())
        apply_theme(action.data())

    group.triggered.connect(chosen)
    return menu


# ---------------------------------------------------------------- colour maps for signed values
# Blue - white - orange: the two ends differ in hue along the blue-yellow axis, which every common form
# of colour blindness keeps (protanopia and deuteranopia lose red-green, not blue-orange), and in
# lightness, symmetric about the white centre, so sign and size also read in greyscale.
DIVERGING_STOPS = (  # CIELAB lightness 25, 52, 80 on each side, 97 at zero
    (0.0, "#173E5D"), (0.2, "#3781BC"), (0.4, "#A4CAF6"), (0.5, "#F7F7F7"),
    (0.6, "#F8B98F"), (0.8, "#BC661F"), (1.0, "#5C300C"),
)


def diverging_colors() -> list[tuple[float, QColor]]:
    """The diverging map's stops as (position 0..1, colour): negative blue, zero white, positive orange."""
    return [(pos, QColor(hex_)) for pos, hex_ in DIVERGING_STOPS]


def diverging_colormap():
    """The same map as a pyqtgraph ColorMap, for ImageItem/ColorBarItem (levels symmetric about 0)."""
    import numpy as np
    import pyqtgraph as pg

    positions = np.array([p for p, _ in DIVERGING_STOPS])
    colours = np.array([QColor(h).getRgb()[:3] for _, h in DIVERGING_STOPS], dtype=np.ubyte)
    return pg.ColorMap(positions, colours, name="nnviz-blue-white-orange")
