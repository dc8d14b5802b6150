"""One training step as a generator of micro-steps (a part of Session, kept in its own module).

    batch -> forward of each node (topological order) -> loss -> backward of each node (reverse)
          -> update of each node with parameters

The generator yields a MicroStep per micro-step while recording (stepping by hand) and None at full
speed, so both run the very same arithmetic. It reads and advances the session's own state.
"""

from __future__ import annotations

from collections.abc import Generator, Iterator
from typing import Any

import numpy as np

from nnviz.engine.formula_text import Context, Formula, samples
from nnviz.engine.metrics import EpochRow
from nnviz.engine.microstep import MicroStep, copies, inputs


class TrainingStep:
    """The micro-steps of one training step; mixed into Session, whose attributes it uses."""

    # Provided by Session.
    net: Any
    layers: dict[str, Any]
    order: list[str]
    settings: Any
    optimizer: Any
    loss_fn: Any
    metrics: Any

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
            formula = Formula(f"x, y = the next batch ({samples(len(tensors['x']))})", None, {}, "Batch")
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
                tensors = inputs("input", xs)
                if layer.z is not None and layer.activation != "none":
                    tensors["z"] = layer.z.copy()
                tensors["output"] = acts[nid].copy()
                tensors.update(copies(layer.params))  # the W and b the formula substitutes
                tensors.update(copies(layer.extra_tensors("forward")))
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
                tensors.update(inputs("grad_input", gins))
                # What the formula substitutes: the forward pass's x, z and a, and the W it multiplies by.
                tensors.update(inputs("input", [acts[s] for s in feeds]))
                if layer.z is not None and layer.activation != "none":
                    tensors["z"] = layer.z.copy()
                tensors["output"] = acts[nid].copy()
                tensors.update(copies(layer.params))
                tensors.update(copies(layer.extra_tensors("backward")))
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
            yield self._event(phase, nid, copies(tensors), t=t)

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
