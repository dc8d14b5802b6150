"""TrainingSettingsPanel: loss, optimiser and its parameters, learning rate, batch size, seed, dtype.

Every edit goes through GraphDocument.set_training (through the window's undoable controller when given);
the panel redraws from the document's notification with signals blocked, so nothing bounces back.
Options the chosen optimiser does not use are hidden rather than shown greyed out.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP
from PySide6.QtWidgets import QCheckBox, QComboBox, QFormLayout, QLabel, QVBoxLayout, QWidget

from nnviz.graph.document import Change, GraphDocument
from nnviz.graph.settings import LOSSES, OPTIMIZERS, SETTINGS, SPECS, SettingsError, TrainingSettings
from nnviz.ui.widgets.i18n import core_tr
from nnviz.ui.widgets.number_edit import NumberSpinBox, WholeSpinBox

# How each number is shown (decimals, arrow step); what it may be (kind, range, default, label, which optimisers
# read it) comes from the settings' specs (nnviz.graph.settings.SETTINGS), the one definition.
FLOAT_DISPLAY = {"lr": (6, 0.01), "momentum": (3, 0.05), "weight_decay": (6, 0.0001), "beta1": (4, 0.01),
                 "beta2": (5, 0.001), "eps": (10, 1e-8), "alpha": (4, 0.01)}
FLOATS = [spec.name for spec in SETTINGS if spec.kind == "float"]
INTS = [spec.name for spec in SETTINGS if spec.kind == "int"]

# lupdate reads literal markers only: the specs' labels, once (tests/test_settings_specs.py keeps this complete).
TRANSLATABLE = (
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Learning rate η"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Momentum μ"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Weight decay λ"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "RMSprop α"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Nesterov"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Batch size"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Epochs"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Seed"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Loss"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Optimiser"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Precision"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Shuffle every epoch"),
    QT_TRANSLATE_NOOP("TrainingSettingsPanel", "Rewind memory (MB)"),
)


class TrainingSettingsPanel(QWidget):
    def __init__(self, doc: GraphDocument, apply: Callable[[TrainingSettings], object] | None = None,
                 parent: QWidget | None = None) -> None:
        """apply: how an edit reaches the document (the window's undoable GraphController.set_training);
        by default GraphDocument.set_training directly."""
        super().__init__(parent)
        self.apply = apply
        self.doc: GraphDocument | None = None
        form = QFormLayout()
        self.editors: dict[str, QWidget] = {}
        self.loss = QComboBox()
        for key in SPECS["loss"].choices:
            label, torch_form = LOSSES[key]
            self.loss.addItem(core_tr(label), key)
            self.loss.setItemData(self.loss.count() - 1, torch_form, 3)  # Qt.ToolTipRole
        self.loss.currentIndexChanged.connect(lambda _: self._edit("loss", self.loss.currentData()))
        form.addRow(self.tr(SPECS["loss"].label), self.loss)
        self.optimizer = QComboBox()
        for key in SPECS["optimizer"].choices:
            self.optimizer.addItem(core_tr(OPTIMIZERS[key]), key)
        self.optimizer.currentIndexChanged.connect(lambda _: self._edit("optimizer", self.optimizer.currentData()))
        form.addRow(self.tr(SPECS["optimizer"].label), self.optimizer)
        self.rows: dict[str, tuple[QLabel, QWidget]] = {}
        for name in FLOATS:
            spec, (decimals, step) = SPECS[name], FLOAT_DISPLAY.get(name, (4, 0.01))
            box = NumberSpinBox()
            box.setRange(spec.minimum, spec.maximum)
            box.setDecimals(decimals)
            box.setSingleStep(step)
            box.setKeyboardTracking(False)  # one edit per finished number, not per keystroke
            box.valueChanged.connect(lambda v, n=name: self._edit(n, float(v)))
            box.refused.connect(lambda reason, t=spec.label: self._refused(t, reason))
            self._add(form, name, self.tr(spec.label), box)
        self.nesterov = QCheckBox(self.tr(SPECS["nesterov"].label))
        self.nesterov.toggled.connect(lambda v: self._edit("nesterov", bool(v)))
        self._add(form, "nesterov", "", self.nesterov)
        for name in INTS:
            spec = SPECS[name]
            box = WholeSpinBox()
            box.setRange(int(spec.minimum), int(spec.maximum))
            box.setKeyboardTracking(False)
            box.valueChanged.connect(lambda v, n=name: self._edit(n, int(v)))
            box.refused.connect(lambda reason, t=spec.label: self._refused(t, reason))
            self._add(form, name, self.tr(spec.label), box)
        self.dtype = QComboBox()
        self.dtype.addItems(list(SPECS["dtype"].choices))
        self.dtype.currentTextChanged.connect(lambda v: self._edit("dtype", v))
        form.addRow(self.tr(SPECS["dtype"].label), self.dtype)
        self.shuffle = QCheckBox(self.tr(SPECS["shuffle"].label))
        self.shuffle.toggled.connect(lambda v: self._edit("shuffle", bool(v)))
        form.addRow("", self.shuffle)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #b00020;")
        self.error.hide()
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addStretch(1)
        self.set_document(doc)

    def _add(self, form: QFormLayout, name: str, label: str, editor: QWidget) -> None:
        lab = QLabel(label)
        form.addRow(lab, editor)
        self.editors[name] = editor
        self.rows[name] = (lab, editor)

    def set_document(self, doc: GraphDocument) -> None:
        if self.doc is not None:
            self.doc.unsubscribe(self._on_change)
        self.doc = doc
        doc.subscribe(self._on_change)
        self.refresh()

    def _on_change(self, change: Change) -> None:
        if change.kind in ("training", "replaced"):
            self.refresh()

    def refresh(self) -> None:
        """Show the document's settings, without emitting edits."""
        s = self.doc.training
        widgets = [self.loss, self.optimizer, self.nesterov, self.dtype, self.shuffle, *self.editors.values()]
        for w in widgets:
            w.blockSignals(True)
        try:
            self.loss.setCurrentIndex(self.loss.findData(s.loss))
            self.optimizer.setCurrentIndex(self.optimizer.findData(s.optimizer))
            for name in FLOATS:
                self.editors[name].setValue(getattr(s, name))
            for name in INTS:
                self.editors[name].setValue(getattr(s, name))
            self.nesterov.setChecked(s.nesterov)
            self.dtype.setCurrentText(s.dtype)
            self.shuffle.setChecked(s.shuffle)
        finally:
            for w in widgets:
                w.blockSignals(False)
        for name, (label, editor) in self.rows.items():
            visible = SPECS[name].read_by(s.optimizer)
            label.setVisible(visible)
            editor.setVisible(visible)

    def _refused(self, label: str, reason: str) -> None:
        """A number the field could not take: the reason stays visible until the next accepted edit."""
        self.error.setText(f"{self.tr(label)}: {reason}")
        self.error.show()

    def _edit(self, name: str, value: Any) -> None:
        s = self.doc.training
        if getattr(s, name) == value:
            return
        changes = {name: value}
        if name in ("optimizer", "momentum") and s.nesterov:
            # Nesterov needs SGD with momentum; switching away turns it off instead of refusing.
            new_opt = value if name == "optimizer" else s.optimizer
            new_mom = value if name == "momentum" else s.momentum
            if new_opt != "sgd" or new_mom <= 0:
                changes["nesterov"] = False
        try:
            new = s.with_(**changes)
        except SettingsError as exc:
            self.error.setText(str(exc))
            self.error.show()
            self.refresh()
            return
        self.error.hide()
        if self.apply is not None:
            self.apply(new)
        else:
            self.doc.set_training(new)
