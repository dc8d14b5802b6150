"""Large arrays in a sidecar: compact (their own dtype), every file the writer accepts reopens, and what a
killed save leaves behind is deleted by the next save or open of that file."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap

import numpy as np
import pytest
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from nnviz import io as nio
from nnviz.engine.session import Session
from nnviz.engine.training_state import restore_training, training_state
from nnviz.io import files, jsontext, sidecar, writer
from nnviz.io.examples import xor
from tests.helpers import xor_mlp


def _big_state(n: int) -> dict:
    rng = np.random.default_rng(0)
    return {"weights": {"n2": {"weight": rng.normal(size=(n, 1024)).astype(np.float32)}},
            "exp_avg": rng.normal(size=(n, 1024)), "step": 3, "small": np.arange(4, dtype=np.int16)}


def _leftovers(folder):
    return sorted(p.name for p in folder.iterdir() if p.name.endswith((".tmp", ".safetensors")))


def test_a_large_state_goes_to_a_sidecar_in_its_own_dtype_and_reads_back_exactly(tmp_path):
    state = _big_state(3000)  # 12 MB of float32 and 24 MB of float64: past the inline budget
    path = tmp_path / "big.nnviz"
    nio.save(xor(), path, state=state)
    text = path.read_text("utf-8")
    assert len(text) < 100_000 and '"version": 2' in text and '"sidecar": "state.exp_avg"' in text
    (car,) = [p for p in tmp_path.iterdir() if p.suffix == ".safetensors"]
    assert car.name.startswith("big.nnviz.") and f'"file": "{car.name}"' in text
    raw = state["weights"]["n2"]["weight"].nbytes + state["exp_avg"].nbytes
    assert raw <= car.stat().st_size < raw + 4096  # raw bytes in their dtype, not float64 text
    back = nio.load_state(path)
    assert back["weights"]["n2"]["weight"].dtype == np.float32
    assert np.array_equal(back["weights"]["n2"]["weight"], state["weights"]["n2"]["weight"])
    assert np.array_equal(back["exp_avg"], state["exp_avg"]) and back["step"] == 3
    assert back["small"].tolist() == [0, 1, 2, 3]  # small arrays stay readable in the JSON
    assert nio.load(path).nodes  # load() checks the state's references without reading them
    # Saved again: a new sidecar, the old one deleted once the file names the new one.
    nio.save(xor(), path, state=state)
    assert len([p for p in tmp_path.iterdir() if p.suffix == ".safetensors"]) == 1
    nio.save(xor(), path)  # no state any more: no sidecar, a plain version-1 file
    assert _leftovers(tmp_path) == [] and '"version": 1' in path.read_text("utf-8")


def test_a_trained_session_through_a_sidecar_continues_bit_for_bit(tmp_path, monkeypatch):
    monkeypatch.setattr(writer, "INLINE_ARRAY_BYTES", 100)  # the small network takes the large-network path
    monkeypatch.setattr(sidecar, "SIDECAR_MIN_BYTES", 64)
    straight, stopped = Session(xor_mlp()), Session(xor_mlp())
    straight.run(steps=9)
    stopped.run(steps=5)
    nio.save(stopped.doc, tmp_path / "t.nnviz", state=training_state(stopped))
    assert '"arrays"' in (tmp_path / "t.nnviz").read_text("utf-8")
    doc, state = nio.read(tmp_path / "t.nnviz")
    reopened = Session(doc)
    assert restore_training(reopened, state).outcome == "continued"
    reopened.run(steps=4)
    for nid, tensors in straight.weights().items():
        for name, value in tensors.items():
            assert np.array_equal(reopened.weights()[nid][name], value)


def test_large_node_weights_that_are_float32_values_are_stored_as_float32(tmp_path):
    doc = xor()
    dense = next(n.id for n in doc.nodes.values() if n.type == "dense")
    shape = doc.analysis().weight_shapes[dense]["weight"]
    doc.set_weight(dense, "weight", np.full(shape, 0.1, dtype=np.float32).astype(np.float64))
    small = nio.dumps(doc)
    assert np.array_equal(nio.loads(small).nodes[dense].weights["weight"], doc.nodes[dense].weights["weight"])
    # (the xor weights are small enough for lists; a larger one takes bytes: float32 when exact)
    value = sidecar.np.full((40, 40), 0.1, dtype=np.float32).astype(np.float64)
    from nnviz.io.arrays import decode_weight, encode_weight

    packed = encode_weight(value)
    assert packed["dtype"] == "float32" and np.array_equal(decode_weight(packed, "w"), value)
    assert encode_weight(value + 1e-12)["dtype"] == "float64"  # not exact in float32: kept as it is


def test_a_missing_or_mismatched_sidecar_is_a_clear_file_error(tmp_path):
    path = tmp_path / "big.nnviz"
    nio.save(xor(), path, state=_big_state(3000))
    (car,) = [p for p in tmp_path.iterdir() if p.suffix == ".safetensors"]
    moved = car.rename(tmp_path / "elsewhere.bin")
    with pytest.raises(nio.NnvizFileError, match="which is missing: copy it together"):
        nio.read(path)
    moved.rename(car)
    text = path.read_text("utf-8").replace('"shape": [3000, 1024], "sidecar": "state.exp_avg"',
                                           '"shape": [3001, 1024], "sidecar": "state.exp_avg"')
    path.write_text(text, "utf-8")
    with pytest.raises(nio.NnvizFileError, match=r"holds 'state.exp_avg' as F64 \[3000, 1024\]"):
        nio.read(path)
    with pytest.raises(nio.NnvizFileError, match="open the file itself"):
        nio.loads(text)


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="POSIX FIFOs")
def test_a_fifo_is_refused_instead_of_blocking(tmp_path):
    fifo = tmp_path / "pipe.nnviz"
    os.mkfifo(fifo)
    with pytest.raises(nio.NnvizFileError, match="not a regular file"):
        nio.load(fifo)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=st.integers(0, 3000), state_rows=st.integers(0, 600))
@example(rows=3000, state_rows=0)  # inline data past the limit: refused
@example(rows=10, state_rows=600)  # a state past the limit: in the sidecar, and the file reopens
def test_every_file_the_writer_accepts_reopens(tmp_path, monkeypatch, rows, state_rows):
    """With the reader's limit made small (64 KB), inline data and states of any size: save either
    refuses with the reason and writes nothing, or the file reopens with everything in it."""
    limit = 64 * 1024
    for module in (writer, jsontext, nio):
        monkeypatch.setattr(module, "MAX_FILE_BYTES", limit)
    monkeypatch.setattr(writer, "INLINE_ARRAY_BYTES", limit // 4)
    doc = xor()
    doc.set_data({"kind": "inline", "task": "classification", "x": [[0.1 * i, 0.25] for i in range(rows)],
                  "y": [i % 2 for i in range(rows)]})
    state = {"w": np.linspace(0, 1, state_rows * 32).reshape(state_rows, 32)}
    path = tmp_path / f"f{rows}-{state_rows}.nnviz"
    try:
        nio.save(doc, path, state=state)
    except nio.NnvizFileError as exc:
        assert "nnviz can open again" in str(exc) and "data source" in str(exc)  # the reason, what to do
        assert not path.exists()
        return
    assert path.stat().st_size <= limit
    back, got = nio.read(path)
    assert back.data["x"] == doc.data["x"] and np.array_equal(got["w"], state["w"])


KILLED_SAVE = textwrap.dedent("""
    import os, sys
    import numpy as np
    from nnviz import io as nio
    from nnviz.io.examples import xor
    state = {"w": np.ones((3000, 1024))}
    real = os.replace
    def die(src, dst):
        if str(dst).endswith(".nnviz"):
            os._exit(3)  # killed with the sidecar in place and the new file written but not renamed
        real(src, dst)
    os.replace = die
    nio.save(xor(), sys.argv[1], state=state)
""")


@pytest.mark.parametrize("then", ["save", "open"])
def test_a_killed_save_leaves_nothing_after_the_next_save_or_open(tmp_path, then):
    path = tmp_path / "net.nnviz"
    nio.save(xor(), path)
    child = subprocess.run([sys.executable, "-c", KILLED_SAVE, str(path)], capture_output=True, text=True,
                           timeout=120, env=dict(os.environ))
    assert child.returncode == 3, child.stderr
    left = _leftovers(tmp_path)
    assert any(n.endswith(".tmp") for n in left) and any(n.endswith(".safetensors") for n in left)
    assert nio.load(path).nodes  # the old file is intact
    if then == "save":
        nio.save(xor(), path)
    assert _leftovers(tmp_path) == []


def test_a_save_in_progress_elsewhere_is_left_alone(tmp_path):
    path = tmp_path / "net.nnviz"
    nio.save(xor(), path)
    with files.AtomicWriter(str(path)) as busy:  # another save holding its files
        busy.write(tmp_path / "net.nnviz.0badf00d.safetensors", iter([b"x"]))
        assert files.clean_leftovers(path) == []
    assert [p.name for p in files.clean_leftovers(path)] == ["net.nnviz.0badf00d.safetensors"]
