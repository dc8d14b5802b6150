"""Signals from a worker thread to a widget that may be closed before the worker ends.

A worker that emits a signal of the widget itself races the widget's deletion: the learner closes the
window (or a test ends), Qt deletes the widget in the GUI thread while the worker is inside emit(), and the
process aborts. A worker emits through a Relay instead: a parentless QObject that the worker itself keeps
alive, connected to the widget's slots. Those connections are queued (the slots' object lives in the GUI
thread) and Qt removes them under its own lock when the widget is deleted, so a late signal reaches nobody
rather than a deleted object.
"""

from __future__ import annotations

from PySide6.QtCore import QObject, Signal


class Relay(QObject):
    progress = Signal(object)  # whatever the worker reports on the way, as one Python object
    finished = Signal(object)  # the worker's result (or what went wrong), as one Python object
