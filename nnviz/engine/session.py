"""The training session: one training step as a sequence of micro-steps the user can stop between.

    batch -> forward of each node (topological order) -> loss -> backward of each node (reverse)
          -> update of each node with parameters

step() advances one micro-step and returns a MicroStep carrying the tensors of that micro-step
(names: see docs/ARCHITECTURE.md) and its formula. step_batch/step_epoch/run loop over the same
micro-steps with recording switched off, so stepping by hand and running give identical numbers.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.dataset import Dataset, load_dataset
from nnviz.data.text import token_problems
from nnviz.engine.formula_text import Context, Formula
from nnviz.engine.hand_edits import HandEdits
from nnviz.engine.history import MB, Checkpoint, History
from nnviz.engine.losses import make_loss
from nnviz.engine.metrics import EpochRow, Metrics
from nnviz.engine.network import DATA_STREAM, Network, SessionError, stream
from nnviz.engine.optimizers import make_optimizer
from nnviz.engine.targets import prepare_targets
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings

__all__ = ["MicroStep", "NonFiniteError", "Session", "SessionError"]

# Overflow and NaN are reported as a NonFiniteError naming the micro-step, not as NumPy warnings.
def _quiet() -> np.errstate:
    return np.errstate(over="ignore", invalid="ignore", divide="ignore", under="ignore")


@dataclass
class MicroStep:
    index: int  # micro-steps since reset, 1-based
    step: int  # the training step (batch) this micro-step belongs to, 1-based
    epoch: int  # 1-based
    phase: str  # batch | forward | loss | backward | update
    node: str | None
    tensors: dict[str, np.ndarray] = field(default_factory=dict)
    formula: Formula | None = None
    t: int | None = None  # time step inside a recurrent node
    loss: float | None = None


class NonFiniteError(ArithmeticError):
    """A NaN or infinity appeared; the session stops at the micro-step that made it."""

    def __init__(self, event: MicroStep, tensor: str, node_name: str | None) -> None:
        self.event, self.tensor, self.node_name = event, tensor, node_name
        where = f"in {event.phase} of '{node_name}'" if node_name else f"in the {event.phase} step"
        super().__init__(
            f"Step {event.step}: {tensor} became NaN or infinite {where}. The learning rate may be too high "
            "or the inputs too large: rewind, then lower the learning rate or normalise the data.")


@dataclass(frozen=True)
class Position:
    step: int  # completed training steps
    epoch: int
    batch_in_epoch: int
    next_phase: str
    next_node: str | None


class Session(HandEdits):
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
            raise SessionError("The data set has no training samples")
        self.layers = self.net.layers
        self.order = self.net.order
        self.n_batches = math.ceil(len(self.x_train) / self.settings.batch_size)
        if len(self.x_train) % self.settings.batch_size == 1 and any(
                layer.capabilities.batch_statistics for layer in self.net.layers.values()):
            raise SessionError(
                f"With {len(self.x_train)} training samples and batch size {self.settings.batch_size}, the last "
                "batch of every epoch holds one sample, and BatchNorm cannot normalise a single value: "
                "change the batch size by one")
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
            raise SessionError("no checkpoint to save from")
        return cp

    def restore_checkpoint(self, cp: Checkpoint, metrics: dict[str, list[Any]]) -> None:
        """Continue from a saved state (nnviz.engine.training_state): its metrics, then its checkpoint.

        The checkpoint joins the history, so rewinding before it replays from step 0."""
        for name, values in metrics.items():
            setattr(self.metrics, name, list(values))
        self._restore(cp)
        self.history.add(cp)

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
            raise SessionError("weights can only be carried over into a session that has not started")
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

    # ----------------------------------------------------------------- one training step
    def _next_batch(self) -> tuple[np.ndarray, np.ndarray]:
        n, bs = len(self.x_train), self.settings.batch_size
        if self.batch_in_epoch == 0 or self.perm is None:
            self.perm = self.data_rng.permutation(n) if self.settings.shuffle else np.arange(n)
        idx = self.perm[self.batch_in_epoch * bs: (self.batch_in_epoch + 1) * bs]
        return self.x_train[idx], self.y_train[idx]

    def _event(self, phase: str, node: str | None, tensors: dict[str, np.ndarray], **kw: Any) -> MicroStep:
        """The micro-step record; its formula is computed here, once, from the tensors it carries."""
        if phase == "update":
            formula = self.optimizer.formula(tensors)
        elif node is not None and phase != "batch":
            ctx = Context(self.settings.loss, node == self.net.output_id)
            formula = self.layers[node].formula(phase, tensors, ctx)
        elif phase == "loss":
            formula = self.loss_fn.formula(tensors)
        else:
            formula = Formula(f"x, y = the next batch ({len(tensors['x'])} samples)", None, {}, "Batch")
        return MicroStep(self.micro, self.steps_done + 1, self.epoch, phase, node, tensors, formula, **kw)

    def _train_step(self) -> Iterator[MicroStep | None]:
        """The micro-steps of one training step. Builds tensors for events only while recording."""
        net, layers = self.net, self.layers
        net.set_training(True)
        self._cursor = 0
        x, y = self._next_batch()
        self._advance()
        yield self._event("batch", None, {"x": x, "y": y}) if self._record else None

        acts: dict[str, np.ndarray] = {}
        for nid in self.order:
            layer, feeds = layers[nid], net.feeds[nid]
            xs = [acts[s] for s in feeds] if feeds else [x]
            if self._record and hasattr(layer, "forward_steps"):
                acts[nid] = yield from self._time_steps("forward", nid, layer.forward_steps(xs))
            else:
                acts[nid] = layer.forward(xs)
            self._advance()
            if self._record:
                tensors = _inputs("input", xs)
                if layer.z is not None and layer.activation != "none":
                    tensors["z"] = layer.z.copy()
                tensors["output"] = acts[nid].copy()
                tensors.update(_copies(layer.params))  # the W and b the formula substitutes
                tensors.update(_copies(layer.extra_tensors("forward")))
                yield self._event("forward", nid, tensors)
            else:
                yield None

        pred = acts[net.output_id]
        loss = self.loss_fn.forward(pred, y)
        accuracy = self.loss_fn.accuracy(pred, y)
        grads = {net.output_id: self.loss_fn.backward()}
        self._advance()
        yield (self._event("loss", None, {"prediction": pred.copy(), "target": y.copy(),
                                          "loss": np.asarray(loss, dtype=self.dtype),
                                          "grad_prediction": grads[net.output_id].copy()}, loss=loss)
               if self._record else None)

        for nid in self._backward_nodes:
            layer, feeds = layers[nid], net.feeds[nid]
            g = grads.pop(nid)
            # dL/dx of the raw data is never used: skip it at full speed, show it when recording.
            layer.need_input_grad = self._record or nid not in self._data_fed
            if self._record and hasattr(layer, "backward_steps"):
                gins = yield from self._time_steps("backward", nid, layer.backward_steps(g))
            else:
                gins = layer.backward(g)
            for src, gin in zip(feeds, gins):
                if gin is not None:
                    grads[src] = gin if src not in grads else grads[src] + gin
            self._advance()
            if self._record:
                tensors = {"grad_output": g.copy(), "delta": layer.delta.copy()}
                tensors.update({f"grad_{k}": v.copy() for k, v in layer.grads.items()})
                tensors.update(_inputs("grad_input", gins))
                # What the formula substitutes: the forward pass's x, z and a, and the W it multiplies by.
                tensors.update(_inputs("input", [acts[s] for s in feeds]))
                if layer.z is not None and layer.activation != "none":
                    tensors["z"] = layer.z.copy()
                tensors["output"] = acts[nid].copy()
                tensors.update(_copies(layer.params))
                tensors.update(_copies(layer.extra_tensors("backward")))
                yield self._event("backward", nid, tensors)
            else:
                yield None

        for nid in self._update_nodes:
            layer = layers[nid]
            self._advance()
            old = {k: v.copy() for k, v in layer.params.items()} if self._record else None
            before = self.optimizer.state_tensors(nid) if self._record else None
            self.optimizer.update(nid, layer.params, layer.grads)
            self.weights_version += 1
            if self._record:
                tensors = {k: v.copy() for k, v in layer.params.items()}
                tensors.update({f"update_{k}": layer.params[k] - old[k] for k in layer.params})
                tensors.update({f"grad_{k}": v.copy() for k, v in layer.grads.items()})
                # The buffers or moments the step used, before (prev_) and after it.
                tensors.update({f"prev_{k}": v for k, v in before.items()})
                tensors.update(self.optimizer.state_tensors(nid))
                yield self._event("update", nid, tensors)
            else:
                yield None

        self._finish_step(loss, accuracy, len(x))

    def _time_steps(self, phase: str, nid: str, steps: Iterator[tuple[int, dict[str, np.ndarray]]]
                    ) -> Generator[MicroStep, None, Any]:
        """One micro-step per time step of a recurrent node; returns what the layer's generator returns
        (its output forward, its input gradients backward)."""
        while True:
            try:
                t, tensors = next(steps)
            except StopIteration as stop:
                return stop.value
            yield self._event(phase, nid, _copies(tensors), t=t)

    def _make_plan(self) -> None:
        self._data_fed = {n for n in self.order
                          if self.net.feeds[n] and all(s == self.net.input_id for s in self.net.feeds[n])}
        self._backward_nodes = [nid for nid in reversed(self.order) if self.net.feeds[nid]]
        self._update_nodes = [nid for nid in self.order if self.layers[nid].params]
        self._plan: list[tuple[str, str | None]] = [
            ("batch", None), *(("forward", n) for n in self.order), ("loss", None),
            *(("backward", n) for n in self._backward_nodes), *(("update", n) for n in self._update_nodes)]
        self._cursor = 0

    def _advance(self) -> None:
        """Move `position` on to the micro-step after the one about to be yielded."""
        if not self._record:
            return
        self._cursor += 1
        self._next = self._plan[self._cursor] if self._cursor < len(self._plan) else ("batch", None)

    def _finish_step(self, loss: float, accuracy: float | None, size: int) -> None:
        self.metrics.add_step(self.epoch, loss, accuracy, size)
        self.steps_done += 1
        self.batch_in_epoch += 1
        if self.batch_in_epoch == self.n_batches:
            self._finish_epoch()
        self._next = ("batch", None)

    def _finish_epoch(self) -> None:
        train_loss, train_acc = self.metrics.epoch_means(self.epoch)
        val_loss = val_acc = None
        if len(self.x_val):
            val_loss, val_acc = self._evaluate(self.x_val, self.y_val)
        self.metrics.epochs.append(EpochRow(self.epoch, train_loss, train_acc, val_loss, val_acc))
        self.epoch += 1
        self.batch_in_epoch = 0

    # ----------------------------------------------------------------- stepping
    def step(self) -> MicroStep:
        """Advance one micro-step, recording its tensors and formula."""
        if self.halted:
            raise self.halted
        if self._gen is None:
            self._open_step(checkpoint=True)  # every step taken by hand can be rewound to at once
        self._record = True
        self.micro += 1
        with _quiet():
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
            with _quiet():
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
        with _quiet():
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
        raise SessionError("a non-finite value appeared that could not be located")  # pragma: no cover

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
    def _seek(self, step: int) -> None:
        """Put the session at the start of training step `step + 1` (after `step` completed steps)."""
        cp = self.history.at_or_before(step)
        if cp is None:  # pragma: no cover - step 0 is always kept
            raise SessionError("no checkpoint to go back to")
        self.rewind_note = self.history.replay_note(step)
        self._restore(cp)
        self.history.drop_after(step)
        while self.steps_done < step:
            # Each replayed step is kept, so rewinding again from here is immediate.
            self._fast_step(checkpoint_each=True)

    def rewind(self) -> bool:
        """Back one training step: mid-step to the start of this step, else to the start of the previous.
        Returns False at the very beginning."""
        if self.mid_step or self.halted:
            target = self.steps_done
        elif self.steps_done == 0:
            return False
        else:
            target = self.steps_done - 1
        self._seek(target)
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
    """The data set a document names; file paths in it are relative to the document's own file."""
    path = doc.meta.get("path")
    return load_dataset(doc.data, base_dir=Path(path).parent if path else None)


def _copies(tensors: dict[str, np.ndarray]) -> dict[str, np.ndarray]:
    return {k: np.array(v, copy=True) for k, v in tensors.items()}


def _inputs(name: str, arrays: list[np.ndarray]) -> dict[str, np.ndarray]:
    if len(arrays) == 1:
        return {name: arrays[0].copy()}
    return {f"{name}_{i}": a.copy() for i, a in enumerate(arrays)}
