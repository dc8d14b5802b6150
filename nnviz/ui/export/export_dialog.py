"""File > Export > PyTorch... / Keras... / ONNX... and File > Import > PyTorch model...: live preview docks.

Each preview shows the files `nnviz export --to TARGET` would write (model.py and train.py; for ONNX
its README and the PyTorch model it is traced from), regenerated (after a short pause) on every edit
of the graph, syntax-highlighted, with Copy, Verify... and Export... buttons. When the network cannot
be exported the message says why and the last good code is dimmed. The targets are
nnviz.export.targets.TARGETS.
install_export_action(window) adds the menu entries; the main window calls it once and keeps the result.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QFontDatabase, QGuiApplication
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QDockWidget,
    QFileDialog,
    QHBoxLayout,
    QInputDialog,
    QLabel,
    QMenu,
    QMessageBox,
    QPlainTextEdit,
    QPushButton,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.export.errors import ExportError
from nnviz.export.targets import TARGETS
from nnviz.graph import Change, GraphDocument
from nnviz.ui.export.folder_prompt import confirm_folder
from nnviz.ui.export.highlighter import code_view

REFRESH_DELAY_MS = 150  # edits arrive in bursts (dragging a slider); regenerate once they pause

# The main window's strings; lupdate reads translate("Context", "text") (window.tr would file them under
# a context named "window" that Qt never looks up).
translate = QCoreApplication.translate


class ExportPanel(QWidget):
    """The live preview of one export target's files for a document."""

    exported = Signal(str)  # the folder written

    def __init__(self, document: GraphDocument, weights: Callable[[], Any] | None = None,
                 source_name: Callable[[], str] | None = None, parent: QWidget | None = None,
                 target: str = "pytorch") -> None:
        super().__init__(parent)
        self.target = TARGETS[target]
        self._weights = weights or (lambda: None)
        self._source_name = source_name or (lambda: "")
        self.document: GraphDocument | None = None
        self.problem: str | None = None
        self.views = [code_view() for _ in self.target.files]
        self.model_view, self.train_view = self.views  # the first and second file shown
        self.tabs = QTabWidget()
        traced = self.tr("model.py (traced)")  # ONNX: the PyTorch model that model.onnx is traced from
        for view, name in zip(self.views, self.target.files):
            self.tabs.addTab(view, traced if name == "model.py (traced)" else name)  # file names stay as they are
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.copy_button = QPushButton(self.tr("Copy"))
        self.copy_button.setToolTip(self.tr("Copy the file shown to the clipboard"))
        self.copy_button.clicked.connect(self.copy)
        self.export_button = QPushButton(self.tr("Export..."))
        self.export_button.setToolTip(self.tr("Write model.onnx and its README to a folder") if target == "onnx"
                                      else self.tr("Write model.py, the weights, train.py and the data to a folder"))
        self.export_button.clicked.connect(self.choose_and_export)
        self.verify_button = QPushButton(self.tr("Verify..."))
        self.verify_button.setToolTip({
            "pytorch": self.tr("Train the app and PyTorch side by side for 20 steps and show the largest "
                               "differences (needs PyTorch)"),
            "keras": self.tr("Train the app and Keras side by side for 20 steps and show the largest "
                             "differences (needs Keras and PyTorch)"),
            "onnx": self.tr("Run the app and onnxruntime on the same samples and show the largest "
                            "differences (needs onnxruntime)"),
        }[target])
        self.verify_button.clicked.connect(self.verify)
        self.report_dialog: QDialog | None = None
        # The buttons first, then the message on its own line: beside a long message in a narrow dock the
        # buttons would be squeezed out of sight.
        buttons = QHBoxLayout()
        buttons.addWidget(self.copy_button)
        buttons.addWidget(self.verify_button)
        buttons.addWidget(self.export_button)
        buttons.addStretch(1)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(buttons)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.setInterval(REFRESH_DELAY_MS)
        self._timer.timeout.connect(self.refresh)
        self.set_document(document)

    # ------------------------------------------------------------ following the document
    def set_document(self, document: GraphDocument) -> None:
        if self.document is not None:
            self.document.unsubscribe(self._on_change)
        self.document = document
        document.subscribe(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind == "moved":  # positions do not change the code
            return
        try:
            self._timer.start()
        except RuntimeError:  # the panel was closed with its window; the document lives on
            if self.document is not None:
                self.document.unsubscribe(self._on_change)

    def refresh(self) -> None:
        """Regenerate the files now (the timer calls this after edits)."""
        self._timer.stop()
        try:
            files = self.target.preview(self.document, self._source_name())
        except ExportError as exc:
            self.problem = str(exc)
            self.message.setText(self.problem)
            self.message.setStyleSheet("color: #C62828;")
            self.model_view.setEnabled(False)  # the last good code stays, dimmed
            self.export_button.setEnabled(False)
            self.verify_button.setEnabled(False)
            return
        self.problem = None
        self.message.setText(self.tr("Follows every edit; exports the current weights."))
        self.message.setStyleSheet("")
        self.model_view.setEnabled(True)
        self.export_button.setEnabled(True)
        self.verify_button.setEnabled(True)
        for view, text in zip(self.views, files.values()):
            _set_keeping_scroll(view, text)

    # ------------------------------------------------------------ actions
    def current_text(self) -> str:
        return self.tabs.currentWidget().toPlainText()

    def copy(self) -> None:
        QGuiApplication.clipboard().setText(self.current_text())

    def export_to(self, directory: str | Path) -> Any:
        """Write the export; returns the ExportResult, or None after showing why it failed."""
        try:
            result = self.target.export(self.document, directory, weights=self._weights(),
                                        source_name=self._source_name())
        except (ExportError, OSError) as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #C62828;")
            return None
        notes = " ".join(result.warnings)
        self.message.setText(self.tr("Wrote %1 files to %2.").replace("%1", str(len(result.files)))
                             .replace("%2", str(result.directory)) + (" " + notes if notes else ""))
        self.message.setStyleSheet("color: #C62828;" if notes else "")
        self.exported.emit(str(result.directory))
        return result

    def verify(self) -> Any:
        """Export to a temporary folder, compare the app with the target there, show the report.
        Returns the VerifyReport (None when it could not run; the message says why)."""
        import tempfile

        QApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            with tempfile.TemporaryDirectory(prefix="nnviz-verify-") as folder:
                weights = self._weights()
                self.target.export(self.document, folder, weights=weights)
                report = self.target.verify(self.document, folder, weights=weights)
        except (ExportError, OSError) as exc:
            self.message.setText(str(exc))
            self.message.setStyleSheet("color: #C62828;")
            return None
        finally:
            QApplication.restoreOverrideCursor()
        self.message.setText(report.text().splitlines()[-1])
        self.message.setStyleSheet("" if report.passed else "color: #C62828;")
        self._show_report(report.text())
        return report

    def _show_report(self, text: str) -> None:
        if self.report_dialog is None:
            self.report_dialog = QDialog(self)
            self.report_dialog.setWindowTitle({
                "pytorch": self.tr("nnviz and PyTorch, side by side"),
                "keras": self.tr("nnviz and Keras, side by side"),
                "onnx": self.tr("nnviz and onnxruntime, side by side"),
            }[self.target.key])
            view = QPlainTextEdit()
            view.setReadOnly(True)
            view.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
            view.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
            close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
            close.rejected.connect(self.report_dialog.reject)
            layout = QVBoxLayout(self.report_dialog)
            layout.addWidget(view)
            layout.addWidget(close)
            self.report_dialog.view = view
            self.report_dialog.resize(860, 330)
        self.report_dialog.view.setPlainText(text)
        self.report_dialog.show()
        self.report_dialog.raise_()

    def choose_and_export(self) -> None:
        directory = QFileDialog.getExistingDirectory(self, {
            "pytorch": self.tr("Export to PyTorch: choose a folder"),
            "keras": self.tr("Export to Keras: choose a folder"),
            "onnx": self.tr("Export to ONNX: choose a folder"),
        }[self.target.key])
        if directory:
            folder = confirm_folder(self, Path(directory), self.target.key, Path(self._source_name()).stem)
            if folder is not None:
                self.export_to(folder)

def _set_keeping_scroll(view: QPlainTextEdit, text: str) -> None:
    if view.toPlainText() == text:
        return
    bar = view.verticalScrollBar()
    position = bar.value()
    view.setPlainText(text)
    bar.setValue(min(position, bar.maximum()))


class ExportActions:
    """What install_export_action adds to a window: the actions and (once opened) a preview dock per target."""

    def __init__(self, window: Any) -> None:
        self.window = window
        self.panels: dict[str, ExportPanel] = {}
        self.docks: dict[str, Any] = {}
        self.panel: ExportPanel | None = None  # the preview shown last, and its dock
        self.dock: Any = None
        file_menu = window.menu("&File")
        # Export and Import go above Quit, in a group of their own: Quit stays the File menu's last entry.
        quit_group = next((a for a in reversed(file_menu.actions()) if a.isSeparator()), None)
        export_menu = QMenu(translate("MainWindow", "E&xport"), file_menu)
        import_menu = QMenu(translate("MainWindow", "&Import"), file_menu)
        for menu in (export_menu, import_menu):
            if quit_group is None:
                file_menu.addMenu(menu)
            else:
                file_menu.insertMenu(quit_group, menu)
        if quit_group is not None:
            file_menu.insertSeparator(export_menu.menuAction())
        self.export_action = QAction(translate("MainWindow", "PyTorch..."), window)
        self.export_action.setToolTip(translate("MainWindow", "Show the PyTorch code of this network and export it"))
        self.export_action.triggered.connect(lambda checked=False: self.show_preview())
        export_menu.addAction(self.export_action)
        self.keras_action = QAction(translate("MainWindow", "Keras..."), window)
        self.keras_action.setToolTip(translate("MainWindow", "Show the Keras 3 code of this network and export it"))
        self.keras_action.triggered.connect(lambda checked=False: self.show_preview("keras"))
        export_menu.addAction(self.keras_action)
        self.onnx_action = QAction(translate("MainWindow", "ONNX..."), window)
        self.onnx_action.setToolTip(translate("MainWindow", "Export this network as an ONNX model (for Netron "
                                                            "and inference runtimes)"))
        self.onnx_action.triggered.connect(lambda checked=False: self.show_preview("onnx"))
        export_menu.addAction(self.onnx_action)
        self.import_action = QAction(translate("MainWindow", "PyTorch model..."), window)
        self.import_action.triggered.connect(lambda checked=False: import_pytorch(window))
        import_menu.addAction(self.import_action)
        if hasattr(window, "documentReplaced"):
            window.documentReplaced.connect(self._document_replaced)

    def show_preview(self, target: str = "pytorch") -> ExportPanel:
        if target not in self.panels:
            panel = ExportPanel(self.window.document, weights=self._weights, source_name=self._source_name,
                                target=target)
            right = Qt.DockWidgetArea.RightDockWidgetArea
            # Literal titles: packaging/check_tr.py hands add_dock's titles to lupdate.
            if target == "keras":
                self.docks[target] = self.window.add_dock(panel, "Keras code", right)
            elif target == "onnx":
                self.docks[target] = self.window.add_dock(panel, "ONNX export", right)
            else:
                self.docks[target] = self.window.add_dock(panel, "PyTorch code", right)
            panel.exported.connect(
                lambda folder: self._status(translate("ExportActions", "exported to %s") % folder))
            # A tab in the right column's group (the column is the window's full height), rather than a
            # sliver stacked under the other panels there.
            partner = self.window.findChild(QDockWidget, "dock_inspector")
            if partner is not None and not partner.isFloating() and hasattr(self.window, "tabifyDockWidget"):
                self.window.tabifyDockWidget(partner, self.docks[target])
            self.panels[target] = panel
        self.panel, self.dock = self.panels[target], self.docks[target]
        self.dock.show()
        self.dock.raise_()
        return self.panel

    def _document_replaced(self, document: GraphDocument) -> None:
        for panel in self.panels.values():
            panel.set_document(document)

    def _weights(self) -> Any:
        # The training session's current (possibly trained) weights; else the initial ones.
        session = getattr(getattr(self.window, "training", None), "session", None)
        return session.weights() if session is not None else None

    def _source_name(self) -> str:
        path = getattr(self.window, "file_path", "")
        return Path(path).name if path else ""

    def _status(self, message: str) -> None:
        if hasattr(self.window, "status"):
            self.window.status(message)


def install_export_action(window: Any) -> ExportActions:
    """Add File > Export > PyTorch... / Keras... / ONNX... and File > Import > PyTorch model...; the caller
    keeps what it returns."""
    return ExportActions(window)


def import_pytorch(window: Any, path: str | None = None, factory: str | None = None,
                   input_shape: tuple[int, ...] | None = None) -> GraphDocument | None:
    """Import FILE.py:FACTORY as the window's document; asks for what is not given. None if cancelled
    or refused (the reason is shown)."""
    from nnviz.export.importer import import_torch_model, load_factory

    if path is None:
        path, _ = QFileDialog.getOpenFileName(window, translate("MainWindow", "Import a PyTorch model"), "",
                                              translate("MainWindow", "Python files (*.py)"))
        if not path:
            return None
    if factory is None:
        question = translate("MainWindow", "Function (or class) in the file that returns the model:")
        factory, ok = QInputDialog.getText(window, translate("MainWindow", "Import a PyTorch model"), question,
                                           text="build_model")
        if not ok or not factory.strip():
            return None
    files = getattr(window, "files", None)
    if files is not None and hasattr(files, "maybe_save") and not files.maybe_save():
        return None
    try:
        model, module = load_factory(f"{path}:{factory.strip()}")
        shapes = [input_shape] if input_shape else None
        try:
            doc = import_torch_model(model, input_shapes=shapes, python_module=module)
        except ExportError as exc:
            if shapes is not None or "--input-shape" not in str(exc):
                raise
            text, ok = QInputDialog.getText(window, translate("MainWindow", "Import a PyTorch model"),
                                            translate("MainWindow", "Shape of one input sample, e.g. 3,32,32:"))
            if not ok:
                return None
            doc = import_torch_model(model, input_shapes=[_parse_shape(text)], python_module=module)
    except (ExportError, ValueError) as exc:
        QMessageBox.warning(window, translate("MainWindow", "Import a PyTorch model"), str(exc))
        return None
    window.set_document(doc)
    if hasattr(window, "status"):
        window.status(translate("MainWindow", "Imported %1").replace("%1", Path(path).name))
    return doc


def _parse_shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(p) for p in text.replace("x", ",").split(",") if p.strip())
    except ValueError:
        raise ExportError(f"{text!r} is not a shape like 3,32,32") from None
    if not shape or min(shape) < 1:
        raise ExportError(f"{text!r} is not a shape like 3,32,32")
    return shape
