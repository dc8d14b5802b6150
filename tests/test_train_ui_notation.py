"""One notation across the formula and the tensor list ("δ · delta"), heatmaps with named axes (sample, unit,
channel, time step t), a hover that names a feature map's (sample, channel) and the time step t in the
position line of a recurrent layer."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from nnviz.io import load
from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.panels import TrainingPanels
from nnviz.ui.training.position import position_text
from nnviz.ui.training.tensor_panel import TensorPanel, tensor_label

pytestmark = pytest.mark.gui

EXAMPLES = Path(__file__).resolve().parents[1] / "resources" / "examples"


def test_the_tensor_list_shows_the_formula_names_beside_the_code_names(qtbot):
    panel = TensorPanel()
    qtbot.addWidget(panel)
    panel.set_tensors("t", {"delta": np.ones((2, 3)), "grad_weight": np.ones((3, 2)), "extra": np.ones(2)},
                      preferred="delta")
    shown = [panel.chooser.itemText(i) for i in range(panel.chooser.count())]
    assert shown == ["δ · delta", "∂L/∂W · grad_weight", "extra"]
    assert panel.current_name == "delta"  # the code name: CSV files and exports use it
    panel.show_tensor("grad_weight")
    assert panel.current_name == "grad_weight"
    assert panel.heatmap.axis_names == (panel.tr("unit"), panel.tr("input"))
    panel.show_tensor("delta")
    assert panel.heatmap.axis_names == ("sample", "unit")
    assert tensor_label("grad_output") == "∂L/∂a · grad_output" and tensor_label("gate_f") == "f · gate_f"


def test_a_feature_map_hover_names_sample_channel_and_position(qtbot):
    panel = TensorPanel()
    qtbot.addWidget(panel)
    maps = np.arange(2 * 3 * 4 * 5, dtype=float).reshape(2, 3, 4, 5)
    panel.set_tensors("t", {"output": maps})
    assert panel.heatmap.axis_names == ("sample", "channel")
    # sample 2, channel 3, position (4, 5): tile row 1, tile column 2 of the grid (maps 4x5, 1-cell gaps)
    text = panel.heatmap.describe(1 * 5 + 3, 2 * 6 + 4)
    assert "sample 2, channel 3, position (4, 5)" in text
    assert text.endswith(f"= {maps[1, 2, 3, 4]:.6g}")


def test_a_recurrent_step_says_which_time_step(qtbot):
    controller = TrainingController(load(EXAMPLES / "seed-text-lstm.nnviz"))
    panels = TrainingPanels(controller)
    qtbot.addWidget(panels.controls)
    texts = []
    for _ in range(12):
        view = controller.step()
        if view is not None and getattr(view.event, "t", None) is not None:
            texts.append(position_text(controller))
    assert texts and all("t = " in t for t in texts)


@pytest.mark.parametrize("path", sorted(EXAMPLES.glob("*.nnviz")), ids=lambda p: p.stem)
def test_every_tensor_of_every_example_has_its_symbol(path):
    """One whole training step, micro-step by micro-step: each tensor the list can show has a maths name."""
    from nnviz.engine.session import Session
    from nnviz.ui.training.notation import math_name

    session = Session(load(path))
    missing, seen = set(), 0
    session.step()
    while session.mid_step:
        event = session.step()
        layer = session.view.key(event.node) if event.node else None
        for name in event.tensors:
            seen += 1
            if math_name(name, layer) is None:
                missing.add((layer, name))
    assert seen and not missing


def test_symbols_follow_the_layers_formulas():
    from nnviz.ui.training.notation import tensor_label as label

    assert label("grad_weight", "layernorm") == "∂L/∂γ · grad_weight"
    assert label("weight", "embedding") == "E · weight" and label("weight", "dense") == "W · weight"
    assert label("grad_attention_weights") == "∂L/∂A · grad_attention_weights"
    assert label("c_prev") == "c_(t−1) · c_prev" and label("gate_o") == "o · gate_o"
    assert label("update_weight_ih_l0") == "ΔW_ih · update_weight_ih_l0"
    assert label("exp_avg_sq_out_proj.weight") == "v(W_O) · exp_avg_sq_out_proj.weight"
    assert label("input_1") == "x₂ · input_1" and label("x_hat") == "x̂ · x_hat" and label("var") == "σ² · var"
    assert label("no_such_tensor") == "no_such_tensor"


def test_the_list_names_a_layernorms_tensors_as_its_formula_does(qtbot):
    controller = TrainingController(load(EXAMPLES / "transformer-sentiment.nnviz"))
    panels = TrainingPanels(controller)
    qtbot.addWidget(panels.tensors)
    while True:
        view = controller.step()
        if view.event.phase == "backward" and controller.session.view.key(view.event.node) == "layernorm":
            break
    panels.tensors.redraw()
    shown = [panels.tensors.chooser.itemText(i) for i in range(panels.tensors.chooser.count())]
    assert "∂L/∂γ · grad_weight" in shown and "x̂ · x_hat" in shown
    assert all(" · " in text for text in shown), shown


def test_the_picture_keeps_its_place_when_a_tensor_has_no_axis_names(qtbot):
    """A tensor whose axes have no names (a scalar loss) must not resize the plot: hiding an axis re-laid out the
    picture and repainted all six of its axes at every micro-step that changed kind (bench_ui's step p95)."""
    panel = TensorPanel()
    qtbot.addWidget(panel)
    panel.resize(600, 400)
    panel.show()
    qtbot.waitExposed(panel)
    panel.set_tensors("t", {"delta": np.ones((4, 3))}, preferred="delta")
    qtbot.wait(20)
    plot_area = panel.heatmap.plot.vb.sceneBoundingRect()
    for axes in (("", ""), ("sample", ""), ("", "unit"), ("sample", "unit")):
        panel.heatmap.set_axes(*axes)
        qtbot.wait(20)
        assert panel.heatmap.plot.vb.sceneBoundingRect() == plot_area, axes
    assert panel.heatmap.axis_names == ("sample", "unit")


def test_the_position_line_names_the_first_problem_under_a_chinese_heading():
    """A heading ends in "：" in Chinese: the line showed "无法训练：网络有问题需要先修好：" and no reason."""
    from types import SimpleNamespace

    for heading, reason in (("the network has problems to fix first:", "the network has no Input node"),
                            ("网络有问题需要先修好：", "网络没有输入（Input）节点")):
        controller = SimpleNamespace(session=None, problem=f"{heading}\n  {reason}\n  another")
        assert position_text(controller).endswith(reason)


def test_the_inspector_writes_a_dense_layer_as_the_formula_does():
    """One notation: the formula panel and Help ▸ Formulas write z = W·x + b; the card's description said W a."""
    from nnviz.graph.registry import get_spec

    assert "z = W·x + b" in get_spec("dense").description
