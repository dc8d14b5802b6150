"""An example that stands in for a guide's data set offers the real one when this computer has it.

The seed examples train on shipped stand-ins (8x8 digits for MNIST, colour shapes for CIFAR-10) so they
open anywhere. Their data spec names the real set and what changes with it:

    {"kind": "digits", ..., "real": {"name": "mnist", "input": [1, 28, 28],
                                     "training": {"batch_size": 32, "lr": 0.001}}}

real_offer(spec) says whether that set is on this computer (nnviz.data.locate) and what using it changes;
use_real(doc, offer) makes the change on a document (the Data panel does the same through undoable
commands): the data becomes {"kind": "known", "name": ...}, the Input takes the real images' shape and the
guide's batch size and learning rate apply.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from nnviz.data.fit import single_input
from nnviz.data.known_sets import KnownSet, known_set
from nnviz.data.locate import Copy, find_copies

TRAINING_KEYS = ("batch_size", "lr", "epochs", "momentum")


@dataclass(frozen=True)
class RealOffer:
    known: KnownSet
    copy: Copy | None  # None: not on this computer (fetch it first)
    data: dict[str, Any]  # the spec that trains on the real set
    input_shape: tuple[int, ...] | None
    training: dict[str, Any]  # TrainingSettings fields the guide uses with the real set


def real_offer(spec: dict[str, Any]) -> RealOffer | None:
    """The real set a stand-in spec offers (found or not), or None when the spec offers none."""
    real = spec.get("real")
    if not isinstance(real, dict):
        return None
    try:
        known = known_set(str(real.get("name", "")))
    except KeyError:
        return None
    copies = find_copies(known.key)
    shape = real.get("input")
    training = real.get("training") if isinstance(real.get("training"), dict) else {}
    data = {"kind": "known", "name": known.key, **({"flat": True} if real.get("flat") else {})}
    return RealOffer(known, copies[0] if copies else None, data,
                     tuple(int(d) for d in shape) if isinstance(shape, list) else None,
                     {k: v for k, v in training.items() if k in TRAINING_KEYS})


def use_real(doc: Any, offer: RealOffer) -> None:
    """Switch a document to the real set: data, Input shape and the guide's training settings."""
    doc.set_data(dict(offer.data))
    node = single_input(doc)
    if offer.input_shape and node is not None:
        doc.set_param(node.id, "shape", offer.input_shape)
    if offer.training:
        doc.set_training(doc.training.with_(**offer.training))
