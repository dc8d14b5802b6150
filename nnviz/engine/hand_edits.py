"""Weights changed by hand (the neuron view) as part of the training run, so Rewind and replay keep them.

An edit takes effect at a step boundary: `WeightEdit.step` completed steps, before the next step
starts. The session keeps every edit in `hand_edits` and applies the ones of a boundary whenever a
step opens from it, in the order they were made, so replaying from any checkpoint (a rewind between
checkpoints, a reopened file) reproduces the run that had the edit. The checkpoint at an edit's
boundary holds the edited value; checkpoints after it are dropped when an edit is added or removed
and the session replays to where it was, micro-step included. An edit made in the middle of a step
belongs to the start of that step: the step's micro-steps so far are recomputed with it.

Undo and redo are `undo_edit(edit)` and `redo_edit(edit)` (the window puts them on its undo stack).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nnviz.engine.network import SessionError
from nnviz.i18n import Message

if TYPE_CHECKING:
    from nnviz.engine.history import Checkpoint, History


@dataclass(frozen=True, eq=False)  # identity: the same change made twice is two edits
class WeightEdit:
    step: int  # completed training steps when it takes effect
    node: str
    tensor: str  # "weight", "bias", ...
    index: tuple[int, ...]
    value: float
    old: float  # the value it replaced at that boundary

    def as_list(self) -> list[Any]:
        return [self.step, self.node, self.tensor, list(self.index), self.value, self.old]


class HandEdits:
    """The Session's hand edits (a mixin: it works on the session's own layers, history and position)."""

    hand_edits: dict[int, list[WeightEdit]]
    history: History
    layers: dict[str, Any]
    steps_done: int
    micro: int
    weights_version: int
    halted: Any

    def check_edit(self, node: str, tensor: str, index: tuple[int, ...] | list[int], value: float) -> None:
        """SessionError saying why edit_weight would refuse these arguments."""
        param = self._param(node, tensor)
        index = tuple(int(i) for i in index)
        if len(index) != param.ndim or not all(0 <= i < n for i, n in zip(index, param.shape)):
            raise SessionError(Message(
                "{tensor}{index} is outside the {tensor}'s shape {shape}",
                tensor=tensor, index=list(index), shape=list(param.shape)))
        if not math.isfinite(value):
            raise SessionError(Message("a weight must be a finite number"))

    def edit_weight(self, node: str, tensor: str, index: tuple[int, ...] | list[int], value: float) -> WeightEdit:
        """Set one entry of a parameter by hand, from the start of the current step on."""
        self.check_edit(node, tensor, index, value)
        index = tuple(int(i) for i in index)
        edit = WeightEdit(self.steps_done, node, tensor, index, float(value),
                          float(self._at_boundary(node, tensor)[index]))
        self.redo_edit(edit)
        return edit

    def redo_edit(self, edit: WeightEdit) -> None:
        self.hand_edits.setdefault(edit.step, []).append(edit)
        self._rework(edit, edit.value)

    def undo_edit(self, edit: WeightEdit) -> None:
        edits = self.hand_edits.get(edit.step, [])
        if not any(e is edit for e in edits):
            return
        self.hand_edits[edit.step] = [e for e in edits if e is not edit]
        if not self.hand_edits[edit.step]:
            del self.hand_edits[edit.step]
        self._rework(edit, edit.old)

    def all_edits(self) -> list[WeightEdit]:
        return [e for step in sorted(self.hand_edits) for e in self.hand_edits[step]]

    def set_edits(self, edits: list[WeightEdit]) -> None:
        """The edits of a run restored from a file (its checkpoint already holds those before it)."""
        self.hand_edits = {}
        for edit in edits:
            shape = self._param(edit.node, edit.tensor).shape
            if len(edit.index) != len(shape) or not all(i < n for i, n in zip(edit.index, shape)):
                raise SessionError(Message(
                    "a hand edit of {tensor}{index} is outside its shape",
                    tensor=edit.tensor, index=list(edit.index)))
            self.hand_edits.setdefault(edit.step, []).append(edit)

    # ------------------------------------------------------------------ the session's hooks
    def _apply_edits(self, step: int) -> None:
        """Give the weights the values edited at this boundary (idempotent: assignments in order)."""
        for edit in self.hand_edits.get(step, ()):
            self.layers[edit.node].params[edit.tensor][edit.index] = edit.value
            self.weights_version += 1

    # ------------------------------------------------------------------ internals
    def _param(self, node: str, tensor: str) -> np.ndarray:
        layer = self.layers.get(node)
        if layer is None or tensor not in layer.params:
            raise SessionError(Message(
                "the network has no parameter {tensor!r} in node {node!r}",
                tensor=tensor, node=node))
        return layer.params[tensor]

    def _at_boundary(self, node: str, tensor: str) -> np.ndarray:
        """The tensor as it was at the start of the current step (updates may have changed it since)."""
        point = self._boundary_checkpoint()
        if point is not None:
            return point.network[node][tensor]
        return self._param(node, tensor)

    def _boundary_checkpoint(self) -> Checkpoint | None:
        if not self.mid_step and not self.halted:  # type: ignore[attr-defined]
            return None
        point = self.history.at_or_before(self.steps_done)
        return point if point is not None and point.step == self.steps_done else None

    def _rework(self, edit: WeightEdit, value: float) -> None:
        """The run as the edit log now says, back at the same position."""
        point = self._boundary_checkpoint()
        into_step = self.micro - point.micro if point is not None else 0
        stopped = self.halted is not None
        steps = self.steps_done
        at_edit = self.history.at_or_before(edit.step)
        if at_edit is not None and at_edit.step == edit.step:
            at_edit.network[edit.node][edit.tensor][edit.index] = value
        self.history.drop_after(edit.step)
        if steps == edit.step and not into_step and not stopped:
            self._param(edit.node, edit.tensor)[edit.index] = value
            self.weights_version += 1
            return
        self._seek(steps)  # type: ignore[attr-defined]  # replays from the edit's boundary with the log
        if not stopped:
            for _ in range(into_step):
                self.step()  # type: ignore[attr-defined]


def edits_from_lists(rows: Any) -> list[WeightEdit]:
    """WeightEdits from saved rows [step, node, tensor, index, value, old]; ValueError if malformed."""
    if not isinstance(rows, list):
        raise ValueError(Message("the hand edits are not a list"))
    edits = []
    for row in rows:
        if not (isinstance(row, list) and len(row) == 6 and isinstance(row[0], int) and row[0] >= 0
                and isinstance(row[1], str) and isinstance(row[2], str) and isinstance(row[3], list)
                and all(isinstance(i, int) and not isinstance(i, bool) and i >= 0 for i in row[3])
                and all(isinstance(v, (int, float)) and not isinstance(v, bool) and math.isfinite(v)
                        for v in row[4:])):
            raise ValueError(Message("a hand edit is not [step, node, tensor, index, value, old]"))
        edits.append(WeightEdit(row[0], row[1], row[2], tuple(row[3]), float(row[4]), float(row[5])))
    return edits
