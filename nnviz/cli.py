"""The headless command line over the same core the app uses: check, train, trace, gradcheck, export, sample.

Exit codes: 0 success; 1 the network, data or file is wrong (a message says what); 2 bad usage.
"""

from __future__ import annotations

import argparse
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from nnviz import __version__
from nnviz.graph.printable import EscapedStream
from nnviz.help_text import WrappingParser
from nnviz.i18n import Message, language_from_environment, set_language, translate, translate_argparse

# Modules that add subcommands: each has register(subparsers) and sets func=run on its parser.
COMMAND_MODULES = ("nnviz.export.command", "nnviz.data.fetch_command", "nnviz.engine.sample_command",
                   "nnviz.exercise.command")


def _load(path: str, *, with_state: bool = False):
    """The document at path (with its saved training state: (doc, state)), or a one-line message and exit 1."""
    from nnviz.io import load, read

    try:
        return read(Path(path)) if with_state else load(Path(path))
    except FileNotFoundError:
        raise CliError(Message("{path}: no such file", path=path)) from None
    except (OSError, ValueError) as exc:
        raise CliError(str(exc)) from None


class CliError(Exception):
    """A message for the user; the command exits 1."""


def _session(doc, seed: int | None):
    from nnviz.data.dataset import DataError
    from nnviz.engine.session import Session, SessionError, document_dataset

    settings = doc.training if seed is None else doc.training.with_(seed=seed)
    try:
        return Session(doc, document_dataset(doc), settings=settings)
    except (DataError, SessionError) as exc:
        raise CliError(str(exc)) from None


def _problems(doc) -> list[str]:
    """Everything wrong between the network, its data and this machine's memory, found without allocating
    the network: the data cannot load, it does not fit the network, or the network is too big."""
    from nnviz.data.dataset import DataError
    from nnviz.data.fit import check_fit
    from nnviz.engine.footprint import require_fits
    from nnviz.engine.session import document_dataset

    problems: list[str] = []
    dataset = None
    try:
        dataset = document_dataset(doc)
    except DataError as exc:
        problems.append(str(exc))
    if doc.analysis().valid:
        try:
            require_fits(doc)
        except ValueError as exc:
            problems.append(str(exc))
        if dataset is not None:
            problems += check_fit(doc, dataset)
    return problems


# ------------------------------------------------------------------------------------------- check
def cmd_check(args: argparse.Namespace) -> int:
    from nnviz.graph.summary import summary_text

    doc = _load(args.file)
    print(summary_text(doc))
    problems = _problems(doc)  # reported even when the graph has errors: every mismatch at once
    for problem in problems:
        print(translate("error: {message}", message=problem), file=sys.stderr)
    if problems or not doc.analysis().valid:
        return 1
    _session(doc, None)  # what only building the session finds (targets against the loss)
    print(translate("OK: the network and its data fit together."))
    return 0


# ------------------------------------------------------------------------------------------- train
def cmd_train(args: argparse.Namespace) -> int:
    from nnviz.engine.session import NonFiniteError
    from nnviz.engine.training_state import restore_training

    if args.save:
        _check_destination(args.save)  # before training: a run must not be lost to a typo in the path
    doc, state = _load(args.file, with_state=True)
    if args.set:  # --set NAME=VALUE or data.NAME=VALUE, typed and checked by their specs (nnviz.data.overrides)
        from nnviz.data.overrides import DataError, SettingsError, apply_overrides

        try:
            apply_overrides(doc, args.set)
        except (SettingsError, DataError) as exc:
            raise CliError(str(exc)) from None
    session = _session(doc, args.seed)
    if args.seed is None:  # a file saved after training continues; another seed starts afresh
        restored = restore_training(session, state)
        if restored.message:
            print(translate("note: {message}", message=restored.message), file=sys.stderr)
        elif restored.outcome == "continued":
            print(translate("continuing the saved training from step {step}", step=session.steps_done), file=sys.stderr)
    total = args.steps if args.steps is not None else (args.epochs or doc.training.epochs) * session.n_batches
    progress = None if args.json else _progress(total)
    status = 0
    try:
        for _ in range(total):
            loss = session.step_batch()
            if args.json:
                acc = session.metrics.step_accuracy[-1]
                print(_json({"step": session.steps_done, "epoch": session.metrics.step_epoch[-1],
                                  "loss": loss, "accuracy": acc}))
            elif progress is not None:
                progress.set_postfix(loss=f"{loss:.4g}", epoch=session.epoch, refresh=False)
                progress.update(1)
    except NonFiniteError as exc:
        if progress is not None:
            progress.close()  # the message on a line of its own, not glued to the bar
        print(translate("error: {message}", message=exc), file=sys.stderr)
        status = 1
    finally:
        if progress is not None:
            progress.close()
    with np.errstate(all="ignore"):  # a diverged network: the error above said so, the numbers show it
        train_loss, train_acc = session.evaluate("train")
        val_loss, val_acc = session.evaluate("val")
    final = {"final": True, "steps": session.steps_done, "epochs": len(session.metrics.epochs),
             "train_loss": train_loss, "train_accuracy": train_acc,
             "val_loss": val_loss, "val_accuracy": val_acc}
    if args.json:
        print(_json(final))
    else:
        print(_final_text(final))
    if args.save:
        _save_trained(doc, session, args.save)
    return status


def _json(record: dict[str, Any]) -> str:
    """One line of strict JSON: a NaN or infinite number (a diverged loss, a tensor of a run that blew up)
    becomes null, however deep it sits, so every --json line parses with any JSON reader."""
    def clean(v: Any) -> Any:
        if isinstance(v, (float, np.floating)):
            return float(v) if np.isfinite(v) else None
        if isinstance(v, np.integer):
            return int(v)
        if isinstance(v, dict):
            return {k: clean(x) for k, x in v.items()}
        if isinstance(v, (list, tuple)):
            return [clean(x) for x in v]
        return v

    return json.dumps(clean(record), allow_nan=False)


def _check_destination(out: str) -> None:
    """CliError when `out` cannot be written: a folder, a missing or read-only folder, a special file."""
    import os

    path = Path(out).expanduser()
    folder = path.parent if str(path.parent) else Path(".")
    if path.is_dir():
        raise CliError(Message("--save {out} is a folder: give a file name, e.g. {example}", out=out,
                               example=path / "trained.nnviz"))
    if path.exists() and not path.is_file():
        raise CliError(Message("--save {out} is not a regular file (a pipe or device): choose a file name", out=out))
    if not folder.is_dir():
        raise CliError(Message("--save {out}: the folder {folder} does not exist: create it first, or save elsewhere",
                               out=out, folder=folder))
    if not os.access(folder, os.W_OK | os.X_OK) or (path.exists() and not os.access(path, os.W_OK)):
        raise CliError(Message("--save {out}: no permission to write there: choose a folder of your own", out=out))


def _final_text(final: dict[str, Any]) -> str:
    def fmt(v: float | None, pct: bool = False) -> str:
        return "-" if v is None else (f"{100 * v:.1f} %" if pct else f"{v:.6g}")

    return translate("after {steps} steps: train loss {loss}, train accuracy {accuracy}, validation loss {val_loss}, "
                     "validation accuracy {val_accuracy}", steps=final["steps"], loss=fmt(final["train_loss"]),
                     accuracy=fmt(final["train_accuracy"], True), val_loss=fmt(final["val_loss"]),
                     val_accuracy=fmt(final["val_accuracy"], True))


def _progress(total: int):
    from tqdm import tqdm

    # The bar redraws itself with carriage returns, which the escaped stderr would print as "\r": it
    # writes to the real terminal, and it writes only numbers nnviz formats.
    return tqdm(total=total, unit="step", file=getattr(sys.stderr, "raw", sys.stderr), dynamic_ncols=True)


def _save_trained(doc, session, out: str) -> None:
    from nnviz.engine.training_state import training_state
    from nnviz.io import save

    # The document as it was (with the seed trained with), the trained state beside it: reopened,
    # training continues exactly.
    if session.settings != doc.training:
        doc.set_training(session.settings)
    try:
        save(doc, Path(out), state=training_state(session))
    except (OSError, ValueError) as exc:
        raise CliError(Message("could not save the trained network to {out}: {problem}",
                               out=out, problem=exc)) from None
    print(translate("saved the trained network to {path}", path=out), file=sys.stderr)


# ------------------------------------------------------------------------------------------- trace
def cmd_trace(args: argparse.Namespace) -> int:
    from nnviz.engine.microstep import PHASE_WORDS
    from nnviz.engine.session import NonFiniteError

    doc = _load(args.file)
    session = _session(doc, args.seed)
    try:
        while session.steps_done < args.steps:
            event = session.step()
            record = {"index": event.index, "step": event.step, "epoch": event.epoch, "phase": event.phase,
                      "node": event.node, "name": session.net.names.get(event.node) if event.node else None,
                      "t": event.t, "tensors": {k: v.tolist() for k, v in event.tensors.items()}}
            if event.formula is not None:
                record["formula"] = {"title": event.formula.title, "symbolic": event.formula.symbolic,
                                     "numeric": event.formula.numeric, "lines": event.formula.lines()}
            if args.json:
                print(_json(record))
            else:
                where = f" {record['name']}" if record["name"] else ""
                where += f" t={event.t}" if event.t is not None else ""  # a recurrent node's time step
                phase = translate(PHASE_WORDS[event.phase])
                print(translate("step {step} {phase}{where}", step=event.step, phase=phase, where=where))
                for name, value in event.tensors.items():
                    text = np.array2string(value, precision=5, threshold=20)
                    print(f"  {name} {tuple(value.shape)}: {text}")
                if event.formula is not None:  # the lines the window's Formula panel shows
                    print("  " + translate("formula:"))
                    for line in event.formula.lines():
                        print(f"    {line}")
    except NonFiniteError as exc:
        print(translate("error: {message}", message=exc), file=sys.stderr)
        return 1
    return 0


# --------------------------------------------------------------------------------------- gradcheck
def cmd_gradcheck(args: argparse.Namespace) -> int:
    from nnviz.data.dataset import DataError
    from nnviz.engine.gradcheck import gradcheck
    from nnviz.engine.network import SessionError

    doc = _load(args.file)
    tolerances = {k: v for k, v in (("atol", args.atol), ("rtol", args.rtol)) if v is not None}
    try:
        report = gradcheck(doc, samples=args.samples, seed=args.seed, **tolerances)
    except (DataError, SessionError) as exc:
        raise CliError(str(exc)) from None
    if args.json:
        print(_json(report.to_json()))
    else:
        print("\n".join(report.lines()))
    return 0 if report.ok else 1


# -------------------------------------------------------------------------------------------- main
def build_parser() -> argparse.ArgumentParser:
    parser = WrappingParser(
        prog="nnviz", description=translate("Draw a neural network, step through its training, export it to "
                                            "PyTorch. Without a command, `nnviz` opens the app."))
    parser.add_argument("--version", action="version", version=f"nnviz {__version__}",
                        help=translate("show nnviz's version number and exit"))
    parser.add_argument("--lang", help=translate("language of the messages, e.g. zh_CN (default: the locale, LANG)"))
    sub = parser.add_subparsers(dest="command", metavar="COMMAND")

    p = sub.add_parser("check", help=translate("print the model summary; exit 1 if the network has errors"))
    p.add_argument("file", help=translate("a .nnviz file"))
    p.set_defaults(func=cmd_check)

    p = sub.add_parser("train", help=translate("train headless, printing progress or JSON lines"))
    p.add_argument("file", help=translate("a .nnviz file"))
    group = p.add_mutually_exclusive_group()
    group.add_argument("--steps", type=_positive, help=translate("number of training steps (batches)"))
    group.add_argument("--epochs", type=_positive, help=translate("number of epochs (default: the file's setting)"))
    p.add_argument("--seed", type=_seed, help=translate("override the file's seed (0 to 2147483647)"))
    p.add_argument("--set", type=_setting, action="append", default=[], metavar="NAME=VALUE",
                   help=translate("override a training setting or a data option, e.g. --set lr=1e-3 --set "
                                  "data.maxlen=20"))
    p.add_argument("--json", action="store_true", help=translate("one JSON object per step, then a final summary line"))
    p.add_argument("--save", metavar="OUT", help=translate("save the trained network (with its weights) to OUT"))
    p.set_defaults(func=cmd_train)

    p = sub.add_parser("trace", help=translate("print every micro-step's tensors"))
    p.add_argument("file", help=translate("a .nnviz file"))
    p.add_argument("--steps", type=_positive, default=1, help=translate("training steps to trace (default 1)"))
    p.add_argument("--seed", type=_seed, help=translate("override the file's seed (0 to 2147483647)"))
    p.add_argument("--json", action="store_true", help=translate("one JSON object per micro-step"))
    p.set_defaults(func=cmd_trace)

    from nnviz.engine import gradcheck as gc

    p = sub.add_parser("gradcheck", help=translate("compare backprop's gradients with finite differences, in "
                                                  "float64; exit 1 if any differs"))
    p.add_argument("file", help=translate("a .nnviz file"))
    p.add_argument("--samples", type=_positive, default=gc.SAMPLES,
                   help=translate("tensors of at most N entries are checked whole, larger ones on N random "
                                  "entries (default {samples})", samples=gc.SAMPLES))
    p.add_argument("--seed", type=_non_negative, default=0, help=translate("seed of the random sample (default 0)"))
    p.add_argument("--atol", type=float, help=translate("absolute tolerance per entry (default {tol:g})", tol=gc.ATOL))
    p.add_argument("--rtol", type=float, help=translate("relative tolerance per entry (default {tol:g})", tol=gc.RTOL))
    p.add_argument("--json", action="store_true", help=translate("the whole report as one JSON object"))
    p.set_defaults(func=cmd_gradcheck)

    for name in COMMAND_MODULES:
        try:
            module = importlib.import_module(name)
        except ModuleNotFoundError as exc:
            if exc.name != name:
                raise
            continue
        module.register(sub)
    return parser


def _setting(text: str) -> tuple[str, Any]:
    from nnviz.data.overrides import DataError, SettingsError, parse_override

    try:
        return parse_override(text)
    except (SettingsError, DataError) as exc:
        raise argparse.ArgumentTypeError(str(exc)) from None


def _positive(text: str) -> int:
    value = int(text)
    if value < 1:
        raise argparse.ArgumentTypeError(Message("must be 1 or more"))
    return value


def _non_negative(text: str) -> int:
    value = int(text)
    if value < 0:
        raise argparse.ArgumentTypeError(Message("must be 0 or more"))
    return value


def _seed(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(Message("must be a whole number, not {text!r}", text=text)) from None
    if not 0 <= value < 2**31:
        raise argparse.ArgumentTypeError(Message("must be from 0 to 2147483647 (2**31 - 1)"))
    return value


def choose_language(argv: Sequence[str] | None) -> list[str]:
    """The language from --lang (anywhere) or the locale, set before any help text is written; argv without it."""
    language_option = argparse.ArgumentParser(add_help=False)
    language_option.add_argument("--lang")
    chosen, rest = language_option.parse_known_args(argv)
    set_language(chosen.lang or language_from_environment())
    translate_argparse()  # usage and argument errors in the same language
    return rest


def main(argv: Sequence[str] | None = None) -> int:
    argv = choose_language(argv)
    stdout, stderr = sys.stdout, sys.stderr
    sys.stdout, sys.stderr = EscapedStream(stdout), EscapedStream(stderr)
    try:
        parser = build_parser()
        args = parser.parse_args(argv)
        if not getattr(args, "func", None):
            parser.print_help()
            return 0
        return int(args.func(args) or 0)
    except CliError as exc:
        print(translate("error: {message}", message=exc), file=sys.stderr)
        return 1
    except BrokenPipeError:  # `nnviz trace ... | head`
        return 0
    finally:
        sys.stdout, sys.stderr = stdout, stderr


if __name__ == "__main__":
    sys.exit(main())
