"""Make the README's screenshots with `nnviz --screenshot` (offscreen, no display needed).

    python packaging/make_screenshots.py                  all shots into docs/screenshots/
    python packaging/make_screenshots.py --only dark zh_CN --out /tmp/shots

Each shot is one run of the real app: a file, a number of training micro-steps, a language and a theme.
See docs/screenshots.md for what each picture shows. Look at them after changing the UI.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "resources" / "examples"
OUT = ROOT / "docs" / "screenshots"


@dataclass(frozen=True)
class Shot:
    name: str
    what: str
    file: str | None = None  # an example name, "error" for a generated broken network, None for the default
    steps: int = 0
    lang: str = "en"
    theme: str = "light"
    size: str = "1280x800"
    extra: tuple[str, ...] = field(default_factory=tuple)


SHOTS = (
    Shot("start", "What a first start shows: the embedded XOR network, ready to step."),
    Shot("backward", "One sigmoid neuron stopped in the backward pass: δ and the gradients with the numbers.",
         "seed-single-neuron.nnviz", steps=5),
    Shot("spirals", "Training on two spirals: curves, a hidden layer's outputs as a heatmap.",
         "spirals.nnviz", steps=400),
    Shot("error", "A network with a shape error: the layer turns red and the Problems panel says how to fix it.",
         "error"),
    Shot("zh_CN", "The Chinese user interface (Language menu or --lang zh_CN).",
         "seed-single-neuron.nnviz", steps=5, lang="zh_CN"),
    Shot("dark", "The dark theme (follows the system; View > Theme overrides it).", "xor.nnviz", steps=12,
         theme="dark"),
    Shot("large", "The same at 1920x1080.", "seed-single-neuron.nnviz", steps=5, size="1920x1080"),
    Shot("attention", "A Transformer at its first attention micro-step: each head's weights over the sentence, "
         "the formula of one query row with its numbers.", "transformer-sentiment.nnviz", steps=5, lang="zh_CN"),
)


def broken_network(folder: Path) -> Path:
    """An image input wired straight into a Dense layer (no Flatten): a shape error a learner meets."""
    from nnviz.graph import GraphDocument
    from nnviz.graph.layout import layered_layout
    from nnviz.io import save

    doc = GraphDocument()
    image = doc.add_node("input", params={"shape": (1, 28, 28)})
    conv = doc.add_node("conv2d", params={"out_channels": 4, "activation": "relu"})
    dense = doc.add_node("dense", params={"units": 10})
    doc.connect(image.id, conv.id)
    doc.connect(conv.id, dense.id)
    for node_id, pos in layered_layout(doc).items():  # the canvas's own spacing: room for shape labels
        doc.move(node_id, pos)
    path = folder / "missing-flatten.nnviz"
    save(doc, path)
    return path


def take(shot: Shot, out_dir: Path, scratch: Path) -> tuple[Path, float]:
    out = out_dir / f"{shot.name}.png"
    app = "import sys; from nnviz.app import main; sys.exit(main())"  # the `nnviz` command, this Python
    command = [sys.executable, "-c", app, "--screenshot", str(out), "--size", shot.size, "--lang", shot.lang]
    if shot.file == "error":
        command.append(str(broken_network(scratch)))
    elif shot.file:
        command.append(str(EXAMPLES / shot.file))
    if shot.steps:
        command += ["--steps", str(shot.steps)]
    env = dict(os.environ, QT_QPA_PLATFORM="offscreen", NNVIZ_THEME=shot.theme)
    start = time.perf_counter()
    done = subprocess.run([*command, *shot.extra], capture_output=True, text=True, env=env, timeout=600)
    if done.returncode != 0 or not out.is_file():
        raise RuntimeError(f"{shot.name}: nnviz --screenshot failed\n{done.stdout}\n{done.stderr}")
    return out, time.perf_counter() - start


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, default=OUT, help="folder for the PNGs (default docs/screenshots)")
    parser.add_argument("--only", nargs="*", help="names of the shots to take (default: all)")
    args = parser.parse_args(argv)
    args.out.mkdir(parents=True, exist_ok=True)
    wanted = [s for s in SHOTS if not args.only or s.name in args.only]
    with tempfile.TemporaryDirectory() as scratch:
        for shot in wanted:
            path, seconds = take(shot, args.out, Path(scratch))
            print(f"{path}  ({seconds:.1f} s)  {shot.what}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
