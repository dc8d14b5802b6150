"""A look at a data set before training on it: summary, scatter plot, image grid, table, class counts.

DataPreview.set_dataset(dataset) shows only the views that make sense for it (a scatter for points,
a grid for images, a table for flat rows, bars for classes).
"""

from __future__ import annotations

import re

import numpy as np
from PySide6.QtCore import QCoreApplication, QRectF, Qt, QTimer
from PySide6.QtGui import QColor, QFont, QFontMetrics, QImage, QPainter, QPixmap, QResizeEvent, QShowEvent
from PySide6.QtWidgets import (
    QHeaderView,
    QLabel,
    QScrollArea,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from nnviz.data.dataset import Dataset
from nnviz.graph.registry import fmt_shape
from nnviz.ui.widgets.qt_images import array_to_qimage

# Ten colours that stay apart for most colour-blind readers too (Tableau 10).
CLASS_COLORS = ["#4E79A7", "#F28E2B", "#E15759", "#76B7B2", "#59A14F",
                "#EDC948", "#B07AA1", "#FF9DA7", "#9C755F", "#BAB0AC"]
MAX_POINTS = 3000
MAX_TABLE_ROWS = 200
MAX_TABLE_COLUMNS = 80
GRID_IMAGES = 40
CELL = 56  # pixels per preview image


def class_color(k: int) -> QColor:
    return QColor(CLASS_COLORS[k % len(CLASS_COLORS)])


def describe(ds: Dataset) -> str:
    """One line a learner reads first: how much data, of what shape, for what task."""
    parts = [QCoreApplication.translate("DataPreview", "%1 training + %2 validation samples")
             .replace("%1", str(len(ds.x_train))).replace("%2", str(len(ds.x_val))),
             QCoreApplication.translate("DataPreview", "each %s") % fmt_shape(ds.sample_shape)]
    if ds.task == "classification":
        parts.append(QCoreApplication.translate("DataPreview", "%s classes") % ds.n_classes)
    else:
        parts.append(QCoreApplication.translate("DataPreview", "regression, 1 target value") if ds.target_width == 1
                     else QCoreApplication.translate("DataPreview", "regression, %s target values")
                     % ds.target_width)
    return " · ".join(parts)


def image_grid(ds: Dataset, count: int = GRID_IMAGES, columns: int = 8) -> QImage:
    """The first `count` training images, each enlarged to CELL pixels, with its class name below."""
    n = min(count, len(ds.x_train))
    rows = max(1, -(-n // columns))
    caption = 14
    grid = QImage(columns * (CELL + 6) + 6, rows * (CELL + caption + 6) + 6, QImage.Format.Format_RGB32)
    grid.fill(QColor("#FFFFFF"))
    painter = QPainter(grid)
    font = QFont()
    font.setPointSizeF(7.5)
    painter.setFont(font)
    metrics = QFontMetrics(font)
    for i in range(n):
        r, c = divmod(i, columns)
        x0, y0 = 6 + c * (CELL + 6), 6 + r * (CELL + caption + 6)
        sample = ds.x_train[i]
        pixels = sample[0] if sample.shape[0] == 1 else sample.transpose(1, 2, 0)
        low, high = float(pixels.min()), float(pixels.max())
        if low < 0.0 or high > 1.0:  # standardised data: stretch to show it at all
            pixels = (pixels - low) / (high - low or 1.0)
        target = QRectF(x0, y0, CELL, CELL)
        painter.drawImage(target, array_to_qimage(pixels))
        painter.setPen(QColor("#9AA3AD"))
        painter.drawRect(target)
        label = ds.class_names[int(ds.y_train[i])] if ds.task == "classification" else f"{ds.y_train[i][0]:.3g}"
        painter.setPen(QColor("#1F2329"))
        label = metrics.elidedText(label, Qt.TextElideMode.ElideRight, CELL + 4)
        painter.drawText(QRectF(x0 - 3, y0 + CELL, CELL + 6, caption), Qt.AlignmentFlag.AlignCenter, label)
    painter.end()
    return grid


class DataPreview(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.dataset: Dataset | None = None
        self._columns = 0
        self.summary = QLabel(self.tr("No data loaded"))
        self.summary.setWordWrap(True)
        self.tabs = QTabWidget()
        # The two plots are pyqtgraph widgets, made the first time the preview is shown: importing pyqtgraph
        # costs a fifth of the window's start, and the Data panel is not in front when the window opens.
        self.plot = self.bars = self.legend = None
        self._plot_box, self._bars_box = _Holder(240), _Holder(200)
        self._plots_stale = False
        self.images = QLabel()
        self.images.setAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop)
        image_scroll = QScrollArea()
        image_scroll.setWidget(self.images)
        image_scroll.setWidgetResizable(True)
        self.table = QTableWidget()
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.tab_index = {}
        # The English titles are the tabs' keys (visible_tabs); the tab shows the translation.
        for widget, title, shown in ((self._plot_box, "Points", self.tr("Points")),
                                     (image_scroll, "Images", self.tr("Images")),
                                     (self.table, "Table", self.tr("Table")),
                                     (self._bars_box, "Classes", self.tr("Classes"))):
            self.tab_index[title] = self.tabs.addTab(widget, shown)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addWidget(self.summary)
        layout.addWidget(self.tabs, 1)

    # ----------------------------------------------------------------- public
    def set_dataset(self, ds: Dataset | None) -> None:
        self.dataset = ds
        if ds is None:
            self.summary.setText(self.tr("No data loaded"))
            for index in self.tab_index.values():
                self.tabs.setTabVisible(index, False)
            return
        self.summary.setText(describe(ds))
        flat = len(ds.sample_shape) == 1
        visible = {
            "Points": flat and ds.sample_shape[0] >= 1 and (ds.sample_shape[0] <= 3 or ds.task == "classification")
            and not (ds.task == "classification" and ds.y_train.ndim > 1),  # a class per position: no colours
            "Images": ds.is_image,
            "Table": flat and ds.sample_shape[0] <= MAX_TABLE_COLUMNS,
            "Classes": ds.task == "classification",
        }
        for title, index in self.tab_index.items():
            self.tabs.setTabVisible(index, visible[title])
        if visible["Images"]:
            self._draw_images()
        if visible["Table"]:
            self._fill_table(ds)
        self._plots_stale = True
        if self.isVisible():
            self._draw_plots()
        first = next((i for t, i in self.tab_index.items() if visible[t]), None)
        if first is not None and not self.tabs.isTabVisible(self.tabs.currentIndex()):
            self.tabs.setCurrentIndex(first)

    def showEvent(self, event: QShowEvent) -> None:
        super().showEvent(event)
        # After the window's first paint: the learner sees the window before the plots are drawn.
        QTimer.singleShot(0, self, self._draw_plots)

    def _draw_plots(self) -> None:
        """The Points and Classes plots of the current data, drawn when the preview is (first) on screen."""
        ds = self.dataset
        if not self._plots_stale or ds is None:
            return
        self._plots_stale = False
        self._make_plots()
        if self.tabs.isTabVisible(self.tab_index["Points"]):
            self._plot_points(ds)
        if self.tabs.isTabVisible(self.tab_index["Classes"]):
            self._plot_bars(ds)

    def _make_plots(self) -> None:
        if self.plot is not None:
            return
        import pyqtgraph as pg

        self.plot = pg.PlotWidget(background="w")
        self.plot.showGrid(x=True, y=True, alpha=0.2)
        self.legend = self.plot.addLegend(offset=(6, 6), labelTextSize="8pt")
        self.bars = pg.PlotWidget(background="w")
        self.bars.addLegend(offset=(-6, -6), labelTextSize="8pt")
        self._plot_box.hold(self.plot)
        self._bars_box.hold(self.bars)

    def _grid_columns(self) -> int:
        return max(3, (self.width() - 40) // (CELL + 6))

    def _draw_images(self) -> None:
        self._columns = self._grid_columns()
        self.images.setPixmap(QPixmap.fromImage(image_grid(self.dataset, columns=self._columns)))

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        # Re-flow the image grid to the new width, so it never needs sideways scrolling.
        if self.dataset is not None and self.dataset.is_image and self._grid_columns() != self._columns:
            self._draw_images()

    def visible_tabs(self) -> list[str]:
        return [t for t, i in self.tab_index.items() if self.tabs.isTabVisible(i)]

    # ----------------------------------------------------------------- views
    def _plot_points(self, ds: Dataset) -> None:
        import pyqtgraph as pg

        self.plot.clear()
        self.legend.clear()
        names = ds.feature_names or [f"x{i + 1}" for i in range(ds.sample_shape[0])]
        x_tr, x_va = ds.x_train[:MAX_POINTS], ds.x_val[:MAX_POINTS]
        if ds.task == "regression" and ds.sample_shape[0] == 1:
            self.plot.setLabel("bottom", names[0])
            self.plot.setLabel("left", self.tr("target y"))
            for xs, ys, brush, label in ((x_tr, ds.y_train, "#4E79A7", self.tr("training")),
                                         (x_va, ds.y_val, "#F28E2B", self.tr("validation"))):
                self.plot.plot(xs[:, 0], ys[: len(xs), 0], pen=None, symbol="o", symbolSize=5,
                               symbolBrush=brush, symbolPen=None, name=label)
            return
        self.plot.setLabel("bottom", names[0])
        self.plot.setLabel("left", names[1] if len(names) > 1 else "")
        second = (lambda a: a[:, 1]) if ds.sample_shape[0] > 1 else (lambda a: np.zeros(len(a)))
        if ds.task == "regression":
            values = ds.y_train[: len(x_tr), 0]
            low, high = float(values.min()), float(values.max())
            cmap = pg.colormap.get("viridis")
            brushes = [pg.mkBrush(c) for c in cmap.map((values - low) / (high - low or 1.0), mode="qcolor")]
            self.plot.addItem(pg.ScatterPlotItem(x_tr[:, 0], second(x_tr), size=6, pen=None, brush=brushes,
                                                 name=self.tr("colour = y (%s .. %s)") % (f"{low:.2g}", f"{high:.2g}")))
            return
        for k, name in enumerate(ds.class_names[:len(CLASS_COLORS)]):
            color = class_color(k)
            pts = x_tr[ds.y_train[: len(x_tr)] == k]
            self.plot.plot(pts[:, 0], second(pts), pen=None, symbol="o", symbolSize=6, symbolPen=None,
                           symbolBrush=color, name=self.tr("class %s") % name)
            val = x_va[ds.y_val[: len(x_va)] == k]
            if len(val):  # validation points hollow: visible, but clearly not what the network trains on
                self.plot.plot(val[:, 0], second(val), pen=None, symbol="o", symbolSize=7, symbolBrush=None,
                               symbolPen=pg.mkPen(color, width=1.5))
        if len(x_va):  # a legend entry only, drawn in grey: "hollow = validation" for every class
            self.plot.plot([], [], pen=None, symbol="o", symbolSize=7, symbolBrush=None,
                           symbolPen=pg.mkPen("#6F7780", width=1.5), name=self.tr("validation (hollow)"))
        self.plot.setAspectLocked(ds.sample_shape[0] == 2)

    def _fill_table(self, ds: Dataset) -> None:
        rows = min(MAX_TABLE_ROWS, len(ds.x_train))
        names = ds.feature_names or [f"x{i + 1}" for i in range(ds.sample_shape[0])]
        # The text data's generated column names ("token 3") in the UI language; a file's own names stay.
        names = [self.tr("token %s") % n[6:] if re.fullmatch(r"token \d+", n) else n for n in names]
        # One class per sample, or a row of them (next-token targets: one class id per position).
        one_class = ds.task == "classification" and ds.y_train.ndim == 1
        target = [self.tr("class")] if one_class else [f"y{i + 1}" for i in range(ds.target_width)]
        self.table.clear()
        self.table.setRowCount(rows)
        self.table.setColumnCount(len(names) + len(target))
        self.table.setHorizontalHeaderLabels([*names, *target])
        for r in range(rows):
            for c, value in enumerate(ds.x_train[r]):
                item = QTableWidgetItem(f"{value:.4g}")
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(r, c, item)
            if one_class:
                k = int(ds.y_train[r])
                item = QTableWidgetItem(ds.class_names[k] if k < len(ds.class_names) else str(k))
                item.setForeground(class_color(k))
                self.table.setItem(r, len(names), item)
            else:
                for j, value in enumerate(ds.y_train[r]):
                    self.table.setItem(r, len(names) + j, QTableWidgetItem(f"{value:.4g}"))

    def _plot_bars(self, ds: Dataset) -> None:
        """Horizontal bars, one pair per class: class names read left of them without overlapping."""
        import pyqtgraph as pg

        self.bars.clear()
        train, val = ds.class_counts("train"), ds.class_counts("val")
        ys = np.arange(len(train), dtype=float)
        self.bars.addItem(pg.BarGraphItem(x0=0, y=ys - 0.2, height=0.4, width=train, brush="#4E79A7",
                                          name=self.tr("training")))
        if sum(val):
            self.bars.addItem(pg.BarGraphItem(x0=0, y=ys + 0.2, height=0.4, width=val, brush="#F28E2B",
                                              name=self.tr("validation")))
        step = max(1, len(train) // 20)
        ticks = [(float(i), ds.class_names[i][:16]) for i in range(0, len(train), step)]
        axis = self.bars.getAxis("left")
        axis.setTicks([ticks])
        # pyqtgraph drops tick labels wider than the axis; make room for the longest class name.
        axis.setWidth(max(QFontMetrics(axis.font()).horizontalAdvance(t) for _, t in ticks) + 16)
        self.bars.getPlotItem().invertY(True)  # first class on top, as in a list
        self.bars.setLabel("bottom", self.tr("samples"))
        # Room on the right for the legend, so it never covers a bar.
        self.bars.setXRange(0, max(max(train, default=1), 1) * 1.45, padding=0)
        self.bars.setYRange(-0.6, len(train) - 0.4, padding=0)


class _Holder(QWidget):
    """A tab's page that receives its plot when the plot is first needed."""

    def __init__(self, min_height: int) -> None:
        super().__init__()
        self.setMinimumHeight(min_height)
        self._layout = QVBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def hold(self, widget: QWidget) -> None:
        self._layout.addWidget(widget)
        widget.show()  # a child added to a page already on screen stays hidden until shown
