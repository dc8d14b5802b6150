"""The document's mutation API: validation, refusals worded for learners, observers, undo data."""

from __future__ import annotations

import pytest

from nnviz.graph import Change, GraphDocument, GraphEditError, LayerSpec, all_specs, get_spec
from nnviz.graph.registry import Registry
from nnviz.graph.summary import summary_text
from tests.helpers import chain


def test_registry_rejects_duplicate_keys():
    reg = Registry()
    spec = get_spec("dense")
    reg.register(spec)
    with pytest.raises(ValueError, match="already registered"):
        reg.register(spec)
    with pytest.raises(ValueError, match="unknown category"):
        reg.register(LayerSpec("x", "X", "Nowhere", "", infer=lambda s, p: (1,)))


def test_every_spec_is_described_and_has_valid_defaults():
    for spec in all_specs():
        assert spec.description and spec.label
        assert spec.validate_params({}) == spec.defaults()


def test_add_node_names_and_ids_are_unique():
    doc = GraphDocument()
    a = doc.add_node("dense")
    b = doc.add_node("dense")
    assert (a.name, b.name) == ("dense_1", "dense_2")
    assert a.id != b.id
    with pytest.raises(GraphEditError, match="already named"):
        doc.rename(b.id, "dense_1")


def test_bad_parameter_is_refused_with_reason():
    doc = GraphDocument()
    node = doc.add_node("dense")
    with pytest.raises(GraphEditError, match="units must be at least 1"):
        doc.set_param(node.id, "units", 0)
    with pytest.raises(GraphEditError, match="whole number"):
        doc.set_param(node.id, "units", 2.5)
    with pytest.raises(GraphEditError, match="unknown layer type"):
        doc.add_node("dense_typo")
    assert node.params["units"] == 8


def test_connect_refusals_name_the_problem():
    doc = chain(("dense", {"units": 4}), ("dense", {"units": 2}))
    inp, d1, d2 = doc.nodes
    with pytest.raises(GraphEditError, match="input 1 of Dense 'dense_1' is already connected"):
        doc.connect(d2, d1)
    with pytest.raises(GraphEditError, match="takes no input"):
        doc.connect(d1, inp)
    with pytest.raises(GraphEditError, match="cannot feed itself"):
        doc.connect(d1, d1)


def test_cycle_refusal_names_every_node_on_it():
    doc = chain(("dense", {}), ("dense", {}), ("add", {}))
    _inp, d1, d2, add = doc.nodes
    problem = doc.connection_problem(add, d1, 0)
    assert problem is not None  # port taken
    doc.disconnect(doc.inputs_of(d1)[0])
    problem = doc.connection_problem(add, d1, 0)
    assert "cycle" in problem and all(f"'{doc.nodes[n].name}'" in problem for n in (d1, d2, add))


def test_shape_error_is_on_the_node_that_causes_it():
    doc = chain(("conv2d", {"out_channels": 6, "kernel_size": 5}), ("dense", {"units": 10}),
                input_shape=(1, 16, 16))
    analysis = doc.analysis()
    dense = doc.node_by_name("dense_1").id
    assert analysis.errors == {
        dense: "Dense 'dense_1' needs a flat input but gets (6, 12, 12): put a Flatten before it"}
    assert not analysis.valid


def test_unconnected_input_port_is_an_error():
    doc = GraphDocument()
    doc.add_node("input")
    add = doc.add_node("add")
    doc.connect("n1", add.id, 0)
    assert "nothing connected to input 2" in doc.analysis().errors[add.id]


def test_two_outputs_are_reported():
    doc = chain(("dense", {}))
    extra = doc.add_node("dense")
    doc.connect("n1", extra.id)
    assert any("2 outputs" in m for m in doc.analysis().graph_errors)


def test_lenet_shapes_and_parameter_count():
    doc = chain(("conv2d", {"out_channels": 6, "kernel_size": 5, "activation": "relu"}),
                ("maxpool2d", {}),
                ("conv2d", {"out_channels": 16, "kernel_size": 5, "activation": "relu"}),
                ("maxpool2d", {}), ("flatten", {}),
                ("dense", {"units": 120, "activation": "relu"}), ("dense", {"units": 84, "activation": "relu"}),
                ("dense", {"units": 10}), input_shape=(3, 32, 32))
    analysis = doc.analysis()
    assert analysis.valid
    assert analysis.shapes[doc.node_by_name("flatten_1").id] == (400,)
    # The PyTorch CIFAR-10 tutorial network has 62,006 parameters.
    assert analysis.total_params == 62006
    assert "Total params: 62,006" in summary_text(doc)


def test_residual_add_and_concatenate_shapes():
    doc = chain(("dense", {"units": 4}))
    d1 = doc.node_by_name("dense_1").id
    d2 = doc.add_node("dense", params={"units": 4}).id
    add = doc.add_node("add").id
    cat = doc.add_node("concatenate").id
    doc.connect(d1, d2)
    doc.connect(d1, add, 0)
    doc.connect(d2, add, 1)
    doc.connect(add, cat, 0)
    doc.connect(d2, cat, 1)
    analysis = doc.analysis()
    assert analysis.valid, analysis.messages()
    assert analysis.shapes[cat] == (8,)
    doc.set_param(d2, "units", 3)
    assert "different shapes" in doc.analysis().errors[add]


def test_observers_hear_each_edit_once_and_undo_data_restores_exactly():
    doc = chain(("dense", {"units": 4}), ("dense", {"units": 2}))
    before = doc.structure()
    heard: list[Change] = []
    doc.subscribe(heard.append)
    mid = doc.node_by_name("dense_1").id
    removed = doc.remove_node(mid)
    assert [c.kind for c in heard] == ["node_removed"]
    assert mid not in doc.nodes and not doc.inputs_of(doc.node_by_name("dense_2").id)
    doc.restore_node(removed)
    assert doc.structure() == before
    old = doc.set_param(mid, "units", 7)
    doc.set_param(mid, "units", old)
    doc.move(mid, (10, 20))
    assert [c.kind for c in heard] == ["node_removed", "node_added", "param", "param", "moved"]


def test_num_inputs_cannot_drop_below_connected_port():
    doc = chain(("dense", {}), ("dense", {}))
    add = doc.add_node("add", params={"num_inputs": 3}).id
    doc.connect(doc.node_by_name("dense_2").id, add, 2)
    with pytest.raises(GraphEditError, match="input 3 connected"):
        doc.set_param(add, "num_inputs", 2)


@pytest.mark.parametrize("name", ["", "   ", "a\nb", "x" * 65])
def test_bad_names_are_refused(name):
    doc = GraphDocument()
    node = doc.add_node("dense")
    with pytest.raises(GraphEditError):
        doc.rename(node.id, name)


def test_chinese_names_are_fine():
    doc = GraphDocument()
    node = doc.add_node("dense", name="隐藏层 1")
    assert doc.node_by_name("隐藏层 1") is node
