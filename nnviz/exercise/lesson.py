"""Lessons: the files of resources/lessons/ (the format is docs/lessons.md), read and checked on load.

A lesson is data, never code: a network (a shipped example or a .nnviz file beside the lessons),
settings to change, and stops. Each stop names a micro-step (training step, phase, node by its name,
time step) and holds a text to read and the values to ask there, written `tensor[i,j]` and counted
from 1 as the Formula panel counts. Every text is given in English and Chinese. Anything wrong in a
file is reported with the file, the place and what to write instead.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from nnviz.i18n import CHINESE, ENGLISH, Message, current_language
from nnviz.resources import resource_path

PHASES = ("batch", "forward", "loss", "backward", "update")
LANGUAGES = (ENGLISH, CHINESE)
_ASK = re.compile(r"^\s*([A-Za-z_][A-Za-z0-9_]*)\s*(?:\[\s*([0-9\s,]*)\])?\s*$")


class LessonError(ValueError):
    """A lesson file that cannot be used; the message names the file, the place and the fix."""


@dataclass(frozen=True)
class Text:
    en: str
    zh_CN: str

    def __str__(self) -> str:
        return self.zh_CN if current_language() == CHINESE else self.en


@dataclass(frozen=True)
class Ask:
    tensor: str
    index: tuple[int, ...] | None  # 0-based; None: the first entry


@dataclass(frozen=True)
class Stop:
    step: int
    phase: str
    node: str | None  # the node's name in the network, None for batch and loss
    t: int | None
    say: Text
    asks: tuple[Ask, ...]


@dataclass(frozen=True)
class Lesson:
    name: str  # the file's stem: `nnviz lesson NAME`
    title: Text
    intro: Text
    outro: Text
    network: Path
    settings: dict[str, Any]
    stops: tuple[Stop, ...]
    order: int = 0
    path: Path | None = field(default=None, compare=False)


def folder() -> Path:
    return resource_path("lessons")


def lessons(where: Path | None = None) -> list[Lesson]:
    """Every lesson in the folder, in their stated order."""
    found = [read(p) for p in sorted((where or folder()).glob("*.json"))]
    return sorted(found, key=lambda lesson: (lesson.order, lesson.name))


def find(name: str, where: Path | None = None) -> Lesson:
    path = (where or folder()) / f"{name}.json"
    if not path.is_file():
        names = ", ".join(lesson.name for lesson in lessons(where))
        raise LessonError(Message("There is no lesson called {name!r}. The lessons are: {names}.", name=name,
                                  names=names))
    return read(path)


def read(path: Path) -> Lesson:
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError) as exc:
        raise LessonError(Message("{file}: cannot be read ({reason}).", file=path.name, reason=exc)) from None
    except json.JSONDecodeError as exc:
        raise LessonError(Message("{file}: line {line}, column {column}: this is not valid JSON ({reason}).",
                                  file=path.name, line=exc.lineno, column=exc.colno, reason=exc.msg)) from None
    return parse(data, path)


def _fail(path: Path, where: str, what: Message | str) -> LessonError:
    return LessonError(Message("{file}: {where}: {what}", file=path.name, where=where, what=what))


def _text(path: Path, where: str, value: Any) -> Text:
    if not isinstance(value, dict) or not all(isinstance(value.get(lang), str) and value[lang].strip()
                                              for lang in LANGUAGES):
        raise _fail(path, where, Message('write the text in both languages: {{"en": "...", "zh_CN": "..."}}.'))
    return Text(value[ENGLISH], value[CHINESE])


def _ask(path: Path, where: str, value: Any) -> Ask:
    match = _ASK.match(value) if isinstance(value, str) else None
    if match is None:
        raise _fail(path, where, Message('write a value to ask as "tensor[i,j]", for example "delta[1,1]" '
                                         "(counted from 1), or only the tensor's name."))
    tensor, raw = match.groups()
    if raw is None:
        return Ask(tensor, None)
    numbers = [p.strip() for p in raw.split(",") if p.strip()]
    if not numbers or any(int(n) < 1 for n in numbers):
        raise _fail(path, where, Message("positions count from 1, as the Formula panel counts."))
    return Ask(tensor, tuple(int(n) - 1 for n in numbers))


def _network(path: Path, data: dict) -> Path:
    if ("example" in data) == ("network" in data):
        raise _fail(path, "network", Message('name exactly one network: "example": "<a shipped example>" or '
                                             '"network": "<a .nnviz file beside the lessons>".'))
    if "example" in data:
        file = resource_path("examples") / f"{data['example']}.nnviz"
    else:
        file = path.parent / str(data["network"])
    if not file.is_file():
        raise _fail(path, "network", Message("there is no network file {file}.", file=file.name))
    return file


def parse(data: Any, path: Path) -> Lesson:
    if not isinstance(data, dict):
        raise _fail(path, "top", Message("a lesson is one JSON object {{...}}."))
    unknown = set(data) - {"title", "intro", "outro", "example", "network", "settings", "stops", "order"}
    if unknown:
        raise _fail(path, "top", Message("unknown field(s) {fields}; see docs/lessons.md.",
                                         fields=", ".join(sorted(unknown))))
    settings = data.get("settings", {})
    if not isinstance(settings, dict):
        raise _fail(path, "settings", Message('write the settings as {{"name": value}}, e.g. {{"lr": 0.1}}.'))
    from nnviz.graph.settings import SettingsError, parse_setting

    checked = {}
    for key, value in settings.items():
        try:
            name, typed = parse_setting(f"{key}={str(value).lower() if isinstance(value, bool) else value}")
        except SettingsError as exc:
            raise _fail(path, f"settings.{key}", str(exc)) from None
        checked[name] = typed
    stops = data.get("stops")
    if not isinstance(stops, list) or not stops:
        raise _fail(path, "stops", Message("a lesson needs a list of stops, each with a step, a phase and "
                                           "what to say and ask."))
    order = data.get("order", 0)
    if not isinstance(order, int):
        raise _fail(path, "order", Message("order is a whole number (lessons are listed by it)."))
    return Lesson(path.stem, _text(path, "title", data.get("title")), _text(path, "intro", data.get("intro")),
                  _text(path, "outro", data.get("outro")), _network(path, data), checked,
                  tuple(_stop(path, i, s) for i, s in enumerate(stops, 1)), order, path)


def _stop(path: Path, number: int, stop: Any) -> Stop:
    where = f"stop {number}"
    if not isinstance(stop, dict):
        raise _fail(path, where, Message('a stop is an object such as {{"step": 1, "phase": "forward", "node": '
                                         '"hidden", "say": {{...}}, "ask": ["z[1,1]"]}}.'))
    unknown = set(stop) - {"step", "phase", "node", "t", "say", "ask"}
    if unknown:
        raise _fail(path, where, Message("unknown field(s) {fields}; see docs/lessons.md.",
                                         fields=", ".join(sorted(unknown))))
    step = stop.get("step", 1)
    if not isinstance(step, int) or step < 1:
        raise _fail(path, where, Message("step is the training step, counted from 1."))
    phase = stop.get("phase")
    if phase not in PHASES:
        raise _fail(path, where, Message("phase is one of {phases}.", phases=", ".join(PHASES)))
    node = stop.get("node")
    if phase in ("forward", "backward", "update") and not isinstance(node, str):
        raise _fail(path, where, Message("name the node (its name on the canvas) where this phase stops."))
    t = stop.get("t")
    if t is not None and (not isinstance(t, int) or t < 1):
        raise _fail(path, where, Message("t is a time step of a recurrent layer, counted from 1."))
    asks = stop.get("ask", [])
    if not isinstance(asks, list):
        raise _fail(path, where, Message('ask is a list such as ["delta[1,1]", "grad_weight[1,2]"].'))
    return Stop(step, phase, node if phase not in ("batch", "loss") else None, t,
                _text(path, f"{where}: say", stop.get("say")),
                tuple(_ask(path, f"{where}: ask {i}", a) for i, a in enumerate(asks, 1)))
