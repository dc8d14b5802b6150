"""Number editors that take what a person types and never change it silently.

Qt's spin boxes drop keys they cannot place (typing 1e-3 gave 13, -5 in a field that starts at 1 gave 5) and
round or clamp without a word. These accept Python's notation (1e-3, 2.5E+2), the locale's decimal sign (0,5
in German) and its group separator; a text they cannot take stays as typed, framed in red, with the reason as
tooltip and in `refused(reason)` (the panels show it), and the value does not change.
"""

from __future__ import annotations

import math

from PySide6.QtCore import QCoreApplication, QLocale, Signal
from PySide6.QtGui import QValidator
from PySide6.QtWidgets import QDoubleSpinBox, QSpinBox

INT32 = 2**31 - 1  # the largest number a Qt spin box holds


# lupdate reads translate("Context", "text") literally.
translate = QCoreApplication.translate


def parse_number(text: str, locale: QLocale | None = None) -> float:
    """The number in `text`: Python's syntax (scientific notation included) or the locale's own (its decimal
    sign and group separator). ValueError when it is neither."""
    text = text.strip().replace("\u2212", "-")  # a typographic minus sign reads as one
    if not text:
        raise ValueError(text)
    try:
        return float(text)
    except ValueError:
        pass
    locale = locale or QLocale()
    value, ok = locale.toDouble(text)
    if ok:
        return value
    # Scientific notation with the locale's decimal sign: 2,5e-3.
    point = locale.decimalPoint()
    if point != "." and text.count(point) == 1 and "." not in text:
        return float(text.replace(point, "."))
    raise ValueError(text)


def refusal(text: str, low: float, high: float, whole: bool, decimals: int | None = None,
            locale: QLocale | None = None) -> tuple[float | None, str]:
    """(value, "") when `text` is a number the field takes, else (None, the reason in the UI language)."""
    try:
        value = parse_number(text, locale)
    except ValueError:
        why = translate("NumberEdit", "'%1' is not a number (write e.g. 0.001 or 1e-3)")
        return None, why.replace("%1", text.strip())
    if not math.isfinite(value):
        return None, translate("NumberEdit", "Type a finite number")
    if whole and value != int(value):
        return None, translate("NumberEdit", "Type a whole number")
    if value < low:
        return None, translate("NumberEdit", "The smallest allowed is %1").replace("%1", _fmt(low))
    if value > high:
        return None, translate("NumberEdit", "The largest allowed is %1").replace("%1", _fmt(high))
    if decimals is not None and value != 0 and round(value, decimals) == 0:
        why = translate("NumberEdit", "Too small for this field: it keeps %1 decimals")
        return None, why.replace("%1", str(decimals))
    return value, ""


def _fmt(x: float) -> str:
    return str(int(x)) if float(x).is_integer() else f"{x:g}"


class _Refusing:
    """What both spin boxes share: validate without dropping keys, and say why a text is refused."""

    refused: Signal

    def _check(self, text: str) -> tuple[float | None, str]:
        raise NotImplementedError

    def validate(self, text: str, pos: int):  # Qt's name
        value, reason = self._check(self._strip_affixes(text))
        if text != getattr(self, "_refused_text", None):
            self._refused_text = None  # a new text: its refusal, if any, is news
        self._show_reason(reason if text.strip() not in ("", "-", "+") else "")
        state = QValidator.State.Acceptable if value is not None else QValidator.State.Intermediate
        return state, text, pos

    def fixup(self, text: str) -> str:  # Qt's name: editing finished on a text that is not acceptable
        _, reason = self._check(self._strip_affixes(text))
        if reason and text != getattr(self, "_refused_text", None):  # Qt fixes up on Return and on focus out
            self._refused_text = text
            self.refused.emit(reason)
        return text

    def _strip_affixes(self, text: str) -> str:
        prefix, suffix = self.prefix(), self.suffix()
        if prefix and text.startswith(prefix):
            text = text[len(prefix):]
        if suffix and text.endswith(suffix):
            text = text[: -len(suffix)]
        return text

    def _show_reason(self, reason: str) -> None:
        if reason == getattr(self, "_reason", ""):
            return
        self._reason = reason
        if reason:
            self._plain_tip = self._plain_tip if getattr(self, "_reason_tip", False) else self.toolTip()
            self._reason_tip = True
            self.setToolTip(reason)
            self.setStyleSheet("border: 1px solid #C62828;")
        else:
            if getattr(self, "_reason_tip", False):
                self.setToolTip(getattr(self, "_plain_tip", ""))
            self._reason_tip = False
            self.setStyleSheet("")

    @property
    def reason(self) -> str:
        """Why the text typed now is refused ("" when it is taken)."""
        return getattr(self, "_reason", "")


class NumberSpinBox(_Refusing, QDoubleSpinBox):
    refused = Signal(str)

    def _check(self, text: str) -> tuple[float | None, str]:
        return refusal(text, self.minimum(), self.maximum(), False, self.decimals(), self.locale())

    def valueFromText(self, text: str) -> float:  # Qt's name
        value, _ = self._check(self._strip_affixes(text))
        return self.value() if value is None else value


class WholeSpinBox(_Refusing, QSpinBox):
    refused = Signal(str)

    def _check(self, text: str) -> tuple[float | None, str]:
        return refusal(text, self.minimum(), self.maximum(), True, None, self.locale())

    def valueFromText(self, text: str) -> int:  # Qt's name
        value, _ = self._check(self._strip_affixes(text))
        return self.value() if value is None else int(value)
