"""What of the training a Save writes, and whether training happened since the last save or open.

The session holds the trained state (nnviz.engine.training_state). While the graph cannot be built
(an edit in progress), the controller keeps the trained weights for the next build and a file opened
that way keeps its saved state unchanged: saved again, nothing is lost.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from nnviz.engine.training_state import kept_weights_state, state_weights, training_state

Weights = dict[str, dict[str, np.ndarray]]


class TrainingSaves:
    def __init__(self, controller: Any) -> None:
        self.controller = controller
        self.unbuilt_state: dict[str, Any] | None = None  # a file's state whose graph could not be built
        # While an edit leaves the graph unbuildable, the trained weights wait here for the next build.
        self.kept_weights: dict[str, dict[str, np.ndarray]] = {}
        self.builds = 0  # sessions built so far: a new one may hold other weights than the saved ones
        self._saved_at: tuple[int, int, int] = (0, 0, 0)

    def weights_to_keep(self, keep: bool, fresh: set[str | None], saved: dict[str, Any] | None) -> Weights:
        """The weights the next session starts from: a file's, or the current session's (without the
        nodes in `fresh`, whose typed starting weights replace them), or none when not `keep`."""
        if saved is not None:
            self.kept_weights = state_weights(saved)
        elif not keep:
            self.kept_weights = {}
        elif self.controller.session is not None:
            self.kept_weights = self.controller.session.weights()
        self.kept_weights = {nid: t for nid, t in self.kept_weights.items() if nid not in fresh}
        return self.kept_weights

    def built(self, saved: dict[str, Any] | None, ok: bool) -> None:
        """A session was (ok) or could not be built; `saved`: the file state it was built from."""
        self.builds += 1
        self.unbuilt_state = None if ok else saved

    def saved_state(self) -> dict[str, Any] | None:
        """The training state to save with the document (None when there is nothing beyond it)."""
        c = self.controller
        if c.session is not None:
            return training_state(c.session)
        return self.unbuilt_state or kept_weights_state(self.kept_weights)

    def mark_saved(self) -> None:
        self._saved_at = self._progress()

    def unsaved_training(self) -> bool:
        """Training (or weights carried over, or a hand edit) happened since the last save or open."""
        return self._progress() != self._saved_at

    def _progress(self) -> tuple[int, int, int]:
        s = self.controller.session
        return (self.builds, s.micro, s.weights_version) if s is not None else (self.builds, 0, 0)
