"""MaxPool2D and AvgPool2D over NCHW batches with PyTorch's semantics.

Both walk the kh*kw kernel offsets: each offset is one strided (N, C, Ho, Wo) slice of the padded
input, so a pass costs kh*kw vectorised operations whatever the image size. MaxPool pads with -inf
and, on ties, sends the gradient to the first maximum in row-major window order, as PyTorch does.
AvgPool counts the padded zeros in its divisor (count_include_pad=True, PyTorch's default).
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer
from nnviz.engine.layers.conv import pad_images, unpad_images, window_slice


class _Pool(Layer):
    def _geometry(self) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        return self.hp["kernel_size"], self.hp["stride"], tuple(self.out_shape[1:])

    def _padded_shape(self, n: int) -> tuple[int, int, int, int]:
        c, h, w = self.in_shapes[0]
        ph, pw = self.hp["padding"]
        return (n, c, h + 2 * ph, w + 2 * pw)


@register_layer
class MaxPool2d(_Pool):
    """x: (N, C, H, W) -> (N, C, Ho, Wo), the largest value of each window."""

    key = "maxpool2d"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        (kh, kw), stride, out_hw = self._geometry()
        xp = pad_images(xs[0], self.hp["padding"], -np.inf)
        out = xp[window_slice(0, 0, out_hw, stride)].copy()
        # Offset index (a * kw + b) of the winning value; strict > keeps the first of equal values.
        arg = np.zeros(out.shape, dtype=np.intp)
        for k in range(1, kh * kw):
            window = xp[window_slice(k // kw, k % kw, out_hw, stride)]
            better = window > out
            np.copyto(out, window, where=better)
            np.copyto(arg, k, where=better)
        self._arg = arg
        return out

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        (kh, kw), stride, out_hw = self._geometry()
        gxp = np.zeros(self._padded_shape(delta.shape[0]), dtype=delta.dtype)
        if kh * kw == 1:
            gxp[window_slice(0, 0, out_hw, stride)] += delta
        else:
            for k in range(kh * kw):
                gxp[window_slice(k // kw, k % kw, out_hw, stride)] += np.where(self._arg == k, delta, 0)
        return [unpad_images(gxp, self.hp["padding"])]

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        # Which window position won, per output value: the routing the backward pass follows.
        return {"argmax": self._arg} if phase in ("forward", "backward") and hasattr(self, "_arg") else {}


@register_layer
class AvgPool2d(_Pool):
    """x: (N, C, H, W) -> (N, C, Ho, Wo), the mean of each window including padded zeros."""

    key = "avgpool2d"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        (kh, kw), stride, out_hw = self._geometry()
        xp = pad_images(xs[0], self.hp["padding"])
        out = xp[window_slice(0, 0, out_hw, stride)].copy()
        for k in range(1, kh * kw):
            out += xp[window_slice(k // kw, k % kw, out_hw, stride)]
        out /= out.dtype.type(kh * kw)  # divide, not multiply by 1/k: bit-equal to PyTorch
        return out

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        (kh, kw), stride, out_hw = self._geometry()
        share = delta / delta.dtype.type(kh * kw)
        gxp = np.zeros(self._padded_shape(delta.shape[0]), dtype=delta.dtype)
        for k in range(kh * kw):
            gxp[window_slice(k // kw, k % kw, out_hw, stride)] += share
        return [unpad_images(gxp, self.hp["padding"])]
