"""Emitters for Dense (nn.Linear) and Reshape; Flatten is in emit_one_to_one. Inputs become forward() arguments."""

from __future__ import annotations

from nnviz.export.emit_one_to_one import fused_activation
from nnviz.export.registry import EmitContext, Emitted, register_emitter


@register_emitter("dense")
def emit_dense(ctx: EmitContext) -> Emitted:
    """(batch, in_features) -> (batch, units); weight (units, in_features) as nn.Linear stores it."""
    in_features = ctx.in_shapes[0][-1]
    bias = "" if ctx.params["use_bias"] else ", bias=False"
    expr = fused_activation(ctx.params["activation"], ctx.call(ctx.inputs[0]))
    return Emitted(init=[ctx.module(f"nn.Linear({in_features}, {ctx.params['units']}{bias})")],
                   forward=[ctx.assign(expr)])


@register_emitter("reshape")
def emit_reshape(ctx: EmitContext) -> Emitted:
    """(batch, *in_shape) -> (batch, *out_shape); the inferred shape is written out in full (no -1 but the batch)."""
    dims = ", ".join(str(d) for d in ctx.out_shape)
    return Emitted(forward=[ctx.assign(f"{ctx.inputs[0]}.reshape(-1, {dims})")])


