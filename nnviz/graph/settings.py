"""Training settings stored in the document: loss, optimiser and its hyper-parameters, batching, seed.

SETTINGS is their one definition, as typed parameter specs like a layer's (graph/params.py): kind, default,
range, label, help, and which optimisers read each one. TrainingSettings validates against it, the file
format reads through it, the settings panel builds its editors from it and `nnviz train --set` parses with it.
"""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

from nnviz.graph.params import ParamError, ParamSpec
from nnviz.i18n import Message, mark, term, translate

# key -> (label, PyTorch form). Targets: integer class ids for the cross-entropies, floats otherwise.
LOSSES = {
    "mse": ("Mean squared error", "nn.MSELoss()"),
    "l1": ("Mean absolute error (L1)", "nn.L1Loss()"),
    "bce": ("Binary cross-entropy on probabilities (sigmoid output)", "nn.BCELoss()"),
    "bce_logits": ("Binary cross-entropy on logits", "nn.BCEWithLogitsLoss()"),
    "cross_entropy": ("Cross-entropy on logits (class ids)", "nn.CrossEntropyLoss()"),
    "nll_probs": ("Cross-entropy on probabilities (softmax output, class ids)", "nn.NLLLoss() on log(p)"),
    "sequence_cross_entropy": ("Cross-entropy at every position (logits (T, classes), token ids; padding 0 "
                               "ignored)", "nn.CrossEntropyLoss(ignore_index=0) on logits.transpose(1, 2)"),
}
CLASSIFICATION_LOSSES = ("bce", "bce_logits", "cross_entropy", "nll_probs", "sequence_cross_entropy")
OPTIMIZERS = {
    "sgd": "SGD (gradient descent, with optional momentum / Nesterov)",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
}
DTYPES = ("float32", "float64")


class SettingsError(ValueError):
    """A training setting is out of range; the message names it."""


@dataclass(frozen=True)
class SettingSpec(ParamSpec):
    """A training setting: a typed parameter plus the optimisers that read it (empty: read by every one)."""

    optimizers: tuple[str, ...] = ()

    @property
    def title(self) -> str:
        return self.name  # the key the file and `--set` use; the panel puts its own label beside the message

    def _check_range(self, value: float) -> None:
        low, high = self.minimum, self.maximum
        if (low is not None and value < low) or (high is not None and value > high):
            if self.kind == "int":
                raise ParamError(Message(
                    "{name} must be a whole number from {low:,} to {high:,}, not {value!r}",
                    name=self.name, low=low, high=high, value=value))
            raise ParamError(Message(
                "{name} must be a number from {low:g} to {high:g}, not {value!r}",
                name=self.name, low=low, high=high, value=value))

    def read_by(self, optimizer: str) -> bool:
        return not self.optimizers or optimizer in self.optimizers


SETTINGS: tuple[SettingSpec, ...] = (
    SettingSpec("loss", "choice", "cross_entropy", "How the output is compared with the target",
                choices=tuple(LOSSES), label="Loss"),
    SettingSpec("optimizer", "choice", "sgd", "How the gradients change the weights",
                choices=tuple(OPTIMIZERS), label="Optimiser"),
    SettingSpec("lr", "float", 0.1, "Step size of every weight update", 0.0, 1e3, label="Learning rate η"),
    SettingSpec("momentum", "float", 0.0, "Share of the last update carried into the next", 0.0, 1.0,
                label="Momentum μ", optimizers=("sgd", "rmsprop")),
    SettingSpec("nesterov", "bool", False, "Look ahead along the momentum before taking the gradient",
                label="Nesterov", optimizers=("sgd",)),
    SettingSpec("weight_decay", "float", 0.0, "Pulls every weight towards zero a little each step", 0.0, 10.0,
                label="Weight decay λ"),
    SettingSpec("beta1", "float", 0.9, "Smoothing of the gradients' running mean", 0.0, 1.0, label="β₁",
                optimizers=("adam", "adamw")),
    SettingSpec("beta2", "float", 0.999, "Smoothing of the squared gradients' running mean", 0.0, 1.0,
                label="β₂", optimizers=("adam", "adamw")),
    SettingSpec("eps", "float", 1e-8, "Added to the divisor so that it is never zero", 0.0, 1.0, label="ε",
                optimizers=("adam", "adamw", "rmsprop")),
    SettingSpec("alpha", "float", 0.99, "RMSprop's smoothing of the squared gradients", 0.0, 1.0,
                label="RMSprop α", optimizers=("rmsprop",)),
    SettingSpec("batch_size", "int", 10, "Samples per training step", 1, 1_000_000, label="Batch size"),
    SettingSpec("epochs", "int", 100, "Passes over the training data", 1, 1_000_000, label="Epochs"),
    SettingSpec("seed", "int", 0, "Same seed, same starting weights and data order", 0, 2_147_483_647,
                label="Seed"),
    SettingSpec("dtype", "choice", "float32", "Floating-point precision of every tensor", choices=DTYPES,
                label="Precision"),
    SettingSpec("shuffle", "bool", True, "Shuffle the training samples every epoch", label="Shuffle every epoch"),
    # The rewind history's checkpoints (nnviz.engine.history) stay within this; beyond it, older steps are
    # kept sparsely and rewinding to them replays longer.
    SettingSpec("history_mb", "int", 256, "Memory the rewind history may use; beyond it older steps are "
                "kept sparsely", 1, 1_000_000, label="Rewind memory (MB)"),
)
SPECS: dict[str, SettingSpec] = {spec.name: spec for spec in SETTINGS}
DEFAULT_HISTORY_MB = SPECS["history_mb"].default


@dataclass(frozen=True)
class TrainingSettings:
    loss: str = SPECS["loss"].default
    optimizer: str = SPECS["optimizer"].default
    lr: float = SPECS["lr"].default
    momentum: float = SPECS["momentum"].default
    nesterov: bool = SPECS["nesterov"].default
    weight_decay: float = SPECS["weight_decay"].default
    beta1: float = SPECS["beta1"].default
    beta2: float = SPECS["beta2"].default
    eps: float = SPECS["eps"].default
    alpha: float = SPECS["alpha"].default
    batch_size: int = SPECS["batch_size"].default
    epochs: int = SPECS["epochs"].default
    seed: int = SPECS["seed"].default
    dtype: str = SPECS["dtype"].default
    shuffle: bool = SPECS["shuffle"].default
    history_mb: int = SPECS["history_mb"].default

    def __post_init__(self) -> None:
        problems = []
        for spec in SETTINGS:
            try:
                # Canonical values (a whole-number 10.0 batch size becomes 10), set once on the frozen instance.
                object.__setattr__(self, spec.name, spec.validate(getattr(self, spec.name)))
            except ParamError as exc:
                problems.append(str(exc))
        if not problems and self.nesterov and (self.optimizer != "sgd" or self.momentum <= 0):
            problems.append("Nesterov needs SGD with a momentum above 0")
        if problems:
            raise SettingsError("; ".join(problems))

    @property
    def classification(self) -> bool:
        return self.loss in CLASSIFICATION_LOSSES

    def to_dict(self) -> dict[str, Any]:
        values = asdict(self)
        if values["history_mb"] == DEFAULT_HISTORY_MB:
            del values["history_mb"]  # a memory preference: written only when chosen, so files stay as they were
        return values

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainingSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            near = difflib.get_close_matches(str(unknown[0]), sorted(known), n=1, cutoff=0.6)
            hint = (translate(": did you mean {near!r}?", near=near[0]) if near
                    else translate("; known: {known}", known=", ".join(sorted(known))))
            raise SettingsError(Message("unknown training setting {unknown!r}{hint}", unknown=unknown[0], hint=hint))
        return cls(**values)

    def with_(self, **changes: Any) -> TrainingSettings:
        return replace(self, **changes)


def parse_setting(text: str) -> tuple[str, Any]:
    """'lr=0.01' -> ("lr", 0.01), typed and checked by the setting's spec (the command line's --set)."""
    name, sep, raw = text.partition("=")
    name, raw = name.strip(), raw.strip()
    spec = SPECS.get(name)
    if not sep or spec is None:
        raise SettingsError(Message(
            "{text!r} is not NAME=VALUE with NAME one of {specs}",
            text=text, specs=', '.join(SPECS)))
    value: Any = raw
    try:
        if spec.kind == "int":
            value = int(raw)
        elif spec.kind == "float":
            value = float(raw)
        elif spec.kind == "bool":
            if raw.lower() not in ("true", "false", "1", "0", "yes", "no"):
                raise ValueError(raw)
            value = raw.lower() in ("true", "1", "yes")
    except ValueError:
        raise SettingsError(Message(
            "{title} needs a {kind_words}, not {raw!r}",
            title=term(spec.title), kind_words=translate(_KIND_WORDS[spec.kind]), raw=raw)) from None
    try:
        return name, spec.validate(value)
    except ParamError as exc:
        raise SettingsError(str(exc)) from None


_KIND_WORDS = {"int": mark("whole number"), "float": mark("number such as 0.01 or 1e-3"), "bool": mark("true or false")}
