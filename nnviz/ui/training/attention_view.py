"""AttentionView: what self-attention and LayerNorm do to one sentence, with its tokens on the axes.

Self-attention: one heatmap per head of the attention weights A (or the scores S = Q·Kᵀ/√d, or the gradients
∂L/∂A, ∂L/∂S once backward has run) for one sample of the batch: row = query (the token that looks), column
= key (the token it looks at); each row of A sums to 1; masked keys (padding, later tokens when causal) are
left blank. The row the Formula panel works through is outlined. LayerNorm: x̂ per position and feature, and
each position's own mean and variance (BatchNorm's are per feature over the batch).

The view follows the stepped micro-step (and the node the learner selects) when it is an attention or a
LayerNorm layer; otherwise it keeps the last one. Numbers come from the recorded micro-step, else from what
the layer's last pass left (after a fast run). The token labels are the text data's vocabulary (Chinese one
character per token).
"""

from __future__ import annotations

import json
from typing import TYPE_CHECKING, Any

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import (
    QBoxLayout,
    QComboBox,
    QHBoxLayout,
    QLabel,
    QSizePolicy,
    QSpinBox,
    QVBoxLayout,
    QWidget,
)

from nnviz.ui.training.attention_plots import MIN_LABEL_PX, statistics_plot, token_axes
from nnviz.ui.training.widgets import StatusLine, symbol_font, symbol_html

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

CONTEXT = "AttentionView"
# Quantity label -> (tensor name, phase that computes it, sequential colours from 0 (weights) or diverging).
ATTENTION = {
    QT_TRANSLATE_NOOP("AttentionView", "attention weights A"): ("attention_weights", "forward", True),
    QT_TRANSLATE_NOOP("AttentionView", "scores S = Q·Kᵀ/√d"): ("scores", "forward", False),
    QT_TRANSLATE_NOOP("AttentionView", "∂L/∂A"): ("grad_attention_weights", "backward", False),
    QT_TRANSLATE_NOOP("AttentionView", "∂L/∂S"): ("grad_scores", "backward", False),
}
NORMALISED = QT_TRANSLATE_NOOP("AttentionView", "x̂ = (x − μ)/√(σ² + ε)")
WEIGHT_COLOURS = pg.ColorMap([0.0, 1.0], [(255, 255, 255), (31, 90, 160)])
SIGNED_COLOURS = pg.colormap.get("CET-D1")
HEAD_WIDTH = 210  # pixels one head needs for its token labels to read (12 tokens a side and their axis)
NOTE_BESIDE = 0.4  # one head in a narrow panel: the note takes this share of the width, beside the heatmap


def _tr(text: str) -> str:
    return QCoreApplication.translate(CONTEXT, text)


# ---------------------------------------------------------------------------------------- no Qt
def is_attention(layer: Any) -> bool:
    return hasattr(layer, "attention_weights")


def is_layer_norm(layer: Any) -> bool:
    """Normalised per position: a mean for each (sample, position), x̂ with one more axis (not BatchNorm's)."""
    t = layer.extra_tensors("forward") if hasattr(layer, "extra_tensors") else {}
    mean, xhat = t.get("mean"), t.get("x_hat")
    return mean is not None and xhat is not None and np.ndim(xhat) == 3 and np.shape(mean) == np.shape(xhat)[:2]


def token_labels(ids: np.ndarray | None, words: dict[int, str] | None, steps: int) -> list[str]:
    """One label per position: the token (padding '·', a token outside the vocabulary '?'), or the position
    number without a vocabulary."""
    if ids is None or words is None or len(ids) != steps:
        return [str(t + 1) for t in range(steps)]
    return ["·" if int(i) == 0 else "?" if int(i) == 1 else words.get(int(i), "?") for i in ids]


def formula_row(highlights: dict[str, Any], name: str) -> tuple[int, int, int] | None:
    """(sample, head, query) of the attention row the Formula panel writes out, from its highlights."""
    cells = highlights.get(name) or highlights.get("attention_weights") or []
    cells = [c for c in cells if isinstance(c, tuple) and len(c) == 4]
    return (int(cells[0][0]), int(cells[0][1]), int(cells[0][2])) if cells else None


# ---------------------------------------------------------------------------------------- the view
class AttentionView(QWidget):
    title = "Attention"  # the dock's title (the main window translates it)
    beside_tensors = True  # docked beside the Tensors panel: the heads need the bottom row's room
    wantsFront = Signal()  # the first attention micro-step of a session: its dock comes to the front once

    def __init__(self, controller: Any, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.controller = controller
        self.node_box = QComboBox()
        self.node_box.setToolTip(self.tr("The attention or LayerNorm layer to look at"))
        self.quantity_box = QComboBox()
        self.quantity_box.setFont(symbol_font(self.quantity_box.font()))  # its items are formulas (x̂ keeps its hat)
        self.sample_box = QSpinBox()
        self.sample_box.setPrefix(self.tr("sample "))
        self.sample_box.setMinimum(1)
        self.sample_box.setToolTip(self.tr("Which sentence of the batch"))
        for box in (self.node_box, self.quantity_box):
            box.currentIndexChanged.connect(lambda _=None: self.refresh())
        self.sample_box.valueChanged.connect(lambda _=None: self.refresh())
        # When the heads do not all fit side by side (4 heads in the 1280x800 bottom row), one head is drawn
        # large enough to read its tokens: this box chooses which (it follows the Formula panel's head).
        self.head_box = QSpinBox()
        self.head_box.setPrefix(self.tr("head "))
        self.head_box.setMinimum(1)
        self.head_box.setToolTip(self.tr("Which head to show: the panel is too narrow for every head side by side"))
        self.head_box.valueChanged.connect(lambda _=None: self.refresh())
        self.head_box.hide()
        # Two rows: the layer and the sample, then what to show. In one row the three boxes need more width
        # than the bottom dock has at 1280x800, and the panel scrolled sideways.
        top = QVBoxLayout()
        first = QHBoxLayout()
        first.addWidget(self.node_box, 1)
        first.addWidget(self.head_box)
        first.addWidget(self.sample_box)
        top.addLayout(first)
        top.addWidget(self.quantity_box)
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.graphics.setMinimumHeight(12 * MIN_LABEL_PX + 30)  # 12 tokens a side and the bottom axis
        # Whatever room the dock gives, never a reason to grow it (the heads shrink to fit).
        self.graphics.setSizePolicy(QSizePolicy.Policy.Ignored, QSizePolicy.Policy.Ignored)
        self.hover = StatusLine(" ")
        self.note = QLabel()
        self.note.setTextFormat(Qt.TextFormat.RichText)  # x̂ drawn in the symbols' font (widgets.symbol_html)
        self.note.setWordWrap(True)
        self.note.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        font = self.note.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        self.note.setFont(font)
        # The note sits below the plots, or beside one head in a narrow panel: at 1280x800 the bottom row is
        # about 250 px tall, and the boxes, a head and a note below it made the panel scroll.
        self.body = QBoxLayout(QBoxLayout.Direction.TopToBottom)
        self.body.addWidget(self.graphics, 1)
        self.body.addWidget(self.note)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.setSpacing(3)
        top.setSpacing(3)
        layout.addLayout(top)
        layout.addLayout(self.body, 1)
        layout.addWidget(self.hover)
        self.matrices: list[np.ndarray] = []  # what each plot draws (tests read these)
        self.statistics: tuple[np.ndarray, np.ndarray] | None = None  # LayerNorm: (mean, variance) per position
        self.labels: list[str] = []
        self.titles: list[str] = []  # each plot's name (the hover line starts with it)
        self.plots: list[Any] = []
        self.stats_plot: Any = None  # LayerNorm: the plot of each position's μ and σ²
        self._layout_key: tuple = ()
        self._words: tuple[str, dict[int, str] | None] = ("", None)
        self._follow: str | None = None
        self._shown_once = False
        self._formula_head_pending = True
        self._head_count = 0
        self.graphics.scene().sigMouseMoved.connect(self._on_mouse)

    def follow(self, training: TrainingContext) -> None:
        """Redraw through the throttle; move to an attention or LayerNorm node when it is stepped or selected."""
        training.follow(self, self.refresh, min_interval=0.25, on_step=self._on_step, on_select=self._on_select,
                        on_session=self._on_session)

    def _on_session(self) -> None:
        self._shown_once = False

    def _on_step(self, view: Any) -> None:
        self._formula_head_pending = True  # one head shown: the Formula panel's head, once per step
        if view.event.phase in ("forward", "backward"):
            self._focus(view.event.node)
            session = getattr(self.controller, "session", None)
            if not self._shown_once and session is not None and is_attention(session.layers[view.event.node]):
                self._shown_once = True
                self.wantsFront.emit()

    def _on_select(self, node: str | None) -> None:
        self._focus(node)

    def _focus(self, node: str | None) -> None:
        session = getattr(self.controller, "session", None)
        if session is None or node not in session.layers:
            return
        layer = session.layers[node]
        if is_attention(layer) or is_layer_norm(layer):
            self._follow = node  # a LayerNorm joins the list once it has run: the next refresh selects it
            index = self.node_box.findData(node)
            if 0 <= index != self.node_box.currentIndex():
                self.node_box.setCurrentIndex(index)  # refreshes

    # ------------------------------------------------------------------ data
    def _nodes(self, session: Any) -> list[str]:
        return [n for n in session.order if is_attention(session.layers[n]) or is_layer_norm(session.layers[n])]

    def _vocabulary(self, session: Any) -> dict[int, str] | None:
        """The text data's id -> token (cached per data spec), or None for other data."""
        doc = session.doc
        key = json.dumps(doc.data, sort_keys=True, default=str)
        if self._words[0] != key:
            words = None
            if doc.data.get("kind") == "text":
                from nnviz.data.dataset import DataError, LoadContext
                from nnviz.data.text import load_text
                from nnviz.engine.session import document_folder

                try:
                    words = load_text(doc.data, LoadContext(base_dir=document_folder(doc)))[1].index_word()
                except DataError:
                    words = None
            self._words = (key, words)
        return self._words[1]

    def _tensors(self, session: Any, node: str) -> tuple[dict[str, np.ndarray], dict[str, Any]]:
        """The node's tensors of the stepped micro-step (and its formula's highlights), else its last pass."""
        cur = getattr(self.controller, "current", None)
        if cur is not None and cur.event.node == node and cur.event.phase in ("forward", "backward"):
            return dict(cur.tensors), (cur.formula.highlights if cur.formula is not None else {})
        layer = session.layers[node]
        return {**layer.extra_tensors("forward"), **layer.extra_tensors("backward")}, {}

    # ------------------------------------------------------------------ drawing
    def refresh(self) -> None:
        self._head_count = 0  # _heads_shown sets it when attention heads are drawn
        session = getattr(self.controller, "session", None)
        nodes = self._nodes(session) if session is not None else []
        self._fill(self.node_box, [session.net.names.get(n, n) for n in nodes] if nodes else [], nodes)
        if not nodes:
            self._show([], [], self.tr("This network has no self-attention or LayerNorm layer (or it has not run "
                                       "yet): add a Transformer encoder block from the palette's Blocks."))
            return
        node = self.node_box.currentData() or nodes[0]
        tensors, highlights = self._tensors(session, node)
        ids = session.view.output(session.net.input_id)
        if is_attention(session.layers[node]):
            self._draw_attention(session, node, tensors, highlights, ids)
        else:
            self._draw_layer_norm(session, tensors, ids)

    def _sample(self, array: np.ndarray) -> int:
        self.sample_box.setMaximum(max(1, len(array)))
        return min(self.sample_box.value() - 1, len(array) - 1)

    def _draw_attention(self, session: Any, node: str, t: dict, highlights: dict, ids: Any) -> None:
        present = [q for q, (name, _, _) in ATTENTION.items() if t.get(name) is not None]
        self._fill(self.quantity_box, [_tr(q) for q in ATTENTION], list(ATTENTION))
        label = self.quantity_box.currentData() or next(iter(ATTENTION))
        if label not in present:
            self._show([], [], self.tr("Press Step (F10) until the attention layer has run forward (backward for "
                                       "the gradients)."))
            return
        name, _, sequential = ATTENTION[label]
        values = np.asarray(t[name], dtype=np.float64)  # (N, h, T, T)
        s = self._sample(values)
        mask = t.get("attention_mask")
        sample = values[s].copy()
        if mask is not None:
            sample[np.broadcast_to(np.asarray(mask)[min(s, len(mask) - 1)], sample.shape) == 0] = np.nan
        steps = sample.shape[-1]
        words = self._vocabulary(session)
        labels = token_labels(None if ids is None else np.asarray(ids)[min(s, len(ids) - 1)], words, steps)
        row = formula_row(highlights, name)
        outlined = {row[1]: row[2]} if row is not None and row[0] == s else {}
        heads = [self.tr("head %d") % (h + 1) for h in range(len(sample))]
        causal = bool(session.doc.nodes[node].params.get("causal")) if node in session.doc.nodes else False
        note = self._attention_note(label, sample, causal, labels)
        shown = self._heads_shown(len(sample), outlined)
        self._show([sample[h] for h in shown], labels, note, [heads[h] for h in shown], sequential,
                   {shown.index(h): r for h, r in outlined.items() if h in shown})

    def _heads_shown(self, count: int, outlined: dict[int, int]) -> list[int]:
        """Every head when they fit side by side, else the one chosen in the head box (on a step: the head
        whose row the Formula panel writes out)."""
        self.head_box.setMaximum(count)
        self._head_count = count
        if not self.graphics.isVisible() or self._room() >= HEAD_WIDTH * count or count == 1:
            self.head_box.hide()
            return list(range(count))
        self.head_box.show()
        if outlined and self._formula_head_pending:
            self.head_box.blockSignals(True)
            self.head_box.setValue(next(iter(outlined)) + 1)
            self.head_box.blockSignals(False)
        self._formula_head_pending = False
        return [min(self.head_box.value(), count) - 1]

    def resizeEvent(self, event: Any) -> None:
        super().resizeEvent(event)
        heads = self._head_count
        if heads > 1 and (self._room() >= HEAD_WIDTH * heads) == self.head_box.isVisible():
            self.refresh()  # wide enough for every head now, or no longer: lay the heads out again
        elif self.head_box.isVisible():
            self.note.setMaximumWidth(int(self.width() * NOTE_BESIDE))

    def _room(self) -> int:
        """The width the plots have with the note below them."""
        margins = self.layout().contentsMargins()
        return self.width() - margins.left() - margins.right()

    def _attention_note(self, label: str, sample: np.ndarray, causal: bool, labels: list[str]) -> str:
        text = self.tr("Row: the query, the token that looks. Column: the key, the token it looks at. ")
        if ATTENTION[label][0] == "attention_weights":
            text += self.tr("Each row sums to 1 (white 0, dark blue 1). ")
        if np.isnan(sample).any():
            text += (self.tr("Blank: masked (padding '·', or a later token: the attention is causal). ") if causal
                     else self.tr("Blank: masked (padding '·'). "))
        if "?" in labels:
            text += self.tr("'?': a word outside the vocabulary. ")
        return text + self.tr("Outlined: the row the Formula panel works through.")

    def _draw_layer_norm(self, session: Any, t: dict, ids: Any) -> None:
        self._fill(self.quantity_box, [_tr(NORMALISED)], [NORMALISED])
        if t.get("x_hat") is None:
            self._show([], [], self.tr("Press Step (F10) until the LayerNorm has run forward."))
            return
        xhat = np.asarray(t["x_hat"], dtype=np.float64)  # (N, T, E)
        s = self._sample(xhat)
        mean, var = np.asarray(t["mean"])[s], np.asarray(t["var"])[s]
        labels = token_labels(None if ids is None else np.asarray(ids)[min(s, len(ids) - 1)],
                              self._vocabulary(session), xhat.shape[1])
        note = self.tr("Each position (row) is normalised on its own, over its %d features, then scaled by weight "
                       "(γ) and shifted by bias (β). BatchNorm instead normalises each feature over the "
                       "batch.") % xhat.shape[2]
        self._show([xhat[s]], labels, note, [_tr(NORMALISED)], False, {}, square=False)
        self.statistics = (np.asarray(mean, dtype=np.float64), np.asarray(var, dtype=np.float64))
        # Beside x̂ (the bottom row is wide, not tall).
        self.stats_plot = statistics_plot(self.graphics, *self.statistics, labels, self.font())
        self.graphics.ci.layout.setColumnStretchFactor(0, 3)
        self.graphics.ci.layout.setColumnStretchFactor(1, 2)
        self._layout_key = ()  # the statistics plot is redrawn with the heatmap next time

    def _show(self, matrices: list[np.ndarray], labels: list[str], note: str, titles: list[str] | None = None,
              sequential: bool = True, outlined: dict[int, int] | None = None, square: bool = True) -> None:
        self.matrices, self.labels, self.statistics, self.stats_plot = matrices, labels, None, None
        self.titles = titles or [""] * len(matrices)
        self.head_box.setVisible(self.head_box.isVisible() and self._head_count > 1)  # heads only
        beside = self.head_box.isVisible()  # one head of several, in a narrow panel: a square heatmap
        self.body.setDirection(QBoxLayout.Direction.LeftToRight if beside else QBoxLayout.Direction.TopToBottom)
        self.note.setMaximumWidth(int(self.width() * NOTE_BESIDE) if beside else 16777215)
        self.note.setText(symbol_html(note))
        key = (len(matrices), tuple(m.shape for m in matrices), tuple(labels), tuple(self.titles), sequential,
               beside)
        if key != self._layout_key:
            self._layout_key = key
            self.graphics.clear()
            self.plots = []
            columns = min(len(matrices), 4)  # up to four heads side by side, in the bottom row's width
            for i, m in enumerate(matrices):
                plot = self.graphics.addPlot(row=i // columns, col=i % columns)
                if not beside:  # the head box names the one head shown
                    plot.setTitle(symbol_html(self.titles[i]), size="9pt", color="#44505C")
                token_axes(plot, labels, m.shape, square, self.font())
                image = pg.ImageItem(axisOrder="row-major")
                image.setColorMap(WEIGHT_COLOURS if sequential else SIGNED_COLOURS)
                plot.addItem(image)
                box = pg.PlotCurveItem(pen=pg.mkPen((20, 20, 20), width=2))
                plot.addItem(box)
                self.plots.append((plot, image, box))
        for i, m in enumerate(matrices):
            plot, image, box = self.plots[i]
            finite = m[np.isfinite(m)]
            top = float(np.max(np.abs(finite))) if finite.size else 1.0
            image.setImage(m, autoLevels=False, levels=(0.0, 1.0) if sequential else (-top or -1.0, top or 1.0))
            row = (outlined or {}).get(i)
            if row is None:
                box.setData([], [])
            else:
                width = m.shape[1]
                box.setData([0, width, width, 0, 0], [row, row, row + 1, row + 1, row])

    def _on_mouse(self, pos: Any) -> None:
        for i, (plot, _, _) in enumerate(self.plots):
            if i < len(self.matrices) and plot.sceneBoundingRect().contains(pos):
                p = plot.vb.mapSceneToView(pos)
                row, col = int(np.floor(p.y())), int(np.floor(p.x()))
                m = self.matrices[i]
                if 0 <= row < m.shape[0] and 0 <= col < m.shape[1]:
                    what = self.labels[col] if m.shape == (len(self.labels),) * 2 else str(col + 1)
                    value = "—" if np.isnan(m[row, col]) else f"{m[row, col]:.4g}"
                    self.hover.setText(f"{self.titles[i]}: {self.labels[row]} → {what} = {value}")
                return

    def _fill(self, box: QComboBox, items: list[str], data: list[str]) -> None:
        if [box.itemText(i) for i in range(box.count())] == items:
            return
        keep = box.currentData()
        box.blockSignals(True)
        box.clear()
        for text, value in zip(items, data):
            box.addItem(text, value)
        index = box.findData(self._follow if box is self.node_box and self._follow in data else keep)
        box.setCurrentIndex(max(index, 0))
        box.blockSignals(False)
