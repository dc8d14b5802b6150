"""Input, Dense (y = x W^T + b, PyTorch's Linear layout), Flatten, Reshape."""

from __future__ import annotations

import numpy as np

from nnviz.engine.base import Layer, register_layer


@register_layer
class Input(Layer):
    key = "input"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0]

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return []


@register_layer
class Dense(Layer):
    """x: (batch, in_features) -> (batch, units); weight (units, in_features), bias (units,)."""

    key = "dense"

    def weight_fans(self) -> tuple[int, int]:
        return (self.in_shapes[0][0], self.hp["units"])

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        self._x = xs[0]
        z = self._x @ self.params["weight"].T
        if "bias" in self.params:
            z += self.params["bias"]
        return z

    def _backward(self, delta: np.ndarray) -> list[np.ndarray | None]:
        self.grads["weight"] = delta.T @ self._x
        if "bias" in self.params:
            self.grads["bias"] = np.add.reduce(delta, axis=0)  # = delta.sum(axis=0), less call overhead
        if not self.need_input_grad:
            return [None]
        return [delta @ self.params["weight"]]


@register_layer
class Flatten(Layer):
    key = "flatten"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0].reshape(xs[0].shape[0], -1)

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return [delta.reshape((delta.shape[0], *self.in_shapes[0]))]


@register_layer
class Reshape(Layer):
    key = "reshape"

    def _forward(self, xs: list[np.ndarray]) -> np.ndarray:
        return xs[0].reshape((xs[0].shape[0], *self.out_shape))

    def _backward(self, delta: np.ndarray) -> list[np.ndarray]:
        return [delta.reshape((delta.shape[0], *self.in_shapes[0]))]
