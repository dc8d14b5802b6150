"""Saving and reopening: large inline data (linear?) and a large trained state (sidecar).

1. Inline data of n and 4n rows (32 float columns): seconds per MB of file; the ratio of the two
   per-MB times shows whether saving is linear (target: 4n per MB within 1.5x of n per MB).
2. A trained state of a Dense network with Adam (weights + two moments, float32): save and read
   seconds, bytes per parameter on disk (target: < 13 bytes per parameter for the three arrays,
   i.e. ~4.3 per array: float32 bytes, not float64 text).

    python benchmarks/bench_io.py [--rows 20000] [--params 4000000]

Prints a summary and, last, one JSON line. Exits 1 when a target is missed.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np


def _inline_doc(rows: int):
    from nnviz.io.examples import xor

    rng = np.random.default_rng(0)
    doc = xor()
    doc.set_data({"kind": "inline", "task": "classification", "x": rng.normal(size=(rows, 32)).tolist(),
                  "y": rng.integers(0, 2, size=rows).tolist()})
    return doc


def _timed(action, repeats: int) -> float:
    times = []
    for _ in range(repeats):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=20000)
    parser.add_argument("--params", type=int, default=4_000_000)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args(argv)
    from nnviz import io as nio
    from nnviz.io.examples import xor

    result: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "bench.nnviz"
        per_mb = []
        for rows in (args.rows, 4 * args.rows):
            doc = _inline_doc(rows)
            seconds = _timed(lambda doc=doc: nio.save(doc, path), args.repeats)
            mb = path.stat().st_size / 2**20
            per_mb.append(seconds / mb)
            print(f"inline data, {rows} rows: {mb:.1f} MB saved in {seconds:.2f} s ({mb / seconds:.1f} MB/s)")
        result["inline_s_per_mb_small"], result["inline_s_per_mb_large"] = per_mb
        result["inline_linearity"] = per_mb[1] / per_mb[0]

        rng = np.random.default_rng(1)
        rows = max(args.params // 1024, 1)
        weight = rng.normal(size=(rows, 1024)).astype(np.float32)
        state = {"weights": {"n2": {"weight": weight}},
                 "optimizer": {"n2.weight": {"exp_avg": weight * 0.5, "exp_avg_sq": weight * weight, "step": 9}}}
        doc = xor()
        save_s = _timed(lambda: nio.save(doc, path, state=state), args.repeats)
        read_s = _timed(lambda: nio.read(path), args.repeats)
        on_disk = sum(p.stat().st_size for p in Path(folder).iterdir())
        result["state_params"] = float(weight.size)
        result["state_save_s"], result["state_read_s"] = save_s, read_s
        result["state_bytes_per_param"] = on_disk / weight.size
        back = nio.load_state(path)
        moments = back["optimizer"]["n2.weight"]["exp_avg_sq"]
        assert np.array_equal(moments, state["optimizer"]["n2.weight"]["exp_avg_sq"])
        print(f"trained state, {weight.size:,} parameters with Adam: saved in {save_s:.2f} s, read in {read_s:.2f} s, "
              f"{on_disk / 2**20:.1f} MB on disk ({on_disk / weight.size:.1f} bytes per parameter)")
    misses = []
    if result["inline_linearity"] > 1.5:
        misses.append(f"inline saving is not linear: {result['inline_linearity']:.2f}x the time per MB at 4x the size")
    if result["state_bytes_per_param"] > 13:
        misses.append(f"{result['state_bytes_per_param']:.1f} bytes per parameter on disk")
    for miss in misses:
        print(f"MISSED: {miss}")
    print(json.dumps(result))
    return 1 if misses else 0


if __name__ == "__main__":
    sys.exit(main())
