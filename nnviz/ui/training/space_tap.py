"""Space on the canvas: a tap runs or pauses training, holding it while dragging pans (the canvas's own
gesture). Without this the Run action's Space shortcut would take every Space press from the canvas."""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtWidgets import QWidget


class SpaceTap(QObject):
    def __init__(self, canvas: QWidget, on_tap: Callable[[], None]) -> None:
        super().__init__(canvas)
        self.on_tap = on_tap
        self.held = False
        self.dragged = False
        canvas.installEventFilter(self)
        viewport = getattr(canvas, "viewport", None)
        if callable(viewport):
            viewport().installEventFilter(self)

    def eventFilter(self, obj: QObject, event: QEvent) -> bool:
        kind = event.type()
        if kind == QEvent.Type.ShortcutOverride and event.key() == Qt.Key.Key_Space:
            event.accept()  # the canvas keeps Space: no shortcut fires while it has the focus
            return True
        if kind == QEvent.Type.KeyPress and event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            self.held, self.dragged = True, False
        elif kind == QEvent.Type.MouseMove and self.held and event.buttons() != Qt.MouseButton.NoButton:
            self.dragged = True
        elif kind == QEvent.Type.KeyRelease and event.key() == Qt.Key.Key_Space and not event.isAutoRepeat():
            if self.held and not self.dragged:
                self.on_tap()
            self.held = False
        return False
