"""The `nnviz export` and `nnviz import-torch` subcommands (registered by nnviz.cli).

    nnviz export FILE --to pytorch|keras|onnx -o DIR [--verify] [--steps N]
    nnviz import-torch MODULE_FILE:FACTORY -o OUT.nnviz [--input-shape 3,32,32] [--no-fuse]

Exit codes: 0 success; 1 the network, model or file cannot be converted (or --verify found a
difference above the tolerance), with a message saying which layer and why; 2 bad usage.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from nnviz.export.errors import ExportError
from nnviz.export.targets import TARGETS
from nnviz.i18n import Message, translate


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "export", help=translate("export to PyTorch, Keras or ONNX: model, weights, train.py, data"),
        description=translate("Write DIR/model.py, the weights, train.py, data.npz and README.md for the network "
                              "in FILE (PyTorch or Keras 3), or DIR/model.onnx (ONNX)."))
    p.add_argument("file", help=translate("a .nnviz file"))
    p.add_argument("--to", choices=tuple(TARGETS), default="pytorch",
                   help=translate("target: pytorch (default), keras (Keras 3) or onnx"))
    p.add_argument("-o", "--out", required=True, metavar="DIR", help=translate("folder to write (created if needed)"))
    p.add_argument("--verify", action="store_true",
                   help=translate("run the app and the export side by side on the same batches and print the "
                                  "largest differences; exit 1 above the tolerance (needs torch; keras or "
                                  "onnxruntime for those)"))
    p.add_argument("--steps", type=_positive, default=20,
                   help=translate("training steps to compare with --verify (20)"))
    p.set_defaults(func=run)

    p = subparsers.add_parser(
        "import-torch", help=translate("import a PyTorch model as a .nnviz file"),
        description=translate("Trace the nn.Module that FACTORY in MODULE_FILE returns (an nn.Sequential or any "
                              "model torch.fx can trace) and save it with its weights."))
    p.add_argument("spec", metavar="MODULE_FILE:FACTORY", help=translate("e.g. model.py:build_model"))
    p.add_argument("-o", "--out", required=True, metavar="OUT.nnviz", help=translate("the .nnviz file to write"))
    p.add_argument("--input-shape", action="append", type=_shape, metavar="C,H,W",
                   help=translate("one sample's shape (without the batch); once per forward() input"))
    p.add_argument("--no-fuse", action="store_true", help=translate("keep activations as nodes of their own"))
    p.set_defaults(func=run_import)


def run(args: argparse.Namespace) -> int:
    """`nnviz export`."""
    from nnviz.engine.training_state import state_weights
    from nnviz.export.weights import initial_state
    from nnviz.io import read

    target = TARGETS[args.to]
    try:
        doc, state = read(Path(args.file))
        # A file saved after training exports its trained weights (those the saved state holds).
        trained = state_weights(state)
        weights = {**initial_state(doc), **trained} if trained else None
        result = target.export(doc, args.out, weights=weights, source_name=Path(args.file).name)
    except FileNotFoundError:
        return _fail(translate("{path}: no such file", path=args.file))
    except (ExportError, OSError, ValueError) as exc:
        return _fail(str(exc))
    for warning in result.warnings:
        print(translate("warning: {message}", message=warning), file=sys.stderr)
    print(translate("wrote {files} to {folder}",
                    files=", ".join(f.name for f in result.files), folder=result.directory))
    if not args.verify:
        return 0
    try:
        report = target.verify(doc, result.directory, steps=args.steps, weights=weights)
    except ExportError as exc:
        return _fail(str(exc))
    print(report.text())
    return 0 if report.passed else 1


def run_import(args: argparse.Namespace) -> int:
    """`nnviz import-torch`."""
    from nnviz.export.importer import import_torch_model, load_factory
    from nnviz.graph.summary import summary_text
    from nnviz.io import save

    try:
        model, module = load_factory(args.spec)
        doc = import_torch_model(model, input_shapes=args.input_shape, fuse=not args.no_fuse,
                                 python_module=module)
        save(doc, Path(args.out))
    except (ExportError, OSError, ValueError) as exc:
        return _fail(str(exc))
    print(summary_text(doc))
    print(translate("saved {path}", path=args.out))
    return 0


def _fail(message: str) -> int:
    print(translate("error: {message}", message=message), file=sys.stderr)
    return 1


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(Message("must be 1 or more"))
    return value


def _shape(text: str) -> tuple[int, ...]:
    try:
        shape = tuple(int(part) for part in text.replace("x", ",").split(",") if part.strip())
    except ValueError:
        raise argparse.ArgumentTypeError(Message("{text!r} is not a shape like 3,32,32", text=text)) from None
    if not shape or any(d < 1 for d in shape):
        raise argparse.ArgumentTypeError(Message("{text!r} is not a shape like 3,32,32", text=text))
    return shape
