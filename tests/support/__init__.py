"""What several test modules share that is neither a test nor a fixture: helper
functions, constants and classes (the fixtures are in the conftest.py files)."""
from __future__ import annotations

from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
