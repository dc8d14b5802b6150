"""Dense layers and activation nodes: z, a, δ, ∂L/∂W, ∂L/∂b, ∂L/∂x and the mistakes made on each."""

from __future__ import annotations

import numpy as np

from nnviz.engine import activations
from nnviz.engine.formula_text import fmt_number, sub
from nnviz.exercise.question import Situation, Worked, recipe
from nnviz.exercise.recipes.shared import Variants, combined, sample_note, show, slopes
from nnviz.i18n import Message


def _flat(t: np.ndarray) -> np.ndarray:
    return np.asarray(t, dtype=float).reshape(len(t), -1)


@recipe("forward", "dense", default="output")
def dense_forward(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t = sit.tensors
    if tensor not in ("z", "output") or len(index) != 2:  # a Dense over a sequence (T, F): judged, not diagnosed
        return None
    b, j = index
    x, w = _flat(t["input"])[b], np.asarray(t["weight"], dtype=float)
    bias = np.asarray(t["bias"], dtype=float) if "bias" in t else np.zeros(len(w))
    act = sit.hp.get("activation", "none")
    rows: list[tuple[tuple[str, ...], np.ndarray]] = [(("bias_left_out",), w @ x)]
    if w.shape[0] == w.shape[1]:
        rows.append((("transposed",), w.T @ x + bias))
    expected = float(np.asarray(t[tensor], dtype=float)[index])
    fused = "z" in t
    given = [f"x = {show(x)}", f"W[{j + 1},:] = {show(w[j])}", f"b{sub(j)} = {fmt_number(bias[j])}"]
    if tensor == "z" or not fused:
        candidates = [(k, float(row[j])) for k, row in rows]
        if fused:
            candidates.append((("a_for_z",), float(t["output"][index])))
        return Worked(expected, candidates, Message(
            "z is a weighted sum: multiply each input by its weight in row {row} of W, add the products, "
            "then add the bias.", row=j + 1), given, f"z{sub(j)}{sample_note(b)}")
    candidates = [(k, float(activations.forward(act, row, sit.hp)[j])) for k, row in rows]
    candidates.append((("z_for_a",), float(t["z"][index])))
    given.append(f"f = {act}")
    return Worked(expected, candidates, Message(
        "First z = W·x + b for this unit (row {row} of W), then apply the activation: a = f(z).", row=j + 1),
        given, f"a{sub(j)}{sample_note(b)}")


@recipe("forward", "activation", default="output")
def activation_forward(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t = sit.tensors
    if tensor != "output" or t.get("input") is None:
        return None
    x = np.asarray(t["input"], dtype=float)
    return Worked(float(t["output"][index]), [(("z_for_a",), float(x[index]))],
                  Message("Apply the activation {f} to this node's input.", f=sit.layer_key),
                  [f"x = {show(x[index[:-1]])}" if x.ndim > 1 else f"x = {show(x)}"], f"a{sub(index[-1])}")


def _consumer_transposed(sit: Situation) -> np.ndarray | None:
    """∂L/∂a as W·δ instead of Wᵀ·δ, from the next layer's backward micro-step (square W only)."""
    if len(sit.consumers) != 1:
        return None
    nxt = sit.earlier_event("backward", sit.consumers[0])
    if nxt is None or "weight" not in nxt.tensors or "delta" not in nxt.tensors:
        return None
    w, d = np.asarray(nxt.tensors["weight"], dtype=float), np.asarray(nxt.tensors["delta"], dtype=float)
    if w.ndim != 2 or w.shape[0] != w.shape[1] or d.ndim != 2:
        return None
    return d @ w.T


def deltas(sit: Situation, act: str, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> Variants:
    """δ over the whole batch: right (keys ()) and as each mistake, or pair of mistakes, computes it."""
    out = combined(sit, slopes(sit, act, z, a, g))
    wrong_g = _consumer_transposed(sit)
    if wrong_g is not None and wrong_g.shape == g.shape:
        out.append((("transposed",), activations.backward(act, z, a, wrong_g, sit.hp)))
    return out


@recipe("backward", "dense", default="delta")
def dense_backward(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t = sit.tensors
    if np.ndim(t["grad_output"]) != 2:  # a Dense over a sequence (T, F): judged, not diagnosed
        return None
    act = sit.hp.get("activation", "none") if "z" in t else "none"
    g = np.asarray(t["grad_output"], dtype=float)
    z = np.asarray(t.get("z", g), dtype=float)
    a = np.asarray(t.get("output", g), dtype=float)
    variants = deltas(sit, act, z, a, g)
    right = np.asarray(t["delta"], dtype=float)
    x = _flat(t["input"])
    w = np.asarray(t["weight"], dtype=float)
    expected = float(np.asarray(t[tensor], dtype=float)[index])
    wrong = [(k, v) for k, v in variants if k]
    if tensor in ("delta", "grad_output"):
        b, j = index
        if tensor == "grad_output":
            wrong = [(k, v) for k, v in combined(sit, [((), g)]) if k]
        given = [f"∂L/∂a{sub(j)} = {fmt_number(g[b, j])}"]
        if "z" in t:
            given += [f"z{sub(j)} = {fmt_number(z[b, j])}", f"a{sub(j)} = {fmt_number(a[b, j])}", f"f = {act}"]
        return Worked(expected, [(k, float(v[b, j])) for k, v in wrong], Message(
            "δ = ∂L/∂a ⊙ f'(z): multiply the gradient arriving at a by the activation's slope at z."),
            given, f"δ{sub(j)}{sample_note(b)}" if tensor == "delta" else f"∂L/∂a{sub(j)}{sample_note(b)}")
    if tensor == "grad_weight":
        j, i = index
        candidates = [(k, float(v[:, j] @ x[:, i])) for k, v in wrong]
        if len(x) > 1:
            candidates.append((("mean_twice",), expected / len(x)))
        if i < w.shape[0] and j < w.shape[1]:
            candidates.append((("transposed",), float(right[:, i] @ x[:, j])))
        feed = sit.earlier_event("forward", sit.feeds[0]) if sit.feeds else None
        if feed is not None and "z" in feed.tensors:
            candidates.append((("z_for_a",), float(right[:, j] @ _flat(feed.tensors["z"])[:, i])))
        return Worked(expected, candidates, Message(
            "∂L/∂W[j,i] = δ_j · x_i, added up over the samples of the batch."),
            [f"δ{sub(j)} = {show(right[:, j])}", f"x{sub(i)} = {show(x[:, i])}"], f"∂L/∂W[{j + 1},{i + 1}]")
    if tensor == "grad_bias":
        (j,) = index
        candidates = [(k, float(v[:, j].sum())) for k, v in wrong]
        if len(x) > 1:
            candidates.append((("mean_twice",), expected / len(x)))
        return Worked(expected, candidates, Message("∂L/∂b_j = δ_j, added up over the samples of the batch."),
                      [f"δ{sub(j)} = {show(right[:, j])}"], f"∂L/∂b{sub(j)}")
    if tensor == "grad_input":
        b, i = index[0], index[1]
        candidates = [(k, float(w[:, i] @ v[b])) for k, v in wrong]
        if w.shape[0] == w.shape[1]:
            candidates.append((("transposed",), float(w[i] @ right[b])))
        return Worked(expected, candidates, Message(
            "∂L/∂x_i = Σ_j W[j,i]·δ_j: column {col} of W (that is Wᵀ) times δ.", col=i + 1),
            [f"δ = {show(right[b])}", f"W[:,{i + 1}] = {show(w[:, i])}"], f"∂L/∂x{sub(i)}{sample_note(b)}")
    return None


@recipe("backward", "activation", default="grad_input")
def activation_backward(sit: Situation, tensor: str, index: tuple[int, ...]) -> Worked | None:
    t = sit.tensors
    if tensor != "grad_input" or t.get("input") is None:
        return None
    g, z, a = (np.asarray(t[k], dtype=float) for k in ("grad_output", "input", "output"))
    wrong = [(k, float(v[index])) for k, v in deltas(sit, sit.layer_key or "", z, a, g) if k]
    j = index[-1]
    return Worked(float(t["grad_input"][index]), wrong, Message(
        "∂L/∂x = ∂L/∂a ⊙ f'(x): the gradient arriving times the activation's slope at its input x."),
        [f"∂L/∂a{sub(j)} = {fmt_number(g[index])}", f"x{sub(j)} = {fmt_number(z[index])}",
         f"a{sub(j)} = {fmt_number(a[index])}"], f"∂L/∂x{sub(j)}")
