"""MaxPool2d and AvgPool2d (PyTorch semantics: max pads with -inf, avg counts padded zeros)."""

from __future__ import annotations

from typing import Any

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import LayerSpec, Shape, ShapeError, register
from nnviz.graph.specs.common import single
from nnviz.graph.specs.conv import image_out
from nnviz.i18n import Message


def _pool_out(in_shapes: list[Shape], p: dict[str, Any]) -> Shape:
    (kh, kw), (ph, pw) = p["kernel_size"], p["padding"]
    if 2 * ph > kh or 2 * pw > kw:
        raise ShapeError(Message("has padding larger than half its window: padding may be at most kernel // 2"))
    shape = single(in_shapes)
    return image_out(shape, p, shape[0] if len(shape) == 3 else 0)


def _pool(key: str, label: str, description: str) -> None:
    register(LayerSpec(
        key=key, label=label, category="Pooling", stem=key.replace("2d", ""), description=description,
        params=(
            ParamSpec("kernel_size", "ints", (2, 2), "Height and width of the window", minimum=1,
                      maximum=64, length=2, key=True, label="kernel"),
            ParamSpec("stride", "ints", (2, 2), "How far the window moves each step", minimum=1,
                      maximum=64, length=2),
            ParamSpec("padding", "ints", (0, 0), "Padding around the border", minimum=0, maximum=32,
                      length=2),
        ),
        infer=_pool_out,
    ))


_pool("maxpool2d", "MaxPool2D", "Keeps the largest value in each window: smaller image, same channels")
_pool("avgpool2d", "AvgPool2D", "Averages each window: smaller image, same channels")
