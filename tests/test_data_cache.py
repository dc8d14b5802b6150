"""Data sets are loaded once per spec and file time, shared read-only, and safe to ask for from threads."""

from __future__ import annotations

import os
import threading
import time

import numpy as np
import pytest

from nnviz.data import cache
from nnviz.data.dataset import DataError
from nnviz.engine.session import Session
from tests.helpers import xor_mlp


@pytest.fixture(autouse=True)
def empty_cache():
    cache.clear()
    yield
    cache.clear()


def _csv(path, rows):
    path.write_text("a,b,label\n" + "".join(f"{i * 0.1},{i % 3},{i % 2}\n" for i in range(rows)), "utf-8")


def test_the_same_spec_is_loaded_once_and_shared_read_only(tmp_path):
    spec = {"kind": "generated", "name": "xor", "n": 200, "noise": 0.05, "seed": 1}
    before = cache.loads
    first = cache.cached_dataset(spec)
    assert cache.cached_dataset(dict(spec)) is first and cache.loads == before + 1
    with pytest.raises(ValueError):
        first.x_train[0, 0] = 5.0  # shared by every session and panel: nobody may write into it
    assert cache.cached_dataset({**spec, "seed": 2}) is not first and cache.loads == before + 2


def test_a_file_changed_on_disk_is_loaded_again(tmp_path):
    path = tmp_path / "d.csv"
    _csv(path, 20)
    spec = {"kind": "csv", "path": "d.csv", "target": "label"}
    first = cache.cached_dataset(spec, base_dir=tmp_path)
    assert cache.is_cached(spec, tmp_path)
    _csv(path, 30)
    os.utime(path, ns=(time.time_ns(), time.time_ns() + 10**9))  # a later modification time
    assert not cache.is_cached(spec, tmp_path)
    second = cache.cached_dataset(spec, base_dir=tmp_path)
    assert len(second.x_train) + len(second.x_val) == 30 and second is not first


def test_graph_edits_build_sessions_without_loading_the_data_again():
    doc = xor_mlp()
    Session(doc)
    before = cache.loads
    for units in (4, 5, 6):
        doc.set_param(list(doc.nodes)[1], "units", units)
        Session(doc)
    doc.rename(list(doc.nodes)[1], "hidden")
    Session(doc)
    assert cache.loads == before


def test_inline_data_is_keyed_by_its_lists_without_serialising_them():
    x = [[0.1 * i, 1.0] for i in range(5000)]
    spec = {"kind": "inline", "task": "classification", "x": x, "y": [i % 2 for i in range(5000)]}
    key = cache.cache_key(spec)
    assert len(key) < 500  # the 5,000 rows stand for themselves by identity
    first = cache.cached_dataset(spec)
    assert cache.cached_dataset(spec) is first
    assert cache.cached_dataset({**spec, "x": [list(r) for r in x]}) is not first  # new lists: a new load


def test_errors_are_not_cached_and_threads_load_a_data_set_once(monkeypatch):
    with pytest.raises(DataError):
        cache.cached_dataset({"kind": "no such kind"})
    calls = []
    real = cache.load_dataset

    def slow(spec, base_dir=None, decode=None):
        calls.append(1)
        time.sleep(0.2)
        return real(spec, base_dir=base_dir, decode=decode)

    monkeypatch.setattr(cache, "load_dataset", slow)
    spec = {"kind": "generated", "name": "circles", "n": 100}
    results = []
    threads = [threading.Thread(target=lambda: results.append(cache.cached_dataset(spec))) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and all(r is results[0] for r in results)


def test_the_cache_keeps_a_bounded_number_of_data_sets(monkeypatch):
    monkeypatch.setattr(cache, "MAX_ENTRIES", 2)
    sets = [cache.cached_dataset({"kind": "generated", "name": "xor", "n": 50, "seed": s}) for s in range(3)]
    assert not cache.is_cached({"kind": "generated", "name": "xor", "n": 50, "seed": 0})
    assert cache.cached_dataset({"kind": "generated", "name": "xor", "n": 50, "seed": 2}) is sets[2]
    assert np.asarray(sets[0].x_train).size  # evicted sets stay usable by whoever holds them
