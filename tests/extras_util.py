"""Optional extras (keras, onnxruntime) for comparison tests: skipped where absent, a failure where CI
requires them (NNVIZ_REQUIRE_EXTRAS=1, as NNVIZ_REQUIRE_TORCH=1 does for torch)."""

from __future__ import annotations

import importlib
import os

import pytest

from tests.torch_util import require_torch


def require_extra(module: str, extra: str):
    """Return the imported module; without it, skip (locally) or fail (NNVIZ_REQUIRE_EXTRAS=1)."""
    require_torch()
    if module == "keras" and "keras" not in __import__("sys").modules:
        os.environ.setdefault("KERAS_BACKEND", "torch")
    try:
        return importlib.import_module(module)
    except ImportError:
        if os.environ.get("NNVIZ_REQUIRE_EXTRAS") == "1":
            pytest.fail(f"{module} is required (NNVIZ_REQUIRE_EXTRAS=1) but cannot be imported: "
                        f'pip install -e ".[{extra}]"')
        pytest.skip(f"{module} is not installed (the [{extra}] extra)")


def require_keras():
    return require_extra("keras", "keras")


def require_onnxruntime():
    require_extra("onnx", "onnx")
    return require_extra("onnxruntime", "onnx")
