"""BatchNorm1d and BatchNorm2d, with PyTorch's running statistics."""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import Capabilities, LayerSpec, Shape, ShapeError, fmt_shape, register
from nnviz.graph.specs.common import single
from nnviz.i18n import Message

_PARAMS = (
    ParamSpec("eps", "float", 1e-5, "Added to the variance to avoid dividing by zero", minimum=0.0),
    ParamSpec("momentum", "float", 0.1, "Weight of the new batch in the running statistics", minimum=0.0,
              maximum=1.0),
    ParamSpec("affine", "bool", True, "Learn a scale (weight) and shift (bias) per channel"),
)


_BATCH_STATISTICS = Capabilities(batch_statistics=True)


def _features(in_shapes: list[Shape]) -> int:
    return single(in_shapes)[0]


def _weights(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    c = _features(in_shapes)
    return {"weight": (c,), "bias": (c,)} if p["affine"] else {}


def _buffers(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    c = _features(in_shapes)
    return {"running_mean": (c,), "running_var": (c,), "num_batches_tracked": ()}


def _bn1d_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    shape = single(in_shapes)
    if len(shape) not in (1, 2):
        raise ShapeError(Message(
            "needs (features,) or (channels, length) but gets {shape}: use BatchNorm2D for images",
            shape=fmt_shape(shape)))
    return shape


def _bn2d_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    shape = single(in_shapes)
    if len(shape) != 3:
        raise ShapeError(Message(
            "needs an image input (channels, height, width) but gets {shape}: use BatchNorm1D for flat inputs",
            shape=fmt_shape(shape)))
    return shape


register(LayerSpec(
    key="batchnorm1d", label="BatchNorm1D", category="Normalisation", stem="bn",
    description="Normalises each feature over the batch, then scales and shifts it",
    params=_PARAMS, infer=_bn1d_out, weight_shapes=_weights, buffer_shapes=_buffers,
    capabilities=_BATCH_STATISTICS,
))
register(LayerSpec(
    key="batchnorm2d", label="BatchNorm2D", category="Normalisation", stem="bn",
    description="Normalises each channel over the batch and all pixels, then scales and shifts it",
    params=_PARAMS, infer=_bn2d_out, weight_shapes=_weights, buffer_shapes=_buffers,
    capabilities=_BATCH_STATISTICS,
))
