"""Where training stands, in words: the controls bar's position line and the phases' names.

The strings keep the TrainingController translation context they were first translated under.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtCore import QCoreApplication

if TYPE_CHECKING:
    from nnviz.ui.training.controller import TrainingController


# lupdate reads translate("Context", "text") literally.
translate = QCoreApplication.translate


def position_text(controller: TrainingController) -> str:
    """'step 12 · backward · dense_2 · epoch 1 · loss 0.0405' — where we are, always visible."""
    s = controller.session
    if s is None:
        if not controller.problem:
            return translate("TrainingController", "no network to train")
        # The first concrete reason, not the "problems to fix first:" heading (the tooltip has all); a
        # Chinese heading ends in a full-width colon.
        lines = [line.strip() for line in controller.problem.splitlines() if line.strip()]
        reason = lines[1] if len(lines) > 1 and lines[0].endswith((":", "：")) else lines[0]
        return translate("TrainingController", "Cannot train: %s") % reason
    if controller.current is not None:
        e = controller.current.event
        parts = [translate("TrainingController", "step %d") % e.step, phase_name(e.phase)]
        if controller.current.node_name:
            parts.append(controller.current.node_name)
        if getattr(e, "t", None) is not None:  # a recurrent layer steps through time: which step
            parts.append(f"t = {e.t}")
        epoch = e.epoch
    else:
        p = s.position
        if controller.running:  # Run records no micro-step: say that it trains, not that it waits
            upcoming = translate("TrainingController", "training")
        elif p.next_phase == "batch":
            upcoming = translate("TrainingController", "ready")
        else:
            upcoming = translate("TrainingController", "next: %s") % phase_name(p.next_phase)
        parts = [translate("TrainingController", "step %d") % p.step, upcoming]
        epoch = s.epoch
    parts.append(translate("TrainingController", "epoch %d") % epoch)
    if s.metrics.step_loss:
        parts.append(translate("TrainingController", "loss %s") % f"{s.metrics.step_loss[-1]:.4g}")
    if s.halted is not None and controller.halt_node is not None:
        parts.append(translate("TrainingController", "stopped: %s is not finite ('%s')")
                     % (s.halted.tensor, s.net.names.get(controller.halt_node)))
    return " · ".join(parts)


def phase_name(phase: str) -> str:
    """A micro-step phase in the UI language."""
    names = {"batch": translate("TrainingController", "batch"),
             "forward": translate("TrainingController", "forward"),
             "loss": translate("TrainingController", "loss"),
             "backward": translate("TrainingController", "backward"),
             "update": translate("TrainingController", "update")}
    return names.get(phase, phase)
