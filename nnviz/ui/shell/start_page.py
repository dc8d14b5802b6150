"""The examples gallery: a start page listing the shipped examples with a thumbnail of each network,
its title and what to watch while stepping it (in English or Chinese, following the UI language).
One click on an example emits `exampleChosen(path)`; in the main window that opens it as an untitled copy.

    install_start_page(window, open_example, ...)   Help > Examples Gallery..., and the page at first start
    python -m nnviz.ui.shell.start_page [FOLDER]     re-render resources/examples/thumbnails/*.png

The thumbnails are the canvas's own drawing of each example (GraphScene rendered to an image), made at
build time and committed, so the page opens without building nine scenes; an example without one is
drawn on the fly. The page's own words are picked from TEXTS by language rather than through tr(), like
the examples' descriptions, which are bilingual data in each file.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from PySide6.QtCore import QEvent, QObject, QRectF, QSize, Qt, QTimer, Signal
from PySide6.QtGui import QImage, QKeyEvent, QMouseEvent, QPainter, QPixmap
from PySide6.QtWidgets import (
    QDialog,
    QFrame,
    QGridLayout,
    QHBoxLayout,
    QLabel,
    QMainWindow,
    QScrollArea,
    QTextBrowser,
    QVBoxLayout,
    QWidget,
)

from nnviz.io.examples import gallery_files, title_of
from nnviz.ui.widgets import i18n

if TYPE_CHECKING:
    from nnviz.ui.help import HelpActions

THUMB_SIZE = QSize(480, 270)  # rendered size; shown at half size so it stays sharp on high-DPI screens
SHOWN_SIZE = QSize(240, 135)
COLUMNS = 3
SETTINGS_KEY = "startPage/shown"

TEXTS = {
    "en": {"title": "Examples Gallery", "action": "&Examples Gallery...",
           "heading": "Open an example",
           "hint": "Each example is a network from the beginner guides, ready to step through. One click opens "
                   "it as an untitled copy; point at one to read what to watch.",
           "watch": "What to watch"},
    "zh": {"title": "示例库", "action": "示例库(&E)...",
           "heading": "打开一个示例",
           "hint": "每个示例都是入门教程中的一个网络，可以直接逐步执行。单击即可打开一个未命名的副本；把鼠标指向"
                   "示例，可以读到要观察什么。",
           "watch": "要观察什么"},
}


def _lang(language: str | None) -> str:
    if language is None:
        from nnviz.ui.widgets.i18n import current_language

        language = current_language()
    return "zh" if language.startswith("zh") else "en"


def thumbnail_folder(examples: Path | None = None) -> Path:
    if examples is None:
        from nnviz.resources import resource_path

        examples = resource_path("examples")
    return Path(examples) / "thumbnails"


def read_description(path: Path, language: str = "en") -> str:
    """The example's description in `language` ("en"/"zh"), or "" when the file has none or is broken."""
    try:
        description = json.loads(Path(path).read_text(encoding="utf-8")).get("description") or {}
    except (OSError, ValueError, AttributeError):
        return ""
    if not isinstance(description, dict):
        return str(description)
    return str(description.get(_lang(language)) or description.get("en") or "")


# ---------------------------------------------------------------- thumbnails
def render_thumbnail(path: Path, size: QSize = THUMB_SIZE) -> QImage:
    """Draw the example's network as the canvas does, fitted into `size` on the canvas background."""
    from PySide6.QtGui import QUndoStack

    from nnviz import io as nio
    from nnviz.ui.canvas.controller import GraphController
    from nnviz.ui.canvas.scene import GraphScene
    from nnviz.ui.widgets import theme

    image = QImage(size, QImage.Format.Format_ARGB32_Premultiplied)
    image.fill(theme.CANVAS_BACKGROUND)
    doc = nio.load(path)
    stack = QUndoStack()
    scene = GraphScene(GraphController(doc, stack))
    items = list(scene.node_items.values())
    if not items:
        return image
    rect = items[0].sceneBoundingRect()
    for item in items[1:]:
        rect = rect.united(item.sceneBoundingRect())
    rect.adjust(-30, -30, 30, 30)
    # Widen the shorter side so the network keeps its proportions, centred, at most at 100 %.
    aspect = size.width() / size.height()
    width = max(rect.width(), rect.height() * aspect, size.width() * 0.6)
    height = width / aspect
    source = QRectF(rect.center().x() - width / 2, rect.center().y() - height / 2, width, height)
    painter = QPainter(image)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setRenderHint(QPainter.RenderHint.TextAntialiasing)
    scene.render(painter, QRectF(image.rect()), source)
    painter.end()
    scene.deleteLater()
    return image


def write_thumbnails(examples: Path | None = None, language: str = "en") -> list[Path]:
    """Render every example in the folder to thumbnails/<name>.png (thumbnails/<language>/<name>.png for a
    language other than English, whose layer names the canvas draws translated); returns the files written."""
    files = gallery_files(examples)
    folder = thumbnail_folder(examples if examples is not None else (files[0].parent if files else None))
    folder = folder if language == "en" else folder / language
    folder.mkdir(parents=True, exist_ok=True)
    written = []
    for path in files:
        out = folder / f"{path.stem}.png"
        if not render_thumbnail(path).save(str(out)):
            raise OSError(f"could not write {out}")
        written.append(out)
    return written


def thumbnail_pixmap(path: Path) -> QPixmap:
    """The committed thumbnail of the example at `path` in the window's language, else one drawn now; scaled
    to SHOWN_SIZE."""
    language = i18n.current_language()
    folder = thumbnail_folder(path.parent)
    png = (folder if language == "en" else folder / language) / f"{path.stem}.png"
    image = QImage(str(png)) if png.exists() else QImage()
    if image.isNull():
        try:
            image = render_thumbnail(path)
        except Exception:  # a broken example still gets a card (opening it reports the problem)
            image = QImage(THUMB_SIZE, QImage.Format.Format_ARGB32_Premultiplied)
            image.fill(Qt.GlobalColor.lightGray)
    pixmap = QPixmap.fromImage(image)
    return pixmap.scaled(SHOWN_SIZE, Qt.AspectRatioMode.KeepAspectRatio, Qt.TransformationMode.SmoothTransformation)


# ---------------------------------------------------------------- the page
class ExampleCard(QFrame):
    """One example: thumbnail and title. Click, Enter or Space chooses it; hover or focus previews it."""

    chosen = Signal(str)
    previewed = Signal(str)

    def __init__(self, path: Path, language: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.path = Path(path)
        self.setObjectName(f"example_{self.path.stem}")
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setToolTip(read_description(self.path, language))
        self.image = QLabel()
        self.image.setPixmap(thumbnail_pixmap(self.path))
        self.image.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title = QLabel(title_of(self.path.stem, language))
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.title.setStyleSheet("font-weight: 600;")
        self.name = QLabel(self.path.stem)
        self.name.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.name.setStyleSheet("color: gray;")
        layout = QVBoxLayout(self)
        layout.setContentsMargins(8, 8, 8, 8)
        layout.addWidget(self.image)
        layout.addWidget(self.title)
        layout.addWidget(self.name)
        self._highlight(False)

    def _highlight(self, on: bool) -> None:
        # Object-name selector: the style must not leak into the labels inside the card.
        border = "palette(highlight)" if on else "palette(mid)"
        self.setStyleSheet(f"#{self.objectName()} {{ border: {2 if on else 1}px solid {border}; "
                           "border-radius: 6px; }")

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        if event.button() == Qt.MouseButton.LeftButton and self.rect().contains(event.position().toPoint()):
            self.chosen.emit(str(self.path))
            return
        super().mouseReleaseEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if event.key() in (Qt.Key.Key_Return, Qt.Key.Key_Enter, Qt.Key.Key_Space):
            self.chosen.emit(str(self.path))
            return
        super().keyPressEvent(event)

    def event(self, event: QEvent) -> bool:
        if event.type() in (QEvent.Type.Enter, QEvent.Type.FocusIn):
            self._highlight(True)
            self.previewed.emit(str(self.path))
        elif event.type() in (QEvent.Type.Leave, QEvent.Type.FocusOut):
            self._highlight(self.hasFocus() or self.underMouse())
        return super().event(event)


class StartPage(QWidget):
    """A grid of example cards and, beside it, the description of the one pointed at."""

    exampleChosen = Signal(str)

    def __init__(self, folder: Path | None = None, language: str | None = None,
                 parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.language = _lang(language)
        texts = TEXTS[self.language]
        self.setObjectName("startPage")
        self.files = gallery_files(folder)
        heading = QLabel(texts["heading"])
        heading.setStyleSheet("font-size: 15pt; font-weight: 600;")
        hint = QLabel(texts["hint"])
        hint.setWordWrap(True)

        grid_host = QWidget()
        grid = QGridLayout(grid_host)
        grid.setSpacing(10)
        self.cards: dict[str, ExampleCard] = {}
        for i, path in enumerate(self.files):
            card = ExampleCard(path, self.language)
            card.chosen.connect(self.exampleChosen)
            card.previewed.connect(self.preview)
            grid.addWidget(card, i // COLUMNS, i % COLUMNS)
            self.cards[path.stem] = card
        grid.setRowStretch(len(self.files) // COLUMNS + 1, 1)
        scroll = QScrollArea()
        scroll.setWidgetResizable(True)
        scroll.setWidget(grid_host)
        scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        scroll.setMinimumWidth(COLUMNS * (SHOWN_SIZE.width() + 30) + 30)

        self.watch_title = QLabel()
        self.watch_title.setWordWrap(True)
        self.watch_title.setStyleSheet("font-size: 12pt; font-weight: 600;")
        self.watch_label = QLabel(texts["watch"])
        self.watch_label.setStyleSheet("color: gray;")
        self.description = QTextBrowser()
        self.description.setOpenLinks(False)
        self.description.setMinimumWidth(260)
        side = QVBoxLayout()
        side.addWidget(self.watch_title)
        side.addWidget(self.watch_label)
        side.addWidget(self.description, 1)

        body = QHBoxLayout()
        body.addWidget(scroll, 3)
        body.addLayout(side, 2)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(hint)
        layout.addLayout(body, 1)
        if self.files:
            self.preview(str(self.files[0]))

    def names(self) -> list[str]:
        return [path.stem for path in self.files]

    def preview(self, path: str) -> None:
        """Show the example's title and description beside the grid."""
        stem = Path(path).stem
        self.watch_title.setText(title_of(stem, self.language))
        self.description.setPlainText(read_description(Path(path), self.language))
        self.previewed = stem


class StartDialog(QDialog):
    """The start page in a non-modal window; it closes once an example has opened."""

    def __init__(self, parent: QWidget | None = None, folder: Path | None = None,
                 language: str | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("startDialog")
        self.page = StartPage(folder, language, self)
        self.setWindowTitle(TEXTS[self.page.language]["title"])
        self.setModal(False)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addWidget(self.page)
        self.resize(1240, 720)


class StartPageEntry(QObject):
    """Help > Examples Gallery... and the gallery it opens over the window (kept here while it exists);
    choosing an example hands its path to `open_example`, which says whether it opened."""

    def __init__(self, window: QMainWindow, open_example: Callable[[str], bool]) -> None:
        from PySide6.QtGui import QAction

        super().__init__(window)
        self.window = window
        self.open_example = open_example
        self.dialog: StartDialog | None = None
        self.action = QAction(TEXTS[_lang(None)]["action"], window)
        self.action.setObjectName("act_examples_gallery")
        self.action.triggered.connect(lambda checked=False: self.show())
        help_menu = window.menu("&Help")
        first = help_menu.actions()[0] if help_menu.actions() else None
        help_menu.insertAction(first, self.action)  # first in Help: it is where a new learner starts

    def show(self) -> StartDialog:
        """Open (or raise) the gallery over the window; choosing an example opens it in the window."""
        if self.dialog is None:
            dialog = self.dialog = StartDialog(self.window)

            def chosen(path: str) -> None:
                if self.open_example(path):
                    dialog.close()

            dialog.page.exampleChosen.connect(chosen)
        self.dialog.show()
        self.dialog.raise_()
        self.dialog.activateWindow()
        return self.dialog


def install_start_page(window: QMainWindow, open_example: Callable[[str], bool],
                       help_actions: HelpActions | None = None, first_run: bool = False) -> StartPageEntry:
    """Help > Examples Gallery...; with first_run, also show the gallery the first time nnviz starts
    (after the tour, when the help's first-run tour is showing), once per user (QSettings "startPage/shown"),
    and not over a file the learner started nnviz with."""
    entry = StartPageEntry(window, open_example)
    settings = getattr(window, "settings", None)
    if not first_run or settings is None or str(settings.value(SETTINGS_KEY, "false")).lower() in ("true", "1"):
        return entry

    def show_first_time() -> None:
        # A learner who started nnviz with a file (`nnviz FILE`, a double-click) came for that network: the
        # gallery would cover it. It waits for a start without one.
        if getattr(window, "file_path", ""):
            return
        settings.setValue(SETTINGS_KEY, True)
        entry.show()

    if help_actions is not None:
        help_actions.after_first_run_tour(show_first_time)
    else:
        QTimer.singleShot(0, show_first_time)
    return entry


def main(argv: list[str] | None = None) -> int:
    """Re-render the thumbnails (offscreen): python -m nnviz.ui.shell.start_page [EXAMPLES_FOLDER]."""
    import os

    args = sys.argv[1:] if argv is None else argv
    os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from PySide6.QtWidgets import QApplication

    app = QApplication.instance() or QApplication(["nnviz-thumbnails"])
    for language in i18n.LANGUAGES:  # each language's cards: the canvas draws its layer names translated
        i18n.install_translators(app, language)
        for out in write_thumbnails(Path(args[0]) if args else None, language):
            print(out)
    del app
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
