"""How each supported PyTorch module or function becomes an nnviz node: a registry of rules.

A module rule takes the module (an nn.Module instance) and the traced node's input/output shapes
and returns (layer type key, params, weights); it raises ExportError for a setting nnviz cannot
express. Rules are keyed by the class name of modules defined in torch.nn (checked, so a user's
own class that happens to be called "Linear" is not mistaken for it). Function and method rules
map torch.fx call_function / call_method nodes. Every rule declares the layer type keys it makes
(makes=...), so the completeness check (nnviz/export/layer_types.py) sees which types can be
imported. A layer family adds its rules beside its emitter, e.g. @module_rule("LSTM", makes="lstm")
in its emit_<family>.py (see docs/adding-a-layer.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.graph.registry import get_spec
from nnviz.i18n import Message

Shape = tuple[int, ...]


PASS_THROUGH = ""  # Converted.type for an operation that becomes no node (its reader reads its input)


@dataclass
class Converted:
    """One nnviz node made from one PyTorch operation."""

    type: str
    params: dict[str, Any] = field(default_factory=dict)
    weights: dict[str, np.ndarray] = field(default_factory=dict)
    inputs: int = 1  # how many of the traced node's tensor arguments feed it (in order)


@dataclass
class Site:
    """What a rule may read about the traced operation (shapes per sample, without the batch)."""

    label: str  # for messages: "Conv2d 'features.0'"
    in_shapes: list[Shape]
    out_shape: Shape
    args: tuple = ()
    kwargs: dict[str, Any] = field(default_factory=dict)

    def fail(self, reason: str) -> ExportError:
        return ExportError(Message("{label} cannot be imported: {reason}", label=self.label, reason=reason))

    def arg(self, index: int, name: str, default: Any) -> Any:
        if name in self.kwargs:
            return self.kwargs[name]
        return self.args[index] if len(self.args) > index else default


ModuleRule = Callable[[Any, Site], Converted]
FunctionRule = Callable[[Site], Converted]
MODULE_RULES: dict[str, ModuleRule] = {}
CUSTOM_MODULE_RULES: dict[str, ModuleRule] = {}  # classes defined outside torch.nn (helpers in model.py)
METHOD_RULES: dict[str, FunctionRule] = {}
_FUNCTION_RULES_BY_NAME: dict[str, FunctionRule] = {}  # "torch.relu" -> rule (resolved lazily)
# Layer type key -> what PyTorch writes that imports as it ("nn.Linear", "torch.relu()", ".relu()").
IMPORTED_AS: dict[str, list[str]] = {}


def _made(makes: str | tuple[str, ...], sources: list[str]) -> None:
    for key in (makes,) if isinstance(makes, str) else makes:
        if key != PASS_THROUGH:
            IMPORTED_AS.setdefault(key, []).extend(sources)


def module_rule(*class_names: str, makes: str | tuple[str, ...],
                custom: bool = False) -> Callable[[ModuleRule], ModuleRule]:
    """Rules for modules of these class names, making nodes of the layer type(s) `makes`: torch.nn's
    own, or with custom=True classes defined elsewhere (e.g. a helper module an emitter writes into
    model.py). A module with a rule is a leaf of the trace: torch.fx does not look inside it."""
    table = CUSTOM_MODULE_RULES if custom else MODULE_RULES

    def wrap(fn: ModuleRule) -> ModuleRule:
        for name in class_names:
            if name in table:
                raise ValueError(f"an import rule for {name} is already registered")
            table[name] = fn
        _made(makes, [name if custom else f"nn.{name}" for name in class_names])
        return fn

    return wrap


def function_rule(*qualified: str, makes: str | tuple[str, ...]) -> Callable[[FunctionRule], FunctionRule]:
    """Rules for call_function targets, named like 'torch.relu' or 'torch.nn.functional.relu'."""

    def wrap(fn: FunctionRule) -> FunctionRule:
        for name in qualified:
            _FUNCTION_RULES_BY_NAME[name] = fn
        _made(makes, [f"{name}()" for name in qualified])
        return fn

    return wrap


def method_rule(*names: str, makes: str | tuple[str, ...]) -> Callable[[FunctionRule], FunctionRule]:
    """Rules for tensor methods (call_method targets), named like 'relu' for x.relu()."""

    def wrap(fn: FunctionRule) -> FunctionRule:
        for name in names:
            METHOD_RULES[name] = fn
        _made(makes, [f".{name}()" for name in names])
        return fn

    return wrap


def function_rules() -> dict[Any, FunctionRule]:
    """{function object: rule}, resolving the qualified names against the installed torch."""
    import importlib

    table: dict[Any, FunctionRule] = {}
    for qualified, rule in _FUNCTION_RULES_BY_NAME.items():
        module_name, _, attr = qualified.rpartition(".")
        try:
            target = getattr(importlib.import_module(module_name), attr)
        except (ImportError, AttributeError):
            continue
        table[target] = rule
    return table


# torch.nn modules whose forward() torch.fx cannot trace (it branches on the input) but which are built from
# modules nnviz imports: class name -> a function giving a traceable module over the same submodules.
UNFOLD_RULES: dict[str, Callable[[Any], Any]] = {}


def unfold_rule(*class_names: str, makes: str | tuple[str, ...]) -> Callable[[Callable[[Any], Any]], Callable]:
    """Rules that replace a torch.nn module by a traceable equivalent before tracing (the layer types
    its parts import as are `makes`)."""

    def wrap(fn: Callable[[Any], Any]) -> Callable[[Any], Any]:
        for name in class_names:
            UNFOLD_RULES[name] = fn
        _made(makes, [f"nn.{name}" for name in class_names])
        return fn

    return wrap


def _unfold_rule(module: Any) -> Callable[[Any], Any] | None:
    cls = type(module)
    return UNFOLD_RULES.get(cls.__name__) if cls.__module__.startswith("torch.nn") else None


def unfolded(model: Any) -> Any:
    """A copy of `model` with every module that has an unfold rule replaced by its traceable form (the
    model itself when none has one, so an ordinary model is never copied)."""
    if not any(_unfold_rule(m) for m in model.modules()):
        return model
    import copy

    model = copy.deepcopy(model)

    def replace(parent: Any) -> None:
        for name, child in list(parent.named_children()):
            replace(child)  # the parts first: an encoder's layers are unfolded before the encoder
            rule = _unfold_rule(child)
            if rule is not None:
                setattr(parent, name, rule(child))

    replace(model)
    rule = _unfold_rule(model)
    return rule(model) if rule is not None else model


def rule_for_module(module: Any) -> ModuleRule | None:
    cls = type(module)
    if not cls.__module__.startswith("torch.nn"):
        return CUSTOM_MODULE_RULES.get(cls.__name__)
    return MODULE_RULES.get(cls.__name__)


def tensors(module: Any) -> dict[str, np.ndarray]:
    """The module's own parameters and buffers as float64 arrays (counters stay integers)."""
    out = {}
    for name, value in module.state_dict().items():
        array = value.detach().cpu().numpy()
        out[name] = array.astype(np.int64) if array.dtype.kind in "iu" else array.astype(np.float64)
    return out


def _pair(value: Any) -> tuple[int, int]:
    return (int(value), int(value)) if isinstance(value, int) else (int(value[0]), int(value[1]))


# ------------------------------------------------------------------------------------ modules
@module_rule("Linear", makes="dense")
def _linear(m: Any, site: Site) -> Converted:
    return Converted("dense", {"units": m.out_features, "use_bias": m.bias is not None}, tensors(m))


@module_rule("Conv2d", makes="conv2d")
def _conv2d(m: Any, site: Site) -> Converted:
    if m.groups != 1:
        raise site.fail(Message("groups={groups}; nnviz's Conv2D has no groups", groups=m.groups))
    if _pair(m.dilation) != (1, 1):
        raise site.fail(Message("dilation={dilation}; nnviz's Conv2D has no dilation", dilation=m.dilation))
    if m.padding_mode != "zeros":
        raise site.fail(Message("padding_mode={padding_mode!r}; nnviz pads with zeros", padding_mode=m.padding_mode))
    padding = m.padding
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif all(k % 2 for k in m.kernel_size) and _pair(m.stride) == (1, 1):
            padding = (m.kernel_size[0] // 2, m.kernel_size[1] // 2)
        else:
            raise site.fail(Message("padding='same' with an even kernel; give the padding as numbers"))
    params = {"out_channels": m.out_channels, "kernel_size": _pair(m.kernel_size), "stride": _pair(m.stride),
              "padding": _pair(padding), "use_bias": m.bias is not None}
    return Converted("conv2d", params, tensors(m))


def _pool_params(m: Any, site: Site) -> dict[str, Any]:
    if getattr(m, "ceil_mode", False):
        raise site.fail(Message("ceil_mode=True; nnviz rounds pooled sizes down"))
    stride = m.stride if m.stride is not None else m.kernel_size
    return {"kernel_size": _pair(m.kernel_size), "stride": _pair(stride), "padding": _pair(m.padding)}


@module_rule("MaxPool2d", makes="maxpool2d")
def _maxpool(m: Any, site: Site) -> Converted:
    if _pair(m.dilation) != (1, 1) or m.return_indices:
        raise site.fail(Message("dilation or return_indices is set; nnviz's MaxPool2D has neither"))
    return Converted("maxpool2d", _pool_params(m, site))


@module_rule("AvgPool2d", makes="avgpool2d")
def _avgpool(m: Any, site: Site) -> Converted:
    if not m.count_include_pad or m.divisor_override is not None:
        raise site.fail(Message("count_include_pad=False or divisor_override; nnviz averages over the whole window"))
    return Converted("avgpool2d", _pool_params(m, site))


@module_rule("BatchNorm1d", makes="batchnorm1d")
@module_rule("BatchNorm2d", makes="batchnorm2d")
def _batchnorm(m: Any, site: Site) -> Converted:
    if not m.track_running_stats or m.momentum is None:
        raise site.fail(Message("it keeps no running statistics (or a cumulative average); nnviz uses momentum"))
    key = "batchnorm1d" if type(m).__name__ == "BatchNorm1d" else "batchnorm2d"
    return Converted(key, {"eps": float(m.eps), "momentum": float(m.momentum), "affine": bool(m.affine)},
                     tensors(m))


@module_rule("Unflatten", makes="reshape")
def _unflatten(m: Any, site: Site) -> Converted:
    return Converted("reshape", {"shape": tuple(site.out_shape)})


# ------------------------------------------------------------------------------------ functions
def _f_pool(site: Site, key: str) -> Converted:
    kernel = site.arg(1, "kernel_size", None)
    stride = site.arg(2, "stride", None)
    if site.arg(4 if key == "maxpool2d" else 3, "ceil_mode", False):
        raise site.fail(Message("ceil_mode=True; nnviz rounds pooled sizes down"))
    if key == "maxpool2d" and (_pair(site.arg(3, "dilation", 1)) != (1, 1) or site.arg(5, "return_indices", False)):
        raise site.fail(Message("dilation or return_indices is set; nnviz's MaxPool2D has neither"))
    if key == "avgpool2d" and (not site.arg(4, "count_include_pad", True) or site.arg(5, "divisor_override", None)):
        raise site.fail(Message("count_include_pad=False or divisor_override; nnviz averages over the whole window"))
    return Converted(key, {"kernel_size": _pair(kernel), "stride": _pair(stride if stride else kernel),
                           "padding": _pair(site.arg(3 if key == "maxpool2d" else 2, "padding", 0))})


@function_rule("torch.nn.functional.max_pool2d", "torch.max_pool2d", makes="maxpool2d")
def _f_maxpool(site: Site) -> Converted:
    return _f_pool(site, "maxpool2d")


@function_rule("torch.nn.functional.avg_pool2d", makes="avgpool2d")
def _f_avgpool(site: Site) -> Converted:
    return _f_pool(site, "avgpool2d")


@function_rule("torch.reshape", makes="reshape")
@method_rule("reshape", "view", makes="reshape")
def _f_reshape(site: Site) -> Converted:
    return Converted("reshape", {"shape": tuple(site.out_shape)})


CASTS = ("float", "double", "long", "int", "contiguous", "clone", "detach")


@method_rule(*CASTS, makes=PASS_THROUGH)
def _f_cast(site: Site) -> Converted:
    """Casts and copies change no values nnviz shows (token ids are floats in nnviz): passed through."""
    return Converted(PASS_THROUGH)


ADD = "add"


@function_rule("_operator.add", "_operator.iadd", "torch.add", makes=ADD)
def _f_add(site: Site) -> Converted:
    if len(site.in_shapes) != 2 or site.kwargs.get("alpha", 1) != 1:
        raise site.fail(Message("adds a constant or scales a term; nnviz's Add sums layer outputs only"))
    return Converted(ADD, {"num_inputs": 2}, inputs=2)


def merge_sums(pending: dict[str, Any], readers: dict[str, list[str]]) -> None:
    """a + b + c traces as (a + b) + c: one Add node of three inputs, as it was drawn (same order of
    summation, so the same rounding).

    pending: the importer's nodes by key, each with .converted and .sources; readers: key -> keys reading it."""
    most = get_spec(ADD).param("num_inputs").maximum
    for key in list(pending):
        node = pending[key]
        if node.converted.type != ADD or not node.sources:
            continue
        inner = pending.get(node.sources[0])
        if (inner is None or inner.converted.type != ADD or readers[node.sources[0]] != [key]
                or len(inner.sources) + len(node.sources) - 1 > most):
            continue
        del pending[node.sources[0]]
        node.sources = [*inner.sources, *node.sources[1:]]
        node.converted.params["num_inputs"] = len(node.sources)


@function_rule("torch.cat", "torch.concat", "torch.concatenate", makes="concatenate")
def _f_cat(site: Site) -> Converted:
    dim = int(site.arg(1, "dim", 0))
    rank = len(site.out_shape) + 1
    dim = dim + rank if dim < 0 else dim
    if dim == 0:
        raise site.fail(Message("joins along the batch axis; nnviz joins samples' axes (dim >= 1)"))
    n = len(site.in_shapes)
    if not 2 <= n <= 8:
        raise site.fail(Message("joins {n} tensors; nnviz's Concatenate takes 2 to 8", n=n))
    return Converted("concatenate", {"num_inputs": n, "axis": dim - 1}, inputs=n)


# operator.add is _operator.add; register the public alias too so either spelling resolves.
_FUNCTION_RULES_BY_NAME.setdefault("operator.add", _f_add)
_FUNCTION_RULES_BY_NAME.setdefault("operator.iadd", _f_add)
