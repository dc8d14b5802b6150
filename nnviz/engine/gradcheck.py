"""Finite-difference gradient check of a user's own network on one batch, in float64."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from nnviz.data.dataset import Dataset
from nnviz.engine.losses import make_loss
from nnviz.engine.network import Network
from nnviz.engine.targets import prepare_targets
from nnviz.graph.document import GraphDocument

TOLERANCE = 1e-5


@dataclass(frozen=True)
class GradCheckResult:
    node: str
    node_name: str
    param: str
    rel_error: float  # largest relative error over the checked entries
    checked: int

    @property
    def ok(self) -> bool:
        return self.rel_error <= TOLERANCE


def gradcheck(doc: GraphDocument, dataset: Dataset | None = None, *, batch: int = 8,
              entries: int = 12, h: float = 1e-6, weights: dict[str, dict[str, np.ndarray]] | None = None,
              ) -> list[GradCheckResult]:
    """Compare analytic gradients with central differences (f(w+h) - f(w-h)) / 2h.

    Relative error per entry is |a - n| / max(|a| + |n|, 1e-8); up to `entries` entries per tensor are
    checked, chosen at random but reproducibly. Dropout uses the same mask for every evaluation.
    `weights` (node -> name -> array) starts from a trained state instead of the initial one."""
    settings = doc.training
    if dataset is None:
        from nnviz.engine.session import document_dataset

        dataset = document_dataset(doc)
    net = Network.build(doc, "float64", settings.seed)
    if weights:
        net.load_state({nid: {k: np.asarray(v, dtype=np.float64) for k, v in t.items()}
                        for nid, t in weights.items() if nid in net.layers})
    net.check_data(dataset.sample_shape, dataset.name)
    x = dataset.x_train[:batch].astype(np.float64)
    y = prepare_targets(dataset, dataset.y_train[:batch], settings.loss, net, np.dtype(np.float64))
    loss_fn = make_loss(settings.loss)
    rngs = {nid: layer.rng.bit_generator.state for nid, layer in net.layers.items() if layer.rng is not None}
    buffers = net.state()

    def loss_now() -> float:
        for nid, state in rngs.items():  # same dropout masks every time
            net.layers[nid].rng.bit_generator.state = state
        net.load_state({nid: {k: v for k, v in t.items() if k not in net.layers[nid].params}
                        for nid, t in buffers.items()})  # BatchNorm's running stats must not drift
        return loss_fn.forward(net.forward(x), y)

    loss_now()
    net.backward(loss_fn.backward())
    analytic = {nid: {k: g.copy() for k, g in layer.grads.items()} for nid, layer in net.layers.items()}
    pick = np.random.default_rng(0)
    results = []
    for nid in net.order:
        layer = net.layers[nid]
        for name, p in layer.params.items():
            flat = p.reshape(-1)
            idx = pick.choice(flat.size, size=min(entries, flat.size), replace=False)
            worst = 0.0
            for i in idx:
                old = flat[i]
                flat[i] = old + h
                plus = loss_now()
                flat[i] = old - h
                minus = loss_now()
                flat[i] = old
                numeric = (plus - minus) / (2 * h)
                a = analytic[nid][name].reshape(-1)[i]
                worst = max(worst, abs(a - numeric) / max(abs(a) + abs(numeric), 1e-8))
            results.append(GradCheckResult(nid, net.names[nid], name, float(worst), len(idx)))
    return results
