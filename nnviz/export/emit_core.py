"""Emitters for the core layers: Dense (nn.Linear), Flatten, Reshape. Input nodes become forward() arguments."""

from __future__ import annotations

from nnviz.export.registry import EmitContext, Emitted, apply_activation, literal, register_emitter


@register_emitter("dense")
def emit_dense(ctx: EmitContext) -> Emitted:
    """(batch, in_features) -> (batch, units); weight (units, in_features) as nn.Linear stores it."""
    in_features = ctx.in_shapes[0][0]
    bias = "" if ctx.params["use_bias"] else ", bias=False"
    expr = apply_activation(ctx.params["activation"], ctx.call(ctx.inputs[0]), ctx.params)
    return Emitted(init=[ctx.module(f"nn.Linear({in_features}, {ctx.params['units']}{bias})")],
                   forward=[ctx.assign(expr)])


@register_emitter("flatten")
def emit_flatten(ctx: EmitContext) -> Emitted:
    """(batch, *shape) -> (batch, prod(shape)); nn.Flatten keeps the batch axis."""
    return Emitted(init=[ctx.module("nn.Flatten()")], forward=[ctx.assign(ctx.call(ctx.inputs[0]))])


@register_emitter("reshape")
def emit_reshape(ctx: EmitContext) -> Emitted:
    """(batch, *in_shape) -> (batch, *out_shape); the inferred shape is written out in full (no -1 but the batch)."""
    dims = ", ".join(str(d) for d in ctx.out_shape)
    return Emitted(forward=[ctx.assign(f"{ctx.inputs[0]}.reshape(-1, {dims})")])


@register_emitter("identity", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax")
def emit_activation(ctx: EmitContext) -> Emitted:
    """An activation node is its own module, so print(model) shows it like the canvas does."""
    key, p = ctx.node.type, ctx.params
    module = {
        "identity": "nn.Identity()",
        "relu": "nn.ReLU()",
        "sigmoid": "nn.Sigmoid()",
        "tanh": "nn.Tanh()",
        "leaky_relu": f"nn.LeakyReLU(negative_slope={literal(float(p.get('negative_slope', 0.01)))})",
        "elu": f"nn.ELU(alpha={literal(float(p.get('alpha', 1.0)))})",
        "gelu": "nn.GELU()" if p.get("approximate", "none") == "none"
        else f"nn.GELU(approximate={literal(p['approximate'])})",
        # nnviz's softmax runs over the last axis of each sample.
        "softmax": "nn.Softmax(dim=-1)",
    }[key]
    return Emitted(init=[ctx.module(module)], forward=[ctx.assign(ctx.call(ctx.inputs[0]))])

