"""Which characters a name may hold, and how text is made safe for a terminal.

A name is shown on the canvas, in messages, in generated code and in a terminal. Characters that are
not visible there can make it lie: ESC starts a terminal escape sequence (a name could repaint the screen
to read "OK"), BEL rings, backspace rubs out, U+2028/2029 break lines, and the bidirectional overrides
and isolates (U+202A-202E, U+2066-2069) reorder what follows so that text reads other than it is.
So names hold printable characters only: no control characters (C0, DEL, C1), no invisible format
characters (bidi controls, zero-width spaces, byte-order marks; but the zero-width joiners that some
scripts and emoji need are allowed), no line or paragraph separators, no surrogates.
"""

from __future__ import annotations

import unicodedata
from typing import Any

from nnviz.i18n import translate

# Unassigned code points (Cn) are allowed: a newer Unicode may have assigned them, and unknown ones show as
# a box, never as an instruction to the terminal.
_FORBIDDEN_CATEGORIES = {"Cc", "Cf", "Zl", "Zp", "Cs"}
_ALLOWED_FORMAT = {"\u200c", "\u200d"}  # zero-width non-joiner and joiner: part of how some scripts are spelled
_CONTROL_NAMES = {0x00: "NULL", 0x07: "BELL", 0x08: "BACKSPACE", 0x09: "TAB", 0x0A: "LINE FEED",
                  0x0D: "CARRIAGE RETURN", 0x1B: "ESCAPE", 0x7F: "DELETE"}


def is_printable(ch: str) -> bool:
    return ch in _ALLOWED_FORMAT or unicodedata.category(ch) not in _FORBIDDEN_CATEGORIES


def first_unprintable(text: str) -> str | None:
    """The first character of text that a name may not hold, or None."""
    return next((ch for ch in text if not is_printable(ch)), None)


def describe_char(ch: str) -> str:
    """'U+001B (ESCAPE)': the code point and, where Unicode has one, its name."""
    code = ord(ch)
    name = _CONTROL_NAMES.get(code) or unicodedata.name(ch, "")
    if not name:
        name = (translate("a control character") if unicodedata.category(ch) == "Cc"
                else translate("an invisible character"))
    return f"U+{code:04X} ({name})"


def name_problem(name: str) -> str | None:
    """Why a name cannot be used, in the learner's words, or None when it can."""
    ch = first_unprintable(name)
    if ch is None:
        return None
    return translate("the name '{name}' contains {char}, which is not a visible character: type the name again "
                     "without it", name=escape(name), char=describe_char(ch))


def escape(text: str, keep: str = "") -> str:
    """text with every unprintable character written as a visible escape (\\x1b, \\u202e), so it cannot
    move the cursor, recolour or reorder a terminal. Characters in `keep` (for example a newline that
    is part of a message's layout) pass unchanged."""
    out = []
    for ch in text:
        if ch in keep or is_printable(ch):
            out.append(ch)
        elif ord(ch) < 0x100:
            out.append(f"\\x{ord(ch):02x}")
        elif ord(ch) < 0x10000:
            out.append(f"\\u{ord(ch):04x}")
        else:
            out.append(f"\\U{ord(ch):08x}")
    return "".join(out)


class EscapedStream:
    """Standard output or error with every unprintable character written as a visible escape (\\x1b,
    \\u202e; see escape()): nothing read from a file, a name, a path, data or a mistyped
    argument (argparse repeats it) can move the cursor, recolour, or reorder the learner's terminal.
    Line breaks and tabs pass."""

    def __init__(self, stream: Any) -> None:
        self._stream = stream
        self.raw = stream

    def write(self, text: str) -> int:
        return self._stream.write(escape(text, keep="\n\t"))

    def __getattr__(self, name: str) -> Any:
        return getattr(self._stream, name)
