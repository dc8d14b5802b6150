"""Every built-in layer type. Importing this package registers them all (one module per family)."""

from nnviz.graph.specs import (  # noqa: F401  (imported for their registrations)
    activations,
    conv,
    core,
    merge,
    normalisation,
    pooling,
    regularisation,
    sequence,
)
