"""Autosave and crash recovery.

While the app runs, unsaved work is written every `interval` seconds to
<dir>/autosave-<pid>.nnviz (with a small JSON note of the file it belongs to). A clean exit deletes it.
At start, an autosave left by a process that no longer runs is work a crash would have lost: offer it.
"""

from __future__ import annotations

import contextlib
import json
import os
from dataclasses import dataclass
from pathlib import Path

from PySide6.QtCore import QObject, QStandardPaths, QTimer

from nnviz.graph import GraphDocument

DEFAULT_INTERVAL_S = 60


def default_recovery_dir() -> Path:
    base = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.AppLocalDataLocation)
    return Path(base or Path.home() / ".nnviz") / "recovery"


def _pid_alive(pid: int) -> bool:
    if pid == os.getpid():
        return True
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except (PermissionError, OSError):
        return True  # exists but not ours: not a crash we can claim
    return True


@dataclass(frozen=True)
class Recoverable:
    autosave: Path
    original: str  # the file the work belonged to, or "" for an untitled document

    def discard(self) -> None:
        from nnviz.io import remove_with_sidecars

        remove_with_sidecars(self.autosave)  # and the large arrays of a big trained network beside it
        self.autosave.with_suffix(".json").unlink(missing_ok=True)


def find_recoverable(folder: Path) -> list[Recoverable]:
    """Autosaves of processes that are gone, newest first."""
    found = []
    for path in sorted(folder.glob("autosave-*.nnviz"), key=lambda p: p.stat().st_mtime, reverse=True):
        try:
            pid = int(path.stem.split("-", 1)[1])
        except ValueError:
            continue
        if _pid_alive(pid):
            continue
        original = ""
        with contextlib.suppress(OSError, ValueError, AttributeError):  # the note is optional
            original = str(json.loads(path.with_suffix(".json").read_text("utf-8")).get("file", ""))
        found.append(Recoverable(path, original))
    return found


class Autosaver(QObject):
    """Writes the current document when it has unsaved edits; the window tells it what and when."""

    def __init__(self, folder: Path, interval_s: float = DEFAULT_INTERVAL_S, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.folder = folder
        self.path = folder / f"autosave-{os.getpid()}.nnviz"
        self.timer = QTimer(self)
        self.timer.setInterval(int(interval_s * 1000))
        self.timer.timeout.connect(self._tick)
        self._provider = None

    def start(self, provider) -> None:
        """provider() -> (document, file path or "", has unsaved work, state() -> training state or None)."""
        self._provider = provider
        self.timer.start()

    def _tick(self) -> None:
        if self._provider is not None:
            doc, file, dirty, state = self._provider()
            if dirty:
                self.write(doc, file, state())
            else:
                self.clear()

    def write(self, doc: GraphDocument, file: str, state: dict | None = None) -> Path:
        """Save the document (and the trained state) as this process's autosave."""
        from nnviz.io import save

        self.folder.mkdir(parents=True, exist_ok=True)
        save(doc, self.path, state=state)
        self.path.with_suffix(".json").write_text(json.dumps({"file": file}), "utf-8")
        return self.path

    def clear(self) -> None:
        """Nothing unsaved (saved, or a clean exit): no recovery needed."""
        Recoverable(self.path, "").discard()
