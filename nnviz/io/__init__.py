"""Reading and writing .nnviz files."""
