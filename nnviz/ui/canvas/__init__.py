"""The canvas: the graph scene, its node and edge items, the view, undo commands, the edit controller, the
palette, the clipboard and the inspector of the selected layer."""
