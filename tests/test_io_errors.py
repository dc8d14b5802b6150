"""Broken, truncated, hostile and huge files: one NnvizFileError that says what is wrong and where."""

from __future__ import annotations

import copy
import json
import pathlib

import pytest

from nnviz import io as nio
from nnviz.io import jsontext, reader
from nnviz.io.examples import seed_single_neuron, xor


def valid_tree() -> dict:
    doc = xor()
    doc.add_node("concatenate", name="cat", pos=(0.0, 300.0))
    doc.add_node("concatenate", name="cat2", pos=(200.0, 300.0))
    return json.loads(nio.dumps(doc))


def nest(depth: int) -> object:
    value: object = 1
    for _ in range(depth):
        value = [value]
    return value


def refused(text: str | bytes) -> nio.NnvizFileError:
    with pytest.raises(nio.NnvizFileError) as info:
        nio.loads(text)
    return info.value


def edit(change) -> dict:
    tree = copy.deepcopy(valid_tree())
    change(tree)
    return tree


# (what is changed, where the error must point, words the message must contain)
CASES = [
    (lambda t: t["nodes"][1]["params"].update(units="eight"), "nodes[1].params.units", "whole number"),
    (lambda t: t["nodes"][1]["params"].update(units=0), "nodes[1].params.units", "at least 1"),
    (lambda t: t["nodes"][1]["params"].update(activation="swish"), "nodes[1].params.activation", "one of"),
    (lambda t: t["nodes"][1]["params"].update(colour=3), "nodes[1].params.colour", "no parameter"),
    (lambda t: t["nodes"][1]["params"].update(init_value=10 ** 400), "nodes[1].params.init_value", ""),
    (lambda t: t["nodes"][1].update(type="transformer"), "nodes[1].type", "unknown layer type"),
    (lambda t: t["nodes"][1].update(type=7), "nodes[1].type", "text"),
    (lambda t: t["nodes"][1].pop("id"), "nodes[1].id", "non-empty text"),
    (lambda t: t["nodes"][2].update(id="n1"), "nodes[2].id", "unique"),
    (lambda t: t["nodes"][2].update(name="hidden"), "nodes[2].name", "already named"),
    (lambda t: t["nodes"][2].update(name="a\nb"), "nodes[2].name", "U+000A (LINE FEED)"),
    (lambda t: t["nodes"][2].update(name="ok\x1b[2J"), "nodes[2].name", "U+001B (ESCAPE)"),
    (lambda t: t["nodes"][2].update(name="abc\u202e"), "nodes[2].name", "U+202E (RIGHT-TO-LEFT OVERRIDE)"),
    (lambda t: t["nodes"][2].update(name="para\u2029"), "nodes[2].name", "U+2029 (PARAGRAPH SEPARATOR)"),
    (lambda t: t["nodes"][2].update(name="iso\u2066late"), "nodes[2].name", "U+2066 (LEFT-TO-RIGHT ISOLATE)"),
    (lambda t: t["nodes"][2].update(name="c1\x9b"), "nodes[2].name", "U+009B (a control character)"),
    (lambda t: t["nodes"][2].update(name=["x"]), "nodes[2].name", "text"),
    (lambda t: t["nodes"][2].update(pos=[1]), "nodes[2].pos", "[x, y]"),
    (lambda t: t["nodes"][2].update(pos=[1e300, 0]), "nodes[2].pos", "[x, y]"),
    (lambda t: t["nodes"][2].update(params=[1, 2]), "nodes[2].params", "object"),
    (lambda t: t["nodes"][2].update(extra=1), "nodes[2]", "unknown key 'extra'"),
    (lambda t: t["nodes"].__setitem__(0, "input"), "nodes[0]", "object"),
    (lambda t: t["nodes"][2].update(weights={"weight": [[1.0, 2.0], [3.0]]}), "nodes[2].weights.weight[1]",
     "different lengths"),
    (lambda t: t["nodes"][2].update(weights={"weight": [[1.0, "2"]]}), "nodes[2].weights.weight[0][1]",
     "must be a number"),
    (lambda t: t["nodes"][2].update(weights={"weight": [[True]]}), "nodes[2].weights.weight[0][0]", "number"),
    (lambda t: t["nodes"][2].update(weights={"kernel": [[1.0]]}), "nodes[2].weights.kernel", "no tensor named"),
    (lambda t: t["nodes"][2].update(weights={"weight": {"dtype": "float64", "shape": [2, 2], "base64": "AAAA"}}),
     "nodes[2].weights.weight.base64", "needs 32 bytes"),
    (lambda t: t["nodes"][2].update(weights={"weight": {"dtype": "object", "shape": [1], "base64": ""}}),
     "nodes[2].weights.weight.dtype", "dtype must be one of"),
    (lambda t: t["nodes"][2].update(weights={"weight": {"dtype": "float64", "shape": [10 ** 9, 10 ** 9],
                                                        "base64": "AAAA"}}),
     "nodes[2].weights.weight.shape", "more than a file nnviz opens can hold"),
    (lambda t: t["nodes"][2].update(weights={"weight": {"dtype": "float64", "shape": [-1], "base64": ""}}),
     "nodes[2].weights.weight.shape", "whole numbers >= 0"),
    (lambda t: t["nodes"][2].update(weights={"weight": {"dtype": "float64", "shape": [1], "base64": "!!!!!!!!!!!!"}}),
     "nodes[2].weights.weight.base64", "base64"),
    (lambda t: t["nodes"][2].update(weights={"weight": {"dtype": "float64", "shape": [1]}}),
     "nodes[2].weights.weight", "'base64' is missing"),
    (lambda t: t["edges"].append({"src": "n1", "dst": "n9"}), "edges[2]", "node 'n9' does not exist"),
    (lambda t: t["edges"].extend([{"src": "n4", "dst": "n5"}, {"src": "n5", "dst": "n4"}]), "edges[3]",
     "cycle ('cat2' -> 'cat' -> 'cat2')"),
    (lambda t: t["edges"].append({"src": "n4", "dst": "n4", "port": 1}), "edges[2]", "cannot feed itself"),
    (lambda t: t["edges"].append({"src": "n1", "dst": "n2"}), "edges[2]", "already connected"),
    (lambda t: t["edges"].append({"src": "n1", "dst": "n4", "port": 5}), "edges[2]", "has no input 6"),
    (lambda t: t["edges"].append({"src": "n3", "dst": "n1"}), "edges[2]", "takes no input"),
    (lambda t: t["edges"].append({"src": "n1", "dst": "n4", "port": -1}), "edges[2].port", "whole number"),
    (lambda t: t["edges"].append({"src": "n1", "dst": "n4", "port": True}), "edges[2].port", "whole number"),
    (lambda t: t["edges"].append(["n1", "n4"]), "edges[2]", "object"),
    (lambda t: t.update(edges={}), "edges", "must be a list"),
    (lambda t: t.pop("nodes"), "", "no 'nodes'"),
    (lambda t: t["training"].update(lr="fast"), "training", "lr must be a number"),
    (lambda t: t["training"].update(loss=["mse"]), "training.loss", "not a list"),
    (lambda t: t["training"].update(loss="hinge"), "training", "loss must be one of"),
    (lambda t: t["training"].update(speed=1), "training", "unknown training setting"),
    (lambda t: t.update(training=3), "training", "object"),
    (lambda t: t.update(data={"name": "xor"}), "data", "kind"),
    (lambda t: t.update(meta={"a": nest(40)}), "meta", "nested more than 32"),
    (lambda t: t["description"].update(en=5), "description.en", "text"),
    (lambda t: t["description"].update({"": "x"}), "description.", "language"),
    (lambda t: t.update(state={"a": {"$array": "float64", "shape": [2], "values": [1.0]}}), "state.a",
     "shape says [2]"),
    (lambda t: t.update(state={"a": {"$evil": "os.system"}}), "state.a", "unknown tag"),
    (lambda t: t.update(state={"a": {"$float": "1e5"}}), "state.a", "$float"),
    (lambda t: t.update(state=[1]), "state", "object"),
    (lambda t: t.update(surprise=1), "", "unknown key 'surprise'"),
    (lambda t: t.update(version="1"), "version", "whole number"),
    (lambda t: t.update(version=-1), "version", "no file format version"),
    (lambda t: t.update(format="keras"), "format", "not a .nnviz file"),
    (lambda t: t.pop("format"), "", "not a .nnviz file"),
]


@pytest.mark.parametrize(("change", "where", "words"), CASES)
def test_each_broken_part_is_named(change, where, words):
    error = refused(json.dumps(edit(change)))
    assert error.where == where, str(error)
    assert words in error.message
    assert str(error).startswith(f"{where}: " if where else error.message[:10])


def test_cases_start_from_a_file_that_loads():
    doc = nio.loads(json.dumps(valid_tree()))
    assert len(doc.nodes) == 5


@pytest.mark.parametrize(("text", "words"), [
    (b"", "empty"),
    (b"   \n", "empty"),
    (b"\xff\xfe\x00garbage", "not UTF-8"),
    (b"PK\x03\x04\x14\x00", "not valid JSON"),
    (b"hello", "not valid JSON"),
    (b"[1, 2, 3]", "one JSON object"),
    (b'"nnviz"', "one JSON object"),
    (b'{"format": "nnviz", "version": 1, "nodes": [], "edges": [', "ends too early"),
    (b'{"format": "nnviz", "format": "nnviz"}', "appears twice"),
    (b'{"format": "nnviz", "version": NaN}', "NaN is not a JSON number"),
    (b'{"format": "nnviz", "version": 1e999}', "too large"),
    (b'{"format": "nnviz", "version": ' + b"9" * 5000 + b"}", "cannot read"),
    (b"[" * 100_000 + b"]" * 100_000, "nested too deeply"),
    (b'{"a": ' * 50_000 + b"1" + b"}" * 50_000, "nested too deeply"),
    (b'{"__class__": "os.system", "args": ["rm -rf /"]}', "not a .nnviz file"),
])
def test_non_nnviz_bytes_give_one_clear_message(text, words):
    error = refused(text)
    assert words in str(error)


def test_truncated_real_file_says_it_was_cut_off(tmp_path):
    text = nio.dumps(seed_single_neuron()).encode()
    path = tmp_path / "cut.nnviz"
    path.write_bytes(text[: len(text) // 2])
    with pytest.raises(nio.NnvizFileError) as info:
        nio.load(path)
    assert str(info.value).startswith(str(path) + ": ")
    assert "cut off" in str(info.value)


def test_a_byte_order_mark_is_tolerated():
    doc = nio.loads(b"\xef\xbb\xbf" + nio.dumps(seed_single_neuron()).encode())
    assert doc.node_by_name("neuron").weights["weight"].tolist() == [[0.5, -0.5]]


def test_missing_file_and_folder_give_the_file_error(tmp_path):
    with pytest.raises(nio.NnvizFileError, match="cannot open"):
        nio.load(tmp_path / "nope.nnviz")
    with pytest.raises(nio.NnvizFileError, match="cannot open"):
        nio.load(tmp_path)


def test_too_many_nodes_is_refused_before_building_anything():
    tree = {"format": "nnviz", "version": 1, "edges": [],
            "nodes": [{"id": f"n{i}", "type": "relu"} for i in range(reader.MAX_NODES + 1)]}
    error = refused(json.dumps(tree))
    assert error.where == "nodes" and f"at most {reader.MAX_NODES:,}" in error.message


def test_too_many_edges_is_refused():
    tree = {"format": "nnviz", "version": 1, "nodes": [],
            "edges": [{"src": "a", "dst": "b"}] * (reader.MAX_EDGES + 1)}
    assert refused(json.dumps(tree)).where == "edges"


def test_a_file_over_the_size_limit_is_refused_without_reading_it(tmp_path, monkeypatch):
    path = tmp_path / "huge.nnviz"
    with open(path, "wb") as handle:  # sparse: takes no disk space
        handle.truncate(jsontext.MAX_FILE_BYTES + 1)
    opened = []
    real_open = pathlib.Path.open
    monkeypatch.setattr(pathlib.Path, "open", lambda self, *a, **k: opened.append(self) or real_open(self, *a, **k))
    with pytest.raises(nio.NnvizFileError, match="MB; nnviz opens files up to 200 MB"):
        nio.load(path)
    assert opened == []
    with pytest.raises(nio.NnvizFileError, match="up to 200 MB"):
        nio.loads(b" " * (jsontext.MAX_FILE_BYTES + 1))


def test_the_largest_allowed_chain_loads_in_reasonable_time():
    import time

    n = reader.MAX_NODES
    nodes = [{"id": "n0", "type": "input", "params": {"shape": [2]}}]
    nodes += [{"id": f"n{i}", "type": "relu"} for i in range(1, n)]
    edges = [{"src": f"n{i - 1}", "dst": f"n{i}"} for i in range(1, n)]
    text = json.dumps({"format": "nnviz", "version": 1, "nodes": nodes, "edges": edges})
    start = time.perf_counter()
    doc = nio.loads(text)
    elapsed = time.perf_counter() - start
    assert len(doc.nodes) == n and doc.analysis().valid
    assert elapsed < 30, f"loading {n} layers took {elapsed:.1f} s"


def test_loading_never_imports_pickle_or_evaluates_code(monkeypatch):
    import builtins
    import pickle

    def forbidden(*args, **kwargs):
        raise AssertionError("a .nnviz file must never execute code")

    monkeypatch.setattr(builtins, "eval", forbidden)
    monkeypatch.setattr(builtins, "exec", forbidden)
    monkeypatch.setattr(pickle, "loads", forbidden)
    monkeypatch.setattr(pickle, "load", forbidden)
    doc = nio.loads(nio.dumps(xor()))
    assert len(doc.nodes) == 3


def test_free_form_parts_within_the_depth_limit_load_and_save_again():
    tree = valid_tree()
    deep = nest(30)
    tree["meta"] = {"deep": deep}
    doc = nio.loads(json.dumps(tree))
    assert nio.loads(nio.dumps(doc)).meta["deep"] == deep
