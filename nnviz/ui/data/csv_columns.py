"""The CSV choice's column editors: the target column and the feature columns, offered from the file's header."""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QCoreApplication, Qt
from PySide6.QtWidgets import QComboBox, QListWidget, QListWidgetItem

from nnviz.data.dataset import DataError


def fill_columns(path: Path, combo: QComboBox, features: QListWidget | None) -> None:
    """Once a CSV is chosen, offer its columns (the header's names, or "column 1", ...) as the target
    and as features, keeping what was chosen before where the new file has it."""
    from nnviz.data.csvfile import column_names

    try:
        names = column_names(path, {})
    except DataError:
        return
    current = combo.currentData()
    combo.clear()
    combo.addItem(QCoreApplication.translate("DataPanel", "(last column)"), None)
    for name in names:
        combo.addItem(name, name)
    combo.setCurrentIndex(max(0, combo.findData(current)))
    if isinstance(features, QListWidget):
        wanted = features.property("wanted")
        features.clear()
        for name in names:
            item = QListWidgetItem(name)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            ticked = wanted is None or name in wanted
            item.setCheckState(Qt.CheckState.Checked if ticked else Qt.CheckState.Unchecked)
            features.addItem(item)
        mark_target(combo, features)


def mark_target(combo: object, features: object) -> None:
    """The target column cannot also be a feature: grey it out in the feature list."""
    if not isinstance(combo, QComboBox) or not isinstance(features, QListWidget) or not features.count():
        return
    target = combo.currentData() or features.item(features.count() - 1).text()
    for row in range(features.count()):
        item = features.item(row)
        flags = item.flags()
        is_target = item.text() == target
        if is_target and flags & Qt.ItemFlag.ItemIsEnabled:
            # Shown unticked while it is the target; its own tick comes back if it stops being one.
            item.setData(Qt.ItemDataRole.UserRole, item.checkState())
            item.setFlags(flags & ~Qt.ItemFlag.ItemIsEnabled)
            item.setCheckState(Qt.CheckState.Unchecked)
        elif not is_target and not flags & Qt.ItemFlag.ItemIsEnabled:
            item.setFlags(flags | Qt.ItemFlag.ItemIsEnabled)
            saved = item.data(Qt.ItemDataRole.UserRole)
            item.setCheckState(Qt.CheckState.Unchecked if saved == Qt.CheckState.Unchecked
                               else Qt.CheckState.Checked)
