"""Add and Concatenate: nodes with several inputs, for residual and multi-branch networks."""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import LayerSpec, Shape, ShapeError, fmt_shape, register
from nnviz.i18n import Message

NUM_INPUTS = ParamSpec("num_inputs", "int", 2, "How many inputs to merge", minimum=2, maximum=8, key=True,
                       label="inputs")


def _add_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    first = in_shapes[0]
    for i, shape in enumerate(in_shapes[1:], start=2):
        if shape != first:
            raise ShapeError(Message(
                "adds inputs of different shapes: input 1 is {shape} but input {i} is {shape2}; all inputs of Add "
                "must have the same shape",
                shape=fmt_shape(first), i=i, shape2=fmt_shape(shape)))
    return first


def _concat_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    axis = p["axis"]
    first = in_shapes[0]
    if axis >= len(first):
        raise ShapeError(Message(
            "joins along axis {axis} but input 1 {shape} has only {axes} axes",
            axis=axis, shape=fmt_shape(first), axes=len(first)))
    total = 0
    for i, shape in enumerate(in_shapes, start=1):
        if len(shape) != len(first) or any(a != b for k, (a, b) in enumerate(zip(shape, first)) if k != axis):
            raise ShapeError(Message(
                "joins along axis {axis} but input {i} is {shape} and input 1 is {shape2}: every other axis must "
                "match",
                axis=axis, i=i, shape=fmt_shape(shape), shape2=fmt_shape(first)))
        total += shape[axis]
    out = list(first)
    out[axis] = total
    return tuple(out)


register(LayerSpec(
    key="add", label="Add", category="Merge", stem="add", variadic=True, inputs=2,
    description="Adds its inputs element by element (the merge of a residual connection)",
    params=(NUM_INPUTS,), infer=_add_out,
))
register(LayerSpec(
    key="concatenate", label="Concatenate", category="Merge", stem="concat", variadic=True, inputs=2,
    description="Joins its inputs side by side along one axis (0 = features or channels)",
    params=(NUM_INPUTS, ParamSpec("axis", "int", 0, "Axis of one sample to join along (0 = first)",
                                  minimum=0, maximum=3)),
    infer=_concat_out,
))
