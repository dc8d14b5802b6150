"""The examples gallery's start page: every example as a card with its thumbnail, title and description;
one click (or Enter) emits exampleChosen(path); in the main window Help > Examples Gallery... opens it,
choosing a card opens the example as an untitled copy, and the page shows itself once at first start."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QImage

from nnviz import io as nio
from nnviz.io.examples import GALLERY, TITLES, gallery_files
from nnviz.ui.shell.main_window import MainWindow
from nnviz.ui.shell.start_page import (
    SETTINGS_KEY,
    THUMB_SIZE,
    StartDialog,
    StartPage,
    render_thumbnail,
    thumbnail_folder,
    write_thumbnails,
)

pytestmark = pytest.mark.gui
FILES = gallery_files()


def make_window(tmp_path: Path, first_run: bool = False) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    return MainWindow(settings=settings, recovery_dir=tmp_path / "recovery", training=False, first_run=first_run)


@pytest.fixture
def window(qapp, tmp_path: Path):
    win = make_window(tmp_path)
    yield win
    win.undo_stack.setClean()
    win.close()
    win.deleteLater()


def non_background_share(image: QImage) -> float:
    """The share of sampled pixels that differ from the top-left (background) pixel."""
    background = image.pixel(0, 0)
    points = [(x, y) for x in range(0, image.width(), 4) for y in range(0, image.height(), 4)]
    return sum(image.pixel(x, y) != background for x, y in points) / len(points)


# ---------------------------------------------------------------- the page on its own
def test_page_shows_every_example_with_thumbnail_and_title_in_gallery_order(qtbot):
    page = StartPage(language="en")
    qtbot.addWidget(page)
    assert page.names() == [p.stem for p in FILES]
    assert page.names()[:len(GALLERY)] == GALLERY
    for name, card in page.cards.items():
        assert card.title.text() == TITLES[name]["en"]
        pixmap = card.image.pixmap()
        assert not pixmap.isNull() and pixmap.width() > 100
        assert card.toolTip() == nio.load(card.path).description["en"]


def test_page_speaks_chinese_when_asked(qtbot):
    page = StartPage(language="zh_CN")
    qtbot.addWidget(page)
    lenet = page.cards["seed-lenet"]
    assert lenet.title.text() == TITLES["seed-lenet"]["zh"]
    page.preview(str(lenet.path))
    assert re.search("[\u4e00-\u9fff]", page.description.toPlainText())
    assert re.search("[\u4e00-\u9fff]", page.watch_label.text())


def test_clicking_a_card_emits_its_path(qtbot):
    page = StartPage(language="en")
    qtbot.addWidget(page)
    page.show()
    card = page.cards["residual-mlp"]
    with qtbot.waitSignal(page.exampleChosen, timeout=2000) as blocker:
        qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    assert Path(blocker.args[0]) == card.path
    assert card.path.name == "residual-mlp.nnviz" and card.path.exists()


def test_enter_on_a_focused_card_emits_its_path_and_focus_previews_it(qtbot):
    page = StartPage(language="en")
    qtbot.addWidget(page)
    page.show()
    card = page.cards["cnn-batchnorm"]
    card.setFocus()
    qtbot.waitUntil(lambda: page.previewed == "cnn-batchnorm", timeout=2000)
    assert page.watch_title.text() == TITLES["cnn-batchnorm"]["en"]
    assert "BatchNorm2d" in page.description.toPlainText()
    with qtbot.waitSignal(page.exampleChosen, timeout=2000) as blocker:
        qtbot.keyClick(card, Qt.Key.Key_Return)
    assert Path(blocker.args[0]).stem == "cnn-batchnorm"


def test_right_click_does_not_choose(qtbot):
    page = StartPage(language="en")
    qtbot.addWidget(page)
    page.show()
    chosen: list[str] = []
    page.exampleChosen.connect(chosen.append)
    qtbot.mouseClick(page.cards["xor"], Qt.MouseButton.RightButton)
    qtbot.wait(100)
    assert chosen == []  # a right click is not a choice ...
    qtbot.mouseClick(page.cards["xor"], Qt.MouseButton.LeftButton)
    assert len(chosen) == 1 and chosen[0].endswith("xor.nnviz")  # ... while a left click is


# ---------------------------------------------------------------- thumbnails
def test_every_example_has_a_committed_thumbnail_of_its_network():
    folder = thumbnail_folder()
    for path in FILES:
        image = QImage(str(folder / f"{path.stem}.png"))
        assert not image.isNull(), f"missing thumbnail for {path.stem}: run python -m nnviz.ui.shell.start_page"
        assert (image.width(), image.height()) == (THUMB_SIZE.width(), THUMB_SIZE.height())
        assert non_background_share(image) > 0.02, path.stem  # the network is drawn, not an empty canvas


def test_thumbnails_are_regenerated_for_a_folder(qapp, tmp_path):
    for path in FILES[:2]:
        (tmp_path / path.name).write_bytes(path.read_bytes())
    written = write_thumbnails(tmp_path)
    assert [p.name for p in written] == [f"{p.stem}.png" for p in FILES[:2]]
    fresh = QImage(str(written[0]))
    assert non_background_share(fresh) > 0.02
    # The committed thumbnail is this drawing (fonts may differ between machines, so compare coarsely).
    committed = QImage(str(thumbnail_folder() / written[0].name))
    assert abs(non_background_share(fresh) - non_background_share(committed)) < 0.05


def test_an_example_without_a_thumbnail_is_drawn_on_the_fly(qtbot, tmp_path):
    source = next(p for p in FILES if p.stem == "xor")
    (tmp_path / "my-net.nnviz").write_bytes(source.read_bytes())
    (tmp_path / "broken.nnviz").write_text("{ not json", encoding="utf-8")
    page = StartPage(folder=tmp_path, language="en")
    qtbot.addWidget(page)
    assert page.names() == ["broken", "my-net"]
    assert page.cards["my-net"].title.text() == "my net"
    assert not page.cards["my-net"].image.pixmap().isNull()
    assert not page.cards["broken"].image.pixmap().isNull()  # a grey card; opening it reports the problem
    assert non_background_share(render_thumbnail(tmp_path / "my-net.nnviz")) > 0.02


# ---------------------------------------------------------------- in the main window
def test_help_menu_opens_the_gallery_and_a_click_opens_the_example(window, qtbot):
    action = window.start_page.action
    assert action in window.menu("&Help").actions()
    action.trigger()
    dialog = window.start_page.dialog
    assert isinstance(dialog, StartDialog) and dialog.isVisible()
    card = dialog.page.cards["seed-lenet"]
    qtbot.mouseClick(card, Qt.MouseButton.LeftButton)
    names = {n.name for n in window.document.nodes.values()}
    assert {"conv1", "pool2", "fc3"} <= names
    assert window.document.data["kind"] == "shapes"
    assert window.file_path == ""  # an untitled copy: Save never overwrites the shipped file
    assert window.untitled_name == "seed-lenet"
    assert not dialog.isVisible()
    # Opening the gallery again reuses the page.
    action.trigger()
    assert window.start_page.dialog is dialog and dialog.isVisible()
    dialog.close()


def test_gallery_shows_once_at_first_start(qapp, qtbot, tmp_path):
    win = make_window(tmp_path, first_run=True)
    win.show()  # the tour waits for the window to be on screen
    try:
        # A first start shows the tour once the window is on screen; the gallery waits until it is done.
        qtbot.waitUntil(lambda: win.help_actions.tour is not None and win.help_actions.tour.isVisible(),
                        timeout=3000)
        tour = win.help_actions.tour
        qapp.processEvents()
        assert win.start_page.dialog is None
        tour.finish()
        qtbot.waitUntil(lambda: win.start_page.dialog is not None, timeout=3000)
        assert win.start_page.dialog.isVisible()
        assert str(win.settings.value(SETTINGS_KEY)).lower() == "true"
        win.start_page.dialog.close()
    finally:
        win.undo_stack.setClean()
        win.close()
        win.deleteLater()
    again = make_window(tmp_path, first_run=True)
    try:
        qapp.processEvents()
        assert again.start_page.dialog is None
    finally:
        again.undo_stack.setClean()
        again.close()
        again.deleteLater()


def test_a_first_start_with_a_file_shows_that_file_not_the_gallery(qapp, qtbot, tmp_path):
    example = str(Path(__file__).resolve().parents[1] / "resources" / "examples" / "xor.nnviz")
    win = make_window(tmp_path, first_run=True)
    assert win.files.load(example)
    win.show()
    try:
        qtbot.waitUntil(lambda: win.help_actions.tour is not None and win.help_actions.tour.isVisible(),
                        timeout=3000)
        win.help_actions.tour.finish()
        qtbot.wait(200)
        assert win.start_page.dialog is None and win.file_path == example
        assert win.settings.value(SETTINGS_KEY) is None  # the next start without a file still shows it
    finally:
        win.undo_stack.setClean()
        win.close()
        win.deleteLater()


def test_windows_for_tests_and_screenshots_do_not_show_it(window, qapp):
    qapp.processEvents()
    assert window.start_page.dialog is None
    assert window.settings.value(SETTINGS_KEY) is None
