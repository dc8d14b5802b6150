"""Import a PyTorch model (nn.Sequential or anything torch.fx can trace) as an nnviz document.

The model is traced with torch.fx, its shapes found with ShapeProp on a zero batch (in eval mode,
so nothing in the model changes), and each operation converted by the rules in import_rules.
A Linear or Conv2d followed only by an activation becomes one node with that activation fused,
as nnviz draws it (and as the exporter writes it). Weights and BatchNorm statistics come along.
"""

from __future__ import annotations

import importlib.util
import sys
from collections import defaultdict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.import_rules import (
    CASTS,
    METHOD_RULES,
    PASS_THROUGH,
    Converted,
    Site,
    function_rules,
    merge_sums,
    rule_for_module,
    unfolded,
)
from nnviz.export.import_sequence import SEQUENCE, RecurrentValue, fold_last_steps, follow, refusal
from nnviz.export.registry import load_emitters
from nnviz.graph.document import MAX_NAME_LENGTH as _MAX_NAME
from nnviz.graph.document import GraphDocument, GraphEditError
from nnviz.graph.layout import layered_layout
from nnviz.graph.registry import Shape, get_spec
from nnviz.i18n import Message, term, translate


@dataclass
class _Pending:
    name: str
    converted: Converted
    sources: list[str] = field(default_factory=list)  # fx node names feeding it, in port order


def load_factory(spec: str) -> tuple[Any, Any]:
    """(nn.Module, the Python module it came from) for 'path/to/file.py:factory'.

    factory may be a function returning the model, an nn.Module class, or a module instance.
    This runs the user's own file, as `python file.py` would."""
    torch = _torch()
    path_text, sep, attr = spec.rpartition(":")
    if not sep or not path_text or not attr:
        raise ExportError(Message("{spec!r}: give the model as FILE.py:FACTORY, e.g. model.py:build_model", spec=spec))
    path = Path(path_text).resolve()
    if not path.is_file():
        raise ExportError(Message("{path}: no such file", path=path_text))
    name = f"nnviz_import_{abs(hash(str(path)))}"
    module_spec = importlib.util.spec_from_file_location(name, path)
    if module_spec is None or module_spec.loader is None:
        raise ExportError(Message("{path}: not a Python file", path=path_text))
    py_module = importlib.util.module_from_spec(module_spec)
    sys.path.insert(0, str(path.parent))  # its own imports (from model import ...) resolve beside it
    try:
        module_spec.loader.exec_module(py_module)
    except Exception as exc:
        raise ExportError(Message(
            "{path} failed to run: {name}: {problem}",
            path=path_text, name=type(exc).__name__, problem=exc)) from None
    finally:
        sys.path.remove(str(path.parent))
    factory = getattr(py_module, attr, None)
    if factory is None:
        raise ExportError(Message("{path} has no {attr!r}", path=path_text, attr=attr))
    model = factory
    if not isinstance(factory, torch.nn.Module):
        try:
            model = factory()
        except Exception as exc:
            raise ExportError(Message(
                "{attr}() failed: {name}: {problem}",
                attr=attr, name=type(exc).__name__, problem=exc)) from None
    if not isinstance(model, torch.nn.Module):
        raise ExportError(Message("{attr} gave a {name}, not a torch.nn.Module", attr=attr, name=type(model).__name__))
    return model, py_module


def import_torch_model(model: Any, *, input_shapes: list[Shape] | None = None, fuse: bool = True,
                       python_module: Any = None) -> GraphDocument:
    """The nnviz document for `model`. input_shapes: one sample's shape per forward() argument
    (default: the module file's INPUT_SHAPES, as exported files have, or in_features of a first Linear)."""
    torch = _torch()
    from torch.fx.passes.shape_prop import ShapeProp, TensorMetadata

    class Tracer(torch.fx.Tracer):
        def is_leaf_module(self, m: Any, qualified_name: str) -> bool:
            return rule_for_module(m) is not None or super().is_leaf_module(m, qualified_name)

    load_emitters()  # a family's import rules may live beside its emitters (emit_*.py)
    model = unfolded(model)  # e.g. nn.TransformerEncoderLayer as its attention, norms and feed-forward
    try:
        traced = torch.fx.GraphModule(model, Tracer().trace(model))
    except Exception as exc:
        raise ExportError(Message(
            "torch.fx cannot trace this model ({name}: {problem}). nnviz imports an nn.Sequential or a forward() "
            "without data-dependent control flow",
            name=type(exc).__name__, problem=exc)) from None
    graph = traced.graph
    placeholders = [n for n in graph.nodes if n.op == "placeholder"]
    shapes = _input_shapes(traced, placeholders, input_shapes, python_module)
    dtype = next((p.dtype for p in model.parameters()), torch.float32)
    was_training = model.training
    model.eval()  # shape propagation must not move BatchNorm statistics or draw dropout masks
    try:
        with torch.no_grad():
            ShapeProp(traced).propagate(*[torch.zeros(2, *s, dtype=torch.long if _first_layer(traced, p) == "Embedding"
                                                      else dtype) for s, p in zip(shapes, placeholders)])
    except Exception as exc:
        raise ExportError(Message(
            "the model does not run on inputs of shape {shapes}: {name}: {problem}. Give the right shape with "
            "--input-shape",
            shapes=shapes, name=type(exc).__name__, problem=exc)) from None
    finally:
        model.train(was_training)

    def is_tensor(node: Any) -> bool:
        return isinstance(node, torch.fx.Node) and isinstance(node.meta.get("tensor_meta"), TensorMetadata)

    def returns_tuple(node: Any) -> bool:  # a recurrent module: (output sequence, final states)
        meta = node.meta.get("tensor_meta")
        return (node.op == "call_module" and not isinstance(meta, TensorMetadata) and isinstance(meta, tuple)
                and isinstance(meta[0], TensorMetadata))  # (TensorMetadata is itself a named tuple)

    def shape_of(node: Any) -> Shape:
        meta = node.meta["tensor_meta"]
        return tuple(int(d) for d in (meta if isinstance(meta, TensorMetadata) else meta[0]).shape[1:])

    functions = function_rules()
    pending: dict[str, _Pending] = {}
    alias: dict[str, str] = {}  # pass-through operations: node -> the node whose value it carries
    unsupported: list[str] = []
    output = None
    recurrent: dict[str, RecurrentValue] = {}  # parts of a recurrent module's (output, states) result
    for node in graph.nodes:
        if node.op == "placeholder":
            shape = shapes[placeholders.index(node)]
            pending[node.name] = _Pending(str(node.target), Converted("input", {"shape": shape}))
            continue
        if node.op == "output":
            output = node.args[0]
            continue
        uses = [a for a in _flatten([*node.args, *node.kwargs.values()]) if getattr(a, "name", None) in recurrent]
        if uses:
            value = recurrent[uses[0].name]
            followed = follow(value, node.op, node.target, tuple(node.args)) if node.args[0] is uses[0] else None
            if followed is None:
                unsupported.append(refusal(value, _describe(node, traced), pending[value.key].name))
            elif isinstance(followed, RecurrentValue):
                recurrent[node.name] = followed
            elif followed == SEQUENCE:
                alias[node.name] = value.key
            else:  # a layer type reading the recurrent node's output (LastStep)
                pending[node.name] = _Pending(node.name, Converted(followed), [value.key])
            continue
        if not is_tensor(node) and not returns_tuple(node):
            continue  # sizes and other numbers (x.size(0)) only parameterise a reshape
        args = [a for a in _flatten(node.args) if is_tensor(a)]
        site = Site(_describe(node, traced), [shape_of(a) for a in args], shape_of(node), tuple(node.args),
                    dict(node.kwargs))
        try:
            if node.op == "call_module":
                sub = traced.get_submodule(node.target)
                rule = rule_for_module(sub)
                converted = rule(sub, site) if rule else None
            elif node.op == "call_function":
                rule = functions.get(node.target)
                converted = rule(site) if rule else None
            elif node.op == "call_method":
                rule = METHOD_RULES.get(node.target)
                converted = rule(site) if rule else None
            else:  # get_attr: a tensor used directly in forward()
                converted = None
        except ExportError as exc:
            unsupported.append(str(exc))
            continue
        if converted is None:
            unsupported.append(translate("{label} has no nnviz form", label=site.label))
            continue
        if converted.type == PASS_THROUGH and args:
            alias[node.name] = alias.get(args[0].name, args[0].name)
            continue
        name = str(node.target) if node.op == "call_module" else node.name
        if name.isdigit():  # a layer of an nn.Sequential: "conv_0" reads better than "0"
            name = f"{get_spec(converted.type).name_stem}_{name}"
        pending[node.name] = _Pending(name, converted, [alias.get(a.name, a.name) for a in args[: converted.inputs]])
        if returns_tuple(node):
            recurrent[node.name] = RecurrentValue("result", node.name, converted.type)
    if unsupported:
        raise ExportError("The model cannot be imported:\n" + "\n".join(f"  - {u}" for u in unsupported))
    if isinstance(output, torch.fx.Node) and output.name in recurrent:
        raise ExportError(refusal(recurrent[output.name], "forward() returning it",
                                  pending[recurrent[output.name].key].name))
    if isinstance(output, torch.fx.Node):
        output = alias.get(output.name, output.name)
    if not isinstance(output, str) or output not in pending:
        raise ExportError(Message("The model must return one tensor; nnviz networks have exactly one output"))
    merge_sums(pending, _readers(pending))
    if fuse:
        _fuse_activations(pending)
        output = fold_last_steps(pending, _readers(pending), output)
    doc = _build(pending, output)
    doc.training = doc.training.with_(dtype="float64" if dtype == torch.float64 else "float32")
    return doc


def _torch() -> Any:
    try:
        import torch
    except ImportError:
        raise ExportError(Message("Importing a PyTorch model needs PyTorch: pip install torch")) from None
    return torch


def _flatten(args: Any) -> list[Any]:
    out = []
    for a in args:
        out += _flatten(a) if isinstance(a, (list, tuple)) else [a]
    return out


def _describe(node: Any, traced: Any) -> str:
    if node.op == "call_module":
        return f"{type(traced.get_submodule(node.target)).__name__} {str(node.target)!r}"
    target = getattr(node.target, "__name__", str(node.target))
    return f"{target}() {node.name!r}"


def _input_shapes(traced: Any, placeholders: list[Any], given: list[Shape] | None, python_module: Any) -> list[Shape]:
    if given is not None:
        shapes = [tuple(int(d) for d in s) for s in given]
    elif python_module is not None and isinstance(getattr(python_module, "INPUT_SHAPES", None), (list, tuple)):
        shapes = [tuple(int(d) for d in s) for s in python_module.INPUT_SHAPES]
    else:
        shapes = []
        for p in placeholders:
            first = _first_layer(traced, p)
            if first == "Linear":
                shapes.append((int(traced.get_submodule(_first_user(p).target).in_features),))
                continue
            # A sequence's length is not in the model: only the user knows it.
            if first == "Embedding":
                example = "12 for sentences of 12 token ids"
            elif first in ("RNN", "LSTM", "GRU", "WithInputDropout"):
                example = "12,32 for 12 time steps of 32 features"
            else:
                example = "3,32,32 for colour images"
            raise ExportError(Message(
                "the shape of input {name!r} is unknown: give it with --input-shape (e.g. {example})",
                name=p.name, example=example))
    if len(shapes) != len(placeholders):
        raise ExportError(Message(
            "forward() takes {count} inputs but {given} input shapes were given",
            count=len(placeholders), given=len(shapes)))
    return shapes


def _first_user(placeholder: Any) -> Any:
    """The first operation reading a forward() argument, past casts such as x.float() or x.long()."""
    first = next(iter(placeholder.users), None)
    while first is not None and first.op == "call_method" and first.target in CASTS:
        first = next(iter(first.users), None)
    return first


def _first_layer(traced: Any, placeholder: Any) -> str | None:
    """The class name of the module that first reads this argument ("Linear", "Embedding"), if any."""
    first = _first_user(placeholder)
    if first is None or first.op != "call_module":
        return None
    return type(traced.get_submodule(first.target)).__name__


def _readers(pending: dict[str, _Pending]) -> dict[str, list[str]]:
    readers: dict[str, list[str]] = defaultdict(list)
    for key, p in pending.items():
        for s in p.sources:
            readers[s].append(key)
    return readers


def _can_fuse(layer: Converted, act: Converted) -> bool:
    """A layer that fuses an activation (Dense, Conv2D), none fused yet, and an activation among its
    choices whose node keeps the default settings (a fused activation has no settings of its own)."""
    spec = get_spec(layer.type)
    if not spec.capabilities.fuses_activation or layer.params.get("activation", "none") != "none":
        return False
    defaults = get_spec(act.type).defaults()
    return (act.type in spec.param("activation").choices
            and all(value == defaults[name] for name, value in act.params.items()))


def _fuse_activations(pending: dict[str, _Pending]) -> None:
    """Dense/Conv2D -> activation (its only reader) becomes one node with the activation fused."""
    readers = _readers(pending)
    for key in list(pending):
        act = pending.get(key)
        if act is None or not get_spec(act.converted.type).is_activation or len(act.sources) != 1:
            continue
        src = act.sources[0]
        layer = pending[src]
        if readers[src] != [key] or not _can_fuse(layer.converted, act.converted):
            continue
        layer.converted.params["activation"] = act.converted.type
        del pending[key]
        for p in pending.values():  # readers of the activation now read the fused layer
            p.sources = [src if s == key else s for s in p.sources]
        readers[src] = list(readers.get(key, []))


def _build(pending: dict[str, _Pending], output: str) -> GraphDocument:
    # The output may have been fused into its layer: follow the rename.
    doc = GraphDocument()
    ids: dict[str, str] = {}
    taken: set[str] = set()
    with doc.muted():
        for key, p in pending.items():
            name = _unique(p.name, taken)
            try:
                node = doc.add_node(p.converted.type, name=name, params=p.converted.params,
                                    weights={k: np.asarray(v) for k, v in p.converted.weights.items()})
            except GraphEditError as exc:
                raise ExportError(Message(
                    "{label} {name!r} cannot be imported: {problem}",
                    label=term(get_spec(p.converted.type).label), name=p.name, problem=exc)) from None
            ids[key] = node.id
        for key, p in pending.items():
            for port, src in enumerate(p.sources):
                doc.connect(ids[src], ids[key], port)
        for nid, pos in layered_layout(doc).items():  # as the canvas's Auto Layout places them
            doc.nodes[nid].pos = pos
    analysis = doc.analysis()
    if not analysis.valid:
        raise ExportError("The imported network has problems:\n" + "\n".join(f"  - {m}" for m in analysis.messages()))
    return doc


def _unique(name: str, taken: set[str]) -> str:
    base = (name.strip() or "layer")[: _MAX_NAME - 4]
    candidate, i = base, 1
    while candidate in taken:
        i += 1
        candidate = f"{base}_{i}"
    taken.add(candidate)
    return candidate
