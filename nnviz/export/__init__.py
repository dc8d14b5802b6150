"""Export a network to PyTorch (code, weights, training script) and import PyTorch models (no Qt).

    from nnviz.export import export_pytorch
    result = export_pytorch(doc, "out/")        # model.py, weights.safetensors, train.py, data.npz, README.md

torch is optional: only verification (nnviz.export.verify) and import (nnviz.export.importer)
import it. Layer types map to PyTorch through emitters registered per type (nnviz.export.registry).
"""

from nnviz.export.errors import ExportError
from nnviz.export.model_code import ModelPlan, plan_model
from nnviz.export.writer import ExportResult, export_pytorch

__all__ = ["ExportError", "ExportResult", "ModelPlan", "export_pytorch", "plan_model"]
