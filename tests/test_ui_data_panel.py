"""The data panel: form <-> spec, preview views, undoable apply, Input following, Qt image decoding.
Screenshots land in /tmp/nnviz-data-panel-*.png for a person to look at."""

from __future__ import annotations

import numpy as np
import pytest
from PySide6.QtGui import QColor, QImage, QUndoStack

from nnviz.graph.document import GraphDocument
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.data.data_choices import CHOICES
from nnviz.ui.data.data_panel import DataPanel, PathEdit
from nnviz.ui.widgets.qt_images import array_to_qimage, decode_image, qimage_to_array

pytestmark = pytest.mark.gui


def network(data: dict) -> GraphDocument:
    doc = GraphDocument()
    i = doc.add_node("input", params={"shape": (2,)})
    h = doc.add_node("dense", params={"units": 8, "activation": "tanh"})
    o = doc.add_node("dense", name="out", params={"units": 2})
    doc.connect(i.id, h.id)
    doc.connect(h.id, o.id)
    doc.set_data(data)
    return doc


def shot(qtbot, panel, path):
    """Save what a person would see: let pending layout and paint events run first."""
    qtbot.wait(30)
    assert panel.grab().save(path)


def make_panel(qtbot, data, controller=False, size=(460, 640)):
    doc = network(data)
    stack = QUndoStack()
    ctrl = GraphController(doc, stack) if controller else None
    panel = DataPanel(doc, ctrl)
    qtbot.addWidget(panel)
    panel.resize(*size)
    panel.show()
    return panel, doc, stack


def test_the_form_shows_the_documents_generated_spec_and_a_scatter(qtbot):
    panel, doc, _ = make_panel(qtbot, {"kind": "generated", "name": "spirals", "n": 300, "noise": 0.05,
                                       "seed": 2, "val_split": 0.2})
    assert panel.choice.currentText() == "Two interleaved spirals"
    assert panel.editors["n"].value() == 300 and panel.editors["seed"].value() == 2
    assert panel.spec() == doc.data
    assert panel.preview.visible_tabs() == ["Points", "Table", "Classes"]
    assert panel.preview.summary.text() == "240 training + 60 validation samples · each (2,) · 2 classes"
    assert panel.message.text() == "The network's input and output fit this data."
    panel.preview.tabs.setCurrentIndex(panel.preview.tab_index["Points"])
    shot(qtbot, panel, "/tmp/nnviz-data-panel-points.png")


def test_editing_an_option_emits_the_new_spec_and_applies_it_undoably(qtbot):
    panel, doc, stack = make_panel(qtbot, {"kind": "generated", "name": "xor", "n": 200, "noise": 0.1,
                                           "seed": 0, "val_split": 0.2}, controller=True)
    with qtbot.waitSignal(panel.specChanged, timeout=3000) as signal:
        panel.editors["noise"].setValue(0.4)
    assert signal.args[0]["noise"] == 0.4
    assert doc.data["noise"] == 0.4
    stack.undo()
    assert doc.data["noise"] == 0.1
    assert panel.editors["noise"].value() == pytest.approx(0.1)  # the form follows the document back


def test_choosing_digits_makes_the_input_follow_and_shows_images(qtbot):
    panel, doc, stack = make_panel(qtbot, {"kind": "generated", "name": "xor"}, controller=True)
    input_id = next(n.id for n in doc.nodes.values() if n.type == "input")
    panel.choice.setCurrentText("Handwritten digits 8x8 (1,797 images)")
    assert doc.data["kind"] == "digits"
    assert tuple(doc.nodes[input_id].params["shape"]) == (1, 8, 8)
    assert panel.preview.visible_tabs() == ["Images", "Classes"]
    assert "10 classes" in panel.preview.summary.text()
    # Images reach a Dense layer now: the learner is told what to change.
    assert "put a Flatten before it" in panel.message.text()
    panel.preview.tabs.setCurrentIndex(panel.preview.tab_index["Images"])
    shot(qtbot, panel, "/tmp/nnviz-data-panel-digits.png")
    stack.undo()
    assert tuple(doc.nodes[input_id].params["shape"]) == (2,)


def test_flat_digits_fit_the_mlp_but_the_output_is_too_narrow(qtbot):
    panel, doc, _ = make_panel(qtbot, {"kind": "generated", "name": "xor"}, controller=True)
    panel.choice.setCurrentText("Handwritten digits 8x8 (1,797 images)")
    panel.editors["flat"].setChecked(True)
    qtbot.waitUntil(lambda: doc.data.get("flat") is True, timeout=3000)
    assert tuple(next(n for n in doc.nodes.values() if n.type == "input").params["shape"]) == (64,)
    assert panel.message.text() == ("• The data 'digits' has 10 classes ('0', '1', '2', '3', ...), but the output "
                                    "layer 'out' gives (2,): it needs 10 units, one score per class.")


def test_input_does_not_follow_when_unticked(qtbot):
    panel, doc, _ = make_panel(qtbot, {"kind": "generated", "name": "xor"}, controller=True)
    panel.follow.setChecked(False)
    panel.choice.setCurrentText("Sine curve (regression)")
    assert doc.data["name"] == "sine"
    assert tuple(next(n for n in doc.nodes.values() if n.type == "input").params["shape"]) == (2,)
    assert "set the Input's shape to (1,)" in panel.message.text()


def test_shapes_image_grid_screenshot(qtbot):
    panel, _, _ = make_panel(qtbot, {"kind": "shapes", "n": 120})
    assert panel.preview.visible_tabs() == ["Images", "Classes"]
    pixmap = panel.preview.images.pixmap()
    assert pixmap.width() <= panel.width()  # the grid fits the panel: no sideways scrolling
    panel.preview.tabs.setCurrentIndex(panel.preview.tab_index["Images"])
    shot(qtbot, panel, "/tmp/nnviz-data-panel-shapes.png")
    panel.preview.tabs.setCurrentIndex(panel.preview.tab_index["Classes"])
    shot(qtbot, panel, "/tmp/nnviz-data-panel-classes.png")


def test_csv_choose_file_fills_the_target_columns_and_table(qtbot, tmp_path):
    rows = "\n".join(f"{5 + i % 7 * 0.3:.1f},{3 + i % 5 * 0.2:.1f},{['setosa', 'versicolor', 'virginica'][i % 3]}"
                     for i in range(30))
    (tmp_path / "iris.csv").write_text("sepal_length,sepal_width,species\n" + rows + "\n")
    panel, doc, _ = make_panel(qtbot, {"kind": "generated", "name": "xor"}, controller=True)
    panel.choice.setCurrentText("My CSV file...")
    assert panel.dataset is None and "needs 'path'" in panel.message.text()
    assert doc.data["kind"] == "generated"  # nothing applied until the data loads
    path_edit = panel.editors["path"]
    assert isinstance(path_edit, PathEdit)
    path_edit.set_text(str(tmp_path / "iris.csv"))
    target = panel.editors["target"]
    assert [target.itemText(i) for i in range(target.count())] == [
        "(last column)", "sepal_length", "sepal_width", "species"]
    assert doc.data == {"kind": "csv", "path": str(tmp_path / "iris.csv"), "task": "auto", "standardize": False,
                        "val_split": 0.2, "seed": 0}
    assert panel.dataset.class_names == ["setosa", "versicolor", "virginica"]
    table = panel.preview.table
    assert [table.horizontalHeaderItem(c).text() for c in range(3)] == ["sepal_length", "sepal_width", "class"]
    assert table.rowCount() == 24
    panel.preview.tabs.setCurrentIndex(panel.preview.tab_index["Table"])
    shot(qtbot, panel, "/tmp/nnviz-data-panel-csv.png")


def test_a_broken_file_shows_the_message_and_applies_nothing(qtbot, tmp_path):
    (tmp_path / "bad.csv").write_text("a,b,y\n1,2,0\n3,oops,1\n")
    panel, doc, _ = make_panel(qtbot, {"kind": "generated", "name": "xor"}, controller=True)
    seen = []
    panel.specChanged.connect(seen.append)
    panel.choice.setCurrentText("My CSV file...")
    panel.editors["path"].set_text(str(tmp_path / "bad.csv"))
    assert "row 3, column 'b' (column 2): 'oops' is not a number" in panel.message.text()
    assert panel.preview.visible_tabs() == [] and seen == []
    assert doc.data == {"kind": "generated", "name": "xor"}


def test_inline_data_is_shown_as_such(qtbot):
    spec = {"kind": "inline", "x": [[0.9, 0.1]], "y": [[0.8]], "task": "regression"}
    panel, _, _ = make_panel(qtbot, spec)
    assert panel.choice.currentText() == "Data written in the file (inline)"
    assert panel.spec() == spec
    assert "1 training + 0 validation samples" in panel.preview.summary.text()


def test_every_choice_builds_its_form(qtbot):
    panel, _, _ = make_panel(qtbot, {"kind": "generated", "name": "xor"})
    for index, (_, base, fields) in enumerate(CHOICES):
        panel.choice.setCurrentIndex(index)
        spec = panel.spec()
        assert {k: spec[k] for k in base} == base
        assert set(panel.editors) == {f.key for f in fields}


def test_qt_decoder_round_trip_and_errors(tmp_path):
    pixels = (np.random.default_rng(0).random((5, 7, 3)) * 255).astype(np.uint8)
    assert array_to_qimage(pixels).save(str(tmp_path / "a.png"))
    decoded = decode_image(tmp_path / "a.png")
    assert decoded.shape == (5, 7, 4)
    np.testing.assert_array_equal(decoded[:, :, :3], pixels)
    grey = QImage(3, 2, QImage.Format.Format_Grayscale8)
    grey.fill(QColor(100, 100, 100))
    np.testing.assert_array_equal(qimage_to_array(grey)[:, :, :3], 100)
    (tmp_path / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\nbroken")
    with pytest.raises(ValueError):
        decode_image(tmp_path / "broken.png")


def test_image_folder_through_the_panel_with_qt_decoding(qtbot, tmp_path):
    root = tmp_path / "pets"
    for cls, color in [("cat", (200, 40, 40)), ("dog", (40, 40, 200))]:
        (root / cls).mkdir(parents=True)
        for i in range(4):
            img = np.zeros((20 + i, 30, 3), dtype=np.uint8)
            img[:] = color
            array_to_qimage(img).save(str(root / cls / f"{i}.png"))
    (root / "dog" / "broken.jpg").write_bytes(b"not a jpeg")
    doc = network({"kind": "image_folder", "path": "pets", "size": [16, 16], "val_split": 0.25})
    doc.meta["path"] = str(tmp_path / "model.nnviz")  # relative paths are relative to the .nnviz file
    panel = DataPanel(doc)
    qtbot.addWidget(panel)
    assert "broken.jpg: cannot read this image" in panel.message.text()
    (root / "dog" / "broken.jpg").unlink()
    panel.reload(apply=False)
    ds = panel.dataset
    assert ds.class_names == ["cat", "dog"] and ds.sample_shape == (3, 16, 16)
    red = ds.x_train[ds.y_train == 0][:, 0].mean()
    assert red == pytest.approx(200 / 255, abs=1e-6)
    assert panel.editors["size"].value() == 16
    # The panel installed Qt's decoder as the default: a session loading the same spec needs no Pillow.
    from nnviz.data import load_dataset

    again = load_dataset(doc.data, base_dir=tmp_path)
    np.testing.assert_array_equal(np.sort(again.x_train, axis=0), np.sort(ds.x_train, axis=0))


def test_csv_feature_columns_can_be_unticked_and_paths_are_stored_relative(qtbot, tmp_path):
    from PySide6.QtCore import Qt

    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "t.csv").write_text("id,a,b,label\n" + "\n".join(f"{i},{i % 3},{i % 5},{i % 2}"
                                                                       for i in range(20)) + "\n")
    doc = network({"kind": "generated", "name": "xor"})
    doc.meta["path"] = str(tmp_path / "model.nnviz")
    stack = QUndoStack()
    panel = DataPanel(doc, GraphController(doc, stack))
    qtbot.addWidget(panel)
    panel.choice.setCurrentText("My CSV file...")
    panel.editors["path"].set_text(str(tmp_path / "data" / "t.csv"))
    assert doc.data["path"] == "data/t.csv"  # relative to the .nnviz file's folder
    assert "features" not in doc.data  # all other columns: left implicit
    features = panel.editors["features"]
    assert [features.item(r).text() for r in range(features.count())] == ["id", "a", "b", "label"]
    assert not features.item(3).flags() & Qt.ItemFlag.ItemIsEnabled  # the target is not offered
    features.item(0).setCheckState(Qt.CheckState.Unchecked)  # the row id tells the network nothing
    qtbot.waitUntil(lambda: doc.data.get("features") == ["a", "b"], timeout=3000)
    assert panel.dataset.feature_names == ["a", "b"]
    input_node = next(n for n in doc.nodes.values() if n.type == "input")
    assert tuple(input_node.params["shape"]) == (2,)
    # Choosing another target frees the old one as a feature and greys out the new one.
    panel.editors["target"].setCurrentText("b")
    qtbot.waitUntil(lambda: doc.data.get("target") == "b", timeout=3000)
    assert doc.data["features"] == ["a", "label"]
    # Reopening the document's spec restores the same form.
    other = DataPanel(doc)
    qtbot.addWidget(other)
    assert other.spec() == doc.data
