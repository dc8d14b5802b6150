"""Generates the Keras 3 model.py: keras.Sequential for a chain, the functional API for branches.

plan_keras(doc) walks the exported nodes in topological order (as the PyTorch export does), asks each
layer type's Keras emitter (keras_layers, keras_sequence) for its layers, and inserts a Permute
wherever an image must change between nnviz's (C, H, W) and Keras' channels_last (H, W, C). Every
Keras layer gets an explicit, unique name from one Namespace: the node's sanitised name for its main
layer, so `model.get_layer("dense_1")` finds what the canvas calls dense_1.
"""

from __future__ import annotations

import ast
import itertools
import re
from dataclasses import dataclass, field

import nnviz.export.keras_attention
import nnviz.export.keras_sequence  # noqa: F401  (registers the sequence layers' Keras forms)
from nnviz.export.errors import ExportError
from nnviz.export.keras_layers import KERAS_EMITTERS, KerasContext, KerasEmitted, helper_names, name_literal
from nnviz.export.model_code import _exported_nodes, _short, check_exportable
from nnviz.export.names import Namespace, comment_text
from nnviz.export.pycode import INDENT, fit
from nnviz.export.registry import literal
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message

KERAS_WEIGHTS_FILENAME = "model.weights.h5"
LAYER_NAME = re.compile(r'name="([^"]+)"\)$')
TO_LAST, TO_FIRST = "layers.Permute((2, 3, 1))", "layers.Permute((3, 1, 2))"
# Names model.py and train.py use themselves; no layer or variable may take them.
KERAS_NAMES = frozenset({
    "keras", "layers", "ops", "np", "os", "Path", "DTYPE", "INPUT_SHAPES", "OUTPUT_SHAPE", "WEIGHTS_FILE",
    "make_model", "build_model", "model", "gelu_tanh", "PadWithMinusInfinity", "LastStep", "annotations",
})


@dataclass
class KerasPlan:
    source: str
    node_ids: list[str]  # exported nodes, in forward order
    input_ids: list[str]
    output_id: str
    layer_names: dict[str, str]  # node id -> name of the Keras layer holding its weights
    input_shapes: list[tuple[int, ...]]
    output_shape: tuple[int, ...]
    dtype: str
    sequential: bool
    inexact: list[str] = field(default_factory=list)  # why training is not reproduced exactly, per layer


def _is_chain(doc: GraphDocument, node_ids: list[str], inputs: list[str]) -> bool:
    if len(inputs) != 1:
        return False
    exported = set(node_ids)
    for prev, nid in itertools.pairwise(node_ids):
        sources = [e.src for e in doc.inputs_of(nid)]
        consumers = [e.dst for e in doc.outputs_of(prev) if e.dst in exported]
        if sources != [prev] or consumers != [nid]:
            return False
    return True


def plan_keras(doc: GraphDocument, *, source_name: str = "") -> KerasPlan:
    """Generate the Keras model.py for `doc`; ExportError names the node for anything not exportable."""
    check_exportable(doc)
    analysis = doc.analysis()
    node_ids = _exported_nodes(doc)
    inputs = [nid for nid in node_ids if doc.nodes[nid].spec.is_source]
    output = analysis.outputs[0]
    space = Namespace(KERAS_NAMES | helper_names([doc.nodes[n].params for n in node_ids]))
    # Names already valid identifiers are served first (dense_1 stays dense_1).
    for nid in sorted(node_ids, key=lambda n: _short(doc.nodes[n].name) != doc.nodes[n].name):
        space.create(_short(doc.nodes[nid].name), key=nid)
    name = {nid: space.create("", key=nid) for nid in node_ids}

    var = {nid: name[nid] for nid in inputs}
    layout = dict.fromkeys(inputs, "first")
    converted: dict[tuple[str, str], str] = {}  # (variable, layout) -> the permuted variable
    lines: list[str] = []  # functional: "var = Layer(...)(inputs)"; sequential: "Layer(...)"
    helpers: dict[str, str] = {}
    plan = KerasPlan("", node_ids, inputs, output, {}, [analysis.shapes[n] for n in inputs],
                     analysis.shapes[output], doc.training.dtype, _is_chain(doc, node_ids, inputs))

    def permute(src: str, target: str) -> str:
        if (src, target) not in converted:
            new = space.create(f"{src}_channels_{target}")
            lines.append(f"{new} = {_named(TO_LAST if target == 'last' else TO_FIRST, new)}({src})")
            converted[(src, target)] = new
        return converted[(src, target)]

    for nid in node_ids:
        node = doc.nodes[nid]
        if node.spec.is_source:
            continue
        sources = [e.src for e in doc.inputs_of(nid)]
        images = [s for s in sources if len(analysis.shapes[s]) == 3]
        common = "last" if images and all(layout[s] == "last" for s in sources) else "first"
        ctx = KerasContext(node.type, node.params, name[nid], analysis.in_shapes[nid], analysis.shapes[nid],
                           common, aux=lambda suffix, base=name[nid]: space.create(f"{base}_{suffix}"))
        emitted = _emit(doc, nid, ctx)
        work = common if emitted.needs == "any" else emitted.needs
        in_vars = [permute(var[s], work) if s in images and layout[s] != work else var[s] for s in sources]
        if node.name != name[nid]:
            lines.append(f"# {node.spec.label} {comment_text(node.name[:48])}")
        src = in_vars[0] if len(in_vars) == 1 else "[" + ", ".join(in_vars) + "]"
        for layer in emitted.layers:  # each named: its variable takes the layer's name
            target = ast.literal_eval('"' + LAYER_NAME.search(layer).group(1) + '"')
            lines.append(f"{target} = {layer}({src})")
            src = target
        var[nid] = name[nid]
        layout[nid] = (emitted.out_layout or work) if len(analysis.shapes[nid]) == 3 else "first"
        helpers.update(emitted.helpers)
        plan.layer_names[nid] = name[nid]
        if emitted.inexact:
            plan.inexact.append(f"{doc.describe(nid)}: {emitted.inexact}")
    result = var[output]
    if len(analysis.shapes[output]) == 3 and layout[output] == "last":
        result = permute(result, "first")
    plan.source = _render(plan, lines, helpers, name, result, source_name)
    return plan


def _named(call: str, name: str) -> str:
    return f"{call[:-1]}, name={name_literal(name)})"


def _emit(doc: GraphDocument, nid: str, ctx: KerasContext) -> KerasEmitted:
    emitter = KERAS_EMITTERS.get(ctx.type)
    label = doc.describe(nid)
    if emitter is None:
        raise ExportError(Message(
            "{label} cannot be exported to Keras: nnviz has no Keras form for {type!r} yet",
            label=label, type=ctx.type))
    try:
        return emitter(ctx)
    except ExportError as exc:
        raise ExportError(Message("{label} cannot be exported to Keras: {problem}", label=label, problem=exc)) from None
    except Exception as exc:  # a bug in an emitter: still name the node
        raise ExportError(Message(
            "{label} cannot be exported to Keras: {name}: {problem}",
            label=label, name=type(exc).__name__, problem=exc)) from exc


def _statement(line: str, indent: str) -> list[str]:
    """`var = Layer(args)(inputs)` fitted to the line limit: the constructor wraps, the call follows."""
    if line.startswith("#"):
        return [indent + line]
    head, _, call = line.rpartition("(")
    out = fit(head, indent)
    out[-1] += "(" + call
    return out


def _render(plan: KerasPlan, lines: list[str], helpers: dict[str, str], name: dict[str, str], result: str,
            source_name: str) -> str:
    shapes = ", ".join(fmt_shape(s) for s in plan.input_shapes)
    body = [f"{INDENT}# The layers made below keep and compute their weights in DTYPE.",
            f"{INDENT}keras.config.set_floatx(DTYPE)",
            f"{INDENT}keras.config.set_dtype_policy(DTYPE)"]
    inputs = [f"keras.Input(shape={literal(tuple(s))}, name={name_literal(name[n])})"
              for n, s in zip(plan.input_ids, plan.input_shapes)]
    if plan.sequential:
        body += [f"{INDENT}return keras.Sequential(", f"{INDENT * 2}["]
        for item in [inputs[0], *lines]:
            if item.startswith("#"):
                body.append(INDENT * 3 + item)
            else:
                code = item.split(" = ", 1)[1].rpartition("(")[0] if " = " in item else item
                body += fit(code + ",", INDENT * 3)
        body += [f"{INDENT * 2}],", f'{INDENT * 2}name="net",', f"{INDENT})"]
    else:
        body += [f"{INDENT}{name[n]} = {i}" for n, i in zip(plan.input_ids, inputs)]
        for line in lines:
            body += _statement(line, INDENT)
        ins = name[plan.input_ids[0]] if len(plan.input_ids) == 1 else "[" + ", ".join(
            name[n] for n in plan.input_ids) + "]"
        body += fit(f'return keras.Model(inputs={ins}, outputs={result}, name="net")', INDENT)
    header = [
        '"""A Keras 3 model exported from nnviz.',
        "",
        "make_model() builds the network drawn in nnviz; build_model() returns it with the exported weights",
        f"({KERAS_WEIGHTS_FILENAME} beside this file) loaded. nnviz's images are (channels, height, width);",
        "Keras' convolutions are channels_last, so Permute layers turn them around where needed: inputs and",
        "outputs keep nnviz's layout.",
        '"""',
        "",
    ]
    if source_name:
        header += [f"# Exported from {comment_text(source_name[:80])}", ""]
    header += [
        "from __future__ import annotations",
        "",
        "import os",
        "from pathlib import Path",
        "",
        'os.environ.setdefault("KERAS_BACKEND", "torch")  # any backend works; torch needs no TensorFlow',
        "",
        "import keras",
        "from keras import layers",
        "",
        f'DTYPE = "{plan.dtype}"',
        f"INPUT_SHAPES = [{shapes}]  # one sample of each input, without the batch dimension",
        f"OUTPUT_SHAPE = {fmt_shape(plan.output_shape)}",
        f'WEIGHTS_FILE = Path(__file__).with_name("{KERAS_WEIGHTS_FILENAME}")',
        "",
    ]
    for helper in helpers.values():
        header += ["", *helper.strip("\n").splitlines(), ""]
    return "\n".join([
        *header,
        "",
        "def make_model() -> keras.Model:",
        f'{INDENT}"""Input {shapes} -> output {fmt_shape(plan.output_shape)}, with Keras\' own initial weights."""',
        *body,
        "",
        "",
        "def build_model(weights: str | Path | None = WEIGHTS_FILE) -> keras.Model:",
        f'{INDENT}"""The network in DTYPE with `weights` (a Keras .weights.h5 file) loaded if it exists."""',
        f"{INDENT}model = make_model()",
        f"{INDENT}if weights is not None and Path(weights).is_file():",
        f"{INDENT * 2}model.load_weights(weights)",
        f"{INDENT}return model",
        "",
        "",
        'if __name__ == "__main__":  # python model.py: the layers, their shapes and parameter counts',
        f"{INDENT}build_model().summary()",
        "",
    ])
