"""The data panel: choose the data set and its options, preview it, and hand the new data spec on.

DataPanel(document, controller=None) is a standalone QWidget. Each change of the form reloads the data (debounced)
and shows it in a DataPreview. When it loads, the panel emits specChanged(spec) and datasetLoaded(dataset); given
a controller it also applies the spec (undoable) and, with "Input follows the data" ticked, sets the Input node's
shape to the data's sample shape. Problems between network and data (check_fit) are listed under the form.
"""

from __future__ import annotations

import copy
import weakref
from pathlib import Path
from typing import Any

import shiboken6
from PySide6.QtCore import QCoreApplication, Qt, QTimer, Signal
from PySide6.QtWidgets import (
    QCheckBox,
    QComboBox,
    QDoubleSpinBox,
    QFormLayout,
    QFrame,
    QLabel,
    QListWidget,
    QScrollArea,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.data.cache import cached_dataset
from nnviz.data.dataset import DataError, Dataset
from nnviz.data.fit import check_fit
from nnviz.graph.document import Change, GraphDocument
from nnviz.ui.data.csv_columns import fill_columns, mark_target
from nnviz.ui.data.data_choices import CHOICES, CONTEXT, Field, choice_index, without_implicit_defaults
from nnviz.ui.data.data_preview import DataPreview
from nnviz.ui.data.fetch_box import FetchBox, use_offer
from nnviz.ui.widgets.data_loading import DataLoader
from nnviz.ui.widgets.number_edit import NumberSpinBox, WholeSpinBox
from nnviz.ui.widgets.path_edit import PathEdit
from nnviz.ui.widgets.qt_images import decode_image, install_decoder

__all__ = ["DataPanel", "PathEdit"]


class DataPanel(QWidget):
    specChanged = Signal(dict)
    datasetLoaded = Signal(object)

    def __init__(self, document: GraphDocument, controller: Any = None, parent: QWidget | None = None,
                 decode: Any = decode_image) -> None:
        super().__init__(parent)
        install_decoder()  # sessions started elsewhere in the app then read image folders with Qt too
        self.document = document
        self.controller = controller
        self.decode = decode
        self.dataset: Dataset | None = None
        self.error = ""
        self.editors: dict[str, QWidget] = {}
        self._loading_form = False
        self._inline_spec: dict[str, Any] | None = None
        self._shown: tuple[dict[str, Any], dict[str, Any]] | None = None  # (form's spec, document's spec)
        self.loader, self._waiting_apply = DataLoader(self), False  # a load not cached yet: off the GUI thread
        self.loader.ready.connect(lambda: self.reload(self._waiting_apply))
        self._timer = QTimer(self, singleShot=True, interval=250)
        self._timer.timeout.connect(self.reload)

        self.choice = QComboBox(minimumContentsLength=10,  # a long (Chinese) name must not widen the dock
                                sizeAdjustPolicy=QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.inline_label = self.tr("Data written in the file (inline)")
        for label, _, _ in CHOICES:
            self.choice.addItem(_translated(label))
        self.choice.currentIndexChanged.connect(self._choice_changed)
        self.form_host = QWidget()
        self.form = QFormLayout(self.form_host)
        self.form.setContentsMargins(0, 0, 0, 0)
        self.form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapLongRows)  # a 220 px column: fields go below
        self.follow = QCheckBox(self.tr("Input follows the data"))
        self.follow.setChecked(True)
        self.follow.setToolTip(self.tr("Set the Input node's shape to one sample's shape whenever the data changes"))
        self.message = QLabel()
        self.message.setWordWrap(True)
        self.preview = DataPreview()
        self.fetch_box = FetchBox()  # the guides' sets: where each was found, or Fetch with progress and Cancel
        self.fetch_box.fetched.connect(lambda _folder: self.reload())
        self.fetch_box.useReal.connect(lambda offer: use_offer(self.controller, self.document, offer))
        # Everything scrolls together when the dock is short, rather than squeezing the form to nothing.
        content = QWidget()
        self._content_layout = layout = QVBoxLayout(content)
        layout.addWidget(self.choice)
        layout.addWidget(self.form_host)
        layout.addWidget(self.fetch_box)
        layout.addWidget(self.follow)
        layout.addWidget(self.message)
        layout.addWidget(self.preview, 1)
        scroll = QScrollArea()
        scroll.setWidget(content)
        scroll.setWidgetResizable(True)
        scroll.setFrameShape(QFrame.Shape.NoFrame)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(scroll)
        self._observer = _weak_observer(self)
        self.document.subscribe(self._observer)
        self.show_spec(self.document.data)

    # ----------------------------------------------------------------- document
    def set_document(self, document: GraphDocument) -> None:
        self.document.unsubscribe(self._observer)
        self.document = document
        document.subscribe(self._observer)
        self.show_spec(document.data)

    def _document_changed(self, change: Change) -> None:
        if change.kind in ("data", "replaced") and self.document.data != self.spec():
            self.show_spec(self.document.data)
        elif change.kind not in ("moved",):
            self._show_fit()

    def base_dir(self) -> Path | None:
        path = self.document.meta.get("path")
        return Path(path).parent if path else None

    # ----------------------------------------------------------------- form
    def show_spec(self, spec: dict[str, Any]) -> None:
        """Fill the form from a spec (the document's, after open or undo) and load it."""
        index = choice_index(spec)
        self._loading_form = True
        try:
            if index < 0:
                if self.choice.findText(self.inline_label) < 0:
                    self.choice.addItem(self.inline_label)
                self.choice.setCurrentText(self.inline_label)
                self._build_form((), spec)
            else:
                self.choice.setCurrentIndex(index)
                self._build_form(CHOICES[index][2], spec)
        finally:
            self._loading_form = False
        self._fill_columns()
        self._inline_spec = copy.deepcopy(spec) if index < 0 else None
        # While the form shows the document's data, reload() loads the document's own spec (the session's key).
        self._shown = (self.spec(), spec)
        self.reload(apply=False)

    def _choice_changed(self, index: int) -> None:
        if self._loading_form or index < 0 or index >= len(CHOICES):
            return
        self._build_form(CHOICES[index][2], {})
        self._inline_spec = None
        fields = CHOICES[index][2]
        if any(f.kind in ("file", "folder") for f in fields):
            self.reload(apply=False)  # nothing chosen yet: show what is needed, do not apply
        else:
            self.reload()

    def _build_form(self, fields: tuple[Field, ...], values: dict[str, Any]) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        for f in fields:
            value = values.get(f.key, f.default)
            if f.key == "size" and isinstance(value, list):
                value = value[0]
            editor = self._editor(f, value)
            self.editors[f.key] = editor
            label = QLabel(_translated(f.label))
            label.setToolTip(_translated(f.tip))
            self.form.addRow(label, editor)
        self.form_host.setVisible(bool(fields))
        self.form_host.adjustSize()
        if hasattr(self, "_content_layout"):
            self._content_layout.activate()

    def _editor(self, f: Field, value: Any) -> QWidget:
        if f.kind == "int":
            w = WholeSpinBox()
            w.setRange(int(f.low), int(f.high))
            w.setValue(int(value))
            w.valueChanged.connect(self._edited)
        elif f.kind in ("float", "percent"):
            w = NumberSpinBox()
            w.setRange(f.low, f.high)
            w.setDecimals(0 if f.kind == "percent" else 2)
            w.setSingleStep(5 if f.kind == "percent" else 0.05)
            w.setSuffix(" %" if f.kind == "percent" else "")
            w.setValue(float(value) * (100 if f.kind == "percent" else 1))
            w.valueChanged.connect(self._edited)
        elif f.kind == "bool":
            w = QCheckBox()
            w.setChecked(bool(value))
            w.toggled.connect(self._edited)
        elif f.kind in ("choice", "column"):
            w = QComboBox()
            if f.kind == "column":
                w.addItem(self.tr("(last column)"), None)
            for c in f.choices:
                w.addItem(_translated(c), c)  # shown in the UI language; the spec keeps the value
            if value is not None and w.findData(value) < 0:
                w.addItem(str(value), value)
            w.setCurrentIndex(max(0, w.findData(value)))
            w.currentIndexChanged.connect(self._edited)
        elif f.kind == "columns":
            w = QListWidget()
            w.setMaximumHeight(96)
            w.setProperty("wanted", value)  # names to tick once the file's columns are known (None: all)
            w.itemChanged.connect(self._edited)
        else:
            w = PathEdit(f.kind == "folder", str(value or ""), self)
            w.changed.connect(self._path_chosen)
        w.setToolTip(_translated(f.tip))
        if isinstance(w, NumberSpinBox | WholeSpinBox):
            label = _translated(f.label)
            w.refused.connect(lambda reason: self._refused(label, reason))
        return w

    def _refused(self, label: str, reason: str) -> None:
        """A number an option's field could not take: said under the form; the data stays as it was."""
        self.message.setStyleSheet("color: #C62828;")
        self.message.setText(f"{label}: {reason}")

    def _edited(self, *_: Any) -> None:
        if not self._loading_form:
            self._mark_target()
            self._timer.start()

    def _path_chosen(self) -> None:
        self._fill_columns()
        self.reload()

    def _fill_columns(self) -> None:
        combo, path = self.editors.get("target"), self.editors.get("path")
        if not isinstance(combo, QComboBox) or not isinstance(path, PathEdit) or not path.text():
            return
        self._loading_form = True
        try:
            fill_columns(self._resolve(path.text()), combo, self.editors.get("features"))
        finally:
            self._loading_form = False

    def _mark_target(self) -> None:
        was_loading, self._loading_form = self._loading_form, True  # setFlags emits itemChanged
        try:
            mark_target(self.editors.get("target"), self.editors.get("features"))
        finally:
            self._loading_form = was_loading

    def _relative(self, text: str) -> str:
        """A path inside the .nnviz file's folder is stored relative to it, so the two can move together."""
        base = self.base_dir()
        if base is None or not Path(text).is_absolute():
            return text
        try:
            return Path(text).resolve().relative_to(base.resolve()).as_posix()
        except ValueError:
            return text

    def _resolve(self, text: str) -> Path:
        p = Path(text)
        return p if p.is_absolute() or self.base_dir() is None else self.base_dir() / p

    def spec(self) -> dict[str, Any]:
        """The data spec the form describes now."""
        if self._inline_spec is not None:
            return copy.deepcopy(self._inline_spec)
        index = self.choice.currentIndex()
        spec = dict(CHOICES[index][1])
        for f in CHOICES[index][2]:
            w = self.editors[f.key]
            if isinstance(w, QSpinBox):
                value: Any = w.value()
                spec[f.key] = [value, value] if f.key == "size" else value
            elif isinstance(w, QDoubleSpinBox):
                spec[f.key] = round(w.value() / 100, 4) if f.kind == "percent" else round(w.value(), 4)
            elif isinstance(w, QCheckBox):
                spec[f.key] = w.isChecked()
            elif isinstance(w, QComboBox):
                if w.currentData() is not None:
                    spec[f.key] = w.currentData()
            elif isinstance(w, QListWidget):
                items = [w.item(r) for r in range(w.count())]
                usable = [it for it in items if it.flags() & Qt.ItemFlag.ItemIsEnabled]
                ticked = [it.text() for it in usable if it.checkState() == Qt.CheckState.Checked]
                if items and len(ticked) < len(usable):
                    spec[f.key] = ticked  # only when the learner narrowed it: "all the others" stays implicit
                elif not items and w.property("wanted") is not None:
                    spec[f.key] = list(w.property("wanted"))
            elif isinstance(w, PathEdit) and w.text():
                spec[f.key] = self._relative(w.text())
        if "real" in self.document.data and self.document.data.get("kind") == spec.get("kind"):
            spec["real"] = self.document.data["real"]  # a stand-in keeps offering its real set (guide_offer)
        return without_implicit_defaults(spec, CHOICES[index][2], self.document.data)

    # ----------------------------------------------------------------- loading
    def reload(self, apply: bool = True) -> None:
        spec = self.spec()
        self.fetch_box.show_for(spec)
        missing = self._missing_required()
        if missing is not None:
            # Without its file this choice would load something else (the shipped sentences): ask instead.
            self.dataset, self.error = None, missing
            self.preview.set_dataset(None)
            self._show_message()
            return
        same = self._shown is not None and spec == self._shown[0]
        wanted = self._shown[1] if same else spec
        # The form spells out defaults the document leaves implicit. A data set not read yet loads on a
        # worker thread and this reload runs again when it is there. Graph edits never come here.
        self._waiting_apply = apply
        if not self.loader.ensure_spec(wanted, self.base_dir()):
            self.message.setText(self.tr("Loading the data set …"))
            return
        try:
            ds = cached_dataset(wanted, base_dir=self.base_dir(), decode=self.decode)
        except DataError as exc:
            self.dataset, self.error = None, str(exc)
            self.preview.set_dataset(None)
            self._show_message()
            return
        self.dataset, self.error = ds, ""
        self.preview.set_dataset(ds)
        if spec.get("kind") == "text":
            self._show_token_table()
        self.datasetLoaded.emit(ds)
        if apply and spec != self.document.data:
            self.specChanged.emit(spec)
            if self.controller is not None:
                self.controller.set_data(spec)
        if apply and self.controller is not None and self.follow.isChecked():
            self._follow_input(ds)
        self._show_message()

    def _show_token_table(self) -> None:
        """Sentences are rows of token ids: a scatter of the first two ids means nothing (mostly padding
        zeros), so the table of ids and labels is shown instead."""
        tabs, index = self.preview.tabs, self.preview.tab_index
        tabs.setTabVisible(index["Points"], False)
        if tabs.isTabVisible(index["Table"]):
            tabs.setCurrentIndex(index["Table"])

    def _missing_required(self) -> str | None:
        """What to ask for when a required field of the current choice is empty (None: nothing)."""
        index = self.choice.currentIndex()
        if self._inline_spec is not None or not 0 <= index < len(CHOICES):
            return None
        for f in CHOICES[index][2]:
            editor = self.editors.get(f.key)
            if f.required and isinstance(editor, PathEdit) and not editor.text():
                return self.tr("Choose the file with Browse...: {what}").format(what=_translated(f.tip))
        return None

    def _follow_input(self, ds: Dataset) -> None:
        inputs = [n for n in self.document.nodes.values() if n.spec.is_source]
        shape = tuple(int(d) for d in ds.sample_shape)
        if len(inputs) == 1 and tuple(inputs[0].params["shape"]) != shape:
            self.controller.set_param(inputs[0].id, "shape", shape)

    def _show_fit(self) -> None:
        if self.dataset is not None:
            self._show_message()

    def _show_message(self) -> None:
        if self.error:
            # Asking for a file not chosen yet is a next step, not a failure: amber, not red.
            asking = self.dataset is None and self._missing_required() is not None
            self.message.setStyleSheet("color: #8A5A00;" if asking else "color: #C62828;")
            self.message.setText(self.error)
            return
        problems = check_fit(self.document, self.dataset) if self.dataset is not None else []
        graph = self.document.analysis().messages()
        if not problems and graph:
            # The output cannot be compared with the data until the network itself is fixed: say why.
            problems = [self.tr("The network has a problem to fix first: {problem}").format(problem=graph[0])]
        self.message.setStyleSheet("color: #8A5A00;" if problems else "color: #2E7D32;")
        self.message.setText("\n".join(f"• {p}" for p in problems) if problems
                             else self.tr("The network's input and output fit this data."))

    def fit_problems(self) -> list[str]:
        return check_fit(self.document, self.dataset) if self.dataset is not None else []


def _translated(text: str) -> str:
    """A label or tip of data_choices in the UI language (marked there with QT_TRANSLATE_NOOP)."""
    return QCoreApplication.translate(CONTEXT, text) if text else text


def _weak_observer(panel: DataPanel) -> Any:
    """A document observer that does not keep the panel alive: once the panel is gone (or its widgets
    deleted) it does nothing, instead of touching deleted widgets."""
    ref = weakref.ref(panel)

    def observe(change: Change) -> None:
        target = ref()
        if target is not None and shiboken6.isValid(target):
            target._document_changed(change)

    return observe
