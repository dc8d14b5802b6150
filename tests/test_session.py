"""The training session: micro-step order and tensors, determinism, rewind, reset, non-finite stops."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.gradcheck import gradcheck
from nnviz.engine.session import NonFiniteError, Session, SessionError
from tests.helpers import chain, single_neuron, xor_mlp


def _sig(z):
    return 1 / (1 + np.exp(-z))


def test_single_neuron_backprop_step_matches_the_formulas_by_hand():
    session = Session(single_neuron())
    events = [session.step() for _ in range(6)]
    assert [e.phase for e in events] == ["batch", "forward", "forward", "loss", "backward", "update"]
    x, w, t = np.array([0.9, 0.1]), np.array([0.5, -0.5]), 0.8
    z = x @ w
    a = _sig(z)
    forward, loss, backward, update = events[2], events[3], events[4], events[5]
    np.testing.assert_allclose(forward.tensors["z"], [[z]], rtol=1e-12)
    np.testing.assert_allclose(forward.tensors["output"], [[a]], rtol=1e-12)
    np.testing.assert_allclose(loss.tensors["loss"], (a - t) ** 2, rtol=1e-12)
    # The correct derivative f'(z) = s(z)(1 - s(z)), not sigmoid applied twice.
    delta = 2 * (a - t) * a * (1 - a)
    np.testing.assert_allclose(backward.tensors["grad_output"], [[2 * (a - t)]], rtol=1e-12)
    np.testing.assert_allclose(backward.tensors["delta"], [[delta]], rtol=1e-12)
    np.testing.assert_allclose(backward.tensors["grad_weight"], [delta * x], rtol=1e-12)
    np.testing.assert_allclose(backward.tensors["grad_bias"], [delta], rtol=1e-12)
    np.testing.assert_allclose(update.tensors["weight"], [w - delta * x], rtol=1e-12)
    np.testing.assert_allclose(update.tensors["update_bias"], [-delta], rtol=1e-12)
    assert session.steps_done == 1 and not session.mid_step


def test_stepping_by_hand_and_running_give_identical_bits():
    by_hand, fast = Session(xor_mlp()), Session(xor_mlp())
    while by_hand.steps_done < 7:
        by_hand.step()
    fast.run(steps=7)
    for nid, tensors in fast.weights().items():
        for name, value in tensors.items():
            assert np.array_equal(value, by_hand.weights()[nid][name])
    assert fast.metrics.step_loss == by_hand.metrics.step_loss


def test_same_seed_same_everything_other_seed_differs():
    a, b, c = Session(xor_mlp()), Session(xor_mlp()), Session(xor_mlp(seed=3))
    for s in (a, b, c):
        s.run(steps=12)
    assert a.metrics.step_loss == b.metrics.step_loss
    assert a.metrics.step_loss != c.metrics.step_loss


@pytest.mark.parametrize("stride", [1, 16])
def test_rewind_restores_the_exact_earlier_state(stride):
    reference = Session(xor_mlp())
    reference.run(steps=9)
    session = Session(xor_mlp(), checkpoint_stride=stride)
    session.run(steps=10)
    assert session.rewind()
    assert session.steps_done == 9
    for nid, tensors in reference.weights().items():
        for name, value in tensors.items():
            assert np.array_equal(value, session.weights()[nid][name])
    assert session.metrics.step_loss == reference.metrics.step_loss
    assert session.optimizer.state_copy().keys() == reference.optimizer.state_copy().keys()
    # ... and continues exactly as the reference would.
    session.run(steps=3)
    reference.run(steps=3)
    assert session.metrics.step_loss == reference.metrics.step_loss


def test_rewind_mid_step_goes_to_the_start_of_that_step():
    session = Session(xor_mlp())
    session.run(steps=2)
    before = session.weights()
    for _ in range(8):  # into the update phase of step 3 (9 micro-steps in all)
        session.step()
    assert session.mid_step
    assert session.rewind()
    assert session.steps_done == 2 and not session.mid_step
    assert all(np.array_equal(v, session.weights()[n][k]) for n, t in before.items() for k, v in t.items())


def test_reset_returns_to_the_initial_weights_and_data_order():
    session = Session(xor_mlp())
    initial = session.weights()
    first_batch = session.step().tensors["x"]
    session.run(epochs=2)
    session.reset()
    assert session.steps_done == 0 and session.metrics.step_loss == []
    assert all(np.array_equal(v, session.weights()[n][k]) for n, t in initial.items() for k, v in t.items())
    assert np.array_equal(session.step().tensors["x"], first_batch)
    assert not Session(xor_mlp()).rewind()


def test_reinitialize_changes_weights():
    session = Session(xor_mlp())
    before = session.weights()
    session.reinitialize(seed=42)
    after = session.weights()
    assert not np.array_equal(before["n2"]["weight"], after["n2"]["weight"])
    assert session.settings.seed == 42


def test_divergence_stops_at_the_micro_step_and_names_the_node():
    doc = chain(("dense", {"units": 8, "activation": "relu"}), ("dense", {"units": 1}),
                data={"kind": "inline", "x": [[1e3, -2e3], [3e3, 4e3]], "y": [[1.0], [2.0]],
                      "task": "regression"},
                loss="mse", optimizer="sgd", lr=10.0, batch_size=2)
    session = Session(doc)
    with pytest.raises(NonFiniteError) as info:
        session.run(steps=50)
    err = info.value
    assert err.event.phase in ("forward", "loss", "backward", "update")
    assert err.tensor and "NaN or infinite" in str(err)
    assert session.halted is err and session.mid_step
    with pytest.raises(NonFiniteError):
        session.step()
    assert session.rewind() and session.halted is None


def test_xor_reaches_full_training_accuracy():
    session = Session(xor_mlp())
    session.run(epochs=60)
    _loss, accuracy = session.evaluate("train")
    assert accuracy == 1.0, accuracy
    assert session.metrics.epochs[-1].val_accuracy is not None


def test_epoch_rows_and_batches_cover_the_data_once_per_epoch():
    session = Session(xor_mlp(batch_size=32))
    seen = []
    while session.epoch == 1:
        event = session.step()
        if event.phase == "batch":
            seen.append(len(event.tensors["x"]))
    assert sum(seen) == len(session.x_train) == 160
    assert seen[-1] == 160 - 32 * 4  # the last batch is the remainder, as PyTorch's DataLoader does
    assert len(session.metrics.epochs) == 1


def test_predict_mid_step_leaves_the_pending_backward_intact():
    a, b = Session(xor_mlp()), Session(xor_mlp())
    for _ in range(5):
        a.step()
        b.step()
    a.predict(np.zeros((3, 2)))
    a.step_batch()
    b.step_batch()
    assert a.metrics.step_loss == b.metrics.step_loss
    assert all(np.array_equal(v, b.weights()[n][k]) for n, t in a.weights().items() for k, v in t.items())


def test_data_that_does_not_fit_is_refused_with_a_fix():
    doc = xor_mlp()
    doc.set_param("n1", "shape", (3,))
    with pytest.raises(SessionError, match=r"expects samples of shape \(3,\).*set the Input's shape to \(2,\)"):
        Session(doc)
    doc = xor_mlp()
    doc.set_param(doc.node_by_name("dense_2").id, "units", 1)
    with pytest.raises(SessionError, match="set its units to 2"):
        Session(doc)


def test_gradcheck_of_a_user_network_is_tight():
    report = gradcheck(xor_mlp())
    assert len(report.tensors) == 4 and report.ok
    assert all(t.worst < 0.01 for t in report.tensors), report.lines()  # 100 times inside the tolerance


def test_batchnorm_with_a_one_sample_last_batch_is_refused_up_front():
    doc = chain(("dense", {"units": 4}), ("batchnorm1d", {}), ("dense", {"units": 2}),
                data={"kind": "generated", "name": "xor", "n": 200, "noise": 0.05, "seed": 1},
                loss="cross_entropy", batch_size=53)  # 160 training samples = 3 * 53 + 1
    with pytest.raises(SessionError, match="last batch of every epoch holds one sample"):
        Session(doc)
    doc.set_training(doc.training.with_(batch_size=32))
    Session(doc).run(epochs=1)


def test_fast_steps_skip_the_data_gradient_but_recorded_steps_show_it():
    session = Session(xor_mlp())
    session.run(steps=2)
    events = [session.step() for _ in range(9)]
    first_dense_backward = [e for e in events if e.phase == "backward"][-1]
    assert first_dense_backward.tensors["grad_input"].shape == (20, 2)


def test_load_weights_carries_matching_nodes_and_becomes_the_reset_state():
    trained = Session(xor_mlp())
    trained.run(steps=20)
    edited = xor_mlp()
    edited.set_param(edited.node_by_name("dense_1").id, "units", 6)  # dense_1 and dense_2 change shape
    kept = Session(xor_mlp())
    assert kept.load_weights(trained.weights()) == ["n2", "n3"]
    fresh = Session(edited)
    assert fresh.load_weights(trained.weights()) == []
    kept.run(steps=3)
    kept.reset()
    assert np.array_equal(kept.weights()["n2"]["weight"], trained.weights()["n2"]["weight"])
    with pytest.raises(SessionError, match="has not started"):
        trained.load_weights(trained.weights())


def test_weights_version_moves_only_when_weights_may_change():
    session = Session(xor_mlp())
    v0 = session.weights_version
    phases = []
    versions = []
    for _ in range(9):
        phases.append(session.step().phase)
        versions.append(session.weights_version)
    unchanged = [v for p, v in zip(phases, versions) if p != "update"]
    assert set(unchanged) == {v0}
    assert versions[-1] == v0 + 2  # two layers updated
    session.rewind()
    assert session.weights_version > versions[-1]
