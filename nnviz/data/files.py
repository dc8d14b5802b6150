"""Reading a user's data file safely: only regular files (a device such as /dev/zero never ends, a FIFO or
a socket blocks for ever), their size checked before a byte is read, and compressed data unpacked with a
limit so a tiny archive cannot grow into gigabytes.
"""

from __future__ import annotations

import os
import stat
import zlib
from pathlib import Path

from nnviz.data.dataset import DataError
from nnviz.i18n import Message, mark, os_reason, translate

_KINDS = ((stat.S_ISDIR, mark("a folder")), (stat.S_ISFIFO, mark("a pipe (FIFO)")), (stat.S_ISSOCK, mark("a socket")),
          (stat.S_ISCHR, mark("a device")), (stat.S_ISBLK, mark("a device")))
GZIP_MAGIC = b"\x1f\x8b"


def regular_file(path: Path, what: str = mark("file")) -> int:
    """The size of the regular file at path; DataError when it is missing or is anything else (a folder, a
    device such as /dev/zero, a pipe or a socket), which nnviz never reads as data."""
    try:
        info = os.stat(path)
    except FileNotFoundError:
        raise DataError(Message("{path}: the file does not exist", path=path)) from None
    except OSError as exc:
        raise DataError(Message(
            "{path}: cannot read it ({reason})",
            path=path, reason=os_reason(exc))) from None
    if not stat.S_ISREG(info.st_mode):
        kind = next((name for test, name in _KINDS if test(info.st_mode)), mark("not a regular file"))
        raise DataError(Message(
            "{path} is {kind}, but the {what} must be an ordinary file saved on disk: choose one",
            path=path, kind=translate(kind), what=translate(what)))
    return info.st_size


def _too_big(path: Path, size: int, limit: int, how: str = mark("is")) -> DataError:
    return DataError(Message("{path} {how} {size:,.0f} MB; nnviz reads data files up to {limit:,} MB here: use a "
                             "part of it (the limit option) or a smaller file", path=path, how=translate(how),
                             size=size / 2**20, limit=limit // 2**20))


def read_file(path: Path, limit: int, what: str = mark("file")) -> bytes:
    """All bytes of a regular file of at most `limit` bytes (checked before reading, and while reading in case
    it grows)."""
    size = regular_file(path, what)
    if size > limit:
        raise _too_big(path, size, limit)
    try:
        with open(path, "rb") as handle:
            raw = handle.read(limit + 1)
    except OSError as exc:
        raise DataError(Message(
            "{path}: cannot read it ({reason})",
            path=path, reason=os_reason(exc))) from None
    if len(raw) > limit:
        raise _too_big(path, len(raw), limit)
    return raw


def gunzip(path: Path, raw: bytes, limit: int) -> bytes:
    """raw unpacked when it starts with the gzip magic (else raw), stopping as soon as it passes `limit`."""
    if raw[:2] != GZIP_MAGIC:
        return raw
    unpacker = zlib.decompressobj(31)  # 31: the gzip container
    parts: list[bytes] = []
    total = 0
    data = raw
    try:
        while True:
            chunk = unpacker.decompress(data, 1 << 20)
            total += len(chunk)
            if total > limit:
                raise _too_big(path, total, limit, mark("unpacks to more than"))
            parts.append(chunk)
            data = unpacker.unconsumed_tail
            if unpacker.eof:
                if not unpacker.unused_data:
                    break
                data, unpacker = unpacker.unused_data, zlib.decompressobj(31)  # a multi-member gzip file
            elif not data and not chunk:
                raise DataError(Message("{path}: the gzip data is truncated", path=path))
    except zlib.error as exc:
        raise DataError(Message("{path}: the gzip data is broken or truncated ({problem})",
                                path=path, problem=exc)) from None
    return b"".join(parts)


def head(path: Path, raw: bytes, n: int) -> bytes:
    """The first n bytes of the data (fewer when it is shorter), unpacked first when gzipped, without
    unpacking the rest."""
    if raw[:2] != GZIP_MAGIC:
        return raw[:n]
    unpacker = zlib.decompressobj(31)
    try:
        first = unpacker.decompress(raw, n)
    except zlib.error as exc:
        raise DataError(Message("{path}: the gzip data is broken or truncated ({problem})",
                                path=path, problem=exc)) from None
    if len(first) < n and not unpacker.eof:
        raise DataError(Message("{path}: the gzip data is broken or truncated", path=path))
    return first
