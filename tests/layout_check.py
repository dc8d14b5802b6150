"""What a learner cannot read in a window: elided tabs, clipped labels and buttons, widgets below a fold.

`unreadable(window)` walks every visible widget and compares each text's font metrics with the room its
widget has; it returns one line per problem ("tab 'aining settings' ..."), empty when everything reads.
"""

from __future__ import annotations

from PySide6.QtCore import QRect, Qt
from PySide6.QtGui import QFontMetrics
from PySide6.QtWidgets import (
    QAbstractButton,
    QCheckBox,
    QLabel,
    QLineEdit,
    QMainWindow,
    QRadioButton,
    QScrollArea,
    QTabBar,
    QToolBar,
    QToolButton,
    QTreeWidget,
    QTreeWidgetItem,
    QWidget,
)


def _plain(text: str) -> str:
    return text.replace("&&", "\0").replace("&", "").replace("\0", "&")


def _where(widget: QWidget) -> str:
    names = []
    while widget is not None and len(names) < 4:
        if widget.objectName():
            names.append(widget.objectName())
        widget = widget.parentWidget()
    return "/".join(reversed(names)) or "?"


def _shown(widget: QWidget) -> bool:
    return widget.isVisible() and not widget.visibleRegion().isEmpty()


def _fully_shown(widget: QWidget, window: QWidget) -> bool:
    """Nothing of the widget is cut off by a scroll area, a splitter or the window's edge."""
    region = widget.visibleRegion()
    inside = QRect(widget.mapTo(window, widget.rect().topLeft()), widget.size())
    return region.boundingRect() == widget.rect() and window.rect().contains(inside)


def _cut_sideways(widget: QWidget) -> bool:
    """The widget is wider than the scroll area that shows it: a learner must scroll sideways to read it
    (a table's cells or a heatmap's labels in a view made to pan are not text a panel lays out)."""
    from PySide6.QtWidgets import QAbstractItemView, QGraphicsView

    parent = widget.parentWidget()
    while parent is not None:
        if isinstance(parent, QAbstractItemView | QGraphicsView):
            return False
        if isinstance(parent, QScrollArea):
            return parent.viewport().width() < widget.width()
        parent = parent.parentWidget()
    return False


def _icon_only(button: QAbstractButton) -> bool:
    """A tool button that shows its icon and keeps its text for the tooltip (a line edit's action button,
    such as the palette's Find, paints only its icon)."""
    return isinstance(button, QToolButton) and (isinstance(button.parentWidget(), QLineEdit) or (
        not button.icon().isNull() and button.toolButtonStyle() == Qt.ToolButtonStyle.ToolButtonIconOnly))


def unreadable(window: QMainWindow) -> list[str]:
    problems: list[str] = []
    for bar in window.findChildren(QTabBar):
        if not _shown(bar):
            continue
        fm = bar.fontMetrics()
        for i in range(bar.count()):
            if not bar.isTabVisible(i):
                continue
            text, rect = _plain(bar.tabText(i)), bar.tabRect(i)
            if rect.left() < 0 or rect.right() > bar.width():
                problems.append(f"tab {text!r} of {_where(bar)} is scrolled out of its bar ({bar.width()} px wide)")
            elif fm.horizontalAdvance(text) > rect.width() - 4:
                problems.append(f"tab {text!r} is elided ({rect.width()} px for {fm.horizontalAdvance(text)})")
    for toolbar in window.findChildren(QToolBar):
        more = toolbar.findChild(QToolButton, "qt_toolbar_ext_button")
        if _shown(toolbar) and more is not None and more.isVisible():
            problems.append(f"toolbar {toolbar.windowTitle()!r} hides actions behind its » button")
    for button in window.findChildren(QAbstractButton):
        text = _plain(button.text())
        if not text or not _shown(button) or _icon_only(button):
            continue
        if not _fully_shown(button, window):
            problems.append(f"button {text!r} in {_where(button)} is partly hidden (below a fold or cut off)")
            continue
        need = button.sizeHint().width() if isinstance(button, QCheckBox | QRadioButton) else \
            button.fontMetrics().horizontalAdvance(text) + 6
        if button.width() < need:
            problems.append(f"button {text!r} in {_where(button)} is {button.width()} px wide, its text needs {need}")
    for label in window.findChildren(QLabel):
        if not label.text() or not _shown(label) or (label.pixmap() is not None and not label.pixmap().isNull()):
            continue
        rect = label.contentsRect()
        if label.visibleRegion().boundingRect().width() < label.width() - 1 and _cut_sideways(label):
            problems.append(f"label {label.text()[:60]!r} in {_where(label)} is cut off at the side by its "
                            f"scroll area ({label.visibleRegion().boundingRect().width()} of {label.width()} px shown)")
            continue
        if label.wordWrap():
            need_h = label.heightForWidth(label.width())
            if need_h > label.height() + 2:
                problems.append(f"label {label.text()[:60]!r} in {_where(label)} is cut off below "
                                f"({label.height()} px high, needs {need_h})")
        elif label.minimumSizeHint().width() > label.width() + 1:
            problems.append(f"label {label.text()[:60]!r} in {_where(label)} is clipped "
                            f"({rect.width()} px wide, needs {label.minimumSizeHint().width()})")
    for line in window.findChildren(QLineEdit):
        # A read-only line (the position, a tensor's summary) is a label that does not re-lay out its window.
        if line.isReadOnly() and line.text() and _shown(line):
            need = line.fontMetrics().horizontalAdvance(line.text()) + 6
            if need > line.width():
                problems.append(f"line {line.text()[:60]!r} in {_where(line)} is clipped ({line.width()} px wide, "
                                f"needs {need})")
    status = window.statusBar()
    if not status.isVisible() or not window.rect().contains(status.geometry()):
        problems.append("the status bar is not inside the window")
    return problems


def unreadable_in_every_panel(window: QMainWindow, settle) -> list[str]:
    """unreadable() with each docked panel brought to the front of its tab group in turn."""
    from PySide6.QtWidgets import QDockWidget

    problems: list[str] = []
    docks = [d for d in window.findChildren(QDockWidget) if d.isVisible() or window.tabifiedDockWidgets(d)]
    for dock in docks:
        if dock.isFloating() or dock.toggleViewAction().isChecked() is False:
            continue
        dock.raise_()
        settle()
        problems += [f"[{dock.objectName()}] {p}" for p in unreadable(window) if p not in problems]
    return sorted(set(problems))


def _tree_items(tree: QTreeWidget) -> list[QTreeWidgetItem]:
    items, stack = [], [tree.topLevelItem(i) for i in range(tree.topLevelItemCount())]
    while stack:
        item = stack.pop(0)
        if item.isHidden() or (item.parent() is not None and not item.parent().isExpanded()):
            continue
        items.append(item)
        stack += [item.child(i) for i in range(item.childCount())]
    return items


def unreadable_tree_items(tree: QTreeWidget) -> list[str]:
    """Entries of a tree (the layer palette) whose text is elided or cut at the side: the room right of
    each entry's indentation and icon within the visible column against the text (wrapped to that room
    when the tree wraps), also for entries scrolled up or down out of sight."""
    problems = []
    # The part of the column on screen: a scroll area around the tree may hide its right side.
    seen = tree.viewport().visibleRegion().boundingRect()
    width = min(seen.right() + 1 if not seen.isEmpty() else tree.viewport().width(), tree.columnWidth(0))
    icon = tree.iconSize().width() if tree.iconSize().isValid() else tree.style().pixelMetric(
        tree.style().PixelMetric.PM_SmallIconSize)
    for item in _tree_items(tree):
        text, rect = item.text(0), tree.visualItemRect(item)
        fm = QFontMetrics(item.font(0))
        left = rect.left() + (icon + 8 if not item.icon(0).isNull() else 4)
        room = width - left - 4
        if tree.wordWrap():
            need = fm.boundingRect(QRect(0, 0, max(room, 1), 10_000), Qt.TextFlag.TextWordWrap, text)
            if need.width() > room or need.height() > rect.height():
                problems.append(f"entry {text!r} of {_where(tree)} needs {need.width()}x{need.height()} px, has "
                                f"{room}x{rect.height()}")
        elif fm.horizontalAdvance(text) > room:
            problems.append(f"entry {text!r} of {_where(tree)} is elided ({room} px for "
                            f"{fm.horizontalAdvance(text)})")
    return problems
