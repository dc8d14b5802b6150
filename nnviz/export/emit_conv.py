"""Emitters for Conv2D and the 2-D poolings (NCHW, PyTorch's weight layout (out, in, kh, kw))."""

from __future__ import annotations

from nnviz.export.emit_one_to_one import fused_activation
from nnviz.export.registry import EmitContext, Emitted, pair, register_emitter


@register_emitter("conv2d")
def emit_conv2d(ctx: EmitContext) -> Emitted:
    """(batch, in_ch, h, w) -> (batch, out_channels, h', w')."""
    p = ctx.params
    args = [str(ctx.in_shapes[0][0]), str(p["out_channels"]), f"kernel_size={pair(p['kernel_size'])}"]
    if tuple(p["stride"]) != (1, 1):
        args.append(f"stride={pair(p['stride'])}")
    if tuple(p["padding"]) != (0, 0):
        args.append(f"padding={pair(p['padding'])}")
    if not p["use_bias"]:
        args.append("bias=False")
    expr = fused_activation(p["activation"], ctx.call(ctx.inputs[0]))
    return Emitted(init=[ctx.module(f"nn.Conv2d({', '.join(args)})")], forward=[ctx.assign(expr)])


def _pool(ctx: EmitContext, cls: str) -> Emitted:
    p = ctx.params
    # PyTorch's stride defaults to the kernel size; always written out so nothing is implicit.
    args = [f"kernel_size={pair(p['kernel_size'])}", f"stride={pair(p['stride'])}"]
    if tuple(p["padding"]) != (0, 0):
        args.append(f"padding={pair(p['padding'])}")
    return Emitted(init=[ctx.module(f"nn.{cls}({', '.join(args)})")], forward=[ctx.assign(ctx.call(ctx.inputs[0]))])


@register_emitter("maxpool2d")
def emit_maxpool2d(ctx: EmitContext) -> Emitted:
    """(batch, c, h, w) -> (batch, c, h', w'); padding counts as -inf, as in PyTorch."""
    return _pool(ctx, "MaxPool2d")


@register_emitter("avgpool2d")
def emit_avgpool2d(ctx: EmitContext) -> Emitted:
    """(batch, c, h, w) -> (batch, c, h', w'); padded zeros are counted (count_include_pad=True, the default)."""
    return _pool(ctx, "AvgPool2d")
