"""The Transformer's layers in PyTorch, and back: nn.LayerNorm, nn.MultiheadAttention, positions, poolings.

Self-attention is nn.MultiheadAttention(batch_first=True) inside a small SelfAttention helper that
builds nnviz's masks (causal: torch.triu; the token ids as a second input: key_padding_mask where ids == 0),
so its weights sit at <attr>.attn in the state_dict under PyTorch's own names. Positions are two
helpers (LearnedPositions: one parameter `weight`; SinusoidalPositions: a fixed, unsaved table), and a
mean that leaves padding out is MaskedMean. Each helper imports back as its layer; so do
nn.LayerNorm, an nn.MultiheadAttention called on one sequence (mha(x, x, x)[0]) and x.mean(dim=1).
"""

from __future__ import annotations

from typing import Any

from nnviz.export.errors import ExportError
from nnviz.export.import_rules import Converted, Site, method_rule, module_rule, tensors, unfold_rule
from nnviz.export.registry import EmitContext, Emitted, literal, register_emitter
from nnviz.i18n import translate

SELF_ATTENTION = '''
class SelfAttention(nn.Module):
    """nn.MultiheadAttention over one sequence (query = key = value) with nnviz's masks:
    causal hides later positions; given the token ids, padding (id 0) is hidden as a key
    (key_padding_mask)."""

    def __init__(self, embed_dim: int, num_heads: int, dropout: float = 0.0,
                 causal: bool = False) -> None:
        super().__init__()
        self.attn = nn.MultiheadAttention(embed_dim, num_heads, dropout=dropout, batch_first=True)
        self.causal = causal
        self.attn.in_proj_bias.register_hook(self._key_bias_gets_no_gradient)

    def _key_bias_gets_no_gradient(self, grad: torch.Tensor) -> torch.Tensor:
        """The key bias adds the same q·b_k to all of a query's scores, which softmax ignores: its
        true gradient is 0. Exactly 0 (not rounding noise, which Adam would turn into full-size
        steps), as in nnviz."""
        e = self.attn.embed_dim
        return torch.cat((grad[:e], torch.zeros_like(grad[e : 2 * e]), grad[2 * e :]))

    def forward(self, x: torch.Tensor, ids: torch.Tensor | None = None) -> torch.Tensor:
        steps = x.shape[1]
        # Float masks, -inf where a query may not look, keep PyTorch on the path where a query that
        # sees no key at all gets zero weights (as in nnviz) rather than NaN.
        hidden = padding = None
        if self.causal:  # the keys after each query
            hidden = torch.full((steps, steps), -torch.inf, dtype=x.dtype, device=x.device)
            hidden = hidden.triu(1)
        if ids is not None:  # padding (token id 0) as a key
            padding = torch.zeros(ids.shape, dtype=x.dtype, device=x.device)
            padding = padding.masked_fill(ids == 0, -torch.inf)
        return self.attn(x, x, x, key_padding_mask=padding, attn_mask=hidden,
                         need_weights=False)[0]
'''

LEARNED_POSITIONS = '''
class LearnedPositions(nn.Module):
    """One learned vector per position (nn.Embedding's N(0, 1) start), added to the sequence."""

    def __init__(self, max_len: int, width: int) -> None:
        super().__init__()
        self.weight = nn.Parameter(torch.randn(max_len, width))

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.weight[: x.shape[1]]
'''

SINUSOIDAL_POSITIONS = '''
class SinusoidalPositions(nn.Module):
    """The fixed positions of "Attention is all you need", added to the sequence:
    P[t, 2i] = sin(t / 10000^(2i/E)), P[t, 2i+1] = cos(t / 10000^(2i/E)).
    Nothing to learn or save."""

    def __init__(self, max_len: int, width: int) -> None:
        super().__init__()
        position = torch.arange(max_len, dtype=torch.float64)[:, None]
        rates = torch.exp(torch.arange(0, width, 2, dtype=torch.float64)
                          * (-torch.log(torch.tensor(10000.0, dtype=torch.float64)) / width))
        table = torch.zeros(max_len, width, dtype=torch.float64)
        table[:, 0::2] = torch.sin(position * rates)
        table[:, 1::2] = torch.cos(position * rates[: width // 2])
        self.register_buffer("table", table, persistent=False)

    def forward(self, x: torch.Tensor) -> torch.Tensor:
        return x + self.table[: x.shape[1]]
'''

MASKED_MEAN = '''
class MaskedMean(nn.Module):
    """The mean over time of the positions whose token id is not 0 (padding):
    (batch, T, F) -> (batch, F)."""

    def forward(self, x: torch.Tensor, ids: torch.Tensor) -> torch.Tensor:
        keep = (ids != 0).to(x.dtype)
        return (x * keep.unsqueeze(-1)).sum(dim=1) / keep.sum(dim=1, keepdim=True).clamp(min=1)
'''


@register_emitter("layernorm")
def emit_layernorm(ctx: EmitContext) -> Emitted:
    """Normalises the last axis: (batch, F) or (batch, T, F)."""
    p = ctx.params
    args = [str(ctx.in_shapes[0][-1])]
    if p["eps"] != 1e-5:
        args.append(f"eps={literal(float(p['eps']))}")
    if not p["elementwise_affine"]:
        args.append("elementwise_affine=False")
    return Emitted(init=[ctx.module(f"nn.LayerNorm({', '.join(args)})")],
                   forward=[ctx.assign(ctx.call(ctx.inputs[0]))])


@register_emitter("self_attention")
def emit_self_attention(ctx: EmitContext) -> Emitted:
    """(batch, T, E) [, token ids (batch, T)] -> (batch, T, E)."""
    p = ctx.params
    args = [str(ctx.in_shapes[0][-1]), str(p["num_heads"])]
    if p["dropout"] > 0:
        args.append(f"dropout={literal(float(p['dropout']))}")
    if p["causal"]:
        args.append("causal=True")
    return Emitted(init=[ctx.module(f"SelfAttention({', '.join(args)})")],
                   forward=[ctx.assign(ctx.call(*ctx.inputs))],
                   helpers={"SelfAttention": SELF_ATTENTION}, param_path=f"{ctx.attr}.attn")


@register_emitter("positional_embedding")
def emit_positional_embedding(ctx: EmitContext) -> Emitted:
    """(batch, T, E) + P[:T] -> (batch, T, E)."""
    p = ctx.params
    cls, helper = (("LearnedPositions", LEARNED_POSITIONS) if p["kind"] == "learned"
                   else ("SinusoidalPositions", SINUSOIDAL_POSITIONS))
    return Emitted(init=[ctx.module(f"{cls}({p['max_len']}, {ctx.in_shapes[0][-1]})")],
                   forward=[ctx.assign(ctx.call(ctx.inputs[0]))], helpers={cls: helper})


@register_emitter("mean_over_time")
def emit_mean_over_time(ctx: EmitContext) -> Emitted:
    """(batch, T, F) -> (batch, F); with the token ids, padding is left out."""
    if len(ctx.inputs) == 1:
        return Emitted(forward=[ctx.assign(f"{ctx.inputs[0]}.mean(dim=1)")])
    return Emitted(init=[ctx.module("MaskedMean()")], forward=[ctx.assign(ctx.call(*ctx.inputs))],
                   helpers={"MaskedMean": MASKED_MEAN})


@register_emitter("first_step")
def emit_first_step(ctx: EmitContext) -> Emitted:
    """(batch, T, F) -> (batch, F)."""
    return Emitted(forward=[ctx.assign(f"{ctx.inputs[0]}[:, 0]")])


# ------------------------------------------------------------------ import
@module_rule("LayerNorm", makes="layernorm")
def _layernorm(m: Any, site: Site) -> Converted:
    if len(m.normalized_shape) != 1:
        raise site.fail(translate("normalized_shape={shape}; nnviz's LayerNorm normalises the last axis only",
                                  shape=tuple(m.normalized_shape)))
    if getattr(m, "bias", True) is None and m.elementwise_affine:
        raise site.fail(translate("bias=False; nnviz's LayerNorm learns a scale and a shift together"))
    return Converted("layernorm", {"eps": float(m.eps), "elementwise_affine": bool(m.elementwise_affine)}, tensors(m))


def _attention_params(m: Any, site: Site) -> dict[str, Any]:
    if not m.batch_first:
        raise site.fail(translate("batch_first=False; nnviz's attention takes (batch, time, features): create "
                                  "it with batch_first=True"))
    if not m._qkv_same_embed_dim or m.bias_k is not None or m.add_zero_attn or m.in_proj_bias is None:
        raise site.fail(translate("kdim/vdim, add_bias_kv, add_zero_attn or bias=False is set; nnviz's "
                                  "attention is the plain nn.MultiheadAttention(E, heads, batch_first=True)"))
    return {"num_heads": int(m.num_heads), "dropout": float(m.dropout)}


@module_rule("MultiheadAttention", makes="self_attention")
def _multihead_attention(m: Any, site: Site) -> Converted:
    """mha(x, x, x) on one sequence; its (output, weights) result is followed through [0]."""
    params = _attention_params(m, site)
    tensors_in = [a for a in site.args[1:] if a is not None]
    if len(site.args) < 3 or any(a is not site.args[0] for a in tensors_in) or any(
            site.kwargs.get(k) is not None for k in ("key_padding_mask", "attn_mask")):
        raise site.fail(translate("it is not self-attention without masks (mha(x, x, x)); for masks, build the "
                                  "network in nnviz (causal, or the token ids as input 2) and export it"))
    return Converted("self_attention", {**params, "causal": False, "num_inputs": 1}, tensors(m))


@module_rule("SelfAttention", custom=True, makes="self_attention")
def _self_attention_helper(m: Any, site: Site) -> Converted:
    attn = getattr(m, "attn", None)
    if type(attn).__name__ != "MultiheadAttention" or not isinstance(getattr(m, "causal", None), bool):
        raise site.fail(translate("it is not the SelfAttention that nnviz writes (an nn.MultiheadAttention at "
                                  ".attn and a causal flag)"))
    params = _attention_params(attn, site)
    inputs = min(len(site.in_shapes), 2)
    return Converted("self_attention", {**params, "causal": m.causal, "num_inputs": inputs}, tensors(attn),
                     inputs=inputs)


@module_rule("LearnedPositions", "SinusoidalPositions", custom=True, makes="positional_embedding")
def _positions(m: Any, site: Site) -> Converted:
    learned = type(m).__name__ == "LearnedPositions"
    table = m.weight if learned else getattr(m, "table", None)
    if table is None or table.dim() != 2:
        raise site.fail(translate("it is not the positions helper that nnviz writes"))
    kind = "learned" if learned else "sinusoidal"
    return Converted("positional_embedding", {"kind": kind, "max_len": int(table.shape[0])},
                     tensors(m) if learned else {})


@module_rule("MaskedMean", custom=True, makes="mean_over_time")
def _masked_mean(m: Any, site: Site) -> Converted:
    return Converted("mean_over_time", {"num_inputs": 2}, inputs=2)


@method_rule("mean", makes="mean_over_time")
def _mean(site: Site) -> Converted:
    dim = site.arg(1, "dim", None)
    if len(site.in_shapes) != 1 or len(site.in_shapes[0]) != 2 or dim not in (1, -2) or site.arg(
            2, "keepdim", False):
        raise site.fail(translate("takes a mean nnviz has no layer for; nnviz averages a sequence (batch, T, F) "
                                  "over time: x.mean(dim=1)"))
    return Converted("mean_over_time", {"num_inputs": 1})


# ------------------------------------------------------------------ nn.TransformerEncoder(Layer)
def _no_masks(*given: Any) -> None:
    if any(g is not None and g is not False for g in given):
        raise ExportError(translate("nn.TransformerEncoderLayer is imported without masks; for causal attention or "
                                    "padding, build the block in nnviz and export it"))


@unfold_rule("TransformerEncoderLayer", makes=("self_attention", "layernorm"))
def _encoder_layer(layer: Any) -> Any:
    """The same submodules, wired as TransformerEncoderLayer.forward without its fast-path branches:
    post-norm x = norm1(x + sa(x)); x = norm2(x + ff(x)), or pre-norm with norm_first."""
    import torch

    if not layer.self_attn.batch_first:
        raise ExportError(translate("batch_first=False; nnviz's attention takes (batch, time, features): create "
                                    "it with batch_first=True"))

    class TraceableEncoderLayer(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            for name in ("self_attn", "linear1", "dropout", "linear2", "norm1", "norm2", "dropout1", "dropout2"):
                setattr(self, name, getattr(layer, name))
            self.activation = layer.activation  # a module, or a function such as F.relu
            self.norm_first = bool(layer.norm_first)

        def attend(self, x: Any) -> Any:
            return self.dropout1(self.self_attn(x, x, x, need_weights=False)[0])

        def feed_forward(self, x: Any) -> Any:
            return self.dropout2(self.linear2(self.dropout(self.activation(self.linear1(x)))))

        def forward(self, src: Any, src_mask: Any = None, src_key_padding_mask: Any = None,
                    is_causal: bool = False) -> Any:
            _no_masks(src_mask, src_key_padding_mask, is_causal)
            if self.norm_first:
                src = src + self.attend(self.norm1(src))
                return src + self.feed_forward(self.norm2(src))
            src = self.norm1(src + self.attend(src))
            return self.norm2(src + self.feed_forward(src))

    return TraceableEncoderLayer()


@unfold_rule("TransformerEncoder", makes=("self_attention", "layernorm"))
def _encoder(encoder: Any) -> Any:
    """Its layers one after the other, then its norm if it has one."""
    import torch

    class TraceableEncoder(torch.nn.Module):
        def __init__(self) -> None:
            super().__init__()
            self.layers, self.norm = encoder.layers, encoder.norm

        def forward(self, src: Any, mask: Any = None, src_key_padding_mask: Any = None, is_causal: Any = None) -> Any:
            _no_masks(mask, src_key_padding_mask, is_causal)
            for layer in self.layers:
                src = layer(src)
            return src if self.norm is None else self.norm(src)

    return TraceableEncoder()
