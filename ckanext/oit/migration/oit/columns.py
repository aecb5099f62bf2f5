"""The few kinds of column our migrations are made of.

A migration is history: what it creates must not change once it has run
somewhere. So a shorthand here never changes either; add a new one instead.
"""
from __future__ import annotations

from typing import Any

import sqlalchemy as sa


def key(name: str = "id", type_: Any = sa.Text) -> sa.Column:
    """(Part of) the primary key."""
    return sa.Column(name, type_, primary_key=True)


def required(name: str, type_: Any = sa.Text, index: bool = False) -> sa.Column:
    return sa.Column(name, type_, nullable=False, index=index)


def optional(*names: str, type_: Any = sa.Text) -> list[sa.Column]:
    """Columns that may be empty, all of one type."""
    return [sa.Column(name, type_) for name in names]


def organisation() -> sa.Column:
    """The CKAN organisation a row belongs to, searched by."""
    return required("owner_org", index=True)


def complaint() -> sa.Column:
    """The complaint a row belongs to; it goes with the complaint."""
    return sa.Column("complaint_id", sa.Text, sa.ForeignKey("oit_complaint.id", ondelete="CASCADE"),
                     nullable=False, index=True)
