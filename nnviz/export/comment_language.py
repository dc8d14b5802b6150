"""The comments and docstrings of the generated files, in the learner's language (nnviz.i18n's).

The emitters and templates write them in English, as the code's own words; localise() then replaces
each comment block and each docstring whose English text is a message of the catalogue by its
translation, touching nothing else: the code of an export is the same in every language.
A comment block is consecutive whole-line comments at one indentation (its lines joined by newlines
make the message id); a docstring's message id is its text as inspect.cleandoc gives it. The
translation keeps its own line breaks, so it is laid out to fit the generated files' line length.
Its full-width punctuation becomes ASCII: linters (ruff's RUF001-003) flag （，：； in code as
confusable, and Chinese comments in code commonly use the ASCII forms.
"""

from __future__ import annotations

import ast
import inspect
import io
import tokenize

from nnviz.i18n import ENGLISH, current_language, mark, translate


def localise(source: str) -> str:
    """`source` with its comments and docstrings in the current language (unchanged in English)."""
    if current_language() == ENGLISH:
        return source
    lines = source.split("\n")
    edits = _docstring_edits(source, lines) + _comment_edits(source, lines)
    for first, last, replacement in sorted(edits, key=lambda edit: -edit[0]):
        lines[first:last] = replacement
    return "\n".join(lines)


_ASCII = {"（": "(", "）": ")", "，": ",", "：": ":", "；": ";"}
_NO_SPACE_AFTER = " \n)）,，:：;；。"


def _ascii_punctuation(text: str) -> str:
    """（a）：b，c -> (a): b, c, with a space only where one is needed between words."""
    out = []
    for i, char in enumerate(text):
        ascii_form = _ASCII.get(char)
        if ascii_form is None:
            out.append(char)
        elif char == "（":
            out.append(("" if i == 0 or text[i - 1] in " \n(（" else " ") + ascii_form)
        else:
            out.append(ascii_form + ("" if i + 1 == len(text) or text[i + 1] in _NO_SPACE_AFTER else " "))
    return "".join(out)


def _translated(key: str) -> str | None:
    """The message's translation, ASCII-punctuated; None when the catalogue has none."""
    translated = translate(key)
    return None if translated == key else _ascii_punctuation(translated)


def _docstring_edits(source: str, lines: list[str]) -> list[tuple[int, int, list[str]]]:
    edits = []
    for node in ast.walk(ast.parse(source)):
        if not isinstance(node, (ast.Module, ast.ClassDef, ast.FunctionDef, ast.AsyncFunctionDef)):
            continue
        first = node.body[0] if node.body else None
        if not (isinstance(first, ast.Expr) and isinstance(first.value, ast.Constant)
                and isinstance(first.value.value, str)):
            continue
        key = inspect.cleandoc(first.value.value)
        translated = _translated(key)
        if translated is None:
            continue
        start, end = first.lineno - 1, first.end_lineno or first.lineno
        head, tail = lines[start][: first.col_offset], lines[end - 1][first.end_col_offset or 0:]
        indent = " " * first.col_offset
        closing_alone = lines[end - 1].strip() == '"""' and end - 1 > start
        body = translated.split("\n")
        text = [head + '"""' + body[0], *[(indent + line) if line else "" for line in body[1:]]]
        if closing_alone:
            text.append(indent + '"""' + tail)
        else:
            text[-1] += '"""' + tail
        edits.append((start, end, text))
    return edits


def _comment_edits(source: str, lines: list[str]) -> list[tuple[int, int, list[str]]]:
    """Blocks of whole-line comments, and comments after code (a block of one line)."""
    blocks: list[list[tuple[int, int, str]]] = []  # [(row, column, text)]
    for token in tokenize.generate_tokens(io.StringIO(source).readline):
        if token.type != tokenize.COMMENT:
            continue
        row, column = token.start[0] - 1, token.start[1]
        text = token.string[1:].strip()
        whole_line = not lines[row][:column].strip()
        previous = blocks[-1][-1] if blocks else None
        if (whole_line and previous is not None and previous[0] == row - 1 and previous[1] == column
                and not lines[previous[0]][:column].strip()):
            blocks[-1].append((row, column, text))
        else:
            blocks.append([(row, column, text)])
    edits = []
    for block in blocks:
        key = "\n".join(text for _row, _column, text in block)
        translated = _translated(key)
        if translated is None:
            continue
        row, column, _text = block[0]
        prefix = lines[row][:column]
        if prefix.strip():  # after code: one line
            edits.append((row, row + 1, [prefix + "# " + translated.replace("\n", " ")]))
        else:
            edits.append((row, block[-1][0] + 1, [prefix + "# " + line for line in translated.split("\n")]))
    return edits


# The English comments and docstrings of the generated PyTorch files, for extraction (see localise).
PYTORCH_COMMENTS = (
    mark('A PyTorch model exported from nnviz.\n'
         '\n'
         'Net follows the graph drawn in nnviz: __init__ creates one module per layer, forward() runs them\n'
         'in the order nnviz computes them (shapes in comments are (batch, ...)). build_model() returns\n'
         'it in DTYPE with the exported weights (weights.safetensors beside this file) loaded.'),
    mark("One learned vector per position (nn.Embedding's N(0, 1) start), added to the sequence."),
    mark("nn.MultiheadAttention over one sequence (query = key = value) with nnviz's masks:\n"
         'causal hides later positions; given the token ids, padding (id 0) is hidden as a key\n'
         '(key_padding_mask).'),
    mark('The network in DTYPE on `device`, with `weights` (a safetensors file) loaded if it exists.'),
    mark("The key bias adds the same q·b_k to all of a query's scores, which softmax ignores: its\n"
         'true gradient is 0. Exactly 0 (not rounding noise, which Adam would turn into full-size\n'
         'steps), as in nnviz.'),
    mark('one sample of each input, without the batch dimension'),
    mark('Float masks, -inf where a query may not look, keep PyTorch on the path where a query that\n'
         'sees no key at all gets zero weights (as in nnviz) rather than NaN.'),
    mark('the keys after each query'),
    mark('padding (token id 0) as a key'),
    mark('python model.py: the layers and one batch of two zero samples'),
    mark('Train the exported network with PyTorch: the same data, loss, optimiser and settings as nnviz.\n'
         '\n'
         '    python train.py                        # the settings below (--epochs, --lr, --device)\n'
         '    torchrun --nproc_per_node=4 train.py   # data-parallel on 4 processes (GPUs), with DDP\n'
         '\n'
         'In one process the batches come in exactly the order nnviz uses (the same seeded NumPy shuffle), so\n'
         "the losses printed here match the app's, epoch by epoch. Under torchrun with several processes, each\n"
         'takes its share of every epoch through a DistributedSampler (another, equally random, order) and the\n'
         'gradients are averaged across processes. The trained weights go to trained.safetensors (keyed like\n'
         'model.state_dict(); load them with model.build_model("trained.safetensors")).'),
    mark('Correct predictions in a batch, counted as nnviz counts them.'),
    mark('(x_train, y_train, x_val, y_val) on `device`: the arrays the app trains on.'),
    mark("One epoch of sample indices, batch by batch, in the app's order."),
    mark("This process's share of one epoch, batch by batch (torchrun)."),
    mark('One training step as nnviz does it: forward, loss, backward, update -> (prediction, loss).'),
    mark("(loss, correct count) on a whole split in evaluation mode (no Dropout; BatchNorm's running\n"
         'statistics).'),
    mark("The document's training settings."),
    mark('class ids (cross-entropy) or float rows shaped like the output'),
    mark('nnviz draws its batch order from default_rng([SEED, DATA_STREAM])'),
    mark('whether nnviz reports an accuracy for this loss'),
    mark('regression (or one-hot targets): nnviz shows no accuracy for this loss'),
    mark("only Dropout draws from torch's generator"),
    mark('a batch counter, in a terminal only'),
    mark('loss * n, correct, n'),
    mark('clear the batch counter'),
    mark('Every process reaches the end before any tears its connections down.'),
    mark("Everything is saved. Under load, gloo's native threads can abort the interpreter's own\n"
         'teardown ("terminate called without an active exception"): leave without it.'),
    mark('on probabilities; like nnviz, each log is clamped at -100'),
    mark('Cross-entropy of probabilities (a softmax output) and class ids: mean of -log p[target].'),
    mark('Cross-entropy at every position: logits (batch, T, classes), token ids (batch, T);\n'
         'positions whose target is 0 (padding) are left out of the mean.'),
    mark('Dropout on a (batch, time, features) input with ONE mask per sample and feature, reused\n'
         "at every time step (Keras' LSTM(dropout=p)); kept values are scaled by 1 / (1 - p).\n"
         'The identity in eval().'),
    mark('A recurrent module whose input goes through SequenceDropout first.'),
    mark('(output sequence, final states)'),
    mark('[0]: the output sequence; [:, -1]: its last step, the final hidden state'),
    mark('The fixed positions of "Attention is all you need", added to the sequence:\n'
         'P[t, 2i] = sin(t / 10000^(2i/E)), P[t, 2i+1] = cos(t / 10000^(2i/E)).\n'
         'Nothing to learn or save.'),
    mark('The mean over time of the positions whose token id is not 0 (padding):\n'
         '(batch, T, F) -> (batch, F).'),
)
