"""The training controls: actions with shortcuts (Step F10, Step batch F11, Run/Pause F5 or Space, ...)
and a bar that always shows where training is, with a speed control and the 'stopped at NaN' banner."""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication, QObject, Qt
from PySide6.QtGui import QAction, QKeySequence
from PySide6.QtWidgets import (
    QHBoxLayout,
    QLabel,
    QPushButton,
    QSizePolicy,
    QSlider,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from nnviz.ui.training.controller import SPEEDS, TrainingController
from nnviz.ui.training.position import position_text

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext


def _speed_label(index: int) -> str:
    speed = SPEEDS[index]
    return QCoreApplication.translate("ControlsBar", "max") if speed is None else f"{speed}/s"


class TrainingActions(QObject):
    """One QAction per command, shared by the menu, the toolbar and the controls bar."""

    def __init__(self, controller: TrainingController, parent: QObject | None = None) -> None:
        super().__init__(parent)
        c = controller

        def make(text: str, tip: str, slot, *keys: str) -> QAction:
            action = QAction(text, self)
            action.setToolTip(f"{tip} ({', '.join(keys)})" if keys else tip)
            action.setStatusTip(tip)
            if keys:
                action.setShortcuts([QKeySequence(k) for k in keys])
            action.setShortcutContext(Qt.ShortcutContext.WindowShortcut)
            action.triggered.connect(lambda _=False: slot())
            return action

        self.step = make(self.tr("Step"),
                         self.tr("One micro-step: a layer's forward or backward, the loss or an update"),
                         c.step, "F10")
        self.step_batch = make(self.tr("Step batch"), self.tr("Finish this training step (one batch)"), c.step_batch,
                               "F11")
        self.step_epoch = make(self.tr("Step epoch"), self.tr("Train to the end of this epoch"), c.step_epoch,
                               "Shift+F11")
        self.run = make(self.tr("Run"), self.tr("Train continuously; press again to pause"), c.toggle_run,
                        "F5", "Space")
        self.rewind = make(self.tr("Rewind"), self.tr("Back one batch, exactly as it was"), c.rewind, "Shift+F10")
        self.reset = make(self.tr("Reset"), self.tr("Back to the same initial weights"), c.reset)
        self.reinit = make(self.tr("Re-initialise"), self.tr("New random weights (the next seed)"), c.reinitialize)
        self.all = [self.step, self.step_batch, self.step_epoch, self.run, self.rewind, self.reset, self.reinit]
        self._tips: dict[QAction, str] = {}  # each action's own tooltip, kept while a problem replaces it
        c.runningChanged.connect(lambda on: self.run.setText(self.tr("Pause") if on else self.tr("Run")))
        c.sessionChanged.connect(lambda: self.set_problem(c.problem if c.session is None else None))
        self.set_problem(c.problem if c.session is None else None)

    def set_problem(self, problem: str | None) -> None:
        """While the network cannot be trained, every training action is disabled and says why."""
        for action in self.all:  # the views add actions of their own (gradient check) to `all`
            tip = self._tips.setdefault(action, action.toolTip())
            action.setEnabled(problem is None)
            action.setToolTip(self.tr("Cannot train yet: %s") % problem if problem else tip)
            action.setStatusTip(problem or "")


class ControlsBar(QWidget):
    def __init__(self, controller: TrainingController, actions: TrainingActions,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        buttons = QHBoxLayout()
        buttons.setContentsMargins(0, 0, 0, 0)
        for action in actions.all:
            button = QToolButton()
            button.setDefaultAction(action)
            buttons.addWidget(button)
        buttons.addSpacing(12)
        buttons.addWidget(QLabel(self.tr("Speed")))
        self.speed = QSlider(Qt.Orientation.Horizontal)
        self.speed.setRange(0, len(SPEEDS) - 1)
        self.speed.setValue(controller.speed_index)
        self.speed.setFixedWidth(80)
        self.speed_label = QLabel(_speed_label(controller.speed_index))
        self.speed.valueChanged.connect(self._on_speed)
        buttons.addWidget(self.speed)
        buttons.addWidget(self.speed_label)
        buttons.addSpacing(16)
        self.position = QLabel()
        self.position.setObjectName("trainingPosition")
        # Its width must not follow its text: a new "step · phase · node" every micro-step would
        # otherwise re-lay out the toolbar and repaint the whole window each time.
        self.position.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Preferred)
        self.position.setMinimumWidth(360)
        self.position.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        font = self.position.font()
        font.setPointSizeF(font.pointSizeF() * 1.15)
        font.setBold(True)
        self.position.setFont(font)
        # A fixed-size slot: Qt stops a size change from propagating only at a widget whose minimum and
        # maximum sizes are equal; otherwise every new text re-lays out and repaints the whole window.
        self.position.setFixedSize(400, self.position.fontMetrics().height() + 6)
        # Shown when a NaN/inf stopped training: what happened, and the way out.
        self.banner = QWidget()
        banner = QHBoxLayout(self.banner)
        banner.setContentsMargins(6, 2, 6, 2)
        self.banner.setStyleSheet("background: #fde2e1; color: #7a1b14; border-radius: 3px;")
        self.banner_text = QLabel()
        self.banner_text.setWordWrap(True)
        self.banner_rewind = QPushButton(self.tr("Rewind"))
        self.banner_rewind.clicked.connect(controller.rewind)
        banner.addWidget(self.banner_text, 1)
        banner.addWidget(self.banner_rewind)
        self.banner.hide()
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 2, 4, 2)
        buttons.addWidget(self.position, 1)
        layout.addLayout(buttons)
        layout.addWidget(self.banner)
        # A new session (or none: "cannot train yet, because...") shows at once, not at the next frame.
        controller.sessionChanged.connect(self.refresh)
        self.refresh()

    def _show_position(self) -> None:
        # A problem's explanation longer than the line points at the Problems panel, where it reads whole
        # (and in the tooltip), rather than being cut mid-sentence; a position drops its last parts whole.
        text = getattr(self, "_position_text", "")
        width = max(self.position.width(), self.position.minimumWidth())
        metrics = self.position.fontMetrics()
        if metrics.horizontalAdvance(text) > width and self.controller.session is None and self.controller.problem:
            text = self.tr("Cannot train yet: see Problems")
        parts = text.split(" · ")  # step · phase · layer · epoch · loss: the loss gives way first (on the curves)
        while len(parts) > 2 and metrics.horizontalAdvance(" · ".join(parts)) > width:
            parts.pop()
        text = " · ".join(parts)
        self.position.setText(metrics.elidedText(text, Qt.TextElideMode.ElideRight, width))

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        self._show_position()

    def _on_speed(self, index: int) -> None:
        self.controller.set_speed(index)
        self.speed_label.setText(_speed_label(index))

    def show_halt(self, text: str) -> None:
        self.banner_text.setText(text)
        self.banner.show()

    def follow(self, training: TrainingContext) -> None:
        training.follow(self, self.refresh, on_halt=self._on_halt)

    def _on_halt(self, _err) -> None:
        self.show_halt(self.controller.halt_text)

    def refresh(self) -> None:
        text = position_text(self.controller)
        self._position_text = " ".join(text.split())  # one line: a problem may span several
        self._show_position()
        c = self.controller
        self.position.setToolTip(c.problem if c.session is None and c.problem else text)
        s = self.controller.session
        if not self.banner.isHidden() and (s is None or s.halted is None):
            self.banner.hide()
