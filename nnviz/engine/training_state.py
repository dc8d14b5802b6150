"""A session's trained state as a plain tree for the `state` section of a .nnviz file, and back.

    state = training_state(session)        # None while there is nothing beyond the document to keep
    io.save(doc, path, state=state)
    doc, state = io.read(path)
    session = Session(doc); outcome = restore_training(session, state)

The tree holds everything the next training step depends on: weights and buffers, optimiser state,
position (step, epoch, batch, the epoch's data order), every random stream and the metric history.
A session restored from it continues bit for bit like the one that was saved. The tree also names
the document it was trained with (a hash of what training depends on): when the file's network or
settings changed since (edited by hand, or saved after an edit), only the weights of the layers
whose tensors still fit are kept and training starts again from step 0 with them, as an edit in the
window does. Anything malformed in a hostile file is refused with a message, never half-applied.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from nnviz.engine.hand_edits import edits_from_lists
from nnviz.engine.history import Checkpoint
from nnviz.engine.metrics import EpochRow
from nnviz.engine.network import SessionError
from nnviz.i18n import Message

if TYPE_CHECKING:
    from nnviz.engine.session import Session
    from nnviz.graph.document import GraphDocument
    from nnviz.graph.settings import TrainingSettings

KIND = "training"
LAYOUT = 1
# Settings that do not change what a training step computes: a saved run continues whatever they are.
FREE_SETTINGS = ("epochs", "history_mb")


def same_run(old: TrainingSettings, new: TrainingSettings) -> bool:
    """True when new differs from old only in settings that do not change what a step computes."""
    return old.with_(**{k: getattr(new, k) for k in FREE_SETTINGS}) == new

Weights = dict[str, dict[str, np.ndarray]]


class StateError(ValueError):
    """The saved state cannot be applied to this network; the message says why."""


@dataclass(frozen=True)
class Restored:
    """What restore_training did: "continued" (the exact run), "weights" (some layers' weights, from
    step 0) or "nothing"; `message` is for the learner, empty when all went as saved."""

    outcome: str
    message: str = ""
    layers: tuple[str, ...] = ()


def document_fingerprint(doc: GraphDocument, settings: TrainingSettings | None = None) -> str:
    """A hash of everything a training step depends on: layers, connections, stored weights, data and
    settings (the session's when given: `nnviz train --seed` trains with other settings than the file's)."""
    nodes = [[n.id, n.type, _jsonable(n.params),
              {k: [str(v.dtype), list(v.shape), hashlib.sha256(np.ascontiguousarray(v).tobytes()).hexdigest()]
               for k, v in sorted(n.weights.items())}] for n in doc.nodes.values()]
    edges = sorted([e.src, e.dst, e.port] for e in doc.edges)
    settings = settings or doc.training
    training = {k: v for k, v in settings.to_dict().items() if k not in FREE_SETTINGS}
    text = json.dumps([nodes, edges, _jsonable(doc.data), training], sort_keys=True, default=str)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


def _jsonable(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    if isinstance(value, np.ndarray):
        return value.tolist()
    if isinstance(value, np.generic):
        return value.item()
    return value


# ---------------------------------------------------------------------------------------- saving
def training_state(session: Session) -> dict[str, Any] | None:
    """The tree to save with the document, or None when a fresh session of the document equals this one
    (nothing trained, no weights carried over from an earlier version of the network)."""
    cp = session.resume_point()
    carried = session.start_weights is not None
    if cp.step == 0 and not carried:
        return None
    metrics = session.metrics
    steps, epochs = cp.metric_lengths
    accuracy = metrics.step_accuracy[:steps]
    tree: dict[str, Any] = {
        "kind": KIND, "layout": LAYOUT, "document": document_fingerprint(session.doc, session.settings),
        "step": cp.step, "micro": cp.micro, "epoch": cp.epoch, "batch_in_epoch": cp.batch_in_epoch,
        "order": cp.perm,
        "weights": cp.network,
        "optimizer": cp.optimizer,
        "random": list(cp.rng_states),
        "metrics": {
            "step_loss": np.asarray(metrics.step_loss[:steps], dtype=np.float64),
            # None (a loss without accuracy) is kept apart from a number: a list of flags.
            "step_accuracy": (None if any(a is None for a in accuracy)
                              else np.asarray(accuracy, dtype=np.float64)),
            "step_epoch": np.asarray(metrics.step_epoch[:steps], dtype=np.int64),
            "step_size": np.asarray(metrics.step_size[:steps], dtype=np.int64),
            "epochs": [[r.epoch, r.train_loss, r.train_accuracy, r.val_loss, r.val_accuracy]
                       for r in metrics.epochs[:epochs]],
        },
    }
    edits = session.all_edits()
    if edits:  # weights set by hand: replaying the run (a rewind after reopening) sets them again
        tree["edits"] = [e.as_list() for e in edits]
    if carried and cp.step > 0:
        # Reset and rewind replay from these, not from the document's own starting weights.
        tree["start_weights"] = session.start_weights
    return tree


def kept_weights_state(weights: Weights) -> dict[str, Any] | None:
    """The tree for trained weights alone (the window keeps them while an edit leaves the graph unbuildable)."""
    return {"kind": KIND, "layout": LAYOUT, "document": "", "step": 0, "weights": weights} if weights else None


def state_weights(state: Any) -> Weights:
    """The weights a saved state holds (empty when it holds none or is not a training state)."""
    if not isinstance(state, dict) or state.get("kind") != KIND:
        return {}
    weights = state.get("weights")
    if not isinstance(weights, dict):
        return {}
    return {nid: {k: v for k, v in t.items() if isinstance(v, np.ndarray)}
            for nid, t in weights.items() if isinstance(t, dict)}


# ---------------------------------------------------------------------------------------- opening
def restore_training(session: Session, state: Any) -> Restored:
    """Put a fresh session (step 0) where the saved state was; see the module docstring."""
    if state is None:
        return Restored("nothing")
    if not isinstance(state, dict) or state.get("kind") != KIND:
        return Restored("nothing", "The file's saved state is not a training state nnviz knows: "
                                   "training starts from the network's starting weights.")
    if state.get("layout") != LAYOUT:
        return Restored("nothing", f"The file's training state has layout {state.get('layout')!r}, which this "
                                   "nnviz does not know: training starts from the network's starting weights.")
    weights = state_weights(state)
    exact = (state.get("document") == document_fingerprint(session.doc, session.settings) and state.get("step", 0) != 0
             and _fits_exactly(session, weights))
    if exact:
        try:
            _continue(session, state, weights)
            return Restored("continued", layers=tuple(weights))
        except StateError as exc:
            reason = f"The saved training could not be continued ({exc}); "
    else:
        reason = ("The network or its settings changed since it was trained; " if state.get("step", 0)
                  else "")
    try:
        kept = session.load_weights(weights)
    except (ValueError, TypeError):
        kept = []
    if not state.get("step", 0) and len(kept) == len(weights) and not reason:
        return Restored("weights", layers=tuple(kept))
    what = (f"kept the trained weights of {len(kept)} layer{'s' if len(kept) != 1 else ''}" if kept
            else "no saved weights fit")
    return Restored("weights" if kept else "nothing", f"{reason or 'Opened: '}{what}; training starts at step 0.",
                    tuple(kept))


def _fits_exactly(session: Session, weights: Weights) -> bool:
    here = session.net.state()
    return set(here) == set(weights) and all(
        set(t) == set(weights[nid]) and all(weights[nid][k].shape == v.shape for k, v in t.items())
        for nid, t in here.items())


def _continue(session: Session, state: dict[str, Any], weights: Weights) -> None:
    here = session.net.state()
    network = {nid: {k: np.asarray(v, dtype=here[nid][k].dtype) for k, v in t.items()} for nid, t in weights.items()}
    start = state.get("start_weights")
    if start is not None:
        start = state_weights({"kind": KIND, "weights": start})
        if not _fits_exactly(session, start):
            raise StateError(Message("its starting weights do not fit the network"))
    metrics = _metrics(state.get("metrics"))
    cp = Checkpoint(
        step=_whole(state, "step", 1), micro=_whole(state, "micro", 0), epoch=_whole(state, "epoch", 1),
        batch_in_epoch=_whole(state, "batch_in_epoch", 0), perm=_order(session, state),
        network=network, optimizer=_optimizer(session, state.get("optimizer")),
        rng_states=_random(session, state.get("random")),
        metric_lengths=(len(metrics["step_loss"]), len(metrics["epochs"])))
    if cp.batch_in_epoch >= session.n_batches:
        raise StateError(Message(
            "batch {batch_in_epoch} of an epoch of {n_batches} batches",
            batch_in_epoch=cp.batch_in_epoch, n_batches=session.n_batches))
    if cp.batch_in_epoch and cp.perm is None:
        raise StateError(Message("the data order of the epoch is missing"))
    try:
        edits = edits_from_lists(state.get("edits", []))
        session.set_edits(edits)
    except (ValueError, SessionError) as exc:
        session.set_edits([])
        raise StateError(str(exc)) from None
    # Everything is checked: now apply. Step 0 is the document's start (or the carried start weights).
    if start is not None:
        session.load_weights(start)
    session.restore_checkpoint(cp, metrics)


def _whole(state: dict[str, Any], key: str, low: int) -> int:
    value = state.get(key)
    if isinstance(value, bool) or not isinstance(value, int) or value < low:
        raise StateError(Message(
            "{key} must be a whole number >= {low}, not {value!r:.40}",
            key=key, low=low, value=value))
    return value


def _order(session: Session, state: dict[str, Any]) -> np.ndarray | None:
    order = state.get("order")
    if order is None:
        return None
    n = len(session.x_train)
    if (not isinstance(order, np.ndarray) or order.dtype.kind not in "iu" or order.shape != (n,)
            or not np.array_equal(np.sort(order), np.arange(n))):
        raise StateError(Message("the data order is not an order of the {n} training samples", n=n))
    return order.astype(np.int64)


def _optimizer(session: Session, value: Any) -> dict[str, dict[str, Any]]:
    if not isinstance(value, dict):
        raise StateError(Message("the optimiser state is missing"))
    params = {f"{nid}.{name}": p for nid, layer in session.layers.items() for name, p in layer.params.items()}
    out: dict[str, dict[str, Any]] = {}
    for key, entry in value.items():
        if key not in params or not isinstance(entry, dict):
            raise StateError(Message("the optimiser state names {key!r}, which this network does not have", key=key))
        target = params[key]
        out[key] = {}
        for name, item in entry.items():
            if isinstance(item, np.ndarray):
                if item.shape != target.shape or item.dtype.kind != "f":
                    raise StateError(Message(
                        "the optimiser's {name} of {key} has shape {shape}, not {shape2}",
                        name=name, key=key, shape=list(item.shape), shape2=list(target.shape)))
                out[key][name] = item.astype(target.dtype)
            elif isinstance(item, int) and not isinstance(item, bool) and item >= 0:
                out[key][name] = item
            else:
                raise StateError(Message(
                    "the optimiser's {name} of {key} is not a number or an array",
                    name=name, key=key))
    return out


def _random(session: Session, value: Any) -> list[dict[str, Any]]:
    streams = session.random_streams()
    if not isinstance(value, list) or len(value) != len(streams):
        raise StateError(Message(
            "it holds {count} random streams; this network uses {n_streams}",
            count=len(value) if isinstance(value, list) else 0, n_streams=len(streams)))
    for state, g in zip(value, streams):
        probe = type(g.bit_generator)()
        try:
            probe.state = state  # checked on a spare generator: nothing is applied before all is valid
        except (TypeError, ValueError, KeyError, OverflowError):
            raise StateError(Message("a random stream's state is not valid")) from None
    return value


def _metrics(value: Any) -> dict[str, list[Any]]:
    if not isinstance(value, dict):
        raise StateError(Message("the metric history is missing"))
    out: dict[str, list[Any]] = {}
    for key, kind in (("step_loss", "f"), ("step_epoch", "iu"), ("step_size", "iu")):
        array = value.get(key)
        if not isinstance(array, np.ndarray) or array.ndim != 1 or array.dtype.kind not in kind:
            raise StateError(Message("the metric history's {key} is not a list of numbers", key=key))
        out[key] = array.tolist()
    accuracy = value.get("step_accuracy")
    if accuracy is None:
        out["step_accuracy"] = [None] * len(out["step_loss"])
    elif isinstance(accuracy, np.ndarray) and accuracy.ndim == 1 and accuracy.dtype.kind == "f":
        out["step_accuracy"] = accuracy.tolist()
    else:
        raise StateError(Message("the metric history's step_accuracy is not a list of numbers"))
    if len({len(v) for v in out.values()}) != 1:
        raise StateError(Message("the metric history's lists have different lengths"))
    rows = value.get("epochs", [])
    if not isinstance(rows, list) or not all(
            isinstance(r, list) and len(r) == 5 and isinstance(r[0], int) and not isinstance(r[0], bool)
            and all(v is None or (isinstance(v, (int, float)) and not isinstance(v, bool)) for v in r[1:])
            and r[1] is not None for r in rows):
        raise StateError(Message("the metric history's epochs are not rows of numbers"))
    out["epochs"] = [EpochRow(*r) for r in rows]
    return out
