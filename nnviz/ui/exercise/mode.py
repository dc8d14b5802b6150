"""Train ▸ Exercise mode: F10 asks about a micro-step before the panels show it.

The training controller hands every recorded micro-step to ask_first() before showing it. With the mode
on (or a lesson at one of its stops) the micro-step is held back, the question panel beside the Formula
panel asks its value(s), and the controller reveals it once each question is answered right or its
answer shown. Meanwhile the training actions wait (F10 again would run past the question).
"""

from __future__ import annotations

from typing import Any

import shiboken6
from PySide6.QtCore import QObject, Qt, Signal
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import QDockWidget, QScrollArea

from nnviz.engine.microstep import MicroStep
from nnviz.exercise.question import Key, Question, ask, situation
from nnviz.ui.exercise.panel import QuestionPanel

BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


class ExerciseMode(QObject):
    """Holds a micro-step back while its questions are open. `lesson` (lessons.py) chooses the stops."""

    revealed = Signal()  # the held micro-step was shown: its questions are over

    def __init__(self, controller: Any, panel: QuestionPanel, dock: QDockWidget | None, window: Any = None) -> None:
        super().__init__(controller)
        self.controller, self.panel, self.dock, self.window = controller, panel, dock, window
        self.action = QAction(self.tr("Exercise mode"), self)
        self.action.setObjectName("action_exercise_mode")
        self.action.setCheckable(True)  # off by default, every start: the app shows before it asks
        self.action.setShortcut(QKeySequence("Ctrl+Shift+E"))
        self.action.setStatusTip(self.tr("Step (F10) asks you to compute a value of each micro-step before "
                                         "it is shown"))
        self.action.toggled.connect(self._toggled)
        self.lesson: Any = None  # the lesson being played (lessons.LessonInWindow), if any
        self.held: MicroStep | None = None
        self.pending: list[Question] = []
        self.question: Question | None = None  # the one the panel asks now
        self.say = ""
        self.right = 0
        self.earlier: dict[Key, MicroStep] = {}  # this training step's micro-steps so far
        controller.ask_first = self.ask_first
        controller.sessionChanged.connect(self.drop)
        panel.finished.connect(self._finished)

    @property
    def on(self) -> bool:
        return self.action.isChecked() or self.lesson is not None

    def _toggled(self, on: bool) -> None:
        if on:
            self.show_dock()
        elif self.dock is not None and self.lesson is None:
            self.dock.hide()
        if not on and self.lesson is None:
            self.reveal()

    # ---------------------------------------------------------------- the controller's hook
    def ask_first(self, event: MicroStep) -> bool:
        """Called with each recorded micro-step before it is shown; True holds it back for questions."""
        if event.phase == "batch":
            self.earlier = {}
        key = (event.phase, event.node, event.t)
        try:
            if not self.on:
                return False
            if self.lesson is not None:
                questions, say = self.lesson.questions(event, self.earlier)
            else:
                name = self.controller.session.net.names.get(event.node, "") if event.node else ""
                question = ask(situation(self.controller.session, event, self.earlier), node_name=name)
                questions, say = ([question] if question is not None else []), ""
        finally:
            self.earlier[key] = event
        if not questions:
            return False
        self.held, self.pending, self.say, self.right = event, list(questions), say, 0
        self._actions_wait(True)
        self._next_question()
        return True

    def _next_question(self) -> None:
        question = self.question = self.pending.pop(0)
        self.show_dock()
        self.panel.ask(question, self.say)

    def show_dock(self) -> None:
        """The question in front, in the Formula panel's tab group (the window's layout makes the room)."""
        if self.dock is None:
            return
        if self.window is not None and hasattr(self.window, "bring_forward"):
            self.window.bring_forward(self.dock)
            return
        self.dock.show()
        self.dock.raise_()

    def _finished(self, right: bool) -> None:
        self.right += int(right)
        if self.lesson is not None and self.question is not None:
            self.lesson.answered(self.question, right)
        if self.pending:
            self._next_question()
            return
        self.reveal()

    def reveal(self) -> None:
        """Show the held micro-step: its questions are over (or the mode was switched off)."""
        event, self.held, self.pending = self.held, None, []
        self._actions_wait(False)
        if event is not None and self.controller.session is not None:
            self.controller.show(event)
            self.revealed.emit()

    def drop(self) -> None:
        """A new session (New, Open, Reset to other weights): a held micro-step no longer exists."""
        if self.held is not None:
            self.held, self.pending = None, []
            self._actions_wait(False)
            self.panel.show_text(self.tr("The network changed: the open question was dropped."))
        self.earlier = {}

    def _actions_wait(self, waiting: bool) -> None:
        actions = getattr(getattr(self.window, "training_panels", None), "actions", None)
        if actions is None:
            return
        if waiting:
            for action in actions.all:
                action.setEnabled(False)
                action.setStatusTip(self.tr("Answer the question first (or show its answer)"))
        else:
            c = self.controller
            actions.set_problem(c.problem if c.session is None else None)


def install_exercise(window: Any) -> ExerciseMode | None:
    """The question panel docked beside the Formula panel, Train ▸ Exercise mode, Help ▸ Lessons."""
    controller = getattr(window, "training", None)
    if controller is None:
        return None
    panel = QuestionPanel()
    scroll = QScrollArea()  # a long diagnosis scrolls down; lines wrap to the dock's width, never sideways
    scroll.setWidget(panel)
    scroll.setWidgetResizable(True)
    scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
    scroll.setFrameShape(QScrollArea.Shape.NoFrame)
    dock = window.add_dock(scroll, "Exercise", BOTTOM, scroll=False)
    dock.hide()
    mode = ExerciseMode(controller, panel, dock, window)
    window.menu("&Train").addSeparator()
    window.menu("&Train").addAction(mode.action)
    window.addAction(mode.action)
    from nnviz.ui.exercise.lessons import LessonsMenu

    mode.lessons = LessonsMenu(window, mode)
    return mode if shiboken6.isValid(panel) else None
