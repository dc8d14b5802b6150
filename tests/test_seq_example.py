"""resources/examples/seed-text-lstm.nnviz (SEEDS.md network 5): the committed file equals what
build_seed_text_lstm() makes, it passes `nnviz check`, learns the bilingual corpus (>= 90 % training
accuracy in 30 epochs) and can be stepped through time micro-step by micro-step.

Regenerate the file with:  python -m tests.test_seq_example
"""

from __future__ import annotations

import sys
from pathlib import Path

import numpy as np

from nnviz import io
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from nnviz.resources import resource_path

MAXLEN = 12  # the longest sentence of the corpus has 10 tokens


def example_path() -> Path:
    return resource_path("examples", "seed-text-lstm.nnviz")


def build_seed_text_lstm() -> GraphDocument:
    """Embedding(100 words, 32) -> LSTM(64, dropout 0.2) -> Dense(1, sigmoid); BCE; Adam."""
    doc = GraphDocument()
    layers = [("input", "tokens", {"shape": [MAXLEN]}),
              ("embedding", "embedding", {"num_embeddings": 100, "embedding_dim": 32}),
              ("lstm", "lstm", {"hidden_size": 64, "dropout": 0.2}),
              ("dense", "sentiment", {"units": 1, "activation": "sigmoid"})]
    ids: list[str] = []
    for i, (key, name, params) in enumerate(layers):
        node = doc.add_node(key, name=name, params=params, pos=(i * 220.0, 0.0))
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    doc.set_data({"kind": "text", "language": "all", "level": "words", "lower": True, "num_words": 100,
                  "maxlen": MAXLEN, "padding": "pre", "truncating": "pre", "val_split": 0.2, "seed": 0})
    # Keras' Adam default is lr 0.001; on 240 sentences 0.01 learns within the guide's 30 epochs.
    doc.set_training(TrainingSettings(loss="bce", optimizer="adam", lr=0.01, batch_size=32, epochs=30, seed=0))
    doc.description = {
        "en": ("The beginner guide's text classifier: Embedding(100 words, 32) -> LSTM(64, dropout 0.2) -> "
               "Dense(1, sigmoid), binary cross-entropy, Adam. It reads 300 short English and Chinese "
               "sentences (Chinese split into characters), each padded at the front to 12 token ids, and "
               "says whether each is positive. Step into the LSTM: forward runs t = 1..12, showing the "
               "gates i, f, g, o, the cell state c_t and the hidden state h_t; backward runs t = 12..1 "
               "(backpropagation through time) and shows how dL/dh_t shrinks on the way back. Training "
               "accuracy passes 90 % within 30 epochs; the validation accuracy stays lower, since only the "
               "98 most frequent tokens have their own id."),
        "zh": ("入门教程中的文本分类器：Embedding(100 个词, 32) -> LSTM(64, dropout 0.2) -> Dense(1, sigmoid)，"
               "二元交叉熵，Adam。它读取 300 个简短的英文和中文句子（中文按字切分），每句在前面补齐到 12 个"
               "词编号，并判断句子是正面还是负面。单步进入 LSTM：前向从 t = 1 到 12，显示门 i、f、g、o、"
               "细胞状态 c_t 和隐藏状态 h_t；反向从 t = 12 到 1（随时间反向传播），显示 dL/dh_t 在往回传"
               "的过程中如何变小。30 个 epoch 内训练准确率超过 90 %；验证准确率较低，因为只有最常见的 98 个"
               "词有自己的编号。"),
    }
    return doc


def test_committed_example_equals_the_builder():
    assert example_path().read_text("utf-8") == io.dumps(build_seed_text_lstm())


def test_example_passes_nnviz_check(capsys):
    from nnviz.cli import main

    assert main(["check", str(example_path())]) == 0
    out = capsys.readouterr().out
    assert "lstm (LSTM)" in out and "(None, 12, 32)" in out
    assert "25,088" in out and "Total params: 28,353" in out  # 4 gates x 64 x (32 inputs + 64 + 2 biases)


def test_example_reaches_90_percent_training_accuracy_in_30_epochs():
    from nnviz.engine.session import Session

    session = Session(io.load(example_path()))
    rows = [session.step_epoch() for _ in range(30)]
    assert rows[-1].train_accuracy >= 0.9
    assert rows[-1].train_loss < rows[0].train_loss / 2
    assert session.evaluate("train")[1] >= 0.9


def test_stepping_through_time_in_a_session():
    from nnviz.engine.session import Session

    doc = io.load(example_path())
    lstm = doc.node_by_name("lstm").id
    session = Session(doc)
    events = []
    while True:
        event = session.step()
        events.append(event)
        if event.phase == "update":
            break
    forward = [e for e in events if e.phase == "forward" and e.node == lstm]
    backward = [e for e in events if e.phase == "backward" and e.node == lstm]
    assert [e.t for e in forward] == [*range(1, MAXLEN + 1), None]  # then the node's summary event
    assert [e.t for e in backward] == [*range(MAXLEN, 0, -1), None]
    step = forward[4].tensors
    np.testing.assert_allclose(step["c_t"], step["gate_f"] * step["c_prev"] + step["gate_i"] * step["gate_g"],
                               rtol=1e-5, atol=1e-6)
    assert step["h_t"].shape == (32, 64) and step["x_t"].shape == (32, 32)
    summary = forward[-1].tensors
    np.testing.assert_array_equal(summary["output"], forward[-2].tensors["h_t"])
    assert summary["gate_f"].shape == (32, MAXLEN, 64)
    assert backward[-1].tensors["grad_norm_per_step"].shape == (MAXLEN,)
    assert "grad_weight_ih_l0" in backward[-1].tensors


if __name__ == "__main__":
    target = Path(sys.argv[1]) if len(sys.argv) > 1 else example_path()
    io.save(build_seed_text_lstm(), target)
    print(f"wrote {target}")
