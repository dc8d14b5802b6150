"""The document's data set loaded off the GUI thread when it is not cached yet, with a busy bar and Cancel.

A graph edit rebuilds the session on the data set already in the cache (nnviz.data.cache): no load at
all. A data set not loaded yet (a file just opened, another data source chosen) is read on a worker
thread; the window waits for it up to WAIT_S (small files: no flicker of a progress bar), then keeps
responding, shows a busy bar with Cancel in the status bar, and builds the session when the data is
there. Cancel stops the waiting (the worker's result still lands in the cache).
"""

from __future__ import annotations

import threading
from pathlib import Path
from typing import Any

from PySide6.QtCore import QCoreApplication, QObject, Signal
from PySide6.QtWidgets import QProgressBar, QPushButton

from nnviz.data.cache import cached_dataset, is_cached
from nnviz.engine.session import document_folder
from nnviz.graph.document import GraphDocument
from nnviz.ui.widgets.thread_relay import Relay

WAIT_S = 2.0  # how long the window waits for a load before it shows progress and goes on responding


class DataLoader(QObject):
    ready = Signal()  # the data set waited for is in the cache: build the session now
    cancelled = Signal()  # the learner stopped waiting
    loadingChanged = Signal(str)  # what is loading ("" when nothing is)

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._waiting: object | None = None
        self.text = ""  # what is loading now, as loadingChanged last said
        self.loadingChanged.connect(lambda text: setattr(self, "text", text))

    @property
    def loading(self) -> bool:
        return self._waiting is not None

    def ensure(self, doc: GraphDocument) -> bool:
        """True when the document's data set is ready now; else it loads in the background and `ready`
        follows (unless cancelled)."""
        return self.ensure_spec(doc.data, document_folder(doc))

    def ensure_spec(self, spec: dict[str, Any], folder: Path | None) -> bool:
        """ensure() for a data spec and the folder its relative paths resolve against."""
        if is_cached(spec, folder):
            self._stop_waiting()
            return True
        token = object()
        self._waiting = token
        finished = threading.Event()
        relay = Relay()  # the window or panel that asked may be closed before the load ends
        relay.finished.connect(self._finished)

        def work() -> None:
            try:
                cached_dataset(spec, base_dir=folder)
            except Exception:
                pass  # the session build that follows reads the same spec and reports its error to the learner
            finally:
                relay.finished.emit(token)
                finished.set()

        relay.start_worker(work, name="nnviz data load")
        if finished.wait(WAIT_S):
            self._waiting = None  # the queued _done for this token finds nobody waiting
            return True
        name = spec.get("name") or spec.get("path") or spec.get("kind", "")
        self.loadingChanged.emit(QCoreApplication.translate("DataLoader", "Loading the data set %1 …")
                                 .replace("%1", str(name)))
        return False

    def cancel(self) -> None:
        if self._waiting is not None:
            self._stop_waiting()
            self.cancelled.emit()

    def _stop_waiting(self) -> None:
        if self._waiting is not None:
            self._waiting = None
            self.loadingChanged.emit("")

    def _finished(self, token: object) -> None:
        if token is self._waiting:
            self._waiting = None
            self.loadingChanged.emit("")
            self.ready.emit()


def add_progress(status_bar: Any, loader: DataLoader) -> tuple[QProgressBar, QPushButton]:
    """A busy bar and a Cancel button in the window's status bar, shown while a data set loads."""
    bar = QProgressBar()
    bar.setRange(0, 0)  # busy: a loader does not say how far it is
    bar.setMaximumWidth(160)
    cancel = QPushButton(QCoreApplication.translate("DataLoader", "Cancel"))
    cancel.setToolTip(QCoreApplication.translate("DataLoader", "Stop waiting for the data set"))
    cancel.clicked.connect(loader.cancel)
    for widget in (bar, cancel):
        widget.hide()
        status_bar.addPermanentWidget(widget)

    def show(text: str) -> None:
        bar.setVisible(bool(text))
        cancel.setVisible(bool(text))
        bar.setToolTip(text)
        if text:
            status_bar.showMessage(text)

    loader.loadingChanged.connect(show)
    show(loader.text)  # a load that began before the window was put together
    return bar, cancel
