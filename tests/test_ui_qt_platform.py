"""The launcher's check that Qt can open a window, before Qt aborts with a misleading hint."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnviz.ui.shell.qt_platform import check_platform, debian_package

PLUGIN = Path("/fake/PySide6/Qt/plugins/platforms/libqxcb.so")


@pytest.mark.parametrize(("soname", "package"), [
    ("libxcb-cursor.so.0", "libxcb-cursor0"),
    ("libxcb-icccm.so.4", "libxcb-icccm4"),
    ("libxcb-keysyms.so.1", "libxcb-keysyms1"),
    ("libxkbcommon-x11.so.0", "libxkbcommon-x11-0"),
    ("libX11-xcb.so.1", "libx11-xcb1"),
    ("libEGL.so.1", "libegl1"),
    ("libglib-2.0.so.0", "libglib2.0-0"),
    ("libdbus-1.so.3", "libdbus-1-3"),
])
def test_debian_package_of_a_library(soname: str, package: str) -> None:
    assert debian_package(soname) == package


def _check(env: dict[str, str], *, error: str | None, ldd: list[str], platform: str = "linux"):
    return check_platform(env, platform=platform, plugin=PLUGIN, load_error=lambda _: error,
                          missing_by_ldd=lambda _: ldd)


def test_missing_libraries_are_named_with_the_one_command_that_installs_them() -> None:
    problem = _check({"DISPLAY": ":0"}, error="libxcb-icccm.so.4: cannot open shared object file",
                     ldd=["libxcb-icccm.so.4", "libxcb-keysyms.so.1", "libxcb-icccm.so.4"])
    assert problem is not None
    assert problem.packages == ("libxcb-icccm4", "libxcb-keysyms1")
    assert "sudo apt-get install libxcb-icccm4 libxcb-keysyms1" in problem.message
    assert "libxcb-cursor0" not in problem.message  # Qt's own hint blames this one whatever is missing


def test_without_ldd_the_loader_error_names_the_library() -> None:
    problem = _check({"DISPLAY": ":0"}, error="libxcb-cursor.so.0: cannot open shared object file", ldd=[])
    assert problem is not None and problem.packages == ("libxcb-cursor0",)


def test_no_display_is_explained_with_what_works_instead() -> None:
    problem = _check({}, error=None, ldd=[])
    assert problem is not None
    assert "DISPLAY" in problem.message and "--screenshot" in problem.message


@pytest.mark.parametrize("env", [
    {"DISPLAY": ":0"},  # the plugin loads
    {"QT_QPA_PLATFORM": "offscreen"},
    {"WAYLAND_DISPLAY": "wayland-0"},
])
def test_nothing_to_report_when_qt_can_start(env: dict[str, str]) -> None:
    assert _check(env, error=None, ldd=[]) is None


def test_other_systems_are_left_to_qt() -> None:
    assert _check({}, error="anything", ldd=["libx.so.1"], platform="darwin") is None


def test_the_real_plugin_is_checked_on_this_machine() -> None:
    """Whatever this machine has installed, the answer is consistent with the loader's own verdict."""
    import ctypes

    from nnviz.ui.shell.qt_platform import _xcb_plugin

    plugin = _xcb_plugin()
    if plugin is None:
        pytest.fail("PySide6 ships libqxcb.so on Linux; the check could not find it")
    try:
        ctypes.CDLL(str(plugin))
        loads = True
    except OSError:
        loads = False
    problem = check_platform({"DISPLAY": ":0"}, platform="linux")
    assert (problem is None) == loads
