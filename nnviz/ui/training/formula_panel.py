"""FormulaPanel: the current micro-step's formula, symbolic above and with the real numbers below."""

from __future__ import annotations

import html
from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QSize
from PySide6.QtWidgets import QTextBrowser, QVBoxLayout, QWidget

from nnviz.engine.formula_text import Formula
from nnviz.ui.training.notation import SYMBOL_FONTS_CSS
from nnviz.ui.widgets.i18n import formula_tr  # the formulas' words in the UI language (symbols stay)

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

_CSS = f"""
<style>
 .title {{ color: #555; font-size: 11pt; }}
 .sym {{ font-family: {SYMBOL_FONTS_CSS}; font-size: 12pt; color: #1a1a1a; }}
 .num {{ font-family: 'DejaVu Sans Mono', monospace; font-size: 11pt; color: #0b4f9c; }}
 .note {{ color: #777; font-size: 10pt; }}
</style>
"""


def _lines(text: str, cls: str) -> str:
    return "".join(f'<div class="{cls}">{html.escape(formula_tr(line)).replace("  ", "&nbsp;&nbsp;")}</div>'
                   for line in text.splitlines())


def formula_html(formula: Formula | None, where: str = "") -> str:
    """The HTML the panel shows (kept separate so it can be tested and reused in reports)."""
    if formula is None:
        return _CSS + f'<div class="note">{html.escape(formula_tr(where or "No formula for this micro-step."))}</div>'
    parts = [_CSS]
    title = " · ".join(p for p in (formula.title, where) if p)
    if title:
        parts.append(f'<div class="title">{html.escape(formula_tr(title))}</div>')
    parts.append(_lines(formula.symbolic, "sym"))
    if formula.numeric:
        parts.append(f'<hr/><div class="note">{formula_tr(formula.note)}</div>')
        parts.append(_lines(formula.numeric, "num"))
    elif formula.highlights is not None and where:
        parts.append(f'<div class="note">{formula_tr("(every number is in the Tensors panel)")}</div>')
    return "".join(parts)


class FormulaPanel(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.browser = QTextBrowser()
        self.browser.setOpenLinks(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.browser)
        self.formula: Formula | None = None
        self.note = ""
        self.set_formula(None, "Press Step (F10) to see the formula of each micro-step.")

    def sizeHint(self) -> QSize:
        return QSize(460, 300)

    def set_formula(self, formula: Formula | None, where: str = "") -> None:
        self.formula = formula
        self.note = where if formula is None else ""
        self.browser.setHtml(formula_html(formula, where))

    def follow(self, training: TrainingContext) -> None:
        """Show the current micro-step's formula (or why there is none) whenever training moves."""
        self.controller = training.controller
        training.follow(self, self.redraw)

    def redraw(self) -> None:
        c = self.controller
        cur = c.current
        if cur is None:
            # English on purpose: formula_html translates its text with formula_tr (i18n's table).
            note = ("Press Step (F10) to see the formula of each micro-step." if c.session is not None
                    else c.problem or "")
            if self.formula is not None or note != self.note:  # a new problem replaces the former one
                self.set_formula(None, note)
            return
        if self.formula is not cur.formula:
            step = QCoreApplication.translate("TrainingController", "step %d") % cur.event.step
            self.set_formula(cur.formula, step + (f" · {cur.node_name}" if cur.node_name else ""))

    def text(self) -> str:
        """The plain text shown (tests read this back)."""
        return self.browser.toPlainText()
