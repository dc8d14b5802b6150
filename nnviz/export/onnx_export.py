"""export_onnx: the network as model.onnx (opset 18, float32), written through the generated PyTorch model.

The PyTorch export's model.py and weights are generated into a temporary folder, imported, put in
evaluation mode and exported by torch.onnx.export. First with the TorchScript exporter (dynamo=False):
it needs nothing beyond torch and onnx, works offline and takes well under a second. Where it cannot
(a BatchNorm after a Reshape: it loses the channel count of a reshape with a free batch axis), torch
2.13's default dynamo exporter takes over: it needs onnxscript (in the [onnx] extra) and several
seconds. Both write opset 18 with a free batch axis.

ONNX models are float32 whatever the document's dtype: onnxruntime's CPU kernels for LSTM and GRU,
among others, exist only in float32, and viewers and runtimes expect it. verify_onnx runs the file
with onnxruntime beside the engine's forward pass (evaluation mode).
"""

from __future__ import annotations

import tempfile
import warnings
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

from nnviz.export.errors import ExportError
from nnviz.export.model_code import WEIGHTS_FILENAME, plan_model
from nnviz.export.verify import TOLERANCE, VerifyReport, require_torch
from nnviz.export.weights import NodeState, initial_state, save_weights, state_dict_arrays
from nnviz.export.writer import README_FILENAME, ExportResult
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message, translate

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset

ONNX_FILENAME = "model.onnx"
OPSET = 18
OUTPUT_NAME = "output"


def export_onnx(doc: GraphDocument, out_dir: str | Path, *, weights: NodeState | None = None,
                dataset: Dataset | None = None, source_name: str = "") -> ExportResult:
    """Write DIR/model.onnx and DIR/README.md. `dataset` is accepted for symmetry (ONNX holds no data)."""
    torch = require_torch()
    try:
        import onnx  # noqa: F401  (torch.onnx.export writes through it)
    except ImportError:
        raise ExportError(Message('Exporting to ONNX needs the onnx package: pip install "nnviz[onnx]"')) from None
    from nnviz.export.keras_writer import load_module

    plan = plan_model(doc, source_name=source_name)
    arrays = state_dict_arrays(doc, plan, weights if weights is not None else initial_state(doc))
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(Message("{out} is a file; export needs a folder", out=out))
    out.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="nnviz-onnx-") as tmp:
        (Path(tmp) / "model.py").write_text(plan.source, encoding="utf-8")
        save_weights(arrays, Path(tmp) / WEIGHTS_FILENAME)
        model = load_module(Path(tmp) / "model.py").build_model(Path(tmp) / WEIGHTS_FILENAME).float().eval()
    _write_onnx(torch, model, plan.arg_names, plan.input_shapes, out / ONNX_FILENAME)
    (out / README_FILENAME).write_text(onnx_readme(plan.arg_names, plan.input_shapes, plan.output_shape),
                                       encoding="utf-8")
    return ExportResult(out, [out / ONNX_FILENAME, out / README_FILENAME], plan)


def _write_onnx(torch: Any, model: Any, names: list[str], shapes: list[tuple[int, ...]], path: Path) -> None:
    example = tuple(torch.zeros(2, *shape) for shape in shapes)
    common = {"opset_version": OPSET, "input_names": names, "output_names": [OUTPUT_NAME]}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the TorchScript exporter announces its deprecation
        try:
            torch.onnx.export(model, example, str(path), dynamo=False, **common,
                              dynamic_axes={name: {0: "batch"} for name in [*names, OUTPUT_NAME]})
            return
        except Exception as exc:  # the TorchScript exporter's own errors have no common base class
            first = exc
        try:
            import onnxscript  # noqa: F401
        except ImportError:
            raise ExportError(Message(
                "The ONNX exporter failed ({first}); the newer one needs onnxscript: pip install \"nnviz[onnx]\"",
                first=first)) from None
        batch = torch.export.Dim("batch")
        try:
            torch.onnx.export(model, example, str(path), dynamo=True, verbose=False, **common,
                              dynamic_shapes=tuple({0: batch} for _ in names))
        except Exception as exc:
            raise ExportError(Message("PyTorch could not write this network as ONNX: {problem}", problem=exc)) from None


def onnx_readme(names: list[str], shapes: list[tuple[int, ...]], output_shape: tuple[int, ...]) -> str:
    """The folder's README.md in the learner's language (nnviz.i18n's current one); code stays code."""
    def batch_of(shape: tuple[int, ...]) -> str:
        return translate("(batch, {shape})", shape=fmt_shape(shape)[1:-1].rstrip(","))

    inputs = ", ".join(f"`{n}` {batch_of(s)}" for n, s in zip(names, shapes))
    return "\n".join([
        translate("# A network exported from nnviz to ONNX"),
        "",
        translate("`{onnx}`: the network with its weights, ONNX opset {opset}, float32, in evaluation mode (Dropout "
                  "off, BatchNorm with its running statistics). Input {inputs}; output `{output}` {output_shape}. "
                  "The batch size is free.", onnx=ONNX_FILENAME, opset=OPSET, inputs=inputs, output=OUTPUT_NAME,
                  output_shape=batch_of(output_shape)),
        "",
        translate("## Look at it"),
        "",
        translate("Open `model.onnx` in Netron: drag it onto https://netron.app, or `pip install netron` and run "
                  "`netron model.onnx` (it opens in the browser). Click a node to see its weights and attributes."),
        "",
        translate("## Run it"),
        "",
        "```python",
        "import numpy as np",
        "import onnxruntime as ort",
        "",
        f'session = ort.InferenceSession("{ONNX_FILENAME}")',
        f"x = np.zeros((4, *{fmt_shape(shapes[0])}), dtype=np.float32)  # " + translate("a batch of 4 samples"),
        f'print(session.run(None, {{"{names[0]}": x}})[0])',
        "```",
        "",
        translate("`nnviz export FILE --to onnx -o DIR --verify` compares onnxruntime's outputs with nnviz's."),
        "",
    ])


def verify_onnx(doc: GraphDocument, directory: str | Path, *, steps: int = 0, dataset: Dataset | None = None,
                weights: NodeState | None = None) -> VerifyReport:
    """onnxruntime's outputs against the engine's forward pass (evaluation mode) on the validation
    samples and up to 64 training samples. `steps` is ignored: an ONNX model is not trained."""
    try:
        import onnxruntime
    except ImportError:
        raise ExportError(Message('Verifying an ONNX export needs onnxruntime: pip install "nnviz[onnx]"')) from None
    from nnviz.engine.session import Session, SessionError

    try:
        session = Session(doc, dataset)
    except (SessionError, ValueError) as exc:
        raise ExportError(Message("Verification needs a network the app can run: {problem}", problem=exc)) from None
    if weights is not None:
        session.net.load_state(weights)
    runtime = onnxruntime.InferenceSession(str(Path(directory) / ONNX_FILENAME), providers=["CPUExecutionProvider"])
    name = runtime.get_inputs()[0].name
    report = VerifyReport("float32", TOLERANCE["float32"], 0, onnxruntime.__version__, framework="onnxruntime")
    report.notes.append(translate("ONNX opset {opset}, float32, evaluation mode: the forward pass is compared",
                                  opset=OPSET))
    compared = []
    for label, x in (("validation samples", session.x_val), ("training samples", session.x_train[:64])):
        if len(x):
            theirs = runtime.run(None, {name: np.ascontiguousarray(x, dtype=np.float32)})[0]
            compared.append((label, session.predict(x), theirs))
    report.add("outputs (eval mode)", 0, compared)
    return report
