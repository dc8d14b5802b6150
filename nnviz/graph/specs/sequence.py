"""Sequence layers: Embedding, SimpleRNN, LSTM, GRU (PyTorch batch_first layout) and LastStep.

A sequence sample is (T, features) without the batch dimension; token ids are a (T,) sample of
whole numbers stored as floats. Weight names and layouts are PyTorch's: weight_ih_l0 (G*H, F),
weight_hh_l0 (G*H, H), bias_ih_l0 and bias_hh_l0 (G*H,), with G = 1 (RNN), 4 (LSTM: i, f, g, o)
or 3 (GRU: r, z, n).
"""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import Capabilities, LayerSpec, Shape, ShapeError, fmt_shape, register
from nnviz.graph.specs.common import single
from nnviz.i18n import Message, translate

# Gate blocks stacked in each weight matrix, in PyTorch's order.
GATES = {"rnn": (), "lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n")}


def gate_count(key: str) -> int:
    return max(1, len(GATES[key]))


def _embedding_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    shape = single(in_shapes)
    if len(shape) != 1:
        raise ShapeError(
            Message(
            "needs a sequence of token ids (T,) but gets {shape}: feed it tokenised text (an Input of shape (T,))",
            shape=fmt_shape(shape))
        )
    if p["padding_idx"] >= p["num_embeddings"]:
        raise ShapeError(Message(
            "has padding index {padding_idx} but only {num_embeddings} words (ids 0..{last_id}): lower "
            "the padding index or use -1 for none",
            padding_idx=p["padding_idx"], num_embeddings=p["num_embeddings"], last_id=p["num_embeddings"] - 1)
        )
    return (shape[0], p["embedding_dim"])


register(LayerSpec(
    key="embedding", label="Embedding", category="Sequence", stem="embedding",
    description="Looks up a learned vector for each token id: (T,) ids -> (T, embedding_dim) (nn.Embedding)",
    params=(
        ParamSpec("num_embeddings", "int", 100, "Vocabulary size: token ids run from 0 to this minus 1",
                  minimum=1, maximum=1_000_000, key=True, label="vocabulary"),
        ParamSpec("embedding_dim", "int", 32, "Length of each word's vector", minimum=1, maximum=100_000,
                  key=True, label="dimension"),
        ParamSpec("padding_idx", "int", -1, "Token id whose vector stays zero and never learns "
                  "(PyTorch's padding_idx); -1 for none", minimum=-1, label="padding id"),
    ),
    infer=_embedding_out,
    weight_shapes=lambda in_shapes, p: {"weight": (p["num_embeddings"], p["embedding_dim"])},
    capabilities=Capabilities(token_ids=True),
))


def _recurrent_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    shape = single(in_shapes)
    if len(shape) != 2:
        fix = (translate("put an Embedding before it, or Reshape the data to (time steps, features)")
               if len(shape) == 1 else translate("Reshape the data to (time steps, features)"))
        raise ShapeError(Message(
            "needs a sequence (time steps, features) but gets {shape}: {fix}",
            shape=fmt_shape(shape), fix=fix))
    h = p["hidden_size"]
    return (shape[0], h) if p["return_sequences"] else (h,)


def _recurrent_weights(key: str):
    def shapes(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
        features = in_shapes[0][-1]
        rows = gate_count(key) * p["hidden_size"]
        out = {"weight_ih_l0": (rows, features), "weight_hh_l0": (rows, p["hidden_size"])}
        if p["use_bias"]:
            out.update(bias_ih_l0=(rows,), bias_hh_l0=(rows,))
        return out

    return shapes


def _recurrent_params(key: str) -> tuple[ParamSpec, ...]:
    params = [ParamSpec("hidden_size", "int", 16, "Number of hidden units (length of the state h)",
                        minimum=1, maximum=10_000, key=True, label="hidden units")]
    if key == "rnn":
        params.append(ParamSpec("nonlinearity", "choice", "tanh", "Activation of the new state",
                                choices=("tanh", "relu"), key=True))
    params += [
        ParamSpec("return_sequences", "bool", False,
                  "Output the state of every time step (T, H) instead of only the last one (H,)",
                  label="return sequences"),
        ParamSpec("dropout", "float", 0.0,
                  "While training, drop input features with this probability; one mask per sample is "
                  "used at every time step (as Keras' dropout=)", minimum=0.0, maximum=0.99),
        ParamSpec("use_bias", "bool", True, "Learn the biases b_ih and b_hh", label="bias"),
    ]
    return tuple(params)


_RECURRENT = {
    "rnn": ("SimpleRNN", "rnn", "Recurrent layer: h_t = tanh(W_ih x_t + b_ih + W_hh h_(t-1) + b_hh) (nn.RNN)"),
    "lstm": ("LSTM", "lstm", "Long short-term memory: input, forget, cell and output gates and a cell state "
             "c_t (nn.LSTM)"),
    "gru": ("GRU", "gru", "Gated recurrent unit: reset and update gates (nn.GRU)"),
}

for _key, (_label, _stem, _description) in _RECURRENT.items():
    register(LayerSpec(
        key=_key, label=_label, category="Sequence", stem=_stem, description=_description,
        params=_recurrent_params(_key), infer=_recurrent_out, weight_shapes=_recurrent_weights(_key),
        extra={"gates": GATES[_key]},
        # Input dropout (the dropout parameter) draws one mask per sample while training.
        capabilities=Capabilities(steps_through_time=True, random_masks=True),
    ))


def _last_step_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    shape = single(in_shapes)
    if len(shape) != 2:
        raise ShapeError(Message(
            "needs a sequence (time steps, features) but gets {shape}: connect it after a recurrent layer with "
            "return sequences on",
            shape=fmt_shape(shape)))
    return (shape[1],)


register(LayerSpec(
    key="last_step", label="LastStep", category="Sequence", stem="last",
    description="Keeps only the last time step of a sequence: (T, H) -> (H,) (x[:, -1] in PyTorch)",
    infer=_last_step_out,
))
