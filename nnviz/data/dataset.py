"""The Dataset every source produces, and the registry of sources keyed by the document's data "kind".

A data spec is the plain dict a .nnviz file stores, e.g. {"kind": "generated", "name": "xor", "n": 200,
"noise": 0.1, "seed": 0, "val_split": 0.2}. `load_dataset` turns it into a Dataset; sources that read
files get a LoadContext too (the folder relative paths are resolved against, and an image decoder).
"""

from __future__ import annotations

import difflib
import inspect
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

import numpy as np

from nnviz.data.options import SEED, VAL_SPLIT, with_default
from nnviz.graph.params import ParamError, ParamSpec
from nnviz.i18n import Message, mark, translate


class DataError(ValueError):
    """Data could not be loaded or does not fit; the message names the file, row, column or setting."""


@dataclass
class Dataset:
    """Arrays are batch-first. x: (n, *sample_shape) float64. y: (n,) int64 class ids for
    classification, (n, k) float64 for regression."""

    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    task: str  # "classification" | "regression"
    name: str = ""
    class_names: list[str] = field(default_factory=list)
    feature_names: list[str] = field(default_factory=list)
    description: str = ""
    # When the source standardised x with the training statistics: (mean, std), each sample-shaped.
    # Kept so new inputs (predict) can be transformed the same way.
    standardization: tuple[np.ndarray, np.ndarray] | None = None

    @property
    def sample_shape(self) -> tuple[int, ...]:
        return tuple(self.x_train.shape[1:])

    @property
    def n_classes(self) -> int:
        return len(self.class_names)

    @property
    def target_width(self) -> int:
        return 1 if self.y_train.ndim == 1 else self.y_train.shape[1]

    @property
    def is_image(self) -> bool:
        """Samples shaped (C, H, W) with 1 or 3 channels: previews show them as pictures."""
        shape = self.sample_shape
        return len(shape) == 3 and shape[0] in (1, 3)

    def class_counts(self, which: str = "train") -> list[int]:
        """How many samples of each class (classification), in class-id order."""
        y = self.y_train if which == "train" else self.y_val
        if self.task != "classification":
            return []
        # Targets per position (next-token data) count every position.
        return np.bincount(y.astype(np.int64).reshape(-1), minlength=self.n_classes).tolist()


ImageDecoder = Callable[[Path], np.ndarray]


@dataclass
class LoadContext:
    """What a file-reading source needs besides its spec.

    base_dir: relative paths in the spec are relative to it (the .nnviz file's folder), else to the
    current directory. decode: path -> (H, W, C) or (H, W) uint8 array, for image folders; None means
    the headless default (Pillow when it is installed).
    """

    base_dir: Path | None = None
    decode: ImageDecoder | None = None

    def path(self, spec: dict[str, Any], key: str = "path", what: str = mark("file")) -> Path:
        """The spec's path under `key`, resolved; a DataError when it is missing."""
        value = spec.get(key)
        if not isinstance(value, str) or not value.strip():
            raise DataError(Message(
                "{kind} data needs {key!r}: the {what} to read",
                kind=spec.get("kind", "this"), key=key, what=translate(what)))
        p = Path(value).expanduser()
        if not p.is_absolute() and self.base_dir is not None:
            p = Path(self.base_dir) / p
        return p


Loader = Callable[..., Dataset]
SOURCES: dict[str, Loader] = {}
_WANTS_CONTEXT: set[str] = set()
# The options each kind reads (besides "kind"): any other key in a spec is a typo, reported with the
# nearest known name. Kinds registered without keys are not checked.
SOURCE_KEYS: dict[str, frozenset[str]] = {}
# The typed options (nnviz.data.options) each kind declared: what `nnviz train --set data.NAME=VALUE` checks.
SOURCE_OPTIONS: dict[str, dict[str, ParamSpec]] = {}
MAX_CLASSES = 10_000  # class ids run from 0 to below this
# Keys any spec may hold besides its kind's options: "real" names the full data set a stand-in represents
# (nnviz.data.guide_offer); the loaders do not read it.
COMMON_KEYS = frozenset({"kind", "real"})


def register_source(kind: str, keys: tuple[str | ParamSpec, ...] | None = None) -> Callable[[Loader], Loader]:
    """Register fn(spec) -> Dataset, or fn(spec, context: LoadContext) -> Dataset for file readers.
    keys: every option the source reads, so a misspelled one is reported instead of silently ignored; a
    typed option as its spec (nnviz.data.options), a path or column by name."""

    def wrap(fn: Loader) -> Loader:
        if kind in SOURCES:
            raise ValueError(f"data source {kind!r} is already registered")
        SOURCES[kind] = fn
        if keys is not None:
            SOURCE_KEYS[kind] = frozenset(k if isinstance(k, str) else k.name for k in keys)
            SOURCE_OPTIONS[kind] = {k.name: k for k in keys if isinstance(k, ParamSpec)}
        if len(inspect.signature(fn).parameters) >= 2:
            _WANTS_CONTEXT.add(kind)
        return fn

    return wrap


def load_dataset(spec: dict[str, Any], base_dir: str | Path | None = None,
                 decode: ImageDecoder | None = None) -> Dataset:
    """Build the dataset a document's data spec describes, e.g. {"kind": "generated", "name": "xor"}.

    base_dir: the folder relative file paths are relative to (the .nnviz file's). decode: an image
    decoder for image folders (the GUI passes a Qt one). Any failure is a DataError with a clear message.
    """
    import nnviz.data.sources  # noqa: F401  (registers the sources)

    if not isinstance(spec, dict):
        raise DataError(Message("the data description must be a mapping with a 'kind'"))
    kind = spec.get("kind")
    if not isinstance(kind, str) or kind not in SOURCES:
        raise DataError(Message(
            "unknown data kind {kind!r}; known: {sources}",
            kind=kind, sources=', '.join(sorted(SOURCES))))
    check_keys(spec)
    try:
        if kind in _WANTS_CONTEXT:
            ctx = LoadContext(Path(base_dir) if base_dir is not None else None, decode)
            return SOURCES[kind](spec, ctx)
        return SOURCES[kind](spec)
    except (TypeError, ValueError, KeyError, IndexError, OverflowError, MemoryError, OSError) as exc:
        if isinstance(exc, DataError):
            raise
        # A safety net: a loader missed a case. The app must show a message, not crash (tests look for
        # this wording to find such cases and give them a message of their own).
        raise DataError(Message(
            "the {kind} data could not be loaded: {name}: {problem}",
            kind=kind, name=type(exc).__name__, problem=exc)) from exc


def check_keys(spec: dict[str, Any]) -> None:
    """DataError naming the first option this kind does not read, with the nearest one it does."""
    kind = spec.get("kind")
    known = SOURCE_KEYS.get(kind) if isinstance(kind, str) else None
    if known is None:
        return
    for key in sorted((k for k in spec if k not in COMMON_KEYS and k not in known), key=str):
        near = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
        hint = (translate("did you mean {near!r}?", near=near[0]) if near
                else translate("{kind} data reads {options}.", kind=kind, options=", ".join(sorted(known))))
        raise DataError(Message("{kind} data has no option {key!r}: {hint}", kind=kind, key=key, hint=hint))


def class_ids(values: Any, where: str) -> np.ndarray:
    """Class ids as int64: whole numbers from 0 to below MAX_CLASSES; DataError naming the first that is not.
    where: what holds them, e.g. "the inline data's y"."""
    a = np.asarray(values)
    if a.dtype == np.bool_:
        return a.astype(np.int64)
    if not (np.issubdtype(a.dtype, np.integer) or np.issubdtype(a.dtype, np.floating)):
        what = {"U": mark("text"), "S": mark("text"), "c": mark("complex numbers"),
                "O": mark("Python objects")}.get(a.dtype.kind, a.dtype.name)
        raise DataError(Message("{where}: class ids must be whole numbers from 0, not {what}", where=where,
                                what=translate(what)))
    flat = a.reshape(-1)
    if np.issubdtype(a.dtype, np.floating):
        bad = np.nonzero(~np.isfinite(flat) | (flat != np.round(flat)))[0]
        if len(bad):
            raise DataError(Message(
                "{where}: class ids must be whole numbers, but one is {flat:g}",
                where=where, flat=flat[bad[0]]))
    if flat.size and flat.min() < 0:
        raise DataError(Message(
            "{where}: class ids count from 0, but one is {min:g}: number the classes 0, 1, 2...",
            where=where, min=flat.min()))
    if flat.size and flat.max() >= MAX_CLASSES:
        raise DataError(Message(
            "{where}: class id {max:g} is too large; nnviz handles up to {max_classes:,} classes (ids 0 to "
            "{last_id:,}): number the classes 0, 1, 2...",
            where=where, max=flat.max(), max_classes=MAX_CLASSES, last_id=MAX_CLASSES - 1))
    return a.astype(np.int64)


def split(x: np.ndarray, y: np.ndarray, val_fraction: float,
          rng: np.random.Generator) -> tuple[np.ndarray, ...]:
    """Shuffle once, then hold out the last val_fraction as validation (train first)."""
    if not 0.0 <= val_fraction < 1.0:
        raise DataError(Message(
            "the validation fraction must be from 0 to below 1, got {val_fraction}",
            val_fraction=val_fraction))
    order = rng.permutation(len(x))
    n_val = round(len(x) * val_fraction)
    train, val = order[: len(x) - n_val], order[len(x) - n_val:]
    return x[train], y[train], x[val], y[val]


# ----------------------------------------------------------------- option helpers shared by sources
def opt_int(spec: dict[str, Any], key: str, default: int, low: int = 0, high: int = 10_000_000) -> int:
    """An integer option, range-checked, with a message naming the option."""
    value = spec.get(key, default)
    if (isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value)
            or int(value) != value):
        raise DataError(Message("data option {key!r} must be a whole number, not {value!r}", key=key, value=value))
    if not low <= int(value) <= high:
        raise DataError(Message(
            "data option {key!r} must be from {low} to {high}, not {value!r}",
            key=key, low=low, high=high, value=value))
    return int(value)


def opt_float(spec: dict[str, Any], key: str, default: float, low: float = 0.0, high: float = 1e6) -> float:
    value = spec.get(key, default)
    if isinstance(value, bool) or not isinstance(value, (int, float)) or not np.isfinite(value):
        raise DataError(Message("data option {key!r} must be a number, not {value!r}", key=key, value=value))
    if not low <= float(value) <= high:
        raise DataError(Message(
            "data option {key!r} must be from {low:g} to {high:g}, not {value!r}",
            key=key, low=low, high=high, value=value))
    return float(value)


def opt_bool(spec: dict[str, Any], key: str, default: bool) -> bool:
    value = spec.get(key, default)
    if not isinstance(value, bool):
        raise DataError(Message("data option {key!r} must be true or false, not {value!r}", key=key, value=value))
    return value


def read_option(spec: dict[str, Any], option: ParamSpec) -> Any:
    """The value of one option of a data spec (nnviz.data.options), its default when absent, or a DataError
    naming it."""
    named = replace(option, label=translate("data option {name!r}",
                                            name=option.name))  # the file's key, as the learner wrote it
    value = spec.get(option.name, option.default)
    try:
        typed = replace(named, minimum=None, maximum=None).validate(value)
    except ParamError as exc:
        raise DataError(str(exc)) from None
    try:
        return named.validate(typed)
    except ParamError:
        low, high = (f"{b:g}" if option.kind == "float" else str(int(b)) for b in (option.minimum, option.maximum))
        raise DataError(Message(
            "data option {name!r} must be from {low} to {high}, not {value!r}",
            name=option.name, low=low, high=high, value=value)) from None


def val_fraction(spec: dict[str, Any], default: float = VAL_SPLIT.default) -> float:
    return read_option(spec, with_default(VAL_SPLIT, default))


def split_spec(x: np.ndarray, y: np.ndarray, spec: dict[str, Any], default_val: float = VAL_SPLIT.default
               ) -> tuple[np.ndarray, ...]:
    """Shuffle and split with the spec's seed and val_split; the seed also fixes the order."""
    rng = np.random.default_rng(read_option(spec, SEED))
    x_tr, y_tr, x_va, y_va = split(x, y, val_fraction(spec, default_val), rng)
    if len(x_tr) == 0:
        raise DataError(Message(
            "no training samples are left after holding out the validation part: lower val_split or use more data"))
    return x_tr, y_tr, x_va, y_va


def standardize(x_train: np.ndarray,
                x_val: np.ndarray) -> tuple[np.ndarray, np.ndarray, tuple[np.ndarray, np.ndarray]]:
    """Scale each feature to mean 0, std 1 using the TRAINING statistics only (the validation part must
    not leak into them). Constant features keep std 1 so they do not divide by zero."""
    mean = x_train.mean(axis=0)
    std = x_train.std(axis=0)
    std = np.where(std > 1e-12, std, 1.0)
    return (x_train - mean) / std, (x_val - mean) / std, (mean, std)


def class_names_for(y: np.ndarray, names: Any = None) -> list[str]:
    """Class names: the given ones (checked against the ids), else "0", "1", ... up to the largest id."""
    top = int(class_ids(y, "the targets").max()) + 1 if y.size else 0
    if names is None:
        return [str(i) for i in range(top)]
    if (not isinstance(names, (list, tuple)) or not all(isinstance(n, str) for n in names)
            or len(names) > MAX_CLASSES):
        raise DataError(Message(
            "class_names must be a list of at most {max_classes:,} strings",
            max_classes=MAX_CLASSES))
    if len(names) < top:
        raise DataError(Message(
            "the data has class id {last_id} but only {n_names} class names are given",
            last_id=top - 1, n_names=len(names)))
    return list(names)
