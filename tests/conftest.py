"""Shared test setup: Qt runs offscreen, every test is deterministic and headless."""

from __future__ import annotations

import os

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
