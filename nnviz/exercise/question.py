"""What is asked at a micro-step, built from the micro-step's own tensors (no Qt).

A Situation is a micro-step with what its recipe needs beyond the tensors (the layer, the loss, the
settings, this training step's earlier micro-steps). ask() turns it into a Question: the true value,
the value of every catalogued mistake (recomputed by the recipe of the layer, loss or optimiser), the
formula's inputs with their numbers, a hint, and the engine's formula with numbers (the ladder:
hint -> formula with numbers -> answer).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.engine.formula_text import position
from nnviz.engine.microstep import MicroStep
from nnviz.exercise import judge as judging
from nnviz.i18n import Message, formula_words

Candidates = list[tuple[tuple[str, ...], float]]
Key = tuple[str, "str | None", "int | None"]  # (phase, node, t) of a micro-step in this training step


@dataclass
class Situation:
    event: MicroStep
    layer_key: str | None  # the node's layer type ("dense"), None for batch and loss
    hp: dict[str, Any]
    params: dict[str, np.ndarray]  # the layer's parameters as this micro-step used them
    settings: Any  # TrainingSettings
    is_output: bool  # the node's output is the prediction the loss reads
    earlier: dict[Key, MicroStep] = field(default_factory=dict)  # this training step's micro-steps so far
    feeds: list[str] = field(default_factory=list)  # nodes feeding this one
    consumers: list[str] = field(default_factory=list)  # nodes this one feeds

    @property
    def tensors(self) -> dict[str, np.ndarray]:
        return self.event.tensors

    def earlier_event(self, phase: str, node: str | None) -> MicroStep | None:
        return self.earlier.get((phase, node, None))


def situation(session: Any, event: MicroStep, earlier: Mapping[Key, MicroStep] | None = None) -> Situation:
    """The situation of a micro-step the session just made (read right away: the parameters are current)."""
    node = event.node
    layer = session.layers.get(node) if node is not None else None
    feeds = list(session.net.feeds.get(node, [])) if node is not None else []
    consumers = [n for n, srcs in session.net.feeds.items() if node is not None and node in srcs]
    params = {k: np.array(v, copy=True) for k, v in layer.params.items()} if layer is not None else {}
    return Situation(event, layer.key if layer is not None else None, dict(layer.hp) if layer else {}, params,
                     session.settings, node == session.net.output_id, dict(earlier or {}), feeds, consumers)


@dataclass(frozen=True)
class Worked:
    """A recipe's result for one value: expected, the mistakes' values, the hint, the inputs shown."""

    expected: float
    candidates: Candidates
    hint: Message
    given: list[str]
    what: str  # the symbol asked for, e.g. "δ₁" or "∂L/∂W[1,2]"


@dataclass
class Question:
    phase: str
    node: str | None
    t: int | None
    tensor: str
    index: tuple[int, ...]
    expected: float
    candidates: Candidates
    hint: Message
    given: list[str]
    worked: list[str]  # the engine's formula with numbers (the ladder's second rung)
    what: str
    node_name: str = ""

    def prompt(self) -> str:
        where = f" · '{self.node_name}'" if self.node_name else ""
        time = f" · t = {self.t}" if self.t is not None else ""
        # A scalar (the loss) has no index to point at: "loss", not "loss[]".
        located = f"{self.tensor}[{position(self.index)}]" if len(self.index) else self.tensor
        return str(Message("What is {what}{where}{time}? ({tensor}, to {digits} significant digits)",
                           what=self.what, where=where, time=time, tensor=located, digits=judging.DIGITS))

    def check(self, text: str, digits: int = judging.DIGITS) -> judging.Verdict:
        return judging.judge(self.expected, self.candidates, text, digits)

    def answer(self) -> str:
        return f"{self.what} = {self.expected:.4g}".replace("-", "−")

    def ladder(self) -> list[str]:
        """The three rungs, in order: hint, the formula with numbers, the answer."""
        return [str(self.hint), formula_words("\n".join(self.worked)), self.answer()]


Recipe = Callable[[Situation, str, tuple[int, ...]], "Worked | None"]
# (phase, family) -> recipe; family is a layer key, "activation", "loss" or "update" (see family()).
RECIPES: dict[tuple[str, str], Recipe] = {}
# (phase, family) -> (tensor asked by default, whether to ask it at the time-step micro-steps only)
DEFAULTS: dict[tuple[str, str], str] = {}


def recipe(phase: str, family: str, default: str | None = None) -> Callable[[Recipe], Recipe]:
    def register(fn: Recipe) -> Recipe:
        RECIPES[(phase, family)] = fn
        if default is not None:
            DEFAULTS[(phase, family)] = default
        return fn
    return register


def family(sit: Situation) -> str:
    from nnviz.engine.formula_activation import KEYS

    if sit.event.phase in ("loss", "update", "batch"):
        return sit.event.phase
    if sit.layer_key in KEYS:
        return "activation"
    key = sit.layer_key or ""
    return f"{key}@t" if sit.event.t is not None else key


def default_tensor(sit: Situation) -> str | None:
    """The value asked at this micro-step when no lesson chooses: None where there is nothing to compute."""
    from nnviz.exercise import recipes  # noqa: F401  (registers the recipes)

    name = DEFAULTS.get((sit.event.phase, family(sit)))
    if name == "param":  # an update: its first parameter
        name = next((k[len("update_"):] for k in sit.tensors if k.startswith("update_")), None)
    if name == "delta" and "z" not in sit.tensors:  # no fused activation: δ is ∂L/∂a, ask the weights' gradient
        name = "grad_weight" if "grad_weight" in sit.tensors else None
    return name if name in sit.tensors else None


def ask(sit: Situation, tensor: str | None = None, index: tuple[int, ...] | None = None,
        node_name: str = "") -> Question | None:
    """The question about tensor[index] at this micro-step (the default value when tensor is None).
    Every tensor can be asked; those without a recipe are judged without a diagnosis."""
    from nnviz.exercise import recipes  # noqa: F401  (registers the recipes)

    tensor = tensor or default_tensor(sit)
    if tensor is None or tensor not in sit.tensors:
        return None
    values = np.asarray(sit.tensors[tensor], dtype=float)
    index = tuple(index) if index is not None else (0,) * values.ndim
    if len(index) != values.ndim or any(not 0 <= i < n for i, n in zip(index, values.shape)):
        raise IndexError(Message("{tensor} has shape {shape}; there is no entry {at}.", tensor=tensor,
                                 shape=tuple(values.shape), at=position(index)))
    fn = RECIPES.get((sit.event.phase, family(sit)))
    worked = fn(sit, tensor, index) if fn is not None else None
    if worked is None:
        worked = Worked(float(values[index]), [], Message("Follow the formula one line at a time: every "
                        "number it needs is in the tensors of this micro-step."), [], f"{tensor}[{position(index)}]")
    formula = sit.event.formula
    lines = formula.lines() if formula is not None else []
    return Question(sit.event.phase, sit.event.node, sit.event.t, tensor, index, worked.expected,
                    worked.candidates, worked.hint, worked.given, lines, worked.what, node_name)
