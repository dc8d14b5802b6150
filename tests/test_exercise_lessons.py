"""Issue 15: every shipped lesson passes a scripted learner typing the engine's own values, in the
terminal (`nnviz lesson NAME`) in English and Chinese; lesson files are validated with clear messages."""

from __future__ import annotations

import json

import pytest

from nnviz import cli
from nnviz.exercise.lesson import LessonError, find, lessons, read
from nnviz.exercise.runner import Player
from nnviz.i18n import set_language

SHIPPED = [lesson.name for lesson in lessons()]


def test_the_issues_lessons_ship():
    assert {"forward-2-2-1", "sigmoid-backprop", "hidden-delta", "softmax-cross-entropy", "momentum", "adam",
            "conv", "lstm-gates"} <= set(SHIPPED)


def engine_values(name: str) -> list[str]:
    """The values the engine computes at each of the lesson's questions, in order, as a learner types them."""
    return [f"{q.expected:.4g}" for _, _, qs in Player(find(name)).stops() for q in qs]


@pytest.mark.parametrize("language", ["en", "zh_CN"])
@pytest.mark.parametrize("name", SHIPPED)
def test_a_learner_typing_the_engines_values_passes_every_question(capsys, monkeypatch, name, language):
    answers = engine_values(name)
    assert answers, name
    typed = iter(answers)
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    try:
        assert cli.main(["--lang", language, "lesson", name]) == 0
    finally:
        set_language("en")
    out = capsys.readouterr().out
    n = len(answers)
    if language == "en":
        assert f"Score: {n} of {n} right at the first try." in out and "To practise again" not in out
    else:
        assert f"得分：{n} 题中首次答对 {n} 题。" in out
        assert "Score" not in out and "What is" not in out
    assert next(typed, None) is None  # every answer was asked for


def test_wrong_answer_then_ladder_then_score_names_what_was_missed(capsys, monkeypatch):
    # sigmoid-backprop's first question is z = 0.4: a wrong number, the hint, the formula, the answer
    rest = engine_values("sigmoid-backprop")[1:]
    typed = iter(["0.5987", "h", "f", "a", *rest])
    monkeypatch.setattr("builtins.input", lambda prompt="": next(typed))
    assert cli.main(["lesson", "sigmoid-backprop"]) == 0
    out = capsys.readouterr().out
    assert "a instead of z" in out  # 0.5987 is a, asked for z
    assert "weighted sum" in out and "z₁ = 0.5×0.9 + (−0.5)×0.1 + 0 = 0.4" in out and "z₁ = 0.4" in out
    total = len(rest) + 1
    assert f"Score: {total - 1} of {total} right at the first try." in out
    assert "To practise again:" in out and "What is z₁ · 'neuron'?" in out


def test_the_list_and_an_unknown_name(capsys):
    assert cli.main(["lesson"]) == 0
    out = capsys.readouterr().out
    assert "sigmoid-backprop" in out and "nnviz lesson NAME" in out
    assert cli.main(["lesson", "nope"]) == 1
    assert "no lesson called 'nope'" in capsys.readouterr().err


def _lesson(tmp_path, **changes):
    data = json.loads(find("sigmoid-backprop").path.read_text(encoding="utf-8"))
    data.update(changes)
    path = tmp_path / "mine.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    return path


@pytest.mark.parametrize("changes, words", [
    ({"title": {"en": "only English"}}, "mine.json: title: write the text in both languages"),
    ({"stops": [{"step": 1, "phase": "sideways", "say": {"en": "a", "zh_CN": "b"}}]}, "stop 1: phase is one of"),
    ({"stops": [{"step": 1, "phase": "loss", "say": {"en": "a", "zh_CN": "b"}, "ask": ["loss[0]"]}]},
     "positions count from 1"),
    ({"settings": {"lr": "fast"}}, "settings.lr"),
    ({"colour": "red"}, "unknown field(s) colour"),
])
def test_lesson_files_are_checked_with_messages_that_say_what_to_write(tmp_path, changes, words):
    with pytest.raises(LessonError, match=None) as info:
        read(_lesson(tmp_path, **changes))
    assert words in str(info.value)


def test_a_stop_at_a_missing_node_or_tensor_is_named(tmp_path):
    lesson = read(_lesson(tmp_path, stops=[{"step": 1, "phase": "forward", "node": "ghost",
                                            "say": {"en": "a", "zh_CN": "b"}}]))
    with pytest.raises(LessonError, match="no node 'ghost'"):
        Player(lesson)
    lesson = read(_lesson(tmp_path, stops=[{"step": 1, "phase": "forward", "node": "neuron",
                                            "say": {"en": "a", "zh_CN": "b"}, "ask": ["grad_weight[1,1]"]}]))
    with pytest.raises(LessonError, match="no tensor 'grad_weight'"):
        list(Player(lesson).stops())


def test_a_bad_json_file_names_the_line(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text('{"title": {"en": "x",\n "zh_CN": }', encoding="utf-8")
    with pytest.raises(LessonError, match=r"broken.json: line 2, column"):
        read(path)
