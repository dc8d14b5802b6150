"""The layer palette: the registry grouped by category, with icons, a filter box and one-line tooltips.
Dragging an entry carries the layer's type key as MIME type application/x-nnviz-layer."""

from __future__ import annotations

from PySide6.QtCore import QMimeData, QModelIndex, QRect, QSize, Qt, Signal
from PySide6.QtGui import QFontMetrics, QResizeEvent
from PySide6.QtWidgets import (
    QAbstractItemView,
    QHeaderView,
    QLineEdit,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.graph import CATEGORIES, all_specs
from nnviz.ui.canvas.composites import add_palette_group
from nnviz.ui.widgets.i18n import core_tr, palette_name  # the core's strings in the UI language
from nnviz.ui.widgets.icons import category_icon

LAYER_MIME = "application/x-nnviz-layer"
KEY_ROLE = Qt.ItemDataRole.UserRole


def layer_mime(type_key: str) -> QMimeData:
    mime = QMimeData()
    mime.setData(LAYER_MIME, type_key.encode("utf-8"))
    mime.setText(type_key)
    return mime


class WrappingDelegate(QStyledItemDelegate):
    """Row heights for entries wrapped to the room right of their indentation and icon (QTreeView's own
    size hint measures them on one line, and an entry too long for the narrow column is then elided)."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        size = super().sizeHint(option, index)
        tree = self.parent()
        depth, parent = 1 if tree.rootIsDecorated() else 0, index.parent()
        while parent.isValid():
            depth, parent = depth + 1, parent.parent()
        margin = tree.style().pixelMetric(QStyle.PixelMetric.PM_FocusFrameHMargin, None, tree) + 1
        icon = tree.iconSize().width() if tree.iconSize().isValid() else \
            tree.style().pixelMetric(QStyle.PixelMetric.PM_SmallIconSize, None, tree)
        room = tree.viewport().width() - depth * tree.indentation() - icon - 4 * margin
        font = index.data(Qt.ItemDataRole.FontRole) or option.font
        text = index.data(Qt.ItemDataRole.DisplayRole) or ""
        need = QFontMetrics(font).boundingRect(QRect(0, 0, max(room, 1), 10_000), Qt.TextFlag.TextWordWrap, text)
        return QSize(size.width(), max(size.height(), need.height() + 4))


class PaletteTree(QTreeWidget):
    """A tree whose leaves drag as layers."""

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Wrapped entries take the height the new width needs (Qt keeps the old row heights otherwise).
        self.scheduleDelayedItemsLayout()

    def mimeTypes(self) -> list[str]:
        return [LAYER_MIME]

    def mimeData(self, items: list[QTreeWidgetItem]) -> QMimeData:
        keys = [i.data(0, KEY_ROLE) for i in items if i.data(0, KEY_ROLE)]
        return layer_mime(keys[0]) if keys else QMimeData()


class Palette(QWidget):
    """Emits `activated(type_key)` on double-click or Enter (adds the layer at the view's centre)."""

    activated = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.filter = QLineEdit()
        self.filter.setPlaceholderText(self.tr("Filter layers…"))
        self.filter.setClearButtonEnabled(True)
        self.filter.textChanged.connect(self.apply_filter)
        self.tree = PaletteTree()
        self.tree.setHeaderHidden(True)
        # A long entry ("Transformer encoder block (post-norm)") wraps onto a second line in the narrow
        # column instead of being elided: the column is the width of the view, never scrolled sideways.
        self.tree.setWordWrap(True)
        self.tree.setItemDelegate(WrappingDelegate(self.tree))
        self.tree.header().setStretchLastSection(False)
        self.tree.header().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.tree.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.tree.setDragEnabled(True)
        self.tree.setDragDropMode(QAbstractItemView.DragDropMode.DragOnly)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.itemActivated.connect(self._on_activated)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addWidget(self.filter)
        layout.addWidget(self.tree)
        self.items: dict[str, QTreeWidgetItem] = {}
        self._populate()

    def _populate(self) -> None:
        groups: dict[str, list] = {c: [] for c in CATEGORIES}
        for spec in all_specs():
            groups.setdefault(spec.category, []).append(spec)
        for category, specs in groups.items():
            if not specs:
                continue
            group = QTreeWidgetItem(self.tree, [core_tr(category)])
            group.setIcon(0, category_icon(category))
            group.setFlags(Qt.ItemFlag.ItemIsEnabled)
            font = group.font(0)
            font.setBold(True)
            group.setFont(0, font)
            for spec in specs:
                item = QTreeWidgetItem(group, [palette_name(spec.label)])
                item.setIcon(0, category_icon(category))
                item.setData(0, KEY_ROLE, spec.key)
                short = item.text(0) == spec.label  # else the label, in English, heads the tooltip
                item.setToolTip(0, core_tr(spec.description) if short else f"{spec.label}: {core_tr(spec.description)}")
                item.setStatusTip(0, core_tr(spec.description))
                item.setFlags(Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemIsDragEnabled)
                self.items[spec.key] = item
            group.setExpanded(True)
        add_palette_group(self.tree, self.items, KEY_ROLE)  # composite blocks (nnviz.ui.canvas.composites)

    def apply_filter(self, text: str) -> None:
        """Show only layers whose label, key or description contains the text (case-insensitive)."""
        needle = text.strip().lower()
        for i in range(self.tree.topLevelItemCount()):
            group = self.tree.topLevelItem(i)
            visible = 0
            for j in range(group.childCount()):
                item = group.child(j)
                key = item.data(0, KEY_ROLE)
                hay = f"{item.text(0)} {key} {item.toolTip(0)} {group.text(0)}".lower()
                hide = bool(needle) and needle not in hay
                item.setHidden(hide)
                visible += not hide
            group.setHidden(visible == 0)

    def visible_keys(self) -> list[str]:
        return [k for k, item in self.items.items() if not item.isHidden() and not item.parent().isHidden()]

    def _on_activated(self, item: QTreeWidgetItem, column: int) -> None:
        key = item.data(0, KEY_ROLE)
        if key:
            self.activated.emit(key)
