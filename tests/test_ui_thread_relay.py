"""A worker reports through a Relay; the relay is destroyed in the GUI thread, never in the worker (a QObject
destroyed in another thread than its own raced the GUI thread delivering its queued signals: an occasional
segfault of the suite)."""

from __future__ import annotations

import threading

import pytest

from nnviz.ui.widgets.thread_relay import Relay, release_ended

pytestmark = pytest.mark.gui

dropped_in: list[str] = []


class TracedRelay(Relay):
    """Records the thread that drops its last reference: where shiboken destroys the C++ object it owns."""

    def __del__(self) -> None:
        dropped_in.append(threading.current_thread().name)


def test_the_relay_is_destroyed_in_the_gui_thread_after_its_worker_ends(qtbot):
    got: list[object] = []
    dropped_in.clear()

    def work(relay: Relay) -> None:
        relay.finished.emit("done")

    relay = TracedRelay()
    relay.finished.connect(got.append)
    thread = relay.start_worker(work, relay, name="test worker")
    del relay  # the GUI side's own variable: the worker and the keeper hold it now
    thread.join(10)
    assert not thread.is_alive()
    qtbot.waitUntil(lambda: got == ["done"], timeout=5000)  # the queued signal reached the GUI thread
    assert dropped_in == []  # the worker ended without destroying it
    assert release_ended() >= 1
    assert dropped_in == [threading.main_thread().name]


def test_the_trace_sees_a_worker_drop_a_relay_it_was_given_alone():
    """The case start_worker prevents, shown by the same trace: a plain thread's arguments are freed in it."""
    dropped_in.clear()
    relay = TracedRelay()
    thread = threading.Thread(target=lambda r: r.finished.emit(1), args=(relay,), name="plain worker")
    del relay
    thread.start()
    thread.join(10)
    assert dropped_in == ["plain worker"]


def test_a_relay_whose_worker_still_runs_is_kept(qtbot):
    go = threading.Event()
    relay = Relay()
    thread = relay.start_worker(lambda r: go.wait(10), relay, name="slow worker")
    release_ended()
    assert thread.is_alive()  # still running: still kept, whatever the GUI side does meanwhile
    go.set()
    thread.join(10)
    assert release_ended() >= 1
