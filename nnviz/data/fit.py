"""Making the network fit its data: the Input node follows the data's sample shape, and mismatches
between the output layer, the loss and the data's targets are described in words a learner can act on.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from nnviz.graph.registry import BINARY_PROBABILITY, CLASS_PROBABILITIES, REGISTRY, fmt_shape
from nnviz.graph.settings import LOSSES
from nnviz.i18n import Message

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
            f"The Input '{inputs[0].name}' expects samples of shape {fmt_shape(tuple(inputs[0].params['shape']))} "
            f"but each sample of the data '{dataset.name}' is {fmt_shape(sample)}: set the Input's shape to "
            f"{fmt_shape(sample)}.")
    from nnviz.data.text import token_problems  # an Embedding needs whole-number ids in its vocabulary

    problems += token_problems(doc, dataset)
    loss = doc.training.loss
    loss_label = LOSSES.get(loss, (loss,))[0].lower()
    k = dataset.n_classes
    if dataset.task == "classification":
        if loss not in BINARY_LOSSES + CLASS_ID_LOSSES + PER_POSITION_LOSSES:
            problems.append(
                f"The data '{dataset.name}' has {k} classes ({_class_list(dataset)}), but the loss is "
                f"{loss_label}, which compares numbers: choose cross-entropy for classes.")
        elif loss in BINARY_LOSSES and k > 2:
            problems.append(
                f"Binary cross-entropy tells two classes apart, but the data '{dataset.name}' has {k} classes: "
                f"choose cross-entropy and give the output layer {k} units, one per class.")
    elif loss in BINARY_LOSSES + CLASS_ID_LOSSES + PER_POSITION_LOSSES:
        problems.append(
            f"The data '{dataset.name}' has numbers to predict (regression), but {loss_label} needs class "
            "labels: choose mean squared error or mean absolute error (L1).")
    if len(analysis.outputs) != 1 or analysis.outputs[0] not in analysis.shapes:
        return problems  # the graph's own errors say what is wrong with the network first
    out_node = doc.nodes[analysis.outputs[0]]
    out = analysis.shapes[out_node.id]
    who = f"the output layer '{out_node.name}'"
    ends = _probabilities(out_node)
    if dataset.task == "classification" and loss in CLASS_ID_LOSSES:
        if out != (k,):
            problems.append(
                f"The data '{dataset.name}' has {k} classes ({_class_list(dataset)}), but {who} gives "
                f"{fmt_shape(out)}: it needs {k} units, one score per class.")
        if loss == "nll_probs" and ends != CLASS_PROBABILITIES:
            problems.append(
                f"Cross-entropy on probabilities needs a softmax at the end, but {who} has none: set its "
                "activation to softmax, or choose cross-entropy on logits.")
        if loss == "cross_entropy" and ends == CLASS_PROBABILITIES:
            problems.append(
                f"Cross-entropy on logits applies softmax itself, and {who} already ends with softmax, so it "
                "would be applied twice: remove that softmax, or choose cross-entropy on probabilities.")
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
                f"Binary cross-entropy needs one output unit (the probability of class '{positive}'), but "
                f"{who} gives {fmt_shape(out)}: give it 1 unit.")
        if loss == "bce" and ends != BINARY_PROBABILITY:
            problems.append(
                f"Binary cross-entropy on probabilities needs a sigmoid at the end, but {who} has none: set "
                "its activation to sigmoid, or choose binary cross-entropy on logits.")
        if loss == "bce_logits" and ends == BINARY_PROBABILITY:
            problems.append(
                f"Binary cross-entropy on logits applies the sigmoid itself, and {who} already ends with a "
                "sigmoid: remove it, or choose binary cross-entropy on probabilities.")
    elif dataset.task == "regression" and loss not in BINARY_LOSSES + CLASS_ID_LOSSES:
        width = dataset.target_width
        if out != (width,):
            noun = "value" if width == 1 else "values"
            problems.append(
                f"The data '{dataset.name}' has {width} target {noun} per sample, but {who} gives "
                f"{fmt_shape(out)}: give it {width} unit{'s' if width > 1 else ''}.")
    return problems
