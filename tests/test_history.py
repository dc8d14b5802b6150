"""The rewind history stays within its byte budget however long training runs, and rewinding stays exact
(checkpoint + deterministic replay) after its checkpoints were thinned."""

from __future__ import annotations

import tracemalloc

import numpy as np
import pytest

from nnviz.engine.history import MB, History
from nnviz.engine.session import Session
from nnviz.graph.settings import SettingsError, TrainingSettings
from tests.helpers import chain, xor_mlp


def adam_mlp(**settings):
    """An Adam MLP of ~70k parameters: each checkpoint (weights and both moments) is ~0.85 MB."""
    base = {"loss": "cross_entropy", "optimizer": "adam", "lr": 0.001, "batch_size": 16, "dtype": "float32"}
    return chain(("dense", {"units": 256, "activation": "relu"}), ("dense", {"units": 256, "activation": "relu"}),
                 ("dense", {"units": 2}), data={"kind": "generated", "name": "xor", "n": 400, "noise": 0.1, "seed": 1},
                 **{**base, **settings})


def same_state(a: Session, b: Session) -> bool:
    wa, wb = a.weights(), b.weights()
    return wa.keys() == wb.keys() and all(np.array_equal(wa[n][k], wb[n][k]) for n in wa for k in wa[n])


def test_the_budget_is_a_training_setting_of_256_mb_by_default():
    assert TrainingSettings().history_mb == 256
    assert Session(xor_mlp()).history.budget == 256 * MB
    assert Session(xor_mlp(history_mb=3)).history.budget == 3 * MB
    with pytest.raises(SettingsError, match="history_mb"):
        TrainingSettings(history_mb=0)


def test_the_budget_is_saved_only_when_chosen():
    from nnviz import io as nio

    assert "history_mb" not in nio.dumps(xor_mlp())  # files written before the setting existed stay the same
    doc = nio.loads(nio.dumps(xor_mlp(history_mb=64)))
    assert doc.training.history_mb == 64


def test_memory_stays_flat_however_long_training_runs():
    n = 160
    session = Session(adam_mlp(history_mb=8))
    tracemalloc.start()
    try:
        session.run(steps=n)
        after_n, peak_n = tracemalloc.get_traced_memory()
        history_n = session.history.nbytes
        size = session.history.at_or_before(n).nbytes()
        tracemalloc.reset_peak()
        session.run(steps=3 * n)
        after_4n, peak_4n = tracemalloc.get_traced_memory()
    finally:
        tracemalloc.stop()
    assert 0.7 * MB < size < 1.2 * MB  # the weights and Adam's two moments
    assert history_n > 6 * MB  # the budget was already full after n steps: the test measures thinning
    assert session.history.nbytes <= 8 * MB and len(session.history) >= 6
    assert peak_4n <= 1.2 * peak_n, (peak_n, peak_4n)
    assert after_4n <= 1.2 * after_n, (after_n, after_4n)
    steps = session.history.steps()
    assert steps[0] == 0 and steps[-1] >= session.steps_done - 16  # reset, and the latest stride
    gaps = np.diff(steps)
    assert gaps[-1] < gaps[0]  # dense near the current step, sparse further back


def test_rewind_is_exact_after_thinning():
    session = Session(adam_mlp(history_mb=3), checkpoint_stride=4)
    session.run(steps=300)
    kept = session.history.steps()
    assert len(kept) <= 4 and session.history.nbytes <= 3 * MB
    target = next(s for s in range(150, 0, -1) if s not in kept) + 0  # a step no checkpoint holds
    assert not session.history.has(target)
    reference = Session(adam_mlp(history_mb=3), checkpoint_stride=4)
    reference.run(steps=target)
    session._seek(target)
    assert session.steps_done == target and same_state(session, reference)
    assert session.metrics.step_loss == reference.metrics.step_loss
    # rewinding one step from there, then training on, still matches
    assert session.rewind() and session.steps_done == target - 1
    session.run(steps=20)
    reference.rewind()
    reference.run(steps=20)
    assert same_state(session, reference) and session.metrics.step_loss == reference.metrics.step_loss


def test_a_long_replay_is_announced_in_the_learners_words():
    session = Session(adam_mlp(history_mb=1))  # room for step 0 and the newest only
    session.run(steps=200)
    assert session.history.steps() == [0, 192]
    assert session.rewind() and session.steps_done == 199
    assert session.rewind_note is None  # 7 steps of replay from step 192: quick, nothing to say
    session._seek(150)
    note = session.rewind_note
    assert note.startswith("Going back to step 150 replays 150 steps from the nearest checkpoint kept (step 0)")
    assert "at most 1 MB" in note and "Rewind memory" in note


def test_the_byte_count_follows_adds_drops_and_clears():
    session = Session(xor_mlp(history_mb=1000))
    session.run(steps=64)
    h = session.history
    assert h.nbytes == sum(h.at_or_before(s).nbytes() for s in h.steps())
    session.rewind()
    assert h.nbytes == sum(h.at_or_before(s).nbytes() for s in h.steps())
    h.clear()
    assert h.nbytes == 0 and len(h) == 0


def test_step_zero_and_the_newest_are_kept_even_when_the_budget_is_tiny():
    h = History(budget_bytes=1)
    session = Session(xor_mlp())
    session.history = h
    session.history.add(session._checkpoint())
    session.run(steps=40)
    assert h.steps() == [0, 32]


@pytest.mark.gui
def test_the_rewind_memory_is_set_in_the_settings_panel_and_a_long_replay_is_said(qtbot):
    from nnviz.ui.training.controller import TrainingController
    from nnviz.ui.training.settings_panel import TrainingSettingsPanel

    controller = TrainingController(adam_mlp())
    panel = TrainingSettingsPanel(controller.doc)
    qtbot.addWidget(panel)
    assert panel.editors["history_mb"].value() == 256
    session = controller.session
    while session.steps_done < 4:
        controller.step()  # by hand: every training step is checkpointed as it opens
    controller.step()  # into step 5: checkpoints 0 (no Adam moments yet, 0.27 MB) and 1-4 (0.85 MB each)
    micro = session.micro
    assert session.history.steps() == [0, 1, 2, 3, 4] and session.history.nbytes > 3 * MB
    panel.editors["history_mb"].setValue(2)
    assert controller.doc.training.history_mb == 2
    # the run goes on where it was, with its history thinned to the new budget
    assert controller.session is session and session.micro == micro and session.history.budget == 2 * MB
    assert len(session.history) == 3 and session.history.steps()[::2] == [0, 4]
    assert session.history.nbytes <= 2 * MB
    panel.editors["history_mb"].setValue(1)
    assert session.history.steps() == [0, 4]
    messages = []
    controller.message.connect(messages.append)
    controller.step_batch()
    for _ in range(100):
        controller.session.step_batch()  # room for step 0 and the newest only
    controller.session._seek(30)
    controller.step_batch()  # one step on from 30; rewinding to 30 replays 30 steps from step 0: quiet
    assert controller.rewind() and not messages
    controller.session.run(steps=100)  # to step 131; checkpoints at 0 and 128 only
    while not messages and controller.session.steps_done > 120:
        assert controller.rewind()
    step = controller.session.steps_done
    assert messages[-1].startswith(f"Going back to step {step} replays {step} steps from the nearest checkpoint "
                                   "kept (step 0)")
