"""The exercise screenshots of docs/screenshots/: a question, a diagnosis and a lesson's end, 1280x800,
in English and Chinese, taken from the real window playing the sigmoid-backprop lesson (offscreen).

    QT_QPA_PLATFORM=offscreen python packaging/exercise_screenshots.py [OUT_DIR] [--size 1920x1080]

OUT_DIR defaults to docs/screenshots. The pictures are reduced to 64 colours (ImageMagick's convert, when
present) to stay small. The script never waits for ever: a dialog that opens is refused and named, a walk
that does not reach its state within a bounded number of actions stops with what it saw, and a run that
takes longer than DEADLINE seconds in all prints where it was and exits 1.
"""

from __future__ import annotations

import argparse
import faulthandler
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QDeadlineTimer, QEventLoop, QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]
LESSON = "sigmoid-backprop"
MAX_ACTIONS = 200  # clicks and answers to walk the lesson (it takes about 20)
DEADLINE = 600  # seconds for the whole run (it takes about a minute); beyond it something blocks inside Qt


class Stuck(RuntimeError):
    """The window did not reach the state a picture shows: the script stops instead of waiting."""


def take(app: QApplication, language: str, out: Path, size: tuple[int, int], guard) -> list[Path]:
    from nnviz.exercise.lesson import find
    from nnviz.ui.shell.main_window import MainWindow
    from nnviz.ui.widgets.i18n import install_translators

    app._exercise_translators = install_translators(app, language)  # alive as long as the app
    scratch = Path(tempfile.mkdtemp(prefix="nnviz-exercise-shots-"))  # the default layout, no saved state
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=scratch / "recovery")
    window.resize(*size)
    window.show()
    mode, taken = window.exercise, []

    def settle() -> None:
        for _ in range(5):  # deferred layout (dock tab bars, splitters, wrapped labels) before a grab
            app.processEvents(QEventLoop.ProcessEventsFlag.AllEvents, QDeadlineTimer(20))
        if guard.refused:
            raise Stuck(f"{language}: a dialog opened (refused): {guard.refused[-1]}")

    def state() -> str:
        question = mode.question
        return (f"lesson={'on' if mode.lesson is not None else 'none'}, held={mode.held}, "
                f"question={question.tensor if question is not None else None}, "
                f"micro={getattr(window.training.session, 'micro', None)}")

    def walk(done: Callable[[], bool], what: str) -> None:
        """Go on through the lesson (Go to the next stop, or the right answer) until `done`."""
        for _ in range(MAX_ACTIONS):
            if done():
                return
            if mode.lesson is None:
                raise Stuck(f"{language}: the lesson ended before {what} ({state()})")
            if mode.held is None or mode.question is None:
                mode.panel.next_button.click()
            else:
                mode.panel.answer.setText(f"{mode.question.expected:.4g}")
                mode.panel.check()
            settle()
        raise Stuck(f"{language}: {what} not reached after {MAX_ACTIONS} actions ({state()})")

    def shot(name: str) -> None:
        settle()
        path = out / f"exercise-{name}-{language}.png"
        if not window.grab().save(str(path)):
            raise Stuck(f"could not write {path}")
        taken.append(path)

    try:
        settle()
        if mode.lessons.start(find(LESSON)) is None:
            raise Stuck(f"{language}: the lesson {LESSON} did not start ({state()})")
        settle()
        walk(lambda: mode.held is not None and mode.question is not None and mode.question.tensor == "delta",
             "the backward stop's δ")
        shot("question")
        guide = next((v for keys, v in mode.question.candidates
                      if keys == ("error_sign", "mse_factor_2", "sigma_twice")), None)
        if guide is None:
            raise Stuck(f"{language}: the δ question has no candidate for the guide's code")
        mode.panel.answer.setText(f"{guide:.4g}")  # the guide's own code: (t − a)·σ(a)(1 − σ(a))
        mode.panel.check()
        shot("diagnosis")
        walk(lambda: mode.lesson is None, "the lesson's end")
        shot("end")
    finally:
        window.discard_unsaved_work()  # the lesson trained: closing would ask to save its weights
        window.close()
        settle()
    if window.isVisible():
        raise Stuck(f"{language}: the window did not close")
    shutil.rmtree(scratch, ignore_errors=True)
    return taken


def shrink(path: Path) -> None:
    """64 colours, no dithering: the text stays crisp and the file a fraction of its size."""
    convert = shutil.which("convert")
    if convert:
        subprocess.run([convert, str(path), "-strip", "+dither", "-colors", "64", "-define",  # -strip: no dates,
                        "png:compression-level=9", f"PNG8:{path}"], check=True, timeout=120)  # same shot, same bytes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("out", nargs="?", type=Path, default=ROOT / "docs" / "screenshots")
    parser.add_argument("--size", default="1280x800", help="window size, WIDTHxHEIGHT")
    parser.add_argument("--lang", nargs="+", default=["en", "zh_CN"])
    args = parser.parse_args(argv)
    size = tuple(int(part) for part in args.size.lower().split("x"))
    faulthandler.dump_traceback_later(DEADLINE, exit=True)  # the last guard: where it blocked, then exit 1
    from nnviz.ui.shell.launch import HeadlessDialogs

    args.out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    guard = HeadlessDialogs(app)  # a dialog nobody can answer is refused at once, its text on stderr
    try:
        for language in args.lang:
            for path in take(app, language, args.out, size, guard):
                shrink(path)
                print(path)
    except Stuck as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    finally:
        faulthandler.cancel_dump_traceback_later()
    return 0


if __name__ == "__main__":
    sys.exit(main())
