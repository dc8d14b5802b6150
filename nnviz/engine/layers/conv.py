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

from nnviz.engine import formula_activation as fa
from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import SMALL, Context, Formula, Index, Tensors, fmt_number, term

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
    forward_formula = "z[o,i,j] = b[o] + Σ_c Σ_u Σ_v W[o,c,u,v]·x[c, i·s+u, j·s+v]"
    backward_formula = ("∂L/∂W[o,c,u,v] = Σ_n Σ_i Σ_j δ[o,i,j]·x[c, i·s+u, j·s+v]\n"
                        "∂L/∂b[o] = Σ δ[o,·,·]\n∂L/∂x = δ convolved with the flipped W")

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

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        """The numbers of one output position: channel 1, row 1, column 1 of sample 1."""
        if phase == "forward":
            return _conv_forward(self, tensors)
        return _conv_backward(self, tensors, ctx) if phase == "backward" else None


def _conv_forward(layer: Conv2d, t: Tensors) -> Formula:
    """z at output channel 1, position (1, 1) of sample 1: the window of x times the first filter."""
    hp, act = layer.hp, layer.activation
    base = Layer.formula(layer, "forward", t)
    symbolic, title = base.symbolic, base.title
    x, w, b = t.get("input"), t.get("weight"), t.get("bias")
    z = t.get("z") if act != "none" else t.get("output")
    if x is None or w is None or z is None or np.ndim(x) != 4 or np.ndim(w) != 4:
        return base
    kh, kw = w.shape[2:]
    ph, pw = tuple(hp.get("padding", (0, 0)))
    patch = np.pad(np.asarray(x[0], dtype=float), ((0, 0), (ph, ph), (pw, pw)))[:, :kh, :kw]
    value = float(np.sum(w[0] * patch) + (b[0] if b is not None else 0.0))
    # Recomputed only to guard the layout assumptions (PyTorch's cross-correlation).
    if not np.isclose(value, float(z[0, 0, 0, 0]), rtol=1e-4, atol=1e-5):
        return base
    b_text = f" + {term(b[0])}" if b is not None else ""
    if w[0].size <= SMALL:
        terms = " + ".join(f"{term(wv)}×{term(xv)}" for wv, xv in zip(w[0].ravel(), patch.ravel(), strict=True))
        lines = [f"z[1; 1,1,1] = {terms}{b_text} = {fmt_number(z[0, 0, 0, 0])}"]
    else:
        # Symbols only (no words): the panel translates words, and this line needs none.
        lines = [f"z[1; 1,1,1] = Σ W[1]⊙x[:, 1..{kh}, 1..{kw}]{b_text} = {fmt_number(z[0, 0, 0, 0])}"]
    if act != "none":
        lines.append(f"a[1; 1,1,1] = {fa.symbol(act)}({fmt_number(z[0, 0, 0, 0])}) = "
                     f"{fmt_number(t['output'][0, 0, 0, 0])}")
    hl: dict[str, list[Index]] = {
        "weight": [(0, *i) for i in np.ndindex(*w.shape[1:])],
        "input": [(0, c, i - ph, j - pw) for c, i, j in np.ndindex(*patch.shape)
                  if 0 <= i - ph < x.shape[2] and 0 <= j - pw < x.shape[3]],
        "output": [(0, 0, 0, 0)],
    }
    if act != "none":
        hl["z"] = [(0, 0, 0, 0)]
    if b is not None:
        hl["bias"] = [(0,)]
    return Formula(symbolic, "\n".join(lines), hl, title)


def _conv_backward(layer: Conv2d, t: Tensors, ctx: Context | None) -> Formula:
    """The numbers of output position (channel 1, row 1, column 1) of sample 1: its δ, its share of
    ∂L/∂W[1,1,1,1] and ∂L/∂b[1] with their batch sums, and ∂L/∂x[1; 1,1,1] gathered from every window."""
    hp, act = layer.hp, layer.activation
    base = Layer.formula(layer, "backward", t, ctx)
    x, w, g, d = (t.get(k) for k in ("input", "weight", "grad_output", "delta"))
    if x is None or w is None or g is None or d is None or np.ndim(x) != 4 or np.ndim(d) != 4:
        return base
    (ph, pw), (sh, sw) = tuple(hp.get("padding", (0, 0))), tuple(hp.get("stride", (1, 1)))
    kh, kw = w.shape[2:]
    o, ho, wo = d.shape[1:]
    lines = []
    if act not in ("none", "softmax") and t.get("z") is not None:
        lines.append(fa.entry_line(act, hp, "δ[1; 1,1,1]", float(g[0, 0, 0, 0]), float(t["z"][0, 0, 0, 0]),
                                   float(t["output"][0, 0, 0, 0]), float(d[0, 0, 0, 0])))
    else:
        lines.append(f"δ[1; 1,1,1] = {fmt_number(d[0, 0, 0, 0])}")
    x00 = float(x[0, 0, 0, 0])  # window (1,1) meets input (1,1) at tap (ph+1, pw+1), past the padding
    tap = f"1,1,{ph + 1},{pw + 1}"
    gw, gb = t.get("grad_weight"), t.get("grad_bias")
    if gw is not None:
        lines.append(f"∂L/∂W[{tap}] += δ[1; 1,1,1]×x[1; 1,1,1] = {term(d[0, 0, 0, 0])}×{term(x00)} = "
                     f"{fmt_number(d[0, 0, 0, 0] * x00)}")
        lines.append(f"∂L/∂W[{tap}] = Σ_(n,i,j) δ[n; 1,i,j]·x[n; 1, i·s+{1 - ph}, j·s+{1 - pw}] = "
                     f"{fmt_number(gw[0, 0, ph, pw])}")
    if gb is not None:
        lines.append(f"∂L/∂b[1] = Σ_(n,i,j) δ[n; 1,i,j] = {fmt_number(gb[0])}")
    gi = t.get("grad_input")
    hl: dict[str, list[Index]] = {"delta": [(0, 0, 0, 0)], "grad_output": [(0, 0, 0, 0)]}
    if gi is not None and np.ndim(gi) == 4:
        # Output positions (i, j) whose window covers input (0, 0): tap u = ph − i·sh, v = pw − j·sw.
        taps = [(c, i, j, ph - i * sh, pw - j * sw) for c in range(o) for i in range(ho) for j in range(wo)
                if 0 <= ph - i * sh < kh and 0 <= pw - j * sw < kw]
        if len(taps) <= SMALL:
            products = " + ".join(f"{term(w[c, 0, u, v])}×{term(d[0, c, i, j])}" for c, i, j, u, v in taps)
            lines.append(f"∂L/∂x[1; 1,1,1] = Σ W·δ = {products or '0'} = {fmt_number(gi[0, 0, 0, 0])}")
        else:
            lines.append(f"∂L/∂x[1; 1,1,1] = Σ_(o,i,j) W[o,1,u,v]·δ[o,i,j] = {fmt_number(gi[0, 0, 0, 0])}")
        hl["delta"] = [(0, c, i, j) for c, i, j, _, _ in taps] or hl["delta"]
        hl["weight"] = [(c, 0, u, v) for c, _, _, u, v in taps]
        hl["grad_input"] = [(0, 0, 0, 0)]
    if gw is not None:
        hl["grad_weight"] = [(0, 0, ph, pw)]
    if gb is not None:
        hl["grad_bias"] = [(0,)]
    return Formula(base.symbolic, "\n".join(lines), hl, base.title)
