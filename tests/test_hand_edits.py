"""Weights changed by hand are part of the run: undone, redone, rewound across and replayed exactly."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.session import Session, SessionError
from tests.helpers import xor_mlp


def _weights_equal(a: Session, b: Session) -> bool:
    wa, wb = a.weights(), b.weights()
    return all(np.array_equal(wa[n][k], wb[n][k]) for n in wa for k in wa[n])


def _first_dense(session: Session) -> str:
    return next(nid for nid in session.order if "weight" in session.layers[nid].params)


def _reference(edit_at: int, total: int, value: float = 2.5) -> Session:
    """A run that makes the edit at step `edit_at` and trains to `total` without ever going back."""
    s = Session(xor_mlp(shuffle=True))
    s.run(steps=edit_at)
    s.layers[_first_dense(s)].params["weight"][1, 0] = value  # what the edit means, done directly
    s.run(steps=total - edit_at)
    return s


def test_an_edit_is_applied_undone_and_redone_at_its_step():
    s = Session(xor_mlp(shuffle=True))
    s.run(steps=3)
    node = _first_dense(s)
    before = s.layers[node].params["weight"][1, 0]
    edit = s.edit_weight(node, "weight", (1, 0), 2.5)
    assert s.layers[node].params["weight"][1, 0] == 2.5 and edit.old == before
    s.undo_edit(edit)
    assert s.layers[node].params["weight"][1, 0] == before
    s.redo_edit(edit)
    s.run(steps=4)
    assert _weights_equal(s, _reference(3, 7))


def test_rewinding_across_an_edit_and_replaying_reproduces_the_run():
    s = Session(xor_mlp(shuffle=True), checkpoint_stride=4)
    s.run(steps=5)
    s.edit_weight(_first_dense(s), "weight", (1, 0), 2.5)
    s.run(steps=6)
    for _ in range(8):  # back to step 3, before the edit
        s.rewind()
    assert s.steps_done == 3
    plain = Session(xor_mlp(shuffle=True))
    plain.run(steps=3)
    assert _weights_equal(s, plain)  # the edit has not happened yet here
    s.run(steps=8)  # forward again: the edit is made again at step 5
    assert _weights_equal(s, _reference(5, 11))
    assert s.metrics.step_loss == _reference(5, 11).metrics.step_loss
    s.rewind()  # between checkpoints: restored and replayed through the edit
    assert _weights_equal(s, _reference(5, 10))


def test_undoing_an_edit_made_steps_ago_recomputes_the_run_without_it():
    s = Session(xor_mlp(shuffle=True))
    s.run(steps=2)
    edit = s.edit_weight(_first_dense(s), "weight", (1, 0), 2.5)
    s.run(steps=5)
    s.undo_edit(edit)
    assert s.steps_done == 7
    plain = Session(xor_mlp(shuffle=True))
    plain.run(steps=7)
    assert _weights_equal(s, plain) and s.metrics.step_loss == plain.metrics.step_loss
    s.redo_edit(edit)
    assert _weights_equal(s, _reference(2, 7))


def test_an_edit_mid_step_belongs_to_the_start_of_that_step_and_keeps_the_position():
    s = Session(xor_mlp(shuffle=True))
    s.run(steps=4)
    for _ in range(3):
        s.step()  # batch and two forward micro-steps of step 5
    micro = s.micro
    s.edit_weight(_first_dense(s), "weight", (1, 0), 2.5)
    assert s.mid_step and s.micro == micro and s.steps_done == 4
    assert s.last_event.phase == "forward"
    s.step_batch()
    s.run(steps=2)
    assert _weights_equal(s, _reference(4, 7))


def test_an_edit_outside_the_tensor_is_refused():
    s = Session(xor_mlp())
    with pytest.raises(SessionError, match="outside"):
        s.edit_weight(_first_dense(s), "weight", (99, 0), 1.0)
    with pytest.raises(SessionError, match="no parameter"):
        s.edit_weight(_first_dense(s), "gamma", (0,), 1.0)
