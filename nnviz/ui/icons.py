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
    return QIcon(str(resource_path("icons", "nnviz.svg")))
