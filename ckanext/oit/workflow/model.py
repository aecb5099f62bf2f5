"""The change requests of published datasets (own table, migration oit_0002)."""
from __future__ import annotations

import datetime
import json
import uuid
from typing import Any

from sqlalchemy import Column, DateTime, Text
from sqlalchemy.orm import Mapped

import ckan.plugins.toolkit as tk

OPEN, APPROVED, RETURNED = "open", "approved", "returned"


class ChangeRequest(tk.BaseModel):
    """Changes proposed to a published dataset, applied as a whole on approval.

    ``operations`` is a JSON list of the actions to replay, in order:
    ``{"action": "package_update" | "resource_create" | "resource_update" |
    "resource_delete", "data": {...}, "upload": {"path", "filename"} | null,
    "requested_by", "requested_at"}``.
    """

    __tablename__ = "oit_change_request"

    id: Mapped[str] = Column(Text, primary_key=True, default=lambda: str(uuid.uuid4()))
    package_id: Mapped[str] = Column(Text, nullable=False, index=True)
    owner_org: Mapped[str] = Column(Text, index=True)
    status: Mapped[str] = Column(Text, nullable=False, default=OPEN, index=True)
    requested_by: Mapped[str] = Column(Text, nullable=False)
    requested_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)
    updated_at: Mapped[datetime.datetime] = Column(DateTime, nullable=False)
    decided_by: Mapped[str] = Column(Text)
    decided_at: Mapped[datetime.datetime] = Column(DateTime)
    comment: Mapped[str] = Column(Text)
    operations: Mapped[str] = Column(Text, nullable=False, default="[]")

    def ops(self) -> list[dict[str, Any]]:
        return json.loads(self.operations or "[]")

    def set_ops(self, ops: list[dict[str, Any]]) -> None:
        self.operations = json.dumps(ops, ensure_ascii=False, default=str)
