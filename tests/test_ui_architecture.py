"""The ui package's shape: modules small enough to read (the rest of nnviz is held to the same limit by its
owners; this file checks the ui)."""

from __future__ import annotations

from pathlib import Path

UI = Path(__file__).resolve().parents[1] / "nnviz" / "ui"
MAX_LINES = 400


def test_no_ui_module_is_over_400_lines():
    sizes = {str(p.relative_to(UI)): len(p.read_text(encoding="utf-8").splitlines()) for p in UI.rglob("*.py")}
    assert len(sizes) > 50  # the walk found the package
    assert {name: n for name, n in sizes.items() if n > MAX_LINES} == {}
