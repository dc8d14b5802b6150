"""Room for new cards: where a dropped layer or block goes, and which layers step aside, so that no card
covers another (the palette's blocks, a layer inserted into a connection)."""

from __future__ import annotations

from nnviz.graph import Edge, GraphDocument
from nnviz.ui.canvas.layout import COLUMN_GAP

CARD = (184.0, 125.0)  # a card's width and (at most) height, for keeping a block off other cards
GAP = COLUMN_GAP - CARD[0]  # Auto Layout's room between two columns of cards


Point = tuple[float, float]


def make_room(doc: GraphDocument, cells: list[tuple[int, int]], top_left: Point, step: Point,
              edge: Edge | None) -> tuple[Point, dict[str, Point]]:
    """Where a block of new cards goes (`cells`: each card's (column, row), `step` pixels apart; one layer is
    [(0, 0)]) and which layers move so that no card covers another: dropped on a connection, the layers
    from the connection's target on move right by the block's width (as a word inserted into a line);
    dropped on empty space that is not empty enough, the block goes below the layers in its way."""
    cols = [cell[0] for cell in cells]
    rows = [cell[1] for cell in cells]

    def block(at: tuple[float, float]) -> tuple[float, float, float, float]:
        return (at[0] + min(cols) * step[0], at[1] + min(rows) * step[1],
                at[0] + max(cols) * step[0] + CARD[0], at[1] + max(rows) * step[1] + CARD[1])

    def covers(area: tuple[float, float, float, float], pos: tuple[float, float]) -> bool:
        return pos[0] < area[2] and pos[0] + CARD[0] > area[0] and pos[1] < area[3] and pos[1] + CARD[1] > area[1]

    if edge is not None and edge.src in doc.nodes:
        # The column after the connection's source, on its row: the chain stays straight.
        src = doc.nodes[edge.src].pos
        top_left = (src[0] + CARD[0] + GAP, src[1])
        after = {nid: n.pos for nid, n in doc.nodes.items() if n.pos[0] > src[0]}
        shift = block(top_left)[2] + GAP - min((x for x, _ in after.values()), default=float("-inf"))
        return top_left, ({nid: (x + shift, y) for nid, (x, y) in after.items()} if shift > 0 else {})
    for _ in range(len(doc.nodes) + 1):
        area = block(top_left)
        in_way = [n.pos for n in doc.nodes.values() if covers(area, n.pos)]
        if not in_way:
            break
        top_left = (top_left[0], max(y for _, y in in_way) + CARD[1] + 30.0 - (area[1] - top_left[1]))
    return top_left, {}
