"""Conv2D over NCHW batches as im2col + one matrix product (PyTorch's Conv2d layout and maths).

Forward gathers every receptive field into a column matrix cols (N, C*kh*kw, Ho*Wo) with kh*kw
strided copies, then out[n] = W (O, C*kh*kw) @ cols[n]. Backward reuses cols for dL/dW and
scatters the column gradients back with the same kh*kw strided slices (no np.add.at, which is
slow), so overlapping windows accumulate correctly.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer

Pair = tuple[int, int]


def pad_images(x: np.ndarray, pad: Pair, value: float = 0.0) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H + 2 ph, W + 2 pw), filled with value at the border."""
    ph, pw = pad
    if not ph and not pw:
        return x
    n, c, h, w = x.shape
    out = np.full((n, c, h + 2 * ph, w + 2 * pw), value, dtype=x.dtype)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def window_slice(a: int, b: int, out_hw: Pair, stride: Pair) -> tuple[slice, slice, slice, slice]:
    """Index of the (N, C, Ho, Wo) values at kernel offset (a, b) in a padded image."""
    (ho, wo), (sh, sw) = out_hw, stride
    rows, columns = slice(a, a + sh * (ho - 1) + 1, sh), slice(b, b + sw * (wo - 1) + 1, sw)
    return (slice(None), slice(None), rows, columns)


def im2col(xp: np.ndarray, kernel: Pair, stride: Pair, out_hw: Pair) -> np.ndarray:
    """Padded (N, C, Hp, Wp) -> cols (N, C, kh, kw, Ho, Wo).

    cols[n, c, a, b, i, j] = xp[n, c, i * sh + a, j * sw + b].
    """
    n, c = xp.shape[:2]
    kh, kw = kernel
    cols = np.empty((n, c, kh, kw, *out_hw), dtype=xp.dtype)
    for a in range(kh):
        for b in range(kw):
            cols[:, :, a, b] = xp[window_slice(a, b, out_hw, stride)]
    return cols


def col2im(gcols: np.ndarray, padded_hw: Pair, stride: Pair) -> np.ndarray:
    """The adjoint of im2col: (N, C, kh, kw, Ho, Wo) -> (N, C, Hp, Wp), summing where windows overlap."""
    n, c, kh, kw, ho, wo = gcols.shape
    out = np.zeros((n, c, *padded_hw), dtype=gcols.dtype)
    for a in range(kh):
        for b in range(kw):
            out[window_slice(a, b, (ho, wo), stride)] += gcols[:, :, a, b]
    return out


def unpad_images(xp: np.ndarray, pad: Pair) -> np.ndarray:
    ph, pw = pad
    if not ph and not pw:
        return xp
    return xp[:, :, ph:xp.shape[2] - ph, pw:xp.shape[3] - pw]


@register_layer
class Conv2d(Layer):
    """x: (N, C, H, W) -> (N, O, Ho, Wo); weight (O, C, kh, kw), bias (O,)."""

    key = "conv2d"

    def weight_fans(self) -> tuple[int, int]:
        # torch.nn.init._calculate_fan_in_and_fan_out: fans include the receptive field size.
        kh, kw = self.hp["kernel_size"]
        return (self.in_shapes[0][0] * kh * kw, self.hp["out_channels"] * kh * kw)

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        x = xs[0]
        n = x.shape[0]
        o, ho, wo = self.out_shape
        xp = pad_images(x, self.hp["padding"])
        self._padded_hw = xp.shape[2:]
        self._cols = im2col(xp, self.hp["kernel_size"], self.hp["stride"], (ho, wo)).reshape(n, -1, ho * wo)
        # (O, CKK) @ (N, CKK, L) -> (N, O, L): already NCHW order, no transpose needed.
        z = np.matmul(self.params["weight"].reshape(o, -1), self._cols)
        if "bias" in self.params:
            z += self.params["bias"][:, None]
        return z.reshape(n, o, ho, wo)

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        n = delta.shape[0]
        o, ho, wo = self.out_shape
        weight = self.params["weight"]
        d = delta.reshape(n, o, ho * wo)
        # dL/dW[o, k] = sum over n, l of d[n, o, l] cols[n, k, l]: one product over the joined (n, l) axis.
        self.grads["weight"] = np.tensordot(d, self._cols, axes=([0, 2], [0, 2])).reshape(weight.shape)
        if "bias" in self.params:
            self.grads["bias"] = d.sum(axis=(0, 2))
        gcols = np.matmul(weight.reshape(o, -1).T, d)  # (N, CKK, L)
        c = self.in_shapes[0][0]
        kh, kw = self.hp["kernel_size"]
        gxp = col2im(gcols.reshape(n, c, kh, kw, ho, wo), self._padded_hw, self.hp["stride"])
        return [unpad_images(gxp, self.hp["padding"])]
