"""How fast a full-size MNIST opens in the Data panel: loading 60,000 + 10,000 images and showing the preview.

    python benchmarks/bench_data.py [--json] [--repeats N]

Writes MNIST-shaped IDX files (gzipped, mostly-black 28x28 digits-like images, so they compress like the
real ones) to a temporary folder, then times, median over repeats: load_dataset of the "known" kind on
that folder (the path a fetched MNIST takes), and DataPreview.set_dataset with its first paint. The last
line is one JSON object with mnist_load_s, mnist_preview_s, mnist_open_s (their sum, wall clock),
mnist_open_cpu_s (this process's CPU time for the same; the wall time on an idle machine) and whether
the target (open < 1 s, wall clock) is met; the exit status is 1 when it is not.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
TARGET_S = 1.0


def write_mnist_like(folder: Path, n_train: int = 60_000, n_test: int = 10_000) -> None:
    rng = np.random.default_rng(0)
    for prefix, n in (("train", n_train), ("t10k", n_test)):
        images = np.zeros((n, 28, 28), np.uint8)
        rows, cols = rng.integers(4, 14, n), rng.integers(4, 14, n)
        for i in range(n):  # a bright blob where a digit would be; the rest black, as in MNIST
            images[i, rows[i]:rows[i] + 10, cols[i]:cols[i] + 10] = rng.integers(0, 256, (10, 10), dtype=np.uint8)
        header = b"\x00\x00\x08\x03" + np.array(images.shape, ">u4").tobytes()
        (folder / f"{prefix}-images-idx3-ubyte.gz").write_bytes(gzip.compress(header + images.tobytes(), 6))
        labels = rng.integers(0, 10, n).astype(np.uint8)
        header = b"\x00\x00\x08\x01" + np.array([n], ">u4").tobytes()
        (folder / f"{prefix}-labels-idx1-ubyte.gz").write_bytes(gzip.compress(header + labels.tobytes(), 6))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="print only the JSON summary")
    parser.add_argument("--repeats", type=int, default=5)
    args = parser.parse_args()

    from PySide6.QtWidgets import QApplication

    from nnviz.data import load_dataset
    from nnviz.ui.data.data_preview import DataPreview

    app = QApplication.instance() or QApplication([])
    loads, previews, cpu = [], [], []
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        write_mnist_like(folder)
        spec = {"kind": "known", "name": "mnist", "folder": str(folder)}
        for _ in range(args.repeats):
            c0, t0 = time.process_time(), time.perf_counter()
            ds = load_dataset(spec)
            t1 = time.perf_counter()
            preview = DataPreview()
            preview.resize(460, 600)
            preview.show()
            preview.set_dataset(ds)
            app.processEvents()
            t2, c2 = time.perf_counter(), time.process_time()
            cpu.append(c2 - c0)
            preview.close()
            preview.deleteLater()
            loads.append(t1 - t0)
            previews.append(t2 - t1)
            if not args.json:
                print(f"load {t1 - t0:.3f} s, preview {t2 - t1:.3f} s ({len(ds.x_train)} + {len(ds.x_val)} images)")
    load_s, preview_s = statistics.median(loads), statistics.median(previews)
    summary = {"mnist_load_s": round(load_s, 3), "mnist_preview_s": round(preview_s, 3),
               "mnist_open_s": round(load_s + preview_s, 3),
               # CPU seconds of this process for the same: what the wall time is on an idle machine.
               "mnist_open_cpu_s": round(statistics.median(cpu), 3), "target_s": TARGET_S,
               "target_met": load_s + preview_s < TARGET_S}
    print(json.dumps(summary), flush=True)
    return 0 if summary["target_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
