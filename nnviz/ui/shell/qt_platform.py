"""Before Qt starts: can it open a window here? If not, say why and the one command that fixes it.

Qt's own answer to a missing system library is an abort ("This application failed to start because no
Qt platform plugin could be initialized") whose hint names libxcb-cursor0 whatever is really missing.
On a fresh Debian or Ubuntu machine the xcb plugin typically lacks a few small X libraries, so we load
the plugin ourselves first: the dynamic loader names the library it cannot find, `ldd` lists all of
them, and each soname maps to its Debian package. This module imports no Qt (it must run before Qt
aborts the process).
"""

from __future__ import annotations

import ctypes
import importlib.util
import os
import re
import shutil
import subprocess
import sys
from dataclasses import dataclass
from pathlib import Path

from nnviz.i18n import translate as core_message  # the core's catalogue: Qt's translator is not there yet

# sonames whose Debian package name does not follow the usual rule (see debian_package)
_PACKAGE_EXCEPTIONS = {
    "libglib-2.0.so.0": "libglib2.0-0",
    "libgthread-2.0.so.0": "libglib2.0-0",
    "libGL.so.1": "libgl1",
    "libEGL.so.1": "libegl1",
    "libGLX.so.0": "libglx0",
    "libOpenGL.so.0": "libopengl0",
    "libstdc++.so.6": "libstdc++6",
}
_SONAME = re.compile(r"^(?P<name>lib[\w.+-]+?)\.so\.(?P<version>\d+)")


def debian_package(soname: str) -> str:
    """The Debian/Ubuntu package that ships a library: libxcb-icccm.so.4 -> libxcb-icccm4,
    libxkbcommon-x11.so.0 -> libxkbcommon-x11-0 (a hyphen when the name already ends in a digit)."""
    if soname in _PACKAGE_EXCEPTIONS:
        return _PACKAGE_EXCEPTIONS[soname]
    match = _SONAME.match(soname)
    if not match:
        return soname
    name, version = match["name"].lower(), match["version"]
    return f"{name}-{version}" if name[-1].isdigit() else f"{name}{version}"


@dataclass(frozen=True)
class PlatformProblem:
    """Why no window can open, worded for the person at the terminal."""

    message: str
    missing: tuple[str, ...] = ()  # library sonames
    packages: tuple[str, ...] = ()  # the Debian packages that ship them


def _xcb_plugin() -> Path | None:
    spec = importlib.util.find_spec("PySide6")
    if spec is None or not spec.submodule_search_locations:
        return None
    for folder in spec.submodule_search_locations:
        plugin = Path(folder) / "Qt" / "plugins" / "platforms" / "libqxcb.so"
        if plugin.is_file():
            return plugin
    return None


def _missing_by_ldd(plugin: Path) -> list[str]:
    """Every library the loader cannot find (ldd recurses; dlopen stops at the first)."""
    ldd = shutil.which("ldd")
    if ldd is None:
        return []
    try:
        listing = subprocess.run([ldd, str(plugin)], capture_output=True, text=True, timeout=10).stdout
    except (OSError, subprocess.SubprocessError):
        return []
    found = re.findall(r"^\s*(\S+) => not found", listing, flags=re.MULTILINE)
    return list(dict.fromkeys(found))


def _load_error(plugin: Path) -> str | None:
    try:
        ctypes.CDLL(str(plugin))
    except OSError as exc:
        return str(exc)
    return None


def check_platform(environ: os._Environ | dict[str, str] | None = None, *, platform: str = sys.platform,
                   plugin: Path | None = None, load_error=_load_error,
                   missing_by_ldd=_missing_by_ldd) -> PlatformProblem | None:
    """None when Qt can start here (or when we cannot tell and Qt should try); a PlatformProblem
    when it would abort. Only Linux's X11 path is checked: other platforms bring their own plugin."""
    env = os.environ if environ is None else environ
    chosen = env.get("QT_QPA_PLATFORM", "")
    if not platform.startswith("linux") or (chosen and not chosen.startswith("xcb")):
        return None
    if not chosen and env.get("WAYLAND_DISPLAY"):
        return None  # Qt prefers Wayland there
    if not env.get("DISPLAY"):
        return PlatformProblem(core_message(
            "nnviz needs a graphical display, and none is set (DISPLAY is empty).\n"
            "On a machine without a screen, save a picture of the window instead:\n"
            "    nnviz --screenshot window.png\n"
            "or use the headless commands (nnviz --help lists them)."))
    plugin = plugin or _xcb_plugin()
    if plugin is None:
        return None
    error = load_error(plugin)
    if error is None:
        return None
    missing = missing_by_ldd(plugin) or re.findall(r"(lib[\w.+-]+\.so[\w.]*)", error)[:1]
    if not missing:
        return PlatformProblem(core_message("Qt's X11 display plugin cannot be loaded: {error}", error=error))
    packages = tuple(dict.fromkeys(debian_package(lib) for lib in missing))
    command = "sudo apt-get install " + " ".join(packages)  # a command: the same in every language
    if len(missing) == 1:
        message = core_message("nnviz cannot open a window: Qt's X11 display plugin needs {libraries}, which is not "
                               "installed on this machine.\nOn Debian or Ubuntu, this installs it:\n    {command}\n"
                               "Then start nnviz again.", libraries=missing[0], command=command)
    else:
        message = core_message("nnviz cannot open a window: Qt's X11 display plugin needs {libraries}, which are not "
                               "installed on this machine.\nOn Debian or Ubuntu, this installs them:\n    {command}\n"
                               "Then start nnviz again.", libraries=", ".join(missing), command=command)
    return PlatformProblem(message, tuple(missing), packages)
