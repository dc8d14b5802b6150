"""Imports every data source module so each registers its kind."""

from nnviz.data import generated, inline  # noqa: F401
