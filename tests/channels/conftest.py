"""Every channels test starts and ends with no rate limit counted."""
from __future__ import annotations

import pytest


@pytest.fixture(autouse=True)
def fresh_limits(fresh_limits):
    """tests/conftest.py's fresh_limits, for every test here."""
    return fresh_limits
