"""The numbers of one attention row: sample 1, head 1, one query position (softmax(q·kᵀ/√d)·V).

The query shown is the last one that may attend to anything (with causal attention the last
position sees every key, so its row is the most instructive); masked keys are written −∞ and get
weight 0. Backward shows ∂L/∂A, ∂L/∂S and ∂L/∂q of the same row.
"""

from __future__ import annotations

import numpy as np

from nnviz.engine.formula_text import SMALL, Formula, Index, Tensors, fmt_array, fmt_number, sub, term


def _vector(values: np.ndarray, visible: np.ndarray | None = None) -> str:
    """A row of numbers, −∞ where hidden, its first SMALL entries when long."""
    shown = values[:SMALL]
    parts = [("−∞" if visible is not None and not visible[j] else fmt_number(v)) for j, v in enumerate(shown)]
    return "[" + ", ".join(parts) + (", …" if len(values) > SMALL else "") + "]"


def _query_row(t: Tensors) -> tuple[int, np.ndarray | None]:
    """(query position, visibility of its keys or None) for sample 1, head 1."""
    mask = t.get("attention_mask")
    steps = np.shape(t["attention_weights"])[-1]
    if mask is None:
        return steps - 1, None
    rows = np.asarray(mask)[0, 0] > 0
    seeing = [i for i in range(steps) if rows[i].any()]
    query = seeing[-1] if seeing else steps - 1
    return query, rows[query]


def attention_formula(phase: str, base: Formula, t: Tensors, head_dim: int) -> Formula:
    needed = ("q", "k", "v", "scores", "attention_weights")
    if any(t.get(k) is None for k in needed) or (phase == "forward" and t.get("output") is None):
        return base
    i, visible = _query_row(t)
    if phase == "backward" and t.get("grad_attention_weights") is not None:
        # The row that receives the most gradient (a position whose target is padding receives none).
        strength = np.abs(np.asarray(t["grad_attention_weights"])[0, 0]).sum(axis=-1)
        if strength.any():
            i = int(strength.argmax())
    q, k, v = (np.asarray(t[name])[0, 0] for name in ("q", "k", "v"))
    scores, weights = np.asarray(t["scores"])[0, 0, i], np.asarray(t["attention_weights"])[0, 0, i]
    root = f"√{head_dim}"
    where = f"[1; head 1, t = {i + 1}]"
    row: list[Index] = [(0, 0, i, j) for j in range(len(weights))]
    if phase == "forward":
        out = np.asarray(t["output"])[0, i]
        keys = range(len(weights)) if visible is None else [j for j in range(len(weights)) if visible[j]]
        first = next(iter(keys), 0)
        head = weights @ v
        lines = [f"q{where} = {_vector(q[i])}",
                 f"s_j = q·k_j / {root}:  s{sub(first)} = {fmt_array(q[i][:SMALL])}·{fmt_array(k[first][:SMALL])} / "
                 f"{root} = {fmt_number(scores[first])}" if len(q[i]) <= SMALL else f"s_j = q·k_j / {root}",
                 f"S{where} = {_vector(scores, visible)}",
                 f"A{where} = softmax(S) = {_vector(weights)}",
                 f"A·V{where} = Σ_j A_j·v_j = {term(weights[first])}×{fmt_array(v[first][:SMALL])} + … = "
                 f"{_vector(head)}",
                 f"a[1; t = {i + 1}] = concat(A·V)·W_Oᵀ + b_O = {_vector(out)}"]
        hl = {"q": [(0, 0, i, c) for c in range(q.shape[1])], "k": [(0, 0, first, c) for c in range(k.shape[1])],
              "scores": row, "attention_weights": row, "output": [(0, i, c) for c in range(len(out))]}
        return Formula(base.symbolic, "\n".join(lines), hl, base.title)
    grads = ("grad_attention_weights", "grad_scores", "grad_q")
    if any(t.get(name) is None for name in grads):
        return base
    g_a, g_s = np.asarray(t["grad_attention_weights"])[0, 0, i], np.asarray(t["grad_scores"])[0, 0, i]
    g_q = np.asarray(t["grad_q"])[0, 0, i]
    inner = float((g_a * weights).sum())
    lines = [f"∂L/∂A{where} = {_vector(g_a)}",
             f"Σ_j A_j·∂L/∂A_j = {fmt_number(inner)}",
             f"∂L/∂S{where} = A ⊙ (∂L/∂A − {term(inner)}) = {_vector(g_s)}",
             f"∂L/∂q{where} = Σ_j ∂L/∂S_j·k_j / {root} = {_vector(g_q)}"]
    hl = {"grad_attention_weights": row, "grad_scores": row, "attention_weights": row,
          "grad_q": [(0, 0, i, c) for c in range(len(g_q))]}
    return Formula(base.symbolic, "\n".join(lines), hl, base.title)
