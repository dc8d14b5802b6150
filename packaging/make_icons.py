"""Render the app icon (resources/icons/app/nnviz.svg) to the PNG sizes desktops ask for.

    python packaging/make_icons.py            writes resources/icons/app/nnviz-{16,...,256}.png

The PNGs are committed so an install needs no tools; run this again after editing the SVG.
Rendering uses Qt's own SVG renderer, so no extra dependency is needed.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SVG = ROOT / "resources" / "icons" / "app" / "nnviz.svg"
SIZES = (16, 24, 32, 48, 64, 128, 256, 512)


def png_path(size: int, folder: Path = SVG.parent) -> Path:
    return folder / f"nnviz-{size}.png"


def render_icons(svg: Path = SVG, folder: Path = SVG.parent, sizes: tuple[int, ...] = SIZES) -> list[Path]:
    """Render `svg` to one square PNG per size (transparent background, antialiased)."""
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtCore import Qt
    from PySide6.QtGui import QGuiApplication, QImage, QPainter
    from PySide6.QtSvg import QSvgRenderer

    _app = QGuiApplication.instance() or QGuiApplication([])  # QPainter on images needs an app for fonts
    renderer = QSvgRenderer(str(svg))
    if not renderer.isValid():
        raise ValueError(f"{svg} is not a valid SVG")
    written = []
    for size in sizes:
        image = QImage(size, size, QImage.Format.Format_ARGB32_Premultiplied)
        image.fill(Qt.GlobalColor.transparent)
        painter = QPainter(image)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setRenderHint(QPainter.RenderHint.SmoothPixmapTransform)
        renderer.render(painter)
        painter.end()
        out = png_path(size, folder)
        if not image.save(str(out)):
            raise OSError(f"could not write {out}")
        written.append(out)
    return written


if __name__ == "__main__":
    for path in render_icons():
        print(path.relative_to(ROOT))
    sys.exit(0)
