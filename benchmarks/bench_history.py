"""Memory of a long run: the rewind history stays within its byte budget however long training runs.

Issue 19's case: a 2.2M-parameter Adam MLP (784 -> 2048 -> 256 -> 10, float32) on random data; the
history's own byte count, Python's traced memory (tracemalloc, current and peak) and the process's peak
resident size after each milestone. Before the budget, the history reached 1.34 GB after 800 steps and
5.08 GB after 3,200. Prints a human summary and, last, one JSON line.

    python benchmarks/bench_history.py [--steps 160 800 3200] [--budget-mb 256]
"""

from __future__ import annotations

import argparse
import json
import resource
import sys
import tracemalloc

import numpy as np


def build(budget_mb: int):
    from nnviz.data.dataset import Dataset
    from nnviz.engine.session import Session
    from nnviz.graph import GraphDocument, TrainingSettings

    doc = GraphDocument()
    prev = doc.add_node("input", params={"shape": (784,)})
    for units, act in ((2048, "relu"), (256, "relu"), (10, "none")):
        node = doc.add_node("dense", params={"units": units, "activation": act})
        doc.connect(prev.id, node.id)
        prev = node
    doc.set_training(TrainingSettings(loss="cross_entropy", optimizer="adam", lr=1e-3, batch_size=32,
                                      history_mb=budget_mb))
    rng = np.random.default_rng(0)
    x, y = rng.random((2048, 784)), rng.integers(0, 10, 2048)
    data = Dataset(x, y, x[:0], y[:0], "classification", name="random", class_names=[str(i) for i in range(10)])
    return Session(doc, data)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--steps", type=int, nargs="+", default=[160, 800, 3200])
    parser.add_argument("--budget-mb", type=int, default=256)
    args = parser.parse_args(argv)
    session = build(args.budget_mb)
    params = sum(p.size for layer in session.layers.values() for p in layer.params.values())
    print(f"{params:,} parameters, Adam, float32; history budget {args.budget_mb} MB")
    tracemalloc.start()
    rows = []
    for milestone in sorted(args.steps):
        session.run(steps=milestone - session.steps_done)
        current, peak = tracemalloc.get_traced_memory()
        rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024  # KB on Linux
        row = {"steps": milestone, "history_mb": session.history.nbytes / 2**20, "checkpoints": len(session.history),
               "traced_mb": current / 2**20, "traced_peak_mb": peak / 2**20, "peak_rss_mb": rss}
        rows.append(row)
        print(f"after {milestone:>5} steps: history {row['history_mb']:7.1f} MB in {row['checkpoints']:3} checkpoints, "
              f"traced {row['traced_mb']:7.1f} MB (peak {row['traced_peak_mb']:7.1f}), peak RSS {rss:7.1f} MB")
    ratio = rows[-1]["traced_peak_mb"] / rows[0]["traced_peak_mb"]
    print(f"traced peak, last / first milestone: {ratio:.2f}")
    print(json.dumps({"benchmark": "history", "parameters": params, "rows": rows, "peak_ratio": ratio}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
