"""The `nnviz` command: the desktop app, or with a subcommand the headless CLI.

    nnviz                       open the app with a small example network
    nnviz FILE                  open FILE
    nnviz --screenshot OUT.png [FILE] [--steps N] [--size WxH]   render the window offscreen and exit
    nnviz check|train|trace|gradcheck|export ... FILE             the headless commands (nnviz.cli)

This module imports no Qt, so `--help`, `--version` and the subcommands work where Qt cannot load.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence

from nnviz.help_text import WrappingParser
from nnviz.i18n import Message, translate


def cli_commands() -> set[str]:
    from nnviz.cli import build_parser

    parser = build_parser()
    found: set[str] = set()
    for action in parser._actions:  # argparse keeps subcommands in a private action type
        if isinstance(action, argparse._SubParsersAction):
            found |= set(action.choices)
    return found


def gui_parser() -> argparse.ArgumentParser:
    """The app's own options; build it after nnviz.cli.choose_language, which its help texts follow."""
    parser = WrappingParser(
        prog="nnviz", description=translate("Open the nnviz desktop app."),
        epilog=translate("Headless commands (no window): run `nnviz COMMAND --help`; the commands are listed below."))
    parser.add_argument("file", nargs="?", help=translate("a .nnviz file to open"))
    parser.add_argument("--screenshot", metavar="OUT.png",
                        help=translate("render the main window offscreen, save, exit"))
    parser.add_argument("--steps", type=int, default=0, help=translate("with --screenshot: training micro-steps first"))
    parser.add_argument("--size", default="1280x800",
                        help=translate("with --screenshot: window size WxH (1280x800)"))
    parser.add_argument("--lang", help=translate("user-interface language, e.g. zh_CN (default: the system's)"))
    return parser


def parse_size(text: str) -> tuple[int, int]:
    try:
        w, h = (int(v) for v in text.lower().split("x"))
    except ValueError:
        raise argparse.ArgumentTypeError(Message(
            "--size wants WIDTHxHEIGHT such as 1280x800, not {text!r}",
            text=text)) from None
    if not (320 <= w <= 8000 and 240 <= h <= 8000):
        raise argparse.ArgumentTypeError(Message("--size {text} is outside 320x240 .. 8000x8000", text=text))
    return w, h


def single_threaded_blas() -> None:
    """One BLAS thread unless the user chose otherwise. nnviz's matrices are small: spreading each product
    over threads costs more than it saves (measured ~10x slower on a busy 2-core machine). Must run before
    NumPy is first imported."""
    for var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")


def _first_word(argv: list[str]) -> str | None:
    """The first argument that is not `--lang VALUE` (the language option goes before a command too)."""
    words = iter(argv)
    for word in words:
        if word == "--lang":
            next(words, None)
        elif not word.startswith("--lang="):
            return word
    return None


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    single_threaded_blas()
    from nnviz import cli

    cli.choose_language(argv)  # the help texts and argparse's own words follow --lang or the locale
    first = _first_word(argv)
    if first in cli_commands():
        return cli.main(argv)
    if first in ("-h", "--help", "--version"):
        if first != "--version":
            gui_parser().print_help()
            print()
        try:
            return cli.main(argv)
        except SystemExit as exc:  # argparse exits after printing --help/--version
            return int(exc.code or 0)
    parser = gui_parser()
    args = parser.parse_args(argv)
    if args.file and not os.path.exists(args.file) and not os.path.splitext(args.file)[1]:
        # `nnviz frobnicate`: a mistyped command, not a file to open in a window
        parser.error(translate("{file!r} is neither a file nor a command; the commands are: {commands}",
                               file=args.file, commands=", ".join(sorted(cli_commands()))))
    try:
        size = parse_size(args.size)
    except argparse.ArgumentTypeError as exc:
        parser.error(str(exc))
    from nnviz.ui.shell.launch import run_gui

    return run_gui(args.file, screenshot=args.screenshot, steps=args.steps, size=size, lang=args.lang)


if __name__ == "__main__":
    sys.exit(main())
