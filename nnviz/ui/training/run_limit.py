"""Where Run stops: after the epochs set in Training settings (Step and Step epoch still go on by hand)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")

WATCHABLE_SPEED = 100  # batches a second at start: a run whose curves grow over seconds, not in a blink


def epochs_done(controller: Any) -> bool:
    """True (after pausing the run and saying why) once the session has trained every configured epoch."""
    s = controller.session
    if s is None or s.epoch <= s.settings.epochs:
        return False
    controller.pause()
    text = translate("TrainingController", "Trained the %1 epochs set in Training settings. Raise Epochs there "
                     "to train on, or Reset to start again.")
    controller.message.emit(text.replace("%1", str(s.settings.epochs)))
    return True
