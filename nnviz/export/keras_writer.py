"""export_keras: model.py, model.weights.h5, train.py, data.npz and a README for Keras 3.

The weights file is written by Keras itself: the generated model.py is imported, each layer gets the
engine's tensors in Keras' layout (keras_layers.KERAS_WEIGHTS) and model.save_weights() writes them.
Keras runs on its torch backend here unless the process already chose another.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING, Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.keras_layers import KERAS_WEIGHTS
from nnviz.export.keras_model import KERAS_WEIGHTS_FILENAME, KerasPlan, plan_keras
from nnviz.export.keras_train import KERAS_TRAINED_FILENAME, optimizer_inexact, render_keras_train
from nnviz.export.weights import NodeState, initial_state
from nnviz.export.writer import (
    MODEL_FILENAME,
    README_FILENAME,
    TRAIN_FILENAME,
    ExportResult,
    data_line,
    prepare_export,
    write_data,
)
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message, translate

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset

INSTALL = 'pip install "nnviz[keras]" (keras and torch)'


def import_keras() -> Any:
    """keras, on the torch backend unless this process chose another before. ExportError when absent."""
    if "keras" not in sys.modules:
        os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        import keras
    except ImportError:
        raise ExportError(Message("Exporting to Keras needs Keras 3: {install}", install=INSTALL)) from None
    if not keras.__version__.startswith("3."):
        raise ExportError(Message(
            "Exporting to Keras needs Keras 3, but Keras {version} is installed",
            version=keras.__version__))
    return keras


@contextmanager
def keras_precision_restored(keras: Any) -> Iterator[None]:
    """Keras' floatx and global dtype policy as they were before (model.py sets both to its DTYPE)."""
    floatx, policy = keras.config.floatx(), keras.config.dtype_policy()
    try:
        yield
    finally:
        keras.config.set_floatx(floatx)
        keras.config.set_dtype_policy(policy)


def keras_state(doc: GraphDocument, plan: KerasPlan, state: NodeState) -> dict[str, list[np.ndarray]]:
    """Keras layer name -> its get_weights() list, in the model's dtype."""
    dtype = np.dtype(plan.dtype)
    analysis = doc.analysis()
    out: dict[str, list[np.ndarray]] = {}
    for nid, layer in plan.layer_names.items():
        expected = {**analysis.weight_shapes.get(nid, {}), **analysis.buffer_shapes.get(nid, {})}
        if not expected:
            continue
        values = state.get(nid, {})
        missing = [name for name in expected if name not in values]
        if missing:
            raise ExportError(Message(
                "{node} has no values for {names}: reset its weights",
                node=doc.describe(nid), names=', '.join(missing)))
        to_keras = KERAS_WEIGHTS[doc.nodes[nid].type]
        out[layer] = [np.ascontiguousarray(w, dtype=dtype) for w in to_keras(doc.nodes[nid].params, values)]
    return out


def load_module(path: Path) -> ModuleType:
    """Import one generated file under a private name (no sys.path change, no clash with `model`)."""
    spec = importlib.util.spec_from_file_location(f"nnviz_export_{abs(hash(str(path)))}", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def save_keras_weights(model_file: Path, weights: dict[str, list[np.ndarray]], path: Path) -> None:
    """make_model() from the generated file, `weights` set layer by layer, saved by Keras to `path`.

    Keras' floatx and dtype policy stay the model's DTYPE throughout (values pass through them when
    assigned) and are restored afterwards."""
    with keras_precision_restored(import_keras()):
        model = load_module(model_file).make_model()
        for layer, values in weights.items():
            model.get_layer(layer).set_weights(values)
        model.save_weights(path)


def export_keras(doc: GraphDocument, out_dir: str | Path, *, weights: NodeState | None = None,
                 dataset: Dataset | None = None, source_name: str = "") -> ExportResult:
    """Export `doc` to Keras 3 in `out_dir` (see the module doc); the same contract as export_pytorch."""
    plan = plan_keras(doc, source_name=source_name)
    arrays = keras_state(doc, plan, weights if weights is not None else initial_state(doc))
    import_keras()
    out, data, warnings = prepare_export(doc, dataset, out_dir)
    files = [out / MODEL_FILENAME, out / KERAS_WEIGHTS_FILENAME, out / TRAIN_FILENAME, out / README_FILENAME]
    files[0].write_text(plan.source, encoding="utf-8")
    save_keras_weights(files[0], arrays, files[1])
    files[2].write_text(render_keras_train(doc.training, source_name=source_name), encoding="utf-8")
    write_data(out, data, files)
    files[3].write_text(keras_readme(doc, plan, data is not None), encoding="utf-8")
    return ExportResult(out, files, plan, warnings)  # type: ignore[arg-type]


def inexact_reasons(doc: GraphDocument, plan: KerasPlan) -> list[str]:
    """Every reason Keras cannot reproduce nnviz's training steps exactly (empty: it can)."""
    reasons = list(plan.inexact)
    optimiser = optimizer_inexact(doc.training)
    if optimiser:
        reasons.append(optimiser)
    return reasons


def keras_readme(doc: GraphDocument, plan: KerasPlan, has_data: bool) -> str:
    """The folder's README.md in the learner's language (nnviz.i18n's current one); code stays code."""
    s = doc.training
    shapes = ", ".join(fmt_shape(shape) for shape in plan.input_shapes)
    style = "keras.Sequential" if plan.sequential else translate("the functional API (keras.Model)")
    reasons = inexact_reasons(doc, plan)
    lines = [
        translate("# A network exported from nnviz to Keras 3"),
        "",
        "- " + translate("`{model}`: the network built with {style}; `build_model()` returns it with the weights in "
                         "`{weights}` loaded. Input: one sample of shape {shapes} per row of a batch (images as nnviz "
                         "has them, channels first); output {output}.", model=MODEL_FILENAME, style=style,
                         weights=KERAS_WEIGHTS_FILENAME, shapes=shapes, output=fmt_shape(plan.output_shape)),
        "- " + translate("`{train}`: `model.compile()` with the same loss ({loss}), optimiser ({optimizer}, lr {lr}) "
                         "and accuracy as nnviz, then `model.fit()` with batch size {batch_size}; saves `{trained}`.",
                         train=TRAIN_FILENAME, loss=s.loss, optimizer=s.optimizer, lr=s.lr, batch_size=s.batch_size,
                         trained=KERAS_TRAINED_FILENAME),
        "- " + data_line(has_data),
        "",
        translate("## Run it"),
        "",
        "```",
        "pip install keras torch numpy      # " + translate("or keras with jax or tensorflow: set KERAS_BACKEND"),
        "python train.py --epochs 5         # --lr 0.01",
        "python model.py                    # " + translate("the layers and their shapes"),
        "```",
        "",
        translate("`nnviz export FILE --to keras -o DIR --verify` runs this model beside nnviz on the same batches."),
    ]
    if reasons:
        lines += ["", translate("Keras cannot take exactly nnviz's training steps here (the forward pass is the "
                                "same):"), ""]
        lines += [f"- {r}" for r in reasons]
    return "\n".join([*lines, ""])
