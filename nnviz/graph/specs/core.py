"""Input, Dense (Linear), Flatten and Reshape."""

from __future__ import annotations

from math import prod
from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import NEURON_UNITS, Capabilities, LayerSpec, Shape, ShapeError, fmt_shape, register
from nnviz.graph.specs.common import TRAINABLE, need_rank, single
from nnviz.i18n import Message, mark


def _input_shape(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    return tuple(p["shape"])


register(LayerSpec(
    key="input", label="Input", category="Input", stem="input", inputs=0,
    description="Where the data enters: one sample's shape, without the batch dimension",
    params=(ParamSpec("shape", "ints", (2,), "Shape of one sample, e.g. 2 for points, 1,28,28 for images",
                      minimum=1, key=True),),
    infer=_input_shape, capabilities=Capabilities(neuron_view=NEURON_UNITS),
))


def _dense_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    shape = single(in_shapes)
    if len(shape) == 2:  # a sequence (T, features): applied at every position, as nn.Linear does
        return (shape[0], p["units"])
    need_rank(shape, 1, mark("a flat input"), mark("put a Flatten before it"))
    return (p["units"],)


def _dense_weights(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    shapes = {"weight": (p["units"], in_shapes[0][-1])}
    if p["use_bias"]:
        shapes["bias"] = (p["units"],)
    return shapes


register(LayerSpec(
    key="dense", label="Dense", category="Core", stem="dense",
    description="Fully connected: z = W·x + b, every input joined to every unit (PyTorch nn.Linear)",
    params=(ParamSpec("units", "int", 8, "Number of neurons (output features)", minimum=1, maximum=100_000,
                      key=True), *TRAINABLE),
    infer=_dense_out, weight_shapes=_dense_weights,
    capabilities=Capabilities(fuses_activation=True, neuron_view=NEURON_UNITS),
))


def _flatten_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    return (prod(single(in_shapes)),)


register(LayerSpec(
    key="flatten", label="Flatten", category="Core", stem="flatten",
    description="Lays a multi-dimensional sample out as one long vector, e.g. (1, 28, 28) -> (784,)",
    infer=_flatten_out,
))


def _reshape_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    src = single(in_shapes)
    target = list(p["shape"])
    if target.count(-1) > 1:
        raise ShapeError(Message("can infer at most one dimension: use -1 only once"))
    if any(d == 0 or d < -1 for d in target):
        raise ShapeError(Message("needs positive sizes (or one -1), got {shape}", shape=fmt_shape(tuple(target))))
    total = prod(src)
    if -1 in target:
        known = prod(d for d in target if d != -1)
        if total % known:
            raise ShapeError(Message(
                "cannot reshape {shape} ({total} values) into {shape2}",
                shape=fmt_shape(src), total=total, shape2=fmt_shape(tuple(target))))
        target[target.index(-1)] = total // known
    if prod(target) != total:
        raise ShapeError(
            Message(
            "cannot reshape {shape} ({total} values) into {shape2} ({prod} values)",
            shape=fmt_shape(src), total=total, shape2=fmt_shape(tuple(target)), prod=prod(target))
        )
    return tuple(target)


register(LayerSpec(
    key="reshape", label="Reshape", category="Core", stem="reshape",
    description="Gives a sample a new shape with the same number of values; one size may be -1",
    params=(ParamSpec("shape", "ints", (-1,), "New shape of one sample; -1 means 'whatever is left'",
                      minimum=-1, key=True),),
    infer=_reshape_out,
))
