"""Gradient health per layer over time, histograms of one layer, and the gradient check on demand.

Health of a layer = mean |gradient| / mean |weight| over all its parameters, sampled at most once per
training step (during a run, once per redraw), judged relative to the other layers and to the loss
(nnviz.engine.gradient_health): vanishing and exploding layers get a warning badge on the node; a network
whose gradients are small because its loss is small is said to have settled, which is no warning.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np
import pyqtgraph as pg
from PySide6.QtCore import Signal
from PySide6.QtGui import QAction
from PySide6.QtWidgets import (
    QComboBox,
    QHBoxLayout,
    QLabel,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

from nnviz.engine.gradient_health import HealthRecorder, Judgement
from nnviz.ui.training.widgets import fit_wrapped, mark_points_while_few

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext


FEW_SAMPLES = 40  # below this many samples a layer's points are marked: one sample alone draws no line
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


class HealthPanel(QWidget):
    title = "Gradient health"
    gradcheckRequested = Signal()

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.recorder = HealthRecorder()
        self.graphics = pg.GraphicsLayoutWidget()
        self.graphics.setBackground("w")
        self.ratio_plot = self.graphics.addPlot(row=0, col=0, title=self.tr("mean |gradient| / mean |weight|"))
        self.ratio_plot.setLogMode(y=True)
        self.ratio_plot.addLegend(offset=(-10, 10))
        self.ratio_plot.setLabel("bottom", self.tr("training step"))
        self.ratio_plot.setClipToView(True)
        self.ratio_plot.setDownsampling(auto=True, mode="peak")
        self.hist_plot = self.graphics.addPlot(row=1, col=0, title=self.tr("histogram"))
        self.hist_plot.addLegend(offset=(-10, 10))
        self.hist_curves = {name: self.hist_plot.plot(stepMode="center", pen=pg.mkPen(colour, width=1.5), name=shown)
                            for name, shown, colour in (("weights", self.tr("weights"), "#1f77b4"),
                                                        ("activations", self.tr("activations"), "#2ca02c"),
                                                        ("gradients", self.tr("gradients"), "#d62728"))}
        self.curves: dict[str, pg.PlotDataItem] = {}
        self.layer_choice = QComboBox()
        self.layer_choice.setToolTip(self.tr("The layer whose histograms are shown"))
        self.warning = QLabel()
        self.warning.setWordWrap(True)  # each verdict says what it means: a sentence or two
        self.warning.setStyleSheet("color: #8a4b00;")
        self.gradcheck_button = QPushButton(self.tr("Gradient check"))
        self.gradcheck_button.setToolTip(self.tr("Compare every gradient with central finite differences, in float64"))
        self.gradcheck_button.clicked.connect(self.gradcheckRequested)
        self.gradcheck_table = QTableWidget(0, 6)
        self.gradcheck_table.setHorizontalHeaderLabels(
            [self.tr("layer"), self.tr("tensor"), self.tr("entries checked"), self.tr("skipped"),
             self.tr("worst / allowed"), self.tr("result")])
        self.gradcheck_table.setMaximumHeight(160)
        self.gradcheck_table.hide()
        self.gradcheck_summary = QLabel()  # the rule an entry passes by, and the verdict
        self.gradcheck_summary.setWordWrap(True)
        self.gradcheck_summary.hide()
        row = QHBoxLayout()
        row.addWidget(QLabel(self.tr("Histograms of")))
        row.addWidget(self.layer_choice, 1)
        row.addWidget(self.gradcheck_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(2, 2, 2, 2)
        layout.addWidget(self.warning)  # the verdicts first: below the plots they were under the fold at 1280x800
        layout.addWidget(self.graphics, 1)
        layout.addLayout(row)
        layout.addWidget(self.gradcheck_summary)
        layout.addWidget(self.gradcheck_table)
        self.histograms: dict[str, np.ndarray] = {}
        self._checked: tuple | None = None  # (session, weights_version) the shown gradient check was made at
        self._whole_ticks = False

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        fit_wrapped(self.warning, self.width() - 4)

    # ------------------------------------------------------------------ following training
    def follow(self, training: TrainingContext) -> None:
        """Sample and draw with training, mark out-of-range nodes with a badge, run the gradient check on
        demand (the button here, or `gradcheck_action` in the Train menu)."""
        self.controller = training.controller
        self.badges = training.badges
        training.follow(self, self.redraw, min_interval=0.25, on_session=self.reset)
        self.gradcheckRequested.connect(self.run_gradcheck)
        self.gradcheck_action = QAction(self.tr("Gradient check"), self)
        self.gradcheck_action.setStatusTip(self.tr("Compare every gradient with central finite differences"))
        self.gradcheck_action.triggered.connect(lambda _=False: self.run_gradcheck())

    def redraw(self) -> None:
        s = self.controller.session
        if self._checked is not None and (s is None or self._checked != (s, s.weights_version)):
            self._drop_gradcheck()  # the check was of other weights (a step, a rewind, a reset since)
        if s is None:
            return
        self.refresh(s, self.controller.seen)
        judgements = self.recorder.judgements()
        for nid in s.view.order:
            j = judgements.get(nid)
            if j is not None and j.kind != "settled":
                self.badges.set_badge(nid, "health", "↓" if j.kind == "vanishing" else "↑",
                                      self.judgement_text(j, f"'{s.view.names.get(nid, nid)}'"))
            elif self.badges.has(nid, "health"):
                self.badges.set_badge(nid, "health", None)

    def judgement_text(self, j: Judgement, names: str) -> str:
        """What a verdict on one or more layers (`names`, quoted) means, for a learner, in the UI's language."""
        if j.kind == "exploding":
            text = self.tr("Gradients exploding in %1 (mean |gradient| / mean |weight| up to %2): one update would "
                           "change the weights by more than their own size. Lower the learning rate.")
        elif j.why == "relative":
            text = self.tr("Gradients vanishing in %1 (ratio down to %2, %3 times smaller than in the layer that "
                           "learns most). The error signal fades on its way back toward the input, so such a layer "
                           "hardly learns: ReLU, a better initialisation or fewer layers help.")
        elif j.kind == "vanishing":
            text = self.tr("Gradients vanishing in %1 (ratio down to %2) while the loss is still %4: learning has "
                           "all but stopped before the network has learnt the data.")
        else:
            text = self.tr("Settled: %1 (ratio down to %2). The loss fell from %5 to %4, so the gradients are small "
                           "because little is left to learn. That is convergence, not a vanishing gradient.")
        factor = j.strongest / j.ratio if j.ratio > 0 else float("inf")
        for key, value in (("%5", j.start_loss), ("%4", j.loss), ("%3", factor), ("%2", j.ratio)):
            text = text.replace(key, "?" if value is None else f"{value:.2g}")
        return text.replace("%1", names)

    def run_gradcheck(self):
        """Finite differences against the analytic gradients at the current weights, in float64; the
        report on the nodes (✓ or ✗ badges) and in the table here. Returns the GradCheckReport."""
        c = self.controller
        s = c.session
        if s is None:
            return None
        c.pause()
        from nnviz.engine.gradcheck import gradcheck

        try:
            report = gradcheck(c.doc, s.dataset, weights=s.weights())
        except Exception as exc:
            c.message.emit(self.tr("Gradient check failed: %s") % exc)
            return None
        self.show_gradcheck(report)
        self._checked = (s, s.weights_version)
        by_node: dict[str, list] = {}
        for t in report.tensors:
            by_node.setdefault(t.node, []).append(t)
        for nid, ts in by_node.items():
            tip = self.tr("Gradient check (backprop vs finite differences, float64):") + "\n" + "\n".join(
                self.tr("%1: %2, worst %3 of the allowed difference").replace("%1", t.param).replace(
                    "%2", t.coverage()).replace("%3", f"{t.worst:.2g}")
                + (self.tr(", skipped %1").replace("%1", t.skipped()) if t.skipped() else "")
                + ("" if t.ok else " " + self.tr("FAIL")) for t in ts)
            self.badges.set_badge(nid, "gradcheck", "✓" if all(t.ok for t in ts) else "✗", tip)
        if report.problem():
            c.message.emit(self.tr("Gradient check: %s") % report.problem())
        elif report.ok:
            c.message.emit(self.tr("Gradient check: every gradient matches finite differences"))
        else:
            c.message.emit(self.tr("Gradient check: some gradients differ from finite differences (see the nodes)"))
        return report

    def _drop_gradcheck(self) -> None:
        self._checked = None
        self.gradcheck_table.hide()
        self.gradcheck_summary.hide()
        if getattr(self, "badges", None) is not None:
            self.badges.clear_source("gradcheck")

    def reset(self) -> None:
        """A new session, or none: nothing of the former network stays."""
        self.recorder = HealthRecorder()
        for curve in self.curves.values():
            self.ratio_plot.removeItem(curve)
        self.curves.clear()
        self._drop_gradcheck()
        self.layer_choice.blockSignals(True)
        self.layer_choice.clear()
        self.layer_choice.blockSignals(False)
        self.warning.setText("")
        fit_wrapped(self.warning, self.width() - 4)
        self.histograms = {}
        for curve in self.hist_curves.values():
            curve.setData([], [])

    def refresh(self, session, seen: dict[str, dict[str, np.ndarray]] | None = None) -> None:
        if session is None:
            return
        self.recorder.record(session)
        names = session.view.names
        longest = 0
        for i, nid in enumerate(self.recorder.ratios):
            colour = PALETTE[i % len(PALETTE)]
            if nid not in self.curves:
                self.curves[nid] = self.ratio_plot.plot(pen=pg.mkPen(colour, width=1.5), name=names.get(nid, nid),
                                                        symbolSize=6, symbolPen=None, symbolBrush=colour)
            steps = self.recorder.steps[nid]
            longest = max(longest, len(steps))
            curve = self.curves[nid]
            mark_points_while_few(curve, len(steps), FEW_SAMPLES)
            curve.setData(np.asarray(steps, dtype=float), np.asarray(self.recorder.ratios[nid], dtype=float))
        # Training steps are whole numbers: with a sample or two, ticks every step (not 0.6, 0.8, 1.2 ...).
        few = longest < 5
        if few != self._whole_ticks:
            self._whole_ticks = few
            self.ratio_plot.getAxis("bottom").setTickSpacing(*((1, 1) if few else ()))
        # One sentence per verdict, naming every layer it holds for (its extreme ratio): ten layers of the same
        # explanation would push the plots out of the panel.
        judgements = self.recorder.judgements()
        groups: dict[tuple[str, str], list[str]] = {}
        for nid, j in judgements.items():
            groups.setdefault((j.kind, j.why), []).append(nid)
        lines = []
        for nids in groups.values():
            pick = max if judgements[nids[0]].kind == "exploding" else min
            worst = judgements[pick(nids, key=lambda n: judgements[n].ratio)]
            lines.append(self.judgement_text(worst, ", ".join(f"'{names.get(n, n)}'" for n in nids)))
        text = "\n".join(lines)
        if text != self.warning.text():
            self.warning.setText(text)
            fit_wrapped(self.warning, self.width() - 4)  # 4: the layout's margins
        self._refresh_histograms(session, seen or {})

    def _refresh_histograms(self, session, seen: dict[str, dict[str, np.ndarray]]) -> None:
        view = session.view
        trainable = [nid for nid in view.order if view.has_params(nid)]
        names = [view.names[n] for n in trainable]
        if [self.layer_choice.itemText(i) for i in range(self.layer_choice.count())] != names:
            keep = self.layer_choice.currentText()
            self.layer_choice.blockSignals(True)
            self.layer_choice.clear()
            for nid, name in zip(trainable, names):
                self.layer_choice.addItem(name, nid)
            if keep in names:
                self.layer_choice.setCurrentText(keep)
            self.layer_choice.blockSignals(False)
        nid = self.layer_choice.currentData()
        if nid is None:
            return
        grads = view.grads(nid)
        out = seen.get(nid, {}).get("output", view.output(nid))
        values = {"weights": np.concatenate([p.ravel() for p in view.params(nid).values()]),
                  "activations": None if out is None else np.asarray(out).ravel(),
                  "gradients": np.concatenate([g.ravel() for g in grads.values()]) if grads else None}
        self.histograms = {}
        for name, v in values.items():
            if v is None or not v.size or not np.all(np.isfinite(v)):
                self.hist_curves[name].setData([], [])
                continue
            try:
                counts, edges = np.histogram(v, bins=30)
            except ValueError:  # a range too wide for 30 finite bins (values near overflow)
                self.hist_curves[name].setData([], [])
                continue
            self.histograms[name] = counts
            self.hist_curves[name].setData(edges, counts)

    def show_gradcheck(self, report) -> None:
        """One row per tensor: how many entries were compared (all, or a random sample), how many were
        skipped and why, the worst difference as a fraction of the allowed one, ok or FAIL."""
        lines = report.lines()
        self.gradcheck_summary.setText(lines[0] + "\n" + lines[-1])
        self.gradcheck_summary.show()
        self.gradcheck_table.setRowCount(len(report.tensors))
        for r, t in enumerate(report.tensors):
            texts = (t.node_name, t.param, t.coverage(), t.skipped() or "-", f"{t.worst:.2g}",
                     self.tr("ok") if t.ok else self.tr("FAIL"))
            tip = "\n".join(f"{f.where}: backprop {f.analytic:.6g}, finite difference {f.numeric:.6g}"
                            for f in t.failures)
            for c, text in enumerate(texts):
                item = QTableWidgetItem(text)
                if tip:
                    item.setToolTip(tip)
                if c == 5:
                    item.setForeground(pg.mkColor("#1b7f2a" if t.ok else "#b00020"))
                self.gradcheck_table.setItem(r, c, item)
        self.gradcheck_table.resizeColumnsToContents()
        self.gradcheck_table.show()
