"""NumPy .npz, MNIST IDX, CIFAR-10 binary batches and image folders: written small here, read back,
and broken in every way the tests can think of - a clear DataError each time, never a crash."""

from __future__ import annotations

import gzip
import struct

import numpy as np
import pytest

from nnviz.data import DataError, load_dataset
from nnviz.data.images import resize

# ----------------------------------------------------------------- npz


def test_npz_x_y_classification(tmp_path):
    x = np.arange(40, dtype=np.float32).reshape(10, 4)
    y = np.arange(10) % 3
    np.savez(tmp_path / "d.npz", x=x, y=y)
    ds = load_dataset({"kind": "npz", "path": "d.npz", "val_split": 0.2}, base_dir=tmp_path)
    assert ds.task == "classification" and ds.class_names == ["0", "1", "2"]
    assert ds.x_train.shape == (8, 4) and ds.x_train.dtype == np.float64
    both = np.concatenate([ds.x_train, ds.x_val])
    assert sorted(both[:, 0].tolist()) == x[:, 0].tolist()
    # Rows stay paired with their labels through the shuffle.
    np.testing.assert_array_equal(ds.y_train, (ds.x_train[:, 0] / 4).astype(int) % 3)


def test_npz_keras_layout_uint8_images_channels_and_test_split(tmp_path):
    rng = np.random.default_rng(0)
    x_train = rng.integers(0, 256, (12, 6, 5), dtype=np.uint8)
    x_test = rng.integers(0, 256, (4, 6, 5), dtype=np.uint8)
    np.savez(tmp_path / "mnist.npz", x_train=x_train, y_train=np.arange(12) % 10,
             x_test=x_test, y_test=np.arange(4))
    ds = load_dataset({"kind": "npz", "path": str(tmp_path / "mnist.npz")})
    assert ds.x_train.shape == (12, 1, 6, 5) and ds.x_val.shape == (4, 1, 6, 5)
    np.testing.assert_allclose(ds.x_val[:, 0], x_test / 255.0)
    assert ds.x_train.max() <= 1.0 and ds.is_image


def test_npz_channels_last_colour_images_become_chw(tmp_path):
    x = np.zeros((3, 8, 8, 3), dtype=np.uint8)
    x[:, :, :, 2] = 255  # blue
    np.savez(tmp_path / "c.npz", x=x, y=np.array([0, 1, 0]))
    ds = load_dataset({"kind": "npz", "path": str(tmp_path / "c.npz"), "val_split": 0})
    assert ds.sample_shape == (3, 8, 8)
    np.testing.assert_allclose(ds.x_train[:, 2], 1.0)
    np.testing.assert_allclose(ds.x_train[:, :2], 0.0)


def test_npz_regression_and_chosen_keys(tmp_path):
    np.savez(tmp_path / "r.npz", inputs=np.ones((5, 2)), out=np.linspace(0, 1, 5))
    ds = load_dataset({"kind": "npz", "path": str(tmp_path / "r.npz"), "x": "inputs", "y": "out",
                       "val_split": 0})
    assert ds.task == "regression" and ds.y_train.shape == (5, 1)


@pytest.mark.parametrize(("arrays", "options", "words"), [
    ({"a": np.ones((3, 2)), "b": np.zeros(3)}, {}, "has arrays a, b; name the inputs"),
    ({"x": np.ones((3, 2)), "y": np.zeros(4)}, {}, "'x' has 3 samples but 'y' has 4"),
    ({"x": np.ones(3), "y": np.zeros(3)}, {}, "one row per sample"),
    ({"x": np.ones((3, 2)), "y": np.zeros(3)}, {"x": "inputs"}, "has no array 'inputs'"),
    ({"x": np.full((3, 2), np.nan), "y": np.zeros(3, int)}, {}, "NaN or infinite"),
    ({"x": np.ones((3, 2)), "y": np.array([0, -1, 1])}, {}, "'y': class ids count from 0, but one is -1"),
    ({"x": np.ones((3, 2)), "y": np.full(3, 0.5)}, {"task": "classification"}, "must be whole numbers"),
    ({"x": np.ones((3, 2)), "y": np.array([0, 10**12, 1])}, {}, "class id 1e\\+12 is too large"),
    ({"x": np.ones((3, 2), complex), "y": np.zeros(3, int)}, {}, "complex numbers"),
    ({"x": np.array([["a", "b"]] * 3), "y": np.zeros(3)}, {}, "must be numbers"),
    ({"x": np.ones((2, 2)), "y": np.zeros(2, int)}, {"class_names": ["only"], "y": "y"}, None),
])
def test_npz_problems_are_explained(tmp_path, arrays, options, words):
    np.savez(tmp_path / "bad.npz", **arrays)
    spec = {"kind": "npz", "path": str(tmp_path / "bad.npz"), "val_split": 0, **options}
    if words is None:
        assert load_dataset(spec).class_names == ["only"]
        return
    with pytest.raises(DataError, match=words):
        load_dataset(spec)


def test_npz_with_pickled_objects_is_refused_not_executed(tmp_path):
    np.savez(tmp_path / "obj.npz", x=np.array([{"a": 1}, None], dtype=object), y=np.zeros(2))
    with pytest.raises(DataError, match=r"pickled data.*can run code"):
        load_dataset({"kind": "npz", "path": str(tmp_path / "obj.npz")})


def test_npz_broken_truncated_npy_and_missing(tmp_path):
    np.savez(tmp_path / "ok.npz", x=np.ones((50, 3)), y=np.zeros(50))
    data = (tmp_path / "ok.npz").read_bytes()
    (tmp_path / "cut.npz").write_bytes(data[: len(data) // 2])
    (tmp_path / "text.npz").write_text("x,y\n1,2\n")
    np.save(tmp_path / "single.npy", np.ones((3, 2)))
    for name, words in [("cut.npz", "not a valid .npz"), ("text.npz", "not a valid .npz"),
                        ("single.npy", "single array"), ("missing.npz", "does not exist")]:
        with pytest.raises(DataError, match=words):
            load_dataset({"kind": "npz", "path": str(tmp_path / name)})


# ----------------------------------------------------------------- IDX (MNIST)


def idx_bytes(array: np.ndarray, type_code: int = 0x08) -> bytes:
    header = struct.pack(">BBBB", 0, 0, type_code, array.ndim) + struct.pack(f">{array.ndim}I", *array.shape)
    return header + array.astype(">u1" if type_code == 0x08 else ">f4").tobytes()


def write_mnist(folder, n=20, n_test=6, gz=True, seed=0):
    rng = np.random.default_rng(seed)
    folder.mkdir(exist_ok=True)
    images = rng.integers(0, 256, (n, 28, 28), dtype=np.uint8)
    labels = (np.arange(n) % 10).astype(np.uint8)
    test_images = rng.integers(0, 256, (n_test, 28, 28), dtype=np.uint8)
    test_labels = (np.arange(n_test) % 10).astype(np.uint8)
    for name, arr in [("train-images-idx3-ubyte", images), ("train-labels-idx1-ubyte", labels),
                      ("t10k-images-idx3-ubyte", test_images), ("t10k-labels-idx1-ubyte", test_labels)]:
        data = idx_bytes(arr)
        if gz:
            (folder / f"{name}.gz").write_bytes(gzip.compress(data))
        else:
            (folder / name).write_bytes(data)
    return images, labels, test_images


@pytest.mark.parametrize("gz", [True, False])
def test_mnist_folder_gz_or_raw_with_t10k_as_validation(tmp_path, gz):
    images, labels, test_images = write_mnist(tmp_path / "m", gz=gz)
    ds = load_dataset({"kind": "mnist", "folder": "m"}, base_dir=tmp_path)
    assert ds.x_train.shape == (20, 1, 28, 28) and ds.x_val.shape == (6, 1, 28, 28)
    np.testing.assert_allclose(ds.x_val[:, 0], test_images / 255.0)
    # The training part is shuffled, but each image keeps its own label.
    for img, label in zip(ds.x_train, ds.y_train, strict=True):
        matches = np.nonzero(np.all(np.isclose(images / 255.0, img[0]), axis=(1, 2)))[0]
        assert labels[matches[0]] == label
    assert ds.class_names == [str(d) for d in range(10)]


def test_mnist_explicit_files_flat_limit_and_fashion_names(tmp_path):
    write_mnist(tmp_path, n=30, gz=False)
    spec = {"kind": "fashion_mnist", "images": str(tmp_path / "train-images-idx3-ubyte"),
            "labels": str(tmp_path / "train-labels-idx1-ubyte"), "flat": True, "limit": 10, "val_split": 0.2}
    ds = load_dataset(spec)
    assert ds.x_train.shape == (8, 784) and ds.x_val.shape == (2, 784)
    assert ds.class_names[0] == "T-shirt/top" and ds.class_names[9] == "Ankle boot"


def test_idx_non_uint8_types_are_read(tmp_path):
    arr = np.linspace(0, 2, 2 * 3 * 4).reshape(2, 3, 4)
    (tmp_path / "img").write_bytes(idx_bytes(arr, 0x0D))
    (tmp_path / "lab").write_bytes(idx_bytes(np.array([1, 0])))
    ds = load_dataset({"kind": "mnist", "images": str(tmp_path / "img"), "labels": str(tmp_path / "lab"),
                       "val_split": 0})
    assert ds.sample_shape == (1, 3, 4) and ds.x_train.max() == pytest.approx(1.0)


def _mnist_spec(tmp_path):
    return {"kind": "mnist", "images": str(tmp_path / "img"), "labels": str(tmp_path / "lab"), "val_split": 0}


@pytest.mark.parametrize(("images", "labels", "words"), [
    (b"\x08\x03\x00\x00" + b"\x00" * 20, None, r"magic number is 0x08030000, expected 0x00000803"),
    (b"\x00", None, "too short"),
    (b"", None, "too short"),
    (b"\x00\x00\x08\x03\x00\x00", None, "truncated inside its header"),
    (idx_bytes(np.zeros((3, 4, 4)))[:-5], None, r"truncated: its header promises \(3, 4, 4\)"),
    (idx_bytes(np.zeros((3, 4, 4))) + b"xx", None, "2 bytes more"),
    (gzip.compress(idx_bytes(np.zeros((3, 4, 4))), mtime=0)[:-12], None, "gzip data is broken or truncated"),
    (b"\x1f\x8bnot really gzip", None, "gzip data is broken"),
    (idx_bytes(np.zeros(3)), None, "is this a labels file"),
    (idx_bytes(np.zeros((3, 4, 4))), idx_bytes(np.zeros((3, 4, 4))), "is this an images file"),
    (idx_bytes(np.zeros((3, 4, 4))), idx_bytes(np.zeros(2)), "has 3 images but lab has 2 labels"),
])
def test_broken_idx_files_are_explained(tmp_path, images, labels, words):
    (tmp_path / "img").write_bytes(images)
    (tmp_path / "lab").write_bytes(labels if labels is not None else idx_bytes(np.zeros(3)))
    with pytest.raises(DataError, match=words):
        load_dataset(_mnist_spec(tmp_path))


def test_mnist_missing_files_and_folders(tmp_path):
    with pytest.raises(DataError, match="does not exist"):
        load_dataset(_mnist_spec(tmp_path))
    with pytest.raises(DataError, match="no such folder"):
        load_dataset({"kind": "mnist", "folder": str(tmp_path / "nowhere")})
    (tmp_path / "empty").mkdir()
    with pytest.raises(DataError, match="has no train-images-idx3-ubyte"):
        load_dataset({"kind": "mnist", "folder": str(tmp_path / "empty")})
    with pytest.raises(DataError, match="needs 'images'"):
        load_dataset({"kind": "mnist"})


# ----------------------------------------------------------------- CIFAR-10


def cifar_bytes(labels, seed=0):
    rng = np.random.default_rng(seed)
    images = rng.integers(0, 256, (len(labels), 3072), dtype=np.uint8)
    return np.c_[np.array(labels, dtype=np.uint8), images].tobytes(), images


def test_cifar_folder_batches_and_test_batch(tmp_path):
    folder = tmp_path / "cifar-10-batches-bin"
    folder.mkdir()
    data1, img1 = cifar_bytes([0, 1, 2], seed=1)
    data2, _ = cifar_bytes([3, 4], seed=2)
    test, img_t = cifar_bytes([9, 8], seed=3)
    (folder / "data_batch_1.bin").write_bytes(data1)
    (folder / "data_batch_2.bin").write_bytes(data2)
    (folder / "test_batch.bin").write_bytes(test)
    (folder / "batches.meta.txt").write_text("\n".join(f"c{i}" for i in range(10)) + "\n\n")
    ds = load_dataset({"kind": "cifar10", "folder": str(folder)})
    assert ds.x_train.shape == (5, 3, 32, 32) and ds.x_val.shape == (2, 3, 32, 32)
    assert sorted(ds.y_train.tolist()) == [0, 1, 2, 3, 4] and ds.y_val.tolist() == [9, 8]
    # Channel-major layout: the first 1024 bytes of a record are the red plane, row by row.
    np.testing.assert_allclose(ds.x_val[0, 0, 0, :], img_t[0, :32] / 255.0)
    np.testing.assert_allclose(ds.x_val[0, 1, 0, 0], img_t[0, 1024] / 255.0)
    first = ds.x_train[list(ds.y_train).index(0)]
    np.testing.assert_allclose(first.reshape(-1), img1[0] / 255.0)
    assert ds.class_names == [f"c{i}" for i in range(10)]


def test_cifar_explicit_files_standard_names(tmp_path):
    (tmp_path / "b.bin").write_bytes(cifar_bytes([0, 1, 2, 3, 4])[0])
    ds = load_dataset({"kind": "cifar10", "files": ["b.bin"], "val_split": 0.4}, base_dir=tmp_path)
    assert len(ds.x_train) == 3 and len(ds.x_val) == 2 and ds.class_names[0] == "airplane"


@pytest.mark.parametrize(("data", "words"), [
    (b"", "is empty"),
    (cifar_bytes([1, 2])[0][:-100], r"not a whole number of 3073-byte records.*the last record has 2973 bytes"),
    (cifar_bytes([1, 12])[0], "record 2 has label 12"),
    (b"\x80\x02}q\x00(X\x04\x00\x00\x00data", "Python \\(pickle\\) version"),
])
def test_broken_cifar_files_are_explained(tmp_path, data, words):
    (tmp_path / "bad.bin").write_bytes(data)
    with pytest.raises(DataError, match=words):
        load_dataset({"kind": "cifar10", "files": [str(tmp_path / "bad.bin")]})


def test_cifar_option_problems(tmp_path):
    with pytest.raises(DataError, match="'files' must be a list"):
        load_dataset({"kind": "cifar10", "files": []})
    (tmp_path / "f").mkdir()
    with pytest.raises(DataError, match="no data_batch_"):
        load_dataset({"kind": "cifar10", "folder": str(tmp_path / "f")})


# ----------------------------------------------------------------- image folders


def write_ppm(path, rgb):
    h, w, _ = rgb.shape
    path.write_bytes(f"P6 {w} {h} 255\n".encode() + rgb.astype(np.uint8).tobytes())


def decode_ppm(path):
    """A tiny decoder for the binary PPMs these tests write (stands in for Qt's or Pillow's)."""
    data = path.read_bytes()
    magic, w, h, _, rest = data.split(maxsplit=4)
    if magic != b"P6":
        raise ValueError("not a PPM")
    return np.frombuffer(rest, np.uint8).reshape(int(h), int(w), 3)


def make_folder(root, sizes=((12, 10), (6, 6), (20, 30))):
    for cls, colour in [("red", (255, 0, 0)), ("blue", (0, 0, 255))]:
        (root / cls).mkdir(parents=True)
        for i, (h, w) in enumerate(sizes):
            write_ppm(root / cls / f"{i}.ppm", np.full((h, w, 3), colour))
        (root / cls / "notes.txt").write_text("not an image")
    (root / ".hidden").mkdir()


def test_image_folder_classes_resized(tmp_path):
    make_folder(tmp_path / "pics")
    ds = load_dataset({"kind": "image_folder", "path": "pics", "size": [8, 8], "val_split": 0},
                      base_dir=tmp_path, decode=decode_ppm)
    assert ds.class_names == ["blue", "red"]
    assert ds.x_train.shape == (6, 3, 8, 8)
    for img, label in zip(ds.x_train, ds.y_train, strict=True):
        expected = [0, 0, 1] if label == 0 else [1, 0, 0]
        np.testing.assert_allclose(img.mean(axis=(1, 2)), expected, atol=1e-12)


def test_image_folder_grayscale(tmp_path):
    make_folder(tmp_path / "pics")
    ds = load_dataset({"kind": "image_folder", "path": str(tmp_path / "pics"), "size": 4, "grayscale": True,
                       "val_split": 0}, decode=decode_ppm)
    assert ds.sample_shape == (1, 4, 4)
    red = ds.x_train[ds.y_train == 1]
    np.testing.assert_allclose(red, 0.299)


def test_resize_keeps_a_gradient_and_constant_images():
    ramp = np.tile(np.linspace(0, 1, 64)[None, :, None], (16, 1, 1))
    small = resize(ramp, 4, 8)
    assert small.shape == (4, 8, 1)
    assert np.all(np.diff(small[0, :, 0]) > 0)
    np.testing.assert_allclose(resize(np.full((7, 9, 3), 0.25), 20, 13), 0.25)


@pytest.mark.parametrize(("setup", "words"), [
    ("none", "no such folder"),
    ("flat", "needs one sub-folder per class"),
    ("empty_class", "class folder 'b' .* has no images"),
    ("broken_image", r"b[/\\]x.ppm: cannot read this image"),
])
def test_image_folder_problems(tmp_path, setup, words):
    root = tmp_path / "pics"
    if setup != "none":
        root.mkdir()
        write_ppm(root / "loose.ppm", np.zeros((2, 2, 3)))
    if setup in ("empty_class", "broken_image"):
        (root / "a").mkdir()
        (root / "b").mkdir()
        write_ppm(root / "a" / "ok.ppm", np.zeros((2, 2, 3)))
    if setup == "broken_image":
        (root / "b" / "x.ppm").write_bytes(b"P5 garbage")
    with pytest.raises(DataError, match=words):
        load_dataset({"kind": "image_folder", "path": str(root)}, decode=decode_ppm)


def test_image_folder_without_a_decoder_says_how_to_get_one(tmp_path, monkeypatch):
    import builtins

    real_import = builtins.__import__

    def no_pillow(name, *args, **kwargs):
        if name == "PIL" or name.startswith("PIL."):
            raise ImportError("no PIL here")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", no_pillow)
    monkeypatch.setattr("nnviz.data.images._default_decoder", None)
    make_folder(tmp_path / "pics")
    with pytest.raises(DataError, match="pip install pillow"):
        load_dataset({"kind": "image_folder", "path": str(tmp_path / "pics")})


def test_a_default_decoder_is_used_when_none_is_passed(tmp_path, monkeypatch):
    from nnviz.data import images

    monkeypatch.setattr(images, "_default_decoder", None)
    images.set_default_decoder(decode_ppm)
    make_folder(tmp_path / "pics")
    ds = load_dataset({"kind": "image_folder", "path": str(tmp_path / "pics"), "size": 4})
    assert ds.class_names == ["blue", "red"]


@pytest.mark.parametrize("size", [[0, 4], [4], "big", [4, 1000], True])
def test_image_folder_bad_size(tmp_path, size):
    make_folder(tmp_path / "pics")
    with pytest.raises(DataError, match="'size' must be"):
        load_dataset({"kind": "image_folder", "path": str(tmp_path / "pics"), "size": size}, decode=decode_ppm)
