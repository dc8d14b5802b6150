"""The inspector: the selected node's name, typed parameter editors bound to the document, its shapes,
parameter count and error, and (for small layers) its editable weights."""

from __future__ import annotations

from PySide6.QtCore import QSignalBlocker
from PySide6.QtWidgets import QFormLayout, QLabel, QLineEdit, QScrollArea, QVBoxLayout, QWidget

from nnviz.graph import Change, GraphDocument, fmt_shape
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.canvas.weights_table import WeightsTable
from nnviz.ui.widgets.i18n import core_tr  # the core's strings in the UI language
from nnviz.ui.widgets.param_editors import make_editor


class Inspector(QScrollArea):
    def __init__(self, controller: GraphController, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.node_id = ""
        self._document: GraphDocument | None = None
        self.setWidgetResizable(True)
        body = QWidget()
        self.setWidget(body)
        layout = QVBoxLayout(body)
        self.title = QLabel()
        self.title.setWordWrap(True)
        self.description = QLabel()
        self.description.setWordWrap(True)
        self.description.setStyleSheet("color: #5F6670")
        self.name_edit = QLineEdit()
        self.name_edit.setObjectName("name")
        self.name_edit.editingFinished.connect(self._rename)
        self.form = QFormLayout()
        self.form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)
        self.facts = QLabel()
        self.facts.setWordWrap(True)
        self.error = QLabel()
        self.error.setWordWrap(True)
        self.error.setStyleSheet("color: #C62828; font-weight: bold")
        self.weights = WeightsTable(controller)
        self.empty = QLabel(self.tr("Select a layer on the canvas to see and edit it here."))
        self.empty.setWordWrap(True)
        for widget in (self.empty, self.title, self.description):
            layout.addWidget(widget)
        self.name_row = QWidget()
        name_form = QFormLayout(self.name_row)
        name_form.setContentsMargins(0, 0, 0, 0)
        name_form.addRow(self.tr("Name"), self.name_edit)
        layout.addWidget(self.name_row)
        layout.addLayout(self.form)
        layout.addWidget(self.error)
        layout.addWidget(self.facts)
        layout.addWidget(self.weights)
        layout.addStretch(1)
        self.editors: dict[str, QWidget] = {}
        self._editor_type = ""
        self._watch(controller.document)
        self.show_node("")

    # ------------------------------------------------------------ binding
    @property
    def document(self) -> GraphDocument:
        return self.controller.document

    def _watch(self, doc: GraphDocument) -> None:
        if self._document is not None:
            self._document.unsubscribe(self._on_change)
        self._document = doc
        doc.subscribe(self._on_change)

    def set_document(self, doc: GraphDocument) -> None:
        self._watch(doc)
        self.show_node("")

    def _on_change(self, change: Change) -> None:
        if change.kind in ("moved", "data", "training"):
            return
        self.refresh()

    def show_node(self, node_id: str) -> None:
        self.node_id = node_id if node_id in self.document.nodes else ""
        self.refresh()

    def refresh(self) -> None:
        """Redraw from the document; editors are updated with their signals blocked."""
        doc = self.document
        if self.node_id not in doc.nodes:
            self.node_id = ""
        has = bool(self.node_id)
        for widget in (self.title, self.description, self.name_row, self.facts, self.weights):
            widget.setVisible(has)
        self.empty.setVisible(not has)
        if not has:
            self._clear_editors()
            self.error.setVisible(False)
            return
        node = doc.nodes[self.node_id]
        spec = node.spec
        analysis = doc.analysis()
        self.title.setText(f"<b>{core_tr(spec.label)}</b> · {core_tr(spec.category)}")
        self.description.setText(core_tr(spec.description))
        with QSignalBlocker(self.name_edit):
            if not self.name_edit.hasFocus() or self.name_edit.text() != node.name:
                self.name_edit.setText(node.name)
        if self._editor_type != f"{self.node_id}:{node.type}":
            self._build_editors()
        for name, editor in self.editors.items():
            editor.set_value(node.params[name])
        error = analysis.errors.get(self.node_id)
        self.error.setText(error or "")
        self.error.setVisible(bool(error))
        self.facts.setText(self._facts_html(analysis))
        self.weights.show_node(self.node_id)

    def _facts_html(self, analysis) -> str:
        nid = self.node_id
        rows = []
        ins = analysis.in_shapes.get(nid)
        if ins:
            rows.append((self.tr("Input shape"), ", ".join(fmt_shape(s) for s in ins)))
        out = analysis.shapes.get(nid)
        rows.append((self.tr("Output shape"), fmt_shape(out) if out else "?"))
        for name, shape in analysis.weight_shapes.get(nid, {}).items():
            rows.append((name, fmt_shape(shape)))
        count = analysis.param_counts.get(nid)
        rows.append((self.tr("Parameters"), f"{count:,}" if count is not None else "?"))
        cells = "".join(f"<tr><td style='color:#5F6670;padding-right:8px'>{k}</td><td>{v}</td></tr>"
                        for k, v in rows)
        return f"<table>{cells}</table>"

    def _clear_editors(self) -> None:
        while self.form.rowCount():
            self.form.removeRow(0)
        self.editors = {}
        self._editor_type = ""

    def _build_editors(self) -> None:
        self._clear_editors()
        node = self.document.nodes[self.node_id]
        for pspec in node.spec.params:
            editor = make_editor(pspec)
            editor.edited.connect(lambda value, n=pspec.name: self._edited(n, value))
            title = core_tr(pspec.title)
            if hasattr(editor, "refused"):  # a number it cannot take: say why, beside the form
                editor.refused.connect(lambda reason, t=title: self._show_refusal(t, reason))
            self.form.addRow(title, editor)
            self.editors[pspec.name] = editor
        self._editor_type = f"{self.node_id}:{node.type}"

    def _edited(self, name: str, value: object) -> None:
        if self.node_id and not self.controller.set_param(self.node_id, name, value):
            self.refresh()  # refused: show the document's value again

    def _show_refusal(self, title: str, reason: str) -> None:
        self.error.setText(f"{title}: {reason}")
        self.error.setVisible(True)

    def _rename(self) -> None:
        if self.node_id and not self.controller.rename(self.node_id, self.name_edit.text()):
            self.refresh()
