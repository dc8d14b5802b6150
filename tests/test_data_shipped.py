"""The shipped digits and the generated colour shapes."""

from __future__ import annotations

import hashlib

import numpy as np
import pytest

from nnviz.data import DataError, load_dataset
from nnviz.data.shapes import SHAPE_NAMES, make_shapes
from nnviz.resources import resource_path


def test_digits_file_and_its_notice_ship():
    data = resource_path("data", "digits", "digits.csv.gz").read_bytes()
    notice = resource_path("data", "digits", "NOTICE.txt").read_text("utf-8")
    assert hashlib.sha256(data).hexdigest() in notice
    assert "BSD 3-Clause" in notice and "Alpaydin" in notice and "UCI" in notice


def test_digits_are_1797_images_in_0_1():
    ds = load_dataset({"kind": "digits", "val_split": 0.0})
    assert ds.x_train.shape == (1797, 1, 8, 8) and ds.is_image
    assert ds.x_train.min() == 0.0 and ds.x_train.max() == 1.0
    assert ds.class_names == [str(d) for d in range(10)]
    counts = ds.class_counts()
    assert sum(counts) == 1797 and min(counts) >= 170


def test_digits_flat_split_and_limit():
    ds = load_dataset({"kind": "digits", "flat": True, "val_split": 0.25, "seed": 4})
    assert ds.x_train.shape == (1348, 64) and ds.x_val.shape == (449, 64)
    assert len(ds.feature_names) == 64
    small = load_dataset({"kind": "digits", "limit": 100, "val_split": 0.1})
    assert len(small.x_train) + len(small.x_val) == 100


def test_digits_a_zero_looks_like_a_ring():
    ds = load_dataset({"kind": "digits", "val_split": 0.0})
    zeros = ds.x_train[ds.y_train == 0][:, 0].mean(axis=0)
    # A mean "0" is bright around the edge of its box and dark in the middle.
    assert zeros[3:5, 2].mean() > 0.6 and zeros[3:5, 5].mean() > 0.5
    assert zeros[3:5, 3:5].mean() < 0.15


def test_digits_bad_option():
    with pytest.raises(DataError, match="'flat' must be true or false"):
        load_dataset({"kind": "digits", "flat": "yes"})


def test_shapes_images_classes_and_determinism():
    ds = load_dataset({"kind": "shapes", "n": 200, "seed": 1})
    assert ds.x_train.shape == (160, 3, 32, 32) and ds.x_val.shape == (40, 3, 32, 32)
    assert ds.class_names == SHAPE_NAMES and len(SHAPE_NAMES) == 10
    assert ds.x_train.min() >= 0.0 and ds.x_train.max() <= 1.0
    all_y = np.concatenate([ds.y_train, ds.y_val])
    assert np.bincount(all_y).tolist() == [20] * 10
    again = load_dataset({"kind": "shapes", "n": 200, "seed": 1})
    np.testing.assert_array_equal(ds.x_train, again.x_train)
    other = load_dataset({"kind": "shapes", "n": 200, "seed": 2})
    assert not np.array_equal(ds.x_train, other.x_train)


def test_shapes_are_two_coloured_without_noise_and_distinct_by_class():
    x, y = make_shapes(100, noise=0.0, seed=0)
    for img in x[:10]:
        assert len(np.unique(img.reshape(3, -1).T, axis=0)) == 2  # shape colour and background
    # Masks differ between classes: the fraction of shape pixels is not the same for a ring and a disc.
    fg_fraction = []
    for k in (0, 4):
        imgs = x[y == k]
        corner = imgs[:, :, :1, :1]
        fg_fraction.append(np.mean(np.any(np.abs(imgs - corner) > 1e-9, axis=1)))
    assert fg_fraction[0] > fg_fraction[1]


def _fill_ratio(img):
    """Shape pixels over the area of the shape's bounding box (noise-free image)."""
    fg = np.any(np.abs(img - img[:, :1, :1]) > 1e-9, axis=0)
    rows, cols = np.nonzero(fg.any(axis=1))[0], np.nonzero(fg.any(axis=0))[0]
    box = fg[rows[0]:rows[-1] + 1, cols[0]:cols[-1] + 1]
    return fg.sum() / box.size, box


def test_shapes_are_drawn_as_their_names_say():
    x, y = make_shapes(300, noise=0.0, seed=0)
    ratio = {k: [_fill_ratio(img)[0] for img in x[y == k]] for k in range(10)}
    assert np.allclose(ratio[SHAPE_NAMES.index("square")], 1.0)
    assert 0.7 < np.mean(ratio[SHAPE_NAMES.index("circle")]) < 0.87  # pi/4 on a pixel grid
    for name in ("diamond", "triangle"):
        assert 0.45 < np.mean(ratio[SHAPE_NAMES.index(name)]) < 0.62  # half the box
    for img in x[y == SHAPE_NAMES.index("horiz. bars")][:5]:
        rows = _fill_ratio(img)[1]
        assert not rows.any(axis=1).all() and rows.any(axis=0).all()  # gaps between rows, none across


def test_shapes_options():
    small = load_dataset({"kind": "shapes", "n": 20, "size": 16, "val_split": 0})
    assert small.sample_shape == (3, 16, 16)
    with pytest.raises(DataError, match="'n'"):
        load_dataset({"kind": "shapes", "n": 1})
