"""One small editor widget per parameter kind. Each emits `edited(value)` only for a user's edit;
`set_value` blocks signals, so a refresh from the document never bounces back as a new edit. The number
editors take scientific notation and the locale's decimal sign, and emit `refused(reason)` instead of
changing what was typed (nnviz.ui.widgets.number_edit)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSignalBlocker, Signal
from PySide6.QtWidgets import QCheckBox, QComboBox, QLineEdit, QWidget

from nnviz.graph import ParamSpec
from nnviz.ui.widgets.i18n import core_tr  # the core's strings in the UI language
from nnviz.ui.widgets.number_edit import INT32, NumberSpinBox, WholeSpinBox

BIG = min(1_000_000_000, INT32)


class IntEditor(WholeSpinBox):
    """Emits `refused(reason)` for a text it cannot take (the inspector shows it); the value stays."""

    edited = Signal(object)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.setRange(int(spec.minimum) if spec.minimum is not None else -BIG,
                      int(spec.maximum) if spec.maximum is not None else BIG)
        self.setKeyboardTracking(False)  # typing "128" is one edit, not three
        self.valueChanged.connect(self.edited.emit)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self.setValue(int(value))


class FloatEditor(NumberSpinBox):
    edited = Signal(object)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.setDecimals(6)
        self.setRange(spec.minimum if spec.minimum is not None else -1e9,
                      spec.maximum if spec.maximum is not None else 1e9)
        self.setSingleStep(0.01)
        self.setKeyboardTracking(False)
        self.valueChanged.connect(self.edited.emit)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self.setValue(float(value))


class BoolEditor(QCheckBox):
    edited = Signal(object)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.toggled.connect(self.edited.emit)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self.setChecked(bool(value))


class ChoiceEditor(QComboBox):
    edited = Signal(object)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        for choice in spec.choices:  # shown in the learner's language ("无", not "none"); the value stays
            self.addItem(core_tr(str(choice)), choice)
        self.currentIndexChanged.connect(lambda index: self.edited.emit(self.itemData(index)))

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self.setCurrentIndex(self.findData(value))


class IntsEditor(QLineEdit):
    """A list of whole numbers typed as "3, 3"; the document validates and refuses with a reason."""

    edited = Signal(object)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.setPlaceholderText(self.tr("e.g. 1, 28, 28"))
        self.editingFinished.connect(self._finish)
        self._shown = ""

    def _finish(self) -> None:
        text = self.text().strip()
        if text == self._shown:
            return
        try:
            value = tuple(int(part) for part in text.replace("x", ",").replace("×", ",").split(",") if part.strip())
        except ValueError:
            value = text  # let the document word the refusal
        self.edited.emit(value)

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self._shown = ", ".join(str(v) for v in value)
            self.setText(self._shown)


class TextEditor(QLineEdit):
    edited = Signal(object)

    def __init__(self, spec: ParamSpec) -> None:
        super().__init__()
        self.editingFinished.connect(lambda: self.edited.emit(self.text()))

    def set_value(self, value: Any) -> None:
        with QSignalBlocker(self):
            self.setText(str(value))


EDITORS = {"int": IntEditor, "float": FloatEditor, "bool": BoolEditor, "choice": ChoiceEditor,
           "ints": IntsEditor, "str": TextEditor}


def make_editor(spec: ParamSpec) -> QWidget:
    """A typed editor for one parameter, with its help as tooltip."""
    editor = EDITORS[spec.kind](spec)
    editor.setToolTip(core_tr(spec.help))
    editor.setObjectName(f"param_{spec.name}")
    return editor
