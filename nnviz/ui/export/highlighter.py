"""Python syntax highlighting and the read-only code view of the export preview."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QRegularExpression
from PySide6.QtGui import QColor, QFont, QFontDatabase, QSyntaxHighlighter, QTextCharFormat
from PySide6.QtWidgets import QPlainTextEdit

_KEYWORDS = ("False", "None", "True", "and", "as", "assert", "break", "class", "continue", "def", "elif", "else",
             "except", "finally", "for", "from", "if", "import", "in", "is", "lambda", "not", "or", "pass",
             "raise", "return", "try", "while", "with", "yield")
_BUILTINS = ("self", "super", "int", "float", "str", "len", "range", "tuple", "list", "dict", "print",
             "isinstance", "Path")


def _format(color: str, bold: bool = False, italic: bool = False) -> QTextCharFormat:
    fmt = QTextCharFormat()
    fmt.setForeground(QColor(color))
    if bold:
        fmt.setFontWeight(QFont.Weight.Bold)
    fmt.setFontItalic(italic)
    return fmt


class PythonHighlighter(QSyntaxHighlighter):
    """Keywords, builtins, torch names, numbers, strings (incl. triple-quoted blocks) and comments.

    Mid-tone colours so the text reads on light and dark backgrounds alike."""

    STRING = _format("#3A9A3A")
    COMMENT = _format("#8A8F98", italic=True)

    def __init__(self, document: Any) -> None:
        super().__init__(document)
        words = "|".join(_KEYWORDS)
        self.rules: list[tuple[QRegularExpression, QTextCharFormat]] = [
            (QRegularExpression(rf"\b({words})\b"), _format("#C1437A", bold=True)),
            (QRegularExpression(rf"\b({'|'.join(_BUILTINS)})\b"), _format("#2F7FC1")),
            (QRegularExpression(r"\b(torch|nn|F|np)\b(\.\w+)*"), _format("#1F9E8F")),
            (QRegularExpression(r"\b[0-9]+(\.[0-9]+)?([eE][-+]?[0-9]+)?\b"), _format("#D0792A")),
            (QRegularExpression(r"(?<=def )\w+|(?<=class )\w+"), _format("#7E57C2", bold=True)),
        ]
        self._string = QRegularExpression(r"""'([^'\\]|\\.)*'|"([^"\\]|\\.)*\"""")

    def highlightBlock(self, text: str) -> None:  # Qt's name for it
        for pattern, fmt in self.rules:
            it = pattern.globalMatch(text)
            while it.hasNext():
                m = it.next()
                self.setFormat(m.capturedStart(), m.capturedLength(), fmt)
        # Triple-quoted strings may span lines: block state 1 means "still inside one".
        inside, pos, begin = self.previousBlockState() == 1, 0, 0
        while True:
            if inside:
                close = text.find('"""', pos)
                if close < 0:
                    self.setFormat(begin, len(text) - begin, self.STRING)
                    self.setCurrentBlockState(1)
                    return
                self.setFormat(begin, close + 3 - begin, self.STRING)
                inside, pos = False, close + 3
                continue
            opening = text.find('"""', pos)
            if opening < 0:
                break
            inside, begin, pos = True, opening, opening + 3
        self.setCurrentBlockState(0)
        self._strings_and_comment(text, pos)

    def _strings_and_comment(self, text: str, start: int) -> None:
        it = self._string.globalMatch(text, start)
        spans = []
        while it.hasNext():
            m = it.next()
            spans.append((m.capturedStart(), m.capturedEnd()))
            self.setFormat(m.capturedStart(), m.capturedLength(), self.STRING)
        hash_at = text.find("#", start)
        while hash_at >= 0 and any(a <= hash_at < b for a, b in spans):
            hash_at = text.find("#", hash_at + 1)
        if hash_at >= 0:
            self.setFormat(hash_at, len(text) - hash_at, self.COMMENT)


def code_view() -> QPlainTextEdit:
    view = QPlainTextEdit()
    view.setReadOnly(True)
    view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
    view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
    view.highlighter = PythonHighlighter(view.document())  # kept alive with the view
    return view
