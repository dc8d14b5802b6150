"""Saving is atomic: whatever fails mid-save, the old file is intact and no temporary file is left."""

from __future__ import annotations

import os
import stat
from pathlib import Path

import numpy as np
import pytest

from nnviz import io as nio
from nnviz.io import jsontext, writer
from nnviz.io.examples import seed_single_neuron, xor


@pytest.fixture
def saved(tmp_path):
    path = tmp_path / "net.nnviz"
    nio.save(seed_single_neuron(), path)
    return path


def changed():
    doc = xor()
    doc.rename("n2", "renamed")
    return doc


def leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".tmp"))


def test_serialiser_failing_halfway_leaves_the_old_file(saved, monkeypatch):
    before = saved.read_bytes()
    calls = []
    real = jsontext._scalar

    def flaky(value):
        calls.append(value)
        if len(calls) > 40:  # well into the nodes: half a file has been produced
            raise RuntimeError("simulated crash while serialising")
        return real(value)

    monkeypatch.setattr(jsontext, "_scalar", flaky)
    with pytest.raises(RuntimeError, match="simulated"):
        nio.save(changed(), saved)
    assert len(calls) > 40
    assert saved.read_bytes() == before
    assert leftovers(saved.parent) == []


def test_crash_before_the_rename_leaves_the_old_file_and_no_temp(saved, monkeypatch):
    before = saved.read_bytes()
    seen = []

    def crash(src, dst):
        seen.append(Path(src).read_bytes())  # the complete new file was written and is waiting
        raise KeyboardInterrupt  # e.g. the user kills the app right here

    monkeypatch.setattr(os, "replace", crash)
    with pytest.raises(KeyboardInterrupt):
        nio.save(changed(), saved)
    assert saved.read_bytes() == before
    assert seen and nio.loads(seen[0]).nodes["n2"].name == "renamed"
    assert leftovers(saved.parent) == []


def test_write_failing_midway_leaves_the_old_file(saved, monkeypatch):
    before = saved.read_bytes()

    def full_disk(fd):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(nio.NnvizFileError, match="No space left on device"):
        nio.save(changed(), saved)
    assert saved.read_bytes() == before
    assert leftovers(saved.parent) == []


def test_unserialisable_state_fails_before_any_file_is_touched(saved):
    before = saved.read_bytes()
    with pytest.raises(nio.NnvizFileError):
        nio.save(changed(), saved, state={"bad": {1, 2}})
    assert saved.read_bytes() == before
    assert leftovers(saved.parent) == []


def test_a_successful_save_replaces_the_file_and_syncs(saved, monkeypatch):
    synced = []
    real = os.fsync
    monkeypatch.setattr(os, "fsync", lambda fd: synced.append(fd) or real(fd))
    nio.save(changed(), saved)
    assert nio.load(saved).nodes["n2"].name == "renamed"
    assert len(synced) >= 1  # the data reached the disk before the rename
    assert leftovers(saved.parent) == []


@pytest.mark.skipif(os.name != "posix", reason="POSIX permissions")
def test_permissions_of_the_old_file_are_kept(saved):
    os.chmod(saved, 0o640)
    nio.save(changed(), saved)
    assert stat.S_IMODE(saved.stat().st_mode) == 0o640


@pytest.mark.skipif(os.name != "posix", reason="POSIX symlinks")
def test_saving_through_a_symlink_replaces_the_target(tmp_path, saved):
    link = tmp_path / "link.nnviz"
    link.symlink_to(saved)
    nio.save(changed(), link)
    assert link.is_symlink()
    assert nio.load(saved).nodes["n2"].name == "renamed"


def test_saving_into_a_missing_folder_is_a_file_error(tmp_path):
    with pytest.raises(nio.NnvizFileError, match="cannot save"):
        nio.save(xor(), tmp_path / "no" / "such" / "net.nnviz")


def test_non_finite_data_values_are_refused_with_their_place(tmp_path):
    doc = xor()
    doc.set_data({"kind": "inline", "x": [[1.0, float("inf")]], "y": [0]})
    with pytest.raises(nio.NnvizFileError) as info:
        nio.save(doc, tmp_path / "x.nnviz")
    assert info.value.where == "data.x[0][1]"
    assert not (tmp_path / "x.nnviz").exists()


def test_numpy_values_in_data_and_meta_are_written_as_plain_json(tmp_path):
    doc = xor()
    doc.set_data({"kind": "inline", "x": np.array([[0.5, 1.5]]), "y": np.array([1]), "task": "classification"})
    doc.meta = {"count": np.int64(3)}
    path = tmp_path / "np.nnviz"
    nio.save(doc, path)
    back = nio.load(path)
    assert back.data["x"] == [[0.5, 1.5]] and back.data["y"] == [1]
    assert back.meta["count"] == 3


def test_write_atomic_is_usable_for_other_files(tmp_path):
    path = tmp_path / "plain.txt"
    writer.write_atomic(path, b"one")
    writer.write_atomic(path, b"two")
    assert path.read_bytes() == b"two"


def test_non_finite_weights_are_refused_at_save_so_no_unopenable_file_is_written(tmp_path):
    doc = seed_single_neuron()
    doc.nodes["n2"].weights["weight"] = np.array([[np.nan, 1.0]])  # as a diverged session might leave it
    with pytest.raises(nio.NnvizFileError) as info:
        nio.save(doc, tmp_path / "nan.nnviz")
    assert info.value.where == "nodes[1].weights.weight" and "NaN" in info.value.message
    assert not (tmp_path / "nan.nnviz").exists()
