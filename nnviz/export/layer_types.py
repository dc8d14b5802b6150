"""Every facet of each layer type, gathered under its key, and the check that none is missing.

A layer type's facets live at the level of the architecture that may hold them (graph < engine <
export), each registered under the type's key:

- spec (nnviz/graph/specs/): parameters, shape inference and its messages, weight shapes, and the
  capabilities generic code asks about instead of testing keys;
- engine class (nnviz/engine/layers/): the NumPy forward and backward, and its formula;
- emitter and import rules (nnviz/export/emit_*.py, import_rules.py): the PyTorch code it becomes and
  the PyTorch modules and functions that become it.

This module is the one place that sees them all, so it assembles each key's LayerType and reports
what is missing (tests/test_layer_types.py fails on any gap).
"""

from __future__ import annotations

from dataclasses import dataclass

from nnviz.engine.base import LAYERS, Layer
from nnviz.export.registry import Emitter, get_emitter, load_emitters
from nnviz.graph.registry import Capabilities, LayerSpec, all_specs, get_spec

FACETS = ("spec", "engine", "formula", "emitter", "import rule")


@dataclass(frozen=True)
class LayerType:
    """One layer type with every facet (None or empty where a facet is missing)."""

    spec: LayerSpec
    engine: type[Layer] | None
    has_formula: bool
    emitter: Emitter | None
    imported_from: tuple[str, ...]  # what PyTorch writes that imports as this type ("nn.Linear", ...)

    @property
    def key(self) -> str:
        return self.spec.key

    @property
    def capabilities(self) -> Capabilities:
        return self.spec.capabilities

    def missing(self) -> list[str]:
        """The facets this type lacks, in FACETS order. A source (Input) is a forward() argument in
        PyTorch, written and read by the exporter and importer themselves: it needs no emitter or rule."""
        gaps = []
        if self.engine is None:
            gaps.append("engine")
        if not self.has_formula:
            gaps.append("formula")
        if not self.spec.is_source:
            if self.emitter is None:
                gaps.append("emitter")
            if not self.imported_from:
                gaps.append("import rule")
        return gaps


def _load_all() -> None:
    import nnviz.engine.layers
    import nnviz.export.import_sequence  # noqa: F401  (registers the built-in import rules)

    load_emitters()  # emit_*.py: emitters, and the import rules a family keeps beside them


def _has_formula(engine: type[Layer] | None) -> bool:
    """A forward rule for the Formula panel, or a formula() of its own (which substitutes numbers)."""
    return engine is not None and (bool(engine.forward_formula) or engine.formula is not Layer.formula)


def layer_type(key: str) -> LayerType:
    from nnviz.export.import_rules import IMPORTED_AS

    _load_all()
    spec = get_spec(key)
    engine = LAYERS.get(key)
    return LayerType(spec, engine, _has_formula(engine), get_emitter(key), tuple(IMPORTED_AS.get(key, ())))


def layer_types() -> list[LayerType]:
    """Every registered layer type, in the palette's order."""
    _load_all()
    return [layer_type(spec.key) for spec in all_specs()]


def missing_facets() -> dict[str, list[str]]:
    """{key: [missing facet, ...]} for every incomplete type; also keys with facets but no spec."""
    from nnviz.export.import_rules import IMPORTED_AS

    types = layer_types()
    gaps = {t.key: t.missing() for t in types if t.missing()}
    known = {t.key for t in types}
    load_emitters()
    from nnviz.export.registry import EMITTERS

    for key in sorted((set(LAYERS) | set(EMITTERS) | set(IMPORTED_AS)) - known):
        gaps[key] = ["spec"]
    return gaps
