"""The first-run tour: a few short pages, each pointing at one part of the window (which is raised and
briefly outlined), shown once per user (QSettings "help/tour_done") and again from Help > Take the Tour.

The tour is a non-modal dialog, so the learner can try each thing while reading about it.
"""

from __future__ import annotations

from dataclasses import dataclass

from PySide6.QtCore import QCoreApplication, QSettings, Qt
from PySide6.QtGui import QColor, QPainter, QPen
from PySide6.QtWidgets import (
    QDialog,
    QDockWidget,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QPushButton,
    QToolBar,
    QVBoxLayout,
    QWidget,
)

SETTINGS_KEY = "help/tour_done"


translate = QCoreApplication.translate  # lupdate reads translate("Context", "text") calls


@dataclass(frozen=True)
class TourPage:
    title: str
    text: str
    panel: str  # the dock's objectName suffix to point at ("" for none, "canvas" for the canvas)


def tour_pages() -> list[TourPage]:
    return [
        TourPage(
            translate("Tour", "Welcome to nnviz"),
            translate(
                "Tour",
                "nnviz lets you build a neural network and watch it learn one small step at a time: the forward "
                "pass layer by layer, the loss, the backward pass layer by layer and the weight update. This "
                "tour takes a minute; you can open it again from the Help menu.",
            ),
            "",
        ),
        TourPage(
            translate("Tour", "1. Build"),
            translate(
                "Tour",
                "Drag layers from the Layers panel onto the canvas. Drag from a layer's output port (right) to "
                "another layer's input port (left) to connect them. Every curve shows the shape of the tensor it "
                "carries; a red layer tells you what is wrong.",
            ),
            "layers",
        ),
        TourPage(
            translate("Tour", "2. Adjust"),
            translate(
                "Tour",
                "Click a layer to see its settings in the Inspector: units, activation, how the weights start. "
                "Everything can be undone with Ctrl+Z.",
            ),
            "inspector",
        ),
        TourPage(
            translate("Tour", "3. Step"),
            translate(
                "Tour",
                "Press Step (F10) to run one micro-step. The active layer glows: blue going forward, red going "
                "backward, green while the weights are updated. Step batch (F11), Step epoch and Run (F5) go "
                "faster; Rewind goes back exactly one batch.",
            ),
            "training",
        ),
        TourPage(
            translate("Tour", "4. Look"),
            translate(
                "Tour",
                "The Formula panel shows the rule of the current micro-step with the real numbers put in. The "
                "Tensors panel shows every number: z, the output, the error term δ, the gradients and the new "
                "weights.",
            ),
            "formula",
        ),
        TourPage(
            translate("Tour", "5. Learn more"),
            translate(
                "Tour",
                'Press Shift+F1 over any panel for "What am I looking at?". Help > Formulas Explained walks '
                "through forward and backward propagation. File > Examples has small networks to start from.",
            ),
            "",
        ),
    ]


class Tour(QDialog):
    """The tour dialog; `page` is the index shown, next()/back() move, finishing marks it done."""

    def __init__(self, window: QMainWindow, settings: QSettings) -> None:
        super().__init__(window)
        self.setObjectName("nnvizTour")
        self.window_ = window
        self.settings = settings
        self.pages = tour_pages()
        self.page = 0
        self.setWindowTitle(translate("Tour", "Tour"))
        self.setModal(False)
        self.setMinimumWidth(420)
        self.heading = QLabel()
        self.heading.setStyleSheet("font-size: 14pt; font-weight: 600;")
        self.body = QLabel()
        self.body.setWordWrap(True)
        self.body.setTextFormat(Qt.TextFormat.PlainText)
        self.counter = QLabel()
        self.back_button = QPushButton(translate("Tour", "Back"))
        self.next_button = QPushButton(translate("Tour", "Next"))
        self.skip_button = QPushButton(translate("Tour", "Skip tour"))
        self.back_button.clicked.connect(self.back)
        self.next_button.clicked.connect(self.next)
        self.skip_button.clicked.connect(self.finish)
        buttons = QHBoxLayout()
        buttons.addWidget(self.counter)
        buttons.addStretch(1)
        buttons.addWidget(self.skip_button)
        buttons.addWidget(self.back_button)
        buttons.addWidget(self.next_button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.heading)
        layout.addWidget(self.body, 1)
        layout.addLayout(buttons)
        self._outlined: QWidget | None = None
        self.outline = Outline(window)
        self.show_page(0)

    def show_page(self, index: int) -> None:
        self.page = max(0, min(index, len(self.pages) - 1))
        page = self.pages[self.page]
        self.heading.setText(page.title)
        self.body.setText(page.text)
        self.counter.setText(
            translate("Tour", "%1 of %2")
            .replace("%1", str(self.page + 1))
            .replace("%2", str(len(self.pages)))
        )
        self.back_button.setEnabled(self.page > 0)
        last = self.page == len(self.pages) - 1
        self.next_button.setText(translate("Tour", "Done") if last else translate("Tour", "Next"))
        self.skip_button.setVisible(not last)
        self._point_at(page.panel)

    def next(self) -> None:
        if self.page == len(self.pages) - 1:
            self.finish()
        else:
            self.show_page(self.page + 1)

    def back(self) -> None:
        self.show_page(self.page - 1)

    def finish(self) -> None:
        self.settings.setValue(SETTINGS_KEY, True)
        self.settings.sync()
        self._point_at("")
        self.close()

    def closeEvent(self, event) -> None:
        self.outline.hide()
        super().closeEvent(event)

    def _find(self, panel: str) -> QWidget | None:
        return _panel_widget(self.window_, panel)

    def _point_at(self, panel: str) -> None:
        """Raise the panel's dock and outline it, so the page and the window agree on what is meant."""
        target = self._find(panel) if panel else None
        self._outlined = target
        if target is None:
            self.outline.hide()
            return
        top_left = target.mapTo(self.window_, target.rect().topLeft())
        self.outline.setGeometry(top_left.x(), top_left.y(), target.width(), target.height())
        self.outline.show()
        self.outline.raise_()


class Outline(QWidget):
    """An amber frame drawn over part of the main window; clicks pass through to what is below."""

    COLOR = QColor("#FFB300")

    def __init__(self, parent: QWidget) -> None:
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_TransparentForMouseEvents)
        self.setAttribute(Qt.WidgetAttribute.WA_NoSystemBackground)
        self.hide()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(self.COLOR, 3))
        painter.drawRoundedRect(self.rect().adjusted(2, 2, -2, -2), 6, 6)


def _panel_widget(window: QMainWindow, panel: str) -> QWidget | None:
    """The dock, toolbar or canvas a tour page points at (found by panel key, in any UI language)."""
    from nnviz.ui.help.panels import panel_for_widget

    if panel == "canvas":
        return window.centralWidget()
    for bar in window.findChildren(QToolBar):
        if panel_for_widget(bar) == panel:
            return bar
    for dock in window.findChildren(QDockWidget):
        if panel_for_widget(dock) == panel:
            dock.show()
            dock.raise_()  # bring a tabbed dock to the front
            return dock
    return None


def tour_done(settings: QSettings) -> bool:
    return str(settings.value(SETTINGS_KEY, "false")).lower() in ("true", "1")


def start_tour(window: QMainWindow, settings: QSettings) -> Tour:
    tour = Tour(window, settings)
    tour.show()
    tour.raise_()
    return tour


def maybe_start_tour(window: QMainWindow, settings: QSettings) -> Tour | None:
    """Show the tour once per user: the first time nnviz opens a window interactively."""
    if tour_done(settings):
        return None
    return start_tour(window, settings)
