"""The training data as data.npz beside train.py: the exact arrays the app trains on.

Exporting arrays (rather than regenerating) serves every data source alike (generated sets, CSV,
images, MNIST files) and guarantees the same numbers. Targets are already in the form the loss
expects (class ids, or float rows), so train.py needs no conversion.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

from nnviz.graph.document import GraphDocument

if TYPE_CHECKING:
    from nnviz.data.dataset import Dataset

DATA_FILENAME = "data.npz"


@dataclass
class TrainingArrays:
    x_train: np.ndarray
    y_train: np.ndarray
    x_val: np.ndarray
    y_val: np.ndarray
    classification: bool
    n_classes: int

    def save(self, path: Path) -> None:
        np.savez_compressed(path, x_train=self.x_train, y_train=self.y_train, x_val=self.x_val, y_val=self.y_val)


def training_arrays(doc: GraphDocument, dataset: Dataset | None = None) -> TrainingArrays:
    """The document's data as the session prepares it. Raises DataError or SessionError (with the
    learner-worded reason) when the data cannot be loaded or does not fit the network."""
    from nnviz.data.dataset import load_dataset
    from nnviz.engine.network import Network
    from nnviz.engine.targets import prepare_targets

    if dataset is None:
        base = Path(doc.meta["path"]).parent if doc.meta.get("path") else None
        dataset = load_dataset(doc.data, base_dir=base)
    settings = doc.training
    dtype = np.dtype(settings.dtype)
    net = Network.build(doc, settings.dtype, settings.seed)
    net.check_data(dataset.sample_shape, dataset.name or str(doc.data.get("name", "data")))
    y_train = prepare_targets(dataset, dataset.y_train, settings.loss, net, dtype)
    y_val = prepare_targets(dataset, dataset.y_val, settings.loss, net, dtype)
    return TrainingArrays(dataset.x_train.astype(dtype), y_train, dataset.x_val.astype(dtype), y_val,
                          dataset.task == "classification", dataset.n_classes)
