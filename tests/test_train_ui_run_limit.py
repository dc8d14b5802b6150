"""Run at a speed a learner can watch, and stopping after the epochs set in Training settings (saying so)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnviz.io import load
from nnviz.ui.training.controller import SPEEDS, TrainingController
from nnviz.ui.training.run_limit import WATCHABLE_SPEED

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


@pytest.fixture
def controller(qtbot):
    doc = load(EXAMPLES / "xor.nnviz")
    doc.set_training(doc.training.with_(epochs=3))
    made = TrainingController(doc)
    yield made
    made.pause()


def test_run_starts_at_a_watchable_speed(controller):
    assert SPEEDS[controller.speed_index] == WATCHABLE_SPEED
    assert SPEEDS[-1] is None  # and "max" is one slider notch away


def test_run_stops_at_the_epochs_even_when_every_slice_runs_out_of_time(controller, qtbot, monkeypatch):
    """A loaded machine: each slice's time runs out after one batch, also the last batch of the last epoch."""
    from nnviz.ui.training import controller as module

    clock = [0.0]

    def slow_clock() -> float:
        clock[0] += 1.0  # a second between any two readings: every deadline has passed
        return clock[0]

    monkeypatch.setattr(module.time, "perf_counter", slow_clock)
    controller.set_speed(len(SPEEDS) - 1)
    controller.run()
    qtbot.waitUntil(lambda: not controller.running, timeout=30_000)
    s = controller.session
    assert (s.epoch, s.batch_in_epoch, len(s.metrics.epochs)) == (4, 0, 3)


def test_run_stops_after_the_configured_epochs_and_says_so(controller, qtbot):
    messages: list[str] = []
    controller.message.connect(messages.append)
    controller.set_speed(len(SPEEDS) - 1)
    controller.run()
    qtbot.waitUntil(lambda: not controller.running, timeout=30_000)
    s = controller.session
    assert s.epoch == 4 and s.batch_in_epoch == 0  # exactly three whole epochs
    assert len(s.metrics.epochs) == 3
    assert any("3 epochs" in m and "Epochs" in m for m in messages), messages
    messages.clear()
    controller.run()  # Run again: nothing more, and the reason again
    assert not controller.running and s.epoch == 4 and messages
    controller.step_batch()  # by hand, training goes on
    assert s.steps_done > 0 and s.batch_in_epoch == 1
