"""Finding copies of MNIST, Fashion-MNIST and CIFAR-10 the learner already has, and saying where each came from.

Looked at, in this order:
  * what `nnviz data fetch` (or the Data panel) kept in the user's data folder;
  * Keras' cache, $KERAS_HOME or ~/.keras: datasets/mnist.npz, datasets/fashion-mnist/,
    datasets/cifar-10-batches-py/;
  * torchvision's folders under the usual roots (./data, ~/data, ~/datasets, ~/.torch/datasets, ~/torchvision):
    MNIST/raw, FashionMNIST/raw, cifar-10-batches-py;
  * folders the learner points at: the files themselves, or any of the layouts above inside.
Each copy comes with the data spec that loads it. Only complete copies count (every file of the set present).
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from nnviz.data.fetch import is_ready
from nnviz.data.known_sets import known_set, set_folder

FETCHED = "fetched by nnviz"
KERAS = "Keras' cache"
TORCHVISION = "torchvision's folder"
CHOSEN = "the folder you chose"

IDX_STEMS = ("train-images-idx3-ubyte", "train-labels-idx1-ubyte", "t10k-images-idx3-ubyte",
             "t10k-labels-idx1-ubyte")
CIFAR_BIN = (*(f"data_batch_{i}.bin" for i in range(1, 6)), "test_batch.bin")
CIFAR_PY = (*(f"data_batch_{i}" for i in range(1, 6)), "test_batch")
TORCH_SUBFOLDER = {"mnist": "MNIST/raw", "fashion-mnist": "FashionMNIST/raw", "cifar10": "cifar-10-batches-py"}
KERAS_ENTRY = {"mnist": "mnist.npz", "fashion-mnist": "fashion-mnist", "cifar10": "cifar-10-batches-py"}


@dataclass(frozen=True)
class Copy:
    path: Path
    origin: str  # one of FETCHED, KERAS, TORCHVISION, CHOSEN
    spec: dict[str, Any]  # the data spec that loads this copy

    @property
    def words(self) -> str:
        return f"{self.path} ({self.origin})"


def keras_datasets() -> Path:
    return Path(os.environ.get("KERAS_HOME") or Path.home() / ".keras").expanduser() / "datasets"


def torchvision_roots() -> list[Path]:
    home = Path.home()
    return [Path.cwd() / "data", home / "data", home / "datasets", home / ".torch" / "datasets",
            home / "torchvision"]


def _has_idx(folder: Path) -> bool:
    """All four IDX files, gzipped or not (torchvision keeps both; either will do)."""
    return all((folder / stem).is_file() or (folder / f"{stem}.gz").is_file() for stem in IDX_STEMS)


def _has_all(folder: Path, names: tuple[str, ...]) -> bool:
    return all((folder / n).is_file() for n in names)


def _spec_for(name: str, path: Path) -> dict[str, Any] | None:
    """The spec that reads `path` as the set `name`, or None when it does not hold that set's files."""
    kind = known_set(name).kind
    if name in ("mnist", "fashion-mnist"):
        if path.is_file() and path.suffix == ".npz":
            return {"kind": "npz", "path": str(path), "class_names": [str(i) for i in range(10)]}
        return {"kind": kind, "folder": str(path)} if path.is_dir() and _has_idx(path) else None
    if path.is_dir() and _has_all(path, CIFAR_BIN):
        return {"kind": "cifar10", "folder": str(path)}
    if path.is_dir() and _has_all(path, CIFAR_PY):
        return {"kind": "cifar10_python", "folder": str(path)}
    return None


def _in_folder(name: str, folder: Path) -> list[Path]:
    """Where inside a learner's folder the set may be: the folder itself, then the usual layouts."""
    inside = [folder, folder / TORCH_SUBFOLDER[name], folder / KERAS_ENTRY[name], folder / name]
    if name == "cifar10":
        inside.append(folder / "cifar-10-batches-bin")
    return inside


def find_copies(name: str, folders: list[Path] | tuple[Path, ...] = ()) -> list[Copy]:
    """Every complete copy of the set `name` on this computer, the learner's folders first."""
    known = known_set(name)
    key = known.key
    candidates: list[tuple[Path, str]] = []
    for folder in folders:
        candidates += [(p, CHOSEN) for p in _in_folder(key, Path(folder).expanduser())]
    fetched = set_folder(known)
    if is_ready(known, fetched):
        candidates.append((fetched / known.unpack_to if known.unpack_to else fetched, FETCHED))
    candidates.append((keras_datasets() / KERAS_ENTRY[key], KERAS))
    candidates += [(root / TORCH_SUBFOLDER[key], TORCHVISION) for root in torchvision_roots()]
    copies: list[Copy] = []
    seen: set[Path] = set()
    for path, origin in candidates:
        try:
            spec = _spec_for(key, path)
            resolved = path.resolve()
        except OSError:  # an unreadable folder is simply not a copy
            continue
        if spec is not None and resolved not in seen:
            seen.add(resolved)
            copies.append(Copy(path, origin, spec))
    return copies
