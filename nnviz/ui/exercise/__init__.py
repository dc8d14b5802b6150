"""Exercise mode and lessons in the window (the checking itself is Qt-free: nnviz/exercise).

    panel.py     the question beside the Formula panel: the formula's inputs, the answer box, the verdict
                 with its diagnosis, and the ladder (hint, formula with numbers, answer)
    mode.py      Train ▸ Exercise mode: F10 asks about the micro-step before it is shown; lessons use it too
    lessons.py   Help ▸ Lessons: the list with each lesson's progress (QSettings) and a lesson played in
                 the window, ending with its score and what was missed

install_exercise(window) is called by the main window, which keeps what it returns.
"""

from nnviz.ui.exercise.mode import ExerciseMode, install_exercise

__all__ = ["ExerciseMode", "install_exercise"]
