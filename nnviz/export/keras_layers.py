"""What each nnviz layer becomes in Keras 3: constructor code, weight layout, and whether training is exact.

nnviz computes images as (channels, height, width), PyTorch's NCHW; Keras' convolutions and poolings
are channels_last. Every layer here states the layout it needs for a (C, H, W) input: "last" for the
convolution family, "first" for layers whose meaning depends on the axis order (Flatten, Reshape,
Softmax over the last axis), "any" for element-wise layers. keras_model inserts a Permute wherever
the layout must change, so the numbers are nnviz's in the same order.

Weights: `to_keras(params, state)` gives a layer's `get_weights()` list from the engine's tensors
(PyTorch's layout and names); verification compares in Keras' layout through it. A layer with no
exact Keras counterpart for training says why in `inexact`; its forward pass is still faithful.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.registry import literal
from nnviz.i18n import Message

Arrays = dict[str, np.ndarray]


def name_literal(ident: str) -> str:
    """A layer name (a sanitised identifier) as a string literal, letters beyond ASCII escaped
    (linters flag look-alikes such as Greek alpha in strings; the variable keeps the letters)."""
    return '"' + ident.encode("ascii", "backslashreplace").decode("ascii") + '"'


@dataclass
class KerasContext:
    """One node as the Keras emitters see it."""

    type: str
    params: dict[str, Any]
    name: str  # the node's Keras layer name (a safe identifier)
    in_shapes: list[tuple[int, ...]]
    out_shape: tuple[int, ...]
    layout: str = "first"  # layout of the input when it is an image: "first" (C, H, W) or "last" (H, W, C)
    aux: Callable[[str], str] = str  # a unique name for an extra layer of this node

    def named(self, call: str, name: str | None = None) -> str:
        """`layers.Dense(4)` -> `layers.Dense(4, name="dense_1")`."""
        sep = "" if call.endswith("()") else ", "
        return f"{call[:-1]}{sep}name={name_literal(name or self.name)})"


@dataclass
class KerasEmitted:
    layers: list[str]  # constructor expressions applied in order (merges: the first takes the list of inputs)
    needs: str = "first"  # the input layout it needs for images: "first", "last" or "any"
    out_layout: str | None = None  # default: the layout it worked in
    helpers: dict[str, str] = field(default_factory=dict)
    inexact: str = ""  # why training cannot be reproduced exactly in Keras ("" when it can)


KerasEmitter = Callable[[KerasContext], KerasEmitted]
KERAS_EMITTERS: dict[str, KerasEmitter] = {}
# layer type -> to_keras(params, state): the layer's get_weights() list
KERAS_WEIGHTS: dict[str, Callable[[dict, Arrays], list[np.ndarray]]] = {}


def keras_emitter(*keys: str) -> Callable[[KerasEmitter], KerasEmitter]:
    def wrap(fn: KerasEmitter) -> KerasEmitter:
        for key in keys:
            KERAS_EMITTERS[key] = fn
        return fn

    return wrap


def weight_layout(*keys: str, to_keras: Callable[[dict, Arrays], list[np.ndarray]]) -> None:
    for key in keys:
        KERAS_WEIGHTS[key] = to_keras


# ------------------------------------------------------------------------ activations
GELU_TANH = '''
def gelu_tanh(x):
    """GELU's tanh approximation (PyTorch's approximate="tanh"); Keras' "gelu" is exact."""
    return keras.activations.gelu(x, approximate=True)
'''


def _leaky_helper(slope: float) -> tuple[str, str]:
    name = "leaky_relu_" + f"{slope:g}".replace(".", "_").replace("-", "minus_")
    code = f'''
def {name}(x):
    """Leaky ReLU with slope {slope:g} below zero (Keras' "leaky_relu" defaults to 0.2)."""
    return keras.activations.leaky_relu(x, negative_slope={literal(float(slope))})
'''
    return name, code


def helper_names(all_params: list[dict[str, Any]]) -> set[str]:
    """The helper functions model.py may define for these layers, reserved before any layer is named."""
    return {_leaky_helper(float(p.get("negative_slope", 0.01)))[0] for p in all_params
            if p.get("activation") == "leaky_relu"}


def activation_arg(name: str, params: dict[str, Any]) -> tuple[str, dict[str, str]]:
    """The `activation=` value for a fused activation, and any helper function it needs."""
    if name in ("none", "identity"):
        return "None", {}
    if name in ("relu", "sigmoid", "tanh", "softmax"):
        return f'"{name}"', {}
    if name == "elu" and float(params.get("alpha", 1.0)) == 1.0:
        return '"elu"', {}
    if name == "gelu":
        if params.get("approximate", "none") == "tanh":
            return "gelu_tanh", {"gelu_tanh": GELU_TANH}
        return '"gelu"', {}
    if name == "leaky_relu":
        fn, code = _leaky_helper(float(params.get("negative_slope", 0.01)))
        return fn, {fn: code}
    raise ExportError(Message("no Keras form for activation {name!r}", name=name))


# ------------------------------------------------------------------------ core
@keras_emitter("dense")
def _dense(ctx: KerasContext) -> KerasEmitted:
    p = ctx.params
    act, helpers = activation_arg(p["activation"], p)
    args = [str(p["units"])]
    if act != "None":
        args.append(f"activation={act}")
    if not p["use_bias"]:
        args.append("use_bias=False")
    return KerasEmitted([ctx.named(f"layers.Dense({', '.join(args)})")], needs="any", helpers=helpers)


def _transpose_in(params: dict, state: Arrays) -> list[np.ndarray]:
    # nn.Linear stores (units, in); Keras' Dense kernel is (in, units).
    return [state["weight"].T] + ([state["bias"]] if "bias" in state else [])



weight_layout("dense", to_keras=_transpose_in)


@keras_emitter("flatten")
def _flatten(ctx: KerasContext) -> KerasEmitted:
    return KerasEmitted([ctx.named("layers.Flatten()")])


@keras_emitter("reshape")
def _reshape(ctx: KerasContext) -> KerasEmitted:
    return KerasEmitted([ctx.named(f"layers.Reshape({literal(tuple(ctx.out_shape))})")])


@keras_emitter("identity", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax")
def _activation_node(ctx: KerasContext) -> KerasEmitted:
    p, key = ctx.params, ctx.type
    helpers: dict[str, str] = {}
    if key == "identity":
        call = "layers.Identity()"
    elif key == "relu":
        call = "layers.ReLU()"
    elif key == "leaky_relu":
        call = f"layers.LeakyReLU(negative_slope={literal(float(p.get('negative_slope', 0.01)))})"
    elif key == "elu":
        call = f"layers.ELU(alpha={literal(float(p.get('alpha', 1.0)))})"
    elif key == "softmax":
        # nnviz's softmax runs over the last axis of each sample, in nnviz's axis order.
        return KerasEmitted([ctx.named("layers.Softmax(axis=-1)")], needs="first")
    else:
        act, helpers = activation_arg(key, p)
        call = f"layers.Activation({act})"
    return KerasEmitted([ctx.named(call)], needs="any", helpers=helpers)


# ------------------------------------------------------------------------ convolution, pooling
PAD_MINUS_INFINITY = '''
class PadWithMinusInfinity(layers.Layer):
    """Pads height and width with -inf before MaxPooling2D, so the padding is never the maximum
    (PyTorch's and nnviz's max-pool padding); Keras' ZeroPadding2D would pad with zeros."""

    def __init__(self, padding, **kwargs):
        super().__init__(**kwargs)
        self.padding = tuple(padding)

    def call(self, x):
        ph, pw = self.padding
        return keras.ops.pad(x, [(0, 0), (ph, ph), (pw, pw), (0, 0)], constant_values=float("-inf"))

    def get_config(self):
        return {**super().get_config(), "padding": self.padding}
'''


def _pair(value: Any) -> str:
    return literal(tuple(int(v) for v in value))


@keras_emitter("conv2d")
def _conv2d(ctx: KerasContext) -> KerasEmitted:
    p = ctx.params
    out: list[str] = []
    if tuple(p["padding"]) != (0, 0):
        # Keras' own padding is only "valid" or "same"; nnviz's explicit padding is zeros on each side.
        out.append(ctx.named(f"layers.ZeroPadding2D({_pair(p['padding'])})", ctx.aux("padding")))
    softmax = p["activation"] == "softmax"  # over nnviz's last axis (width): applied after the Permute back
    act, helpers = activation_arg("none" if softmax else p["activation"], p)
    args = [str(p["out_channels"]), f"kernel_size={_pair(p['kernel_size'])}"]
    if tuple(p["stride"]) != (1, 1):
        args.append(f"strides={_pair(p['stride'])}")
    if act != "None":
        args.append(f"activation={act}")
    if not p["use_bias"]:
        args.append("use_bias=False")
    out.append(ctx.named(f"layers.Conv2D({', '.join(args)})"))
    if softmax:
        out += [ctx.named("layers.Permute((3, 1, 2))", ctx.aux("channels_first")),
                ctx.named("layers.Softmax(axis=-1)", ctx.aux("softmax"))]
        return KerasEmitted(out, needs="last", out_layout="first", helpers=helpers)
    return KerasEmitted(out, needs="last", helpers=helpers)


weight_layout(
    "conv2d",
    # PyTorch (out, in, kh, kw) -> Keras (kh, kw, in, out)
    to_keras=lambda p, s: [s["weight"].transpose(2, 3, 1, 0)] + ([s["bias"]] if "bias" in s else []),
)


def _pool(ctx: KerasContext, cls: str, pad: str) -> KerasEmitted:
    p = ctx.params
    out, helpers = [], {}
    if tuple(p["padding"]) != (0, 0):
        out.append(ctx.named(f"{pad}({_pair(p['padding'])})", ctx.aux("padding")))
        if pad == "PadWithMinusInfinity":
            helpers = {pad: PAD_MINUS_INFINITY}
    out.append(ctx.named(f"layers.{cls}(pool_size={_pair(p['kernel_size'])}, strides={_pair(p['stride'])})"))
    return KerasEmitted(out, needs="last", helpers=helpers)


@keras_emitter("maxpool2d")
def _maxpool(ctx: KerasContext) -> KerasEmitted:
    return _pool(ctx, "MaxPooling2D", "PadWithMinusInfinity")


@keras_emitter("avgpool2d")
def _avgpool(ctx: KerasContext) -> KerasEmitted:
    # The padded zeros count in the average (PyTorch's count_include_pad=True), as after ZeroPadding2D.
    return _pool(ctx, "AveragePooling2D", "layers.ZeroPadding2D")


# ------------------------------------------------------------------------ normalisation, dropout
MOVING_VARIANCE_NOTE = ("BatchNormalization's moving variance averages the biased batch variance; nnviz "
                        "(like PyTorch) averages the unbiased one, n/(n-1) times larger")


@keras_emitter("batchnorm1d", "batchnorm2d")
def _batchnorm(ctx: KerasContext) -> KerasEmitted:
    p = ctx.params
    image = ctx.type == "batchnorm2d"
    # Channels: the last axis of channels_last images and of (C,) rows; axis 1 of (C, L) sequences.
    axis = -1 if image or len(ctx.in_shapes[0]) == 1 else 1
    # Keras keeps `momentum` of the old average; PyTorch and nnviz move `momentum` towards the batch.
    args = [f"axis={axis}", f"momentum={literal(round(1.0 - float(p['momentum']), 12))}",
            f"epsilon={literal(float(p['eps']))}"]
    if not p["affine"]:
        args += ["center=False", "scale=False"]
    return KerasEmitted([ctx.named(f"layers.BatchNormalization({', '.join(args)})")],
                        needs="last" if image else "first")


def _bn_in(p: dict, s: Arrays) -> list[np.ndarray]:
    affine = [s["weight"], s["bias"]] if "weight" in s else []
    return [*affine, s["running_mean"], s["running_var"]]



weight_layout("batchnorm1d", "batchnorm2d", to_keras=_bn_in)


@keras_emitter("dropout")
def _dropout(ctx: KerasContext) -> KerasEmitted:
    return KerasEmitted([ctx.named(f"layers.Dropout({literal(float(ctx.params['p']))})")], needs="any")


# ------------------------------------------------------------------------ merges
@keras_emitter("add")
def _add(ctx: KerasContext) -> KerasEmitted:
    return KerasEmitted([ctx.named("layers.Add()")], needs="any")


# nnviz's per-sample axis of a (C, H, W) image -> Keras' axis of a channels_last batch
_LAST_AXIS = {0: 3, 1: 1, 2: 2}


@keras_emitter("concatenate")
def _concatenate(ctx: KerasContext) -> KerasEmitted:
    axis = int(ctx.params["axis"])
    axis = axis % len(ctx.out_shape)
    keras_axis = _LAST_AXIS[axis] if ctx.layout == "last" and len(ctx.out_shape) == 3 else axis + 1
    return KerasEmitted([ctx.named(f"layers.Concatenate(axis={keras_axis})")], needs="any")
