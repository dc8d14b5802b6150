"""Finite-difference gradient check of a user's own network on one batch, always in float64.

Each checked entry w of a parameter tensor passes when |a - n| <= atol + rtol * |n| (the test of
torch.autograd.gradcheck), where a is backprop's gradient and n the central difference
(L(w + h) - L(w - h)) / 2h. Tensors of at most `samples` entries are checked entry by entry in full;
larger ones on a seeded random sample of `samples` entries, plus once along a random direction through
all of their entries (torch's fast mode), so that one wrong entry anywhere still shows.

Not every difference is a bug, so two kinds of entries are skipped and counted, never hidden:
- entries that cannot learn: an Embedding's padding row gets no gradient by design;
- non-differentiable points: when backprop's gradient jumps between w - h and w + h (a ReLU input
  crossing 0, a max-pool tie) and n lies between the two one-sided values, the loss has a kink inside
  the step; no single number is "the" gradient there.
A NaN or infinity anywhere (loss, any gradient entry, any difference) is a failure.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.data.dataset import Dataset
from nnviz.engine.losses import make_loss
from nnviz.engine.network import Network
from nnviz.engine.targets import prepare_targets
from nnviz.graph.document import GraphDocument
from nnviz.i18n import translate

ATOL = 1e-7  # well above float64 rounding of a central difference (about 1e-10 for a loss near 1)
RTOL = 1e-5  # well above the truncation error h² f''' of a smooth network
STEP = 1e-6
SAMPLES = 256  # entries checked per large tensor; smaller tensors are checked whole
BATCH = 8  # samples of the training data the loss is computed on
MAX_LISTED = 5  # failing entries kept per tensor for the report


@dataclass(frozen=True)
class EntryFailure:
    index: tuple[int, ...]  # position in the tensor; () for the check along a random direction
    analytic: float
    numeric: float

    @property
    def where(self) -> str:
        return "along a random direction" if not self.index else "[" + ", ".join(map(str, self.index)) + "]"


@dataclass
class TensorCheck:
    node: str
    node_name: str
    param: str
    shape: tuple[int, ...]
    sampled: list[int] | None = None  # flat indices of the random sample; None when every entry was checked
    checked: int = 0  # entries compared (passed + failed)
    failed: int = 0
    cannot_learn: int = 0  # skipped: entries that receive no gradient by design (padding rows)
    kinks: int = 0  # skipped: non-differentiable within the finite-difference step
    non_finite: int = 0  # entries of backprop's gradient that are NaN or infinite (all entries looked at)
    worst: float = 0.0  # largest |a - n| / (atol + rtol |n|) over the compared entries; <= 1 passes
    direction: str | None = None  # large tensors: "ok" | "FAIL" | "kink" (inconclusive) along a random direction
    failures: list[EntryFailure] = field(default_factory=list)

    @property
    def size(self) -> int:
        return int(np.prod(self.shape, dtype=np.int64))

    @property
    def ok(self) -> bool:
        return self.failed == 0 and self.non_finite == 0 and self.direction != "FAIL"

    def coverage(self) -> str:
        """How many entries were looked at, in words."""
        if self.sampled is None:
            return translate("all {count:,} entries", count=self.size)
        return translate("{count:,} of {size:,} entries (random sample) + 1 random direction", count=len(self.sampled),
                         size=self.size)

    def skipped(self) -> str:
        parts = []
        if self.cannot_learn:
            parts.append(translate("{count} cannot learn (padding row)", count=self.cannot_learn))
        if self.kinks:
            parts.append(translate("{count} at a kink (ReLU at 0, max tie)", count=self.kinks))
        return translate(", ").join(parts)

    def to_json(self) -> dict[str, Any]:
        return {"node": self.node, "name": self.node_name, "tensor": self.param, "shape": list(self.shape),
                "entries": self.size, "sampled": self.sampled is not None,
                "sampled_indices": self.sampled, "checked": self.checked, "failed": self.failed,
                "skipped_cannot_learn": self.cannot_learn, "skipped_kinks": self.kinks,
                "non_finite_gradients": self.non_finite, "direction": self.direction,
                "worst_ratio": _finite_or_none(self.worst), "ok": self.ok,
                "failures": [{"index": list(f.index), "analytic": _finite_or_none(f.analytic),
                              "numeric": _finite_or_none(f.numeric)} for f in self.failures]}


@dataclass
class GradCheckReport:
    tensors: list[TensorCheck]
    loss: float
    batch: int
    samples: int
    seed: int
    atol: float
    rtol: float
    h: float

    @property
    def ok(self) -> bool:
        return bool(np.isfinite(self.loss)) and all(t.ok for t in self.tensors)

    def problem(self) -> str | None:
        """Why the check failed as a whole, in the learner's words (None when it did not)."""
        if not np.isfinite(self.loss):
            return translate("the loss on the first {batch} samples is {loss} at these weights, so no gradient can be "
                             "checked: rewind or reset, then lower the learning rate or normalise the data",
                             batch=self.batch, loss=self.loss)
        return None

    def lines(self) -> list[str]:
        """The report as text, one tensor per line, then a verdict."""
        out = [translate("checking on {batch} training samples in float64, entry passes when |backprop - finite "
                         "difference| <= {atol:g} + {rtol:g} x |finite difference| (step h = {h:g}, sample seed "
                         "{seed})", batch=self.batch, atol=self.atol, rtol=self.rtol, h=self.h, seed=self.seed)]
        passed, failed = translate("OK"), translate("FAIL")
        if self.problem():
            return [*out, f"{failed}: {self.problem()}"]
        for t in self.tensors:
            text = f"{t.node_name} {t.param}: {t.coverage()}"
            if t.skipped():
                text += translate("; skipped {what}", what=t.skipped())
            text += translate("; worst {worst:.2g} of the allowed difference  {verdict}", worst=t.worst,
                              verdict=translate("ok") if t.ok else failed)
            out.append(text)
            if t.non_finite:
                out.append("  " + translate("{count} entries of backprop's gradient are NaN or infinite",
                                            count=t.non_finite))
            for f in t.failures:
                out.append("  " + translate("{where}: backprop {analytic:.6g}, finite difference {numeric:.6g}",
                                            where=f.where, analytic=f.analytic, numeric=f.numeric))
            if t.failed > len(t.failures):
                out.append("  " + translate("... {count} more entries differ", count=t.failed - len(t.failures)))
        checked = sum(t.checked for t in self.tensors)
        skipped = sum(t.cannot_learn + t.kinks for t in self.tensors)
        verdict = translate("every checked gradient matches") if self.ok else translate("some gradients are wrong")
        out.append(translate("{result}: {verdict} ({checked:,} entries compared, {skipped:,} skipped)",
                             result=passed if self.ok else failed, verdict=verdict, checked=checked, skipped=skipped))
        return out

    def to_json(self) -> dict[str, Any]:
        return {"ok": self.ok, "loss": _finite_or_none(self.loss), "problem": self.problem(),
                "batch": self.batch, "samples": self.samples, "seed": self.seed, "atol": self.atol,
                "rtol": self.rtol, "h": self.h, "tensors": [t.to_json() for t in self.tensors]}


def _finite_or_none(v: float) -> float | str:
    return float(v) if np.isfinite(v) else str(v)  # JSON has no NaN or Infinity


class _Probe:
    """The network at fixed weights and batch: the loss and backprop's gradients, evaluated repeatedly
    with the same dropout masks and BatchNorm statistics each time."""

    def __init__(self, net: Network, x: np.ndarray, y: np.ndarray, loss_name: str) -> None:
        self.net, self.x, self.y = net, x, y
        self.loss_fn = make_loss(loss_name)
        self.rngs = {nid: layer.rng.bit_generator.state for nid, layer in net.layers.items()
                     if layer.rng is not None}
        self.buffers = {nid: {k: v for k, v in t.items() if k not in net.layers[nid].params}
                        for nid, t in net.state().items()}

    def loss(self) -> float:
        for nid, state in self.rngs.items():
            self.net.layers[nid].rng.bit_generator.state = state
        self.net.load_state(self.buffers)  # BatchNorm's running statistics must not drift
        return float(self.loss_fn.forward(self.net.forward(self.x), self.y))

    def gradients(self) -> dict[str, dict[str, np.ndarray]]:
        self.loss()
        self.net.backward(self.loss_fn.backward())
        return {nid: {k: np.array(g, dtype=np.float64, copy=True) for k, g in layer.grads.items()}
                for nid, layer in self.net.layers.items()}


def gradcheck(doc: GraphDocument, dataset: Dataset | None = None, *, batch: int = BATCH,
              samples: int | None = None, seed: int = 0, atol: float = ATOL, rtol: float = RTOL, h: float = STEP,
              weights: dict[str, dict[str, np.ndarray]] | None = None) -> GradCheckReport:
    """Check backprop against central differences on the first `batch` training samples.

    `weights` (node -> name -> array) starts from a trained state instead of the initial one;
    `samples` defaults to SAMPLES."""
    samples = SAMPLES if samples is None else samples
    if dataset is None:
        from nnviz.engine.session import document_dataset

        dataset = document_dataset(doc)
    settings = doc.training
    net = Network.build(doc, "float64", settings.seed)
    if weights:
        net.load_state({nid: {k: np.asarray(v, dtype=np.float64) for k, v in t.items()}
                        for nid, t in weights.items() if nid in net.layers})
    net.check_data(dataset.sample_shape, dataset.name)
    x = np.asarray(dataset.x_train[:batch], dtype=np.float64)
    y = prepare_targets(dataset, dataset.y_train[:batch], settings.loss, net, np.dtype(np.float64))
    probe = _Probe(net, x, y, settings.loss)
    report = GradCheckReport([], float("nan"), len(x), samples, seed, atol, rtol, h)
    with np.errstate(all="ignore"):  # a NaN or overflow is reported, not warned about
        report.loss = probe.loss()
        if not np.isfinite(report.loss):
            return report
        analytic = probe.gradients()
        for nid in net.order:
            for name, param in net.layers[nid].params.items():
                report.tensors.append(_check_tensor(probe, nid, name, param, analytic[nid][name], report))
    return report


def _check_tensor(probe: _Probe, nid: str, name: str, param: np.ndarray, grad: np.ndarray,
                  report: GradCheckReport) -> TensorCheck:
    layer = probe.net.layers[nid]
    t = TensorCheck(nid, probe.net.names[nid], name, tuple(param.shape))
    t.non_finite = int(np.count_nonzero(~np.isfinite(grad)))
    frozen = _cannot_learn(layer, name, param.shape).reshape(-1)
    index = len(report.tensors)
    if param.size <= report.samples:
        chosen = np.arange(param.size)
    else:
        rng = np.random.default_rng([report.seed, index])
        chosen = np.sort(rng.choice(param.size, size=report.samples, replace=False))
        t.sampled = [int(i) for i in chosen]
    flat, flat_grad = param.reshape(-1), grad.reshape(-1)
    assert np.shares_memory(flat, param)  # perturbing flat must perturb the network
    for i in chosen:
        if frozen[i] and flat_grad[i] == 0.0:
            t.cannot_learn += 1
            continue
        unit = np.zeros(param.size)
        unit[i] = 1.0
        verdict, ratio, numeric = _compare(probe, nid, name, flat, unit, float(flat_grad[i]), report)
        if verdict == "kink":
            t.kinks += 1
            continue
        t.checked += 1
        t.worst = _worse(t.worst, ratio)
        if verdict == "FAIL":
            t.failed += 1
            if len(t.failures) < MAX_LISTED:
                t.failures.append(EntryFailure(tuple(int(k) for k in np.unravel_index(i, param.shape)),
                                               float(flat_grad[i]), numeric))
    if t.sampled is not None:
        direction = np.random.default_rng([report.seed, index, 1]).standard_normal(param.size)
        direction[frozen] = 0.0
        direction /= max(float(np.linalg.norm(direction)), 1e-300)
        analytic = float(direction @ flat_grad)
        t.direction, ratio, numeric = _compare(probe, nid, name, flat, direction, analytic, report)
        if t.direction != "kink":
            t.worst = _worse(t.worst, ratio)
        if t.direction == "FAIL":
            t.failures.insert(0, EntryFailure((), analytic, numeric))
    return t


def _worse(a: float, b: float) -> float:
    return float("nan") if np.isnan(a) or np.isnan(b) else max(a, b)


def _compare(probe: _Probe, nid: str, name: str, flat: np.ndarray, direction: np.ndarray,
             analytic: float, report: GradCheckReport) -> tuple[str, float, float]:
    """("ok" | "FAIL" | "kink", |a - n| / allowed, n) for the derivative along `direction`."""
    h = report.h
    old = flat.copy()
    flat[:] = old + h * direction
    plus = probe.loss()
    flat[:] = old - h * direction
    minus = probe.loss()
    flat[:] = old
    numeric = (plus - minus) / (2 * h)
    allowed = report.atol + report.rtol * abs(numeric)
    difference = abs(analytic - numeric)
    ratio = difference / allowed if allowed > 0 else float("inf") if difference else 0.0
    if difference <= allowed:  # False for NaN: a NaN anywhere fails
        return "ok", ratio, numeric
    if np.isfinite(numeric) and np.isfinite(analytic) and _kink_between(probe, nid, name, flat, direction,
                                                                        numeric, report):
        return "kink", ratio, numeric
    return "FAIL", ratio, numeric


def _kink_between(probe: _Probe, nid: str, name: str, flat: np.ndarray, direction: np.ndarray,
                  numeric: float, report: GradCheckReport) -> bool:
    """True when backprop's derivative jumps between w - h and w + h and the central difference
    (the mean derivative over the step) lies between the two ends: a kink inside the step. A wrong
    backward pass is wrong on both sides alike and does not pass this."""
    old = flat.copy()
    ends = []
    for sign in (1.0, -1.0):
        flat[:] = old + sign * report.h * direction
        ends.append(float(direction @ probe.gradients()[nid][name].reshape(-1)))
    flat[:] = old
    low, high = min(ends), max(ends)
    margin = report.atol + report.rtol * abs(numeric)
    return high - low > margin and low - margin <= numeric <= high + margin


def _cannot_learn(layer: Any, name: str, shape: tuple[int, ...]) -> np.ndarray:
    """Entries a layer keeps out of training by design: they get no gradient, though the loss depends on
    them. Today the only case is an Embedding's padding row (torch's padding_idx)."""
    mask = np.zeros(shape, dtype=bool)
    padding = getattr(layer, "padding_idx", None)
    if name == "weight" and padding is not None:
        mask[padding] = True
    return mask
