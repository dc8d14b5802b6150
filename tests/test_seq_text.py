"""Text data: tokenizer (words, characters, CJK), vocabulary limit and OOV, Keras-style padding, the
"text" data source with the shipped bilingual corpus and a user's CSV."""

from __future__ import annotations

import csv
from collections import Counter

import numpy as np
import pytest

from nnviz.data import DataError, load_dataset
from nnviz.data.dataset import LoadContext
from nnviz.data.text import OOV, PAD, Tokenizer, load_text, pad_sequences, shipped_corpus_path, split_tokens


def test_words_split_on_spaces_and_cjk_characters_stand_alone():
    assert split_tokens("I LOVE Beijing! It's 北京, ok好吗?") == [
        "i", "love", "beijing", "it's", "北", "京", "ok", "好", "吗"]
    assert split_tokens("Hello World", lower=False) == ["Hello", "World"]


def test_character_level_drops_spaces_and_punctuation():
    assert split_tokens("Hi, 你好!", level="characters") == ["h", "i", "你", "好"]
    with pytest.raises(DataError, match="words' or 'characters"):
        split_tokens("x", level="sentences")


def test_ids_follow_frequency_with_padding_zero_and_oov_one():
    tok = Tokenizer().fit(["the cat sat", "the dog sat", "the cat"])
    # the: 3, cat: 2, sat: 2 (cat seen first), dog: 1
    assert tok.word_index == {"the": 2, "cat": 3, "sat": 4, "dog": 5}
    assert tok.encode("the bird sat") == [2, OOV, 4]
    assert tok.vocabulary_size == 6
    assert tok.decode([PAD, 2, OOV, 5]) == ["the", "<oov>", "dog"]


def test_vocabulary_limit_counts_the_reserved_ids():
    tok = Tokenizer(num_words=4).fit(["the cat sat", "the dog sat", "the cat"])
    assert tok.vocabulary_size == 4  # ids 0..3: padding, OOV, 'the', 'cat'
    assert tok.encode("the cat sat on the dog") == [2, 3, OOV, OOV, 2, OOV]
    assert max(tok.index_word()) == 3
    with pytest.raises(DataError, match="at least 2"):
        Tokenizer(num_words=1)


def test_pad_sequences_matches_keras_semantics():
    seqs = [[1, 2, 3, 4], [5], []]
    np.testing.assert_array_equal(pad_sequences(seqs), [[1, 2, 3, 4], [0, 0, 0, 5], [0, 0, 0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=2), [[3, 4], [0, 5], [0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=3, padding="post", truncating="post"),
                                  [[1, 2, 3], [5, 0, 0], [0, 0, 0]])
    np.testing.assert_array_equal(pad_sequences(seqs, maxlen=3, padding="post"), [[2, 3, 4], [5, 0, 0], [0, 0, 0]])
    assert pad_sequences(seqs).dtype == np.int64
    with pytest.raises(DataError, match="padding must be 'pre' or 'post'"):
        pad_sequences(seqs, padding="middle")


def test_shipped_corpus_is_balanced_and_bilingual():
    with open(shipped_corpus_path(), encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    counts = Counter((r["lang"], r["label"]) for r in rows)
    assert counts == {("en", "positive"): 75, ("en", "negative"): 75,
                      ("zh", "positive"): 75, ("zh", "negative"): 75}
    assert len({r["text"] for r in rows}) == len(rows)  # no duplicates
    assert (shipped_corpus_path().parent / "README.md").read_text("utf-8").count("CC0") >= 1


def test_text_source_builds_token_id_samples():
    data = load_dataset({"kind": "text", "maxlen": 12, "num_words": 100, "val_split": 0.2, "seed": 3})
    assert data.x_train.shape == (240, 12) and data.x_val.shape == (60, 12)
    assert data.x_train.dtype == np.float64
    assert data.class_names == ["negative", "positive"]
    assert data.task == "classification"
    ids = np.concatenate([data.x_train, data.x_val])
    assert ids.min() == PAD and ids.max() == 99
    assert np.array_equal(ids, np.rint(ids))
    assert sorted(np.bincount(np.concatenate([data.y_train, data.y_val]))) == [150, 150]


def test_language_filter_and_character_level():
    data, tok = load_text({"kind": "text", "language": "zh", "num_words": 0})
    assert len(data.x_train) == 150
    assert all(len(w) == 1 for w in tok.word_index)  # Chinese text: one token per character
    assert "好" in tok.word_index
    en, tok_en = load_text({"kind": "text", "language": "en", "level": "characters", "num_words": 0})
    assert set(tok_en.word_index) <= set("abcdefghijklmnopqrstuvwxyz'")


def test_user_csv_with_integer_labels_and_relative_path(tmp_path):
    path = tmp_path / "mine.csv"
    path.write_text("text,label\nsuper good,1\n很差,0\n\"bad, very bad\",0\ngreat,2\n", encoding="utf-8")
    data, tok = load_text({"kind": "text", "path": "mine.csv"}, LoadContext(tmp_path))
    assert data.class_names == ["0", "1", "2"]
    texts = {" ".join(tok.decode(row)): int(label) for row, label in zip(data.x_train, data.y_train)}
    assert texts == {"super good": 1, "很 差": 0, "bad very bad": 0, "great": 2}
    assert load_dataset({"kind": "text", "path": "mine.csv"}, base_dir=tmp_path).x_train.shape == (4, 3)
    assert data.x_train.shape == (4, 3)  # 'bad very bad' is the longest: 3 tokens
    assert data.name == "mine"


def test_user_csv_problems_name_the_file_and_row(tmp_path):
    (tmp_path / "short.csv").write_text("text,label\nfine,1\nmissing label\n", encoding="utf-8")
    with pytest.raises(DataError, match=r"short.csv, row 3: needs two columns"):
        load_dataset({"kind": "text", "path": str(tmp_path / "short.csv")})
    with pytest.raises(DataError, match="does not exist"):
        load_dataset({"kind": "text", "path": str(tmp_path / "absent.csv")})
    (tmp_path / "empty.csv").write_text("text,label\n", encoding="utf-8")
    with pytest.raises(DataError, match="no labelled sentences"):
        load_dataset({"kind": "text", "path": str(tmp_path / "empty.csv")})
    with pytest.raises(DataError, match="must be a whole number"):
        load_dataset({"kind": "text", "maxlen": "long"})


def test_data_that_an_embedding_cannot_look_up_is_named():
    from nnviz.data.fit import check_fit
    from nnviz.io import load
    from nnviz.resources import resource_path

    doc = load(resource_path("examples", "seed-text-lstm.nnviz"))
    data = load_dataset(doc.data)
    assert check_fit(doc, data) == []
    embedding = doc.node_by_name("embedding")
    doc.set_param(embedding.id, "num_embeddings", 50)
    (problem,) = check_fit(doc, data)
    assert "token ids up to 99" in problem and "'embedding' knows only 50" in problem
    data.x_train = data.x_train + 0.5
    assert "holds other numbers" in check_fit(doc, data)[0]
