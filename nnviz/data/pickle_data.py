"""Reading plain data stored as a pickle (CIFAR-10's Python batches) without the pickle module.

Python's unpickler calls whatever the file names, so nnviz never uses it. This reader understands only
the opcodes that spell data - numbers, strings, bytes, lists, tuples, dicts - and NumPy arrays, which it
builds itself with np.frombuffer. Any other callable a file names (os.system, eval, ...) is an error,
never a call. Protocols 0-4 as written by Python 2 (the original CIFAR files) and Python 3.
"""

from __future__ import annotations

import codecs
import struct
from typing import Any

import numpy as np

from nnviz.i18n import Message


class PickleDataError(ValueError):
    """The file is not plain data this reader accepts; the message says why."""


class _Global:
    def __init__(self, name: str) -> None:
        self.name = name


class _Array:
    """An array being rebuilt: numpy pickles it as _reconstruct(...) followed by BUILD(state)."""

    value: np.ndarray | None = None


class _DType:
    def __init__(self, dtype: np.dtype) -> None:
        self.dtype = dtype


_RECONSTRUCT = {"numpy.core.multiarray._reconstruct", "numpy._core.multiarray._reconstruct"}
_GLOBALS = _RECONSTRUCT | {"numpy.ndarray", "numpy.dtype", "_codecs.encode"}
_MARK = object()


def _text(value: Any) -> str:
    return value.decode("latin-1") if isinstance(value, bytes) else str(value)


def _reduce(fn: Any, args: Any) -> Any:
    if not isinstance(fn, _Global) or not isinstance(args, tuple):
        raise PickleDataError(Message("it calls something that is not a NumPy array or text"))
    if fn.name in _RECONSTRUCT:
        return _Array()
    if fn.name == "numpy.dtype" and args:
        try:
            return _DType(np.dtype(_text(args[0])))
        except TypeError as exc:
            raise PickleDataError(Message("it names an unknown array type {args!r}", args=args[0])) from exc
    if fn.name == "_codecs.encode" and len(args) == 2 and isinstance(args[0], str) \
            and _text(args[1]).lower() in ("latin1", "latin-1"):
        return args[0].encode("latin-1")
    raise PickleDataError(Message("it asks to run {name} with unexpected arguments", name=fn.name))


def _build(obj: Any, state: Any) -> None:
    if isinstance(obj, _DType):
        if isinstance(state, tuple) and len(state) > 1 and _text(state[1]) in "<>":
            obj.dtype = obj.dtype.newbyteorder(_text(state[1]))
        return
    if not isinstance(obj, _Array) or not isinstance(state, tuple) or len(state) != 5:
        raise PickleDataError(Message("it sets the state of something that is not a NumPy array"))
    _, shape, dtype, fortran, raw = state
    if not isinstance(dtype, _DType) or not isinstance(raw, bytes) or dtype.dtype.hasobject:
        raise PickleDataError(Message("it holds an array of Python objects, not numbers"))
    count = int(np.prod(shape)) if shape else 1
    if count * dtype.dtype.itemsize != len(raw):
        raise PickleDataError(Message(
            "an array of shape {shape} has {n_raw} bytes of data",
            shape=tuple(shape), n_raw=len(raw)))
    obj.value = np.frombuffer(raw, dtype.dtype, count).reshape(shape, order="F" if fortran else "C")


def _resolve(value: Any) -> Any:
    if isinstance(value, _Array):
        if value.value is None:
            raise PickleDataError(Message("an array has no data"))
        return value.value
    if isinstance(value, (_Global, _DType)):
        raise PickleDataError(Message("it holds a type or function, not data"))
    if isinstance(value, dict):
        return {k: _resolve(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_resolve(v) for v in value]
    if isinstance(value, tuple):
        return tuple(_resolve(v) for v in value)
    return value


def loads_data(raw: bytes) -> Any:
    """The plain data a pickle holds (Python 2 strings come back as bytes); PickleDataError otherwise."""
    try:
        return _resolve(_Machine(raw).run())
    except (IndexError, KeyError, struct.error, UnicodeDecodeError, ValueError, TypeError) as exc:
        if isinstance(exc, PickleDataError):
            raise
        raise PickleDataError(Message(
            "it is broken or truncated ({name}: {problem})",
            name=type(exc).__name__, problem=exc)) from None


class _Machine:
    def __init__(self, raw: bytes) -> None:
        self.raw, self.at = raw, 0
        self.stack: list[Any] = []
        self.memo: dict[int, Any] = {}

    def take(self, n: int) -> bytes:
        if n < 0 or self.at + n > len(self.raw):
            raise PickleDataError(Message("it ends in the middle of a value (truncated)"))
        out = self.raw[self.at:self.at + n]
        self.at += n
        return out

    def line(self) -> bytes:
        end = self.raw.index(b"\n", self.at)
        out = self.raw[self.at:end]
        self.at = end + 1
        return out

    def uint(self, n: int) -> int:
        return int.from_bytes(self.take(n), "little")

    def pop_mark(self) -> list[Any]:
        for i in range(len(self.stack) - 1, -1, -1):
            if self.stack[i] is _MARK:
                items = self.stack[i + 1:]
                del self.stack[i:]
                return items
        raise PickleDataError(Message("a list or tuple has no start mark"))

    def run(self) -> Any:  # one branch per opcode: the table of what this reader understands
        s = self.stack
        while True:
            op = self.take(1)
            if op == b".":
                return s.pop()
            if op in (b"\x80", b"\x95"):  # PROTO, FRAME: nothing to build
                self.take(1 if op == b"\x80" else 8)
            elif op == b"(":
                s.append(_MARK)
            elif op in (b"}", b"]", b")"):
                s.append({} if op == b"}" else [] if op == b"]" else ())
            elif op == b"N":
                s.append(None)
            elif op in (b"\x88", b"\x89"):
                s.append(op == b"\x88")
            elif op in (b"K", b"M", b"J"):
                n = {b"K": 1, b"M": 2, b"J": 4}[op]
                s.append(int.from_bytes(self.take(n), "little", signed=op == b"J"))
            elif op in (b"\x8a", b"\x8b"):
                s.append(int.from_bytes(self.take(self.uint(1 if op == b"\x8a" else 4)), "little", signed=True))
            elif op in (b"I", b"L"):
                text = self.line().rstrip(b"L")
                s.append(text == b"01" if text in (b"00", b"01") else int(text))
            elif op == b"F":
                s.append(float(self.line()))
            elif op == b"G":
                s.append(struct.unpack(">d", self.take(8))[0])
            elif op in (b"U", b"C", b"T", b"B", b"\x8e"):  # (short) binary strings and bytes
                n = self.uint({b"U": 1, b"C": 1, b"T": 4, b"B": 4, b"\x8e": 8}[op])
                s.append(bytes(self.take(n)))
            elif op == b"V":  # protocol 0 text
                s.append(self.line().decode("raw-unicode-escape"))
            elif op == b"S":  # protocol 0 bytes, written as a quoted Python 2 string
                quoted = self.line()
                if len(quoted) < 2 or quoted[:1] != quoted[-1:] or quoted[:1] not in (b"'", b'"'):
                    raise PickleDataError(Message("a quoted string is broken"))
                s.append(codecs.escape_decode(quoted[1:-1])[0])
            elif op in (b"X", b"\x8c", b"\x8d"):
                s.append(self.take(self.uint({b"X": 4, b"\x8c": 1, b"\x8d": 8}[op])).decode("utf-8"))
            elif op in (b"q", b"r", b"p", b"\x94"):
                key = (self.uint(1) if op == b"q" else self.uint(4) if op == b"r"
                       else int(self.line()) if op == b"p" else len(self.memo))
                self.memo[key] = s[-1]
            elif op in (b"h", b"j", b"g"):
                s.append(self.memo[self.uint(1) if op == b"h" else self.uint(4) if op == b"j" else int(self.line())])
            elif op in (b"a", b"e"):
                items = [s.pop()] if op == b"a" else self.pop_mark()
                if not isinstance(s[-1], list):
                    raise PickleDataError(Message("it appends to something that is not a list"))
                s[-1].extend(items)
            elif op in (b"s", b"u"):
                items = s[-2:] if op == b"s" else self.pop_mark()
                if op == b"s":
                    del s[-2:]
                if not isinstance(s[-1], dict):
                    raise PickleDataError(Message("it sets items of something that is not a dict"))
                s[-1].update(zip(items[0::2], items[1::2]))
            elif op in (b"t", b"l", b"d"):
                items = self.pop_mark()
                s.append(tuple(items) if op == b"t" else items if op == b"l" else dict(zip(items[0::2], items[1::2])))
            elif op in (b"\x85", b"\x86", b"\x87"):
                n = op[0] - 0x84
                items = tuple(s[-n:])
                del s[-n:]
                s.append(items)
            elif op in (b"c", b"\x93"):
                if op == b"c":
                    name = f"{self.line().decode('ascii')}.{self.line().decode('ascii')}"
                else:
                    qual = s.pop()
                    name = f"{s.pop()}.{qual}"
                name = name.replace("__builtin__.", "builtins.")
                if name not in _GLOBALS:
                    raise PickleDataError(Message("it asks to run {name}, which plain data never needs", name=name))
                s.append(_Global(name))
            elif op == b"R":
                args = s.pop()
                s.append(_reduce(s.pop(), args))
            elif op == b"b":
                state = s.pop()
                _build(s[-1], state)
            elif op == b"0":
                s.pop()
            elif op == b"2":
                s.append(s[-1])
            else:
                raise PickleDataError(Message("it uses pickle opcode {op!r}, which plain data does not need", op=op))
