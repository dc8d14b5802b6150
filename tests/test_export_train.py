"""The exported train.py runs, reproduces the app's epochs in one process, and runs under torchrun."""

from __future__ import annotations

import os
import re
import shutil
import signal
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from nnviz.export import export_pytorch
from nnviz.resources import resource_path
from tests.test_export_cases import CASES
from tests.torch_util import require_torch

EPOCH_LINE = re.compile(r"epoch +(\d+)/\d+ +loss ([\d.]+)(?: +accuracy ([\d.]+)%)?(?: +val_loss ([\d.]+))?")


def _run(args: list[str], cwd: Path, timeout: int = 180) -> subprocess.CompletedProcess:
    """Run in a process group of its own, so a hung torchrun takes its workers with it on timeout."""
    env = {**os.environ, "OMP_NUM_THREADS": "1"}
    proc = subprocess.Popen(args, cwd=cwd, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                            start_new_session=True)
    try:
        out, err = proc.communicate(timeout=timeout)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.communicate()
        raise
    return subprocess.CompletedProcess(args, proc.returncode, out, err)


def _epochs(stdout: str) -> list[tuple[int, float, float | None, float | None]]:
    rows = []
    for line in stdout.splitlines():
        m = EPOCH_LINE.search(line)
        if m:
            rows.append((int(m[1]), float(m[2]), float(m[3]) if m[3] else None, float(m[4]) if m[4] else None))
    return rows


@pytest.fixture(scope="module")
def xor_export(tmp_path_factory):
    from nnviz.io import load

    doc = load(resource_path("examples", "xor.nnviz"))
    out = tmp_path_factory.mktemp("xor")
    export_pytorch(doc, out, source_name="xor.nnviz")
    return doc, out


@pytest.mark.torch
def test_train_py_prints_the_apps_epoch_metrics_and_saves_its_weights(xor_export, tmp_path):
    require_torch()
    from safetensors.numpy import load_file

    from nnviz.engine.session import Session

    doc, out = xor_export
    work = tmp_path / "run"
    shutil.copytree(out, work)
    done = _run([sys.executable, "train.py", "--epochs", "2", "--device", "cpu"], work)
    assert done.returncode == 0, done.stderr
    printed = _epochs(done.stdout)
    assert [row[0] for row in printed] == [1, 2]

    session = Session(doc)
    for epoch, loss, accuracy, val_loss in printed:
        row = session.step_epoch()
        assert row.epoch == epoch
        assert loss == pytest.approx(row.train_loss, abs=1e-6)
        assert accuracy == pytest.approx(100 * row.train_accuracy, abs=0.05)
        assert val_loss == pytest.approx(row.val_loss, abs=1e-6)

    trained = load_file(str(work / "trained.safetensors"))
    engine = session.weights()
    hidden = doc.node_by_name("hidden").id
    assert np.allclose(trained["hidden.weight"], engine[hidden]["weight"], rtol=1e-5, atol=1e-6)


@pytest.mark.torch
def test_lr_option_overrides_the_setting(xor_export, tmp_path):
    require_torch()
    from safetensors.numpy import load_file

    _, out = xor_export
    work = tmp_path / "run"
    shutil.copytree(out, work)
    done = _run([sys.executable, "train.py", "--epochs", "1", "--lr", "0", "--save", "same.safetensors"], work)
    assert done.returncode == 0, done.stderr
    before, after = load_file(str(work / "weights.safetensors")), load_file(str(work / "same.safetensors"))
    assert before.keys() == after.keys()
    assert all(np.array_equal(before[k], after[k]) for k in before)


@pytest.mark.torch
def test_train_py_without_data_says_what_is_missing(xor_export, tmp_path):
    require_torch()
    _, out = xor_export
    work = tmp_path / "run"
    shutil.copytree(out, work)
    (work / "data.npz").unlink()
    done = _run([sys.executable, "train.py", "--epochs", "1"], work)
    assert done.returncode != 0
    assert "data.npz is missing" in done.stderr


@pytest.mark.torch
def test_train_py_runs_under_torchrun(xor_export, tmp_path):
    require_torch()
    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    _, out = xor_export
    work = tmp_path / "run"
    shutil.copytree(out, work)
    done = _run([torchrun, "--standalone", "--nproc_per_node=1", "train.py", "--epochs", "1"], work)
    assert done.returncode == 0, done.stderr
    assert len(_epochs(done.stdout)) == 1
    assert (work / "trained.safetensors").is_file()


@pytest.mark.torch
@pytest.mark.slow
def test_train_py_trains_data_parallel_with_two_processes(xor_export, tmp_path):
    """The DistributedDataParallel path: two CPU processes (gloo), gradients averaged across them."""
    require_torch()
    from safetensors.numpy import load_file

    torchrun = shutil.which("torchrun") or str(Path(sys.executable).with_name("torchrun"))
    _, out = xor_export
    work = tmp_path / "run"
    shutil.copytree(out, work)
    done = _run([torchrun, "--standalone", "--nproc_per_node=2", "train.py", "--epochs", "2"], work)
    assert done.returncode == 0, done.stderr
    assert "(2 processes)" in done.stdout
    rows = _epochs(done.stdout)
    assert [r[0] for r in rows] == [1, 2]  # printed once (rank 0), not once per process
    trained, start = load_file(str(work / "trained.safetensors")), load_file(str(work / "weights.safetensors"))
    assert not np.array_equal(trained["hidden.weight"], start["hidden.weight"])


@pytest.mark.torch
@pytest.mark.parametrize("name", ["batchnorm", "dropout", "loss_mse"])
def test_train_py_runs_for_other_losses_and_layers(name, tmp_path):
    require_torch()
    doc, dataset = CASES[name]()
    export_pytorch(doc, tmp_path, dataset=dataset)
    done = _run([sys.executable, "train.py", "--epochs", "2"], tmp_path)
    assert done.returncode == 0, done.stderr
    rows = _epochs(done.stdout)
    assert len(rows) == 2 and all(np.isfinite(r[1]) for r in rows)
    has_accuracy = doc.training.loss not in ("mse", "l1")
    assert (rows[0][2] is not None) == has_accuracy
