"""Strict JSON in and deterministic, diff-friendly JSON out.

Reading refuses what Python's json module would quietly accept but a .nnviz file must not hold:
NaN/Infinity literals, numbers that overflow to infinity, duplicate keys (the second would silently
win), nesting deep enough to exhaust the stack. Every refusal is an NnvizFileError with a line and
column, never a bare JSONDecodeError or RecursionError.

Writing indents by 2 and keeps short things (a node's position, an edge, a row of weights) on one
line, so a diff of two saved files shows one changed weight row, not a screen of single numbers.
"""

from __future__ import annotations

import json
import math
from typing import Any

from nnviz.i18n import Message, translate
from nnviz.io.errors import NnvizFileError

MAX_FILE_BYTES = 200 * 1024 * 1024
NUMBER_TYPES = {int, float}
# Lines shorter than this stay on one line when every item in them is a scalar.
INLINE_WIDTH = 100


def parse(raw: bytes | str) -> dict[str, Any]:
    """The top-level JSON object of a .nnviz file's bytes (or text)."""
    if len(raw) > MAX_FILE_BYTES:
        raise NnvizFileError(Message(
            "is {size_mb:.0f} MB; nnviz opens files up to {limit_mb} MB",
            size_mb=len(raw) / 2 ** 20, limit_mb=MAX_FILE_BYTES // 2 ** 20))
    if isinstance(raw, bytes):
        try:
            text = raw.decode("utf-8-sig")  # tolerate a byte-order mark some editors add
        except UnicodeDecodeError as exc:
            if exc.reason == "unexpected end of data":  # cut off in the middle of a character
                raise NnvizFileError(Message(
                    "the file ends too early: it was probably cut off while saving or copying")) from None
            raise NnvizFileError(Message(
                "is not UTF-8 text (byte {start} is {raw:#04x}); a .nnviz file is JSON text — is this the right file?",
                start=exc.start, raw=raw[exc.start])) from None
    else:
        text = raw
    if not text.strip():
        raise NnvizFileError(Message("the file is empty"))
    try:
        value = json.loads(text, object_pairs_hook=_object, parse_constant=_constant, parse_float=_float)
    except NnvizFileError:
        raise
    except json.JSONDecodeError as exc:
        if exc.pos >= len(text.rstrip()):
            raise NnvizFileError(Message(
                "the file ends too early (line {lineno}): it was probably cut off while saving or copying",
                lineno=exc.lineno)) from None
        raise NnvizFileError(Message(
            "is not valid JSON: {msg} at line {lineno}, column {colno}",
            msg=exc.msg, lineno=exc.lineno, colno=exc.colno)) from None
    except RecursionError:
        raise NnvizFileError(Message("is nested too deeply to be a .nnviz file")) from None
    except ValueError as exc:  # e.g. an integer with more digits than Python converts
        raise NnvizFileError(Message("holds a value nnviz cannot read: {problem}", problem=exc)) from None
    if not isinstance(value, dict):
        raise NnvizFileError(Message("must hold one JSON object {{...}}, not {type_name}", type_name=type_name(value)))
    return value


def _object(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
    out: dict[str, Any] = {}
    for key, value in pairs:
        if key in out:
            raise NnvizFileError(Message("the key {key!r} appears twice in one object; keep one", key=key))
        out[key] = value
    return out


def _constant(name: str) -> Any:
    raise NnvizFileError(Message("{name} is not a JSON number; write a finite number", name=name))


def _float(text: str) -> float:
    value = float(text)
    if not math.isfinite(value):
        raise NnvizFileError(Message("the number {text} is too large", text=text[:40]))
    return value


def type_name(value: Any) -> str:
    """How a JSON value's type reads in a message: 'a list', 'text', 'a number'..."""
    if value is None:
        return "null"
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, (int, float)):
        return translate("a number")
    if isinstance(value, str):
        return translate("text")
    if isinstance(value, list):
        return translate("a list")
    if isinstance(value, dict):
        return translate("an object")
    return type(value).__name__


# ---------------------------------------------------------------------------------------- writing
def emit(value: Any) -> str:
    """Deterministic, indented JSON text of a tree of dict/list/str/int/float/bool/None (ends in a newline).

    Keys keep the order they have in the tree: the writer builds the tree in a fixed order.
    """
    return _emit(value, 0) + "\n"


def _scalar(value: Any) -> str:
    if isinstance(value, str):
        try:
            value.encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: keep it, escaped, rather than fail to save
            return json.dumps(value, ensure_ascii=True)
        return json.dumps(value, ensure_ascii=False)
    if value is None or isinstance(value, (bool, int)):
        return json.dumps(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            raise ValueError("non-finite float reached the JSON writer")
        return repr(value)  # the shortest text that reads back to the same float64
    raise TypeError(f"cannot write {type(value).__name__} as JSON")


def _is_scalar(value: Any) -> bool:
    return not isinstance(value, (dict, list))


def _is_flat(value: Any) -> bool:
    """A scalar or a list of scalars: what one line of a small object or matrix holds."""
    return _is_scalar(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value))


def _number_row(value: Any) -> bool:
    return isinstance(value, list) and set(map(type, value)) <= NUMBER_TYPES


def _inline(value: Any) -> str:
    if _number_row(value):
        # A row of numbers (inline data holds millions): json's C encoder writes floats with repr and
        # ints as digits, as _scalar does, and refuses NaN and infinity (a ValueError, as _scalar raises).
        return json.dumps(value, allow_nan=False)
    if isinstance(value, dict):
        return "{" + ", ".join(f"{_scalar(str(k))}: {_inline(v)}" for k, v in value.items()) + "}"
    if isinstance(value, list):
        return "[" + ", ".join(_inline(v) for v in value) + "]"
    return _scalar(value)


def _emit(value: Any, depth: int, lead: int = 0) -> str:
    """`lead`: characters already on this line (indent and key), to decide what fits on it."""
    pad = "  " * (depth + 1)
    end = "  " * depth
    if _number_row(value) or (isinstance(value, list) and all(_is_scalar(v) for v in value)):
        # A row of numbers stays on one line however long: one row, one line in a diff.
        return _inline(value)
    if isinstance(value, (dict, list)) and value:
        items = value.values() if isinstance(value, dict) else value
        # A small object or matrix: one line if it fits (each item takes at least 3 characters with
        # its separator, so a long list is not joined into one line only to find it does not fit).
        if lead + 3 * len(value) <= INLINE_WIDTH + 2 and all(_is_flat(v) for v in items):
            text = _inline(value)
            if lead + len(text) <= INLINE_WIDTH:
                return text
    if isinstance(value, dict):
        if not value:
            return "{}"
        items = []
        for k, v in value.items():
            head = f"{pad}{_scalar(str(k))}: "
            items.append(head + _emit(v, depth + 1, len(head)))
        return "{\n" + ",\n".join(items) + "\n" + end + "}"
    if isinstance(value, list):
        items = [pad + _emit(v, depth + 1, len(pad)) for v in value]
        return "[\n" + ",\n".join(items) + "\n" + end + "]"
    return _scalar(value)
