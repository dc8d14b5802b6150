"""`nnviz lesson [NAME]`: the lessons in a terminal, the same questions judged as in the window.

At a question, type the number; or h for a hint, f for the formula with numbers, a for the answer
(each counts the question as missed), q to stop.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable

from nnviz.exercise.lesson import LessonError, find, lessons
from nnviz.exercise.question import Question
from nnviz.exercise.runner import Player
from nnviz.i18n import mark, translate

PHASES = {"batch": mark("batch"), "forward": mark("forward"), "loss": mark("loss"), "backward": mark("backward"),
          "update": mark("update")}


def register(sub: argparse._SubParsersAction) -> None:
    p = sub.add_parser("lesson", help=translate("take a lesson: nnviz asks for values at chosen micro-steps and "
                                                 "judges your numbers (without NAME: the list)"))
    p.add_argument("name", nargs="?", help=translate("the lesson's name, from the list"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace, read: Callable[[str], str] | None = None) -> int:
    read = read or (lambda prompt: input(prompt))  # looked up when called: tests and scripts may replace it
    try:
        if not args.name:
            for lesson in lessons():
                print(f"{lesson.name:<22} {lesson.title}")
            print(translate("Take one with: nnviz lesson NAME"))
            return 0
        lesson = find(args.name)
        player = Player(lesson)
        print(f"# {lesson.title}\n\n{lesson.intro}\n")
        for stop, event, questions in player.stops():
            where = translate("step {step}, {phase}", step=event.step, phase=translate(PHASES[event.phase]))
            print(f"--- {where}"
                  f"{' · ' + player.session.net.names[event.node] if event.node else ''}"
                  f"{' · t = ' + str(event.t) if event.t else ''}")
            print(f"{stop.say}\n")
            for question in questions:
                if not _ask(question, player, read):
                    print(translate("Stopped."))
                    print("\n".join(player.score.lines()))
                    return 0
        print(f"\n{lesson.outro}\n")
        print("\n".join(player.score.lines()))
        return 0
    except LessonError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1


def _ask(question: Question, player: Player, read: Callable[[str], str]) -> bool:
    """One question until it is right or answered; False when the learner quits."""
    for line in question.given:
        print(f"  {line}")
    print(question.prompt())
    first, rung = True, 0
    while True:
        try:
            text = read(translate("your answer (h hint, f formula, a answer, q quit): ")).strip()
        except EOFError:
            return False
        if text.lower() in ("q", "quit"):
            return False
        if text.lower() in ("h", "f", "a"):
            first = False
            rung = max(rung, "hfa".index(text.lower()))
            for step in question.ladder()[:rung + 1][-1:]:
                print(step)
            if rung == 2:
                player.score.record(question, False)
                return True
            continue
        verdict = question.check(text)
        print("\n".join(verdict.lines()))
        if verdict.correct:
            player.score.record(question, first)
            print(question.answer())
            return True
        if verdict.value is not None:
            first = False
