"""Finding the guides' data sets the learner already has (Keras' cache, torchvision's folders, a chosen
folder, what nnviz fetched), saying where each came from, and the "known" kind's stand-in until then."""

from __future__ import annotations

import pickle
from pathlib import Path

import numpy as np
import pytest

from nnviz.data import DataError, load_dataset
from nnviz.data.cifar_python import read_python_batch
from nnviz.data.locate import CHOSEN, FETCHED, KERAS, TORCHVISION, find_copies
from tests.loopback import cifar_python_batch, mnist_files


@pytest.fixture
def home(tmp_path, monkeypatch) -> Path:
    """An empty home folder, Keras home and nnviz data folder, and a working folder without ./data."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.delenv("KERAS_HOME", raising=False)
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "nnviz-data"))
    (tmp_path / "work").mkdir()
    monkeypatch.chdir(tmp_path / "work")
    (tmp_path / "home").mkdir()
    return tmp_path / "home"


def write_files(folder: Path, files: dict[str, bytes]) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for name, data in files.items():
        (folder / name).write_bytes(data)
    return folder


def keras_mnist_npz(path: Path, n: int = 50) -> None:
    rng = np.random.default_rng(1)
    path.parent.mkdir(parents=True, exist_ok=True)
    np.savez(path, x_train=rng.integers(0, 256, (n, 28, 28), dtype=np.uint8), y_train=rng.integers(0, 10, n),
             x_test=rng.integers(0, 256, (10, 28, 28), dtype=np.uint8), y_test=rng.integers(0, 10, 10))


def cifar_py_folder(folder: Path, n: int = 4) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    for i in range(1, 6):
        (folder / f"data_batch_{i}").write_bytes(cifar_python_batch(n, seed=i))
    (folder / "test_batch").write_bytes(cifar_python_batch(n, seed=9))
    return folder


def test_nothing_found_in_an_empty_home(home):
    for name in ("mnist", "fashion-mnist", "cifar10"):
        assert find_copies(name) == []


def test_keras_cache_is_found_and_loaded_for_each_set(home):
    datasets = home / ".keras" / "datasets"
    keras_mnist_npz(datasets / "mnist.npz")
    write_files(datasets / "fashion-mnist", mnist_files(30, 10, seed=2))
    cifar_py_folder(datasets / "cifar-10-batches-py")
    for name, shape in (("mnist", (50, 1, 28, 28)), ("fashion-mnist", (30, 1, 28, 28)), ("cifar10", (20, 3, 32, 32))):
        copies = find_copies(name)
        assert [c.origin for c in copies] == [KERAS], name
        ds = load_dataset({"kind": "known", "name": name})
        assert ds.x_train.shape == shape, name
        assert "Keras' cache" in ds.description and str(datasets) in ds.description


def test_torchvision_raw_folders_are_found(home):
    write_files(home / "data" / "MNIST" / "raw", mnist_files(20, 5))
    write_files(home / "data" / "FashionMNIST" / "raw", mnist_files(20, 5, seed=3))
    cifar_py_folder(home / "data" / "cifar-10-batches-py")
    for name in ("mnist", "fashion-mnist", "cifar10"):
        copies = find_copies(name)
        assert [c.origin for c in copies] == [TORCHVISION], name
    ds = load_dataset({"kind": "known", "name": "fashion-mnist", "flat": True})
    assert ds.x_train.shape == (20, 784) and ds.class_names[0] == "T-shirt/top"


def test_an_incomplete_copy_does_not_count(home):
    files = mnist_files(20, 5)
    del files["t10k-labels-idx1-ubyte.gz"]
    write_files(home / "data" / "MNIST" / "raw", files)
    assert find_copies("mnist") == []


def test_a_chosen_folder_comes_first_and_says_so(home, tmp_path):
    keras_mnist_npz(home / ".keras" / "datasets" / "mnist.npz")
    mine = write_files(tmp_path / "my mnist", mnist_files(25, 5))
    copies = find_copies("mnist", [mine])
    assert [c.origin for c in copies] == [CHOSEN, KERAS]
    ds = load_dataset({"kind": "known", "name": "mnist", "folder": str(mine)})
    assert len(ds.x_train) == 25 and "the folder you chose" in ds.description


def test_what_nnviz_fetched_is_found(home, tmp_path):
    write_files(tmp_path / "nnviz-data" / "mnist", mnist_files(15, 5))
    assert [c.origin for c in find_copies("mnist")] == [FETCHED]


def test_without_the_set_the_stand_in_is_used_and_the_description_says_how_to_fetch(home):
    ds = load_dataset({"kind": "known", "name": "mnist", "fallback": {"kind": "digits", "limit": 100}})
    assert ds.x_train.shape[1:] == (1, 8, 8)
    assert "not on this computer" in ds.description and "nnviz data fetch mnist" in ds.description
    assert "8x8 handwritten digits" in ds.description


def test_without_the_set_or_a_stand_in_the_message_says_what_to_do(home):
    with pytest.raises(DataError, match="nnviz data fetch cifar10"):
        load_dataset({"kind": "known", "name": "cifar10"})
    with pytest.raises(DataError, match="can fetch: mnist, fashion-mnist, cifar10"):
        load_dataset({"kind": "known", "name": "imagenet"})


class _Boom:
    def __reduce__(self):
        return (print, ("this must never run",))


def test_a_python_batch_that_would_run_code_is_refused(tmp_path, capsys):
    path = tmp_path / "data_batch_1"
    path.write_bytes(pickle.dumps({b"data": _Boom(), b"labels": [1]}, protocol=2))
    with pytest.raises(DataError, match=r"print, which plain data never needs"):
        read_python_batch(path)
    assert "must never run" not in capsys.readouterr().out


def test_a_python_batch_reads_as_images_and_labels(tmp_path):
    path = tmp_path / "b"
    path.write_bytes(cifar_python_batch(3, seed=4))
    x, y = read_python_batch(path)
    original = pickle.loads(cifar_python_batch(3, seed=4))
    assert x.shape == (3, 3, 32, 32) and x.dtype == np.uint8
    assert np.array_equal(x.reshape(3, -1), original[b"data"]) and y.tolist() == original[b"labels"]


def test_python_batches_beyond_the_memory_budget_are_refused_before_conversion(tmp_path, monkeypatch):
    """Each file is bounded, but as float64 the images take 8x their bytes: the budget is checked first."""
    folder = cifar_py_folder(tmp_path / "cifar-10-batches-py", n=40)  # 240 images, about 17 MB as numbers
    monkeypatch.setenv("NNVIZ_MEMORY_BUDGET", "4MB")
    with pytest.raises(DataError, match=r"240 CIFAR-10 images would need .* use a part \(the 'limit' option\)"):
        load_dataset({"kind": "cifar10_python", "folder": str(folder)})
    ds = load_dataset({"kind": "cifar10_python", "folder": str(folder), "limit": 10})  # a part fits
    assert ds.x_train.shape == (10, 3, 32, 32)


# ------------------------------------------------------------------ the pickle-free reader of plain data
@pytest.mark.parametrize("protocol", [0, 1, 2, 3, 4])
def test_plain_data_reads_as_pickle_would_read_it(protocol):
    from nnviz.data.pickle_data import loads_data

    rng = np.random.default_rng(protocol)
    value = {b"data": rng.integers(0, 256, (3, 12), dtype=np.uint8), "labels": [1, 2, 300, -5, 2**40],
             "t": (1.5, None, True, False), "f": [b"a.png", "b\u00e9"], "big": rng.standard_normal((2, 3)),
             "fortran": np.asfortranarray(np.arange(6, dtype=">i4").reshape(2, 3)), "empty": {}}
    got = loads_data(pickle.dumps(value, protocol=protocol))
    want = pickle.loads(pickle.dumps(value, protocol=protocol))
    assert got.keys() == want.keys()
    for key, expected in want.items():
        if isinstance(expected, np.ndarray):
            # (pickle itself may hand back a non-native byte order as native: same numbers either way)
            assert got[key].dtype.newbyteorder("=") == expected.dtype.newbyteorder("="), key
            assert np.array_equal(got[key], expected), key
        else:
            assert got[key] == expected, key


def test_a_python2_cifar_batch_stream_reads():
    """The bytes the original CIFAR-10 files start with (Python 2, protocol 2, str as SHORT_BINSTRING)."""
    from nnviz.data.pickle_data import loads_data

    raw = (b"\x80\x02}q\x01(U\x06labelsq\x02]q\x03(K\x06K\te"
           b"U\x04dataq\x04cnumpy.core.multiarray\n_reconstruct\nq\x05cnumpy\nndarray\nq\x06K\x00\x85U\x01b\x87R"
           b"q\x07(K\x01K\x02K\x02\x86cnumpy\ndtype\nq\x08U\x02u1K\x00K\x01\x87Rq\t(K\x03U\x01|NNNJ\xff\xff\xff\xff"
           b"J\xff\xff\xff\xffK\x00tb\x89U\x04\x01\x02\x03\x04tbu.")
    batch = loads_data(raw)
    assert batch[b"labels"] == [6, 9]
    assert batch[b"data"].dtype == np.uint8 and batch[b"data"].tolist() == [[1, 2], [3, 4]]


@pytest.mark.parametrize("payload", [
    pickle.dumps(_Boom(), protocol=2),
    b"cos\nsystem\n(S'echo hacked'\ntR.",
    pickle.dumps([1, 2, 3])[:-3],
    b"\x80\x02K\x01K\x02R.",
])
def test_anything_but_plain_data_is_refused_without_running(payload, capsys):
    from nnviz.data.pickle_data import PickleDataError, loads_data

    with pytest.raises(PickleDataError):
        loads_data(payload)
    assert "must never run" not in capsys.readouterr().out


def test_a_full_idx_copy_loads_once_as_float32_with_the_same_pixels_as_the_mnist_kind(home, tmp_path):
    mine = write_files(tmp_path / "mine", mnist_files(30, 8, seed=5))
    fast = load_dataset({"kind": "known", "name": "mnist", "folder": str(mine)})
    plain = load_dataset({"kind": "mnist", "folder": str(mine)})  # float64, shuffled by its seed
    assert fast.x_train.dtype == np.float32 and fast.x_train.shape == (30, 1, 28, 28)
    order = np.lexsort(fast.x_train.reshape(30, -1).T)
    plain_order = np.lexsort(plain.x_train.reshape(30, -1).T)
    assert np.allclose(fast.x_train[order], plain.x_train[plain_order], atol=1e-7)
    assert np.array_equal(fast.y_train[order], plain.y_train[plain_order])
    assert np.allclose(fast.x_val, plain.x_val, atol=1e-7) and np.array_equal(fast.y_val, plain.y_val)


# ------------------------------------------------------------------ the seed examples offer the real sets
def _example(name: str):
    from nnviz.io import load

    return load(Path(__file__).resolve().parent.parent / "resources" / "examples" / f"{name}.nnviz")


def test_the_examples_offer_their_real_set_and_say_it_is_not_here_yet(home):
    from nnviz.data.guide_offer import real_offer

    for name, key in (("seed-mnist-mlp", "mnist"), ("seed-lenet", "cifar10")):
        doc = _example(name)
        offer = real_offer(doc.data)
        assert offer is not None and offer.known.key == key and offer.copy is None
        assert doc.data["kind"] in ("digits", "shapes")  # the stand-in is what they train on until then
        assert "stand" in doc.description["en"] and f"nnviz data fetch {key}" in doc.description["en"]
    assert real_offer({"kind": "digits"}) is None


def test_using_real_mnist_makes_the_mlp_the_guides_network_with_the_guides_settings(home):
    from nnviz.data.guide_offer import real_offer, use_real
    from nnviz.engine.session import Session

    keras_mnist_npz(home / ".keras" / "datasets" / "mnist.npz", n=64)
    doc = _example("seed-mnist-mlp")
    offer = real_offer(doc.data)
    assert offer.copy is not None and offer.copy.origin == KERAS
    use_real(doc, offer)
    assert doc.data == {"kind": "known", "name": "mnist"}
    assert doc.analysis().shapes[doc.node_by_name("flatten").id] == (784,)
    assert (doc.training.batch_size, doc.training.lr) == (32, 0.001)
    session = Session(doc)
    assert session.x_train.shape == (64, 1, 28, 28) and np.isfinite(session.step_batch())


def test_using_real_cifar10_gives_lenet_the_guides_learning_rate(home):
    from nnviz.data.guide_offer import real_offer, use_real
    from nnviz.engine.session import Session

    cifar_py_folder(home / "data" / "cifar-10-batches-py")
    doc = _example("seed-lenet")
    assert doc.training.lr == 0.003
    offer = real_offer(doc.data)
    assert offer.copy is not None and offer.copy.origin == TORCHVISION
    use_real(doc, offer)
    assert doc.training.lr == 0.001 and doc.training.batch_size == 4
    session = Session(doc)
    assert session.x_train.shape == (20, 3, 32, 32) and np.isfinite(session.step_batch())
