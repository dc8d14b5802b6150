"""What several recipes share: the mistakes that scale a gradient, the activation's slope done wrong."""

from __future__ import annotations

import numpy as np

from nnviz.engine import activations
from nnviz.exercise.question import Situation
from nnviz.i18n import translate

Variants = list[tuple[tuple[str, ...], np.ndarray]]
CATEGORICAL = ("cross_entropy", "nll_probs")  # the mean runs over the samples
ELEMENTWISE = ("mse", "l1", "bce", "bce_logits")  # the mean runs over every predicted value
MAX_KEYS = 3  # a candidate combines at most this many mistakes
NO_SLOPE = frozenset({"none", "identity"})  # fused activations whose slope is 1: no slope mistake to make
JACOBIAN = frozenset({"softmax"})  # not element-wise: its slope mixes the entries
# f'(z) written with z where the rule's a belongs: a(1 − a) and 1 − a² evaluated at z
SLOPE_OF_A = {"sigmoid": lambda v: v * (1 - v), "tanh": lambda v: 1 - v * v}


def loss_count(sit: Situation) -> int:
    """N of the loss's mean: the samples (categorical losses) or every predicted value (element-wise ones);
    1 for a loss whose mean this module does not know, so that no mistake about N is offered."""
    loss = sit.event if sit.event.phase == "loss" else sit.earlier.get(("loss", None, None))
    if loss is None or "prediction" not in loss.tensors:
        return 1
    p = loss.tensors["prediction"]
    if sit.settings.loss in CATEGORICAL:
        return len(p)
    return int(np.size(p)) if sit.settings.loss in ELEMENTWISE else 1  # another loss: its N is not guessed


def scales(sit: Situation) -> list[tuple[tuple[str, ...], float]]:
    """Mistakes made at the loss's gradient, which every gradient after it carries as a factor."""
    out: list[tuple[tuple[str, ...], float]] = [((), 1.0), (("error_sign",), -1.0)]
    if sit.settings.loss == "mse":
        out += [(("mse_factor_2",), 0.5), (("error_sign", "mse_factor_2"), -0.5)]
    n = loss_count(sit)
    if n > 1:
        out += [(("mean_left_out",), float(n)), (("error_sign", "mean_left_out"), -float(n))]
        if sit.settings.loss == "mse":
            out.append((("mse_factor_2", "mean_left_out"), n / 2))
    return out


def slopes(sit: Situation, act: str, z: np.ndarray, a: np.ndarray, g: np.ndarray) -> Variants:
    """dL/dz from dL/da = g, right (keys ()) and as each slope mistake computes it."""
    hp = sit.hp
    right = activations.backward(act, z, a, g, hp)
    out: Variants = [((), right)]
    if act in NO_SLOPE:
        return out
    if act in JACOBIAN:
        if sit.is_output and sit.settings.loss == "nll_probs":
            # p(1 − p) taken element-wise: on the chain's ∂L/∂p, or on p − y as sigmoid's rule would be
            out += [(("softmax_p1p",), g * a * (1 - a)), (("softmax_p1p",), right * a * (1 - a))]
        return out
    with np.errstate(all="ignore"):
        twice = activations.backward(act, a, activations.forward(act, a, hp), g, hp)
    out += [(("sigma_twice",), twice), (("no_derivative",), g)]
    slope_of_a = SLOPE_OF_A.get(act)
    if slope_of_a is not None:
        out.append((("z_for_a",), g * slope_of_a(z)))
    return out


def combined(sit: Situation, variants: Variants) -> Variants:
    """Every slope variant times every scale mistake (at most MAX_KEYS mistakes together)."""
    out: Variants = []
    for s_keys, factor in scales(sit):
        for v_keys, value in variants:
            keys = s_keys + v_keys
            if len(keys) <= MAX_KEYS:
                out.append((keys, value * factor))
    return out


def sample_note(b: int) -> str:
    return " " + translate("(sample {n})", n=b + 1) if b else ""


def show(values: np.ndarray) -> str:
    from nnviz.engine.formula_text import fmt_array

    return fmt_array(np.asarray(values, dtype=float))
