"""`nnviz export` and its --verify from the command line: files, messages and exit codes."""

from __future__ import annotations

import pytest

from nnviz.cli import main
from nnviz.graph.document import GraphDocument
from nnviz.resources import resource_path
from tests.torch_util import require_torch

XOR = str(resource_path("examples", "xor.nnviz"))


def test_export_writes_the_folder_and_says_so(tmp_path, capsys):
    assert main(["export", XOR, "--to", "pytorch", "-o", str(tmp_path / "out")]) == 0
    out = capsys.readouterr().out
    assert "wrote model.py, weights.safetensors, train.py, README.md, data.npz" in out
    assert {p.name for p in (tmp_path / "out").iterdir()} == {
        "model.py", "weights.safetensors", "train.py", "README.md", "data.npz"}


@pytest.mark.torch
def test_export_verify_prints_the_largest_differences(tmp_path, capsys):
    require_torch()
    assert main(["export", XOR, "-o", str(tmp_path), "--verify", "--steps", "4"]) == 0
    out = capsys.readouterr().out
    assert "4 training steps" in out
    for row in ("initial weights", "outputs", "loss", "gradients", "parameters after update"):
        assert row in out
    assert "PASS: PyTorch reproduces the app's numbers." in out


def test_a_network_that_cannot_be_exported_names_the_layer(tmp_path, capsys):
    from nnviz.io import save

    doc = GraphDocument()
    inp = doc.add_node("input", params={"shape": (1, 4, 4)})
    dense = doc.add_node("dense", name="classifier", params={"units": 3})
    doc.connect(inp.id, dense.id)
    path = tmp_path / "broken.nnviz"
    save(doc, path)
    assert main(["export", str(path), "-o", str(tmp_path / "out")]) == 1
    err = capsys.readouterr().err
    assert err.startswith("error: The network cannot be exported until these are fixed")
    assert "Dense 'classifier'" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_a_missing_file_is_one_line(tmp_path, capsys):
    assert main(["export", str(tmp_path / "nope.nnviz"), "-o", str(tmp_path / "out")]) == 1
    assert capsys.readouterr().err.strip().count("\n") == 0


def test_usage_errors_exit_2(tmp_path, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["export", XOR, "--to", "tensorflow", "-o", str(tmp_path)])
    assert exit_.value.code == 2
    with pytest.raises(SystemExit) as exit_:
        main(["import-torch", "model.py:build", "-o", str(tmp_path / "x.nnviz"), "--input-shape", "3,a"])
    assert exit_.value.code == 2


def test_export_needs_no_torch_and_verify_says_how_to_get_it(tmp_path):
    """torch stays optional: exporting works without it; --verify explains what is missing."""
    import subprocess
    import sys

    script = (
        "import sys\n"
        "sys.modules['torch'] = None  # import torch now fails, as on a machine without it\n"
        "from nnviz.cli import main\n"
        f"code = main(['export', {XOR!r}, '-o', {str(tmp_path / 'a')!r}])\n"
        "assert code == 0, code\n"
        "assert 'torch' not in {m for m in sys.modules if sys.modules[m] is not None}\n"
        f"sys.exit(main(['export', {XOR!r}, '-o', {str(tmp_path / 'b')!r}, '--verify']))\n")
    done = subprocess.run([sys.executable, "-c", script], capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert "error: Verification needs PyTorch: pip install torch" in done.stderr
    assert (tmp_path / "a" / "model.py").is_file() and (tmp_path / "b" / "weights.safetensors").is_file()


def test_exported_files_are_readable_by_everyone(tmp_path, capsys):
    """Every file gets the permissions of any new file (0644 under umask 022), the weights too: safetensors'
    own writer made them 0600, unreadable to a colleague or a training job running as another user."""
    import os

    old = os.umask(0o022)
    try:
        assert main(["export", str(resource_path("examples", "xor.nnviz")), "-o", str(tmp_path / "out")]) == 0
    finally:
        os.umask(old)
    modes = {p.name: p.stat().st_mode & 0o777 for p in (tmp_path / "out").iterdir()}
    assert "weights.safetensors" in modes
    assert set(modes.values()) == {0o644}, modes
