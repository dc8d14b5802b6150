"""Making the network fit its data: the Input node follows the data's sample shape, and mismatches
between the output layer, the loss and the data's targets are described in words a learner can act on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nnviz.graph.registry import BINARY_PROBABILITY, CLASS_PROBABILITIES, REGISTRY, fmt_shape
from nnviz.graph.settings import LOSSES
from nnviz.i18n import Message, term, translate

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset
    from nnviz.graph.document import GraphDocument, Node

BINARY_LOSSES = ("bce", "bce_logits")
CLASS_ID_LOSSES = ("cross_entropy", "nll_probs")
PER_POSITION_LOSSES = ("sequence_cross_entropy",)  # a class id at every position (next-token text data)


def single_input(doc: GraphDocument) -> Node | None:
    """The document's Input node when it has exactly one (else None: the learner has to say which)."""
    inputs = [n for n in doc.nodes.values() if n.spec.is_source]
    return inputs[0] if len(inputs) == 1 else None


def fit_input(doc: GraphDocument, dataset: Dataset) -> tuple[int, ...] | None:
    """Set the (single) Input node's shape to the data's sample shape through doc.set_param, so the edit
    is observed (and undoable) like any other. Returns the old shape when it changed, else None.
    With no Input node, or several, nothing is changed (the learner has to say which is which)."""
    node = single_input(doc)
    if node is None:
        return None
    shape = tuple(int(d) for d in dataset.sample_shape)
    if tuple(node.params["shape"]) == shape:
        return None
    return tuple(doc.set_param(node.id, "shape", shape))


def _probabilities(node: Node) -> str:
    """What the node's output is (CLASS_PROBABILITIES, BINARY_PROBABILITY or ""): as its own type says, or
    as the activation fused into a Dense/Conv does."""
    if node.spec.capabilities.probabilities or not node.spec.capabilities.fuses_activation:
        return node.spec.capabilities.probabilities
    fused = str(node.params.get("activation", "none"))
    return REGISTRY.get(fused).capabilities.probabilities if fused in REGISTRY else ""


def _class_list(dataset: Dataset, limit: int = 4) -> str:
    names = dataset.class_names
    shown = ", ".join(f"'{n}'" for n in names[:limit])
    return shown + (", ..." if len(names) > limit else "")


def check_fit(doc: GraphDocument, dataset: Dataset) -> list[str]:
    """Problems between this network and this data, each a sentence that says what to change.
    An empty list means the Input, the output layer and the loss suit the data."""
    problems: list[str] = []
    analysis = doc.analysis()
    sample = tuple(dataset.sample_shape)
    inputs = [doc.nodes[i] for i in analysis.inputs]
    if len(inputs) == 1 and tuple(inputs[0].params["shape"]) != sample:
        problems.append(
            translate("The Input '{name}' expects samples of shape {shape} but each sample of the data '{data}' is "
                      "{sample}: set the Input's shape to {sample}.", name=inputs[0].name,
                      shape=fmt_shape(tuple(inputs[0].params["shape"])), data=dataset.name, sample=fmt_shape(sample)))
    from nnviz.data.text import token_problems  # an Embedding needs whole-number ids in its vocabulary

    problems += token_problems(doc, dataset)
    loss = doc.training.loss
    loss_label = term(LOSSES.get(loss, (loss,))[0])
    loss_label = loss_label.lower() if loss_label.isascii() else loss_label
    k = dataset.n_classes
    if dataset.task == "classification":
        if loss not in BINARY_LOSSES + CLASS_ID_LOSSES + PER_POSITION_LOSSES:
            problems.append(
                translate("The data '{data}' has {k} classes ({classes}), but the loss is {loss}, which compares "
                          "numbers: choose cross-entropy for classes.", data=dataset.name, k=k,
                          classes=_class_list(dataset), loss=loss_label))
        elif loss in BINARY_LOSSES and k > 2:
            problems.append(
                translate("Binary cross-entropy tells two classes apart, but the data '{data}' has {k} classes: choose "
                          "cross-entropy and give the output layer {k} units, one per class.", data=dataset.name, k=k))
    elif loss in BINARY_LOSSES + CLASS_ID_LOSSES + PER_POSITION_LOSSES:
        problems.append(
            translate("The data '{data}' has numbers to predict (regression), but {loss} needs class labels: choose "
                      "mean squared error or mean absolute error (L1).", data=dataset.name, loss=loss_label))
    if len(analysis.outputs) != 1 or analysis.outputs[0] not in analysis.shapes:
        return problems  # the graph's own errors say what is wrong with the network first
    out_node = doc.nodes[analysis.outputs[0]]
    out = analysis.shapes[out_node.id]
    who = translate("the output layer '{name}'", name=out_node.name)
    ends = _probabilities(out_node)
    if dataset.task == "classification" and loss in CLASS_ID_LOSSES:
        if out != (k,):
            problems.append(
                translate("The data '{data}' has {k} classes ({classes}), but {who} gives {shape}: it needs {k} units, "
                          "one score per class.", data=dataset.name, k=k, classes=_class_list(dataset), who=who,
                          shape=fmt_shape(out)))
        if loss == "nll_probs" and ends != CLASS_PROBABILITIES:
            problems.append(
                translate("Cross-entropy on probabilities needs a softmax at the end, but {who} has none: set its "
                          "activation to softmax, or choose cross-entropy on logits.", who=who))
        if loss == "cross_entropy" and ends == CLASS_PROBABILITIES:
            problems.append(
                translate("Cross-entropy on logits applies softmax itself, and {who} already ends with softmax, so it "
                          "would be applied twice: remove that softmax, or choose cross-entropy on probabilities.",
                          who=who))
    elif dataset.task == "classification" and loss in PER_POSITION_LOSSES:
        steps = dataset.target_width
        if out != (steps, k):
            problems.append(str(Message(
                "The data '{data}' has {k} classes at each of its {steps} positions, but the output layer '{name}' "
                "gives {shape}: it needs {k} units at every position (a Dense after the sequence)",
                data=dataset.name, k=k, steps=steps, name=out_node.name, shape=fmt_shape(out))))
    elif dataset.task == "classification" and loss in BINARY_LOSSES and k <= 2:
        if out != (1,):
            positive = dataset.class_names[1] if k == 2 else "1"
            problems.append(
                translate("Binary cross-entropy needs one output unit (the probability of class '{positive}'), but "
                          "{who} gives {shape}: give it 1 unit.", positive=positive, who=who, shape=fmt_shape(out)))
        if loss == "bce" and ends != BINARY_PROBABILITY:
            problems.append(
                translate("Binary cross-entropy on probabilities needs a sigmoid at the end, but {who} has none: set "
                          "its activation to sigmoid, or choose binary cross-entropy on logits.", who=who))
        if loss == "bce_logits" and ends == BINARY_PROBABILITY:
            problems.append(
                translate("Binary cross-entropy on logits applies the sigmoid itself, and {who} already ends with a "
                          "sigmoid: remove it, or choose binary cross-entropy on probabilities.", who=who))
    elif dataset.task == "regression" and loss not in BINARY_LOSSES + CLASS_ID_LOSSES:
        width = dataset.target_width
        if out != (width,):
            problems.append(translate(
                "The data '{data}' has 1 target value per sample, but {who} gives {shape}: give it 1 unit.",
                data=dataset.name, who=who, shape=fmt_shape(out)) if width == 1 else translate(
                "The data '{data}' has {width} target values per sample, but {who} gives {shape}: give it {width} "
                "units.", data=dataset.name, width=width, who=who, shape=fmt_shape(out)))
    return problems
