"""The graph document: layer types, nodes and edges, shape inference, training settings (no Qt)."""

from nnviz.graph.document import Change, Edge, GraphDocument, GraphEditError, Node, RemovedNode
from nnviz.graph.inference import Analysis
from nnviz.graph.params import ParamError, ParamSpec
from nnviz.graph.registry import CATEGORIES, LayerSpec, Shape, ShapeError, all_specs, fmt_shape, get_spec
from nnviz.graph.settings import LOSSES, OPTIMIZERS, SettingsError, TrainingSettings

__all__ = [
    "CATEGORIES", "LOSSES", "OPTIMIZERS", "Analysis", "Change", "Edge", "GraphDocument", "GraphEditError",
    "LayerSpec", "Node", "ParamError", "ParamSpec", "RemovedNode", "SettingsError", "Shape", "ShapeError",
    "TrainingSettings", "all_specs", "fmt_shape", "get_spec",
]
