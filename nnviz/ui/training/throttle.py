"""RedrawThrottle: redraw the visible views at most 60 times a second, however fast training goes.

Views register a refresh callable. request() marks everything dirty; the first request after a quiet
frame redraws at once (a hand step feels immediate), later ones coalesce into one redraw per frame.
Hidden views (a closed dock, a background tab) are skipped and redrawn when they next become visible.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import shiboken6
from PySide6.QtCore import QEvent, QObject, QTimer
from PySide6.QtWidgets import QWidget

FRAME_S = 1.0 / 60.0
HAND_STEP_LAG = 0.5  # s: how stale a may_lag view (curves, decision boundary) gets while stepping by hand


class RedrawThrottle(QObject):
    def __init__(self, parent: QObject | None = None, frame_s: float = FRAME_S) -> None:
        super().__init__(parent)
        self.frame_s = frame_s
        self._views: list[tuple[QWidget, Callable[[], None], float]] = []
        self._may_lag: set[int] = set()  # views a hand step need not wait for
        self._drawn: dict[int, float] = {}  # view id -> when it was last drawn
        self._stale: set[int] = set()  # ids of hidden views that missed a redraw
        self._last = 0.0
        self.redraws = 0  # how many frames were drawn (tests, the benchmark)
        self._timer = QTimer(self)
        self._timer.setSingleShot(True)
        self._timer.timeout.connect(self.flush)

    def register(self, widget: QWidget, refresh: Callable[[], None], min_interval: float = 0.0,
                 may_lag: bool = False) -> None:
        """min_interval (s): a costly view (a table, a decision boundary) redraws at most this often;
        a skipped redraw is made up for by a later frame, so the last state is always drawn.
        may_lag: even a hand step (a forced flush) leaves this view to a following frame: it shows no
        number of the micro-step itself (the decision boundary), so the step's own views come first."""
        self._views.append((widget, refresh, min_interval))
        # Never drawn yet: its first Show draws it. A session built before the window was shown (the start's
        # own network) sends no change that would, and the decision boundary stayed empty until a step.
        self._stale.add(id(widget))
        if may_lag:
            self._may_lag.add(id(widget))
        widget.installEventFilter(self)  # its Show event catches up on what it missed while hidden

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Show and id(watched) in self._stale:
            # After the show has been processed, when the view has its real size to draw into.
            QTimer.singleShot(0, self, lambda w=watched: self.refresh_if_stale(w))
        return False

    def request(self) -> None:
        if self._timer.isActive():
            return
        wait = self._last + self.frame_s - time.perf_counter()
        if wait <= 0:
            self.flush()
        else:
            self._timer.start(max(1, int(wait * 1000)))

    def flush(self, force: bool = False) -> None:
        """Redraw every visible view now; force also redraws views inside their min_interval (a hand
        step must show its own numbers, not the previous step's)."""
        self._timer.stop()
        now = self._last = time.perf_counter()
        self.redraws += 1
        wait = None
        costly_drawn = False
        # A view closed for good (its C++ object deleted) leaves the list instead of raising.
        self._views = [v for v in self._views if shiboken6.isValid(v[0])]
        for widget, refresh, min_interval in self._views:
            if not is_shown(widget):
                self._stale.add(id(widget))
                continue
            due = self._drawn.get(id(widget), 0.0) + min_interval - now
            # A view that may lag skips a hand step while it was drawn within HAND_STEP_LAG: once that has
            # passed it draws, so a stream of hand steps (F10 held down) never starves it, and the stream
            # pays for it twice a second at most.
            lagging = (force and id(widget) in self._may_lag
                       and self._drawn.get(id(widget), 0.0) + max(min_interval, HAND_STEP_LAG) > now)
            if lagging or (not force and (due > 0 or (min_interval > 0 and costly_drawn))):
                # Costly views (those with a min_interval) take turns, one per frame, so no single
                # frame has to paint them all and the event loop never stalls for long.
                due = max(due, self.frame_s)
                wait = due if wait is None else min(wait, due)
                continue
            costly_drawn = costly_drawn or min_interval > 0
            refresh()
            self._drawn[id(widget)] = now
            self._stale.discard(id(widget))
        if wait is not None:
            self._timer.start(max(1, int(wait * 1000)))

    def redraw_all(self) -> None:
        """Redraw every registered view now, shown or not, in the order they registered (tests,
        screenshots, the benchmark)."""
        self._timer.stop()
        now = self._last = time.perf_counter()
        self._views = [v for v in self._views if shiboken6.isValid(v[0])]
        for widget, refresh, _ in self._views:
            refresh()
            self._drawn[id(widget)] = now
            self._stale.discard(id(widget))

    def refresh_if_stale(self, widget: QWidget) -> None:
        """Catch up on what a view missed while hidden (called when it is shown again)."""
        if shiboken6.isValid(widget) and id(widget) in self._stale:
            for w, refresh, _ in self._views:
                if w is widget:
                    refresh()
            self._stale.discard(id(widget))


def is_shown(widget: QWidget) -> bool:
    """Visible on screen: shown, not in a hidden tab or a closed dock, and not zero-sized."""
    return widget.isVisible() and not widget.visibleRegion().isEmpty()
