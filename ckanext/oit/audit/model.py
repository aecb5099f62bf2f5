"""The ``oit_audit_event`` table and its mapped class.

The table lives on a ``MetaData`` of its own, not CKAN's: CKAN's test reset
empties every table of its metadata with DELETE, which the append-only trigger
(migration ``oit_0001_audit``) refuses. The migration creates the table; this
module only describes it.
"""
from __future__ import annotations

import datetime

from sqlalchemy import BigInteger, Column, DateTime, Index, MetaData, Table, Text
from sqlalchemy.orm import registry


metadata = MetaData()

audit_event_table = Table(
    "oit_audit_event",
    metadata,
    Column("id", BigInteger, primary_key=True, autoincrement=True),
    Column("created", DateTime, nullable=False),
    Column("actor_id", Text),
    Column("actor_name", Text),
    Column("package_id", Text),
    Column("owner_org", Text),
    Column("action", Text, nullable=False),
    Column("from_state", Text),
    Column("to_state", Text),
    Column("comment", Text),
    Column("before", Text),
    Column("after", Text),
    Column("change_request_id", Text),
    Column("prev_hash", Text, nullable=False),
    Column("hash", Text, nullable=False, unique=True),
    Index("idx_oit_audit_event_package_id", "package_id"),
    Index("idx_oit_audit_event_owner_org", "owner_org"),
)

# The columns covered by an event's hash, besides ``prev_hash``. ``before`` and
# ``after`` are the stored JSON text, so the hash is computed over what is kept.
CONTENT_FIELDS: tuple[str, ...] = (
    "created",
    "actor_id",
    "actor_name",
    "package_id",
    "owner_org",
    "action",
    "from_state",
    "to_state",
    "comment",
    "before",
    "after",
    "change_request_id",
)


class AuditEvent:
    """One event of the audit trail. Rows are written once and never changed."""

    id: int
    created: datetime.datetime
    actor_id: str | None
    actor_name: str | None
    package_id: str | None
    owner_org: str | None
    action: str
    from_state: str | None
    to_state: str | None
    comment: str | None
    before: str | None
    after: str | None
    change_request_id: str | None
    prev_hash: str
    hash: str

    def __init__(self, **fields: object) -> None:
        for name, value in fields.items():
            setattr(self, name, value)

    def __repr__(self) -> str:
        return f"<AuditEvent {getattr(self, 'id', None)} {self.action} {self.package_id}>"


registry().map_imperatively(AuditEvent, audit_event_table)
