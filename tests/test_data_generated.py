"""Generated data sets: shapes, types, determinism, options, and that each is learnable."""

from __future__ import annotations

import itertools

import numpy as np
import pytest

from nnviz.data import DataError, load_dataset
from nnviz.data.generated import GENERATORS, generate

CLASSIFICATION = ["xor", "circles", "gaussians", "spirals", "moons", "checkerboard"]
REGRESSION = {"sine": 1, "plane": 2}


def test_every_requested_set_is_registered():
    assert set(CLASSIFICATION) | set(REGRESSION) <= set(GENERATORS)


@pytest.mark.parametrize("name", CLASSIFICATION)
def test_classification_sets_are_2d_points_with_int_class_ids(name):
    ds = load_dataset({"kind": "generated", "name": name, "n": 101, "noise": 0.1, "seed": 3, "val_split": 0.2})
    assert ds.task == "classification"
    assert ds.x_train.shape == (81, 2) and ds.x_val.shape == (20, 2)
    assert ds.y_train.dtype == np.int64 and ds.y_train.shape == (81,)
    assert ds.x_train.dtype == np.float64
    assert set(np.unique(np.concatenate([ds.y_train, ds.y_val]))) == {0, 1}
    assert ds.class_names == ["0", "1"] and ds.sample_shape == (2,)
    # Roughly balanced, and inside the [-1, 1]-ish box a default learning rate expects.
    counts = np.bincount(np.concatenate([ds.y_train, ds.y_val]))
    assert counts.min() >= 30
    assert np.abs(ds.x_train).max() < 2.0


@pytest.mark.parametrize(("name", "width"), list(REGRESSION.items()))
def test_regression_sets_have_float_column_targets(name, width):
    ds = load_dataset({"kind": "generated", "name": name, "n": 50, "noise": 0.0, "val_split": 0.0})
    assert ds.task == "regression"
    assert ds.x_train.shape == (50, width)
    assert ds.y_train.shape == (50, 1) and ds.y_train.dtype == np.float64
    assert ds.x_val.shape == (0, width)
    assert ds.target_width == 1 and ds.class_names == []


def test_sine_is_the_sine_of_pi_x_without_noise():
    x, y = generate("sine", n=30, noise=0.0, seed=1)
    np.testing.assert_allclose(y, np.sin(np.pi * x))


def test_plane_is_linear_without_noise():
    x, y = generate("plane", n=30, noise=0.0, seed=1)
    coef, *_ = np.linalg.lstsq(np.c_[x, np.ones(len(x))], y, rcond=None)
    np.testing.assert_allclose(x @ coef[:2] + coef[2], y, atol=1e-12)


@pytest.mark.parametrize("name", list(GENERATORS))
def test_same_seed_same_data_other_seed_other_data(name):
    spec = {"kind": "generated", "name": name, "n": 40, "noise": 0.1, "seed": 5}
    a, b = load_dataset(spec), load_dataset(spec)
    c = load_dataset({**spec, "seed": 6})
    np.testing.assert_array_equal(a.x_train, b.x_train)
    np.testing.assert_array_equal(a.y_train, b.y_train)
    assert not np.array_equal(a.x_train, c.x_train)


def test_noise_moves_points_but_keeps_labels():
    clean = generate("circles", n=200, noise=0.0, seed=2)
    noisy = generate("circles", n=200, noise=0.2, seed=2)
    np.testing.assert_array_equal(clean[1], noisy[1])
    assert np.abs(clean[0] - noisy[0]).mean() > 0.05


def test_circles_separate_by_radius_without_noise():
    x, y = generate("circles", n=300, noise=0.0, seed=0)
    r = np.linalg.norm(x, axis=1)
    assert r[y == 1].max() <= 0.5 < 0.7 <= r[y == 0].min()


def test_checkerboard_cells_option_changes_the_pattern():
    x4, y4 = generate("checkerboard", n=500, seed=0, cells=4)
    x2, y2 = generate("checkerboard", n=500, seed=0, cells=2)
    np.testing.assert_array_equal(x4, x2)
    assert not np.array_equal(y4, y2)
    # cells=2 is XOR: a point whose coordinates differ in sign is class 1.
    np.testing.assert_array_equal(y2, ((x2[:, 0] > 0) != (x2[:, 1] > 0)).astype(np.int64))


def test_val_split_zero_keeps_everything_for_training():
    ds = load_dataset({"kind": "generated", "name": "xor", "n": 64, "val_split": 0})
    assert len(ds.x_train) == 64 and len(ds.x_val) == 0


@pytest.mark.parametrize(("spec", "words"), [
    ({"name": "nope"}, "unknown generated data set 'nope'"),
    ({"name": "xor", "n": -3}, "'n'"),
    ({"name": "xor", "n": "many"}, "'n' must be a whole number"),
    ({"name": "xor", "noise": -1}, "'noise'"),
    ({"name": "xor", "val_split": 1.5}, "'val_split'"),
    ({"name": "checkerboard", "cells": 1}, "'cells'"),
])
def test_bad_options_are_named(spec, words):
    with pytest.raises(DataError, match=words):
        load_dataset({"kind": "generated", **spec})


def _train_mlp(x, y, act, steps=2500, hidden=16, seed=0):
    """A hand-written 2-h-h-1 MLP with Adam (kept independent of the engine under test)."""
    rng = np.random.default_rng(seed)
    sizes = [2, hidden, hidden, 1]
    ws = [rng.normal(0, 1 / np.sqrt(a), (a, b)) for a, b in itertools.pairwise(sizes)]
    bs = [np.zeros(b) for b in sizes[1:]]
    params = ws + bs
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    f = np.tanh if act == "tanh" else (lambda z: np.maximum(z, 0))
    yc = y.astype(float)[:, None]

    def forward(xb):
        acts, zs = [xb], []
        for i in range(3):
            z = acts[-1] @ ws[i] + bs[i]
            zs.append(z)
            acts.append(f(z) if i < 2 else 1 / (1 + np.exp(-z)))
        return acts, zs

    for t in range(1, steps + 1):
        idx = rng.choice(len(x), 32)
        acts, zs = forward(x[idx])
        d = (acts[-1] - yc[idx]) / len(idx)
        gw, gb = [None] * 3, [None] * 3
        for i in (2, 1, 0):
            gw[i], gb[i] = acts[i].T @ d, d.sum(0)
            if i:
                d = (d @ ws[i].T) * ((1 - acts[i] ** 2) if act == "tanh" else (zs[i - 1] > 0))
        for k, (p, g) in enumerate(zip(params, gw + gb, strict=True)):
            m[k] = 0.9 * m[k] + 0.1 * g
            v[k] = 0.999 * v[k] + 0.001 * g * g
            p -= 0.01 * (m[k] / (1 - 0.9 ** t)) / (np.sqrt(v[k] / (1 - 0.999 ** t)) + 1e-8)
    return lambda xs: (forward(xs)[0][-1][:, 0] > 0.5).astype(np.int64)


@pytest.mark.parametrize("act", ["tanh", "relu"])
def test_spirals_are_learnable_to_95_percent_by_a_small_mlp(act):
    ds = load_dataset({"kind": "generated", "name": "spirals", "n": 400, "noise": 0.0, "seed": 0})
    predict = _train_mlp(ds.x_train, ds.y_train, act)
    assert (predict(ds.x_train) == ds.y_train).mean() >= 0.95
    assert (predict(ds.x_val) == ds.y_val).mean() >= 0.9
