"""The guides' data sets nnviz can fetch: where each is published, its files and their SHA-256.

One registry for MNIST, Fashion-MNIST and CIFAR-10. The hashes are the published SHA-256 of the
original files (the ones TensorFlow Datasets and Keras pin); the mirrors are tried in order.

Two environment variables move things for tests and for classrooms with a local copy:
  NNVIZ_DATA_DIR     the folder fetched sets are kept in (default: the user's data folder, platformdirs);
  NNVIZ_DATA_MIRROR  one base URL used instead of every official mirror; a set's files are then
                     read from MIRROR/<set key>/<file name> (e.g. http://127.0.0.1:8000/mnist/...).
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

from nnviz.i18n import Message, mark

DATA_DIR_ENV = "NNVIZ_DATA_DIR"
MIRROR_ENV = "NNVIZ_DATA_MIRROR"


@dataclass(frozen=True)
class KnownFile:
    name: str
    sha256: str


@dataclass(frozen=True)
class KnownSet:
    key: str  # what `nnviz data fetch KEY` takes
    title: str
    kind: str  # the data kind (nnviz.data sources) that reads the fetched folder
    files: tuple[KnownFile, ...]
    mirrors: tuple[str, ...]
    size_mb: int  # the download's size, to tell the learner before they start
    # For archives: the folder inside that holds the data and the members to take from it.
    unpack_to: str = ""
    members: tuple[str, ...] = field(default_factory=tuple)
    stand_in: str = ""  # the shipped data kind that stands in for it
    licence: str = ""

    @property
    def ready_files(self) -> tuple[str, ...]:
        """Names (relative to the set's folder) that must all exist before the set is used."""
        if self.unpack_to:
            return tuple(f"{self.unpack_to}/{m}" for m in self.members)
        return tuple(f.name for f in self.files)

    def urls(self, known: KnownFile, mirror: str | None = None) -> list[str]:
        """Every URL to try for one file, in order (only the override when NNVIZ_DATA_MIRROR is set)."""
        override = mirror if mirror is not None else os.environ.get(MIRROR_ENV, "")
        if override:
            return [f"{override.rstrip('/')}/{self.key}/{known.name}"]
        return [f"{base.rstrip('/')}/{known.name}" for base in self.mirrors]


_IDX_NAMES = ("train-images-idx3-ubyte.gz", "train-labels-idx1-ubyte.gz", "t10k-images-idx3-ubyte.gz",
              "t10k-labels-idx1-ubyte.gz")

SETS: dict[str, KnownSet] = {
    "mnist": KnownSet(
        "mnist", "MNIST", "mnist",
        tuple(KnownFile(n, h) for n, h in zip(_IDX_NAMES, (
            "440fcabf73cc546fa21475e81ea370265605f56be210a4024d2ca8f203523609",
            "3552534a0a558bbed6aed32b30c495cca23d567ec52cac8be1a0730e8010255c",
            "8d422c7b0a1c1c79245a5bcf07fe86e33eeafee792b84584aec276f5a2dbc4e6",
            "f7ae60f92e00ec6debd23a6088c31dbd2371eca3ffa0defaefb259924204aec6"))),
        # yann.lecun.com is the original home but often refuses downloads; the two copies PyTorch
        # and TensorFlow use come first.
        ("https://ossci-datasets.s3.amazonaws.com/mnist", "https://storage.googleapis.com/cvdf-datasets/mnist",
         "http://yann.lecun.com/exdb/mnist"),
        12, stand_in="digits",
        licence="MNIST: Yann LeCun, Corinna Cortes and Christopher J.C. Burges (CC BY-SA 3.0)"),
    "fashion-mnist": KnownSet(
        "fashion-mnist", "Fashion-MNIST", "fashion_mnist",
        tuple(KnownFile(n, h) for n, h in zip(_IDX_NAMES, (
            "3aede38d61863908ad78613f6a32ed271626dd12800ba2636569512369268a84",
            "a04f17134ac03560a47e3764e11b92fc97de4d1bfaf8ba1a3aa29af54cc90845",
            "346e55b948d973a97e58d2351dde16a484bd415d4595297633bb08f03db6a073",
            "67da17c76eaffca5446c3361aaab5c3cd6d1c2608764d35dfb1850b086bf8dd5"))),
        ("http://fashion-mnist.s3-website.eu-central-1.amazonaws.com",
         "https://storage.googleapis.com/tensorflow/tf-keras-datasets",
         "https://raw.githubusercontent.com/zalandoresearch/fashion-mnist/master/data/fashion"),
        31, stand_in="digits", licence="Fashion-MNIST: Zalando SE (MIT)"),
    "cifar10": KnownSet(
        "cifar10", "CIFAR-10", "cifar10",
        (KnownFile("cifar-10-binary.tar.gz", "c4a38c50a1bc5f3a1c5537f2155ab9d68f9f25eb1ed8d9ddda3db29a59bca1dd"),),
        ("https://www.cs.toronto.edu/~kriz",),  # the only official copy
        163, unpack_to="cifar-10-batches-bin",
        members=("data_batch_1.bin", "data_batch_2.bin", "data_batch_3.bin", "data_batch_4.bin",
                 "data_batch_5.bin", "test_batch.bin", "batches.meta.txt"),
        stand_in="shapes", licence="CIFAR-10: Alex Krizhevsky, Vinod Nair and Geoffrey Hinton"),
}

# Spellings a learner may type for the same set.
ALIASES = {"fashion_mnist": "fashion-mnist", "fashion": "fashion-mnist", "cifar-10": "cifar10", "cifar": "cifar10"}

# Message ids: shown through nnviz.i18n.translate in the learner's language.
STAND_IN_WORDS = {"digits": mark("the 8x8 handwritten digits that ship with nnviz (data kind 'digits')"),
                  "shapes": mark("the generated colour shapes that ship with nnviz (data kind 'shapes')")}


def known_set(name: str) -> KnownSet:
    """The set called `name` (mnist, fashion-mnist, cifar10 or an alias); KeyError names the choices."""
    key = ALIASES.get(name.lower(), name.lower())
    if key not in SETS:
        raise KeyError(Message(
            "no data set called {name!r}; nnviz can fetch: {sets}",
            name=name, sets=', '.join(SETS)))
    return SETS[key]


def data_home() -> Path:
    """Where fetched sets are kept: $NNVIZ_DATA_DIR, else the user's data folder (e.g. ~/.local/share/nnviz)."""
    override = os.environ.get(DATA_DIR_ENV, "")
    if override:
        return Path(override).expanduser()
    import platformdirs

    return Path(platformdirs.user_data_dir("nnviz", appauthor=False)) / "datasets"


def set_folder(known: KnownSet, home: Path | None = None) -> Path:
    """The folder one set is fetched into."""
    return (home if home is not None else data_home()) / known.key
