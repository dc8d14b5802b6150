"""How each supported PyTorch module or function becomes an nnviz node: a registry of rules.

A module rule takes the module (an nn.Module instance) and the traced node's input/output shapes
and returns (layer type key, params, weights); it raises ExportError for a setting nnviz cannot
express. Rules are keyed by the class name of modules defined in torch.nn (checked, so a user's
own class that happens to be called "Linear" is not mistaken for it). Function and method rules
map torch.fx call_function / call_method nodes. Another layer family adds its rules with
@module_rule("LSTM") from its own module (see docs/export.md).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.export.errors import ExportError

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
        return ExportError(f"{self.label} cannot be imported: {reason}")

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


def module_rule(*class_names: str, custom: bool = False) -> Callable[[ModuleRule], ModuleRule]:
    """Rules for modules of these class names: torch.nn's own, or with custom=True classes defined
    elsewhere (e.g. a helper module an emitter writes into model.py). A module with a rule is a
    leaf of the trace: torch.fx does not look inside it."""
    table = CUSTOM_MODULE_RULES if custom else MODULE_RULES

    def wrap(fn: ModuleRule) -> ModuleRule:
        for name in class_names:
            if name in table:
                raise ValueError(f"an import rule for {name} is already registered")
            table[name] = fn
        return fn

    return wrap


def function_rule(*qualified: str) -> Callable[[FunctionRule], FunctionRule]:
    """Rules for call_function targets, named like 'torch.relu' or 'torch.nn.functional.relu'."""

    def wrap(fn: FunctionRule) -> FunctionRule:
        for name in qualified:
            _FUNCTION_RULES_BY_NAME[name] = fn
        return fn

    return wrap


def method_rule(*names: str) -> Callable[[FunctionRule], FunctionRule]:
    def wrap(fn: FunctionRule) -> FunctionRule:
        for name in names:
            METHOD_RULES[name] = fn
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


def _last_axis(site: Site, dim: int | None) -> None:
    rank = len(site.out_shape) + 1  # with the batch axis
    if dim is None or dim not in (-1, rank - 1):
        raise site.fail(f"softmax over dim={dim}; nnviz applies softmax over the last axis only")


# ------------------------------------------------------------------------------------ modules
@module_rule("Linear")
def _linear(m: Any, site: Site) -> Converted:
    return Converted("dense", {"units": m.out_features, "use_bias": m.bias is not None}, tensors(m))


@module_rule("Conv2d")
def _conv2d(m: Any, site: Site) -> Converted:
    if m.groups != 1:
        raise site.fail(f"groups={m.groups}; nnviz's Conv2D has no groups")
    if _pair(m.dilation) != (1, 1):
        raise site.fail(f"dilation={m.dilation}; nnviz's Conv2D has no dilation")
    if m.padding_mode != "zeros":
        raise site.fail(f"padding_mode={m.padding_mode!r}; nnviz pads with zeros")
    padding = m.padding
    if isinstance(padding, str):
        if padding == "valid":
            padding = (0, 0)
        elif all(k % 2 for k in m.kernel_size) and _pair(m.stride) == (1, 1):
            padding = (m.kernel_size[0] // 2, m.kernel_size[1] // 2)
        else:
            raise site.fail("padding='same' with an even kernel; give the padding as numbers")
    params = {"out_channels": m.out_channels, "kernel_size": _pair(m.kernel_size), "stride": _pair(m.stride),
              "padding": _pair(padding), "use_bias": m.bias is not None}
    return Converted("conv2d", params, tensors(m))


def _pool_params(m: Any, site: Site) -> dict[str, Any]:
    if getattr(m, "ceil_mode", False):
        raise site.fail("ceil_mode=True; nnviz rounds pooled sizes down")
    stride = m.stride if m.stride is not None else m.kernel_size
    return {"kernel_size": _pair(m.kernel_size), "stride": _pair(stride), "padding": _pair(m.padding)}


@module_rule("MaxPool2d")
def _maxpool(m: Any, site: Site) -> Converted:
    if _pair(m.dilation) != (1, 1) or m.return_indices:
        raise site.fail("dilation or return_indices is set; nnviz's MaxPool2D has neither")
    return Converted("maxpool2d", _pool_params(m, site))


@module_rule("AvgPool2d")
def _avgpool(m: Any, site: Site) -> Converted:
    if not m.count_include_pad or m.divisor_override is not None:
        raise site.fail("count_include_pad=False or divisor_override; nnviz averages over the whole window")
    return Converted("avgpool2d", _pool_params(m, site))


@module_rule("BatchNorm1d", "BatchNorm2d")
def _batchnorm(m: Any, site: Site) -> Converted:
    if not m.track_running_stats or m.momentum is None:
        raise site.fail("it keeps no running statistics (or a cumulative average); nnviz uses momentum")
    key = "batchnorm1d" if type(m).__name__ == "BatchNorm1d" else "batchnorm2d"
    return Converted(key, {"eps": float(m.eps), "momentum": float(m.momentum), "affine": bool(m.affine)},
                     tensors(m))


@module_rule("Dropout")
def _dropout(m: Any, site: Site) -> Converted:
    return Converted("dropout", {"p": float(m.p)})


@module_rule("Flatten")
def _flatten(m: Any, site: Site) -> Converted:
    if m.start_dim != 1 or m.end_dim != -1:
        raise site.fail(f"start_dim={m.start_dim}, end_dim={m.end_dim}; nnviz flattens each whole sample")
    return Converted("flatten")


@module_rule("Unflatten")
def _unflatten(m: Any, site: Site) -> Converted:
    return Converted("reshape", {"shape": tuple(site.out_shape)})


@module_rule("ReLU", "Sigmoid", "Tanh", "Identity")
def _plain_activation(m: Any, site: Site) -> Converted:
    return Converted(type(m).__name__.lower())


@module_rule("LeakyReLU")
def _leaky(m: Any, site: Site) -> Converted:
    return Converted("leaky_relu", {"negative_slope": float(m.negative_slope)})


@module_rule("ELU")
def _elu(m: Any, site: Site) -> Converted:
    return Converted("elu", {"alpha": float(m.alpha)})


@module_rule("GELU")
def _gelu(m: Any, site: Site) -> Converted:
    return Converted("gelu", {"approximate": m.approximate})


@module_rule("Softmax")
def _softmax(m: Any, site: Site) -> Converted:
    _last_axis(site, m.dim)
    return Converted("softmax")


# ------------------------------------------------------------------------------------ functions
@function_rule("torch.relu", "torch.nn.functional.relu")
@method_rule("relu")
def _f_relu(site: Site) -> Converted:
    return Converted("relu")


@function_rule("torch.sigmoid", "torch.nn.functional.sigmoid")
@method_rule("sigmoid")
def _f_sigmoid(site: Site) -> Converted:
    return Converted("sigmoid")


@function_rule("torch.tanh", "torch.nn.functional.tanh")
@method_rule("tanh")
def _f_tanh(site: Site) -> Converted:
    return Converted("tanh")


@function_rule("torch.nn.functional.leaky_relu")
def _f_leaky(site: Site) -> Converted:
    return Converted("leaky_relu", {"negative_slope": float(site.arg(1, "negative_slope", 0.01))})


@function_rule("torch.nn.functional.elu")
def _f_elu(site: Site) -> Converted:
    return Converted("elu", {"alpha": float(site.arg(1, "alpha", 1.0))})


@function_rule("torch.nn.functional.gelu")
def _f_gelu(site: Site) -> Converted:
    return Converted("gelu", {"approximate": site.arg(1, "approximate", "none")})


@function_rule("torch.softmax", "torch.nn.functional.softmax")
@method_rule("softmax")
def _f_softmax(site: Site) -> Converted:
    _last_axis(site, site.arg(1, "dim", None))
    return Converted("softmax")


def _f_pool(site: Site, key: str) -> Converted:
    kernel = site.arg(1, "kernel_size", None)
    stride = site.arg(2, "stride", None)
    if site.arg(4 if key == "maxpool2d" else 3, "ceil_mode", False):
        raise site.fail("ceil_mode=True; nnviz rounds pooled sizes down")
    if key == "maxpool2d" and (_pair(site.arg(3, "dilation", 1)) != (1, 1) or site.arg(5, "return_indices", False)):
        raise site.fail("dilation or return_indices is set; nnviz's MaxPool2D has neither")
    if key == "avgpool2d" and (not site.arg(4, "count_include_pad", True) or site.arg(5, "divisor_override", None)):
        raise site.fail("count_include_pad=False or divisor_override; nnviz averages over the whole window")
    return Converted(key, {"kernel_size": _pair(kernel), "stride": _pair(stride if stride else kernel),
                           "padding": _pair(site.arg(3 if key == "maxpool2d" else 2, "padding", 0))})


@function_rule("torch.nn.functional.max_pool2d", "torch.max_pool2d")
def _f_maxpool(site: Site) -> Converted:
    return _f_pool(site, "maxpool2d")


@function_rule("torch.nn.functional.avg_pool2d")
def _f_avgpool(site: Site) -> Converted:
    return _f_pool(site, "avgpool2d")


@function_rule("torch.nn.functional.dropout")
def _f_dropout(site: Site) -> Converted:
    return Converted("dropout", {"p": float(site.arg(1, "p", 0.5))})


@function_rule("torch.flatten")
@method_rule("flatten")
def _f_flatten(site: Site) -> Converted:
    if site.arg(1, "start_dim", 0) != 1 or site.arg(2, "end_dim", -1) != -1:
        raise site.fail("flattens other axes than one whole sample; use flatten(x, 1)")
    return Converted("flatten")


@function_rule("torch.reshape")
@method_rule("reshape", "view")
def _f_reshape(site: Site) -> Converted:
    return Converted("reshape", {"shape": tuple(site.out_shape)})


CASTS = ("float", "double", "long", "int", "contiguous", "clone", "detach")


@method_rule(*CASTS)
def _f_cast(site: Site) -> Converted:
    """Casts and copies change no values nnviz shows (token ids are floats in nnviz): passed through."""
    return Converted(PASS_THROUGH)


@function_rule("_operator.add", "_operator.iadd", "torch.add")
def _f_add(site: Site) -> Converted:
    if len(site.in_shapes) != 2 or site.kwargs.get("alpha", 1) != 1:
        raise site.fail("adds a constant or scales a term; nnviz's Add sums layer outputs only")
    return Converted("add", {"num_inputs": 2}, inputs=2)


@function_rule("torch.cat", "torch.concat", "torch.concatenate")
def _f_cat(site: Site) -> Converted:
    dim = int(site.arg(1, "dim", 0))
    rank = len(site.out_shape) + 1
    dim = dim + rank if dim < 0 else dim
    if dim == 0:
        raise site.fail("joins along the batch axis; nnviz joins samples' axes (dim >= 1)")
    n = len(site.in_shapes)
    if not 2 <= n <= 8:
        raise site.fail(f"joins {n} tensors; nnviz's Concatenate takes 2 to 8")
    return Converted("concatenate", {"num_inputs": n, "axis": dim - 1}, inputs=n)


# operator.add is _operator.add; register the public alias too so either spelling resolves.
_FUNCTION_RULES_BY_NAME.setdefault("operator.add", _f_add)
_FUNCTION_RULES_BY_NAME.setdefault("operator.iadd", _f_add)
