"""The registry of PyTorch code emitters, one per layer type key.

An emitter is a function `emit(ctx: EmitContext) -> Emitted`: it reads the node (parameters,
shapes) from the context and returns the lines that go into `__init__` and `forward` of the
generated module. Emitters live one module per layer family (nnviz/export/emit_*.py); every module
named emit_*.py in this package is imported on first use, so a new family registers itself by
existing (see docs/export.md).
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from nnviz.export.errors import ExportError
from nnviz.graph.document import Node
from nnviz.graph.registry import Shape, fmt_shape, get_spec
from nnviz.i18n import Message, term


@dataclass
class EmitContext:
    """Everything an emitter may use. Names here are already safe identifiers."""

    node: Node
    attr: str  # attribute for this node's module: self.<attr>
    out: str  # local variable forward() assigns this node's output to
    inputs: list[str]  # local variables holding the inputs, in port order
    in_shapes: list[Shape]  # per sample, without the batch dimension
    out_shape: Shape
    weight_shapes: dict[str, Shape] = field(default_factory=dict)

    @property
    def params(self) -> dict[str, Any]:
        return self.node.params

    @property
    def label(self) -> str:
        return f"{term(get_spec(self.node.type).label)} {self.node.name!r}"

    def fail(self, reason: str) -> ExportError:
        """An error naming this node; emitters `raise ctx.fail("...")` for what PyTorch cannot express."""
        return ExportError(Message("{label} cannot be exported: {reason}", label=self.label, reason=reason))

    def module(self, expr: str) -> str:
        """The __init__ line creating this node's module."""
        return f"self.{self.attr} = {expr}"

    def call(self, *args: str) -> str:
        """Calling this node's module, e.g. self.dense_1(x)."""
        return f"self.{self.attr}({', '.join(args)})"

    def assign(self, expr: str) -> str:
        """The forward line assigning this node's output, with its per-sample shape as a comment."""
        return f"{self.out} = {expr}  # {batch_shape(self.out_shape)}"


@dataclass
class Emitted:
    """What one node contributes to the generated module.

    init: lines for __init__ (without indentation); forward: lines for forward().
    helpers: module-level definitions (e.g. a small nn.Module PyTorch lacks) by name; identical
    helpers from several nodes are written once.
    param_path: where this node's weights sit in state_dict, if not directly under self.<attr>
    (e.g. "lstm_1.rnn" when the emitter wraps the real module in a helper).
    """

    init: list[str] = field(default_factory=list)
    forward: list[str] = field(default_factory=list)
    helpers: dict[str, str] = field(default_factory=dict)
    param_path: str | None = None


Emitter = Callable[[EmitContext], Emitted]
EMITTERS: dict[str, Emitter] = {}


def register_emitter(*keys: str) -> Callable[[Emitter], Emitter]:
    """Decorator: `@register_emitter("dense")`. Registering a key twice is an error."""

    def wrap(fn: Emitter) -> Emitter:
        for key in keys:
            if key in EMITTERS:
                raise ValueError(f"an exporter for layer type {key!r} is already registered")
            EMITTERS[key] = fn
        return fn

    return wrap


_loaded = False


def load_emitters() -> None:
    """Import every nnviz/export/emit_*.py module once (each registers its emitters)."""
    global _loaded
    if _loaded:
        return
    _loaded = True
    import nnviz.export as package

    for info in sorted(pkgutil.iter_modules(package.__path__), key=lambda i: i.name):
        if info.name.startswith("emit_"):
            importlib.import_module(f"nnviz.export.{info.name}")


def get_emitter(type_key: str) -> Emitter | None:
    load_emitters()
    return EMITTERS.get(type_key)


def batch_shape(shape: Shape) -> str:
    """'(batch, 8)' for the per-sample shape (8,)."""
    return "(batch, " + fmt_shape(tuple(shape))[1:].rstrip(",)") + ")" if shape else "(batch,)"


# --------------------------------------------------------------------- helpers for emitters
def literal(value: Any) -> str:
    """A Python literal for a parameter value (numbers, bools, tuples of ints; strings via repr)."""
    if isinstance(value, bool) or value is None:
        return repr(value)
    if isinstance(value, int):
        return str(int(value))
    if isinstance(value, float):
        return repr(float(value))
    if isinstance(value, (tuple, list)):
        items = ", ".join(literal(v) for v in value)
        return f"({items},)" if len(value) == 1 else f"({items})"
    if isinstance(value, str):
        return repr(value)
    raise TypeError(f"no literal for {value!r}")


def pair(value: Any) -> str:
    """A kernel/stride/padding value: one int when both sides agree (PyTorch reads it as a square)."""
    a, b = value
    return str(int(a)) if a == b else f"({int(a)}, {int(b)})"


