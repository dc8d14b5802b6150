"""The Data panel's Fetch row for the guides' sets: where the set was found, or Fetch with progress and Cancel.

FetchBox.show_for(spec) shows itself for {"kind": "known", ...} specs, and for a stand-in spec that offers
the real set (nnviz.data.guide_offer: the seed examples): then it offers Fetch while the set is missing and
"Use" once it is here (useReal carries the offer; use_offer applies it through the undoable controller).
Fetch runs nnviz.data.fetch in a worker thread (the window stays responsive); progress arrives through
a Relay (nnviz.ui.widgets.thread_relay), so closing the window mid-fetch is safe. Cancel keeps what
arrived so the next Fetch continues from there. When the set is ready, `fetched` is emitted and the panel
reloads the data.
"""

from __future__ import annotations

import threading
from typing import Any

from PySide6.QtCore import Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QProgressBar, QPushButton, QVBoxLayout, QWidget

from nnviz.data.fetch import CONNECT_TIMEOUT, READ_TIMEOUT, FetchCancelled, FetchError, fetch_set
from nnviz.data.fit import single_input
from nnviz.data.guide_offer import RealOffer, real_offer, use_real
from nnviz.data.known_sets import known_set, set_folder
from nnviz.data.locate import CHOSEN, FETCHED, KERAS, TORCHVISION, Copy
from nnviz.ui.widgets.thread_relay import Relay

CANCELLED = object()  # the worker's word for "the learner pressed Cancel" (worded here, in the GUI thread)


class FetchBox(QWidget):
    fetched = Signal(str)  # the folder the set is in
    useReal = Signal(object)  # a guide_offer.RealOffer the learner accepted
    progressed = Signal(int, int, str)  # bytes done, bytes in all (0: not known yet), the file arriving

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.name = ""
        self.cancel_event: threading.Event | None = None
        self.worker: threading.Thread | None = None
        self.timeout = (CONNECT_TIMEOUT, READ_TIMEOUT)  # seconds: connecting, then waiting for each piece
        self.where = QLabel()
        self.where.setWordWrap(True)
        self.fetch_button = QPushButton(self.tr("Fetch"))
        self.cancel_button = QPushButton(self.tr("Cancel"))
        self.use_button = QPushButton()
        self.offer: RealOffer | None = None
        self.bar = QProgressBar()
        self.bar.setFormat("%p %")
        row = QHBoxLayout()
        row.setContentsMargins(0, 0, 0, 0)
        row.addWidget(self.bar, 1)
        row.addWidget(self.use_button)
        row.addWidget(self.fetch_button)
        row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.where)
        layout.addLayout(row)
        self.fetch_button.clicked.connect(self.start)
        self.cancel_button.clicked.connect(self.cancel)
        self.use_button.clicked.connect(lambda: self.offer is not None and self.useReal.emit(self.offer))
        self._idle()
        self.hide()

    # ----------------------------------------------------------------- what is shown
    def show_for(self, spec: dict[str, Any]) -> None:
        """Show the row for a "known" spec (where its set is, or the Fetch button), or for a stand-in that
        offers its real set; hide it otherwise."""
        self.offer = real_offer(spec)
        self.use_button.setVisible(False)
        if self.offer is not None and not self.busy:
            self._show_offer(self.offer)
            return
        if spec.get("kind") != "known" or self.busy:
            self.setVisible(spec.get("kind") == "known" or self.busy)
            return
        try:
            known = known_set(str(spec.get("name", "")))
        except KeyError:
            self.hide()
            return
        from nnviz.data.known_source import real_copy

        self.name = known.key
        copy = real_copy(spec)
        if copy is not None:
            self.where.setText(self.tr("%1 from %2").replace("%1", known.title).replace("%2", self._where(copy)))
            self.fetch_button.setVisible(False)
        else:
            self.where.setText(self.tr("%1 is not on this computer yet. Fetch downloads it (about %2 MB) "
                                       "into %3 and checks every file.").replace("%1", known.title)
                               .replace("%2", str(known.size_mb)).replace("%3", str(set_folder(known))))
            self.fetch_button.setVisible(True)
        self.show()

    def _show_offer(self, offer: RealOffer) -> None:
        self.name = offer.known.key
        title = offer.known.title
        if offer.copy is not None:
            self.where.setText(self.tr("This example trains on a stand-in. %1 is on this computer (%2): use it, "
                                       "and the guide's settings apply (%3).").replace("%1", title)
                               .replace("%2", self._where(offer.copy)).replace("%3", self._changes(offer)))
            self.use_button.setText(self.tr("Use %1").replace("%1", title))
            self.use_button.setVisible(True)
            self.fetch_button.setVisible(False)
        else:
            self.where.setText(self.tr("This example trains on a stand-in for %1. Fetch %1 (about %2 MB) to "
                                       "train on the real set with the guide's settings (%3).").replace("%1", title)
                               .replace("%2", str(offer.known.size_mb)).replace("%3", self._changes(offer)))
            self.fetch_button.setVisible(True)
        self.show()

    def _where(self, copy: Copy) -> str:
        origin = {FETCHED: self.tr("fetched by nnviz"), KERAS: self.tr("Keras' cache"),
                  TORCHVISION: self.tr("torchvision's folder"), CHOSEN: self.tr("the folder you chose")}
        return f"{copy.path} ({origin.get(copy.origin, copy.origin)})"

    def _changes(self, offer: RealOffer) -> str:
        """What using the real set changes, in the UI language."""
        words = {"batch_size": self.tr("batch size %1"), "lr": self.tr("learning rate %1"),
                 "epochs": self.tr("%1 epochs"), "momentum": self.tr("momentum %1")}
        parts = [self.tr("input %1").replace("%1", str(tuple(offer.input_shape)))] if offer.input_shape else []
        parts += [words[k].replace("%1", f"{v:g}" if isinstance(v, float) else str(v))
                  for k, v in offer.training.items()]
        return self.tr(", ").join(parts)

    @property
    def busy(self) -> bool:
        return self.worker is not None and self.worker.is_alive()

    def _idle(self) -> None:
        self.bar.setVisible(False)
        self.cancel_button.setVisible(False)
        self.fetch_button.setEnabled(True)

    # ----------------------------------------------------------------- fetching
    def start(self) -> None:
        if self.busy or not self.name:
            return
        self.cancel_event = cancel = threading.Event()
        self.bar.setRange(0, 0)  # busy until the first byte says how much is coming
        self.bar.setVisible(True)
        self.cancel_button.setVisible(True)
        self.fetch_button.setEnabled(False)
        self.where.setText(self.tr("Fetching %1...").replace("%1", known_set(self.name).title))
        self.destroyed.connect(lambda *_: cancel.set())  # the window closed: stop at the next piece
        relay = Relay()
        relay.progress.connect(self._show_progress)
        relay.finished.connect(self._done)
        self.worker = relay.start_worker(fetch_in_worker, relay, self.name, self.cancel_event, self.timeout,
                                         name=f"nnviz-fetch-{self.name}")

    def cancel(self) -> None:
        if self.cancel_event is not None:
            self.cancel_event.set()

    def wait(self, timeout: float = 30.0) -> None:
        """Block until the worker ends (tests, closing the window)."""
        if self.worker is not None:
            self.worker.join(timeout)

    def _show_progress(self, report: tuple[int, int, str]) -> None:
        done, total, file = report
        self.progressed.emit(done, total, file)
        if total:
            # QProgressBar holds ints: count kilobytes so a 170 MB archive fits.
            self.bar.setRange(0, max(total // 1024, 1))
            self.bar.setValue(done // 1024)
        self.bar.setFormat(f"{file}: %p %" if total else f"{file}: {done >> 20} MB")

    def _done(self, outcome: tuple[str, object]) -> None:
        folder, problem = outcome
        self.worker = None  # it sent its last signal and is ending: the row is free again
        self._idle()
        if problem is CANCELLED:
            problem = self.tr("Cancelled. Fetch again to continue where it stopped.")
        if problem:
            self.where.setText(str(problem))
            self.fetch_button.setVisible(True)
            return
        self.fetched.emit(folder)


def fetch_in_worker(relay: Relay, name: str, cancel: threading.Event, timeout: tuple[float, float]) -> None:
    """The worker thread's whole job: fetch, then report (folder, "") or ("", what went wrong) through the relay.

    It touches no widget: the relay's queued signals carry everything to the GUI thread."""
    try:
        folder = fetch_set(name, progress=lambda done, total, file: relay.progress.emit((done, total, file)),
                           cancel=cancel, timeout=timeout)
    except FetchCancelled:
        relay.finished.emit(("", CANCELLED))
    except FetchError as exc:
        relay.finished.emit(("", str(exc)))
    except Exception as exc:  # a worker thread must always report back, or the row stays busy
        relay.finished.emit(("", f"{type(exc).__name__}: {exc}"))
    else:
        relay.finished.emit((str(folder), ""))


def use_offer(controller: Any, document: Any, offer: RealOffer) -> None:
    """Switch the document to the real set through the controller, so Undo goes back to the stand-in."""
    if controller is None:
        return
    staged = document.copy()
    use_real(staged, offer)  # what the document becomes; applied below as undoable edits
    controller.set_data(staged.data)
    node = single_input(staged)
    if node is not None and node.params != document.nodes[node.id].params:
        controller.set_param(node.id, "shape", node.params["shape"])
    controller.set_training(staged.training)
