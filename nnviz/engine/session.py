"""The training session: one training step as a sequence of micro-steps the user can stop between.

    batch -> forward of each node (topological order) -> loss -> backward of each node (reverse)
          -> update of each node with parameters

step() advances one micro-step and returns a MicroStep carrying the tensors of that micro-step
(names: see docs/ARCHITECTURE.md) and its formula. step_batch/step_epoch/run loop over the same
micro-steps with recording switched off, so stepping by hand and running give identical numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.cache import cached_dataset
from nnviz.data.dataset import Dataset
from nnviz.data.text import token_problems
from nnviz.engine.hand_edits import HandEdits
from nnviz.engine.history import MB, Checkpoint, History
from nnviz.engine.losses import make_loss
from nnviz.engine.metrics import EpochRow, Metrics
from nnviz.engine.microstep import MicroStep, NonFiniteError, Position, quiet
from nnviz.engine.network import DATA_STREAM, Network, SessionError, stream
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.session_view import SessionView
from nnviz.engine.targets import prepare_targets
from nnviz.engine.training_step import TrainingStep
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from nnviz.i18n import Message

__all__ = ["MicroStep", "NonFiniteError", "Session", "SessionError"]


class Session(TrainingStep, HandEdits):
    """A document's network training on its data; the only owner of training truth (see the module doc).

    Panels read it through `view` (named caches, read-only); changes go through its methods."""

    def __init__(self, doc: GraphDocument, dataset: Dataset | None = None,
                 settings: TrainingSettings | None = None, *, history_limit: int = 512,
                 checkpoint_stride: int = 16) -> None:
        self.doc = doc
        self.settings = settings or doc.training
        self.dataset = dataset if dataset is not None else document_dataset(doc)
        self.dtype = np.dtype(self.settings.dtype)
        self.net = Network.build(doc, self.settings.dtype, self.settings.seed)
        self.net.check_data(self.dataset.sample_shape, self.dataset.name or doc.data.get("name", "data"))
        lookups = token_problems(doc, self.dataset)  # ids an Embedding cannot look up would stop a step half way
        if lookups:
            raise SessionError(" ".join(lookups))
        self.loss_fn = make_loss(self.settings.loss)
        self.x_train = self.dataset.x_train.astype(self.dtype, copy=False)  # no second copy of a float32 set
        self.x_val = self.dataset.x_val.astype(self.dtype, copy=False)
        self.y_train = prepare_targets(self.dataset, self.dataset.y_train, self.settings.loss,
                                       self.net, self.dtype)
        self.y_val = prepare_targets(self.dataset, self.dataset.y_val, self.settings.loss, self.net, self.dtype)
        if len(self.x_train) == 0:
            raise SessionError(Message("The data set has no training samples"))
        self.layers = self.net.layers
        self.order = self.net.order
        self.n_batches = math.ceil(len(self.x_train) / self.settings.batch_size)
        if len(self.x_train) % self.settings.batch_size == 1 and any(
                layer.capabilities.batch_statistics for layer in self.net.layers.values()):
            raise SessionError(
                Message(
                "With {n_x_train} training samples and batch size {batch_size}, the last batch of every epoch holds "
                "one sample, and BatchNorm cannot normalise a single value: change the batch size by one",
                n_x_train=len(self.x_train), batch_size=self.settings.batch_size))
        self.history = History(self.settings.history_mb * MB, history_limit)
        self.rewind_note: str | None = None  # set by a rewind that had to replay far (see History)
        self.checkpoint_stride = checkpoint_stride
        self._start()

    # ----------------------------------------------------------------- state
    def _start(self) -> None:
        # Goes up whenever any weight may have changed (an update, rewind, reset, new weights): views
        # that depend only on the weights (a decision boundary) redraw when it moves, not every micro-step.
        self.weights_version = getattr(self, "weights_version", 0) + 1
        # The step-0 weights when they are not the document's own (carried over by load_weights).
        self.start_weights: dict[str, dict[str, np.ndarray]] | None = None
        self.optimizer = make_optimizer(self.settings)
        self.data_rng = stream(self.settings.seed, DATA_STREAM)
        self.metrics = Metrics()
        self.hand_edits = {}  # step -> weights set by hand at that boundary (nnviz.engine.hand_edits)
        self.steps_done = 0
        self.micro = 0
        self.epoch = 1
        self.batch_in_epoch = 0
        self.perm: np.ndarray | None = None
        self.halted: NonFiniteError | None = None
        self.last_event: MicroStep | None = None
        self.replayed: list[MicroStep] = []  # the micro-steps a rewind replayed to show its position (see _seek)
        self._gen: Iterator[MicroStep | None] | None = None
        self._record = True
        self._next: tuple[str, str | None] = ("batch", None)
        self._make_plan()
        self.history.add(self._checkpoint())

    def random_streams(self) -> list[np.random.Generator]:
        """Every random stream training draws from: the data order's, then each stochastic layer's."""
        return [self.data_rng, *(layer.rng for layer in self.layers.values() if layer.rng is not None)]

    def _checkpoint(self) -> Checkpoint:
        return Checkpoint(self.steps_done, self.micro, self.epoch, self.batch_in_epoch,
                          None if self.perm is None else self.perm.copy(), self.net.state(),
                          self.optimizer.state_copy(), [g.bit_generator.state for g in self.random_streams()],
                          self.metrics.lengths())

    def _restore(self, cp: Checkpoint) -> None:
        self.weights_version += 1
        self.steps_done, self.micro = cp.step, cp.micro
        self.epoch, self.batch_in_epoch = cp.epoch, cp.batch_in_epoch
        self.perm = None if cp.perm is None else cp.perm.copy()
        self.net.load_state(cp.network)
        for layer in self.layers.values():
            layer.forget_pass()  # a replay to the target step derives them again
        self._apply_edits(cp.step)  # already in the checkpoint; applied again in case it was taken before
        self.optimizer.load_state(cp.optimizer)
        for g, state in zip(self.random_streams(), cp.rng_states):
            g.bit_generator.state = state
        self.metrics.truncate(cp.metric_lengths)
        self._gen = None
        self.halted = None
        self.last_event = None
        self._next = ("batch", None)
        self._cursor = 0

    def resume_point(self) -> Checkpoint:
        """The state at the start of the current training step (what a saved file continues from)."""
        if not self.mid_step and not self.halted:
            return self._checkpoint()
        cp = self.history.at_or_before(self.steps_done)
        if cp is None:  # pragma: no cover - step 0 is always kept
            raise SessionError(Message("no checkpoint to save from"))
        return cp

    def restore_checkpoint(self, cp: Checkpoint, metrics: dict[str, list[Any]]) -> None:
        """Continue from a saved state (nnviz.engine.training_state): its metrics, then its checkpoint.

        The checkpoint joins the history, so rewinding before it replays from step 0."""
        for name, values in metrics.items():
            setattr(self.metrics, name, list(values))
        self._restore(cp)
        self.history.add(cp)

    @property
    def view(self) -> SessionView:
        """What panels read: each node's named caches (parameters, gradients, z, delta, output), read-only."""
        return SessionView(self)

    @property
    def mid_step(self) -> bool:
        return self._gen is not None

    @property
    def position(self) -> Position:
        return Position(self.steps_done, self.epoch, self.batch_in_epoch, *self._next)

    def load_weights(self, state: dict[str, dict[str, np.ndarray]]) -> list[str]:
        """Carry weights over from another session (after an edit of the graph) at step 0.

        Only nodes whose every tensor exists here with the same shape are loaded; the others keep
        their fresh values. The loaded state becomes the one Reset returns to. Returns the node ids
        loaded. Refused mid-training: call it on a new session."""
        if self.steps_done or self.mid_step:
            raise SessionError(Message("weights can only be carried over into a session that has not started"))
        current = self.net.state()
        keep = {}
        for nid, tensors in state.items():
            here = current.get(nid)
            if here and set(here) == set(tensors) and all(here[k].shape == np.shape(v) for k, v in tensors.items()):
                keep[nid] = {k: np.asarray(v, dtype=here[k].dtype) for k, v in tensors.items()}
        if keep:
            # Values equal to this session's own fresh ones (an untrained session rebuilt after an edit)
            # change nothing: the start stays the document's, and a saved file needs no state for it.
            same = all(np.array_equal(v, current[nid][k]) for nid, t in keep.items() for k, v in t.items())
            self.weights_version += 1
            self.net.load_state(keep)
            self.history.clear()
            start = self._checkpoint()
            self.history.add(start)
            if not same or self.start_weights is not None:
                self.start_weights = start.network
        return list(keep)

    def weights(self) -> dict[str, dict[str, np.ndarray]]:
        """Current parameters and buffers (copies), by node id then PyTorch state_dict name."""
        return self.net.state()

    # ----------------------------------------------------------------- stepping
    def step(self) -> MicroStep:
        """Advance one micro-step, recording its tensors and formula."""
        if self.halted:
            raise self.halted
        if self._gen is None:
            self._open_step(checkpoint=True)  # every step taken by hand can be rewound to at once
        self._record = True
        self.micro += 1
        with quiet():
            event = next(self._gen)
        self.last_event = event
        self._check_event(event)
        self._end_if_done()
        return event

    def _open_step(self, checkpoint: bool) -> None:
        """Start the next training step, first saving the state it starts from when asked."""
        self._apply_edits(self.steps_done)
        if checkpoint and not self.history.has(self.steps_done):
            self.history.add(self._checkpoint())
        self._gen = self._train_step()

    def _end_if_done(self) -> None:
        if self._cursor >= len(self._plan) and self._gen is not None:
            # The generator has applied the last update; run it to its end (metrics, epoch end).
            with quiet():
                for _ in self._gen:
                    pass
            self._gen = None

    def _check_event(self, event: MicroStep) -> None:
        for name, value in event.tensors.items():
            if value.dtype.kind == "f" and not np.all(np.isfinite(value)):
                name_of = self.net.names.get(event.node) if event.node else None
                self.halted = NonFiniteError(event, name, name_of)
                raise self.halted

    def _fast_step(self, checkpoint_each: bool = False) -> float:
        """One whole training step without recording (checkpointed every `checkpoint_stride` steps, or
        each step with checkpoint_each).

        Only the loss is checked here (a NaN or infinite weight reaches the next loss through the
        forward pass); on a non-finite loss, the previous and this step are replayed with recording
        so the session stops at the exact micro-step that made the first non-finite value."""
        if self.halted:
            raise self.halted
        if self._gen is None:
            self._open_step(checkpoint_each or self.steps_done % max(self.checkpoint_stride, 1) == 0)
        start = self.steps_done
        self._record = False
        with quiet():
            for _ in self._gen:
                self.micro += 1
        self._gen = None
        loss = self.metrics.step_loss[-1]
        if not math.isfinite(loss):
            self._replay_to_fault(max(start - 1, 0))
        return loss

    def _replay_to_fault(self, step: int) -> None:
        self._seek(step)
        for _ in range(100_000):
            self.step()  # raises NonFiniteError at the faulty micro-step
        raise SessionError(Message("a non-finite value appeared that could not be located"))  # pragma: no cover

    def step_batch(self) -> float:
        """Finish the current training step (or do one whole step); returns its loss."""
        return self._fast_step()

    def step_epoch(self) -> EpochRow:
        """Finish the current epoch."""
        epoch = self.epoch
        while self.epoch == epoch:
            self._fast_step()
        return self.metrics.epochs[-1]

    def run(self, *, steps: int | None = None, epochs: int | None = None, until_loss: float | None = None,
            should_stop: Callable[[], bool] | None = None, on_step: Callable[[Session], None] | None = None) -> int:
        """Train at full speed until a condition holds; returns the number of steps taken.

        With no condition, runs the settings' number of epochs from where the session is."""
        if steps is None and epochs is None and until_loss is None and should_stop is None:
            epochs = max(self.settings.epochs - self.epoch + 1, 0)
        target_epoch = None if epochs is None else self.epoch + epochs
        done = 0
        while True:
            if steps is not None and done >= steps:
                break
            if target_epoch is not None and self.epoch >= target_epoch:
                break
            if should_stop is not None and should_stop():
                break
            loss = self._fast_step()
            done += 1
            if on_step is not None:
                on_step(self)
            if until_loss is not None and loss <= until_loss:
                break
        return done

    # ----------------------------------------------------------------- going back
    def _seek(self, step: int, show_last: bool = False) -> None:
        """Put the session at the start of training step `step + 1` (after `step` completed steps).

        show_last: replay step `step` itself micro-step by micro-step, recorded, so that the layers hold its
        z, outputs, deltas and gradients and `replayed` its micro-steps, as when the position was first
        reached; a checkpoint holds weights only, and restoring it alone would leave the panels blank."""
        start = step - 1 if show_last and step > 0 else step
        cp = self.history.at_or_before(start)
        if cp is None:  # pragma: no cover - step 0 is always kept
            raise SessionError(Message("no checkpoint to go back to"))
        self.rewind_note = self.history.replay_note(step)
        self._restore(cp)
        self.history.drop_after(step)
        while self.steps_done < start:
            # Each replayed step is kept, so rewinding again from here is immediate.
            self._fast_step(checkpoint_each=True)
        self.replayed = []
        if start < step:
            self._replay_recorded(step)

    def _replay_recorded(self, step: int) -> None:
        """Take the next training step by micro-steps, keeping them in `replayed` (see _seek)."""
        events = []
        try:
            while not events or self.mid_step:
                events.append(self.step())
        except NonFiniteError:  # pragma: no cover - the step completed before, with a finite loss
            self.halted = None
            self._restore(self.history.at_or_before(step))
            return
        self.replayed = events

    def rewind(self) -> bool:
        """Back one training step: mid-step to the start of this step, else to the start of the previous.
        Returns False at the very beginning."""
        if self.mid_step or self.halted:
            target = self.steps_done
        elif self.steps_done == 0:
            return False
        else:
            target = self.steps_done - 1
        self._seek(target, show_last=True)
        return True

    def reset(self) -> None:
        """Back to the initial weights and data order of this seed."""
        self._seek(0)

    def reinitialize(self, seed: int) -> None:
        """Fresh weights from a new seed (and a new data order)."""
        self.settings = self.settings.with_(seed=seed)
        self.net = Network.build(self.doc, self.settings.dtype, seed)
        self.layers = self.net.layers
        self.history.clear()
        self._start()

    # ----------------------------------------------------------------- using the model
    def predict(self, x: np.ndarray, batch: int = 4096) -> np.ndarray:
        """The network's output for x (batch, *input shape), in evaluation mode."""
        self.net.set_training(False)
        try:
            x = np.asarray(x, dtype=self.dtype)
            chunks = range(0, max(len(x), 1), batch)
            return np.concatenate([self.net.forward(x[i:i + batch], detached=True) for i in chunks])
        finally:
            self.net.set_training(True)

    def _evaluate(self, x: np.ndarray, y: np.ndarray) -> tuple[float, float | None]:
        pred = self.predict(x)
        return self.loss_fn.forward(pred, y), self.loss_fn.accuracy(pred, y)

    def evaluate(self, split: str = "val") -> tuple[float | None, float | None]:
        """(loss, accuracy) on the training or validation split, in evaluation mode."""
        x, y = (self.x_train, self.y_train) if split == "train" else (self.x_val, self.y_val)
        if not len(x):
            return None, None
        return self._evaluate(x, y)


def document_dataset(doc: GraphDocument) -> Dataset:
    """The data set a document names; file paths in it are relative to the document's own file. Loaded
    once per spec and file time (nnviz.data.cache): a graph edit builds a new session on the same data."""
    return cached_dataset(doc.data, base_dir=document_folder(doc))


def document_folder(doc: GraphDocument) -> Path | None:
    """The folder a document's relative data paths resolve against (its file's), or None."""
    path = doc.meta.get("path")
    return Path(path).parent if path else None
