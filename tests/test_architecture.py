"""House rules a tool enforces: the core never imports Qt; no pickle or eval in the product; ruff clean."""

from __future__ import annotations

import ast
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CORE = ["graph", "engine", "data", "export", "io"]
LAYERING = "Layers: graph < io, data < engine < export < cli < ui, never upward"  # the contract's name


def test_import_linter_contract_keeps_qt_out_of_the_core():
    exe = shutil.which("lint-imports")
    if exe is None:
        pytest.fail("lint-imports (import-linter) is a test dependency; install the test extra")
    result = subprocess.run([exe, "--config", str(ROOT / "pyproject.toml")], cwd=ROOT, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 0, result.stdout + result.stderr
    assert ", 0 broken" in result.stdout
    # Each contract by name, so that one dropped from pyproject.toml does not pass unnoticed.
    for contract in ("The core never imports Qt, pyqtgraph or the UI", LAYERING,
                     "ui: the shell composes the parts; the parts share only widgets, never each other",
                     "ui: no import cycle between modules"):
        assert re.search(re.escape(contract) + r"[^\n]*(\n[^\n]*)?KEPT", result.stdout), result.stdout


@pytest.mark.parametrize(("module", "upward"), [("graph/registry.py", "nnviz.engine.base"),
                                                ("engine/network.py", "nnviz.export.registry"),
                                                ("io/reader.py", "nnviz.data.dataset"),
                                                ("export/writer.py", "nnviz.cli")])
def test_the_layering_contract_breaks_on_an_upward_import(tmp_path, module, upward):
    """Positive control: the same contract, run on a copy of the package with one import pointing up."""
    shutil.copytree(ROOT / "nnviz", tmp_path / "nnviz", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    target = tmp_path / "nnviz" / module
    target.write_text(target.read_text(encoding="utf-8") + f"\nimport {upward}  # noqa\n", encoding="utf-8")
    result = subprocess.run([shutil.which("lint-imports") or "lint-imports", "--config", "pyproject.toml"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120,
                            env={**os.environ, "PYTHONPATH": str(tmp_path)})
    assert result.returncode != 0
    assert re.search(re.escape(LAYERING) + r"\s*BROKEN", result.stdout), result.stdout


def test_core_modules_do_not_even_mention_qt_imports():
    pattern = re.compile(r"^\s*(from|import)\s+(PySide6|pyqtgraph|shiboken6|PyQt\d)\b", re.M)
    files = [*(p for pkg in CORE for p in (ROOT / "nnviz" / pkg).rglob("*.py")), ROOT / "nnviz" / "cli.py"]
    offenders = [str(p.relative_to(ROOT)) for p in files if pattern.search(p.read_text(encoding="utf-8"))]
    assert offenders == []


def _unsafe_calls(tree: ast.AST) -> list[str]:
    found = []
    for node in ast.walk(tree):
        if isinstance(node, (ast.Import, ast.ImportFrom)):
            names = [a.name for a in node.names] + ([node.module] if isinstance(node, ast.ImportFrom) else [])
            found += [f"imports {n}" for n in names if n and n.split(".")[0] in ("pickle", "dill", "marshal")]
        elif isinstance(node, ast.Call):
            if isinstance(node.func, ast.Name) and node.func.id in ("eval", "exec", "compile"):
                found.append(f"calls {node.func.id}()")
            found += ["allow_pickle=True" for kw in node.keywords
                      if kw.arg == "allow_pickle" and not (isinstance(kw.value, ast.Constant) and not kw.value.value)]
    return found


def test_nothing_in_the_product_unpickles_or_evaluates():
    offenders = {str(p.relative_to(ROOT)): bad for p in (ROOT / "nnviz").rglob("*.py")
                 if (bad := _unsafe_calls(ast.parse(p.read_text(encoding="utf-8"))))}
    assert offenders == {}


def test_ruff_is_clean():
    result = subprocess.run([sys.executable, "-m", "ruff", "check", "--output-format", "concise", "."],
                            cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stdout[-3000:]
