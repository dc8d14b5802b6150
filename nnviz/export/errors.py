"""The one error the exporter and importer raise: a message naming the node and why."""

from __future__ import annotations


class ExportError(ValueError):
    """The network (or a PyTorch model being imported) cannot be converted; the message says which
    layer and why, in words a learner can act on."""
