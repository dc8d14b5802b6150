"""packaging/: the Linux desktop files and icons are valid; the PyInstaller bundle builds and starts (slow).

The bundle test builds into a temporary folder (about 30-60 s of PyInstaller on 2 cores) and launches
the result offscreen with --screenshot; it is marked slow so the default run stays fast.
"""

from __future__ import annotations

import configparser
import importlib.util
import shutil
import struct
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
LINUX = ROOT / "packaging" / "linux"
APP_ID = "io.github.nnviz.nnviz"
ICONS = ROOT / "resources" / "icons" / "app"


def load_script(name: str):
    spec = importlib.util.spec_from_file_location(f"nnviz_packaging_{name}", ROOT / "packaging" / f"{name}.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def png_size(path: Path) -> tuple[int, int]:
    """Width and height from a PNG's IHDR chunk (no image library needed)."""
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


def test_desktop_entry_is_valid() -> None:
    path = LINUX / f"{APP_ID}.desktop"
    entry = configparser.ConfigParser(interpolation=None)
    entry.optionxform = str  # keys are case-sensitive in .desktop files
    entry.read(path, encoding="utf-8")
    section = entry["Desktop Entry"]
    assert section["Type"] == "Application"
    assert section["Exec"].split()[0] == "nnviz"
    assert section["Icon"] == APP_ID
    assert "Education" in section["Categories"].split(";")
    assert section["Name[zh_CN]"] and section["Comment[zh_CN]"]
    if shutil.which("desktop-file-validate"):
        done = subprocess.run(["desktop-file-validate", str(path)], capture_output=True, text=True)
        assert done.returncode == 0 and "error" not in done.stdout.lower(), done.stdout


def test_appstream_metainfo_is_valid() -> None:
    path = LINUX / f"{APP_ID}.metainfo.xml"
    root = ET.parse(path).getroot()
    assert root.tag == "component" and root.get("type") == "desktop-application"
    assert root.findtext("id") == APP_ID
    assert root.findtext("project_license") == "MIT"
    assert root.find("launchable").text == f"{APP_ID}.desktop"
    from nnviz import __version__

    assert root.find("releases/release").get("version") == __version__
    if shutil.which("appstreamcli"):
        done = subprocess.run(["appstreamcli", "validate", "--no-net", str(path)], capture_output=True, text=True)
        assert done.returncode == 0, done.stdout + done.stderr


def test_mime_type_is_well_formed() -> None:
    root = ET.parse(LINUX / f"{APP_ID}.mime.xml").getroot()
    ns = {"m": "http://www.freedesktop.org/standards/shared-mime-info"}
    mime = root.find("m:mime-type", ns)
    assert mime.get("type") == "application/x-nnviz"
    assert mime.find("m:glob", ns).get("pattern") == "*.nnviz"


def test_app_icons_exist_in_every_desktop_size() -> None:
    icons = load_script("make_icons")
    assert (ICONS / "nnviz.svg").is_file()
    for size in (16, 24, 32, 48, 64, 128, 256, 512):
        assert png_size(ICONS / f"nnviz-{size}.png") == (size, size)
    assert set(icons.SIZES) >= {16, 32, 48, 64, 128, 256}


def test_icons_render_from_the_svg(qapp, tmp_path: Path) -> None:
    # qapp: the script makes a bare QGuiApplication when none exists, and a later widget test in the same
    # worker would then abort ("QWidget: Cannot create a QWidget without QApplication").
    from PySide6.QtGui import QImage

    icons = load_script("make_icons")
    written = icons.render_icons(folder=tmp_path, sizes=(48,))
    image = QImage(str(written[0]))
    assert (image.width(), image.height()) == (48, 48)
    assert image.pixelColor(0, 0).alpha() == 0  # transparent corner outside the rounded square
    assert image.pixelColor(24, 24).alpha() == 255


def test_bundle_arguments_ship_resources_and_leave_out_torch() -> None:
    bundle = load_script("build_bundle")
    args = bundle.pyinstaller_args(dist=Path("/tmp/d"), work=Path("/tmp/w"))
    data = args[args.index("--add-data") + 1]
    assert data.endswith("nnviz/resources") and str(ROOT / "resources") in data
    excluded = {args[i + 1] for i, a in enumerate(args) if a == "--exclude-module"}
    assert "torch" in excluded


def test_linux_install_places_desktop_files(tmp_path: Path) -> None:
    bundle = load_script("build_bundle")
    placed = bundle.linux_install(tmp_path)
    share = tmp_path / "share"
    assert (share / "applications" / f"{APP_ID}.desktop").is_file()
    assert (share / "metainfo" / f"{APP_ID}.metainfo.xml").is_file()
    assert png_size(share / "icons" / "hicolor" / "256x256" / "apps" / f"{APP_ID}.png") == (256, 256)
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / f"{APP_ID}.svg").is_file()
    assert all(p.is_file() for p in placed)


@pytest.mark.slow
def test_bundle_builds_and_takes_a_screenshot(tmp_path: Path) -> None:
    if importlib.util.find_spec("PyInstaller") is None:
        pytest.fail("PyInstaller is needed for this slow test: pip install pyinstaller")
    bundle = load_script("build_bundle")
    dist, work = tmp_path / "dist", tmp_path / "work"
    seconds = bundle.build(dist, work)
    print(f"bundle built in {seconds:.0f} s")
    resources = bundle.bundled_resources(dist)
    assert (resources / "translations" / "nnviz_zh_CN.qm").is_file()
    assert (resources / "examples" / "xor.nnviz").is_file()
    assert not any(dist.rglob("libtorch*")), "torch must not be bundled"

    from PySide6.QtGui import QImage

    for lang in ("en", "zh_CN"):
        out = tmp_path / f"smoke-{lang}.png"
        bundle.smoke(out, dist=dist, extra=("--lang", lang))
        image = QImage(str(out))
        assert (image.width(), image.height()) == (1280, 800)
        # A real window, not a blank grab: many distinct colours.
        colours = {image.pixel(x, y) for x in range(0, 1280, 16) for y in range(0, 800, 16)}
        assert len(colours) > 20
