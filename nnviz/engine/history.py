"""Checkpoints of the whole training state, for exact rewind and reset.

Every step the user takes by hand is checkpointed; during fast runs only every `stride`-th step is,
and rewinding to a step between checkpoints restores the one before and replays forward. The engine
is deterministic, so the replayed state is bit for bit the one that was there.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np


@dataclass
class Checkpoint:
    step: int  # completed training steps at this point (the state before step `step + 1`)
    micro: int
    epoch: int
    batch_in_epoch: int
    perm: np.ndarray | None
    network: dict[str, dict[str, np.ndarray]]
    optimizer: dict[str, dict[str, Any]]
    rng_states: list[dict[str, Any]]
    metric_lengths: tuple[int, int]


class History:
    def __init__(self, limit: int = 512) -> None:
        self.limit = limit
        self._points: dict[int, Checkpoint] = {}

    def add(self, point: Checkpoint) -> None:
        self._points[point.step] = point
        if len(self._points) > self.limit:
            self._thin()

    def _thin(self) -> None:
        # Keep step 0 (reset) and the newest half; drop every other one of the older half.
        steps = sorted(self._points)
        older = steps[1: len(steps) // 2]
        for s in older[1::2]:
            del self._points[s]

    def at_or_before(self, step: int) -> Checkpoint | None:
        best = [s for s in self._points if s <= step]
        return self._points[max(best)] if best else None

    def drop_after(self, step: int) -> None:
        for s in [s for s in self._points if s > step]:
            del self._points[s]

    def has(self, step: int) -> bool:
        return step in self._points

    def __len__(self) -> int:
        return len(self._points)
