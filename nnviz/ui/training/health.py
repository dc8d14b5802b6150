"""Gradient health per layer over time, histograms of one layer, and the gradient check on demand.

Health of a layer = mean |gradient| / mean |weight| over all its parameters, sampled at most once per
training step (during a run, once per redraw). Far below VANISH the layer has all but stopped
learning; far above EXPLODE one update would rewrite its weights: both get a warning badge on the node.
Parameters and gradients are read through the session's read-only view (Session.view).
"""

from __future__ import annotations

from dataclasses import dataclass, field
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

if TYPE_CHECKING:
    from nnviz.ui.training.panel import TrainingContext

VANISH = 1e-5
EXPLODE = 10.0
PALETTE = ["#1f77b4", "#ff7f0e", "#2ca02c", "#d62728", "#9467bd", "#8c564b", "#e377c2", "#17becf"]


def gradient_ratio(params: dict[str, np.ndarray], grads: dict[str, np.ndarray]) -> float | None:
    """mean |grad| / mean |weight| over every parameter that has a gradient; None before any backward."""
    g = [np.abs(grads[k]).ravel() for k in params if k in grads]
    if not g:
        return None
    w = np.concatenate([np.abs(params[k]).ravel() for k in params if k in grads])
    mean_w = float(w.mean()) if w.size else 0.0
    mean_g = float(np.concatenate(g).mean())
    return mean_g / mean_w if mean_w > 0 else (np.inf if mean_g > 0 else 0.0)


def verdict(ratio: float | None) -> str | None:
    if ratio is None or not np.isfinite(ratio):
        return None if ratio is None else "exploding"
    if ratio < VANISH:
        return "vanishing"
    if ratio > EXPLODE:
        return "exploding"
    return None


@dataclass
class HealthRecorder:
    """Per node: the training steps sampled and the ratio at each (Qt-free, tested directly)."""

    steps: dict[str, list[int]] = field(default_factory=dict)
    ratios: dict[str, list[float]] = field(default_factory=dict)
    last_step: int = -1

    def record(self, session) -> bool:
        """Sample the session's current gradients once per completed step; True if a sample was added."""
        step = session.steps_done
        if step < self.last_step:  # rewound or reset: forget the future
            for nid in self.steps:
                keep = [i for i, s in enumerate(self.steps[nid]) if s <= step]
                self.steps[nid] = [self.steps[nid][i] for i in keep]
                self.ratios[nid] = [self.ratios[nid][i] for i in keep]
            self.last_step = step
            return False
        if step == self.last_step or step == 0:
            return False
        view = session.view
        for nid in view.order:
            if not view.has_params(nid):
                continue
            ratio = gradient_ratio(view.params(nid), view.grads(nid))
            if ratio is not None:
                self.steps.setdefault(nid, []).append(step)
                self.ratios.setdefault(nid, []).append(ratio)
        self.last_step = step
        return True

    def latest(self, nid: str) -> float | None:
        values = self.ratios.get(nid)
        return values[-1] if values else None

    def warnings(self) -> dict[str, tuple[str, float]]:
        """node -> (vanishing|exploding, ratio) for nodes whose latest sample is out of range."""
        out = {}
        for nid in self.ratios:
            ratio = self.latest(nid)
            v = verdict(ratio)
            if v:
                out[nid] = (v, ratio)
        return out


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
        layout.addWidget(self.graphics, 1)
        layout.addLayout(row)
        layout.addWidget(self.warning)
        layout.addWidget(self.gradcheck_summary)
        layout.addWidget(self.gradcheck_table)
        self.histograms: dict[str, np.ndarray] = {}
        self._checked: tuple | None = None  # (session, weights_version) the shown gradient check was made at

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
        warnings = self.recorder.warnings()
        for nid in s.view.order:
            if nid in warnings:
                kind, ratio = warnings[nid]
                self.badges.set_badge(nid, "health", "↓" if kind == "vanishing" else "↑",
                                      self._kind_text(kind, ratio, "badge"))
            elif self.badges.has(nid, "health"):
                self.badges.set_badge(nid, "health", None)

    def _kind_text(self, kind: str, ratio: float, form: str) -> str:
        """A vanishing or exploding verdict in the UI's language: the node's badge tooltip, or a line of the
        panel's warning with %1 left for the layer's name."""
        texts = {("vanishing", "badge"): self.tr("Gradients vanishing: mean |gradient| / mean |weight| = %1"),
                 ("exploding", "badge"): self.tr("Gradients exploding: mean |gradient| / mean |weight| = %1"),
                 ("vanishing", "line"): self.tr("'%1': gradients vanishing (ratio %2)"),
                 ("exploding", "line"): self.tr("'%1': gradients exploding (ratio %2)")}
        text = texts[(kind, form)]
        return text.replace("%1" if form == "badge" else "%2", f"{ratio:.2g}")

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
        self.histograms = {}
        for curve in self.hist_curves.values():
            curve.setData([], [])

    def refresh(self, session, seen: dict[str, dict[str, np.ndarray]] | None = None) -> None:
        if session is None:
            return
        self.recorder.record(session)
        names = session.view.names
        for i, nid in enumerate(self.recorder.ratios):
            if nid not in self.curves:
                pen = pg.mkPen(PALETTE[i % len(PALETTE)], width=1.5)
                self.curves[nid] = self.ratio_plot.plot(pen=pen, name=names.get(nid, nid))
            self.curves[nid].setData(np.asarray(self.recorder.steps[nid], dtype=float),
                                     np.asarray(self.recorder.ratios[nid], dtype=float))
        warnings = self.recorder.warnings()
        self.warning.setText("\n".join(self._kind_text(kind, ratio, "line").replace("%1", names.get(nid, nid))
                                        for nid, (kind, ratio) in warnings.items()))
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
