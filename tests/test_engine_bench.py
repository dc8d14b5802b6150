"""The engine benchmark runs and reports what the issue asks for (a smoke run, not a speed test)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.torch_util import require_torch

SCRIPT = Path(__file__).resolve().parent.parent / "benchmarks" / "bench_engine.py"


@pytest.mark.slow
@pytest.mark.torch
def test_quick_benchmark_prints_the_summary_json_last():
    require_torch()
    done = subprocess.run([sys.executable, str(SCRIPT), "--quick", "--json"], capture_output=True, text=True,
                          timeout=240, check=False)
    lines = [json.loads(line) for line in done.stdout.strip().splitlines()]
    cases = {line["case"] for line in lines[:-1]}
    assert cases == {"small_mlp", "mnist_mlp", "lenet", "transformer", "microstep", "mnist_epoch"}, \
        done.stderr
    summary = lines[-1]
    for key in ("small_mlp_vs_torch", "mnist_mlp_vs_torch", "lenet_vs_torch", "transformer_vs_torch",
                "overhead_vs_numpy", "microstep_p50_ms", "microstep_p95_ms", "mnist_epoch_vs_torch",
                "mnist_epoch_engine_peak_mb", "mnist_epoch_torch_peak_mb"):
        assert summary[key] > 0, key
    # The exit status says whether the 60,000-image epoch and the Transformer met their targets (a miss fails).
    met = summary["targets_met"]
    assert done.returncode == (0 if met["mnist_epoch_vs_torch"] and met["transformer_vs_torch"] else 1), done.stderr
    assert summary["threads"] == 1
    assert set(summary["targets_met"]) == {"small_mlp_vs_torch", "mnist_mlp_vs_torch", "lenet_vs_torch",
                                           "overhead_vs_numpy", "microstep_p95_ms", "mnist_epoch_vs_torch",
                                           "transformer_vs_torch"}
