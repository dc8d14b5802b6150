"""Files on disk: atomic replacement, the large-array sidecar's name, and cleaning up after a crash.

A save writes each file to a temporary `.<name>.<random>.tmp` in the same folder, fsyncs it and renames
it over the target, so a crash at any moment leaves the old or the new file, never half of one. While
writing, the saver holds an exclusive lock (flock) on each file it is making and keeps it until the
.nnviz file itself is in place: a temporary file or a sidecar nobody holds a lock on is left over from
a save that was killed, and the next save or open of that file deletes it (clean_leftovers). A save in
progress in another process holds its locks and is left alone.
"""

from __future__ import annotations

import contextlib
import os
import re
import secrets
from collections.abc import Iterator
from pathlib import Path
from typing import BinaryIO

from nnviz.i18n import Message, os_reason
from nnviz.io.errors import NnvizFileError

try:  # POSIX; elsewhere an open file cannot be deleted anyway, which protects a save in progress
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

SIDECAR_SUFFIX = ".safetensors"


def temp_name(target: Path) -> Path:
    return target.parent / f".{target.name}.{secrets.token_hex(6)}.tmp"


def sidecar_name(target: Path) -> str:
    """A fresh sidecar name for the .nnviz file `target`: `<name>.<8 hex>.safetensors` beside it. A new
    name each save, so the old file keeps its own sidecar until the new file has replaced it."""
    return f"{target.name}.{secrets.token_hex(4)}{SIDECAR_SUFFIX}"


def real_target(path: str | os.PathLike[str]) -> Path:
    """The file a save replaces: through a symlink, the file it points at."""
    return Path(os.path.realpath(path))


class AtomicWriter:
    """Writes files that appear complete or not at all; their locks are held until close()."""

    def __init__(self, display: str) -> None:
        self.display = display  # the path as the user gave it, for messages
        self._held: list[tuple[int, str]] = []  # (locked descriptor, its current path)

    def __enter__(self) -> AtomicWriter:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def write(self, target: Path, chunks: Iterator[bytes | memoryview]) -> None:
        """Replace `target` with the concatenated chunks (keeping the old file's permissions)."""
        try:
            mode: int | None = target.stat().st_mode & 0o777
        except FileNotFoundError:
            mode = None
        except OSError as exc:
            raise self._error(exc) from None
        tmp = temp_name(target)
        try:
            # 0o666 minus the umask, as for any new file; O_EXCL so we never write into someone else's file.
            fd = os.open(tmp, os.O_RDWR | os.O_CREAT | os.O_EXCL | getattr(os, "O_BINARY", 0), 0o666)
        except OSError as exc:
            raise self._error(exc) from None
        self._held.append((fd, str(tmp)))
        _lock(fd)
        try:
            handle: BinaryIO = os.fdopen(os.dup(fd), "wb")
            with handle:
                handle.writelines(chunks)
                handle.flush()
                os.fsync(handle.fileno())
            if mode is not None:
                os.chmod(tmp, mode)  # keep the permissions the old file had
            os.replace(tmp, target)
            self._held[-1] = (fd, str(target))
        except BaseException as exc:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            if isinstance(exc, OSError):
                raise self._error(exc) from None
            raise
        _sync_folder(target.parent)

    def close(self) -> None:
        for fd, _ in self._held:
            with contextlib.suppress(OSError):
                os.close(fd)  # releases the lock
        self._held.clear()

    def _error(self, exc: OSError) -> NnvizFileError:
        return NnvizFileError(Message("cannot save: {reason}", reason=os_reason(exc)), path=self.display)


def clean_leftovers(path: str | os.PathLike[str], keep: str | None = None) -> list[Path]:
    """Delete what killed saves of the .nnviz file at `path` left behind: its temporary files, and its
    sidecars other than `keep` (the one the file now names). Files a running save holds are kept.
    Returns what was deleted; a folder that cannot be listed or written is left as it is."""
    target = real_target(path)
    pattern = re.compile(rf"(\.{re.escape(target.name)}\.[0-9a-f]+\.tmp|{re.escape(target.name)}\.[0-9a-f]+"
                         rf"{re.escape(SIDECAR_SUFFIX)})")
    removed = []
    try:
        names = os.listdir(target.parent)
    except OSError:
        return removed
    for name in names:
        if name == keep or not pattern.fullmatch(name):
            continue
        candidate = target.parent / name
        if _unlink_if_abandoned(candidate):
            removed.append(candidate)
    return removed


def remove_with_sidecars(path: str | os.PathLike[str]) -> None:
    """Delete a .nnviz file and every sidecar or temporary file of it (an autosave nobody needs)."""
    Path(path).unlink(missing_ok=True)
    clean_leftovers(path)


def _unlink_if_abandoned(path: Path) -> bool:
    try:
        fd = os.open(path, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return False
    try:
        if fcntl is not None:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except OSError:
                return False  # a save in progress holds it
        os.unlink(path)
        return True
    except OSError:
        return False
    finally:
        os.close(fd)


def _lock(fd: int) -> None:
    if fcntl is not None:
        with contextlib.suppress(OSError):  # a file system without locks: the save itself still works
            fcntl.flock(fd, fcntl.LOCK_EX)


def _sync_folder(folder: Path) -> None:
    # The rename itself lives in the folder's entry; fsync it so it survives a power cut (POSIX only).
    if os.name != "posix":
        return
    with contextlib.suppress(OSError):
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)
