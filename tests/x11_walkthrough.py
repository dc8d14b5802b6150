"""A learner's first minutes, with a real mouse and keyboard on a real X server (run by test_x11_walkthrough).

    DISPLAY=:N python tests/x11_walkthrough.py OUT_DIR --size 1280x800 [--lang zh_CN]

Opens the window on the xor network, then, through xdotool (real X events, as a person's hand makes them):
clicks the edge hidden -> logits and deletes it with the Delete key, drags ReLU from the Layers palette
onto the canvas, wires hidden -> ReLU and ReLU -> logits port to port, and presses F10 until one whole
training step is done. After each act it checks the document and the session, and saves a screenshot of
the whole screen to OUT_DIR. Prints one JSON line with what it saw; exits 1 on the first thing that is wrong.
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from PySide6.QtCore import QPoint, QPointF, QSettings
from PySide6.QtWidgets import QApplication

from nnviz.ui.shell.launch import _install_translator
from nnviz.ui.shell.main_window import MainWindow

STEP_TIMEOUT_S = 20.0


class WalkthroughError(Exception):
    pass


def xdotool(*args: object) -> None:
    """Runs xdotool without blocking the event loop (a drag runs inside Qt's own nested drag loop)."""
    process = subprocess.Popen(["xdotool", *map(str, args)])
    wait_until(lambda: process.poll() is not None, f"xdotool {args} to finish")


def wait_until(condition, what: str, timeout: float = STEP_TIMEOUT_S) -> None:
    app = QApplication.instance()
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        app.processEvents()
        if condition():
            return
        time.sleep(0.01)
    raise WalkthroughError(f"timed out waiting for {what}")


def settle(seconds: float = 0.3) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        QApplication.instance().processEvents()
        time.sleep(0.01)


def on_screen(window: MainWindow, scene_pos: QPointF) -> QPoint:
    view = window.canvas
    return view.viewport().mapToGlobal(view.mapFromScene(scene_pos))


def drag(start: QPoint, end: QPoint, steps: int = 12) -> None:
    """Press, move in small steps (Qt starts a drag only past the drag distance), release."""
    moves: list[object] = ["mousemove", start.x(), start.y(), "mousedown", "1"]
    for i in range(1, steps + 1):
        x = start.x() + (end.x() - start.x()) * i // steps
        y = start.y() + (end.y() - start.y()) * i // steps
        moves += ["sleep", "0.03", "mousemove", x, y]
    moves += ["sleep", "0.1", "mouseup", "1"]
    xdotool(*moves)


def node_named(window: MainWindow, name: str) -> str:
    for nid, node in window.document.nodes.items():
        if node.name == name:
            return nid
    raise WalkthroughError(f"no layer named {name!r}")


def screenshot(out: Path, name: str) -> None:
    settle(0.2)
    subprocess.run(["import", "-window", "root", str(out / f"{name}.png")], check=False, timeout=30)


def run(out: Path, size: tuple[int, int], lang: str | None) -> dict[str, object]:
    app = QApplication.instance() or QApplication(["nnviz"])
    app.setOrganizationName("nnviz-walkthrough")
    _install_translator(app, lang)
    scratch = tempfile.TemporaryDirectory(prefix="nnviz-walk-")
    settings = QSettings(str(Path(scratch.name) / "settings.ini"), QSettings.Format.IniFormat)
    window = MainWindow(settings=settings, recovery_dir=Path(scratch.name) / "recovery")
    window.resize(*size)
    window.move(0, 0)
    window.show()
    wait_until(lambda: window.isVisible() and window.canvas.viewport().isVisible(), "the window to show")
    settle(1.0)
    window.activateWindow()
    window.canvas.fit_all()
    settle()
    screenshot(out, "1-start")
    seen: dict[str, object] = {"size": list(size), "lang": lang or "en"}

    # 1. Click the edge hidden -> logits, delete it with the Delete key.
    doc = window.document
    hidden, logits = node_named(window, "hidden"), node_named(window, "logits")
    edge = next(e for e in window.scene.edge_items if e.src == hidden and e.dst == logits)
    path = window.scene.edge_items[edge].path()
    point = on_screen(window, path.pointAtPercent(0.5))
    xdotool("mousemove", point.x(), point.y(), "click", "1")
    wait_until(lambda: edge in window.scene.selected_edges(), "the clicked edge to be selected")
    xdotool("key", "Delete")
    wait_until(lambda: not any(e.src == hidden and e.dst == logits for e in doc.edges), "the edge to be deleted")
    screenshot(out, "2-edge-deleted")

    # 2. Drag ReLU from the palette to the empty canvas between the two layers.
    tree = window.palette.tree
    item = window.palette.items["relu"]
    tree.scrollToItem(item)
    settle()
    start = tree.viewport().mapToGlobal(tree.visualItemRect(item).center())
    a, b = window.scene.node_items[hidden], window.scene.node_items[logits]
    target_scene = QPointF((a.scenePos().x() + b.scenePos().x()) / 2, a.scenePos().y() + 170)
    target = on_screen(window, target_scene)
    before = set(doc.nodes)
    drag(start, target)
    wait_until(lambda: len(doc.nodes) == len(before) + 1, "the dropped ReLU layer")
    relu = (set(doc.nodes) - before).pop()
    if doc.nodes[relu].type != "relu":
        raise WalkthroughError(f"dropped a {doc.nodes[relu].type}, not relu")
    settle()
    screenshot(out, "3-relu-dropped")

    # 3. Wire hidden -> relu and relu -> logits, port to port.
    for src, dst in ((hidden, relu), (relu, logits)):
        items = window.scene.node_items
        drag(on_screen(window, items[src].out_port.scenePos()), on_screen(window, items[dst].in_ports[0].scenePos()))
        wait_until(lambda s=src, d=dst: any(e.src == s and e.dst == d for e in doc.edges), f"the wire {src}->{dst}")
    analysis = doc.analysis()
    if not analysis.valid:
        raise WalkthroughError(f"the rewired network has problems: {analysis.messages()}")
    screenshot(out, "4-wired")

    # 4. F10 until one whole training step (batch, forwards, loss, backwards, updates) is done.
    window.canvas.setFocus()
    presses = 0
    controller = window.training

    def steps_done() -> int:
        session = getattr(controller, "session", None)
        return 0 if session is None else session.steps_done

    while steps_done() < 1:
        presses += 1
        if presses > 40:
            raise WalkthroughError("40 presses of F10 did not finish one training step")
        xdotool("key", "F10")
        settle(0.05)
        if presses == 3:
            screenshot(out, "5-stepping")
    settle(0.5)
    screenshot(out, "6-one-step-done")
    seen.update(micro_steps=presses, nodes=len(doc.nodes), edges=len(doc.edges))
    window.discard_unsaved_work()
    window.close()
    return seen


def main() -> int:
    parser = argparse.ArgumentParser()
    parser.add_argument("out", type=Path)
    parser.add_argument("--size", default="1280x800")
    parser.add_argument("--lang")
    args = parser.parse_args()
    if shutil.which("xdotool") is None:
        print("xdotool is not installed", file=sys.stderr)
        return 2
    args.out.mkdir(parents=True, exist_ok=True)
    width, height = (int(v) for v in args.size.split("x"))
    try:
        seen = run(args.out, (width, height), args.lang)
    except WalkthroughError as exc:
        screenshot(args.out, "failed")
        print(f"walkthrough failed: {exc}", file=sys.stderr)
        return 1
    print(json.dumps(seen))
    return 0


if __name__ == "__main__":
    sys.exit(main())
