"""Issue 16 items 3 and 4: the Transformer encoder block composite (pre- and post-norm, the same recipe for
the palette, the command line and the examples) and the two attention examples, which learn: the classifier
reaches the LSTM example's training accuracy under the same budget, the causal character model's loss falls
and it writes characters from a prompt."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz import io
from nnviz.engine.sampling import session_sampler
from nnviz.engine.session import Session
from nnviz.graph.composites import add_composite, model_width, token_ids_source, transformer_block
from nnviz.graph.document import GraphDocument
from nnviz.io.examples import GALLERY, gallery_files
from nnviz.resources import resource_path

POST = ["self_attention", "add", "layernorm", "dense", "relu", "dense", "add", "layernorm"]
PRE = ["layernorm", "self_attention", "add", "layernorm", "dense", "relu", "dense", "add"]


def example(name: str):
    return io.load(resource_path("examples", f"{name}.nnviz"))


def _sequence_doc() -> tuple[GraphDocument, str, str]:
    doc = GraphDocument()
    tokens = doc.add_node("input", name="tokens", params={"shape": [10]}).id
    embedding = doc.add_node("embedding", name="embedding", params={"num_embeddings": 50, "embedding_dim": 24}).id
    head = doc.add_node("mean_over_time", name="mean").id
    doc.connect(tokens, embedding)
    doc.connect(embedding, head)
    return doc, tokens, embedding


@pytest.mark.parametrize("norm, order", [("post", POST), ("pre", PRE)])
def test_the_block_drops_its_layers_wired_in_either_norm_order(norm, order):
    doc, tokens, embedding = _sequence_doc()
    edge = doc.inputs_of(doc.node_by_name("mean").id)[0]
    assert model_width(doc, embedding) == 24 and token_ids_source(doc, embedding) == tokens
    block = transformer_block(norm, d_model=24, num_heads=4, token_ids=True)
    ids = add_composite(doc, block, target=edge, ids_source=tokens)
    assert [doc.nodes[ids[p.role]].type for p in block.parts] == order
    assert doc.analysis().valid, doc.analysis().messages()
    shapes = doc.analysis().shapes
    assert all(shapes[i] == (10, 24) for role, i in ids.items() if role != "ff_1" and role != "relu")
    assert shapes[ids["ff_1"]] == (10, 96)  # the feed-forward is 4 x wider
    attention = ids["attention"]
    assert {(e.src, e.port) for e in doc.inputs_of(attention)} == (
        {(embedding, 0), (tokens, 1)} if norm == "post" else {(ids["norm_1"], 0), (tokens, 1)})
    # Each Add: the branch on port 0, the skip connection on port 1.
    skip_1 = {e.port: e.src for e in doc.inputs_of(ids["add_1"])}
    assert skip_1 == {0: attention, 1: embedding}
    skip_2 = {e.port: e.src for e in doc.inputs_of(ids["add_2"])}
    assert skip_2 == {0: ids["ff_2"], 1: ids["norm_1"] if norm == "post" else ids["add_1"]}
    exit_role = "norm_2" if norm == "post" else "add_2"
    assert doc.inputs_of(doc.node_by_name("mean").id)[0].src == ids[exit_role]
    # A second block gets names of its own.
    again = add_composite(doc, transformer_block(norm, 24), source=ids[exit_role])
    assert doc.nodes[again["attention"]].name == "b2_attention"


def test_heads_that_do_not_divide_the_width_fall_back_to_one():
    assert transformer_block("post", d_model=30, num_heads=4).parts[0].params["num_heads"] == 1


@pytest.mark.gui
@pytest.mark.parametrize("norm, order", [("post", POST), ("pre", PRE)])
def test_the_palette_entry_drops_the_block_as_one_undo_step(qtbot, norm, order):
    from PySide6.QtGui import QUndoStack

    from nnviz.ui.canvas.composites import BLOCKS, drop_composite
    from nnviz.ui.canvas.controller import GraphController
    from nnviz.ui.canvas.palette import Palette

    palette = Palette()
    qtbot.addWidget(palette)
    key = next(k for k, v in BLOCKS.items() if v == norm)
    assert key in palette.items and not palette.items[key].isHidden()
    palette.apply_filter("transformer")
    assert set(BLOCKS) <= set(palette.visible_keys())

    doc, tokens, embedding = _sequence_doc()
    stack = QUndoStack()
    controller = GraphController(doc, stack)
    before = (set(doc.nodes), list(doc.edges))
    edge = doc.inputs_of(doc.node_by_name("mean").id)[0]
    added = drop_composite(controller, key, (100.0, 200.0), edge)
    assert [doc.nodes[n].type for n in added] == order and stack.count() == 1
    assert doc.analysis().valid, doc.analysis().messages()
    assert any(e.src == tokens and e.port == 1 for e in doc.inputs_of(added[order.index("self_attention")]))
    stack.undo()
    assert (set(doc.nodes), doc.edges) == before
    stack.redo()
    assert [doc.nodes[n].type for n in added] == order and doc.analysis().valid


# ---------------------------------------------------------------- the examples
def test_both_examples_are_in_the_gallery_with_thumbnails():
    from nnviz.ui.shell.start_page import thumbnail_folder

    files = {p.stem for p in gallery_files()}
    for name in ("transformer-sentiment", "causal-characters"):
        assert name in GALLERY and name in files
        assert (thumbnail_folder() / f"{name}.png").stat().st_size > 1000


@pytest.mark.parametrize("name", ["transformer-sentiment", "causal-characters"])
def test_the_examples_lower_their_loss_within_40_steps(name):
    session = Session(example(name))
    losses = [session.step_batch() for _ in range(40)]
    assert np.mean(losses[-5:]) < np.mean(losses[:5]), losses


@pytest.mark.slow
def test_the_transformer_classifier_reaches_the_lstms_training_accuracy_under_the_same_budget():
    budget = 6  # epochs; measured: the Transformer 0.93, the LSTM 0.88 (and 0.95 vs 0.94 after 10)
    accuracy = {}
    for name in ("transformer-sentiment", "seed-text-lstm"):
        session = Session(example(name))
        for _ in range(budget):
            session.step_epoch()
        accuracy[name] = session.evaluate("train")[1]
    assert accuracy["transformer-sentiment"] >= accuracy["seed-text-lstm"], accuracy
    assert accuracy["transformer-sentiment"] >= 0.9, accuracy


def test_the_causal_model_never_looks_ahead_and_writes_characters():
    doc = example("causal-characters")
    session = Session(doc)
    attention = doc.node_by_name("attention").id
    while True:
        event = session.step()
        if event.phase == "forward" and event.node == attention:
            break
    weights = event.tensors["attention_weights"]  # (N, h, T, T)
    later = np.triu(np.ones(weights.shape[-2:], dtype=bool), 1)
    assert np.all(weights[..., later] == 0)
    session.run(steps=40)
    sampler = session_sampler(session)
    greedy = sampler.sample("今天", 6)
    assert greedy.text.startswith("今天") and len(greedy.new_tokens) == 6
    assert all(len(t) == 1 for t in greedy.new_tokens)  # Chinese characters, one token each
    assert sampler.sample("今天", 6).new_ids == greedy.new_ids
    assert sampler.sample("今天", 6, temperature=1.0, seed=2).new_ids == \
        sampler.sample("今天", 6, temperature=1.0, seed=2).new_ids
