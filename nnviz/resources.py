"""Where the shipped resources (examples, data, icons, translations) are, installed or not."""

from __future__ import annotations

from pathlib import Path

_HERE = Path(__file__).resolve().parent


def resources_root() -> Path:
    """The resources folder: inside the installed package, else the checkout's top-level one."""
    for candidate in (_HERE / "resources", _HERE.parent / "resources"):
        if candidate.is_dir():
            return candidate
    raise FileNotFoundError("nnviz resources folder not found; reinstall nnviz")


def resource_path(*parts: str) -> Path:
    return resources_root().joinpath(*parts)
