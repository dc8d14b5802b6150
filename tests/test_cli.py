"""The headless command line, run in-process as a user would type it."""

from __future__ import annotations

import json

import numpy as np
import pytest

from nnviz import io
from nnviz.cli import main
from nnviz.resources import resource_path

EXAMPLES = resource_path("examples")


def run(capsys, *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.mark.parametrize("name", ["seed-forward-2-2-1", "seed-single-neuron", "xor", "spirals"])
def test_check_passes_on_the_shipped_examples(capsys, name):
    code, out, _ = run(capsys, "check", str(EXAMPLES / f"{name}.nnviz"))
    assert code == 0
    assert "Total params:" in out and "OK" in out


def test_check_fails_with_a_node_named_message(capsys, tmp_path):
    doc = io.load(EXAMPLES / "xor.nnviz")
    first_dense = next(n for n in doc.nodes.values() if n.type == "dense")
    doc.set_param(next(iter(doc.nodes)), "shape", (1, 4, 4))
    path = tmp_path / "bad.nnviz"
    io.save(doc, path)
    code, out, _ = run(capsys, "check", str(path))
    assert code == 1
    assert f"error: Dense '{first_dense.name}' needs a flat input but gets (1, 4, 4)" in out


def test_check_of_a_broken_file_is_one_clear_line(capsys, tmp_path):
    path = tmp_path / "broken.nnviz"
    path.write_text('{"format": "nnviz", "version": 1, "nodes": [')
    code, out, err = run(capsys, "check", str(path))
    assert code == 1 and out == ""
    assert err.startswith("error: ") and len(err.strip().splitlines()) == 1
    code, _, err = run(capsys, "check", str(tmp_path / "missing.nnviz"))
    assert code == 1 and "missing.nnviz" in err


def test_train_json_lines_and_final_summary_reach_full_xor_accuracy(capsys):
    code, out, _ = run(capsys, "train", str(EXAMPLES / "xor.nnviz"), "--json")
    lines = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert set(lines[0]) == {"step", "epoch", "loss", "accuracy"}
    assert [r["step"] for r in lines[:-1]] == list(range(1, len(lines)))
    final = lines[-1]
    assert final["final"] is True
    assert {"train_loss", "train_accuracy", "val_loss", "val_accuracy"} <= set(final)
    assert final["train_accuracy"] == 1.0


def test_spirals_example_reaches_95_percent(capsys):
    code, out, _ = run(capsys, "train", str(EXAMPLES / "spirals.nnviz"), "--json")
    assert code == 0
    assert json.loads(out.splitlines()[-1])["train_accuracy"] >= 0.95


def test_train_steps_seed_and_save_round_trip(capsys, tmp_path):
    out_path = tmp_path / "trained.nnviz"
    code, out, err = run(capsys, "train", str(EXAMPLES / "xor.nnviz"), "--steps", "5", "--seed", "7",
                         "--save", str(out_path))
    assert code == 0 and "after 5 steps" in out
    trained = io.load(out_path)
    original = io.load(EXAMPLES / "xor.nnviz")
    dense = next(n.id for n in original.nodes.values() if n.type == "dense")
    assert "weight" in trained.nodes[dense].weights
    # Training from the saved weights starts where the run ended, not from fresh ones.
    assert not original.nodes[dense].weights


def test_trace_json_follows_the_tensor_contract(capsys):
    code, out, _ = run(capsys, "trace", str(EXAMPLES / "seed-single-neuron.nnviz"), "--json")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [e["phase"] for e in events] == ["batch", "forward", "forward", "loss", "backward", "update"]
    assert set(events[0]["tensors"]) == {"x", "y"}
    assert {"input", "z", "output"} <= set(events[2]["tensors"])
    assert set(events[3]["tensors"]) == {"prediction", "target", "loss"}
    assert {"grad_output", "delta", "grad_weight", "grad_bias", "grad_input"} <= set(events[4]["tensors"])
    assert {"weight", "bias", "update_weight", "update_bias"} <= set(events[5]["tensors"])
    np.testing.assert_allclose(events[5]["tensors"]["weight"], [[0.58706, -0.49033]], atol=1e-5)


def test_gradcheck_exit_codes(capsys):
    code, out, _ = run(capsys, "gradcheck", str(EXAMPLES / "spirals.nnviz"))
    assert code == 0 and "largest relative error" in out
    code, out, _ = run(capsys, "gradcheck", str(EXAMPLES / "spirals.nnviz"), "--tolerance", "0")
    assert code == 1 and "FAIL" in out


def test_no_command_prints_help_and_bad_usage_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 0 and "check" in out and "train" in out
    with pytest.raises(SystemExit) as info:
        main(["train", "x.nnviz", "--steps", "0"])
    assert info.value.code == 2
