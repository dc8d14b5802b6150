"""What the launcher says before the window opens reads in the learner's language (--lang, else the locale).

Qt's translator is not installed yet (Qt may not even load), so these lines come from the core's catalogue;
the apt-get command stays exactly as the terminal needs it.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz import i18n
from nnviz.ui.shell.qt_platform import check_platform
from tests.test_zh_error_paths import english_words

PLUGIN = Path("/fake/PySide6/Qt/plugins/platforms/libqxcb.so")
ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture
def chinese():
    previous = i18n.current_language()
    i18n.set_language("zh_CN")
    yield
    i18n.set_language(previous)


def _check(env: dict[str, str], error: str | None, ldd: list[str]):
    return check_platform(env, platform="linux", plugin=PLUGIN, load_error=lambda _: error,
                          missing_by_ldd=lambda _: ldd)


def _english_left(message: str) -> list[str]:
    return [w for line in message.splitlines() if not line.startswith("    ")  # the command to type
            for w in english_words(line, {"Debian", "Ubuntu", "DISPLAY", "libxcb"})]


@pytest.mark.parametrize("ldd", [["libxcb-icccm.so.4"], ["libxcb-icccm.so.4", "libxcb-keysyms.so.1"]])
def test_missing_libraries_in_chinese_with_the_command_unchanged(chinese, ldd) -> None:
    problem = _check({"DISPLAY": ":0"}, "libxcb-icccm.so.4: cannot open shared object file", ldd)
    assert problem is not None
    lines = problem.message.splitlines()
    assert lines[0].startswith("nnviz 无法打开窗口") and "没有安装" in lines[0]
    assert "    sudo apt-get install " + " ".join(problem.packages) in lines
    assert not _english_left(problem.message), problem.message


def test_no_display_in_chinese(chinese) -> None:
    problem = _check({}, None, [])
    assert problem is not None and "需要图形显示" in problem.message
    assert "    nnviz --screenshot window.png" in problem.message.splitlines()
    assert not _english_left(problem.message), problem.message


def test_the_same_messages_stay_english_in_english() -> None:
    problem = _check({"DISPLAY": ":0"}, "libxcb-icccm.so.4: x", ["libxcb-icccm.so.4"])
    assert problem is not None and problem.message.startswith("nnviz cannot open a window")
    assert _english_left(problem.message)  # the scan sees English: it is not blind


def test_the_app_without_a_display_says_so_in_the_locales_language(tmp_path) -> None:
    """As a learner meets it: `nnviz` in a terminal with no display, LANG=zh_CN.UTF-8."""
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM",
                                                           "LANGUAGE", "LC_ALL", "LC_MESSAGES")}
    env |= {"LANG": "zh_CN.UTF-8", "PYTHONPATH": str(ROOT)}
    done = subprocess.run([sys.executable, "-m", "nnviz"], capture_output=True, text=True, env=env, cwd=tmp_path,
                          timeout=60)
    assert done.returncode == 1
    assert "需要图形显示" in done.stderr and not _english_left(done.stderr), done.stderr
    english = subprocess.run([sys.executable, "-m", "nnviz", "--lang", "en"], capture_output=True, text=True,
                             env=env, cwd=tmp_path, timeout=60)
    assert "needs a graphical display" in english.stderr
