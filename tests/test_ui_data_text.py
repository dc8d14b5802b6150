"""The data panel's "Sentences from my CSV file..." choice: the learner's own text,label CSV for the
"text" kind, picked with a file dialog. Screenshot: /tmp/nnviz-data-panel-text-csv*.png."""

from __future__ import annotations

from itertools import pairwise
from pathlib import Path

import pytest
from PySide6.QtGui import QUndoStack
from PySide6.QtWidgets import QFileDialog, QPushButton

from nnviz.graph.document import GraphDocument
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.data.data_choices import CHOICES, TRANSLATABLE, choice_index
from nnviz.ui.data.data_panel import DataPanel, PathEdit

pytestmark = pytest.mark.gui

OWN = "Sentences from my CSV file..."
SHIPPED = "Sentences (English/Chinese sentiment)"
SENTENCES = [("what a lovely sunny day", "positive"), ("i really enjoyed the film", "positive"),
             ("the food was great", "positive"), ("such a kind and helpful team", "positive"),
             ("this is terrible", "negative"), ("i hated every minute", "negative"),
             ("the service was slow and rude", "negative"), ("what an awful boring book", "negative"),
             ("great music and lovely people", "positive"), ("boring slow and awful", "negative")]


def text_network(data: dict) -> GraphDocument:
    doc = GraphDocument()
    ids = [doc.add_node("input", params={"shape": (12,)}).id,
           doc.add_node("embedding", params={"num_embeddings": 100, "embedding_dim": 8}).id,
           doc.add_node("lstm", params={"hidden_size": 8}).id,
           doc.add_node("dense", name="out", params={"units": 1, "activation": "sigmoid"}).id]
    for a, b in pairwise(ids):
        doc.connect(a, b)
    doc.set_data(data)
    doc.training = doc.training.with_(loss="bce")
    return doc


def write_csv(folder: Path, name: str = "reviews.csv") -> Path:
    path = folder / name
    path.write_text("text,label\n" + "".join(f"{t},{label}\n" for t, label in SENTENCES), encoding="utf-8")
    return path


def make_panel(qtbot, data: dict, doc_path: Path | None = None):
    doc = text_network(data)
    if doc_path is not None:
        doc.meta["path"] = str(doc_path)
    stack = QUndoStack()
    panel = DataPanel(doc, GraphController(doc, stack))
    qtbot.addWidget(panel)
    panel.resize(460, 760)
    panel.show()
    return panel, doc, stack


def input_shape(doc: GraphDocument) -> tuple[int, ...]:
    return tuple(next(n for n in doc.nodes.values() if n.type == "input").params["shape"])


def test_choice_index_tells_the_two_text_entries_apart():
    own, shipped = (next(i for i, c in enumerate(CHOICES) if c[0] == label) for label in (OWN, SHIPPED))
    assert own != shipped
    assert choice_index({"kind": "text", "num_words": 100}) == shipped
    assert choice_index({"kind": "text", "path": "reviews.csv", "maxlen": 8}) == own
    assert choice_index({"kind": "text", "path": ""}) == shipped  # an empty path is no file
    csv = next(i for i, c in enumerate(CHOICES) if c[1] == {"kind": "csv"})
    assert choice_index({"kind": "csv"}) == csv  # a CSV not chosen yet is still the CSV entry
    assert choice_index({"kind": "inline"}) == -1


def test_choosing_it_asks_for_the_file_and_changes_nothing_yet(qtbot):
    panel, doc, stack = make_panel(qtbot, {"kind": "text", "maxlen": 12})
    assert panel.choice.currentText() == SHIPPED
    before = dict(doc.data)
    panel.choice.setCurrentText(OWN)
    assert isinstance(panel.editors["path"], PathEdit) and panel.editors["path"].text() == ""
    assert panel.dataset is None  # not the shipped sentences under the learner's choice
    assert panel.message.text().startswith("Choose the file with Browse...")
    assert panel.message.text() == "Choose the file with Browse...: a CSV of text,label rows, one sentence per row"
    assert doc.data == before and stack.count() == 0
    assert "#8A5A00" in panel.message.styleSheet()  # a next step (amber), not an error (red)
    assert {"level", "num_words", "maxlen", "padding", "val_split"} <= set(panel.editors)
    qtbot.wait(30)
    assert panel.grab().save("/tmp/nnviz-data-panel-text-csv-choose.png")


def test_browse_picks_a_csv_that_loads_and_applies_undoably(qtbot, tmp_path, monkeypatch):
    csv = write_csv(tmp_path)
    panel, doc, stack = make_panel(qtbot, {"kind": "generated", "name": "xor"}, doc_path=tmp_path / "net.nnviz")
    panel.choice.setCurrentText(OWN)
    panel.editors["maxlen"].setValue(8)
    asked: list[str] = []

    def fake_dialog(parent, caption, folder, filters):
        asked.append(caption)
        return str(csv), filters

    monkeypatch.setattr(QFileDialog, "getOpenFileName", staticmethod(fake_dialog))
    with qtbot.waitSignal(panel.specChanged, timeout=3000) as signal:
        panel.editors["path"].findChild(QPushButton).click()
    assert asked == ["Choose a data file"]
    spec = signal.args[0]
    assert spec["kind"] == "text" and spec["path"] == "reviews.csv"  # stored relative to the .nnviz file
    assert spec["maxlen"] == 8 and spec["val_split"] == 0.0  # the text loader's default (nnviz.data.options)
    assert doc.data == spec
    ds = panel.dataset
    assert ds.name == "reviews" and ds.class_names == ["negative", "positive"]
    assert ds.sample_shape == (8,) and len(ds.x_train) + len(ds.x_val) == len(SENTENCES)
    assert input_shape(doc) == (8,)  # the Input follows the data
    assert panel.error == ""
    assert panel.choice.currentText() == OWN  # the applied spec did not flip the form back
    assert panel.message.text() == "The network's input and output fit this data."
    # Token ids are shown as a table (a scatter of the first two ids would be mostly padding zeros).
    assert panel.preview.visible_tabs() == ["Table", "Classes"]
    table = panel.preview.table
    assert panel.preview.tabs.currentWidget() is table
    assert table.horizontalHeaderItem(0).text() == "token 1" and table.horizontalHeaderItem(8).text() == "class"
    assert table.item(0, 8).text() in ("negative", "positive")
    qtbot.wait(30)
    assert panel.grab().save("/tmp/nnviz-data-panel-text-csv.png")
    while stack.canUndo():
        stack.undo()
    assert doc.data == {"kind": "generated", "name": "xor"} and input_shape(doc) == (12,)


def test_a_document_with_its_own_text_file_opens_on_that_choice(qtbot, tmp_path):
    write_csv(tmp_path, "mine.csv")
    spec = {"kind": "text", "path": "mine.csv", "level": "characters", "maxlen": 20, "val_split": 0.3, "seed": 4}
    panel, doc, stack = make_panel(qtbot, spec, doc_path=tmp_path / "net.nnviz")
    assert panel.choice.currentText() == OWN
    assert panel.editors["path"].text() == "mine.csv"
    assert panel.editors["level"].currentData() == "characters"
    assert panel.dataset is not None and panel.dataset.sample_shape == (20,)
    # The tokenizer's options are typed data options now: at their default, what the file leaves out stays out.
    assert panel.spec() == spec
    assert stack.count() == 0  # opening applies nothing


def test_a_file_that_is_not_labelled_sentences_is_explained(qtbot, tmp_path):
    bad = tmp_path / "one_column.csv"
    bad.write_text("just words\nand more\n", encoding="utf-8")
    panel, doc, _ = make_panel(qtbot, {"kind": "text"}, doc_path=tmp_path / "net.nnviz")
    panel.choice.setCurrentText(OWN)
    panel.editors["path"].set_text(str(bad))
    assert panel.dataset is None
    assert "needs two columns, text and label" in panel.message.text()
    assert "#C62828" in panel.message.styleSheet()
    assert doc.data == {"kind": "text"}


def test_every_label_tip_and_choice_of_the_form_is_marked_for_translation():
    shown = {label for label, _, _ in CHOICES}
    shown |= {text for _, _, fields in CHOICES for f in fields for text in (f.label, f.tip, *f.choices) if text}
    assert shown == set(TRANSLATABLE)


def test_the_text_file_choice_in_chinese(qtbot):
    from PySide6.QtWidgets import QApplication

    from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators

    install_translators(QApplication.instance(), CHINESE)
    try:
        panel, _, _ = make_panel(qtbot, {"kind": "text", "path": "missing.csv"})
        assert panel.choice.currentText() == "我的 CSV 文件中的句子..."
        labels = [panel.form.itemAt(r, panel.form.ItemRole.LabelRole).widget().text() for r in range(3)]
        assert labels == ["文件", "语言", "词元"]
        assert panel.editors["level"].currentText() == "词" and panel.editors["level"].currentData() == "words"
        qtbot.wait(30)
        assert panel.grab().save("/tmp/nnviz-data-panel-text-csv-zh.png")
    finally:
        install_translators(QApplication.instance(), ENGLISH)
