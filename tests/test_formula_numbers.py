"""Every number a formula substitutes is the micro-step's own: on random networks covering every layer,
activation (fused or a node), loss and optimiser, each numeric line is parsed back, its arithmetic
re-evaluated, and its result compared with the tensor entry it names. Softmax is the vector it is, and
no number is written "−0"."""

from __future__ import annotations

import ast
import math
import re

import numpy as np
import pytest

from nnviz.data.dataset import Dataset
from nnviz.engine.formula_text import fmt_array, fmt_number
from nnviz.engine.session import Session
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from tests.test_engine_helpers import make_layer

ACTIVATIONS = ["relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "softmax", "identity", "none"]
LOSSES = ["mse", "l1", "bce", "bce_logits", "cross_entropy", "nll_probs"]
OPTIMISERS = [dict(optimizer="sgd"), dict(optimizer="sgd", momentum=0.9), dict(optimizer="sgd", momentum=0.8,
              nesterov=True, weight_decay=0.01), dict(optimizer="adam"), dict(optimizer="adamw", weight_decay=0.1),
              dict(optimizer="rmsprop"), dict(optimizer="rmsprop", momentum=0.5, weight_decay=0.01),
              dict(optimizer="adam", weight_decay=0.05)]
FAMILIES = ["mlp", "cnn", "merge"]
CASES = 16


# --------------------------------------------------------------------------- building random networks
def chain(doc: GraphDocument, layers: list[tuple[str, dict]], start: str | None = None) -> str:
    last = start
    for key, params in layers:
        node = doc.add_node(key, params=params)
        if last is not None:
            doc.connect(last, node.id)
        last = node.id
    return last


def output_layers(loss: str, classes: int, targets: int, act: str) -> list[tuple[str, dict]]:
    if loss == "nll_probs":
        return [("dense", {"units": classes, "activation": "softmax"})]
    if loss == "cross_entropy":
        return [("dense", {"units": classes})]
    if loss == "bce":
        return [("dense", {"units": 1, "activation": "sigmoid"})]
    if loss == "bce_logits":
        return [("dense", {"units": 1})]
    return [("dense", {"units": targets, "activation": act})]


def random_case(i: int) -> tuple[GraphDocument, Dataset]:
    rng = np.random.default_rng(1000 + i)
    act = ACTIVATIONS[i % len(ACTIVATIONS)]
    act = "none" if act == "identity" else act  # fused activations have "none"; identity is a node
    loss = LOSSES[i % len(LOSSES)]
    family = FAMILIES[i % len(FAMILIES)]
    classes, targets, n = int(rng.integers(2, 4)), int(rng.integers(1, 3)), 8
    doc = GraphDocument()
    if family == "cnn":
        shape = (int(rng.integers(1, 3)), 5, 5)
        pool = "maxpool2d" if i % 2 else "avgpool2d"
        conv = {"out_channels": 2, "kernel_size": int(rng.integers(2, 4)), "padding": int(rng.integers(0, 2)),
                "stride": int(rng.integers(1, 3)), "activation": act if act != "softmax" else "relu"}
        chain(doc, [("input", {"shape": shape}), ("conv2d", conv), ("batchnorm2d", {}),
                    (pool, {"kernel_size": 2, "padding": int(rng.integers(0, 2))}), ("flatten", {}),
                    *output_layers(loss, classes, targets, act)])
    elif family == "merge":
        shape = (int(rng.integers(2, 4)),)
        inp = chain(doc, [("input", {"shape": shape})])
        left = chain(doc, [("dense", {"units": 3, "activation": act}), (ACTIVATIONS[(i // 3 + 6) % 8], {})], inp)
        right = chain(doc, [("dense", {"units": 3, "use_bias": False}), ("batchnorm1d", {})], inp)
        merge = doc.add_node("add" if i % 2 else "concatenate")
        doc.connect(left, merge.id)
        doc.connect(right, merge.id, 1)
        chain(doc, [("dropout", {"p": 0.3}), *output_layers(loss, classes, targets, act)], merge.id)
    else:
        shape = (int(rng.integers(2, 5)),)
        hidden = ACTIVATIONS[(i // 3) % 8]  # every activation as a node across the cases
        chain(doc, [("input", {"shape": shape}), ("dense", {"units": int(rng.integers(2, 5)), "activation": act}),
                    (hidden, {}), ("dense", {"units": 3, "activation": hidden}),
                    *output_layers(loss, classes, targets, act)])
    opt = OPTIMISERS[i % len(OPTIMISERS)]
    doc.training = TrainingSettings(loss=loss, lr=0.1, batch_size=int(rng.choice([2, 4])), dtype="float64",
                                    seed=i, **opt)
    x = rng.normal(size=(n, *shape))
    if loss in ("cross_entropy", "nll_probs"):
        y, task, names = rng.integers(0, classes, size=n), "classification", [str(c) for c in range(classes)]
    elif loss in ("bce", "bce_logits"):
        y, task, names = rng.integers(0, 2, size=n), "classification", ["0", "1"]
    else:
        y, task, names = rng.normal(size=(n, targets)), "regression", []
    data = Dataset(x, y, x[:0], y[:0], task, name="random", class_names=names)
    return doc, data


def run_steps(doc: GraphDocument, data: Dataset, steps: int = 2) -> tuple[Session, list]:
    session = Session(doc, data)
    events = []
    while session.steps_done < steps:
        events.append(session.step())
    return session, events


# --------------------------------------------------------------------------- reading numbers back
def number(text: str) -> float:
    return float(text.strip().replace("−", "-").replace("∞", "inf"))


def array(text: str) -> np.ndarray | None:
    try:
        return np.array(ast.literal_eval(text.strip().replace("−", "-")), dtype=float)
    except (ValueError, SyntaxError):
        return None


def value_of(text: str) -> float | np.ndarray | None:
    text = text.strip()
    if text.startswith("["):
        return array(text)
    try:
        return number(text)
    except ValueError:
        return None


def agrees(shown: float | np.ndarray, actual, slack: float = 0.0) -> bool:
    """A number written with 4 significant digits equals the actual value (slack: extra absolute error)."""
    actual = np.asarray(actual, dtype=float)
    shown = np.asarray(shown, dtype=float)
    return shown.shape == actual.shape and bool(np.all(np.abs(shown - actual) <= 6e-4 * np.abs(actual) + 1e-12 + slack))


_FUNCS = {"σ": "sig", "tanh": "tanh", "log": "log", "exp": "exp", "sign": "sign", "max": "max", "√": "sqrt"}


def evaluable(segment: str) -> str | None:
    """A Python expression for a segment of pure arithmetic with numbers, or None."""
    s = segment.strip()
    s = re.sub(r"\|([^|]+)\|", r"abs(\1)", s)
    s = re.sub(r"√([\d.e−]+)", r"sqrt(\1)", s).replace("√(", "sqrt(")
    s = re.sub(r"log ([\d.e−]+)", r"log(\1)", s)
    for symbol, python in (("−∞", "-inf"), ("σ(", "sig("), ("×", "*"), ("·", "*"), ("−", "-"), ("²", "**2"),
                           ("^", "**")):
        s = s.replace(symbol, python)
    if not s or re.search(r"[^\d.e+\-*/() ,a-z]", s):
        return None
    words = set(re.findall(r"[a-z]+", s)) - {"e"}
    if not words <= {"sig", "tanh", "log", "exp", "sign", "max", "sqrt", "abs", "inf"}:
        return None
    if not re.search(r"[*/+\-]|\w\(", s.lstrip("-")):
        return None  # a bare number: nothing to evaluate
    return s


_LITERAL = re.compile(r"(?<![\w.])(\d+\.\d*(?:e[+-]?\d+)?|\d+e[+-]?\d+)")
_ENV = {"sig": lambda v: 1 / (1 + math.exp(-v)), "tanh": math.tanh, "log": lambda v: math.log(v) if v > 0 else -100,
        "exp": math.exp, "sign": lambda v: float(np.sign(v)), "max": max, "sqrt": math.sqrt, "abs": abs,
        "inf": math.inf}


def evaluate(expr: str) -> tuple[float, float]:
    """(value, tolerance): the tolerance is how far the value moves when every written decimal (4
    significant digits, so off by up to 5e-4 relative) is off by 6e-4 either way, in random directions."""
    def run(text: str) -> float:
        return float(eval(text, {"__builtins__": {}}, _ENV))  # our own formula text: digits and operators only

    value = run(expr)
    rng = np.random.default_rng(0)
    spread = 0.0
    for _ in range(16):
        factors = iter(1 + 6e-4 * rng.choice([-1.0, 1.0], size=len(_LITERAL.findall(expr))))
        moved = _LITERAL.sub(lambda m, f=factors: f"({m.group(1)}*{float(next(f))!r})", expr)
        try:
            spread = max(spread, abs(run(moved) - value))
        except (ValueError, ZeroDivisionError, OverflowError):
            spread = math.inf
    return value, spread


SUB = str.maketrans("₀₁₂₃₄₅₆₇₈₉", "0123456789")


def index_of(text: str) -> tuple[int, ...]:
    """'1; 1,2,3' or '1,2' (1-based) -> 0-based tuple."""
    return tuple(int(p) - 1 for p in re.split(r"[;,]\s*", text) if p.strip())


class Reader:
    """Resolves a line's left-hand side to the tensor entry it names, phase by phase."""

    def __init__(self, event, settings: TrainingSettings) -> None:
        self.t, self.phase, self.s = event.tensors, event.phase, settings
        self.param: str | None = None  # the parameter an update's lines are about

    def resolve(self, lhs: str):
        t, lhs = self.t, re.sub(r"\s*\((?:sum of \d+ samples|sample 1)\)$", "", lhs.strip())
        m = re.fullmatch(r"(.+?)([₀-₉]+)", lhs)
        unit = int(m.group(2).translate(SUB)) - 1 if m else None
        name = m.group(1) if m else lhs
        m = re.fullmatch(r"(.+?)\[([\d;, ]+)\]", name)
        index = index_of(m.group(2)) if m else None
        name = m.group(1) if m else name
        if self.phase == "update":
            return self._update(lhs, name, index)
        if self.phase == "loss":
            table = {"L": "loss", "∂L/∂ŷ": "grad_prediction", "∂L/∂z": "grad_prediction"}
        elif self.phase == "forward":
            table = {"z": "z" if "z" in t else "output", "a": "output", "x̂": "x_hat", "μ_B": "mean", "σ²_B": "var"}
        else:
            table = {"δ": "delta", "∂L/∂x": "grad_input", "∂L/∂W": "grad_weight", "∂L/∂b": "grad_bias",
                     "∂L/∂γ": "grad_weight", "∂L/∂β": "grad_bias", "∂L/∂x̂": None}
        tensor = table.get(name)
        if tensor is None or tensor not in t:
            return None
        value = np.asarray(t[tensor])
        if unit is not None:
            return value[0].reshape(-1)[unit]
        if index is not None:
            if self.phase == "loss" and len(index) == 1:
                return value.reshape(-1)[index[0]]
            if tensor in ("grad_weight", "grad_bias", "mean", "var") and self.phase != "loss":
                return value[index]
            return value[index]
        if self.phase == "loss" and name == "L":
            return value
        if tensor in ("grad_weight", "grad_bias") or self.phase == "loss":
            return value if self.phase != "loss" else value[0]
        return value[0]

    def _update(self, lhs: str, name: str, index):
        t = self.t
        header = re.fullmatch(r"(.+?)(?:\[([\d,]+)\])?: g", lhs)
        if header:
            self.param = {"W": "weight", "b": "bias"}.get(header.group(1), header.group(1))
            self.index = index_of(header.group(2)) if header.group(2) else ()
            return np.asarray(t[f"grad_{self.param}"])[self.index]
        param = {"W": "weight", "b": "bias"}.get(name, name)
        if index is None and param in t and (self.param is None or name == "W"):
            return t[param]  # the whole tensor (plain SGD on a small one)
        if index is not None and param in t:
            return np.asarray(t[param])[index]
        state = {"m": "exp_avg", "v": {"sgd": "momentum_buffer", "rmsprop": "square_avg"}.get(self.s.optimizer,
                                                                                               "exp_avg_sq"),
                 "b": "momentum_buffer"}.get(name)
        if state is None or self.param is None:
            return None
        return np.asarray(t[f"{state}_{self.param}"])[self.index]


def check_formula(event, settings: TrainingSettings, tally: dict) -> None:
    f = event.formula
    assert f is not None, (event.phase, event.node)
    for text in (f.symbolic, f.numeric or ""):
        assert not re.search(r"[−-]0(?![.\de\d])", text), f"'−0' in {text!r}"
    for name, indices in f.highlights.items():  # the Tensors panel marks these: they must exist
        assert name in event.tensors, f"{f.title} highlights {name}, which the micro-step does not carry"
        shape = np.shape(event.tensors[name])
        for index in indices:
            assert len(index) == len(shape) and all(0 <= i < n for i, n in zip(index, shape, strict=True)), \
                f"{f.title}: {name}{list(index)} outside {shape}"
    if not f.numeric:
        return
    reader = Reader(event, settings)
    where = (f.title, event.phase)
    for line in f.numeric.splitlines():
        if " = " not in line or line.startswith("…"):
            continue
        parts = line.split(" = ")
        final = value_of(parts[-1])
        if final is None:
            continue
        for segment in parts[1:-1]:
            expr = evaluable(segment)
            if expr is not None and isinstance(final, float) and math.isfinite(final):
                value, spread = evaluate(expr)
                assert abs(value - final) <= 1.5 * spread + 6e-4 * abs(final) + 1e-9, \
                    f"{line!r}: {segment} = {value}, not {final}"
                tally.setdefault(where, [0, 0])[0] += 1
        lhs = parts[0]
        if "+=" in lhs or (":" in lhs and not lhs.endswith(": g")):
            continue
        actual = reader.resolve(lhs)
        if actual is not None:
            assert agrees(final, actual), f"{f.title}: {line!r} but the tensor holds {actual}"
            tally.setdefault(where, [0, 0])[1] += 1


# --------------------------------------------------------------------------- the tests
@pytest.mark.parametrize("case", range(CASES))
def test_substituted_numbers_are_the_micro_steps_tensors(case):
    doc, data = random_case(case)
    session, events = run_steps(doc, data)
    tally: dict = {}
    for event in events:
        check_formula(event, session.settings, tally)
    checked = {title.split(" · ")[0] for title, _ in tally}
    assert {"Forward", "Backward", "Loss", "Update"} <= checked, tally
    assert sum(n for n, _ in tally.values()) > 5 and sum(n for _, n in tally.values()) > 10, tally


def test_every_layer_loss_and_optimiser_is_checked():
    tally: dict = {}
    settings_seen = set()
    for case in range(CASES):
        doc, data = random_case(case)
        session, events = run_steps(doc, data)
        settings_seen.add(session.settings.optimizer)
        for event in events:
            check_formula(event, session.settings, tally)
    titles = {title for (title, _), (_, resolved) in tally.items() if resolved}
    for key in ("Dense", "conv2d", "maxpool2d", "avgpool2d", "batchnorm1d", "batchnorm2d"):
        assert f"Forward · {key}" in titles and f"Backward · {key}" in titles, key
    for key in ("relu", "sigmoid", "tanh", "leaky_relu", "elu", "gelu", "softmax", "identity"):
        assert f"Forward · {key}" in titles or f"Backward · {key}" in titles, key
    for key in LOSSES:
        assert f"Loss · {key}" in titles, key
    for key in ("sgd", "adam", "adamw", "rmsprop"):
        assert f"Update · {key}" in titles, key


def dense_step(act: str, grad: np.ndarray, x: np.ndarray, units: int = 3):
    layer = make_layer("dense", [(x.shape[1],)], units=units, activation=act)
    out = layer.forward([x])
    gin = layer.backward(grad)[0]
    t = {"grad_output": grad, "delta": layer.delta, "grad_weight": layer.grads["weight"],
         "grad_bias": layer.grads["bias"], "grad_input": gin, "input": x, "z": layer.z, "output": out,
         **layer.params}
    return layer, t


def test_relu_derivative_comes_from_z_even_where_the_gradient_is_zero():
    x = np.array([[1.0, 0.0]])
    layer, t = dense_step("relu", np.zeros((1, 2)), x, units=2)
    layer.params["weight"][:] = [[1.0, 0.0], [-1.0, 0.0]]
    layer.params["bias"][:] = 0
    out = layer.forward([x])
    layer.backward(np.zeros((1, 2)))
    t.update(z=layer.z, output=out, delta=layer.delta)
    numeric = layer.formula("backward", t).numeric
    assert "δ₁ = 0 × f'(1) = 0 × 1 = 0" in numeric  # z = 1: f'(z) = 1, whatever ∂L/∂a is
    assert "δ₂ = 0 × f'(−1) = 0 × 0 = 0" in numeric


def test_softmax_is_a_vector_rule_with_its_jacobian():
    rng = np.random.default_rng(4)
    x, g = rng.normal(size=(2, 3)), rng.normal(size=(2, 3))
    layer, t = dense_step("softmax", g, x)
    f = layer.formula("backward", t)
    assert "δ = J_softmaxᵀ·∂L/∂a" in f.symbolic and "f'(z)" not in f.symbolic
    a, d = t["output"][0], t["delta"][0]
    dot = float(g[0] @ a)
    assert f"= {fmt_number(dot)}" in f.numeric.splitlines()[0]
    for j in range(3):
        assert np.isclose(d[j], a[j] * (g[0, j] - dot))
        assert f"δ{'₁₂₃'[j]} = " in f.numeric and f" = {fmt_number(d[j])}" in f.numeric.splitlines()[1 + j]


def test_softmax_with_probability_cross_entropy_is_p_minus_y():
    doc, data = random_case(5)  # mlp, nll_probs: the output Dense has a softmax
    assert doc.training.loss == "nll_probs"
    session, events = run_steps(doc, data, 1)
    out = session.net.output_id
    back = next(e for e in events if e.phase == "backward" and e.node == out)
    p, d = back.tensors["output"][0], back.tensors["delta"][0]
    n, y = len(back.tensors["delta"]), int(np.flatnonzero(back.tensors["grad_output"][0])[0])
    assert np.allclose(d, (p - np.eye(len(p))[y]) / n)
    assert "δ = (p − onehot(y)) / N" in back.formula.symbolic
    line = back.formula.numeric.splitlines()[0]
    assert line.startswith("δ = (a − onehot(y)) / N = (") and line.endswith(f"/ {n} = {fmt_array(d)}")
    assert "× 0 =" not in back.formula.numeric  # the old "δ₂ = 0 × 0 = 0.1192"


def test_no_negative_zero_anywhere():
    assert fmt_number(-0.0) == "0" and fmt_array(np.array([[-0.0, 1e-30 * 0]])) == "[[0, 0]]"
    layer, t = dense_step("relu", np.array([[-0.0, 0.0, -0.0]]), np.array([[-1.0, -2.0]]))
    assert "−0" not in (layer.formula("backward", t).numeric or "").replace("−0.", "")


def test_every_formula_of_the_random_networks_reads_in_chinese():
    from nnviz.ui.widgets.i18n import formula_tr
    from tests.test_ship_i18n import english_words

    for case in range(0, CASES, 2):
        doc, data = random_case(case)
        for event in run_steps(doc, data, 1)[1]:
            f = event.formula
            phase = f.title.split(" · ")[0]  # the rest of the title is a layer key: a name
            for text in (phase, f.note, f.symbolic, f.numeric or ""):
                assert not english_words(formula_tr(text, "zh_CN")), text


def test_embedding_rows_read_and_learnt_are_the_tensors():
    doc = GraphDocument()
    chain(doc, [("input", {"shape": (3,)}), ("embedding", {"num_embeddings": 5, "embedding_dim": 3, "padding_idx": 0}),
                ("flatten", {}), ("dense", {"units": 2})])
    doc.training = TrainingSettings(loss="mse", optimizer="adam", lr=0.1, batch_size=2, dtype="float64",
                                    shuffle=False)
    rng = np.random.default_rng(7)
    x = np.array([[0, 3, 1], [2, 0, 4], [1, 1, 0], [4, 2, 3]], dtype=float)
    data = Dataset(x, rng.normal(size=(4, 2)), x[:0], np.zeros((0, 2)), "regression", name="tokens")
    session, events = run_steps(doc, data, 1)
    tally: dict = {}
    for event in events:
        check_formula(event, session.settings, tally)
    forward = next(e for e in events if e.phase == "forward" and e.formula.title == "Forward · embedding")
    backward = next(e for e in events if e.phase == "backward" and e.formula.title == "Backward · embedding")
    # Sample 1 is [0, 3, 1] and 0 is padding: the rows shown are those of tokens 3 and 1.
    assert forward.formula.numeric.splitlines()[0] == f"a[1; 2] = E[3, :] = {fmt_array(forward.tensors['weight'][3])}"
    assert backward.formula.numeric.splitlines()[1].startswith("∂L/∂E[1, :] += ∂L/∂a[1; 3] = ")
    assert tally[("Forward · embedding", "forward")][1] == 2


def recurrent_case(key: str) -> tuple[GraphDocument, Dataset]:
    doc = GraphDocument()
    chain(doc, [("input", {"shape": (4, 2)}), (key, {"hidden_size": 3}), ("dense", {"units": 1})])
    doc.training = TrainingSettings(loss="mse", optimizer="adam", lr=0.1, batch_size=2, dtype="float64")
    rng = np.random.default_rng(3)
    x, y = rng.normal(size=(4, 4, 2)), rng.normal(size=(4, 1))
    return doc, Dataset(x, y, x[:0], y[:0], "regression", name="series")


_GATES = {"lstm": ("i", "f", "g", "o"), "gru": ("r", "z", "n"), "rnn": ("",)}


@pytest.mark.parametrize("key", ["rnn", "lstm", "gru"])
def test_every_time_steps_numbers_are_its_tensors(key):
    doc, data = recurrent_case(key)
    session, events = run_steps(doc, data, 1)
    steps = [e for e in events if e.t is not None]
    checked = 0
    for event in steps:
        t, f = event.tensors, event.formula
        names = {"h_t": "h_t", "c_t": "c_t", "∂L/∂h_t": "grad_h_t", "∂L/∂c_t": "grad_c_t",
                 **{gate: f"gate_{gate}" for gate in _GATES[key] if gate},
                 **{f"δ{gate}": ("delta_t", k) for k, gate in enumerate(_GATES[key])}}
        for line in f.numeric.splitlines():
            line = line.removeprefix("sample 1, unit 1: ")
            for equation in line.split(", "):
                parts = equation.split(" = ")
                target = names.get(parts[0])
                if target is None or len(parts) < 2:
                    continue
                tensor, column = (target, 0) if isinstance(target, str) else (target[0], target[1] * 3)
                assert agrees(number(parts[-1]), t[tensor][0, column]), (event.phase, event.t, equation)
                for segment in parts[1:-1]:
                    expr = evaluable(segment)
                    if expr is not None:
                        value, spread = evaluate(expr)
                        assert abs(value - number(parts[-1])) <= 1.5 * spread + 6e-4 * abs(value) + 1e-9, equation
                checked += 1
    assert checked >= 3 * len(steps) // 2  # every forward h_t, every backward ∂L/∂h_t and δ


@pytest.mark.parametrize(("n", "english", "chinese"), [(1, "1 sample", "1 个样本"), (16, "16 samples", "16 个样本")])
def test_a_count_of_samples_reads_right_in_both_languages(n, english, chinese):
    from nnviz.engine.formula_text import samples
    from nnviz.ui.widgets.i18n import formula_tr

    batch = f"x, y = the next batch ({samples(n)})"
    mean = f"L = mean over {samples(n)} = 0.5"
    assert english in batch and "1 samples" not in batch
    assert chinese in formula_tr(batch, "zh_CN") and chinese in formula_tr(mean, "zh_CN")
    assert not re.search(r"[a-z]{3}", formula_tr(batch, "zh_CN").split("=", 1)[1])  # no English word left


def test_a_sum_of_losses_subtracts_a_negative_term():
    """Binary cross-entropy's per-sample terms are −(...): the sum reads 'a − (b)', never 'a + −(b)'."""
    import numpy as np

    from nnviz.engine.formula_text import signed_sum
    from nnviz.engine.losses import _elementwise_numbers

    assert signed_sum(["−(1)", "−(2)", "3"]) == "−(1) − (2) + 3"
    p, y = np.array([[0.4], [0.6], [0.7]]), np.array([[1.0], [0.0], [1.0]])
    lines, _ = _elementwise_numbers(p, y, p - y, "0.5", "−({y}·log({p}) + (1 − {y})·log(1 − {p}))", "{p}")
    assert "+ −" not in lines[0] and lines[0].count(" − (") == 2
