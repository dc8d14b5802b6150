"""Dropout."""

from __future__ import annotations

from nnviz.graph.params import ParamSpec
from nnviz.graph.registry import Capabilities, LayerSpec, register
from nnviz.graph.specs.common import single

register(LayerSpec(
    key="dropout", label="Dropout", category="Regularisation", stem="dropout",
    description="While training, zeroes each value with probability p and scales the rest by 1/(1-p)",
    params=(ParamSpec("p", "float", 0.5, "Probability of dropping a value", minimum=0.0, maximum=0.99,
                      key=True),),
    infer=lambda in_shapes, p: single(in_shapes), capabilities=Capabilities(random_masks=True),
))
