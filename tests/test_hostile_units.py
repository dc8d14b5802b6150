"""Issue 19, in process: the memory budget, size checks before allocation, special files, unknown keys,
and the train command's --save and --json (the subprocess corpus is test_hostile_corpus.py)."""

from __future__ import annotations

import gzip
import json
import os
import tracemalloc
from pathlib import Path

import numpy as np
import pytest

from nnviz import cli
from nnviz.data import DataError, load_dataset
from nnviz.data.budget import BudgetError, fmt_bytes, memory_budget, parse_size, require
from nnviz.data.files import gunzip, read_file, regular_file
from nnviz.engine.footprint import footprint, require_fits
from nnviz.graph.settings import SettingsError, TrainingSettings
from nnviz.i18n import Message
from nnviz.io import save
from tests.helpers import chain, xor_mlp


def test_sizes_parse_and_print_in_binary_units():
    assert parse_size("8GB") == 8 * 2**30 and parse_size("512 mb") == 512 * 2**20 and parse_size("1e9") == 10**9
    assert parse_size("lots") is None
    assert fmt_bytes(80e9) == "74.5 GB" and fmt_bytes(1536) == "1.5 KB" and fmt_bytes(10**30) == "more than 1,000 TB"


def test_the_budget_comes_from_the_machine_unless_the_user_sets_it(monkeypatch):
    monkeypatch.delenv("NNVIZ_MEMORY_BUDGET", raising=False)
    machine, source = memory_budget()
    assert machine > 0 and "NNVIZ_MEMORY_BUDGET" in source
    monkeypatch.setenv("NNVIZ_MEMORY_BUDGET", "1MB")
    assert memory_budget() == (2**20, "set by NNVIZ_MEMORY_BUDGET")
    with pytest.raises(BudgetError, match=r"^x needs 2 MB, but nnviz may use about 1 MB here .*: do less\.$"):
        require(2 * 2**20, Message("x needs {size}"), "do less")
    require(2**20, Message("x needs {size}"), "do less")  # exactly the budget is allowed


def test_a_layer_too_big_is_named_before_any_weight_exists(monkeypatch):
    monkeypatch.setenv("NNVIZ_MEMORY_BUDGET", "4GB")
    doc = chain(("dense", {"units": 100_000}), ("dense", {"units": 2}), input_shape=(100_000,))
    tracemalloc.start()
    words = (r"Dense 'dense_1' would need 112 GB for its weights, but nnviz may use about 4 GB here "
             r"\(set by NNVIZ_MEMORY_BUDGET\): lower its units, or feed it a smaller input")
    with pytest.raises(BudgetError, match=words):
        require_fits(doc)
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert peak < 10 * 2**20
    assert footprint(doc).parameters == 100_000 * 100_001 + 200_002


def test_training_footprint_counts_optimiser_state_and_the_batch(monkeypatch):
    doc = xor_mlp(optimizer="adam", dtype="float32")
    adam = footprint(doc)
    sgd = footprint(doc, doc.training.with_(optimizer="sgd", momentum=0.0))
    params = 2 * 8 + 8 + 8 * 2 + 2
    assert adam.weights == params * 4 and adam.training - adam.activations == params * 4 * 4
    assert sgd.training - sgd.activations == params * 4 * 2
    monkeypatch.setenv("NNVIZ_MEMORY_BUDGET", "1KB")
    with pytest.raises(BudgetError, match="lower the batch size"):
        require_fits(doc, doc.training.with_(batch_size=1000))


def test_special_files_are_refused_without_blocking(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    with pytest.raises(DataError, match=r"is a pipe \(FIFO\), but the CSV file must be an ordinary file saved on disk"):
        load_dataset({"kind": "csv", "path": str(fifo)})
    with pytest.raises(DataError, match="is a device, but the IDX file must be"):
        read_file(Path("/dev/zero"), 10, "IDX file")
    with pytest.raises(DataError, match="does not exist"):
        regular_file(tmp_path / "absent")


def test_gzip_is_unpacked_only_up_to_its_limit(tmp_path):
    packed = gzip.compress(bytes(10_000_000))
    assert len(gunzip(tmp_path / "f", packed, 10_000_000)) == 10_000_000
    with pytest.raises(DataError, match="unpacks to more than"):
        gunzip(tmp_path / "f", packed, 1_000_000)


def test_misspelled_keys_name_the_nearest_known_one():
    with pytest.raises(DataError, match=r"generated data has no option 'val_split_': did you mean 'val_split'\?"):
        load_dataset({"kind": "generated", "name": "xor", "val_split_": 0.3})
    with pytest.raises(SettingsError, match=r"unknown training setting 'learning_rate'; known: "):
        TrainingSettings.from_dict({"learning_rate": 0.1})
    with pytest.raises(SettingsError, match=r"'batchsize': did you mean 'batch_size'\?"):
        TrainingSettings.from_dict({"batchsize": 4})


def test_train_save_checks_its_destination_before_training(tmp_path, capsys):
    src = tmp_path / "xor.nnviz"
    save(xor_mlp(), src)
    missing = tmp_path / "no-such-folder" / "out.nnviz"
    assert cli.main(["train", str(src), "--steps", "2", "--save", str(missing)]) == 1
    captured = capsys.readouterr()
    assert "the folder" in captured.err and "does not exist" in captured.err
    assert "after 2 steps" not in captured.out  # refused before a single step
    assert cli.main(["train", str(src), "--steps", "2", "--save", str(tmp_path)]) == 1
    assert "is a folder: give a file name" in capsys.readouterr().err
    assert cli.main(["train", str(src), "--steps", "2", "--save", str(tmp_path / "ok.nnviz")]) == 0
    assert (tmp_path / "ok.nnviz").is_file()


def test_seed_beyond_32_bits_is_a_usage_message(tmp_path, capsys):
    src = tmp_path / "xor.nnviz"
    save(xor_mlp(), src)
    with pytest.raises(SystemExit):
        cli.main(["train", str(src), "--steps", "1", "--seed", str(2**64)])
    assert "must be from 0 to 2147483647" in capsys.readouterr().err


def test_json_lines_are_strict_json_when_the_loss_diverges(tmp_path, capsys):
    doc = chain(("dense", {"units": 1}), data={"kind": "inline", "x": [[1e30, 1e30]], "y": [[1e30]]},
                loss="mse", optimizer="sgd", lr=1000.0, batch_size=1)
    save(doc, tmp_path / "boom.nnviz")
    assert cli.main(["train", str(tmp_path / "boom.nnviz"), "--steps", "2", "--json"]) == 1
    lines = capsys.readouterr().out.splitlines()
    final = json.loads(lines[-1], parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert final["final"] is True and final["train_loss"] is None


def test_export_of_an_empty_graph_says_so(tmp_path, capsys):
    from nnviz.graph import GraphDocument

    save(GraphDocument(), tmp_path / "empty.nnviz")
    assert cli.main(["export", str(tmp_path / "empty.nnviz"), "-o", str(tmp_path / "out")]) == 1
    assert "The network is empty: add an Input and at least one layer" in capsys.readouterr().err


def test_check_reports_every_data_mismatch(tmp_path, capsys):
    doc = chain(("dense", {"units": 2}), input_shape=(3,),
                data={"kind": "inline", "x": [[0, 0], [1, 1]], "y": [0, 1], "task": "classification"},
                loss="cross_entropy")
    save(doc, tmp_path / "wrong.nnviz")
    assert cli.main(["check", str(tmp_path / "wrong.nnviz")]) == 1
    assert "expects samples of shape (3,)" in capsys.readouterr().err


@pytest.mark.parametrize(("spec", "words"), [
    ({"x": [[0, 0]], "y": [-1]}, "class ids count from 0, but one is -1"),
    ({"x": [[0, 0]], "y": [0.5]}, "must be whole numbers, but one is 0.5"),
    ({"x": [[0, 0]], "y": [10**12]}, "class id 1e\\+12 is too large"),
    ({"x": [[0, 0]], "y": [1], "x_val": [[0, 0, 0]], "y_val": [1]}, "x_val has shape \\(3,\\)"),
])
def test_inline_class_ids_and_validation_shapes_are_checked(spec, words):
    with pytest.raises(DataError, match=words):
        load_dataset({"kind": "inline", "task": "classification", **spec})


def test_npz_validation_arrays_are_used_without_x_and_y_options(tmp_path):
    np.savez(tmp_path / "d.npz", x=np.ones((6, 2)), y=np.arange(6) % 2, xv=np.zeros((4, 2)), yv=np.arange(4) % 2)
    ds = load_dataset({"kind": "npz", "path": str(tmp_path / "d.npz"), "x_val": "xv", "y_val": "yv"})
    assert len(ds.x_train) == 6 and len(ds.x_val) == 4 and not ds.x_val.any()
