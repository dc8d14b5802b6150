"""Shared test setup: Qt runs offscreen; NumPy's BLAS uses one thread.

Small matrix products get about ten times slower on a loaded 2-core machine when OpenBLAS spreads them
over threads, and pytest-xdist already runs one worker per core. Set before NumPy is first imported
(the workers inherit the environment).
"""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")
