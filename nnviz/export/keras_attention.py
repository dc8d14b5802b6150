"""Keras forms of the Transformer's layers: LayerNormalization, MultiHeadAttention, positions, poolings.

Self-attention becomes keras.layers.MultiHeadAttention(num_heads, key_dim=E/h) inside a small
SelfAttention layer that builds nnviz's masks (use_causal_mask; the token ids' padding as the
attention_mask). Its weights are PyTorch's packed in_proj_weight split into query, key and value
kernels of shape (E, heads, d) and the out_proj kernel (heads, d, E). Training it in Keras is not
exact: the key bias's true gradient is 0 and Keras trains it with rounding noise (nnviz and the
PyTorch export set it to 0), and a query that sees no key at all (causal attention over a sequence
padded at the start) gets weights in Keras where nnviz and PyTorch give it none; the forward pass is
compared. (ONNX, exported from the PyTorch model, gives such a query NaN: pad at the end for causal
attention.)
"""

from __future__ import annotations

import numpy as np

from nnviz.export.keras_layers import Arrays, KerasContext, KerasEmitted, keras_emitter, weight_layout
from nnviz.export.registry import literal
from nnviz.graph.specs.attention import IN_BIAS, IN_WEIGHT, OUT_BIAS, OUT_WEIGHT
from nnviz.i18n import translate

SELF_ATTENTION = '''
class SelfAttention(layers.Layer):
    """MultiHeadAttention over one sequence with nnviz's masks: causal hides later positions; with the
    token ids as a second input, padding (id 0) is hidden as a key."""

    def __init__(self, num_heads, key_dim, dropout=0.0, causal=False, **kwargs):
        super().__init__(**kwargs)
        self.attn = layers.MultiHeadAttention(num_heads, key_dim, dropout=dropout, dtype=kwargs.get("dtype"))
        self.causal = causal

    def call(self, inputs, training=None):
        x, ids = inputs if isinstance(inputs, (list, tuple)) else (inputs, None)
        mask = None
        if ids is not None:  # (batch, 1, T): every query may look at the keys that are not padding
            mask = keras.ops.expand_dims(keras.ops.not_equal(ids, 0), 1)
            mask = keras.ops.repeat(mask, keras.ops.shape(x)[1], axis=1)
        return self.attn(x, x, attention_mask=mask, use_causal_mask=self.causal, training=training)
'''

LEARNED_POSITIONS = '''
class LearnedPositions(layers.Layer):
    """One learned vector per position, added to the sequence."""

    def __init__(self, max_len, **kwargs):
        super().__init__(**kwargs)
        self.max_len = max_len

    def build(self, input_shape):
        self.weight = self.add_weight(shape=(self.max_len, input_shape[-1]), initializer="random_normal",
                                      name="weight")

    def call(self, x):
        return x + self.weight[: keras.ops.shape(x)[1]]
'''

SINUSOIDAL_POSITIONS = '''
class SinusoidalPositions(layers.Layer):
    """The fixed positions of "Attention is all you need", added to the sequence:
    P[t, 2i] = sin(t / 10000^(2i/E)), P[t, 2i+1] = cos(t / 10000^(2i/E))."""

    def call(self, x):
        steps, width = x.shape[1], x.shape[2]
        position = keras.ops.arange(steps, dtype="float64")[:, None]
        rates = keras.ops.exp(keras.ops.arange(0, width, 2, dtype="float64") * (-9.210340371976184 / width))
        angles = position * rates  # ln(10000) = 9.2103...
        table = keras.ops.reshape(keras.ops.stack([keras.ops.sin(angles), keras.ops.cos(angles)], axis=-1),
                                  (steps, -1))[:, :width]
        return x + keras.ops.cast(table, x.dtype)
'''

FIRST_STEP = '''
class FirstStep(layers.Layer):
    """(batch, time, features) -> (batch, features): the first time step."""

    def call(self, x):
        return x[:, 0]
'''

MASKED_MEAN = '''
class MaskedMean(layers.Layer):
    """The mean over time of the positions whose token id is not 0 (padding)."""

    def call(self, inputs):
        x, ids = inputs
        keep = keras.ops.cast(keras.ops.not_equal(ids, 0), x.dtype)
        total = keras.ops.sum(x * keras.ops.expand_dims(keep, -1), axis=1)
        return total / keras.ops.maximum(keras.ops.sum(keep, axis=1, keepdims=True), 1)
'''


@keras_emitter("layernorm")
def _layernorm(ctx: KerasContext) -> KerasEmitted:
    p = ctx.params
    args = [f"epsilon={literal(float(p['eps']))}"]
    if not p["elementwise_affine"]:
        args += ["center=False", "scale=False"]
    return KerasEmitted([ctx.named(f"layers.LayerNormalization({', '.join(args)})")])


weight_layout("layernorm", to_keras=lambda p, s: [s["weight"], s["bias"]] if "weight" in s else [])


@keras_emitter("self_attention")
def _self_attention(ctx: KerasContext) -> KerasEmitted:
    p = ctx.params
    width = ctx.in_shapes[0][-1]
    args = [str(p["num_heads"]), str(width // p["num_heads"])]
    if p["dropout"] > 0:
        args.append(f"dropout={literal(float(p['dropout']))}")
    if p["causal"]:
        args.append("causal=True")
    return KerasEmitted([ctx.named(f"SelfAttention({', '.join(args)})")], helpers={"SelfAttention": SELF_ATTENTION},
                        inexact=translate("the key bias's gradient is exactly 0 in nnviz and PyTorch but rounding "
                                          "noise in Keras (which Adam turns into steps); and a query that sees no key "
                                          "at all (causal attention with padding at the start) gets weights in Keras, "
                                          "none in nnviz"))


def _attention_to_keras(p: dict, s: Arrays) -> list[np.ndarray]:
    """PyTorch's packed (3E, E) in_proj -> Keras' query/key/value kernels (E, h, d) and biases (h, d);
    out_proj (E, E) -> the output kernel (h, d, E) and bias (E,)."""
    heads = p["num_heads"]
    width = s[OUT_WEIGHT].shape[0]
    d = width // heads
    weights = []
    for w, b in zip(np.split(s[IN_WEIGHT], 3), np.split(s[IN_BIAS], 3), strict=True):
        weights += [w.T.reshape(width, heads, d), b.reshape(heads, d)]
    return [*weights, s[OUT_WEIGHT].T.reshape(heads, d, width), s[OUT_BIAS]]


weight_layout("self_attention", to_keras=_attention_to_keras)


@keras_emitter("positional_embedding")
def _positions(ctx: KerasContext) -> KerasEmitted:
    if ctx.params["kind"] == "learned":
        return KerasEmitted([ctx.named(f"LearnedPositions({ctx.params['max_len']})")],
                            helpers={"LearnedPositions": LEARNED_POSITIONS})
    return KerasEmitted([ctx.named("SinusoidalPositions()")], helpers={"SinusoidalPositions": SINUSOIDAL_POSITIONS})


weight_layout("positional_embedding", to_keras=lambda p, s: [s["weight"]] if "weight" in s else [])


@keras_emitter("mean_over_time")
def _mean_over_time(ctx: KerasContext) -> KerasEmitted:
    if len(ctx.in_shapes) == 1:
        return KerasEmitted([ctx.named("layers.GlobalAveragePooling1D()")])
    return KerasEmitted([ctx.named("MaskedMean()")], helpers={"MaskedMean": MASKED_MEAN})


@keras_emitter("first_step")
def _first_step(ctx: KerasContext) -> KerasEmitted:
    return KerasEmitted([ctx.named("FirstStep()")], helpers={"FirstStep": FIRST_STEP})
