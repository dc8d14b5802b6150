"""The formula of each micro-step, symbolic and with the real numbers substituted (no Qt)."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np


@dataclass(frozen=True)
class Formula:
    symbolic: str
    numeric: str | None = None
    highlights: dict[str, list[tuple[int, ...]]] = field(default_factory=dict)


def formula_for(layer_key: str, hp: dict[str, Any], phase: str, tensors: dict[str, np.ndarray],
                settings: Any) -> Formula | None:
    """The formula for one micro-step of a layer (phase forward/backward/update) or the loss."""
    return None
