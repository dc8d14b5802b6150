"""Before an export writes into a folder that already holds files, ask: a new folder inside it, the folder
itself (files with the same names are replaced), or nothing."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication
from PySide6.QtWidgets import QMessageBox, QWidget

translate = QCoreApplication.translate  # lupdate reads translate("Context", "text")


def confirm_folder(parent: QWidget, folder: Path, target: str, stem: str = "") -> Path | None:
    """The folder to write into: `folder` itself when it is empty or does not exist yet (the export creates
    it); when it holds files, what the learner chooses. None: cancelled."""
    try:
        present = sorted(p.name for p in folder.iterdir()) if folder.is_dir() else []
    except OSError:
        present = []
    if not present:
        return folder
    safe = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in stem) or "network"
    fresh = free_name(folder, f"{safe}-{target}")
    shown = ", ".join(present[:5]) + (", …" if len(present) > 5 else "")
    box = QMessageBox(QMessageBox.Icon.Question, translate("ExportPanel", "The folder is not empty"),
                      translate("ExportPanel", "%1 already holds %2 files or folders (%3).").replace("%1", str(folder))
                      .replace("%2", str(len(present))).replace("%3", shown), parent=parent)
    box.setInformativeText(translate("ExportPanel", "Write the export into a new folder %1 inside it, or into "
                                     "the folder itself (files with the same names are replaced)?")
                           .replace("%1", fresh.name))
    new = box.addButton(translate("ExportPanel", "New folder"), QMessageBox.ButtonRole.AcceptRole)
    into = box.addButton(translate("ExportPanel", "Write into it"), QMessageBox.ButtonRole.DestructiveRole)
    box.addButton(QMessageBox.StandardButton.Cancel)
    box.setDefaultButton(new)
    box.exec()
    if box.clickedButton() is new:
        return fresh
    return folder if box.clickedButton() is into else None


def free_name(parent: Path, stem: str) -> Path:
    """parent/stem, or parent/stem-2, -3, ... when that name is taken."""
    candidate, n = parent / stem, 2
    while candidate.exists():
        candidate, n = parent / f"{stem}-{n}", n + 1
    return candidate
