"""The training side of the desktop app: step through forward and backward and see every number.

attach_training(window) is called by the main window at the end of its __init__; it builds the
TrainingController (session owner) and its panels, and docks them into the window.
"""

from __future__ import annotations

from nnviz.ui.training.controller import TrainingController
from nnviz.ui.training.dock import attach_training

__all__ = ["TrainingController", "attach_training"]
