"""The `nnviz sample` subcommand (registered by nnviz.cli): write text with a trained sequence model.

    nnviz sample FILE --prompt TEXT [--length N] [--temperature T] [--seed S] [--train-steps K] [--json]

FILE's saved training state (a file saved after training) gives the weights; --train-steps trains K more
steps first (an untrained model writes noise). Exit codes: 0 success; 1 the model or file cannot write
text (a message says why); 2 bad usage.
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from nnviz.engine.sampling import MAX_LENGTH, MAX_TEMPERATURE, MAX_TEMPERATURE_TEXT, SamplingError, session_sampler
from nnviz.i18n import Message, translate


def register(subparsers: argparse._SubParsersAction) -> None:
    p = subparsers.add_parser(
        "sample", help=translate("write text with a trained next-token model, from a prompt"),
        description=translate("Continue PROMPT one token at a time with the model in FILE (its saved trained "
                              "weights): greedy (temperature 0, the likeliest token every time) or drawn from "
                              "softmax(scores / temperature)."))
    p.add_argument("file", help=translate("a .nnviz file of a model trained on text with next-token targets"))
    p.add_argument("--prompt", required=True, help=translate("the text to start from"))
    p.add_argument("--length", type=_length, default=20,
                   help=translate("tokens to write (1 to {most}, default 20)", most=MAX_LENGTH))
    p.add_argument("--temperature", type=_temperature, default=0.0,
                   help=translate("0 = greedy (default); higher draws more varied tokens (up to {most})",
                                  most=format(MAX_TEMPERATURE, "g")))
    p.add_argument("--seed", type=int, default=0, help=translate("seed of the draws: same seed, same text (default 0)"))
    p.add_argument("--train-steps", type=int, default=0, metavar="K",
                   help=translate("train K steps first (default 0: the file's weights as they are)"))
    p.add_argument("--json", action="store_true",
                   help=translate("one JSON object: prompt, tokens, text, probabilities"))
    p.set_defaults(func=run)


def run(args: argparse.Namespace) -> int:
    from nnviz.data.dataset import DataError
    from nnviz.engine.session import Session, SessionError
    from nnviz.engine.training_state import restore_training
    from nnviz.io import read

    try:
        doc, state = read(Path(args.file))
        session = Session(doc)
        restored = restore_training(session, state)
        if restored.message:
            print(translate("note: {message}", message=restored.message), file=sys.stderr)
        for _ in range(max(args.train_steps, 0)):
            session.step_batch()
        if session.steps_done == 0:
            print(translate("note: this model is untrained, so it writes noise: train it first "
                            "(--train-steps, or `nnviz train FILE --save OUT`)"), file=sys.stderr)
        result = session_sampler(session).sample(args.prompt, args.length, args.temperature, args.seed)
    except FileNotFoundError:
        print(translate("error: {message}", message=translate("{path}: no such file", path=args.file)), file=sys.stderr)
        return 1
    except (SamplingError, DataError, SessionError, OSError, ValueError) as exc:
        print(translate("error: {message}", message=exc), file=sys.stderr)
        return 1
    if args.json:
        print(json.dumps({"prompt": result.prompt_tokens, "tokens": result.new_tokens, "ids": result.new_ids,
                          "text": result.text, "probabilities": result.probabilities}, ensure_ascii=False))
    else:
        print(result.text)
    return 0


def _length(text: str) -> int:
    value = int(text)
    if not 1 <= value <= MAX_LENGTH:
        raise argparse.ArgumentTypeError(str(Message("must be from 1 to {most}", most=MAX_LENGTH)))
    return value


def _temperature(text: str) -> float:
    value = float(text)
    if not 0.0 <= value <= MAX_TEMPERATURE:
        raise argparse.ArgumentTypeError(str(Message("must be from 0 to {most}", most=MAX_TEMPERATURE_TEXT)))
    return value
