"""The registry of layer types: each a LayerSpec keyed by a stable string.

A spec is declarative: its parameters, its ports, how it maps input shapes to an output shape
(raising ShapeError in a learner's words), and the shapes of its weights. The engine implements
the arithmetic of each key separately (nnviz.engine.layers), so the document needs no NumPy maths.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from math import prod
from typing import Any

from nnviz.graph.params import ParamError, ParamSpec

Shape = tuple[int, ...]

CATEGORIES = (
    "Input",
    "Core",
    "Activations",
    "Convolution",
    "Pooling",
    "Normalisation",
    "Merge",
    "Regularisation",
    "Sequence",
)


class ShapeError(ValueError):
    """A layer cannot accept the shapes it is given. The message completes "Dense 'fc2' ..."."""


def _no_weights(in_shapes: list[Shape], params: dict[str, Any]) -> dict[str, Shape]:
    return {}


@dataclass(frozen=True)
class LayerSpec:
    """Everything the document, the canvas and the exporter know about one layer type."""

    key: str
    label: str
    category: str
    description: str
    infer: Callable[[list[Shape], dict[str, Any]], Shape]
    params: tuple[ParamSpec, ...] = ()
    # Trainable tensors, named and laid out as in PyTorch's state_dict (weight: (out, in), ...).
    weight_shapes: Callable[[list[Shape], dict[str, Any]], dict[str, Shape]] = _no_weights
    # Non-trainable state that is saved and exported (BatchNorm running statistics).
    buffer_shapes: Callable[[list[Shape], dict[str, Any]], dict[str, Shape]] = _no_weights
    # Number of input ports: a fixed number, or read from the parameter "num_inputs" (merges).
    inputs: int = 1
    variadic: bool = False
    # Short name used for automatic node names ("dense" -> dense_1, dense_2 ...).
    stem: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(f"{self.label} has no parameter {name!r}")

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate_params(self, values: dict[str, Any]) -> dict[str, Any]:
        """Defaults filled in, each value checked; unknown names refused."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParamError(f"{self.label} has no parameter {unknown[0]!r}")
        out = {}
        for p in self.params:
            out[p.name] = p.validate(values[p.name]) if p.name in values else p.default
        return out

    def num_inputs(self, params: dict[str, Any]) -> int:
        return int(params.get("num_inputs", self.inputs)) if self.variadic else self.inputs

    def count_weights(self, in_shapes: list[Shape], params: dict[str, Any]) -> int:
        return sum(prod(s) for s in self.weight_shapes(in_shapes, params).values())

    @property
    def name_stem(self) -> str:
        return self.stem or self.key


class Registry:
    """Layer specs by key; registering a key twice is an error, not a silent override."""

    def __init__(self) -> None:
        self._specs: dict[str, LayerSpec] = {}

    def register(self, spec: LayerSpec) -> LayerSpec:
        if spec.key in self._specs:
            raise ValueError(f"layer type {spec.key!r} is already registered")
        if spec.category not in CATEGORIES:
            raise ValueError(f"layer type {spec.key!r} has unknown category {spec.category!r}")
        self._specs[spec.key] = spec
        return spec

    def get(self, key: str) -> LayerSpec:
        try:
            return self._specs[key]
        except KeyError:
            raise KeyError(f"unknown layer type {key!r}") from None

    def __contains__(self, key: object) -> bool:
        return key in self._specs

    def __iter__(self) -> Iterator[LayerSpec]:
        return iter(self._specs.values())

    def keys(self) -> list[str]:
        return list(self._specs)

    def by_category(self) -> dict[str, list[LayerSpec]]:
        groups: dict[str, list[LayerSpec]] = {c: [] for c in CATEGORIES}
        for spec in self._specs.values():
            groups[spec.category].append(spec)
        return {c: specs for c, specs in groups.items() if specs}


REGISTRY = Registry()


def register(spec: LayerSpec) -> LayerSpec:
    return REGISTRY.register(spec)


def get_spec(key: str) -> LayerSpec:
    _ensure_loaded()
    return REGISTRY.get(key)


def all_specs() -> list[LayerSpec]:
    _ensure_loaded()
    return list(REGISTRY)


def _ensure_loaded() -> None:
    # The spec modules register themselves on import; importing the package is enough.
    import nnviz.graph.specs  # noqa: F401


def fmt_shape(shape: Shape) -> str:
    return "(" + ", ".join(str(d) for d in shape) + ("," if len(shape) == 1 else "") + ")"
