"""What one micro-step of training hands the viewers: the MicroStep record, the position, the stop on NaN.

Names of the tensors a MicroStep carries: see docs/ARCHITECTURE.md.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

from nnviz.engine.formula_text import Formula
from nnviz.i18n import Message, mark, translate


# Overflow and NaN are reported as a NonFiniteError naming the micro-step, not as NumPy warnings.
def quiet() -> np.errstate:
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


@dataclass
class MicroStep:
    index: int  # micro-steps since reset, 1-based
    step: int  # the training step (batch) this micro-step belongs to, 1-based
    epoch: int  # 1-based
    phase: str  # batch | forward | loss | backward | update
    node: str | None
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    formula: Formula | None = None
    t: int | None = None  # time step inside a recurrent node
    loss: float | None = None


PHASE_WORDS = {"batch": mark("batch"), "forward": mark("forward"), "loss": mark("loss"), "backward": mark("backward"),
               "update": mark("update")}


class NonFiniteError(ArithmeticError):
    """A NaN or infinity appeared; the session stops at the micro-step that made it."""

    def __init__(self, event: MicroStep, tensor: str, node_name: str | None) -> None:
        self.event, self.tensor, self.node_name = event, tensor, node_name
        phase = translate(PHASE_WORDS.get(event.phase, event.phase))
        where = (translate("in {phase} of '{name}'", phase=phase, name=node_name) if node_name
                 else translate("in the {phase} step", phase=phase))
        super().__init__(Message(
            "Step {step}: {tensor} became NaN or infinite {where}. The learning rate may be too high or the inputs "
            "too large: rewind, then lower the learning rate or normalise the data.", step=event.step, tensor=tensor,
            where=where))


@dataclass(frozen=True)
class Position:
    step: int  # completed training steps
    epoch: int
    batch_in_epoch: int
    next_phase: str
    next_node: str | None


def copies(tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.array(v, copy=True) for k, v in tensors.items()}


def inputs(name: str, arrays: list[np.ndarray]) -> dict[str, np.ndarray]:
    if len(arrays) == 1:
        return {name: arrays[0].copy()}
    return {f"{name}_{i}": a.copy() for i, a in enumerate(arrays)}
