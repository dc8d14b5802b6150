"""The formula of each micro-step, symbolic and with the real numbers substituted (no Qt).

formula_for() is called by the session when it records a micro-step and by the formula panel (which
may add context tensors the micro-step itself does not carry: the layer's `input`, `z`, `output` from
its forward pass and its current `weight`/`bias`). Numbers are substituted for the first sample of
the batch only, and only while every operand is small (<= SMALL values), because a formula with
hundreds of numbers in it cannot be followed by hand anyway; the tensor panel shows the rest.
Formulas are plain Unicode text (W·x, δ, ⊙, ᵀ) so a QLabel, a terminal and a test can all read them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.engine.activations import derivative_text

SMALL = 16  # at most this many values per operand (per sample) get their numbers written out
MAX_UNIT_LINES = 4  # per-unit expansions shown before "… n more units"

Index = tuple[int, ...]


@dataclass(frozen=True)
class Formula:
    """symbolic: the rule, one equation per line. numeric: the same with numbers, or None when the
    operands are too large. highlights: tensor name -> indices (full tensor coordinates, batch first)
    of the entries the numbers came from, so the tensor table can mark them."""

    symbolic: str
    numeric: str | None = None
    highlights: dict[str, list[Index]] = field(default_factory=dict)
    title: str = ""


# --------------------------------------------------------------------------- number formatting
def fmt_number(value: float) -> str:
    """4 significant digits, Unicode minus: the form every number in a formula takes."""
    text = f"{float(value):.4g}"
    return text.replace("-", "−")


def _term(value: float) -> str:
    """A number used as an operand: negative numbers in brackets so '0.5×(−0.5)' reads unambiguously."""
    text = fmt_number(value)
    return f"({text})" if text.startswith("−") else text


def fmt_array(values: np.ndarray) -> str:
    """[a, b] for vectors, [[a, b], [c, d]] for matrices, a bare number for scalars."""
    arr = np.asarray(values)
    if arr.ndim == 0:
        return fmt_number(arr.item())
    return "[" + ", ".join(fmt_array(v) for v in arr) + "]"


def _small(*arrays: np.ndarray | None) -> bool:
    return all(a is not None and np.asarray(a).size <= SMALL for a in arrays)


def _first(tensors: dict[str, np.ndarray], name: str) -> np.ndarray | None:
    """The first sample of a batch-first tensor, or None if absent or empty."""
    t = tensors.get(name)
    if t is None:
        return None
    t = np.asarray(t)
    return t[0] if t.ndim >= 1 and len(t) else None


def _sample_indices(tensor: np.ndarray | None, limit: int | None = None) -> list[Index]:
    """Indices (0, *rest) of every entry of the first sample (or its first `limit` entries, flat)."""
    if tensor is None or np.asarray(tensor).ndim == 0:
        return []
    shape = np.asarray(tensor).shape[1:]
    idx = [(0, *i) for i in np.ndindex(*shape)] if shape else [(0,)]
    return idx[:limit] if limit is not None else idx


def _all_indices(tensor: np.ndarray | None) -> list[Index]:
    return [] if tensor is None else [tuple(i) for i in np.ndindex(*np.asarray(tensor).shape)]


def _sub(i: int) -> str:
    """Unit number as a subscript, 1-based as a learner counts: 0 -> '₁'."""
    return str(i + 1).translate(str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉"))


# --------------------------------------------------------------------------- activations
_ACT_SYMBOL = {"sigmoid": "σ", "tanh": "tanh", "relu": "ReLU", "leaky_relu": "LeakyReLU", "elu": "ELU",
               "gelu": "GELU", "softmax": "softmax", "identity": "id"}


def _act_name(key: str) -> str:
    return _ACT_SYMBOL.get(key, key)


def _elementwise_line(lhs: str, fn: str, arg: np.ndarray, out: np.ndarray) -> str:
    if arg.size == 1:
        return f"{lhs} = {fn}({fmt_number(arg.item())}) = {fmt_number(out.item())}"
    return f"{lhs} = {fn}({fmt_array(arg)}) = {fmt_array(out)}"


def _derivative_values(grad_out: np.ndarray, delta: np.ndarray,
                       act: str, z: np.ndarray | None, a: np.ndarray | None) -> np.ndarray | None:
    """f'(z) per entry: from z / a when the forward values are known, else delta / grad_output.

    The ratio is exact wherever grad_output != 0; where it is 0, delta is 0 whatever f'(z) is,
    so the formula still adds up (the panel shows those entries as 0)."""
    if act == "sigmoid" and a is not None:
        return a * (1 - a)
    if act == "tanh" and a is not None:
        return 1 - a * a
    if act == "relu" and z is not None:
        return (z > 0).astype(float)
    if act == "identity":
        return np.ones_like(delta)
    with np.errstate(divide="ignore", invalid="ignore"):
        return np.where(grad_out != 0, delta / np.where(grad_out != 0, grad_out, 1), 0.0)


# --------------------------------------------------------------------------- dense
def _dense_forward(hp: dict[str, Any], t: dict[str, np.ndarray]) -> Formula:
    act = hp.get("activation", "none")
    bias = hp.get("use_bias", True)
    lines = ["z = W·x + b" if bias else "z = W·x"]
    if act != "none":
        lines.append(f"a = {_act_name(act)}(z)")
    symbolic = "\n".join(lines) + "\n(W: units × inputs, x: this layer's input, one sample a column)"
    x, out = _first(t, "input"), _first(t, "output")
    z = _first(t, "z") if act != "none" else out
    w, b = t.get("weight"), t.get("bias")
    if x is None or z is None or out is None or x.size > SMALL:
        return Formula(symbolic, None, {}, "Forward · Dense")
    z, out, x = z.reshape(-1), out.reshape(-1), x.reshape(-1)
    hl: dict[str, list[Index]] = {"input": _sample_indices(t["input"])}
    numeric: list[str] = []
    shown = min(len(z), MAX_UNIT_LINES)
    if w is not None and w.shape == (len(z), len(x)):
        for j in range(shown):
            products = " + ".join(f"{_term(w[j, i])}×{_term(x[i])}" for i in range(len(x)))
            b_text = f" + {_term(b[j])}" if bias and b is not None else ""
            numeric.append(f"z{_sub(j)} = {products}{b_text} = {fmt_number(z[j])}")
        hl["weight"] = [(j, i) for j in range(shown) for i in range(len(x))]
        if bias and b is not None:
            hl["bias"] = [(j,) for j in range(shown)]
    else:
        numeric.append(f"z = {fmt_array(z[:shown])}")
    if act != "none":
        for j in range(shown):
            numeric.append(f"a{_sub(j)} = {_act_name(act)}({fmt_number(z[j])}) = {fmt_number(out[j])}")
        hl["z"] = [(0, j) for j in range(shown)]
    hl["output"] = [(0, j) for j in range(shown)]
    if len(z) > shown:
        numeric.append(f"… {len(z) - shown} more units (see the tensor panel)")
    return Formula(symbolic, "\n".join(numeric), hl, "Forward · Dense")


def _dense_backward(hp: dict[str, Any], t: dict[str, np.ndarray]) -> Formula:
    act = hp.get("activation", "none")
    bias = hp.get("use_bias", True)
    lines = []
    if act != "none":
        lines += ["δ = ∂L/∂a ⊙ f'(z)", f"   {derivative_text(act).replace('s(z)', 'σ(z)')}"]
    else:
        lines.append("δ = ∂L/∂z (no activation: δ = grad_output)")
    lines.append("∂L/∂W = δ·xᵀ  (summed over the batch)")
    if bias:
        lines.append("∂L/∂b = δ  (summed over the batch)")
    lines.append("∂L/∂x = Wᵀ·δ  (passed back to the previous layer)")
    symbolic = "\n".join(lines)
    g, d = _first(t, "grad_output"), _first(t, "delta")
    x, w = _first(t, "input"), t.get("weight")
    n = len(t["delta"]) if t.get("delta") is not None else 0
    if g is None or d is None or not _small(g, d) or (x is not None and x.size > SMALL):
        return Formula(symbolic, None, {}, "Backward · Dense")
    g, d = g.reshape(-1), d.reshape(-1)
    hl: dict[str, list[Index]] = {"grad_output": _sample_indices(t["grad_output"]),
                                  "delta": _sample_indices(t["delta"])}
    numeric = []
    if act != "none":
        z, a = _first(t, "z"), _first(t, "output")
        fprime = _derivative_values(g, d, act, None if z is None else z.reshape(-1),
                                    None if a is None else a.reshape(-1))
        shown = min(len(d), MAX_UNIT_LINES)
        for j in range(shown):
            if act == "sigmoid" and a is not None:
                aj = a.reshape(-1)[j]
                fp = f"{fmt_number(aj)}×(1 − {fmt_number(aj)})"
            else:
                fp = fmt_number(fprime[j])
            numeric.append(f"δ{_sub(j)} = {_term(g[j])} × {fp} = {fmt_number(d[j])}")
    else:
        numeric.append(f"δ = {fmt_array(d)}")
    gw = t.get("grad_weight")
    if gw is not None and x is not None and gw.size <= SMALL:
        x = x.reshape(-1)
        outer = np.outer(d, x)
        if n == 1:
            numeric.append(f"∂L/∂W = δ·xᵀ = {fmt_array(d)}·{fmt_array(x)}ᵀ = {fmt_array(gw)}")
        else:
            numeric.append(f"sample 1: δ·xᵀ = {fmt_array(d)}·{fmt_array(x)}ᵀ = {fmt_array(outer)}")
            numeric.append(f"∂L/∂W (sum of {n} samples) = {fmt_array(gw)}")
        hl["input"] = _sample_indices(t["input"])
        hl["grad_weight"] = _all_indices(gw)
    elif gw is not None and gw.size <= SMALL:
        numeric.append(f"∂L/∂W = {fmt_array(gw)}")
        hl["grad_weight"] = _all_indices(gw)
    gb = t.get("grad_bias")
    if bias and gb is not None and gb.size <= SMALL:
        numeric.append(f"∂L/∂b = {fmt_array(gb)}")
        hl["grad_bias"] = _all_indices(gb)
    gi = _first(t, "grad_input")
    if gi is not None and w is not None and gi.size <= SMALL and np.asarray(w).size <= SMALL:
        numeric.append(f"∂L/∂x = Wᵀ·δ = {fmt_array(np.asarray(w).T)}·{fmt_array(d)} = {fmt_array(gi)}")
        hl["grad_input"] = _sample_indices(t["grad_input"])
    return Formula(symbolic, "\n".join(numeric), hl, "Backward · Dense")


# --------------------------------------------------------------------------- convolution
def _conv_forward(hp: dict[str, Any], t: dict[str, np.ndarray]) -> Formula:
    """z at output channel 1, position (1, 1) of sample 1: the window of x times the first filter."""
    act = hp.get("activation", "none")
    key = "conv2d"
    title = f"Forward · {key}"  # the layer key, like the other layers' titles (a name, not translated)
    symbolic = _SYMBOLIC[(key, "forward")] + (f"\na = {_act_name(act)}(z)" if act != "none" else "")
    x, w, b = t.get("input"), t.get("weight"), t.get("bias")
    z = t.get("z") if act != "none" else t.get("output")
    if x is None or w is None or z is None or np.ndim(x) != 4 or np.ndim(w) != 4:
        return Formula(symbolic, None, {}, title)
    kh, kw = w.shape[2:]
    ph, pw = tuple(hp.get("padding", (0, 0)))
    padded = np.pad(np.asarray(x[0], dtype=float), ((0, 0), (ph, ph), (pw, pw)))
    patch = padded[:, :kh, :kw]
    value = float(np.sum(w[0] * patch) + (b[0] if b is not None else 0.0))
    lines = []
    if w[0].size <= SMALL:
        terms = " + ".join(f"{_term(wv)}×{_term(xv)}" for wv, xv in zip(w[0].ravel(), patch.ravel(), strict=True))
        lines.append(f"z[1; 1,1] = {terms}" + (f" + {_term(b[0])}" if b is not None else "")
                     + f" = {fmt_number(z[0, 0, 0, 0])}")
    else:
        # Symbols only (no words): the panel translates words, and this line needs none.
        lines.append(f"z[1; 1,1] = Σ W[1]⊙x[:, 1..{kh}, 1..{kw}]"
                     + (f" + {_term(b[0])}" if b is not None else "") + f" = {fmt_number(z[0, 0, 0, 0])}")
    if act != "none":
        lines.append(f"a[1; 1,1] = {_act_name(act)}({fmt_number(z[0, 0, 0, 0])}) = "
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
    # value is recomputed here only to guard the layout assumptions (PyTorch's cross-correlation).
    if not np.isclose(value, float(z[0, 0, 0, 0]), rtol=1e-4, atol=1e-5):
        return Formula(symbolic, None, {}, title)
    return Formula(symbolic, "\n".join(lines), hl, title)


# --------------------------------------------------------------------------- activation nodes
def _activation_forward(key: str, hp: dict[str, Any], t: dict[str, np.ndarray]) -> Formula:
    symbolic = ("a_i = exp(x_i) / Σ_j exp(x_j)" if key == "softmax" else f"a = {_act_name(key)}(x)")
    x, a = _first(t, "input"), _first(t, "output")
    if x is None or a is None or not _small(x, a):
        return Formula(symbolic, None, {}, f"Forward · {key}")
    numeric = _elementwise_line("a", _act_name(key), x.reshape(-1), a.reshape(-1))
    return Formula(symbolic, numeric, {"input": _sample_indices(t["input"]),
                                       "output": _sample_indices(t["output"])}, f"Forward · {key}")


def _activation_backward(key: str, hp: dict[str, Any], t: dict[str, np.ndarray]) -> Formula:
    symbolic = f"∂L/∂x = ∂L/∂a ⊙ f'(x)\n   {derivative_text(key).replace('z', 'x')}"
    g, d = _first(t, "grad_output"), _first(t, "grad_input")
    if g is None or d is None or not _small(g, d):
        return Formula(symbolic, None, {}, f"Backward · {key}")
    numeric = f"∂L/∂x = {fmt_array(g.reshape(-1))} ⊙ f'(x) = {fmt_array(d.reshape(-1))}"
    return Formula(symbolic, numeric, {"grad_output": _sample_indices(t["grad_output"]),
                                       "grad_input": _sample_indices(t["grad_input"])}, f"Backward · {key}")


# --------------------------------------------------------------------------- losses
_LOSS_SYMBOLIC = {
    "mse": "L = mean((ŷ − y)²)\n∂L/∂ŷ = 2(ŷ − y) / n",
    "l1": "L = mean(|ŷ − y|)\n∂L/∂ŷ = sign(ŷ − y) / n",
    "bce": "L = −mean(y·log ŷ + (1 − y)·log(1 − ŷ))\n∂L/∂ŷ = (ŷ − y) / (ŷ(1 − ŷ)) / n",
    "bce_logits": "L = −mean(y·log σ(z) + (1 − y)·log(1 − σ(z)))\n∂L/∂z = (σ(z) − y) / n",
    "cross_entropy": "L = −mean(log softmax(z)[y])\n∂L/∂z = (softmax(z) − onehot(y)) / N",
    "nll_probs": "L = −mean(log ŷ[y])\n∂L/∂ŷ[y] = −1 / (ŷ[y]·N)",
}


def _loss(settings: Any, t: dict[str, np.ndarray]) -> Formula:
    key = getattr(settings, "loss", None) or "mse"
    symbolic = _LOSS_SYMBOLIC.get(key, key)
    title = f"Loss · {key}"
    p, y, loss = t.get("prediction"), t.get("target"), t.get("loss")
    if p is None or y is None or loss is None:
        return Formula(symbolic, None, {}, title)
    p, y = np.asarray(p), np.asarray(y)
    value = fmt_number(np.asarray(loss).item())
    if key in ("mse", "l1") and p.size <= SMALL and p.shape == y.shape:
        pv, yv = p.reshape(-1), y.reshape(-1)
        if key == "mse":
            terms = " + ".join(f"({fmt_number(a)} − {_term(b)})²" for a, b in zip(pv, yv, strict=True))
            grad = 2 * (pv - yv) / pv.size
            grad_text = " , ".join(f"2×({fmt_number(a)} − {_term(b)})/{pv.size}" for a, b in zip(pv, yv,
                                                                                                 strict=True))
        else:
            terms = " + ".join(f"|{fmt_number(a)} − {_term(b)}|" for a, b in zip(pv, yv, strict=True))
            grad = np.sign(pv - yv) / pv.size
            grad_text = " , ".join(f"sign({fmt_number(a)} − {_term(b)})/{pv.size}"
                                   for a, b in zip(pv, yv, strict=True))
        lines = [f"L = ({terms}) / {pv.size} = {value}" if pv.size > 1 else f"L = {terms} = {value}",
                 f"∂L/∂ŷ = {grad_text} = {fmt_array(grad.reshape(p.shape)[0] if p.ndim > 1 else grad)}"]
        hl = {"prediction": _all_indices(p), "target": _all_indices(y), "loss": [()]}
        return Formula(symbolic, "\n".join(lines), hl, title)
    if key in ("cross_entropy", "nll_probs") and p.ndim == 2 and p.shape[1] <= SMALL and len(y):
        cls = int(y.reshape(-1)[0])
        if key == "cross_entropy":
            z = p[0] - p[0].max()
            prob = np.exp(z) / np.exp(z).sum()
            first = f"sample 1 (class {cls}): softmax({fmt_array(p[0])}) = {fmt_array(prob)}; " \
                    f"−log({fmt_number(prob[cls])}) = {fmt_number(-np.log(prob[cls]))}"
        else:
            with np.errstate(divide="ignore"):
                first = f"sample 1 (class {cls}): −log({fmt_number(p[0, cls])}) = " \
                        f"{fmt_number(-np.log(p[0, cls]))}"
        lines = [first, f"L = mean over {len(p)} samples = {value}"]
        hl = {"prediction": _sample_indices(p), "target": [(0,)]}
        return Formula(symbolic, "\n".join(lines), hl, title)
    if key in ("bce", "bce_logits") and p.size <= SMALL and p.shape == y.shape:
        lines = [f"ŷ = {fmt_array(p.reshape(-1))}, y = {fmt_array(y.reshape(-1))}", f"L = {value}"]
        return Formula(symbolic, "\n".join(lines), {"prediction": _all_indices(p), "target": _all_indices(y)},
                       title)
    return Formula(symbolic, f"L = {value}", {"loss": [()]}, title)


# --------------------------------------------------------------------------- update
def _update_symbolic(s: Any) -> str:
    opt = getattr(s, "optimizer", "sgd")
    wd = getattr(s, "weight_decay", 0.0)
    lines = []
    if wd and opt != "adamw":
        lines.append("g ← g + λ·W  (weight decay)")
    if opt == "sgd":
        if getattr(s, "momentum", 0.0):
            lines.append("v ← μ·v + g")
            lines.append("W ← W − η·(g + μ·v)" if getattr(s, "nesterov", False) else "W ← W − η·v")
        else:
            lines.append("W ← W − η·g")
    elif opt in ("adam", "adamw"):
        if opt == "adamw" and wd:
            lines.append("W ← W·(1 − η·λ)  (decoupled weight decay)")
        lines += ["m ← β₁·m + (1 − β₁)·g", "v ← β₂·v + (1 − β₂)·g²",
                  "m̂ = m / (1 − β₁ᵗ),  v̂ = v / (1 − β₂ᵗ)", "W ← W − η·m̂ / (√v̂ + ε)"]
    elif opt == "rmsprop":
        lines.append("v ← α·v + (1 − α)·g²")
        if getattr(s, "momentum", 0.0):
            lines += ["b ← μ·b + g / (√v + ε)", "W ← W − η·b"]
        else:
            lines.append("W ← W − η·g / (√v + ε)")
    lines.append("(g = ∂L/∂W, η = learning rate)")
    return "\n".join(lines)


def _update(s: Any, t: dict[str, np.ndarray]) -> Formula:
    symbolic = _update_symbolic(s)
    params = [name[len("update_"):] for name in t if name.startswith("update_")]
    title = f"Update · {getattr(s, 'optimizer', 'sgd')}"
    if not params or not all(_small(t.get(p)) for p in params):
        return Formula(symbolic, None, {}, title)
    lr = getattr(s, "lr", None)
    plain_sgd = (getattr(s, "optimizer", "sgd") == "sgd" and not getattr(s, "momentum", 0.0)
                 and not getattr(s, "weight_decay", 0.0) and lr)
    numeric, hl = [], {}
    for name in params:
        new, change = np.asarray(t[name]), np.asarray(t[f"update_{name}"])
        old = new - change
        sym = {"weight": "W", "bias": "b"}.get(name, name)
        grad = t.get(f"grad_{name}")
        if plain_sgd:
            g = np.asarray(grad) if grad is not None else -change / lr
            numeric.append(f"{sym} = {fmt_array(old)} − {fmt_number(lr)} × {fmt_array(g)} = {fmt_array(new)}")
        else:
            numeric.append(f"{sym} = {fmt_array(old)} + Δ{sym} {fmt_array(change)} = {fmt_array(new)}")
        hl[name] = _all_indices(new)
        hl[f"update_{name}"] = _all_indices(change)
    return Formula(symbolic, "\n".join(numeric), hl, title)


# --------------------------------------------------------------------------- other layers (symbolic)
_SYMBOLIC: dict[tuple[str, str], str] = {
    ("input", "forward"): "a = x  (the batch's inputs enter here)",
    ("flatten", "forward"): "a = x reshaped to (N, C·H·W)",
    ("flatten", "backward"): "∂L/∂x = ∂L/∂a reshaped back to x's shape",
    ("reshape", "forward"): "a = x reshaped (same values, new shape)",
    ("reshape", "backward"): "∂L/∂x = ∂L/∂a reshaped back to x's shape",
    ("conv2d", "forward"): "z[o,i,j] = b[o] + Σ_c Σ_u Σ_v W[o,c,u,v]·x[c, i·s+u, j·s+v]",
    ("conv2d", "backward"): "∂L/∂W[o,c,u,v] = Σ_n Σ_i Σ_j δ[o,i,j]·x[c, i·s+u, j·s+v]\n"
                            "∂L/∂b[o] = Σ δ[o,·,·]\n∂L/∂x = δ convolved with the flipped W",
    ("maxpool2d", "forward"): "a[c,i,j] = max of x over window (i, j)",
    ("maxpool2d", "backward"): "∂L/∂x = ∂L/∂a routed to the position of each window's maximum",
    ("avgpool2d", "forward"): "a[c,i,j] = mean of x over window (i, j)",
    ("avgpool2d", "backward"): "∂L/∂x = ∂L/∂a / (k·k) spread evenly over each window",
    ("batchnorm1d", "forward"): "x̂ = (x − μ_B) / √(σ²_B + ε)\na = γ·x̂ + β",
    ("batchnorm2d", "forward"): "x̂ = (x − μ_B) / √(σ²_B + ε)  (per channel)\na = γ·x̂ + β",
    ("batchnorm1d", "backward"): "∂L/∂γ = Σ ∂L/∂a·x̂,  ∂L/∂β = Σ ∂L/∂a\n∂L/∂x through x̂, μ_B and σ²_B",
    ("batchnorm2d", "backward"): "∂L/∂γ = Σ ∂L/∂a·x̂,  ∂L/∂β = Σ ∂L/∂a  (per channel)\n"
                                 "∂L/∂x through x̂, μ_B and σ²_B",
    ("dropout", "forward"): "a = x ⊙ m / (1 − p),  m ~ Bernoulli(1 − p)  (training only)",
    ("dropout", "backward"): "∂L/∂x = ∂L/∂a ⊙ m / (1 − p)",
    ("add", "forward"): "a = x₁ + x₂ + …",
    ("add", "backward"): "∂L/∂xₖ = ∂L/∂a  for every input k",
    ("concatenate", "forward"): "a = [x₁, x₂, …]  (joined along the axis)",
    ("concatenate", "backward"): "∂L/∂xₖ = the slice of ∂L/∂a that came from input k",
    # Symbols only: these read the same in every language.
    ("embedding", "forward"): "a_t = E[x_t, :]",
    ("embedding", "backward"): "∂L/∂E[x_t, :] += ∂L/∂a_t",
    ("last_step", "forward"): "a = h_T",
    ("last_step", "backward"): "∂L/∂h_T = ∂L/∂a,   ∂L/∂h_t = 0  (t < T)",
}

_ACTIVATION_KEYS = frozenset(_ACT_SYMBOL)


def formula_for(layer_key: str, hp: dict[str, Any], phase: str, tensors: dict[str, np.ndarray],
                settings: Any) -> Formula | None:
    """The formula for one micro-step.

    layer_key: the node's type ("dense", "sigmoid", ...); ignored for the loss phase, which uses
    settings.loss. phase: batch | forward | loss | backward | update. tensors: the micro-step's
    named tensors (batch first), optionally with context (input/z/output/weight/bias) for numbers.
    Returns None where there is nothing to show.
    """
    if phase == "batch":
        x = tensors.get("x")
        n = len(x) if x is not None and np.ndim(x) else 0
        return Formula(f"x, y = the next batch ({n} samples)", None, {}, "Batch")
    if phase == "loss":
        return _loss(settings, tensors)
    if phase == "update":
        return _update(settings, tensors)
    if layer_key == "dense":
        if phase == "forward":
            return _dense_forward(hp, tensors)
        return _dense_backward(hp, tensors) if phase == "backward" else None
    if layer_key in _ACTIVATION_KEYS:
        if phase == "forward":
            return _activation_forward(layer_key, hp, tensors)
        if phase == "backward":
            return _activation_backward(layer_key, hp, tensors)
        return None
    if layer_key in ("rnn", "lstm", "gru"):
        from nnviz.engine.sequence_formulas import time_step_formula  # one formula per time step

        return time_step_formula(layer_key, hp, phase, tensors)
    if layer_key == "conv2d" and phase == "forward":
        return _conv_forward(hp, tensors)
    text = _SYMBOLIC.get((layer_key, phase))
    if text is None:
        return None
    act = hp.get("activation", "none")
    if act != "none" and layer_key == "conv2d":
        if phase == "forward":
            text += f"\na = {_act_name(act)}(z)"
        else:
            text += f"\nδ = ∂L/∂a ⊙ f'(z)  ({derivative_text(act)})"
    return Formula(text, None, {}, f"{phase.title()} · {layer_key}")
