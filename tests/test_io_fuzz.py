"""Property-based: corrupt documents (mutated, truncated, bit-flipped, random, deeply nested) raise only
NnvizFileError (or load), never another exception and never execute anything."""

from __future__ import annotations

import copy
import json
import os
from typing import Any

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz import io as nio
from nnviz.graph.document import GraphDocument
from nnviz.io.examples import EXAMPLES

# NNVIZ_FUZZ_EXAMPLES=5000 searches harder (before a release); the default keeps the suite fast.
FUZZ = settings(max_examples=int(os.environ.get("NNVIZ_FUZZ_EXAMPLES", "150")), deadline=None,
                suppress_health_check=[HealthCheck.too_slow])


def _rich_text() -> str:
    """A valid file exercising every part: merges, base64 weights, session state of every kind."""
    doc = GraphDocument()
    x = doc.add_node("input", params={"shape": [1, 4, 4]})
    c = doc.add_node("conv2d", params={"out_channels": 2, "kernel_size": 3, "padding": 1})
    bn = doc.add_node("batchnorm2d")
    add = doc.add_node("add")
    f = doc.add_node("flatten")
    d = doc.add_node("dense", params={"units": 3})
    for src, dst, port in ((x, c, 0), (c, bn, 0), (bn, add, 0), (c, add, 1), (add, f, 0), (f, d, 0)):
        doc.connect(src.id, dst.id, port)
    doc.set_weight(d.id, "weight", np.random.default_rng(0).normal(size=(3, 32)) * 300)
    doc.set_weight(c.id, "bias", np.array([1.0, -2.0]))
    doc.description = {"en": "rich", "zh": "丰富"}
    doc.meta = {"k": [1, 2, {"a": None}]}
    state = {"step": 3, "m": np.ones((2, 3), dtype=np.float32), "big": np.zeros(300),
             "nan": float("nan"), "list": [1, "two", None]}
    return nio.dumps(doc, state=state)


TEXTS = [nio.dumps(build()) for build in EXAMPLES.values()] + [_rich_text()]
TREES = [json.loads(t) for t in TEXTS]


def expect_file_error_or_document(data: str | bytes) -> GraphDocument | None:
    """Load; NnvizFileError is the only acceptable failure (anything else fails the test)."""
    try:
        doc, _ = nio.loads_with_state(data)
    except nio.NnvizFileError as exc:
        assert str(exc)  # a message, always
        return None
    doc.analysis()  # whatever loaded must also survive shape inference
    return doc


def test_every_corpus_file_loads():
    for text in TEXTS:
        assert expect_file_error_or_document(text) is not None


# ------------------------------------------------------------------------------------------ mutations
json_scalars = st.one_of(
    st.none(), st.booleans(), st.integers(-(10 ** 30), 10 ** 30), st.floats(allow_nan=False, allow_infinity=False),
    st.text(max_size=12), st.sampled_from(["n1", "n2", "dense", "input", "$array", "float64", "base64", ""]),
    st.sampled_from([0, 1, -1, 2**63, 1e308, 0.5]),
)
json_values = st.recursive(
    json_scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(
        st.sampled_from(["id", "type", "name", "params", "pos", "weights", "src", "dst", "port", "dtype",
                         "shape", "base64", "values", "$array", "$float", "kind", "x"]) | st.text(max_size=6),
        inner, max_size=4)),
    max_leaves=12,
)


def paths(value: Any, prefix: tuple = ()) -> list[tuple]:
    """Every place in a JSON tree, as a tuple of keys/indices."""
    out = [prefix]
    if isinstance(value, dict):
        for k, v in value.items():
            out += paths(v, (*prefix, k))
    elif isinstance(value, list):
        for i, v in enumerate(value[:6]):  # the first few items of long lists are enough
            out += paths(v, (*prefix, i))
    return out


def get(tree: Any, path: tuple) -> Any:
    for key in path:
        tree = tree[key]
    return tree


@st.composite
def mutated(draw) -> dict:
    tree = copy.deepcopy(draw(st.sampled_from(TREES)))
    for _ in range(draw(st.integers(1, 3))):
        places = paths(tree)[1:]
        path = draw(st.sampled_from(places))
        parent, key = get(tree, path[:-1]), path[-1]
        action = draw(st.sampled_from(["delete", "replace", "wrap", "duplicate", "deepen", "add_key"]))
        if action == "delete":
            del parent[key]
        elif action == "replace":
            parent[key] = draw(json_values)
        elif action == "wrap":
            parent[key] = [parent[key]] if draw(st.booleans()) else {"x": parent[key]}
        elif action == "duplicate" and isinstance(parent, list):
            parent.append(copy.deepcopy(parent[key]))
        elif action == "deepen":
            value: Any = draw(json_scalars)
            for _ in range(draw(st.integers(1, 60))):
                value = [value] if draw(st.booleans()) else {"a": value}
            parent[key] = value
        elif action == "add_key" and isinstance(parent[key], dict):
            parent[key][draw(st.text(max_size=8))] = draw(json_values)
    return tree


@FUZZ
@given(mutated())
def test_mutated_documents_load_or_give_a_file_error(tree):
    expect_file_error_or_document(json.dumps(tree))


@FUZZ
@given(st.sampled_from(TEXTS), st.floats(0, 1))
def test_truncated_files_give_a_file_error(text, fraction):
    data = text.encode()
    cut = data[: int(len(data) * fraction)]
    if cut.strip() == data.strip():
        return
    assert expect_file_error_or_document(cut) is None


@FUZZ
@given(st.sampled_from(TEXTS), st.lists(st.tuples(st.floats(0, 1), st.integers(0, 255)), min_size=1, max_size=8))
def test_byte_flips_load_or_give_a_file_error(text, flips):
    data = bytearray(text.encode())
    for where, byte in flips:
        data[min(int(where * len(data)), len(data) - 1)] = byte
    expect_file_error_or_document(bytes(data))


@FUZZ
@given(st.binary(max_size=300))
def test_random_bytes_give_a_file_error(data):
    assert expect_file_error_or_document(data) is None


@FUZZ
@given(st.integers(1, 3000), st.sampled_from(["[", '{"a":', '{"format": "nnviz", "version": 1, "nodes": [']))
def test_deep_nesting_gives_a_file_error(depth, opener):
    closer = {"[": "]", '{"a":': "}", '{"format": "nnviz", "version": 1, "nodes": [': "]}"}[opener]
    assert expect_file_error_or_document(opener * depth + "1" + closer * depth) is None


@FUZZ
@given(json_values)
def test_arbitrary_json_gives_a_file_error(value):
    assert expect_file_error_or_document(json.dumps(value)) is None
