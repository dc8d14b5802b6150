"""Proof that the exported PyTorch code reproduces the app: the same batches through both, compared.

verify_export(doc, directory) imports the generated model.py and train.py, then runs the engine's
session and PyTorch side by side for a number of training steps. After each step it compares the
outputs, the loss, every parameter gradient and the parameters (and BatchNorm buffers) after the
optimiser's update; at the end, the outputs in evaluation mode. Dropout masks drawn by the engine
are injected into PyTorch, so random layers are compared exactly too. torch is imported here only.
"""

from __future__ import annotations

import importlib
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.model_code import plan_model
from nnviz.export.weights import NodeState
from nnviz.graph.document import GraphDocument
from nnviz.graph.summary import display_width, pad
from nnviz.i18n import Message, mark, translate

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset

TOLERANCE = {"float64": 1e-9, "float32": 1e-5}
CATEGORIES = (mark("initial weights"), mark("outputs"), mark("loss"), mark("gradients"),
              mark("parameters after update"), mark("buffers"), mark("outputs (eval mode)"))


@dataclass
class Difference:
    category: str
    tensor: str
    step: int
    max_abs: float
    max_rel: float


@dataclass
class VerifyReport:
    dtype: str
    tolerance: float
    steps: int
    torch_version: str  # the version of the framework compared (PyTorch's unless `framework` says otherwise)
    worst: dict[str, Difference] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    framework: str = "PyTorch"

    @property
    def passed(self) -> bool:
        return all(d.max_rel <= self.tolerance for d in self.worst.values())

    @property
    def max_rel(self) -> float:
        return max((d.max_rel for d in self.worst.values()), default=0.0)

    def add(self, category: str, step: int, items: list[tuple[str, np.ndarray, np.ndarray]]) -> None:
        """Compare (name, ours, theirs) tensors of one kind at one step. Differences are relative to
        the largest magnitude among all of them: a gradient that is small because of cancellation
        carries the rounding of the large terms it sums, not of its own size."""
        scale = max((float(np.max(np.abs(np.asarray(a, dtype=np.float64)))) for _, a, _ in items
                     if np.size(a)), default=0.0)
        for name, ours, theirs in items:
            abs_diff = compare(ours, theirs)
            rel = 0.0 if abs_diff == 0.0 else (abs_diff / scale if scale > 0 else float("inf"))
            best = self.worst.get(category)
            if best is None or rel > best.max_rel or (rel == best.max_rel and abs_diff > best.max_abs):
                self.worst[category] = Difference(category, name, step, abs_diff, rel)

    def text(self) -> str:
        head = translate("nnviz (NumPy) vs {framework} {version}: {dtype}, {steps} training steps\n"
                         "tolerance {tolerance:g}, relative to the largest value of each kind at that step",
                         framework=self.framework,
                         version=self.torch_version, dtype=self.dtype, steps=self.steps, tolerance=self.tolerance)
        rows = [tuple(translate(h) for h in (mark("compared"), mark("largest difference in"), mark("step"),
                                             mark("max abs diff"), mark("max rel diff")))]
        for category in CATEGORIES:
            d = self.worst.get(category)
            if d is not None:
                rows.append((translate(category), d.tensor, str(d.step), f"{d.max_abs:.3g}", f"{d.max_rel:.3g}"))
        widths = [max(display_width(r[i]) for r in rows) for i in range(5)]
        lines = [head, ""]
        for r in rows:
            lines.append("  " + "  ".join(pad(c, w, right=i >= 2) for i, (c, w) in enumerate(zip(r, widths))))
        lines += ["", *[translate("note: {message}", message=n) for n in self.notes]]
        verdict = (translate("PASS: {framework} reproduces the app's numbers.", framework=self.framework.split(" (")[0])
                   if self.passed else translate("FAIL: a difference of {rel:.3g} exceeds the tolerance {tolerance:g}.",
                                                 rel=self.max_rel, tolerance=self.tolerance))
        lines.append(verdict)
        return "\n".join(line for line in lines if line is not None)


def compare(ours: np.ndarray, theirs: np.ndarray) -> float:
    """The largest absolute difference (infinite when the shapes differ)."""
    a = np.asarray(ours, dtype=np.float64)
    b = np.asarray(theirs, dtype=np.float64)
    if a.shape != b.shape:
        return float("inf")
    return float(np.max(np.abs(a - b))) if a.size else 0.0


@contextmanager
def _isolated(directory: Path) -> Iterator[None]:
    """Import model.py and train.py from `directory` without clashing with any other export."""
    saved = {name: sys.modules.pop(name) for name in ("model", "train") if name in sys.modules}
    sys.path.insert(0, str(directory))
    try:
        yield
    finally:
        sys.path.remove(str(directory))
        for name in ("model", "train"):
            sys.modules.pop(name, None)
        sys.modules.update(saved)


@dataclass
class Exported:
    model: ModuleType
    train: ModuleType


def load_exported(directory: str | Path) -> Exported:
    """The generated modules of an export folder, imported."""
    directory = Path(directory).resolve()
    with _isolated(directory):
        return Exported(importlib.import_module("model"), importlib.import_module("train"))


def require_torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ExportError(Message("Verification needs PyTorch: pip install torch")) from None
    return torch


def _injected_dropout(torch: Any, p: float) -> Any:
    class InjectedDropout(torch.nn.Module):
        """Dropout that applies the engine's mask, scaled exactly as the engine scales it."""

        def __init__(self) -> None:
            super().__init__()
            self.p = p
            self.mask: Any = None

        def forward(self, x: Any) -> Any:
            if not self.training or self.mask is None:
                return x
            scale = torch.tensor(1.0 / (1.0 - self.p), dtype=x.dtype)
            return x * (self.mask * scale)

    return InjectedDropout()


def verify_export(doc: GraphDocument, directory: str | Path, *, steps: int = 20, dataset: Dataset | None = None,
                  weights: NodeState | None = None) -> VerifyReport:
    """Run the engine and the exported PyTorch code on the same batches and compare (see module doc).

    `directory` must hold an export of `doc` (export_pytorch) whose weights equal `weights`
    (default: the app's initial weights)."""
    torch = require_torch()
    from nnviz.engine.session import NonFiniteError, Session, SessionError

    try:
        session = Session(doc, dataset)
    except (SessionError, ValueError) as exc:
        raise ExportError(Message("Verification needs a network the app can train: {problem}", problem=exc)) from None
    if weights is not None:
        session.net.load_state(weights)
    plan = plan_model(doc)
    exported = load_exported(directory)
    model = exported.model.build_model(Path(directory) / "weights.safetensors")
    model.train()
    dtype = doc.training.dtype
    report = VerifyReport(dtype, TOLERANCE[dtype], 0, torch.__version__)

    def tensors_of(state: NodeState) -> Iterator[tuple[str, str, np.ndarray]]:
        for nid, values in state.items():
            if nid in plan.param_paths:
                for name, array in values.items():
                    yield nid, name, array

    torch_state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
    report.add("initial weights", 0, [(plan.state_key(nid, name), array, torch_state[plan.state_key(nid, name)])
                                      for nid, name, array in tensors_of(session.weights())])

    dropouts = {}
    for nid in plan.node_ids:
        if not (session.layers[nid].capabilities.random_masks and session.layers[nid].stochastic):
            continue
        # The module drawing the masks: the node's own (nn.Dropout), or the input dropout of a recurrent
        # layer's helper (emit_sequence.WithInputDropout), where the engine's (N, 1, F) mask broadcasts
        # over the time steps. Both have their probability as .p; the engine reports its mask as "mask".
        owner, attr = model, plan.attrs[nid]
        if hasattr(getattr(owner, attr), "input_dropout"):
            owner, attr = getattr(owner, attr), "input_dropout"
        p = getattr(getattr(owner, attr), "p", None)
        if isinstance(p, float):
            dropouts[nid] = _injected_dropout(torch, p)
            setattr(owner, attr, dropouts[nid])
    stochastic = [nid for nid in plan.node_ids if session.layers[nid].stochastic and nid not in dropouts]
    if stochastic:
        names = ", ".join(doc.nodes[n].name for n in stochastic)
        report.notes.append(translate("random layers without injected masks ({names}): compared in eval mode only",
                                          names=names))
        steps = 0
    optimizer = exported.train.make_optimizer(model.parameters())
    params = dict(model.named_parameters())

    for step in range(1, steps + 1):
        try:
            events, batch, loss_event = engine_training_step(session)
        except NonFiniteError as exc:
            report.notes.append(translate("stopped at step {step}: {problem}", step=step, problem=exc))
            break
        for node, mask in forward_masks(events, dropouts, torch).items():
            dropouts[node].mask = mask
        x, y = torch.from_numpy(batch.tensors["x"]), torch.from_numpy(batch.tensors["y"])
        prediction, loss = exported.train.train_step(model, optimizer, x, y)
        report.steps = step
        report.add("outputs", step, [("prediction", loss_event.tensors["prediction"], prediction.numpy())])
        report.add("loss", step, [("loss", loss_event.tensors["loss"], loss.numpy())])
        grads = []
        for e in events:
            if e.phase != "backward" or e.node not in plan.param_paths or e.t is not None:
                continue
            for name in session.layers[e.node].params:
                key, ours = plan.state_key(e.node, name), e.tensors[f"grad_{name}"]
                grad = params[key].grad
                grads.append((key, ours, np.zeros_like(ours) if grad is None else grad.numpy()))
        report.add("gradients", step, grads)
        torch_state = {k: v.detach().numpy() for k, v in model.state_dict().items()}
        kinds: dict[str, list[tuple[str, np.ndarray, np.ndarray]]] = {"parameters after update": [], "buffers": []}
        for nid, name, array in tensors_of(session.weights()):
            key = plan.state_key(nid, name)
            kind = "parameters after update" if name in session.layers[nid].params else "buffers"
            kinds[kind].append((key, array, torch_state[key]))
        for kind, items in kinds.items():
            if items:
                report.add(kind, step, items)

    x_eval = session.x_val if len(session.x_val) else session.x_train[: doc.training.batch_size]
    model.eval()
    with torch.no_grad():
        theirs = model(torch.from_numpy(np.ascontiguousarray(x_eval))).numpy()
    report.add("outputs (eval mode)", report.steps, [("prediction", session.predict(x_eval), theirs)])
    return report


def engine_training_step(session):
    """One whole training step of the engine, micro-step by micro-step: (events, the batch event, the
    loss event). Raises NonFiniteError as the session does."""
    events = [session.step()]
    while session.mid_step:
        events.append(session.step())
    batch = next(e for e in events if e.phase == "batch")
    loss_event = next(e for e in events if e.phase == "loss")
    return events, batch, loss_event


def forward_masks(events, nodes, torch) -> dict:
    """The dropout mask each of `nodes` drew in this step's forward pass (None: no mask), as tensors, so
    the exported model can be made to drop exactly the same units."""
    masks = {}
    for e in events:
        if e.phase == "forward" and e.node in nodes:
            mask = e.tensors.get("mask")
            masks[e.node] = None if mask is None else torch.from_numpy(mask)
    return masks
