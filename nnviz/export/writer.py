"""export_pytorch: write model.py, the weights, train.py, data.npz and a README into one folder."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from nnviz.export.datafile import DATA_FILENAME, training_arrays
from nnviz.export.errors import ExportError
from nnviz.export.model_code import WEIGHTS_FILENAME, ModelPlan, plan_model
from nnviz.export.train_code import TRAINED_FILENAME, render_train
from nnviz.export.weights import NodeState, initial_state, save_weights, state_dict_arrays
from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import Message, translate

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset

MODEL_FILENAME = "model.py"
TRAIN_FILENAME = "train.py"
README_FILENAME = "README.md"


@dataclass
class ExportResult:
    directory: Path
    files: list[Path]
    plan: ModelPlan
    warnings: list[str] = field(default_factory=list)


def export_pytorch(doc: GraphDocument, out_dir: str | Path, *, weights: NodeState | None = None,
                   dataset: Dataset | None = None, source_name: str = "") -> ExportResult:
    """Export `doc` to PyTorch in `out_dir` (created if needed; our files in it are overwritten).

    weights: tensors by node id then name (e.g. Session.weights()); default: the app's initial
    weights for the document's seed. dataset: the data to export (default: the document's own).
    Raises ExportError (naming the layer and why) before writing anything if the network cannot be
    exported; data that cannot be loaded is only a warning (train.py then says what is missing).
    """
    plan = plan_model(doc, source_name=source_name)
    arrays = state_dict_arrays(doc, plan, weights if weights is not None else initial_state(doc))
    out, data, warnings = prepare_export(doc, dataset, out_dir)
    files = [out / MODEL_FILENAME, out / WEIGHTS_FILENAME, out / TRAIN_FILENAME, out / README_FILENAME]
    files[0].write_text(plan.source, encoding="utf-8")
    save_weights(arrays, files[1])
    files[2].write_text(render_train(doc.training, source_name=source_name), encoding="utf-8")
    write_data(out, data, files)
    files[3].write_text(readme_text(doc, plan, data is not None), encoding="utf-8")
    return ExportResult(out, files, plan, warnings)


def prepare_export(doc: GraphDocument, dataset: Dataset | None, out_dir: str | Path):
    """What every target does first: the training arrays (or the reason they are missing, as a
    warning) and the output folder, created. Returns (folder, arrays or None, warnings)."""
    warnings: list[str] = []
    data = None
    try:
        data = training_arrays(doc, dataset)
    except ValueError as exc:  # DataError / SessionError: the learner-worded reason
        warnings.append(translate("The training data was not exported, so train.py cannot run yet: {problem}",
                                  problem=exc))
    out = Path(out_dir)
    if out.exists() and not out.is_dir():
        raise ExportError(Message("{out} is a file; export needs a folder", out=out))
    out.mkdir(parents=True, exist_ok=True)
    return out, data, warnings


def write_data(out: Path, data, files: list[Path]) -> None:
    """data.npz beside the code, or no data.npz at all: stale data from an earlier export would mislead."""
    if data is not None:
        data.save(out / DATA_FILENAME)
        files.append(out / DATA_FILENAME)
    elif (out / DATA_FILENAME).exists():
        (out / DATA_FILENAME).unlink()


def readme_text(doc: GraphDocument, plan: ModelPlan, has_data: bool) -> str:
    """The folder's README.md in the learner's language (nnviz.i18n's current one); code stays code."""
    s = doc.training
    shapes = ", ".join(fmt_shape(shape) for shape in plan.input_shapes)
    lines = [
        translate("# A network exported from nnviz"),
        "",
        "- " + translate("`{model}`: the network as a PyTorch `nn.Module` (`Net`); `build_model()` returns it with the "
                         "weights in `{weights}` loaded (safetensors, keyed like `state_dict()`). Input: one sample of "
                         "shape {shapes} per row of a batch; output {output}.", model=MODEL_FILENAME,
                         weights=WEIGHTS_FILENAME, shapes=shapes, output=fmt_shape(plan.output_shape)),
        "- " + translate("`{train}`: trains it with the same loss ({loss}), optimiser ({optimizer}, lr {lr}), batch "
                         "size ({batch_size}), seed and data order as nnviz; saves `{trained}`.", train=TRAIN_FILENAME,
                         loss=s.loss, optimizer=s.optimizer, lr=s.lr, batch_size=s.batch_size,
                         trained=TRAINED_FILENAME),
        "- " + data_line(has_data),
        "",
        translate("## Run it"),
        "",
        "```",
        "pip install torch safetensors numpy",
        "python train.py --epochs 5            # --lr 0.01, --device cpu|cuda|mps",
        "torchrun --nproc_per_node=2 train.py  # " + translate("data-parallel (DistributedDataParallel)"),
        "```",
        "",
        translate("Use the model in your own code:"),
        "",
        "```python",
        "import torch",
        "from model import DTYPE, INPUT_SHAPES, build_model",
        "",
        "model = build_model().eval()",
        "x = torch.zeros(4, *INPUT_SHAPES[0], dtype=DTYPE)  # " + translate("a batch of 4 samples"),
        "print(model(x))",
        "```",
        "",
        translate("In one process, train.py reproduces nnviz's numbers: same initial weights, same batches in the "
                  "same order, same update rule. `nnviz export FILE --to pytorch -o DIR --verify` checks that."),
        "",
    ]
    return "\n".join(lines)


def data_line(has_data: bool) -> str:
    """The README's line about data.npz, for every target that writes one."""
    if has_data:
        return translate("`{data}`: the training and validation arrays.", data=DATA_FILENAME)
    return translate("`{data}`: the training and validation arrays (missing: the data could not be loaded when "
                     "exporting).", data=DATA_FILENAME)
