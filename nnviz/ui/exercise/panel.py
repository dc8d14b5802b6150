"""The question panel: what is asked, the formula's inputs, the answer box, the verdict and the ladder."""

from __future__ import annotations

import html

from PySide6.QtCore import QEvent, Qt, Signal
from PySide6.QtGui import QFont
from PySide6.QtWidgets import (
    QApplication,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QPushButton,
    QScrollArea,
    QSizePolicy,
    QVBoxLayout,
    QWidget,
)

from nnviz.exercise.question import Question


def _label(rich: bool = False, mono: bool = False) -> QLabel:
    label = QLabel()
    label.setWordWrap(True)
    label.setTextFormat(Qt.TextFormat.RichText if rich else Qt.TextFormat.PlainText)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    if mono:
        font = QFont("monospace")
        font.setStyleHint(QFont.StyleHint.TypeWriter)
        label.setFont(font)
    return label


class QuestionPanel(QWidget):
    """One question at a time. finished(right_at_first_try) once it is answered right or shown."""

    finished = Signal(bool)
    nextStop = Signal()  # the lesson's "Go to the next stop" button

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.question: Question | None = None
        self.first_try = True
        self.say = _label()
        self.say.setObjectName("exercise_say")
        self.prompt = _label()
        self.prompt.setObjectName("exercise_prompt")
        bold = self.prompt.font()
        bold.setBold(True)
        self.prompt.setFont(bold)
        self.given = _label(mono=True)
        self.given.setObjectName("exercise_given")
        self.answer = QLineEdit()
        self.answer.setObjectName("exercise_answer")
        self.answer.setPlaceholderText(self.tr("your number, e.g. −0.0967"))
        self.answer.returnPressed.connect(self.check)
        self.check_button = QPushButton(self.tr("Check"))
        self.check_button.clicked.connect(self.check)
        self.verdict = _label(rich=True)
        self.verdict.setObjectName("exercise_verdict")
        self.ladder_text = _label(mono=True)
        self.ladder_text.setObjectName("exercise_ladder")
        self.hint_button = QPushButton(self.tr("Hint"))
        self.formula_button = QPushButton(self.tr("Formula with numbers"))
        self.answer_button = QPushButton(self.tr("Show the answer"))
        for rung, button in enumerate((self.hint_button, self.formula_button, self.answer_button)):
            button.clicked.connect(lambda _=False, r=rung: self.climb(r))
        self.next_button = QPushButton(self.tr("Go to the next stop"))
        self.next_button.setObjectName("exercise_next")
        self.next_button.clicked.connect(self.nextStop)
        self.next_button.hide()

        row = QHBoxLayout()
        row.addWidget(self.answer, 1)
        row.addWidget(self.check_button)
        # Two rows of the ladder, not one: the panel shares the bottom row at 1280x800 with Tensors, and one
        # row of three buttons would be wider than its column (the last one cut at "Show the a").
        ladder = QGridLayout()
        ladder.addWidget(self.hint_button, 0, 0)
        ladder.addWidget(self.formula_button, 0, 1)
        ladder.addWidget(self.answer_button, 1, 0, 1, 2)
        ladder.setColumnStretch(2, 1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 4, 8, 4)  # tight: at 1280x800 the whole question fits the bottom row's height
        layout.setSpacing(4)
        for widget in (self.say, self.prompt, self.given):
            layout.addWidget(widget)
        layout.addLayout(row)
        layout.addWidget(self.verdict)
        layout.addLayout(ladder)
        layout.addWidget(self.ladder_text)
        layout.addWidget(self.next_button)
        layout.addStretch(1)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Expanding)
        self.show_text(self.tr("Exercise mode: press Step (F10) and compute the value asked before nnviz "
                               "shows it."))

    # ---------------------------------------------------------------- states
    def _asking(self, on: bool) -> None:
        for widget in (self.answer, self.check_button, self.hint_button, self.formula_button, self.answer_button):
            widget.setEnabled(on)
        for widget in (self.answer, self.check_button, self.hint_button, self.formula_button, self.answer_button,
                       self.given, self.prompt):
            widget.setVisible(on or widget in (self.given, self.prompt))

    def show_text(self, text: str, say: str = "", next_stop: bool = False) -> None:
        """No question: a note (and the lesson's words), e.g. between stops or at a lesson's end."""
        self.question = None
        self.say.setText(say)
        self.say.setVisible(bool(say))
        self.prompt.setText(text)
        self.given.clear()
        self.verdict.clear()
        self.ladder_text.clear()
        self.answer.clear()
        self._asking(False)
        self.next_button.setVisible(next_stop)

    def ask(self, question: Question, say: str = "") -> None:
        self.question, self.first_try, self.rung = question, True, -1
        self.say.setText(say)
        self.say.setVisible(bool(say))
        self.prompt.setText(question.prompt())
        self.given.setText("\n".join(question.given))
        self.verdict.clear()
        self.ladder_text.clear()
        self.answer.clear()
        self.next_button.hide()
        self._asking(True)
        self.answer.setFocus()

    # ---------------------------------------------------------------- answering
    def check(self) -> None:
        q = self.question
        if q is None:
            return
        verdict = q.check(self.answer.text())
        lines = verdict.lines()
        if verdict.correct:
            right = html.escape(lines[0], quote=False)
            self._end(f"<b style='color:#2e7d32'>{right}</b> {html.escape(q.answer(), quote=False)}", True)
            return
        if verdict.value is not None:
            self.first_try = False
        head, rest = lines[0], lines[1:]
        body = "".join(f"<br><b>{html.escape(line, quote=False)}</b>" if line.startswith("•") else
                       f"<br>&nbsp;&nbsp;– {html.escape(line.strip(), quote=False)}" for line in rest)
        self.verdict.setText(f"<b style='color:#c62828'>{html.escape(head, quote=False)}</b>{body}")
        self.answer.selectAll()
        self.scroll_to(self.answer, self.verdict, self.answer_button)

    def scroll_to(self, top: QWidget, keep: QWidget, bottom: QWidget) -> None:
        """In a short dock (the bottom row at 1280x800) a diagnosis lands below the fold, out of sight. The
        panel's scroll area shows `top` (the answer box) down to `bottom` (the ladder's buttons); when they do
        not fit, it scrolls further down but never past the top of `keep` (the verdict), which reads whole."""
        area = self.parentWidget().parentWidget() if self.parentWidget() is not None else None
        if not isinstance(area, QScrollArea):
            return
        for _ in range(3):  # the labels' new heights, then the panel's, then the scroll bar's range
            QApplication.sendPostedEvents(None, QEvent.Type.LayoutRequest.value)
        end = bottom.geometry().bottom() + 6 - area.viewport().height()
        area.verticalScrollBar().setValue(max(top.y() - 6, min(end, keep.y() - 6)))

    def climb(self, rung: int) -> None:
        """The ladder: 0 the hint, 1 the formula with its numbers, 2 the answer (which ends the question)."""
        q = self.question
        if q is None:
            return
        self.first_try = False
        self.rung = max(self.rung, rung)
        steps = q.ladder()
        if self.rung == 2:
            self.ladder_text.setText("\n\n".join(steps[:2]))
            self._end(html.escape(self.tr("The answer: %s") % q.answer(), quote=False), False)
            return
        self.ladder_text.setText("\n\n".join(steps[:self.rung + 1]))

    def _end(self, verdict_html: str, right: bool) -> None:
        self.verdict.setText(verdict_html)
        self._asking(False)
        self.question = None
        self.finished.emit(right and self.first_try)
