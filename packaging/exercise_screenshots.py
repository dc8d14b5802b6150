"""The exercise screenshots of docs/screenshots/: a question, a diagnosis and a lesson's end, 1280x800,
in English and Chinese, taken from the real window playing the sigmoid-backprop lesson (offscreen).

    QT_QPA_PLATFORM=offscreen python packaging/exercise_screenshots.py [OUT_DIR]   # default docs/screenshots

The pictures are reduced to 64 colours (ImageMagick's convert, when present) to stay small.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings
from PySide6.QtWidgets import QApplication

ROOT = Path(__file__).resolve().parents[1]


def take(app: QApplication, language: str, out: Path) -> list[Path]:
    from nnviz.exercise.lesson import find
    from nnviz.ui.shell.main_window import MainWindow
    from nnviz.ui.widgets.i18n import install_translators

    install_translators(app, language)
    scratch = Path(tempfile.mkdtemp())
    settings = QSettings(str(scratch / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=scratch / "recovery")
    window.resize(1280, 800)
    window.show()
    mode, taken = window.exercise, []

    def settle() -> None:
        for _ in range(30):
            app.processEvents()

    def shot(name: str) -> None:
        settle()
        path = out / f"exercise-{name}-{language}.png"
        window.grab().save(str(path))
        taken.append(path)

    def answer_right() -> None:
        mode.panel.answer.setText(f"{mode.question.expected:.4g}")
        mode.panel.check()
        settle()

    mode.lessons.start(find("sigmoid-backprop"))
    settle()
    while mode.held is None or mode.question.tensor != "delta":  # walk to the backward stop's δ
        mode.panel.next_button.click() if mode.held is None else answer_right()
        settle()
    shot("question")
    guide = next(v for keys, v in mode.question.candidates if keys == ("error_sign", "mse_factor_2", "sigma_twice"))
    mode.panel.answer.setText(f"{guide:.4g}")  # the guide's own code: (t − a)·σ(a)(1 − σ(a))
    mode.panel.check()
    shot("diagnosis")
    while mode.lesson is not None:
        mode.panel.next_button.click() if mode.held is None else answer_right()
        settle()
    shot("end")
    window.undo_stack.setClean()
    window.close()
    return taken


def main() -> int:
    out = Path(sys.argv[1]) if len(sys.argv) > 1 else ROOT / "docs" / "screenshots"
    out.mkdir(parents=True, exist_ok=True)
    app = QApplication.instance() or QApplication([])
    for language in ("en", "zh_CN"):
        for path in take(app, language, out):
            if shutil.which("convert"):
                subprocess.run(["convert", str(path), "+dither", "-colors", "64", "-define",
                                "png:compression-level=9", f"PNG8:{path}"], check=True)
            print(path)
    return 0


if __name__ == "__main__":
    sys.exit(main())
