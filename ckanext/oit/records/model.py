"""The state of each resource's records: queued, valid, invalid (with its
problems), loaded (own table, migration oit_0003)."""
from __future__ import annotations

import datetime
import json
from typing import Any

from sqlalchemy import Column, DateTime, Integer, Text

import ckan.plugins.toolkit as tk

QUEUED, INVALID, LOADED, FAILED = "queued", "invalid", "loaded", "failed"
MAX_PROBLEMS = 1000


class RecordsLoad(tk.BaseModel):
    __tablename__ = "oit_records_load"

    resource_id = Column(Text, primary_key=True)
    package_id = Column(Text, index=True)
    table_name = Column(Text)
    status = Column(Text, nullable=False)
    row_count = Column(Integer)
    problem_count = Column(Integer)
    problems = Column(Text)
    encoding = Column(Text)
    updated_at = Column(DateTime, nullable=False)
    warnings = Column(Text)     # what the file lacks, shown but never blocking (oit_0009)
    job_id = Column(Text)       # the RQ job of the latest queueing, for the watchdog
    attempts = Column(Integer)  # how many times that file was queued

    def as_dict(self, limit: int = 100) -> dict[str, Any]:
        problems = json.loads(self.problems or "[]")
        return {"status": self.status, "table": self.table_name, "row_count": self.row_count,
                "problem_count": self.problem_count or 0, "problems": problems[:limit],
                "encoding": self.encoding, "updated_at": self.updated_at.isoformat(),
                "warnings": json.loads(self.warnings or "[]")[:limit]}

    def set(self, status: str, *, rows: int | None = None, problems: list[dict] | None = None,
            encoding: str | None = None, warnings: list[dict] | None = None,
            problem_count: int | None = None) -> None:
        """``problem_count``: all that were found, when ``problems`` holds only the first."""
        self.status = status
        self.warnings = json.dumps((warnings or [])[:MAX_PROBLEMS], ensure_ascii=False)
        self.row_count = rows
        self.problem_count = problem_count if problem_count is not None else len(problems or [])
        self.problems = json.dumps((problems or [])[:MAX_PROBLEMS], ensure_ascii=False)
        self.encoding = encoding
        self.updated_at = datetime.datetime.utcnow()
