"""save -> load gives back the same document: structure, weights (exact), positions, text, state."""

from __future__ import annotations

import json

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz import io as nio
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import all_specs
from nnviz.graph.settings import TrainingSettings


def lenet_like() -> GraphDocument:
    """A graph with convolutions, a merge on two ports and big (base64) weights."""
    doc = GraphDocument()
    x = doc.add_node("input", name="图像", params={"shape": [1, 8, 8]}, pos=(-12.5, 3.25))
    c = doc.add_node("conv2d", name="卷积层", params={"out_channels": 4, "kernel_size": 3, "padding": [1, 1]},
                     pos=(200.125, -40.0))
    bn = doc.add_node("batchnorm2d", name="bn", pos=(400.0, 0.0))
    r = doc.add_node("relu", pos=(500.0, 1e-3))
    add = doc.add_node("add", name="残差", pos=(600.0, 0.0))
    f = doc.add_node("flatten", pos=(700.0, 0.0))
    d = doc.add_node("dense", name="输出", params={"units": 10, "activation": "softmax"}, pos=(800.0, 0.0))
    doc.connect(x.id, c.id)
    doc.connect(c.id, bn.id)
    doc.connect(bn.id, r.id)
    doc.connect(r.id, add.id, 1)
    doc.connect(c.id, add.id, 0)
    doc.connect(add.id, f.id)
    doc.connect(f.id, d.id)
    rng = np.random.default_rng(1)
    # float32 values (what a float32 session produces) stored in the float64 document: must stay exact.
    doc.set_weight(d.id, "weight", rng.normal(size=(10, 256)).astype(np.float32))
    doc.set_weight(d.id, "bias", rng.normal(size=10))
    doc.set_weight(c.id, "weight", rng.normal(size=(4, 1, 3, 3)))
    doc.set_weight(bn.id, "running_mean", rng.normal(size=4))
    doc.description = {"en": "A test network", "zh": "一个测试网络：观察每一层"}
    doc.meta = {"author": "学习者", "tags": ["cnn", "test"], "created": 2026}
    doc.set_data({"kind": "generated", "name": "xor", "n": 100, "noise": 0.1})
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.003, batch_size=7,
                                      dtype="float64", seed=42))
    return doc


def same(a: GraphDocument, b: GraphDocument) -> None:
    assert a.structure() == b.structure()
    assert a.description == b.description
    for nid, node in a.nodes.items():
        other = b.nodes[nid]
        assert node.pos == other.pos
        for name, values in node.weights.items():
            assert other.weights[name].dtype == np.float64
            assert np.array_equal(values, other.weights[name])  # bit-exact, not approximately


def test_roundtrip_through_a_file_keeps_everything(tmp_path):
    doc = lenet_like()
    path = tmp_path / "net.nnviz"
    nio.save(doc, path)
    back = nio.load(path)
    same(doc, back)
    assert {k: v for k, v in back.meta.items() if k != "path"} == doc.meta
    assert list(back.nodes) == list(doc.nodes)  # node order survives (it fixes the topological order)
    assert back.analysis().valid, back.analysis().messages()
    assert back.analysis().shapes == doc.analysis().shapes


def test_big_weights_are_base64_and_small_ones_readable_lists():
    tree = json.loads(nio.dumps(lenet_like()))
    dense = next(n for n in tree["nodes"] if n["type"] == "dense")
    assert set(dense["weights"]["weight"]) == {"dtype", "shape", "base64"}
    assert dense["weights"]["weight"]["shape"] == [10, 256]
    assert isinstance(dense["weights"]["bias"], list) and len(dense["weights"]["bias"]) == 10


def test_saving_twice_gives_identical_bytes_and_load_save_is_a_fixed_point(tmp_path):
    doc = lenet_like()
    text = nio.dumps(doc)
    assert nio.dumps(doc) == text
    assert nio.dumps(nio.loads(text)) == text


def test_every_layer_type_round_trips_with_its_default_params():
    doc = GraphDocument()
    for i, spec in enumerate(all_specs()):
        doc.add_node(spec.key, pos=(float(i), 0.0))
    back = nio.loads(nio.dumps(doc))
    assert back.structure() == doc.structure()
    # Tuples are written as lists and read back as tuples (the parameter's canonical form).
    conv = next(n for n in back.nodes.values() if n.type == "conv2d")
    assert conv.params["kernel_size"] == (3, 3)


def test_the_file_is_readable_json_with_format_version_and_unicode_unescaped():
    text = nio.dumps(lenet_like())
    tree = json.loads(text)
    assert (tree["format"], tree["version"]) == ("nnviz", nio.PLAIN_VERSION)  # no sidecar: version 1
    assert list(tree)[:2] == ["format", "version"]
    assert "卷积层" in text  # not \\u escapes: a person can read and diff it
    assert text.startswith('{\n  "format": "nnviz",\n  "version": 1,\n')
    assert '"pos": [200.125, -40.0]' in text


def test_meta_path_is_set_on_load_and_never_written(tmp_path):
    path = tmp_path / "a.nnviz"
    nio.save(lenet_like(), path)
    doc = nio.load(path)
    assert doc.meta["path"] == str(path.resolve())
    assert '"path"' not in nio.dumps(doc)
    # A "path" written into a file by hand is ignored, not trusted (data paths resolve against it).
    tree = json.loads(nio.dumps(doc))
    tree["meta"]["path"] = "/somewhere/else.nnviz"
    assert "path" not in nio.loads(json.dumps(tree)).meta
    path.write_text(json.dumps(tree), encoding="utf-8")
    assert nio.load(path).meta["path"] == str(path.resolve())


def test_session_state_round_trips_with_dtypes_and_special_values(tmp_path):
    rng = np.random.default_rng(0)
    state = {
        "optimizer": {"step": 7, "exp_avg": {"n2.weight": rng.normal(size=(3, 2)).astype(np.float32),
                                             "n2.bias": np.zeros(3, dtype=np.float32)},
                      "big": rng.normal(size=(40, 40))},
        "buffers": [np.arange(5, dtype=np.int64), np.array([True, False])],
        "rng": np.random.default_rng(3).bit_generator.state,  # 128-bit integers
        "loss": float("nan"), "best": float("-inf"), "name": "训练", "none": None,
        "scalar": np.float64(0.25), "empty": np.zeros((0, 3), dtype=np.float32),
    }
    path = tmp_path / "s.nnviz"
    doc = lenet_like()
    nio.save(doc, path, state=state)
    back = nio.load_state(path)
    assert back is not None
    m = back["optimizer"]["exp_avg"]["n2.weight"]
    assert m.dtype == np.float32 and np.array_equal(m, state["optimizer"]["exp_avg"]["n2.weight"])
    assert np.array_equal(back["optimizer"]["big"], state["optimizer"]["big"])
    assert back["optimizer"]["step"] == 7
    assert back["buffers"][0].dtype == np.int64 and back["buffers"][0].tolist() == [0, 1, 2, 3, 4]
    assert back["buffers"][1].dtype == np.bool_ and back["buffers"][1].tolist() == [True, False]
    assert back["rng"] == state["rng"]
    assert np.isnan(back["loss"]) and back["best"] == float("-inf")
    assert (back["name"], back["none"], back["scalar"]) == ("训练", None, 0.25)
    assert back["empty"].shape == (0, 3) and back["empty"].dtype == np.float32
    # The document itself is unaffected by the state, and a file without state has None.
    same(doc, nio.load(path))
    nio.save(doc, path)
    assert nio.load_state(path) is None


def test_state_that_cannot_be_stored_is_refused_before_touching_the_file(tmp_path):
    path = tmp_path / "s.nnviz"
    nio.save(lenet_like(), path)
    before = path.read_bytes()
    for bad, where in (({"f": object()}, "state.f"), ({1: 2}, "state"), ({"$x": 1}, "state"),
                       ({"a": np.array(["text"])}, "state.a")):
        with pytest.raises(nio.NnvizFileError) as info:
            nio.save(lenet_like(), path, state=bad)
        assert info.value.where == where
    assert path.read_bytes() == before


def test_version_0_files_migrate_on_load():
    v0 = {
        "format": "nnviz", "version": 0,
        "layers": [{"id": "a", "kind": "input", "name": "in", "config": {"shape": [2]}, "x": 0, "y": 5},
                   {"id": "b", "kind": "dense", "name": "out", "config": {"units": 1}, "x": 100, "y": 5,
                    "weights": {"weight": [[1.0, 2.0]]}}],
        "links": [["a", "b"]],
        "dataset": {"kind": "generated", "name": "xor"},
        "train": {"learning_rate": 0.5, "optimiser": "adam", "loss": "mse"},
        "notes": "old notes",
    }
    doc = nio.loads(json.dumps(v0))
    assert [(n.id, n.type, n.name, n.pos) for n in doc.nodes.values()] == [
        ("a", "input", "in", (0.0, 5.0)), ("b", "dense", "out", (100.0, 5.0))]
    assert [(e.src, e.dst, e.port) for e in doc.edges] == [("a", "b", 0)]
    assert doc.nodes["b"].weights["weight"].tolist() == [[1.0, 2.0]]
    assert (doc.training.lr, doc.training.optimizer, doc.training.loss) == (0.5, "adam", "mse")
    assert doc.description == {"en": "old notes"}
    # Saving writes the current version.
    assert json.loads(nio.dumps(doc))["version"] == nio.PLAIN_VERSION  # the version a plain file is written in


def test_a_broken_version_0_file_names_the_place_in_its_migrated_form():
    v0 = {"format": "nnviz", "version": 0, "layers": [{"id": "a", "kind": "dense", "config": {"units": "x"}}]}
    with pytest.raises(nio.NnvizFileError) as info:
        nio.loads(json.dumps(v0))
    assert info.value.where == "nodes[0].params.units"
    assert "version-0" in str(info.value)


def test_a_newer_file_says_to_update_nnviz():
    text = json.dumps({"format": "nnviz", "version": nio.FORMAT_VERSION + 1, "nodes": [], "edges": []})
    with pytest.raises(nio.NnvizFileError, match=r"newer nnviz.*update nnviz"):
        nio.loads(text)


def test_a_graph_with_shape_errors_still_loads_and_shows_them_on_the_node():
    doc = GraphDocument()
    x = doc.add_node("input", params={"shape": [1, 28, 28]})
    d = doc.add_node("dense", name="fc2", params={"units": 3})
    doc.connect(x.id, d.id)
    assert not doc.analysis().valid
    back = nio.loads(nio.dumps(doc))
    assert "fc2" in back.analysis().errors[d.id] and "Flatten" in back.analysis().errors[d.id]


# ------------------------------------------------------------------------------- property-based
# Names hold printable characters only (nnviz.graph.printable): no controls, format characters or separators.
names = st.text(st.characters(blacklist_categories=("Cs", "Cc", "Cf", "Zl", "Zp")), min_size=1, max_size=20).filter(
    lambda s: s.strip() == s and s)
floats32 = st.floats(-1e6, 1e6, allow_nan=False, width=32)


@st.composite
def chains(draw):
    """A random Dense chain with random names, positions and explicit float32/float64 weights."""
    doc = GraphDocument()
    widths = draw(st.lists(st.integers(1, 4), min_size=1, max_size=4))
    used = set()
    prev = doc.add_node("input", params={"shape": [widths[0]]},
                        pos=(draw(st.floats(-1e6, 1e6)), draw(st.floats(-1e6, 1e6))))
    for i, w in enumerate([*widths[1:], 1]):
        name = draw(names.filter(lambda s: s not in used and s != "input"))
        used.add(name)
        bias = draw(st.booleans())
        node = doc.add_node("dense", name=name, params={"units": w, "use_bias": bias},
                            pos=(float(i) * 1.1, -0.1 * i))
        doc.connect(prev.id, node.id)
        fan_in = widths[i]
        dtype = draw(st.sampled_from([np.float32, np.float64]))
        elems = floats32 if dtype == np.float32 else st.floats(-1e300, 1e300, allow_nan=False)
        values = draw(st.lists(elems, min_size=w * fan_in, max_size=w * fan_in))
        doc.set_weight(node.id, "weight", np.array(values, dtype=dtype).reshape(w, fan_in))
        if bias:
            doc.set_weight(node.id, "bias", np.array(draw(st.lists(elems, min_size=w, max_size=w)), dtype=dtype))
        prev = node
    doc.description = {"en": draw(st.text(max_size=50)), "zh": draw(st.text(max_size=50))}
    return doc


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(chains())
def test_random_documents_round_trip_exactly(doc):
    back = nio.loads(nio.dumps(doc))
    same(doc, back)


def _assert_same_tree(a, b, where="state"):
    if isinstance(a, np.ndarray):
        assert isinstance(b, np.ndarray) and a.dtype == b.dtype and a.shape == b.shape, where
        assert np.array_equal(a, b), where
    elif isinstance(a, dict):
        assert isinstance(b, dict) and list(a) == list(b), where
        for k in a:
            _assert_same_tree(a[k], b[k], f"{where}.{k}")
    elif isinstance(a, (list, tuple)):
        assert isinstance(b, list) and len(a) == len(b), where
        for i, (x, y) in enumerate(zip(a, b)):
            _assert_same_tree(x, y, f"{where}[{i}]")
    else:
        assert a == b and type(a) is type(b), where


def test_a_real_training_checkpoint_round_trips_exactly(tmp_path):
    """What a session needs to resume (weights, Adam moments, data order, random states) survives a file."""
    import dataclasses

    from nnviz.engine.session import Session
    from nnviz.io.examples import xor

    doc = xor()
    session = Session(doc)
    session.run(steps=5)
    state = dataclasses.asdict(session._checkpoint())
    path = tmp_path / "resume.nnviz"
    nio.save(doc, path, state=state)
    _assert_same_tree(state, nio.load_state(path))
