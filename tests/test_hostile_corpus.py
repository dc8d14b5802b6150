"""Issue 19's hostile corpus: oversized layers and data sets, devices, pipes and sockets as data paths,
compression bombs, data that disagrees with itself or with the network, misspelled keys. Each file goes
through `nnviz check`, `nnviz train --steps 3`, `nnviz export` and (a subset) the window's open, in
subprocesses under a memory cap (RLIMIT_AS) and a timeout: no traceback, no hang, no run over the cap,
and a message that says what is wrong.

Commands run in batches (tests/hostile_runner.py: one process per command kind, one JSON line per file)
so the corpus costs a few interpreter start-ups, not hundreds.
"""

from __future__ import annotations

import gzip
import json
import os
import resource
import subprocess
import sys
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests import hostile_cases as hc

ROOT = Path(__file__).resolve().parent.parent
CLI_CAP = 2 * 2**30  # address space: NumPy and nnviz take ~0.6 GB of it before any data
WINDOW_CAP = 4 * 2**30  # Qt maps more (fonts, the offscreen platform, thread stacks)
BATCH_TIMEOUT = 300  # a whole batch; the runner also stops a single command after 60 s with its stack

# What check (and train) must say for each case: a fragment of the message.
EXPECTED = {
    "input_1e18": "Input 'input' would need more than 1,000 TB",
    "input_1e300": "Input 'input' would need more than 1,000 TB",
    "dense_1e5_by_1e5": "Dense 'dense_1' would need 112 GB for its weights, but nnviz may use about",
    "dense_3000_by_1e5": "Dense 'dense_1' would need 3.35 GB for its weights",
    "lstm_hidden_1e4": "LSTM 'lstm_2' would need 4.47 GB for its weights",
    "embedding_1e6_by_1e5": "Embedding 'embedding_1' would need 1.09 TB for its weights",
    "shapes_40000_size_64": "40,000 colour shapes of 3x64x64 would need",
    "shapes_allowed_maximum": "200,000 colour shapes of 3x128x128 would need",
    "text_maxlen_1e6": "'maxlen' must be from 0 to 10000",
    "generated_huge_n": "'n' must be from 2 to 1000000",
    "batch_size_huge": "batch_size must be a whole number from 1 to 1,000,000",
    "idx_gzip_bomb": "bomb-images-idx3-ubyte.gz holds 120,000 x 28 x 28 values, which would need",
    "npz_bomb": "the arrays in bomb.npz (x 60,000 x 32 x 32 x 3, y 60,000) would need",
    "npz_header_claims_1e12": "x 1,000,000,000,000 x 2",
    "npz_member_not_npy": "the member 'x' is not a NumPy array",
    "npz_member_text_named_npy": "'x.npy' is not a valid .npy array",
    "npz_complex": "'x' holds complex numbers",
    "npz_val_wrong_width": "validation samples (3,) differ from training ones (2,)",
    "npz_nan": "'x' contains NaN or infinite values",
    "npz_class_1e12": "class id 1e+12 is too large; nnviz handles up to 10,000 classes",
    "inline_class_minus_7": "class ids count from 0, but one is -7",
    "inline_class_minus_1": "class ids count from 0, but one is -1",
    "inline_class_1e12": "class id 1e+12 is too large",
    "inline_class_fraction": "class ids must be whole numbers, but one is 1.5",
    "inline_class_text": "class ids must be whole numbers from 0, not text",
    "inline_x_val_wrong_width": "x_val has shape (3,), but each sample of x has shape (2,)",
    "inline_x_val_without_y_val": "needs both 'x_val' and 'y_val'",
    "inline_nan": "NaN is not a JSON number",
    "inline_ragged": "nested lists of equal length",
    "inline_complex_text": "could not convert string to float: '1+2j'",
    "inline_regression_targets_wrong_width": "gives (1,)",
    "text_num_words_0": "has token ids up to 454, but the Embedding 'embedding_1' knows only 100",
    "text_num_words_1e9": "'num_words' must be from 0 to 1000000",
    "text_vocabulary_too_small": "knows only 10 (0..9)",
    "csv_negative_whole_labels": "8 classes",
    "csv_nan": "'nan' is not a finite number",
    "data_key_misspelled": "generated data has no option 'val_split_': did you mean 'val_split'?",
    "training_key_misspelled": "unknown training setting 'batch_sise': did you mean 'batch_size'?",
    "seed_2_64": "seed must be a whole number from 0 to 2,147,483,647",
    "seed_float": "seed must be a whole number",
    "empty_graph": "Training needs exactly one Input node",
    "input_only": "no layer after its Input",
    "nnviz_file_is_fifo": "fifo.nnviz: cannot open: it is not a regular file",
    "nnviz_file_is_dev_zero": "/dev/zero: cannot open: it is not a regular file",
    "png_bomb": "",  # headless without Pillow: "needs ... Pillow"; with it: "is 12,000x12,000 pixels"
}
SPECIAL = {"dev_zero": "is a device", "dev_urandom": "is a device", "fifo": "is a pipe (FIFO)",
           "socket": "is a socket", "folder": ""}
for _place, _words in SPECIAL.items():
    for _kind in ("csv", "npz", "mnist", "cifar", "text", "image_folder"):
        EXPECTED[f"{_kind}_from_{_place}"] = "" if _kind == "image_folder" else _words
# Files that are fine for check: what goes wrong (if anything) only shows when training runs.
VALID = {"npz_val_only", "loss_explodes"}
# The window: every kind of failure once (the whole corpus through Qt would cost a minute of CPU).
WINDOW_CASES = ["dense_1e5_by_1e5", "input_1e300", "png_bomb", "inline_class_minus_7", "npz_member_not_npy",
                "text_num_words_0", "csv_from_fifo", "nnviz_file_is_fifo", "seed_2_64"]


def _cap(limit: int):
    def apply() -> None:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))

    return apply


def run_batch(jobs: list[dict], cap: int, folder: Path) -> dict[str, dict]:
    """Run the jobs in one capped subprocess; {id: result}. Fails naming the job that hung."""
    batch = folder / f"batch-{os.getpid()}-{len(jobs)}-{jobs[0]['id']}.json"
    batch.write_text(json.dumps(jobs), encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if k != "NNVIZ_MEMORY_BUDGET"}  # the budget follows the cap
    env.update(PYTHONPATH=str(ROOT), QT_QPA_PLATFORM="offscreen", OPENBLAS_NUM_THREADS="1")
    proc = subprocess.run([sys.executable, "-m", "tests.hostile_runner", str(batch)], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=BATCH_TIMEOUT, preexec_fn=_cap(cap))
    results: dict[str, dict] = {}
    started = None
    for line in proc.stdout.splitlines():
        record = json.loads(line)
        if record.get("start"):
            started = record["id"]
        else:
            results[record["id"]] = record
    missing = [j["id"] for j in jobs if j["id"] not in results]
    assert not missing, f"the runner stopped in {started!r} (a hang or a crash): {proc.stderr[-3000:]}"
    return results


def problems_of(results: dict[str, dict], expected: dict[str, str] | None = None,
                valid: set[str] = frozenset()) -> list[str]:
    """Every result that escaped with a traceback, exceeded the cap, has no message, or says the wrong thing."""
    found = []
    for name, r in results.items():
        text = r["err"] + r["out"]
        if r["traceback"] or "Traceback" in text:
            found.append(f"{name}: traceback\n{r['traceback'] or text}")
        elif any(w in text for w in ("MemoryError", "Unable to allocate", "could not be loaded:")):
            found.append(f"{name}: ran into the memory cap or the loaders' safety net: {text[-500:]}")
        elif r["rc"] not in (0, 1):
            found.append(f"{name}: exit code {r['rc']}: {text[-500:]}")
        elif r["rc"] == 1 and "error: " not in text:
            found.append(f"{name}: failed without an error message: {text[-500:]}")
        elif expected is not None and name not in valid and r["rc"] != 1:
            found.append(f"{name}: accepted, but it should be refused: {text[-500:]}")
        elif expected is not None and expected.get(name) and expected[name] not in text:
            found.append(f"{name}: expected {expected[name]!r} in the message, got: {text[-500:]}")
    return found


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> dict[str, Path]:
    return hc.make_corpus(tmp_path_factory.mktemp("hostile"))


def test_the_corpus_covers_every_expectation(corpus):
    assert set(corpus) == set(EXPECTED) | VALID


def test_check_reports_every_case_without_allocating(corpus, tmp_path):
    jobs = [{"id": name, "argv": ["check", str(path)]} for name, path in corpus.items()]
    results = run_batch(jobs, CLI_CAP, tmp_path)
    assert problems_of(results, EXPECTED, VALID) == []
    assert results["npz_val_only"]["rc"] == 0  # validation arrays named without x/y are used, not ignored


def test_train_refuses_or_stops_cleanly(corpus, tmp_path):
    jobs = [{"id": name, "argv": ["train", str(path), "--steps", "3"]} for name, path in corpus.items()]
    jobs.append({"id": "loss_explodes_json", "argv": ["train", str(corpus["loss_explodes"]), "--steps", "3",
                                                      "--json"]})
    results = run_batch(jobs, CLI_CAP, tmp_path)
    as_json = results.pop("loss_explodes_json")
    expected = {**EXPECTED, "loss_explodes": "became NaN or infinite"}
    assert problems_of(results, expected, valid={"npz_val_only"}) == []
    # The message has a line of its own (the progress bar is closed first); --json prints strict JSON only.
    err = results["loss_explodes"]["err"].splitlines()
    assert any(line.startswith("error: Step 1: loss became NaN") for line in err)
    lines = as_json["out"].splitlines()
    assert lines and all(json.loads(line, parse_constant=_refuse_constant) for line in lines)
    assert json.loads(lines[-1])["train_loss"] is None


def _refuse_constant(name: str):
    raise AssertionError(f"--json printed {name}, which is not JSON")


def test_export_writes_or_refuses_cleanly(corpus, tmp_path):
    jobs = [{"id": name, "argv": ["export", str(path), "-o", str(tmp_path / name)]} for name, path in corpus.items()]
    results = run_batch(jobs, CLI_CAP, tmp_path)
    assert problems_of(results) == []
    assert "The network is empty" in results["empty_graph"]["err"]
    assert "Dense 'dense_1' would need 112 GB" in results["dense_1e5_by_1e5"]["err"]


def test_the_window_opens_every_kind_of_case(corpus, tmp_path):
    jobs = [{"id": name, "argv": ["--screenshot", str(tmp_path / f"{name}.png"), str(corpus[name])]}
            for name in WINDOW_CASES]
    # Stepping too: token ids beyond the Embedding and a diverging loss must stop with a message, not a traceback.
    jobs += [{"id": f"{name}_steps", "argv": ["--screenshot", str(tmp_path / f"{name}-steps.png"), str(corpus[name]),
                                              "--steps", "12"]} for name in ("text_num_words_0", "loss_explodes")]
    results = run_batch(jobs, WINDOW_CAP, tmp_path)
    assert problems_of(results) == []
    assert results["nnviz_file_is_fifo"]["rc"] == 1  # said on stderr; no dialog waits for a click offscreen
    assert (tmp_path / "dense_1e5_by_1e5.png").stat().st_size > 0


# ------------------------------------------------------------------------- property-based cases
HUGE = st.integers(1, 10**20)
SPECIAL_PATHS = st.sampled_from(["/dev/zero", "/dev/urandom", "/dev/null", "FIFO", "SOCKET", ".", "missing.bin",
                                 "EMPTY", "/etc/hostname"])
KINDS = st.sampled_from(["csv", "npz", "mnist", "cifar", "text", "image_folder"])


@st.composite
def oversized_network(draw) -> dict:
    shape = draw(st.lists(HUGE, min_size=1, max_size=3))
    units = draw(st.integers(1, 100_000))
    return hc.mlp(shape, hidden=units, training={"batch_size": draw(st.integers(1, 1_000_000)),
                                                 "dtype": draw(st.sampled_from(["float32", "float64"]))})


@st.composite
def special_path(draw) -> dict:
    path, kind = draw(SPECIAL_PATHS), draw(KINDS)
    return {"tree": hc.mlp(data=hc._path_specs(path).get(kind) or {"kind": "image_folder", "path": path})}


@st.composite
def idx_bomb(draw) -> dict:
    dims = draw(st.lists(st.integers(0, 2**32 - 1), min_size=1, max_size=4))
    body = draw(st.integers(0, 5000))
    return {"tree": hc.mlp([1, 28, 28]), "idx": (dims, body, draw(st.booleans()))}


@st.composite
def npz_header(draw) -> dict:
    shape = tuple(draw(st.lists(st.integers(0, 10**13), min_size=0, max_size=3)))
    dtype = draw(st.sampled_from(["<f8", "<c16", "|u1", "<i8", "|b1", "<U3", "|O"]))
    return {"tree": hc.mlp(), "npz": (shape, dtype, draw(st.integers(0, 64)))}


@st.composite
def inconsistent_inline(draw) -> dict:
    n = draw(st.integers(0, 4))
    width = draw(st.integers(1, 3))
    cell = st.floats(-1e308, 1e308) | st.integers(-10**14, 10**14)
    x = draw(st.lists(st.lists(cell, min_size=width, max_size=width), min_size=n, max_size=n))
    y = draw(st.lists(st.integers(-10**13, 10**13) | st.floats(-10, 10), min_size=0, max_size=5))
    spec = hc.inline(x, y, task=draw(st.sampled_from(["classification", "regression"])))
    if draw(st.booleans()):
        spec["x_val"] = draw(st.lists(st.lists(cell, min_size=1, max_size=4), min_size=1, max_size=2))
        if draw(st.booleans()):
            spec["y_val"] = draw(st.lists(st.integers(-3, 3), min_size=1, max_size=2))
    return {"tree": hc.mlp([width], data=spec)}


HOSTILE = (oversized_network().map(lambda t: {"tree": t}) | special_path() | idx_bomb() | npz_header()
           | inconsistent_inline())


def _materialise(case: dict, folder: Path, index: int) -> Path:
    """Write a generated case's companion files and its .nnviz; return the .nnviz path."""
    tree = json.loads(json.dumps(case["tree"]))
    data = tree.get("data", {})
    if "idx" in case:
        dims, body, packed = case["idx"]
        raw = bytes([0, 0, 8, len(dims)]) + b"".join(d.to_bytes(4, "big") for d in dims) + bytes(body)
        images = folder / f"g{index}-images"
        images.write_bytes(gzip.compress(raw, 1) if packed else raw)
        tree["data"] = {"kind": "mnist", "images": str(images), "labels": str(hc.idx_labels(folder, 3))}
    if "npz" in case:
        shape, dtype, body = case["npz"]
        path = hc.npz(folder, f"g{index}.npz", {"x.npy": hc.npy_member(shape, dtype, bytes(body)),
                                                "y.npy": hc.npy_member((3,), "<i8", bytes(24))})
        tree["data"] = {"kind": "npz", "path": str(path)}
    for key in ("path", "images", "labels"):
        if data.get(key) in ("FIFO", "SOCKET", "EMPTY"):
            make = {"FIFO": lambda: hc.fifo(folder, "g.fifo"), "SOCKET": lambda: hc.unix_socket(folder, "g.sock"),
                    "EMPTY": lambda: hc._write(folder / "empty", "")}
            data[key] = str(make[data[key]]())
    if isinstance(data.get("files"), list):
        data["files"] = [str(hc.fifo(folder, "g.fifo")) if f == "FIFO" else f for f in data["files"]]
    out = folder / f"generated-{index}.nnviz"
    out.write_text(json.dumps(tree), encoding="utf-8")
    return out


def draw_cases(count: int) -> list[dict]:
    """`count` hostile cases drawn by hypothesis (derandomized: the same cases on every run)."""
    drawn: list[dict] = []

    @settings(max_examples=count, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(HOSTILE)
    def collect(case: dict) -> None:
        drawn.append(case)

    collect()
    return drawn


def test_generated_hostile_files_give_messages(tmp_path):
    cases = draw_cases(60)
    assert len(cases) >= 40
    paths = [_materialise(case, tmp_path, i) for i, case in enumerate(cases)]
    jobs = [{"id": f"{command}-{i}", "argv": [command, str(p)] + (["--steps", "3"] if command == "train" else [])}
            for i, p in enumerate(paths) for command in ("check", "train")]
    results = run_batch(jobs, CLI_CAP, tmp_path)
    found = problems_of(results)
    assert found == [], "\n".join(f"{f}\ncase: {json.dumps(cases[int(f.split('-')[1].split(':')[0])])[:600]}"
                                  for f in found)
