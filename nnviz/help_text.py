"""argparse's help, wrapped by the columns a terminal gives each character.

argparse wraps its help with textwrap, which counts characters and breaks only at spaces: a Chinese help
text (two columns a character, no spaces) ran past an 80-column terminal. WrappingParser is
argparse.ArgumentParser with a formatter that wraps by display width and may break between Chinese
characters; its subcommand parsers are WrappingParsers too.
"""

from __future__ import annotations

import argparse
import re

# Where a line may end: after a run of Latin text with its spaces, or after any single other character.
_PIECES = re.compile(r"[\x21-\x7e]+ *| +|[^\x21-\x7e ] *")
# Punctuation that never starts a line in Chinese typesetting: it stays on the line before.
_NO_LINE_START = set("，。；：、）」』》！？,.;:)%")
_NO_LINE_END = "（「『《("  # ... and these stay with the text after them


def wrap(text: str, width: int) -> list[str]:
    """The text's lines, each at most `width` columns wide (a longer single word stays whole)."""
    from nnviz.graph.summary import display_width

    lines: list[str] = []
    line, used = "", 0
    for piece in _PIECES.findall(" ".join(text.split())):
        size = display_width(piece.rstrip())
        if line and used + size > width and piece[0] not in _NO_LINE_START:
            carried = line[-1] if line[-1] in _NO_LINE_END and line[:-1].strip() else ""
            lines.append(line[:len(line) - len(carried)].rstrip())
            line, used = carried, display_width(carried)
        line += piece
        used += display_width(piece)
    if line.strip():
        lines.append(line.rstrip())
    return lines


class WrappingFormatter(argparse.HelpFormatter):
    def _split_lines(self, text: str, width: int) -> list[str]:
        return wrap(text, width)

    def _fill_text(self, text: str, width: int, indent: str) -> str:
        return "\n".join(indent + line for line in wrap(text, width - len(indent)))


class WrappingParser(argparse.ArgumentParser):
    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("formatter_class", WrappingFormatter)
        super().__init__(*args, **kwargs)
