"""AttentionView (issue 16 item 2): one heatmap per head with the sentence's tokens on both axes, following
the stepped micro-step; LayerNorm's x̂ with each position's mean and variance. Read back from the widget's
data, not pixels."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data.text import load_text
from nnviz.io import load
from nnviz.resources import resource_path
from nnviz.ui.training.attention_view import AttentionView, formula_row, token_labels
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panel import TrainingContext

pytestmark = pytest.mark.gui


@pytest.fixture
def ui(qtbot):
    doc = load(resource_path("examples", "causal-characters.nnviz"))
    controller = TrainingController(doc)
    view = AttentionView(controller)
    qtbot.addWidget(view)
    view.resize(1000, 420)  # room for the four heads side by side
    view.follow(TrainingContext(controller, parent=view))
    return doc, controller, view


def step_to(controller, doc, phase: str, name: str):
    for _ in range(500):
        event = controller.step().event
        if event.phase == phase and event.node and doc.nodes[event.node].name == name:
            return event
    raise AssertionError("never reached")


def test_helpers():
    assert token_labels(np.array([5, 0, 1]), {5: "好"}, 3) == ["好", "·", "?"]
    assert token_labels(None, None, 2) == ["1", "2"]
    assert formula_row({"attention_weights": [(0, 0, 4, 0), (0, 0, 4, 1)]}, "scores") == (0, 0, 4)


def test_heads_follow_the_step_with_the_sentence_on_both_axes(ui):
    doc, controller, view = ui
    view.refresh()
    assert not view.matrices and "Press Step" in view.note.text()
    event = step_to(controller, doc, "forward", "attention")
    view.refresh()
    assert view.node_box.currentText() == "attention" and len(view.matrices) == 4  # one per head
    weights = event.tensors["attention_weights"][0]
    for head, shown in zip(weights, view.matrices):
        visible = np.isfinite(shown)
        np.testing.assert_allclose(shown[visible], head[visible])
        assert not visible[np.triu_indices(12, 1)].any()  # causal: later tokens are blank
        np.testing.assert_allclose(np.nansum(shown, axis=1)[visible.any(axis=1)], 1.0, rtol=1e-5)
    _, tok = load_text(doc.data)
    ids = controller.session.view.output(controller.session.net.input_id)
    first = tok.decode(ids[0])
    assert view.labels[:len(first)] == first and view.labels[len(first):] == ["·"] * (12 - len(first))
    assert "causal" in view.note.text() and "Formula" in view.note.text()
    view.sample_box.setValue(2)
    assert view.labels[:len(tok.decode(ids[1]))] == tok.decode(ids[1])
    np.testing.assert_allclose(view.matrices[0][np.isfinite(view.matrices[0])],
                               event.tensors["attention_weights"][1, 0][np.isfinite(view.matrices[0])])


def test_backward_gradients_and_layer_norm_statistics(ui):
    doc, controller, view = ui
    step_to(controller, doc, "forward", "norm_1")
    view.refresh()
    assert view.node_box.currentText() == "norm_1" and view.statistics is not None
    xhat = view.matrices[0]
    np.testing.assert_allclose(xhat.mean(axis=1), 0.0, atol=1e-4)  # every position normalised on its own
    mean, var = view.statistics
    assert mean.shape == var.shape == (12,) and np.all(var > 0)
    step_to(controller, doc, "backward", "attention")
    view.refresh()
    assert view.node_box.currentText() == "attention"
    index = view.quantity_box.findData("∂L/∂S")
    view.quantity_box.setCurrentIndex(index)
    grads = controller.current.tensors["grad_scores"][0]
    visible = np.isfinite(view.matrices[1])
    np.testing.assert_allclose(view.matrices[1][visible], grads[1][visible])


def test_a_network_without_attention_says_how_to_get_one(qtbot):
    controller = TrainingController(load(resource_path("examples", "xor.nnviz")))
    view = AttentionView(controller)
    qtbot.addWidget(view)
    view.resize(1000, 420)  # room for the four heads side by side
    view.refresh()
    assert not view.matrices and "Transformer encoder block" in view.note.text()


def test_a_narrow_panel_shows_one_head_large_and_follows_the_formulas_head(ui, qtbot):
    """Four heads side by side in a 350-pixel column made 12 tokens a side unreadable: one head is drawn
    large, the head box chooses it, and a step shows the head whose row the Formula panel writes out."""
    from nnviz.ui.training.attention_view import HEAD_WIDTH

    doc, controller, view = ui
    view.resize(380, 420)
    view.show()
    event = step_to(controller, doc, "forward", "attention")
    qtbot.wait(20)
    view.refresh()
    assert len(view.matrices) == 1 and view.head_box.isVisible() and view.head_box.maximum() == 4
    row = formula_row(event.formula.highlights, "attention_weights")
    head = view.head_box.value() - 1
    assert row is None or head == row[1]
    shown = view.matrices[0]
    visible = np.isfinite(shown)
    np.testing.assert_allclose(shown[visible], event.tensors["attention_weights"][0, head][visible])
    plot = view.plots[0][0]
    assert plot.vb.width() / 12 >= 12  # each token's cell (and its label) at least 12 px
    view.head_box.setValue(3)
    np.testing.assert_allclose(view.matrices[0][np.isfinite(view.matrices[0])],
                               event.tensors["attention_weights"][0, 2][np.isfinite(view.matrices[0])])
    view.resize(4 * HEAD_WIDTH + 60, 420)
    qtbot.wait(20)
    assert len(view.matrices) == 4 and not view.head_box.isVisible()


HAT = "\u0302"  # the combining circumflex of x̂


def without_hats(image_of, set_text, text: str) -> bool:
    """Whether the hat draws anything: the picture with x̂ differs from the one with a bare x."""
    with_hat = image_of()
    set_text(text.replace(HAT, ""))
    bare = image_of()
    set_text(text)
    return with_hat != bare


def test_layer_norm_names_its_curves_above_them_and_x_hat_keeps_its_hat(ui, qtbot):
    """The μ/σ² legend sat inside the plot over the curves; the hat of x̂ vanished in the box, the title and
    the note (DejaVu Sans, the usual default font, draws x + U+0302 as a bare x)."""
    import pyqtgraph as pg
    from PySide6.QtWidgets import QGraphicsTextItem, QLabel

    doc, controller, view = ui
    view.resize(380, 250)
    view.show()
    step_to(controller, doc, "forward", "norm_1")
    view.refresh()
    qtbot.wait(50)
    scene = view.graphics.scene()
    boxes = {item.getViewBox() for item in scene.items() if isinstance(item, pg.PlotDataItem)}
    assert boxes  # the μ and σ² curves
    names = [item for item in scene.items() if isinstance(item, QGraphicsTextItem) and "σ²" in item.toPlainText()]
    assert names and all(item.isVisible() for item in names)
    for item in names:
        for box in boxes:
            assert not item.sceneBoundingRect().intersects(box.sceneBoundingRect()), item.toPlainText()
    box = view.quantity_box
    text = box.currentText()
    assert text.startswith("x" + HAT)
    assert without_hats(lambda: box.grab().toImage(), lambda t: box.setItemText(0, t), text)
    title = QLabel(view.plots[0][0].titleLabel.text)  # the plot title's rich text, as Qt draws it
    qtbot.addWidget(title)
    title.adjustSize()
    assert "x" + HAT in title.text()
    assert without_hats(lambda: title.grab().toImage(), title.setText, title.text())
    view.note.setText(view.note.text() + " x" + HAT)
    assert without_hats(lambda: view.note.grab().toImage(), view.note.setText, view.note.text())
