"""The Transformer's layers: LayerNorm, multi-head self-attention, positional embeddings and the
sequence poolings MeanOverTime and FirstStep (PyTorch batch_first layout).

Padding: token id 0 is padding (nnviz.data.text). Self-attention and MeanOverTime may take the token
ids as a second input (num_inputs = 2), so padded positions are neither attended to (PyTorch's
key_padding_mask = ids == 0) nor averaged. The ids are the same Input that feeds the Embedding.
"""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import LayerSpec, Shape, ShapeError, fmt_shape, register
from nnviz.graph.specs.common import single
from nnviz.i18n import Message

PADDING_ID = 0  # the token id that stands for "no token here" (nnviz.data.text.PAD)
# Self-attention's tensors, named as nn.MultiheadAttention's state_dict names them.
IN_WEIGHT, IN_BIAS, OUT_WEIGHT, OUT_BIAS = "in_proj_weight", "in_proj_bias", "out_proj.weight", "out_proj.bias"


def _sequence(in_shapes: list[Shape], what: Message) -> Shape:
    shape = single(in_shapes)
    if len(shape) != 2:
        raise ShapeError(Message("needs a sequence (time steps, features) but gets {shape}: {fix}",
                                 shape=fmt_shape(shape), fix=what))
    return shape


def _token_ids(in_shapes: list[Shape]) -> None:
    """The optional second input: the (T,) token ids of the first input's sequence."""
    if len(in_shapes) < 2:
        return
    steps, ids = in_shapes[0][0], in_shapes[1]
    if ids != (steps,):
        raise ShapeError(Message(
            "takes the token ids (T,) = {expected} as input 2 (to ignore padding) but gets {shape}: connect the "
            "Input that feeds the Embedding", expected=fmt_shape((steps,)), shape=fmt_shape(ids)))


PADDING_INPUT = ParamSpec(
    "num_inputs", "int", 1, "1: every position counts; 2: input 2 is the token ids, and padding (id 0) is "
    "ignored (PyTorch's key_padding_mask)", minimum=1, maximum=2, label="inputs")


# ------------------------------------------------------------------ LayerNorm
def _layernorm_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    return single(in_shapes)


def _layernorm_weights(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    features = single(in_shapes)[-1]
    return {"weight": (features,), "bias": (features,)} if p["elementwise_affine"] else {}


register(LayerSpec(
    key="layernorm", label="LayerNorm", category="Normalisation", stem="ln",
    description="Normalises each position's features (the last axis) to mean 0 and variance 1, then scales "
                "and shifts them (nn.LayerNorm)",
    params=(ParamSpec("eps", "float", 1e-5, "Added to the variance to avoid dividing by zero", minimum=0.0),
            ParamSpec("elementwise_affine", "bool", True, "Learn a scale (weight) and shift (bias) per feature",
                      label="affine")),
    infer=_layernorm_out, weight_shapes=_layernorm_weights,
))


# ------------------------------------------------------------------ self-attention
def _attention_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    steps, width = _sequence(in_shapes, Message("put an Embedding (and a positional embedding) before it"))
    heads = p["num_heads"]
    if width % heads:
        raise ShapeError(Message(
            "splits {width} features into {heads} heads, which does not divide evenly: choose a number of heads "
            "that divides {width} (or change the embedding dimension)", width=width, heads=heads))
    _token_ids(in_shapes)
    return (steps, width)


def _attention_weights(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    width = single(in_shapes)[-1]
    return {IN_WEIGHT: (3 * width, width), IN_BIAS: (3 * width,), OUT_WEIGHT: (width, width), OUT_BIAS: (width,)}


register(LayerSpec(
    key="self_attention", label="SelfAttention", category="Sequence", stem="attention", variadic=True, inputs=1,
    description="Multi-head self-attention: every position mixes the values of all positions, weighted by "
                "softmax(q·kᵀ/√d) (nn.MultiheadAttention)",
    params=(ParamSpec("num_heads", "int", 2, "Number of heads; each looks at features / heads of the features",
                      minimum=1, maximum=64, key=True, label="heads"),
            ParamSpec("causal", "bool", False, "Each position attends only to itself and earlier ones (for "
                      "predicting the next token)", key=True),
            ParamSpec("dropout", "float", 0.0, "While training, drop attention weights with this probability",
                      minimum=0.0, maximum=0.99),
            PADDING_INPUT),
    infer=_attention_out, weight_shapes=_attention_weights,
))


# ------------------------------------------------------------------ positional embedding
def _positional_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    steps, width = _sequence(in_shapes, Message("put it after an Embedding"))
    if steps > p["max_len"]:
        raise ShapeError(Message("has positions for {max_len} steps but the sequence has {steps}: raise max length",
                                 max_len=p["max_len"], steps=steps))
    return (steps, width)


def _positional_weights(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    return {"weight": (p["max_len"], single(in_shapes)[-1])} if p["kind"] == "learned" else {}


register(LayerSpec(
    key="positional_embedding", label="PositionalEmbedding", category="Sequence", stem="position",
    description="Adds a vector for each position to the sequence, so attention knows the order: learned, or "
                "fixed sines and cosines",
    params=(ParamSpec("kind", "choice", "learned", "learned: one trained vector per position (nn.Embedding); "
                      "sinusoidal: fixed sin/cos waves, nothing to learn", choices=("learned", "sinusoidal"),
                      key=True),
            ParamSpec("max_len", "int", 64, "The longest sequence it has positions for", minimum=1,
                      maximum=100_000, label="max length")),
    infer=_positional_out, weight_shapes=_positional_weights,
))


# ------------------------------------------------------------------ poolings
_AFTER_SEQUENCE = Message("put it after an Embedding, a recurrent layer with return sequences, or attention")


def _mean_over_time_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    _, width = _sequence(in_shapes, _AFTER_SEQUENCE)
    _token_ids(in_shapes)
    return (width,)


register(LayerSpec(
    key="mean_over_time", label="MeanOverTime", category="Sequence", stem="mean",
    description="Averages a sequence over its time steps: (T, F) -> (F,); with the token ids as input 2, "
                "padding is left out of the average",
    params=(PADDING_INPUT,), infer=_mean_over_time_out, variadic=True, inputs=1,
))


def _first_step_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    return (_sequence(in_shapes, _AFTER_SEQUENCE)[1],)


register(LayerSpec(
    key="first_step", label="FirstStep", category="Sequence", stem="first",
    description="Keeps only the first time step of a sequence: (T, F) -> (F,) (x[:, 0] in PyTorch; the "
                "classification token of a Transformer)",
    infer=_first_step_out,
))
