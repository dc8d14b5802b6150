"""TrainingContext: what a training panel is given, and the one call by which it follows training.

A panel is a widget that draws part of the training's state. It is built, then handed the context,
and from then on it looks after itself:

    class MyPanel(QWidget):
        def follow(self, training: TrainingContext) -> None:
            self.controller = training.controller
            training.follow(self, self.redraw, min_interval=0.25, on_session=self.clear)

`follow` registers the redraw with the RedrawThrottle (so it runs only while the panel is visible, at
most at the display's pace, and catches up when the panel is shown again) and connects the panel to
the controller's signals it names. No hub calls a panel by name, so a new panel is its own module and
one line where the window docks it (TrainingPanels in panels.py).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QObject
from PySide6.QtWidgets import QWidget

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.throttle import RedrawThrottle

BADGE_ORDER = ("nan", "gradcheck", "health")  # most urgent first: the canvas shows one badge per node


class NodeBadges(QObject):
    """Badges by source (nan, gradcheck, health) per node; the canvas shows the most urgent one."""

    def __init__(self, controller: TrainingController, canvas: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas if hasattr(canvas, "set_node_badge") else None
        self._badges: dict[str, dict[str, tuple[str, str]]] = {}  # node -> source -> (text, tooltip)
        controller.sessionChanged.connect(self.clear)
        controller.changed.connect(self._on_changed)
        controller.halted.connect(self._on_halt)

    def set_badge(self, node: str, source: str, text: str | None, tooltip: str = "") -> None:
        """Set (text) or clear (None) one source's badge on a node."""
        sources = self._badges.setdefault(node, {})
        if text is None:
            sources.pop(source, None)
        else:
            sources[source] = (text, tooltip)
        shown = self.badge(node)
        if self.canvas is not None:
            self.canvas.set_node_badge(node, shown[0] if shown else None, shown[1] if shown else "")

    def badge(self, node: str) -> tuple[str, str] | None:
        """(text, tooltip) of the badge the node shows, or None."""
        sources = self._badges.get(node, {})
        return next((sources[s] for s in BADGE_ORDER if s in sources), None)

    def has(self, node: str, source: str) -> bool:
        return source in self._badges.get(node, {})

    def clear_source(self, source: str) -> None:
        for node in list(self._badges):
            if source in self._badges[node]:
                self.set_badge(node, source, None)

    def clear(self) -> None:
        for source in BADGE_ORDER:
            self.clear_source(source)

    def _on_changed(self, _now: bool) -> None:
        s = self.controller.session
        if s is None or s.halted is None:
            self.clear_source("nan")  # rewound or reset past the NaN

    def _on_halt(self, _err) -> None:
        c = self.controller
        if c.halt_node is not None:
            self.set_badge(c.halt_node, "nan", "NaN", c.halt_text)


class TrainingContext(QObject):
    """The controller (its signals and state: session, current micro-step, seen tensors, selected node),
    the redraw throttle, and the canvas's node badges (shared by the panels that mark nodes)."""

    def __init__(self, controller: TrainingController, canvas: Any = None, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.canvas = canvas
        self.throttle = RedrawThrottle(self)
        self.badges = NodeBadges(controller, canvas, self)
        # Connected first, so a hand action's redraw happens before any panel reacts to the same signal.
        controller.changed.connect(self._on_changed)

    def _on_changed(self, now: bool) -> None:
        if now:
            self.throttle.flush(force=True)  # a hand action: its own numbers, now
        else:
            self.throttle.request()  # a run slice: at the display's pace

    def follow(self, widget: QWidget, redraw: Callable[[], None], *, min_interval: float = 0.0,
               may_lag: bool = False, on_session: Callable[[], None] | None = None,
               on_step: Callable[[Any], None] | None = None, on_halt: Callable[[Any], None] | None = None,
               on_running: Callable[[bool], None] | None = None,
               on_select: Callable[[Any], None] | None = None) -> None:
        """Redraw `widget` through the throttle (see RedrawThrottle.register for min_interval and may_lag)
        and call the on_* hooks on the controller's signals: a new session or none (on_session), a
        recorded micro-step (on_step, with its StepView), a NaN halt (on_halt, with the error), Run
        started or paused (on_running), the learner selecting a node (on_select, its id or None)."""
        self.throttle.register(widget, redraw, min_interval=min_interval, may_lag=may_lag)
        c = self.controller
        for signal, hook in ((c.sessionChanged, on_session), (c.stepped, on_step), (c.halted, on_halt),
                             (c.runningChanged, on_running), (c.nodeSelected, on_select)):
            if hook is not None:
                signal.connect(hook)

    def redraw_all(self) -> None:
        """Redraw every panel now, visible or not (tests, screenshots, the benchmark)."""
        self.throttle.redraw_all()
