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
from nnviz.i18n import Message, term

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


# What a layer type's neuron view role is (Capabilities.neuron_view).
NEURON_UNITS = "units"  # its output is drawn as a column of neurons (Input, Dense)
NEURON_ELEMENTWISE = "elementwise"  # applied neuron by neuron, drawn inside the neurons (activations)
CLASS_PROBABILITIES = "classes"  # its outputs are probabilities over the classes, summing to 1 (softmax)
BINARY_PROBABILITY = "binary"  # each output is the probability of class 1 (sigmoid)


@dataclass(frozen=True)
class Capabilities:
    """What code outside a layer's own modules may ask about a layer type, instead of testing its key.

    Every flag is read by a generic part of nnviz: the importer (fuses_activation, steps_through_time),
    the session (batch_statistics), the export check (random_masks) and the training views
    (steps_through_time, neuron_view)."""

    # Has an `activation` parameter applied to its output (Dense, Conv2D); the importer fuses a
    # following activation node into it.
    fuses_activation: bool = False
    # Computes one micro-step per time step and keeps its states per step (SimpleRNN, LSTM, GRU).
    steps_through_time: bool = False
    # May draw random masks while training (Dropout; a recurrent layer's input dropout).
    random_masks: bool = False
    # Normalises over the batch, so a batch of one sample cannot be normalised (BatchNorm).
    batch_statistics: bool = False
    # NEURON_UNITS, NEURON_ELEMENTWISE, or "" for a layer the neuron view cannot draw.
    neuron_view: str = ""
    # CLASS_PROBABILITIES, BINARY_PROBABILITY, or "": what its output is, for the check that the output
    # layer suits the loss (nnviz.data.fit; a Dense or Conv2D ends in what its fused activation gives).
    probabilities: str = ""
    # Its input is token ids: whole numbers below its vocabulary (Embedding; nnviz.data.text checks the data).
    token_ids: bool = False


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
    capabilities: Capabilities = Capabilities()
    extra: dict[str, Any] = field(default_factory=dict)

    def __post_init__(self) -> None:
        # The flag and the parameter are one fact; a spec that disagrees with itself is a bug.
        if self.capabilities.fuses_activation != any(p.name == "activation" for p in self.params):
            raise ValueError(f"layer type {self.key!r}: fuses_activation must be set exactly when it has an "
                             "'activation' parameter")
        if self.capabilities.probabilities not in ("", CLASS_PROBABILITIES, BINARY_PROBABILITY):
            raise ValueError(f"layer type {self.key!r}: unknown probabilities capability "
                             f"{self.capabilities.probabilities!r}")
        if self.capabilities.neuron_view not in ("", NEURON_UNITS, NEURON_ELEMENTWISE):
            raise ValueError(f"layer type {self.key!r}: unknown neuron_view {self.capabilities.neuron_view!r}")

    def param(self, name: str) -> ParamSpec:
        for p in self.params:
            if p.name == name:
                return p
        raise KeyError(Message("{label} has no parameter {name!r}", label=term(self.label), name=name))

    def defaults(self) -> dict[str, Any]:
        return {p.name: p.default for p in self.params}

    def validate_params(self, values: dict[str, Any]) -> dict[str, Any]:
        """Defaults filled in, each value checked; unknown names refused."""
        known = {p.name for p in self.params}
        unknown = sorted(set(values) - known)
        if unknown:
            raise ParamError(Message("{label} has no parameter {name!r}", label=term(self.label),
                                     name=unknown[0]))
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

    @property
    def is_activation(self) -> bool:
        """An activation function as a node of its own (the palette's Activations group)."""
        return self.category == "Activations"

    @property
    def is_source(self) -> bool:
        """Where data enters the network (Input): no input ports; a forward() argument in PyTorch."""
        return self.inputs == 0 and not self.variadic


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
            raise KeyError(Message("unknown layer type {key!r}", key=key)) from None

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
