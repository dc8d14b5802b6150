"""Data sets loaded once per spec and file time, shared by everything that asks for them.

    dataset = cached_dataset(doc.data, base_dir=folder)   # loads on the first call only

A graph edit rebuilds the training session; the data set it trains on does not change, so it comes
from here instead of being read and parsed again. The key is the spec itself (canonical JSON), the
folder relative paths resolve against, and the modification time and size of every file or folder
the spec names: editing a CSV on disk loads it again, nothing else does. The cache keeps the most
recently used data sets up to MAX_ENTRIES and MAX_BYTES; their arrays are read-only, because every
user shares the same ones (a session converts them to its own dtype, a copy).

Loading can run on another thread (the window's loader does): the cache is locked, and two threads
asking for the same data set at once load it once, the second waiting for the first.
"""

from __future__ import annotations

import json
import os
import threading
from collections import OrderedDict
from dataclasses import fields
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.dataset import Dataset, ImageDecoder, load_dataset

MAX_ENTRIES = 4
MAX_BYTES = 2 * 2**30
LONG_LIST = 1000

_lock = threading.Lock()
_entries: OrderedDict[str, Dataset] = OrderedDict()
_pinned: dict[str, list[Any]] = {}  # the long lists a key names by identity, kept alive with it
_loading: dict[str, threading.Event] = {}
loads = 0  # data sets actually loaded (not served from the cache): tests and benchmarks read it


def cache_key(spec: dict[str, Any], base_dir: str | Path | None = None) -> str:
    """What identifies a loaded data set: the spec, the folder, and the files it names as they are now.

    Long lists (data written inline, millions of numbers) stand for themselves by identity: the
    document keeps the same list objects across graph edits, and serialising them for every key would
    cost seconds. The entry keeps them alive, so an identity is never reused while it is a key."""
    base = Path(base_dir) if base_dir is not None else None
    files = []
    for text in _strings(spec):
        path = Path(text).expanduser()
        if not path.is_absolute():
            if base is None:
                continue
            path = base / path
        try:
            info = os.stat(path)
        except (OSError, ValueError):
            continue
        files.append([str(path), info.st_mtime_ns, info.st_size])
    return json.dumps([_canonical(spec), str(base) if base else None, files], sort_keys=True, default=repr)


def is_cached(spec: dict[str, Any], base_dir: str | Path | None = None) -> bool:
    """True when cached_dataset would answer at once (no file to read)."""
    try:
        key = cache_key(spec, base_dir)
    except (TypeError, ValueError):
        return False
    with _lock:
        return key in _entries


def cached_dataset(spec: dict[str, Any], base_dir: str | Path | None = None,
                   decode: ImageDecoder | None = None) -> Dataset:
    """The data set `spec` describes (see load_dataset), loaded once per spec and file time."""
    global loads
    try:
        key = cache_key(spec, base_dir)
    except (TypeError, ValueError):  # a spec JSON cannot hold: load_dataset says what is wrong with it
        return load_dataset(spec, base_dir=base_dir, decode=decode)
    while True:
        with _lock:
            if key in _entries:
                _entries.move_to_end(key)
                return _entries[key]
            waiting = _loading.get(key)
            if waiting is None:
                _loading[key] = threading.Event()
                break
        waiting.wait()  # another thread is loading it: then it is cached (or failed: try ourselves)
    try:
        dataset = load_dataset(spec, base_dir=base_dir, decode=decode)
        _freeze(dataset)
        with _lock:
            loads += 1
            _entries[key] = dataset
            _pinned[key] = _long_lists(spec)
            _evict()
        return dataset
    finally:
        with _lock:
            _loading.pop(key).set()


def clear() -> None:
    with _lock:
        _entries.clear()
        _pinned.clear()


def _evict() -> None:
    total = sum(_bytes(d) for d in _entries.values())
    while len(_entries) > MAX_ENTRIES or (total > MAX_BYTES and len(_entries) > 1):
        key, dropped = _entries.popitem(last=False)
        _pinned.pop(key, None)
        total -= _bytes(dropped)


def _bytes(dataset: Dataset) -> int:
    return sum(v.nbytes for f in fields(dataset) if isinstance(v := getattr(dataset, f.name), np.ndarray))


def _freeze(dataset: Dataset) -> None:
    for f in fields(dataset):
        value = getattr(dataset, f.name)
        if isinstance(value, np.ndarray):
            value.flags.writeable = False


def _canonical(value: Any) -> Any:
    if isinstance(value, dict):
        return {str(k): _canonical(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        if len(value) > LONG_LIST:
            return {"$list": id(value), "len": len(value)}
        return [_canonical(v) for v in value]
    if isinstance(value, np.ndarray):
        return {"$array": id(value), "shape": list(value.shape)}
    return value


def _long_lists(value: Any) -> list[Any]:
    if isinstance(value, dict):
        return [x for v in value.values() for x in _long_lists(v)]
    if isinstance(value, (list, tuple)):
        return [value] if len(value) > LONG_LIST else [x for v in value for x in _long_lists(v)]
    return [value] if isinstance(value, np.ndarray) else []


def _strings(value: Any) -> list[str]:
    if isinstance(value, str):
        return [value] if value and len(value) < 4096 else []
    if isinstance(value, dict):
        return [s for v in value.values() for s in _strings(v)]
    if isinstance(value, (list, tuple)):
        return [s for v in value for s in _strings(v)] if len(value) <= LONG_LIST else []
    return []
