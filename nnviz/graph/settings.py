"""Training settings stored in the document: loss, optimiser and its hyper-parameters, batching, seed."""

from __future__ import annotations

import difflib
from dataclasses import asdict, dataclass, fields, replace
from typing import Any

# key -> (label, PyTorch form). Targets: integer class ids for the cross-entropies, floats otherwise.
LOSSES = {
    "mse": ("Mean squared error", "nn.MSELoss()"),
    "l1": ("Mean absolute error (L1)", "nn.L1Loss()"),
    "bce": ("Binary cross-entropy on probabilities (sigmoid output)", "nn.BCELoss()"),
    "bce_logits": ("Binary cross-entropy on logits", "nn.BCEWithLogitsLoss()"),
    "cross_entropy": ("Cross-entropy on logits (class ids)", "nn.CrossEntropyLoss()"),
    "nll_probs": ("Cross-entropy on probabilities (softmax output, class ids)", "nn.NLLLoss() on log(p)"),
}
CLASSIFICATION_LOSSES = ("bce", "bce_logits", "cross_entropy", "nll_probs")
OPTIMIZERS = {
    "sgd": "SGD (gradient descent, with optional momentum / Nesterov)",
    "adam": "Adam",
    "adamw": "AdamW",
    "rmsprop": "RMSprop",
}
DTYPES = ("float32", "float64")
# Whole-number settings: (name, lowest, highest). The highest are what the settings panel can show and a
# 32-bit seed what every random generator (NumPy's, PyTorch's) accepts.
INT_RANGES = (("batch_size", 1, 1_000_000), ("epochs", 1, 1_000_000), ("seed", 0, 2**31 - 1))


class SettingsError(ValueError):
    """A training setting is out of range; the message names it."""


@dataclass(frozen=True)
class TrainingSettings:
    loss: str = "cross_entropy"
    optimizer: str = "sgd"
    lr: float = 0.1
    momentum: float = 0.0
    nesterov: bool = False
    weight_decay: float = 0.0
    beta1: float = 0.9
    beta2: float = 0.999
    eps: float = 1e-8
    alpha: float = 0.99  # RMSprop smoothing constant
    batch_size: int = 10
    epochs: int = 100
    seed: int = 0
    dtype: str = "float32"
    shuffle: bool = True

    def __post_init__(self) -> None:
        problems = []
        if self.loss not in LOSSES:
            problems.append(f"loss must be one of {', '.join(LOSSES)}, not {self.loss!r}")
        if self.optimizer not in OPTIMIZERS:
            problems.append(f"optimizer must be one of {', '.join(OPTIMIZERS)}, not {self.optimizer!r}")
        if self.dtype not in DTYPES:
            problems.append(f"dtype must be float32 or float64, not {self.dtype!r}")
        for name, low, high in (("lr", 0.0, 1e3), ("momentum", 0.0, 1.0), ("weight_decay", 0.0, 10.0),
                                ("beta1", 0.0, 1.0), ("beta2", 0.0, 1.0), ("eps", 0.0, 1.0),
                                ("alpha", 0.0, 1.0)):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, (int, float)) or not low <= value <= high:
                problems.append(f"{name} must be a number from {low:g} to {high:g}, not {value!r}")
        for name, low, high in INT_RANGES:
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                problems.append(f"{name} must be a whole number from {low} to {high:,}, not {value!r}")
        if self.nesterov and (self.optimizer != "sgd" or self.momentum <= 0):
            problems.append("Nesterov needs SGD with a momentum above 0")
        if problems:
            raise SettingsError("; ".join(problems))

    @property
    def classification(self) -> bool:
        return self.loss in CLASSIFICATION_LOSSES

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls, values: dict[str, Any]) -> TrainingSettings:
        known = {f.name for f in fields(cls)}
        unknown = sorted(set(values) - known)
        if unknown:
            near = difflib.get_close_matches(str(unknown[0]), sorted(known), n=1, cutoff=0.6)
            hint = f": did you mean {near[0]!r}?" if near else f"; known: {', '.join(sorted(known))}"
            raise SettingsError(f"unknown training setting {unknown[0]!r}{hint}")
        return cls(**values)

    def with_(self, **changes: Any) -> TrainingSettings:
        return replace(self, **changes)
