"""The recipes: for each layer family, loss and optimiser, the value asked and each mistake's value."""

from nnviz.exercise.recipes import conv_lstm, dense, loss, update  # noqa: F401  (each registers its recipes)
