"""Conv2d over NCHW images, with PyTorch's weight layout (out_channels, in_channels, kh, kw)."""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import LayerSpec, Shape, ShapeError, register
from nnviz.graph.specs.common import FUSES_ACTIVATION, TRAINABLE, need_rank, single
from nnviz.i18n import Message, mark, translate


def window_out(size: int, kernel: int, stride: int, pad: int, axis: str) -> int:
    """Output length of a sliding window (convolution or pooling) along one axis."""
    padded = size + 2 * pad
    if kernel > padded:
        raise ShapeError(
            Message(
            "has a {axis} window of {kernel} but the input is only {padded} high/wide after padding: use a smaller "
            "kernel, more padding, or a larger input",
            axis=translate(axis), kernel=kernel, padded=padded)
        )
    return (padded - kernel) // stride + 1


def image_out(shape: Shape, p: dict[str, Any], channels: int) -> Shape:
    need_rank(shape, 3, mark("an image input (channels, height, width)"),
              mark("use Reshape to give the data a (channels, height, width) shape"))
    _, h, w = shape
    (kh, kw), (sh, sw), (ph, pw) = p["kernel_size"], p["stride"], p["padding"]
    return (channels, window_out(h, kh, sh, ph, mark("height")), window_out(w, kw, sw, pw, mark("width")))


def _conv_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    return image_out(single(in_shapes), p, p["out_channels"])


def _conv_weights(in_shapes: list[Shape], p: dict[str, Any]) -> dict[str, Shape]:
    kh, kw = p["kernel_size"]
    shapes = {"weight": (p["out_channels"], in_shapes[0][0], kh, kw)}
    if p["use_bias"]:
        shapes["bias"] = (p["out_channels"],)
    return shapes


KERNEL = ParamSpec("kernel_size", "ints", (3, 3), "Height and width of the window", minimum=1, maximum=64,
                   length=2, key=True, label="kernel")
STRIDE = ParamSpec("stride", "ints", (1, 1), "How far the window moves each step", minimum=1, maximum=64,
                   length=2)
PADDING = ParamSpec("padding", "ints", (0, 0), "Zeros added around the border", minimum=0, maximum=64,
                    length=2)

register(LayerSpec(
    key="conv2d", label="Conv2D", category="Convolution", stem="conv",
    description="Slides learnable filters over an image; each filter makes one output channel",
    params=(ParamSpec("out_channels", "int", 8, "Number of filters (output channels)", minimum=1,
                      maximum=4096, key=True, label="filters"), KERNEL, STRIDE, PADDING, *TRAINABLE),
    infer=_conv_out, weight_shapes=_conv_weights, capabilities=FUSES_ACTIVATION,
))
