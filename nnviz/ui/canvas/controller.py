"""The edit controller: turns the views' intents (ids and values) into undo commands on the stack.

Every edit the GUI makes goes through here, so the property-based tests that drive this class exercise
exactly what a user can do. A refused edit never reaches the undo stack; its reason is emitted.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import numpy as np
from PySide6.QtCore import QObject, Signal
from PySide6.QtGui import QUndoStack

from nnviz.graph import Edge, GraphDocument, GraphEditError, TrainingSettings, get_spec
from nnviz.ui.canvas import commands as c
from nnviz.ui.canvas.clipboard import parse_payload
from nnviz.ui.canvas.layout import COLUMN_GAP, ROW_GAP, layered_layout
from nnviz.ui.canvas.room import make_room

PASTE_OFFSET = (40.0, 40.0)


class GraphController(QObject):
    """Applies edits to `document` through `undo_stack`.

    Methods return what they created (a node id, an edge) or True on success, and None/False when the
    document refused the edit; the reason is emitted as `refused(message)`.
    """

    refused = Signal(str)

    def __init__(self, document: GraphDocument, undo_stack: QUndoStack, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.document = document
        self.undo_stack = undo_stack

    def set_document(self, document: GraphDocument) -> None:
        self.document = document
        self.undo_stack.clear()

    # ------------------------------------------------------------ core mechanism
    def _run(self, cmd: c.DocCommand) -> bool:
        """Apply eagerly; on success push (redo skips the first apply), else report the reason."""
        try:
            cmd.redo()
        except GraphEditError as exc:
            self.refused.emit(str(exc))
            return False
        self.undo_stack.push(cmd)
        return True

    def _run_all(self, text: str, build: Iterable[c.DocCommand]) -> list[c.DocCommand] | None:
        """Apply a sequence of commands as one undo step; all or nothing."""
        done: list[c.DocCommand] = []
        try:
            for cmd in build:
                cmd.redo()
                done.append(cmd)
        except (GraphEditError, KeyError, TypeError, ValueError) as exc:
            # A refused edit or a malformed paste payload: put back what was applied, report why.
            for cmd in reversed(done):
                cmd.undo()
            self.refused.emit(str(exc))
            return None
        if done:
            self.undo_stack.push(c.Macro(self.document, text, done))
        return done

    def run_as_one_step(self, text: str, commands: Iterable[c.DocCommand]) -> list[c.DocCommand] | None:
        """Several edits as one undo step named `text` (a composite block); all or nothing."""
        return self._run_all(text, commands)

    # ------------------------------------------------------------ nodes
    def add_node(self, type_key: str, pos: tuple[float, float] = (0.0, 0.0),
                 params: dict[str, Any] | None = None) -> str | None:
        cmd = c.AddNode(self.document, type_key, pos, params=params,
                        text=self.tr("Add %s") % _label(type_key))
        return cmd.node_id if self._run(cmd) else None

    def remove(self, node_ids: Iterable[str] = (), edges: Iterable[Edge] = ()) -> bool:
        """Delete nodes and edges in one step (edges first, so undo restores them exactly)."""
        doc = self.document
        node_ids = [n for n in node_ids if n in doc.nodes]
        edges = [e for e in edges if e in doc.edges and e.src not in node_ids and e.dst not in node_ids]
        cmds: list[c.DocCommand] = [c.Disconnect(doc, e) for e in edges]
        cmds += [c.RemoveNode(doc, n) for n in node_ids]
        if not cmds:
            return False
        return self._run_all(self.tr("Delete"), cmds) is not None

    def set_param(self, node_id: str, name: str, value: Any) -> bool:
        node = self.document.nodes.get(node_id)
        if node is not None and node.params.get(name) == value:
            return True  # an editor echoing the current value is not an edit
        return self._run(c.SetParam(self.document, node_id, name, value))

    def rename(self, node_id: str, name: str) -> bool:
        node = self.document.nodes.get(node_id)
        if node is not None and node.name == name.strip():
            return True
        return self._run(c.Rename(self.document, node_id, name))

    def move_nodes(self, positions: dict[str, tuple[float, float]]) -> bool:
        """One undo step for a drag of any number of nodes."""
        doc = self.document
        moves = [c.Move(doc, nid, (float(x), float(y))) for nid, (x, y) in positions.items()
                 if nid in doc.nodes and doc.nodes[nid].pos != (float(x), float(y))]
        if not moves:
            return False
        return self._run_all(self.tr("Move"), moves) is not None

    def set_weight(self, node_id: str, name: str, values: np.ndarray | None) -> bool:
        return self._run(c.SetWeight(self.document, node_id, name, values))

    def set_data(self, data: dict[str, Any]) -> bool:
        """Change the data set description (undoable; the data panel uses this)."""
        return self._run(c.SetData(self.document, data))

    def set_training(self, settings: TrainingSettings) -> bool:
        """Change the training settings (undoable; the training panels use this)."""
        if settings == self.document.training:
            return True
        return self._run(c.SetTraining(self.document, settings))

    # ------------------------------------------------------------ edges
    def connect(self, src: str, dst: str, port: int = 0) -> Edge | None:
        cmd = c.Connect(self.document, src, dst, port)
        return cmd.edge if self._run(cmd) else None

    def disconnect(self, edge: Edge) -> bool:
        return self._run(c.Disconnect(self.document, edge))

    def insert_on_edge(self, type_key: str, edge: Edge, pos: tuple[float, float]) -> str | None:
        """Drop a layer onto an edge: src -> new -> dst, one undo step."""
        doc = self.document
        spec = get_spec(type_key)
        if spec.num_inputs(spec.defaults()) < 1:
            self.refused.emit(self.tr("%s takes no input, so it cannot be inserted into a connection")
                              % spec.label)
            return None
        # In the column after the connection's source; the layers after it step right (no card covered).
        pos, moves = make_room(doc, [(0, 0)], pos, (COLUMN_GAP, ROW_GAP), edge)
        add = c.AddNode(doc, type_key, pos)

        def build() -> Iterable[c.DocCommand]:
            yield from (c.Move(doc, nid, at) for nid, at in moves.items())
            yield c.Disconnect(doc, edge)
            yield add
            yield c.Connect(doc, edge.src, add.node_id or "", 0)
            yield c.Connect(doc, add.node_id or "", edge.dst, edge.port)

        done = self._run_all(self.tr("Insert %s") % spec.label, build())
        return add.node_id if done else None

    # ------------------------------------------------------------ clipboard and layout
    def paste(self, text: str, offset: tuple[float, float] = PASTE_OFFSET) -> list[str]:
        """Add the nodes of a copy payload (fresh ids, names kept when free) with their inner edges."""
        data = parse_payload(text)
        if data is None:
            self.refused.emit(self.tr("The clipboard holds no nnviz layers"))
            return []
        doc = self.document
        ids: dict[str, c.AddNode] = {}
        taken = {n.name for n in doc.nodes.values()}

        def build() -> Iterable[c.DocCommand]:
            for item in data["nodes"]:
                name = item.get("name")
                name = name if isinstance(name, str) and name not in taken else None
                x, y = item.get("pos", (0.0, 0.0))
                add = c.AddNode(doc, item["type"], (x + offset[0], y + offset[1]), params=item.get("params"),
                                name=name, weights={k: np.array(v) for k, v in item.get("weights", {}).items()})
                ids[item["id"]] = add
                yield add
                taken.add(add.name or "")
            for src, dst, port in data["edges"]:
                if src in ids and dst in ids:
                    yield c.Connect(doc, ids[src].node_id or "", ids[dst].node_id or "", int(port))

        done = self._run_all(self.tr("Paste"), build())
        return [a.node_id for a in ids.values() if a.node_id] if done else []

    def auto_layout(self) -> bool:
        """Place every node by the layered layout, as one undo step."""
        return self.move_nodes(layered_layout(self.document))

    def auto_layout_unrecorded(self) -> None:
        """Auto Layout's placement, not as an undo step: for a network shown with its cards piled up (built
        in code, a file without positions), an arrangement the learner never made and would not undo."""
        for node_id, pos in layered_layout(self.document).items():
            self.document.move(node_id, pos)


def _label(type_key: str) -> str:
    try:
        return get_spec(type_key).label
    except KeyError:
        return type_key
