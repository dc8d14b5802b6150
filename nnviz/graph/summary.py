"""A Keras-style model summary: one row per layer with its output shape and parameter count."""

from __future__ import annotations

from dataclasses import dataclass

from wcwidth import wcswidth

from nnviz.graph.document import GraphDocument
from nnviz.graph.registry import fmt_shape
from nnviz.i18n import translate


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


def display_width(text: str) -> int:
    """Columns a terminal gives the text: a Chinese character takes two, a combining mark none."""
    width = wcswidth(text)
    return width if width >= 0 else len(text)  # a control character: count code points, never fail


def pad(text: str, width: int, *, right: bool = False) -> str:
    """Pads to a display width (str.ljust counts code points, which misaligns Chinese columns)."""
    fill = " " * max(0, width - display_width(text))
    return fill + text if right else text + fill


def summary_text(doc: GraphDocument) -> str:
    """The summary as plain text (what `nnviz check` prints and the GUI copies), in the current language."""
    rows = summary_rows(doc)
    analysis = doc.analysis()
    header = (translate("Layer (type)"), translate("Output shape"), translate("Param #"), translate("Connected to"))
    table = [header] + [(f"{r.name} ({r.type_label})", r.output_shape, f"{r.params:,}", r.inputs) for r in rows]
    widths = [max(display_width(row[i]) for row in table) for i in range(4)]
    rule = "=" * (sum(widths) + 6)

    def line(row: tuple[str, ...]) -> str:
        return "  ".join(pad(cell, w, right=i == 2) for i, (cell, w) in enumerate(zip(row, widths))).rstrip()

    out = [rule, line(header), rule, *(line(r) for r in table[1:]), rule]
    total = f"{analysis.total_params:,}"
    out.append(translate("Total params: {count}", count=total))
    out.append(translate("Layers: {count}", count=len(rows)))
    for message in analysis.messages():
        out.append(translate("error: {message}", message=message))
    return "\n".join(out)
