"""The export targets (PyTorch, Keras 3, ONNX) in one table, for `nnviz export --to` and the window.

Each target names its writer and verifier (imported on use: keras, onnx and torch stay optional) and
can preview the text files it would write, without importing any framework.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from nnviz.graph.document import GraphDocument


@dataclass(frozen=True)
class ExportTarget:
    key: str  # the --to value
    label: str  # the framework's name, the same in every language
    writer: str  # "module:function" writing the folder: (doc, out_dir, *, weights, dataset, source_name)
    verifier: str  # "module:function" comparing it with the engine: (doc, directory, *, steps, weights)
    preview: Callable[[GraphDocument, str], dict[str, str]]  # (doc, source name) -> {file name: text}
    files: tuple[str, ...] = ("model.py", "train.py")  # the preview's file names, in its order

    def export(self, *args: Any, **kwargs: Any) -> Any:
        return _resolve(self.writer)(*args, **kwargs)

    def verify(self, *args: Any, **kwargs: Any) -> Any:
        return _resolve(self.verifier)(*args, **kwargs)


def _resolve(where: str) -> Callable[..., Any]:
    module, name = where.split(":")
    return getattr(importlib.import_module(module), name)


def _pytorch_preview(doc: GraphDocument, source_name: str) -> dict[str, str]:
    from nnviz.export.model_code import plan_model
    from nnviz.export.train_code import render_train

    return {"model.py": plan_model(doc, source_name=source_name).source,
            "train.py": render_train(doc.training, source_name=source_name)}


def _keras_preview(doc: GraphDocument, source_name: str) -> dict[str, str]:
    from nnviz.export.keras_model import plan_keras
    from nnviz.export.keras_train import render_keras_train

    return {"model.py": plan_keras(doc, source_name=source_name).source,
            "train.py": render_keras_train(doc.training, source_name=source_name)}


def _onnx_preview(doc: GraphDocument, source_name: str) -> dict[str, str]:
    from nnviz.export.model_code import plan_model
    from nnviz.export.onnx_export import onnx_readme

    plan = plan_model(doc, source_name=source_name)
    # model.onnx is binary: show how to open it, and the PyTorch model it is traced from.
    return {"README.md": onnx_readme(plan.arg_names, plan.input_shapes, plan.output_shape),
            "model.py (traced)": plan.source}


TARGETS: dict[str, ExportTarget] = {
    "pytorch": ExportTarget("pytorch", "PyTorch", "nnviz.export.writer:export_pytorch",
                            "nnviz.export.verify:verify_export", _pytorch_preview),
    "keras": ExportTarget("keras", "Keras", "nnviz.export.keras_writer:export_keras",
                          "nnviz.export.keras_verify:verify_keras", _keras_preview),
    "onnx": ExportTarget("onnx", "ONNX", "nnviz.export.onnx_export:export_onnx",
                         "nnviz.export.onnx_export:verify_onnx", _onnx_preview, ("README.md", "model.py (traced)")),
}
