"""The Neurons tab for layers wider than it can draw: the strongest units, numbered, and a sentence saying
how many of how many it shows and by what criterion (never a blank tab)."""

from __future__ import annotations

import itertools

import numpy as np
import pytest
from PySide6.QtWidgets import QGraphicsTextItem

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.neuron_view import MAX_UNITS, NeuronView
from tests.helpers import chain

pytestmark = pytest.mark.gui


def wide_network():
    return chain(("dense", {"units": 32, "activation": "tanh"}), ("dense", {"units": 256, "activation": "relu"}),
                 ("dense", {"units": 2}),
                 data={"kind": "generated", "name": "xor", "n": 100, "noise": 0.05, "seed": 1},
                 loss="cross_entropy", optimizer="adam", lr=0.01, batch_size=20)


def test_wide_layers_show_their_strongest_units_numbered(qtbot):
    controller = TrainingController(wide_network())
    view = NeuronView()
    qtbot.addWidget(view)
    view.resize(500, 600)
    view.show()
    for _ in range(4):  # batch, input, hidden_1, hidden_2 forward
        controller.step()
    s = controller.session
    view.refresh(s, controller.current.event.phase, controller.seen)
    assert not view.view.isHidden() and view.note.isHidden()
    inp, h32, h256, out = [nid for nid, _ in view.columns]
    for nid, width in ((h32, 32), (h256, 256)):
        shown = view.units[nid]
        assert len(shown) == MAX_UNITS == len([k for k in view.neurons if k[0] == nid])
        strength = np.linalg.norm(s.layers[nid].params["weight"], axis=1)
        # every unit drawn is at least as strong as every unit left out
        left_out = np.delete(strength, list(shown))
        assert strength[list(shown)].min() >= left_out.max()
        assert max(shown) < width
    assert view.units[out] == (0, 1) and view.units[inp] == (0, 1)
    # connections only between the units drawn: 2x16 + 16x16 + 16x2
    assert len(view.connections) == 2 * 16 + 16 * 16 + 16 * 2
    # the neurons are filled with the activations of the units drawn
    np.testing.assert_array_equal(view.fills[h32], controller.seen[h32]["output"][0, list(view.units[h32])])
    # the words: how many of how many, by what criterion, and the unit numbers beside the neurons
    assert view.subset_note.isVisibleTo(view)
    assert "strongest units" in view.subset_note.text()
    note = view.subset_note.toolTip()  # the whole sentence
    assert "16 of 32" in note and "16 of 256" in note and "largest weights" in note
    texts = {item.toPlainText() for item in view.scene.items() if isinstance(item, QGraphicsTextItem)}
    assert f"{s.net.names[h256]} (16 of 256)" in texts
    assert {str(u + 1) for u in view.units[h256]} <= texts
    tip = view.neurons[(h256, view.units[h256][-1])].toolTip()
    assert tip.endswith(f"unit {view.units[h256][-1] + 1}")


def test_a_narrow_network_is_drawn_whole_without_a_note(qtbot):
    doc = chain(("dense", {"units": 8, "activation": "tanh"}), ("dense", {"units": 2}),
                data={"kind": "generated", "name": "xor", "n": 100, "noise": 0.05, "seed": 1},
                loss="cross_entropy")
    controller = TrainingController(doc)
    view = NeuronView()
    qtbot.addWidget(view)
    view.refresh(controller.session)
    assert [len(view.units[nid]) for nid, _ in view.columns] == [2, 8, 2]
    assert not view.subset_note.isVisibleTo(view)


def test_a_short_panel_shows_fewer_units_and_says_so(qtbot):
    controller = TrainingController(wide_network())
    view = NeuronView()
    qtbot.addWidget(view)
    view.resize(420, 600)
    view.show()
    view.refresh(controller.session)
    h256 = view.columns[2][0]
    assert len(view.units[h256]) == MAX_UNITS
    view.resize(420, 260)  # a short dock: 16 rows would be specks
    qtbot.wait(10)
    shown = len(view.units[h256])
    assert 4 <= shown < MAX_UNITS and len([k for k in view.neurons if k[0] == h256]) == shown
    assert f"{shown} of 256" in view.subset_note.toolTip() and "taller panel shows more" in view.subset_note.toolTip()


def test_the_drawing_is_fitted_whole_with_nothing_to_scroll(qtbot):
    controller = TrainingController(wide_network())
    view = NeuronView()
    qtbot.addWidget(view)
    view.resize(380, 260)  # the Neurons tab at 1280x800
    view.show()
    qtbot.waitExposed(view)
    view.refresh(controller.session)
    view.resize(380, 250)
    qtbot.wait(10)
    assert not view.view.verticalScrollBar().isVisible() and not view.view.horizontalScrollBar().isVisible()
    shown = view.view.mapToScene(view.view.viewport().rect()).boundingRect()
    assert shown.contains(view.scene.itemsBoundingRect())


def test_column_titles_never_run_into_each_other_in_chinese(qtbot, qapp):
    from nnviz.ui.widgets.i18n import CHINESE, ENGLISH, install_translators

    install_translators(qapp, CHINESE)
    try:
        controller = TrainingController(wide_network())
        view = NeuronView()
        qtbot.addWidget(view)
        view.resize(380, 260)
        view.show()
        view.refresh(controller.session)
        titles = sorted((item for item in view.scene.items() if isinstance(item, QGraphicsTextItem)
                         and "个" in item.toPlainText()), key=lambda item: item.pos().x())
        assert len(titles) >= 2
        for a, b in itertools.pairwise(titles):
            assert not a.sceneBoundingRect().intersects(b.sceneBoundingRect()), (a.toPlainText(), b.toPlainText())
        neurons = [item.sceneBoundingRect() for item in view.neurons.values()]
        assert not any(t.sceneBoundingRect().intersects(n) for t in titles for n in neurons)
    finally:
        install_translators(qapp, ENGLISH)
