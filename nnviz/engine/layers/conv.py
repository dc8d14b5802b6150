"""Conv2D over NCHW batches as im2col + one matrix product (PyTorch's Conv2d layout and maths).

Internally the layer works channels-first, batch-last, (C, H, W, N): then the kh*kw strided copies
that gather the receptive fields (im2col) and the adds that scatter their gradients back (col2im,
no slow np.add.at) run over long contiguous rows of W*N values, and forward, dL/dW and dL/dx are each
ONE matrix product over all N*Ho*Wo positions. The output is returned as an (N, O, Ho, Wo) view of
that (O, Ho, Wo, N) memory; element-wise layers keep the layout, so a following conv or pool
gets its preferred layout for free. Logical shapes are always NCHW.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer

Pair = tuple[int, int]


def window_slice(a: int, b: int, out_hw: Pair, stride: Pair) -> tuple[slice, slice, slice, slice]:
    """Index of the (N, C, Ho, Wo) values at kernel offset (a, b) in a padded NCHW image."""
    (ho, wo), (sh, sw) = out_hw, stride
    rows, columns = slice(a, a + sh * (ho - 1) + 1, sh), slice(b, b + sw * (wo - 1) + 1, sw)
    return (slice(None), slice(None), rows, columns)


def pad_images(x: np.ndarray, pad: Pair, value: float = 0.0) -> np.ndarray:
    """(N, C, H, W) -> (N, C, H + 2 ph, W + 2 pw), filled with value at the border (same memory order)."""
    ph, pw = pad
    if not ph and not pw:
        return x
    n, c, h, w = x.shape
    # Allocate in x's memory order (a channels-first-batch-last view stays one), then fill.
    out = np.empty_like(x, shape=(n, c, h + 2 * ph, w + 2 * pw))
    out.fill(value)
    out[:, :, ph:ph + h, pw:pw + w] = x
    return out


def to_chwn(x: np.ndarray, pad: Pair) -> np.ndarray:
    """(N, C, H, W) in any memory order -> contiguous zero-padded (C, H + 2 ph, W + 2 pw, N)."""
    ph, pw = pad
    n, c, h, w = x.shape
    xt = x.transpose(1, 2, 3, 0)
    if not ph and not pw:
        return np.ascontiguousarray(xt)
    out = np.zeros((c, h + 2 * ph, w + 2 * pw, n), dtype=x.dtype)
    out[:, ph:ph + h, pw:pw + w] = xt
    return out


def im2col(xp: np.ndarray, kernel: Pair, stride: Pair, out_hw: Pair) -> np.ndarray:
    """Padded (C, Hp, Wp, N) -> cols (C, kh, kw, Ho, Wo, N), cols[c, a, b, i, j] = xp[c, i sh + a, j sw + b]."""
    c, n = xp.shape[0], xp.shape[3]
    (kh, kw), (sh, sw), (ho, wo) = kernel, stride, out_hw
    cols = np.empty((c, kh, kw, ho, wo, n), dtype=xp.dtype)
    for a in range(kh):
        for b in range(kw):
            cols[:, a, b] = xp[:, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw]
    return cols


def col2im(gcols: np.ndarray, padded_hw: Pair, stride: Pair) -> np.ndarray:
    """The adjoint of im2col: (C, kh, kw, Ho, Wo, N) -> (C, Hp, Wp, N), summing where windows overlap."""
    c, kh, kw, ho, wo, n = gcols.shape
    sh, sw = stride
    out = np.zeros((c, *padded_hw, n), dtype=gcols.dtype)
    for a in range(kh):
        for b in range(kw):
            out[:, a:a + sh * (ho - 1) + 1:sh, b:b + sw * (wo - 1) + 1:sw] += gcols[:, a, b]
    return out


def unpad_images(xp: np.ndarray, pad: Pair) -> np.ndarray:
    """The inverse of pad_images: a (N, C, H, W) view of the interior of (N, C, Hp, Wp)."""
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
        xp = to_chwn(x, self.hp["padding"])
        self._padded_hw = xp.shape[1:3]
        cols = im2col(xp, self.hp["kernel_size"], self.hp["stride"], (ho, wo))
        self._cols = cols.reshape(cols.shape[0] * cols.shape[1] * cols.shape[2], -1)  # (C kh kw, Ho Wo N)
        z = self.params["weight"].reshape(o, -1) @ self._cols  # (O, Ho Wo N)
        if "bias" in self.params:
            z += self.params["bias"][:, None]
        return z.reshape(o, ho, wo, n).transpose(3, 0, 1, 2)

    def _backward(self, delta: np.ndarray) -> list[np.ndarray | None]:
        n = delta.shape[0]
        o, ho, wo = self.out_shape
        weight = self.params["weight"]
        # (O, Ho Wo N): free when delta still has the layout forward produced.
        d = delta.transpose(1, 2, 3, 0).reshape(o, -1)
        self.grads["weight"] = (d @ self._cols.T).reshape(weight.shape)
        if "bias" in self.params:
            self.grads["bias"] = d.sum(axis=1)
        if not self.need_input_grad:
            return [None]
        c = self.in_shapes[0][0]
        kh, kw = self.hp["kernel_size"]
        gcols = (weight.reshape(o, -1).T @ d).reshape(c, kh, kw, ho, wo, n)
        gxp = col2im(gcols, self._padded_hw, self.hp["stride"])
        (ph, pw), (_, h, w) = self.hp["padding"], self.in_shapes[0]
        return [gxp[:, ph:ph + h, pw:pw + w].transpose(3, 0, 1, 2)]
