"""Qt warnings fail the test that caused them (pytest-qt's qt_log_level_fail, set in pyproject.toml).

Run in a child pytest with this repository's own Qt log settings, so that the setting itself is what is
tested: a warning fails, the offscreen plugin's two notes about native windows do not.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest

pytest_plugins = ["pytester"]
pytestmark = pytest.mark.gui

ROOT = Path(__file__).resolve().parents[1]


def _qt_log_lines() -> list[str]:
    """The qt_* lines of pyproject.toml's pytest options, verbatim."""
    return re.findall(r"^qt_log_\w+ = .*$", (ROOT / "pyproject.toml").read_text(encoding="utf-8"), re.M)


def _run(pytester: pytest.Pytester, message: str) -> pytest.RunResult:
    pytester.makepyprojecttoml("[tool.pytest.ini_options]\n" + "\n".join(_qt_log_lines()) + "\n")
    pytester.makepyfile(test_child=f"""
        from PySide6.QtCore import qWarning

        def test_warns(qapp):
            qWarning({message!r})
        """)
    return pytester.runpytest_subprocess("-p", "no:cacheprovider", "-p", "no:xdist")


def test_the_setting_is_warning_level():
    assert 'qt_log_level_fail = "WARNING"' in _qt_log_lines()


def test_a_qt_warning_fails_the_test(pytester):
    result = _run(pytester, "QObject::connect: No such signal")
    result.assert_outcomes(failed=1)
    result.stdout.fnmatch_lines(["*QtWarningMsg: QObject::connect: No such signal*"])


def test_the_offscreen_plugins_notes_do_not(pytester):
    result = _run(pytester, "This plugin does not support propagateSizeHints()")
    result.assert_outcomes(passed=1)
