"""What a network will take in memory, computed from the document's shapes alone, before any weight exists.

Network.build calls require_fits first, so a layer too big for this machine is refused with its name,
its size and what to change, instead of a MemoryError (or NumPy's "array is too big") half way through.
"""

from __future__ import annotations

from dataclasses import dataclass
from math import prod

import numpy as np

from nnviz.data.budget import BudgetError, fmt_bytes, memory_budget
from nnviz.graph.document import GraphDocument
from nnviz.graph.settings import TrainingSettings
from nnviz.i18n import Message, term, translate

# Per parameter, besides the weight itself: its gradient, and the optimiser's running averages.
OPTIMISER_SLOTS = {"sgd": 0, "adam": 2, "adamw": 2, "rmsprop": 1}
# Per value of each layer's output during one training step: the output, what backward keeps, the
# gradient flowing back, and NumPy's temporaries.
ACTIVATION_COPIES = 4
INIT_BYTES = 8  # initialisers draw float64 values before the cast to the training dtype

@dataclass(frozen=True)
class Footprint:
    parameters: int  # how many trainable values and buffers
    weights: int  # bytes of the parameters
    training: int  # bytes of parameters, gradients, optimiser state and one batch's activations
    activations: int  # bytes of one batch's layer outputs (all copies)


def _shrink_hint(node) -> str:
    """What to lower, read from the layer's own size parameters (units, hidden units, vocabulary...)."""
    sizes = [term(p.label or p.name) for p in node.spec.params
             if p.kind == "int" and p.key and p.name != "num_inputs"]
    if not sizes:
        return translate("make it smaller")
    return translate("lower its {sizes}, or feed it a smaller input", sizes=translate(" or its ").join(sizes))


def _node_values(shapes: dict[str, tuple[int, ...]]) -> int:
    return sum(prod(int(d) for d in shape) for shape in shapes.values())


def footprint(doc: GraphDocument, settings: TrainingSettings | None = None) -> Footprint:
    """The memory a valid network needs; Python integers throughout, so absurd shapes cannot overflow."""
    settings = settings or doc.training
    analysis = doc.analysis()
    itemsize = np.dtype(settings.dtype).itemsize
    values = sum(_node_values(analysis.weight_shapes.get(nid, {})) for nid in analysis.order)
    outputs = sum(prod(int(d) for d in analysis.shapes.get(nid, ())) for nid in analysis.order)
    slots = OPTIMISER_SLOTS.get(settings.optimizer, 2)
    if settings.optimizer == "sgd" and settings.momentum > 0:
        slots = 1
    activations = settings.batch_size * outputs * itemsize * ACTIVATION_COPIES
    return Footprint(values, values * itemsize, values * itemsize * (2 + slots) + activations, activations)


def require_fits(doc: GraphDocument, settings: TrainingSettings | None = None,
                 error: type[Exception] = BudgetError) -> None:
    """Refuse, naming the first layer whose weights alone exceed the budget, else the whole network when its
    training would; nothing is allocated."""
    settings = settings or doc.training
    budget, source = memory_budget()
    analysis = doc.analysis()
    itemsize = np.dtype(settings.dtype).itemsize
    where = translate("but nnviz may use about {budget} here ({source})", budget=fmt_bytes(budget), source=source)
    for nid in analysis.order:
        node = doc.nodes[nid]
        need = _node_values(analysis.weight_shapes.get(nid, {})) * (itemsize + INIT_BYTES)
        if need > budget:
            fix = _shrink_hint(node)
            raise error(Message(
                "{node} would need {size} for its weights, {where}: {fix}.",
                node=doc.describe(nid), size=fmt_bytes(need), where=where, fix=fix))
        one = prod(int(d) for d in analysis.shapes.get(nid, ())) * itemsize
        if one > budget:
            fix = (translate("give it a smaller shape") if nid in analysis.inputs
                   else translate("make its output smaller"))
            raise error(Message(
                "{node} would need {size} for the output of a single sample, {where}: {fix}.",
                node=doc.describe(nid), size=fmt_bytes(one), where=where, fix=fix))
    need = footprint(doc, settings)
    if need.training > budget:
        what = (translate("one batch of {count} samples ({size} for the layers' outputs)", count=settings.batch_size,
                          size=fmt_bytes(need.activations)) if need.activations > need.training / 2 else
                translate("{count:,} parameters with their gradients and {optimizer} state", count=need.parameters,
                          optimizer=settings.optimizer))
        fix = (translate("lower the batch size") if need.activations > need.training / 2 else
               translate("make the largest layers smaller"))
        raise error(Message(
            "Training this network would need {size} for {what}, {where}: {fix}.",
            size=fmt_bytes(need.training), what=what, where=where, fix=fix))
