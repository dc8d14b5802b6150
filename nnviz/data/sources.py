"""Imports every data source module so each registers its kind."""

from nnviz.data import arrays, cifar, csvfile, digits, generated, idx, images, inline, shapes  # noqa: F401

# isort: split
from nnviz.data import text  # noqa: F401  (the "text" kind: tokenised sentences)

# isort: split
from nnviz.data import cifar_python, known_source  # noqa: F401  (the guides' sets: issue 18)
