"""Text data: a tokenizer, Keras-style padding, and the data source kind "text".

Token ids: 0 is padding, 1 stands for every word outside the vocabulary (OOV), and the known
words get 2, 3, ... in order of falling frequency (ties: first seen first), so a vocabulary limit
keeps the most frequent words. The limit counts the two reserved ids, so num_words=100 yields
ids 0..99, exactly what Embedding(num_embeddings=100) accepts.

Chinese and Japanese are written without spaces, so when splitting into words each CJK character
becomes its own token (a common, dictionary-free choice); runs of letters and digits in other
scripts form words. Punctuation is dropped in both modes, as Keras' Tokenizer does by default.

A "text" data spec: {"kind": "text", "path": optional CSV of (text, label) rows (default: the
shipped bilingual sentiment corpus), "language": "all" | "en" | "zh" (shipped corpus only),
"level": "words" | "characters", "lower": true, "num_words": 100, "maxlen": 0 (0 = longest),
"padding": "pre" | "post", "truncating": "pre" | "post", "val_split": 0.0, "seed": 0,
"predict": "label" | "next_token"}.
Samples are token ids stored as floats, shape (maxlen,); labels are class ids. With "predict": "next_token"
the targets are the sentence itself shifted by one, (maxlen,) token ids: position t's target is token t + 1,
and padding (id 0) wherever there is nothing to predict, which a per-position loss ignores.
"""

from __future__ import annotations

import csv
import io
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.budget import DATA_BYTES_PER_VALUE, require
from nnviz.data.dataset import (
    MAX_CLASSES,
    DataError,
    Dataset,
    LoadContext,
    class_ids,
    read_option,
    register_source,
    split,
)
from nnviz.data.files import read_file
from nnviz.data.options import (
    SEED,
    TEXT_LANGUAGE,
    TEXT_LEVEL,
    TEXT_LOWER,
    TEXT_MAXLEN,
    TEXT_NUM_WORDS,
    TEXT_PADDING,
    TEXT_PREDICT,
    TEXT_TRUNCATING,
    TEXT_VAL_SPLIT,
)
from nnviz.i18n import Message, mark, translate

PAD, OOV = 0, 1
MAX_TEXT_BYTES = 256 * 2**20
MAX_LENGTH = TEXT_MAXLEN.maximum  # tokens a sentence is padded or cut to
# CJK ideographs (with extensions A and compatibility), kana, and Hangul syllables.
_CJK = "\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_WORD_RE = re.compile(rf"[{_CJK}]|[^\W_{_CJK}]+(?:'[^\W_{_CJK}]+)*")
_CHAR_RE = re.compile(r"[^\W_]")


def split_tokens(text: str, level: str = "words", lower: bool = True) -> list[str]:
    """'I love 北京!' -> ['i', 'love', '北', '京'] (words) or single characters (characters)."""
    if lower:
        text = text.lower()
    if level == "words":
        return _WORD_RE.findall(text)
    if level == "characters":
        return _CHAR_RE.findall(text)
    raise DataError(Message("tokenizer level must be 'words' or 'characters', not {level!r}", level=level))


class Tokenizer:
    """Learns a vocabulary from texts and turns texts into lists of token ids."""

    def __init__(self, num_words: int | None = None, level: str = "words", lower: bool = True) -> None:
        if num_words is not None and num_words < 2:
            raise DataError(Message(
                "the vocabulary limit must be at least 2 (padding and unknown), got {num_words}",
                num_words=num_words))
        self.num_words = num_words
        self.level = level
        self.lower = lower
        self.counts: Counter[str] = Counter()
        self.word_index: dict[str, int] = {}

    def fit(self, texts: Iterable[str]) -> Tokenizer:
        for text in texts:
            self.counts.update(split_tokens(text, self.level, self.lower))
        # Counter.most_common keeps first-seen order among equal counts, so ids are deterministic.
        ranked = [w for w, _ in self.counts.most_common()]
        self.word_index = {w: i + 2 for i, w in enumerate(ranked)}
        return self

    @property
    def vocabulary_size(self) -> int:
        """Number of ids in use, including padding and OOV: the Embedding's num_embeddings."""
        full = len(self.word_index) + 2
        return full if self.num_words is None else min(full, self.num_words)

    def token_id(self, token: str) -> int:
        i = self.word_index.get(token, OOV)
        return i if self.num_words is None or i < self.num_words else OOV

    def encode(self, text: str) -> list[int]:
        return [self.token_id(t) for t in split_tokens(text, self.level, self.lower)]

    def texts_to_sequences(self, texts: Iterable[str]) -> list[list[int]]:
        return [self.encode(t) for t in texts]

    def index_word(self) -> dict[int, str]:
        """Id -> token for the ids in use (0 '<pad>', 1 '<oov>'), for labelling views."""
        words = {PAD: "<pad>", OOV: "<oov>"}
        words.update({i: w for w, i in self.word_index.items() if i < self.vocabulary_size})
        return words

    def decode(self, ids: Iterable[int]) -> list[str]:
        words = self.index_word()
        return [words.get(int(i), "<oov>") for i in ids if int(i) != PAD]


def pad_sequences(sequences: Sequence[Sequence[int]], maxlen: int | None = None, padding: str = "pre",
                  truncating: str = "pre", value: int = PAD) -> np.ndarray:
    """Like Keras' pad_sequences: (n, maxlen) int64. 'pre' pads/cuts at the start, 'post' at the end;
    maxlen None means the longest sequence."""
    for name, mode in (("padding", padding), ("truncating", truncating)):
        if mode not in ("pre", "post"):
            raise DataError(Message("{name} must be 'pre' or 'post', not {mode!r}", name=name, mode=mode))
    if maxlen is None:
        maxlen = max((len(s) for s in sequences), default=0)
    out = np.full((len(sequences), maxlen), value, dtype=np.int64)
    if maxlen == 0:
        return out
    for row, seq in enumerate(sequences):
        seq = list(seq)[-maxlen:] if truncating == "pre" else list(seq)[:maxlen]
        if not seq:
            continue
        if padding == "pre":
            out[row, maxlen - len(seq):] = seq
        else:
            out[row, :len(seq)] = seq
    return out


# ---------------------------------------------------------------------- reading labelled text
def shipped_corpus_path() -> Path:
    from nnviz.resources import resource_path

    return resource_path("data", "sentiment", "sentences.csv")


def read_labelled_csv(path: Path, language: str = "all") -> tuple[list[str], list[str]]:
    """Rows of (text, label[, lang]); a header row 'text,label' is recognised and skipped."""
    raw = read_file(path, MAX_TEXT_BYTES, mark("CSV file of sentences"))
    try:
        rows = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    except (UnicodeDecodeError, csv.Error) as exc:
        raise DataError(Message("cannot read text data file {path}: {problem}", path=path, problem=exc)) from None
    has_header = bool(rows) and [c.strip().lower() for c in rows[0][:2]] == ["text", "label"]
    header = [c.strip().lower() for c in rows[0]] if has_header else ["text", "label"]
    rows = rows[1:] if has_header else rows
    lang_col = header.index("lang") if "lang" in header else None
    texts, labels = [], []
    for number, row in enumerate(rows, start=2 if has_header else 1):
        if not row or not any(c.strip() for c in row):
            continue
        if len(row) < 2:
            raise DataError(Message(
                "{name}, row {number}: needs two columns, text and label",
                name=path.name, number=number))
        if language != "all" and lang_col is not None and len(row) > lang_col and row[lang_col] != language:
            continue
        texts.append(row[0])
        labels.append(row[1].strip())
    if not texts:
        raise DataError(f"{path.name} has no labelled sentences" + ("" if language == "all" else
                                                                     f" in language {language!r}"))
    return texts, labels


def label_ids(labels: list[str]) -> tuple[np.ndarray, list[str]]:
    """Whole-number labels are class ids as written; other labels are named classes in sorted order."""
    if all(re.fullmatch(r"\d{1,18}", s) for s in labels):
        ids = class_ids(np.array([int(s) for s in labels], dtype=np.int64), "the text data's labels")
        return ids, [str(i) for i in range(int(ids.max()) + 1)]
    names = sorted(set(labels))
    if len(names) > MAX_CLASSES:
        raise DataError(Message(
            "the text data has {n_names:,} different labels, more than the {max_classes:,} classes nnviz handles: is "
            "the second column really the label?",
            n_names=len(names), max_classes=MAX_CLASSES))
    index = {n: i for i, n in enumerate(names)}
    return np.array([index[s] for s in labels], dtype=np.int64), names


def load_text(spec: dict[str, Any], context: LoadContext | None = None) -> tuple[Dataset, Tokenizer]:
    """The data set a "text" spec describes, and the tokenizer. The vocabulary is learned from all the
    file's sentences (before the split) so that it, and every id, depends only on the file."""
    # A relative path is relative to the .nnviz file's folder (the context's base_dir).
    path = (context or LoadContext()).path(spec, what="CSV of (text, label) rows") if spec.get("path") \
        else shipped_corpus_path()
    texts, labels = read_labelled_csv(path, read_option(spec, TEXT_LANGUAGE))
    num_words = read_option(spec, TEXT_NUM_WORDS) or None
    if num_words == 1:
        raise DataError(Message(
            "data option 'num_words' counts padding and the unknown word too: give at least 2, or 0 for every token"))
    maxlen = read_option(spec, TEXT_MAXLEN) or None
    val_split, seed = read_option(spec, TEXT_VAL_SPLIT), read_option(spec, SEED)
    tok = Tokenizer(num_words, read_option(spec, TEXT_LEVEL), read_option(spec, TEXT_LOWER)).fit(texts)
    sequences = tok.texts_to_sequences(texts)
    length = maxlen or max((len(s) for s in sequences), default=0)
    if length > MAX_LENGTH:
        raise DataError(Message(
            "the longest sentence has {length:,} tokens, more than the {max_length:,} nnviz pads to: set the data "
            "option 'maxlen' to cut them",
            length=length, max_length=MAX_LENGTH))
    require(len(texts) * length * DATA_BYTES_PER_VALUE,
            Message("{count:,} sentences padded to {length:,} tokens would need {size}",
                    count=len(texts), length=length),
            mark("lower maxlen"), DataError)
    next_token = read_option(spec, TEXT_PREDICT) == "next_token"
    # Next-token targets need one token more than the window: the window's last token has a successor.
    ids = pad_sequences(sequences, length + next_token, read_option(spec, TEXT_PADDING),
                        read_option(spec, TEXT_TRUNCATING))
    if next_token:
        ids, y = next_token_targets(ids)
        class_names = [tok.index_word().get(i, "<oov>") for i in range(tok.vocabulary_size)]
    else:
        y, class_names = label_ids(labels)
    x = ids.astype(np.float64)  # every batch is a float array; Embedding turns them back into ids
    x_tr, y_tr, x_va, y_va = split(x, y, val_split, np.random.default_rng(seed))
    name = path.stem if spec.get("path") else "sentiment"
    data = Dataset(x_tr, y_tr, x_va, y_va, "classification", name=name, class_names=class_names,
                   feature_names=[f"token {i + 1}" for i in range(x.shape[1])],
                   description=f"{len(texts)} sentences, {tok.vocabulary_size} token ids, length {x.shape[1]}")
    return data, tok


def next_token_targets(ids: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """(n, T + 1) padded ids -> inputs (n, T) and targets (n, T), the token after each position. A position
    holding padding gets padding as its target: nothing there to predict from (padding in front)."""
    x, y = ids[:, :-1], ids[:, 1:].copy()
    y[x == PAD] = PAD
    return x, y


@register_source("text", keys=("path", TEXT_LANGUAGE, TEXT_LEVEL, TEXT_LOWER, TEXT_NUM_WORDS, TEXT_MAXLEN,
                               TEXT_PADDING, TEXT_TRUNCATING, TEXT_VAL_SPLIT, SEED, TEXT_PREDICT))
def load_text_dataset(spec: dict[str, Any], context: LoadContext) -> Dataset:
    return load_text(spec, context)[0]


# ---------------------------------------------------------------------- data vs. Embedding layers
def token_problems(doc: Any, dataset: Dataset) -> list[str]:
    """Sentences for the data panel when an Embedding fed straight from the Input cannot look up the
    data's values: fractions, negative ids, or ids beyond its vocabulary (nnviz.data.fit.check_fit)."""
    problems: list[str] = []
    lookups = [node for node in doc.nodes.values() if node.spec.capabilities.token_ids
               and any(doc.nodes[e.src].spec.is_source for e in doc.inputs_of(node.id))]
    if not lookups:
        return problems  # the session asks this of every network: no copy of the data unless it matters
    x = np.concatenate([np.ravel(dataset.x_train), np.ravel(dataset.x_val)])
    if x.size == 0:
        return problems
    for node in lookups:
        n = node.params["num_embeddings"]
        if not np.all(np.isfinite(x)) or not np.array_equal(x, np.rint(x)) or x.min() < 0:
            problems.append(
                translate("The Embedding '{name}' looks up token ids (whole numbers from 0), but the data '{data}' "
                          "holds other numbers: use text data, tokenised into ids.", name=node.name, data=dataset.name))
        elif x.max() >= n:
            top = int(x.max())
            problems.append(
                translate("The data '{data}' has token ids up to {top}, but the Embedding '{name}' knows only {n} "
                          "(0..{last_id}): set its vocabulary to {size}, or limit the text data's vocabulary "
                          "(num_words) to {n}.", data=dataset.name, top=top, name=node.name, n=n, last_id=n - 1,
                          size=top + 1))
    return problems
