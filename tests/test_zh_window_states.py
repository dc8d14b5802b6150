"""The Chinese window in the states the newer features bring on screen shows no English.

packaging/check_tr.py's runtime scan (tests/test_ship_i18n_runtime.py scans the window opened and stepped)
here reads the window with: the Exercise panel asking a question after a wrong answer, its hint and its
formula with numbers; the Attention panel open on transformer-sentiment at the attention layer; the
Generate text dialog with a text written; a lesson's end with its score; Help ▸ Lessons' list.
"""

from __future__ import annotations

import re

import pytest
from PySide6.QtWidgets import QLabel

from tests.test_ship_i18n_runtime import EXAMPLES, _report, load_check_tr

pytestmark = pytest.mark.gui


@pytest.fixture(scope="module")
def check_tr():
    return load_check_tr()


@pytest.fixture(autouse=True)
def english_afterwards(qapp):
    yield
    from nnviz.i18n import set_language
    from nnviz.ui.widgets.i18n import ENGLISH, install_translators

    install_translators(qapp, ENGLISH)
    set_language(ENGLISH)


def _step_until(window, done, most: int = 80) -> None:
    for _ in range(most):
        if done():
            return
        window.training.step()
    assert done(), "the state was never reached"


def exercise_asking(window) -> None:
    mode = window.exercise
    mode.action.setChecked(True)
    _step_until(window, lambda: mode.held is not None)
    panel = mode.panel
    panel.answer.setText("123456")  # wrong: the verdict says so (and why, when it can tell)
    panel.check()
    panel.climb(0)  # the hint
    panel.climb(1)  # the formula with the numbers
    assert mode.held is not None and panel.answer.isVisibleTo(window)
    shown[exercise_asking] = panel.verdict.text() + panel.ladder_text.text()


def attention_open(window) -> None:
    from nnviz.ui.training.attention_view import is_attention

    session = window.training.session
    _step_until(window, lambda: (e := window.training.current) is not None and e.event.phase == "forward"
                and e.event.node is not None and is_attention(session.layers[e.event.node]))
    window.training_panels.redraw_all()


def generate_text(window) -> set[str]:
    dialog = window.training_panels.sample.open()
    result = dialog.run()
    assert result is not None and dialog.isVisible()
    shown[generate_text] = dialog.note.text()
    # the learner's own data: the prompt and the tokens the model wrote
    return set(re.findall(r"[A-Za-z]+", " ".join([*result.prompt_tokens, *result.new_tokens])))


def lesson_end(window) -> None:
    from nnviz.ui.exercise.lessons import LessonsDialog

    mode = window.exercise
    lesson = next(item for item in LessonsDialog(window.settings).lessons if item.name == "sigmoid-backprop")
    run = mode.lessons.start(lesson)
    assert run is not None
    for _ in range(200):
        if mode.lesson is not run:
            break
        if mode.question is None or mode.held is None:
            mode.panel.next_button.click()
        else:
            mode.panel.answer.setText(f"{mode.question.expected:.4g}")
            mode.panel.check()
    assert mode.lesson is None
    shown[lesson_end] = mode.panel.prompt.text()
    LessonsDialog(window.settings, window).show()  # Help ▸ Lessons: the list with this lesson's score


def file_dialog_open(window) -> None:
    """File ▸ Open's dialog as Qt draws it where no desktop dialog exists (Qt's own catalogue lacks two of its
    labels: nnviz's supplies them), with nnviz's file-type filter."""
    from PySide6.QtWidgets import QFileDialog

    dialog = QFileDialog(window, window.files.tr("Open network"), "", window.files.filter())
    dialog.setOption(QFileDialog.Option.DontUseNativeDialog)
    dialog.show()
    shown[file_dialog_open] = " ".join(label.text() for label in dialog.findChildren(QLabel))


shown: dict = {}  # what each state showed, to check it was really on screen (and in Chinese)

CASES = [
    ("seed-single-neuron.nnviz", 0, exercise_asking, "提示"),
    ("transformer-sentiment.nnviz", 0, attention_open, None),
    ("causal-characters.nnviz", 0, generate_text, "没有训练"),
    ("seed-single-neuron.nnviz", 0, lesson_end, "得分"),
    ("xor.nnviz", 0, file_dialog_open, "查找范围"),
]


@pytest.mark.parametrize(("example", "steps", "prepare", "says"), CASES, ids=[c[2].__name__ for c in CASES])
def test_the_state_in_chinese_has_no_english(check_tr, example, steps, prepare, says) -> None:
    left = check_tr.english_in_chinese_ui(file=EXAMPLES / example, steps=steps, prepare=prepare)
    assert not left, _report(left)
    if says is not None:
        assert says in shown[prepare], shown[prepare]


def test_the_attention_panel_was_on_screen(check_tr) -> None:
    """The scan reads what is visible: the attention state must show the attention view itself."""
    seen = {}

    def look(window) -> None:
        from nnviz.ui.training.attention_view import AttentionView

        attention_open(window)
        views = window.findChildren(AttentionView)
        seen["visible"] = any(v.isVisibleTo(window) for v in views)

    check_tr.english_in_chinese_ui(file=EXAMPLES / "transformer-sentiment.nnviz", prepare=look)
    assert seen["visible"]
