"""Proof that the exported Keras model reproduces the app: Keras (torch backend) beside the engine.

verify_keras(doc, directory) imports the generated model.py and train.py, compiles the model with
train.py's compile_model() (its loss and optimiser) and feeds it the session's batches. Each step does
what Keras' own train_step does on the torch backend (forward in training mode, model.compute_loss,
backward, optimizer.apply) and compares outputs, loss, every gradient, the parameters after the
update and BatchNorm's moving mean; at the start and the end, the outputs in evaluation mode.
Tensors are compared in Keras' layout (Dense kernels transposed, GRU gates reordered ...) under
Keras' variable paths. Dropout masks drawn by the engine are injected into the Dropout layers.

Where Keras has no exact counterpart of a layer, loss or optimiser (keras_writer.inexact_reasons), the
report says so and compares the forward pass only: the initial weights, the evaluation-mode outputs
and one training-mode forward pass with its loss.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.keras_layers import KERAS_WEIGHTS, MOVING_VARIANCE_NOTE
from nnviz.export.keras_model import KERAS_WEIGHTS_FILENAME, plan_keras
from nnviz.export.keras_writer import import_keras, inexact_reasons, keras_precision_restored, keras_state
from nnviz.export.verify import (
    VerifyReport,
    engine_training_step,
    forward_masks,
    load_exported,
    require_torch,
)
from nnviz.export.weights import NodeState
from nnviz.graph.document import GraphDocument
from nnviz.i18n import Message, translate

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset


# The largest relative difference accepted, in float32 and float64 alike: ten times PyTorch's float32
# tolerance. Keras' torch backend computes matrix products in float32 even for float64 tensors (its type
# promotion maps 64 to 32 bits, as JAX does by default), and its own formulas round differently from
# nnviz's (BatchNormalization's variance as E[x^2] - E[x]^2, recurrent products over the whole
# sequence, Adam's normalised steps on tiny gradients); the differences grow over the steps to about
# 2e-5. A wrong layer, activation or setting differs by 1e-3 or more (tests check this).
KERAS_TOLERANCE = 1e-4


def require_keras_on_torch() -> Any:
    keras = import_keras()
    if keras.backend.backend() != "torch":
        raise ExportError(Message(
            "Verification runs Keras on its torch backend, but this process uses {backend}: start it with "
            "KERAS_BACKEND=torch",
            backend=keras.backend.backend()))
    return keras


def _inject_mask(torch: Any, layer: Any, p: float) -> dict[str, Any]:
    """Make a Keras Dropout layer apply the engine's mask (scaled as the engine scales it)."""
    slot: dict[str, Any] = {"mask": None}

    def call(inputs: Any, training: Any = None) -> Any:
        if not training or slot["mask"] is None:
            return inputs
        return inputs * (slot["mask"] * torch.tensor(1.0 / (1.0 - p), dtype=inputs.dtype))

    layer.call = call
    return slot


def _caps(doc: GraphDocument, nid: str) -> Any:
    return doc.nodes[nid].spec.capabilities


def _numpy(value: Any) -> np.ndarray:
    value = getattr(value, "value", value)
    return value.detach().cpu().numpy() if hasattr(value, "detach") else np.asarray(value)


def verify_keras(doc: GraphDocument, directory: str | Path, *, steps: int = 20, dataset: Dataset | None = None,
                 weights: NodeState | None = None) -> VerifyReport:
    """Run the engine and the exported Keras code on the same batches and compare (see the module doc)."""
    keras = require_keras_on_torch()
    # model.py sets Keras' floatx and dtype policy to its DTYPE and train.py runs with them: Keras makes
    # its optimiser's variables in floatx. Restored afterwards.
    with keras_precision_restored(keras):
        return _verify(keras, doc, Path(directory), steps, dataset, weights)


def _verify(keras: Any, doc: GraphDocument, directory: Path, steps: int, dataset: Dataset | None,
            weights: NodeState | None) -> VerifyReport:
    torch = require_torch()
    from nnviz.engine.session import NonFiniteError, Session, SessionError

    try:
        session = Session(doc, dataset)
    except (SessionError, ValueError) as exc:
        raise ExportError(Message("Verification needs a network the app can train: {problem}", problem=exc)) from None
    if weights is not None:
        session.net.load_state(weights)
    plan = plan_keras(doc)
    exported = load_exported(directory)
    model = exported.train.compile_model(exported.model.build_model(directory / KERAS_WEIGHTS_FILENAME))
    dtype = doc.training.dtype
    report = VerifyReport(dtype, KERAS_TOLERANCE, 0, keras.__version__, framework="Keras (torch backend)")
    layers = {nid: model.get_layer(name) for nid, name in plan.layer_names.items()}

    def pairs(state: NodeState) -> list[tuple[Any, np.ndarray]]:
        """(Keras variable, the engine's value in Keras' layout) for every weight."""
        out = []
        for layer, values in keras_state(doc, plan, state).items():
            out += list(zip(model.get_layer(layer).weights, values))
        return out

    report.add("initial weights", 0, [(v.path, ours, _numpy(v)) for v, ours in pairs(session.weights())])
    x_eval = session.x_val if len(session.x_val) else session.x_train[: doc.training.batch_size]

    def compare_eval(step: int) -> None:
        theirs = _numpy(model(torch.from_numpy(np.ascontiguousarray(x_eval)), training=False))
        report.add("outputs (eval mode)", step, [("prediction", session.predict(x_eval), theirs)])

    compare_eval(0)
    # Keras' Dropout layers take the engine's masks; a recurrent layer's input dropout has no place for one.
    masks = {nid: _inject_mask(torch, layers[nid], float(doc.nodes[nid].params["p"]))
             for nid in plan.node_ids if _caps(doc, nid).random_masks and not _caps(doc, nid).steps_through_time}
    random = [doc.nodes[n].name for n in plan.node_ids if session.layers[n].stochastic and n not in masks]
    reasons = inexact_reasons(doc, plan)
    for reason in reasons:
        report.notes.append(translate("no exact Keras counterpart for training: {reason}", reason=reason))
    if random:
        report.notes.append(translate("random layers without injected masks ({names}): compared in eval mode only",
                                          names=", ".join(random)))
        return report
    if reasons:
        report.notes.append(translate("compared: the forward pass (one training-mode batch and evaluation mode)"))
        steps = 1
    batchnorm = any(_caps(doc, n).batch_statistics for n in plan.node_ids)
    if batchnorm and not reasons:
        report.notes.append(translate("{note}: moving_variance and the final eval-mode outputs are not compared after "
                                      "training", note=MOVING_VARIANCE_NOTE))
    trainable = model.trainable_weights

    for step in range(1, steps + 1):
        try:
            events, batch, loss_event = engine_training_step(session)
        except NonFiniteError as exc:
            report.notes.append(translate("stopped at step {step}: {problem}", step=step, problem=exc))
            break
        for node, mask in forward_masks(events, masks, torch).items():
            masks[node]["mask"] = mask
        x, y = torch.from_numpy(batch.tensors["x"]), torch.from_numpy(batch.tensors["y"])
        prediction = model(x, training=True)
        model.zero_grad()
        loss = model.compute_loss(x=x, y=y, y_pred=prediction, training=True)
        report.steps = step
        report.add("outputs", step, [("prediction", loss_event.tensors["prediction"], _numpy(prediction))])
        report.add("loss", step, [("loss", loss_event.tensors["loss"], _numpy(loss))])
        if reasons:
            break
        loss.backward()
        with torch.no_grad():
            model.optimizer.apply([v.value.grad for v in trainable], trainable)
        grads: dict[str, dict[str, np.ndarray]] = {}
        for e in events:
            if e.phase == "backward" and e.node in layers and e.t is None and session.layers[e.node].params:
                grads[e.node] = {name: e.tensors[f"grad_{name}"] for name in session.layers[e.node].params}
        state = session.weights()
        compared = []
        for nid, values in grads.items():
            # The engine's gradients in Keras' layout: the same conversion as the weights (buffers as they are).
            converted = KERAS_WEIGHTS[doc.nodes[nid].type](doc.nodes[nid].params, {**state[nid], **values})
            for var, ours in zip(layers[nid].weights, converted):
                if var.trainable:
                    grad = var.value.grad
                    compared.append((var.path, ours, np.zeros_like(ours) if grad is None else _numpy(grad)))
        report.add("gradients", step, compared)
        kinds: dict[str, list] = {"parameters after update": [], "buffers": []}
        for var, ours in pairs(state):
            if var.trainable:
                kinds["parameters after update"].append((var.path, ours, _numpy(var)))
            elif not var.path.endswith("moving_variance"):
                kinds["buffers"].append((var.path, ours, _numpy(var)))
        for kind, items in kinds.items():
            if items:
                report.add(kind, step, items)
    if not reasons and not batchnorm:
        compare_eval(report.steps)
    return report
