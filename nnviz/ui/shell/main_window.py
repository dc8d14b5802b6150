"""The main window: canvas in the middle, palette, inspector, problems and history in docks.

Public surface for other panels (the training panels attach through `attach_training(window)`):
    window.document          the current GraphDocument (replaced on New/Open: see documentReplaced)
    window.documentReplaced  Signal(GraphDocument) after New, Open, Revert or recovery
    window.selectionChanged  Signal(str): the selected node id, or "" for none / several
    window.controller        GraphController: every undoable edit (set_param, set_data, set_training, ...)
    window.undo_stack        QUndoStack
    window.canvas            GraphView with highlight_node(id, "forward"|"backward"|"update"|None),
                             set_node_badge(id, text, tooltip), set_node_glyph(id, QImage | None)
    window.scene             GraphScene (node_items, selected_node_ids(), refreshed signal)
    window.add_dock(widget, title, area) -> QDockWidget (listed in the View menu, layout remembered)
    window.menu(name) -> QMenu  for "&File", "&Edit", "&View", "&Train", "&Help"
    window.toolbar           the main QToolBar
    window.status(message)   a status-bar message
    window.require_valid(action)  keep an action disabled, with the reason as tooltip, while the graph
                                  has errors
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import shiboken6
from PySide6.QtCore import QSettings, Qt, QTimer, Signal
from PySide6.QtGui import QAction, QCloseEvent, QUndoStack
from PySide6.QtWidgets import (
    QAbstractScrollArea,
    QDockWidget,
    QFrame,
    QMainWindow,
    QMenu,
    QMessageBox,
    QScrollArea,
    QToolBar,
    QUndoView,
    QWidget,
)

from nnviz.graph import Change, GraphDocument
from nnviz.ui.canvas.canvas_menu import show_menu
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.edit_actions import EditActions
from nnviz.ui.canvas.inspector import Inspector
from nnviz.ui.canvas.palette import Palette
from nnviz.ui.canvas.scene import GraphScene
from nnviz.ui.canvas.view import GraphView
from nnviz.ui.data.data_panel import DataPanel
from nnviz.ui.shell import dock_layout
from nnviz.ui.shell.file_actions import FileActions
from nnviz.ui.shell.problems import ProblemsPanel
from nnviz.ui.shell.recovery import DEFAULT_INTERVAL_S, Autosaver, default_recovery_dir, find_recoverable
from nnviz.ui.shell.window_actions import WindowActions
from nnviz.ui.widgets.icons import app_icon

if TYPE_CHECKING:
    from nnviz.ui.exercise import ExerciseMode
    from nnviz.ui.export.export_dialog import ExportActions
    from nnviz.ui.help import HelpActions
    from nnviz.ui.shell.start_page import StartPageEntry
    from nnviz.ui.shell.summary_dialog import SummaryDialog

MENUS = ("&File", "&Edit", "&View", "&Train", "&Help")
LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea


def app_settings() -> QSettings:
    return QSettings("nnviz", "nnviz")


class MainWindow(QMainWindow):
    documentReplaced = Signal(object)
    selectionChanged = Signal(str)

    def __init__(self, document: GraphDocument | None = None, file_path: str = "",
                 settings: QSettings | None = None, recovery_dir: Path | None = None,
                 autosave_interval_s: float = DEFAULT_INTERVAL_S, training: bool = True,
                 extensions: bool = True, first_run: bool = False) -> None:
        super().__init__()
        from nnviz.ui.shell.defaults import default_document

        self.settings = settings or app_settings()
        self.document = document if document is not None else default_document()
        self.file_path = file_path
        self.untitled_name = "" if document is not None else "xor"
        self.undo_stack = QUndoStack(self)
        self.controller = GraphController(self.document, self.undo_stack, self)
        self.scene = GraphScene(self.controller)
        self.canvas = GraphView(self.scene, self)
        self.setCentralWidget(self.canvas)
        self.setWindowIcon(app_icon())
        self.setDockNestingEnabled(True)
        self._menus: dict[str, QMenu] = {name: self.menuBar().addMenu(self.tr(name)) for name in MENUS}
        self.toolbar = QToolBar(self.tr("Main"), self)
        self.toolbar.setObjectName("toolbar_main")
        self.addToolBar(self.toolbar)
        self._valid_actions: list[QAction] = []
        self.menu_actions: WindowActions | None = None  # built once the parts it acts on exist

        self.palette = Palette()
        self.inspector = Inspector(self.controller)
        self.problems = ProblemsPanel(self.document)
        self.history = QUndoView(self.undo_stack)
        self.history.setEmptyLabel(self.tr("<start>"))
        self.palette_dock = self.add_dock(self.palette, "Layers", LEFT)
        self.inspector_dock = self.add_dock(self.inspector, "Inspector", RIGHT)
        self.problems_dock = self.add_dock(self.problems, "Problems", BOTTOM)
        self.history_dock = self.add_dock(self.history, "History", BOTTOM)
        self.tabifyDockWidget(self.problems_dock, self.history_dock)
        self.data_panel = DataPanel(self.document, self.controller)
        self.data_dock = self.add_dock(self.data_panel, "Data", LEFT, scroll=False)
        self.tabifyDockWidget(self.palette_dock, self.data_dock)
        self.palette_dock.raise_()
        self.problems_dock.raise_()

        self.files = FileActions(self)
        self.edits = EditActions(self.scene, self.controller, self.status, self)
        self.menu_actions = WindowActions(
            self, self.menu, self.toolbar, self.files, self.edits, self.canvas, self.controller, self.undo_stack,
            self.palette, [self.palette_dock, self.data_dock, self.inspector_dock, self.problems_dock,
                           self.history_dock], self.show_summary)
        self.autosaver = Autosaver(recovery_dir or default_recovery_dir(), autosave_interval_s, self)
        self.autosaver.start(lambda: (self.document, self.file_path, self.has_unsaved_work(), self.training_state))

        self.canvas.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)
        self.canvas.customContextMenuRequested.connect(self._context_menu)
        self.controller.refused.connect(lambda message: self.status(message, 10000))
        self.scene.selectionChanged.connect(self._selection_changed)
        self.problems.nodeActivated.connect(self.select_node)
        self.problems.problemsChanged.connect(lambda bad: dock_layout.problems_changed(self, bad))
        self.palette.activated.connect(lambda key: self.canvas.drop_layer(key, self.canvas.centre_of_view()))
        self.undo_stack.cleanChanged.connect(lambda clean: self.update_title())
        self.document.subscribe(self._on_change)
        self.resize(1280, 800)
        self.update_title()
        self._update_valid_actions()
        self.status(self.tr("Drag a layer from the palette onto the canvas; drag from an output port to an "
                            "input port to connect."), 0)

        from nnviz.ui.training import attach_training

        # The training side's panels; their controller (the session's owner) is `training`.
        self.training_panels = attach_training(self) if training else None
        self.training = self.training_panels.controller if self.training_panels is not None else None
        if self.training is not None:
            self.training.stepped.connect(self._on_hand_step)
            self.training.sessionChanged.connect(lambda: dock_layout.session_changed(self))
        self.export_actions: ExportActions | None = None
        self.help_actions: HelpActions | None = None
        self.start_page: StartPageEntry | None = None
        self.exercise: ExerciseMode | None = None
        if extensions:
            self._install_extensions(first_run)
        self._sized = False
        self._restore_layout()
        self.canvas.fit_all()

    # ------------------------------------------------------------ public surface
    def menu(self, name: str) -> QMenu:
        if name not in self._menus:
            self._menus[name] = self.menuBar().addMenu(self.tr(name))
        return self._menus[name]

    def add_dock(self, widget: QWidget, title: str, area: Qt.DockWidgetArea = RIGHT,
                 scroll: bool = True) -> QDockWidget:
        """Dock a panel; unless scroll=False (a panel that scrolls itself) it scrolls inside the dock."""
        # title is English: the object name (saved layouts, help lookups) stays the same in every language,
        # the visible title is translated (packaging/check_tr.py hands add_dock's titles to lupdate).
        dock = QDockWidget(self.tr(title), self)
        dock.setObjectName("dock_" + "".join(ch for ch in title.lower() if ch.isalnum()))
        dock_layout.narrow_combos(widget)
        if scroll and not isinstance(widget, QAbstractScrollArea):
            # A tall or wide panel scrolls inside its dock instead of forcing the window past the screen.
            scroller = QScrollArea()
            scroller.setWidgetResizable(True)
            scroller.setFrameShape(QFrame.Shape.NoFrame)
            scroller.setWidget(widget)
            widget = scroller
        dock.setWidget(widget)
        self.addDockWidget(area, dock)
        if self.menu_actions is not None:
            self.menu_actions.panels_menu.addAction(dock.toggleViewAction())
        return dock

    def status(self, message: str, msecs: int = 6000) -> None:
        self.statusBar().showMessage(message, msecs)

    def require_valid(self, action: QAction) -> None:
        self._valid_actions.append(action)
        self._update_valid_actions()

    def set_document(self, document: GraphDocument, file_path: str = "", state: dict | None = None,
                     untitled_name: str = "") -> None:
        """Replace the document (New, Open, Revert, recovery); the history starts afresh. `state`: the
        training state saved with it (the training panels continue from it); `untitled_name`: the title of
        a document not saved anywhere yet (an example opened as a copy)."""
        self.document.unsubscribe(self._on_change)
        self.document = document
        self.file_path = file_path
        self.untitled_name = untitled_name
        self.controller.set_document(document)
        self.scene.set_document(document)
        self.inspector.set_document(document)
        self.problems.set_document(document)
        self.data_panel.set_document(document)
        document.subscribe(self._on_change)
        self.undo_stack.setClean()
        self.update_title()
        self._update_valid_actions()
        self.canvas.fit_all()
        self.opened_state = state  # read by the training panels while documentReplaced is delivered
        try:
            self.documentReplaced.emit(document)
        finally:
            self.opened_state = None
        dock_layout.new_network(self)

    @property
    def file_path(self) -> str:
        """Where Save writes ("" for a document not saved anywhere yet)."""
        return self._file_path

    @file_path.setter
    def file_path(self, path: str) -> None:
        # One location: the document's meta["path"] (where its data paths resolve, what io.load sets)
        # follows the file, so after Save As the data, the title and the next Save agree.
        self._file_path = str(path)
        if path:
            self.document.meta["path"] = str(Path(path).resolve())

    def set_file_path(self, path: str) -> None:
        """The document now lives in `path` (after Save As)."""
        self.file_path = path
        self.update_title()

    def training_state(self) -> dict | None:
        """The trained state to save with the document (weights, optimiser, position, metrics, random)."""
        return self.training.saves.saved_state() if self.training is not None else None

    def has_unsaved_work(self) -> bool:
        """Edits not saved, or training done since the last save (autosave keeps both)."""
        return not self.undo_stack.isClean() or (self.training is not None and self.training.saves.unsaved_training())

    def discard_unsaved_work(self) -> None:
        """Drop the edits and the training on purpose (a script or a test is done with the window): closing
        will not ask whether to save them."""
        self.undo_stack.setClean()
        if self.training is not None:
            self.training.saves.mark_saved()

    def select_node(self, node_id: str) -> None:
        self.scene.select_nodes([node_id])
        item = self.scene.node_items.get(node_id)
        if item is not None:
            self.canvas.ensureVisible(item)

    def display_name(self) -> str:
        return Path(self.file_path).stem if self.file_path else (self.untitled_name or self.tr("untitled"))

    def update_title(self) -> None:
        self.setWindowTitle(f"{self.display_name()}[*] — nnviz")
        self.setWindowModified(not self.undo_stack.isClean())

    # ------------------------------------------------------------ recovery
    def offer_recovery(self) -> bool:
        """At start: if a crashed session left unsaved work, ask whether to restore it."""
        from nnviz.io import NnvizFileError, read

        for found in find_recoverable(self.autosaver.folder):
            what = Path(found.original).name if found.original else self.tr("an untitled network")
            answer = QMessageBox.question(
                self, self.tr("Recover unsaved work?"),
                self.tr("nnviz closed unexpectedly while %s had unsaved changes. Restore them?") % what,
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.Yes)
            if answer != QMessageBox.StandardButton.Yes:
                found.discard()
                continue
            try:
                doc, state = read(found.autosave)
            except NnvizFileError as exc:
                QMessageBox.warning(self, self.tr("Cannot recover"), str(exc))
                found.discard()
                continue
            self.set_document(doc, found.original, state)
            self.undo_stack.resetClean()  # recovered work is not saved anywhere yet
            self.update_title()
            self.autosaver.write(doc, found.original, state)  # keep it safe under this process's name
            found.discard()
            self.status(self.tr("Recovered unsaved work"))
            return True
        return False

    # ------------------------------------------------------------ internals
    def _on_change(self, change: Change) -> None:
        if change.kind not in ("moved", "data", "training"):
            self._update_valid_actions()

    def _update_valid_actions(self) -> None:
        analysis = self.document.analysis()
        if not self.document.nodes:
            why = self.tr("The network is empty: drag an Input layer from the palette")
        else:
            why = "" if analysis.valid else self.tr("Fix the graph first: %s") % analysis.messages()[0]
        for action in self._valid_actions:
            action.setEnabled(not why)
            action.setToolTip(why or action.text().replace("&", ""))
            action.setStatusTip(why)

    def _context_menu(self, pos) -> None:
        show_menu(self.canvas, self.controller, self.menu_actions.canvas_menu(), pos)

    def _selection_changed(self) -> None:
        if not shiboken6.isValid(self.scene) or not shiboken6.isValid(self.inspector):
            return  # the window is being torn down: items leaving the scene change the selection
        ids = self.scene.selected_node_ids()
        node_id = ids[0] if len(ids) == 1 else ""
        self.inspector.show_node(node_id)
        if node_id and self.inspector_dock.toggleViewAction().isChecked():
            self.inspector_dock.raise_()  # a click on a node asks what it is: show its editors
        self.selectionChanged.emit(node_id)

    def _install_extensions(self, first_run: bool) -> None:
        """The File menu's export and import, Help with the tour, language and theme, the examples gallery."""
        from nnviz.ui.export.export_dialog import install_export_action
        from nnviz.ui.help import install_help
        from nnviz.ui.shell.start_page import install_start_page

        self.export_actions = install_export_action(self)
        from nnviz.ui.exercise import install_exercise

        self.exercise = install_exercise(self)  # Train ▸ Exercise mode, Help ▸ Lessons (before Help explains docks)
        self.help_actions = install_help(self, first_run=first_run)
        self.start_page = install_start_page(self, self.files.open_example, self.help_actions, first_run=first_run)

    def _on_hand_step(self, view) -> None:
        """A micro-step by hand: its formula in front, its layer inside the canvas's view."""
        dock_layout.show_step_panels(self)
        if view.event.node is not None:
            self.canvas.show_node(view.event.node)

    def bring_forward(self, dock: QDockWidget) -> None:
        """A panel asks to be seen now (the attention view at its first micro-step): the layout finds it room."""
        dock_layout.bring_forward(self, dock)

    def reset_layout(self) -> None:
        """View ▸ Reset layout: every panel back where the default layout puts it, sized for this window."""
        dock_layout.arrange(self)
        dock_layout.front_tabs(self)
        QTimer.singleShot(0, self, self._settle_layout)  # sizes apply once the new structure is laid out

    def _settle_layout(self) -> None:
        dock_layout.size_docks(self)
        self.canvas.fit_all()  # the canvas just changed size: show the whole network again

    def showEvent(self, event) -> None:
        super().showEvent(event)
        if not self._sized:
            # Tabs and dock sizes only settle once the window has its real size; a restored layout wins.
            self._sized = True
            if self.settings.value("window/state") is None:
                self.reset_layout()

    def _restore_layout(self) -> None:
        geometry = self.settings.value("window/geometry")
        state = self.settings.value("window/state")
        if geometry is not None:
            self.restoreGeometry(geometry)
        if state is not None:
            self.restoreState(state)

    def show_summary(self) -> SummaryDialog:
        from nnviz.ui.shell.summary_dialog import SummaryDialog  # on demand: its text widths cost startup time

        dialog = SummaryDialog(self.document, self)
        dialog.show()
        return dialog

    def closeEvent(self, event: QCloseEvent) -> None:
        if not self.files.maybe_save():
            event.ignore()
            return
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/state", self.saveState())
        self.settings.sync()
        self.autosaver.timer.stop()
        self.autosaver.clear()
        event.accept()
