"""Help ▸ Lessons: the lessons with each one's progress (kept in QSettings), and a lesson played in the
window: it opens the lesson's network, walks the micro-steps with Step (F10), asks the stop's values
through the exercise mode, and ends with the score and what was missed."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QObject, QSettings, Qt
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QDialog,
    QDialogButtonBox,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.microstep import MicroStep
from nnviz.exercise.lesson import Lesson, LessonError, lessons
from nnviz.exercise.question import Key, Question
from nnviz.exercise.runner import MAX_MICRO_STEPS, Player

PROGRESS = "lessons/{name}"  # QSettings key: "right/asked" of the last time the lesson was finished


def progress(settings: QSettings, name: str) -> tuple[int, int] | None:
    value = settings.value(PROGRESS.format(name=name))
    try:
        right, asked = (int(part) for part in str(value).split("/"))
    except ValueError:
        return None
    return right, asked


class LessonsDialog(QDialog):
    """The list of lessons with their progress; Start plays the chosen one in the window."""

    def __init__(self, settings: QSettings, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Lessons"))
        self.settings = settings
        self.lessons = lessons()
        self.list = QListWidget()
        self.list.setObjectName("lessons_list")
        for lesson in self.lessons:
            item = QListWidgetItem(self._line(lesson))
            item.setData(Qt.ItemDataRole.UserRole, lesson.name)
            item.setToolTip(str(lesson.intro))
            self.list.addItem(item)
        self.list.setCurrentRow(0)
        self.list.itemDoubleClicked.connect(lambda _: self.accept())
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel)
        start = buttons.addButton(self.tr("Start"), QDialogButtonBox.ButtonRole.AcceptRole)
        start.setObjectName("lessons_start")
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        note = QLabel(self.tr("Each lesson opens a small network, stops at chosen micro-steps and asks you for "
                              "values. Compute them by hand; the score counts answers right at the first try."))
        note.setWordWrap(True)
        layout.addWidget(note)
        layout.addWidget(self.list)
        layout.addWidget(buttons)
        self.resize(560, 380)

    def _line(self, lesson: Lesson) -> str:
        done = progress(self.settings, lesson.name)
        state = (self.tr("not taken yet") if done is None else
                 self.tr("%1 of %2 right at the first try").replace("%1", str(done[0])).replace("%2", str(done[1])))
        mark = "✓" if done is not None and done[0] == done[1] else ("◐" if done is not None else "○")
        return f"{mark}  {lesson.title}   ({state})"

    def chosen(self) -> Lesson | None:
        item = self.list.currentItem()
        name = item.data(Qt.ItemDataRole.UserRole) if item is not None else None
        return next((lesson for lesson in self.lessons if lesson.name == name), None)


class LessonInWindow(QObject):
    """A lesson played on the window's own session: the exercise mode asks at the lesson's stops."""

    def __init__(self, window: Any, mode: Any, lesson: Lesson) -> None:
        super().__init__(mode)
        self.window, self.mode, self.lesson = window, mode, lesson
        self.player: Player | None = None
        self.index = 0  # the stop being walked to, from 0

    def start(self) -> bool:
        from nnviz.io import load

        doc = load(self.lesson.network)
        doc.set_training(doc.training.with_(**self.lesson.settings))
        self.mode.lesson = None
        self.window.set_document(doc, untitled_name=self.lesson.name)
        session = self.mode.controller.session
        if session is None:
            QMessageBox.warning(self.window, self.tr("Lessons"), self.mode.controller.problem or "")
            return False
        self.player = Player(self.lesson, session)
        self.mode.lesson = self
        self.mode.revealed.connect(self._after_stop)
        self.mode.panel.nextStop.connect(self.go)
        self.mode.show_dock()
        self.mode.panel.show_text(self.tr("Press Step (F10) to walk the micro-steps up to the first stop, or:"),
                                  f"{self.lesson.title}\n\n{self.lesson.intro}", next_stop=True)
        return True

    # ------------------------------------------------------------ called by the exercise mode
    def questions(self, event: MicroStep, earlier: dict[Key, MicroStep]) -> tuple[list[Question], str]:
        if self.player is None or self.index >= len(self.lesson.stops):
            return [], ""
        stop = self.lesson.stops[self.index]
        if not self.player.reached(stop, event):
            return [], ""
        self.index += 1
        return self.player.questions(self.index, event, earlier), str(stop.say)

    def answered(self, question: Question, right: bool) -> None:
        if self.player is not None:
            self.player.score.record(question, right)

    # ------------------------------------------------------------ walking
    def go(self) -> None:
        """Step until the next stop's micro-step (the button's way; F10 walks one micro-step)."""
        controller = self.mode.controller
        for _ in range(MAX_MICRO_STEPS):
            if self.mode.held is not None or self.mode.lesson is not self or controller.session is None:
                return
            before = controller.session.micro
            controller.step()
            if controller.session is None or controller.session.micro == before:
                return  # nothing moved (halted at a NaN): do not spin

    def _after_stop(self) -> None:
        if self.mode.lesson is not self:
            return
        if self.index < len(self.lesson.stops):
            self.mode.panel.show_text(self.tr("Press Step (F10) to go on, or:"), next_stop=True)
            return
        self.finish()

    def leave(self) -> None:
        """The lesson stops here (another one starts): nothing is recorded."""
        self.mode.lesson = None
        self.mode.revealed.disconnect(self._after_stop)
        self.mode.panel.nextStop.disconnect(self.go)

    def finish(self) -> None:
        score = self.player.score if self.player is not None else None
        self.leave()
        if score is None:
            return
        self.window.settings.setValue(PROGRESS.format(name=self.lesson.name), f"{score.right}/{score.asked}")
        finished = self.tr("Lesson finished: %s") % self.lesson.title
        self.mode.panel.show_text("\n".join(score.lines()), f"{finished}\n\n{self.lesson.outro}")
        self.mode.show_dock()  # the score in front: the last reveal brought the Formula panel forward


class LessonsMenu(QObject):
    """Help ▸ Lessons…"""

    def __init__(self, window: Any, mode: Any) -> None:
        super().__init__(mode)
        self.window, self.mode = window, mode
        self.current: LessonInWindow | None = None
        self.action = QAction(self.tr("Lessons…"), self)
        self.action.setObjectName("action_lessons")
        self.action.setStatusTip(self.tr("Lessons built from the guides: compute each value, nnviz checks it"))
        self.action.triggered.connect(lambda _=False: self.choose())
        window.menu("&Help").addAction(self.action)

    def choose(self) -> LessonInWindow | None:
        dialog = LessonsDialog(self.window.settings, self.window)
        if dialog.exec() != QDialog.DialogCode.Accepted or dialog.chosen() is None:
            return None
        return self.start(dialog.chosen())

    def start(self, lesson: Lesson) -> LessonInWindow | None:
        if self.current is not None and self.mode.lesson is self.current:
            self.current.leave()
        run = LessonInWindow(self.window, self.mode, lesson)
        try:
            started = run.start()
        except (LessonError, OSError, ValueError) as exc:
            QMessageBox.warning(self.window, self.tr("Lessons"), str(exc))
            return None
        self.current = run if started else None
        return self.current
