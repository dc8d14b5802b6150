"""Writing text with a trained sequence model (issue 16 item 4, Train > Sample and `nnviz sample`): next-token
data from the sentences, greedy sampling is the argmax, a temperature draws reproducibly per seed, and a
model that cannot write text is refused in words a learner can act on."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz import io
from nnviz.data.text import PAD, Tokenizer, load_text, next_token_targets
from nnviz.engine.sampling import Sampler, SamplingError, join_tokens, next_token_distribution, session_sampler
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings

ZH_CHARS = {"kind": "text", "language": "zh", "level": "characters", "num_words": 0, "maxlen": 12,
            "padding": "post", "predict": "next_token", "val_split": 0.0}


def test_next_token_targets_are_the_sentence_shifted_by_one_with_padding_ignored():
    data, tok = load_text(ZH_CHARS)
    assert data.x_train.shape == data.y_train.shape == (150, 12)
    assert data.n_classes == tok.vocabulary_size and data.class_names[:2] == ["<pad>", "<oov>"]
    x, y = data.x_train.astype(np.int64), data.y_train
    real = x != PAD
    # Where the next position holds a token, it is the target; after the last token there is nothing.
    np.testing.assert_array_equal(y[:, :-1][real[:, 1:]], x[:, 1:][real[:, 1:]])
    assert np.all(y[~real] == PAD)
    first = tok.decode(x[0])
    assert tok.decode(y[0]) == first[1:]  # the same sentence from its second character


def test_next_token_targets_with_padding_in_front_never_predict_from_padding():
    ids = np.array([[0, 0, 5, 6, 7], [3, 4, 5, 6, 7]])
    x, y = next_token_targets(ids)
    np.testing.assert_array_equal(x, [[0, 0, 5, 6], [3, 4, 5, 6]])
    np.testing.assert_array_equal(y, [[0, 0, 6, 7], [4, 5, 6, 7]])


def test_labels_stay_the_default():
    data, _ = load_text({"kind": "text", "maxlen": 12})
    assert data.y_train.ndim == 1 and data.class_names == ["negative", "positive"]


def _tokenizer() -> Tokenizer:
    return Tokenizer(None, "characters").fit(["我喜欢这本书", "我不喜欢下雨"])


def _fake_model(vocab: int, window: int, per_position: bool, seed: int = 0):
    """A 'model' whose scores depend on the ids it reads, so the text depends on the prompt."""
    table = np.random.default_rng(seed).normal(size=(vocab, vocab)) * 3

    def predict(x: np.ndarray) -> np.ndarray:
        ids = x.astype(int)
        scores = table[ids]  # (1, T, V): each position's scores from its own token
        return scores if per_position else scores[:, -1]
    return predict


@pytest.mark.parametrize("per_position, padding", [(True, "post"), (True, "pre"), (False, "pre")])
def test_greedy_is_the_argmax_of_the_scores_at_the_last_prompt_token(per_position, padding):
    tok = _tokenizer()
    predict = _fake_model(tok.vocabulary_size, 6, per_position)
    sampler = Sampler(predict, tok, 6, padding)
    result = sampler.sample("我喜", 5)
    ids = list(result.prompt_ids)
    for token in result.new_ids:
        window = ids[-6:]
        x = np.zeros((1, 6))
        if padding == "post":
            x[0, :len(window)] = window
            scores = predict(x)[0, len(window) - 1] if per_position else predict(x)[0]
        else:
            x[0, 6 - len(window):] = window
            scores = predict(x)[0, -1] if per_position else predict(x)[0]
        scores = scores.copy()
        scores[PAD] = -np.inf  # padding is never written
        assert token == int(np.argmax(scores))
        ids.append(token)
    assert result.text == "".join(result.prompt_tokens + result.new_tokens)
    assert result.text.startswith("我喜") and len(result.new_tokens) == 5


def test_a_temperature_draws_the_same_text_for_the_same_seed_and_other_text_for_others():
    tok = _tokenizer()
    sampler = Sampler(_fake_model(tok.vocabulary_size, 6, True), tok, 6, "post")
    first = sampler.sample("我", 30, temperature=1.5, seed=7)
    assert sampler.sample("我", 30, temperature=1.5, seed=7).new_ids == first.new_ids
    others = {tuple(sampler.sample("我", 30, temperature=1.5, seed=s).new_ids) for s in range(5)}
    assert len(others) > 1
    assert PAD not in first.new_ids
    assert all(0 < p <= 1 for p in first.probabilities)


def test_temperature_sharpens_and_flattens_the_distribution():
    scores = np.array([0.0, 1.0, 2.0, 3.0])
    cold, warm = next_token_distribution(scores, 0.1), next_token_distribution(scores, 10.0)
    assert cold[0] == warm[0] == 0.0  # padding
    assert cold[3] > 0.99 and warm[3] < 0.4
    np.testing.assert_array_equal(next_token_distribution(scores, 0.0), [0, 0, 0, 1])
    probs = next_token_distribution(np.array([0.1, 0.2, 0.3, 0.4]), 1.0, probabilities=True)
    np.testing.assert_allclose(probs, [0, 0.2 / 0.9, 0.3 / 0.9, 0.4 / 0.9])


def test_words_join_with_spaces_except_between_chinese_characters():
    assert join_tokens(["i", "love", "北", "京", "a", "lot"], "words") == "i love 北京 a lot"
    assert join_tokens(["北", "京"], "characters") == "北京"


def test_refusals_say_what_to_do():
    tok = _tokenizer()
    sampler = Sampler(lambda x: np.zeros((1, 3)), tok, 6, "post", output_name="sentiment")
    with pytest.raises(SamplingError, match=r"output 'sentiment' must give one score per token .*units"):
        sampler.sample("我", 3)
    good = Sampler(_fake_model(tok.vocabulary_size, 6, True), tok, 6)
    with pytest.raises(SamplingError, match="no token the model can read"):
        good.sample("!?", 3)
    with pytest.raises(SamplingError, match="length must be from 1"):
        good.sample("我", 0)
    with pytest.raises(SamplingError, match="temperature must be from 0"):
        good.sample("我", 3, temperature=-1)


def _lstm_next_token_file(tmp_path):
    doc = GraphDocument()
    ids = []
    layers = [("input", "tokens", {"shape": [12]}), ("embedding", "embedding", {"num_embeddings": 256,
                                                                                 "embedding_dim": 8}),
              ("lstm", "lstm", {"hidden_size": 16}), ("dense", "next", {"units": 256})]
    for i, (key, name, params) in enumerate(layers):
        node = doc.add_node(key, name=name, params=params, pos=(i * 200.0, 0.0))
        if ids:
            doc.connect(ids[-1], node.id)
        ids.append(node.id)
    # Sentence labels as targets (a last-step model); the vocabulary is what the sampler reads.
    doc.set_data({**ZH_CHARS, "predict": "label", "num_words": 256})
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=0.01, batch_size=32))
    path = tmp_path / "next.nnviz"
    io.save(doc, path)
    return path


def test_a_session_samples_from_its_network_greedy_as_argmax(tmp_path):
    from nnviz.engine.session import Session

    session = Session(io.load(_lstm_next_token_file(tmp_path)))
    sampler = session_sampler(session)
    result = sampler.sample("我喜欢", 4)
    _, tok = load_text(session.doc.data)
    x = np.zeros((1, 12))
    x[0, :3] = tok.encode("我喜欢")
    scores = session.predict(x)[0][:tok.vocabulary_size]
    scores[PAD] = -np.inf
    assert result.new_ids[0] == int(np.argmax(scores))


def test_the_sample_command(tmp_path, capsys):
    from nnviz.cli import main

    path = _lstm_next_token_file(tmp_path)
    assert main(["sample", str(path), "--prompt", "我喜欢", "--length", "4", "--json", "--temperature", "0.8",
                 "--seed", "3"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["prompt"] == ["我", "喜", "欢"] and len(out["tokens"]) == 4
    assert out["text"] == "".join(out["prompt"] + out["tokens"])
    assert main(["sample", str(path), "--prompt", "我喜欢", "--length", "4", "--temperature", "0.8",
                 "--seed", "3"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip() == out["text"] and "untrained" in captured.err
    assert main(["sample", str(path), "--prompt", "...", "--length", "4"]) == 1
    assert "no token the model can read" in capsys.readouterr().err


@pytest.mark.gui
def test_the_generate_text_dialog_writes_what_the_core_writes(qtbot, tmp_path):
    from nnviz.ui.training.controller import TrainingController
    from nnviz.ui.training.sample_dialog import SampleAction

    controller = TrainingController(io.load(_lstm_next_token_file(tmp_path)))
    dialog = SampleAction(controller).open()
    qtbot.addWidget(dialog)
    dialog.prompt.setText("我喜欢")
    dialog.length.setValue(6)
    dialog.temperature.setValue(0.7)
    dialog.seed.setValue(4)
    result = dialog.run()
    expected = session_sampler(controller.session).sample("我喜欢", 6, 0.7, 4)
    assert result is not None and result.new_ids == expected.new_ids
    shown = dialog.output.toPlainText()
    assert shown.startswith(expected.text) and "untrained" in dialog.note.text()
    dialog.prompt.setText("...")
    assert dialog.run() is None and "no token the model can read" in dialog.note.text()
    assert not dialog.output.toPlainText()


@pytest.mark.gui
def test_the_data_preview_shows_next_token_data(qtbot):
    from nnviz.ui.data.data_preview import DataPreview

    data, _ = load_text(ZH_CHARS)
    preview = DataPreview()
    qtbot.addWidget(preview)
    preview.set_dataset(data)  # a class id per position: no coloured points, a table of ids
    assert preview.table.rowCount() > 0 and preview.table.columnCount() == 24
    assert sum(data.class_counts()) == data.y_train.size


def test_greedy_reports_the_models_own_probability():
    tok = _tokenizer()
    sampler = Sampler(_fake_model(tok.vocabulary_size, 6, True), tok, 6, "post")
    result = sampler.sample("我", 3)
    scores = _fake_model(tok.vocabulary_size, 6, True)(np.array([[tok.encode("我")[0], 0, 0, 0, 0, 0]]))[0, 0]
    assert result.probabilities[0] == pytest.approx(next_token_distribution(scores, 1.0)[result.new_ids[0]])
    assert result.probabilities[0] < 1.0
