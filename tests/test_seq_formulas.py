"""The formula of every recurrent micro-step: the cell's equations per time step with the first sample's
first unit substituted (equal to the step's tensors), and the node's summary step."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.engine.formula_text import fmt_number, term
from nnviz.engine.session import Session
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings


def one_step(key: str, **params):
    doc = GraphDocument()
    ids = []
    for k, p in (("input", {"shape": (4, 2)}), (key, {"hidden_size": 3, **params}), ("dense", {"units": 1})):
        node = doc.add_node(k, params=p)
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    doc.training = TrainingSettings(loss="mse", optimizer="sgd", lr=0.1, batch_size=2, dtype="float64")
    rng = np.random.default_rng(0)
    data = Dataset(rng.normal(size=(2, 4, 2)), rng.normal(size=(2, 1)), np.zeros((0, 4, 2)), np.zeros((0, 1)),
                   "regression", name="series")
    session = Session(doc, data)
    events = [session.step()]
    while session.mid_step:
        events.append(session.step())
    return [e for e in events if e.node == ids[1] and e.phase in ("forward", "backward")]


@pytest.mark.parametrize("key", ["rnn", "lstm", "gru"])
def test_each_time_step_has_its_formula_with_numbers(key):
    events = one_step(key)
    steps = [e for e in events if e.t is not None]
    assert len(steps) == 8
    for e in steps:
        assert e.formula is not None and e.formula.numeric is not None
        assert "one time step" in e.formula.title
        assert e.formula.numeric.startswith("sample 1, unit 1")
    forward = steps[2]
    assert f"= {fmt_number(forward.tensors['h_t'][0, 0])}" in forward.formula.numeric
    assert forward.formula.highlights["h_t"] == [(0, 0)]
    backward = steps[-1]
    assert fmt_number(backward.tensors["grad_h_t"][0, 0]) in backward.formula.numeric
    summaries = [e for e in events if e.t is None]
    assert [e.formula.title.endswith("all time steps") for e in summaries] == [True, True]


def test_lstm_numbers_are_the_cell_equation():
    step = next(e for e in one_step("lstm") if e.t == 3 and e.phase == "forward")
    t = step.tensors
    expected = (f"c_t = {term(t['gate_f'][0, 0])}×{term(t['c_prev'][0, 0])} + "
                f"{term(t['gate_i'][0, 0])}×{term(t['gate_g'][0, 0])} = {fmt_number(t['c_t'][0, 0])}")
    assert expected in step.formula.numeric
    assert "c_t = f ⊙ c_(t−1) + i ⊙ g" in step.formula.symbolic
    back = next(e for e in one_step("lstm") if e.t == 2 and e.phase == "backward")
    assert back.formula.highlights["delta_t"] == [(0, 0), (0, 3), (0, 6), (0, 9)]
    assert f"δf = {fmt_number(back.tensors['delta_t'][0, 3])}" in back.formula.numeric


def test_gru_and_relu_rnn_show_their_own_update():
    gru = next(e for e in one_step("gru") if e.t == 2 and e.phase == "forward")
    t = gru.tensors
    assert f"h_t = (1 − {term(t['gate_z'][0, 0])})×{term(t['gate_n'][0, 0])}" in gru.formula.numeric
    rnn = next(e for e in one_step("rnn", nonlinearity="relu") if e.t == 1 and e.phase == "forward")
    assert rnn.formula.numeric.startswith("sample 1, unit 1: h_t = relu(")


@pytest.mark.parametrize("key", ["lstm", "gru"])
def test_a_negative_operand_is_bracketed(key):
    """'0.5908×−0.33' read as a typo; the Dense formula writes '0.5908×(−0.33)', and so do the gates."""
    numeric = [e.formula.numeric for e in one_step(key) if e.phase == "forward" and e.formula.numeric]
    assert numeric and any("×(−" in text for text in numeric)  # the seeded network has negative operands
    assert not any("×−" in text or "+ −" in text for text in numeric)


@pytest.mark.parametrize("key", ["rnn", "lstm", "gru"])
def test_recurrent_formulas_read_in_chinese(key):
    from nnviz.ui.widgets.i18n import formula_tr
    from tests.test_ship_i18n import english_words

    for event in one_step(key):
        f = event.formula
        for text in (f.title, f.symbolic, f.numeric or ""):
            assert not english_words(formula_tr(text, "zh_CN")), text
