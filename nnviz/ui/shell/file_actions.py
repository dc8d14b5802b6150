"""File menu behaviour: New, Open, Open Recent, Examples, Save, Save As, Revert, and the
unsaved-changes prompt. Recent files live in the window's QSettings."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Protocol

from PySide6.QtCore import QObject
from PySide6.QtGui import QAction
from PySide6.QtWidgets import QFileDialog, QMenu, QMessageBox

from nnviz.graph import GraphDocument
from nnviz.resources import resource_path

if TYPE_CHECKING:
    from PySide6.QtCore import QSettings
    from PySide6.QtGui import QUndoStack

    from nnviz.ui.shell.recovery import Autosaver
    from nnviz.ui.training.controller import TrainingController


class DocumentWindow(Protocol):
    """What the File actions need of the window that shows the document (the main window; a test double)."""

    document: GraphDocument
    file_path: str
    settings: QSettings
    undo_stack: QUndoStack
    autosaver: Autosaver
    training: TrainingController | None

    def set_document(self, document: GraphDocument, file_path: str = "", state: dict | None = None,
                     untitled_name: str = "") -> None: ...
    def set_file_path(self, path: str) -> None: ...
    def training_state(self) -> dict | None: ...
    def display_name(self) -> str: ...
    def update_title(self) -> None: ...
    def status(self, message: str, msecs: int = 6000) -> None: ...

MAX_RECENT = 8


class FileActions(QObject):
    def __init__(self, window: DocumentWindow) -> None:
        super().__init__(window)
        self.window = window
        self.recent_menu = QMenu(self.tr("Open &Recent"), window)
        self.recent_menu.aboutToShow.connect(self.fill_recent_menu)
        self.examples_menu = QMenu(self.tr("E&xamples"), window)
        self.fill_examples_menu()

    # ------------------------------------------------------------ the prompt
    def maybe_save(self) -> bool:
        """True when it is fine to drop the current document (saved, discarded); False to cancel."""
        if not self.window.has_unsaved_work():
            return True
        buttons = (QMessageBox.StandardButton.Save | QMessageBox.StandardButton.Discard
                   | QMessageBox.StandardButton.Cancel)
        if self.window.undo_stack.isClean():  # only training since the last save: its weights would be lost
            text = self.tr("'%s' has trained weights that are not saved. Save them first?")
        else:
            text = self.tr("'%s' has changes that are not saved. Save them first?")
        answer = QMessageBox.question(self.window, self.tr("Unsaved changes"), text % self.window.display_name(),
                                      buttons, QMessageBox.StandardButton.Save)
        if answer == QMessageBox.StandardButton.Save:
            return self.save()
        return answer == QMessageBox.StandardButton.Discard

    # ------------------------------------------------------------ actions
    def new(self) -> bool:
        if not self.maybe_save():
            return False
        self.window.set_document(GraphDocument(), "")
        self.window.status(self.tr("New network: drag layers from the palette onto the canvas"))
        return True

    def open(self, path: str | None = None) -> bool:
        if not self.maybe_save():
            return False
        if not path:
            path, _ = QFileDialog.getOpenFileName(self.window, self.tr("Open network"), self._folder(), self.filter())
            if not path:
                return False
        return self.load(path)

    def load(self, path: str, as_untitled: bool = False) -> bool:
        from nnviz.io import NnvizFileError, read

        try:
            doc, state = read(path)
        except NnvizFileError as exc:
            QMessageBox.warning(self.window, self.tr("Cannot open"), str(exc))
            self.forget_recent(path)
            return False
        if as_untitled:
            self.window.set_document(doc, "", state, untitled_name=Path(path).stem)
        else:
            self.window.set_document(doc, str(path), state)
            self.add_recent(str(path))
        self.window.status(self.tr("Opened %s") % path)
        return True

    def open_example(self, path: str) -> bool:
        # An example opens as an untitled copy, so Save never overwrites the shipped file.
        return self.maybe_save() and self.load(path, as_untitled=True)

    def save(self) -> bool:
        if not self.window.file_path:
            return self.save_as()
        return self.write(self.window.file_path)

    def save_as(self) -> bool:
        start = self.window.file_path or str(Path(self._folder()) / f"{self.window.display_name()}.nnviz")
        path, _ = QFileDialog.getSaveFileName(self.window, self.tr("Save network as"), start, self.filter())
        if not path:
            return False
        if not path.endswith(".nnviz"):
            path += ".nnviz"
        return self.write(path)

    def write(self, path: str) -> bool:
        from nnviz.io import save

        try:
            save(self.window.document, path, state=self.window.training_state())
        except (OSError, ValueError) as exc:
            QMessageBox.warning(self.window, self.tr("Cannot save"), self.tr("Saving %s failed: %s") % (path, exc))
            return False
        self.window.set_file_path(str(path))
        self.window.undo_stack.setClean()
        if self.window.training is not None:
            self.window.training.saves.mark_saved()
        self.window.autosaver.clear()
        self.add_recent(str(path))
        self.window.update_title()
        self.window.status(self.tr("Saved %s") % path)
        return True

    def revert(self) -> bool:
        path = self.window.file_path
        if not path or self.window.undo_stack.isClean():
            return False
        answer = QMessageBox.question(self.window, self.tr("Revert"),
                                      self.tr("Throw away all changes since '%s' was saved?") % Path(path).name)
        if answer != QMessageBox.StandardButton.Yes:
            return False
        return self.load(path)

    # ------------------------------------------------------------ recent files and examples
    def recent_files(self) -> list[str]:
        value = self.window.settings.value("recentFiles", [])
        if isinstance(value, str):
            value = [value]
        return [str(v) for v in (value or [])]

    def add_recent(self, path: str) -> None:
        path = str(Path(path).resolve())
        files = [path, *[p for p in self.recent_files() if p != path]][:MAX_RECENT]
        self.window.settings.setValue("recentFiles", files)

    def forget_recent(self, path: str) -> None:
        resolved = str(Path(path).resolve())
        self.window.settings.setValue("recentFiles", [p for p in self.recent_files() if p != resolved])

    def fill_recent_menu(self) -> None:
        self.recent_menu.clear()
        files = self.recent_files()
        for i, path in enumerate(files, start=1):
            action = QAction(f"&{i} {Path(path).name}", self.recent_menu)
            action.setStatusTip(path)
            action.triggered.connect(lambda checked=False, p=path: self.open(p))
            self.recent_menu.addAction(action)
        if not files:
            empty = self.recent_menu.addAction(self.tr("(no recent files)"))
            empty.setEnabled(False)
        else:
            self.recent_menu.addSeparator()
            self.recent_menu.addAction(self.tr("Clear list"), lambda: self.window.settings.setValue("recentFiles", []))

    def example_files(self) -> list[Path]:
        try:
            folder = resource_path("examples")
        except FileNotFoundError:
            return []
        return sorted(folder.glob("*.nnviz"))

    def fill_examples_menu(self) -> None:
        self.examples_menu.clear()
        for path in self.example_files():
            action = self.examples_menu.addAction(path.stem.replace("_", " "))
            action.setStatusTip(str(path))
            action.triggered.connect(lambda checked=False, p=str(path): self.open_example(p))
        if self.examples_menu.isEmpty():
            self.examples_menu.addAction(self.tr("(no examples installed)")).setEnabled(False)

    def filter(self) -> str:
        """The file dialogs' type filter, in the learner's language (the patterns are the same in every one)."""
        return self.tr("nnviz networks (*.nnviz)") + ";;" + self.tr("All files (*)")

    def _folder(self) -> str:
        if self.window.file_path:
            return str(Path(self.window.file_path).parent)
        recent = self.recent_files()
        return str(Path(recent[0]).parent) if recent else str(Path.home())
