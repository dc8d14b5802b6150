"""Runs a batch of nnviz commands in this one process, as `nnviz ARGS...` would, and prints one JSON line per
command: {"id", "rc", "out", "err", "traceback"} (traceback: an exception that escaped nnviz, or None).

    python -m tests.hostile_runner BATCH.json     # [{"id": ..., "argv": [...]}, ...]

The parent (test_hostile_corpus.py) starts it under a memory cap and a timeout; a line is flushed after
every command, so a hang is pinned on the command after the last line. A "window" argv
(["--screenshot", OUT, FILE]) goes through the same run_gui the `nnviz --screenshot` launcher calls,
with one QApplication for the whole batch.
"""

from __future__ import annotations

import contextlib
import faulthandler
import io
import json
import sys
import time
import traceback

HANG_SECONDS = 60  # one command longer than this is a hang: print every thread's stack and stop


def run_one(argv: list[str]) -> dict[str, object]:
    out, err = io.StringIO(), io.StringIO()
    escaped = None
    rc: object = None
    hook = sys.excepthook

    def record(kind, value, tb) -> None:  # Qt slots hand their exceptions to sys.excepthook
        nonlocal escaped
        escaped = "".join(traceback.format_exception(kind, value, tb))

    sys.excepthook = record
    try:
        with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
            try:
                from nnviz.app import main

                rc = main(argv)
            except SystemExit as exc:
                rc = exc.code
            except BaseException:  # anything escaping nnviz is what the corpus looks for
                escaped = traceback.format_exc()
    finally:
        sys.excepthook = hook
    return {"rc": rc, "out": out.getvalue()[-2000:], "err": err.getvalue()[-4000:], "traceback": escaped}


def main(path: str) -> int:
    with open(path, encoding="utf-8") as f:
        batch = json.load(f)
    for job in batch:
        print(json.dumps({"id": job["id"], "start": True}), flush=True)
        faulthandler.dump_traceback_later(HANG_SECONDS, exit=True)
        start = time.perf_counter()
        result = run_one(job["argv"])
        faulthandler.cancel_dump_traceback_later()
        print(json.dumps({"id": job["id"], "seconds": round(time.perf_counter() - start, 2), **result}), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1]))
