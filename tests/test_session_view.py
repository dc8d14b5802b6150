"""Panels read the session through its read-only view: named caches, never private attributes."""

from __future__ import annotations

import numpy as np
import pytest

from nnviz.engine.session import Session
from tests.helpers import xor_mlp


def test_the_view_names_each_nodes_caches_and_refuses_writes():
    s = Session(xor_mlp())
    s.run(steps=1)
    dense = next(nid for nid in s.order if s.layers[nid].params)
    for _ in range(3):
        s.step()  # batch and forward micro-steps: the outputs are fresh
    cache = s.view.cache(dense)
    assert {"weight", "bias", "grad_weight", "grad_bias", "output"} <= set(cache)
    assert np.array_equal(cache["weight"], s.layers[dense].params["weight"])
    assert np.array_equal(s.view.output(dense), cache["output"])
    with pytest.raises(ValueError):
        cache["weight"][0, 0] = 1.0  # a panel cannot change training truth by mistake
    assert s.layers[dense].params["weight"].flags.writeable  # the engine still can
    assert s.view.names[dense] == s.doc.nodes[dense].name and s.view.order == s.order
