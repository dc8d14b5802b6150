"""What panels may read of a training session: its named caches, read-only.

    view = session.view
    view.cache("n2")        # {"weight": ..., "bias": ..., "grad_weight": ..., "z": ..., "delta": ..., "output": ...}
    view.output("n2")       # the node's last forward output, or None

Each layer keeps the values the last forward and backward pass derived (numpy-ml calls them derived
variables): its pre-activation z, its output, its error term delta and its gradients. A panel reads
them here, by name, as read-only arrays, never through a layer's private attributes, and cannot write
into the network by mistake: training truth changes only through the session (a step, a rewind, a
hand edit).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from nnviz.engine.session import Session


def read_only(array: np.ndarray) -> np.ndarray:
    """A view of `array` that refuses writes (the array itself stays writable for the engine)."""
    view = np.asarray(array).view()
    view.flags.writeable = False
    return view


class SessionView:
    def __init__(self, session: Session) -> None:
        self._session = session

    @property
    def order(self) -> list[str]:
        return list(self._session.order)

    @property
    def names(self) -> Mapping[str, str]:
        return self._session.net.names

    def key(self, node: str) -> str:
        """The node's layer type key ("dense", "relu", ...)."""
        return self._session.layers[node].key

    def capabilities(self, node: str) -> Any:
        return self._session.layers[node].capabilities

    def has_params(self, node: str) -> bool:
        return bool(self._session.layers[node].params)

    def params(self, node: str) -> dict[str, np.ndarray]:
        return {k: read_only(v) for k, v in self._session.layers[node].params.items()}

    def grads(self, node: str) -> dict[str, np.ndarray]:
        return {k: read_only(v) for k, v in self._session.layers[node].grads.items()}

    def output(self, node: str) -> np.ndarray | None:
        out = self._session.layers[node].output
        return None if out is None else read_only(out)

    def cache(self, node: str) -> dict[str, np.ndarray]:
        """Everything the node holds now by name: parameters, gradients (grad_<name>), z, delta, output."""
        layer = self._session.layers[node]
        out = self.params(node)
        out.update({f"grad_{k}": v for k, v in self.grads(node).items()})
        for name, value in (("z", layer.z), ("delta", layer.delta), ("output", layer.output)):
            if value is not None:
                out[name] = read_only(value)
        return out
