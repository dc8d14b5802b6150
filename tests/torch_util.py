"""PyTorch for comparison tests: skipped where torch is absent, a failure where CI requires it."""

from __future__ import annotations

import os

import pytest


def require_torch():
    """Return the torch module; without it, skip (locally) or fail (NNVIZ_REQUIRE_TORCH=1, as in CI)."""
    try:
        import torch
    except ImportError:
        if os.environ.get("NNVIZ_REQUIRE_TORCH") == "1":
            pytest.fail("torch is required (NNVIZ_REQUIRE_TORCH=1) but cannot be imported")
        pytest.skip("torch is not installed")
    torch.set_num_threads(1)
    return torch
