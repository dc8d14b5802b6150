"""A Keras-style model summary: one row per layer with its output shape and parameter count."""

from __future__ import annotations

from dataclasses import dataclass

from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape


@dataclass(frozen=True)
class SummaryRow:
    node_id: str
    name: str
    type_label: str
    output_shape: str
    params: int
    inputs: str
    error: str | None


def summary_rows(doc: GraphDocument) -> list[SummaryRow]:
    analysis = doc.analysis()
    rows = []
    for nid in analysis.order:
        node = doc.nodes[nid]
        shape = analysis.shapes.get(nid)
        sources = ", ".join(doc.nodes[e.src].name for e in doc.inputs_of(nid))
        rows.append(SummaryRow(
            nid, node.name, node.spec.label,
            "(None, " + fmt_shape(shape)[1:].rstrip(",)") + ")" if shape else "?",
            analysis.param_counts.get(nid, 0), sources, analysis.errors.get(nid),
        ))
    return rows


def summary_text(doc: GraphDocument) -> str:
    """The summary as plain text (what `nnviz check` prints and the GUI copies)."""
    rows = summary_rows(doc)
    analysis = doc.analysis()
    header = ("Layer (type)", "Output shape", "Param #", "Connected to")
    table = [header] + [(f"{r.name} ({r.type_label})", r.output_shape, f"{r.params:,}", r.inputs) for r in rows]
    widths = [max(len(row[i]) for row in table) for i in range(4)]
    rule = "=" * (sum(widths) + 6)

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(cell.ljust(w) if i != 2 else cell.rjust(w) for i, (cell, w) in
                         enumerate(zip(row, widths))).rstrip()

    out = [rule, line(header), rule, *(line(r) for r in table[1:]), rule]
    out.append(f"Total params: {analysis.total_params:,}")
    out.append(f"Layers: {len(rows)}")
    for message in analysis.messages():
        out.append(f"error: {message}")
    return "\n".join(out)
