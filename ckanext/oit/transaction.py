"""The end of an action's unit of work.

CKAN lets a caller run several actions in one transaction by passing
``defer_commit``; then the caller commits (or rolls back) and our actions must
not commit on their own.
"""
from __future__ import annotations

from typing import Any

from ckan import model


def commit(context: dict[str, Any]) -> None:
    """Commit the session unless the caller deferred the commit (defer_commit)."""
    if not context.get("defer_commit"):
        model.repo.commit()
