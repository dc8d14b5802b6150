"""The `nnviz` launcher: CLI dispatch and --help/--version without Qt, and the offscreen screenshot."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from nnviz.app import cli_commands, main, parse_size
from nnviz.resources import resource_path

NO_QT = "import sys; sys.modules['PySide6'] = None; from nnviz.app import main; raise SystemExit(main(sys.argv[1:]))"


def _run(*args: str, code: str = NO_QT) -> subprocess.CompletedProcess:
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    return subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, timeout=120,
                          env=env)


def test_version_and_help_work_without_qt() -> None:
    version = _run("--version")
    assert version.returncode == 0 and version.stdout.startswith("nnviz ")
    helped = _run("--help")
    assert helped.returncode == 0
    assert "--screenshot" in helped.stdout and "check" in helped.stdout


def test_subcommand_goes_to_the_cli_without_qt() -> None:
    xor = resource_path("examples", "xor.nnviz")
    result = _run("check", str(xor))
    assert result.returncode == 0, result.stderr
    assert "Total params" in result.stdout


def test_cli_commands_listed() -> None:
    assert {"check", "train", "trace", "gradcheck"} <= cli_commands()


def test_parse_size() -> None:
    assert parse_size("1920x1080") == (1920, 1080)
    with pytest.raises(Exception, match="WIDTHxHEIGHT"):
        parse_size("big")


def test_bad_size_is_a_usage_error(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["--screenshot", "x.png", "--size", "10x10"])
    assert exc.value.code == 2


@pytest.mark.gui
@pytest.mark.parametrize("size", ["1280x800", "1920x1080"])
def test_screenshot_writes_png_of_requested_size(tmp_path: Path, size: str) -> None:
    from PySide6.QtGui import QImage

    out = tmp_path / "shot.png"
    result = _run("--screenshot", str(out), "--size", size, code="from nnviz.app import main; import sys; "
                  "raise SystemExit(main(sys.argv[1:]))")
    assert result.returncode == 0, result.stderr
    image = QImage(str(out))
    w, h = (int(v) for v in size.split("x"))
    assert (image.width(), image.height()) == (w, h)


@pytest.mark.gui
def test_screenshot_of_missing_file_fails_without_a_dialog(tmp_path: Path) -> None:
    """Offscreen nobody can click a dialog away: the error goes to stderr and the process exits 1 (it used to
    wait for ever on an invisible message box)."""
    result = _run("--screenshot", str(tmp_path / "x.png"), str(tmp_path / "missing.nnviz"),
                  code="from nnviz.app import main; import sys; raise SystemExit(main(sys.argv[1:]))")
    assert result.returncode == 1
    assert "missing.nnviz" in result.stderr and "error:" in result.stderr
    assert not (tmp_path / "x.png").exists()


def test_a_mistyped_command_is_a_usage_error_not_a_window() -> None:
    result = _run("frobnicate")
    assert result.returncode == 2
    assert "'frobnicate' is neither a file nor a command" in result.stderr
    assert "gradcheck" in result.stderr  # the commands are listed
