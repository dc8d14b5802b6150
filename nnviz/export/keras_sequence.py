"""Keras forms of the sequence layers: Embedding, SimpleRNN / LSTM / GRU, LastStep.

Weight layouts differ from PyTorch's (and nnviz's, which are PyTorch's):
- kernels are transposed: Keras (features, gates * units) for PyTorch's (gates * units, features);
- LSTM gates are i, f, c, o in both (c is PyTorch's g): no reordering;
- GRU gates are z, r, h in Keras and r, z, n in PyTorch: the blocks are reordered. With
  reset_after=True (Keras 3's default) the reset gate multiplies the recurrent product after its
  bias, as PyTorch does, and the bias is (2, 3 * units): input bias and recurrent bias, both trained;
- SimpleRNN and LSTM have one bias where PyTorch has two (b_ih + b_hh). The forward pass is the same
  with their sum, but training moves the two PyTorch biases separately (their sum twice as fast
  under SGD), so training is exact only without bias.
"""

from __future__ import annotations

import numpy as np

from nnviz.export.keras_layers import Arrays, KerasContext, KerasEmitted, keras_emitter, weight_layout
from nnviz.export.registry import literal
from nnviz.i18n import mark, translate

CLASSES = {"rnn": "SimpleRNN", "lstm": "LSTM", "gru": "GRU"}
TWO_BIASES = mark("PyTorch and nnviz train two biases (b_ih and b_hh) where Keras' {cls} has one, their sum: "
                  "the same forward pass, different training steps")

LAST_STEP = '''
class LastStep(layers.Layer):
    """(batch, time, features) -> (batch, features): the last time step."""

    def call(self, x):
        return x[:, -1]
'''


@keras_emitter("embedding")
def _embedding(ctx: KerasContext) -> KerasEmitted:
    p = ctx.params
    inexact = ""
    if p["padding_idx"] >= 0:
        inexact = translate("Embedding padding_idx={index}: PyTorch and nnviz never train that row; Keras has no "
                            "such option (mask_zero masks instead)", index=p["padding_idx"])
    # Token ids arrive as floats like every input; Embedding casts them to integers.
    return KerasEmitted([ctx.named(f"layers.Embedding({p['num_embeddings']}, {p['embedding_dim']})")],
                        inexact=inexact)


weight_layout("embedding", to_keras=lambda p, s: [s["weight"]])


@keras_emitter("rnn", "lstm", "gru")
def _recurrent(ctx: KerasContext) -> KerasEmitted:
    p, cls = ctx.params, CLASSES[ctx.type]
    args = [str(p["hidden_size"])]
    if ctx.type == "rnn" and p["nonlinearity"] != "tanh":
        args.append(f'activation="{p["nonlinearity"]}"')
    if not p["use_bias"]:
        args.append("use_bias=False")
    if p["return_sequences"]:
        args.append("return_sequences=True")
    if p["dropout"] > 0:
        # One mask per sample and feature, the same at every time step, as nnviz draws it.
        args.append(f"dropout={literal(float(p['dropout']))}")
    inexact = translate(TWO_BIASES, cls=cls) if p["use_bias"] and ctx.type != "gru" else ""
    return KerasEmitted([ctx.named(f"layers.{cls}({', '.join(args)})")], inexact=inexact)


def _gru_order(rows: np.ndarray) -> np.ndarray:
    """PyTorch's gate blocks r, z, n -> Keras' z, r, h (along the first axis)."""
    r, z, n = np.split(np.asarray(rows), 3, axis=0)
    return np.concatenate([z, r, n], axis=0)


def _recurrent_in(kind: str):
    def convert(p: dict, s: Arrays) -> list[np.ndarray]:
        order = _gru_order if kind == "gru" else np.asarray
        weights = [order(s["weight_ih_l0"]).T, order(s["weight_hh_l0"]).T]
        if "bias_ih_l0" in s:
            if kind == "gru":
                weights.append(np.stack([order(s["bias_ih_l0"]), order(s["bias_hh_l0"])]))
            else:
                weights.append(s["bias_ih_l0"] + s["bias_hh_l0"])
        return weights

    return convert


for _kind in CLASSES:
    weight_layout(_kind, to_keras=_recurrent_in(_kind))


@keras_emitter("last_step")
def _last_step(ctx: KerasContext) -> KerasEmitted:
    return KerasEmitted([ctx.named("LastStep()")], helpers={"LastStep": LAST_STEP})
