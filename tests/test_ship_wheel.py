"""The built wheel carries every shipped resource, and an installed (non-editable) nnviz finds them.

Builds the wheel from a clean copy of the committed tree (git archive HEAD) into a temporary folder
(offline when hatchling is installed, as it is in the test environment), reads its file list, installs
it with `pip --target` into another temporary folder and runs the installed package from there.
"""

from __future__ import annotations

import importlib.util
import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
REQUIRED_FOLDERS = ("examples", "data", "icons", "translations")


def clean_checkout(folder: Path) -> Path:
    """The committed tree (git archive HEAD): what a fresh clone holds, without local or untracked files.
    Outside a git checkout (an unpacked sdist) the source folder itself is used."""
    if not (ROOT / ".git").exists():
        return ROOT
    archive = subprocess.run(["git", "-C", str(ROOT), "archive", "--format=tar", "HEAD"], capture_output=True,
                             timeout=120, check=True).stdout
    subprocess.run(["tar", "-x", "-C", str(folder)], input=archive, check=True, timeout=120)
    return folder


@pytest.fixture(scope="module")
def source(tmp_path_factory) -> Path:
    return clean_checkout(tmp_path_factory.mktemp("checkout"))


@pytest.fixture(scope="module")
def wheel(tmp_path_factory, source: Path) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    command = [sys.executable, "-m", "build", "--wheel", "--outdir", str(out), str(source)]
    if importlib.util.find_spec("hatchling") is not None:
        command.insert(4, "--no-isolation")  # no network needed for the build backend
    if importlib.util.find_spec("build") is None:
        pytest.fail("the 'build' package is a test dependency: pip install build hatchling")
    done = subprocess.run(command, capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]
    wheels = list(out.glob("nnviz-*.whl"))
    assert len(wheels) == 1, wheels
    return wheels[0]


def shipped_files(root: Path) -> list[str]:
    """Every file under root/resources/ as it must appear in the wheel (caches excluded)."""
    files = []
    for path in sorted((root / "resources").rglob("*")):
        if path.is_file() and "__pycache__" not in path.parts and path.suffix != ".pyc":
            files.append("nnviz/resources/" + path.relative_to(root / "resources").as_posix())
    return files


def test_wheel_holds_every_resource(wheel: Path, source: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    expected = shipped_files(source)
    assert len(expected) > 10
    missing = [name for name in expected if name not in names]
    assert not missing, f"resources missing from the wheel: {missing}"
    for folder in REQUIRED_FOLDERS:
        assert any(n.startswith(f"nnviz/resources/{folder}/") for n in names), folder
    assert "nnviz/resources/translations/nnviz_zh_CN.qm" in names
    assert "nnviz/resources/translations/core_zh_CN.json" in names
    assert "nnviz/resources/help/formulas.html" in names and "nnviz/resources/icons/app/nnviz-256.png" in names
    assert any(n.endswith(".dist-info/entry_points.txt") for n in names)
    entry_points = next(n for n in names if n.endswith(".dist-info/entry_points.txt"))
    assert "nnviz = nnviz.app:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_installed_wheel_finds_its_resources(wheel: Path, tmp_path: Path) -> None:
    target = tmp_path / "site"
    done = subprocess.run([sys.executable, "-m", "pip", "install", "--no-deps", "--no-index", "--quiet",
                           "--target", str(target), str(wheel)], capture_output=True, text=True, timeout=240)
    assert done.returncode == 0, done.stderr[-2000:]
    # Run from a folder outside the checkout with only the installed copy first on the path, so an
    # editable install or the checkout's top-level resources/ cannot stand in for the packaged ones.
    env = dict(os.environ, PYTHONPATH=str(target), PYTHONSAFEPATH="1")
    probe = ("import nnviz, nnviz.resources as r; print(nnviz.__file__); print(r.resources_root()); "
             "print(r.resource_path('translations', 'nnviz_zh_CN.qm').is_file())")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, cwd=tmp_path, env=env,
                          timeout=60)
    assert done.returncode == 0, done.stderr
    module_file, root, has_qm = done.stdout.split("\n")[:3]
    assert Path(module_file).is_relative_to(target)
    assert Path(root) == target / "nnviz" / "resources"
    assert has_qm == "True"
    example = target / "nnviz" / "resources" / "examples" / "xor.nnviz"
    done = subprocess.run([sys.executable, "-m", "nnviz", "check", str(example)], capture_output=True, text=True,
                          cwd=tmp_path, env=env, timeout=120)
    assert done.returncode == 0, done.stdout + done.stderr
    assert "param" in done.stdout.lower()
