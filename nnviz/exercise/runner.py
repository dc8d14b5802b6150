"""A lesson played on a session: the session steps to each stop, the stop's questions are built there,
and the answers are scored. The terminal (`nnviz lesson`) and the window both play lessons through this."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from nnviz.engine.microstep import MicroStep
from nnviz.exercise.lesson import Lesson, LessonError, Stop
from nnviz.exercise.question import Key, Question, ask, situation
from nnviz.i18n import Message

MAX_MICRO_STEPS = 100_000  # a stop that is never reached ends the lesson with a message, not a hang


def session_for(lesson: Lesson):
    from nnviz.engine.session import Session, document_dataset
    from nnviz.io import load

    doc = load(lesson.network)
    settings = doc.training.with_(**lesson.settings)
    return Session(doc, document_dataset(doc), settings=settings)


@dataclass
class Score:
    asked: int = 0
    right: int = 0  # right at the first try, without the ladder
    missed: list[str] = field(default_factory=list)  # what each missed question asked

    def record(self, question: Question, first_try_right: bool) -> None:
        self.asked += 1
        if first_try_right:
            self.right += 1
        else:
            self.missed.append(question.prompt())

    def lines(self) -> list[str]:
        out = [str(Message("Score: {right} of {asked} right at the first try.", right=self.right, asked=self.asked))]
        if self.missed:
            out.append(str(Message("To practise again:")))
            out += [f"  • {m}" for m in self.missed]
        return out


class Player:
    """Steps the lesson's session from stop to stop; stops() yields each stop with its questions."""

    def __init__(self, lesson: Lesson, session=None) -> None:
        self.lesson = lesson
        self.session = session if session is not None else session_for(lesson)
        self.score = Score()
        names = {name: nid for nid, name in self.session.net.names.items()}
        for number, stop in enumerate(lesson.stops, 1):
            if stop.node is not None and stop.node not in names:
                raise LessonError(Message("{file}: stop {n}: this network has no node {node!r} (it has {names}).",
                                          file=lesson.name, n=number, node=stop.node, names=", ".join(names)))
        self._ids = names

    def reached(self, stop: Stop, event: MicroStep) -> bool:
        """Whether this micro-step is where the stop stops."""
        return (event.step == stop.step and event.phase == stop.phase and event.t == stop.t
                and (stop.node is None or event.node == self._ids[stop.node]))

    def questions(self, number: int, event: MicroStep, earlier: dict[Key, MicroStep]) -> list[Question]:
        """The questions of stop `number` (from 1) at its micro-step, which the session has just made."""
        stop = self.lesson.stops[number - 1]
        sit = situation(self.session, event, earlier)
        name = self.session.net.names.get(event.node, "") if event.node else ""
        out = []
        for item in stop.asks:
            try:
                question = ask(sit, item.tensor, item.index, name)
            except IndexError as exc:
                raise LessonError(Message("{file}: stop {n}: {reason}", file=self.lesson.name, n=number,
                                          reason=exc.args[0])) from None
            if question is None:
                raise LessonError(Message("{file}: stop {n}: this micro-step has no tensor {tensor!r} (it has "
                                          "{names}).", file=self.lesson.name, n=number, tensor=item.tensor,
                                          names=", ".join(event.tensors)))
            out.append(question)
        return out

    def stops(self) -> Iterator[tuple[Stop, MicroStep, list[Question]]]:
        """Steps the session to each stop in turn (the terminal's way; the window steps it itself)."""
        earlier: dict[Key, MicroStep] = {}
        for number, stop in enumerate(self.lesson.stops, 1):
            for _ in range(MAX_MICRO_STEPS):
                event = self.session.step()
                if event.phase == "batch":
                    earlier = {}
                if self.reached(stop, event):
                    break
                earlier[(event.phase, event.node, event.t)] = event
            else:
                raise LessonError(Message("{file}: stop {n} is never reached: check its step, phase, node and t.",
                                          file=self.lesson.name, n=number))
            questions = self.questions(number, event, earlier)
            earlier[(event.phase, event.node, event.t)] = event
            yield stop, event, questions
