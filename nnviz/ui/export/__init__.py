"""The export dialog: a live PyTorch code preview, export to files and import of a PyTorch model."""
