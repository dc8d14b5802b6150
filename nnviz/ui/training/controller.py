"""TrainingController: owns the Session, steps it, runs it in time slices and tells the views.

Running never blocks the event loop: a zero-interval QTimer calls _run_slice(), which trains whole
batches for at most SLICE_MS and then returns to Qt. Pausing therefore always lands between two
training steps. Views do not redraw per step: they listen to `changed` and a RedrawThrottle redraws
the visible ones at most 60 times a second.
"""

from __future__ import annotations

import gc
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
from PySide6.QtCore import QObject, QTimer, Signal
from PySide6.QtGui import QUndoStack

from nnviz.data.dataset import DataError
from nnviz.engine.formula_text import Formula
from nnviz.engine.history import MB
from nnviz.engine.network import SessionError
from nnviz.engine.session import MicroStep, NonFiniteError, Session
from nnviz.engine.training_state import restore_training, same_run
from nnviz.graph.document import Change, GraphDocument
from nnviz.graph.settings import SettingsError, TrainingSettings
from nnviz.ui.training.run_limit import WATCHABLE_SPEED, epochs_done
from nnviz.ui.training.saving import TrainingSaves
from nnviz.ui.training.weight_edits import HandWeightEdit
from nnviz.ui.widgets.data_loading import DataLoader

SLICE_MS = 8.0  # training time per event-loop turn: leaves half of a 16 ms frame for drawing
# After a long event-loop turn (a big repaint) the next slice is this short, so that the turn and the slice
# together never hold the loop for much more than the repaint itself.
SHORT_SLICE_MS = 2.0
SPEEDS: list[int | None] = [1, 5, 20, 100, 1000, None]  # steps a second per speed index (None: at once)


@dataclass
class StepView:
    """What the panels show for the current micro-step: the event and the engine's formula of it."""

    event: MicroStep
    formula: Formula | None
    node_name: str | None
    tensors: dict[str, np.ndarray] = field(default_factory=dict)


class TrainingController(QObject):
    # Anything the views show may have changed. True: a hand action, redraw now; False: a run slice,
    # redraw at the display's pace (the throttle coalesces).
    changed = Signal(bool)
    stepped = Signal(object)  # StepView of a recorded micro-step
    runningChanged = Signal(bool)
    halted = Signal(object)  # NonFiniteError
    sessionChanged = Signal()  # a new session (rebuilt, re-initialised) or none
    nodeSelected = Signal(object)  # the node id the learner selected, or None
    message = Signal(str)  # a problem or notice for the learner

    def __init__(self, doc: GraphDocument, parent: QObject | None = None,
                 apply_settings: Callable[[TrainingSettings], object] | None = None,
                 undo_stack: QUndoStack | None = None) -> None:
        """apply_settings: how a settings change reaches the document (the window's undoable controller;
        else the document directly); undo_stack: the window's, which hand weight edits go on."""
        super().__init__(parent)
        self.doc: GraphDocument | None = None
        self.session: Session | None = None
        self.problem: str | None = None  # why there is no session
        self.current: StepView | None = None
        self.speed_index = SPEEDS.index(WATCHABLE_SPEED)  # the slider goes up to "max"
        self.selected_node: str | None = None
        self._seen: dict[str, dict[str, np.ndarray]] = {}  # this step's tensors per node (neuron, health views)
        self._timer = QTimer(self)
        self._timer.setInterval(0)
        self._timer.timeout.connect(self._run_slice)
        self._run_started = 0.0
        self.halt_node: str | None = None
        self.saves = TrainingSaves(self)  # what a Save writes; training done since the last one
        self.halt_text = ""
        self._run_steps = 0
        self._slice_end = 0.0
        self.apply_settings = apply_settings
        self.undo_stack = undo_stack
        self.loader = DataLoader(self)  # data sets not cached yet load on a worker thread
        self._pending: tuple[dict, dict | None] | None = None  # what a session waiting for its data keeps
        self.loader.ready.connect(self._build)
        self.loader.cancelled.connect(self._load_cancelled)
        self.set_document(doc)

    # ------------------------------------------------------------------ document
    def set_document(self, doc: GraphDocument, state: dict | None = None) -> None:
        """A new document (New, Open, recovery); `state`: the training state saved with it, to continue."""
        if self.doc is not None:
            self.doc.unsubscribe(self._on_change)
        self.doc = doc
        doc.subscribe(self._on_change)
        self.pause()
        self.session = None
        self.rebuild(keep_weights=False, saved=state)
        self.saves.mark_saved()

    def _on_change(self, change: Change) -> None:
        if change.kind in ("moved",):
            return
        if change.kind == "renamed":  # the session reads names from the document: only redraw
            self.changed.emit(True)
            return
        s = self.session
        if change.kind == "training" and s is not None and same_run(s.settings, self.doc.training):
            # Only the epochs or the rewind memory changed: the run goes on where it is.
            s.settings = self.doc.training
            s.history.set_budget(self.doc.training.history_mb * MB)
            self.changed.emit(True)
            return
        # Any edit of the network, the data or the settings: pause, then rebuild keeping what still fits.
        self.pause()
        # Typed starting weights replace the trained ones of that node; all else keeps what fits.
        fresh = {change.node} if change.kind == "weights" else set()
        # A new seed means new starting weights (that is what a seed is for); other settings keep them.
        new_seed = (change.kind == "training" and self.session is not None
                    and self.session.settings.seed != self.doc.training.seed)
        self.rebuild(keep_weights=change.kind != "replaced" and not new_seed, fresh=fresh)

    def rebuild(self, keep_weights: bool = True, fresh: set[str | None] | None = None,
                saved: dict | None = None) -> None:
        """A new Session for the document; with keep_weights, layers whose weight shapes did not change
        keep their current values (and those become the weights Reset returns to). `saved`: a training
        state read from a file, continued exactly when it fits the document."""
        old = self.saves.weights_to_keep(keep_weights, fresh or set(), saved)
        self.session, self.problem, self.current = None, None, None
        self._seen.clear()
        self._pending = (old, saved)
        if self.loader.ensure(self.doc):  # cached (a graph edit) or read within a moment
            self._build()
            return
        self.problem = self.tr("Loading the data set: training can start once it is read")
        self.sessionChanged.emit()
        self.changed.emit(True)

    def _build(self) -> None:
        if self._pending is None:
            return
        (old, saved), self._pending = self._pending, None
        try:
            session = Session(self.doc)
        except (SessionError, DataError, SettingsError, ValueError) as exc:
            self.problem = str(exc)
            self.message.emit(self.problem)
        else:
            if saved is not None:
                restored = restore_training(session, saved)
                if restored.message:
                    self.message.emit(restored.message)
            elif old:
                # Layers whose tensors survived the edit unchanged in shape keep their values (Reset too).
                session.load_weights(old)
            self.session = session
        self.saves.built(saved, self.session is not None)
        self.sessionChanged.emit()
        self.changed.emit(True)

    def _load_cancelled(self) -> None:
        self._pending = None
        self.problem = self.tr("Loading the data set was cancelled: choose other data in the Data panel, "
                               "or open the file again to wait for it")
        self.message.emit(self.problem)
        self.sessionChanged.emit()
        self.changed.emit(True)

    @property
    def seen(self) -> Mapping[str, dict[str, np.ndarray]]:
        """Tensors seen this training step per node (read-only: the panels' context)."""
        return MappingProxyType(self._seen)

    # ------------------------------------------------------------------ stepping by hand
    @property
    def running(self) -> bool:
        return self._timer.isActive()

    def step(self) -> StepView | None:
        """One micro-step, recorded."""
        if not self._ready():
            return None
        try:
            event = self.session.step()
        except NonFiniteError as err:
            self._on_halt(err)
            return self.current
        getattr(self, "ask_first", lambda _: False)(event) or self.show(event)  # exercise mode may ask it first
        return self.current

    def step_batch(self) -> None:
        if not self._ready():
            return
        self._fast(self.session.step_batch)

    def step_epoch(self) -> None:
        if not self._ready():
            return
        self._fast(self.session.step_epoch)

    def _fast(self, action) -> None:
        try:
            action()
        except NonFiniteError as err:
            self._on_halt(err)
            return
        self._show_steps([])

    def _ready(self) -> bool:
        if self.session is None:
            if self.problem:
                self.message.emit(self.problem)
            return False
        if self.session.halted is not None:
            self.message.emit(self.tr("Training stopped at a NaN or infinity: rewind first"))
            return False
        self.pause()
        return True

    def show(self, event: MicroStep) -> None:
        s = self.session
        if event.phase == "batch":
            self._seen.clear()
        node = event.node
        if node is not None:
            self._seen.setdefault(node, {}).update(event.tensors)
        name = s.net.names.get(node) if node else None
        self.selected_node = None  # a step moves the focus to its active node
        # The engine's formula, the same one `nnviz trace` prints: never recomputed here.
        self.current = StepView(event, event.formula, name, dict(event.tensors))
        self.stepped.emit(self.current)
        self.changed.emit(True)

    def _on_halt(self, err: NonFiniteError) -> None:
        self.pause()
        self.show(err.event)
        self.halt_node, self.halt_text = self._explain_halt(err)
        self.halted.emit(err)
        self.message.emit(self.halt_text)

    def _explain_halt(self, err: NonFiniteError) -> tuple[str | None, str]:
        """The node to point at and the words for it. A loss that overflows is the output layer's doing
        (its prediction grew too large), so that is the node named; the loss itself is no node."""
        s = self.session
        if err.event.node is not None:
            return err.event.node, str(err)
        out = s.net.output_id
        pred = err.event.tensors.get("prediction")
        size = f" (its output reached {np.nanmax(np.abs(pred)):.3g})" if pred is not None and pred.size else ""
        return out, f"{err} The value came from the output layer '{s.net.names[out]}'{size}."

    # ------------------------------------------------------------------ running
    def set_speed(self, index: int) -> None:
        self.speed_index = max(0, min(index, len(SPEEDS) - 1))

    def toggle_run(self) -> None:
        if self.running:
            self.pause()
        else:
            self.run()

    def run(self) -> None:
        if self.running or not self._ready() or epochs_done(self):
            return
        self.current = None
        self._seen.clear()
        self._run_started = time.perf_counter()
        self._run_steps = 0
        # A full garbage collection walks every Python object (Qt wrappers, plots, checkpoints): ~40 ms
        # here, one whole stall. Frozen objects are skipped, so while running only new ones are walked.
        gc.freeze()
        self._timer.start()
        self.runningChanged.emit(True)

    def pause(self) -> None:
        if self._timer.isActive():
            self._timer.stop()
            gc.unfreeze()
            self.runningChanged.emit(False)
            self.changed.emit(True)

    def _run_slice(self) -> None:
        """Train whole batches for at most SLICE_MS (and no faster than the chosen speed)."""
        s = self.session
        if s is None:
            self.pause()
            return
        speed = SPEEDS[self.speed_index]
        now = time.perf_counter()
        busy = now - self._slice_end > 0.012  # Qt just spent a while (painting): keep this slice short
        deadline = now + (SHORT_SLICE_MS if busy else SLICE_MS) / 1000.0
        if speed is not None:
            allowed = int((time.perf_counter() - self._run_started) * speed) + 1 - self._run_steps
            if allowed <= 0:
                return
        else:
            allowed = 1 << 30
        try:
            while allowed > 0:
                s.step_batch()
                self._run_steps += 1
                allowed -= 1
                # Epochs first: a slice out of time at the last epoch's end must not train into one more.
                if (s.batch_in_epoch == 0 and epochs_done(self)) or time.perf_counter() >= deadline:
                    break
        except NonFiniteError as err:
            self._on_halt(err)
            return
        finally:
            self._slice_end = time.perf_counter()
        self.changed.emit(False)

    # ------------------------------------------------------------------ weights by hand
    def edit_weight(self, node: str, tensor: str, index: tuple[int, ...], value: float) -> bool:
        """Set one weight by hand: a session command (kept by Rewind and replay), undoable in the window."""
        if self.session is None:
            return False
        self.pause()
        try:
            self.session.check_edit(node, tensor, index, value)
        except SessionError as exc:
            self.message.emit(str(exc))
            return False
        command = HandWeightEdit(self, node, tensor, tuple(index), value)
        self.undo_stack.push(command) if self.undo_stack is not None else command.redo()
        return True

    def after_hand_edit(self) -> None:
        self._show_steps([])  # a step's micro-steps so far were recomputed: show the live state

    # ------------------------------------------------------------------ going back
    def rewind(self) -> bool:
        if self.session is None:
            return False
        self.pause()
        went = self.session.rewind()
        if self.session.rewind_note:  # a long replay, because the history kept that far back sparsely
            self.message.emit(self.session.rewind_note)
        self._show_steps(self.session.replayed)
        return went

    def reset(self) -> None:
        if self.session is None:
            return
        self.pause()
        self.session.reset()
        self._show_steps([])

    def _show_steps(self, events: list[MicroStep]) -> None:
        """Show the micro-steps of the step that ended here (a rewind replays it: as when first reached), or none."""
        self.current = None
        self._seen.clear()
        for event in events:
            if event.node is not None:
                self._seen.setdefault(event.node, {}).update(event.tensors)
        if events:
            last, names = events[-1], self.session.net.names
            self.current = StepView(last, last.formula, names.get(last.node) if last.node else None, dict(last.tensors))
            self.stepped.emit(self.current)
        self.changed.emit(True)

    def reinitialize(self, seed: int | None = None) -> int | None:
        """Fresh weights from a new seed (the next seed by default), written into the document's settings
        so the settings panel and a saved file agree with the weights; returns the seed used."""
        if self.session is None:
            return None
        self.pause()
        seed = self.session.settings.seed + 1 if seed is None else seed
        settings = self.doc.training.with_(seed=seed)
        if self.apply_settings is not None:
            self.apply_settings(settings)  # undoable through the window; rebuilds via _on_change
        else:
            self.doc.set_training(settings)
        return seed

    # ------------------------------------------------------------------ reading
    def select_node(self, node: str | None) -> None:
        """The learner selected a node ("" or None: none): the panels show it until the next micro-step."""
        self.selected_node = node or None
        self.nodeSelected.emit(self.selected_node)

    def node_tensors(self, node: str) -> dict[str, np.ndarray]:
        """Everything known about a node now: this step's recorded tensors, else its live state."""
        s = self.session
        if s is None or node not in s.layers:
            return {}
        if self.current is not None and self.current.event.node == node:
            return self.current.tensors
        if node in self._seen:
            return dict(self._seen[node])
        out = s.view.cache(node)
        out.pop("output", None)  # the live state a step leaves: parameters, gradients, z and delta
        return out

    def steps_per_second(self) -> float:
        elapsed = time.perf_counter() - self._run_started
        return self._run_steps / elapsed if elapsed > 0 else 0.0
