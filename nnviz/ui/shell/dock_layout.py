"""The default arrangement of the main window's panels, designed for 1280x800 first (View ▸ Reset layout).

    +--------+---------------------------+-------------------+
    | Layers |                           | Loss and accuracy |
    | Data   |          canvas           +-------------------+
    |        |                           | Decision boundary |
    +--------+------------+--------------+ Training settings |
    | Formula | Problems  | Tensors | Neurons | ...  | Inspector |
    +---------------------+----------------------+-------------------+

The right column runs the window's whole height (its tab group gets room to read a decision boundary or a
form); the bottom row holds what a learner reads while stepping: the formula with its numbers beside the
tensors of this micro-step. Each tab group has at most as many tabs as its width shows whole: the panels
watched while training (neurons, gradient health, through time) sit beside the tensors, where the row is
wide. Docks are found by object name ("dock_" + the English title), so panels added by others (an export
preview, an attention view) are placed too: in the bottom row's second group, or hidden for the export
previews (File ▸ Export shows them again).
"""

from __future__ import annotations

from PySide6.QtCore import QEvent, QRect, Qt
from PySide6.QtWidgets import QApplication, QComboBox, QDockWidget, QMainWindow, QScrollArea, QTabBar, QWidget

LEFT = Qt.DockWidgetArea.LeftDockWidgetArea
RIGHT = Qt.DockWidgetArea.RightDockWidgetArea
BOTTOM = Qt.DockWidgetArea.BottomDockWidgetArea
H, V = Qt.Orientation.Horizontal, Qt.Orientation.Vertical

LEFT_GROUP = ("dock_layers", "dock_data")
RIGHT_TOP = "dock_lossandaccuracy"
RIGHT_GROUP = ("dock_decisionboundary", "dock_trainingsettings", "dock_inspector")
STEP_GROUP = ("dock_formula", "dock_problems", "dock_history")
WATCH_GROUP = ("dock_tensors", "dock_neurons", "dock_gradienthealth", "dock_throughtime")
# Opened on demand (File ▸ Export, Train ▸ Exercise mode, a lesson, the first attention micro-step of a
# network that has attention): not part of the default layout, whose tab groups are full at 1280x800.
ON_DEMAND = ("dock_pytorchcode", "dock_kerascode", "dock_onnxexport", "dock_exercise", "dock_attention")

JOINS_STEP_GROUP = ("dock_exercise",)  # on-demand panels that join Formula's group (the others: Tensors')
STEPPED_ASIDE = "stepped_aside"  # dock property: hidden to make room for an on-demand panel
MIN_WIDTH, MIN_HEIGHT = 1280, 800


def docks_by_name(window: QMainWindow) -> dict[str, QDockWidget]:
    return {d.objectName(): d for d in window.findChildren(QDockWidget) if d.parent() is window}


def _group(window: QMainWindow, docks: list[QDockWidget]) -> None:
    for other in docks[1:]:
        window.tabifyDockWidget(docks[0], other)


def arrange(window: QMainWindow) -> None:
    """Place every panel where the default layout puts it (structure only; sizes: `size_docks`)."""
    window.setCorner(Qt.Corner.TopRightCorner, RIGHT)
    window.setCorner(Qt.Corner.BottomRightCorner, RIGHT)
    window.setCorner(Qt.Corner.TopLeftCorner, LEFT)
    window.setCorner(Qt.Corner.BottomLeftCorner, LEFT)
    docks = docks_by_name(window)
    known = set(LEFT_GROUP) | {RIGHT_TOP} | set(RIGHT_GROUP) | set(STEP_GROUP) | set(WATCH_GROUP)
    others = [d for name, d in docks.items() if name not in known and name not in ON_DEMAND]
    for name in ON_DEMAND:
        if name in docks:
            docks[name].hide()
    placed: dict[Qt.DockWidgetArea, list[list[QDockWidget]]] = {LEFT: [], RIGHT: [], BOTTOM: []}
    for area, names in ((LEFT, LEFT_GROUP), (RIGHT, (RIGHT_TOP,)), (RIGHT, RIGHT_GROUP), (BOTTOM, STEP_GROUP),
                        (BOTTOM, WATCH_GROUP)):
        group = [docks[n] for n in names if n in docks]
        if area is BOTTOM and names is WATCH_GROUP:
            group += others
        if group:
            placed[area].append(group)
    for area, groups in placed.items():
        orientation = H if area is BOTTOM else V
        for group in groups:
            for dock in group:
                dock.setProperty(STEPPED_ASIDE, False)
                dock.setFloating(False)
                window.addDockWidget(area, dock, orientation)
                dock.show()
        for group in groups:
            _group(window, group)
    for name in (LEFT_GROUP[0], STEP_GROUP[0], WATCH_GROUP[0], RIGHT_GROUP[0]):
        if name in docks:
            docks[name].raise_()
    readable_tabs(window)


def size_docks(window: QMainWindow) -> None:
    """Give each column and row its share of the window (call once the window has its real size)."""
    docks = docks_by_name(window)
    width, height = window.width(), window.height()
    side = [docks[n] for n in ("dock_layers",) if n in docks]
    right = [docks[n] for n in (RIGHT_TOP, *RIGHT_GROUP) if n in docks]
    if side:
        window.resizeDocks(side[:1], [max(220, int(width * 0.16))], H)
    if right:
        window.resizeDocks(right[:1], [max(360, int(width * 0.27))], H)
    bottom = [docks[n] for n in ("dock_formula", "dock_tensors") if n in docks]
    if len(bottom) == 2:
        rest = width - ((right and max(360, int(width * 0.27))) or 0)
        window.resizeDocks(bottom, [int(rest * 0.45), int(rest * 0.55)], H)
    if bottom:
        window.resizeDocks(bottom[:1], [max(270, int(height * 0.36))], V)
    if RIGHT_TOP in docks and len(right) > 1:
        window.resizeDocks([docks[RIGHT_TOP]], [max(240, int(height * 0.36))], V)
    readable_tabs(window)


def readable_tabs(window: QMainWindow) -> None:
    """Dock tab titles show whole: the layout gives each group the width its tabs need, so nothing is
    elided to "aining settings"; a group a learner made narrower scrolls its tab bar."""
    for bar in window.findChildren(QTabBar):
        bar.setElideMode(Qt.TextElideMode.ElideNone)
        bar.setUsesScrollButtons(True)
        bar.setExpanding(False)


def first_geometry(available: QRect) -> tuple[QRect, bool]:
    """Where a window without a saved geometry opens on a screen with `available` room: maximised when the
    screen is not larger than the layout's design size (a 1280x800 window plus its frame would push the
    status bar off a 1280x800 screen), else a comfortable 85% of the screen, centred. (rect, maximised)"""
    if available.width() <= MIN_WIDTH + 80 or available.height() <= MIN_HEIGHT + 80:
        return QRect(available), True
    width = max(MIN_WIDTH, int(available.width() * 0.85))
    height = max(MIN_HEIGHT, int(available.height() * 0.85))
    rect = QRect(0, 0, width, height)
    rect.moveCenter(available.center())
    return rect, False


# ------------------------------------------------------------ panels opened on demand


def panel_of(dock: QDockWidget) -> QWidget | None:
    widget = dock.widget()
    return widget.widget() if isinstance(widget, QScrollArea) else widget


def bring_forward(window: QMainWindow, dock: QDockWidget) -> None:
    """An on-demand panel that asks to be seen joins its tab group in front: the attention view (at a
    network's first attention micro-step) beside Tensors, the exercise's question beside Formula. The bottom
    row is full at 1280x800, so a panel of the watch group that does not apply to this network (the
    through-time view without a recurrent layer) gives up its tab until the next network, and the row's two
    groups share its width by what their tabs need: no tab is scrolled out of sight."""
    if dock.isHidden():
        docks = docks_by_name(window)
        session = getattr(getattr(window, "training", None), "session", None)
        for name in WATCH_GROUP:
            other = docks.get(name)
            applies = getattr(panel_of(other), "applicable", None) if other is not None else None
            if session is not None and applies is not None and not other.isHidden() and not applies(session):
                other.hide()
                other.setProperty(STEPPED_ASIDE, True)
        anchor = docks.get(STEP_GROUP[0] if dock.objectName() in JOINS_STEP_GROUP else WATCH_GROUP[0])
        if anchor is not None and not anchor.isHidden() and window.dockWidgetArea(anchor) == BOTTOM:
            window.tabifyDockWidget(anchor, dock)
        dock.show()
        readable_tabs(window)
        dock.raise_()
        share_bottom_row(window, dock)  # once, when it joins: every later question keeps the learner's sizes
    dock.raise_()


def _tab_bar_of(window: QMainWindow, dock: QDockWidget) -> QTabBar | None:
    for bar in window.findChildren(QTabBar):
        if any(bar.tabText(i) == dock.windowTitle() for i in range(bar.count())):
            return bar
    return None


def share_bottom_row(window: QMainWindow, front: QDockWidget | None = None) -> None:
    """The bottom row's two tab groups split its width so that each group's tabs, and the panel `front`
    just brought forward, read whole; the rest of the width is shared as the default layout shares it
    (45 : 55); when not everything can read whole, by need."""
    docks = docks_by_name(window)
    pair = [docks.get(STEP_GROUP[0]), docks.get(WATCH_GROUP[0])]
    if any(d is None or d.isHidden() or window.dockWidgetArea(d) != BOTTOM for d in pair):
        return
    QApplication.processEvents()  # the tab bars of a group that just changed are laid out
    bars = [_tab_bar_of(window, d) for d in pair]
    need = [(bar.sizeHint().width() + 24) if bar is not None else 0 for bar in bars]
    if front is not None and front not in pair and (panel := panel_of(front)) is not None:
        side = 0 if front.objectName() in JOINS_STEP_GROUP else 1
        need[side] = max(need[side], panel.minimumSizeHint().width() + 30)  # its scroll bar and margins
    total = pair[0].width() + pair[1].width()
    spare = total - sum(need)
    if spare >= 0:
        widths = [max(need[0], int(total * 0.45)), 0]
        widths[0] = min(widths[0], total - need[1])
        widths[1] = total - widths[0]
    else:
        widths = [int(total * need[0] / sum(need)), 0]
        widths[1] = total - widths[0]
    window.resizeDocks(pair, widths, H)


def new_network(window: QMainWindow) -> None:
    """Another network replaced the document: panels that stepped aside for an on-demand panel come back
    to their group, and that panel waits until the new network asks for it (at most one extra tab)."""
    docks = docks_by_name(window)
    aside = [d for d in docks.values() if d.property(STEPPED_ASIDE)]
    if not aside:
        return
    for name in ON_DEMAND:
        if name in docks and getattr(panel_of(docks[name]), "wantsFront", None) is not None:
            docks[name].hide()
    anchor = docks.get(WATCH_GROUP[0])
    for dock in aside:
        dock.setProperty(STEPPED_ASIDE, False)
        if anchor is not None and not anchor.isHidden():
            window.tabifyDockWidget(anchor, dock)
        dock.show()
    if anchor is not None:
        anchor.raise_()


# ------------------------------------------------------------ which tab is in front
def start_dock(window) -> QDockWidget:
    """The right column's front tab at start: the decision boundary when the data is 2-D classification
    (what a learner watches first on such data), else the Inspector."""
    boundary = window.findChild(QDockWidget, "dock_decisionboundary")
    session = getattr(getattr(window, "training", None), "session", None)
    panel = getattr(getattr(window, "training_panels", None), "boundary", None)
    if boundary is not None and session is not None and panel is not None and panel.applicable(session):
        return boundary
    return window.inspector_dock


def formula_dock(window) -> QDockWidget:
    """The Formula panel's dock (Problems' when training is not attached)."""
    return window.findChild(QDockWidget, "dock_formula") or window.problems_dock


def session_changed(window) -> None:
    """Another network or data set: a decision boundary in front with nothing to draw for it (a lesson's
    regression, a Transformer opened after spirals) gives its place to the Inspector. A learner's own choice
    of tab is otherwise kept."""
    boundary = window.findChild(QDockWidget, "dock_decisionboundary")
    session = getattr(getattr(window, "training", None), "session", None)
    if boundary is not None and session is not None and in_front(boundary) and start_dock(window) is not boundary:
        window.inspector_dock.raise_()


def front_tabs(window) -> None:
    start_dock(window).raise_()
    (window.problems_dock if not window.document.analysis().valid else formula_dock(window)).raise_()


def in_front(dock: QDockWidget) -> bool:
    return not dock.visibleRegion().isEmpty()  # a tab behind another is hidden


def problems_changed(window, bad: bool) -> None:
    """Problems share the Formula's tab group: in front while something is broken, and the Formula back in
    front once it is fixed (a learner stepping reads formulas, not "No problems")."""
    if bad:
        window.problems_dock.raise_()
    elif in_front(window.problems_dock):
        formula_dock(window).raise_()


def show_step_panels(window) -> None:
    """A micro-step was taken by hand: its formula comes to the front of its tab group."""
    dock = formula_dock(window)
    if dock is not window.problems_dock and dock.isVisible() and not in_front(dock):
        dock.raise_()


MIN_CHARS = "min_chars"  # a combo's own narrower minimum (three choices in one row of a bottom panel)


def narrow_combos(panel: QWidget) -> None:
    """A docked panel's choice boxes take the width of their column, not of their longest entry (the list
    that drops down shows each entry whole): one long loss name would otherwise make a whole settings form
    scroll sideways in a 360-pixel column."""
    for combo in panel.findChildren(QComboBox):
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(combo.property(MIN_CHARS) or 12)
        QApplication.sendEvent(combo, QEvent(QEvent.Type.StyleChange))  # drops the cached minimum size
