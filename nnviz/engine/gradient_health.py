"""Gradient health: is each layer still learning? Judged relatively, never by one absolute threshold.

A layer's size of gradient is ratio = mean |gradient| / mean |weight| (how far one plain SGD step at lr 1
would move its weights, relatively). A tiny ratio alone means nothing: once a network has learnt its data
the loss is small and so is every gradient. So a layer is judged

- vanishing when its ratio is below RELATIVE_VANISH of the strongest layer's at the same step (the error
  signal shrinks on its way back to the input, as through a deep stack of sigmoids), or when it is below
  VANISH while the loss is still far from small (the whole network stalled before learning);
- settled when every ratio is tiny because the loss fell to SETTLED_FRACTION of where it started;
- exploding above EXPLODE (one update would rewrite its weights) or when it is not finite.

Qt-free: the recorder samples a session through its read-only view (Session.view), once per training step.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np

VANISH = 1e-5
# The examples' layers stay above 3e-4 of their strongest; the first layers of a 10-sigmoid stack fall to 1e-9.
RELATIVE_VANISH = 1e-4
EXPLODE = 10.0
SETTLED_FRACTION = 0.02


# Lookup tables: a batch reads (and so gives a gradient to) only the rows of the tokens or positions it holds;
# the other rows' zero gradients say nothing about how well the signal reaches the layer.
LOOKUP_TABLES = ("embedding", "positional_embedding")


def gradient_ratio(params: dict[str, np.ndarray], grads: dict[str, np.ndarray],
                   rows_used: bool = False) -> float | None:
    """mean |grad| / mean |weight| over every parameter that has a gradient; None before any backward.
    rows_used: only over the rows (first axis) whose gradient is not all zero (a lookup table's)."""
    pairs = [(np.abs(params[k]), np.abs(grads[k])) for k in params if k in grads]
    if not pairs:
        return None
    if rows_used:
        used = [(w[rows], g[rows]) for w, g in pairs
                if (rows := g.reshape(len(g), -1).any(axis=1) if g.ndim else np.array(True)).any()]
        pairs = used or pairs
    g = [g.ravel() for _, g in pairs]
    w = np.concatenate([w.ravel() for w, _ in pairs])
    mean_w = float(w.mean()) if w.size else 0.0
    mean_g = float(np.concatenate(g).mean())
    return mean_g / mean_w if mean_w > 0 else (np.inf if mean_g > 0 else 0.0)


def verdict(ratio: float | None) -> str | None:
    """The verdict on one ratio with nothing to compare it with (no other layer, no loss)."""
    if ratio is None or not np.isfinite(ratio):
        return None if ratio is None else "exploding"
    if ratio < VANISH:
        return "vanishing"
    if ratio > EXPLODE:
        return "exploding"
    return None


@dataclass
class Judgement:
    """A layer's verdict: vanishing, exploding or settled; why (relative: to the strongest layer, stalled:
    tiny while the loss is still large, settled: the loss is small), its ratio and what it was compared with."""

    kind: str
    why: str
    ratio: float
    strongest: float = 0.0
    loss: float | None = None
    start_loss: float | None = None


@dataclass
class HealthRecorder:
    """Per node: the training steps sampled and the ratio at each; the loss at each sample."""

    steps: dict[str, list[int]] = field(default_factory=dict)
    ratios: dict[str, list[float]] = field(default_factory=dict)
    start_loss: float | None = None  # the largest loss of the first steps (the loss can rise at first)
    loss: float | None = None  # the loss of the step sampled last
    last_step: int = -1

    def record(self, session) -> bool:
        """Sample the session's current gradients once per completed step; True if a sample was added."""
        step = session.steps_done
        if step < self.last_step:  # rewound or reset: forget the future
            for nid in self.steps:
                keep = [i for i, s in enumerate(self.steps[nid]) if s <= step]
                self.steps[nid] = [self.steps[nid][i] for i in keep]
                self.ratios[nid] = [self.ratios[nid][i] for i in keep]
            self.last_step = step
            self._read_loss(session)
            return False
        if step == self.last_step or step == 0:
            return False
        view = session.view
        for nid in view.order:
            if not view.has_params(nid):
                continue
            lookup = getattr(view, "key", lambda _: "")(nid) in LOOKUP_TABLES
            ratio = gradient_ratio(view.params(nid), view.grads(nid), rows_used=lookup)
            if ratio is not None:
                self.steps.setdefault(nid, []).append(step)
                self.ratios.setdefault(nid, []).append(ratio)
        self._read_loss(session)
        self.last_step = step
        return True

    def _read_loss(self, session) -> None:
        """The loss now and at the start, from every step's loss the session kept (not only the sampled ones:
        a run samples a few times a second, long after the first steps)."""
        losses = [x for x in getattr(getattr(session, "metrics", None), "step_loss", None) or [] if np.isfinite(x)]
        self.start_loss = float(max(losses[:5])) if losses else None
        self.loss = float(losses[-1]) if losses else None

    def latest(self, nid: str) -> float | None:
        values = self.ratios.get(nid)
        return values[-1] if values else None

    def settled(self) -> tuple[float, float] | None:
        """(loss now, loss at the start) when the loss has fallen to SETTLED_FRACTION of its start, else None.
        The start is the largest of the first samples (the loss can rise in the very first steps)."""
        start, now = self.start_loss, self.loss
        if start is None or now is None:
            return None
        return (now, start) if start > 0 and now <= SETTLED_FRACTION * start else None

    def judgements(self) -> dict[str, Judgement]:
        """node -> its Judgement, for the nodes whose latest sample is out of range or settled."""
        latest = {nid: r for nid in self.ratios if (r := self.latest(nid)) is not None}
        finite = [r for r in latest.values() if np.isfinite(r)]
        strongest = max(finite, default=0.0)
        settled = self.settled()
        out = {}
        for nid, ratio in latest.items():
            if not np.isfinite(ratio) or ratio > EXPLODE:
                out[nid] = Judgement("exploding", "size", ratio)
            elif len(latest) > 1 and ratio < RELATIVE_VANISH * strongest:
                out[nid] = Judgement("vanishing", "relative", ratio, strongest)
            elif ratio < VANISH and settled is not None:
                out[nid] = Judgement("settled", "loss", ratio, strongest, *settled)
            elif ratio < VANISH:
                out[nid] = Judgement("vanishing", "stalled", ratio, strongest, self.loss)
        return out

    def warnings(self) -> dict[str, tuple[str, float]]:
        """node -> (vanishing|exploding, ratio) for nodes that are out of range (settled ones are not)."""
        return {nid: (j.kind, j.ratio) for nid, j in self.judgements().items() if j.kind != "settled"}
