"""Data sets: generated, inline, shipped and the user's own files (no Qt)."""

from nnviz.data.dataset import DataError, Dataset, load_dataset

__all__ = ["DataError", "Dataset", "load_dataset"]
