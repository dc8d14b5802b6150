"""MaxPool2D and AvgPool2D over NCHW batches with PyTorch's semantics.

Both walk the kh*kw kernel offsets: each offset is one strided (N, C, Ho, Wo) slice of the padded
input, so a pass costs kh*kw vectorised operations whatever the image size. MaxPool pads with -inf
and, on ties, sends the gradient to the first maximum in row-major window order, as PyTorch does.
AvgPool counts the padded zeros in its divisor (count_include_pad=True, PyTorch's default).
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer
from nnviz.engine.formula_text import SMALL, Context, Formula, Index, Tensors, fmt_number, term
from nnviz.engine.layers.conv import pad_images, unpad_images, window_slice


class _Pool(Layer):
    def _geometry(self) -> tuple[tuple[int, int], tuple[int, int], tuple[int, int]]:
        return self.hp["kernel_size"], self.hp["stride"], tuple(self.out_shape[1:])

    def _padded_shape(self, n: int) -> tuple[int, int, int, int]:
        c, h, w = self.in_shapes[0]
        ph, pw = self.hp["padding"]
        return (n, c, h + 2 * ph, w + 2 * pw)

    def formula(self, phase: str, tensors: Tensors, ctx: Context | None = None) -> Formula | None:
        return _pool_formula(self, phase, tensors, ctx)


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


def _pool_formula(layer: _Pool, phase: str, t: Tensors, ctx: Context | None) -> Formula | None:
    """The numbers of output position (channel 1, row 1, column 1) of sample 1: its window, and backward
    where ∂L/∂a[1; 1,1,1] goes (the window's first maximum, or each of its k values)."""
    base = Layer.formula(layer, phase, t, ctx)
    x = t.get("input")
    if base is None or x is None or np.ndim(x) != 4:
        return base
    (kh, kw), (ph, pw) = layer.hp["kernel_size"], layer.hp["padding"]
    is_max = layer.key == "maxpool2d"
    padded = np.pad(np.asarray(x[0, 0], dtype=float), ((ph, ph), (pw, pw)),
                    constant_values=-np.inf if is_max else 0.0)
    window = padded[:kh, :kw].ravel()
    inside = [(0, 0, r - ph, c - pw) for r in range(kh) for c in range(kw)
              if 0 <= r - ph < x.shape[2] and 0 <= c - pw < x.shape[3]]
    values = ", ".join("−∞" if np.isneginf(v) else fmt_number(v) for v in window)
    lines: list[str] = []
    hl: dict[str, list[Index]] = {"input": inside}
    if phase == "forward":
        out = t.get("output")
        if out is None or window.size > SMALL:
            return base
        rule = f"max({values})" if is_max else f"({' + '.join(term(v) for v in window)}) / {window.size}"
        lines.append(f"a[1; 1,1,1] = {rule} = {fmt_number(out[0, 0, 0, 0])}")
        hl["output"] = [(0, 0, 0, 0)]
        return Formula(base.symbolic, "\n".join(lines), hl, base.title)
    g, gi = t.get("grad_output"), t.get("grad_input")
    if g is None or gi is None or window.size > SMALL:
        return base
    g00 = float(g[0, 0, 0, 0])
    hl.update({"grad_output": [(0, 0, 0, 0)], "grad_input": inside})
    if is_max:
        k = int(np.argmax(window))  # the first maximum in row-major order, as the engine and PyTorch route
        r, c = k // kw - ph, k % kw - pw
        lines.append(f"window 1,1 = [{values}]: max at x[1; 1,{r + 1},{c + 1}]")
        lines.append(f"∂L/∂x[1; 1,{r + 1},{c + 1}] += ∂L/∂a[1; 1,1,1] = {fmt_number(g00)}")
        lines.append("the other entries of window 1,1 += 0")
        lines.append(f"∂L/∂x[1; 1,{r + 1},{c + 1}] = {fmt_number(gi[0, 0, r, c])}")
        hl["grad_input"] = [(0, 0, r, c)]
    else:
        lines.append(f"window 1,1 = [{values}]")
        lines.append(f"∂L/∂x[1; 1,i,j] += ∂L/∂a[1; 1,1,1] / {window.size} = {term(g00)} / {window.size} = "
                     f"{fmt_number(g00 / window.size)}")
        if inside:
            lines.append(f"∂L/∂x[1; 1,{inside[0][2] + 1},{inside[0][3] + 1}] = "
                         f"{fmt_number(gi[inside[0]])}")
    return Formula(base.symbolic, "\n".join(lines), hl, base.title)
