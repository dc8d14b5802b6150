"""Checkpoints of the whole training state, for exact rewind and reset, within a memory budget.

Every step the user takes by hand is checkpointed; during fast runs only every `stride`-th step is,
and rewinding to a step between checkpoints restores the one before and replays forward. The engine
is deterministic, so the replayed state is bit for bit the one that was there.

The checkpoints together stay under a byte budget (the `history_mb` training setting), so memory stays
flat however long training runs. When a new checkpoint would exceed it, older ones are thinned: the
one dropped is the one whose removal leaves the smallest gap relative to its distance from the newest,
so checkpoints lie dense near the current step and ever sparser further back. Step 0 (Reset) and the
newest are always kept, so every step stays reachable; going far back may just take a longer replay,
and replay_note says so.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from nnviz.graph.settings import DEFAULT_HISTORY_MB
from nnviz.i18n import translate

MB = 1024 * 1024
OVERHEAD = 1024  # bytes per checkpoint beyond its arrays (Python objects, random states), a generous guess
NOTE_AFTER = 64  # replays longer than this many steps are announced


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

    def nbytes(self) -> int:
        """Memory this checkpoint holds: its arrays, plus a fixed allowance per object."""
        arrays = [self.perm] if self.perm is not None else []
        for group in (self.network, self.optimizer):
            arrays += [v for tensors in group.values() for v in tensors.values() if isinstance(v, np.ndarray)]
        return OVERHEAD + sum(a.nbytes + 100 for a in arrays)


class History:
    def __init__(self, budget_bytes: int = DEFAULT_HISTORY_MB * MB, limit: int = 512) -> None:
        self.budget = budget_bytes
        self.limit = limit  # at most this many checkpoints, however small
        self.nbytes = 0
        self._points: dict[int, Checkpoint] = {}
        self._sizes: dict[int, int] = {}

    def add(self, point: Checkpoint) -> None:
        if point.step in self._points:
            self._remove(point.step)
        size = point.nbytes()
        self._points[point.step] = point
        self._sizes[point.step] = size
        self.nbytes += size
        while (self.nbytes > self.budget or len(self._points) > self.limit) and self._thin():
            pass

    def set_budget(self, budget_bytes: int) -> None:
        self.budget = budget_bytes
        while self.nbytes > self.budget and self._thin():
            pass

    def _remove(self, step: int) -> None:
        del self._points[step]
        self.nbytes -= self._sizes.pop(step)

    def _thin(self) -> bool:
        """Drop one checkpoint that is neither the first nor the newest; False when none can go."""
        steps = sorted(self._points)
        if len(steps) <= 2:
            return False
        newest = steps[-1]
        # Dropping steps[i] merges the gaps on either side; measured against how far back it lies.
        cost = [(steps[i + 1] - steps[i - 1]) / max(newest - steps[i], 1) for i in range(1, len(steps) - 1)]
        self._remove(steps[1 + int(np.argmin(cost))])
        return True

    def at_or_before(self, step: int) -> Checkpoint | None:
        best = [s for s in self._points if s <= step]
        return self._points[max(best)] if best else None

    def replay_note(self, step: int) -> str | None:
        """In the learner's words, when going back to `step` needs a long replay because the history
        kept only sparse checkpoints that far back (None when it is quick)."""
        cp = self.at_or_before(step)
        if cp is None or step - cp.step <= NOTE_AFTER:
            return None
        return translate("Going back to step {step:,} replays {count:,} steps from the nearest checkpoint kept (step "
                         "{kept:,}): the rewind history keeps at most {limit_mb:,.0f} MB, so older steps are kept "
                         "sparsely. Raise 'Rewind memory' in the training settings to keep more.", step=step,
                         count=step - cp.step, kept=cp.step, limit_mb=self.budget / MB)

    def drop_after(self, step: int) -> None:
        for s in [s for s in self._points if s > step]:
            self._remove(s)

    def clear(self) -> None:
        self._points.clear()
        self._sizes.clear()
        self.nbytes = 0

    def has(self, step: int) -> bool:
        return step in self._points

    def steps(self) -> list[int]:
        return sorted(self._points)

    def __len__(self) -> int:
        return len(self._points)
