"""Writing text with a trained sequence model (Train > Sample, `nnviz sample`): from a prompt, one token at
a time, each chosen from the model's scores for the next token.

The model reads a window of T token ids (its Input's shape) and gives next-token scores either at every
position (B, T, C) (a causal model trained on next-token targets) or once (B, C) (a last-step model). The
prompt's ids fill the window as the data was padded ("post": from the left, the scores read at the last
prompt token; "pre": from the right, read at the last position); each chosen token is appended and the
window slides once the prompt outgrows it.

temperature 0 is greedy: the highest score (argmax) every time. temperature > 0 draws from
softmax(scores / temperature) with a generator seeded by `seed`, so the same seed writes the same text.
Padding (id 0) is never chosen: it marks "no token", which next-token training ignores.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from nnviz.data.text import PAD, Tokenizer, load_text
from nnviz.i18n import Message

MAX_LENGTH = 1000  # tokens one call writes
MAX_TEMPERATURE = 10.0
MAX_TEMPERATURE_TEXT = "10"  # as a message shows it


class SamplingError(ValueError):
    """The model cannot write text as it is, or a request is out of range; the message says what to do."""


@dataclass
class Sample:
    """What `sample` wrote: the prompt's tokens as the vocabulary knows them, then the new ones."""

    prompt_ids: list[int]
    new_ids: list[int]
    prompt_tokens: list[str]
    new_tokens: list[str]
    text: str  # the prompt and the new tokens joined as the tokenizer's level reads (characters: no spaces)
    probabilities: list[float] = field(default_factory=list)  # the model's probability of each new token


def join_tokens(tokens: list[str], level: str) -> str:
    """Characters join without spaces; words with one, except between CJK characters (one token each)."""
    if level == "characters":
        return "".join(tokens)
    out = ""
    for token in tokens:
        if out and not (_is_cjk(out[-1]) and _is_cjk(token[:1])):
            out += " "
        out += token
    return out


def _is_cjk(ch: str) -> bool:
    return bool(ch) and ("\u3040" <= ch <= "\u30ff" or "\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff"
                         or "\uac00" <= ch <= "\ud7af")


def next_token_distribution(scores: np.ndarray, temperature: float, probabilities: bool = False) -> np.ndarray:
    """softmax(scores / temperature) over the vocabulary with padding excluded; temperature 0 puts all the
    weight on the argmax. probabilities: the scores are already probabilities (a softmax output)."""
    scores = np.asarray(scores, dtype=np.float64).copy()
    if probabilities:
        with np.errstate(divide="ignore"):
            scores = np.log(np.clip(scores, 0.0, None))
    scores[PAD] = -np.inf
    if temperature == 0:
        out = np.zeros_like(scores)
        out[int(np.argmax(scores))] = 1.0
        return out
    z = scores / temperature
    z = np.exp(z - np.max(z))
    return z / z.sum()


class Sampler:
    """predict: (batch, T) ids as floats -> the model's output (eval mode); window: T; padding: "pre"|"post"
    (as the data was padded); probabilities: the output is a softmax's, not logits."""

    def __init__(self, predict: Callable[[np.ndarray], np.ndarray], tokenizer: Tokenizer, window: int,
                 padding: str = "post", probabilities: bool = False, output_name: str = "output") -> None:
        self.predict, self.tokenizer, self.window = predict, tokenizer, int(window)
        self.padding, self.probabilities, self.output_name = padding, probabilities, output_name

    def scores(self, ids: list[int]) -> np.ndarray:
        """The model's scores for the token after `ids` (the last `window` of them)."""
        tail = ids[-self.window:]
        x = np.zeros((1, self.window))
        if self.padding == "pre":
            x[0, self.window - len(tail):] = tail
            at = self.window - 1
        else:
            x[0, :len(tail)] = tail
            at = len(tail) - 1
        out = np.asarray(self.predict(x))
        scores = out[0, at] if out.ndim == 3 else out[0]
        vocab = self.tokenizer.vocabulary_size
        if scores.ndim != 1 or scores.shape[0] < vocab:
            raise SamplingError(Message(
                "To write text, the output '{name}' must give one score per token of the vocabulary "
                "({vocab}) for the next token, but it gives {shape}: train a model on next-token data "
                "(Predict: next_token) whose last Dense has {vocab} units",
                name=self.output_name, vocab=vocab, shape=tuple(out.shape[1:])))
        return scores[:vocab]  # ids past the vocabulary (a wider output) stand for no token

    def sample(self, prompt: str, length: int, temperature: float = 0.0, seed: int = 0) -> Sample:
        if not 1 <= length <= MAX_LENGTH:
            raise SamplingError(Message("The length must be from 1 to {most} tokens, not {length}",
                                        most=MAX_LENGTH, length=length))
        if not 0.0 <= temperature <= MAX_TEMPERATURE:
            raise SamplingError(Message(
                "The temperature must be from 0 (always the likeliest token) to {most}, not {value}",
                most=MAX_TEMPERATURE_TEXT, value=temperature))
        prompt_ids = self.tokenizer.encode(prompt)
        if not prompt_ids:
            raise SamplingError(Message(
                "The prompt has no token the model can read: type a few characters or words to start from"))
        rng = np.random.default_rng(seed)
        ids, new, chances = list(prompt_ids), [], []
        for _ in range(length):
            scores = self.scores(ids)
            dist = next_token_distribution(scores, temperature, self.probabilities)
            token = int(np.argmax(dist)) if temperature == 0 else int(rng.choice(len(dist), p=dist))
            ids.append(token)
            new.append(token)
            # The model's own probability (temperature 1), whatever the temperature chose with.
            chances.append(float(next_token_distribution(scores, 1.0, self.probabilities)[token]))
        words = self.tokenizer.index_word()
        prompt_tokens = [words.get(i, "<oov>") for i in prompt_ids]
        new_tokens = [words.get(i, "<oov>") for i in new]
        text = join_tokens(prompt_tokens + new_tokens, self.tokenizer.level)
        return Sample(prompt_ids, new, prompt_tokens, new_tokens, text, chances)


def session_sampler(session) -> Sampler:
    """A Sampler over a session's network in its current (trained) state, with its text data's tokenizer."""
    from nnviz.data.dataset import DataError, LoadContext
    from nnviz.engine.session import document_folder

    doc = session.doc
    if doc.data.get("kind") != "text":
        raise SamplingError(Message(
            "Only a model trained on text can write text: choose the Sentences data (Predict: next_token)"))
    try:
        _, tokenizer = load_text(doc.data, LoadContext(base_dir=document_folder(doc)))
    except DataError as exc:
        raise SamplingError(str(exc)) from None
    net = session.net
    if len(net.input_shape) != 1:
        raise SamplingError(Message("To write text, the Input must read one row of token ids, not {shape}",
                                    shape=net.input_shape))
    return Sampler(session.predict, tokenizer, net.input_shape[0], str(doc.data.get("padding", "pre")),
                   probabilities=session.settings.loss == "nll_probs", output_name=net.names[net.output_id])
