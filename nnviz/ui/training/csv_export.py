"""Write a micro-step's tensors as one CSV table a spreadsheet opens (no Qt).

Long format, one value a row: tensor, index (e.g. "0;1"), value at full precision. A few header
rows starting with '#' say which step, phase and node the numbers belong to.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np


def write_csv(path: str | Path, tensors: dict[str, np.ndarray], header: dict[str, str] | None = None) -> None:
    with open(path, "w", newline="", encoding="utf-8") as fh:
        for key, value in (header or {}).items():
            fh.write(f"# {key}: {value}\n")
        writer = csv.writer(fh)
        writer.writerow(["tensor", "index", "value"])
        for name, tensor in tensors.items():
            a = np.asarray(tensor)
            for index in np.ndindex(*a.shape):
                writer.writerow([name, ";".join(map(str, index)), repr(float(a[index]))])


def read_csv(path: str | Path) -> dict[str, dict[tuple[int, ...], float]]:
    """The values written by write_csv, by tensor then index (tests, round trips)."""
    out: dict[str, dict[tuple[int, ...], float]] = {}
    with open(path, encoding="utf-8") as fh:
        rows = csv.reader(line for line in fh if not line.startswith("#"))
        next(rows)
        for name, index, value in rows:
            key = tuple(int(i) for i in index.split(";")) if index else ()
            out.setdefault(name, {})[key] = float(value)
    return out
