"""The one table of symbols: the name each tensor has in the formulas (one notation across formula, tensor
list and help). The tensor list shows "δ · delta": the maths first, then the code name that CSV files and
exports use.

A name is looked up as a whole first (per layer type where a layer writes it differently: a LayerNorm's
weight is γ, an Embedding's is E), else built from its parts: grad_<t> is ∂L/∂<t>, update_<t> is Δ<t>, the
optimiser's moments of a parameter are m(<t>) and v(<t>), <t>_l<k> is layer k+1 of a stacked recurrent cell,
input_<k> is x with the 1-based subscript the merge formulas use (x₁ + x₂ + …).
"""

from __future__ import annotations

import re

# The fonts a symbol is drawn in (the Formula panel's, and a box or title that shows a symbol): serif faces that
# draw a combining mark, where the default sans (DejaVu Sans) drops the hat of x̂ and shows a bare x.
SYMBOL_FONTS = ("DejaVu Serif", "Cambria Math", "serif")
SYMBOL_FONTS_CSS = ", ".join(f"'{f}'" if " " in f else f for f in SYMBOL_FONTS)
_NORMS = ("layernorm", "batchnorm1d", "batchnorm2d")
_SUBSCRIPT = str.maketrans("0123456789", "₀₁₂₃₄₅₆₇₈₉")

# name -> symbol, or (layer type, name) -> symbol where that layer's formula writes it differently.
MATH_NAMES: dict[str | tuple[str, str], str] = {
    # one step of a feed-forward layer, the loss, the parameters
    "x": "x", "y": "y", "input": "x", "z": "z", "output": "a", "prediction": "ŷ", "target": "y", "loss": "L",
    "delta": "δ", "weight": "W", "bias": "b",
    # recurrent layers: the gates, one time step, the whole sequence (docs/sequence.md)
    "gate_i": "i", "gate_f": "f", "gate_g": "g", "gate_o": "o", "gate_r": "r", "gate_z": "z", "gate_n": "n",
    "x_t": "x_t", "h_prev": "h_(t−1)", "c_prev": "c_(t−1)", "pre_t": "z_t", "h_t": "h_t", "c_t": "c_t",
    "delta_t": "δ_t", "hidden_states": "h_t", "cell_states": "c_t", "grad_norm_per_step": "‖∂L/∂h_t‖",
    "weight_ih": "W_ih", "weight_hh": "W_hh", "bias_ih": "b_ih", "bias_hh": "b_hh", "dropout_mask": "m",
    # self-attention: [Q K V] = x·W_inᵀ + b_in, S = Q·Kᵀ/√d, A = softmax(S), a = concat(A·V)·W_Oᵀ + b_O
    "in_proj_weight": "W_in", "in_proj_bias": "b_in", "out_proj.weight": "W_O", "out_proj.bias": "b_O",
    "q": "Q", "k": "K", "v": "V", "scores": "S", "attention_weights": "A", "attention_mask": "M",
    # normalisation: x̂ = (x − μ) / √(σ² + ε), a = γ·x̂ + β
    "mean": "μ", "var": "σ²", "x_hat": "x̂",
    **{(key, "weight"): "γ" for key in _NORMS}, **{(key, "bias"): "β" for key in _NORMS},
    ("batchnorm1d", "mean"): "μ_B", ("batchnorm2d", "mean"): "μ_B",
    ("batchnorm1d", "var"): "σ²_B", ("batchnorm2d", "var"): "σ²_B",
    # tokens and positions: a_t = E[x_t, :], a_t = x_t + P[t, :]
    "token_ids": "x_t", "positions": "t", ("embedding", "weight"): "E", ("positional_embedding", "weight"): "P",
    # dropout and pooling
    "mask": "m", "argmax": "argmax x",
}

# Names built from a part: the prefix, and how the part's symbol is written in it (longest prefix first).
_PREFIXES = (("grad_", "∂L/∂{}"), ("update_", "Δ{}"), ("exp_avg_sq_", "v({})"), ("exp_avg_", "m({})"),
             ("momentum_buffer_", "v({})"), ("step_", "t({})"))


def math_name(name: str, layer: str | None = None) -> str | None:
    """The symbol of tensor `name` (written by a layer of type `layer`), or None when it has none."""
    own = MATH_NAMES.get((layer, name)) if layer else None
    if own is None:
        own = MATH_NAMES.get(name)
    if own is not None:
        return own
    for prefix, form in _PREFIXES:
        if name.startswith(prefix):
            part = math_name(name[len(prefix):], layer)
            return None if part is None else form.format(part)
    stacked = re.fullmatch(r"(.+)_l(\d+)", name)
    if stacked:
        part = math_name(stacked[1], layer)
        level = int(stacked[2])
        return part if part is None or level == 0 else f"{part}⁽{level + 1}⁾"
    merged = re.fullmatch(r"input_(\d+)", name)
    if merged:
        return "x" + str(int(merged[1]) + 1).translate(_SUBSCRIPT)
    return None


def tensor_label(name: str, layer: str | None = None) -> str:
    """What the tensor list shows for a tensor: "δ · delta", or the code name alone when it is its symbol."""
    maths = math_name(name, layer)
    return f"{maths} · {name}" if maths and maths != name else name
