"""Imports every data source module so each registers its kind."""

from nnviz.data import digits, generated, inline, shapes  # noqa: F401
