"""The catalogue of the mistakes learners make, each with what went wrong and what to do instead.

A mistake is recognised only by recomputing the value it gives from the micro-step's own tensors
(the recipes_* modules do that); this module holds only the words. A candidate of several keys is
those mistakes made together (the guide's own single neuron makes three: (t − a), no factor 2, σ twice).
"""

from __future__ import annotations

from nnviz.i18n import Message, mark

# key -> (short name, what is wrong and what to do), both shown to the learner.
CATALOGUE: dict[str, tuple[str, str]] = {
    "sigma_twice": (
        mark("f'(a) instead of f'(z)"),
        mark("You took the activation's slope at a = f(z), which applies the function twice (σ(σ(z))). "
             "The slope belongs at z: for the sigmoid f'(z) = σ(z)(1 − σ(z)), which is a(1 − a) "
             "with the a you already have.")),
    "error_sign": (
        mark("the sign of (a − t)"),
        mark("Your sign is flipped: the error is prediction minus target, (ŷ − y), not (y − ŷ). "
             "Every gradient after it inherits that sign.")),
    "mse_factor_2": (
        mark("MSE's factor 2 left out"),
        mark("The derivative of (ŷ − y)² is 2(ŷ − y): the factor 2 is missing.")),
    "mean_left_out": (
        mark("the mean over the batch left out"),
        mark("The loss is a mean over the batch (and the outputs), so its gradient is divided by that "
             "count N.")),
    "mean_twice": (
        mark("divided by the batch size twice"),
        mark("The 1/N of the loss's mean is already inside δ (it came with ∂L/∂ŷ). Here the samples' "
             "contributions are summed, not averaged again.")),
    "transposed": (
        mark("W instead of Wᵀ"),
        mark("Rows and columns are swapped. W has one row per unit and one column per input: the "
             "forward pass uses row j of W, and passing δ back uses Wᵀ, that is column i.")),
    "bias_left_out": (
        mark("the bias left out"),
        mark("The bias is missing: add b after the weighted sum (z = W·x + b).")),
    "second_bias_left_out": (
        mark("one of the two biases left out"),
        mark("This layer has two bias vectors (b_ih and b_hh, as in PyTorch): add both.")),
    "a_for_z": (
        mark("a instead of z"),
        mark("You gave a = f(z), the value after the activation; the question asks for z, the value "
             "before it.")),
    "z_for_a": (
        mark("z instead of a"),
        mark("You used z, the value before the activation, where a = f(z), the value after it, "
             "belongs (in the forward pass: the activation was not applied; in a slope written as "
             "a(1 − a): use a, not z).")),
    "no_derivative": (
        mark("the activation's slope left out"),
        mark("The activation's slope is missing: δ = ∂L/∂a ⊙ f'(z). Multiply by f'(z).")),
    "update_sign": (
        mark("the update's sign"),
        mark("The step goes against the gradient: W ← W − η·g (minus). You added it.")),
    "lr_left_out": (
        mark("the learning rate left out"),
        mark("The learning rate is missing: the step is η times the gradient (or η times the "
             "optimiser's direction), not the gradient alone.")),
    "change_only": (
        mark("the change instead of the new value"),
        mark("You gave the change; the question asks for the new value: the old value plus that change.")),
    "softmax_p1p": (
        mark("softmax's p(1 − p) instead of p − y"),
        mark("Softmax is not element-wise, so its slope is not p(1 − p). With cross-entropy the two "
             "derivatives combine into simply p − y (divided by N for the batch mean).")),
    "momentum_before": (
        mark("the momentum buffer from before the update"),
        mark("Update the buffer first, v ← μ·v + g, then step with the new v: W ← W − η·v.")),
    "momentum_left_out": (
        mark("momentum left out"),
        mark("With momentum the step follows the buffer v (μ·v + g), not the gradient alone.")),
    "lr_in_buffer": (
        mark("the learning rate inside the buffer"),
        mark("nnviz and PyTorch keep η out of the buffer: v ← μ·v + g, and η multiplies v in the step. "
             "(Some books put η·g in the buffer; the numbers then differ.)")),
    "ema_momentum": (
        mark("an average instead of a sum in the buffer"),
        mark("μ·v + (1 − μ)·g is an average, as Adam's m. SGD's momentum adds the whole gradient: "
             "v ← μ·v + g.")),
    "one_minus_beta_left_out": (
        mark("(1 − β) left out"),
        mark("Adam's moments are averages: m ← β₁·m + (1 − β₁)·g, and v likewise with β₂ and g². "
             "The new gradient is weighted by (1 − β).")),
    "not_squared": (
        mark("g instead of g²"),
        mark("The second moment v averages the squared gradient g², not g.")),
    "bias_correction_left_out": (
        mark("Adam's bias correction left out"),
        mark("Divide by (1 − βᵗ) before the step: m̂ = m / (1 − β₁ᵗ), v̂ = v / (1 − β₂ᵗ). Early in "
             "training m and v are still near their start at 0.")),
    "bias_corrected": (
        mark("m̂ instead of m"),
        mark("The stored moment is not corrected: the division by (1 − βᵗ) happens only in the step.")),
    "state_before": (
        mark("the value from before this step"),
        mark("You gave the stored value from before this update; update it with this step's gradient.")),
    "kernel_flipped": (
        mark("the kernel flipped"),
        mark("A Conv2D layer slides its kernel as it is (cross-correlation); you flipped it as in the "
             "mathematical convolution. Kernel entry (u, v) meets input entry (i + u, j + v).")),
    "gate_squash": (
        mark("σ and tanh swapped"),
        mark("The gates i, f and o use σ (a value between 0 and 1); the candidate g uses tanh.")),
    "hidden_left_out": (
        mark("the previous hidden state left out"),
        mark("Each gate also weighs the previous hidden state: add W_h·h_(t−1).")),
    "forget_left_out": (
        mark("the kept memory left out"),
        mark("The new cell state keeps part of the old one: c_t = f ⊙ c_(t−1) + i ⊙ g.")),
    "tanh_left_out": (
        mark("tanh of the cell state left out"),
        mark("The hidden state squashes the cell state first: h_t = o ⊙ tanh(c_t).")),
}


def name(key: str) -> str:
    return str(Message(CATALOGUE[key][0]))


def explanation(key: str) -> str:
    return str(Message(CATALOGUE[key][1]))
