"""Small widget helpers shared by the training panels."""

from __future__ import annotations

import html
import re

from PySide6.QtGui import QFont
from PySide6.QtWidgets import QLabel, QLineEdit, QWidget

from nnviz.ui.training.notation import SYMBOL_FONTS, SYMBOL_FONTS_CSS

_MARKED = re.compile(r"\w[\u0300-\u036f]+")  # a letter with its combining marks (x̂)


class StatusLine(QLineEdit):
    """One line of text that changes every step without re-laying out its window.

    QLabel.setText calls updateGeometry(), which invalidates every layout up to the main window and
    repaints far more than the text (measured: the whole window for a label in a toolbar). A read-only,
    frameless QLineEdit keeps the same size hint whatever its text, so only its own pixels repaint.
    The text can still be selected and copied.
    """

    def __init__(self, text: str = "", parent: QWidget | None = None) -> None:
        super().__init__(text, parent)
        self.setReadOnly(True)
        self.setFrame(False)
        self.setFocusPolicy(self.focusPolicy().NoFocus)
        self.setStyleSheet("QLineEdit { background: transparent; border: none; }")
        self.setCursorPosition(0)

    def setText(self, text: str) -> None:
        if text != self.text():
            super().setText(text)
            self.setCursorPosition(0)  # show the start of a long line, not its end
            self.setToolTip(text)


def symbol_font(font: QFont) -> QFont:
    """`font` in the symbols' serif (notation.SYMBOL_FONTS), for a box whose items are formulas."""
    serif = QFont(font)
    serif.setFamilies(list(SYMBOL_FONTS))
    return serif


def symbol_html(text: str) -> str:
    """`text` as rich text with each letter that carries a combining mark (x̂) in the symbols' serif: the rest
    keeps the widget's font."""
    serif = f'<span style="font-family: {SYMBOL_FONTS_CSS}">'
    return _MARKED.sub(lambda m: f"{serif}{m[0]}</span>", html.escape(text, quote=False))


def fit_wrapped(label: QLabel, width: int) -> None:
    """Give a word-wrapped label the height its text needs at `width`: a layout does not ask a wrapping label
    how tall its width makes it, and a stretching neighbour (a plot) squeezes it to one cut-off line."""
    label.setMinimumHeight(label.heightForWidth(width) if label.text() else 0)


def mark_points_while_few(curve, count: int, few: int) -> None:
    """A dot on every sample of a pyqtgraph curve while it has fewer than `few`: a line through one sample draws
    nothing. Its symbol's size and colours are set where the curve is made; this only switches it."""
    symbol = "o" if count < few else None
    if curve.opts["symbol"] != symbol:  # setSymbol re-renders: not at every redraw
        curve.setSymbol(symbol)
