"""Gradient health judged relatively: a network that has learnt its data (small loss, small gradients) has
settled, it is not vanishing; a deep sigmoid stack, whose gradient fades layer by layer toward the input, is."""

from __future__ import annotations

from pathlib import Path

import pytest

from nnviz.engine.gradient_health import VANISH, HealthRecorder, verdict
from nnviz.engine.session import Session
from nnviz.io import load
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panels import TrainingPanels
from tests.helpers import chain

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def deep_sigmoid_stack():
    layers = [("dense", {"units": 16, "activation": "sigmoid"})] * 10 + [("dense", {"units": 2})]
    return chain(*layers, data={"kind": "generated", "name": "xor", "n": 200, "noise": 0.05, "seed": 1},
                 loss="cross_entropy", optimizer="sgd", lr=0.1, batch_size=20)


def panels_for(qtbot, doc):
    controller = TrainingController(doc)
    views = TrainingPanels(controller)
    for w in (views.controls, views.tensors, views.formula, views.curves, views.settings, *views.docked):
        qtbot.addWidget(w)
    return controller, views


def test_a_converged_network_has_settled_not_vanished(qtbot):
    controller, views = panels_for(qtbot, load(EXAMPLES / "xor.nnviz"))
    s = controller.session
    for _ in range(60):
        for _ in range(10):
            controller.step_epoch()
        views.health.redraw()
    rec = views.health.recorder
    ratios = {nid: rec.latest(nid) for nid in rec.ratios}
    # The gradients really are tiny: the old absolute threshold called every layer vanishing.
    assert all(verdict(r) == "vanishing" for r in ratios.values()), ratios
    assert s.metrics.step_loss[-1] < 0.02 * s.metrics.step_loss[0]
    judged = rec.judgements()
    assert {j.kind for j in judged.values()} == {"settled"} and set(judged) == set(ratios)
    late = HealthRecorder()  # first sampled long after the start (a run samples a few times a second)
    late.record(s)
    assert {j.kind for j in late.judgements().values()} == {"settled"}
    assert not any(views.badges.has(nid, "health") for nid in s.order)
    text = views.health.warning.text()
    assert text.startswith("Settled: ") and "not a vanishing gradient" in text and "vanishing in" not in text
    assert all(f"'{s.net.names[nid]}'" in text for nid in ratios)  # one sentence names every settled layer


def test_a_deep_sigmoid_stack_is_flagged_vanishing_toward_the_input(qtbot):
    controller, views = panels_for(qtbot, deep_sigmoid_stack())
    for _ in range(3):
        controller.step_batch()
        views.health.redraw()
    s = controller.session
    dense = [nid for nid in s.order if s.layers[nid].params]
    judged = views.health.recorder.judgements()
    vanishing = [nid for nid in dense if nid in judged and judged[nid].kind == "vanishing"]
    # the first layers (nearest the input) are flagged, the last ones (nearest the loss) are not
    assert vanishing and vanishing == dense[:len(vanishing)] and len(vanishing) >= 4
    assert dense[-1] not in judged and dense[-2] not in judged
    assert views.badges.badge(dense[0])[0] == "↓"
    assert "fades on its way back toward the input" in views.badges.badge(dense[0])[1]
    warning = views.health.warning.text()
    # one sentence for every vanishing layer (not ten times the same explanation)
    assert warning.count("fades on its way back") == 1
    assert all(f"'{s.net.names[nid]}'" in warning for nid in vanishing)


def test_tiny_gradients_while_the_loss_is_still_large_are_vanishing():
    """Every layer equally tiny (nothing to compare with) and the loss not falling: stalled, not settled."""
    from types import SimpleNamespace

    import numpy as np

    tiny = VANISH / 100
    view = SimpleNamespace(order=["a", "b"], has_params=lambda node: True,
                           params=lambda node: {"weight": np.ones((2, 2))},
                           grads=lambda node: {"weight": np.full((2, 2), tiny)})
    session = SimpleNamespace(steps_done=0, view=view, metrics=SimpleNamespace(step_loss=[]))
    rec = HealthRecorder()
    for step in range(1, 4):
        session.steps_done = step
        session.metrics.step_loss.append(0.69)
        rec.record(session)
    assert {j.kind + "/" + j.why for j in rec.judgements().values()} == {"vanishing/stalled"}
    session.steps_done = 4
    session.metrics.step_loss.append(0.001)  # the loss fell: the same gradients now mean convergence
    rec.record(session)
    assert {j.kind for j in rec.judgements().values()} == {"settled"}


def test_an_embeddings_unused_rows_do_not_make_it_vanish():
    """A lookup table's gradient reaches only the rows a batch looked up: those are what it is judged by."""
    import numpy as np

    from nnviz.engine.gradient_health import gradient_ratio

    table = {"weight": np.ones((100, 4))}
    grad = np.zeros((100, 4))
    grad[7] = 0.5  # one token looked up
    assert gradient_ratio(table, {"weight": grad}) == pytest.approx(0.005)
    assert gradient_ratio(table, {"weight": grad}, rows_used=True) == pytest.approx(0.5)
    session = Session(load(EXAMPLES / "transformer-sentiment.nnviz"))
    rec = HealthRecorder()
    for _ in range(5):
        session.step_batch()
        rec.record(session)
    embedding = next(nid for nid in session.order if session.view.key(nid) == "embedding")
    view = session.view
    assert rec.latest(embedding) == pytest.approx(
        gradient_ratio(view.params(embedding), view.grads(embedding), rows_used=True))
    assert not any(j.kind == "vanishing" for j in rec.judgements().values())


def test_one_recorded_step_is_drawn_as_a_point(qtbot):
    """Right after the first training step (or a rewind back to it) each layer has one sample: a line through
    one point drew nothing, and the plot looked empty."""
    import numpy as np

    controller, views = panels_for(qtbot, load(EXAMPLES / "xor.nnviz"))
    controller.step_batch()
    views.health.redraw()
    curves = views.health.curves
    assert curves and all(len(c.xData) == 1 for c in curves.values())
    for curve in curves.values():
        assert curve.isVisible() and curve.opts["symbol"] is not None  # the one sample, as a dot
        x, y = curve.scatter.getData()
        assert len(x) == 1 and np.isfinite(y).all()
    ticks = views.health.ratio_plot.getAxis("bottom").tickValues(0.5, 1.5, 200)
    assert all(float(v).is_integer() for _, values in ticks for v in values)  # whole training steps
