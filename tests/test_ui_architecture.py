"""The ui package's shape: modules small enough to read (the rest of nnviz is held to the same limit by its
owners; this file checks the ui)."""

from __future__ import annotations

import ast
from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "nnviz" / "ui"
MAX_LINES = 400


def test_no_ui_module_is_over_400_lines():
    sizes = {str(p.relative_to(UI)): len(p.read_text(encoding="utf-8").splitlines()) for p in UI.rglob("*.py")}
    assert len(sizes) > 50  # the walk found the package
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}


def _window_attribute_assignments(path: Path) -> list[str]:
    """`window.x = ...` (or w., self.window.) anywhere in a module: a part attaching itself to the window."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        targets = node.targets if isinstance(node, ast.Assign) else [node.target] if isinstance(
            node, ast.AnnAssign | ast.AugAssign) else []
        for target in targets:
            for leaf in ast.walk(target):
                if isinstance(leaf, ast.Attribute) and ast.unparse(leaf.value) in ("window", "w", "self.window"):
                    found.append(f"{path.name}:{node.lineno}: {ast.unparse(leaf)}")
    return found


def test_no_module_attaches_attributes_to_the_main_window():
    """MainWindow composes its parts and keeps what they return; nothing else sets attributes on it."""
    found = [hit for p in UI.rglob("*.py") if p.name != "main_window.py" for hit in _window_attribute_assignments(p)]
    assert found == []


def test_the_attachment_check_sees_an_attachment(tmp_path):
    fake = tmp_path / "probe.py"
    fake.write_text("def install(window):\n    window.act_probe = 1\n    w, window.other = 1, 2\n", encoding="utf-8")
    assert _window_attribute_assignments(fake) == ["probe.py:2: window.act_probe", "probe.py:3: window.other"]
