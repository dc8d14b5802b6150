"""Add and Concatenate: nodes with several inputs, for residual and multi-branch networks."""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import LayerSpec, Shape, ShapeError, fmt_shape, register

NUM_INPUTS = ParamSpec("num_inputs", "int", 2, "How many inputs to merge", minimum=2, maximum=8, key=True,
                       label="inputs")


def _add_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    first = in_shapes[0]
    for i, shape in enumerate(in_shapes[1:], start=2):
        if shape != first:
            raise ShapeError(f"adds inputs of different shapes: input 1 is {fmt_shape(first)} but input {i} is "
                             f"{fmt_shape(shape)}; all inputs of Add must have the same shape")
    return first


def _concat_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    axis = p["axis"]
    first = in_shapes[0]
    if axis >= len(first):
        raise ShapeError(f"joins along axis {axis} but input 1 {fmt_shape(first)} has only {len(first)} axes")
    total = 0
    for i, shape in enumerate(in_shapes, start=1):
        if len(shape) != len(first) or any(a != b for k, (a, b) in enumerate(zip(shape, first)) if k != axis):
            raise ShapeError(f"joins along axis {axis} but input {i} is {fmt_shape(shape)} and input 1 is "
                             f"{fmt_shape(first)}: every other axis must match")
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
