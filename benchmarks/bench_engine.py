"""Training speed of the nnviz engine beside PyTorch CPU and a hand-written NumPy loop.

    python benchmarks/bench_engine.py [--json] [--quick] [--threads N]

Measures, in one run and with the same thread count for NumPy's BLAS and for torch, training steps
per second (median over repeats) of:
  * small_mlp: 2-8-8-1 tanh MLP, MSE, batch 10;
  * mnist_mlp: 784-128-10 ReLU MLP, cross-entropy, batch 64;
  * lenet:     LeNet-5 on 1x28x28 (conv 6@5x5 relu, maxpool 2, conv 16@5x5 relu, maxpool 2,
               dense 120 relu, dense 84 relu, dense 10), cross-entropy, batch 32;
all float32 with plain SGD; and
  * transformer: a one-block Transformer (batch 32, 12 tokens, d_model 32, 4 heads; embedding, learned
               positions, self-attention masking padding, Add & LayerNorm, feed-forward 64, Add &
               LayerNorm, mean over the tokens, Dense 2), cross-entropy, Adam (bench_transformer.py).
The engine runs through Session.run (recording off); every contestant
shuffles and gathers its own batches. It also measures the latency of one recorded micro-step
(Session.step) on a 4-layer 64-unit ReLU MLP with batch 32.

It also times one epoch of the shipped seed MNIST MLP (Flatten, Dense 128 relu, Dropout 0.2, Dense 10
softmax; Adam, batch 32) on 60,000 synthetic 28x28 images in the engine and in PyTorch, taking turns, and
each one's extra peak memory for that epoch (in a fresh process each, above the images already loaded).

The last line printed is one JSON object: small_mlp_vs_torch, mnist_mlp_vs_torch, lenet_vs_torch,
transformer_vs_torch (engine steps/s over torch's), overhead_vs_numpy (engine time per step over the
hand-written loop's, small MLP), the micro-step p50/p95 in ms, mnist_epoch_vs_torch (engine seconds per
epoch over torch's) with both peaks, and whether each target is met. The exit status is 1 when
mnist_epoch_vs_torch misses its target (<= 1.0) or transformer_vs_torch misses its target (>= 1.0).
"""

from __future__ import annotations

import argparse
import os
import sys


def _set_threads(n: int) -> None:
    # Must happen before NumPy (OpenBLAS) and torch load their thread pools.
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS", "VECLIB_MAXIMUM_THREADS",
                "NUMEXPR_NUM_THREADS"):
        os.environ[var] = str(n)


def _parse() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--json", action="store_true", help="one JSON object per measurement")
    parser.add_argument("--quick", action="store_true", help="fewer steps and repeats (a smoke run)")
    parser.add_argument("--threads", type=int, default=1, help="threads for BLAS and torch (default 1)")
    parser.add_argument("--peak-child", choices=("engine", "torch"), help=argparse.SUPPRESS)
    return parser.parse_args()


ARGS = (_parse() if __name__ == "__main__"
        else argparse.Namespace(json=False, quick=True, threads=1, peak_child=None))
_set_threads(ARGS.threads)

import json  # noqa: E402
import statistics  # noqa: E402
import time  # noqa: E402
from collections.abc import Callable  # noqa: E402

import numpy as np  # noqa: E402

from nnviz.data.dataset import Dataset  # noqa: E402
from nnviz.engine.session import Session  # noqa: E402
from nnviz.graph.document import GraphDocument  # noqa: E402
from nnviz.graph.settings import TrainingSettings  # noqa: E402

TARGETS = {"small_mlp_vs_torch": (">=", 3.0), "mnist_mlp_vs_torch": (">=", 1.2), "lenet_vs_torch": (">=", 0.5),
           "overhead_vs_numpy": ("<=", 1.5), "microstep_p95_ms": ("<", 1.0),
           # Engine seconds per 60,000-image epoch over torch's, and the Transformer's steps/s over torch's:
           # the targets whose miss fails the run.
           "mnist_epoch_vs_torch": ("<=", 1.0), "transformer_vs_torch": (">=", 1.0)}
FAILING = ("mnist_epoch_vs_torch", "transformer_vs_torch")


# --------------------------------------------------------------------------- the three networks
# Each as a list of (type, params) in a chain; the torch builder and the engine document read the same list.
SMALL_MLP = [("input", {"shape": (2,)}), ("dense", {"units": 8, "activation": "tanh"}),
             ("dense", {"units": 8, "activation": "tanh"}), ("dense", {"units": 1})]
MNIST_MLP = [("input", {"shape": (784,)}), ("dense", {"units": 128, "activation": "relu"}),
             ("dense", {"units": 10})]
LENET = [("input", {"shape": (1, 28, 28)}),
         ("conv2d", {"out_channels": 6, "kernel_size": (5, 5), "activation": "relu"}),
         ("maxpool2d", {"kernel_size": (2, 2), "stride": (2, 2)}),
         ("conv2d", {"out_channels": 16, "kernel_size": (5, 5), "activation": "relu"}),
         ("maxpool2d", {"kernel_size": (2, 2), "stride": (2, 2)}),
         ("flatten", {}),
         ("dense", {"units": 120, "activation": "relu"}), ("dense", {"units": 84, "activation": "relu"}),
         ("dense", {"units": 10})]
LATENCY_MLP = [("input", {"shape": (64,)}), *[("dense", {"units": 64, "activation": "relu"})] * 4,
               ("dense", {"units": 10})]


def make_doc(chain: list[tuple[str, dict]]) -> GraphDocument:
    doc = GraphDocument()
    prev = None
    for key, params in chain:
        node = doc.add_node(key, params=params)
        if prev is not None:
            doc.connect(prev.id, node.id)
        prev = node
    return doc


def make_data(sample_shape: tuple[int, ...], n: int, classes: int, seed: int = 0) -> Dataset:
    """Random inputs; class ids (classes > 0) or one regression target. No validation split, so
    the timings are of training steps only."""
    rng = np.random.default_rng(seed)
    x = rng.standard_normal((n, *sample_shape))
    if classes:
        y = rng.integers(0, classes, n)
        return Dataset(x, y, x[:0], y[:0], "classification", "bench", [str(i) for i in range(classes)])
    y = np.tanh(x.reshape(n, -1).sum(axis=1, keepdims=True))
    return Dataset(x, y, x[:0], y[:0], "regression", "bench")


def interleaved_rates(runners: dict[str, Callable[[int], None]], steps: int, repeats: int
                      ) -> tuple[dict[str, float], dict[str, float]]:
    """Steps/s of each runner (median over repeats) and each runner's median per-repeat time ratio
    to the first runner. The contestants take turns within every repeat, so a load change on a
    shared machine hits all of them alike and the ratios stay meaningful."""
    for run in runners.values():
        run(max(steps // 5, 2))  # warm-up: allocations, caches, lazy imports
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            t0 = time.perf_counter()
            run(steps)
            times[name].append(time.perf_counter() - t0)
    first = next(iter(runners))
    rates = {name: steps / statistics.median(ts) for name, ts in times.items()}
    ratios = {name: statistics.median(a / b for a, b in zip(ts, times[first], strict=True))
              for name, ts in times.items()}
    return rates, ratios


# --------------------------------------------------------------------------- contestants
def engine_runner(chain, data: Dataset, loss: str, batch: int) -> Callable[[int], None]:
    settings = TrainingSettings(loss=loss, optimizer="sgd", lr=0.01, batch_size=batch, epochs=1_000_000,
                                dtype="float32", seed=0)
    session = Session(make_doc(chain), data, settings)
    return lambda steps: session.run(steps=steps)


def torch_runner(torch, chain, data: Dataset, loss: str, batch: int) -> Callable[[int], None]:
    nn = torch.nn
    mods = []
    channels, flat = None, None
    for key, p in chain:
        if key == "input":
            shape = p["shape"]
            channels, flat = (shape[0], None) if len(shape) == 3 else (None, shape[0])
        elif key == "conv2d":
            mods.append(nn.Conv2d(channels, p["out_channels"], p["kernel_size"]))
            channels = p["out_channels"]
        elif key == "maxpool2d":
            mods.append(nn.MaxPool2d(p["kernel_size"], p["stride"]))
        elif key == "flatten":
            mods.append(nn.Flatten())
            flat = channels * 4 * 4  # LeNet on 28x28 reaches (16, 4, 4)
        elif key == "dense":
            mods.append(nn.Linear(flat, p["units"]))
            flat = p["units"]
        if p.get("activation") == "relu":
            mods.append(nn.ReLU())
        elif p.get("activation") == "tanh":
            mods.append(nn.Tanh())
    model = nn.Sequential(*mods)
    opt = torch.optim.SGD(model.parameters(), lr=0.01)
    loss_fn = nn.MSELoss() if loss == "mse" else nn.CrossEntropyLoss()
    x = torch.from_numpy(data.x_train.astype(np.float32))
    y = torch.from_numpy(data.y_train.astype(np.float32 if loss == "mse" else np.int64))
    n = len(x)
    gen = torch.Generator().manual_seed(0)
    state = {"perm": torch.randperm(n, generator=gen), "at": 0}

    def run(steps: int) -> None:
        for _ in range(steps):
            if state["at"] >= n:
                state["perm"], state["at"] = torch.randperm(n, generator=gen), 0
            idx = state["perm"][state["at"]:state["at"] + batch]
            state["at"] += batch
            out = model(x[idx])
            value = loss_fn(out, y[idx])
            opt.zero_grad()
            value.backward()
            opt.step()
            value.item()  # the engine reads every step's loss too

    return run


def numpy_runner(data: Dataset, batch: int) -> Callable[[int], None]:
    """The small MLP written out by hand: the floor any engine overhead is measured against."""
    rng = np.random.default_rng(0)
    f32 = np.float32
    shapes = [(8, 2), (8, 8), (1, 8)]
    ws = [rng.uniform(-1 / np.sqrt(s[1]), 1 / np.sqrt(s[1]), s).astype(f32) for s in shapes]
    bs = [np.zeros(s[0], f32) for s in shapes]
    x, y = data.x_train.astype(f32), data.y_train.astype(f32)
    n, lr = len(x), f32(0.01)
    state = {"perm": rng.permutation(n), "at": 0}

    def run(steps: int) -> None:
        for _ in range(steps):
            if state["at"] >= n:
                state["perm"], state["at"] = rng.permutation(n), 0
            idx = state["perm"][state["at"]:state["at"] + batch]
            state["at"] += batch
            xb, yb = x[idx], y[idx]
            a1 = np.tanh(xb @ ws[0].T + bs[0])
            a2 = np.tanh(a1 @ ws[1].T + bs[1])
            out = a2 @ ws[2].T + bs[2]
            diff = out - yb
            float(np.mean(diff * diff))
            d3 = (2.0 / diff.size) * diff
            d2 = (d3 @ ws[2]) * (1 - a2 * a2)
            d1 = (d2 @ ws[1]) * (1 - a1 * a1)
            grads = [(d1.T @ xb, d1.sum(0)), (d2.T @ a1, d2.sum(0)), (d3.T @ a2, d3.sum(0))]
            for w, b, (gw, gb) in zip(ws, bs, grads, strict=True):
                w -= lr * gw
                b -= lr * gb

    return run


def microstep_latency(samples: int) -> tuple[float, float]:
    """p50 and p95 in ms of Session.step() with recording on (every micro-step of whole steps)."""
    settings = TrainingSettings(loss="cross_entropy", optimizer="sgd", lr=0.01, batch_size=32,
                                epochs=1_000_000, dtype="float32")
    session = Session(make_doc(LATENCY_MLP), make_data((64,), 1024, 10), settings)
    for _ in range(50):
        session.step()
    times = []
    for _ in range(samples):
        t0 = time.perf_counter()
        session.step()
        times.append(time.perf_counter() - t0)
    times_ms = np.array(times) * 1e3
    return float(np.percentile(times_ms, 50)), float(np.percentile(times_ms, 95))


# --------------------------------------------------------------------------- one MNIST-sized epoch
MNIST_EPOCH_N = 60_000  # --quick (a smoke run) uses a tenth


def epoch_images() -> int:
    return MNIST_EPOCH_N // 10 if ARGS.quick else MNIST_EPOCH_N


def mnist_epoch_data(n: int | None = None) -> Dataset:
    """A synthetic stand-in for MNIST's training set: n images (1, 28, 28) in [0, 1], float32 (what
    the engine trains in, so neither contestant pays for a conversion), 10 classes, no validation part."""
    rng = np.random.default_rng(0)
    n = epoch_images() if n is None else n
    x = rng.random((n, 1, 28, 28), dtype=np.float32)
    y = rng.integers(0, 10, n)
    return Dataset(x, y, x[:0], y[:0], "classification", "synthetic-mnist", [str(i) for i in range(10)])


def seed_mnist_doc() -> GraphDocument:
    """The shipped seed MNIST MLP (Flatten, Dense 128 relu, Dropout 0.2, Dense 10 softmax; Adam 0.001,
    nll_probs, batch 32) with its Input at MNIST's (1, 28, 28)."""
    from nnviz.io.examples import seed_mnist_mlp

    doc = seed_mnist_mlp()
    inp = next(n for n in doc.nodes.values() if n.type == "input")
    doc.set_param(inp.id, "shape", (1, 28, 28))
    return doc


def engine_epoch(data: Dataset) -> Callable[[], None]:
    session = Session(seed_mnist_doc(), data)
    return lambda: session.run(epochs=1)


def torch_epoch(torch, data: Dataset) -> Callable[[], None]:
    """The same network and training in PyTorch: softmax output, -log of the true class, Adam(0.001),
    a fresh shuffle each epoch and batches gathered by index (as the engine does)."""
    nn = torch.nn
    settings = seed_mnist_doc().training
    model = nn.Sequential(nn.Flatten(), nn.Linear(784, 128), nn.ReLU(), nn.Dropout(0.2), nn.Linear(128, 10),
                          nn.Softmax(dim=1))
    opt = torch.optim.Adam(model.parameters(), lr=settings.lr, betas=(settings.beta1, settings.beta2),
                           eps=settings.eps)
    x, y = torch.from_numpy(data.x_train), torch.from_numpy(data.y_train)
    gen = torch.Generator().manual_seed(0)
    batch, n = settings.batch_size, len(x)

    def run() -> None:
        perm = torch.randperm(n, generator=gen)
        for start in range(0, n, batch):
            idx = perm[start:start + batch]
            value = torch.nn.functional.nll_loss(torch.log(model(x[idx])), y[idx])
            opt.zero_grad()
            value.backward()
            opt.step()
            value.item()

    return run


def epoch_ratio(torch, repeats: int) -> tuple[float, float, float]:
    """(engine s/epoch, torch s/epoch, median of the per-repeat engine/torch time ratios), taking turns."""
    data = mnist_epoch_data()
    runners = {"engine": engine_epoch(data), "torch": torch_epoch(torch, data)}
    times: dict[str, list[float]] = {name: [] for name in runners}
    for _ in range(repeats):
        for name, run in runners.items():
            t0 = time.perf_counter()
            run()
            times[name].append(time.perf_counter() - t0)
    ratio = statistics.median(e / t for e, t in zip(times["engine"], times["torch"], strict=True))
    return statistics.median(times["engine"]), statistics.median(times["torch"]), ratio


def _rss_mb(field: str) -> float:
    """VmRSS (now) or VmHWM (the peak since the last reset) of this process, in MB (Linux)."""
    with open("/proc/self/status", encoding="ascii") as status:
        for line in status:
            if line.startswith(field + ":"):
                return int(line.split()[1]) / 1024.0
    raise OSError(f"no {field} in /proc/self/status")


def _peak_child(contestant: str) -> None:
    """In a fresh process: the extra peak memory (MB) one epoch takes above the data set already loaded."""
    torch = None
    if contestant == "torch":
        import torch

        torch.set_num_threads(ARGS.threads)
    data = mnist_epoch_data()
    with open("/proc/self/clear_refs", "w", encoding="ascii") as clear:
        clear.write("5")  # resets the peak (VmHWM) to the memory in use now: the imports' peak is forgotten
    before = _rss_mb("VmRSS")
    run = engine_epoch(data) if contestant == "engine" else torch_epoch(torch, data)
    run()
    print(json.dumps({"peak_mb": _rss_mb("VmHWM") - before, "data_mb": data.x_train.nbytes / 2**20}))


def epoch_peak_mb(contestant: str) -> float:
    import subprocess

    quick = ["--quick"] if ARGS.quick else []
    out = subprocess.run([sys.executable, __file__, *quick, "--threads", str(ARGS.threads), "--peak-child", contestant],
                         capture_output=True, text=True, check=True, timeout=900).stdout
    return float(json.loads(out.strip().splitlines()[-1])["peak_mb"])


# --------------------------------------------------------------------------- main
def main() -> int:
    import torch

    torch.set_num_threads(ARGS.threads)
    quick = ARGS.quick
    repeats = 5 if quick else 15
    cases = {
        # name: (chain, data, loss, batch, steps per repeat)
        "small_mlp": (SMALL_MLP, make_data((2,), 200, 0), "mse", 10, 200 if quick else 1000),
        "mnist_mlp": (MNIST_MLP, make_data((784,), 2048, 10), "cross_entropy", 64, 20 if quick else 100),
        "lenet": (LENET, make_data((1, 28, 28), 1024, 10), "cross_entropy", 32, 6 if quick else 30),
    }
    results: dict[str, dict[str, float]] = {}

    def report(record: dict) -> None:
        if ARGS.json:
            print(json.dumps(record), flush=True)
        else:
            rest = ", ".join(f"{k} {v:.1f}" if isinstance(v, float) else f"{k} {v}" for k, v in record.items()
                             if k != "case")
            print(f"{record['case']:<10} {rest}", flush=True)

    for name, (chain, data, loss, batch, steps) in cases.items():
        runners = {"engine": engine_runner(chain, data, loss, batch),
                   "torch": torch_runner(torch, chain, data, loss, batch)}
        if name == "small_mlp":
            runners["numpy"] = numpy_runner(data, batch)
        rates, time_ratios = interleaved_rates(runners, steps, repeats)
        results[name] = time_ratios
        report({"case": name, "batch": batch, **{f"{k}_steps_per_s": v for k, v in rates.items()},
                **{f"{k}_time_over_engine": v for k, v in time_ratios.items() if k != "engine"}})

    import bench_transformer

    tokens = bench_transformer.transformer_data()
    rates, time_ratios = interleaved_rates({"engine": bench_transformer.engine_runner(tokens),
                                            "torch": bench_transformer.torch_runner(torch, tokens)},
                                           10 if quick else 50, repeats)
    results["transformer"] = time_ratios
    report({"case": "transformer", "batch": bench_transformer.BATCH,
            **{f"{k}_steps_per_s": v for k, v in rates.items()}, "torch_time_over_engine": time_ratios["torch"]})

    p50, p95 = microstep_latency(300 if quick else 2000)
    report({"case": "microstep", "p50_ms": p50, "p95_ms": p95})
    engine_s, torch_s, epoch_vs_torch = epoch_ratio(torch, 1 if quick else 3)
    peaks = {name: epoch_peak_mb(name) for name in ("engine", "torch")}
    report({"case": "mnist_epoch", "images": epoch_images(), "engine_s": engine_s, "torch_s": torch_s,
            "engine_peak_mb": peaks["engine"], "torch_peak_mb": peaks["torch"]})
    summary = {
        "threads": ARGS.threads,
        # Engine steps/s over torch's = torch's time per step over the engine's (median of repeats).
        "small_mlp_vs_torch": results["small_mlp"]["torch"],
        "mnist_mlp_vs_torch": results["mnist_mlp"]["torch"],
        "lenet_vs_torch": results["lenet"]["torch"],
        "transformer_vs_torch": results["transformer"]["torch"],
        "overhead_vs_numpy": 1.0 / results["small_mlp"]["numpy"],
        "microstep_p50_ms": p50,
        "microstep_p95_ms": p95,
        "mnist_epoch_vs_torch": epoch_vs_torch,
        # Extra peak memory (MB, above the 60,000 images already in memory) of one epoch, each in a fresh process.
        "mnist_epoch_engine_peak_mb": peaks["engine"],
        "mnist_epoch_torch_peak_mb": peaks["torch"],
    }
    summary = {k: round(v, 3) if isinstance(v, float) else v for k, v in summary.items()}
    ops = {">=": lambda a, b: a >= b, "<=": lambda a, b: a <= b, "<": lambda a, b: a < b}
    summary["targets_met"] = {k: bool(ops[op](summary[k], goal)) for k, (op, goal) in TARGETS.items()}
    print(json.dumps(summary), flush=True)
    return 0 if all(summary["targets_met"][k] for k in FAILING) else 1


if __name__ == "__main__":
    if ARGS.peak_child:
        _peak_child(ARGS.peak_child)
        sys.exit(0)
    sys.exit(main())
