"""Generated toy data sets, deterministic from a seed.

Classification (2-D points, y = int64 class ids (n,)): xor, circles, gaussians, spirals, moons,
checkerboard. Regression (y = float64 (n, 1)): sine (x (n, 1)), plane (x (n, 2)).
Spec keys: name, n (samples), noise, seed, val_split; checkerboard also takes cells.
Points lie roughly in [-1, 1] so a learner's default learning rate works on every set.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import numpy as np

from nnviz.data.dataset import DataError, Dataset, read_option, register_source, split_spec
from nnviz.data.options import CELLS, POINTS_N, POINTS_NOISE, SEED
from nnviz.i18n import Message

Arrays = tuple[np.ndarray, np.ndarray]


def xor(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """Points in the square; class = xor of the signs (four clusters, diagonal pairs alike)."""
    x = rng.uniform(-1, 1, size=(n, 2))
    # Keep points a little away from the axes so the classes are separable at noise 0.
    x += np.sign(x) * 0.1
    y = ((x[:, 0] > 0) ^ (x[:, 1] > 0)).astype(np.int64)
    x += rng.normal(0, noise, size=x.shape)
    return x, y


def circles(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """Class 1: a disc of radius 0.5; class 0: a ring from 0.7 to 1.0 around it."""
    y = (np.arange(n) % 2).astype(np.int64)
    radius = np.where(y == 1, rng.uniform(0.0, 0.5, n), rng.uniform(0.7, 1.0, n))
    angle = rng.uniform(0, 2 * np.pi, n)
    x = np.stack([radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    x += rng.normal(0, noise, size=x.shape)
    return x, y


def gaussians(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """Two round Gaussian clouds centred at (-0.5, -0.5) and (0.5, 0.5); noise widens them."""
    y = (np.arange(n) % 2).astype(np.int64)
    centres = np.where(y[:, None] == 1, 0.5, -0.5)
    x = centres + rng.normal(0, 0.2 + noise, size=(n, 2))
    return x, y


def spirals(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """Two interleaved spirals (one and three quarter turns each), the second the first turned by pi."""
    y = (np.arange(n) % 2).astype(np.int64)
    t = np.sqrt(rng.uniform(0.02, 1.0, n))  # sqrt: even density along the arm
    angle = t * 3.5 * np.pi + np.pi * y
    x = np.stack([t * np.cos(angle), t * np.sin(angle)], axis=1)
    x += rng.normal(0, noise, size=x.shape)
    return x, y


def moons(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """Two interleaving half circles (as scikit-learn's make_moons), centred and scaled into [-1, 1]."""
    y = (np.arange(n) % 2).astype(np.int64)
    t = rng.uniform(0, np.pi, n)
    upper = np.stack([np.cos(t), np.sin(t)], axis=1)
    lower = np.stack([1 - np.cos(t), 0.5 - np.sin(t)], axis=1)
    x = np.where(y[:, None] == 0, upper, lower)
    x = (x - [0.5, 0.25]) / 1.5
    x += rng.normal(0, noise, size=x.shape)
    return x, y


def checkerboard(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """A cells x cells board on [-1, 1]^2 (default 4); class = colour of the square a point is on."""
    cells = read_option(spec, CELLS)
    x = rng.uniform(-1, 1, size=(n, 2))
    idx = np.floor((x + 1) / 2 * cells).clip(0, cells - 1).astype(np.int64)
    y = ((idx[:, 0] + idx[:, 1]) % 2).astype(np.int64)
    x += rng.normal(0, noise, size=x.shape)
    return x, y


def sine(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """y = sin(pi x) + noise for x uniform in [-1, 1]: one input, one target."""
    x = rng.uniform(-1, 1, size=(n, 1))
    y = np.sin(np.pi * x) + rng.normal(0, noise, size=(n, 1))
    return x, y


def plane(n: int, noise: float, rng: np.random.Generator, spec: dict[str, Any]) -> Arrays:
    """y = 0.6 x1 - 0.4 x2 + 0.1 + noise for (x1, x2) uniform in [-1, 1]^2: linear regression."""
    x = rng.uniform(-1, 1, size=(n, 2))
    y = (x @ np.array([[0.6], [-0.4]]) + 0.1) + rng.normal(0, noise, size=(n, 1))
    return x, y


@dataclass(frozen=True)
class Generator:
    fn: Callable[[int, float, np.random.Generator, dict[str, Any]], Arrays]
    task: str
    label: str
    features: tuple[str, ...] = ("x1", "x2")


GENERATORS: dict[str, Generator] = {
    "xor": Generator(xor, "classification", "XOR: opposite corners alike"),
    "circles": Generator(circles, "classification", "Circles: a disc inside a ring"),
    "gaussians": Generator(gaussians, "classification", "Two Gaussian clouds"),
    "spirals": Generator(spirals, "classification", "Two interleaved spirals"),
    "moons": Generator(moons, "classification", "Two moons"),
    "checkerboard": Generator(checkerboard, "classification", "Checkerboard"),
    "sine": Generator(sine, "regression", "Sine curve (regression)", ("x",)),
    "plane": Generator(plane, "regression", "Plane (linear regression)"),
}


def generate(name: str, n: int = 200, noise: float = 0.0, seed: int = 0, **options: Any) -> Arrays:
    """The raw (x, y) of a generated set before the train/validation split (previews, tests)."""
    if name not in GENERATORS:
        raise DataError(Message(
            "unknown generated data set {name!r}; known: {generators}",
            name=name, generators=', '.join(GENERATORS)))
    rng = np.random.default_rng(seed)
    return GENERATORS[name].fn(n, noise, rng, options)


@register_source("generated", keys=("name", "n", "noise", "seed", "val_split", "cells"))
def load_generated(spec: dict[str, Any]) -> Dataset:
    name = spec.get("name")
    if not isinstance(name, str) or name not in GENERATORS:
        raise DataError(Message(
            "unknown generated data set {name!r}; known: {generators}",
            name=name, generators=', '.join(GENERATORS)))
    gen = GENERATORS[name]
    n = read_option(spec, POINTS_N)
    noise = read_option(spec, POINTS_NOISE)
    seed = read_option(spec, SEED)
    x, y = gen.fn(n, noise, np.random.default_rng(seed), spec)
    x_tr, y_tr, x_va, y_va = split_spec(x, y, {**spec, "seed": seed + 1})
    classes = ["0", "1"] if gen.task == "classification" else []
    return Dataset(x_tr, y_tr, x_va, y_va, gen.task, name=name, class_names=classes,
                   feature_names=list(gen.features), description=gen.label)
