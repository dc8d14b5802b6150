"""Emitters for BatchNorm1D / BatchNorm2D."""

from __future__ import annotations

from nnviz.export.registry import EmitContext, Emitted, literal, register_emitter


def _batchnorm(ctx: EmitContext, cls: str) -> Emitted:
    p = ctx.params
    args = [str(ctx.in_shapes[0][0])]
    if p["eps"] != 1e-5:
        args.append(f"eps={literal(float(p['eps']))}")
    if p["momentum"] != 0.1:
        args.append(f"momentum={literal(float(p['momentum']))}")
    if not p["affine"]:
        args.append("affine=False")
    return Emitted(init=[ctx.module(f"nn.{cls}({', '.join(args)})")], forward=[ctx.assign(ctx.call(ctx.inputs[0]))])


@register_emitter("batchnorm1d")
def emit_batchnorm1d(ctx: EmitContext) -> Emitted:
    """(batch, c) or (batch, c, length); running_mean/var and num_batches_tracked are state_dict buffers."""
    return _batchnorm(ctx, "BatchNorm1d")


@register_emitter("batchnorm2d")
def emit_batchnorm2d(ctx: EmitContext) -> Emitted:
    """(batch, c, h, w), statistics per channel."""
    return _batchnorm(ctx, "BatchNorm2d")


