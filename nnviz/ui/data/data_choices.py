"""What the data panel offers: each data set with its base spec and the option fields of its form.

Labels are English source text; the panel shows them through QCoreApplication.translate("DataChoices",
...), and the TRANSLATABLE markers at the end let lupdate collect them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from PySide6.QtCore import QT_TRANSLATE_NOOP

from nnviz.data.generated import GENERATORS
from nnviz.data.options import (
    CELLS,
    DIGITS_LIMIT,
    FLAT,
    POINTS_N,
    POINTS_NOISE,
    SEED,
    SHAPES_N,
    SHAPES_NOISE,
    STANDARDIZE,
    TEXT_LANGUAGE,
    TEXT_LEVEL,
    TEXT_LOWER,
    TEXT_MAXLEN,
    TEXT_NUM_WORDS,
    TEXT_PADDING,
    TEXT_PREDICT,
    TEXT_TRUNCATING,
    TEXT_VAL_SPLIT,
    VAL_SPLIT,
)
from nnviz.data.options import LIMIT as LIMIT_OPTION
from nnviz.graph.params import ParamSpec

CONTEXT = "DataChoices"


@dataclass(frozen=True)
class Field:
    key: str
    kind: str  # int | float | percent | bool | file | folder | choice | column
    default: Any
    label: str
    low: float = 0
    high: float = 1_000_000
    choices: tuple[str, ...] = ()
    tip: str = ""
    required: bool = False  # the data cannot load without it (the panel asks for it instead of loading)
    source: ParamSpec | None = None  # the data option it edits (nnviz.data.options), where its numbers come from


def option(spec: ParamSpec, label: str = "", kind: str = "") -> Field:
    """A form field for a data option defined in nnviz.data.options: its default, range and words come from
    there (label: a more specific one for this choice); a fraction shows as a percentage."""
    percent = kind == "percent"
    scale = 100 if percent else 1
    low = spec.minimum * scale if spec.minimum is not None else 0
    high = spec.maximum * scale if spec.maximum is not None else 1_000_000
    if spec.kind == "int":
        high = min(high, 2**31 - 1)  # a Qt spin box holds 32-bit numbers; larger seeds stay typeable in the file
    return Field(spec.name, kind or spec.kind, spec.default, label or spec.label, low, high, spec.choices,
                 tip=spec.help, source=spec)


SPLIT = (option(VAL_SPLIT, kind="percent"), option(SEED))
POINTS = (option(POINTS_N), option(POINTS_NOISE), *SPLIT)
FILE_SPLIT = SPLIT
TEXT_SPLIT = (option(TEXT_VAL_SPLIT, kind="percent"), option(SEED))
LIMIT = option(LIMIT_OPTION)
# The tokenizer's settings (nnviz.data.text; defaults as there).
TEXT = (option(TEXT_LANGUAGE), option(TEXT_LEVEL), option(TEXT_LOWER), option(TEXT_NUM_WORDS), option(TEXT_MAXLEN),
        option(TEXT_PADDING), option(TEXT_TRUNCATING), option(TEXT_PREDICT))


def without_implicit_defaults(spec: dict[str, Any], fields: tuple[Field, ...], old: dict[str, Any]) -> dict[str, Any]:
    """The form's spec without the data options at their default that the document's spec of the same kind
    leaves out: applying the form unchanged keeps a file's bytes (an option added later stays implicit)."""
    if old.get("kind") != spec.get("kind"):
        return spec
    implicit = {f.key for f in fields if f.source is not None and f.key not in old and spec.get(f.key) == f.default}
    return {k: v for k, v in spec.items() if k not in implicit}


# (label in the list, base spec, fields). Generated sets first: they need nothing from the user.
CHOICES: list[tuple[str, dict[str, Any], tuple[Field, ...]]] = [
    *[(g.label, {"kind": "generated", "name": key},
       POINTS + ((option(CELLS),) if key == "checkerboard" else ()))
      for key, g in GENERATORS.items()],
    ("Handwritten digits 8x8 (1,797 images)", {"kind": "digits"},
     (option(FLAT, "As flat vectors (64,)"), option(DIGITS_LIMIT), *SPLIT)),
    ("Colour shapes 3x32x32 (10 classes)", {"kind": "shapes"},
     (option(SHAPES_N), option(SHAPES_NOISE), *SPLIT)),
    ("Sentences (English/Chinese sentiment)", {"kind": "text"},
     (*TEXT, *TEXT_SPLIT)),
    # The same "text" kind read from the learner's own file; choice_index tells the two apart by "path".
    ("Sentences from my CSV file...", {"kind": "text"},
     (Field("path", "file", "", "File",
            tip="a CSV of text,label rows, one sentence per row", required=True),
      *TEXT, *TEXT_SPLIT)),
    # The guides' sets, wherever they already are (nnviz.data.locate), or fetched from the row below the form.
    # (A folder of the learner's own is the "My ... files" choices below.)
    *[(label, {"kind": "known", "name": key},
       (*((option(FLAT, "As flat vectors (784,)"),) if key != "cifar10" else ()), LIMIT, option(SEED)))
      for label, key in (("MNIST handwritten digits 28x28 (70,000)", "mnist"),
                         ("Fashion-MNIST clothes 28x28 (70,000)", "fashion-mnist"),
                         ("CIFAR-10 colour photos 32x32 (60,000)", "cifar10"))],
    ("My CSV file...", {"kind": "csv"},
     (Field("path", "file", "", "File", tip="CSV with a header row or not; the delimiter is detected"),
      Field("target", "column", None, "Target column"),
      Field("features", "columns", None, "Feature columns", tip="Untick columns the network should not see"),
      Field("task", "choice", "auto", "Task", choices=("auto", "classification", "regression")),
      option(STANDARDIZE), *FILE_SPLIT)),
    ("My NumPy .npz file...", {"kind": "npz"},
     (Field("path", "file", "", "File", tip="Arrays x and y (or x_train/y_train, x_test/y_test)"),
      option(STANDARDIZE), *FILE_SPLIT)),
    ("My image folder (one sub-folder per class)...", {"kind": "image_folder"},
     (Field("path", "folder", "", "Folder"), Field("size", "int", 32, "Resize to (pixels)", 4, 256),
      Field("grayscale", "bool", False, "Grey (1 channel)"), *FILE_SPLIT)),
    ("My MNIST IDX files...", {"kind": "mnist"},
     (Field("folder", "folder", "", "Folder", tip="Holds train-images-idx3-ubyte(.gz) and train-labels..."),
      option(FLAT, "As flat vectors (784,)"), LIMIT, *FILE_SPLIT)),
    ("My Fashion-MNIST IDX files...", {"kind": "fashion_mnist"},
     (Field("folder", "folder", "", "Folder"), option(FLAT, "As flat vectors (784,)"), LIMIT,
      *FILE_SPLIT)),
    ("My CIFAR-10 binary batches...", {"kind": "cifar10"},
     (Field("folder", "folder", "", "Folder", tip="cifar-10-batches-bin: data_batch_*.bin and test_batch.bin"),
      LIMIT, *FILE_SPLIT)),
]


def choice_index(spec: dict[str, Any]) -> int:
    """Which entry of CHOICES a spec belongs to (-1 when none, e.g. inline data).

    Where several entries share a base spec (the shipped sentences and "Sentences from my CSV file...",
    both {"kind": "text"}), the one with a "path" field is chosen exactly when the spec has a path."""
    matches = [i for i, (_, base, _) in enumerate(CHOICES) if all(spec.get(k) == v for k, v in base.items())]
    for i in matches:
        if any(f.key == "path" for f in CHOICES[i][2]) == bool(spec.get("path")):
            return i
    return matches[0] if matches else -1


# lupdate reads only literal markers: every label, tip and choice shown above, listed once. The panel shows
# them through QCoreApplication.translate("DataChoices", ...); tests/test_ui_data_text.py keeps this list complete.
TRANSLATABLE = (
    QT_TRANSLATE_NOOP("DataChoices", "XOR: opposite corners alike"),
    QT_TRANSLATE_NOOP("DataChoices", "Samples"),
    QT_TRANSLATE_NOOP("DataChoices", "Noise"),
    QT_TRANSLATE_NOOP("DataChoices", "Validation"),
    QT_TRANSLATE_NOOP("DataChoices", "Share of samples held out to validate"),
    QT_TRANSLATE_NOOP("DataChoices", "Seed"),
    QT_TRANSLATE_NOOP("DataChoices", "Same seed, same data and the same shuffle"),
    QT_TRANSLATE_NOOP("DataChoices", "Circles: a disc inside a ring"),
    QT_TRANSLATE_NOOP("DataChoices", "Two Gaussian clouds"),
    QT_TRANSLATE_NOOP("DataChoices", "Two interleaved spirals"),
    QT_TRANSLATE_NOOP("DataChoices", "Two moons"),
    QT_TRANSLATE_NOOP("DataChoices", "Checkerboard"),
    QT_TRANSLATE_NOOP("DataChoices", "Cells per side"),
    QT_TRANSLATE_NOOP("DataChoices", "Sine curve (regression)"),
    QT_TRANSLATE_NOOP("DataChoices", "Plane (linear regression)"),
    QT_TRANSLATE_NOOP("DataChoices", "Handwritten digits 8x8 (1,797 images)"),
    QT_TRANSLATE_NOOP("DataChoices", "As flat vectors (64,)"),
    QT_TRANSLATE_NOOP("DataChoices", "Colour shapes 3x32x32 (10 classes)"),
    QT_TRANSLATE_NOOP("DataChoices", "Images"),
    QT_TRANSLATE_NOOP("DataChoices", "Sentences (English/Chinese sentiment)"),
    QT_TRANSLATE_NOOP("DataChoices", "Language"),
    QT_TRANSLATE_NOOP("DataChoices", "all"),
    QT_TRANSLATE_NOOP("DataChoices", "en"),
    QT_TRANSLATE_NOOP("DataChoices", "zh"),
    QT_TRANSLATE_NOOP("DataChoices", "Tokens"),
    QT_TRANSLATE_NOOP("DataChoices", "Words (Chinese: one character each) or single characters"),
    QT_TRANSLATE_NOOP("DataChoices", "words"),
    QT_TRANSLATE_NOOP("DataChoices", "characters"),
    QT_TRANSLATE_NOOP("DataChoices", "Lowercase"),
    QT_TRANSLATE_NOOP("DataChoices", "Vocabulary (ids)"),
    QT_TRANSLATE_NOOP("DataChoices", "Ids 0 (padding) and 1 (unknown word) included; 0 = every token"),
    QT_TRANSLATE_NOOP("DataChoices", "Length (ids)"),
    QT_TRANSLATE_NOOP("DataChoices", "Each sentence padded or cut to this; 0 = longest"),
    QT_TRANSLATE_NOOP("DataChoices", "Padding"),
    QT_TRANSLATE_NOOP("DataChoices", "Zeros in front (Keras) or behind"),
    QT_TRANSLATE_NOOP("DataChoices", "pre"),
    QT_TRANSLATE_NOOP("DataChoices", "post"),
    QT_TRANSLATE_NOOP("DataChoices", "Cut long sentences"),
    QT_TRANSLATE_NOOP("DataChoices", "Predict"),
    QT_TRANSLATE_NOOP("DataChoices", "Each sentence's label, or the next token at each position (to write text)"),
    QT_TRANSLATE_NOOP("DataChoices", "label"),
    QT_TRANSLATE_NOOP("DataChoices", "next_token"),
    QT_TRANSLATE_NOOP("DataChoices", "Sentences from my CSV file..."),
    QT_TRANSLATE_NOOP("DataChoices", "File"),
    QT_TRANSLATE_NOOP("DataChoices", "a CSV of text,label rows, one sentence per row"),
    QT_TRANSLATE_NOOP("DataChoices", "MNIST handwritten digits 28x28 (70,000)"),
    QT_TRANSLATE_NOOP("DataChoices", "Fashion-MNIST clothes 28x28 (70,000)"),
    QT_TRANSLATE_NOOP("DataChoices", "CIFAR-10 colour photos 32x32 (60,000)"),
    QT_TRANSLATE_NOOP("DataChoices", "My CSV file..."),
    QT_TRANSLATE_NOOP("DataChoices", "CSV with a header row or not; the delimiter is detected"),
    QT_TRANSLATE_NOOP("DataChoices", "Target column"),
    QT_TRANSLATE_NOOP("DataChoices", "Feature columns"),
    QT_TRANSLATE_NOOP("DataChoices", "Untick columns the network should not see"),
    QT_TRANSLATE_NOOP("DataChoices", "Task"),
    QT_TRANSLATE_NOOP("DataChoices", "auto"),
    QT_TRANSLATE_NOOP("DataChoices", "classification"),
    QT_TRANSLATE_NOOP("DataChoices", "regression"),
    QT_TRANSLATE_NOOP("DataChoices", "Standardise features"),
    QT_TRANSLATE_NOOP("DataChoices", "My NumPy .npz file..."),
    QT_TRANSLATE_NOOP("DataChoices", "Arrays x and y (or x_train/y_train, x_test/y_test)"),
    QT_TRANSLATE_NOOP("DataChoices", "My image folder (one sub-folder per class)..."),
    QT_TRANSLATE_NOOP("DataChoices", "Folder"),
    QT_TRANSLATE_NOOP("DataChoices", "Resize to (pixels)"),
    QT_TRANSLATE_NOOP("DataChoices", "Grey (1 channel)"),
    QT_TRANSLATE_NOOP("DataChoices", "My MNIST IDX files..."),
    QT_TRANSLATE_NOOP("DataChoices", "Holds train-images-idx3-ubyte(.gz) and train-labels..."),
    QT_TRANSLATE_NOOP("DataChoices", "As flat vectors (784,)"),
    QT_TRANSLATE_NOOP("DataChoices", "Use at most"),
    QT_TRANSLATE_NOOP("DataChoices", "0 = all; fewer samples load and train faster"),
    QT_TRANSLATE_NOOP("DataChoices", "My Fashion-MNIST IDX files..."),
    QT_TRANSLATE_NOOP("DataChoices", "My CIFAR-10 binary batches..."),
    QT_TRANSLATE_NOOP("DataChoices", "cifar-10-batches-bin: data_batch_*.bin and test_batch.bin"),
)
