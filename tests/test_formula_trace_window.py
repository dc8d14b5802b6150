"""The window's Formula panel and `nnviz trace` show the same formula for the same micro-step: the
engine computes it once (the window never recomputes it), and both print every line of it."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nnviz.cli import main
from nnviz.io import load
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panels import TrainingPanels

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def trace(capsys, path: Path) -> list[dict]:
    assert main(["trace", str(path), "--json"]) == 0
    return [json.loads(line) for line in capsys.readouterr().out.splitlines()]


@pytest.mark.parametrize("name", ["seed-single-neuron", "residual-mlp", "cnn-batchnorm"])
def test_the_window_shows_the_traces_formula_line_for_line(qtbot, capsys, name):
    records = trace(capsys, EXAMPLES / f"{name}.nnviz")
    controller = TrainingController(load(EXAMPLES / f"{name}.nnviz"))
    views = TrainingPanels(controller)
    for w in (views.controls, views.tensors, views.formula, views.curves):
        qtbot.addWidget(w)
    with_numbers = 0
    for record in records:
        view = controller.step()
        assert (view.event.phase, view.event.node) == (record["phase"], record["node"])
        views.formula.redraw()
        lines = record["formula"]["lines"]
        shown = [line.strip() for line in views.formula.text().splitlines() if line.strip()]
        if record["formula"]["numeric"] is None:  # the panel's pointer to the table, not part of the formula
            assert shown.pop() == "(every number is in the Tensors panel)"
        # The panel's title names the step and node too; every other line is the trace's, in order.
        assert shown[0].startswith(lines[0]), (shown[0], lines[0])
        assert shown[1:] == [line.strip() for line in lines[1:]], record["phase"]
        with_numbers += record["formula"]["numeric"] is not None
    assert with_numbers >= 4


def test_the_text_trace_prints_every_line(capsys):
    path = EXAMPLES / "seed-single-neuron.nnviz"
    records = trace(capsys, path)
    assert main(["trace", str(path)]) == 0
    text = capsys.readouterr().out
    backward = next(r for r in records if r["phase"] == "backward")
    # The Dense backward's weight and input gradients, which the trace used to leave out.
    assert any(line.startswith("∂L/∂W = δ·xᵀ = ") for line in backward["formula"]["lines"])
    assert any(line.startswith("∂L/∂x = Wᵀ·δ = ") for line in backward["formula"]["lines"])
    for record in records:
        for line in record["formula"]["lines"]:
            assert f"    {line}\n" in text
