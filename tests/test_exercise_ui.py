"""Issue 15 in the window, in English and Chinese: exercise mode off by default; on, F10 asks instead of
revealing; a right answer reveals; a wrong one shows the diagnosis; the ladder; Help ▸ Lessons with its
progress surviving a restart (QSettings at a temporary path)."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt

from nnviz.i18n import set_language
from nnviz.io import load
from nnviz.ui.exercise.lessons import LessonsDialog, progress
from nnviz.ui.shell.main_window import MainWindow

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"
WORDS = {  # what each language shows: (right, the σ-twice diagnosis, a word of the hint, the ladder's answer)
    "en": ("Right.", "f'(a) instead of f'(z)", "weighted sum", "The answer:"),
    "zh_CN": ("正确。", "用了 f'(a) 而不是 f'(z)", "加权和", "答案："),
}


@pytest.fixture(params=["en", "zh_CN"])
def language(request, qapp):
    from nnviz.ui.widgets.i18n import ENGLISH, install_translators

    install_translators(qapp, request.param)
    yield request.param
    install_translators(qapp, ENGLISH)
    set_language("en")


def make_window(qtbot, tmp_path, doc=None) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    win = MainWindow(doc or load(EXAMPLES / "seed-single-neuron.nnviz"), settings=settings,
                     recovery_dir=tmp_path / "recovery")
    win.resize(1280, 800)
    win.show()
    qtbot.waitExposed(win)
    return win


@pytest.fixture
def window(qtbot, tmp_path, language):
    win = make_window(qtbot, tmp_path)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def f10(qtbot, window, times: int = 1) -> None:
    for _ in range(times):
        qtbot.keyClick(window.canvas, Qt.Key.Key_F10)


def test_off_by_default_f10_reveals_at_once(window, qtbot):
    mode = window.exercise
    assert not mode.action.isChecked() and not mode.dock.isVisible()
    f10(qtbot, window, 3)  # batch, input, neuron forward: shown straight away
    assert window.training.current.event.phase == "forward" and mode.held is None


def test_f10_asks_instead_of_revealing_and_a_right_answer_reveals(window, qtbot, language):
    mode, panel = window.exercise, window.exercise.panel
    mode.action.setChecked(True)
    f10(qtbot, window, 2)  # the batch and the input node have nothing to compute: shown
    assert window.training.current.event.node == "n1"
    f10(qtbot, window)  # the neuron's forward: asked, not shown
    assert mode.held is not None and mode.held.node == "n2"
    assert window.training.current.event.node == "n1"  # the panels still show the micro-step before
    assert panel.answer.isVisible() and "x = [0.9, 0.1]" in panel.given.text()
    f10(qtbot, window)  # F10 again does not run past the open question
    assert mode.held is not None and window.training.session.micro == 3
    qtbot.keyClicks(panel.answer, "0.599")
    qtbot.keyClick(panel.answer, Qt.Key.Key_Return)
    assert WORDS[language][0] in panel.verdict.text()
    assert mode.held is None and window.training.current.event.node == "n2"  # revealed
    assert window.training_panels.actions.step.isEnabled()


def test_a_wrong_answer_gets_its_diagnosis_then_the_ladder(window, qtbot, language):
    mode, panel = window.exercise, window.exercise.panel
    window.training.step_batch()  # step 1 done: the next step's backward is asked below
    mode.action.setChecked(True)
    f10(qtbot, window, 4)  # batch, input, forward, loss ...
    while mode.held is None or mode.held.phase != "backward":
        if mode.held is not None:
            panel.climb(2)
        f10(qtbot, window)
    q = mode.question
    assert q.tensor == "delta"
    twice = next(v for keys, v in q.candidates if keys == ("sigma_twice",))
    panel.answer.setText(f"{twice:.4g}")
    panel.check()
    text = panel.verdict.text()
    assert WORDS[language][1] in text and mode.held is not None  # diagnosed, still asking
    if language == "zh_CN":
        assert "Not quite" not in text
    panel.climb(0)
    assert panel.ladder_text.text() == str(q.hint)
    panel.climb(1)
    assert "δ₁ = " in panel.ladder_text.text()
    panel.climb(2)
    assert WORDS[language][3] in panel.verdict.text() and mode.held is None  # the answer reveals
    assert window.training.current.event.phase == "backward"


def play(window, qtbot, name: str, wrong_first: bool = False) -> None:
    menu = window.exercise.lessons
    lesson = next(lesson for lesson in LessonsDialog(window.settings).lessons if lesson.name == name)
    run = menu.start(lesson)
    assert run is not None and window.exercise.dock.isVisible()
    panel = window.exercise.panel
    first = True
    while window.exercise.lesson is run:
        if window.exercise.question is None or window.exercise.held is None:
            panel.next_button.click()
            continue
        q = window.exercise.question
        panel.answer.setText("123456" if wrong_first and first else f"{q.expected:.4g}")
        panel.check()
        if wrong_first and first:
            first = False
            panel.answer.setText(f"{q.expected:.4g}")
            panel.check()


def test_a_lesson_in_the_window_ends_with_its_score_and_its_progress_survives_a_restart(qtbot, tmp_path,
                                                                                        language):
    win = make_window(qtbot, tmp_path)
    play(win, qtbot, "sigmoid-backprop", wrong_first=True)
    end = win.exercise.panel.prompt.text()
    lesson = next(item for item in LessonsDialog(win.settings).lessons if item.name == "sigmoid-backprop")
    asked = sum(len(stop.asks) for stop in lesson.stops)
    right = asked - 1  # the first answer was wrong
    expected = (f"Score: {right} of {asked} right at the first try." if language == "en"
                else f"得分：{asked} 题中首次答对 {right} 题。")
    assert expected in end and ("To practise again" in end or "需要再练习的" in end)
    assert progress(win.settings, "sigmoid-backprop") == (right, asked)
    win.settings.sync()
    win.undo_stack.setClean()
    win.close()
    # a restart: a new window reading the same settings file
    again = make_window(qtbot, tmp_path)
    dialog = LessonsDialog(again.settings, again)
    lines = [dialog.list.item(i).text() for i in range(dialog.list.count())]
    line = next(text for text in lines if "sigmoid" in text)
    shown = f"{right} of {asked}" if language == "en" else f"{asked} 题中首次答对 {right} 题"
    assert "◐" in line and shown in line
    assert all("○" in text for text in lines if text != line)
    again.undo_stack.setClean()
    again.close()


def test_help_menu_has_lessons_and_train_menu_the_mode(window):
    assert window.exercise.lessons.action in window.menu("&Help").actions()
    assert window.exercise.action in window.menu("&Train").actions()


def test_a_wrong_answers_diagnosis_is_scrolled_into_sight(window, qtbot):
    """At 1280x800 the bottom row is short: a long diagnosis (three mistakes at once, under the lesson's
    words and the question's inputs) used to land below the fold, out of sight."""
    mode, panel = window.exercise, window.exercise.panel
    mode.lessons.start(next(item for item in LessonsDialog(window.settings).lessons if item.name == "sigmoid-backprop"))
    for _ in range(50):
        if mode.question is not None and mode.question.tensor == "delta":
            break
        if mode.held is None or mode.question is None:
            panel.next_button.click()
        else:
            panel.answer.setText(f"{mode.question.expected:.4g}")
            panel.check()
    guide = next(v for keys, v in mode.question.candidates if keys == ("error_sign", "mse_factor_2", "sigma_twice"))
    panel.answer.setText(f"{guide:.4g}")
    panel.check()
    qtbot.wait(50)  # laid out as the learner sees it
    area = mode.dock.widget()
    top = panel.verdict.mapTo(area.viewport(), panel.verdict.rect().topLeft()).y()
    bottom = top + panel.verdict.height()
    assert panel.verdict.text().count("– ") == 3 and mode.held is not None
    assert top >= 0 and bottom <= area.viewport().height()


def test_a_lessons_end_shows_its_score_in_front(qtbot, tmp_path, language):
    """The last answer reveals its micro-step, which brings the Formula panel forward: the score, in the
    same tab group, used to end up behind it."""
    from nnviz.ui.shell.dock_layout import in_front

    win = make_window(qtbot, tmp_path)
    play(win, qtbot, "sigmoid-backprop")
    assert in_front(win.exercise.dock) and "9" in win.exercise.panel.prompt.text()
    win.discard_unsaved_work()
    win.close()
    assert not win.isVisible()


def test_the_exercise_screenshots_script_ends_and_closes_its_windows(qtbot, tmp_path, qapp):
    """packaging/exercise_screenshots.py used to hang offscreen at its end: closing the window after the
    lesson asked whether to save the trained weights, a dialog nobody could answer."""
    import runpy

    from nnviz.ui.widgets.i18n import ENGLISH, install_translators

    script = runpy.run_path(str(Path(__file__).resolve().parents[1] / "packaging" / "exercise_screenshots.py"))
    try:
        assert script["main"]([str(tmp_path), "--lang", "en"]) == 0
    finally:
        install_translators(qapp, ENGLISH)
    assert sorted(p.name for p in tmp_path.glob("*.png")) == [  # 0: no dialog opened, the window closed
        "exercise-diagnosis-en.png", "exercise-end-en.png", "exercise-question-en.png"]
