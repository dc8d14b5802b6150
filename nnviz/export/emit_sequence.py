"""Emitters for the sequence layers: nn.Embedding, nn.RNN / nn.LSTM / nn.GRU (batch_first) and LastStep.

Recurrent modules return (sequence, state); the generated forward keeps the sequence and, without
return_sequences, takes its last step, which is the layer's final hidden state. Input dropout
(Keras' LSTM(dropout=p)) has no PyTorch module, so a small helper draws one mask per sample and
feature and applies it at every time step, as the app does; the recurrent module then sits at
<attr>.rnn in the state_dict.
"""

from __future__ import annotations

from nnviz.export.registry import EmitContext, Emitted, literal, register_emitter

MODULES = {"rnn": "RNN", "lstm": "LSTM", "gru": "GRU"}

SEQUENCE_DROPOUT = '''
class SequenceDropout(nn.Module):
    """Dropout on a (batch, time, features) input with ONE mask per sample and feature, reused
    at every time step (Keras' LSTM(dropout=p)); kept values are scaled by 1 / (1 - p).
    The identity in eval()."""

    def __init__(self, p: float) -> None:
        super().__init__()
        self.p = p

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        if not self.training or self.p == 0.0:
            return x
        shape = (x.shape[0], 1, x.shape[2])
        keep = torch.bernoulli(torch.full(shape, 1.0 - self.p, dtype=x.dtype, device=x.device))
        return x * (keep * (1.0 / (1.0 - self.p)))
'''

WITH_INPUT_DROPOUT = '''
class WithInputDropout(nn.Module):
    """A recurrent module whose input goes through SequenceDropout first."""

    def __init__(self, rnn: nn.Module, p: float) -> None:
        super().__init__()
        self.input_dropout = SequenceDropout(p)
        self.rnn = rnn

    def forward(self, x: torch.Tensor) -> tuple[torch.Tensor, object]:
        return self.rnn(self.input_dropout(x))  # (output sequence, final states)
'''


@register_emitter("embedding")
def emit_embedding(ctx: EmitContext) -> Emitted:
    """(batch, T) token ids, stored as floats like every input -> (batch, T, D); weight (vocabulary, D)."""
    p = ctx.params
    args = [str(p["num_embeddings"]), str(p["embedding_dim"])]
    if p["padding_idx"] >= 0:
        args.append(f"padding_idx={p['padding_idx']}")
    return Emitted(init=[ctx.module(f"nn.Embedding({', '.join(args)})")],
                   forward=[ctx.assign(ctx.call(f"{ctx.inputs[0]}.long()"))])


@register_emitter("rnn", "lstm", "gru")
def emit_recurrent(ctx: EmitContext) -> Emitted:
    """(batch, T, F) -> (batch, T, H) with return_sequences, else the last step (batch, H)."""
    p = ctx.params
    args = [str(ctx.in_shapes[0][-1]), str(p["hidden_size"])]
    if ctx.node.type == "rnn" and p["nonlinearity"] != "tanh":
        args.append(f"nonlinearity={literal(p['nonlinearity'])}")
    if not p["use_bias"]:
        args.append("bias=False")
    args.append("batch_first=True")
    module = f"nn.{MODULES[ctx.node.type]}({', '.join(args)})"
    emitted = Emitted()
    if p["dropout"] > 0:
        module = f"WithInputDropout({module}, p={literal(float(p['dropout']))})"
        emitted.helpers = {"SequenceDropout": SEQUENCE_DROPOUT, "WithInputDropout": WITH_INPUT_DROPOUT}
        emitted.param_path = f"{ctx.attr}.rnn"
    emitted.init = [ctx.module(module)]
    # The module returns (output sequence, final states); [0] keeps the sequence (batch, T, H).
    if p["return_sequences"]:
        emitted.forward = [ctx.assign(f"{ctx.call(ctx.inputs[0])}[0]")]
    else:
        emitted.forward = ["# [0]: the output sequence; [:, -1]: its last step, the final hidden state",
                           ctx.assign(f"{ctx.call(ctx.inputs[0])}[0][:, -1]")]
    return emitted


@register_emitter("last_step")
def emit_last_step(ctx: EmitContext) -> Emitted:
    """(batch, T, H) -> (batch, H)."""
    return Emitted(forward=[ctx.assign(f"{ctx.inputs[0]}[:, -1]")])
