"""Activation functions as nodes of their own."""

from __future__ import annotations

import numpy as np

from nnviz.engine import activations
from nnviz.engine.base import Layer, register_layer


class ActivationLayer(Layer):
    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._x = xs[0]
        self._y = activations.forward(self.key, xs[0], self.hp)
        return self._y

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return [activations.backward(self.key, self._x, self._y, delta, self.hp)]


for _key in ("identity", "relu", "leaky_relu", "elu", "gelu", "sigmoid", "tanh", "softmax"):
    register_layer(type(f"{_key.title().replace('_', '')}Layer", (ActivationLayer,), {"key": _key}))
