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
    forward_formula = "a[c,i,j] = max of x over window (i, j)"
    backward_formula = "∂L/∂x = ∂L/∂a routed to the position of each window's maximum"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        (kh, kw), stride, out_hw = self._geometry()
        xp = pad_images(xs[0], self.hp["padding"], -np.inf)
        # np.maximum into one buffer: plain ufuncs over strided views are ~40x faster than
        # copyto(where=) or np.where, and NaN propagates as in PyTorch.
        out = xp[window_slice(0, 0, out_hw, stride)].copy(order="K")
        for k in range(1, kh * kw):
            np.maximum(out, xp[window_slice(k // kw, k % kw, out_hw, stride)], out=out)
        self._xp, self._max = xp, out
        return out

    def _winners(self) -> list[np.ndarray]:
        """Per kernel offset, a mask of the windows whose FIRST maximum (row-major) sits there."""
        (kh, kw), stride, out_hw = self._geometry()
        masks, taken = [], None
        for k in range(kh * kw):
            equal = self._xp[window_slice(k // kw, k % kw, out_hw, stride)] == self._max
            if taken is None:
                masks.append(equal)
                taken = equal.copy()
            else:
                masks.append(equal & ~taken)
                taken |= equal
        return masks

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        (kh, kw), stride, out_hw = self._geometry()
        # In delta's memory order: a conv's channels-first-batch-last layout stays fast end to end.
        gxp = np.zeros_like(delta, shape=self._padded_shape(delta.shape[0]))
        disjoint = stride[0] >= kh and stride[1] >= kw  # each input value is in at most one window
        for k, mask in enumerate(self._winners()):
            view = gxp[window_slice(k // kw, k % kw, out_hw, stride)]
            if disjoint:
                np.multiply(delta, mask, out=view)
            else:
                view += delta * mask
        return [unpad_images(gxp, self.hp["padding"])]

    def extra_tensors(self, phase: str) -> dict[str, np.ndarray]:
        # Which window position won (row-major offset), per output value: the routing backward follows.
        if phase not in ("forward", "backward") or not hasattr(self, "_max"):
            return {}
        arg = np.zeros(self._max.shape, dtype=np.int64)
        for k, mask in enumerate(self._winners()):
            arg[mask] = k
        return {"argmax": arg}


@register_layer
class AvgPool2d(_Pool):
    """x: (N, C, H, W) -> (N, C, Ho, Wo), the mean of each window including padded zeros."""

    key = "avgpool2d"
    forward_formula = "a[c,i,j] = mean of x over window (i, j)"
    backward_formula = "∂L/∂x = ∂L/∂a / (k·k) spread evenly over each window"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        (kh, kw), stride, out_hw = self._geometry()
        xp = pad_images(xs[0], self.hp["padding"])
        out = xp[window_slice(0, 0, out_hw, stride)].copy(order="K")
        for k in range(1, kh * kw):
            out += xp[window_slice(k // kw, k % kw, out_hw, stride)]
        out /= out.dtype.type(kh * kw)  # divide, not multiply by 1/k: bit-equal to PyTorch
        return out

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        (kh, kw), stride, out_hw = self._geometry()
        share = delta / delta.dtype.type(kh * kw)
        # In delta's memory order: a conv's channels-first-batch-last layout stays fast end to end.
        gxp = np.zeros_like(delta, shape=self._padded_shape(delta.shape[0]))
        for k in range(kh * kw):
            gxp[window_slice(k // kw, k % kw, out_hw, stride)] += share
        return [unpad_images(gxp, self.hp["padding"])]
