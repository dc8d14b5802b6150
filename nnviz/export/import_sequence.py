"""Import rules for sequence models: nn.Embedding, nn.RNN / nn.LSTM / nn.GRU and taking the last step.

nnviz's recurrent layers are PyTorch's with batch_first=True, one layer, one direction, starting
from zero states; anything else is refused with the setting named. A recurrent module returns a
tuple (output sequence, final states); the importer follows that tuple (RecurrentValue) through
`out, h = self.lstm(x)`, `self.lstm(x)[0]` and `_, (h, c) = self.lstm(x)`:

- the output sequence (batch, T, H) is the recurrent node itself (imported with return_sequences on);
- `out[:, -1]` and the final hidden state `h[-1]` / `h[0]` / `h.squeeze(0)` (which for one layer and
  one direction equal each other) become a LastStep node;
- the importer then folds a LastStep that is the recurrent node's only reader into the node
  (return_sequences off), which is how nnviz draws Embedding -> LSTM -> Dense and how the exporter
  writes it back (`self.lstm(x)[0][:, -1]`), so export -> import -> export is the identity;
- the final cell state c_n, or the states used any other way, have no nnviz form: named and refused.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnviz.export.import_rules import Converted, Site, function_rule, module_rule, tensors
from nnviz.graph.registry import get_spec
from nnviz.i18n import Message

RECURRENT = {"RNN": "rnn", "LSTM": "lstm", "GRU": "gru"}
LAST_STEP = "last_step"
FIRST_STEP = "first_step"
LAST_STEP_INDEX = "[:, -1]"
SEQUENCE = ""  # what follow() returns for the recurrent node's own output sequence


def _recurrent(m: Any, site: Site, *, dropout: float = 0.0) -> Converted:
    """nn.RNN/LSTM/GRU -> rnn/lstm/gru with return_sequences on (the importer may fold a LastStep in)."""
    key = RECURRENT[type(m).__name__]
    if not m.batch_first:
        raise site.fail(Message(
            "batch_first=False; nnviz's recurrent layers take (batch, time, features): create it with "
            "batch_first=True"))
    if m.num_layers != 1:
        raise site.fail(Message(
            "num_layers={num_layers}; nnviz's recurrent layer is one layer: stack one module per layer instead",
            num_layers=m.num_layers))
    if m.bidirectional:
        raise site.fail(Message("bidirectional=True; nnviz's recurrent layers read the sequence in one direction"))
    if getattr(m, "proj_size", 0):
        raise site.fail(Message("proj_size={proj_size}; nnviz's LSTM has no projection", proj_size=m.proj_size))
    if len(site.args) > 1 or site.kwargs:
        raise site.fail(Message("it is given initial states; nnviz's recurrent layers start from zero states"))
    params: dict[str, Any] = {"hidden_size": int(m.hidden_size), "return_sequences": True,
                              "dropout": float(dropout), "use_bias": bool(m.bias)}
    if key == "rnn":
        params["nonlinearity"] = m.nonlinearity
    # The state_dict names (weight_ih_l0, ...) and layouts are nnviz's own.
    return Converted(key, params, tensors(m))


def _torch_recurrent(m: Any, site: Site) -> Converted:
    return _recurrent(m, site)


for _class_name, _key in RECURRENT.items():
    module_rule(_class_name, makes=_key)(_torch_recurrent)


@module_rule("WithInputDropout", custom=True, makes=tuple(RECURRENT.values()))
def _with_input_dropout(m: Any, site: Site) -> Converted:
    """The exporter's helper for Keras-style input dropout (emit_sequence.py): SequenceDropout(p) then
    the recurrent module at .rnn. It comes back as the recurrent node with its dropout setting."""
    rnn, drop = getattr(m, "rnn", None), getattr(m, "input_dropout", None)
    if type(rnn).__name__ not in RECURRENT or not type(rnn).__module__.startswith("torch.nn") or not isinstance(
            getattr(drop, "p", None), float):
        raise site.fail(Message(
            "it is not the WithInputDropout that nnviz writes (an nn.RNN/LSTM/GRU at .rnn and a SequenceDropout at "
            ".input_dropout)"))
    return _recurrent(rnn, site, dropout=drop.p)


@module_rule("Embedding", makes="embedding")
def _embedding(m: Any, site: Site) -> Converted:
    if m.max_norm is not None:
        raise site.fail(Message(
            "max_norm={max_norm}; nnviz's Embedding does not renormalise its vectors",
            max_norm=m.max_norm))
    if m.scale_grad_by_freq:
        raise site.fail(Message(
            "scale_grad_by_freq=True; nnviz's Embedding does not scale gradients by word frequency"))
    if len(site.in_shapes[0]) != 1:
        raise site.fail(Message(
            "its input has the shape {in_shapes} per sample; nnviz's Embedding takes a sequence of token ids (T,)",
            in_shapes=tuple(site.in_shapes[0])))
    padding = -1 if m.padding_idx is None else int(m.padding_idx)  # torch stores it non-negative
    # sparse=True changes only how PyTorch stores the gradient, not its values: accepted.
    return Converted("embedding", {"num_embeddings": int(m.num_embeddings), "embedding_dim": int(m.embedding_dim),
                                   "padding_idx": padding}, tensors(m))


def is_last_step_index(index: Any, step: int = -1) -> bool:
    """x[:, -1] (also written x[:, -1, :]); x[:, 0] with step=0."""
    if not isinstance(index, tuple) or len(index) not in (2, 3) or index[1] != step or isinstance(index[1], bool):
        return False
    return all(isinstance(s, slice) and s == slice(None) for s in (index[0], *index[2:]))


@function_rule("_operator.getitem", "operator.getitem", makes=(LAST_STEP, FIRST_STEP))
def _getitem(site: Site) -> Converted:
    """Indexing a tensor: only the last or the first time step of a sequence has an nnviz form (LastStep,
    FirstStep)."""
    index = site.args[1] if len(site.args) > 1 else None
    if len(site.in_shapes) == 1 and len(site.in_shapes[0]) == 2:
        if is_last_step_index(index):
            return Converted(LAST_STEP)
        if is_last_step_index(index, 0):
            return Converted(FIRST_STEP)
    raise site.fail(Message(
        "indexes a tensor of shape {shape} per sample; nnviz's only indexing is the last or first time step of a "
        "sequence, x{last_step_index} or x[:, 0]",
        shape=tuple(site.in_shapes[0]) if site.in_shapes else "?", last_step_index=LAST_STEP_INDEX))


# ----------------------------------------------------------------------- the (output, states) tuple
@dataclass(frozen=True)
class RecurrentValue:
    """What a traced value that is not a plain tensor stands for: part of a recurrent node's result.

    part: "result" (the (output, states) tuple), "states" (an LSTM's (h_n, c_n)), "h_n", "c_n".
    key: the importer's key of the recurrent node; layer: "rnn", "lstm" or "gru"."""

    part: str
    key: str
    layer: str


def follow(value: RecurrentValue, op: str, target: Any, args: tuple) -> RecurrentValue | str | None:
    """What `value[...]` or `value.method(...)` gives: another RecurrentValue; SEQUENCE (the
    recurrent node's output sequence); LAST_STEP (a node of that type reading it); or None (no nnviz form)."""
    index = args[1] if len(args) > 1 else None
    if op == "call_function" and getattr(target, "__name__", "") == "getitem":
        if value.part == "result" and index == 0:
            return SEQUENCE
        if value.part == "result" and index == 1:
            return RecurrentValue("states" if value.layer == "lstm" else "h_n", value.key, value.layer)
        if value.part == "states" and index in (0, 1):
            return RecurrentValue("h_n" if index == 0 else "c_n", value.key, value.layer)
        if value.part == "h_n" and index in (0, -1):
            return LAST_STEP  # one layer, one direction: h_n[0] is the output at the last step
        return None
    if op == "call_method" and target == "squeeze" and value.part == "h_n" and index in (0, -3):
        return LAST_STEP
    return None


def refusal(value: RecurrentValue, label: str, name: str) -> str:
    """Why a use of the recurrent node `name`'s result cannot be imported."""
    if value.part == "c_n":
        what = "the final cell state c_n"
    elif value.part == "result":
        what = "the whole (output, states) result"
    else:
        what = "the final states (h_n, c_n)" if value.part == "states" else "the final hidden state h_n as it is"
    return (f"{label} uses {what} of {name!r}; nnviz's recurrent layers pass on their output sequence "
            f"(out, h = rnn(x): use out) or its last step (out{LAST_STEP_INDEX} or h[-1])")


def fold_last_steps(pending: dict[str, Any], readers: dict[str, list[str]], output: str) -> str:
    """A recurrent node read only by LastStep nodes (out[:, -1], h[-1]) returns its last step itself
    (return_sequences off), as nnviz draws it and the exporter writes it. Returns the output's key.

    pending: the importer's nodes by key, each with .converted and .sources; readers: key -> keys reading it."""
    for key, node in list(pending.items()):
        if not get_spec(node.converted.type).capabilities.steps_through_time or key == output or not readers[key]:
            continue
        lasts = readers[key]
        if any(pending[r].converted.type != LAST_STEP for r in lasts):
            continue  # the whole sequence is used too: keep the LastStep nodes
        node.converted.params["return_sequences"] = False
        for r in lasts:
            del pending[r]
        for p in pending.values():
            p.sources = [key if s in lasts else s for s in p.sources]
        output = key if output in lasts else output
    return output
