"""The walk-through of tests/x11_walkthrough.py on a real X server (Xvfb + openbox), real mouse and keys.

Runs where Xvfb, openbox, xdotool and ImageMagick's import are installed (.ci/run installs them with
apt-get and sets NNVIZ_REQUIRE_X11=1, so there a missing tool fails instead of skipping). Elsewhere it is
skipped with the reason. Screenshots go to a temporary folder (NNVIZ_WALKTHROUGH_SHOTS keeps them).
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import subprocess
import sys
import time
from pathlib import Path

import pytest

HERE = Path(__file__).resolve().parent
TOOLS = ("Xvfb", "openbox", "xdotool", "import")
MISSING = [tool for tool in TOOLS if shutil.which(tool) is None]

if MISSING and os.environ.get("NNVIZ_REQUIRE_X11") != "1":
    pytest.skip(f"needs a real X server and input tools, not installed here: {', '.join(MISSING)} "
                "(apt-get install xvfb openbox xdotool imagemagick)", allow_module_level=True)

pytestmark = pytest.mark.gui


@contextlib.contextmanager
def x_server(width: int, height: int):
    """A fresh Xvfb display with a window manager (focus, raising and drags behave as on a desktop)."""
    # -displayfd: Xvfb picks a free display itself and writes its number to the pipe once it accepts
    # clients (no race between parallel test workers choosing the same number).
    read_end, write_end = os.pipe()
    xvfb = subprocess.Popen(["Xvfb", "-displayfd", str(write_end), "-screen", "0", f"{width}x{height}x24",
                             "-nolisten", "tcp"], pass_fds=(write_end,),
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    os.close(write_end)
    with os.fdopen(read_end) as pipe:
        number = pipe.readline().strip()
    if not number:
        xvfb.kill()
        pytest.fail("Xvfb did not start")
    display = f":{number}"
    env = dict(os.environ, DISPLAY=display)
    env.pop("QT_QPA_PLATFORM", None)  # the real xcb platform, not offscreen
    manager = subprocess.Popen(["openbox"], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    time.sleep(0.5)
    try:
        yield env
    finally:
        manager.terminate()
        xvfb.terminate()
        for process in (manager, xvfb):
            with contextlib.suppress(subprocess.TimeoutExpired):
                process.wait(timeout=10)


@pytest.mark.parametrize(("size", "lang"), [("1280x800", "en"), ("1920x1080", "zh_CN")])
def test_a_learner_rewires_a_layer_and_steps_one_training_step(tmp_path: Path, size: str, lang: str) -> None:
    assert not MISSING, f"NNVIZ_REQUIRE_X11=1 but missing: {MISSING}"
    shots = Path(os.environ.get("NNVIZ_WALKTHROUGH_SHOTS", tmp_path)) / f"{size}-{lang}"
    width, height = (int(v) for v in size.split("x"))
    with x_server(width, height) as env:
        result = subprocess.run([sys.executable, str(HERE / "x11_walkthrough.py"), str(shots), "--size", size,
                                 "--lang", lang], env=env, capture_output=True, text=True, timeout=240)
    assert result.returncode == 0, result.stderr[-3000:]
    seen = json.loads(result.stdout.strip().splitlines()[-1])
    assert seen["nodes"] == 4 and seen["edges"] == 3
    # batch, 4 forwards, the loss, backwards and updates: a whole step takes more than a handful of presses
    assert seen["micro_steps"] >= 8
    assert (shots / "6-one-step-done.png").stat().st_size > 10_000
