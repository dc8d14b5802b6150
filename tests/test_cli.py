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
    # The saved file holds the document as it was and the trained state: reopened, training continues
    # exactly as if the run had gone on (the same seed, 5 + 4 steps in one go).
    from nnviz.engine.session import Session
    from nnviz.engine.training_state import restore_training

    doc, state = io.read(out_path)
    assert doc.training.seed == 7  # the seed it was trained with
    reopened = Session(doc)
    assert restore_training(reopened, state).outcome == "continued"
    assert reopened.steps_done == 5
    reopened.run(steps=4)
    straight = Session(doc)
    straight.run(steps=9)
    for nid, tensors in straight.weights().items():
        for name, value in tensors.items():
            assert np.array_equal(reopened.weights()[nid][name], value)
    # Exporting the saved file exports the trained weights, not the starting ones.
    code, _, _ = run(capsys, "export", str(out_path), "-o", str(tmp_path / "out"))
    from safetensors.numpy import load_file

    exported = load_file(str(tmp_path / "out" / "weights.safetensors"))
    trained = Session(doc)
    trained.run(steps=5)
    first = next(nid for nid, t in trained.weights().items() if "weight" in t)
    name = next(k for k in exported if k.endswith("weight"))
    assert code == 0 and any(np.array_equal(v, trained.weights()[first]["weight"]) for v in exported.values()), name


def test_trace_json_follows_the_tensor_contract(capsys):
    code, out, _ = run(capsys, "trace", str(EXAMPLES / "seed-single-neuron.nnviz"), "--json")
    events = [json.loads(line) for line in out.splitlines()]
    assert code == 0
    assert [e["phase"] for e in events] == ["batch", "forward", "forward", "loss", "backward", "update"]
    assert set(events[0]["tensors"]) == {"x", "y"}
    assert {"input", "z", "output"} <= set(events[2]["tensors"])
    assert set(events[3]["tensors"]) == {"prediction", "target", "loss", "grad_prediction"}
    assert {"grad_output", "delta", "grad_weight", "grad_bias", "grad_input"} <= set(events[4]["tensors"])
    assert {"weight", "bias", "update_weight", "update_bias"} <= set(events[5]["tensors"])
    np.testing.assert_allclose(events[5]["tensors"]["weight"], [[0.58706, -0.49033]], atol=1e-5)


def test_json_lines_stay_strict_json_with_non_finite_numbers_at_any_depth():
    from nnviz.cli import _json

    line = _json({"loss": float("nan"), "tensors": {"z": np.array([[np.inf, 1.5]]).tolist()},
                  "steps": [np.float32("-inf"), np.int64(3)]})
    assert json.loads(line) == {"loss": None, "tensors": {"z": [[None, 1.5]]}, "steps": [None, 3]}


def test_argparse_errors_escape_what_the_learner_typed(capsys):
    with pytest.raises(SystemExit):
        main(["train", str(EXAMPLES / "xor.nnviz"), "--seed", "\x1b[31mred"])
    err = capsys.readouterr().err
    assert "\x1b" not in err and "\\x1b[31mred" in err


def test_gradcheck_exit_codes(capsys):
    code, out, _ = run(capsys, "gradcheck", str(EXAMPLES / "spirals.nnviz"))
    assert code == 0 and out.splitlines()[-1].startswith("OK: every checked gradient matches")
    assert "hidden_2 weight: 256 of 1,024 entries (random sample)" in out and "all 64 entries" in out
    code, out, _ = run(capsys, "gradcheck", str(EXAMPLES / "spirals.nnviz"), "--atol", "0", "--rtol", "0")
    assert code == 1 and "FAIL" in out


def test_gradcheck_json_says_what_was_sampled(capsys):
    code, out, _ = run(capsys, "gradcheck", str(EXAMPLES / "seed-lenet.nnviz"), "--samples", "40", "--seed", "5",
                       "--json")
    report = json.loads(out)
    assert code == 0 and report["ok"] and report["seed"] == 5 and report["samples"] == 40
    fc1 = next(t for t in report["tensors"] if t["name"] == "fc1" and t["tensor"] == "weight")
    assert fc1["sampled"] and len(fc1["sampled_indices"]) == 40 and fc1["entries"] == 48000
    assert fc1["direction"] == "ok"
    conv1_bias = next(t for t in report["tensors"] if t["name"] == "conv1" and t["tensor"] == "bias")
    assert not conv1_bias["sampled"] and conv1_bias["checked"] == 6


def test_no_command_prints_help_and_bad_usage_exits_2(capsys):
    code, out, _ = run(capsys)
    assert code == 0 and "check" in out and "train" in out
    with pytest.raises(SystemExit) as info:
        main(["train", "x.nnviz", "--steps", "0"])
    assert info.value.code == 2


def test_train_on_a_saved_training_continues_it(capsys, tmp_path):
    once, twice, straight = tmp_path / "once.nnviz", tmp_path / "twice.nnviz", tmp_path / "straight.nnviz"
    run(capsys, "train", str(EXAMPLES / "xor.nnviz"), "--steps", "3", "--save", str(once))
    code, _, err = run(capsys, "train", str(once), "--steps", "4", "--save", str(twice))
    assert code == 0 and "continuing the saved training from step 3" in err
    run(capsys, "train", str(EXAMPLES / "xor.nnviz"), "--steps", "7", "--save", str(straight))
    a, b = io.read(twice)[1], io.read(straight)[1]
    assert a["step"] == b["step"] == 7
    for nid, tensors in b["weights"].items():
        for name, value in tensors.items():
            assert np.array_equal(a["weights"][nid][name], value)
