"""Number editors take what a person types (1e-3, the locale's decimal sign) and refuse what they cannot take
with a visible reason; nothing is changed silently (issue 11: 1e-3 as learning rate became 13.0, units -5
became 5)."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QLocale, Qt
from PySide6.QtGui import QUndoStack

from nnviz.graph.document import GraphDocument
from nnviz.ui.widgets.number_edit import NumberSpinBox, WholeSpinBox, parse_number

pytestmark = pytest.mark.gui
GERMAN = QLocale(QLocale.Language.German, QLocale.Country.Germany)


def type_into(qtbot, box, text: str) -> None:
    box.setFocus()
    box.lineEdit().selectAll()
    qtbot.keyClicks(box.lineEdit(), text)
    qtbot.keyClick(box.lineEdit(), Qt.Key.Key_Return)


@pytest.mark.parametrize(("text", "locale", "value"), [
    ("1e-3", None, 0.001), ("2.5E+2", None, 250.0), ("\u22123", None, -3.0), (" 0.5 ", None, 0.5),
    ("0,5", GERMAN, 0.5), ("1.234,5", GERMAN, 1234.5), ("2,5e-1", GERMAN, 0.25), ("1e-3", GERMAN, 0.001),
])
def test_parse_number_takes_what_people_write(text, locale, value):
    assert parse_number(text, locale or QLocale(QLocale.Language.English)) == pytest.approx(value)


@pytest.mark.parametrize("text", ["abc", "", "1e", "--1", "1,2,3"])
def test_parse_number_refuses_what_is_not_a_number(text):
    with pytest.raises(ValueError):
        parse_number(text, QLocale(QLocale.Language.English))


@pytest.fixture
def settings_panel(qtbot):
    from nnviz.ui.training.settings_panel import TrainingSettingsPanel

    panel = TrainingSettingsPanel(GraphDocument())
    qtbot.addWidget(panel)
    panel.show()
    qtbot.waitExposed(panel)
    return panel


def test_a_learning_rate_in_scientific_notation_is_taken(qtbot, settings_panel):
    type_into(qtbot, settings_panel.editors["lr"], "1e-3")
    assert settings_panel.doc.training.lr == pytest.approx(0.001)  # not 13.0
    assert settings_panel.error.isHidden()


def test_what_the_field_cannot_take_is_refused_with_a_reason(qtbot, settings_panel):
    before = settings_panel.doc.training
    type_into(qtbot, settings_panel.editors["lr"], "abc")
    assert settings_panel.doc.training == before
    assert not settings_panel.error.isHidden()
    assert "'abc' is not a number" in settings_panel.error.text()
    type_into(qtbot, settings_panel.editors["lr"], "1e-9")  # below the 6 decimals the field keeps: not 0
    assert settings_panel.doc.training == before
    assert "keeps 6 decimals" in settings_panel.error.text()
    type_into(qtbot, settings_panel.editors["batch_size"], "2.5")
    assert settings_panel.doc.training == before and "whole number" in settings_panel.error.text()


def test_the_locales_decimal_sign_is_taken(qtbot, settings_panel):
    box = settings_panel.editors["momentum"]
    box.setLocale(GERMAN)
    type_into(qtbot, box, "0,5")
    assert settings_panel.doc.training.momentum == pytest.approx(0.5)


def test_units_minus_five_is_refused_not_turned_into_five(qtbot):
    from nnviz.ui.canvas.controller import GraphController
    from nnviz.ui.canvas.inspector import Inspector

    doc = GraphDocument()
    controller = GraphController(doc, QUndoStack())
    dense = controller.add_node("dense", (0, 0))
    units = doc.nodes[dense].params["units"]
    inspector = Inspector(controller)
    qtbot.addWidget(inspector)
    inspector.show()
    inspector.show_node(dense)
    editor = inspector.editors["units"]
    assert isinstance(editor, WholeSpinBox)
    type_into(qtbot, editor, "-5")
    assert doc.nodes[dense].params["units"] == units
    assert not inspector.error.isHidden() and "The smallest allowed is 1" in inspector.error.text()
    type_into(qtbot, editor, "1e2")  # scientific notation for a whole number
    assert doc.nodes[dense].params["units"] == 100


def test_a_box_shows_its_reason_while_typing_and_keeps_the_value(qtbot):
    box = NumberSpinBox()
    qtbot.addWidget(box)
    box.setRange(0.0, 1.0)
    box.setValue(0.25)
    refused = []
    box.refused.connect(refused.append)
    box.show()
    type_into(qtbot, box, "7")
    assert box.value() == 0.25 and refused == ["The largest allowed is 1"]
