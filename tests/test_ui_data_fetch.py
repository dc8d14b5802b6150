"""The Data panel's Fetch row (issue 18): choosing MNIST when it is not on the computer offers Fetch; Fetch
shows progress and fills the preview; Cancel keeps what arrived and the next Fetch resumes; a silent server
ends in the message. Against the loopback server only (tests/loopback.py)."""

from __future__ import annotations

import pytest
from PySide6.QtGui import QUndoStack

from nnviz.data.known_sets import SETS
from nnviz.graph.document import GraphDocument
from nnviz.ui.canvas.controller import GraphController
from nnviz.ui.data.data_choices import CHOICES
from nnviz.ui.data.data_panel import DataPanel
from tests.loopback import Loopback, mnist_files, refuse_non_loopback, with_hashes

pytestmark = pytest.mark.gui
TRAIN_IMAGES = "train-images-idx3-ubyte.gz"


@pytest.fixture
def setup(tmp_path, monkeypatch):
    refuse_non_loopback(monkeypatch)
    server = Loopback()
    files = mnist_files(300, 20)
    for name, data in files.items():
        server.files[f"/mnist/{name}"] = data
    monkeypatch.setitem(SETS, "mnist", with_hashes("mnist", files))
    monkeypatch.setenv("NNVIZ_DATA_MIRROR", server.url)
    monkeypatch.setenv("NNVIZ_DATA_DIR", str(tmp_path / "kept"))
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    monkeypatch.chdir(tmp_path)
    yield server, files, tmp_path
    server.close()


def mnist_panel(qtbot):
    doc = GraphDocument()
    i = doc.add_node("input", params={"shape": (2,)})
    f = doc.add_node("flatten")
    o = doc.add_node("dense", params={"units": 10})
    doc.connect(i.id, f.id)
    doc.connect(f.id, o.id)
    doc.set_data({"kind": "known", "name": "mnist", "limit": 0, "seed": 0, "flat": False})
    panel = DataPanel(doc, GraphController(doc, QUndoStack()))
    qtbot.addWidget(panel)
    panel.resize(460, 640)
    panel.show()
    return panel, doc


def test_the_guides_sets_are_offered_in_the_list():
    labels = {base.get("name"): label for label, base, _ in CHOICES if base.get("kind") == "known"}
    assert set(labels) == {"mnist", "fashion-mnist", "cifar10"}


def test_fetch_shows_progress_then_the_data_and_the_input_follows(qtbot, setup):
    server, files, tmp = setup
    panel, doc = mnist_panel(qtbot)
    box = panel.fetch_box
    assert box.isVisible() and box.fetch_button.isVisible()
    assert "not on this computer yet" in box.where.text() and "not on this computer" in panel.message.text()
    seen = []
    box.progressed.connect(lambda done, total, name: seen.append((done, total, name)))
    qtbot.mouseClick(box.fetch_button, qtbot_left())
    with qtbot.waitSignal(box.fetched, timeout=20_000):
        pass
    assert any(name == TRAIN_IMAGES and done == total == len(files[TRAIN_IMAGES]) for done, total, name in seen)
    assert panel.dataset is not None and panel.dataset.x_train.shape == (300, 1, 28, 28)
    assert "fetched by nnviz" in box.where.text() and not box.fetch_button.isVisible()
    assert doc.nodes[next(n for n in doc.nodes if doc.nodes[n].type == "input")].params["shape"] == (1, 28, 28)


def test_cancel_keeps_what_arrived_and_the_next_fetch_continues(qtbot, setup):
    server, files, tmp = setup
    panel, _ = mnist_panel(qtbot)
    box = panel.fetch_box
    later = "/mnist/t10k-images-idx3-ubyte.gz"
    server.behaviour[later] = "hang"  # the training files arrive, then the test images never do
    box.start()
    qtbot.waitUntil(lambda: bool(server.requests_for(later)), timeout=10_000)
    assert box.cancel_button.isVisible()
    qtbot.mouseClick(box.cancel_button, qtbot_left())
    server.release.set()  # the server lets go; the worker sees Cancel as soon as its request returns
    box.wait(30)
    qtbot.waitUntil(lambda: "Cancelled" in box.where.text(), timeout=10_000)
    assert (tmp / "kept" / "mnist" / TRAIN_IMAGES).read_bytes() == files[TRAIN_IMAGES]
    del server.behaviour[later]
    with qtbot.waitSignal(box.fetched, timeout=20_000):
        qtbot.mouseClick(box.fetch_button, qtbot_left())
    assert len(server.requests_for(f"/mnist/{TRAIN_IMAGES}")) == 1  # kept, not fetched again
    assert panel.dataset is not None and len(panel.dataset.x_train) == 300


def test_closing_the_panel_mid_fetch_stops_the_worker_quietly(qtbot, setup):
    """The learner closes the window while a set is arriving: the worker must not touch the deleted widgets
    (that raced their deletion and aborted the process) and stops at the next piece."""
    import threading

    from shiboken6 import Shiboken

    server, _, _ = setup
    panel, _ = mnist_panel(qtbot)
    box = panel.fetch_box
    hanging = f"/mnist/{TRAIN_IMAGES}"
    server.behaviour[hanging] = "hang"
    box.start()
    worker = box.worker
    qtbot.waitUntil(lambda: bool(server.requests_for(hanging)), timeout=10_000)
    raised = []
    previous, threading.excepthook = threading.excepthook, raised.append
    try:
        Shiboken.delete(panel)  # what closing the window does to its widgets
        server.release.set()
        worker.join(30)
    finally:
        threading.excepthook = previous
    assert not worker.is_alive() and raised == []
    assert len(server.requests_for("/mnist/t10k-images-idx3-ubyte.gz")) == 0  # stopped, not fetching on


def test_a_silent_server_ends_in_the_message_and_fetch_stays_offered(qtbot, setup):
    server, _, _ = setup
    panel, _ = mnist_panel(qtbot)
    box = panel.fetch_box
    box.timeout = (0.5, 0.5)
    server.behaviour[f"/mnist/{TRAIN_IMAGES}"] = "hang"
    box.start()
    qtbot.waitUntil(lambda: "did not answer" in box.where.text(), timeout=15_000)
    assert box.fetch_button.isVisible() and box.fetch_button.isEnabled()
    assert "8x8 handwritten digits" in box.where.text()


def qtbot_left():
    from PySide6.QtCore import Qt

    return Qt.MouseButton.LeftButton


def test_the_mnist_example_offers_fetch_then_use_and_undo_goes_back_to_the_stand_in(qtbot, setup):
    from pathlib import Path

    from nnviz.io import load

    doc = load(Path(__file__).resolve().parent.parent / "resources" / "examples" / "seed-mnist-mlp.nnviz")
    stack = QUndoStack()
    panel = DataPanel(doc, GraphController(doc, stack))
    qtbot.addWidget(panel)
    panel.show()
    box = panel.fetch_box
    assert box.isVisible() and box.fetch_button.isVisible() and not box.use_button.isVisible()
    assert "stand-in for MNIST" in box.where.text() and "learning rate 0.001" in box.where.text()
    assert panel.dataset is not None and panel.dataset.sample_shape == (1, 8, 8)  # the stand-in meanwhile
    with qtbot.waitSignal(box.fetched, timeout=20_000):
        qtbot.mouseClick(box.fetch_button, qtbot_left())
    qtbot.waitUntil(box.use_button.isVisible, timeout=5_000)
    assert "fetched by nnviz" in box.where.text()
    qtbot.mouseClick(box.use_button, qtbot_left())
    assert doc.data == {"kind": "known", "name": "mnist"}
    assert doc.node_by_name("image").params["shape"] == (1, 28, 28)
    assert doc.training.lr == 0.001 and doc.training.batch_size == 32
    qtbot.waitUntil(lambda: panel.dataset is not None and panel.dataset.sample_shape == (1, 28, 28), timeout=5_000)
    while stack.canUndo():
        stack.undo()
    assert doc.data["kind"] == "digits" and "real" in doc.data
    assert tuple(doc.node_by_name("image").params["shape"]) == (1, 8, 8) and doc.training.lr == 0.001
