"""A weight changed by hand in the neuron view, as an undoable command of the window.

The session records the edit (nnviz.engine.hand_edits), so Rewind and replay keep it; this command
puts it on the window's undo stack beside the graph edits: Undo takes the value back out of the run,
Redo puts it in again. A command whose session was replaced since (a graph edit rebuilt it) is obsolete.
"""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QCoreApplication
from PySide6.QtGui import QUndoCommand

from nnviz.engine.hand_edits import WeightEdit


class HandWeightEdit(QUndoCommand):
    def __init__(self, controller: Any, node: str, tensor: str, index: tuple[int, ...],
                 value: float) -> None:
        session = controller.session
        name = session.net.names.get(node, node) if session is not None else node
        where = ", ".join(str(i + 1) for i in index)
        super().__init__(QCoreApplication.translate("HandWeightEdit", "Set %1 %2[%3] = %4")
                         .replace("%1", name).replace("%2", tensor).replace("%3", where)
                         .replace("%4", f"{value:.6g}"))
        self.controller, self.session = controller, session
        self.node, self.tensor, self.index, self.value = node, tensor, index, value
        self.edit: WeightEdit | None = None

    def redo(self) -> None:
        if not self._live():
            return
        if self.edit is None:
            self.edit = self.session.edit_weight(self.node, self.tensor, self.index, self.value)
        else:
            self.session.redo_edit(self.edit)
        self.controller.after_hand_edit()

    def undo(self) -> None:
        if not self._live() or self.edit is None:
            return
        self.session.undo_edit(self.edit)
        self.controller.after_hand_edit()

    def _live(self) -> bool:
        if self.session is None or self.controller.session is not self.session:
            self.setObsolete(True)  # the session it changed is gone: nothing to undo or redo
            return False
        return True
