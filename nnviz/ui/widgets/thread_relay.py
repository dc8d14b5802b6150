"""Signals from a worker thread to a widget that may be closed before the worker ends.

A worker that emits a signal of the widget itself races the widget's deletion: the learner closes the
window (or a test ends), Qt deletes the widget in the GUI thread while the worker is inside emit(), and the
process aborts. A worker emits through a Relay instead: a parentless QObject that the worker itself keeps
alive, connected to the widget's slots. Those connections are queued (the slots' object lives in the GUI
thread) and Qt removes them under its own lock when the widget is deleted, so a late signal reaches nobody
rather than a deleted object.

A QObject must also be destroyed in its own thread: a relay whose last reference the worker dropped (its
arguments, freed as the thread ends) was destroyed in the worker while the GUI thread could be delivering its
queued signals, an occasional segfault of the test suite with no Python frame on the stack. So a worker
is started through `start_worker`: the GUI side keeps the relay until that thread has ended and lets go of
it in the GUI thread.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

from PySide6.QtCore import QObject, Signal

_KEPT: list[tuple[Relay, threading.Thread]] = []  # touched in the GUI thread only


class Relay(QObject):
    progress = Signal(object)  # whatever the worker reports on the way, as one Python object
    finished = Signal(object)  # the worker's result (or what went wrong), as one Python object

    def start_worker(self, target: Callable[..., None], *args: object, name: str) -> threading.Thread:
        """Run target(*args) in a daemon thread that reports through this relay; see the module's note on
        who destroys the relay, and where."""
        release_ended()
        thread = threading.Thread(target=target, args=args, name=name, daemon=True)
        _KEPT.append((self, thread))
        thread.start()
        return thread


def release_ended() -> int:
    """Let go of the relays whose worker thread has ended (in the GUI thread, where they belong); how many."""
    ended = [(relay, thread) for relay, thread in _KEPT if not thread.is_alive()]
    _KEPT[:] = [(relay, thread) for relay, thread in _KEPT if thread.is_alive()]
    count = len(ended)
    ended.clear()  # the last references, dropped here
    return count
