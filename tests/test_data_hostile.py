"""Property-based: whatever bytes a user's file holds, a loader either loads it or raises DataError."""

from __future__ import annotations

import gzip
import io
import tempfile
from pathlib import Path

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nnviz.data import DataError, Dataset, load_dataset


def _valid_files() -> dict[str, bytes]:
    buf = io.BytesIO()
    np.savez(buf, x=np.arange(12.0).reshape(6, 2), y=np.arange(6) % 2)
    idx_images = bytes([0, 0, 8, 3, 0, 0, 0, 3, 0, 0, 0, 2, 0, 0, 0, 2]) + bytes(range(12))
    return {
        "csv": b"a,b,label\n1,2,x\n3,4,y\n5,6,x\n7,8,y\n",
        "npz": buf.getvalue(),
        "idx": idx_images,
        "idx.gz": gzip.compress(idx_images),
        "cifar": bytes([3]) + bytes(3072) + bytes([7]) + bytes(range(256)) * 12,
    }


VALID = _valid_files()
LABELS = bytes([0, 0, 8, 1, 0, 0, 0, 3, 0, 1, 2])


def _expect_loaded_or_data_error(kind: str, data: bytes) -> Dataset | None:
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "file"
        path.write_bytes(data)
        (Path(tmp) / "labels").write_bytes(LABELS)
        spec = {
            "csv": {"kind": "csv", "path": str(path)},
            "npz": {"kind": "npz", "path": str(path)},
            "idx": {"kind": "mnist", "images": str(path), "labels": str(Path(tmp) / "labels")},
            "idx.gz": {"kind": "mnist", "images": str(path), "labels": str(Path(tmp) / "labels")},
            "cifar": {"kind": "cifar10", "files": [str(path)]},
        }[kind]
        try:
            ds = load_dataset({**spec, "val_split": 0.0})
        except DataError as exc:
            assert str(exc) and "could not be loaded" not in str(exc)  # a message of its own, not the net's
            return None
    assert np.all(np.isfinite(ds.x_train))
    assert len(ds.x_train) == len(ds.y_train)
    return ds


def _mutate(data: bytes, edits: list[tuple[int, int]], cut: int | None) -> bytes:
    buf = bytearray(data)
    for pos, value in edits:
        if buf:
            buf[pos % len(buf)] = value
    if cut is not None:
        buf = buf[: cut % (len(buf) + 1)]
    return bytes(buf)


KINDS = st.sampled_from(sorted(VALID))
EDITS = st.lists(st.tuples(st.integers(0, 10_000), st.integers(0, 255)), max_size=6)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(kind=KINDS, edits=EDITS, cut=st.none() | st.integers(0, 10_000))
def test_corrupted_files_load_or_raise_data_error(kind, edits, cut):
    _expect_loaded_or_data_error(kind, _mutate(VALID[kind], edits, cut))


@settings(max_examples=80, deadline=None)
@given(kind=KINDS, data=st.binary(max_size=400))
def test_random_bytes_load_or_raise_data_error(kind, data):
    _expect_loaded_or_data_error(kind, data)


@settings(max_examples=80, deadline=None)
@given(text=st.text(alphabet=st.sampled_from(list("0123456789.,;\t|\"'\n -eabc名")), max_size=200))
def test_random_csv_text_loads_or_raises_data_error(text):
    _expect_loaded_or_data_error("csv", text.encode("utf-8"))


def test_the_unmutated_files_load():
    for kind in VALID:
        assert _expect_loaded_or_data_error(kind, VALID[kind]) is not None, kind


MY_KINDS = ["generated", "inline", "digits", "shapes", "csv", "npz", "mnist", "fashion_mnist", "cifar10",
            "image_folder"]


SPEC_KEYS = ["name", "n", "noise", "seed", "val_split", "path", "flat", "size", "target", "features", "limit",
             "cells"]
SPEC_VALUES = (st.none() | st.booleans() | st.integers(-5, 300) | st.floats(allow_nan=True) | st.text(max_size=8)
               | st.lists(st.integers(-2, 40), max_size=3)
               | st.sampled_from(["xor", "spirals", "sine", "nowhere.csv", "."]))


@settings(max_examples=150, deadline=None)
@given(kind=st.sampled_from(MY_KINDS), spec=st.dictionaries(st.sampled_from(SPEC_KEYS), SPEC_VALUES))
def test_arbitrary_specs_never_crash(kind, spec):
    try:
        load_dataset({"kind": kind, **spec})
    except DataError as exc:
        assert str(exc) and "could not be loaded" not in str(exc)
