"""Export to PyTorch and import from it."""
