"""Emitters for the merges: Add (residual connections) and Concatenate (branches side by side)."""

from __future__ import annotations

from nnviz.export.registry import EmitContext, Emitted, register_emitter


@register_emitter("add")
def emit_add(ctx: EmitContext) -> Emitted:
    """k tensors of one shape -> their element-wise sum."""
    return Emitted(forward=[ctx.assign(" + ".join(ctx.inputs))])


@register_emitter("concatenate")
def emit_concatenate(ctx: EmitContext) -> Emitted:
    """Joined along per-sample axis `axis`, i.e. torch dim axis + 1 (dim 0 is the batch)."""
    return Emitted(forward=[ctx.assign(f"torch.cat([{', '.join(ctx.inputs)}], dim={ctx.params['axis'] + 1})")])
