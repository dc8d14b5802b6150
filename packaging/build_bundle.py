"""Build a standalone nnviz (no Python needed on the target machine) with PyInstaller.

    pip install pyinstaller
    python packaging/build_bundle.py            -> packaging/dist/nnviz/nnviz   (one folder, starts fast)
    python packaging/build_bundle.py --smoke    ... then launch it offscreen and save a screenshot
    python packaging/build_bundle.py --linux-install ~/.local   ... and install the .desktop entry, the
                                                 AppStream metadata and the icons under that prefix

The bundle holds the app, Qt, NumPy, pyqtgraph and the shipped resources (examples, data, icons,
translations, help) at nnviz/resources inside it, where nnviz.resources looks for them. PyTorch is
left out on purpose: the app never needs it (only the exported code does), and it would add ~1 GB.
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
HERE = ROOT / "packaging"
DIST = HERE / "dist"
WORK = HERE / "build"
APP_ID = "io.github.nnviz.nnviz"
ICON_SIZES = (16, 24, 32, 48, 64, 128, 256, 512)

# Optional imports of NumPy / pyqtgraph / nnviz that the app never uses; leaving them out keeps the
# bundle small and the build fast (PyInstaller would otherwise follow every lazy import).
EXCLUDES = (
    "torch", "torchvision", "tensorflow", "jax", "scipy", "matplotlib", "pandas", "IPython", "jupyter",
    "notebook", "pytest", "hypothesis", "numba", "cupy", "h5py", "OpenGL", "tkinter", "PyQt5", "PyQt6",
    "PySide2", "sphinx", "docutils", "setuptools", "pip", "keras", "onnx", "onnxruntime", "onnxscript", "onnx_ir",
)
HIDDEN = ("PySide6.QtSvg", "PySide6.QtSvgWidgets", "PySide6.QtPrintSupport", "PySide6.QtOpenGLWidgets")


def entry_script(work: Path = WORK) -> Path:
    """A two-line launcher: PyInstaller needs a script, the app lives in nnviz.app:main."""
    work.mkdir(parents=True, exist_ok=True)
    script = work / "nnviz_launcher.py"
    script.write_text("import sys\nfrom nnviz.app import main\n\nsys.exit(main())\n", encoding="utf-8")
    return script


def pyinstaller_args(dist: Path = DIST, work: Path = WORK) -> list[str]:
    sep = os.pathsep  # PyInstaller's --add-data separator is ':' on Linux/macOS, ';' on Windows
    args = [
        str(entry_script(work)), "--name", "nnviz", "--noconfirm", "--clean", "--onedir", "--windowed",
        "--distpath", str(dist), "--workpath", str(work), "--specpath", str(work),
        "--add-data", f"{ROOT / 'resources'}{sep}nnviz/resources",
        "--collect-data", "pyqtgraph",  # its colour maps (CET-D1 ...) are data files
        "--collect-submodules", "nnviz",
        "--log-level", "WARN",
    ]
    icon = ROOT / "resources" / "icons" / "app" / ("nnviz.ico" if sys.platform == "win32" else "nnviz-256.png")
    if icon.is_file() and sys.platform != "linux":  # Linux desktops take the icon from the .desktop entry
        args += ["--icon", str(icon)]
    for name in EXCLUDES:
        args += ["--exclude-module", name]
    for name in HIDDEN:
        args += ["--hidden-import", name]
    return args


def executable(dist: Path = DIST) -> Path:
    return dist / "nnviz" / ("nnviz.exe" if sys.platform == "win32" else "nnviz")


def build(dist: Path = DIST, work: Path = WORK) -> float:
    """Run PyInstaller into dist/nnviz (intermediate files in work); return the seconds it took."""
    try:
        import PyInstaller.__main__ as pyinstaller
    except ImportError:
        sys.exit("PyInstaller is not installed: pip install pyinstaller")
    start = time.perf_counter()
    pyinstaller.run(pyinstaller_args(dist, work))
    seconds = time.perf_counter() - start
    if not executable(dist).is_file():
        sys.exit(f"PyInstaller finished but {executable(dist)} is missing")
    return seconds


def bundled_resources(dist: Path = DIST) -> Path:
    """The resources folder inside the bundle (PyInstaller >= 6 puts data under _internal/)."""
    for candidate in (dist / "nnviz" / "_internal" / "nnviz" / "resources", dist / "nnviz" / "nnviz" / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError(f"no nnviz/resources in the bundle under {dist}")


def smoke(out: Path, example: str = "seed-single-neuron.nnviz", steps: int = 5, timeout: float = 180,
          dist: Path = DIST, extra: tuple[str, ...] = ()) -> float:
    """Launch the built app offscreen, render a screenshot after `steps` micro-steps; return seconds."""
    bundled_example = bundled_resources(dist) / "examples" / example
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen")
    start = time.perf_counter()
    command = [str(executable(dist)), "--screenshot", str(out), str(bundled_example), "--steps", str(steps), *extra]
    done = subprocess.run(command,
                          capture_output=True, text=True, env=env, timeout=timeout)
    seconds = time.perf_counter() - start
    if done.returncode != 0 or not out.is_file():
        sys.exit(f"smoke test failed (exit {done.returncode}):\n{done.stdout}\n{done.stderr}")
    return seconds


def linux_install(prefix: Path) -> list[Path]:
    """Copy the .desktop entry, AppStream metainfo, the .nnviz MIME type and icons under prefix/share
    (e.g. ~/.local); run update-desktop-database and update-mime-database afterwards if the desktop wants."""
    share = prefix / "share"
    placed = []
    targets = {
        HERE / "linux" / f"{APP_ID}.desktop": share / "applications" / f"{APP_ID}.desktop",
        HERE / "linux" / f"{APP_ID}.metainfo.xml": share / "metainfo" / f"{APP_ID}.metainfo.xml",
        HERE / "linux" / f"{APP_ID}.mime.xml": share / "mime" / "packages" / f"{APP_ID}.xml",
        ROOT / "resources" / "icons" / "app" / "nnviz.svg": share / "icons" / "hicolor" / "scalable" / "apps"
        / f"{APP_ID}.svg",
    }
    for size in ICON_SIZES:
        targets[ROOT / "resources" / "icons" / "app" / f"nnviz-{size}.png"] = (
            share / "icons" / "hicolor" / f"{size}x{size}" / "apps" / f"{APP_ID}.png")
    for source, target in targets.items():
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copy2(source, target)
        placed.append(target)
    return placed


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--smoke", action="store_true", help="after building, launch offscreen and screenshot")
    parser.add_argument("--smoke-only", action="store_true", help="skip the build; smoke-test the existing bundle")
    parser.add_argument("--screenshot", type=Path, default=DIST / "smoke.png", help="where --smoke saves the PNG")
    parser.add_argument("--linux-install", type=Path, metavar="PREFIX", help="install desktop files under PREFIX")
    args = parser.parse_args(argv)
    if not args.smoke_only:
        seconds = build()
        print(f"built {executable()} in {seconds:.0f} s")
    if args.smoke or args.smoke_only:
        seconds = smoke(args.screenshot)
        print(f"smoke test: {args.screenshot} written in {seconds:.1f} s")
    if args.linux_install:
        for path in linux_install(args.linux_install):
            print(f"installed {path}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
