"""Icons for layer categories and the app, loaded from the SVG files in resources/icons (crisp at any DPI)."""

from __future__ import annotations

from functools import cache

from PySide6.QtGui import QIcon

from nnviz.resources import resource_path


@cache
def category_icon(category: str) -> QIcon:
    path = resource_path("icons", f"{category.lower()}.svg")
    return QIcon(str(path)) if path.is_file() else QIcon()


@cache
def app_icon() -> QIcon:
    # The same icon the desktop entry and the bundle use (resources/icons/app), SVG first so it stays crisp.
    icon = QIcon(str(resource_path("icons", "app", "nnviz.svg")))
    for size in (16, 32, 48, 256):  # exact bitmaps for the sizes title bars and task bars ask for
        png = resource_path("icons", "app", f"nnviz-{size}.png")
        if png.is_file():
            icon.addFile(str(png))
    return icon
