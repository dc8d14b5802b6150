"""Layer types that are one PyTorch module each (activations, Dropout, Flatten), declared by a mapping.

One entry of ONE_TO_ONE gives a layer type its emitter and its import rules: the torch.nn class, the
functions and tensor methods that compute the same, and the constructor arguments nnviz always means.
nnviz's parameter names are the module's own (LeakyReLU(negative_slope=), Dropout(p=)), so parameters
pass by name: every parameter is written on export and read back on import (from the module's
attribute, or a call's argument in the spec's order after the input).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from nnviz.export.errors import ExportError
from nnviz.export.import_rules import Converted, Site, function_rule, method_rule, module_rule
from nnviz.export.registry import EmitContext, Emitted, literal, register_emitter
from nnviz.graph.registry import get_spec
from nnviz.graph.specs.activations import ACTIVATION_TYPES
from nnviz.i18n import Message


@dataclass(frozen=True)
class TorchTwin:
    """The PyTorch form of a layer type that is exactly one torch.nn module."""

    module: str  # class in torch.nn: "LeakyReLU"
    functional: str = ""  # the call a fused activation is written as: "F.leaky_relu"
    functions: tuple[str, ...] = ()  # call_function targets imported as this type: "torch.relu"
    methods: tuple[str, ...] = ()  # tensor methods imported as this type: "relu" for x.relu()
    # Constructor arguments nnviz always means (written on export, required on import); an argument
    # named *dim counts from the end when negative, so dim=-1 and dim=1 agree on a (batch, n) tensor.
    fixed: dict[str, Any] = field(default_factory=dict)
    # Values a function call means when it leaves a fixed argument out (torch.flatten's end_dim=-1).
    call_defaults: dict[str, Any] = field(default_factory=dict)
    why: str = ""  # what nnviz does instead, said when a fixed argument differs


ONE_TO_ONE: dict[str, TorchTwin] = {
    # Every activation, from its one entry in nnviz/graph/specs/activations.py.
    **{key: TorchTwin(a.torch, a.functional, a.functions, a.methods, fixed=dict(a.fixed), why=a.why)
       for key, a in ACTIVATION_TYPES.items()},
    "dropout": TorchTwin("Dropout", functions=("torch.nn.functional.dropout",)),
    "flatten": TorchTwin("Flatten", functions=("torch.flatten",), methods=("flatten",),
                         fixed={"start_dim": 1, "end_dim": -1}, call_defaults={"end_dim": -1},
                         why="nnviz flattens each whole sample, as flatten(x, 1) does"),
}


def _arguments(key: str, params: dict[str, Any]) -> list[str]:
    """keyword=value for each parameter (its value, or its default), then the fixed arguments."""
    spec, twin = get_spec(key), ONE_TO_ONE[key]
    values = {p.name: params.get(p.name, p.default) for p in spec.params}
    return [f"{name}={literal(value)}" for name, value in {**values, **twin.fixed}.items()]


def fused_activation(key: str, expr: str) -> str:
    """`expr` wrapped in an activation's function form, for a layer that fuses it (Dense, Conv2D). A
    fused activation keeps its defaults: its settings are those of an activation node left as it comes."""
    if key in ("none", "identity"):
        return expr
    twin = ONE_TO_ONE.get(key)
    if twin is None or not twin.functional:
        raise ExportError(Message("no PyTorch form for activation {key!r}", key=key))
    return f"{twin.functional}({', '.join([expr, *_arguments(key, {})])})"


def _emit(ctx: EmitContext) -> Emitted:
    module = f"nn.{ONE_TO_ONE[ctx.node.type].module}({', '.join(_arguments(ctx.node.type, ctx.params))})"
    return Emitted(init=[ctx.module(module)], forward=[ctx.assign(ctx.call(ctx.inputs[0]))])


# ------------------------------------------------------------------------------------ import
_CASTS = {"float": float, "int": int, "bool": bool}


def _converted(key: str, site: Site, given: dict[str, Any]) -> Converted:
    """The node for `key` from the values the module or call gives, fixed arguments checked."""
    spec, twin = get_spec(key), ONE_TO_ONE[key]
    rank = len(site.out_shape) + 1  # with the batch axis
    for name, meant in twin.fixed.items():
        value = given.get(name)
        if name.endswith("dim") and isinstance(value, int) and value < 0:
            value += rank
        if value != (meant + rank if name.endswith("dim") and meant < 0 else meant):
            shown = ", ".join(f"{n}={given.get(n)}" for n in twin.fixed)
            raise site.fail(Message("{shown}; {why}", shown=shown, why=twin.why))
    params = {p.name: _CASTS.get(p.kind, str)(given[p.name]) for p in spec.params if given.get(p.name) is not None}
    return Converted(key, params)


def _module_rule(key: str):
    def rule(m: Any, site: Site) -> Converted:
        names = [p.name for p in get_spec(key).params] + list(ONE_TO_ONE[key].fixed)
        return _converted(key, site, {name: getattr(m, name, None) for name in names})

    return rule


def _call_rule(key: str):
    def rule(site: Site) -> Converted:
        twin = ONE_TO_ONE[key]
        names = [p.name for p in get_spec(key).params] + list(twin.fixed)
        given = {name: site.arg(i + 1, name, twin.call_defaults.get(name)) for i, name in enumerate(names)}
        return _converted(key, site, given)

    return rule


for _key, _twin in ONE_TO_ONE.items():
    register_emitter(_key)(_emit)
    module_rule(_twin.module, makes=_key)(_module_rule(_key))
    if _twin.functions:
        function_rule(*_twin.functions, makes=_key)(_call_rule(_key))
    if _twin.methods:
        method_rule(*_twin.methods, makes=_key)(_call_rule(_key))
