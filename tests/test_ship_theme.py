"""Look: the dark theme restyles widgets and canvas and the light one restores them; the diverging colour
map keeps the sign of a value readable for the three common colour-vision deficiencies and in greyscale."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QPalette

pytestmark = pytest.mark.gui

# Machado, Oliveira & Fernandes (2009), severity 1.0, applied to linear RGB.
DICHROMACY = {
    "protanopia": [[0.152286, 1.052583, -0.204868], [0.114503, 0.786281, 0.099216],
                   [-0.003882, -0.048116, 1.051998]],
    "deuteranopia": [[0.367322, 0.860646, -0.227968], [0.280085, 0.672501, 0.047413],
                     [-0.011820, 0.042940, 0.968881]],
    "tritanopia": [[1.255528, -0.076749, -0.178779], [-0.078411, 0.930809, 0.147602],
                   [0.004733, 0.691367, 0.303900]],
}


def to_linear(rgb: np.ndarray) -> np.ndarray:
    return np.where(rgb <= 0.04045, rgb / 12.92, ((rgb + 0.055) / 1.055) ** 2.4)


def lab(linear: np.ndarray) -> np.ndarray:
    """CIELAB (D65) of linear-RGB rows."""
    m = np.array([[0.4124, 0.3576, 0.1805], [0.2126, 0.7152, 0.0722], [0.0193, 0.1192, 0.9505]])
    xyz = np.clip(linear, 0, 1) @ m.T / np.array([0.95047, 1.0, 1.08883])
    f = np.where(xyz > (6 / 29) ** 3, np.cbrt(xyz), xyz / (3 * (6 / 29) ** 2) + 4 / 29)
    return np.stack([116 * f[:, 1] - 16, 500 * (f[:, 0] - f[:, 1]), 200 * (f[:, 1] - f[:, 2])], axis=1)


def sampled(n: int = 21, which: str = "nnviz") -> np.ndarray:
    """The recommended map ("nnviz"), or the one the tensor heatmaps use now ("heatmap")."""
    import pyqtgraph as pg

    from nnviz.ui.training.heatmap import COLORMAP
    from nnviz.ui.widgets.theme_mode import diverging_colormap

    cmap = diverging_colormap() if which == "nnviz" else pg.colormap.get(COLORMAP)
    return cmap.map(np.linspace(0, 1, n), mode="float")[:, :3]


def test_colormap_is_white_at_zero_and_symmetric_in_lightness() -> None:
    rgb = sampled()
    assert np.allclose(rgb[10], 247 / 255, atol=0.01)  # value 0 maps to (near) white
    lightness = lab(to_linear(rgb))[:, 0]
    assert np.all(np.diff(lightness[:11]) > 0) and np.all(np.diff(lightness[10:]) < 0)
    # Equal |value| looks equally strong whatever the sign (greyscale print keeps the magnitude).
    assert np.max(np.abs(lightness[:10] - lightness[::-1][:10])) < 12


@pytest.mark.parametrize("which", ["nnviz", "heatmap"])
@pytest.mark.parametrize("kind", sorted(DICHROMACY))
def test_sign_stays_readable_for_colour_blind_learners(kind: str, which: str) -> None:
    rgb = to_linear(sampled(which=which))
    seen = lab(rgb @ np.array(DICHROMACY[kind]).T)
    for k in (0, 3, 6, 8):  # -1, -0.7, -0.4, -0.2 against +1, +0.7, +0.4, +0.2
        delta_e = float(np.linalg.norm(seen[k] - seen[20 - k]))
        assert delta_e > 15, f"{kind}: ±{1 - k / 10:.1f} look alike (ΔE {delta_e:.1f})"


def test_dark_then_light_restyles_the_app(qapp) -> None:
    from nnviz.ui.widgets import theme
    from nnviz.ui.widgets.theme_mode import apply_theme, current_mode, is_dark

    light_canvas = QColor(theme.CANVAS_BACKGROUND)
    try:
        assert apply_theme("dark", qapp) is True
        assert is_dark() and current_mode() == "dark"
        window = qapp.palette().color(QPalette.ColorRole.Window)
        text = qapp.palette().color(QPalette.ColorRole.WindowText)
        assert window.lightness() < 60 and text.lightness() > 200
        assert theme.CANVAS_BACKGROUND.lightness() < 60 and theme.TEXT_COLOR.lightness() > 200
        # Number tables stay on light paper, where their highlight colours were chosen.
        assert qapp.palette("QTableView").color(QPalette.ColorRole.Base).lightness() > 200
    finally:
        assert apply_theme("light", qapp) is False
    assert qapp.palette().color(QPalette.ColorRole.Window).lightness() > 180
    assert light_canvas == theme.CANVAS_BACKGROUND


def test_system_mode_follows_the_platform(qapp, monkeypatch) -> None:
    from nnviz.ui.widgets import theme_mode

    monkeypatch.setattr(theme_mode, "system_is_dark", lambda: True)
    try:
        assert theme_mode.apply_theme("system", qapp) is True
        monkeypatch.setattr(theme_mode, "system_is_dark", lambda: False)
        theme_mode._system_changed()  # what QStyleHints.colorSchemeChanged triggers
        assert theme_mode.is_dark() is False
    finally:
        theme_mode.apply_theme("light", qapp)


def test_theme_menu_saves_and_applies(qapp, tmp_path) -> None:
    from PySide6.QtCore import QSettings
    from PySide6.QtWidgets import QWidget

    from nnviz.ui.widgets.theme_mode import SETTINGS_KEY, apply_theme, is_dark, saved_mode, theme_menu

    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    parent = QWidget()  # the menu is owned by its parent; keep the parent alive
    menu = theme_menu(parent, settings)
    try:
        next(a for a in menu.actions() if a.data() == "dark").trigger()
        assert settings.value(SETTINGS_KEY) == "dark" and saved_mode(settings) == "dark" and is_dark()
    finally:
        apply_theme("light", qapp)


def test_svg_icons_are_crisp_at_high_dpi(qapp) -> None:
    """Icons come from SVG, so a 2x (or 3x) pixmap is rendered at full resolution, not scaled up."""
    from nnviz.ui.widgets.icons import app_icon, category_icon

    for icon in (app_icon(), category_icon("Core")):
        pixmap = icon.pixmap(96, 96)
        assert pixmap.width() >= 96 and not pixmap.isNull()
        image = pixmap.toImage()
        # An upscaled bitmap would have long runs of equal pixels on edges; an SVG render has antialiased
        # edges with many distinct alpha values.
        alphas = {image.pixelColor(x, y).alpha() for x in range(image.width()) for y in range(0, image.height(), 3)}
        assert len(alphas) > 10


def test_phase_highlights_stay_apart_for_colour_blind_learners() -> None:
    """Forward, backward and update glow in colours that differ under every simulated dichromacy, and the
    animated edges use the same colours as the nodes."""
    from nnviz.ui.training.edge_pulse import COLOURS
    from nnviz.ui.widgets.theme import HIGHLIGHT_COLORS

    assert {k: COLOURS[k] for k in COLOURS} == {k: HIGHLIGHT_COLORS[k] for k in COLOURS}
    names = ["forward", "backward", "update"]
    rgb = to_linear(np.array([QColor(HIGHLIGHT_COLORS[n]).getRgbF()[:3] for n in names]))
    for kind, matrix in [("normal", np.eye(3)), *DICHROMACY.items()]:
        seen = lab(rgb @ np.array(matrix).T)
        for i, j in ((0, 1), (0, 2), (1, 2)):
            delta_e = float(np.linalg.norm(seen[i] - seen[j]))
            assert delta_e > 20, f"{kind}: {names[i]} and {names[j]} highlights look alike (ΔE {delta_e:.1f})"
