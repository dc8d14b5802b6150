"""Trained state saved in a .nnviz file and reopened: the run continues bit for bit."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnviz import io
from nnviz.engine.session import Session
from nnviz.engine.training_state import restore_training, training_state
from tests.helpers import chain, xor_mlp


def _same_run(a: Session, b: Session) -> None:
    wa, wb = a.weights(), b.weights()
    assert wa.keys() == wb.keys()
    for nid in wa:
        for name in wa[nid]:
            assert wa[nid][name].dtype == wb[nid][name].dtype
            assert np.array_equal(wa[nid][name], wb[nid][name]), (nid, name)
    assert a.metrics.step_loss == b.metrics.step_loss
    assert a.metrics.step_accuracy == b.metrics.step_accuracy
    assert a.metrics.epochs == b.metrics.epochs
    assert (a.steps_done, a.epoch, a.batch_in_epoch, a.micro) == (b.steps_done, b.epoch, b.batch_in_epoch, b.micro)


def _reopen(session: Session, path: Path) -> Session:
    io.save(session.doc, path, state=training_state(session))
    doc, state = io.read(path)
    reopened = Session(doc)
    outcome = restore_training(reopened, state)
    assert outcome.outcome == "continued", outcome.message
    return reopened


def _noisy_net(dtype: str = "float32", optimizer: str = "adam"):
    """Shuffling, dropout (its own random stream), BatchNorm buffers, momentum or Adam moments."""
    return chain(("dense", {"units": 8, "activation": "relu"}), ("batchnorm1d", {}), ("dropout", {"p": 0.3}),
                 ("dense", {"units": 2}),
                 data={"kind": "generated", "name": "xor", "n": 90, "noise": 0.1, "seed": 2, "val_split": 0.2},
                 loss="cross_entropy", optimizer=optimizer, lr=0.05, momentum=0.9, batch_size=16,
                 shuffle=True, dtype=dtype)


@pytest.mark.parametrize(("dtype", "optimizer", "k"), [("float32", "adam", 7), ("float64", "sgd", 6),
                                                       ("float32", "rmsprop", 9)])
def test_a_run_saved_at_step_k_continues_bit_for_bit(tmp_path, dtype, optimizer, k):
    straight, stopped = Session(_noisy_net(dtype, optimizer)), Session(_noisy_net(dtype, optimizer))
    straight.run(steps=k + 11)
    stopped.run(steps=k)  # k is mid-epoch (5 batches an epoch): the epoch's data order must survive
    assert stopped.batch_in_epoch != 0
    reopened = _reopen(stopped, tmp_path / "net.nnviz")
    _same_run(stopped, reopened)
    reopened.run(steps=11)
    _same_run(straight, reopened)


def test_saved_mid_step_continues_from_the_start_of_that_step(tmp_path):
    straight, stopped = Session(xor_mlp()), Session(xor_mlp())
    stopped.run(steps=3)
    for _ in range(4):  # into the forward pass of step 4
        stopped.step()
    assert stopped.mid_step
    reopened = _reopen(stopped, tmp_path / "mid.nnviz")
    assert reopened.steps_done == 3 and not reopened.mid_step
    straight.run(steps=8)
    reopened.run(steps=5)
    _same_run(straight, reopened)


def test_rewind_and_reset_after_reopening_reach_the_exact_earlier_states(tmp_path):
    reference = Session(xor_mlp())
    reference.run(steps=5)
    at5 = reference.weights()
    reference.run(steps=1)
    reopened = _reopen(reference, tmp_path / "r.nnviz")
    assert reopened.rewind()  # before the point the file holds: replayed from step 0
    assert reopened.steps_done == 5
    for nid, tensors in at5.items():
        for name, value in tensors.items():
            assert np.array_equal(reopened.weights()[nid][name], value)
    reopened.reset()
    fresh = Session(xor_mlp())
    _same_run(fresh, reopened)


def test_an_untrained_session_saves_no_state_and_the_file_stays_a_plain_document(tmp_path):
    session = Session(xor_mlp())
    assert training_state(session) is None
    session.run(steps=1)
    assert training_state(session) is not None


def test_weights_carried_over_an_edit_survive_save_and_continue(tmp_path):
    """Train, edit the network (a layer added at the end): the unchanged layers keep their trained
    weights, are saved with the file, and the reopened run continues from them exactly."""
    trained = Session(xor_mlp())
    trained.run(steps=6)
    edited = xor_mlp()
    last = list(edited.nodes)[-1]
    extra = edited.add_node("relu")
    edited.connect(last, extra.id)
    out = edited.add_node("dense", params={"units": 2})
    edited.connect(extra.id, out.id)
    carried = Session(edited)
    kept = carried.load_weights(trained.weights())
    assert len(kept) == 2
    carried.run(steps=3)
    reopened = _reopen(carried, tmp_path / "edited.nnviz")
    _same_run(carried, reopened)
    for nid in kept:
        assert np.array_equal(reopened.start_weights[nid]["weight"], trained.weights()[nid]["weight"])
    reopened.reset()  # back to the carried weights, not the document's own starting weights
    assert np.array_equal(reopened.weights()[kept[0]]["weight"], trained.weights()[kept[0]]["weight"])


def test_a_file_whose_network_changed_since_training_keeps_the_weights_that_fit(tmp_path):
    trained = Session(xor_mlp())
    trained.run(steps=4)
    path = tmp_path / "t.nnviz"
    io.save(trained.doc, path, state=training_state(trained))
    doc, state = io.read(path)
    doc.set_training(doc.training.with_(lr=0.01))  # as if the file's settings were edited by hand
    session = Session(doc)
    outcome = restore_training(session, state)
    assert outcome.outcome == "weights" and "step 0" in outcome.message
    assert session.steps_done == 0
    for nid, tensors in trained.weights().items():
        assert np.array_equal(session.weights()[nid]["weight"], tensors["weight"])


@pytest.mark.parametrize("damage", [
    lambda s: s.update(order=np.arange(3)),
    lambda s: s.update(random=[]),
    lambda s: s["optimizer"].update({"nope.weight": {"step": 1}}),
    lambda s: s.update(batch_in_epoch=99),
    lambda s: s["metrics"].update(step_loss=np.zeros(2)),
    lambda s: s["random"][0].update(bit_generator="MT19937"),
])
def test_a_damaged_state_is_refused_with_a_message_and_nothing_half_applied(tmp_path, damage):
    trained = Session(xor_mlp(shuffle=True))
    trained.run(steps=4)
    io.save(trained.doc, tmp_path / "d.nnviz", state=training_state(trained))
    doc, state = io.read(tmp_path / "d.nnviz")
    damage(state)
    session = Session(doc)
    outcome = restore_training(session, state)
    assert outcome.outcome == "weights" and "could not be continued" in outcome.message
    assert session.steps_done == 0 and session.metrics.step_loss == []


def test_hand_edits_are_saved_and_replayed_after_reopening(tmp_path):
    session = Session(xor_mlp())
    session.run(steps=2)
    dense = next(nid for nid, layer in session.layers.items() if layer.params)
    session.edit_weight(dense, "weight", (0, 1), 0.75)
    session.run(steps=3)
    reopened = _reopen(session, tmp_path / "edited.nnviz")
    assert [e.as_list() for e in reopened.all_edits()] == [e.as_list() for e in session.all_edits()]
    reopened.rewind()  # replayed from step 0: the edit at step 2 is made again on the way
    session.rewind()
    _same_run(session, reopened)
